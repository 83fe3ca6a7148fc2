/**
 * The checks of a service's request form, mirroring the server's (`checkFormFields`): required fields,
 * numbers and their `min`/`max`, dates as YYYY-MM-DD and their `notBefore` (a return date not before the
 * departure), options of selects, lengths (default 2,000 characters). Problems are kept
 * as `{kind, params}` so they read in the UI language; the server's English messages are mapped to the same
 * kinds (anything else is shown as the server wrote it).
 */
import type { FieldIssue } from '../../api/client.ts';
import type { FormField } from '../../api/types.ts';
import { type FieldProblem, problemOfMessage } from '../../lib/field-problems.ts';

export { type FieldProblem, problemOfMessage };

export type FieldValue = string | number | boolean | undefined;

export const DEFAULT_MAX_LENGTH = 2000;
export const TITLE_MIN = 3;
export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 20_000;

function isDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
}

/** Problems of `values` against `form`, by field key (empty: all good). */
export function checkFields(form: FormField[], values: Record<string, FieldValue>): Record<string, FieldProblem> {
  const out: Record<string, FieldProblem> = {};
  for (const f of form) {
    const v = values[f.key];
    if (v === undefined || v === '') {
      // a checkbox always has a value (false when unticked), as the server counts it
      if (f.required && f.type !== 'boolean') out[f.key] = { kind: 'required' };
      continue;
    }
    if (f.type === 'number') {
      if (typeof v !== 'number' || !Number.isFinite(v)) out[f.key] = { kind: 'number' };
      else if (f.min !== undefined && v < f.min) out[f.key] = { kind: 'min', min: f.min };
      else if (f.max !== undefined && v > f.max) out[f.key] = { kind: 'max', max: f.max };
      continue;
    }
    if (f.type === 'boolean') continue;
    const s = String(v).trim();
    if (s === '' && f.required) out[f.key] = { kind: 'required' };
    else if (s.length > (f.maxLength ?? DEFAULT_MAX_LENGTH))
      out[f.key] = { kind: 'tooLong', max: f.maxLength ?? DEFAULT_MAX_LENGTH, length: s.length };
    else if (f.type === 'date' && s !== '' && !isDate(s)) out[f.key] = { kind: 'date' };
    else if (f.type === 'select' && s !== '' && f.options && !f.options.includes(s)) out[f.key] = { kind: 'option' };
    else if (f.type === 'date' && f.notBefore !== undefined) {
      // compared only when the other date is given and valid too (YYYY-MM-DD compares as text)
      const o = values[f.notBefore];
      const other = typeof o === 'string' ? o.trim() : '';
      if (isDate(other) && s < other) out[f.key] = { kind: 'notBefore', other: f.notBefore };
    }
  }
  return out;
}

/** The values to send: trimmed strings, empty ones left out, checkboxes as true or false. */
export function fieldsToSend(form: FormField[], values: Record<string, FieldValue>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const f of form) {
    const v = values[f.key];
    if (f.type === 'boolean') {
      out[f.key] = v === true; // an unticked box is an answer: no
      continue;
    }
    if (v === undefined) continue;
    if (typeof v === 'string') {
      const s = v.trim();
      if (s !== '') out[f.key] = s;
    } else out[f.key] = v;
  }
  return out;
}

/**
 * The field problems of a 400 answer, keyed by the form's own names: `fields.<key>` (and zod's
 * `body.fields.<key>`) → `<key>`, `body.title` → `title`, `body.description` → `description`, `entity`.
 */
export function serverFieldProblems(errors: FieldIssue[] | undefined): {
  byField: Record<string, FieldProblem>;
  other: FieldIssue[];
} {
  const byField: Record<string, FieldProblem> = {};
  const other: FieldIssue[] = [];
  for (const e of errors ?? []) {
    const name = (e.field ?? '').replace(/^body\./, '');
    const m = /^fields\.(.+)$/.exec(name);
    if (m?.[1]) byField[`fields.${m[1]}`] = problemOfMessage(e.message);
    else if (['title', 'description', 'entity', 'impact', 'urgency'].includes(name)) byField[name] = problemOfMessage(e.message);
    else other.push(e);
  }
  return { byField, other };
}
