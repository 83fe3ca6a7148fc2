/**
 * Pure rules of the survey template and of answers: a template is valid when its keys are unique, choice
 * questions have 2-20 distinct options and exactly one `rating` question is the `overall` one (the
 * satisfaction figure); answers are checked against the template version they answer. No SQL, no HTTP.
 */
import { AppError, type FieldIssue } from '../../server/errors.ts';
import type { Answers, Question, TemplateContent } from './surveys.schema.ts';

/** Scale of each numeric question type: rating 1-5, recommendation 0-10. */
export const SCALES = { rating: { min: 1, max: 5 }, recommendation: { min: 0, max: 10 } } as const;

/** Longest free-text answer, characters. */
export const MAX_TEXT = 4000;

/**
 * Checks the structure of a template beyond its zod shape.
 * @throws AppError SURVEY_TEMPLATE_INVALID naming each bad question (`questions.3.options`).
 */
export function checkTemplate(t: TemplateContent): void {
  const issues: FieldIssue[] = [];
  const keys = new Set<string>();
  t.questions.forEach((q, i) => {
    const at = `questions.${i}`;
    if (keys.has(q.key)) issues.push({ field: `${at}.key`, message: `"${q.key}" is used by an earlier question` });
    keys.add(q.key);
    const choice = q.type === 'single' || q.type === 'multiple';
    if (choice) {
      const opts = q.options ?? [];
      if (opts.length < 2) issues.push({ field: `${at}.options`, message: 'a choice question needs at least 2 options' });
      const seen = new Set<string>();
      opts.forEach((o, j) => {
        if (seen.has(o.key)) issues.push({ field: `${at}.options.${j}.key`, message: `"${o.key}" is used twice` });
        seen.add(o.key);
      });
    } else if (q.options && q.options.length > 0) {
      issues.push({ field: `${at}.options`, message: `a ${q.type} question has no options` });
    }
    if (q.overall && q.type !== 'rating')
      issues.push({ field: `${at}.overall`, message: 'only a rating question can be the overall one' });
  });
  const overall = t.questions.filter((q) => q.overall);
  if (overall.length !== 1) {
    issues.push({ field: 'questions', message: `exactly one rating question must be the overall one (found ${overall.length})` });
  } else if (!overall[0]?.required) {
    issues.push({ field: 'questions', message: 'the overall question must be required' });
  }
  if (issues.length) {
    throw new AppError(
      'SURVEY_TEMPLATE_INVALID',
      `The template has ${issues.length} problem(s): ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`,
      {
        issues,
      },
    );
  }
}

/** The checked answers, with the figures kept in their own columns. */
export interface CheckedAnswers {
  answers: Answers;
  /** The overall rating, 1-5 (null only if the template's overall question was not answered). */
  overallRating: number | null;
  /** The first recommendation answer, 0-10, or null. */
  recommendScore: number | null;
  /** Free-text answers by question key (trimmed, non-empty). */
  texts: Record<string, string>;
}

function checkOne(q: Question, v: unknown): string | null {
  switch (q.type) {
    case 'rating':
    case 'recommendation': {
      const { min, max } = SCALES[q.type];
      return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? null : `a whole number from ${min} to ${max}`;
    }
    case 'single':
      return typeof v === 'string' && (q.options ?? []).some((o) => o.key === v) ? null : 'one of the options';
    case 'multiple': {
      if (!Array.isArray(v)) return 'a list of options';
      const keys = new Set((q.options ?? []).map((o) => o.key));
      if (v.some((x) => typeof x !== 'string' || !keys.has(x))) return 'only options of the question';
      return new Set(v).size === v.length ? null : 'each option once';
    }
    case 'text':
      return typeof v === 'string' && v.length <= MAX_TEXT ? null : `text of at most ${MAX_TEXT} characters`;
  }
}

/**
 * Checks answers against a template: every key is a question, each value fits its type, every required
 * question is answered. Empty text and empty choice lists count as not answered and are dropped.
 * @throws AppError SURVEY_ANSWERS_INVALID naming each bad answer (`answers.overall`).
 */
export function checkAnswers(t: Pick<TemplateContent, 'questions'>, raw: Answers): CheckedAnswers {
  const issues: FieldIssue[] = [];
  const byKey = new Map(t.questions.map((q) => [q.key, q]));
  const answers: Answers = {};
  const texts: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    const q = byKey.get(key);
    if (!q) {
      issues.push({ field: `answers.${key}`, message: 'is not a question of this survey' });
      continue;
    }
    let v = value;
    if (typeof v === 'string' && q.type === 'text') v = v.trim();
    if (v === '' || (Array.isArray(v) && v.length === 0)) continue;
    const bad = checkOne(q, v);
    if (bad) {
      issues.push({ field: `answers.${key}`, message: `must be ${bad}` });
      continue;
    }
    answers[key] = Array.isArray(v) ? [...v].sort() : v;
    if (q.type === 'text') texts[key] = v as string;
  }
  for (const q of t.questions) {
    if (q.required && answers[q.key] === undefined && !issues.some((i) => i.field === `answers.${q.key}`)) {
      issues.push({ field: `answers.${q.key}`, message: 'is required' });
    }
  }
  if (issues.length) {
    throw new AppError(
      'SURVEY_ANSWERS_INVALID',
      `Some answers are missing or invalid: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`,
      {
        issues,
      },
    );
  }
  const overallQ = t.questions.find((q) => q.overall);
  const recommendQ = t.questions.find((q) => q.type === 'recommendation');
  return {
    answers,
    overallRating: overallQ && typeof answers[overallQ.key] === 'number' ? (answers[overallQ.key] as number) : null,
    recommendScore: recommendQ && typeof answers[recommendQ.key] === 'number' ? (answers[recommendQ.key] as number) : null,
    texts,
  };
}

/** Whether two sets of checked answers are the same (key order and choice order ignored). */
export function sameAnswers(a: Answers, b: Answers): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => {
    const x = a[k];
    const y = b[k];
    if (Array.isArray(x) && Array.isArray(y))
      return x.length === y.length && [...x].sort().every((v, i) => v === [...y].sort()[i]);
    return x === y;
  });
}

/**
 * Net promoter score of recommendation answers (0-10): % promoters (9-10) minus % detractors (0-6),
 * from -100 to 100, rounded to one decimal; null without answers.
 */
export function netPromoterScore(promoters: number, detractors: number, answers: number): number | null {
  if (answers === 0) return null;
  return Math.round(((promoters - detractors) / answers) * 1000) / 10;
}
