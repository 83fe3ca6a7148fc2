/**
 * The answer form's refused answers read in the UI language: the issues the survey API really writes
 * (`checkAnswers`, run here on the common template) each read as a kind, in French without the API's English
 * (the form showed `errors[].message` as is).
 */
import { describe, expect, it } from 'vitest';
import { COMMON_TEMPLATE_V1 } from '../../../../src/modules/surveys/common-template.ts';
import { checkAnswers } from '../../../../src/modules/surveys/template.ts';
import { AppError, type FieldIssue } from '../../../../src/server/errors.ts';
import { fieldProblemText, problemOfMessage } from '../../lib/field-problems.ts';
import { translator } from '../../lib/test-translator.ts';
import coreFr from '../../locales/fr.json';
import casesFr from '../cases/locales/fr.json';
import surveysFr from './locales/fr.json';
import { SURVEY_READERS } from './survey-issues.ts';

function issuesOf(answers: Record<string, unknown>): FieldIssue[] {
  try {
    checkAnswers(COMMON_TEMPLATE_V1, answers as never);
  } catch (e) {
    if (e instanceof AppError) return e.issues;
    throw e;
  }
  return [];
}

describe('survey answer problems in the UI language', () => {
  it('reads each wording of checkAnswers in French', async () => {
    const t = await translator('fr', { ...coreFr, ...casesFr, ...surveysFr });
    const qs = COMMON_TEMPLATE_V1.questions;
    const byType = (type: string) => qs.find((q) => q.type === type)?.key as string;
    const issues = [
      ...issuesOf({}), // the overall question is required
      ...issuesOf({ nope: 1 }),
      ...issuesOf({ [byType('rating')]: 9 }),
      ...issuesOf({ [byType('single')]: 'zzz' }),
      ...issuesOf({ [byType('multiple')]: ['zzz'] }),
      ...issuesOf({ [byType('text')]: 'x'.repeat(5000) }),
    ].filter((i) => i !== undefined);
    expect(issues.length).toBeGreaterThanOrEqual(6);
    const texts = issues.map((i) => {
      const p = problemOfMessage(i.message, SURVEY_READERS);
      expect(p.kind, i.message).not.toBe('server');
      return fieldProblemText(t, 'fr', p) as string;
    });
    for (const [n, text] of texts.entries()) {
      expect(text).not.toContain(issues[n]?.message);
      expect(text).not.toMatch(/\{\{|surveys\.issue\./);
    }
    expect(texts).toContain('Choisissez un nombre entier de 1 à 5');
    expect(texts).toContain('Obligatoire');
  });
});
