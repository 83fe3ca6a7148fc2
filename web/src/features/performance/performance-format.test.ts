import { describe, expect, it } from 'vitest';
import { translator } from '../../lib/test-translator.ts';
import en from './locales/en.json';
import fr from './locales/fr.json';
import type { Cell } from './performance.api.ts';
import { formatPeriod, formatTarget, formatValue, trendOf, validatePerformanceSearch } from './performance-format.ts';

const cell = (period: string, value: number | null): Cell => ({
  standard: 'S',
  version: 1,
  provider: 'P',
  period,
  value,
  numerator: null,
  denominator: null,
  met: null,
  frozen: false,
});

describe('performance format', () => {
  it('formats values in their unit', () => {
    expect(formatValue(0.955, 'share', 'en')).toBe('95.5 %');
    expect(formatValue(null, 'share', 'en')).toBe('—');
    expect(formatTarget({ comparator: '<=', target: 40, unit: 'business-hours' }, 'en')).toBe('≤ 40 h');
  });

  it('reads a trend by the standard’s direction', () => {
    const cells = [cell('2026-01', 0.8), cell('2026-02', 0.9)];
    expect(trendOf(cells, ['2026-01', '2026-02'], cells[1] as Cell, '>=')).toBe('better');
    expect(trendOf(cells, ['2026-01', '2026-02'], cells[1] as Cell, '<=')).toBe('worse');
    expect(trendOf(cells, ['2026-01', '2026-02'], cells[0] as Cell, '>=')).toBeNull();
  });

  it('drops malformed search parameters', () => {
    expect(validatePerformanceSearch({ from: '2026-13', to: '2026-02', granularity: 'week', entity: 'minusca' })).toEqual({
      to: '2026-02',
      entity: 'MINUSCA',
    });
  });

  it('writes period labels in the reader’s language (months, quarters, halves, ranges), not ISO', async () => {
    const words = async (lng: 'en' | 'fr', dictionary: object) => {
      const t = await translator(lng, dictionary);
      return (key: string, values: Record<string, string>) => t(`performance.periodLabel.${key}`, values);
    };
    const tf = await words('fr', fr);
    const te = await words('en', en);
    expect(formatPeriod('2026-11', 'fr', tf)).toBe('novembre 2026');
    expect(formatPeriod('2026-11', 'en', te)).toBe('November 2026');
    expect(formatPeriod('2026-Q1', 'fr', tf)).toBe('T1 2026');
    expect(formatPeriod('2026-Q1', 'en', te)).toBe('Q1 2026');
    expect(formatPeriod('2026-H2', 'fr', tf)).toBe('S2 2026');
    expect(formatPeriod('2026', 'fr', tf)).toBe('2026');
    expect(formatPeriod('2024-12..2025-11', 'fr', tf)).toBe('déc. 2024 – nov. 2025');
    expect(formatPeriod('2024-12..2025-11', 'en', te)).toBe('Dec 2024 – Nov 2025');
  });
});
