/** The date fields' formats and their reading of typed text, in English and French. */
import { describe, expect, it } from 'vitest';
import { dateFormatsOf, datesLocaleOf, isoToShown, parseTypedDate } from './typed-dates.ts';

describe('typed dates', () => {
  it('shows dates day first in French and in ISO order in English', () => {
    expect(dateFormatsOf('fr')).toEqual({ date: 'DD/MM/YYYY', dateTime: 'DD/MM/YYYY HH:mm' });
    expect(dateFormatsOf('fr-CA').date).toBe('DD/MM/YYYY');
    expect(dateFormatsOf('en').date).toBe('YYYY-MM-DD');
    expect(dateFormatsOf(undefined).date).toBe('YYYY-MM-DD');
    expect(datesLocaleOf('fr-FR')).toBe('fr');
    expect(datesLocaleOf('ar')).toBe('en');
  });

  it('reads the language format, ISO and the month by name', () => {
    const fr = dateFormatsOf('fr');
    expect(parseTypedDate('30/11/2026', fr.date, 'fr', false)).toBe('2026-11-30');
    expect(parseTypedDate(' 2026-11-30 ', fr.date, 'fr', false)).toBe('2026-11-30');
    expect(parseTypedDate('30 novembre 2026', fr.date, 'fr', false)).toBe('2026-11-30');
    expect(parseTypedDate('5 déc. 2026', fr.date, 'fr', false)).toBe('2026-12-05');
    expect(parseTypedDate('30 Nov 2026', dateFormatsOf('en').date, 'en', false)).toBe('2026-11-30');
    // French day-first text is not read as month-first in English
    expect(parseTypedDate('11/30/2026', fr.date, 'fr', false)).toBeNull();
  });

  it('refuses what is not a real date', () => {
    const fr = dateFormatsOf('fr');
    expect(parseTypedDate('', fr.date, 'fr', false)).toBeNull();
    expect(parseTypedDate('31/02/2026', fr.date, 'fr', false)).toBeNull();
    expect(parseTypedDate('2026-13-01', fr.date, 'fr', false)).toBeNull();
    expect(parseTypedDate('demain', fr.date, 'fr', false)).toBeNull();
  });

  it('reads a date and time, with the T of ISO or a space', () => {
    const fr = dateFormatsOf('fr');
    expect(parseTypedDate('24/12/2026 17:30', fr.dateTime, 'fr', true)).toBe('2026-12-24 17:30:00');
    expect(parseTypedDate('2026-12-24T17:30', fr.dateTime, 'fr', true)).toBe('2026-12-24 17:30:00');
    expect(parseTypedDate('24/12/2026 25:00', fr.dateTime, 'fr', true)).toBeNull();
  });
});

describe('typed dates without leading zeros', () => {
  it('reads 1/2/2027 in French as the first of February', () => {
    const fr = dateFormatsOf('fr');
    expect(parseTypedDate('1/2/2027', fr.date, 'fr', false)).toBe('2027-02-01');
    expect(parseTypedDate('1/2/2027 9:05', fr.dateTime, 'fr', true)).toBe('2027-02-01 09:05:00');
    expect(parseTypedDate('32/1/2027', fr.date, 'fr', false)).toBeNull();
  });
});

describe('isoToShown', () => {
  it('writes an ISO date or date-time in the field format, and anything else as typed', () => {
    expect(isoToShown('2027-02-01', 'DD/MM/YYYY', false)).toBe('01/02/2027');
    expect(isoToShown('2027-02-01T09:05', 'DD/MM/YYYY HH:mm', true)).toBe('01/02/2027 09:05');
    expect(isoToShown('31/02/2027', 'DD/MM/YYYY', false)).toBe('31/02/2027');
  });
});
