import { describe, expect, it } from 'vitest';
import type { Cell } from './performance.api.ts';
import { formatTarget, formatValue, trendOf, validatePerformanceSearch } from './performance-format.ts';

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
});
