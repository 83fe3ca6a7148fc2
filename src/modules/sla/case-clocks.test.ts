/**
 * Pure checks of the clocks derived from a case's history: a day target agrees with the SLA contract's
 * answer (`dueFromContract`), including on a calendar edited later; a provider segment has its own
 * next-response clock, met by that provider's reply only.
 */
import { describe, expect, it } from 'vitest';
import { type CalendarSpec, compileCalendar, type VersionedCalendarSpec } from './business-calendar.ts';
import { type CaseHistory, type ClockPolicy, deriveCaseClocks } from './case-clocks.ts';
import { dueFromContract } from './sla-contract.ts';

const nairobi: CalendarSpec = {
  timeZone: 'Africa/Nairobi',
  week: {
    mon: [['09:00', '17:00']],
    tue: [['09:00', '17:00']],
    wed: [['09:00', '17:00']],
    thu: [['09:00', '17:00']],
    fri: [['09:00', '17:00']],
    sat: [],
    sun: [],
  },
};
const policy = (p: Partial<ClockPolicy>): ClockPolicy => ({
  id: 1,
  firstResponse: null,
  nextResponse: null,
  resolution: null,
  pauseStates: ['awaiting-client'],
  warnAt: [75, 90],
  escalateOutsideHours: false,
  calendarBasis: 'provider',
  ...p,
});
const at = (iso: string) => Date.parse(iso);
const opened = (createdAt: number, provider = 'UNON'): CaseHistory => ({
  createdAt,
  states: [{ at: createdAt, state: 'new' }],
  segments: [{ id: '1', provider, startedAt: createdAt, endedAt: null, endReason: null }],
  replies: [],
});

describe('day targets', () => {
  it('end where the contract says: P5D from Sunday evening is the next Monday 09:00, not Friday 17:00', () => {
    const start = at('2026-11-29T15:31:00Z'); // Sunday 18:31 in Nairobi
    const cal = compileCalendar(nairobi);
    const clocks = deriveCaseClocks(
      opened(start),
      { policyFor: () => policy({ resolution: 'P5D' }), calendarFor: () => cal },
      start + 60_000,
    );
    const resolution = clocks.find((c) => c.scope === 'case' && c.metric === 'resolution');
    const contract = dueFromContract({ calendar: nairobi, start: '2026-11-29T15:31:00Z', target: 'P5D' }).due;
    expect(contract).toBe('2026-12-07T06:00:00Z');
    expect(new Date(resolution?.dueAt as number).toISOString()).toBe('2026-12-07T06:00:00.000Z');
    // the breach job fires at the due instant itself
    expect(resolution?.escalations.at(-1)).toEqual({ threshold: 100, fireAt: at('2026-12-07T06:00:00Z') });
  });

  it('count working days of the version in force: a shorter Friday from 1 December still ends on the fifth working day', () => {
    const versions: VersionedCalendarSpec = {
      versions: [
        { effectiveFrom: '1970-01-01', spec: nairobi },
        { effectiveFrom: '2026-12-01', spec: { ...nairobi, week: { ...nairobi.week, fri: [['08:00', '13:00']] } } },
      ],
    };
    const cal = compileCalendar(versions);
    const start = at('2026-11-30T07:00:00Z'); // Monday 10:00 in Nairobi
    const clocks = deriveCaseClocks(
      opened(start),
      { policyFor: () => policy({ resolution: 'P5D' }), calendarFor: () => cal },
      start,
    );
    const due = clocks.find((c) => c.scope === 'case' && c.metric === 'resolution')?.dueAt as number;
    expect(new Date(due).toISOString()).toBe(new Date(cal.addBusinessDays(start, 5)).toISOString());
    expect(new Date(due).toISOString()).toBe('2026-12-07T07:00:00.000Z'); // Monday 10:00 a week later
  });
});

describe('segment next response', () => {
  it("is opened by the client's message after the provider's first reply and met by that provider's reply only", () => {
    const cal = compileCalendar(nairobi);
    const created = at('2026-11-30T06:00:00Z'); // Monday 09:00
    const h = opened(created);
    h.replies = [
      { at: at('2026-11-30T06:30:00Z'), by: 'staff', provider: 'UNON' },
      { at: at('2026-11-30T07:00:00Z'), by: 'client', provider: null },
      { at: at('2026-11-30T07:30:00Z'), by: 'staff', provider: null }, // a coordinator, not UNON
    ];
    const ctx = { policyFor: () => policy({ firstResponse: 'PT1H', nextResponse: 'PT2H' }), calendarFor: () => cal };
    let clocks = deriveCaseClocks(h, ctx, at('2026-11-30T08:00:00Z'));
    const segmentNext = () => clocks.find((c) => c.scope === 'segment' && c.metric === 'next-response');
    expect(clocks.find((c) => c.scope === 'case' && c.metric === 'next-response')?.state).toBe('met');
    expect(segmentNext()).toMatchObject({
      state: 'running',
      startedAt: at('2026-11-30T07:00:00Z'),
      dueAt: at('2026-11-30T09:00:00Z'),
    });
    h.replies.push({ at: at('2026-11-30T08:30:00Z'), by: 'staff', provider: 'UNON' });
    clocks = deriveCaseClocks(h, ctx, at('2026-11-30T09:00:00Z'));
    expect(segmentNext()).toMatchObject({ state: 'met', elapsedBusinessMs: 90 * 60_000 });
  });
});
