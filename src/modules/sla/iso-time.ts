/**
 * Strict ISO-8601 pieces of the SLA contract: instants that carry their offset, local calendar dates,
 * "HH:MM" wall-clock times, and the UTC output format. Pure; no time-zone data needed.
 */

/** Earliest and latest instants Meridian's clocks accept: years 1900-2999 (UTC). */
export const MIN_INSTANT_MS = Date.UTC(1900, 0, 1);
export const MAX_INSTANT_MS = Date.UTC(3000, 0, 1);

const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HHMM_RE = /^(\d{2}):(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Epoch ms of an ISO-8601 instant with an offset or `Z` (`2026-03-02T09:00:00+01:00`, `2026-03-02T08:00Z`);
 * fractions beyond milliseconds are truncated. Returns a reason string when the text is not such an instant
 * (a local time without offset, an impossible date, a year outside 1900-2999).
 */
export function parseInstant(text: unknown): number | string {
  if (typeof text !== 'string') return 'must be an ISO-8601 instant string';
  const m = INSTANT_RE.exec(text);
  if (!m) {
    if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text))
      return `"${text}" has no offset: write the instant with Z or an offset (e.g. ${text}Z or ${text}+01:00)`;
    return `"${text}" is not an ISO-8601 instant (e.g. 2026-03-02T09:00:00Z or 2026-03-02T09:00:00+01:00)`;
  }
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const s = m[6] ? Number(m[6]) : 0;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59)
    return `"${text}" is not a real date and time`;
  let offset = 0;
  const z = m[8] as string;
  if (z !== 'Z' && z !== 'z') {
    const digits = z.replace(':', '');
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5));
    if (oh > 23 || om > 59) return `"${text}" has an impossible offset ${z}`;
    offset = (digits[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms) - offset;
  if (y < 1000 || t < MIN_INSTANT_MS || t >= MAX_INSTANT_MS) return `"${text}" is outside the years 1900-2999`;
  return t;
}

/** Days since 1970-01-01 of a local date `YYYY-MM-DD` (years 1900-2999), or a reason string. */
export function parseLocalDate(text: unknown): number | string {
  if (typeof text !== 'string') return 'must be a date string YYYY-MM-DD';
  const m = DATE_RE.exec(text);
  if (!m) return `"${text}" is not a date as YYYY-MM-DD`;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2999) return `"${text}" is outside the years 1900-2999`;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return `"${text}" is not a real date`;
  return Date.UTC(y, mo - 1, d) / 86_400_000;
}

/**
 * Minutes after midnight of a wall-clock time "HH:MM" (00:00-23:59; "24:00" = 1440 only when `allow24`),
 * or a reason string.
 */
export function parseHhMm(text: unknown, allow24: boolean): number | string {
  if (typeof text !== 'string') return 'must be a time string "HH:MM"';
  const m = HHMM_RE.exec(text);
  if (!m) return `"${text}" is not a time as "HH:MM"`;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  if (h === 24 && mi === 0) return allow24 ? 1440 : '"24:00" is allowed only as the end of a window';
  if (h > 23 || mi > 59) return `"${text}" is not a time of day (00:00-23:59, or 24:00 as an end)`;
  return h * 60 + mi;
}

/** `YYYY-MM-DDTHH:MM:SSZ` in UTC, with `.sss` only when the milliseconds are not zero. */
export function formatInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
