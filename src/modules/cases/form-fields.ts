/**
 * Form fields a service asks of the requester (data in the catalogue: `services.form_fields`), and the
 * check of a request's `fields` against them.
 */
import { z } from 'zod';
import { AppError, type FieldIssue } from '../../server/errors.ts';
import { isCalendarDate } from '../../server/validation.ts';

/** The longest text a form field may allow (characters); a field's own `maxLength` is at most this. */
export const FORM_FIELD_MAX_LENGTH = 20_000;

const FieldKey = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/);

/**
 * A field of a service's form. `min` and `max` bound a `number` field (inclusive, in the field's own unit,
 * e.g. USD); `notBefore` names another `date` field of the same form that a `date` field may not precede
 * (a return date not before the departure date); both are checked only when both dates are given.
 */
export const FormFieldSchema = z
  .object({
    key: FieldKey,
    label: z.object({ en: z.string().min(1), fr: z.string().min(1) }).catchall(z.string()),
    type: z.enum(['text', 'textarea', 'number', 'date', 'select', 'boolean']),
    required: z.boolean().default(false),
    maxLength: z.number().int().positive().max(FORM_FIELD_MAX_LENGTH).optional(),
    options: z.array(z.string()).optional(),
    min: z.number().finite().optional().describe('number fields: the smallest value allowed (inclusive)'),
    max: z.number().finite().optional().describe('number fields: the largest value allowed (inclusive)'),
    notBefore: FieldKey.optional().describe('date fields: the key of the date field this one may not precede'),
  })
  .superRefine((f, ctx) => {
    if (f.type !== 'number' && (f.min !== undefined || f.max !== undefined))
      ctx.addIssue({
        code: 'custom',
        path: [f.min !== undefined ? 'min' : 'max'],
        message: 'only a number field has min or max',
      });
    if (f.min !== undefined && f.max !== undefined && f.min > f.max)
      ctx.addIssue({ code: 'custom', path: ['max'], message: 'must not be below min' });
    if (f.notBefore !== undefined && f.type !== 'date')
      ctx.addIssue({ code: 'custom', path: ['notBefore'], message: 'only a date field has notBefore' });
  });
export type FormField = z.infer<typeof FormFieldSchema>;

/**
 * A service's form: field keys unique, and each `notBefore` the key of another date field of the form.
 */
export const FormFieldsSchema = z.array(FormFieldSchema).superRefine((form, ctx) => {
  const byKey = new Map<string, FormField>();
  form.forEach((f, i) => {
    if (byKey.has(f.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `"${f.key}" is used by an earlier field` });
    byKey.set(f.key, f);
  });
  form.forEach((f, i) => {
    if (f.notBefore === undefined) return;
    const other = byKey.get(f.notBefore);
    if (other?.type !== 'date' || other.key === f.key)
      ctx.addIssue({ code: 'custom', path: [i, 'notBefore'], message: 'must be the key of another date field of the form' });
  });
});

/**
 * Checks `fields` against the service's form: unknown keys, missing required fields, types, lengths
 * (default 2,000 characters), dates (YYYY-MM-DD), options, a number's `min` and `max`, and a date's
 * `notBefore` (when both dates are given and valid).
 * @returns the fields, normalised (trimmed strings).
 * @throws AppError CASE_INVALID_FIELDS naming each bad field as `fields.<key>`.
 */
export function checkFormFields(form: FormField[], fields: Record<string, unknown>): Record<string, string | number | boolean> {
  const issues: FieldIssue[] = [];
  const out: Record<string, string | number | boolean> = {};
  const byKey = new Map(form.map((f) => [f.key, f]));
  for (const key of Object.keys(fields)) {
    if (!byKey.has(key)) issues.push({ field: `fields.${key}`, message: 'is not a field of this service' });
  }
  for (const f of form) {
    const v = fields[f.key];
    const field = `fields.${f.key}`;
    // text that is only spaces is no answer: missing (required) or left out
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
      if (f.required) issues.push({ field, message: 'is required' });
      continue;
    }
    switch (f.type) {
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) issues.push({ field, message: 'must be a number' });
        else if (f.min !== undefined && v < f.min) issues.push({ field, message: `must be at least ${f.min}` });
        else if (f.max !== undefined && v > f.max) issues.push({ field, message: `must be at most ${f.max}` });
        else out[f.key] = v;
        break;
      case 'boolean':
        if (typeof v !== 'boolean') issues.push({ field, message: 'must be true or false' });
        else out[f.key] = v;
        break;
      default: {
        if (typeof v !== 'string') {
          issues.push({ field, message: 'must be text' });
          break;
        }
        const s = v.trim();
        const max = f.maxLength ?? 2000;
        if (s.length > max) issues.push({ field, message: `is ${s.length} characters long; at most ${max}` });
        else if (f.type === 'date' && !isCalendarDate(s)) issues.push({ field, message: 'must be a real date as YYYY-MM-DD' });
        else if (f.type === 'select' && f.options && !f.options.includes(s))
          issues.push({ field, message: `must be one of ${f.options.join(', ')}` });
        else out[f.key] = s;
      }
    }
  }
  // a date may not precede the date it follows (both given and valid, so both are in `out`, YYYY-MM-DD)
  for (const f of form) {
    const other = f.notBefore;
    const v = out[f.key];
    const before = other === undefined ? undefined : out[other];
    if (f.type === 'date' && typeof v === 'string' && typeof before === 'string' && v < before)
      issues.push({ field: `fields.${f.key}`, message: `must not be before fields.${other}` });
  }
  if (issues.length) {
    throw new AppError('CASE_INVALID_FIELDS', `Invalid fields: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, {
      issues,
    });
  }
  return out;
}
