/**
 * Form fields a service asks of the requester (data in the catalogue: `services.form_fields`), and the
 * check of a request's `fields` against them.
 */
import { z } from 'zod';
import { AppError, type FieldIssue } from '../../server/errors.ts';
import { isCalendarDate } from '../../server/validation.ts';

/** The longest text a form field may allow (characters); a field's own `maxLength` is at most this. */
export const FORM_FIELD_MAX_LENGTH = 20_000;

export const FormFieldSchema = z.object({
  key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/),
  label: z.object({ en: z.string().min(1), fr: z.string().min(1) }).catchall(z.string()),
  type: z.enum(['text', 'textarea', 'number', 'date', 'select', 'boolean']),
  required: z.boolean().default(false),
  maxLength: z.number().int().positive().max(FORM_FIELD_MAX_LENGTH).optional(),
  options: z.array(z.string()).optional(),
});
export type FormField = z.infer<typeof FormFieldSchema>;

/**
 * Checks `fields` against the service's form: unknown keys, missing required fields, types, lengths
 * (default 2,000 characters), dates (YYYY-MM-DD) and options.
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
  if (issues.length) {
    throw new AppError('CASE_INVALID_FIELDS', `Invalid fields: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, {
      issues,
    });
  }
  return out;
}
