/**
 * How the date fields (date-fields.tsx) show and read dates in the reader's language: the display formats
 * of a language, and the reading of typed text. Pure (dayjs only), so that it is tested without a browser.
 */
import dayjs from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat';
import 'dayjs/locale/fr';

dayjs.extend(customParseFormat);

/** The dayjs locale of a UI language (`fr…` -> `fr`, anything else -> `en`). */
export function datesLocaleOf(language: string | undefined): 'en' | 'fr' {
  return language?.startsWith('fr') ? 'fr' : 'en';
}

/**
 * The display formats (dayjs) of a UI language: day first in French (`30/11/2026`), the ISO order in
 * English (`2026-11-30`, unambiguous for readers of either the US or the UK order).
 */
export function dateFormatsOf(language: string | undefined): { date: string; dateTime: string } {
  return datesLocaleOf(language) === 'fr'
    ? { date: 'DD/MM/YYYY', dateTime: 'DD/MM/YYYY HH:mm' }
    : { date: 'YYYY-MM-DD', dateTime: 'YYYY-MM-DD HH:mm' };
}

/**
 * Reads typed text as a date: in `format` (the language's, leading zeros optional), in ISO (`YYYY-MM-DD`; with `withTime`,
 * `YYYY-MM-DD HH:mm` or `YYYY-MM-DDTHH:mm`), or with the month's name in `locale` (`30 nov. 2026`,
 * `30 novembre 2026`). Strict: `31/02/2026` is not a date.
 * @returns `YYYY-MM-DD` (or `YYYY-MM-DD HH:mm:ss` with `withTime`, the shape `@mantine/dates` takes), or
 *   null when the text is empty or not a real date in any of these forms.
 */
export function parseTypedDate(text: string, format: string, locale: 'en' | 'fr', withTime: boolean): string | null {
  const s = text.trim();
  if (s === '') return null;
  // the format without its leading zeros too (`1/2/2027` for `01/02/2027`)
  const loose = format.replace('DD', 'D').replace('MM', 'M').replace('HH', 'H');
  const formats = withTime
    ? [format, loose, 'YYYY-MM-DD HH:mm', 'YYYY-MM-DDTHH:mm']
    : [format, loose, 'YYYY-MM-DD', 'D MMM YYYY', 'D MMMM YYYY'];
  for (const f of formats) {
    const d = dayjs(s, f, locale, true);
    if (d.isValid()) return d.format(withTime ? 'YYYY-MM-DD HH:mm:ss' : 'YYYY-MM-DD');
  }
  return null;
}

/** `YYYY-MM-DD` (or `YYYY-MM-DDTHH:mm` with `withTime`) in `format`; anything else as it is. */
export function isoToShown(v: string, format: string, withTime: boolean): string {
  const d = dayjs(v, withTime ? 'YYYY-MM-DDTHH:mm' : 'YYYY-MM-DD', true);
  return d.isValid() ? d.format(format) : v;
}
