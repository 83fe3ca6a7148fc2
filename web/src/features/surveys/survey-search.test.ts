import { describe, expect, it } from 'vitest';
import { validateSurveyResultsSearch } from './survey-search.ts';

describe('survey results search', () => {
  it('keeps real dates and known groupings, drops the rest (every key present, undefined when refused)', () => {
    expect(
      validateSurveyResultsSearch({ from: '31/02/2026', to: '2026-02-30', groupBy: 'zz', source: 'x', pain: 'maybe' }),
    ).toEqual({
      from: undefined,
      to: undefined,
      groupBy: undefined,
      source: undefined,
      pain: undefined,
    });
    expect(
      validateSurveyResultsSearch({
        from: '2026-01-01',
        to: '2026-11-30',
        groupBy: 'month',
        source: 'campaign',
        pain: 'true',
        foo: 1,
      }),
    ).toEqual({ from: '2026-01-01', to: '2026-11-30', groupBy: 'month', source: 'campaign', pain: true });
  });
});
