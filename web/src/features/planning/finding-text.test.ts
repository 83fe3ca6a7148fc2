/** Findings worded in English and French from their codes and fields, with numbers in the language's format. */
import { describe, expect, it } from 'vitest';
import { translator } from '../../lib/test-translator.ts';
import { FINDING_CODES, findingSentence } from './finding-text.ts';
import en from './locales/en.json';
import fr from './locales/fr.json';

/** The translation function of `lng` over this test's dictionaries. */
const translatorOf = (lng: 'en' | 'fr') => translator(lng, lng === 'en' ? en : fr);

describe('finding sentences', () => {
  it('word every known code in English and French, never the server English, with the fields and formatted numbers', async () => {
    const [tEn, tFr] = [await translatorOf('en'), await translatorOf('fr')];
    for (const code of FINDING_CODES) {
      expect(Object.keys(en.planning.finding)).toContain(code);
      expect(Object.keys(fr.planning.finding)).toContain(code);
    }
    const f = {
      code: 'DEMAND_ABOVE_ANY_CAPACITY',
      message: 'UNAMA needs 12,500 transactions of PAY-PAYROLL a year: ...',
      entity: 'UNAMA',
      service: 'PAY-PAYROLL',
      demand: 12500,
      capacity: 9000.5,
    };
    const english = findingSentence(tEn, 'en', f);
    const french = findingSentence(tFr, 'fr', f);
    expect(english).toBe(
      'UNAMA needs 12,500 of PAY-PAYROLL a year, above the largest usable capacity of its eligible providers (9,001); a demand goes whole to one provider.',
    );
    expect(french).toContain('UNAMA a besoin de 12\u202f500 de PAY-PAYROLL par an');
    expect(french).toContain('(9\u202f001)');
    expect(french).not.toContain(f.message);
  });

  it('words a kept provider that is none as own support, and an unknown code generically with its code', async () => {
    const tFr = await translatorOf('fr');
    expect(
      findingSentence(tFr, 'fr', { code: 'KEPT_PROVIDER_NOT_ELIGIBLE', message: '', entity: 'UNAMA', service: 'PAY-PAYROLL' }),
    ).toBe('UNAMA doit garder son appui propre pour PAY-PAYROLL, qui n’est pas admissible.');
    expect(findingSentence(tFr, 'fr', { code: 'SOMETHING_NEW', message: 'x', entity: 'UNAMA', service: 'HR' })).toBe(
      'UNAMA HR : la demande ne peut pas être satisfaite (SOMETHING_NEW).',
    );
  });
});
