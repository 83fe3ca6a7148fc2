/**
 * The survey API's own wordings of a refused answer (src/modules/surveys/template.ts `checkAnswers`) read as
 * problem kinds, so that the answer form shows them in the UI language (see lib/field-problems.ts); "is
 * required" and "must be one of the options" are the API's common wordings, read there.
 */
import type { FieldProblem, MessageReader } from '../../lib/field-problems.ts';

const text = (key: string, values?: Record<string, unknown>): FieldProblem => ({
  kind: 'text',
  key: `surveys.issue.${key}`,
  values,
});

/** `checkAnswers`' wordings as problem kinds; undefined for any other. */
export const readSurveyMessage: MessageReader = (m) => {
  if (m === 'is not a question of this survey') return text('notAQuestion');
  const scale = /^must be a whole number from (\d+) to (\d+)$/.exec(m);
  if (scale) return text('scale', { min: Number(scale[1]), max: Number(scale[2]) });
  if (m === 'must be a list of options' || m === 'must be only options of the question') return text('options');
  if (m === 'must be each option once') return text('optionTwice');
  const long = /^must be text of at most (\d+) characters$/.exec(m);
  if (long) return { kind: 'maxLength', max: Number(long[1]) };
  return undefined;
};

/** The readers the survey forms pass to `problemOfMessage`. */
export const SURVEY_READERS: readonly MessageReader[] = [readSurveyMessage];
