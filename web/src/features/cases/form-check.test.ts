/** The request form's reading of the API's field problems: each known wording becomes a problem kind the UI translates. */
import { describe, expect, it } from 'vitest';
import type { FormField } from '../../api/types.ts';
import { checkFields, problemOfMessage, serverFieldProblems } from './form-check.ts';

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

describe('form field bounds', () => {
  const label = { en: 'L', fr: 'L' };
  const trip: FormField[] = [
    { key: 'departureDate', label, type: 'date', required: true },
    { key: 'returnDate', label, type: 'date', required: false, notBefore: 'departureDate' },
  ];
  const procurement: FormField[] = [{ key: 'estimatedValue', label, type: 'number', required: true, min: 0, max: 1e9 }];

  it("refuses a number below the field's min or above its max, as the server does", () => {
    expect(checkFields(procurement, { estimatedValue: -1 })).toEqual({ estimatedValue: { kind: 'min', min: 0 } });
    expect(checkFields(procurement, { estimatedValue: 2e9 })).toEqual({ estimatedValue: { kind: 'max', max: 1e9 } });
    expect(checkFields(procurement, { estimatedValue: 0 })).toEqual({});
  });

  it('refuses a return date before the departure date, and takes the same day or no return date', () => {
    expect(checkFields(trip, { departureDate: '2026-12-10', returnDate: '2026-12-09' })).toEqual({
      returnDate: { kind: 'notBefore', other: 'departureDate' },
    });
    expect(checkFields(trip, { departureDate: '2026-12-10', returnDate: '2026-12-10' })).toEqual({});
    expect(checkFields(trip, { departureDate: '2026-12-10' })).toEqual({});
    // no departure yet: nothing to compare with (the departure is the problem)
    expect(checkFields(trip, { returnDate: '2026-12-09' })).toEqual({ departureDate: { kind: 'required' } });
  });

  it("reads the server's bound messages as the same problems", () => {
    const { byField } = serverFieldProblems([
      { field: 'fields.estimatedValue', message: 'must be at least 0' },
      { field: 'fields.count', message: 'must be at most 12.5' },
      { field: 'fields.returnDate', message: 'must not be before fields.departureDate' },
    ]);
    expect(byField).toEqual({
      'fields.estimatedValue': { kind: 'min', min: 0 },
      'fields.count': { kind: 'max', max: 12.5 },
      'fields.returnDate': { kind: 'notBefore', other: 'departureDate' },
    });
  });
});

describe("the API's wording of bounds (src/server/errors.ts, asserted in errors.test.ts)", () => {
  it('reads text and number bounds and a missing value as problem kinds the UI translates', () => {
    expect(problemOfMessage('must be at least 3 characters long')).toEqual({ kind: 'tooShort', min: 3 });
    expect(problemOfMessage('must be at most 2000 characters long')).toEqual({ kind: 'maxLength', max: 2000 });
    expect(problemOfMessage('must not be empty')).toEqual({ kind: 'required' });
    expect(problemOfMessage('must be at most 1 character long')).toEqual({ kind: 'maxLength', max: 1 });
    expect(problemOfMessage('must be at least 0')).toEqual({ kind: 'min', min: 0 });
    expect(problemOfMessage('must be at most 10')).toEqual({ kind: 'max', max: 10 });
    expect(problemOfMessage('is required')).toEqual({ kind: 'required' });
  });
});
