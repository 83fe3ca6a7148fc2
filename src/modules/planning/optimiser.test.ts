import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exhaustive } from '../../../tests/helpers/planning-exhaustive.ts';
import {
  type AssignmentVector,
  checkFeasible,
  DEFAULT_OPTIONS,
  indexInstance,
  measure,
  type PlanInstance,
  type PlanOptions,
} from './model.ts';
import { greedy, optimise } from './optimiser.ts';
import { syntheticInstance } from './synthetic.ts';

function withOptions(over: Partial<PlanOptions['constraints']> & { relationshipUsd?: number; gap?: number }): PlanOptions {
  const { relationshipUsd, gap, ...constraints } = over;
  return {
    weights: {
      ...DEFAULT_OPTIONS.weights,
      ...(relationshipUsd !== undefined ? { providerRelationshipUsd: relationshipUsd } : {}),
    },
    constraints: { ...DEFAULT_OPTIONS.constraints, ...constraints },
    solver: { timeLimitSeconds: 30, relativeGap: gap ?? 1e-9 },
  };
}

/** Load per provider and service, and whether each on-site demand is served at its duty station or by a local partner there. */
function audit(instance: PlanInstance, options: PlanOptions, assignment: AssignmentVector) {
  const station = new Map(instance.entities.map((e) => [e.code, e.dutyStation]));
  const providerStation = new Map(instance.providers.map((p) => [p.code, p.dutyStation]));
  const partners = new Set(instance.localPartners.map((l) => `${l.provider}|${l.dutyStation}`));
  const onSite = new Set(instance.services.filter((s) => s.delivery === 'on-site').map((s) => s.code));
  const load = new Map<string, number>();
  let onSiteBreaches = 0;
  instance.demands.forEach((d, i) => {
    const p = assignment[i];
    if (p === undefined || p === null) return;
    load.set(`${p}|${d.service}`, (load.get(`${p}|${d.service}`) ?? 0) + d.quantity);
    const at = station.get(d.entity) as string;
    if (onSite.has(d.service) && providerStation.get(p) !== at && !partners.has(`${p}|${at}`)) onSiteBreaches++;
  });
  let capacityBreaches = 0;
  for (const [k, q] of load) {
    const o = instance.offers.find((x) => `${x.provider}|${x.service}` === k);
    const usable = o ? (o.capacity * options.constraints.maxUtilisationPercent) / 100 : 0;
    if (q > usable + 1e-6) capacityBreaches++;
  }
  return { onSiteBreaches, capacityBreaches };
}

describe('the optimiser on random small instances (property)', () => {
  it('always respects capacities and the on-site rule, and serves every demand once', async () => {
    let solved = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          entities: fc.integer({ min: 2, max: 8 }),
          services: fc.integer({ min: 1, max: 4 }),
          providers: fc.integer({ min: 2, max: 5 }),
          slack: fc.double({ min: 0.8, max: 2.5, noNaN: true }),
          util: fc.integer({ min: 60, max: 100 }),
          onSiteShare: fc.double({ min: 0, max: 0.7, noNaN: true }),
          ownSupport: fc.constantFrom('current', 'none', 'all') as fc.Arbitrary<'current' | 'none' | 'all'>,
          line: fc.boolean(),
          relationshipUsd: fc.constantFrom(0, 5000, 50_000),
        }),
        async (p) => {
          const instance = syntheticInstance({
            seed: p.seed,
            entities: p.entities,
            services: p.services,
            providers: p.providers,
            capacitySlack: p.slack,
            onSiteShare: p.onSiteShare,
            entitiesPerStation: 2,
          });
          const options = withOptions({
            maxUtilisationPercent: p.util,
            ownSupport: p.ownSupport,
            oneProviderPerServiceLine: p.line,
            relationshipUsd: p.relationshipUsd,
            gap: 0.001,
          });
          const r = await optimise(instance, options);
          expect(['optimal', 'feasible', 'infeasible']).toContain(r.status);
          if (r.status === 'infeasible') {
            expect(r.infeasibility.length).toBeGreaterThan(0);
            for (const f of r.infeasibility) expect(f.message.length).toBeGreaterThan(10);
            return;
          }
          solved++;
          expect(r.assignment).toHaveLength(instance.demands.length);
          expect(r.assignment.every((a) => a !== undefined)).toBe(true);
          expect(audit(instance, options, r.assignment)).toEqual({ onSiteBreaches: 0, capacityBreaches: 0 });
          expect(checkFeasible(indexInstance(instance, options), r.assignment)).toEqual([]);
          // The greedy baseline obeys capacities too (it may leave demands unserved).
          const g = greedy(instance, options);
          expect(audit(instance, options, g.assignment).capacityBreaches).toBe(0);
          expect(audit(instance, options, g.assignment).onSiteBreaches).toBe(0);
        },
      ),
      { numRuns: 30, seed: 20261129 },
    );
    // The generator must give mostly solvable instances, or the property says little.
    expect(solved).toBeGreaterThanOrEqual(15);
  });
});

describe('a small instance: the optimum equals exhaustive search', () => {
  it('matches the best of every assignment, with relationships, utilisation caps and the one-provider-per-line rule', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          entities: fc.integer({ min: 2, max: 3 }),
          services: fc.integer({ min: 2, max: 3 }),
          slack: fc.double({ min: 1.2, max: 2.2, noNaN: true }),
          util: fc.constantFrom(80, 90, 100),
          line: fc.boolean(),
          relationshipUsd: fc.constantFrom(0, 20_000, 200_000),
        }),
        async (p) => {
          const instance = syntheticInstance({
            seed: p.seed,
            entities: p.entities,
            services: p.services,
            providers: 3,
            capacitySlack: p.slack,
            onSiteShare: 0.2,
            entitiesPerStation: 1,
            offerShare: 0.8,
          });
          const options = withOptions({
            maxUtilisationPercent: p.util,
            oneProviderPerServiceLine: p.line,
            relationshipUsd: p.relationshipUsd,
            ownSupport: 'current',
          });
          const brute = exhaustive(instance, options);
          const r = await optimise(instance, options);
          if (brute === null) {
            expect(r.status).toBe('infeasible');
            return;
          }
          expect(r.status).toBe('optimal');
          compared++;
          const mine = measure(indexInstance(instance, options), r.assignment).objectiveUsd;
          expect(Math.abs(mine - brute.best)).toBeLessThanOrEqual(1e-6 * Math.max(1, brute.best));
          expect(Math.abs((r.objectiveUsd as number) - brute.best)).toBeLessThanOrEqual(1e-6 * Math.max(1, brute.best));
        },
      ),
      { numRuns: 25, seed: 77 },
    );
    expect(compared).toBeGreaterThanOrEqual(12);
  });
});

/** A hand-made instance: two providers in Nairobi and Geneva, clients in Nairobi and Juba. */
function tiny(): PlanInstance {
  return {
    referenceDate: '2026-01-14',
    stations: [
      { code: 'KE-NA100', latitude: -1.29, longitude: 36.82, timeZone: 'Africa/Nairobi', securityLevel: 2, hardship: 'B' },
      { code: 'CH-GE020', latitude: 46.2, longitude: 6.15, timeZone: 'Europe/Zurich', securityLevel: 1, hardship: 'H' },
      { code: 'SS-JU020', latitude: 4.85, longitude: 31.6, timeZone: 'Africa/Juba', securityLevel: 4, hardship: 'D' },
    ],
    entities: [
      { code: 'UNEP', dutyStation: 'KE-NA100', kind: 'department-office' },
      { code: 'UNMISS', dutyStation: 'SS-JU020', kind: 'peacekeeping-operation' },
    ],
    providers: [
      { code: 'UNON', dutyStation: 'KE-NA100' },
      { code: 'UNOG', dutyStation: 'CH-GE020' },
    ],
    services: [
      { code: 'PAY-PAYROLL', serviceLine: 'PAY', delivery: 'remote', unit: 'staff-month', ownSupportUnitCostUsd: 40 },
      { code: 'FAC-CAMPUS', serviceLine: 'FAC', delivery: 'on-site', unit: 'square-metre-month', ownSupportUnitCostUsd: 5 },
    ],
    offers: [
      { provider: 'UNON', service: 'PAY-PAYROLL', capacity: 15_000, unitCostUsd: 20 },
      { provider: 'UNOG', service: 'PAY-PAYROLL', capacity: 10_000, unitCostUsd: 25 },
      { provider: 'UNON', service: 'FAC-CAMPUS', capacity: 100_000, unitCostUsd: 3 },
    ],
    localPartners: [],
    demands: [
      { entity: 'UNEP', service: 'PAY-PAYROLL', quantity: 6000, source: 'headcount', current: 'UNON' },
      { entity: 'UNMISS', service: 'PAY-PAYROLL', quantity: 6000, source: 'headcount', current: 'UNOG' },
      { entity: 'UNEP', service: 'FAC-CAMPUS', quantity: 50_000, source: 'headcount', current: 'UNON' },
    ],
  };
}

describe('infeasible input is explained, not a solver error', () => {
  it('names the service whose demand is above all capacity, with the figures', async () => {
    const inst = tiny();
    inst.demands[1] = { ...(inst.demands[1] as PlanInstance['demands'][number]), quantity: 20_000 };
    const r = await optimise(inst, withOptions({ ownSupport: 'none' }));
    expect(r.status).toBe('infeasible');
    expect(r.solverStatus).toBe('not run');
    const f = r.infeasibility.find((x) => x.code === 'SERVICE_DEMAND_ABOVE_CAPACITY');
    expect(f).toMatchObject({ service: 'PAY-PAYROLL', demand: 26_000, capacity: 25_000 });
    expect(f?.message).toMatch(
      /PAY-PAYROLL: 2 demand\(s\) totalling 26,000 staff-month a year exceed the usable capacity of its providers, 25,000/,
    );
    const one = r.infeasibility.find((x) => x.code === 'DEMAND_ABOVE_ANY_CAPACITY');
    expect(one).toMatchObject({ entity: 'UNMISS', service: 'PAY-PAYROLL', demand: 20_000, capacity: 15_000 });
  });

  it('names an on-site service with no provider at the duty station and no local partner', async () => {
    const inst = tiny();
    inst.demands.push({ entity: 'UNMISS', service: 'FAC-CAMPUS', quantity: 20_000, source: 'headcount', current: 'UNON' });
    const r = await optimise(inst, withOptions({}));
    expect(r.status).toBe('infeasible');
    expect(r.infeasibility).toEqual([
      expect.objectContaining({
        code: 'ON_SITE_NO_LOCAL_PROVIDER',
        entity: 'UNMISS',
        service: 'FAC-CAMPUS',
        dutyStation: 'SS-JU020',
      }),
    ]);
    expect(r.infeasibility[0]?.message).toContain('no provider at SS-JU020 offers it and no local partner serves SS-JU020');
    // A local partner at Juba makes it feasible, and the on-site demand goes to it.
    inst.localPartners.push({ provider: 'UNON', dutyStation: 'SS-JU020' });
    const ok = await optimise(inst, withOptions({}));
    expect(ok.status).toBe('optimal');
    expect(ok.assignment[3]).toBe('UNON');
  });

  it('explains a packing infeasibility the solver proves (totals fit, whole demands do not)', async () => {
    const inst = tiny();
    inst.offers = [
      { provider: 'UNON', service: 'PAY-PAYROLL', capacity: 10_000, unitCostUsd: 20 },
      { provider: 'UNOG', service: 'PAY-PAYROLL', capacity: 10_000, unitCostUsd: 25 },
      { provider: 'UNON', service: 'FAC-CAMPUS', capacity: 100_000, unitCostUsd: 3 },
    ];
    inst.demands.push({ entity: 'UNEP', service: 'PAY-PAYROLL', quantity: 0, source: 'headcount', current: 'UNON' });
    inst.entities.push({ code: 'UNEP-2', dutyStation: 'KE-NA100', kind: 'other' });
    inst.demands[3] = { entity: 'UNEP-2', service: 'PAY-PAYROLL', quantity: 6000, source: 'headcount', current: 'UNON' };
    // Three demands of 6,000 against two capacities of 10,000: 18,000 <= 20,000, but no two fit together.
    const r = await optimise(inst, withOptions({ ownSupport: 'none' }));
    expect(r.status).toBe('infeasible');
    expect(r.solverStatus).toBe('Infeasible');
    expect(r.infeasibility).toHaveLength(1);
    expect(r.infeasibility[0]).toMatchObject({ code: 'CAPACITY_PACKING', service: 'PAY-PAYROLL', demand: 6000 });
    expect(r.infeasibility[0]?.message).toMatch(/UNON 10,000, UNOG 10,000/);
  });

  it('reports a kept assignment that is not eligible', async () => {
    const inst = tiny();
    inst.offers = inst.offers.filter((o) => o.provider !== 'UNOG');
    const r = await optimise(inst, withOptions({ keepCurrent: ['UNMISS'] }));
    expect(r.status).toBe('infeasible');
    expect(r.infeasibility).toEqual([
      expect.objectContaining({ code: 'KEPT_PROVIDER_NOT_ELIGIBLE', entity: 'UNMISS', provider: 'UNOG' }),
    ]);
  });
});

describe('objective and options', () => {
  it('weighs distance, overlap and footprint: UNMISS payroll moves from Geneva to Nairobi', async () => {
    const inst = tiny();
    const r = await optimise(inst, withOptions({}));
    expect(r.status).toBe('optimal');
    expect(r.assignment).toEqual(['UNON', 'UNON', 'UNON']);
    expect(r.gap).toBeLessThanOrEqual(1e-6);
    expect(r.measures?.breaches).toEqual({ onSite: 0, capacity: 0, unserved: 0, unpriced: 0 });
    // Keeping today's assignments gives today's objective.
    const kept = await optimise(inst, withOptions({ keepCurrent: 'all' }));
    expect(kept.assignment).toEqual(['UNON', 'UNOG', 'UNON']);
    expect(kept.objectiveUsd).toBeGreaterThan(r.objectiveUsd as number);
    // A 60% utilisation cap (9,000 at UNON) leaves room for one payroll demand there.
    const capped = await optimise(inst, withOptions({ maxUtilisationPercent: 60 }));
    expect(capped.assignment.filter((p, i) => p === 'UNON' && inst.demands[i]?.service === 'PAY-PAYROLL')).toHaveLength(1);
  });
});

describe('a short limit on a mid-size instance (the polish with capped per-service runs)', () => {
  it('keeps every constraint, beats greedy, and reports a proven bound under its objective', async () => {
    const instance = syntheticInstance({ entities: 80, services: 20, providers: 10, seed: 5, offerShare: 0.45 });
    // A gap the relaxation alone does not close in 3 s, so the polish and local search run.
    const options: PlanOptions = { ...DEFAULT_OPTIONS, solver: { timeLimitSeconds: 3, relativeGap: 1e-5 } };
    const r = await optimise(instance, options);
    expect(r.solverStatus).toMatch(/polish and local search \(\d+ rounds/);
    expect(r.assignment).toHaveLength(instance.demands.length);
    expect(checkFeasible(indexInstance(instance, options), r.assignment)).toEqual([]);
    expect(audit(instance, options, r.assignment)).toEqual({ onSiteBreaches: 0, capacityBreaches: 0 });
    const g = greedy(instance, options);
    expect(g.unserved).toBe(0);
    expect(r.objectiveUsd as number).toBeLessThan(g.measures.objectiveUsd);
    expect(r.boundUsd as number).toBeLessThanOrEqual(r.objectiveUsd as number);
    expect(r.gap as number).toBeCloseTo(((r.objectiveUsd as number) - (r.boundUsd as number)) / (r.objectiveUsd as number), 9);
  });
});
