/**
 * Internationalisation: every user-visible string goes through i18next. English and French are complete;
 * the chosen language is remembered in localStorage and set on `<html lang dir>` (right-to-left languages
 * such as Arabic flip the whole layout through Mantine's DirectionProvider, see app-providers.tsx).
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';
import fr from './locales/fr.json';

type Dict = { [key: string]: string | Dict };

/**
 * A feature may keep its own strings in `features/<name>/locales/<lang>.json`; they are merged into the
 * one `translation` namespace under their own top-level keys (a key defined twice is a build-time bug the
 * parity test catches).
 */
const featureLocales = import.meta.glob<Dict>('./features/*/locales/*.json', { eager: true, import: 'default' });

function withFeatures(base: Dict, lang: string): Dict {
  const out: Dict = { ...base };
  for (const [file, dict] of Object.entries(featureLocales)) {
    if (file.endsWith(`/${lang}.json`)) Object.assign(out, dict);
  }
  return out;
}

export const LANGUAGES = [
  { code: 'en', label: 'English', short: 'EN' },
  { code: 'fr', label: 'Français', short: 'FR' },
] as const;
export type LanguageCode = (typeof LANGUAGES)[number]['code'];

export const LANGUAGE_STORAGE_KEY = 'meridian.language';

export function isSupportedLanguage(lng: string | null | undefined): lng is LanguageCode {
  return LANGUAGES.some((l) => l.code === lng);
}

function storedLanguage(): LanguageCode | null {
  try {
    const v = window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
    return isSupportedLanguage(v) ? v : null;
  } catch {
    return null;
  }
}

/** Whether the user chose a language on this browser (then their profile's locale does not override it). */
export function hasStoredLanguage(): boolean {
  return storedLanguage() !== null;
}

function initialLanguage(): LanguageCode {
  const stored = storedLanguage();
  if (stored) return stored;
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = l.slice(0, 2).toLowerCase();
    if (isSupportedLanguage(base)) return base;
  }
  return 'en';
}

/** Sets `<html lang dir>` for `lng`. */
export function applyDocumentLanguage(lng: string): void {
  document.documentElement.lang = lng;
  document.documentElement.dir = i18n.dir(lng);
}

/** Switches the language and remembers it. */
export async function changeLanguage(lng: LanguageCode, remember = true): Promise<void> {
  if (remember) {
    try {
      window.localStorage.setItem(LANGUAGE_STORAGE_KEY, lng);
    } catch {
      // private mode: the choice lasts for this page only
    }
  }
  await i18n.changeLanguage(lng);
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: withFeatures(en, 'en') }, fr: { translation: withFeatures(fr, 'fr') } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  supportedLngs: LANGUAGES.map((l) => l.code),
  interpolation: { escapeValue: false },
  returnNull: false,
});
applyDocumentLanguage(i18n.language);
i18n.on('languageChanged', applyDocumentLanguage);

export default i18n;
