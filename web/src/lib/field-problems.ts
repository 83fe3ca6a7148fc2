/**
 * Field problems of a form, in the UI language. The API names each bad field of a 400 (or each rejected row of
 * an import) with an English `message` written for logs, scripts and support; the UI never shows it as is. It
 * reads the message as a problem KIND with its parameters (`problemOfMessage`: "must be at most 10" →
 * `{kind: 'max', max: 10}`) and shows the kind's text in the UI language (`useFieldProblemText`). A feature
 * whose server writes its own wordings (the SLA engine, the surveys) passes `MessageReader`s that turn them into
 * `{kind: 'text', key, values}` (a dictionary key of the feature). A message nobody reads is shown as a generic
 * "refused" text in a language other than English (in English the server's own wording, which says more).
 */
import type { TFunction } from 'i18next';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';

export type FieldProblem =
  | { kind: 'required' }
  | { kind: 'tooLong'; max: number; length: number }
  | { kind: 'tooShort'; min: number }
  | { kind: 'maxLength'; max: number }
  | { kind: 'number' }
  | { kind: 'min'; min: number }
  | { kind: 'max'; max: number }
  | { kind: 'date' }
  | { kind: 'notBefore'; other: string }
  | { kind: 'option' }
  | { kind: 'unknownField' }
  /** "is not a known field" / "is not a known parameter": the form sent something the API does not take. */
  | { kind: 'notKnown' }
  /** "must have at least 1 item" / "must have at most 5 items". */
  | { kind: 'minItems'; min: number }
  | { kind: 'maxItems'; max: number }
  /** A feature's own wording read by its `MessageReader`: a dictionary key and the values it interpolates. */
  | { kind: 'text'; key: string; values?: Record<string, unknown> }
  /** A message no reader knows: the server's English wording, kept for English and for support. */
  | { kind: 'server'; message: string };

/** A feature's reading of its server's own wordings (undefined: not one of them). */
export type MessageReader = (message: string) => FieldProblem | undefined;

/**
 * The server's English message as a problem kind: the wordings of the API's schema checks
 * (src/server/errors.ts `fieldIssuesOf`) and of the service form checks, then each of `readers` in turn;
 * else `{kind: 'server', message}`.
 */
export function problemOfMessage(message: string, readers: readonly MessageReader[] = []): FieldProblem {
  if (/^(is required|must not be empty)$/.test(message)) return { kind: 'required' };
  const long = /^is (\d+) characters long; at most (\d+)$/.exec(message);
  if (long) return { kind: 'tooLong', length: Number(long[1]), max: Number(long[2]) };
  if (/^must be a number$/.test(message)) return { kind: 'number' };
  const min = /^must be at least (-?[\d.]+)$/.exec(message);
  if (min) return { kind: 'min', min: Number(min[1]) };
  const max = /^must be at most (-?[\d.]+)$/.exec(message);
  if (max) return { kind: 'max', max: Number(max[1]) };
  const before = /^must not be before fields\.(\S+)$/.exec(message);
  if (before?.[1]) return { kind: 'notBefore', other: before[1] };
  if (/^must be a date/.test(message)) return { kind: 'date' };
  if (/^must be one of /.test(message)) return { kind: 'option' };
  if (/^is not a field of this service$/.test(message)) return { kind: 'unknownField' };
  if (/^is not a known (field|parameter)$/.test(message)) return { kind: 'notKnown' };
  // the API's wording of a text's bounds and of a list's (src/server/errors.ts `fieldIssuesOf`)
  const short = /^must be at least (\d+) characters? long$/.exec(message);
  if (short) return { kind: 'tooShort', min: Number(short[1]) };
  const longText = /^must be at most (\d+) characters? long$/.exec(message);
  if (longText) return { kind: 'maxLength', max: Number(longText[1]) };
  const fewItems = /^must have at least (\d+) items?$/.exec(message);
  if (fewItems) return { kind: 'minItems', min: Number(fewItems[1]) };
  const manyItems = /^must have at most (\d+) items?$/.exec(message);
  if (manyItems) return { kind: 'maxItems', max: Number(manyItems[1]) };
  for (const read of readers) {
    const p = read(message);
    if (p) return p;
  }
  return { kind: 'server', message };
}

/**
 * A field problem as a sentence in the language of `t` (`lng` its code: an unread server wording is shown only
 * in English); `labelOf` names another field of the form (a date's `notBefore`) by its label (default: its key).
 */
export function fieldProblemText(
  t: TFunction,
  lng: string,
  p: FieldProblem | undefined,
  labelOf: (key: string) => string = (key) => key,
): string | undefined {
  if (!p) return undefined;
  switch (p.kind) {
    case 'required':
      return t('caseForm.problem.required');
    case 'tooLong':
      return t('caseForm.problem.tooLong', { max: p.max, length: p.length });
    case 'tooShort':
      return t('caseForm.problem.tooShort', { min: p.min });
    case 'maxLength':
      return t('caseForm.problem.maxLength', { max: p.max });
    case 'number':
      return t('caseForm.problem.number');
    case 'min':
      return t('formFieldBounds.min', { min: p.min });
    case 'max':
      return t('formFieldBounds.max', { max: p.max });
    case 'notBefore':
      return t('formFieldBounds.notBefore', { other: labelOf(p.other) });
    case 'date':
      return t('caseForm.problem.date');
    case 'option':
      return t('caseForm.problem.option');
    case 'unknownField':
      return t('caseForm.problem.unknownField');
    case 'notKnown':
      return t('fieldProblem.notKnown');
    case 'minItems':
      return t('fieldProblem.minItems', { count: p.min });
    case 'maxItems':
      return t('fieldProblem.maxItems', { count: p.max });
    case 'text':
      return t(p.key, p.values ?? {});
    default:
      // the server's wording is English: shown as is in English only
      return lng.startsWith('en') ? p.message : t('fieldProblem.refused');
  }
}

/** `fieldProblemText` in the UI language. */
export function useFieldProblemText(): (p: FieldProblem | undefined, labelOf?: (key: string) => string) => string | undefined {
  const { t, i18n } = useTranslation();
  return useCallback(
    (p: FieldProblem | undefined, labelOf?: (key: string) => string) =>
      fieldProblemText(t, i18n.resolvedLanguage ?? i18n.language, p, labelOf),
    [t, i18n],
  );
}

/**
 * `(error, field)` → the problem of one input from a 400 answer in the UI language, else undefined. `field`
 * is the issue's field without its `body.` prefix (`provider`, `answers.q1`); `readers` read the feature's
 * own wordings.
 */
export function useFieldError(readers: readonly MessageReader[] = []): (error: unknown, field: string) => string | undefined {
  const describe = useFieldProblemText();
  return useCallback(
    (error: unknown, field: string) => {
      if (!(error instanceof ApiError) || error.status !== 400) return undefined;
      const issue = error.problem.errors?.find((e) => (e.field ?? '').replace(/^body\./, '') === field);
      return issue ? describe(problemOfMessage(issue.message, readers)) : undefined;
    },
    [describe, readers],
  );
}
