/**
 * The SLA screens' pure helpers: targets read and written as the server takes them, the weekly grid's
 * blocks (windows past midnight, 24:00), local times in a zone across daylight-saving changes, the version
 * in force on a date, the report's met share and month arithmetic.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client.ts';
import { translator } from '../../lib/test-translator.ts';
import coreFr from '../../locales/fr.json';
import slaFr from './locales/fr.json';
import type { CalendarSpec, CalendarVersion } from './sla.api.ts';
import {
  addDays,
  dayBlocks,
  isHhMm,
  localDate,
  metPercent,
  parseTarget,
  targetIso,
  versionInForce,
  versionNote,
  windowMinutes,
  zoneCity,
  zonedIso,
} from './sla-format.ts';
import { issueFor, issuesOf } from './sla-issues.ts';
import { addMonths } from './sla-search.ts';

const week = (w: Partial<CalendarSpec['week']>): CalendarSpec['week'] => ({
  mon: [],
  tue: [],
  wed: [],
  thu: [],
  fri: [],
  sat: [],
  sun: [],
  ...w,
});

describe('targets', () => {
  it('reads the shapes the server accepts and writes them back', () => {
    expect(parseTarget('PT4H')).toEqual({ amount: 4, unit: 'hours' });
    expect(parseTarget('PT30M')).toEqual({ amount: 30, unit: 'minutes' });
    expect(parseTarget('PT1H30M')).toEqual({ amount: 90, unit: 'minutes' });
    expect(parseTarget('P2D')).toEqual({ amount: 2, unit: 'days' });
    for (const bad of ['PT', 'P', '4h', 'P1W', 'PT1.5H', 'P1DT2H']) expect(parseTarget(bad), bad).toBeNull();
    expect(targetIso({ amount: 3, unit: 'hours' })).toBe('PT3H');
    expect(targetIso({ amount: 90, unit: 'minutes' })).toBe('PT90M');
    expect(targetIso({ amount: 10, unit: 'days' })).toBe('P10D');
    // PT90M is read back as the same 90 minutes
    expect(parseTarget(targetIso({ amount: 90, unit: 'minutes' }))).toEqual({ amount: 90, unit: 'minutes' });
  });
});

describe('the weekly grid', () => {
  it('cuts a window past midnight at 24:00 and carries the rest to the start of the next day', () => {
    const b = dayBlocks(week({ mon: [['21:00', '02:00']], sun: [['22:00', '06:00']] }));
    expect(b.mon).toEqual([
      { from: 0, to: 360, label: '22:00–06:00', carried: true },
      { from: 1260, to: 1440, label: '21:00–02:00', carried: false },
    ]);
    expect(b.tue).toEqual([{ from: 0, to: 120, label: '21:00–02:00', carried: true }]);
  });

  it('takes 24:00 as the end of the day and 00:00-24:00 as the whole day, with nothing carried', () => {
    const b = dayBlocks(week({ fri: [['13:00', '24:00']], sat: [['00:00', '24:00']] }));
    expect(b.fri).toEqual([{ from: 780, to: 1440, label: '13:00–24:00', carried: false }]);
    expect(b.sat).toEqual([{ from: 0, to: 1440, label: '00:00–24:00', carried: false }]);
    expect(b.sun).toEqual([]);
    expect(windowMinutes(['00:00', '24:00'])).toBe(1440);
    expect(windowMinutes(['21:00', '02:00'])).toBe(300);
    expect(windowMinutes(['09:00', '17:00'])).toBe(480);
  });

  it('accepts the bounds the server accepts', () => {
    for (const ok of ['00:00', '09:30', '23:59', '24:00']) expect(isHhMm(ok), ok).toBe(true);
    for (const bad of ['24:01', '9:00', '25:00', '12:60', '']) expect(isHhMm(bad), bad).toBe(false);
  });
});

describe('time zones', () => {
  it('writes a local time in a zone with that zone’s offset, on both sides of a daylight-saving change', () => {
    // Rome: UTC+1 in winter, UTC+2 from the last Sunday of March (29 March 2026)
    expect(zonedIso('2026-03-28T13:00', 'Europe/Rome')).toBe('2026-03-28T13:00:00+01:00');
    expect(zonedIso('2026-03-30T13:00', 'Europe/Rome')).toBe('2026-03-30T13:00:00+02:00');
    // Santiago: UTC-3 in the southern summer, UTC-4 in winter
    expect(zonedIso('2026-01-15T09:00', 'America/Santiago')).toBe('2026-01-15T09:00:00-03:00');
    expect(zonedIso('2026-07-15T09:00', 'America/Santiago')).toBe('2026-07-15T09:00:00-04:00');
    // Kabul: UTC+4:30
    expect(zonedIso('2026-12-24T13:00', 'Asia/Kabul')).toBe('2026-12-24T13:00:00+04:30');
    // 02:30 does not exist in Rome on 29 March 2026: moved on by the hour skipped
    expect(zonedIso('2026-03-29T02:30', 'Europe/Rome')).toBe('2026-03-29T03:30:00+02:00');
    expect(zonedIso('not a time', 'Europe/Rome')).toBeNull();
    const iso = zonedIso('2026-12-24T13:00', 'Africa/Nairobi') as string;
    expect(new Date(iso).toISOString()).toBe('2026-12-24T10:00:00.000Z');
  });

  it('gives the local date of an instant in a zone, and a zone’s city', () => {
    const at = new Date('2026-11-30T22:30:00Z');
    expect(localDate(at, 'UTC')).toBe('2026-11-30');
    expect(localDate(at, 'Africa/Nairobi')).toBe('2026-12-01');
    expect(localDate(at, 'America/Santiago')).toBe('2026-11-30');
    expect(zoneCity('America/Argentina/Buenos_Aires')).toBe('Buenos Aires');
    expect(zoneCity('UTC')).toBe('UTC');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });
});

describe('calendar versions and the report', () => {
  const v = (version: number, effectiveFrom: string): CalendarVersion => ({
    version,
    effectiveFrom,
    spec: { timeZone: 'UTC', week: week({}) },
    note: null,
    createdAt: null,
  });

  it('takes the newest version whose date has come', () => {
    const versions = [v(1, '1970-01-01'), v(2, '2026-12-01'), v(3, '2027-01-01')];
    expect(versionInForce(versions, '2026-11-30')?.version).toBe(1);
    expect(versionInForce(versions, '2026-12-01')?.version).toBe(2);
    expect(versionInForce(versions, '2027-06-01')?.version).toBe(3);
    expect(versionInForce([v(1, '2030-01-01')], '2026-01-01')?.version).toBe(1);
  });

  it('counts the met share among decided clocks only, and steps months across years', () => {
    expect(metPercent({ met: 3, breached: 1 })).toBe(75);
    expect(metPercent({ met: 2, breached: 1 })).toBe(66.7);
    expect(metPercent({ met: 0, breached: 0 })).toBeNull();
    expect(addMonths('2026-11', -5)).toBe('2026-06');
    expect(addMonths('2026-02', -3)).toBe('2025-11');
    expect(addMonths('2026-12', 1)).toBe('2027-01');
  });
});

describe('API problems', () => {
  it('names the fields of zod and of the calendar engine alike, and keeps the lines of rejected rows', () => {
    const err = new ApiError({
      code: 'VALIDATION_FAILED',
      detail: 'Invalid',
      status: 400,
      errors: [
        { field: 'body.spec.week.mon.0.1', message: 'HH:MM (00:00 to 24:00)' },
        { field: 'week.tue[1]', message: 'overlaps week.tue[0]' },
        { field: 'body.policy.basis', message: 'required' },
        { field: 'date', message: 'not a date', line: 3 } as { field: string; message: string },
      ],
    });
    const issues = issuesOf(err);
    expect(issues.map((i) => i.field)).toEqual(['week.mon.0.1', 'week.tue.1', 'basis', 'date']);
    expect(issues[3]?.line).toBe(3);
    expect(issueFor(issues, 'week.tue.1')).toEqual({ kind: 'text', key: 'sla.issue.windowOverlap', values: undefined });
    expect(issueFor(issues, 'week.tue.0')).toBeUndefined();
    expect(issuesOf(new Error('not an API error'))).toEqual([]);
  });
});

describe('versionNote', () => {
  it("says the holiday import's note in the UI language and keeps a typed note as typed", async () => {
    const fr = await translator('fr', { ...coreFr, ...slaFr });
    expect(versionNote(fr, '3 holiday(s) imported from ICS')).toBe('3 jour(s) férié(s) importé(s) depuis un fichier ICS');
    expect(versionNote(fr, 'Jours fériés 2027')).toBe('Jours fériés 2027');
    expect(versionNote(fr, 'default working week')).toBe('semaine de travail par défaut');
    expect(versionNote(fr, 'from Kenya')).toBe('copiée du calendrier : Kenya');
    expect(versionNote(fr, null)).toBeUndefined();
  });
});
