/**
 * Synthetic planning instances for the benchmark and the property tests: entities spread over duty
 * stations (several per station), providers at some of them, a share of on-site services, one local
 * partner present everywhere, capacities a given slack above demand. Deterministic for a seed.
 * Not planning data: the real instance is built from the reference data (planning.service.ts).
 */
import { HARDSHIP_CATEGORIES, type PlanDemand, type PlanInstance, type PlanOffer, type PlanService } from './model.ts';

/** A small deterministic PRNG (mulberry32); returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticSpec {
  entities: number;
  services: number;
  providers: number;
  seed: number;
  /** Share of on-site services (default 0.2). */
  onSiteShare?: number;
  /** Total usable capacity per service over total demand (default 1.6). */
  capacitySlack?: number;
  /** Share of remote services each provider offers (default 0.6). */
  offerShare?: number;
  /** Share of demands served by own support today (default 0.15). */
  ownShare?: number;
  /** Entities per duty station on average (default 3). */
  entitiesPerStation?: number;
}

/**
 * Builds a synthetic instance. Every demand has at least one eligible provider (the local partner
 * offers every service) so the instance is feasible when `capacitySlack` >= 1 and no single demand is
 * larger than its providers' capacity.
 */
export function syntheticInstance(spec: SyntheticSpec): PlanInstance {
  const rnd = prng(spec.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const nStations = Math.max(spec.providers, Math.ceil(spec.entities / (spec.entitiesPerStation ?? 3)));
  const stations = Array.from({ length: nStations }, (_, i) => {
    const longitude = rnd() * 340 - 170;
    const latitude = rnd() * 120 - 55;
    const hours = Math.max(-11, Math.min(12, Math.round(longitude / 15)));
    // Etc/GMT zones have the inverted sign: Etc/GMT-3 is UTC+3.
    const timeZone = hours === 0 ? 'Etc/UTC' : `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
    return {
      code: `ZZ-S${i}`,
      latitude,
      longitude,
      timeZone,
      securityLevel: 1 + Math.floor(rnd() * 5),
      hardship: pick(HARDSHIP_CATEGORIES),
    };
  });
  const providers = Array.from({ length: spec.providers }, (_, i) => ({
    code: `P${i}`,
    dutyStation: (stations[i] as { code: string }).code,
  }));
  const services: PlanService[] = Array.from({ length: spec.services }, (_, i) => ({
    code: `S${i}`,
    serviceLine: `L${Math.floor(i / 3)}`,
    delivery: rnd() < (spec.onSiteShare ?? 0.2) ? ('on-site' as const) : ('remote' as const),
    unit: 'case',
    ownSupportUnitCostUsd: 0,
  }));
  const base = services.map(() => 10 + rnd() * 90);
  services.forEach((s, i) => {
    s.ownSupportUnitCostUsd = (base[i] as number) * (1.4 + rnd() * 0.4);
  });
  const entities = Array.from({ length: spec.entities }, (_, i) => ({
    code: `E${i}`,
    dutyStation: pick(stations).code,
    kind: 'other',
  }));
  const headcount = entities.map(() => Math.round(Math.exp(2 + rnd() * 5)));
  const rate = services.map(() => 0.5 + rnd() * 4);
  const localPartner = providers[providers.length - 1] as { code: string };
  const factor = providers.map(() => 0.7 + rnd() * 0.6);
  // Which providers offer which service: the local partner offers all; others a share of the remote
  // services, and the on-site services at their own station.
  const offersOf = services.map((s) =>
    providers.filter((p) => p.code === localPartner.code || s.delivery === 'on-site' || rnd() < (spec.offerShare ?? 0.6)),
  );
  const demands: PlanDemand[] = [];
  entities.forEach((e, ei) => {
    services.forEach((s, si) => {
      const quantity = Math.max(1, Math.round((headcount[ei] as number) * (rate[si] as number)));
      demands.push({ entity: e.code, service: s.code, quantity, source: 'headcount', current: null });
    });
  });
  const offers: PlanOffer[] = [];
  const entityStation = new Map(entities.map((e) => [e.code, e.dutyStation]));
  services.forEach((s, si) => {
    const providersOfS = offersOf[si] as typeof providers;
    const total = demands.filter((d) => d.service === s.code).reduce((a, d) => a + d.quantity, 0);
    const largest = Math.max(...demands.filter((d) => d.service === s.code).map((d) => d.quantity));
    const shares = providersOfS.map(() => 0.2 + rnd());
    const sum = shares.reduce((a, v) => a + v, 0);
    const slack = spec.capacitySlack ?? 1.6;
    providersOfS.forEach((p, k) => {
      let capacity: number;
      if (s.delivery === 'remote') capacity = Math.max(largest * 1.5, (slack * total * (shares[k] as number)) / sum);
      else if (p.code === localPartner.code) capacity = slack * total;
      else {
        // On site: enough for the entities at the provider's duty station.
        const local = demands
          .filter((d) => d.service === s.code && entityStation.get(d.entity) === p.dutyStation)
          .reduce((a, d) => a + d.quantity, 0);
        capacity = slack * local;
      }
      offers.push({
        provider: p.code,
        service: s.code,
        capacity: Math.round(capacity),
        unitCostUsd:
          Math.round((base[si] as number) * (factor[providers.indexOf(p)] as number) * (0.9 + rnd() * 0.2) * 100) / 100,
      });
    });
  });
  const localPartners = stations.map((s) => ({ provider: localPartner.code, dutyStation: s.code }));
  // Today's assignment: own support for a share, else a random eligible provider.
  const stationOf = new Map(entities.map((e) => [e.code, e.dutyStation]));
  const providerStation = new Map(providers.map((p) => [p.code, p.dutyStation]));
  for (const d of demands) {
    const s = services[Number(d.service.slice(1))] as PlanService;
    if (rnd() < (spec.ownShare ?? 0.15)) continue;
    const eligible = (offersOf[Number(d.service.slice(1))] as typeof providers).filter(
      (p) => s.delivery === 'remote' || p.code === localPartner.code || providerStation.get(p.code) === stationOf.get(d.entity),
    );
    d.current = pick(eligible).code;
  }
  return { referenceDate: '2026-01-14', stations, entities, providers, services, offers, localPartners, demands };
}
