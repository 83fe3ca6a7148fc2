/**
 * HTTP routes of cases. Changes to an existing case need `If-Match: "<version>"` (412 when stale, 428 when
 * missing); creation honours `Idempotency-Key`. Responses of a single case carry its version as `ETag`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { currentUser } from '../../server/access.ts';
import { AppError } from '../../server/errors.ts';
import { pageOf } from '../../server/pagination.ts';
import { ProblemSchema, sendJsonText, typed } from '../../server/route-helpers.ts';
import {
  AssignBodySchema,
  BulkBodySchema,
  CaseListItemSchema,
  CaseQuerySchema,
  CaseSummarySchema,
  CaseViewSchema,
  ChildTaskBodySchema,
  CreateCaseSchema,
  MergeBodySchema,
  MessageBodySchema,
  PriorityBodySchema,
  TransferBodySchema,
  TransitionBodySchema,
  WithdrawChildBodySchema,
} from './cases.schema.ts';
import {
  addMessage,
  assignCase,
  type CaseOptions,
  countCasesPerState,
  createCase,
  findVisibleCaseSummary,
  listCases,
  mergeCase,
  openChildTask,
  queuePageJson,
  reprioritizeCase,
  transferCase,
  transitionCase,
  viewCase,
  withdrawChildTask,
} from './cases.service.ts';
import { QueueTotalCache } from './queue-totals.ts';

const RefParams = z.object({ reference: z.string().min(1).max(40) });
const Errors = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  412: ProblemSchema,
  428: ProblemSchema,
};

/** The version a change is based on, from `If-Match` ("3", W/"3" or 3). */
function ifMatch(req: FastifyRequest): number {
  const raw = req.headers['if-match'];
  if (!raw)
    throw new AppError('CASE_PRECONDITION_REQUIRED', 'Send If-Match with the version of the case you are changing', {
      issues: [{ field: 'If-Match', message: 'is required' }],
    });
  const text = String(raw).trim();
  // If-Match compares strongly (RFC 9110): a weak tag never matches.
  if (text.startsWith('W/'))
    throw new AppError('CASE_VERSION_CONFLICT', 'If-Match needs the strong version tag, e.g. "3" (a weak W/ tag never matches)');
  const m = /^"?(\d+)"?$/.exec(text);
  if (!m)
    throw new AppError('VALIDATION_FAILED', 'If-Match must be the case version, e.g. "3"', {
      issues: [{ field: 'If-Match', message: 'not a version' }],
    });
  return Number(m[1]);
}

function withEtag<T extends { version: number }>(reply: FastifyReply, c: T): T {
  reply.header('etag', `"${c.version}"`);
  return c;
}

export async function casesRoutes(
  app: FastifyInstance,
  opts: CaseOptions & {
    /** How long a queue's counted total is reused for the same user and filters, ms (default 5,000; 0: never). */
    queueTotalCacheMs?: number;
  } = {},
): Promise<void> {
  const api = typed(app);
  const db = () => app.deps.db;
  const totals = new QueueTotalCache(opts.queueTotalCacheMs);
  // A user's change to cases (any route under /api/cases but a read) drops their queue totals before the
  // answer leaves, so the next page they read counts again.
  app.addHook('onSend', (req, _reply, payload, done) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.user && req.url.startsWith('/api/cases')) {
      totals.forgetUser(req.user.id);
    }
    done(null, payload);
  });

  api.post(
    '/api/cases',
    {
      config: { access: 'permission:cases:create' },
      schema: {
        tags: ['cases'],
        summary: 'Open a request for a catalogue service; it is routed at once to the assigned provider',
        headers: z.looseObject({ 'idempotency-key': z.string().min(8).max(200).optional() }),
        body: CreateCaseSchema,
        response: { 201: CaseSummarySchema, 200: CaseSummarySchema, ...Errors, 422: ProblemSchema },
      },
    },
    async (req, reply) => {
      const key = req.headers['idempotency-key'];
      const r = await createCase(db(), currentUser(req), req.body, { ...opts, ...(key ? { idempotencyKey: key } : {}) });
      reply.status(r.created ? 201 : 200).header('location', `/api/cases/${r.case.reference}`);
      return withEtag(reply, r.case);
    },
  );

  api.get(
    '/api/cases',
    {
      config: { access: 'permission:cases:read' },
      schema: {
        tags: ['cases'],
        summary: 'Work queue / my requests: the cases you may see, filtered, sorted, paginated',
        querystring: CaseQuerySchema,
        response: {
          200: pageOf(CaseListItemSchema).extend({
            totalCapped: z
              .boolean()
              .describe('true when more cases match than the count cap (10,000): total is then a lower bound'),
          }),
          400: ProblemSchema,
        },
      },
    },
    // the items come as JSON text from PostgreSQL and go out as they are (`queuePageJson`, `sendJsonText`)
    async (req, reply) => sendJsonText(reply, queuePageJson(await listCases(db(), currentUser(req), req.query, totals))),
  );

  api.get(
    '/api/cases/counts',
    {
      config: { access: 'permission:cases:read' },
      schema: {
        tags: ['cases'],
        summary: 'Counts per state of the cases you may see (same filters as the list)',
        querystring: CaseQuerySchema,
        response: {
          200: z.object({
            byState: z.record(z.string(), z.number().int()),
            total: z.number().int(),
            capped: z.array(z.string()).describe('States whose count reached the cap (10,000): show "10,000+"'),
          }),
        },
      },
    },
    async (req) => {
      const { byState, capped } = await countCasesPerState(db(), currentUser(req), req.query, totals);
      return { byState, capped, total: Object.values(byState).reduce((a, b) => a + b, 0) };
    },
  );

  api.get(
    '/api/cases/:reference',
    {
      config: { access: 'permission:cases:read' },
      schema: {
        tags: ['cases'],
        summary: 'A case with its end-to-end timeline, segments and messages',
        params: RefParams,
        response: { 200: CaseViewSchema, 404: ProblemSchema },
      },
    },
    async (req, reply) => {
      const v = await viewCase(db(), currentUser(req), req.params.reference);
      reply.header('etag', `"${v.case.version}"`);
      return v;
    },
  );

  api.post(
    '/api/cases/:reference/transitions',
    {
      config: { access: 'permission:cases:reply' },
      schema: {
        tags: ['cases'],
        summary: 'Change the state (If-Match required)',
        params: RefParams,
        body: TransitionBodySchema,
        response: { 200: CaseSummarySchema, ...Errors },
      },
    },
    async (req, reply) =>
      withEtag(
        reply,
        await transitionCase(db(), currentUser(req), req.params.reference, ifMatch(req), req.body.to, req.body.reason, opts),
      ),
  );

  api.post(
    '/api/cases/:reference/transfer',
    {
      config: { access: 'permission:cases:work' },
      schema: {
        tags: ['cases'],
        summary: 'Transfer to another provider, with a reason (If-Match required)',
        params: RefParams,
        body: TransferBodySchema,
        response: { 200: CaseSummarySchema, ...Errors },
      },
    },
    async (req, reply) =>
      withEtag(reply, await transferCase(db(), currentUser(req), req.params.reference, ifMatch(req), req.body, opts)),
  );

  api.post(
    '/api/cases/:reference/children',
    {
      config: { access: 'permission:cases:work' },
      schema: {
        tags: ['cases'],
        summary: 'Open a linked child task at another provider',
        params: RefParams,
        body: ChildTaskBodySchema,
        response: { 201: CaseSummarySchema, ...Errors },
      },
    },
    async (req, reply) => {
      const child = await openChildTask(db(), currentUser(req), req.params.reference, req.body, opts);
      reply.status(201).header('location', `/api/cases/${child.reference}`);
      return withEtag(reply, child);
    },
  );

  api.post(
    '/api/cases/:reference/children/:child/withdraw',
    {
      config: { access: 'permission:cases:work' },
      schema: {
        tags: ['cases'],
        summary:
          "Withdraw (cancel) an open child task of this case, with a reason: the parent's provider or a coordinator (If-Match: the child's version)",
        params: z.object({ reference: z.string().min(1).max(40), child: z.string().min(1).max(40) }),
        body: WithdrawChildBodySchema,
        response: { 200: CaseSummarySchema, ...Errors },
      },
    },
    async (req, reply) =>
      withEtag(
        reply,
        await withdrawChildTask(
          db(),
          currentUser(req),
          req.params.reference,
          req.params.child,
          ifMatch(req),
          req.body.reason,
          opts,
        ),
      ),
  );

  api.post(
    '/api/cases/:reference/merge',
    {
      config: { access: 'permission:cases:work' },
      schema: {
        tags: ['cases'],
        summary: 'Merge this duplicate into a primary case (If-Match required)',
        params: RefParams,
        body: MergeBodySchema,
        response: { 200: CaseSummarySchema, ...Errors },
      },
    },
    async (req, reply) =>
      withEtag(reply, await mergeCase(db(), currentUser(req), req.params.reference, ifMatch(req), req.body.into, opts)),
  );

  api.post(
    '/api/cases/:reference/assign',
    {
      config: { access: 'permission:cases:work' },
      schema: {
        tags: ['cases'],
        summary: 'Assign to an agent (and team) of the provider (If-Match required)',
        params: RefParams,
        body: AssignBodySchema,
        response: { 200: CaseSummarySchema, ...Errors },
      },
    },
    async (req, reply) =>
      withEtag(reply, await assignCase(db(), currentUser(req), req.params.reference, ifMatch(req), req.body, opts)),
  );

  api.post(
    '/api/cases/:reference/priority',
    {
      config: { access: 'permission:cases:work' },
      schema: {
        tags: ['cases'],
        summary:
          'Change impact and urgency (hence priority), with a reason; SLA clocks keep their elapsed time (If-Match required)',
        params: RefParams,
        body: PriorityBodySchema,
        response: { 200: CaseSummarySchema, ...Errors },
      },
    },
    async (req, reply) =>
      withEtag(reply, await reprioritizeCase(db(), currentUser(req), req.params.reference, ifMatch(req), req.body, opts)),
  );

  api.post(
    '/api/cases/:reference/messages',
    {
      config: { access: 'permission:cases:reply' },
      schema: {
        tags: ['cases'],
        summary: 'Public reply or internal note (a message to a merged case goes to its primary)',
        params: RefParams,
        body: MessageBodySchema,
        response: { 201: z.object({ reference: z.string() }), ...Errors },
      },
    },
    async (req, reply) => {
      const r = await addMessage(db(), currentUser(req), req.params.reference, req.body, opts);
      reply.status(201);
      return r;
    },
  );

  api.post(
    '/api/cases/bulk',
    {
      config: { access: 'permission:cases:work' },
      schema: {
        tags: ['cases'],
        summary: 'Apply one action (assign, transition) to many cases; each succeeds or fails on its own',
        body: BulkBodySchema,
        response: {
          200: z.object({
            results: z.array(
              z.object({ reference: z.string(), ok: z.boolean(), code: z.string().optional(), detail: z.string().optional() }),
            ),
          }),
          400: ProblemSchema,
        },
      },
    },
    async (req) => {
      const actor = currentUser(req);
      const results = [];
      for (const reference of [...new Set(req.body.references)]) {
        try {
          const current = await findVisibleCaseSummary(db(), actor, reference);
          const action = req.body.action;
          if (action.type === 'assign')
            await assignCase(db(), actor, reference, current.version, { assignee: action.assignee }, opts);
          else await transitionCase(db(), actor, reference, current.version, action.to, action.reason, opts);
          results.push({ reference, ok: true });
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          results.push({ reference, ok: false, code: e.code, detail: e.message });
        }
      }
      return { results };
    },
  );
}
