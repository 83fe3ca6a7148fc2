/** The service form's checks: a number's bounds and a date that may not precede another, as the catalogue sets them. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.ts';
import { readReferenceData } from '../reference/reference-data.ts';
import { checkFormFields, type FormField, FormFieldsSchema } from './form-fields.ts';

function issuesOf(f: () => unknown): { field: string | undefined; message: string }[] {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e.issues.map((i) => ({ field: i.field, message: i.message }));
    throw e;
  }
  return [];
}

const services = readReferenceData().services;
const formOf = (code: string) => services.find((s) => s.code === code)?.formFields as FormField[];

describe('form field bounds (catalogue data)', () => {
  it('refuses a negative estimated value of a procurement, naming the field, and takes zero and more', () => {
    const form = formOf('PROC-PROCUREMENT');
    expect(form.find((f) => f.key === 'estimatedValue')?.min).toBe(0);
    expect(issuesOf(() => checkFormFields(form, { estimatedValue: -5000, requirement: 'Laptops' }))).toEqual([
      { field: 'fields.estimatedValue', message: 'must be at least 0' },
    ]);
    expect(checkFormFields(form, { estimatedValue: 0, requirement: 'Laptops' }).estimatedValue).toBe(0);
    expect(checkFormFields(form, { estimatedValue: 125000.5, requirement: 'Laptops' }).estimatedValue).toBe(125000.5);
  });

  it('refuses a return date before the departure date, and takes the same day, a later one, or none', () => {
    const form = formOf('TRV-TRAVEL');
    const trip = { destination: 'Nairobi', departureDate: '2026-12-10' };
    expect(issuesOf(() => checkFormFields(form, { ...trip, returnDate: '2026-12-09' }))).toEqual([
      { field: 'fields.returnDate', message: 'must not be before fields.departureDate' },
    ]);
    expect(checkFormFields(form, { ...trip, returnDate: '2026-12-10' }).returnDate).toBe('2026-12-10');
    expect(checkFormFields(form, { ...trip, returnDate: '2027-01-02' }).returnDate).toBe('2027-01-02');
    expect(checkFormFields(form, trip)).toEqual(trip);
    // an invalid departure is reported as such, not compared
    expect(issuesOf(() => checkFormFields(form, { ...trip, departureDate: '2026-13-01', returnDate: '2026-12-09' }))).toEqual([
      { field: 'fields.departureDate', message: 'must be a real date as YYYY-MM-DD' },
    ]);
  });

  it('checks max too, and reports every bad field at once', () => {
    const form: FormField[] = [
      { key: 'n', label: { en: 'N', fr: 'N' }, type: 'number', required: true, min: 1, max: 10 },
      { key: 'from', label: { en: 'From', fr: 'Du' }, type: 'date', required: true },
      { key: 'to', label: { en: 'To', fr: 'Au' }, type: 'date', required: true, notBefore: 'from' },
    ];
    expect(issuesOf(() => checkFormFields(form, { n: 11, from: '2026-05-02', to: '2026-05-01' }))).toEqual([
      { field: 'fields.n', message: 'must be at most 10' },
      { field: 'fields.to', message: 'must not be before fields.from' },
    ]);
  });
});

describe('form field definitions', () => {
  const label = { en: 'L', fr: 'L' };
  it('takes min and max on numbers, notBefore on a date naming another date field', () => {
    expect(
      FormFieldsSchema.safeParse([
        { key: 'a', label, type: 'date' },
        { key: 'b', label, type: 'date', notBefore: 'a' },
        { key: 'c', label, type: 'number', min: 0, max: 5 },
      ]).success,
    ).toBe(true);
  });

  it('refuses bounds on a non-number, min above max, and a notBefore that names no other date field', () => {
    const r = FormFieldsSchema.safeParse([
      { key: 'a', label, type: 'text', min: 1 },
      { key: 'b', label, type: 'number', min: 5, max: 1 },
      { key: 'c', label, type: 'date', notBefore: 'a' },
      { key: 'd', label, type: 'date', notBefore: 'zz' },
      { key: 'e', label, type: 'date', notBefore: 'e' },
      { key: 'f', label, type: 'text', notBefore: 'c' },
    ]);
    expect(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      '0.min: only a number field has min or max',
      '1.max: must not be below min',
      '5.notBefore: only a date field has notBefore',
      '2.notBefore: must be the key of another date field of the form',
      '3.notBefore: must be the key of another date field of the form',
      '4.notBefore: must be the key of another date field of the form',
    ]);
  });
});
