/**
 * All SQL of planning: the planning data (seeded once from `data/planning/planning-data.json` and today's
 * assignments, then edited), the snapshot the optimiser plans on, scenarios and change proposals.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import { fromJson } from '../../db/sql-helpers.ts';
import type { Database } from '../../db/types.ts';
import { AppError } from '../../server/errors.ts';
import { HARDSHIP_CATEGORIES, type Hardship } from './model.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The planning data file. */
export const PLANNING_DATA_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../data/planning/planning-data.json',
);

const Basis = z.string().min(1);
const PlanningDataFile = z.object({
  source: z.string(),
  headcountByEntityKind: z.array(z.object({ kind: z.string(), headcount: z.number().int().min(0), basis: Basis })),
  providerKindCostFactor: z.array(z.object({ kind: z.string(), factor: z.number().positive(), basis: Basis })),
  ownSupportCostFactor: z.object({ factor: z.number().positive(), basis: Basis }),
  capacityHeadroom: z.object({ factor: z.number().positive(), basis: Basis }),
  locations: z.array(
    z.object({
      dutyStation: z.string(),
      securityLevel: z.number().int().min(1).max(6),
      hardship: z.enum(HARDSHIP_CATEGORIES),
      basis: Basis,
    }),
  ),
  services: z.array(
    z.object({
      service: z.string(),
      unitsPerHeadPerYear: z.number().min(0),
      unitsPerEntityPerYear: z.number().min(0),
      unitsPerCase: z.number().positive().nullable(),
      baseUnitCostUsd: z.number().min(0),
      delivery: z.enum(['remote', 'on-site']),
      basis: Basis,
    }),
  ),
});
export type PlanningDataFile = z.infer<typeof PlanningDataFile>;

/**
 * Reads and validates the planning data file.
 * @throws AppError REFERENCE_DATA_INVALID naming the file and the first problems.
 */
export function readPlanningData(file: string = PLANNING_DATA_FILE): PlanningDataFile {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AppError('REFERENCE_DATA_INVALID', `${path.basename(file)}: ${(e as Error).message}`);
  }
  const r = PlanningDataFile.safeParse(raw);
  if (!r.success) {
    throw new AppError(
      'REFERENCE_DATA_INVALID',
      `${path.basename(file)} is invalid: ${r.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.')} ${i.message}`)
        .join('; ')}`,
    );
  }
  return r.data;
}

const SEED_KEY = 'planning_data_loaded_at';

/**
 * Seeds the planning data on first use, in one transaction: service rates and own-support unit costs,
 * a headcount per entity (by kind), duty-station levels, and for every (provider, service) given today an
 * offer sized `capacityHeadroom` x today's demand at base unit cost x the provider kind's factor; local
 * partners where a provider gives an on-site service today at another duty station. Idempotent.
 */
export async function ensurePlanningData(db: Kysely<Database>, today: string): Promise<boolean> {
  const done = await db.selectFrom('meta').select('value').where('key', '=', SEED_KEY).executeTakeFirst();
  if (done) return false;
  const data = readPlanningData();
  await db.transaction().execute(async (trx) => {
    const again = await trx.selectFrom('meta').select('value').where('key', '=', SEED_KEY).forUpdate().executeTakeFirst();
    if (again) return;
    const services = await trx.selectFrom('services').select(['code', 'delivery', 'unit']).execute();
    const stations = new Set((await trx.selectFrom('duty_stations').select('code').execute()).map((s) => s.code));
    const entities = await trx.selectFrom('client_entities').select(['code', 'kind', 'duty_station_code']).execute();
    const providers = await trx.selectFrom('providers').select(['code', 'kind', 'duty_station_code']).execute();
    const ownFactor = data.ownSupportCostFactor.factor;
    const rateOf = new Map(data.services.map((s) => [s.service, s]));
    const rates = services.flatMap((s) => {
      const r = rateOf.get(s.code);
      if (!r) return [];
      return [
        {
          service_code: s.code,
          units_per_head_year: r.unitsPerHeadPerYear,
          units_per_entity_year: r.unitsPerEntityPerYear,
          units_per_case: r.unitsPerCase,
          base_unit_cost_usd: r.baseUnitCostUsd,
          own_support_unit_cost_usd: Math.round(r.baseUnitCostUsd * ownFactor * 100) / 100,
          delivery: r.delivery,
          basis: `${r.basis}; own support: ${data.ownSupportCostFactor.basis}`,
        },
      ];
    });
    if (rates.length)
      await trx
        .insertInto('planning_service_rates')
        .values(rates)
        .onConflict((oc) => oc.doNothing())
        .execute();
    const headOf = new Map(data.headcountByEntityKind.map((h) => [h.kind, h]));
    const heads = entities.flatMap((e) => {
      const h = headOf.get(e.kind);
      return h ? [{ entity_code: e.code, headcount: h.headcount, basis: h.basis }] : [];
    });
    for (let i = 0; i < heads.length; i += 500)
      await trx
        .insertInto('planning_headcounts')
        .values(heads.slice(i, i + 500))
        .onConflict((oc) => oc.doNothing())
        .execute();
    const locs = data.locations
      .filter((l) => stations.has(l.dutyStation))
      .map((l) => ({ duty_station_code: l.dutyStation, security_level: l.securityLevel, hardship: l.hardship, basis: l.basis }));
    for (let i = 0; i < locs.length; i += 500)
      await trx
        .insertInto('planning_locations')
        .values(locs.slice(i, i + 500))
        .onConflict((oc) => oc.doNothing())
        .execute();
    // Offers from today's assignments, sized on the headcount-based demand.
    const current = await trx
      .selectFrom('assignments')
      .select(['provider_code', 'entity_code', 'service_code'])
      .where('effective_from', '<=', today)
      .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>', today)]))
      .execute();
    const headcount = new Map(heads.map((h) => [h.entity_code, h.headcount]));
    const load = new Map<string, number>();
    for (const a of current) {
      const r = rateOf.get(a.service_code);
      if (!r) continue;
      const q = (headcount.get(a.entity_code) ?? 0) * r.unitsPerHeadPerYear + r.unitsPerEntityPerYear;
      const k = `${a.provider_code}|${a.service_code}`;
      load.set(k, (load.get(k) ?? 0) + q);
    }
    const kindFactor = new Map(data.providerKindCostFactor.map((f) => [f.kind, f]));
    const providerKind = new Map(providers.map((p) => [p.code, p.kind]));
    const offers = [...load].map(([k, q]) => {
      const [provider, service] = k.split('|') as [string, string];
      const f = kindFactor.get(providerKind.get(provider) ?? '');
      const base = rateOf.get(service)?.baseUnitCostUsd ?? 0;
      return {
        provider_code: provider,
        service_code: service,
        capacity: Math.ceil(q * data.capacityHeadroom.factor),
        unit_cost_usd: Math.round(base * (f?.factor ?? 1) * 100) / 100,
        basis: `capacity: ${data.capacityHeadroom.basis}; unit cost: base unit cost x ${f?.factor ?? 1} (${f?.basis ?? 'assumption: no factor for this kind'})`,
      };
    });
    for (let i = 0; i < offers.length; i += 500)
      await trx
        .insertInto('planning_offers')
        .values(offers.slice(i, i + 500))
        .onConflict((oc) => oc.doNothing())
        .execute();
    const entityStation = new Map(entities.map((e) => [e.code, e.duty_station_code]));
    const providerStation = new Map(providers.map((p) => [p.code, p.duty_station_code]));
    const onSite = new Set(rates.filter((r) => r.delivery === 'on-site').map((r) => r.service_code));
    const partners = new Map<string, { provider_code: string; duty_station_code: string; basis: string }>();
    for (const a of current) {
      if (!onSite.has(a.service_code)) continue;
      const es = entityStation.get(a.entity_code);
      if (!es || es === providerStation.get(a.provider_code)) continue;
      partners.set(`${a.provider_code}|${es}`, {
        provider_code: a.provider_code,
        duty_station_code: es,
        basis: `today's assignments: ${a.provider_code} gives on-site services at ${es} (e.g. ${a.service_code} to ${a.entity_code}), so it has a local presence there`,
      });
    }
    if (partners.size)
      await trx
        .insertInto('planning_local_partners')
        .values([...partners.values()])
        .onConflict((oc) => oc.doNothing())
        .execute();
    await trx
      .insertInto('meta')
      .values({ key: SEED_KEY, value: new Date().toISOString() })
      .onConflict((oc) => oc.doNothing())
      .execute();
  });
  return true;
}

/** Everything the optimiser plans on, read at once. */
export interface PlanningSnapshot {
  stations: Array<{
    code: string;
    city: string;
    country: string;
    latitude: number | null;
    longitude: number | null;
    timeZone: string | null;
    securityLevel: number | null;
    hardship: Hardship | null;
  }>;
  entities: Array<{ code: string; kind: string; dutyStation: string }>;
  providers: Array<{ code: string; kind: string; dutyStation: string }>;
  services: Array<{
    code: string;
    serviceLine: string;
    delivery: 'remote' | 'on-site';
    unit: string;
    unitsPerHeadPerYear: number;
    unitsPerEntityPerYear: number;
    unitsPerCase: number | null;
    baseUnitCostUsd: number;
    ownSupportUnitCostUsd: number;
  }>;
  offers: Array<{ provider: string; service: string; capacity: number; unitCostUsd: number }>;
  localPartners: Array<{ provider: string; dutyStation: string }>;
  headcounts: Map<string, number>;
  overrides: Map<string, number>;
  /** Cases per `entity|service` opened in the year before the reference date. */
  caseCounts: Map<string, number>;
  /** Today's provider per `entity|service`. */
  current: Map<string, string>;
}

/**
 * Reads the planning snapshot for `referenceDate` (YYYY-MM-DD): today's assignments in force on it and
 * the cases opened in the 365 days before it.
 */
export async function readSnapshot(db: Db, referenceDate: string): Promise<PlanningSnapshot> {
  const stations = await db
    .selectFrom('duty_stations as d')
    .leftJoin('planning_locations as l', 'l.duty_station_code', 'd.code')
    .where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom('client_entities as e').select('e.code').whereRef('e.duty_station_code', '=', 'd.code')),
        eb.exists(eb.selectFrom('providers as p').select('p.code').whereRef('p.duty_station_code', '=', 'd.code')),
      ]),
    )
    .select(['d.code', 'd.city', 'd.country', 'd.latitude', 'd.longitude', 'd.time_zone', 'l.security_level', 'l.hardship'])
    .execute();
  const entities = await db.selectFrom('client_entities').select(['code', 'kind', 'duty_station_code']).orderBy('code').execute();
  const providers = await db.selectFrom('providers').select(['code', 'kind', 'duty_station_code']).orderBy('code').execute();
  const services = await db
    .selectFrom('services as s')
    .innerJoin('planning_service_rates as r', 'r.service_code', 's.code')
    .select([
      's.code',
      's.service_line_code',
      's.unit',
      'r.delivery',
      'r.units_per_head_year',
      'r.units_per_entity_year',
      'r.units_per_case',
      'r.base_unit_cost_usd',
      'r.own_support_unit_cost_usd',
    ])
    .orderBy('s.position')
    .execute();
  const offers = await db
    .selectFrom('planning_offers')
    .select(['provider_code', 'service_code', 'capacity', 'unit_cost_usd'])
    .execute();
  const partners = await db.selectFrom('planning_local_partners').select(['provider_code', 'duty_station_code']).execute();
  const heads = await db.selectFrom('planning_headcounts').select(['entity_code', 'headcount']).execute();
  const overrides = await db
    .selectFrom('planning_demand_overrides')
    .select(['entity_code', 'service_code', 'quantity'])
    .execute();
  const to = new Date(`${referenceDate}T00:00:00Z`);
  const from = new Date(to.getTime() - 365 * 86_400_000);
  const cases = await db
    .selectFrom('cases')
    .select(['entity_code', 'service_code', sql<string>`count(*)`.as('n')])
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .where('parent_case_id', 'is', null)
    .groupBy(['entity_code', 'service_code'])
    .execute();
  const current = await db
    .selectFrom('assignments')
    .select(['entity_code', 'service_code', 'provider_code'])
    .where('effective_from', '<=', referenceDate)
    .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>', referenceDate)]))
    .execute();
  return {
    stations: stations.map((s) => ({
      code: s.code,
      city: s.city,
      country: s.country,
      latitude: s.latitude,
      longitude: s.longitude,
      timeZone: s.time_zone,
      securityLevel: s.security_level,
      hardship: s.hardship,
    })),
    entities: entities.map((e) => ({ code: e.code, kind: e.kind, dutyStation: e.duty_station_code })),
    providers: providers.map((p) => ({ code: p.code, kind: p.kind, dutyStation: p.duty_station_code })),
    services: services.map((s) => ({
      code: s.code,
      serviceLine: s.service_line_code,
      delivery: s.delivery,
      unit: s.unit,
      unitsPerHeadPerYear: s.units_per_head_year,
      unitsPerEntityPerYear: s.units_per_entity_year,
      unitsPerCase: s.units_per_case,
      baseUnitCostUsd: s.base_unit_cost_usd,
      ownSupportUnitCostUsd: s.own_support_unit_cost_usd,
    })),
    offers: offers.map((o) => ({
      provider: o.provider_code,
      service: o.service_code,
      capacity: o.capacity,
      unitCostUsd: o.unit_cost_usd,
    })),
    localPartners: partners.map((p) => ({ provider: p.provider_code, dutyStation: p.duty_station_code })),
    headcounts: new Map(heads.map((h) => [h.entity_code, h.headcount])),
    overrides: new Map(overrides.map((o) => [`${o.entity_code}|${o.service_code}`, o.quantity])),
    caseCounts: new Map(cases.map((c) => [`${c.entity_code}|${c.service_code}`, Number(c.n)])),
    current: new Map(current.map((a) => [`${a.entity_code}|${a.service_code}`, a.provider_code])),
  };
}

export interface ScenarioRow {
  id: number;
  name: string;
  status: 'optimal' | 'feasible' | 'infeasible' | 'error';
  inputs: unknown;
  result: unknown;
  createdAt: string;
  createdBy: string | null;
}

/** Saves a solved scenario; returns its id. */
export async function insertScenario(
  db: Db,
  s: { name: string; status: ScenarioRow['status']; inputs: unknown; result: unknown; createdBy: number | null },
): Promise<number> {
  const r = await db
    .insertInto('planning_scenarios')
    .values({
      name: s.name,
      status: s.status,
      inputs: JSON.stringify(s.inputs),
      result: JSON.stringify(s.result),
      created_by: s.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Saved scenarios, newest first, with their result (large: the list uses `findScenarioSummaries`). */
export async function findScenario(db: Db, id: number): Promise<ScenarioRow | undefined> {
  const r = await db
    .selectFrom('planning_scenarios as s')
    .leftJoin('users as u', 'u.id', 's.created_by')
    .select(['s.id', 's.name', 's.status', 's.inputs', 's.result', 's.created_at', 'u.name as created_by_name'])
    .where('s.id', '=', id)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    inputs: fromJson(r.inputs),
    result: fromJson(r.result),
    createdAt: new Date(r.created_at).toISOString(),
    createdBy: r.created_by_name,
  };
}

/** Summaries of the saved scenarios, newest first (figures read from the stored result). */
export async function findScenarioSummaries(db: Db, limit = 200) {
  const rows = await db
    .selectFrom('planning_scenarios as s')
    .leftJoin('users as u', 'u.id', 's.created_by')
    .select([
      's.id',
      's.name',
      's.status',
      's.created_at',
      'u.name as created_by_name',
      sql<number | null>`(s.result->>'objectiveUsd')::double precision`.as('objective'),
      sql<number | null>`(s.result->'today'->>'objectiveUsd')::double precision`.as('today_objective'),
      sql<string>`(select count(*) from jsonb_array_elements(s.result->'assignments') a where a->'provider' is distinct from a->'current')`.as(
        'changes',
      ),
    ])
    .orderBy('s.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    status: r.status,
    objectiveUsd: r.objective === null ? null : Number(r.objective),
    todayObjectiveUsd: r.today_objective === null ? null : Number(r.today_objective),
    changes: Number(r.changes),
    createdAt: new Date(r.created_at).toISOString(),
    createdBy: r.created_by_name,
  }));
}

export interface ProposalInput {
  scenarioId: number;
  entity: string;
  service: string;
  fromProvider: string | null;
  toProvider: string | null;
  quantity: number;
  costDeltaUsd: number;
  createdBy: number | null;
}

/** Records change proposals (status `proposed`); a change already proposed for the scenario is skipped. Returns the ids written. */
export async function insertProposals(db: Db, rows: ProposalInput[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const r = await db
      .insertInto('planning_change_proposals')
      .values(
        rows.slice(i, i + 500).map((p) => ({
          scenario_id: p.scenarioId,
          entity_code: p.entity,
          service_code: p.service,
          from_provider_code: p.fromProvider,
          to_provider_code: p.toProvider,
          quantity: p.quantity,
          cost_delta_usd: p.costDeltaUsd,
          status: 'proposed' as const,
          created_by: p.createdBy,
        })),
      )
      .onConflict((oc) => oc.columns(['scenario_id', 'entity_code', 'service_code']).doNothing())
      .returning('id')
      .execute();
    ids.push(...r.map((x) => x.id));
  }
  return ids;
}

/** Change proposals, optionally of one scenario and involving one provider (from or to). */
export async function findProposals(db: Db, f: { scenarioId?: number; provider?: string }) {
  let q = db
    .selectFrom('planning_change_proposals')
    .select([
      'id',
      'scenario_id',
      'entity_code',
      'service_code',
      'from_provider_code',
      'to_provider_code',
      'quantity',
      'cost_delta_usd',
      'status',
      'created_at',
    ]);
  if (f.scenarioId !== undefined) q = q.where('scenario_id', '=', f.scenarioId);
  if (f.provider !== undefined) {
    const p = f.provider;
    q = q.where((eb) => eb.or([eb('from_provider_code', '=', p), eb('to_provider_code', '=', p)]));
  }
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    scenarioId: r.scenario_id,
    entity: r.entity_code,
    service: r.service_code,
    fromProvider: r.from_provider_code,
    toProvider: r.to_provider_code,
    quantity: r.quantity,
    costDeltaUsd: r.cost_delta_usd,
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** Planning levels of the duty stations used by entities and providers. */
export async function findLocations(db: Db) {
  const rows = await db
    .selectFrom('planning_locations as l')
    .innerJoin('duty_stations as d', 'd.code', 'l.duty_station_code')
    .select(['l.duty_station_code', 'd.city', 'd.country', 'l.security_level', 'l.hardship', 'l.basis'])
    .orderBy('l.duty_station_code')
    .execute();
  return rows.map((r) => ({
    dutyStation: r.duty_station_code,
    city: r.city,
    country: r.country,
    securityLevel: r.security_level,
    hardship: r.hardship,
    basis: r.basis,
  }));
}

/** Sets a duty station's planning levels; returns false when the duty station does not exist. */
export async function upsertLocation(
  db: Db,
  code: string,
  v: { securityLevel: number; hardship: Hardship; basis: string },
): Promise<{ before: unknown } | false> {
  const exists = await db.selectFrom('duty_stations').select('code').where('code', '=', code).executeTakeFirst();
  if (!exists) return false;
  const before = await db
    .selectFrom('planning_locations')
    .select(['security_level', 'hardship', 'basis'])
    .where('duty_station_code', '=', code)
    .executeTakeFirst();
  await db
    .insertInto('planning_locations')
    .values({ duty_station_code: code, security_level: v.securityLevel, hardship: v.hardship, basis: v.basis })
    .onConflict((oc) =>
      oc
        .column('duty_station_code')
        .doUpdateSet({ security_level: v.securityLevel, hardship: v.hardship, basis: v.basis, updated_at: sql`now()` }),
    )
    .execute();
  return { before: before ?? null };
}

/** Offers (capacity and unit cost per provider and service), optionally of one provider. */
export async function findOffers(db: Db, provider?: string) {
  let q = db.selectFrom('planning_offers').select(['provider_code', 'service_code', 'capacity', 'unit_cost_usd', 'basis']);
  if (provider) q = q.where('provider_code', '=', provider);
  const rows = await q.orderBy('provider_code').orderBy('service_code').execute();
  return rows.map((r) => ({
    provider: r.provider_code,
    service: r.service_code,
    capacity: r.capacity,
    unitCostUsd: r.unit_cost_usd,
    basis: r.basis,
  }));
}

/** Sets an offer; returns the previous values (null when new). The caller checks the codes exist. */
export async function upsertOffer(
  db: Db,
  provider: string,
  service: string,
  v: { capacity: number; unitCostUsd: number; basis: string },
): Promise<unknown> {
  const before = await db
    .selectFrom('planning_offers')
    .select(['capacity', 'unit_cost_usd', 'basis'])
    .where('provider_code', '=', provider)
    .where('service_code', '=', service)
    .executeTakeFirst();
  await db
    .insertInto('planning_offers')
    .values({
      provider_code: provider,
      service_code: service,
      capacity: v.capacity,
      unit_cost_usd: v.unitCostUsd,
      basis: v.basis,
    })
    .onConflict((oc) =>
      oc
        .columns(['provider_code', 'service_code'])
        .doUpdateSet({ capacity: v.capacity, unit_cost_usd: v.unitCostUsd, basis: v.basis, updated_at: sql`now()` }),
    )
    .execute();
  return before ?? null;
}

/** Sets a demand override; returns the previous override (null when none). */
export async function upsertDemandOverride(
  db: Db,
  entity: string,
  service: string,
  v: { quantity: number; basis: string; userId: number | null },
): Promise<unknown> {
  const before = await db
    .selectFrom('planning_demand_overrides')
    .select(['quantity', 'basis'])
    .where('entity_code', '=', entity)
    .where('service_code', '=', service)
    .executeTakeFirst();
  await db
    .insertInto('planning_demand_overrides')
    .values({ entity_code: entity, service_code: service, quantity: v.quantity, basis: v.basis, updated_by: v.userId })
    .onConflict((oc) =>
      oc
        .columns(['entity_code', 'service_code'])
        .doUpdateSet({ quantity: v.quantity, basis: v.basis, updated_by: v.userId, updated_at: sql`now()` }),
    )
    .execute();
  return before ?? null;
}

/** Removes a demand override; returns whether there was one. */
export async function deleteDemandOverride(db: Db, entity: string, service: string): Promise<boolean> {
  const r = await db
    .deleteFrom('planning_demand_overrides')
    .where('entity_code', '=', entity)
    .where('service_code', '=', service)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Sets an entity's headcount; returns the previous one (null when none). */
export async function upsertHeadcount(db: Db, entity: string, v: { headcount: number; basis: string }): Promise<unknown> {
  const before = await db
    .selectFrom('planning_headcounts')
    .select(['headcount', 'basis'])
    .where('entity_code', '=', entity)
    .executeTakeFirst();
  await db
    .insertInto('planning_headcounts')
    .values({ entity_code: entity, headcount: v.headcount, basis: v.basis })
    .onConflict((oc) => oc.column('entity_code').doUpdateSet({ headcount: v.headcount, basis: v.basis, updated_at: sql`now()` }))
    .execute();
  return before ?? null;
}

/** Bases of the demand inputs: overrides and headcounts, for the demand list. */
export async function findDemandBases(db: Db) {
  const overrides = await db.selectFrom('planning_demand_overrides').select(['entity_code', 'service_code', 'basis']).execute();
  const heads = await db.selectFrom('planning_headcounts').select(['entity_code', 'headcount', 'basis']).execute();
  return {
    overrides: new Map(overrides.map((o) => [`${o.entity_code}|${o.service_code}`, o.basis])),
    headcounts: new Map(heads.map((h) => [h.entity_code, { headcount: h.headcount, basis: h.basis }])),
  };
}

/** Whether codes exist: [providers, services, entities] sets of the known ones among those given. */
export async function knownCodes(db: Db, codes: { providers?: string[]; services?: string[]; entities?: string[] }) {
  const has = async (table: 'providers' | 'services' | 'client_entities', list?: string[]) =>
    list?.length
      ? new Set((await db.selectFrom(table).select('code').where('code', 'in', list).execute()).map((r) => r.code))
      : new Set<string>();
  return {
    providers: await has('providers', codes.providers),
    services: await has('services', codes.services),
    entities: await has('client_entities', codes.entities),
  };
}
