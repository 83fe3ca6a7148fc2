/**
 * HTTP routes of the surveys. The answer page's two calls (`/api/survey-links/*`) are public and rate
 * limited: the signed link is the credential, sent in the body (never in a URL, so it stays out of logs).
 * "My surveys" needs a session; results need `surveys:results` (scoped to the viewer's provider or entity),
 * flagging `surveys:flag`, templates and campaigns `surveys:manage`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { currentUser } from '../../server/access.ts';
import { ProblemSchema, typed } from '../../server/route-helpers.ts';
import { IsoDateSchema } from '../../server/validation.ts';
import { answerMySurvey, answerSurveyLink, findMySurveys, openMySurvey, openSurveyLink } from './answers.service.ts';
import {
  closeCampaign,
  createCampaign,
  launchCampaign,
  listCampaigns,
  remindCampaign,
  viewCampaign,
} from './campaigns.service.ts';
import { flagComment, satisfactionByProvider, surveyComments, surveyResults, surveyScopeOf } from './results.service.ts';
import type { SurveySettings } from './settings.ts';
import {
  AnswerBodySchema,
  AnswerResultSchema,
  CampaignDetailSchema,
  CampaignSchema,
  CommentQuerySchema,
  CommentSchema,
  CreateCampaignSchema,
  IdParamSchema,
  MySurveySchema,
  PainPointBodySchema,
  ResultsQuerySchema,
  ResultsSchema,
  SurveyFormSchema,
  TemplateContentSchema,
  TemplateSchema,
  TokenAnswerBodySchema,
  TokenBodySchema,
  UuidParamSchema,
} from './surveys.schema.ts';
import { discardDraft, getTemplate, listTemplateVersions, publishDraft, saveDraft, startDraft } from './templates.service.ts';

export interface SurveyRouteOptions {
  surveys?: Partial<SurveySettings> | undefined;
  /** Answer-page calls per client address per minute (default 30). */
  linkRateLimit?: number;
}

const Errors = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  410: ProblemSchema,
};
const MineParams = z.object({ kind: z.enum(['transactional', 'campaign']), id: z.string().regex(/^\d{1,18}$/, 'an id') });

export async function surveyRoutes(app: FastifyInstance, opts: SurveyRouteOptions = {}): Promise<void> {
  const api = typed(app);
  const db = () => app.deps.db;
  const s = { surveys: opts.surveys };
  const linkLimit = { max: opts.linkRateLimit ?? 30, timeWindow: '1 minute' };

  // ------------------------------------------------------------ the answer page (public, by signed link)
  api.post(
    '/api/survey-links/open',
    {
      config: { access: 'public', rateLimit: linkLimit },
      schema: {
        tags: ['surveys'],
        summary: 'What a survey link opens (no sign-in): the template and what it is about',
        description:
          'Refusals: SURVEY_LINK_INVALID 404, SURVEY_LINK_USED 409 (a link works once), SURVEY_LINK_EXPIRED 410, SURVEY_LINK_REPLACED 410 (a reminder sent a newer link), SURVEY_CLOSED 410.',
        body: TokenBodySchema,
        response: { 200: SurveyFormSchema, ...Errors },
      },
    },
    async (req) => openSurveyLink(db(), req.body.token, s),
  );

  api.post(
    '/api/survey-links/answer',
    {
      config: { access: 'public', rateLimit: linkLimit },
      schema: {
        tags: ['surveys'],
        summary: 'Answer a survey through its link (no sign-in; the link then stops working)',
        body: TokenAnswerBodySchema,
        response: { 201: AnswerResultSchema, ...Errors },
      },
    },
    async (req, reply) => {
      const { token, ...body } = req.body;
      reply.status(201);
      return answerSurveyLink(db(), token, body, s);
    },
  );

  // ------------------------------------------------------------ my surveys (portal)
  api.get(
    '/api/surveys/mine',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['surveys'],
        summary: 'My surveys: after my resolved requests, and campaigns I am asked in',
        response: { 200: z.array(MySurveySchema), 401: ProblemSchema },
      },
    },
    async (req) => findMySurveys(db(), currentUser(req)),
  );

  api.get(
    '/api/surveys/mine/:kind/:id',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['surveys'],
        summary: 'One of my surveys, with my earlier answers when I may change them',
        params: MineParams,
        response: { 200: SurveyFormSchema, ...Errors },
      },
    },
    async (req) => openMySurvey(db(), currentUser(req), req.params.kind, req.params.id),
  );

  api.put(
    '/api/surveys/mine/:kind/:id',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['surveys'],
        summary: 'Answer one of my surveys, or save my answers again (the same answers: nothing is written)',
        params: MineParams,
        body: AnswerBodySchema,
        response: { 200: AnswerResultSchema, ...Errors },
      },
    },
    async (req) => answerMySurvey(db(), currentUser(req), req.params.kind, req.params.id, req.body),
  );

  // ------------------------------------------------------------ results
  api.get(
    '/api/surveys/results',
    {
      config: { access: 'permission:surveys:results' },
      schema: {
        tags: ['surveys'],
        summary: 'Satisfaction, NPS and response rates per provider, service, entity or period (your scope)',
        querystring: ResultsQuerySchema,
        response: { 200: ResultsSchema, ...Errors },
      },
    },
    async (req) => surveyResults(db(), surveyScopeOf(currentUser(req)), req.query, s),
  );

  api.get(
    '/api/surveys/satisfaction',
    {
      config: { access: 'permission:surveys:results' },
      schema: {
        tags: ['surveys'],
        summary: 'Satisfaction per provider for a period (mean overall rating 1-5 and answers), as the minimum standards read it',
        querystring: z.strictObject({ from: IsoDateSchema, to: IsoDateSchema }),
        response: {
          200: z.array(z.object({ provider: z.string(), meanRating: z.number().nullable(), responses: z.number().int() })),
          ...Errors,
        },
      },
    },
    async (req) => {
      const scope = surveyScopeOf(currentUser(req));
      const rows = await satisfactionByProvider(db(), req.query, s);
      if (scope.kind === 'all') return rows;
      return scope.kind === 'provider' ? rows.filter((r) => r.provider === scope.code) : [];
    },
  );

  api.get(
    '/api/surveys/comments',
    {
      config: { access: 'permission:surveys:results' },
      schema: {
        tags: ['surveys'],
        summary: 'The comments feed (free-text answers), newest period first (your scope)',
        querystring: CommentQuerySchema,
        response: {
          200: z.object({
            items: z.array(CommentSchema),
            total: z.number().int().describe('Matching comments, counted up to 10,000'),
            totalCapped: z.boolean().describe('More than 10,000 match'),
            page: z.number().int(),
            pageSize: z.number().int(),
          }),
          ...Errors,
        },
      },
    },
    async (req) => surveyComments(db(), surveyScopeOf(currentUser(req)), req.query, s),
  );

  api.put(
    '/api/surveys/comments/:id/pain-point',
    {
      config: { access: 'permission:surveys:flag' },
      schema: {
        tags: ['surveys'],
        summary: 'Flag a comment as a process pain point (kept for the improvement register), or clear the flag',
        params: UuidParamSchema,
        body: PainPointBodySchema,
        response: { 200: z.object({ id: z.string(), painPoint: z.boolean(), painPointNote: z.string().nullable() }), ...Errors },
      },
    },
    async (req) => flagComment(db(), currentUser(req), req.params.id, req.body),
  );

  // ------------------------------------------------------------ template
  api.get(
    '/api/surveys/templates',
    {
      config: { access: 'permission:surveys:manage' },
      schema: {
        tags: ['surveys'],
        summary: 'Versions of the common survey template, newest first',
        response: { 200: z.array(TemplateSchema), ...Errors },
      },
    },
    async () => listTemplateVersions(db()),
  );

  api.get(
    '/api/surveys/templates/:id',
    {
      config: { access: 'permission:surveys:manage' },
      schema: {
        tags: ['surveys'],
        summary: 'One version of the template',
        params: IdParamSchema,
        response: { 200: TemplateSchema, ...Errors },
      },
    },
    async (req) => getTemplate(db(), req.params.id),
  );

  api.post(
    '/api/surveys/templates/draft',
    {
      config: { access: 'permission:surveys:manage' },
      schema: {
        tags: ['surveys'],
        summary: 'The draft being edited (copied from the published version when there is none)',
        response: { 200: TemplateSchema, ...Errors },
      },
    },
    async (req) => startDraft(db(), currentUser(req)),
  );

  api.put(
    '/api/surveys/templates/:id',
    {
      config: { access: 'permission:surveys:manage' },
      schema: {
        tags: ['surveys'],
        summary: 'Save a draft',
        params: IdParamSchema,
        body: TemplateContentSchema,
        response: { 200: TemplateSchema, ...Errors },
      },
    },
    async (req) => saveDraft(db(), currentUser(req), req.params.id, req.body),
  );

  api.post(
    '/api/surveys/templates/:id/publish',
    {
      config: { access: 'permission:surveys:manage' },
      schema: {
        tags: ['surveys'],
        summary: 'Publish a draft (the published version before it is retired)',
        params: IdParamSchema,
        response: { 200: TemplateSchema, ...Errors },
      },
    },
    async (req) => publishDraft(db(), currentUser(req), req.params.id),
  );

  api.delete(
    '/api/surveys/templates/:id',
    {
      config: { access: 'permission:surveys:manage' },
      schema: { tags: ['surveys'], summary: 'Discard a draft', params: IdParamSchema, response: { 204: z.null(), ...Errors } },
    },
    async (req, reply) => {
      await discardDraft(db(), currentUser(req), req.params.id);
      reply.status(204);
      return null;
    },
  );

  // ------------------------------------------------------------ campaigns
  api.get(
    '/api/surveys/campaigns',
    {
      config: { access: 'permission:surveys:manage' },
      schema: {
        tags: ['surveys'],
        summary: 'Campaigns with their response counts, newest first',
        response: { 200: z.array(CampaignSchema), ...Errors },
      },
    },
    async () => listCampaigns(db()),
  );

  api.post(
    '/api/surveys/campaigns',
    {
      config: { access: 'permission:surveys:manage' },
      schema: {
        tags: ['surveys'],
        summary: 'Create a draft campaign to the focal points of the named entities',
        body: CreateCampaignSchema,
        response: { 201: CampaignSchema, ...Errors },
      },
    },
    async (req, reply) => {
      reply.status(201);
      return createCampaign(db(), currentUser(req), req.body);
    },
  );

  api.get(
    '/api/surveys/campaigns/:id',
    {
      config: { access: 'permission:surveys:manage' },
      schema: {
        tags: ['surveys'],
        summary: 'A campaign with its response tracking',
        params: IdParamSchema,
        response: { 200: CampaignDetailSchema, ...Errors },
      },
    },
    async (req) => viewCampaign(db(), req.params.id, s),
  );

  for (const action of ['launch', 'remind', 'close'] as const) {
    api.post(
      `/api/surveys/campaigns/:id/${action}`,
      {
        config: { access: 'permission:surveys:manage' },
        schema: {
          tags: ['surveys'],
          summary:
            action === 'launch'
              ? 'Launch a draft campaign: targets and e-mails to the focal points'
              : action === 'remind'
                ? 'Remind those who have not answered (new links replace the earlier ones)'
                : 'Close an open campaign (its links stop working)',
          params: IdParamSchema,
          response: {
            200: z.object({ emails: z.number().int().optional(), campaign: CampaignSchema.optional() }),
            ...Errors,
            422: ProblemSchema,
          },
        },
      },
      async (req) => {
        const user = currentUser(req);
        if (action === 'launch') return launchCampaign(db(), user, req.params.id, s);
        if (action === 'remind') return remindCampaign(db(), user, req.params.id, s);
        return { campaign: await closeCampaign(db(), user, req.params.id) };
      },
    );
  }
}
