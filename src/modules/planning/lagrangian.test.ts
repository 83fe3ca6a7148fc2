import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exhaustive } from '../../../tests/helpers/planning-exhaustive.ts';
import { diagnose } from './diagnose.ts';
import { lagrangianSolve } from './lagrangian.ts';
import { checkFeasible, DEFAULT_OPTIONS, indexInstance, measure, type PlanConstraints, type PlanOptions } from './model.ts';
import { greedy } from './optimiser.ts';
import { syntheticInstance } from './synthetic.ts';

function withOptions(constraints: Partial<PlanConstraints>, relationshipUsd: number): PlanOptions {
  return {
    weights: { ...DEFAULT_OPTIONS.weights, providerRelationshipUsd: relationshipUsd },
    constraints: { ...DEFAULT_OPTIONS.constraints, ...constraints },
    solver: { timeLimitSeconds: 10, relativeGap: 1e-9 },
  };
}

describe('the Lagrangian relaxation of the capacities', () => {
  it('gives a lower bound <= the exhaustive optimum <= its feasible upper bound (small random instances)', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          entities: fc.integer({ min: 2, max: 3 }),
          services: fc.integer({ min: 2, max: 3 }),
          slack: fc.double({ min: 1.05, max: 2, noNaN: true }),
          util: fc.constantFrom(70, 90, 100),
          line: fc.boolean(),
          ownSupport: fc.constantFrom('current' as const, 'all' as const, 'none' as const),
          relationshipUsd: fc.constantFrom(0, 20_000, 200_000),
        }),
        (p) => {
          const instance = syntheticInstance({
            seed: p.seed,
            entities: p.entities,
            services: p.services,
            providers: 3,
            capacitySlack: p.slack,
            entitiesPerStation: 1,
            offerShare: 0.8,
          });
          const options = withOptions(
            { maxUtilisationPercent: p.util, oneProviderPerServiceLine: p.line, ownSupport: p.ownSupport },
            p.relationshipUsd,
          );
          const brute = exhaustive(instance, options);
          const ix = indexInstance(instance, options);
          // Obvious infeasibility is diagnose's to report (optimise stops there); the relaxation starts after it.
          if (diagnose(ix).length > 0) return;
          const r = lagrangianSolve(ix, { relativeGap: 1e-9, timeLimitMs: 2000, maxIterations: 300 });
          expect(r.exact).toBe(true);
          const tol = 1e-6 * Math.max(1, Math.abs(brute?.best ?? 1));
          if (brute === null) {
            // Nothing feasible: the heuristic must not claim a solution.
            expect(r.upperUsd).toBeNull();
            return;
          }
          compared++;
          expect(r.lowerUsd).toBeLessThanOrEqual(brute.best + tol);
          if (r.upperUsd !== null) {
            expect(r.upperUsd).toBeGreaterThanOrEqual(brute.best - tol);
            expect(checkFeasible(ix, r.assignment)).toEqual([]);
            expect(Math.abs(measure(ix, r.assignment).objectiveUsd - r.upperUsd)).toBeLessThanOrEqual(tol);
          }
        },
      ),
      { numRuns: 40, seed: 11 },
    );
    expect(compared).toBeGreaterThanOrEqual(20);
  });

  it('is exact when no capacity can bind: bound and solution meet (one facility-location problem per entity)', () => {
    const instance = syntheticInstance({ seed: 5, entities: 12, services: 6, providers: 5, capacitySlack: 100 });
    // Capacities far above demand and the largest demand: no capacity row can bind.
    const options = withOptions({}, 20_000);
    const ix = indexInstance(instance, options);
    const r = lagrangianSolve(ix, { relativeGap: 1e-9, timeLimitMs: 5000 });
    expect(r.upperUsd).not.toBeNull();
    expect(((r.upperUsd as number) - r.lowerUsd) / (r.upperUsd as number)).toBeLessThanOrEqual(1e-9);
    expect(r.iterations).toBe(1);
  });

  it('repair and local search never break a constraint and never do worse than the greedy start (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          slack: fc.double({ min: 1.1, max: 1.8, noNaN: true }),
          util: fc.constantFrom(80, 100),
          line: fc.boolean(),
          keep: fc.constantFrom('none' as const, 'some' as const),
        }),
        (p) => {
          const instance = syntheticInstance({
            seed: p.seed,
            entities: 25,
            services: 6,
            providers: 5,
            capacitySlack: p.slack,
            offerShare: 0.5,
          });
          const options = withOptions(
            {
              maxUtilisationPercent: p.util,
              oneProviderPerServiceLine: p.line,
              keepCurrent: p.keep === 'some' ? ['E0', 'E3'] : 'none',
            },
            5000,
          );
          const ix = indexInstance(instance, options);
          if (diagnose(ix).length > 0) return;
          const g = greedy(instance, options);
          const r = lagrangianSolve(ix, { relativeGap: 1e-9, timeLimitMs: 1500, maxIterations: 60, start: g.assignment });
          if (r.upperUsd === null) return;
          expect(checkFeasible(ix, r.assignment)).toEqual([]);
          expect(r.lowerUsd).toBeLessThanOrEqual(r.upperUsd + 1e-6 * r.upperUsd);
          const gStart = checkFeasible(ix, g.assignment).length === 0 ? g.measures.objectiveUsd : Number.POSITIVE_INFINITY;
          expect(r.upperUsd).toBeLessThanOrEqual(gStart + 1e-6 * Math.abs(r.upperUsd));
        },
      ),
      { numRuns: 20, seed: 3 },
    );
  });
});
