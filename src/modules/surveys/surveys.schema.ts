/**
 * Zod contracts of the common client-satisfaction survey: the template and its questions, answers, the
 * answer page's view, campaigns and their tracking, results and the comments feed.
 */
import { z } from 'zod';
import { MAX_PAGE, PageQuerySchema, pageSizeQuery } from '../../server/pagination.ts';
import { IdSchema, IsoDateSchema } from '../../server/validation.ts';

/** The languages every template text must carry (English and French complete; others optional). */
export const REQUIRED_LANGUAGES = ['en', 'fr'] as const;

/** A text in each language: `{ en, fr, ... }`, English and French required, each 1-1,000 characters. */
export const LocalizedTextSchema = z
  .object({
    en: z.string().trim().min(1).max(1000),
    fr: z.string().trim().min(1).max(1000),
  })
  .catchall(z.string().trim().max(1000))
  .describe('Text per language; en and fr required');
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;

/**
 * Question types: `rating` 1-5 (1 very dissatisfied … 5 very satisfied), `recommendation` 0-10 (likelihood
 * to recommend; promoters 9-10, detractors 0-6), `single` and `multiple` choice among options, `text` free text.
 */
export const QUESTION_TYPES = ['rating', 'recommendation', 'single', 'multiple', 'text'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export const QuestionKeySchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes, starting with a letter (at most 40)');

export const OptionSchema = z.strictObject({ key: QuestionKeySchema, label: LocalizedTextSchema });

export const QuestionSchema = z.strictObject({
  key: QuestionKeySchema,
  type: z.enum(QUESTION_TYPES),
  required: z.boolean().default(false),
  label: LocalizedTextSchema,
  /** Choices of `single` and `multiple` questions (2-20); none for other types. */
  options: z.array(OptionSchema).max(20).optional(),
  /** The one `rating` question whose mean is the satisfaction figure (exactly one per template). */
  overall: z.boolean().optional(),
});
export type Question = z.infer<typeof QuestionSchema>;

export const TemplateContentSchema = z.strictObject({
  title: LocalizedTextSchema,
  intro: LocalizedTextSchema,
  questions: z.array(QuestionSchema).min(1).max(40),
});
export type TemplateContent = z.infer<typeof TemplateContentSchema>;

export const TemplateSchema = TemplateContentSchema.extend({
  id: z.number().int(),
  code: z.string(),
  version: z.number().int(),
  status: z.enum(['draft', 'published', 'retired']),
  createdAt: z.string(),
  publishedAt: z.string().nullable(),
});
export type Template = z.infer<typeof TemplateSchema>;

/** One answer: a number (rating, recommendation), an option key (single), option keys (multiple) or text. */
export const AnswerValueSchema = z.union([z.number(), z.string().max(4000), z.array(z.string().max(40)).max(20)]);
export const AnswersSchema = z.record(z.string().max(40), AnswerValueSchema).describe('Answers by question key');
export type Answers = z.infer<typeof AnswersSchema>;

/** The six official languages of the United Nations: the language a survey is answered in is one of them. */
export const ANSWER_LANGUAGES = ['ar', 'en', 'es', 'fr', 'ru', 'zh'] as const;

export const AnswerBodySchema = z.strictObject({
  language: z.enum(ANSWER_LANGUAGES).describe('The language the survey was answered in (a UN official language)'),
  answers: AnswersSchema,
});
export type AnswerBody = z.infer<typeof AnswerBodySchema>;

export const TokenBodySchema = z.strictObject({ token: z.string().min(10).max(400) });
export const TokenAnswerBodySchema = AnswerBodySchema.extend({ token: z.string().min(10).max(400) });

const NamedSchema = z.object({ code: z.string(), name: z.record(z.string(), z.string()) });

/** What the answer page shows: the template, what the survey is about, and earlier answers (portal re-save). */
export const SurveyFormSchema = z.object({
  kind: z.enum(['transactional', 'campaign']),
  /** Transactional invitation id or campaign target id. */
  id: z.string(),
  anonymous: z.boolean(),
  template: TemplateSchema,
  case: z.object({ reference: z.string(), title: z.string() }).nullable(),
  campaign: z.object({ id: z.number().int(), name: z.string(), periodStart: z.string(), periodEnd: z.string() }).nullable(),
  provider: NamedSchema.nullable(),
  service: NamedSchema.nullable(),
  entity: NamedSchema.nullable(),
  expiresAt: z.string().nullable(),
  answeredAt: z.string().nullable(),
  /** The answers already given (portal only, not anonymous): a re-save replaces them. */
  answers: AnswersSchema.nullable(),
});
export type SurveyForm = z.infer<typeof SurveyFormSchema>;

export const AnswerResultSchema = z.object({
  status: z.enum(['recorded', 'updated', 'unchanged']),
});
export type AnswerResult = z.infer<typeof AnswerResultSchema>;

/** A survey waiting in "My surveys". */
export const MySurveySchema = z.object({
  kind: z.enum(['transactional', 'campaign']),
  id: z.string(),
  title: z.string().describe('Case title or campaign name'),
  reference: z.string().nullable(),
  provider: NamedSchema.nullable(),
  anonymous: z.boolean(),
  expiresAt: z.string().nullable(),
  answered: z.boolean(),
});
export type MySurvey = z.infer<typeof MySurveySchema>;

export const CreateCampaignSchema = z
  .strictObject({
    name: z.string().trim().min(3).max(200),
    anonymous: z.boolean(),
    periodStart: IsoDateSchema.describe('First day of the period the campaign asks about'),
    periodEnd: IsoDateSchema.describe('Last day of the period; campaign answers count in it'),
    closesOn: IsoDateSchema.describe('Last day to answer (links expire at the end of this day, UTC)'),
    reminderIntervalDays: z.number().int().min(1).max(90).nullable().default(null),
    entities: z.array(z.string().min(1).max(40)).min(1).max(500).describe('Client entity codes whose focal points are asked'),
  })
  .refine((c) => c.periodStart <= c.periodEnd, { message: 'must not be after periodEnd', path: ['periodStart'] });
export type CreateCampaignInput = z.infer<typeof CreateCampaignSchema>;

export const CampaignSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  templateVersion: z.number().int(),
  anonymous: z.boolean(),
  status: z.enum(['draft', 'open', 'closed']),
  periodStart: z.string(),
  periodEnd: z.string(),
  closesAt: z.string(),
  reminderIntervalDays: z.number().int().nullable(),
  entities: z.array(z.string()),
  createdAt: z.string(),
  launchedAt: z.string().nullable(),
  lastReminderAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  targets: z.number().int(),
  responded: z.number().int(),
  responseRate: z.number().nullable().describe('responded / targets, 0-1'),
});
export type Campaign = z.infer<typeof CampaignSchema>;

export const CampaignTargetSchema = z.object({
  id: z.string(),
  user: z.object({ id: z.number().int(), name: z.string(), email: z.string() }),
  entity: z.string(),
  provider: z.string(),
  responded: z.boolean(),
  remindersSent: z.number().int(),
});

export const CampaignDetailSchema = z.object({
  campaign: CampaignSchema,
  targets: z.array(CampaignTargetSchema),
  byEntity: z.array(z.object({ entity: z.string(), targets: z.number().int(), responded: z.number().int() })),
  /** Groups (provider) of an anonymous campaign with fewer answers than the minimum group size. */
  smallAnonymousGroups: z.array(z.string()),
});
export type CampaignDetail = z.infer<typeof CampaignDetailSchema>;

export const GROUP_BY = ['provider', 'service', 'entity', 'month', 'quarter', 'year'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export const ResultsQuerySchema = z.strictObject({
  from: IsoDateSchema.describe('First day (inclusive) of the period'),
  to: IsoDateSchema.describe('Last day (inclusive) of the period'),
  groupBy: z.enum(GROUP_BY).default('provider'),
  provider: z.string().max(40).optional(),
  service: z.string().max(40).optional(),
  entity: z.string().max(40).optional(),
  source: z.enum(['all', 'transactional', 'campaign']).default('all'),
  details: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: the distribution of every question (a pass over every answer); default: overall and recommend only'),
});
export type ResultsQuery = z.infer<typeof ResultsQuerySchema>;

export const ResultRowSchema = z.object({
  key: z.string(),
  name: z.record(z.string(), z.string()).nullable(),
  responses: z.number().int().describe('Answers counted in the figures'),
  meanRating: z.number().nullable().describe('Mean overall rating, 1-5'),
  nps: z.number().nullable().describe('Net promoter score, -100 to 100'),
  invited: z.number().int().describe('Invitations sent (not throttled) and campaign targets'),
  answered: z.number().int(),
  responseRate: z.number().nullable().describe('answered / invited, 0-1'),
  withheldAnonymous: z.number().int().describe('Anonymous answers left out: fewer than the minimum group size'),
});
export type ResultRow = z.infer<typeof ResultRowSchema>;

export const ResultsSchema = z.object({
  groupBy: z.enum(GROUP_BY),
  from: z.string(),
  to: z.string(),
  rows: z.array(ResultRowSchema),
  total: ResultRowSchema,
  /** Answers per value: `overall` (1-5) and `recommend` (0-10); with `details=true`, of every question by its key. */
  distributions: z.record(z.string(), z.record(z.string(), z.number().int())),
  minAnonymousGroup: z.number().int(),
});
export type Results = z.infer<typeof ResultsSchema>;

export const CommentQuerySchema = z.strictObject({
  from: IsoDateSchema,
  to: IsoDateSchema,
  provider: z.string().max(40).optional(),
  service: z.string().max(40).optional(),
  entity: z.string().max(40).optional(),
  painPoint: z.enum(['true', 'false']).optional(),
  page: PageQuerySchema.shape.page.describe(`1-based, at most ${MAX_PAGE.toLocaleString('en')} (the limit of every list)`),
  pageSize: pageSizeQuery(100, 20),
});
export type CommentQuery = z.infer<typeof CommentQuerySchema>;

export const CommentSchema = z.object({
  id: z.string(),
  body: z.string(),
  questionKey: z.string(),
  periodDate: z.string(),
  anonymous: z.boolean(),
  overallRating: z.number().int().nullable(),
  provider: z.string().nullable(),
  service: z.string().nullable(),
  entity: z.string().nullable(),
  caseReference: z.string().nullable(),
  campaign: z.string().nullable(),
  painPoint: z.boolean(),
  painPointNote: z.string().nullable(),
});
export type Comment = z.infer<typeof CommentSchema>;

export const PainPointBodySchema = z.strictObject({
  painPoint: z.boolean(),
  note: z.string().trim().max(2000).optional(),
});

export const IdParamSchema = z.object({ id: IdSchema });
export const UuidParamSchema = z.object({ id: z.string().uuid() });
