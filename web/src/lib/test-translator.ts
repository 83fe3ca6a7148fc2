/**
 * For tests of wording: a translation function of its own i18next instance (the app's single instance is
 * left alone) over `dictionary`, the dictionary of `lng` (a feature's `locales/<lng>.json` or the app's).
 * Interpolated values are not escaped, as in the app (React escapes them).
 */
import i18next, { type TFunction } from 'i18next';

export async function translator(lng: 'en' | 'fr', dictionary: object): Promise<TFunction> {
  const i = i18next.createInstance();
  await i.init({ lng, resources: { [lng]: { translation: dictionary } }, interpolation: { escapeValue: false } });
  return i.t;
}
