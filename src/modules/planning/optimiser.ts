/**
 * The planning optimiser: a mixed-integer program, bounded by a Lagrangian relaxation and solved with
 * it and HiGHS (the `highs` package, WebAssembly, loaded once per process or worker), and the greedy
 * baseline it is measured against.
 *
 * Formulation (docs/decisions/0011-planning-optimiser.md): binary x[d,p] = demand d served by choice p
 * (a provider, or own support); continuous y[e,p] in [0,1] = entity e deals with provider p.
 *   minimise   sum x[d,p] * coef[d,p]  +  relationshipUsd * sum y[e,p]
 *   subject to sum_p x[d,p] = 1                                  (every demand served once)
 *              sum_d q[d] x[d,p] <= capacity[p,s] * maxUtil/100     (each provider and service)
 *              x[d,p] <= y[e(d),p]                                (relationships)
 *              x[d,current(d)] = 1                                (kept assignments, optional)
 *              x[d,p] = x[d',p] for d, d' of one entity and line   (one provider per line, optional)
 * coef[d,p] = cost (q x unit cost, USD) + footprint, distance and overlap penalties (USD).
 * Only eligible pairs get a column, so the on-site rule holds by construction.
 *
 * Solve (docs/decisions/0016-planning-lagrangian.md): a Lagrangian relaxation of the capacities gives a
 * proven bound and, repaired and improved by local search, a solution (lagrangian.ts); while the gap is
 * open, a per-service polish (relationships fixed, each service's assignment exact in HiGHS), then a
 * restricted MIP over the columns the relaxation used and the full MIP (models up to MAX_MIP_COLUMNS).
 * The reported gap is (objective - best proven bound) / objective.
 */

import type { Highs, Model } from 'highs';
import * as highsModule from 'highs';
import { diagnose, explainPacking, type InfeasibilityFinding } from './diagnose.ts';
import { improveAssignment, lagrangianSolve, stats as lagStats } from './lagrangian.ts';
import {
  type AssignmentVector,
  checkFeasible,
  type IndexedInstance,
  indexInstance,
  measure,
  type PlanInstance,
  type PlanMeasures,
  type PlanOptions,
} from './model.ts';

let highsPromise: Promise<Highs> | undefined;

/** Models with more columns than this are not handed to HiGHS whole (its root LP alone overran 240 s at 389k). */
export const MAX_MIP_COLUMNS = 150_000;
/** Share of the time limit given to the Lagrangian stage when the MIP stages follow. */
const LAGRANGIAN_SHARE = 0.7;
/** Share of the time limit after which the relaxation stops when it has no feasible solution yet. */
const NO_SOLUTION_SHARE = 0.15;
/** Share of the remaining time given to the restricted MIP. */
const RESTRICTED_SHARE = 0.3;
/** Share of the remaining time given to the per-service polish and local search, its rounds at most, and the local search's budget per round (ms). */
const POLISH_SHARE = 0.8;
const POLISH_ROUNDS = 4;
const LOCAL_SEARCH_MS = 3000;
/**
 * Cap of each service's HiGHS run in the polish (s). Short: a few services' exact runs take seconds for
 * little; capped at 0.3 s the base benchmark's polish brought 226.358 M USD in 3.2 s CPU, against
 * 226.340 M in 7.1 s with 1 s (decision 0020).
 */
const POLISH_SERVICE_S = 0.3;

/** The HiGHS runtime, loaded on first use and kept for the life of the process. */
export function highsRuntime(): Promise<Highs> {
  if (!highsPromise) {
    // The package's types are CommonJS-shaped; under ESM its loader is the module's default export
    // (under CommonJS interop, the default's default).
    const d = (highsModule as unknown as { default: unknown }).default;
    const load = (typeof d === 'function' ? d : (d as { default: unknown }).default) as () => Promise<Highs>;
    highsPromise = load();
  }
  return highsPromise;
}

/** optimal: proved within the gap; feasible: a limit stopped it with a solution; infeasible: explained. */
export type PlanStatus = 'optimal' | 'feasible' | 'infeasible' | 'error';

export interface SolveOutcome {
  status: PlanStatus;
  /** HiGHS model status, e.g. "Optimal", "Time limit reached"; "not run" when the diagnosis stopped it. */
  solverStatus: string;
  /** Objective in USD per year (null without a solution). */
  objectiveUsd: number | null;
  /** Best bound in USD per year. */
  boundUsd: number | null;
  /** Relative optimality gap (0.001 = 0.1%). */
  gap: number | null;
  /** Wall-clock time of the solve (model building excluded), ms. */
  solveTimeMs: number;
  /** Wall-clock time to build the model, ms. */
  buildTimeMs: number;
  model: { columns: number; binaries: number; rows: number; nonzeros: number };
  /** Per demand, the chosen provider (null: own support); empty without a solution. */
  assignment: AssignmentVector;
  measures: PlanMeasures | null;
  infeasibility: InfeasibilityFinding[];
}

interface BuiltModel {
  numCols: number;
  numRows: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
  integrality: Int32Array;
  /** Column of x: demand index and choice index. */
  xDemand: Int32Array;
  xChoice: Int32Array;
  xCount: number;
  binaries: number;
  /** Column of y per `entity|provider` (relationships). */
  yOf: Map<string, number>;
}

/** Growable CSR builder. */
class Rows {
  starts: number[] = [0];
  indices: number[] = [];
  values: number[] = [];
  lower: number[] = [];
  upper: number[] = [];
  add(cols: number[], vals: number[], lo: number, up: number): void {
    for (let k = 0; k < cols.length; k++) {
      this.indices.push(cols[k] as number);
      this.values.push(vals[k] as number);
    }
    this.starts.push(this.indices.length);
    this.lower.push(lo);
    this.upper.push(up);
  }
  get count(): number {
    return this.lower.length;
  }
}

/**
 * Builds the MIP in CSR form. `restrict` (per demand, the providers allowed; null = own support) keeps
 * only those columns (a restricted MIP, for the heuristic).
 */
function buildModel(
  ix: IndexedInstance,
  inf: number,
  elastic: boolean,
  restrict: Array<Set<string | null>> | null = null,
): BuiltModel {
  const { demands } = ix.instance;
  const c = ix.options.constraints;
  const relUsd = elastic ? 0 : ix.options.weights.providerRelationshipUsd;
  const costs: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  const integ: number[] = [];
  const xDemand: number[] = [];
  const xChoice: number[] = [];
  const colOf: Array<Map<string | null, number>> = [];
  demands.forEach((_, i) => {
    const m = new Map<string | null, number>();
    (ix.eligible[i] ?? []).forEach((ch, j) => {
      if (restrict && !restrict[i]?.has(ch.provider)) return;
      m.set(ch.provider, costs.length);
      costs.push(elastic ? 0 : ch.coefficientUsd);
      lower.push(0);
      upper.push(1);
      integ.push(1);
      xDemand.push(i);
      xChoice.push(j);
    });
    colOf.push(m);
  });
  const xCount = costs.length;
  const rows = new Rows();
  // Every demand served once (elastic: or left unserved through its slack column, added below).
  const slackOf: number[] = [];
  demands.forEach((_, i) => {
    const cols = [...(colOf[i] as Map<string | null, number>).values()];
    if (elastic) {
      slackOf[i] = costs.length;
      costs.push(1);
      lower.push(0);
      upper.push(1);
      integ.push(0);
      cols.push(slackOf[i] as number);
    }
    rows.add(
      cols,
      cols.map(() => 1),
      1,
      1,
    );
  });
  // Capacity of each (provider, service).
  const capCols = new Map<string, { cols: number[]; vals: number[] }>();
  demands.forEach((d, i) => {
    for (const [p, col] of colOf[i] as Map<string | null, number>) {
      if (p === null) continue;
      const k = `${p}|${d.service}`;
      const e = capCols.get(k) ?? { cols: [], vals: [] };
      e.cols.push(col);
      e.vals.push(d.quantity);
      capCols.set(k, e);
    }
  });
  for (const [k, e] of capCols) {
    const o = ix.offer.get(k);
    const cap = o ? ix.usable(o) : 0;
    const total = e.vals.reduce((a, v) => a + v, 0);
    if (total > cap + 1e-9) rows.add(e.cols, e.vals, -inf, cap);
  }
  // Relationships: x[d,p] <= y[e,p].
  const yOf = new Map<string, number>();
  if (relUsd > 0) {
    demands.forEach((d, i) => {
      for (const [p, col] of colOf[i] as Map<string | null, number>) {
        if (p === null) continue;
        const k = `${d.entity}|${p}`;
        let y = yOf.get(k);
        if (y === undefined) {
          y = costs.length;
          yOf.set(k, y);
          costs.push(relUsd);
          lower.push(0);
          upper.push(1);
          integ.push(0);
        }
        rows.add([col, y], [1, -1], -inf, 0);
      }
    });
  }
  // Kept assignments: fix x[d,current] = 1 when eligible (the diagnosis reports those that are not).
  const keptEntities = Array.isArray(c.keepCurrent) ? new Set(c.keepCurrent) : null;
  if (c.keepCurrent !== 'none') {
    demands.forEach((d, i) => {
      if (c.keepCurrent !== 'all' && !keptEntities?.has(d.entity)) return;
      const col = (colOf[i] as Map<string | null, number>).get(d.current);
      if (col !== undefined) lower[col] = 1;
    });
  }
  // One provider per service line: x[d,p] = x[lead,p] for the other demands of the entity's line.
  if (c.oneProviderPerServiceLine) {
    const lead = new Map<string, number>();
    demands.forEach((d, i) => {
      const k = `${d.entity}|${ix.service.get(d.service)?.serviceLine ?? ''}`;
      const l = lead.get(k);
      if (l === undefined) {
        lead.set(k, i);
        return;
      }
      const lc = colOf[l] as Map<string | null, number>;
      const mc = colOf[i] as Map<string | null, number>;
      for (const [p, col] of mc) {
        const lcol = lc.get(p);
        if (lcol === undefined) upper[col] = 0;
        else rows.add([col, lcol], [1, -1], 0, 0);
      }
      for (const [p, lcol] of lc) if (!mc.has(p)) upper[lcol] = 0;
    });
  }
  return {
    numCols: costs.length,
    numRows: rows.count,
    colCost: Float64Array.from(costs),
    colLower: Float64Array.from(lower),
    colUpper: Float64Array.from(upper),
    rowLower: Float64Array.from(rows.lower),
    rowUpper: Float64Array.from(rows.upper),
    starts: Int32Array.from(rows.starts),
    indices: Int32Array.from(rows.indices),
    values: Float64Array.from(rows.values),
    integrality: Int32Array.from(integ),
    xDemand: Int32Array.from(xDemand),
    xChoice: Int32Array.from(xChoice),
    xCount,
    binaries: integ.filter((v) => v === 1).length,
    yOf,
  };
}

/** A full start vector from an assignment that serves every demand (x and the y it implies), or null. */
function startFrom(ix: IndexedInstance, b: BuiltModel, assignment: AssignmentVector): Float64Array | null {
  if (assignment.some((p) => p === undefined)) return null;
  const v = new Float64Array(b.numCols);
  for (let col = 0; col < b.xCount; col++) {
    const i = b.xDemand[col] as number;
    const p = ix.eligible[i]?.[b.xChoice[col] as number]?.provider;
    if (p !== assignment[i]) continue;
    v[col] = 1;
    const y = p === null || p === undefined ? undefined : b.yOf.get(`${ix.instance.demands[i]?.entity}|${p}`);
    if (y !== undefined) v[y] = 1;
  }
  return v;
}

/**
 * Polish with the relationships fixed: keeping the incumbent's (entity, provider) relationships (already
 * paid) and own support where allowed, the assignment problem splits by service (a generalized assignment
 * problem: each demand to one of its entity's providers or own support, within capacities), solved
 * exactly by HiGHS service by service from the incumbent. Relationships left unused drop out of the
 * objective. Not used under one provider per service line (services of a line are then linked).
 * `deadline` is in `performance.now()` ms; `perServiceS` caps each service's HiGHS run (s; its best solution so far counts).
 * @returns the improved assignment (the incumbent when nothing improves), every constraint kept.
 */
function polishByService(
  highs: Highs,
  ix: IndexedInstance,
  incumbent: AssignmentVector,
  deadline: number,
  perServiceS = POLISH_SERVICE_S,
): AssignmentVector {
  const { demands } = ix.instance;
  const c = ix.options.constraints;
  if (c.oneProviderPerServiceLine) return incumbent;
  const keptEntities = Array.isArray(c.keepCurrent) ? new Set(c.keepCurrent) : null;
  const kept = (e: string) => c.keepCurrent === 'all' || (keptEntities?.has(e) ?? false);
  const related = new Set<string>();
  demands.forEach((d, i) => {
    const p = incumbent[i];
    if (p) related.add(`${d.entity}|${p}`);
  });
  const byService = new Map<string, number[]>();
  demands.forEach((d, i) => {
    const list = byService.get(d.service) ?? [];
    list.push(i);
    byService.set(d.service, list);
  });
  const out = [...incumbent];
  for (const [service, list] of byService) {
    if (performance.now() > deadline - 200) break;
    const costs: number[] = [];
    const colDemand: number[] = [];
    const colProvider: Array<string | null> = [];
    const rows = new Rows();
    const capCols = new Map<string, { cols: number[]; vals: number[] }>();
    const start: number[] = [];
    let free = 0;
    for (const i of list) {
      const d = demands[i] as (typeof demands)[number];
      const cols: number[] = [];
      for (const ch of ix.eligible[i] ?? []) {
        if (kept(d.entity) && ch.provider !== d.current) continue;
        if (ch.provider !== null && !related.has(`${d.entity}|${ch.provider}`)) continue;
        const col = costs.length;
        costs.push(ch.coefficientUsd);
        colDemand.push(i);
        colProvider.push(ch.provider);
        start.push(ch.provider === out[i] ? 1 : 0);
        cols.push(col);
        if (ch.provider !== null) {
          const k = `${ch.provider}|${service}`;
          const e = capCols.get(k) ?? { cols: [], vals: [] };
          e.cols.push(col);
          e.vals.push(d.quantity);
          capCols.set(k, e);
        }
      }
      if (cols.length > 1) free++;
      rows.add(
        cols,
        cols.map(() => 1),
        1,
        1,
      );
    }
    if (free === 0) continue;
    for (const [k, e] of capCols) {
      const o = ix.offer.get(k);
      const cap = o ? ix.usable(o) : 0;
      if (e.vals.reduce((a, v) => a + v, 0) > cap + 1e-9) rows.add(e.cols, e.vals, -highs.infinity, cap);
    }
    const n = costs.length;
    const built: BuiltModel = {
      numCols: n,
      numRows: rows.count,
      colCost: Float64Array.from(costs),
      colLower: new Float64Array(n),
      colUpper: new Float64Array(n).fill(1),
      rowLower: Float64Array.from(rows.lower),
      rowUpper: Float64Array.from(rows.upper),
      starts: Int32Array.from(rows.starts),
      indices: Int32Array.from(rows.indices),
      values: Float64Array.from(rows.values),
      integrality: new Int32Array(n).fill(1),
      xDemand: Int32Array.from(colDemand),
      xChoice: new Int32Array(n),
      xCount: n,
      binaries: n,
      yOf: new Map(),
    };
    const before = start.reduce((a, v, col) => a + v * (costs[col] as number), 0);
    const r = runModel(
      highs,
      built,
      { relativeGap: 1e-5, timeLimitSeconds: Math.max(0.1, Math.min(perServiceS, (deadline - performance.now()) / 1000)) },
      Float64Array.from(start),
    );
    if (!r.colValue || !(r.objective < before - 1e-6 * Math.max(1, Math.abs(before)))) continue;
    for (let col = 0; col < n; col++) if ((r.colValue[col] as number) > 0.5) out[colDemand[col] as number] = colProvider[col];
  }
  return checkFeasible(ix, out).length === 0 ? out : incumbent;
}

function runModel(
  highs: Highs,
  b: BuiltModel,
  solver: PlanOptions['solver'],
  start: Float64Array | null = null,
  objectiveTarget: number | null = null,
): {
  status: number;
  statusText: string;
  colValue: Float64Array | null;
  objective: number;
  bound: number;
  gap: number;
  ms: number;
} {
  const model: Model = highs.createModel({
    numCols: b.numCols,
    numRows: b.numRows,
    colCost: b.colCost,
    colLower: b.colLower,
    colUpper: b.colUpper,
    rowLower: b.rowLower,
    rowUpper: b.rowUpper,
    matrix: { format: 'csr', numRows: b.numRows, numCols: b.numCols, starts: b.starts, indices: b.indices, values: b.values },
    integrality: b.integrality as unknown as Int32Array,
  });
  try {
    model.options.set({
      output_flag: false,
      mip_rel_gap: solver.relativeGap,
      time_limit: solver.timeLimitSeconds,
      // Stop as soon as the incumbent is within the gap of a bound proven elsewhere (the relaxation's).
      ...(objectiveTarget !== null ? { objective_target: objectiveTarget } : {}),
    });
    const t0 = performance.now();
    // A feasible start (the greedy baseline's assignment) gives the search an incumbent from the outset.
    if (start) model.setSolution({ colValue: start });
    model.run();
    const ms = performance.now() - t0;
    const status = model.getModelStatus();
    const hasSolution = Number(model.info.get('primal_solution_status')) === 2;
    const statusText = statusName(highs, status);
    return {
      status,
      statusText,
      colValue: hasSolution ? model.getSolution().colValue : null,
      objective: hasSolution ? model.getObjectiveValue() : Number.NaN,
      bound: Number(model.info.get('mip_dual_bound')),
      gap: Number(model.info.get('mip_gap')),
      ms,
    };
  } finally {
    model.dispose();
  }
}

function statusName(highs: Highs, code: number): string {
  const names: Record<string, string> = {
    notSet: 'Not set',
    loadError: 'Load error',
    modelError: 'Model error',
    presolveError: 'Presolve error',
    solveError: 'Solve error',
    postsolveError: 'Postsolve error',
    empty: 'Empty',
    optimal: 'Optimal',
    infeasible: 'Infeasible',
    unboundedOrInfeasible: 'Primal infeasible or unbounded',
    unbounded: 'Unbounded',
    objectiveBound: 'Bound on objective reached',
    objectiveTarget: 'Target for objective reached',
    timeLimit: 'Time limit reached',
    iterationLimit: 'Iteration limit reached',
    unknown: 'Unknown',
    solutionLimit: 'Solution limit reached',
    interrupted: 'Interrupted',
  };
  const entry = Object.entries(highs.constants.modelStatus).find(([, v]) => v === code);
  return entry ? (names[entry[0]] ?? entry[0]) : `status ${code}`;
}

function decode(ix: IndexedInstance, b: BuiltModel, colValue: Float64Array): AssignmentVector {
  const out: AssignmentVector = ix.instance.demands.map(() => undefined);
  for (let col = 0; col < b.xCount; col++) {
    if ((colValue[col] as number) > 0.5) {
      const i = b.xDemand[col] as number;
      out[i] = ix.eligible[i]?.[b.xChoice[col] as number]?.provider;
    }
  }
  return out;
}

const finite = (v: number) => (Number.isFinite(v) ? v : null);

/**
 * Solves the planning MIP for `instance` under `options` within `options.solver.timeLimitSeconds` (wall
 * clock; HiGHS may overrun it while in one phase, which the worker in solve-in-worker.ts bounds). Runs the
 * domain diagnosis first: when it finds demands that cannot be met, returns status `infeasible` with
 * those findings and does not call the solver. Then the stages in the module comment; status `optimal`
 * when the proven gap is within `options.solver.relativeGap`, `feasible` otherwise. When no stage finds a
 * feasible assignment, the full MIP decides, and when it proves infeasibility (capacity packing), the
 * elastic model (fewest unserved demands) names the demands that cannot be placed.
 * @returns the outcome; never throws for an infeasible or time-limited model.
 * @throws Error when HiGHS fails to load.
 */
export async function optimise(instance: PlanInstance, options: PlanOptions): Promise<SolveOutcome> {
  const highs = await highsRuntime();
  const tb = performance.now();
  const ix = indexInstance(instance, options);
  const findings = diagnose(ix);
  const empty = { columns: 0, binaries: 0, rows: 0, nonzeros: 0 };
  if (findings.length > 0) {
    return {
      status: 'infeasible',
      solverStatus: 'not run',
      objectiveUsd: null,
      boundUsd: null,
      gap: null,
      solveTimeMs: 0,
      buildTimeMs: performance.now() - tb,
      model: empty,
      assignment: [],
      measures: null,
      infeasibility: findings,
    };
  }
  const b = buildModel(ix, highs.infinity, false);
  const buildTimeMs = performance.now() - tb;
  const modelSize = { columns: b.numCols, binaries: b.binaries, rows: b.numRows, nonzeros: b.values.length };
  if (instance.demands.length === 0) {
    return {
      status: 'optimal',
      solverStatus: 'Empty',
      objectiveUsd: 0,
      boundUsd: 0,
      gap: 0,
      solveTimeMs: 0,
      buildTimeMs,
      model: modelSize,
      assignment: [],
      measures: measure(ix, []),
      infeasibility: [],
    };
  }
  const t0 = performance.now();
  const deadline = t0 + options.solver.timeLimitSeconds * 1000;
  const relGap = options.solver.relativeGap;
  const greedyStart = greedyOn(ix).assignment;
  const codes = highs.constants.modelStatus;
  // The MIP stages are run only on models HiGHS gets through in reasonable time (its root LP on the
  // 10x benchmark instance, 389k columns, overran any limit); above that the relaxation alone answers.
  const mipAllowed = b.numCols <= MAX_MIP_COLUMNS;
  // 1. Lagrangian relaxation of the capacities: a proven lower bound and a feasible assignment.
  const lag = lagrangianSolve(ix, {
    relativeGap: relGap,
    timeLimitMs: options.solver.timeLimitSeconds * 1000 * (mipAllowed ? LAGRANGIAN_SHARE : 1),
    // Without a feasible solution by then (tight capacities the repair cannot meet), leave the time to
    // the MIP, which finds one.
    giveUpWithoutSolutionMs: options.solver.timeLimitSeconds * 1000 * NO_SOLUTION_SHARE,
    start: greedyStart,
  });
  let lower = lag.lowerUsd;
  let bestAssignment: AssignmentVector | null = lag.upperUsd !== null ? lag.assignment : null;
  let upper = lag.upperUsd ?? Number.POSITIVE_INFINITY;
  const mUsd = (v: number) => (Number.isFinite(v) ? `${(v / 1e6).toFixed(3)} M USD` : 'none');
  const stages: string[] = [
    `Lagrangian relaxation (${lag.iterations} iterations, ${((performance.now() - t0) / 1000).toFixed(1)} s (subproblems ${(lagStats.uflMs / 1000).toFixed(1)} s, repair and search ${(lagStats.primalMs / 1000).toFixed(1)} s), bound ${mUsd(lower)}, solution ${mUsd(upper)})`,
  ];
  let highsStatus: number | null = null;
  let fullRun: ReturnType<typeof runModel> | null = null;
  const remainingS = () => Math.max(0.5, (deadline - performance.now()) / 1000);
  if (!bestAssignment) {
    // 1b. No feasible assignment from the relaxation: the full MIP with the rest of the time (its
    // bound and the relaxation's both count; it also proves infeasibility, explained below).
    const start = options.constraints.oneProviderPerServiceLine ? null : startFrom(ix, b, greedyStart);
    fullRun = runModel(
      highs,
      b,
      { relativeGap: relGap, timeLimitSeconds: remainingS() },
      start,
      Number.isFinite(lower) ? lower / (1 - relGap) : null,
    );
    highsStatus = fullRun.status;
    if (fullRun.colValue) {
      const cand = decode(ix, b, fullRun.colValue);
      if (checkFeasible(ix, cand).length === 0) {
        bestAssignment = cand;
        upper = measure(ix, cand).objectiveUsd;
      }
    }
    if (Number.isFinite(fullRun.bound) && bestAssignment) lower = Math.max(lower, Math.min(fullRun.bound, upper));
    stages.push(
      `HiGHS MIP (${(fullRun.ms / 1000).toFixed(1)} s: ${fullRun.statusText}${bestAssignment ? `, ${mUsd(upper)}, bound ${mUsd(lower)}` : ''})`,
    );
  }
  const gapOf = () => (Number.isFinite(upper) ? Math.max(0, (upper - lower) / Math.max(1e-9, Math.abs(upper))) : null);
  if (bestAssignment && (gapOf() as number) > relGap) {
    // 2. Alternately: relationships fixed, each service's assignment exactly (polish); then the local
    // search, which opens and closes relationships; while either improves.
    const tp = performance.now();
    // On a short rest (under 20 s) all of it: the restricted MIP did not improve on the polish there.
    const polishEnd = deadline - tp < 20_000 ? deadline : tp + POLISH_SHARE * (deadline - tp);
    const better = (cand: AssignmentVector | null): boolean => {
      if (!cand || checkFeasible(ix, cand).length > 0) return false;
      const v = measure(ix, cand).objectiveUsd;
      if (!(v < upper - 1e-7 * Math.abs(upper))) return false;
      bestAssignment = cand;
      upper = v;
      return true;
    };
    let rounds = 0;
    let polishMs = 0;
    while (rounds < POLISH_ROUNDS && performance.now() < polishEnd - 200 && (gapOf() as number) > relGap) {
      rounds++;
      const tq = performance.now();
      const a = better(polishByService(highs, ix, bestAssignment, polishEnd));
      polishMs += performance.now() - tq;
      if ((gapOf() as number) <= relGap) break;
      const b = better(
        improveAssignment(ix, bestAssignment, Math.max(0, Math.min(LOCAL_SEARCH_MS, polishEnd - performance.now()))),
      );
      if (!a && !b) break;
    }
    if (rounds > 0)
      stages.push(
        `polish and local search (${rounds} rounds, ${((performance.now() - tp) / 1000).toFixed(1)} s, polish ${(polishMs / 1000).toFixed(1)} s, ${mUsd(upper)})`,
      );
  }
  if (bestAssignment && (gapOf() as number) > relGap && mipAllowed && fullRun === null) {
    // 3. Restricted MIP over the choices the relaxation used: a better incumbent, fast (its bound is not
    // a bound of the full model and is not used).
    const remaining = () => Math.max(0, (deadline - performance.now()) / 1000);
    const rb = buildModel(ix, highs.infinity, false, lag.pool);
    if (rb.numCols < b.numCols && remaining() > 0.5) {
      const rr = runModel(
        highs,
        rb,
        // On a short budget the restricted MIP gets all of it: the full MIP's root LP alone takes longer.
        { relativeGap: relGap, timeLimitSeconds: remaining() > 20 ? remaining() * RESTRICTED_SHARE : remaining() },
        startFrom(ix, rb, bestAssignment),
        Number.isFinite(lower) ? lower / (1 - relGap) : null,
      );
      if (rr.colValue && rr.objective < upper - 1e-6) {
        const cand = decode(ix, rb, rr.colValue);
        if (checkFeasible(ix, cand).length === 0) {
          bestAssignment = cand;
          upper = measure(ix, cand).objectiveUsd;
        }
      }
      stages.push(`restricted MIP (${rb.binaries} binaries, ${(rr.ms / 1000).toFixed(1)} s: ${rr.statusText}, ${mUsd(upper)})`);
    }
    // 4. The full MIP from the best incumbent; its bound counts when above the relaxation's, and it stops
    // as soon as its incumbent is within the gap of the relaxation's bound (objective target).
    if ((gapOf() as number) > relGap && remaining() > 5) {
      const fr = runModel(
        highs,
        b,
        { relativeGap: relGap, timeLimitSeconds: remaining() },
        startFrom(ix, b, bestAssignment),
        Number.isFinite(lower) ? lower / (1 - relGap) : null,
      );
      highsStatus = fr.status;
      if (fr.colValue && fr.objective < upper - 1e-6) {
        const cand = decode(ix, b, fr.colValue);
        if (checkFeasible(ix, cand).length === 0) {
          bestAssignment = cand;
          upper = measure(ix, cand).objectiveUsd;
        }
      }
      if (Number.isFinite(fr.bound)) lower = Math.max(lower, Math.min(fr.bound, upper));
      stages.push(`HiGHS MIP (${(fr.ms / 1000).toFixed(1)} s: ${fr.statusText}, ${mUsd(upper)}, bound ${mUsd(lower)})`);
    }
  }
  if (bestAssignment) {
    const gap = gapOf() as number;
    const optimal = gap <= relGap + 1e-12;
    return {
      status: optimal ? 'optimal' : 'feasible',
      solverStatus: `${optimal ? 'Optimal' : highsStatus === codes.timeLimit || performance.now() >= deadline ? 'Time limit reached' : 'Stopped'}: ${stages.join(', ')}`,
      objectiveUsd: upper,
      boundUsd: Number.isFinite(lower) ? lower : null,
      gap: Number.isFinite(lower) ? gap : null,
      solveTimeMs: performance.now() - t0,
      buildTimeMs,
      model: modelSize,
      assignment: bestAssignment,
      measures: measure(ix, bestAssignment),
      infeasibility: [],
    };
  }
  // No feasible assignment at all: the full MIP's verdict (infeasible, or stopped without a solution).
  const r = fullRun as ReturnType<typeof runModel>;
  if (r.colValue) {
    const assignment = decode(ix, b, r.colValue);
    return {
      status: r.status === codes.optimal ? 'optimal' : 'feasible',
      solverStatus: r.statusText,
      objectiveUsd: r.objective,
      boundUsd: finite(r.bound),
      gap: r.status === codes.optimal && !Number.isFinite(r.gap) ? 0 : finite(r.gap),
      solveTimeMs: r.ms,
      buildTimeMs,
      model: modelSize,
      assignment,
      measures: measure(ix, assignment),
      infeasibility: [],
    };
  }
  if (r.status === codes.infeasible || r.status === codes.unboundedOrInfeasible) {
    const eb = buildModel(ix, highs.infinity, true);
    const er = runModel(highs, eb, { ...options.solver, timeLimitSeconds: remainingS() });
    const unserved: number[] = [];
    if (er.colValue) {
      // Slack columns follow each demand's x columns in order; a demand is unserved when none of its x is 1.
      const served = decode(ix, eb, er.colValue);
      served.forEach((p, i) => {
        if (p === undefined) unserved.push(i);
      });
    }
    return {
      status: 'infeasible',
      solverStatus: r.statusText,
      objectiveUsd: null,
      boundUsd: null,
      gap: null,
      solveTimeMs: r.ms + er.ms,
      buildTimeMs,
      model: modelSize,
      assignment: [],
      measures: null,
      infeasibility: unserved.length
        ? explainPacking(ix, unserved)
        : [
            {
              code: 'CAPACITY_PACKING',
              message: 'The demands cannot all be placed within the usable capacities together with the optional constraints',
            },
          ],
    };
  }
  return {
    status: 'error',
    solverStatus: r.statusText,
    objectiveUsd: null,
    boundUsd: null,
    gap: null,
    solveTimeMs: r.ms,
    buildTimeMs,
    model: modelSize,
    assignment: [],
    measures: null,
    infeasibility: [],
  };
}

/** The greedy baseline's outcome. */
export interface GreedyOutcome {
  assignment: AssignmentVector;
  measures: PlanMeasures;
  /** Demands it could not place (capacity exhausted by earlier, larger demands). */
  unserved: number;
  timeMs: number;
}

/**
 * The greedy baseline: demands taken largest first, each to its cheapest eligible choice (cost plus
 * penalties, relationships apart) with capacity left; kept assignments are placed first. It ignores
 * the one-provider-per-line constraint.
 */
export function greedy(instance: PlanInstance, options: PlanOptions): GreedyOutcome {
  const t0 = performance.now();
  const out = greedyOn(indexInstance(instance, options));
  return { ...out, timeMs: performance.now() - t0 };
}

function greedyOn(ix: IndexedInstance): GreedyOutcome {
  const t0 = performance.now();
  const { instance, options } = ix;
  const { demands } = instance;
  const left = new Map<string, number>();
  for (const o of instance.offers) left.set(`${o.provider}|${o.service}`, ix.usable(o));
  const assignment: AssignmentVector = demands.map(() => undefined);
  const c = options.constraints;
  const keptEntities = Array.isArray(c.keepCurrent) ? new Set(c.keepCurrent) : null;
  const order = demands.map((_, i) => i);
  const kept = (i: number) => c.keepCurrent === 'all' || (keptEntities?.has(demands[i]?.entity as string) ?? false);
  order.sort((a, b) => Number(kept(b)) - Number(kept(a)) || (demands[b]?.quantity ?? 0) - (demands[a]?.quantity ?? 0));
  let unserved = 0;
  for (const i of order) {
    const d = demands[i];
    if (!d) continue;
    const choices = [...(ix.eligible[i] ?? [])]
      .filter((ch) => !kept(i) || ch.provider === d.current)
      .sort((a, b) => a.coefficientUsd - b.coefficientUsd);
    const pick = choices.find(
      (ch) => ch.provider === null || (left.get(`${ch.provider}|${d.service}`) ?? 0) >= d.quantity - 1e-9,
    );
    if (!pick) {
      unserved++;
      continue;
    }
    assignment[i] = pick.provider;
    if (pick.provider !== null) {
      const k = `${pick.provider}|${d.service}`;
      left.set(k, (left.get(k) ?? 0) - d.quantity);
    }
  }
  return { assignment, measures: measure(ix, assignment), unserved, timeMs: performance.now() - t0 };
}

/** Hard-rule violations of `assignment` (empty when feasible); see `checkFeasible`. */
export function violations(instance: PlanInstance, options: PlanOptions, assignment: AssignmentVector): string[] {
  return checkFeasible(indexInstance(instance, options), assignment);
}
