import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.ts';
import { formatInstant, parseInstant } from './iso-time.ts';
import { dueFromContract, elapsedFromContract } from './sla-contract.ts';

const rome = {
  timeZone: 'Europe/Rome',
  week: {
    mon: [['08:00', '17:00']],
    tue: [['08:00', '17:00']],
    wed: [['08:00', '17:00']],
    thu: [['08:00', '17:00']],
    fri: [['08:00', '17:00']],
    sat: [],
    sun: [],
  },
  holidays: ['2026-12-25'],
  closures: [{ from: '2026-12-24T13:00:00+01:00', to: '2026-12-24T17:00:00+01:00' }],
};

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('the SLA contract (docs/sla-contract.md)', () => {
  it('answers the due instant in UTC, seconds always, milliseconds only when not zero', () => {
    // Thursday 24 Dec 12:00 + 2 h: 12:00-13:00 worked, closed from 13:00, holiday on the 25th, weekend -> Mon 28th 09:00.
    expect(dueFromContract({ calendar: rome, start: '2026-12-24T12:00:00+01:00', target: 'PT2H' })).toEqual({
      due: '2026-12-28T08:00:00Z',
    });
    expect(dueFromContract({ calendar: rome, start: '2026-11-23T10:00:00.250+01:00', target: 'PT30M' })).toEqual({
      due: '2026-11-23T09:30:00.250Z',
    });
    expect(dueFromContract({ calendar: rome, start: '2026-11-27T15:00:00Z', target: 'P1D' })).toEqual({
      due: '2026-11-30T15:00:00Z',
    });
  });

  it('pauses push the due on; elapsed counts business minutes outside them', () => {
    const pauses = [{ from: '2026-11-23T11:00:00+01:00', to: '2026-11-23T12:00:00+01:00' }];
    expect(dueFromContract({ calendar: rome, start: '2026-11-23T10:00:00+01:00', target: 'PT2H', pauses })).toEqual({
      due: '2026-11-23T12:00:00Z',
    });
    expect(
      elapsedFromContract({ calendar: rome, from: '2026-11-23T10:00:00+01:00', to: '2026-11-23T13:00:00+01:00', pauses }),
    ).toEqual({
      businessMinutes: 120,
    });
    expect(elapsedFromContract({ calendar: rome, from: '2026-11-23T10:00:00+01:00', to: '2026-11-23T10:00:00+01:00' })).toEqual({
      businessMinutes: 0,
    });
  });

  it('refuses a bad body naming every bad field', () => {
    const e = errorOf(() =>
      dueFromContract({
        calendar: {
          ...rome,
          week: {
            ...rome.week,
            mon: [
              ['08:00', '17:00'],
              ['16:00', '18:00'],
            ],
          },
          holidays: ['2026-13-01'],
        },
        start: '2026-11-23T10:00:00',
        target: 'P1DT2H',
        pauses: [{ from: '2026-11-23T12:00:00Z', to: '2026-11-23T11:00:00Z' }],
        extra: true,
      }),
    );
    expect(e.code).toBe('VALIDATION_FAILED');
    const fields = e.issues.map((i) => i.field);
    expect(fields).toEqual(
      expect.arrayContaining(['calendar.week.mon[1]', 'calendar.holidays[0]', 'start', 'target', 'pauses[0].to', 'extra']),
    );
    expect(e.issues.find((i) => i.field === 'start')?.message).toMatch(/no offset/);
    expect(errorOf(() => dueFromContract({ calendar: rome, start: '2026-11-23T10:00:00Z' })).issues[0]?.field).toBe('target');
    expect(
      errorOf(() => elapsedFromContract({ calendar: rome, from: '2026-11-23T10:00:00Z', to: '2026-11-23T09:00:00Z' })).issues[0]
        ?.field,
    ).toBe('to');
    expect(errorOf(() => dueFromContract(null)).issues[0]?.field).toBe('body');
  });

  it('parses instants strictly and formats them in UTC', () => {
    expect(parseInstant('2026-03-29T02:30:00+05:45')).toBe(Date.UTC(2026, 2, 28, 20, 45));
    expect(parseInstant('2026-03-29T02:30Z')).toBe(Date.UTC(2026, 2, 29, 2, 30));
    expect(parseInstant('2026-02-30T00:00:00Z')).toMatch(/not a real date/);
    expect(parseInstant('2026-03-29 02:30:00')).toMatch(/no offset/);
    expect(parseInstant('1800-01-01T00:00:00Z')).toMatch(/1900-2999/);
    expect(formatInstant(Date.UTC(2026, 0, 1))).toBe('2026-01-01T00:00:00Z');
    expect(formatInstant(Date.UTC(2026, 0, 1, 0, 0, 0, 7))).toBe('2026-01-01T00:00:00.007Z');
  });
});
