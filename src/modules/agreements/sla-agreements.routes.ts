/**
 * HTTP routes of the common SLA (template, agreements, versions, lifecycle, printable document) and of
 * assignment decisions (requests, consultations, decisions, assignment history). Reads need
 * `agreements:read` and are scoped (a provider's staff: their provider's; an entity focal point: their
 * entity's); changes need `agreements:manage`, `assignments:request`, `assignments:consult` or
 * `assignments:decide`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { currentUser } from '../../server/access.ts';
import { pageOf } from '../../server/pagination.ts';
import { ProblemSchema, typed } from '../../server/route-helpers.ts';
import { IdSchema } from '../../server/validation.ts';
import { buildAgreementDocument, type DocLang, renderAgreementHtml, renderAgreementPdf } from './agreement-document.ts';
import {
  AssignmentRequestQuerySchema,
  AssignmentRequestSchema,
  ConsultationInputSchema,
  CreateAssignmentRequestSchema,
  DecisionInputSchema,
  HistoryEntrySchema,
  HistoryQuerySchema,
} from './assignment-decisions.schema.ts';
import {
  assignmentHistory,
  consultOnRequest,
  decideRequest,
  getAssignmentRequest,
  listAssignmentRequests,
  requestAssignment,
} from './assignment-decisions.service.ts';
import {
  AgreementQuerySchema,
  AgreementSchema,
  AgreementSummarySchema,
  AnnexSchema,
  CreateAgreementSchema,
  DocumentQuerySchema,
  TemplateInputSchema,
  TemplateSchema,
  TransitionSchema,
} from './sla-agreements.schema.ts';
import {
  amendAgreement,
  createAgreement,
  createTemplateDraft,
  getAgreement,
  listAgreements,
  publishTemplate,
  templates,
  transitionAgreement,
  updateDraftAnnex,
  updateTemplateDraft,
} from './sla-agreements.service.ts';

const Errors = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  422: ProblemSchema,
};
const IdParams = z.object({ id: IdSchema });
const VersionParams = z.object({ id: IdSchema, version: IdSchema });

/** Registers the agreement and assignment-decision routes. */
export async function slaAgreementsRoutes(app: FastifyInstance): Promise<void> {
  const api = typed(app);
  const db = () => app.deps.db;
  const tags = ['agreements'];

  api.get(
    '/api/agreement-templates',
    {
      config: { access: 'permission:agreements:read' },
      schema: {
        tags,
        summary: 'Versions of the common SLA template, newest first',
        response: { 200: z.array(TemplateSchema), ...Errors },
      },
    },
    async () => templates(db()),
  );
  api.post(
    '/api/agreement-templates',
    {
      config: { access: 'permission:agreements:manage' },
      schema: {
        tags,
        summary: 'Start a new draft version of the template',
        body: TemplateInputSchema,
        response: { 201: TemplateSchema, ...Errors },
      },
    },
    async (req, reply) => {
      const t = await createTemplateDraft(db(), currentUser(req), req.body);
      reply.status(201);
      return t;
    },
  );
  api.put(
    '/api/agreement-templates/:version',
    {
      config: { access: 'permission:agreements:manage' },
      schema: {
        tags,
        summary: 'Edit a draft template version (published versions never change)',
        params: z.object({ version: IdSchema }),
        body: TemplateInputSchema,
        response: { 200: TemplateSchema, ...Errors },
      },
    },
    async (req) => updateTemplateDraft(db(), currentUser(req), req.params.version, req.body),
  );
  api.post(
    '/api/agreement-templates/:version/publish',
    {
      config: { access: 'permission:agreements:manage' },
      schema: {
        tags,
        summary: 'Publish a draft template version: new agreements and amendments use it',
        params: z.object({ version: IdSchema }),
        response: { 200: TemplateSchema, ...Errors },
      },
    },
    async (req) => publishTemplate(db(), currentUser(req), req.params.version),
  );

  api.get(
    '/api/agreements',
    {
      config: { access: 'permission:agreements:read' },
      schema: {
        tags,
        summary: 'Agreements (scoped to your provider or entity), with the state of the version in force',
        querystring: AgreementQuerySchema,
        response: { 200: pageOf(AgreementSummarySchema), ...Errors },
      },
    },
    async (req) => listAgreements(db(), currentUser(req), req.query),
  );
  api.post(
    '/api/agreements',
    {
      config: { access: 'permission:agreements:manage' },
      schema: {
        tags,
        summary: 'Draft an agreement between a provider and a client entity on the published template',
        description:
          'Refused with 422 `AGREEMENT_SERVICE_NOT_OFFERED` when the annex lists a service no assignment names the provider for during the term.',
        body: CreateAgreementSchema,
        response: { 201: AgreementSchema, ...Errors },
      },
    },
    async (req, reply) => {
      const a = await createAgreement(db(), currentUser(req), req.body);
      reply.status(201);
      return a;
    },
  );
  api.get(
    '/api/agreements/:id',
    {
      config: { access: 'permission:agreements:read' },
      schema: {
        tags,
        summary: 'An agreement with all its versions',
        params: IdParams,
        response: { 200: AgreementSchema, ...Errors },
      },
    },
    async (req) => getAgreement(db(), currentUser(req), req.params.id),
  );
  api.put(
    '/api/agreements/:id/versions/:version/annex',
    {
      config: { access: 'permission:agreements:manage' },
      schema: {
        tags,
        summary: "Replace a draft version's annexes (services, standards, contacts, term, review date)",
        params: VersionParams,
        body: AnnexSchema,
        response: { 200: AgreementSchema, ...Errors },
      },
    },
    async (req) => updateDraftAnnex(db(), currentUser(req), req.params.id, req.params.version, req.body),
  );
  api.post(
    '/api/agreements/:id/transitions',
    {
      config: { access: 'permission:agreements:manage' },
      schema: {
        tags,
        summary: 'Move a version through its lifecycle: submit, return, sign, activate, expire, terminate, withdraw',
        params: IdParams,
        body: TransitionSchema,
        response: { 200: AgreementSchema, ...Errors },
      },
    },
    async (req) => transitionAgreement(db(), currentUser(req), req.params.id, req.body),
  );
  api.post(
    '/api/agreements/:id/amendments',
    {
      config: { access: 'permission:agreements:manage' },
      schema: {
        tags,
        summary: 'Start an amendment: a new draft version copying the version in force (which stays readable)',
        params: IdParams,
        body: z.strictObject({ note: z.string().trim().min(1).max(1000) }),
        response: { 201: AgreementSchema, ...Errors },
      },
    },
    async (req, reply) => {
      const a = await amendAgreement(db(), currentUser(req), req.params.id, req.body.note);
      reply.status(201);
      return a;
    },
  );
  for (const format of ['html', 'pdf'] as const) {
    api.get(
      `/api/agreements/:id/versions/:version/document.${format}`,
      {
        config: { access: 'permission:agreements:read' },
        schema: {
          tags,
          summary: `The printable agreement (${format.toUpperCase()}) in the reader's language`,
          params: VersionParams,
          querystring: DocumentQuerySchema,
          response: { 200: z.any().describe(format === 'pdf' ? 'application/pdf' : 'text/html'), ...Errors },
        },
      },
      async (req, reply) => {
        const viewer = currentUser(req);
        const lang: DocLang = req.query.lang ?? (viewer.locale === 'fr' ? 'fr' : 'en');
        const agreement = await getAgreement(db(), viewer, req.params.id);
        const doc = await buildAgreementDocument(db(), agreement, req.params.version, lang);
        const name = `${agreement.reference}-v${req.params.version}-${lang}.${format}`;
        reply.header('content-language', lang);
        if (format === 'html') return reply.type('text/html; charset=utf-8').send(renderAgreementHtml(doc));
        reply.header('content-disposition', `inline; filename="${name}"`);
        return reply.type('application/pdf').send(await renderAgreementPdf(doc));
      },
    );
  }

  api.get(
    '/api/assignment-requests',
    {
      config: { access: 'permission:agreements:read' },
      schema: {
        tags,
        summary: 'Requests to assign or change a provider (scoped), newest first',
        querystring: AssignmentRequestQuerySchema,
        response: { 200: pageOf(AssignmentRequestSchema), ...Errors },
      },
    },
    async (req) => listAssignmentRequests(db(), currentUser(req), req.query),
  );
  api.post(
    '/api/assignment-requests',
    {
      config: { access: 'permission:assignments:request' },
      schema: {
        tags,
        summary: 'Request that a provider be assigned to serve an entity for services (para 11)',
        body: CreateAssignmentRequestSchema,
        response: { 201: AssignmentRequestSchema, ...Errors },
      },
    },
    async (req, reply) => {
      const r = await requestAssignment(db(), currentUser(req), req.body);
      reply.status(201);
      return r;
    },
  );
  api.get(
    '/api/assignment-requests/:id',
    {
      config: { access: 'permission:agreements:read' },
      schema: {
        tags,
        summary: 'A request with its consultation trail and decision',
        params: IdParams,
        response: { 200: AssignmentRequestSchema, ...Errors },
      },
    },
    async (req) => getAssignmentRequest(db(), currentUser(req), req.params.id),
  );
  api.post(
    '/api/assignment-requests/:id/consultations',
    {
      config: { access: 'permission:assignments:consult' },
      schema: {
        tags,
        summary: 'Record a consultation (DMSPC, the head of the entity, the provider, other)',
        params: IdParams,
        body: ConsultationInputSchema,
        response: { 201: AssignmentRequestSchema, ...Errors },
      },
    },
    async (req, reply) => {
      const r = await consultOnRequest(db(), currentUser(req), req.params.id, req.body);
      reply.status(201);
      return r;
    },
  );
  api.post(
    '/api/assignment-requests/:id/decision',
    {
      config: { access: 'permission:assignments:decide' },
      schema: {
        tags,
        summary: 'Decide a request (the USG for Operational Support; the administrator in this build)',
        description:
          'Approving writes the assignments routing uses from the effective date; 409 `ASSIGNMENT_CONSULTATION_MISSING` until DMSPC and the head of the entity are consulted.',
        params: IdParams,
        body: DecisionInputSchema,
        response: { 200: AssignmentRequestSchema, ...Errors },
      },
    },
    async (req) => decideRequest(db(), currentUser(req), req.params.id, req.body),
  );
  api.get(
    '/api/assignments/history',
    {
      config: { access: 'permission:reference:read' },
      schema: {
        tags,
        summary: 'Every period of an entity and service: who served from when to when, and the decision behind it',
        querystring: HistoryQuerySchema,
        response: { 200: z.object({ items: z.array(HistoryEntrySchema) }), ...Errors },
      },
    },
    async (req) => ({ items: await assignmentHistory(db(), req.query.entity, req.query.service) }),
  );
}
