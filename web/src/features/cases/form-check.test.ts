/** The request form's reading of the API's field problems: each known wording becomes a problem kind the UI translates. */
import { describe, expect, it } from 'vitest';
import { serverFieldProblems } from './form-check.ts';

describe('server field problems', () => {
  it("reads the API's enumeration wording (priority levels, select options) as an option problem, not raw English", () => {
    const { byField, other } = serverFieldProblems([
      { field: 'body.impact', message: 'must be one of 1, 2, 3' },
      { field: 'body.fields.issue', message: 'must be one of missing-payment, wrong-amount' },
      { field: 'body.bogus', message: 'is not a known field' },
    ]);
    expect(byField).toEqual({ impact: { kind: 'option' }, 'fields.issue': { kind: 'option' } });
    // a field the form does not have stays for the general alert, which shows the problem's code translated
    expect(other).toEqual([{ field: 'body.bogus', message: 'is not a known field' }]);
  });
});
