/** Zod pieces shared by the API contracts: calendar dates and database-sized integers. */
import { z } from 'zod';

/** Whether `s` (YYYY-MM-DD) is a real calendar date between 1900 and 2999 (2026-02-30 is not). */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const year = Number(s.slice(0, 4));
  if (year < 1900 || year > 2999) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** A calendar date as `YYYY-MM-DD` (checked against the calendar, years 1900-2999). */
export const IsoDateSchema = z.string().refine(isCalendarDate, 'a real date as YYYY-MM-DD (years 1900-2999)');

/** The largest value of a PostgreSQL `integer`. */
export const INT32_MAX = 2_147_483_647;

/** A positive id that fits a PostgreSQL `integer` column (query strings are coerced). */
export const IdSchema = z.coerce.number().int().min(1).max(INT32_MAX);
