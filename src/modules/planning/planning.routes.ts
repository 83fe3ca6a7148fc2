/**
 * HTTP routes of planning. Reading needs `planning:read` (DOS coordinators, administrators, provider
 * managers: the last see only their provider's rows and no totals); solving, saving, accepting changes
 * and editing planning data need `planning:manage`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { currentUser } from '../../server/access.ts';
import { ProblemSchema, typed } from '../../server/route-helpers.ts';
import { IdSchema, IsoDateSchema } from '../../server/validation.ts';
import { findLocations, findOffers } from './planning.repository.ts';
import {
  AcceptChangesSchema,
  CoLocationSchema,
  DemandSchema,
  DemandUpdateSchema,
  HeadcountUpdateSchema,
  LocationSchema,
  LocationUpdateSchema,
  OfferSchema,
  OfferUpdateSchema,
  ProposalSchema,
  ScenarioInputsSchema,
  ScenarioResultSchema,
  ScenarioSchema,
  ScenarioSummarySchema,
} from './planning.schema.ts';
import {
  acceptChanges,
  createScenario,
  findCoLocations,
  getScenario,
  listDemand,
  listProposals,
  listScenarios,
  proposalsCsv,
  solveScenario,
  updateDemand,
  updateHeadcount,
  updateLocation,
  updateOffer,
} from './planning.service.ts';

const Errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
const tags = ['planning'];
const Code = z.string().min(1).max(40);

export async function planningRoutes(app: FastifyInstance): Promise<void> {
  const api = typed(app);
  const db = () => app.deps.db;

  api.get(
    '/api/planning/scenarios',
    {
      config: { access: 'permission:planning:read' },
      schema: {
        tags,
        summary: 'Saved planning scenarios, newest first',
        response: { 200: z.object({ items: z.array(ScenarioSummarySchema) }), ...Errors },
      },
    },
    async (req) => ({ items: await listScenarios(db(), currentUser(req)) }),
  );
  api.post(
    '/api/planning/scenarios',
    {
      config: { access: 'permission:planning:manage' },
      schema: {
        tags,
        summary: 'Solve a scenario and save it (inputs and results)',
        description:
          "Builds the instance from the planning data and the scenario, solves the mixed-integer program with HiGHS, compares the result with today's assignments and saves both. An infeasible scenario is saved with its explanation (status `infeasible`, `result.infeasibility`).",
        body: ScenarioInputsSchema,
        response: { 201: ScenarioSchema, ...Errors },
      },
    },
    async (req, reply) => {
      const s = await createScenario(db(), currentUser(req), req.body, req.id);
      reply.status(201).header('location', `/api/planning/scenarios/${s.id}`);
      return s;
    },
  );
  api.post(
    '/api/planning/solve',
    {
      config: { access: 'permission:planning:manage' },
      schema: {
        tags,
        summary: 'Solve a scenario without saving it',
        body: ScenarioInputsSchema,
        response: { 200: z.object({ inputs: ScenarioInputsSchema, result: ScenarioResultSchema }), ...Errors },
      },
    },
    async (req) => solveScenario(db(), req.body),
  );
  api.get(
    '/api/planning/scenarios/:id',
    {
      config: { access: 'permission:planning:read' },
      schema: {
        tags,
        summary: 'A saved scenario with its result and comparison with today',
        params: z.object({ id: IdSchema }),
        response: { 200: ScenarioSchema, ...Errors },
      },
    },
    async (req) => getScenario(db(), currentUser(req), req.params.id),
  );
  api.post(
    '/api/planning/scenarios/:id/proposals',
    {
      config: { access: 'permission:planning:manage' },
      schema: {
        tags,
        summary: 'Record accepted changes of a scenario as change proposals (status proposed)',
        params: z.object({ id: IdSchema }),
        body: AcceptChangesSchema,
        response: {
          201: z.object({ proposed: z.number().int(), skipped: z.number().int(), proposals: z.array(ProposalSchema) }),
          ...Errors,
        },
      },
    },
    async (req, reply) => {
      const r = await acceptChanges(db(), currentUser(req), req.params.id, req.body.changes, req.id);
      reply.status(201);
      return r;
    },
  );
  const ProposalQuery = z.strictObject({ scenario: IdSchema.optional() });
  api.get(
    '/api/planning/proposals',
    {
      config: { access: 'permission:planning:read' },
      schema: {
        tags,
        summary: 'Change proposals',
        querystring: ProposalQuery,
        response: { 200: z.object({ items: z.array(ProposalSchema) }), ...Errors },
      },
    },
    async (req) => ({ items: await listProposals(db(), currentUser(req), req.query.scenario) }),
  );
  api.get(
    '/api/planning/proposals.csv',
    {
      config: { access: 'permission:planning:read' },
      schema: { tags, summary: 'Change proposals as CSV', querystring: ProposalQuery, response: { 200: z.string(), ...Errors } },
    },
    async (req, reply) => {
      const rows = await listProposals(db(), currentUser(req), req.query.scenario);
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="planning-proposals${req.query.scenario ? `-${req.query.scenario}` : ''}.csv"`,
        );
      return proposalsCsv(rows);
    },
  );
  api.get(
    '/api/planning/co-locations',
    {
      config: { access: 'permission:planning:read' },
      schema: {
        tags,
        summary: 'Duty stations where several entities each keep their own support for the same service',
        querystring: z.strictObject({ on: IsoDateSchema.optional() }),
        response: { 200: z.object({ items: z.array(CoLocationSchema) }), ...Errors },
      },
    },
    async (req) => ({ items: await findCoLocations(db(), req.query.on) }),
  );
  api.get(
    '/api/planning/locations',
    {
      config: { access: 'permission:planning:read' },
      schema: {
        tags,
        summary: 'Security level and hardship category of each duty station',
        response: { 200: z.object({ items: z.array(LocationSchema) }), ...Errors },
      },
    },
    async () => ({ items: await findLocations(db()) }),
  );
  api.put(
    '/api/planning/locations/:code',
    {
      config: { access: 'permission:planning:manage' },
      schema: {
        tags,
        summary: "Set a duty station's security level and hardship category",
        params: z.object({ code: Code }),
        body: LocationUpdateSchema,
        response: { 204: z.null(), ...Errors },
      },
    },
    async (req, reply) => {
      await updateLocation(db(), currentUser(req), req.params.code, req.body, req.id);
      return reply.status(204).send(null);
    },
  );
  api.get(
    '/api/planning/offers',
    {
      config: { access: 'permission:planning:read' },
      schema: {
        tags,
        summary: 'Capacity and unit cost per provider and service (provider managers: their own)',
        response: { 200: z.object({ items: z.array(OfferSchema) }), ...Errors },
      },
    },
    async (req) => {
      const actor = currentUser(req);
      return { items: await findOffers(db(), actor.scope?.type === 'provider' ? actor.scope.code : undefined) };
    },
  );
  api.put(
    '/api/planning/offers/:provider/:service',
    {
      config: { access: 'permission:planning:manage' },
      schema: {
        tags,
        summary: "Set a provider's capacity and unit cost for a service",
        params: z.object({ provider: Code, service: Code }),
        body: OfferUpdateSchema,
        response: { 204: z.null(), ...Errors },
      },
    },
    async (req, reply) => {
      await updateOffer(db(), currentUser(req), req.params.provider, req.params.service, req.body, req.id);
      return reply.status(204).send(null);
    },
  );
  api.get(
    '/api/planning/demand',
    {
      config: { access: 'permission:planning:manage' },
      schema: {
        tags,
        summary: 'Demand per entity and service (service units a year), with its source and basis',
        querystring: z.strictObject({ entity: Code.optional(), on: IsoDateSchema.optional() }),
        response: { 200: z.object({ items: z.array(DemandSchema) }), ...Errors },
      },
    },
    async (req) => ({
      items: await listDemand(db(), {
        ...(req.query.entity ? { entity: req.query.entity } : {}),
        ...(req.query.on ? { referenceDate: req.query.on } : {}),
      }),
    }),
  );
  api.put(
    '/api/planning/demand/:entity/:service',
    {
      config: { access: 'permission:planning:manage' },
      schema: {
        tags,
        summary: 'Override the demand of an entity for a service',
        params: z.object({ entity: Code, service: Code }),
        body: DemandUpdateSchema,
        response: { 204: z.null(), ...Errors },
      },
    },
    async (req, reply) => {
      await updateDemand(db(), currentUser(req), req.params.entity, req.params.service, req.body, req.id);
      return reply.status(204).send(null);
    },
  );
  api.delete(
    '/api/planning/demand/:entity/:service',
    {
      config: { access: 'permission:planning:manage' },
      schema: {
        tags,
        summary: 'Remove a demand override (back to case history or headcount)',
        params: z.object({ entity: Code, service: Code }),
        response: { 204: z.null(), ...Errors },
      },
    },
    async (req, reply) => {
      await updateDemand(db(), currentUser(req), req.params.entity, req.params.service, null, req.id);
      return reply.status(204).send(null);
    },
  );
  api.put(
    '/api/planning/headcounts/:entity',
    {
      config: { access: 'permission:planning:manage' },
      schema: {
        tags,
        summary: "Set an entity's headcount (base of its demand without case history)",
        params: z.object({ entity: Code }),
        body: HeadcountUpdateSchema,
        response: { 204: z.null(), ...Errors },
      },
    },
    async (req, reply) => {
      await updateHeadcount(db(), currentUser(req), req.params.entity, req.body, req.id);
      return reply.status(204).send(null);
    },
  );
}
