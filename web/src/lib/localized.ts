/** Picking the current language out of the API's localized texts (`{en, fr, ...}`), falling back to English. */
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { LocalizedText } from '../api/types.ts';

/** The text of `lng`, else English, else the first one there is. */
export function pickLocalized(text: Partial<LocalizedText> | null | undefined, lng: string): string {
  if (!text) return '';
  return text[lng] ?? text[lng.slice(0, 2)] ?? text.en ?? Object.values(text)[0] ?? '';
}

/** Returns `l(text)`, the localized text in the current UI language. */
export function useLocalized(): (text: Partial<LocalizedText> | null | undefined) => string {
  const { i18n } = useTranslation();
  const lng = i18n.language;
  return useCallback((text) => pickLocalized(text, lng), [lng]);
}

/** `percent` (a number of percent, e.g. 75) written as the language writes it: `75%` in English, `75 %` in French. */
export function formatPercent(percent: number, lng: string): string {
  return new Intl.NumberFormat(lng, { style: 'percent', maximumFractionDigits: 0 }).format(percent / 100);
}
