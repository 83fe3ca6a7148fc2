/**
 * HTTP routes of SLA clocks: business calendars (per duty station, provider overrides, versions, holiday
 * import), SLA policies, a case's clocks, and the monthly SLA report bucketed at each calendar's local
 * midnight. Calendars and policies are read by every signed-in user and changed with `sla:manage`
 * (coordinators and administrators; a provider manager for its own provider only).
 */
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/types.ts';
import { currentUser } from '../../server/access.ts';
import { AppError } from '../../server/errors.ts';
import { PageQuerySchema, pageOf } from '../../server/pagination.ts';
import { ProblemSchema, typed } from '../../server/route-helpers.ts';
import { IdSchema } from '../../server/validation.ts';
import { caseScope, findCaseRow } from '../cases/cases.repository.ts';
import { STAFF_ROLES, type User } from '../identity/identity.schema.ts';
import type { CalendarSpec } from './business-calendar.ts';
import { addCalendarVersion, type CalendarOwner, calendarOf, importHolidays, type ResolvedCalendar } from './calendars.ts';
import { caseClocksView } from './clocks.service.ts';
import { pendingEscalations } from './escalations.ts';
import { createPolicy, listPolicies, PolicyInputSchema, removePolicy, updatePolicy } from './policies.ts';
import { CalendarSpecSchema } from './sla-contract.ts';

const Errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 422: ProblemSchema };

const VersionSchema = z.object({
  version: z.number().int(),
  effectiveFrom: z.string(),
  spec: z.unknown(),
  note: z.string().nullable(),
  createdAt: z.string().nullable(),
});
const CalendarSchema = z.object({
  id: z.number().int().nullable(),
  name: z.string(),
  owner: z.union([z.object({ dutyStation: z.string() }), z.object({ provider: z.string() })]),
  timeZone: z.string(),
  source: z.enum(['stored', 'default']),
  versions: z.array(VersionSchema),
});
const present = (c: ResolvedCalendar) => ({
  id: c.id,
  name: c.name,
  owner: c.owner,
  timeZone: c.timeZone,
  source: c.source,
  versions: c.versions,
});

const OwnerParams = z.object({ kind: z.enum(['duty-stations', 'providers']), code: z.string().min(1).max(40) });
const ownerOf = (p: z.infer<typeof OwnerParams>): CalendarOwner =>
  p.kind === 'duty-stations' ? { dutyStation: p.code } : { provider: p.code };

/** Who may change an owner's calendar or a provider's policies: coordinators, administrators, its manager. */
function mayManage(actor: User, provider: string | null): void {
  if (actor.role === 'dos-coordinator' || actor.role === 'administrator') return;
  if (actor.role === 'provider-manager' && provider !== null && actor.scope?.code === provider) return;
  throw new AppError(
    'FORBIDDEN',
    provider ? `Only coordinators or ${provider}'s managers can change this` : 'Only coordinators can change this',
  );
}

const ClockSchema = z.object({
  scope: z.enum(['case', 'segment']),
  provider: z.string().nullable(),
  segmentStartedAt: z.string().nullable(),
  metric: z.enum(['first-response', 'next-response', 'resolution']),
  target: z.string().describe('ISO-8601 duration of business time'),
  targetBusinessMinutes: z.number(),
  timeZone: z.string().describe("The calendar's IANA zone (the duty station's)"),
  startedAt: z.string(),
  dueAt: z.string().nullable().describe('Null while paused'),
  stoppedAt: z.string().nullable(),
  elapsedBusinessMinutes: z.number(),
  pausedBusinessMinutes: z.number(),
  percent: z.number().nullable(),
  state: z.enum(['running', 'paused', 'met', 'breached', 'stopped']),
  breachedAt: z.string().nullable(),
  warnAt: z.array(z.number()),
});

const ReportQuery = z
  .strictObject({
    from: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM'),
    to: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM'),
    provider: z.string().min(1).max(40).optional(),
    metric: z.enum(['first-response', 'next-response', 'resolution']).default('resolution'),
  })
  // a reversed range answered an empty report, which reads as "no clocks in these months"
  .refine((q) => q.to >= q.from, { path: ['to'], message: 'must not be before from' });

/**
 * The SLA report: end-to-end clocks of one metric per provider and local month of the case's creation —
 * the month in the clock's own time zone, so a case opened at 23:30 on 31 January in Nairobi counts in
 * January even though it is 20:30 UTC... and one opened at 00:30 on 1 February local time counts in
 * February although it is still January in UTC.
 */
export async function slaReport(db: Kysely<Database>, viewer: User, q: z.infer<typeof ReportQuery>) {
  let query = db
    .selectFrom('case_sla_clocks as k')
    .innerJoin('cases as c', 'c.id', 'k.case_id')
    .select([
      'k.provider_code as provider',
      sql<string>`to_char(date_trunc('month', c.created_at at time zone k.time_zone), 'YYYY-MM')`.as('month'),
      sql<string>`count(*)`.as('total'),
      sql<string>`count(*) filter (where k.state = 'met')`.as('met'),
      sql<string>`count(*) filter (where k.state = 'breached')`.as('breached'),
      sql<string>`count(*) filter (where k.state in ('running','paused'))`.as('open'),
    ])
    .where('k.scope', '=', 'case')
    .where('k.metric', '=', q.metric)
    .where(caseScope(viewer))
    .where(sql<boolean>`to_char(c.created_at at time zone k.time_zone, 'YYYY-MM') between ${q.from} and ${q.to}`)
    .groupBy(['k.provider_code', sql`2`])
    .orderBy(sql`2`)
    .orderBy('k.provider_code');
  if (q.provider) query = query.where('k.provider_code', '=', q.provider);
  const rows = await query.execute();
  return rows.map((r) => ({
    provider: r.provider,
    month: r.month,
    total: Number(r.total),
    met: Number(r.met),
    breached: Number(r.breached),
    open: Number(r.open),
  }));
}

/** Registers the SLA routes. */
export async function slaRoutes(app: FastifyInstance): Promise<void> {
  const api = typed(app);
  const db = () => app.deps.db;

  api.get(
    '/api/sla/calendars',
    {
      config: { access: 'permission:reference:read' },
      schema: {
        tags: ['sla'],
        summary: 'Duty stations and providers with their business calendar (stored or default), searchable',
        querystring: PageQuerySchema.extend({ q: z.string().max(100).optional() }),
        response: {
          200: pageOf(
            z.object({
              kind: z.enum(['duty-station', 'provider']),
              code: z.string(),
              name: z.string(),
              timeZone: z.string().nullable(),
              stored: z.boolean(),
              versions: z.number().int(),
            }),
          ),
          ...Errors,
        },
      },
    },
    async (req) => {
      const { q, page, pageSize, order } = req.query;
      const term = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
      const rows = await sql<{
        kind: 'duty-station' | 'provider';
        code: string;
        name: string;
        time_zone: string | null;
        versions: string;
        total: string;
      }>`
        with owners as (
          select 'duty-station' as kind, d.code, d.city as name, d.time_zone,
                 (select count(*) from business_calendar_versions v join business_calendars b on b.id = v.calendar_id where b.duty_station_code = d.code) as versions
          from duty_stations d
          where d.code in (select duty_station_code from providers union select duty_station_code from client_entities union select duty_station_code from business_calendars where duty_station_code is not null)
          union all
          select 'provider', p.code, p.code, d.time_zone,
                 (select count(*) from business_calendar_versions v join business_calendars b on b.id = v.calendar_id where b.provider_code = p.code)
          from providers p join duty_stations d on d.code = p.duty_station_code
        )
        , matched as (select * from owners where ${term}::text is null or code ilike ${term} or name ilike ${term})
        -- the count in a row of its own, so that a page beyond the last still says how many there are
        select t.total, p.* from (select count(*) as total from matched) t
        left join lateral (
          select * from matched
          order by kind, code ${sql.raw(order === 'desc' ? 'desc' : 'asc')}
          limit ${pageSize} offset ${(page - 1) * pageSize}
        ) p on true
        order by p.kind, p.code ${sql.raw(order === 'desc' ? 'desc' : 'asc')}`.execute(db());
      const total = Number(rows.rows[0]?.total ?? 0);
      return {
        items: rows.rows
          .filter((r) => r.code !== null)
          .map((r) => ({
            kind: r.kind,
            code: r.code,
            name: r.name,
            timeZone: r.time_zone,
            stored: Number(r.versions) > 0,
            versions: Number(r.versions),
          })),
        total,
        page,
        pageSize,
      };
    },
  );

  api.get(
    '/api/sla/calendars/:kind/:code',
    {
      config: { access: 'permission:reference:read' },
      schema: {
        tags: ['sla'],
        summary: 'The business calendar of a duty station or provider, with its versions',
        params: OwnerParams,
        response: { 200: CalendarSchema, ...Errors },
      },
    },
    async (req) => present(await calendarOf(db(), ownerOf(req.params))),
  );

  api.post(
    '/api/sla/calendars/:kind/:code/versions',
    {
      config: { access: 'permission:sla:manage' },
      schema: {
        tags: ['sla'],
        summary: 'Add a calendar version applying from a local date (past clocks keep their calendar)',
        params: OwnerParams,
        body: z.strictObject({ effectiveFrom: z.iso.date(), spec: CalendarSpecSchema, note: z.string().max(500).optional() }),
        response: { 201: CalendarSchema, ...Errors },
      },
    },
    async (req, reply) => {
      const actor = currentUser(req);
      mayManage(actor, req.params.kind === 'providers' ? req.params.code : null);
      const cal = await addCalendarVersion(db(), actor.id, ownerOf(req.params), {
        ...req.body,
        spec: req.body.spec as CalendarSpec,
      });
      reply.status(201);
      return present(cal);
    },
  );

  api.post(
    '/api/sla/calendars/:kind/:code/holidays',
    {
      config: { access: 'permission:sla:manage' },
      schema: {
        tags: ['sla'],
        summary: 'Import holidays from iCalendar (.ics) or CSV (date,name) as a new calendar version',
        params: OwnerParams,
        body: z.strictObject({
          format: z.enum(['ics', 'csv']),
          text: z.string().min(1).max(2_000_000),
          effectiveFrom: z.iso.date(),
        }),
        response: {
          201: z.object({
            calendar: CalendarSchema,
            added: z.number().int(),
            holidays: z.array(z.object({ date: z.string(), name: z.string() })),
          }),
          ...Errors,
        },
      },
    },
    async (req, reply) => {
      const actor = currentUser(req);
      mayManage(actor, req.params.kind === 'providers' ? req.params.code : null);
      const r = await importHolidays(db(), actor.id, ownerOf(req.params), req.body);
      reply.status(201);
      return { calendar: present(r.calendar), added: r.added, holidays: r.holidays };
    },
  );

  const PolicySchema = z.object({
    id: z.number().int(),
    version: z.number().int(),
    updatedAt: z.string(),
    provider: z.string().nullable(),
    service: z.string().nullable(),
    priority: z.enum(['P1', 'P2', 'P3', 'P4']).nullable(),
    firstResponse: z.string().nullable(),
    nextResponse: z.string().nullable(),
    resolution: z.string().nullable(),
    calendarBasis: z.enum(['provider', 'client']),
    pauseStates: z.array(z.string()),
    warnAt: z.array(z.number()),
    escalateOutsideHours: z.boolean(),
    basis: z.string(),
  });

  api.get(
    '/api/sla/policies',
    {
      config: { access: 'permission:reference:read' },
      schema: {
        tags: ['sla'],
        summary: 'Active SLA policies (the common ones and, with provider, that provider’s)',
        querystring: z.strictObject({ provider: z.string().min(1).max(40).optional() }),
        response: { 200: z.object({ items: z.array(PolicySchema) }), ...Errors },
      },
    },
    async (req) => ({ items: await listPolicies(db(), { provider: req.query.provider }) }),
  );

  api.post(
    '/api/sla/policies',
    {
      config: { access: 'permission:sla:manage' },
      schema: {
        tags: ['sla'],
        summary: 'Create an SLA policy',
        body: PolicyInputSchema,
        response: { 201: PolicySchema, ...Errors },
      },
    },
    async (req, reply) => {
      const actor = currentUser(req);
      mayManage(actor, req.body.provider);
      reply.status(201);
      return createPolicy(db(), actor.id, req.body);
    },
  );

  api.put(
    '/api/sla/policies/:id',
    {
      config: { access: 'permission:sla:manage' },
      schema: {
        tags: ['sla'],
        summary: 'Edit an SLA policy (same scope; send the version you read). Open cases follow at once.',
        params: z.object({ id: IdSchema }),
        body: z.strictObject({ version: z.number().int(), policy: PolicyInputSchema }),
        response: { 200: PolicySchema, ...Errors },
      },
    },
    async (req) => {
      const actor = currentUser(req);
      mayManage(actor, req.body.policy.provider);
      return updatePolicy(db(), actor.id, req.params.id, req.body.version, req.body.policy);
    },
  );

  api.delete(
    '/api/sla/policies/:id',
    {
      config: { access: 'permission:sla:manage' },
      schema: {
        tags: ['sla'],
        summary: 'Remove an SLA policy (pending escalations of its clocks are withdrawn)',
        params: z.object({ id: IdSchema }),
        response: { 204: z.null(), ...Errors },
      },
    },
    async (req, reply) => {
      const actor = currentUser(req);
      const p = await db().selectFrom('sla_policies').select('provider_code').where('id', '=', req.params.id).executeTakeFirst();
      if (!p) throw new AppError('NOT_FOUND', `No SLA policy ${req.params.id}`);
      mayManage(actor, p.provider_code);
      await removePolicy(db(), actor.id, req.params.id);
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/api/cases/:reference/sla',
    {
      config: { access: 'permission:cases:read' },
      schema: {
        tags: ['sla'],
        summary: "A case's SLA clocks (end to end and per provider segment), with the client's and provider's time zones",
        params: z.object({ reference: z.string().min(1).max(40) }),
        response: {
          200: z.object({
            clocks: z.array(ClockSchema),
            clientTimeZone: z.string().nullable(),
            pendingEscalations: z.array(
              z.object({ metric: z.string(), threshold: z.number(), fireAt: z.string(), segmentId: z.string().nullable() }),
            ),
          }),
          ...Errors,
        },
      },
    },
    async (req) => {
      const actor = currentUser(req);
      const row = await findCaseRow(db(), actor, req.params.reference);
      if (!row) throw new AppError('CASE_NOT_FOUND', `No case ${req.params.reference} that you can see`);
      const tz = await db()
        .selectFrom('client_entities as e')
        .innerJoin('duty_stations as d', 'd.code', 'e.duty_station_code')
        .select('d.time_zone')
        .where('e.code', '=', row.entity_code)
        .executeTakeFirst();
      const staff = STAFF_ROLES.has(actor.role);
      return {
        clocks: await caseClocksView(db(), String(row.id), new Date()),
        clientTimeZone: tz?.time_zone ?? null,
        pendingEscalations: staff ? await pendingEscalations(db(), String(row.id)) : [],
      };
    },
  );

  api.get(
    '/api/sla/report',
    {
      config: { access: 'permission:cases:read' },
      schema: {
        tags: ['sla'],
        summary: "End-to-end clocks met and breached per provider and local month (the calendar's midnight, not UTC)",
        querystring: ReportQuery,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                provider: z.string().nullable(),
                month: z.string(),
                total: z.number(),
                met: z.number(),
                breached: z.number(),
                open: z.number(),
              }),
            ),
          }),
          ...Errors,
        },
      },
    },
    async (req) => ({ items: await slaReport(db(), currentUser(req), req.query) }),
  );
}
