/**
 * The planning instance and its arithmetic, without the database or the solver: which providers may
 * serve each (client entity, service) demand, what each choice costs (USD per year) and what it weighs
 * in the objective, and the measures of a set of assignments (today's or a scenario's).
 *
 * Units: quantities in the service's cost-recovery unit per year (staff-months, transactions, cases,
 * ...), money in USD per year, distance in km, overlap in hours per working day (0-8).
 * See docs/decisions/0011-planning-optimiser.md for the formulation.
 */
import { greatCircleKm, WORKING_DAY_HOURS, workingHoursOverlap } from './geo.ts';

/** ICSC hardship categories, H (headquarters, no hardship) to E (most difficult). */
export const HARDSHIP_CATEGORIES = ['H', 'A', 'B', 'C', 'D', 'E'] as const;
export type Hardship = (typeof HARDSHIP_CATEGORIES)[number];

/** A duty station with its planning levels: UNDSS security level 1 (minimal) to 6 (extreme), ICSC hardship. */
export interface PlanStation {
  code: string;
  latitude: number;
  longitude: number;
  timeZone: string;
  securityLevel: number;
  hardship: Hardship;
}

export interface PlanEntity {
  code: string;
  dutyStation: string;
  kind: string;
}

export interface PlanProvider {
  code: string;
  dutyStation: string;
}

export interface PlanService {
  code: string;
  serviceLine: string;
  delivery: 'remote' | 'on-site';
  unit: string;
  /** USD per unit when the entity keeps its own support (no economies of scale). */
  ownSupportUnitCostUsd: number;
}

/** What a provider offers for a service: capacity in service units per year and unit cost in USD. */
export interface PlanOffer {
  provider: string;
  service: string;
  capacity: number;
  unitCostUsd: number;
}

/** Where a demand's quantity comes from. */
export type DemandSource = 'cases' | 'headcount' | 'override';

/**
 * Demand of one client entity for one service, in service units per year. `current` is today's
 * provider (null: the entity keeps its own support).
 */
export interface PlanDemand {
  entity: string;
  service: string;
  quantity: number;
  source: DemandSource;
  current: string | null;
}

export interface PlanInstance {
  /** YYYY-MM-DD: today's assignments are those in force on it; working hours are compared in its week. */
  referenceDate: string;
  stations: PlanStation[];
  entities: PlanEntity[];
  providers: PlanProvider[];
  services: PlanService[];
  offers: PlanOffer[];
  /** Providers that deliver on-site services at a duty station other than their own (e.g. UNDP locally). */
  localPartners: Array<{ provider: string; dutyStation: string }>;
  demands: PlanDemand[];
}

/** Weights of the objective's penalties. */
export interface PlanWeights {
  /** USD per km between the client's and the provider's duty stations, per assigned demand. */
  distanceUsdPerKm: number;
  /** USD per hour of working day without overlap (8 - overlap), per assigned demand. */
  missingOverlapUsdPerHour: number;
  /** Share of the cost added per risk point of the delivery location (security level - 1 + hardship index). */
  footprintShare: number;
  /** USD per provider an entity deals with (own support not counted). */
  providerRelationshipUsd: number;
}

export interface PlanConstraints {
  /** Keep today's provider: for no demand, all, or the demands of the listed entities. */
  keepCurrent: 'none' | 'all' | string[];
  /** A provider may use at most this percentage of its capacity for each service. */
  maxUtilisationPercent: number;
  /** Each entity gets all the services of one service line from one provider (or keeps them all). */
  oneProviderPerServiceLine: boolean;
  /** Own support as an option: where the entity has it today, for every demand, or never. */
  ownSupport: 'current' | 'all' | 'none';
}

export interface PlanSolverOptions {
  timeLimitSeconds: number;
  /** Relative optimality gap at which the branch-and-bound stops (0.001 = 0.1%). */
  relativeGap: number;
}

export interface PlanOptions {
  weights: PlanWeights;
  constraints: PlanConstraints;
  solver: PlanSolverOptions;
}

export const DEFAULT_WEIGHTS: PlanWeights = {
  distanceUsdPerKm: 1,
  missingOverlapUsdPerHour: 2000,
  footprintShare: 0.02,
  providerRelationshipUsd: 5000,
};
export const DEFAULT_CONSTRAINTS: PlanConstraints = {
  keepCurrent: 'none',
  maxUtilisationPercent: 100,
  oneProviderPerServiceLine: false,
  ownSupport: 'current',
};
export const DEFAULT_SOLVER: PlanSolverOptions = { timeLimitSeconds: 60, relativeGap: 0.001 };
export const DEFAULT_OPTIONS: PlanOptions = {
  weights: DEFAULT_WEIGHTS,
  constraints: DEFAULT_CONSTRAINTS,
  solver: DEFAULT_SOLVER,
};

/** Locations at or above this security level, or in hardship D or E, count as insecure or remote. */
export const INSECURE_SECURITY_LEVEL = 4;

/** Risk points of a location: (security level - 1) + hardship index (H 0, A 1, ..., E 5); 0-10. */
export function riskPoints(s: Pick<PlanStation, 'securityLevel' | 'hardship'>): number {
  return Math.max(0, s.securityLevel - 1) + HARDSHIP_CATEGORIES.indexOf(s.hardship);
}

/** Whether a location counts as insecure or remote for the footprint measure. */
export function isInsecureOrRemote(s: Pick<PlanStation, 'securityLevel' | 'hardship'>): boolean {
  return s.securityLevel >= INSECURE_SECURITY_LEVEL || s.hardship === 'D' || s.hardship === 'E';
}

/** One way to serve one demand: a provider (null: own support) with its cost and penalty terms. */
export interface Choice {
  provider: string | null;
  /** Cost in USD per year: quantity x unit cost (NaN when no unit cost is known). */
  costUsd: number;
  footprintPenaltyUsd: number;
  distancePenaltyUsd: number;
  overlapPenaltyUsd: number;
  /** costUsd plus the three penalties: the demand's term in the objective (relationships apart). */
  coefficientUsd: number;
  km: number;
  overlapHours: number;
  /** Where the work is done: the provider's duty station (remote) or the entity's (on-site, own support). */
  deliveryStation: string;
  /** Whether the choice meets the on-site rule (same duty station, or a local partner there). */
  onSiteRuleMet: boolean;
}

/** The instance indexed for look-ups, with each demand's eligible choices. */
export interface IndexedInstance {
  instance: PlanInstance;
  options: PlanOptions;
  station: Map<string, PlanStation>;
  entity: Map<string, PlanEntity>;
  provider: Map<string, PlanProvider>;
  service: Map<string, PlanService>;
  /** `provider|service` -> offer. */
  offer: Map<string, PlanOffer>;
  /** `provider|dutyStation` of local partners. */
  localPartner: Set<string>;
  /** Per demand (same order as instance.demands): the eligible choices. */
  eligible: Choice[][];
  /** Usable capacity of an offer (capacity x maxUtilisationPercent / 100). */
  usable: (o: PlanOffer) => number;
}

const key = (a: string, b: string) => `${a}|${b}`;

/**
 * Indexes the instance and lists each demand's eligible choices: every provider with an offer for the
 * service and capacity > 0, which for an on-site service sits at the entity's duty station or is a local
 * partner there; plus own support where `constraints.ownSupport` allows it.
 * @throws Error when a demand, offer, entity or provider names an unknown code (the builder checks first).
 */
export function indexInstance(instance: PlanInstance, options: PlanOptions): IndexedInstance {
  const station = new Map(instance.stations.map((s) => [s.code, s]));
  const entity = new Map(instance.entities.map((e) => [e.code, e]));
  const provider = new Map(instance.providers.map((p) => [p.code, p]));
  const service = new Map(instance.services.map((s) => [s.code, s]));
  const offer = new Map(instance.offers.map((o) => [key(o.provider, o.service), o]));
  const localPartner = new Set(instance.localPartners.map((l) => key(l.provider, l.dutyStation)));
  const offersByService = new Map<string, PlanOffer[]>();
  for (const o of instance.offers) {
    if (!(o.capacity > 0) || !provider.has(o.provider)) continue;
    const list = offersByService.get(o.service) ?? [];
    list.push(o);
    offersByService.set(o.service, list);
  }
  const ix: IndexedInstance = {
    instance,
    options,
    station,
    entity,
    provider,
    service,
    offer,
    localPartner,
    eligible: [],
    usable: (o) => (o.capacity * options.constraints.maxUtilisationPercent) / 100,
  };
  const own = options.constraints.ownSupport;
  ix.eligible = instance.demands.map((d) => {
    const choices: Choice[] = [];
    for (const o of offersByService.get(d.service) ?? []) {
      const c = choiceFor(ix, d, o.provider);
      if (c.onSiteRuleMet) choices.push(c);
    }
    if (own === 'all' || (own === 'current' && d.current === null)) choices.push(choiceFor(ix, d, null));
    return choices;
  });
  return ix;
}

/**
 * The cost and penalty terms of serving demand `d` by `providerCode` (null: own support), whether or not
 * the choice is eligible (today's assignments are priced the same way).
 * @throws Error for an unknown entity, service, provider or duty station.
 */
export function choiceFor(ix: IndexedInstance, d: PlanDemand, providerCode: string | null): Choice {
  const w = ix.options.weights;
  const e = must(ix.entity.get(d.entity), `entity ${d.entity}`);
  const s = must(ix.service.get(d.service), `service ${d.service}`);
  const es = must(ix.station.get(e.dutyStation), `duty station ${e.dutyStation}`);
  let unitCost: number;
  let deliveryStation: string;
  let km = 0;
  let overlapHours = WORKING_DAY_HOURS;
  let onSiteRuleMet = true;
  if (providerCode === null) {
    unitCost = s.ownSupportUnitCostUsd;
    deliveryStation = es.code;
  } else {
    const p = must(ix.provider.get(providerCode), `provider ${providerCode}`);
    const ps = must(ix.station.get(p.dutyStation), `duty station ${p.dutyStation}`);
    unitCost = ix.offer.get(key(providerCode, d.service))?.unitCostUsd ?? Number.NaN;
    if (s.delivery === 'on-site') {
      // Delivered where the client is: by a provider on site, or by a local partner there.
      onSiteRuleMet = ps.code === es.code || ix.localPartner.has(key(providerCode, es.code));
      deliveryStation = es.code;
      if (!onSiteRuleMet) {
        km = greatCircleKm(es.latitude, es.longitude, ps.latitude, ps.longitude);
        overlapHours = workingHoursOverlap(es.timeZone, ps.timeZone, ix.instance.referenceDate);
      }
    } else {
      deliveryStation = ps.code;
      if (ps.code !== es.code) {
        km = greatCircleKm(es.latitude, es.longitude, ps.latitude, ps.longitude);
        overlapHours = workingHoursOverlap(es.timeZone, ps.timeZone, ix.instance.referenceDate);
      }
    }
  }
  const ds = must(ix.station.get(deliveryStation), `duty station ${deliveryStation}`);
  const costUsd = d.quantity * unitCost;
  const priced = Number.isFinite(costUsd) ? costUsd : 0;
  const footprintPenaltyUsd = priced * w.footprintShare * riskPoints(ds);
  const distancePenaltyUsd = w.distanceUsdPerKm * km;
  const overlapPenaltyUsd = w.missingOverlapUsdPerHour * Math.max(0, WORKING_DAY_HOURS - overlapHours);
  return {
    provider: providerCode,
    costUsd,
    footprintPenaltyUsd,
    distancePenaltyUsd,
    overlapPenaltyUsd,
    coefficientUsd: priced + footprintPenaltyUsd + distancePenaltyUsd + overlapPenaltyUsd,
    km,
    overlapHours,
    deliveryStation,
    onSiteRuleMet,
  };
}

function must<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`Planning instance: unknown ${what}`);
  return v;
}

/** A provider per demand (same order as instance.demands); null: own support; undefined: unserved. */
export type AssignmentVector = Array<string | null | undefined>;

/** Measures of a set of assignments (USD per year, km, hours per working day). */
export interface PlanMeasures {
  /** Objective: cost + penalties + relationships (USD per year). */
  objectiveUsd: number;
  costUsd: number;
  footprintPenaltyUsd: number;
  distancePenaltyUsd: number;
  overlapPenaltyUsd: number;
  relationshipPenaltyUsd: number;
  costByService: Record<string, number>;
  /** Same service kept by several own-support capacities in one duty station. */
  duplication: { places: number; redundantCapacities: number };
  /** Mean km between client and delivering provider, over served demands. */
  meanKm: number;
  /** Mean working-hours overlap (hours per day) over served demands. */
  meanOverlapHours: number;
  /** Cost of the work done at insecure or remote locations, and the number of demands served there. */
  footprint: { costUsd: number; demands: number };
  /** Mean number of providers an entity deals with (own support not counted). */
  providersPerEntity: number;
  /** Demands served against the on-site rule, (provider, service) offers over their usable capacity. */
  breaches: { onSite: number; capacity: number; unserved: number; unpriced: number };
}

/**
 * Measures `assignment` on the indexed instance (any assignment: today's, a scenario's, greedy's).
 * @throws Error for an unknown provider code.
 */
export function measure(ix: IndexedInstance, assignment: AssignmentVector): PlanMeasures {
  const m: PlanMeasures = {
    objectiveUsd: 0,
    costUsd: 0,
    footprintPenaltyUsd: 0,
    distancePenaltyUsd: 0,
    overlapPenaltyUsd: 0,
    relationshipPenaltyUsd: 0,
    costByService: {},
    duplication: { places: 0, redundantCapacities: 0 },
    meanKm: 0,
    meanOverlapHours: 0,
    footprint: { costUsd: 0, demands: 0 },
    providersPerEntity: 0,
    breaches: { onSite: 0, capacity: 0, unserved: 0, unpriced: 0 },
  };
  const relations = new Set<string>();
  const entities = new Set<string>();
  const ownAt = new Map<string, number>();
  const load = new Map<string, number>();
  let served = 0;
  let kmSum = 0;
  let overlapSum = 0;
  ix.instance.demands.forEach((d, i) => {
    const p = assignment[i];
    entities.add(d.entity);
    if (p === undefined) {
      m.breaches.unserved++;
      return;
    }
    const c = choiceFor(ix, d, p);
    served++;
    const cost = Number.isFinite(c.costUsd) ? c.costUsd : 0;
    if (!Number.isFinite(c.costUsd)) m.breaches.unpriced++;
    m.costUsd += cost;
    m.costByService[d.service] = (m.costByService[d.service] ?? 0) + cost;
    m.footprintPenaltyUsd += c.footprintPenaltyUsd;
    m.distancePenaltyUsd += c.distancePenaltyUsd;
    m.overlapPenaltyUsd += c.overlapPenaltyUsd;
    kmSum += c.km;
    overlapSum += c.overlapHours;
    if (!c.onSiteRuleMet) m.breaches.onSite++;
    const ds = ix.station.get(c.deliveryStation);
    if (ds && isInsecureOrRemote(ds)) {
      m.footprint.costUsd += cost;
      m.footprint.demands++;
    }
    if (p === null) {
      const e = ix.entity.get(d.entity);
      const k = key(e?.dutyStation ?? '', d.service);
      ownAt.set(k, (ownAt.get(k) ?? 0) + 1);
    } else {
      relations.add(key(d.entity, p));
      load.set(key(p, d.service), (load.get(key(p, d.service)) ?? 0) + d.quantity);
    }
  });
  for (const n of ownAt.values()) {
    if (n >= 2) {
      m.duplication.places++;
      m.duplication.redundantCapacities += n - 1;
    }
  }
  for (const [k, q] of load) {
    const o = ix.offer.get(k);
    if (!o || q > ix.usable(o) * (1 + 1e-9) + 1e-6) m.breaches.capacity++;
  }
  m.relationshipPenaltyUsd = relations.size * ix.options.weights.providerRelationshipUsd;
  m.objectiveUsd = m.costUsd + m.footprintPenaltyUsd + m.distancePenaltyUsd + m.overlapPenaltyUsd + m.relationshipPenaltyUsd;
  m.meanKm = served ? kmSum / served : 0;
  m.meanOverlapHours = served ? overlapSum / served : 0;
  m.providersPerEntity = entities.size ? relations.size / entities.size : 0;
  return m;
}

/** Today's assignment vector: each demand's current provider (null: own support). */
export function currentAssignment(instance: PlanInstance): AssignmentVector {
  return instance.demands.map((d) => d.current);
}

/**
 * Whether `assignment` satisfies every hard rule: each demand served by an eligible choice, usable
 * capacities respected, kept assignments kept, one provider per service line when asked.
 * @returns the list of violations (empty when feasible), each a sentence.
 */
export function checkFeasible(ix: IndexedInstance, assignment: AssignmentVector): string[] {
  const out: string[] = [];
  const load = new Map<string, number>();
  const keep = ix.options.constraints.keepCurrent;
  const keptEntities = Array.isArray(keep) ? new Set(keep) : null;
  const lineChoice = new Map<string, string | null>();
  ix.instance.demands.forEach((d, i) => {
    const p = assignment[i];
    if (p === undefined) {
      out.push(`${d.entity} ${d.service} is not served`);
      return;
    }
    if (!ix.eligible[i]?.some((c) => c.provider === p))
      out.push(`${d.entity} ${d.service}: ${p ?? 'own support'} is not eligible`);
    if (p !== null) load.set(key(p, d.service), (load.get(key(p, d.service)) ?? 0) + d.quantity);
    if ((keep === 'all' || keptEntities?.has(d.entity)) && p !== d.current)
      out.push(`${d.entity} ${d.service}: today's provider is not kept`);
    if (ix.options.constraints.oneProviderPerServiceLine) {
      const line = ix.service.get(d.service)?.serviceLine ?? '';
      const k = key(d.entity, line);
      if (lineChoice.has(k) && lineChoice.get(k) !== p) out.push(`${d.entity} line ${line} has several providers`);
      lineChoice.set(k, p);
    }
  });
  for (const [k, q] of load) {
    const o = ix.offer.get(k);
    if (!o || q > ix.usable(o) * (1 + 1e-9) + 1e-6) out.push(`${k} load ${q} exceeds usable capacity ${o ? ix.usable(o) : 0}`);
  }
  return out;
}
