/** Zod pieces shared by the API contracts: calendar dates, query-string integers and database-sized ids. */
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

/**
 * A whole number written in a query string or a path, between `min` and `max`: plain decimal digits only
 * (`16`). `z.coerce.number()` (JavaScript's Number) also reads `0x10`, `1e1`, `0b10`, ` 16 `, `16.0` and
 * the empty string (0); those are refused here, naming the range. The value is a number; OpenAPI documents
 * a string of digits (what a query string carries). Bodies are JSON: they use `z.number()`.
 */
export function queryInteger(min: number, max: number) {
  const range = `a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}, in decimal digits`;
  return z
    .string()
    .regex(/^[0-9]{1,16}$/, range)
    .transform(Number)
    .pipe(z.number().int().min(min, range).max(max, range))
    .describe(range);
}

/** A positive id that fits a PostgreSQL `integer` column, in a path or a query string (decimal digits). */
export const IdSchema = queryInteger(1, INT32_MAX);
