/**
 * Country names in the UI language from the browser's own CLDR data (Intl.DisplayNames): no name table
 * to ship or keep up to date. Codes are ISO 3166 alpha-2.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

const NOT_COUNTRIES = new Set([
  'EU',
  'EZ',
  'UN',
  'QO',
  'XA',
  'XB',
  'ZZ',
  'AA',
  'QM',
  'QN',
  'QP',
  'QQ',
  'QR',
  'QS',
  'QT',
  'QU',
  'QV',
  'QW',
  'QX',
  'QY',
  'QZ',
]);

function displayNames(lng: string): Intl.DisplayNames | null {
  try {
    return new Intl.DisplayNames([lng, 'en'], { type: 'region', fallback: 'none' });
  } catch {
    return null;
  }
}

/** The name of country `code` in `lng`, or the code when the browser does not know it. */
export function countryName(code: string, lng: string): string {
  return displayNames(lng)?.of(code.toUpperCase()) ?? code;
}

/** Every ISO alpha-2 code the browser can name, with its name in `lng`, sorted by name. */
export function countryOptions(lng: string): Array<{ value: string; label: string }> {
  const dn = displayNames(lng);
  if (!dn) return [];
  const out: Array<{ value: string; label: string }> = [];
  const A = 'A'.charCodeAt(0);
  for (let i = 0; i < 26; i++) {
    for (let j = 0; j < 26; j++) {
      const code = String.fromCharCode(A + i, A + j);
      if (NOT_COUNTRIES.has(code) || (code.startsWith('X') && code !== 'XK')) continue;
      let name: string | undefined;
      try {
        name = dn.of(code);
      } catch {
        name = undefined;
      }
      if (name && name !== code) out.push({ value: code, label: `${name} (${code})` });
    }
  }
  return out.sort((a, b) => a.label.localeCompare(b.label, lng));
}

/** `countryName` bound to the current language, and the country options for selects. */
export function useCountries(): { name: (code: string) => string; options: Array<{ value: string; label: string }> } {
  const { i18n } = useTranslation();
  const lng = i18n.language;
  return useMemo(() => ({ name: (code: string) => countryName(code, lng), options: countryOptions(lng) }), [lng]);
}
