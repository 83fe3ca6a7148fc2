/**
 * Months (`YYYY-MM`) and calendar days (`YYYY-MM-DD`) as a reader sees them: "novembre 2026" / "November
 * 2026", "30 nov. 2026" / "Nov 30, 2026" (the `dateStyle: 'medium'` the app shows dates with elsewhere), in
 * the UI language, read in UTC so that no time zone moves a day or a month. The values themselves stay ISO in
 * URLs, API calls and CSV/XLSX exports; only the text of a screen is written out.
 *
 * Also reads a month typed in a text field (`parseMonthInput`), so that a form checks it before sending.
 */
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { optDate } from './search-params.ts';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * A month typed in a field as `YYYY-MM` (spaces around it ignored), a real month of the years 1900-2999 (the
 * API's range): the month, else undefined ("novembre 2026", "2026-13", "2026-1" are not months).
 */
export function parseMonthInput(text: string): string | undefined {
  const s = text.trim();
  const m = MONTH.exec(s);
  if (!m) return undefined;
  const year = Number(m[1]);
  return year >= 1900 && year <= 2999 ? s : undefined;
}

/**
 * A month `YYYY-MM` in `lng`: `long` "novembre 2026" / "November 2026", `short` "nov. 2026" / "Nov 2026" (for
 * narrow column headers). Anything that is not a month is returned as given.
 */
export function formatMonth(ym: string, lng: string, style: 'long' | 'short' = 'long'): string {
  if (!MONTH.test(ym)) return ym;
  return new Intl.DateTimeFormat(lng, { timeZone: 'UTC', month: style, year: 'numeric' }).format(new Date(`${ym}-15T12:00:00Z`));
}

/**
 * A calendar day `YYYY-MM-DD` in `lng`, as the app shows dates: "30 nov. 2026" / "Nov 30, 2026" (read in UTC:
 * the day as written). An ISO instant (`2026-11-30T09:15:00Z`) gives its day in the reader's time zone.
 * Anything else is returned as given.
 */
export function formatDay(ymd: string, lng: string): string {
  if (!optDate(ymd.slice(0, 10))) return ymd;
  const instant = ymd.length > 10;
  const d = new Date(instant ? ymd : `${ymd}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return ymd;
  return new Intl.DateTimeFormat(lng, { ...(instant ? {} : { timeZone: 'UTC' }), dateStyle: 'medium' }).format(d);
}

/** `formatMonth` and `formatDay` in the UI language: `{ month(ym, style?), day(ymd) }`. */
export function useMonthFormat() {
  const { i18n } = useTranslation();
  const lng = i18n.language;
  const month = useCallback((ym: string, style: 'long' | 'short' = 'long') => formatMonth(ym, lng, style), [lng]);
  const day = useCallback((ymd: string) => formatDay(ymd, lng), [lng]);
  return { month, day };
}
