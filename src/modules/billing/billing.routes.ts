/**
 * HTTP routes of cost recovery: price lists, usage, headcounts, billing runs, statements (JSON, XLSX, PDF),
 * the run as CSV, and credit or debit notes. Reads need `billing:read` and are scoped (a provider's staff
 * see their provider's statements, an entity focal point their entity's); changes need `billing:manage`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { currentUser } from '../../server/access.ts';
import { pageOf } from '../../server/pagination.ts';
import { ProblemSchema, typed } from '../../server/route-helpers.ts';
import { IdSchema, IsoDateSchema } from '../../server/validation.ts';
import {
  BillingRunSchema,
  HeadcountInputSchema,
  NoteInputSchema,
  PeriodSchema,
  PriceListInputSchema,
  PriceListQuerySchema,
  PriceListSchema,
  RunResultSchema,
  StatementQuerySchema,
  StatementSchema,
  StatementSummarySchema,
  UsageInputSchema,
} from './billing.schema.ts';
import {
  closeRun,
  createPriceList,
  endPriceList,
  getRun,
  getStatement,
  issueNote,
  listPriceLists,
  listRuns,
  listStatements,
  recordHeadcount,
  recordUsage,
  runBilling,
  runLines,
} from './billing.service.ts';
import { runCsv, statementPdf, statementXlsx } from './billing-exports.ts';

const Errors = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  422: ProblemSchema,
};
const IdParams = z.object({ id: IdSchema });
const LangQuery = z.strictObject({ lang: z.enum(['en', 'fr']).optional() });

/** Registers the billing routes. */
export async function billingRoutes(app: FastifyInstance): Promise<void> {
  const api = typed(app);
  const db = () => app.deps.db;
  const tags = ['billing'];

  api.get(
    '/api/price-lists',
    {
      config: { access: 'permission:billing:read' },
      schema: {
        tags,
        summary: 'Price lists per provider, service and period',
        querystring: PriceListQuerySchema,
        response: { 200: pageOf(PriceListSchema), ...Errors },
      },
    },
    async (req) => listPriceLists(db(), currentUser(req), req.query),
  );
  api.post(
    '/api/price-lists',
    {
      config: { access: 'permission:billing:manage' },
      schema: {
        tags,
        summary: 'Add a price for a provider, service and period (USD, exact decimal)',
        description:
          'Refused with 409 `PRICE_PERIOD_OVERLAP` when the period overlaps another price of the same provider and service.',
        body: PriceListInputSchema,
        response: { 201: PriceListSchema, ...Errors },
      },
    },
    async (req, reply) => {
      const p = await createPriceList(db(), currentUser(req), req.body);
      reply.status(201);
      return p;
    },
  );
  api.patch(
    '/api/price-lists/:id',
    {
      config: { access: 'permission:billing:manage' },
      schema: {
        tags,
        summary: "Set or clear a price list's end (exclusive)",
        params: IdParams,
        body: z.strictObject({ effectiveTo: IsoDateSchema.nullable() }),
        response: { 200: PriceListSchema, ...Errors },
      },
    },
    async (req) => endPriceList(db(), currentUser(req), req.params.id, req.body.effectiveTo),
  );
  api.post(
    '/api/usage-records',
    {
      config: { access: 'permission:billing:manage' },
      schema: {
        tags,
        summary: "Record usage in the service's unit of measure",
        body: UsageInputSchema,
        response: { 201: z.object({ id: z.string() }), ...Errors },
      },
    },
    async (req, reply) => {
      const r = await recordUsage(db(), currentUser(req), req.body);
      reply.status(201);
      return r;
    },
  );
  api.put(
    '/api/headcounts',
    {
      config: { access: 'permission:billing:manage' },
      schema: {
        tags,
        summary: "Record an entity's staff headcount for a month",
        body: HeadcountInputSchema,
        response: { 204: z.null(), ...Errors },
      },
    },
    async (req, reply) => {
      await recordHeadcount(db(), currentUser(req), req.body);
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/api/billing-runs',
    {
      config: { access: 'permission:billing:read' },
      schema: {
        tags,
        summary: 'Billing runs, newest first (counts and totals of the statements you may see)',
        response: { 200: z.array(BillingRunSchema), ...Errors },
      },
    },
    async (req) => listRuns(db(), currentUser(req)),
  );
  api.post(
    '/api/billing-runs',
    {
      config: { access: 'permission:billing:manage' },
      schema: {
        tags,
        summary: 'Run (or re-run) the billing of an open month',
        description:
          'Re-running with the same facts writes nothing (`changed: false`); a closed month answers 409 `BILLING_PERIOD_CLOSED`.',
        body: z.strictObject({ period: PeriodSchema }),
        response: { 200: RunResultSchema, ...Errors },
      },
    },
    async (req) => runBilling(db(), currentUser(req), req.body.period),
  );
  api.get(
    '/api/billing-runs/:id',
    {
      config: { access: 'permission:billing:read' },
      schema: { tags, summary: 'A billing run', params: IdParams, response: { 200: BillingRunSchema, ...Errors } },
    },
    async (req) => getRun(db(), currentUser(req), req.params.id),
  );
  api.post(
    '/api/billing-runs/:id/close',
    {
      config: { access: 'permission:billing:manage' },
      schema: {
        tags,
        summary: 'Close a month: its statements become immutable',
        params: IdParams,
        response: { 200: BillingRunSchema, ...Errors },
      },
    },
    async (req) => closeRun(db(), currentUser(req), req.params.id),
  );
  api.get(
    '/api/billing-runs/:id/lines.csv',
    {
      config: { access: 'permission:billing:read' },
      schema: {
        tags,
        summary: 'Every statement line of the run you may see, as CSV',
        params: IdParams,
        response: { 200: z.any().describe('text/csv'), ...Errors },
      },
    },
    async (req, reply) => {
      const { run, lines } = await runLines(db(), currentUser(req), req.params.id);
      reply.header('content-disposition', `attachment; filename="billing-${run.period}.csv"`);
      return reply.type('text/csv; charset=utf-8').send(runCsv(lines));
    },
  );

  api.get(
    '/api/statements',
    {
      config: { access: 'permission:billing:read' },
      schema: {
        tags,
        summary: 'Statements (scoped)',
        querystring: StatementQuerySchema,
        response: { 200: pageOf(StatementSummarySchema), ...Errors },
      },
    },
    async (req) => listStatements(db(), currentUser(req), req.query),
  );
  api.get(
    '/api/statements/:id',
    {
      config: { access: 'permission:billing:read' },
      schema: {
        tags,
        summary: 'A statement with its lines and notes',
        params: IdParams,
        response: { 200: StatementSchema, ...Errors },
      },
    },
    async (req) => getStatement(db(), currentUser(req), req.params.id),
  );
  for (const format of ['xlsx', 'pdf'] as const) {
    api.get(
      `/api/statements/:id/statement.${format}`,
      {
        config: { access: 'permission:billing:read' },
        schema: {
          tags,
          summary: `The statement as ${format.toUpperCase()} in the reader's language`,
          params: IdParams,
          querystring: LangQuery,
          response: { 200: z.any(), ...Errors },
        },
      },
      async (req, reply) => {
        const viewer = currentUser(req);
        const lang = req.query.lang ?? (viewer.locale === 'fr' ? 'fr' : 'en');
        const s = await getStatement(db(), viewer, req.params.id);
        reply.header('content-disposition', `attachment; filename="${s.number}.${format}"`);
        if (format === 'xlsx') {
          return reply
            .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
            .send(await statementXlsx(s, lang));
        }
        return reply.type('application/pdf').send(await statementPdf(s, lang));
      },
    );
  }
  api.post(
    '/api/statements/:id/notes',
    {
      config: { access: 'permission:billing:manage' },
      schema: {
        tags,
        summary: 'Issue a credit or debit note on a statement of a closed month',
        params: IdParams,
        body: NoteInputSchema,
        response: { 201: z.object({ number: z.string(), statement: StatementSchema }), ...Errors },
      },
    },
    async (req, reply) => {
      const r = await issueNote(db(), currentUser(req), req.params.id, req.body);
      reply.status(201);
      return r;
    },
  );
}
