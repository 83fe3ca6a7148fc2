import { describe, expect, it } from 'vitest';
import { formatPercent, pickLocalized } from './localized.ts';

describe('formatPercent', () => {
  it('writes a percentage as each language does', () => {
    expect(formatPercent(75, 'en')).toBe('75%');
    expect(formatPercent(0, 'en')).toBe('0%');
    // French puts a no-break space before the sign (narrow or not, by the ICU version)
    expect(formatPercent(75, 'fr')).toMatch(/^75[\u00a0\u202f]%$/);
    expect(formatPercent(100, 'fr')).toMatch(/^100[\u00a0\u202f]%$/);
  });
});

describe('pickLocalized', () => {
  it('takes the language, else English', () => {
    expect(pickLocalized({ en: 'Payroll', fr: 'Paie' }, 'fr')).toBe('Paie');
    expect(pickLocalized({ en: 'Payroll', fr: 'Paie' }, 'es')).toBe('Payroll');
  });
});
