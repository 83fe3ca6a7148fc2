import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.ts';
import { COMMON_TEMPLATE_V1 } from './common-template.ts';
import { combineGroups, meanOf } from './results.service.ts';
import { TemplateContentSchema } from './surveys.schema.ts';
import { checkAnswers, checkTemplate, netPromoterScore, sameAnswers } from './template.ts';

/** The template's content, as the API takes it (its code is the template's, not the content's). */
const { code: _code, ...COMMON_CONTENT } = COMMON_TEMPLATE_V1;

function issuesOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e.issues.map((i) => `${i.field}: ${i.message}`);
    throw e;
  }
  return [];
}

describe('the common template', () => {
  it('version 1 is valid, in English and French, with every question type', () => {
    const t = TemplateContentSchema.parse(COMMON_CONTENT);
    expect(() => checkTemplate(t)).not.toThrow();
    expect(new Set(t.questions.map((q) => q.type))).toEqual(new Set(['rating', 'recommendation', 'single', 'multiple', 'text']));
    for (const q of t.questions) expect(q.label.fr.length).toBeGreaterThan(0);
  });

  it('names each structural problem: duplicate keys, too few options, options on a rating, no overall question', () => {
    const bad = {
      ...COMMON_TEMPLATE_V1,
      questions: [
        {
          key: 'a',
          type: 'rating' as const,
          required: true,
          label: { en: 'A', fr: 'A' },
          options: [{ key: 'x', label: { en: 'x', fr: 'x' } }],
        },
        {
          key: 'a',
          type: 'single' as const,
          required: false,
          label: { en: 'B', fr: 'B' },
          options: [{ key: 'x', label: { en: 'x', fr: 'x' } }],
        },
      ],
    };
    expect(issuesOf(() => checkTemplate(bad))).toEqual([
      'questions.0.options: a rating question has no options',
      'questions.1.key: "a" is used by an earlier question',
      'questions.1.options: a choice question needs at least 2 options',
      'questions: exactly one rating question must be the overall one (found 0)',
    ]);
  });

  it('refuses a template without French', () => {
    const r = TemplateContentSchema.safeParse({ ...COMMON_CONTENT, title: { en: 'Survey' } });
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['title.fr']);
  });
});

describe('answers against the template', () => {
  const t = COMMON_TEMPLATE_V1;
  it('keeps valid answers, the overall rating and the recommendation in their own fields, and the text apart', () => {
    const r = checkAnswers(t, {
      overall: 4,
      recommend: 9,
      resolved: 'yes',
      improve: ['speed', 'communication'],
      comment: '  Quick, thanks  ',
    });
    expect(r.overallRating).toBe(4);
    expect(r.recommendScore).toBe(9);
    expect(r.answers.improve).toEqual(['communication', 'speed']);
    expect(r.texts).toEqual({ comment: 'Quick, thanks' });
  });

  it('names each bad answer: out of scale, unknown option, repeated option, unknown question, missing required', () => {
    expect(
      issuesOf(() => checkAnswers(t, { timeliness: 6, recommend: 11, resolved: 'maybe', improve: ['speed', 'speed'], nope: 1 })),
    ).toEqual([
      'answers.timeliness: must be a whole number from 1 to 5',
      'answers.recommend: must be a whole number from 0 to 10',
      'answers.resolved: must be one of the options',
      'answers.improve: must be each option once',
      'answers.nope: is not a question of this survey',
      'answers.overall: is required',
    ]);
    expect(issuesOf(() => checkAnswers(t, { overall: 2.5 }))).toEqual(['answers.overall: must be a whole number from 1 to 5']);
  });

  it('treats empty text and empty choices as not answered', () => {
    expect(checkAnswers(t, { overall: 3, comment: '   ', improve: [] }).answers).toEqual({ overall: 3 });
  });

  it('compares answers whatever the key and choice order', () => {
    expect(sameAnswers({ a: 1, b: ['x', 'y'] }, { b: ['y', 'x'], a: 1 })).toBe(true);
    expect(sameAnswers({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameAnswers({ a: 1 }, { a: 1, c: 'text' })).toBe(false);
  });
});

describe('figures', () => {
  it('net promoter score: % promoters minus % detractors', () => {
    expect(netPromoterScore(5, 2, 10)).toBe(30);
    expect(netPromoterScore(0, 3, 3)).toBe(-100);
    expect(netPromoterScore(0, 0, 0)).toBeNull();
  });

  it('mean rating rounded to two decimals', () => {
    expect(meanOf(11, 3)).toBe(3.67);
    expect(meanOf(0, 0)).toBeNull();
  });

  it('counts anonymous answers in a group only from the minimum group size', () => {
    const base = { ratings: 0, ratingSum: 0, recommendations: 0, promoters: 0, detractors: 0 };
    const g = combineGroups(
      [
        { ...base, key: 'UNON', anonymous: false, responses: 2, ratings: 2, ratingSum: 8 },
        { ...base, key: 'UNON', anonymous: true, responses: 2, ratings: 2, ratingSum: 2 },
        { ...base, key: 'KJSO', anonymous: true, responses: 3, ratings: 3, ratingSum: 6 },
      ],
      3,
    );
    expect(g.get('UNON')).toEqual({ acc: { ...base, responses: 2, ratings: 2, ratingSum: 8 }, withheld: 2 });
    expect(g.get('KJSO')?.acc.ratingSum).toBe(6);
    expect(g.get('KJSO')?.withheld).toBe(0);
  });
});
