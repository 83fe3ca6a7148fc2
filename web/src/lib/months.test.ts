import { describe, expect, it } from 'vitest';
import { formatDay, formatMonth, parseMonthInput } from './months.ts';

describe('months', () => {
  it('reads a month typed as YYYY-MM, a real one, and nothing else', () => {
    expect(parseMonthInput('2026-10')).toBe('2026-10');
    expect(parseMonthInput(' 2026-10 ')).toBe('2026-10');
    expect(parseMonthInput('novembre 2026')).toBeUndefined();
    expect(parseMonthInput('2026-13')).toBeUndefined();
    expect(parseMonthInput('2026-00')).toBeUndefined();
    expect(parseMonthInput('2026-1')).toBeUndefined();
    expect(parseMonthInput('0026-10')).toBeUndefined();
    expect(parseMonthInput('')).toBeUndefined();
  });

  it('writes a month out in the language', () => {
    expect(formatMonth('2026-11', 'fr')).toBe('novembre 2026');
    expect(formatMonth('2026-11', 'en')).toBe('November 2026');
    expect(formatMonth('2024-12', 'fr', 'short')).toBe('déc. 2024');
    expect(formatMonth('2024-12', 'en', 'short')).toBe('Dec 2024');
    expect(formatMonth('2026-Q1', 'fr')).toBe('2026-Q1');
  });

  it('writes a calendar day out as the app shows dates, without a time-zone shift', () => {
    expect(formatDay('2026-01-01', 'fr')).toBe('1 janv. 2026');
    expect(formatDay('2026-11-30', 'en')).toBe('Nov 30, 2026');
    expect(formatDay('2026-11-30T12:00:00Z', 'fr')).toBe('30 nov. 2026');
    expect(formatDay('2026-02-30', 'fr')).toBe('2026-02-30');
    expect(formatDay('bogus', 'fr')).toBe('bogus');
  });
});
