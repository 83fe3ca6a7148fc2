/**
 * Validators of URL search parameters: tolerant of anything typed in the address bar, never throwing. A value
 * that is missing, malformed, out of range or not one of the known ones is `undefined`, so the page falls back
 * to its default; the API is never sent a value it would refuse.
 *
 * TanStack Router lays a route's validated search OVER the raw one (`{ ...raw, ...validated }`): a key the
 * validator leaves out keeps what the address bar said (`/queue?page=abc` sent `page=abc` to the API). So a
 * route's validator returns EVERY key the route reads, `undefined` when the value is not valid; it never
 * `compact`s its result (`compact` is for building URLs).
 *
 * The router reads the address bar with `parseSearch` below, which keeps each value as the text typed: its
 * default reads values as JSON, so `?page=1e1` reached the validators as the number 10 (the API refuses `1e1`)
 * and `?q="x"` as `x`. A number is then read from plain decimal digits only (`optInt`), as the API does.
 */
import { parseSearchWith, stringifySearchWith } from '@tanstack/react-router';

/**
 * The router's `parseSearch`: the query string as `{key: text}`, no value read as JSON (the validators read
 * numbers and booleans from their text).
 */
export const parseSearch = parseSearchWith((text) => text);

/**
 * The router's `stringifySearch`, its inverse: texts, numbers and booleans written as they read (`page=2`,
 * never `page=%222%22`), anything else as JSON (no route's search holds one).
 */
export const stringifySearch = stringifySearchWith(JSON.stringify);

/** The longest free text a search parameter keeps (the API's own limit may be lower: pass it). */
export const MAX_SEARCH_TEXT = 200;

/** A trimmed non-empty text of at most `maxLength` characters (a number as its digits), else undefined. */
export function optString(v: unknown, maxLength = MAX_SEARCH_TEXT): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  return s === '' || s.length > maxLength ? undefined : s;
}

/**
 * A whole number from `min` to `max`: a number, or a text of decimal digits only (`0x10`, `1e1` or ` 3` are
 * not, although JavaScript's Number reads them), else undefined.
 */
export function optInt(v: unknown, min: number, max: number): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]{1,16}$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) return undefined;
  return n;
}

/** The page sizes the lists offer (their page-size menus). */
export const PAGE_SIZES = [10, 25, 50, 100];

/** A page size from a URL: one the lists offer, else undefined (the list's default; a menu cannot show 7). */
export function optPageSize(v: unknown): number | undefined {
  const n = optInt(v, 1, 100);
  return n !== undefined && PAGE_SIZES.includes(n) ? n : undefined;
}

/** `v` when it is one of `allowed` (a sort key, a state…), else undefined. */
export function optOneOf<T extends string>(v: unknown, allowed: readonly T[]): T | undefined {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : undefined;
}

/** `true` or `false` (as a boolean or its text), else undefined. */
export function optBool(v: unknown): boolean | undefined {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return undefined;
}

/** A real calendar date `YYYY-MM-DD` between 1900 and 2999 (the API's range; 2026-02-30 is not one), else undefined. */
export function optDate(v: unknown): string | undefined {
  const s = optString(v, 10);
  if (!s || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return undefined;
  const year = Number(s.slice(0, 4));
  const d = new Date(`${s}T00:00:00Z`);
  return year >= 1900 && year <= 2999 && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s ? s : undefined;
}

/** A month `YYYY-MM`, else undefined. */
export function optMonth(v: unknown): string | undefined {
  const s = optString(v, 7);
  return s && /^\d{4}-(0[1-9]|1[0-2])$/.test(s) ? s : undefined;
}

/** Drops undefined values so URLs stay short (for building a URL, never for a route's validated search). */
export function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}
