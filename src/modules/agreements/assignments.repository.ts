/** All SQL of provider assignments. Dates are `YYYY-MM-DD`; a period is [effective_from, effective_to). */
import { type Kysely, sql, type Transaction } from 'kysely';
import { fromJson } from '../../db/sql-helpers.ts';
import type { Database } from '../../db/types.ts';
import { offsetOf, type Page } from '../../server/pagination.ts';
import type { Assignment, AssignmentQuery } from './assignments.schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface AssignmentInput {
  provider: string;
  entity: string;
  service: string;
  scope: 'global' | 'regional' | 'local';
  effectiveFrom: string;
  effectiveTo?: string | null;
  costRecovery: boolean;
  basis: string;
  source: string;
}

/**
 * Replaces every assignment of `source` by `rows` (used by the reference loader; one transaction is the
 * caller's). Periods written by assignment decisions (decision 0014) are kept, and the replaced periods are
 * cut short again where a decided period starts, so a reload never overlaps a decision.
 */
export async function replaceAssignmentsOfSource(db: Db, source: string, rows: AssignmentInput[]): Promise<void> {
  await db.deleteFrom('assignments').where('source', '=', source).execute();
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('assignments')
      .values(
        rows.slice(i, i + 500).map((r) => ({
          provider_code: r.provider,
          entity_code: r.entity,
          service_code: r.service,
          scope: r.scope,
          effective_from: r.effectiveFrom,
          effective_to: r.effectiveTo ?? null,
          cost_recovery: r.costRecovery,
          basis: r.basis,
          source: r.source,
        })),
      )
      .execute();
  }
  await sql`update assignments r set effective_to = c.cut
    from (
      select r2.id, min(d.effective_from) as cut
      from assignments r2
      join assignments d on d.decision_id is not null and d.entity_code = r2.entity_code
        and d.service_code = r2.service_code and d.effective_from > r2.effective_from
      where r2.source = ${source}
      group by r2.id
    ) c
    where r.id = c.id and (r.effective_to is null or r.effective_to > c.cut)`.execute(db);
}

function assignmentSelect(db: Db) {
  return db
    .selectFrom('assignments as a')
    .innerJoin('providers as p', 'p.code', 'a.provider_code')
    .innerJoin('client_entities as e', 'e.code', 'a.entity_code')
    .innerJoin('services as s', 's.code', 'a.service_code')
    .select([
      'a.id',
      'a.scope',
      'a.effective_from',
      'a.effective_to',
      'a.cost_recovery',
      'a.basis',
      'a.source',
      'p.code as p_code',
      'p.name as p_name',
      'p.kind as p_kind',
      'e.code as e_code',
      'e.name as e_name',
      'e.kind as e_kind',
      's.code as s_code',
      's.name as s_name',
      's.delivery as s_delivery',
    ]);
}

// biome-ignore lint/suspicious/noExplicitAny: row shape from a join
function toAssignment(r: any): Assignment {
  return {
    id: r.id,
    provider: { code: r.p_code, name: fromJson(r.p_name), kind: r.p_kind },
    entity: { code: r.e_code, name: fromJson(r.e_name), kind: r.e_kind },
    service: { code: r.s_code, name: fromJson(r.s_name), delivery: r.s_delivery },
    scope: r.scope,
    effectiveFrom: r.effective_from,
    effectiveTo: r.effective_to,
    costRecovery: r.cost_recovery,
    basis: r.basis,
    source: r.source,
  };
}

/** Lists assignments with filters (entity, service, service line, provider, date in force), sort and pagination. */
export async function findAssignments(db: Db, q: AssignmentQuery): Promise<Page<Assignment>> {
  let query = assignmentSelect(db);
  if (q.entity) query = query.where('a.entity_code', '=', q.entity);
  if (q.service) query = query.where('a.service_code', '=', q.service);
  if (q.provider) query = query.where('a.provider_code', '=', q.provider);
  if (q.serviceLine) query = query.where('s.service_line_code', '=', q.serviceLine);
  if (q.on) {
    const on = q.on;
    query = query
      .where('a.effective_from', '<=', on)
      .where((eb) => eb.or([eb('a.effective_to', 'is', null), eb('a.effective_to', '>', on)]));
  }
  const total = await query.clearSelect().select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const sortCol = q.sort === 'service' ? 'a.service_code' : q.sort === 'provider' ? 'a.provider_code' : 'a.entity_code';
  const rows = await query
    .orderBy(sortCol, q.order)
    .orderBy('a.entity_code')
    .orderBy('a.service_code')
    .orderBy('a.effective_from')
    .limit(q.pageSize)
    .offset(offsetOf(q))
    .execute();
  return { items: rows.map(toAssignment), total: Number(total.n), page: q.page, pageSize: q.pageSize };
}

/** The assignment in force for (entity, service) on date `on` (YYYY-MM-DD), or undefined. */
export async function findAssignmentInForce(
  db: Db,
  entity: string,
  service: string,
  on: string,
): Promise<Assignment | undefined> {
  const r = await assignmentSelect(db)
    .where('a.entity_code', '=', entity)
    .where('a.service_code', '=', service)
    .where('a.effective_from', '<=', on)
    .where((eb) => eb.or([eb('a.effective_to', 'is', null), eb('a.effective_to', '>', on)]))
    .orderBy('a.effective_from', 'desc')
    .executeTakeFirst();
  return r ? toAssignment(r) : undefined;
}

/** Number of assignments per provider (all dates). */
export async function countAssignmentsByProvider(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('assignments')
    .select(['provider_code', db.fn.countAll<string>().as('n')])
    .groupBy('provider_code')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.provider_code, Number(r.n)]));
}

/**
 * Distinct client entities served by `provider` (for any of `services`, if given), grouped by entity kind.
 * Counts assignments in force on `on` (YYYY-MM-DD).
 */
export async function countEntitiesServedBy(
  db: Db,
  provider: string,
  on: string,
  opts: { services?: string[]; africaOnly?: boolean } = {},
): Promise<Record<string, number>> {
  let q = db
    .selectFrom('assignments as a')
    .innerJoin('client_entities as e', 'e.code', 'a.entity_code')
    .innerJoin('duty_stations as ds', 'ds.code', 'e.duty_station_code')
    .where('a.provider_code', '=', provider)
    .where('a.effective_from', '<=', on)
    .where((eb) => eb.or([eb('a.effective_to', 'is', null), eb('a.effective_to', '>', on)]));
  if (opts.services?.length) q = q.where('a.service_code', 'in', opts.services);
  if (opts.africaOnly === true) q = q.where('ds.region', '=', 'Africa');
  if (opts.africaOnly === false) q = q.where('ds.region', '<>', 'Africa');
  const rows = await q
    .select(['e.kind', sql<string>`count(distinct e.code)`.as('n')])
    .groupBy('e.kind')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
}

/** Providers serving entities of `kind` for `service` on `on`, with the number of entities each. */
export async function providersForKindAndService(
  db: Db,
  kind: string,
  service: string,
  on: string,
): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('assignments as a')
    .innerJoin('client_entities as e', 'e.code', 'a.entity_code')
    .where('e.kind', '=', kind)
    .where('a.service_code', '=', service)
    .where('a.effective_from', '<=', on)
    .where((eb) => eb.or([eb('a.effective_to', 'is', null), eb('a.effective_to', '>', on)]))
    .select(['a.provider_code', sql<string>`count(distinct e.code)`.as('n')])
    .groupBy('a.provider_code')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.provider_code, Number(r.n)]));
}

/** Entities of `kind` that have at least one assignment of `scope` on `on`. */
export async function countEntitiesWithScope(
  db: Db,
  kind: string,
  scope: 'global' | 'regional' | 'local',
  on: string,
): Promise<number> {
  const r = await db
    .selectFrom('assignments as a')
    .innerJoin('client_entities as e', 'e.code', 'a.entity_code')
    .where('e.kind', '=', kind)
    .where('a.scope', '=', scope)
    .where('a.effective_from', '<=', on)
    .where((eb) => eb.or([eb('a.effective_to', 'is', null), eb('a.effective_to', '>', on)]))
    .select(sql<string>`count(distinct e.code)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Assignments in force on `on` for the given entities (and services, if any), any order. */
export async function findAssignmentsInForceFor(
  db: Db,
  entityCodes: string[],
  serviceCodes: string[] | null,
  on: string,
): Promise<Assignment[]> {
  if (entityCodes.length === 0) return [];
  let q = assignmentSelect(db)
    .where('a.entity_code', 'in', entityCodes)
    .where('a.effective_from', '<=', on)
    .where((eb) => eb.or([eb('a.effective_to', 'is', null), eb('a.effective_to', '>', on)]));
  if (serviceCodes) {
    if (serviceCodes.length === 0) return [];
    q = q.where('a.service_code', 'in', serviceCodes);
  }
  const rows = await q.orderBy('a.effective_from', 'desc').execute();
  return rows.map(toAssignment);
}

type LocalizedName = { en: string; fr: string } & Record<string, string>;

/** One entity-provider pair with the services the provider gives that entity, and both duty stations. */
export interface AssignmentLink {
  entity: { code: string; name: LocalizedName; kind: string; dutyStation: LinkStation };
  provider: { code: string; name: LocalizedName; kind: string; dutyStation: LinkStation };
  services: string[];
}
interface LinkStation {
  code: string;
  city: string;
  country: string;
  latitude: number | null;
  longitude: number | null;
}

/** Entity-provider pairs in force on `on` for entities of `kinds`, with the services of each pair. */
export async function findAssignmentLinks(db: Db, kinds: string[], on: string): Promise<AssignmentLink[]> {
  if (kinds.length === 0) return [];
  const rows = await db
    .selectFrom('assignments as a')
    .innerJoin('client_entities as e', 'e.code', 'a.entity_code')
    .innerJoin('duty_stations as eds', 'eds.code', 'e.duty_station_code')
    .innerJoin('providers as p', 'p.code', 'a.provider_code')
    .innerJoin('duty_stations as pds', 'pds.code', 'p.duty_station_code')
    .where('e.kind', 'in', kinds)
    .where('a.effective_from', '<=', on)
    .where((eb) => eb.or([eb('a.effective_to', 'is', null), eb('a.effective_to', '>', on)]))
    .groupBy(['e.code', 'p.code', 'eds.code', 'pds.code'])
    .select([
      'e.code as e_code',
      sql<unknown>`min(e.name::text)`.as('e_name'),
      sql<string>`min(e.kind)`.as('e_kind'),
      'eds.code as eds_code',
      sql<string>`min(eds.city)`.as('eds_city'),
      sql<string>`min(eds.country)`.as('eds_country'),
      sql<number | null>`min(eds.latitude)`.as('eds_lat'),
      sql<number | null>`min(eds.longitude)`.as('eds_lon'),
      'p.code as p_code',
      sql<unknown>`min(p.name::text)`.as('p_name'),
      sql<string>`min(p.kind)`.as('p_kind'),
      'pds.code as pds_code',
      sql<string>`min(pds.city)`.as('pds_city'),
      sql<string>`min(pds.country)`.as('pds_country'),
      sql<number | null>`min(pds.latitude)`.as('pds_lat'),
      sql<number | null>`min(pds.longitude)`.as('pds_lon'),
      sql<string[]>`array_agg(a.service_code order by a.service_code)`.as('services'),
    ])
    .orderBy('e.code')
    .orderBy('p.code')
    .execute();
  return rows.map((r) => ({
    entity: {
      code: r.e_code,
      name: fromJson(r.e_name),
      kind: r.e_kind,
      dutyStation: { code: r.eds_code, city: r.eds_city, country: r.eds_country, latitude: r.eds_lat, longitude: r.eds_lon },
    },
    provider: {
      code: r.p_code,
      name: fromJson(r.p_name),
      kind: r.p_kind,
      dutyStation: { code: r.pds_code, city: r.pds_city, country: r.pds_country, latitude: r.pds_lat, longitude: r.pds_lon },
    },
    services: r.services,
  }));
}
