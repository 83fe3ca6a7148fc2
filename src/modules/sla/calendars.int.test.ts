/**
 * `caseCalendars` (one statement) resolves the same calendars as `calendarOfEntity` and
 * `calendarOfProvider` (one owner at a time): every client entity and provider, with a provider's own
 * calendar and a duty station's stored one, before and after a new version; and the same errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import type { BusinessCalendar } from './business-calendar.ts';
import { addCalendarVersion, calendarOfEntity, calendarOfProvider, caseCalendars, compiledCalendar } from './calendars.ts';

let h: DatabaseHandle;
beforeAll(async () => {
  h = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  await h.close();
});

const HOUR = 3_600_000;
// Instants over two years, a few hours apart, in business time: the same answers mean the same calendar.
const starts = Array.from({ length: 60 }, (_, i) => Date.UTC(2026, 0, 1) + i * 293 * HOUR);
const answers = (c: BusinessCalendar) => [c.timeZone, ...starts.map((s) => c.addBusinessMs(s, 5 * HOUR))];

async function expectSameAsOneByOne() {
  // RCO-CL (its duty station gets a stored calendar below) and a sample of the others
  const all = (await h.db.selectFrom('client_entities').select('code').orderBy('code').execute()).map((r) => r.code);
  const entities = ['RCO-CL', ...all.filter((c, i) => c !== 'RCO-CL' && i % 15 === 0)];
  const providers = (await h.db.selectFrom('providers').select('code').execute()).map((r) => r.code);
  expect(entities.length).toBeGreaterThan(3);
  expect(providers.length).toBeGreaterThan(3);
  for (const [i, entity] of entities.entries()) {
    const some = providers.filter((_, j) => (i + j) % 3 === 0);
    const got = await caseCalendars(h.db, entity, some);
    expect(answers(got.client)).toEqual(answers(compiledCalendar(await calendarOfEntity(h.db, entity))));
    expect([...got.providers.keys()].sort()).toEqual([...some].sort());
    for (const p of some) {
      expect(answers(got.providers.get(p) as BusinessCalendar)).toEqual(
        answers(compiledCalendar(await calendarOfProvider(h.db, p))),
      );
    }
  }
}

describe('caseCalendars', () => {
  it('resolves as calendarOfEntity and calendarOfProvider do, stored calendars and new versions included', async () => {
    await expectSameAsOneByOne();
    const week = (from: string, to: string) => ({
      mon: [[from, to]],
      tue: [[from, to]],
      wed: [[from, to]],
      thu: [[from, to]],
      fri: [[from, to]],
      sat: [],
      sun: [],
    });
    // a provider's own calendar, and a duty station's stored calendar with a second version later on
    await addCalendarVersion(
      h.db,
      null,
      { provider: 'UNON' },
      {
        effectiveFrom: '2026-03-01',
        spec: { timeZone: 'Africa/Nairobi', week: week('07:00', '15:00') as never, holidays: ['2026-05-01'] },
      },
    );
    const entity = await h.db
      .selectFrom('client_entities')
      .select('duty_station_code')
      .where('code', '=', 'RCO-CL')
      .executeTakeFirstOrThrow();
    await addCalendarVersion(
      h.db,
      null,
      { dutyStation: entity.duty_station_code },
      {
        effectiveFrom: '2026-02-01',
        spec: { timeZone: 'America/Santiago', week: week('08:30', '17:30') as never },
      },
    );
    await expectSameAsOneByOne();
    await addCalendarVersion(
      h.db,
      null,
      { dutyStation: entity.duty_station_code },
      {
        effectiveFrom: '2026-09-01',
        spec: { timeZone: 'America/Santiago', week: week('10:00', '14:00') as never },
      },
    );
    await expectSameAsOneByOne();
  });

  it('names an unknown entity or provider', async () => {
    await expect(caseCalendars(h.db, 'NOPE', [])).rejects.toMatchObject({ code: 'DIRECTORY_ENTITY_NOT_FOUND' });
    await expect(caseCalendars(h.db, 'RCO-CL', ['NOPE'])).rejects.toMatchObject({ code: 'DIRECTORY_PROVIDER_NOT_FOUND' });
  });
});
