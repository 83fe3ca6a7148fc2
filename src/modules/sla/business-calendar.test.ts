import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.ts';
import { OracleCalendar } from './business-calendar.oracle.ts';
import {
  type BusinessCalendar,
  type CalendarSpec,
  compileCalendar,
  type Interval,
  parseSlaTarget,
  type VersionedCalendarSpec,
  WEEKDAYS,
  type Weekday,
} from './business-calendar.ts';

const H = 3_600_000;
const M = 60_000;
const at = (iso: string) => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`bad test instant ${iso}`);
  return t;
};
/** Compares as ISO strings so a failure reads as instants. */
const expectInstant = (actual: number, expected: string) =>
  expect(new Date(actual).toISOString()).toBe(new Date(at(expected)).toISOString());

type Windows = Array<[string, string]>;
function week(days: Partial<Record<Weekday, Windows>>): Record<Weekday, Windows> {
  return Object.fromEntries(WEEKDAYS.map((d) => [d, days[d] ?? []])) as Record<Weekday, Windows>;
}
const monFri = (w: Windows) => week({ mon: w, tue: w, wed: w, thu: w, fri: w });
const everyDay = (w: Windows) => week(Object.fromEntries(WEEKDAYS.map((d) => [d, w])));

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('the cases the clock must get right (issue 5)', () => {
  it('Mon-Fri 09:00-17:00: a case at Friday 16:30 with a 1 h target is due Monday 09:30', () => {
    const cal = compileCalendar({ timeZone: 'Europe/Rome', week: monFri([['09:00', '17:00']]) });
    expectInstant(cal.addBusinessMs(at('2026-11-20T16:30:00+01:00'), H), '2026-11-23T09:30:00+01:00');
  });

  it('Mon-Fri 08:00-18:00, 4 h from Monday 17:00: due Tuesday 11:00, the 1 h-before escalation fires Tuesday 10:00', () => {
    const cal = compileCalendar({ timeZone: 'Africa/Nairobi', week: monFri([['08:00', '18:00']]) });
    const start = at('2026-11-23T17:00:00+03:00');
    const due = cal.addBusinessMs(start, 4 * H);
    expectInstant(due, '2026-11-24T11:00:00+03:00');
    const warn = cal.addBusinessMs(start, 4 * H - H);
    expectInstant(warn, '2026-11-24T10:00:00+03:00');
    expect(cal.isWorking(warn)).toBe(true);
    expect(cal.businessMsBetween(start, due)).toBe(4 * H);
  });

  it('24x7 written 00:00-24:00: 23:30 + 1 h is due 00:30, no minute lost at midnight (also across a DST night)', () => {
    const cal = compileCalendar({ timeZone: 'Europe/Rome', week: everyDay([['00:00', '24:00']]) });
    expectInstant(cal.addBusinessMs(at('2026-11-23T23:30:00+01:00'), H), '2026-11-24T00:30:00+01:00');
    // One unbroken interval over a month holding a spring-forward night.
    const from = at('2026-03-15T00:00:00Z');
    const to = at('2026-04-15T00:00:00Z');
    expect(cal.workingIntervals(from, to)).toEqual([{ from, to }]);
    expect(cal.businessMsBetween(from, to)).toBe(to - from);
    // Saturday 23:30 before the spring-forward Sunday: one real hour later it is 01:30 local.
    expectInstant(cal.addBusinessMs(at('2026-03-28T23:30:00+01:00'), H), '2026-03-29T00:30:00+01:00');
  });

  it('a case on hold 11:00-12:00 between opening at 10:00 and closing at 13:00 took 2 h, not 3 h', () => {
    const cal = compileCalendar({ timeZone: 'Asia/Kabul', week: monFri([['08:00', '17:00']]) });
    const hold = [{ from: at('2026-11-23T11:00:00+04:30'), to: at('2026-11-23T12:00:00+04:30') }];
    expect(cal.businessMsBetween(at('2026-11-23T10:00:00+04:30'), at('2026-11-23T13:00:00+04:30'), hold)).toBe(2 * H);
    expect(cal.businessMsBetween(at('2026-11-23T10:00:00+04:30'), at('2026-11-23T13:00:00+04:30'))).toBe(3 * H);
  });

  it('open only on Tuesdays 08:00-17:00: 9 h from Tuesday 08:00 ends Tuesday 17:00, 18 h the following Tuesday 17:00', () => {
    const cal = compileCalendar({ timeZone: 'America/New_York', week: week({ tue: [['08:00', '17:00']] }) });
    const start = at('2026-11-24T08:00:00-05:00');
    expectInstant(cal.addBusinessMs(start, 9 * H), '2026-11-24T17:00:00-05:00');
    expectInstant(cal.addBusinessMs(start, 18 * H), '2026-12-01T17:00:00-05:00');
    expect(cal.nextWorkingInstant(at('2026-11-24T17:00:00-05:00'))).toBe(at('2026-12-01T08:00:00-05:00'));
  });
});

describe('windows, holidays and closures', () => {
  it('a window crossing midnight runs into the next day', () => {
    const cal = compileCalendar({ timeZone: 'UTC', week: week({ mon: [['21:00', '02:00']] }) });
    expect(cal.isWorking(at('2026-11-24T01:59:00Z'))).toBe(true);
    expect(cal.isWorking(at('2026-11-24T02:00:00Z'))).toBe(false);
    expectInstant(cal.addBusinessMs(at('2026-11-23T23:00:00Z'), 2 * H), '2026-11-24T01:00:00Z');
    expectInstant(cal.addBusinessMs(at('2026-11-23T23:00:00Z'), 3 * H), '2026-11-24T02:00:00Z');
    expectInstant(cal.addBusinessMs(at('2026-11-23T23:00:00Z'), 4 * H), '2026-11-30T22:00:00Z');
    // P1D from Monday 23:00 (2 h into its working day) -> next working day (next Monday) at 23:00.
    expectInstant(cal.addBusinessDays(at('2026-11-23T23:00:00Z'), 1), '2026-11-30T23:00:00Z');
  });

  it('a holiday removes the windows that start on it, not the night window that started the evening before', () => {
    const cal = compileCalendar({
      timeZone: 'Europe/Rome',
      week: monFri([
        ['09:00', '17:00'],
        ['22:00', '01:00'],
      ]),
      holidays: ['2026-12-25'],
    });
    // Thursday 24th 22:00 - Friday 25th 01:00 is worked; Friday 25th 09:00-17:00 and 22:00-01:00 are not.
    expect(cal.isWorking(at('2026-12-25T00:30:00+01:00'))).toBe(true);
    expect(cal.isWorking(at('2026-12-25T10:00:00+01:00'))).toBe(false);
    expect(cal.isWorking(at('2026-12-25T23:00:00+01:00'))).toBe(false);
    expect(cal.nextWorkingInstant(at('2026-12-25T01:00:00+01:00'))).toBe(at('2026-12-28T09:00:00+01:00'));
    // P1D from Thursday 10:00 skips the holiday.
    expectInstant(cal.addBusinessDays(at('2026-12-24T10:00:00+01:00'), 1), '2026-12-28T10:00:00+01:00');
  });

  it('a partial closure is removed from working time', () => {
    const cal = compileCalendar({
      timeZone: 'Europe/Rome',
      week: monFri([['09:00', '17:00']]),
      closures: [{ from: '2026-11-23T09:00:00+01:00', to: '2026-11-23T12:00:00+01:00' }],
    });
    expect(cal.businessMsBetween(at('2026-11-23T00:00:00+01:00'), at('2026-11-24T00:00:00+01:00'))).toBe(5 * H);
    expect(cal.nextWorkingInstant(at('2026-11-23T08:00:00+01:00'))).toBe(at('2026-11-23T12:00:00+01:00'));
    expectInstant(cal.addBusinessMs(at('2026-11-23T08:00:00+01:00'), 6 * H), '2026-11-24T10:00:00+01:00');
  });

  it('lunch breaks split a day; a start in the break counts from the next working minute', () => {
    const cal = compileCalendar({
      timeZone: 'Asia/Kathmandu',
      week: monFri([
        ['09:00', '12:00'],
        ['13:00', '17:00'],
      ]),
    });
    expectInstant(cal.addBusinessMs(at('2026-11-23T12:15:00+05:45'), 30 * M), '2026-11-23T13:30:00+05:45');
    expectInstant(cal.addBusinessMs(at('2026-11-23T11:30:00+05:45'), 30 * M), '2026-11-23T12:00:00+05:45');
    expect(cal.workingIntervals(at('2026-11-23T00:00:00+05:45'), at('2026-11-24T00:00:00+05:45'))).toEqual([
      { from: at('2026-11-23T09:00:00+05:45'), to: at('2026-11-23T12:00:00+05:45') },
      { from: at('2026-11-23T13:00:00+05:45'), to: at('2026-11-23T17:00:00+05:45') },
    ]);
  });

  it('Kuwait works Sunday to Thursday', () => {
    const cal = compileCalendar({
      timeZone: 'Asia/Kuwait',
      week: week({
        sun: [['07:30', '14:30']],
        mon: [['07:30', '14:30']],
        tue: [['07:30', '14:30']],
        wed: [['07:30', '14:30']],
        thu: [['07:30', '14:30']],
      }),
    });
    // Thursday 2026-11-26 14:00 + 1 h -> Sunday 29th 08:00.
    expectInstant(cal.addBusinessMs(at('2026-11-26T14:00:00+03:00'), H), '2026-11-29T08:00:00+03:00');
  });
});

describe('daylight saving (decision record 0009: working time is what the wall clock shows)', () => {
  it('a window part in a spring-forward gap has no working time; times shown twice after a fall-back are worked twice', () => {
    const cal = compileCalendar({ timeZone: 'Europe/Rome', week: week({ sun: [['02:00', '04:00']] }) });
    // 2026-03-29: 02:00 -> 03:00. Only 03:00-04:00 exists.
    expect(cal.workingIntervals(at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z'))).toEqual([
      { from: at('2026-03-29T03:00:00+02:00'), to: at('2026-03-29T04:00:00+02:00') },
    ]);
    // 2026-10-25: 03:00 -> 02:00. 02:00-04:00 on the wall lasts three real hours.
    expect(cal.businessMsBetween(at('2026-10-24T00:00:00Z'), at('2026-10-26T00:00:00Z'))).toBe(3 * H);
  });

  it('Santiago: midnight does not exist on 2026-09-06 and happens twice on 2026-04-05', () => {
    const cal = compileCalendar({ timeZone: 'America/Santiago', week: everyDay([['00:00', '06:00']]) });
    // Sunday 6 Sept: the clocks go from 23:59 (Sat, -04) to 01:00 (Sun, -03): Sunday's window is 5 h long.
    expect(cal.businessMsBetween(at('2026-09-06T00:00:00-03:00'), at('2026-09-06T12:00:00-03:00'))).toBe(5 * H);
    expect(cal.nextWorkingInstant(at('2026-09-05T12:00:00-04:00'))).toBe(at('2026-09-06T01:00:00-03:00'));
    // Sunday 5 April: 24:00 (-03) -> 23:00 Sat (-04): Saturday's 23:00-24:00 is not working, Sunday 00:00-06:00 is 6 h.
    expect(cal.businessMsBetween(at('2026-04-05T00:00:00-03:00'), at('2026-04-05T12:00:00-04:00'))).toBe(6 * H);
  });

  it('Lord Howe shifts by 30 minutes', () => {
    const cal = compileCalendar({ timeZone: 'Australia/Lord_Howe', week: everyDay([['01:00', '03:00']]) });
    // 2026-10-04 02:00 -> 02:30 (+10:30 -> +11:00): the window lasts 1 h 30.
    expect(cal.businessMsBetween(at('2026-10-03T12:00:00Z'), at('2026-10-04T12:00:00Z'))).toBe(90 * M);
    // 2026-04-05 02:00 -> 01:30 (+11 -> +10:30): 01:30-02:00 is shown twice: 2 h 30.
    expect(cal.businessMsBetween(at('2026-04-04T12:00:00Z'), at('2026-04-05T12:00:00Z'))).toBe(150 * M);
  });
});

describe('targets in business days', () => {
  const cal = compileCalendar({
    timeZone: 'Europe/Rome',
    week: week({
      mon: [['09:00', '17:00']],
      tue: [['09:00', '17:00']],
      wed: [['09:00', '17:00']],
      thu: [['09:00', '17:00']],
      fri: [['09:00', '13:00']],
    }),
  });

  it('P1D keeps the position within the working day; P3D crosses the weekend', () => {
    expectInstant(cal.addBusinessDays(at('2026-11-25T15:00:00+01:00'), 1), '2026-11-26T15:00:00+01:00');
    expectInstant(cal.addBusinessDays(at('2026-11-27T11:00:00+01:00'), 3), '2026-12-02T11:00:00+01:00');
    expectInstant(cal.addBusinessDays(at('2026-11-23T09:00:00+01:00'), 1), '2026-11-24T09:00:00+01:00');
  });

  it('clamps to the end of a shorter day', () => {
    // Thursday 16:00 is 7 h into its day; Friday has 4 h: due Friday 13:00.
    expectInstant(cal.addBusinessDays(at('2026-11-26T16:00:00+01:00'), 1), '2026-11-27T13:00:00+01:00');
  });

  it('a start outside working time counts from the next working instant', () => {
    // Saturday -> Monday 09:00 is the start's day (position 0) -> Tuesday 09:00.
    expectInstant(cal.addBusinessDays(at('2026-11-28T10:00:00+01:00'), 1), '2026-12-01T09:00:00+01:00');
    // Friday 14:00 (after hours) -> Monday 09:00 -> Thursday 09:00 with P3D.
    expectInstant(cal.addBusinessDays(at('2026-11-27T14:00:00+01:00'), 3), '2026-12-03T09:00:00+01:00');
  });

  it('pauses push a day target on by the business time they cover', () => {
    const start = at('2026-11-23T10:00:00+01:00');
    const pause = [{ from: at('2026-11-23T11:00:00+01:00'), to: at('2026-11-23T13:00:00+01:00') }];
    expectInstant(cal.addBusinessDays(start, 1, pause), '2026-11-24T12:00:00+01:00');
    // A pause over no working time changes nothing, even where the due is a day's first instant.
    const night = [{ from: at('2026-11-22T20:00:00+01:00'), to: at('2026-11-23T08:00:00+01:00') }];
    expectInstant(cal.addBusinessDays(at('2026-11-23T09:00:00+01:00'), 1, night), '2026-11-24T09:00:00+01:00');
  });
});

describe('versioned calendars', () => {
  it('each version applies from its local date; the earlier clocks are unchanged', () => {
    const v1: CalendarSpec = { timeZone: 'Europe/Rome', week: monFri([['09:00', '17:00']]) };
    const v2: CalendarSpec = { timeZone: 'Europe/Rome', week: monFri([['08:00', '18:00']]) };
    const cal = compileCalendar({
      versions: [
        { effectiveFrom: '2026-01-01', spec: v1 },
        { effectiveFrom: '2026-12-01', spec: v2 },
      ],
    });
    const plain = compileCalendar(v1);
    const start = at('2026-11-23T09:00:00+01:00');
    expect(cal.addBusinessMs(start, 16 * H)).toBe(plain.addBusinessMs(start, 16 * H));
    // Monday 30 Nov 09:00-17:00 (v1), then Tuesday 1 Dec 08:00-18:00 (v2).
    expectInstant(cal.addBusinessMs(at('2026-11-30T16:00:00+01:00'), 3 * H), '2026-12-01T10:00:00+01:00');
    expect(cal.timeZone).toBe('Europe/Rome');
  });

  it('refuses versions whose dates do not increase', () => {
    const v: CalendarSpec = { timeZone: 'UTC', week: monFri([['09:00', '17:00']]) };
    const e = errorOf(() =>
      compileCalendar({
        versions: [
          { effectiveFrom: '2026-05-01', spec: v },
          { effectiveFrom: '2026-05-01', spec: v },
        ],
      }),
    );
    expect(e.issues[0]?.field).toBe('versions[1].effectiveFrom');
  });
});

describe('validation', () => {
  const good = (): CalendarSpec => ({ timeZone: 'Europe/Rome', week: monFri([['09:00', '17:00']]) });

  it.each([
    [{ ...good(), timeZone: 'Europe/Atlantis' }, 'timeZone', /IANA/],
    [
      {
        ...good(),
        week: {
          ...monFri([['09:00', '12:00']]),
          mon: [
            ['09:00', '12:00'],
            ['25:00', '26:00'],
          ],
        },
      },
      'week.mon[1][0]',
      /HH:MM|time of day/,
    ],
    [{ ...good(), week: { ...monFri([]), tue: [['9:00', '12:00']] } }, 'week.tue[0][0]', /HH:MM/],
    [{ ...good(), week: { ...monFri([]), tue: [['24:00', '12:00']] } }, 'week.tue[0][0]', /only as the end/],
    [{ ...good(), holidays: ['2026-01-01', '2026-05-01', '2026-12-25', '2026-02-30'] }, 'holidays[3]', /real date/],
    [{ ...good(), week: { ...monFri([]), thur: [] } }, 'week.thur', /unknown weekday/],
    [
      {
        ...good(),
        week: {
          ...monFri([]),
          wed: [
            ['09:00', '13:00'],
            ['12:00', '17:00'],
          ],
        },
      },
      'week.wed[1]',
      /overlaps week.wed\[0\]/,
    ],
    [
      { ...good(), week: { ...monFri([['09:00', '17:00']]), sun: [['20:00', '10:00']] } },
      'week.mon[0]',
      /overlaps week.sun\[0\]/,
    ],
    [{ ...good(), closures: [{ from: '2026-11-23T12:00:00Z', to: '2026-11-23T09:00:00Z' }] }, 'closures[0].to', /after from/],
    [{ ...good(), closures: [{ from: '2026-11-23T09:00:00', to: '2026-11-23T12:00:00Z' }] }, 'closures[0].from', /no offset/],
    [{ ...good(), holiday: [] }, 'holiday', /unknown field/],
  ])('refuses a malformed calendar, naming the field (%#)', (spec, field, message) => {
    const e = errorOf(() => compileCalendar(spec as CalendarSpec));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.issues.map((i) => i.field)).toContain(field);
    expect(e.message).toContain(field);
    expect(e.issues.find((i) => i.field === field)?.message).toMatch(message);
  });

  it('throws instead of looping on a calendar without working time', () => {
    const cal = compileCalendar({ timeZone: 'UTC', week: week({}) });
    expect(errorOf(() => cal.addBusinessMs(at('2026-01-01T00:00:00Z'), H)).message).toMatch(/no working time for ten years/);
    expect(errorOf(() => cal.nextWorkingInstant(at('2026-01-01T00:00:00Z'))).code).toBe('VALIDATION_FAILED');
    expect(errorOf(() => cal.addBusinessDays(at('2026-01-01T00:00:00Z'), 1)).code).toBe('VALIDATION_FAILED');
    expect(cal.businessMsBetween(at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'))).toBe(0);
    // Nor on a pause that never ends.
    const open = compileCalendar(good());
    expect(
      errorOf(() => open.addBusinessMs(at('2026-01-05T10:00:00Z'), H, [{ from: at('2026-01-05T10:30:00Z'), to: Infinity }])).code,
    ).toBe('VALIDATION_FAILED');
  });

  it('parses SLA targets and refuses mixes and other durations', () => {
    expect(parseSlaTarget('PT2H')).toEqual({ kind: 'business-ms', ms: 2 * H });
    expect(parseSlaTarget('PT30M')).toEqual({ kind: 'business-ms', ms: 30 * M });
    expect(parseSlaTarget('PT1H30M')).toEqual({ kind: 'business-ms', ms: 90 * M });
    expect(parseSlaTarget('P1D')).toEqual({ kind: 'business-days', days: 1 });
    expect(parseSlaTarget('P3D')).toEqual({ kind: 'business-days', days: 3 });
    expect(errorOf(() => parseSlaTarget('P1DT2H')).message).toMatch(/mixes days and time/);
    for (const bad of ['PT', 'P', '2H', 'PT1.5H', 'P1W', 'P1M', 'pt2h', '-PT2H', 'PT2H ', 'P1Y']) {
      const e = errorOf(() => parseSlaTarget(bad));
      expect(e.issues[0]?.field, bad).toBe('target');
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Property tests against the minute-stepping oracle

/** Zones of the reference data's duty stations, with the DST transitions of 2026 where they have them. */
const ZONES: Array<{ zone: string; transitions: string[]; sunThu?: boolean }> = [
  { zone: 'Asia/Kabul', transitions: [] },
  { zone: 'Asia/Kuwait', transitions: [], sunThu: true },
  { zone: 'America/Santiago', transitions: ['2026-04-05T03:00:00Z', '2026-09-06T04:00:00Z'] },
  { zone: 'Europe/Rome', transitions: ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z'] },
  { zone: 'Asia/Kathmandu', transitions: [] },
  { zone: 'Pacific/Auckland', transitions: ['2026-04-04T14:00:00Z', '2026-09-26T14:00:00Z'] },
  { zone: 'America/New_York', transitions: ['2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z'] },
  { zone: 'Africa/Nairobi', transitions: [] },
  { zone: 'UTC', transitions: [] },
  { zone: 'Australia/Lord_Howe', transitions: ['2026-04-04T15:00:00Z', '2026-10-03T16:00:00Z'] },
];

const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

/** Random weekly windows: sorted points of the week on a 15-minute grid, paired, rotated, each <= 24 h. */
const weekArb = fc
  .record({
    points: fc.uniqueArray(fc.integer({ min: 0, max: 671 }), { minLength: 2, maxLength: 12 }),
    rotate: fc.integer({ min: 0, max: 671 }),
  })
  .map(({ points, rotate }) => {
    const sorted = [...points].sort((a, b) => a - b).map((p) => p * 15);
    const days: Record<Weekday, Windows> = week({});
    for (let i = 0; i + 1 < sorted.length; i += 2) {
      const len = (sorted[i + 1] as number) - (sorted[i] as number);
      if (len > 1440) continue;
      const s = ((sorted[i] as number) + rotate * 15) % 10080;
      const day = WEEKDAYS[Math.floor(s / 1440)] as Weekday;
      const startMin = s % 1440;
      const e = startMin + len;
      days[day].push([hhmm(startMin), e === 1440 ? '24:00' : hhmm(e % 1440)]);
    }
    return days;
  });

const sunThuArb = fc
  .record({ open: fc.integer({ min: 0, max: 40 }), hours: fc.integer({ min: 1, max: 48 }) })
  .map(({ open, hours }) => {
    const w: Windows = [
      [hhmm(open * 15), (open * 15 + hours * 15) % 1440 === 0 ? '24:00' : hhmm((open * 15 + hours * 15) % 1440)],
    ];
    return week({ sun: w, mon: w, tue: w, wed: w, thu: w });
  });

const BASE = at('2026-01-01T00:00:00Z');

/** A calendar in one of the zones, with holidays and closures near its DST changes. */
const calendarArb = fc.integer({ min: 0, max: ZONES.length - 1 }).chain((zi) => {
  const z = ZONES[zi] as (typeof ZONES)[number];
  return fc
    .record({
      week: z.sunThu
        ? sunThuArb
        : fc.oneof({ weight: 5, arbitrary: weekArb }, { weight: 1, arbitrary: fc.constant(everyDay([['00:00', '24:00']])) }),
      holidays: fc.uniqueArray(fc.integer({ min: 0, max: 364 }), { maxLength: 30 }),
      closures: fc.array(fc.record({ at: fc.integer({ min: 0, max: 365 * 96 }), quarters: fc.integer({ min: 1, max: 40 }) }), {
        maxLength: 4,
      }),
      near: fc.constantFrom(...(z.transitions.length ? z.transitions : ['2026-06-15T00:00:00Z'])),
    })
    .map(({ week: w, holidays, closures, near }) => {
      const spec: CalendarSpec = {
        timeZone: z.zone,
        week: w,
        holidays: holidays.map((d) => new Date(BASE + d * 24 * H).toISOString().slice(0, 10)),
        closures: closures.map((c) => ({
          from: new Date(BASE + c.at * 15 * M).toISOString(),
          to: new Date(BASE + c.at * 15 * M + c.quarters * 15 * M).toISOString(),
        })),
      };
      return { spec, near: at(near) };
    });
});

/** A minute-aligned start within six days before to two days after a DST change (or mid-June). */
const scenarioArb = calendarArb.chain(({ spec, near }) =>
  fc.record({
    spec: fc.constant(spec),
    start: fc.integer({ min: -6 * 24 * 60, max: 2 * 24 * 60 }).map((m) => near + m * M),
    pauses: fc.array(fc.record({ after: fc.integer({ min: -600, max: 6000 }), len: fc.integer({ min: 1, max: 1800 }) }), {
      maxLength: 3,
    }),
  }),
);

function pausesOf(start: number, list: Array<{ after: number; len: number }>): Interval[] {
  return list.map((p) => ({ from: start + p.after * M, to: start + (p.after + p.len) * M }));
}

/**
 * Skips calendars the oracle would walk for too long: fewer than `needMs` (at least 6 h) of working time in the
 * three weeks from a week after the start (a calendar without windows, or a later version without any).
 */
function sparse(cal: BusinessCalendar, start: number, needMs = 0): boolean {
  return cal.businessMsBetween(start + 7 * 24 * H, start + 28 * 24 * H) < Math.max(needMs, 6 * H);
}

const RUNS = Number(process.env.SLA_PROPERTY_RUNS ?? 60);
/** Larger runs (SLA_PROPERTY_RUNS=500) need more than the default minute. */
const TIMEOUT = Math.max(60_000, RUNS * 2_000);

describe('engine = minute-stepping oracle (fast-check, ten zones, DST, holidays, closures, pauses)', () => {
  it(
    'business minutes between two instants',
    () => {
      fc.assert(
        fc.property(scenarioArb, fc.integer({ min: 0, max: 4 * 24 * 60 }), ({ spec, start, pauses }, len) => {
          const cal = compileCalendar(spec);
          const oracle = new OracleCalendar(spec);
          const p = pausesOf(start, pauses);
          expect(cal.businessMsBetween(start, start + len * M, p) / M).toBe(oracle.elapsedMinutes(start, start + len * M, p));
        }),
        { numRuns: RUNS * 2 },
      );
    },
    TIMEOUT,
  );

  it(
    'due instants of targets in business minutes',
    () => {
      fc.assert(
        fc.property(scenarioArb, fc.integer({ min: 0, max: 3000 }), ({ spec, start, pauses }, minutes) => {
          const cal = compileCalendar(spec);
          fc.pre(!sparse(cal, start, minutes * M));
          const oracle = new OracleCalendar(spec);
          const p = pausesOf(start, pauses);
          expect(new Date(cal.addBusinessMs(start, minutes * M, p)).toISOString()).toBe(
            new Date(oracle.dueMinutes(start, minutes, p)).toISOString(),
          );
        }),
        { numRuns: RUNS * 2 },
      );
    },
    TIMEOUT,
  );

  it(
    'due instants of targets in business days',
    () => {
      fc.assert(
        fc.property(scenarioArb, fc.integer({ min: 0, max: 3 }), ({ spec, start, pauses }, days) => {
          const cal = compileCalendar(spec);
          fc.pre(!sparse(cal, start));
          const oracle = new OracleCalendar(spec);
          const p = pausesOf(start, pauses);
          expect(new Date(cal.addBusinessDays(start, days, p)).toISOString()).toBe(
            new Date(oracle.dueDays(start, days, p)).toISOString(),
          );
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'versioned calendars: versions in two zones, the edit on a date near a DST change',
    () => {
      const arb = fc
        .record({
          a: calendarArb,
          b: calendarArb,
          shift: fc.integer({ min: -3, max: 3 }),
          offset: fc.integer({ min: -3 * 24 * 60, max: 3 * 24 * 60 }),
        })
        .map(({ a, b, shift, offset }) => {
          const edit = new Date(a.near + shift * 24 * H).toISOString().slice(0, 10);
          const spec: VersionedCalendarSpec = {
            versions: [
              { effectiveFrom: '2025-01-01', spec: a.spec },
              { effectiveFrom: edit, spec: b.spec },
            ],
          };
          return { spec, start: at(`${edit}T00:00:00Z`) + offset * M };
        });
      fc.assert(
        fc.property(arb, fc.integer({ min: 0, max: 2400 }), fc.integer({ min: 0, max: 2 }), ({ spec, start }, minutes, days) => {
          const cal = compileCalendar(spec);
          fc.pre(!sparse(cal, start, minutes * M));
          const oracle = new OracleCalendar(spec);
          expect(cal.businessMsBetween(start - 2 * 24 * H, start + 2 * 24 * H) / M).toBe(
            oracle.elapsedMinutes(start - 2 * 24 * H, start + 2 * 24 * H),
          );
          expect(new Date(cal.addBusinessMs(start, minutes * M)).toISOString()).toBe(
            new Date(oracle.dueMinutes(start, minutes)).toISOString(),
          );
          expect(new Date(cal.addBusinessDays(start, days)).toISOString()).toBe(
            new Date(oracle.dueDays(start, days)).toISOString(),
          );
        }),
        { numRuns: Math.ceil(RUNS / 2) },
      );
    },
    TIMEOUT,
  );

  it(
    'addBusinessMs inverts businessMsBetween, and a due is never before its start',
    () => {
      fc.assert(
        fc.property(scenarioArb, fc.integer({ min: 1, max: 20_000 }), ({ spec, start, pauses }, minutes) => {
          const cal = compileCalendar(spec);
          fc.pre(!sparse(cal, start));
          const p = pausesOf(start, pauses);
          const due = cal.addBusinessMs(start, minutes * M, p);
          expect(due).toBeGreaterThan(start);
          expect(cal.businessMsBetween(start, due, p)).toBe(minutes * M);
          expect(cal.businessMsBetween(start, due - 1, p)).toBeLessThan(minutes * M);
        }),
        { numRuns: RUNS * 5 },
      );
    },
    TIMEOUT,
  );
});

describe('the oracle itself', () => {
  it('agrees with the issue cases', () => {
    const o = new OracleCalendar({ timeZone: 'Europe/Rome', week: monFri([['09:00', '17:00']]) });
    expect(o.dueMinutes(at('2026-11-20T16:30:00+01:00'), 60)).toBe(at('2026-11-23T09:30:00+01:00'));
    const t = new OracleCalendar({ timeZone: 'UTC', week: week({ tue: [['08:00', '17:00']] }) });
    expect(t.dueMinutes(at('2026-11-24T08:00:00Z'), 18 * 60)).toBe(at('2026-12-01T17:00:00Z'));
  });
});
