/**
 * Exhaustive search for the planning tests: every combination of eligible choices (a provider or own
 * support per demand), the best objective (USD per year) among the feasible ones. Exponential: tiny
 * instances only (a few demands).
 */
import {
  type AssignmentVector,
  checkFeasible,
  indexInstance,
  measure,
  type PlanInstance,
  type PlanOptions,
} from '../../src/modules/planning/model.ts';

/** The best feasible objective and its assignment, or null when no assignment is feasible. */
export function exhaustive(instance: PlanInstance, options: PlanOptions): { best: number; vector: AssignmentVector } | null {
  const ix = indexInstance(instance, options);
  const n = instance.demands.length;
  const current: AssignmentVector = new Array(n).fill(undefined);
  let best = Number.POSITIVE_INFINITY;
  let vector: AssignmentVector = [];
  const walk = (i: number) => {
    if (i === n) {
      if (checkFeasible(ix, current).length) return;
      const v = measure(ix, current).objectiveUsd;
      if (v < best) {
        best = v;
        vector = [...current];
      }
      return;
    }
    for (const c of ix.eligible[i] ?? []) {
      current[i] = c.provider;
      walk(i + 1);
    }
    current[i] = undefined;
  };
  walk(0);
  return Number.isFinite(best) ? { best, vector } : null;
}
