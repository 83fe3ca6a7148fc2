/**
 * Planning use cases: build the instance from the planning data and a scenario, solve it, compare it
 * with today's assignments, save scenarios, record accepted changes as change proposals, find
 * co-location candidates, and edit the planning data (each edit audited).
 *
 * Demand (service units per year) of an entity for a service: the override when one is set; else the
 * cases opened in the 365 days before the reference date x the service's units per case, when there are
 * such cases and the service counts units per case; else headcount x units per head per year + units per
 * entity per year.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.ts';
import { AppError, type FieldIssue } from '../../server/errors.ts';
import { todayUtc } from '../agreements/routing.service.ts';
import { appendAuditEvent } from '../identity/identity.repository.ts';
import type { User } from '../identity/identity.schema.ts';
import {
  choiceFor,
  currentAssignment,
  type DemandSource,
  indexInstance,
  measure,
  type PlanDemand,
  type PlanInstance,
  type PlanOptions,
} from './model.ts';
import { greedy } from './optimiser.ts';
import {
  deleteDemandOverride,
  ensurePlanningData,
  findDemandBases,
  findProposals,
  findScenario,
  findScenarioSummaries,
  insertProposals,
  insertScenario,
  knownCodes,
  type PlanningSnapshot,
  readSnapshot,
  upsertDemandOverride,
  upsertHeadcount,
  upsertLocation,
  upsertOffer,
} from './planning.repository.ts';
import type { CoLocation, PlannedAssignment, Proposal, Scenario, ScenarioInputs, ScenarioResult } from './planning.schema.ts';
import { ScenarioInputsSchema } from './planning.schema.ts';
import { optimiseInWorker } from './solve-in-worker.ts';

/** Default planning levels of a duty station without a planning record. */
const DEFAULT_LEVELS = { securityLevel: 2, hardship: 'B' as const };

/** Demand of one entity for one service from the snapshot (see the module docstring), with its source. */
export function demandOf(
  snap: PlanningSnapshot,
  entity: string,
  service: PlanningSnapshot['services'][number],
): { quantity: number; source: DemandSource } {
  const k = `${entity}|${service.code}`;
  const override = snap.overrides.get(k);
  if (override !== undefined) return { quantity: override, source: 'override' };
  const cases = snap.caseCounts.get(k) ?? 0;
  if (cases > 0 && service.unitsPerCase !== null) return { quantity: cases * service.unitsPerCase, source: 'cases' };
  const heads = snap.headcounts.get(entity) ?? 0;
  return { quantity: heads * service.unitsPerHeadPerYear + service.unitsPerEntityPerYear, source: 'headcount' };
}

/**
 * Builds the planning instance for `inputs` on the snapshot: demands in scope with quantity > 0, the
 * scenario's overrides applied, and the capacity that out-of-scope demands use at their current provider
 * taken off each offer.
 * @throws AppError VALIDATION_FAILED naming each override or scope entry with an unknown code.
 */
export function buildInstance(snap: PlanningSnapshot, inputs: ScenarioInputs, referenceDate: string): PlanInstance {
  const issues: FieldIssue[] = [];
  const entityCodes = new Set(snap.entities.map((e) => e.code));
  const providerCodes = new Set(snap.providers.map((p) => p.code));
  const serviceCodes = new Set(snap.services.map((s) => s.code));
  const lineCodes = new Set(snap.services.map((s) => s.serviceLine));
  const stationCodes = new Set(snap.stations.map((s) => s.code));
  const check = (set: Set<string>, code: string, field: string, what: string) => {
    if (!set.has(code)) issues.push({ field, message: `unknown ${what} ${code}` });
  };
  inputs.scope.entities.forEach((c, i) => {
    check(entityCodes, c, `scope.entities.${i}`, 'entity');
  });
  inputs.scope.services.forEach((c, i) => {
    check(serviceCodes, c, `scope.services.${i}`, 'service');
  });
  inputs.scope.serviceLines.forEach((c, i) => {
    check(lineCodes, c, `scope.serviceLines.${i}`, 'service line');
  });
  if (Array.isArray(inputs.constraints.keepCurrent))
    inputs.constraints.keepCurrent.forEach((c, i) => {
      check(entityCodes, c, `constraints.keepCurrent.${i}`, 'entity');
    });
  const o = inputs.overrides;
  o.demand.forEach((d, i) => {
    check(entityCodes, d.entity, `overrides.demand.${i}.entity`, 'entity');
    check(serviceCodes, d.service, `overrides.demand.${i}.service`, 'service');
  });
  o.offers.forEach((d, i) => {
    check(providerCodes, d.provider, `overrides.offers.${i}.provider`, 'provider');
    check(serviceCodes, d.service, `overrides.offers.${i}.service`, 'service');
  });
  o.locations.forEach((d, i) => {
    check(stationCodes, d.dutyStation, `overrides.locations.${i}.dutyStation`, 'duty station');
  });
  o.localPartners.forEach((d, i) => {
    check(providerCodes, d.provider, `overrides.localPartners.${i}.provider`, 'provider');
    check(stationCodes, d.dutyStation, `overrides.localPartners.${i}.dutyStation`, 'duty station');
  });
  o.excludeProviders.forEach((c, i) => {
    check(providerCodes, c, `overrides.excludeProviders.${i}`, 'provider');
  });
  if (issues.length)
    throw new AppError(
      'VALIDATION_FAILED',
      `The scenario names unknown codes: ${issues
        .slice(0, 5)
        .map((i) => `${i.field} ${i.message}`)
        .join('; ')}`,
      {
        issues,
      },
    );

  const locOverride = new Map(o.locations.map((l) => [l.dutyStation, l]));
  const stations = snap.stations.map((s) => {
    if (s.latitude === null || s.longitude === null || !s.timeZone)
      throw new AppError('VALIDATION_FAILED', `Duty station ${s.code} has no coordinates or time zone; planning needs both`);
    const ov = locOverride.get(s.code);
    return {
      code: s.code,
      latitude: s.latitude,
      longitude: s.longitude,
      timeZone: s.timeZone,
      securityLevel: ov?.securityLevel ?? s.securityLevel ?? DEFAULT_LEVELS.securityLevel,
      hardship: ov?.hardship ?? s.hardship ?? DEFAULT_LEVELS.hardship,
    };
  });
  const excluded = new Set(o.excludeProviders);
  const kinds = new Set(inputs.scope.entityKinds);
  const onlyEntities = new Set(inputs.scope.entities);
  const onlyServices = new Set(inputs.scope.services);
  const onlyLines = new Set(inputs.scope.serviceLines);
  const demandOverride = new Map(o.demand.map((d) => [`${d.entity}|${d.service}`, d.quantity]));
  const inScope = (e: PlanningSnapshot['entities'][number], s: PlanningSnapshot['services'][number]) =>
    (kinds.size === 0 || kinds.has(e.kind as never)) &&
    (onlyEntities.size === 0 || onlyEntities.has(e.code)) &&
    (onlyServices.size === 0 || onlyServices.has(s.code)) &&
    (onlyLines.size === 0 || onlyLines.has(s.serviceLine));
  const demands: PlanDemand[] = [];
  const outsideLoad = new Map<string, number>();
  for (const e of snap.entities) {
    for (const s of snap.services) {
      const k = `${e.code}|${s.code}`;
      const base = demandOf(snap, e.code, s);
      const quantity = demandOverride.get(k) ?? base.quantity;
      const source: DemandSource = demandOverride.has(k) ? 'override' : base.source;
      const current = snap.current.get(k) ?? null;
      if (!(quantity > 0)) continue;
      if (inScope(e, s)) demands.push({ entity: e.code, service: s.code, quantity, source, current });
      else if (current !== null)
        outsideLoad.set(`${current}|${s.code}`, (outsideLoad.get(`${current}|${s.code}`) ?? 0) + quantity);
    }
  }
  const util = inputs.constraints.maxUtilisationPercent / 100;
  const offerOverride = new Map(o.offers.map((x) => [`${x.provider}|${x.service}`, x]));
  const offers = new Map(snap.offers.map((x) => [`${x.provider}|${x.service}`, { ...x }]));
  for (const [k, x] of offerOverride) {
    const cur = offers.get(k) ?? { provider: x.provider, service: x.service, capacity: 0, unitCostUsd: 0 };
    offers.set(k, { ...cur, capacity: x.capacity ?? cur.capacity, unitCostUsd: x.unitCostUsd ?? cur.unitCostUsd });
  }
  const planOffers = [...offers.values()]
    .filter((x) => !excluded.has(x.provider))
    .map((x) => ({
      ...x,
      // Out-of-scope demands stay with their provider and use part of its usable capacity.
      capacity: Math.max(0, x.capacity - (outsideLoad.get(`${x.provider}|${x.service}`) ?? 0) / util),
    }));
  const partners = new Map(snap.localPartners.map((p) => [`${p.provider}|${p.dutyStation}`, p]));
  for (const p of o.localPartners) partners.set(`${p.provider}|${p.dutyStation}`, p);
  return {
    referenceDate,
    stations,
    entities: snap.entities.map((e) => ({ code: e.code, dutyStation: e.dutyStation, kind: e.kind })),
    providers: snap.providers.map((p) => ({ code: p.code, dutyStation: p.dutyStation })),
    services: snap.services.map((s) => ({
      code: s.code,
      serviceLine: s.serviceLine,
      delivery: s.delivery,
      unit: s.unit,
      ownSupportUnitCostUsd: s.ownSupportUnitCostUsd,
    })),
    offers: planOffers,
    localPartners: [...partners.values()].filter((p) => !excluded.has(p.provider)),
    demands,
  };
}

function optionsOf(inputs: ScenarioInputs): PlanOptions {
  return { weights: inputs.weights, constraints: inputs.constraints, solver: inputs.solver };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Solves a scenario without saving it: the optimum (or the infeasibility explained), today's measures,
 * the greedy baseline and every demand's proposed provider.
 * @throws AppError VALIDATION_FAILED for an invalid scenario or unknown codes.
 */
export async function solveScenario(
  db: Kysely<Database>,
  raw: unknown,
): Promise<{ inputs: ScenarioInputs; result: ScenarioResult }> {
  const parsed = ScenarioInputsSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'scenario', message: i.message }));
    throw new AppError(
      'VALIDATION_FAILED',
      `Invalid scenario: ${issues
        .slice(0, 5)
        .map((i) => `${i.field} ${i.message}`)
        .join('; ')}`,
      { issues },
    );
  }
  const inputs = parsed.data;
  const referenceDate = inputs.referenceDate ?? todayUtc();
  await ensurePlanningData(db, referenceDate);
  const snap = await readSnapshot(db, referenceDate);
  const instance = buildInstance(snap, inputs, referenceDate);
  const options = optionsOf(inputs);
  // In a worker thread: a long solve leaves the API's event loop free for other requests.
  const outcome = await optimiseInWorker(instance, options);
  const ix = indexInstance(instance, options);
  const today = measure(ix, currentAssignment(instance));
  const solved = outcome.status === 'optimal' || outcome.status === 'feasible';
  const g = solved ? greedy(instance, options) : null;
  const assignments: PlannedAssignment[] = solved
    ? instance.demands.map((d, i) => {
        const p = outcome.assignment[i] ?? null;
        const c = choiceFor(ix, d, p);
        const now = choiceFor(ix, d, d.current);
        return {
          entity: d.entity,
          service: d.service,
          quantity: round2(d.quantity),
          source: d.source,
          current: d.current,
          provider: p,
          costUsd: Number.isFinite(c.costUsd) ? round2(c.costUsd) : null,
          currentCostUsd: Number.isFinite(now.costUsd) ? round2(now.costUsd) : null,
          km: Math.round(c.km),
          overlapHours: c.overlapHours,
        };
      })
    : [];
  return {
    inputs: { ...inputs, referenceDate },
    result: {
      status: outcome.status,
      solverStatus: outcome.solverStatus,
      objectiveUsd: outcome.objectiveUsd,
      boundUsd: outcome.boundUsd,
      gap: outcome.gap,
      solveTimeMs: Math.round(outcome.solveTimeMs),
      buildTimeMs: Math.round(outcome.buildTimeMs),
      model: outcome.model,
      referenceDate,
      demands: instance.demands.length,
      infeasibility: outcome.infeasibility,
      today,
      scenario: outcome.measures,
      greedy: g ? { objectiveUsd: g.measures.objectiveUsd, costUsd: g.measures.costUsd, unserved: g.unserved } : null,
      assignments,
    },
  };
}

/**
 * Solves and saves a scenario (inputs and results) with an audit event `planning.scenario.created`.
 * @throws AppError VALIDATION_FAILED for an invalid scenario.
 */
export async function createScenario(db: Kysely<Database>, actor: User, raw: unknown, requestId?: string): Promise<Scenario> {
  const { inputs, result } = await solveScenario(db, raw);
  const id = await db.transaction().execute(async (trx) => {
    const id = await insertScenario(trx, { name: inputs.name, status: result.status, inputs, result, createdBy: actor.id });
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'planning.scenario.created',
      targetType: 'planning-scenario',
      targetId: String(id),
      details: { name: inputs.name, status: result.status, objectiveUsd: result.objectiveUsd, demands: result.demands },
      ...(requestId ? { requestId } : {}),
    });
    return id;
  });
  return getScenario(db, actor, id);
}

/** The provider a user's planning view is limited to (provider managers), or null for Secretariat-wide roles. */
function providerScope(actor: User): string | null {
  return actor.scope?.type === 'provider' ? actor.scope.code : null;
}

/**
 * A saved scenario. A provider-scoped reader sees only the demands their provider serves today or would
 * serve, and no totals (objective, measures, greedy figures are withheld).
 * @throws AppError PLANNING_SCENARIO_NOT_FOUND.
 */
export async function getScenario(db: Kysely<Database>, actor: User, id: number): Promise<Scenario> {
  const row = await findScenario(db, id);
  if (!row) throw new AppError('PLANNING_SCENARIO_NOT_FOUND', `No planning scenario ${id}`);
  const inputs = ScenarioInputsSchema.parse(row.inputs);
  const result = row.result as ScenarioResult;
  const own = providerScope(actor);
  const changes = result.assignments.filter((a) => a.provider !== a.current).length;
  if (own === null) {
    return {
      id: row.id,
      name: row.name,
      status: row.status,
      objectiveUsd: result.objectiveUsd,
      todayObjectiveUsd: result.today?.objectiveUsd ?? null,
      changes,
      createdAt: row.createdAt,
      createdBy: row.createdBy,
      inputs,
      result,
      scoped: false,
    };
  }
  const mine = result.assignments.filter((a) => a.current === own || a.provider === own);
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    objectiveUsd: null,
    todayObjectiveUsd: null,
    changes: mine.filter((a) => a.provider !== a.current).length,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    inputs: {
      ...inputs,
      overrides: { ...inputs.overrides, demand: [], offers: inputs.overrides.offers.filter((x) => x.provider === own) },
    },
    result: {
      ...result,
      objectiveUsd: null,
      boundUsd: null,
      demands: mine.length,
      infeasibility: result.infeasibility.filter((f) => !f.provider || f.provider === own),
      today: null,
      scenario: null,
      greedy: null,
      assignments: mine,
    },
    scoped: true,
  };
}

/** Saved scenarios, newest first (provider-scoped readers: without totals). */
export async function listScenarios(db: Kysely<Database>, actor: User) {
  const rows = await findScenarioSummaries(db);
  if (providerScope(actor) === null) return rows;
  return rows.map((r) => ({ ...r, objectiveUsd: null, todayObjectiveUsd: null, changes: 0 }));
}

/**
 * Records accepted changes of a scenario as change proposals (status `proposed`), in one transaction
 * with an audit event `planning.changes.proposed`. Each accepted change must be a change of the scenario
 * (its provider differs from today's). Already proposed changes are skipped.
 * @throws AppError PLANNING_SCENARIO_NOT_FOUND; VALIDATION_FAILED naming each change that is not one.
 */
export async function acceptChanges(
  db: Kysely<Database>,
  actor: User,
  id: number,
  changes: Array<{ entity: string; service: string }>,
  requestId?: string,
): Promise<{ proposed: number; skipped: number; proposals: Proposal[] }> {
  const row = await findScenario(db, id);
  if (!row) throw new AppError('PLANNING_SCENARIO_NOT_FOUND', `No planning scenario ${id}`);
  const result = row.result as ScenarioResult;
  const byKey = new Map(result.assignments.map((a) => [`${a.entity}|${a.service}`, a]));
  const issues: FieldIssue[] = [];
  const picked = changes.flatMap((c, i) => {
    const a = byKey.get(`${c.entity}|${c.service}`);
    if (!a) {
      issues.push({ field: `changes.${i}`, message: `${c.entity} ${c.service} is not planned in scenario ${id}` });
      return [];
    }
    if (a.provider === a.current) {
      issues.push({
        field: `changes.${i}`,
        message: `${c.entity} ${c.service} keeps ${a.current ?? 'its own support'}: not a change`,
      });
      return [];
    }
    return [a];
  });
  if (issues.length)
    throw new AppError(
      'VALIDATION_FAILED',
      `Not changes of scenario ${id}: ${issues
        .slice(0, 5)
        .map((i) => i.message)
        .join('; ')}`,
      { issues },
    );
  const ids = await db.transaction().execute(async (trx) => {
    const ids = await insertProposals(
      trx,
      picked.map((a) => ({
        scenarioId: id,
        entity: a.entity,
        service: a.service,
        fromProvider: a.current,
        toProvider: a.provider,
        quantity: a.quantity,
        costDeltaUsd: round2((a.costUsd ?? 0) - (a.currentCostUsd ?? 0)),
        createdBy: actor.id,
      })),
    );
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'planning.changes.proposed',
      targetType: 'planning-scenario',
      targetId: String(id),
      details: {
        accepted: picked.length,
        proposed: ids.length,
        changes: picked.map((a) => `${a.entity}|${a.service}`).slice(0, 500),
      },
      ...(requestId ? { requestId } : {}),
    });
    return ids;
  });
  const all = await findProposals(db, { scenarioId: id });
  const written = new Set(ids);
  return { proposed: ids.length, skipped: picked.length - ids.length, proposals: all.filter((p) => written.has(p.id)) };
}

/** Change proposals (provider-scoped readers: those from or to their provider). */
export async function listProposals(db: Kysely<Database>, actor: User, scenarioId?: number): Promise<Proposal[]> {
  const own = providerScope(actor);
  return findProposals(db, { ...(scenarioId !== undefined ? { scenarioId } : {}), ...(own ? { provider: own } : {}) });
}

const OWN_LABEL = '(own support)';

/** Proposals as CSV (RFC 4180, header row; own support written `(own support)`). */
export function proposalsCsv(rows: Proposal[]): string {
  const q = (v: string | number) => {
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = ['id,scenario_id,entity,service,from_provider,to_provider,quantity,cost_delta_usd,status,created_at'];
  for (const p of rows)
    lines.push(
      [
        p.id,
        p.scenarioId,
        p.entity,
        p.service,
        p.fromProvider ?? OWN_LABEL,
        p.toProvider ?? OWN_LABEL,
        p.quantity,
        p.costDeltaUsd,
        p.status,
        p.createdAt,
      ]
        .map(q)
        .join(','),
    );
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Co-location candidates: duty stations where two or more client entities each keep their own support
 * for the same service (no provider assigned today), with each entity's volume (service units per year),
 * the cost of those own-support capacities and of one shared local capacity at the base unit cost (USD
 * per year). Sorted by number of entities, then volume.
 */
export async function findCoLocations(db: Kysely<Database>, referenceDate: string = todayUtc()): Promise<CoLocation[]> {
  await ensurePlanningData(db, referenceDate);
  const snap = await readSnapshot(db, referenceDate);
  const station = new Map(snap.stations.map((s) => [s.code, s]));
  const groups = new Map<
    string,
    { entities: Array<{ code: string; quantity: number }>; service: PlanningSnapshot['services'][number]; dutyStation: string }
  >();
  for (const e of snap.entities) {
    for (const s of snap.services) {
      if (snap.current.has(`${e.code}|${s.code}`)) continue;
      const { quantity } = demandOf(snap, e.code, s);
      if (!(quantity > 0)) continue;
      const k = `${e.dutyStation}|${s.code}`;
      const g = groups.get(k) ?? { entities: [], service: s, dutyStation: e.dutyStation };
      g.entities.push({ code: e.code, quantity: round2(quantity) });
      groups.set(k, g);
    }
  }
  return [...groups.values()]
    .filter((g) => g.entities.length >= 2)
    .map((g) => {
      const total = g.entities.reduce((a, e) => a + e.quantity, 0);
      const st = station.get(g.dutyStation);
      return {
        dutyStation: g.dutyStation,
        city: st?.city ?? g.dutyStation,
        country: st?.country ?? '',
        service: g.service.code,
        entities: g.entities,
        totalQuantity: round2(total),
        unit: g.service.unit,
        ownSupportCostUsd: round2(total * g.service.ownSupportUnitCostUsd),
        sharedCostUsd: round2(total * g.service.baseUnitCostUsd),
      };
    })
    .sort(
      (a, b) =>
        b.entities.length - a.entities.length || b.totalQuantity - a.totalQuantity || a.dutyStation.localeCompare(b.dutyStation),
    );
}

/** Demand of every entity and service (quantity > 0), with its source and basis, optionally of one entity. */
export async function listDemand(db: Kysely<Database>, f: { entity?: string; referenceDate?: string }) {
  const referenceDate = f.referenceDate ?? todayUtc();
  await ensurePlanningData(db, referenceDate);
  const snap = await readSnapshot(db, referenceDate);
  const bases = await findDemandBases(db);
  const out: Array<{ entity: string; service: string; quantity: number; source: DemandSource; basis: string }> = [];
  for (const e of snap.entities) {
    if (f.entity && e.code !== f.entity) continue;
    for (const s of snap.services) {
      const d = demandOf(snap, e.code, s);
      if (!(d.quantity > 0)) continue;
      const basis =
        d.source === 'override'
          ? (bases.overrides.get(`${e.code}|${s.code}`) ?? '')
          : d.source === 'cases'
            ? `${snap.caseCounts.get(`${e.code}|${s.code}`)} case(s) in the 365 days before ${referenceDate} x ${s.unitsPerCase} ${s.unit} per case`
            : `headcount ${snap.headcounts.get(e.code) ?? 0} (${bases.headcounts.get(e.code)?.basis ?? 'none recorded'}) x ${s.unitsPerHeadPerYear} ${s.unit} per head a year${s.unitsPerEntityPerYear ? ` + ${s.unitsPerEntityPerYear} per entity` : ''}`;
      out.push({ entity: e.code, service: s.code, quantity: round2(d.quantity), source: d.source, basis });
    }
  }
  return out;
}

async function audited<T>(
  db: Kysely<Database>,
  actor: User,
  action: string,
  target: { type: string; id: string },
  fn: (trx: Kysely<Database>) => Promise<{ value: T; details: Record<string, unknown> }>,
  requestId?: string,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    const { value, details } = await fn(trx);
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action,
      targetType: target.type,
      targetId: target.id,
      details,
      ...(requestId ? { requestId } : {}),
    });
    return value;
  });
}

/**
 * Sets a duty station's security level and hardship category (audited `planning.location.updated`).
 * @throws AppError DIRECTORY_DUTY_STATION_NOT_FOUND.
 */
export async function updateLocation(
  db: Kysely<Database>,
  actor: User,
  code: string,
  v: { securityLevel: number; hardship: 'H' | 'A' | 'B' | 'C' | 'D' | 'E'; basis: string },
  requestId?: string,
): Promise<void> {
  await ensurePlanningData(db, todayUtc());
  await audited(
    db,
    actor,
    'planning.location.updated',
    { type: 'duty-station', id: code },
    async (trx) => {
      const r = await upsertLocation(trx, code, v);
      if (r === false) throw new AppError('DIRECTORY_DUTY_STATION_NOT_FOUND', `No duty station ${code}`);
      return { value: undefined, details: { before: r.before, after: v } };
    },
    requestId,
  );
}

/**
 * Sets a provider's capacity and unit cost for a service (audited `planning.offer.updated`).
 * @throws AppError DIRECTORY_PROVIDER_NOT_FOUND, CATALOGUE_SERVICE_NOT_FOUND.
 */
export async function updateOffer(
  db: Kysely<Database>,
  actor: User,
  provider: string,
  service: string,
  v: { capacity: number; unitCostUsd: number; basis: string },
  requestId?: string,
): Promise<void> {
  await ensurePlanningData(db, todayUtc());
  const known = await knownCodes(db, { providers: [provider], services: [service] });
  if (!known.providers.has(provider)) throw new AppError('DIRECTORY_PROVIDER_NOT_FOUND', `No provider ${provider}`);
  if (!known.services.has(service)) throw new AppError('CATALOGUE_SERVICE_NOT_FOUND', `No service ${service}`);
  await audited(
    db,
    actor,
    'planning.offer.updated',
    { type: 'planning-offer', id: `${provider}|${service}` },
    async (trx) => ({ value: undefined, details: { before: await upsertOffer(trx, provider, service, v), after: v } }),
    requestId,
  );
}

/**
 * Sets (quantity) or clears (null) the demand override of an entity for a service (audited
 * `planning.demand.updated`).
 * @throws AppError DIRECTORY_ENTITY_NOT_FOUND, CATALOGUE_SERVICE_NOT_FOUND.
 */
export async function updateDemand(
  db: Kysely<Database>,
  actor: User,
  entity: string,
  service: string,
  v: { quantity: number; basis: string } | null,
  requestId?: string,
): Promise<void> {
  const known = await knownCodes(db, { entities: [entity], services: [service] });
  if (!known.entities.has(entity)) throw new AppError('DIRECTORY_ENTITY_NOT_FOUND', `No client entity ${entity}`);
  if (!known.services.has(service)) throw new AppError('CATALOGUE_SERVICE_NOT_FOUND', `No service ${service}`);
  await audited(
    db,
    actor,
    'planning.demand.updated',
    { type: 'planning-demand', id: `${entity}|${service}` },
    async (trx) => {
      if (v === null) return { value: undefined, details: { cleared: await deleteDemandOverride(trx, entity, service) } };
      return {
        value: undefined,
        details: { before: await upsertDemandOverride(trx, entity, service, { ...v, userId: actor.id }), after: v },
      };
    },
    requestId,
  );
}

/**
 * Sets an entity's headcount, the base of its headcount-driven demand (audited `planning.headcount.updated`).
 * @throws AppError DIRECTORY_ENTITY_NOT_FOUND.
 */
export async function updateHeadcount(
  db: Kysely<Database>,
  actor: User,
  entity: string,
  v: { headcount: number; basis: string },
  requestId?: string,
): Promise<void> {
  await ensurePlanningData(db, todayUtc());
  const known = await knownCodes(db, { entities: [entity] });
  if (!known.entities.has(entity)) throw new AppError('DIRECTORY_ENTITY_NOT_FOUND', `No client entity ${entity}`);
  await audited(
    db,
    actor,
    'planning.headcount.updated',
    { type: 'client-entity', id: entity },
    async (trx) => ({ value: undefined, details: { before: await upsertHeadcount(trx, entity, v), after: v } }),
    requestId,
  );
}
