import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { findClientEntities, findDutyStations, findProviders, summarizeClientEntities } from './directory.repository.ts';

let h: DatabaseHandle;
beforeAll(async () => {
  h = await createTestDatabase();
});
afterAll(async () => {
  await h.close();
});

const page = { page: 1, pageSize: 50, order: 'asc' as const };

describe('directory on the reference data', () => {
  it('counts 132 resident-coordinator offices covering 162 countries and territories (para 13)', async () => {
    const r = await sql<{
      n: string;
    }>`select count(*) as n from client_entities where kind = 'resident-coordinator-office'`.execute(h.db);
    expect(Number(r.rows[0]?.n)).toBe(132);
    const s = await summarizeClientEntities(h.db);
    expect(s.byKind['resident-coordinator-office']).toBe(132);
    expect(s.rcoCountriesCovered).toBe(162);
    const rco = await findClientEntities(h.db, { ...page, kind: 'resident-coordinator-office', sort: 'code' });
    expect(rco.total).toBe(132);
    expect(rco.items.every((e) => /^RCO-[A-Z]{2}$/.test(e.code))).toBe(true);
  });

  it('places every provider of map 1 at a duty station with a time zone', async () => {
    const providers = await findProviders(h.db, { ...page, sort: 'code' });
    const codes = providers.items.map((p) => p.code);
    for (const c of ['GSC', 'RSCE', 'KJSO', 'UNOG', 'UNON', 'UNOV', 'ECA', 'ECLAC', 'ESCAP', 'ESCWA']) expect(codes).toContain(c);
    expect(providers.items.every((p) => p.dutyStation.timeZone)).toBe(true);
    expect(providers.items.find((p) => p.code === 'GSC')?.dutyStation.city).toMatch(/Brindisi/);
  });

  it('searches, filters, sorts and paginates', async () => {
    const byName = await findClientEntities(h.db, { ...page, q: 'Afghanistan', sort: 'code' });
    expect(byName.items.map((e) => e.code)).toContain('UNAMA');
    const chile = await findClientEntities(h.db, { ...page, country: 'cl', sort: 'code' });
    expect(chile.items.map((e) => e.code)).toContain('RCO-CL');
    const p1 = await findClientEntities(h.db, { ...page, pageSize: 10, sort: 'code' });
    const p2 = await findClientEntities(h.db, { ...page, page: 2, pageSize: 10, sort: 'code' });
    expect(p1.items).toHaveLength(10);
    expect(p1.total).toBe(p2.total);
    expect(p1.items[9]!.code < p2.items[0]!.code).toBe(true);
    const desc = await findDutyStations(h.db, { ...page, order: 'desc', sort: 'code', includeObsolete: 'false' });
    const codes = desc.items.map((s) => s.code);
    expect([...codes].sort().reverse()).toEqual(codes);
    const pct = await findDutyStations(h.db, { ...page, q: '%', sort: 'code', includeObsolete: 'true' });
    expect(pct.total).toBe(0);
  });
});
