/** API problems read by their code in the UI language, never by the API's English detail. */
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import casesEn from '../features/cases/locales/en.json';
import casesFr from '../features/cases/locales/fr.json';
import en from '../locales/en.json';
import fr from '../locales/fr.json';
import { problemKey, problemValues } from './problems.ts';

const dictionaries = { en: { ...en, ...casesEn }, fr: { ...fr, ...casesFr } };

/** The text of problem `p` in `lng`, as useProblemText writes it. */
async function textOf(lng: 'en' | 'fr', p: { code: string; status?: number; [k: string]: unknown }) {
  const i = i18next.createInstance();
  await i.init({ lng, resources: { [lng]: { translation: dictionaries[lng] } }, interpolation: { escapeValue: false } });
  return i.t(
    problemKey(p, (key) => i.exists(key)),
    problemValues(p),
  );
}

describe('problem texts', () => {
  it('translates a known code in every language, English too, with its fields', async () => {
    const p = { code: 'VALIDATION_FAILED', status: 400, detail: 'Invalid querystring: querystring.page ...' };
    expect(await textOf('fr', p)).toBe('Certaines valeurs ne sont pas valides.');
    expect(await textOf('en', p)).toBe('Some values are not valid.');
    expect(
      await textOf('fr', { code: 'CASE_HAS_OPEN_CHILDREN', status: 409, detail: 'MER-1 has open child tasks' }),
    ).not.toContain('open child');
  });

  it("says which record from the problem's own fields", async () => {
    const overlap = { code: 'PRICE_PERIOD_OVERLAP', status: 409, overlapping: [12, 14], detail: '...' };
    expect(await textOf('en', overlap)).toContain('overlaps price list 12, 14 of the same provider');
    expect(await textOf('fr', overlap)).toContain('chevauche la liste de prix 12, 14 du même prestataire');
  });

  it('reads an unknown code as the generic text of its kind, never as the English detail', async () => {
    const refused = { code: 'SOMETHING_NEW', status: 422, detail: 'An English sentence' };
    expect(await textOf('fr', refused)).toBe('Le serveur a refusé cette demande.');
    expect(await textOf('en', refused)).toBe('The server refused this request.');
    expect(await textOf('fr', { code: 'HTTP_502', status: 502, detail: 'Bad Gateway' })).toBe(
      'Une erreur inattendue s’est produite ; elle a été consignée.',
    );
    expect(problemKey({ code: 'NETWORK', status: 0 }, () => true)).toBe('errors.network');
  });
});
