/**
 * Lagrangian relaxation of the planning MIP's capacity rows, with a primal heuristic (rounding by the
 * relaxation, repair, local search). Pure TypeScript, no solver: it gives a proven lower bound and a
 * feasible assignment, so that the gap (upper - lower) / upper it reports is a proven gap.
 *
 * With multipliers lambda[p,s] >= 0 (USD per service unit) on the capacity rows
 * sum_d q[d] x[d,p] <= usable[p,s], the rest of the model splits into one uncapacitated facility-location
 * problem per client entity: customers are the entity's demands (or, under one provider per service
 * line, its service-line groups), facilities are the providers (fixed charge: the relationship weight,
 * USD), own support is a free facility where allowed, and serving a customer by p costs
 * coef[d,p] + lambda[p,s] q[d]. Each is solved exactly by branch and bound over the providers, so
 *   L(lambda) = sum_e UFL_e(lambda) - sum_{p,s} lambda[p,s] usable[p,s]
 * is a valid lower bound on the MIP's optimum, at least the LP bound at the best lambda (Geoffrion). The
 * multipliers are improved by subgradient steps (Polyak's rule with the best known objective).
 * Kept assignments narrow a demand's choices to today's provider; the on-site rule holds because only
 * eligible choices exist (model.ts). See docs/decisions/0016-planning-lagrangian.md.
 */
import type { AssignmentVector, IndexedInstance } from './model.ts';

const OWN = -1;
/** The subgradient stops when the bound rose by less than STALL_RISE (relative) in STALL_WINDOW iterations. */
const STALL_WINDOW = 50;
const STALL_RISE = 3e-5;

/**
 * The instance flattened for the relaxation: customers (a demand, or one entity's demands of one service
 * line when one provider per line is asked), their choices (a provider index or OWN) with the base
 * objective coefficient (USD) and the capacity rows (provider, service) each choice loads.
 */
export interface FlatInstance {
  providers: string[];
  /** Usable capacity of each capacity row (service units per year). */
  rowCap: Float64Array;
  /** Row label `provider|service`. */
  rowKey: string[];
  /** Whether a row can bind (the eligible demand on it exceeds its usable capacity). */
  rowBinds: Uint8Array;
  /** Customers of entity e: entityStart[e] .. entityStart[e+1]. */
  entityStart: Int32Array;
  /** Choices of customer g: choiceStart[g] .. choiceStart[g+1]. */
  choiceStart: Int32Array;
  choiceProvider: Int32Array;
  choiceBase: Float64Array;
  /** Load terms of choice k: termStart[k] .. termStart[k+1] (row, quantity). */
  termStart: Int32Array;
  termRow: Int32Array;
  termQty: Float64Array;
  /** Demand indices of customer g: demandStart[g] .. demandStart[g+1]. */
  demandStart: Int32Array;
  demandIndex: Int32Array;
  /** Entity index of customer g. */
  customerEntity: Int32Array;
  /** Fixed charge per (entity, provider) relationship, USD. */
  fixedUsd: number;
  numEntities: number;
}

/** A customer (demand or line group) has no eligible choice: the instance is infeasible. */
export class NoChoiceError extends Error {}

/**
 * Flattens the indexed instance for the relaxation. Demands whose choices are empty (or whose line
 * group has no common choice) make the instance infeasible: `diagnose` reports them before this runs.
 * @throws NoChoiceError when a customer has no choice (e.g. kept providers that differ within a line
 * under one provider per service line).
 */
export function flatten(ix: IndexedInstance): FlatInstance {
  const { demands } = ix.instance;
  const c = ix.options.constraints;
  const providers = ix.instance.providers.map((p) => p.code);
  const pIndex = new Map(providers.map((p, i) => [p, i]));
  const keptEntities = Array.isArray(c.keepCurrent) ? new Set(c.keepCurrent) : null;
  const kept = (e: string) => c.keepCurrent === 'all' || (keptEntities?.has(e) ?? false);
  // Group demands by entity, then by customer (line group or single demand), in first-seen order.
  const entityOrder = new Map<string, Map<string, number[]>>();
  demands.forEach((d, i) => {
    let m = entityOrder.get(d.entity);
    if (!m) {
      m = new Map();
      entityOrder.set(d.entity, m);
    }
    const gk = c.oneProviderPerServiceLine ? `L:${ix.service.get(d.service)?.serviceLine ?? ''}` : `D:${i}`;
    const list = m.get(gk) ?? [];
    list.push(i);
    m.set(gk, list);
  });
  const rowOf = new Map<string, number>();
  const rowKey: string[] = [];
  const rowCap: number[] = [];
  const rowTotal: number[] = [];
  const rowFor = (p: string, s: string) => {
    const k = `${p}|${s}`;
    let r = rowOf.get(k);
    if (r === undefined) {
      r = rowKey.length;
      rowOf.set(k, r);
      rowKey.push(k);
      const o = ix.offer.get(k);
      rowCap.push(o ? ix.usable(o) : 0);
      rowTotal.push(0);
    }
    return r;
  };
  const entityStart: number[] = [0];
  const choiceStart: number[] = [0];
  const choiceProvider: number[] = [];
  const choiceBase: number[] = [];
  const termStart: number[] = [0];
  const termRow: number[] = [];
  const termQty: number[] = [];
  const demandStart: number[] = [0];
  const demandIndex: number[] = [];
  const customerEntity: number[] = [];
  let e = 0;
  for (const [entity, groups] of entityOrder) {
    for (const ds of groups.values()) {
      // Common choices of the group's demands (a provider or own support), with their summed coefficient.
      let common: Map<string | null, number> | null = null;
      for (const i of ds) {
        const d = demands[i];
        const m = new Map<string | null, number>();
        for (const ch of ix.eligible[i] ?? []) {
          if (d && kept(entity) && ch.provider !== d.current) continue;
          m.set(ch.provider, ch.coefficientUsd);
        }
        if (common === null) common = m;
        else {
          const next = new Map<string | null, number>();
          for (const [p, v] of common) {
            const w = m.get(p);
            if (w !== undefined) next.set(p, v + w);
          }
          common = next;
        }
      }
      if (!common || common.size === 0) {
        const d = demands[ds[0] as number];
        throw new NoChoiceError(`Planning relaxation: ${d?.entity} ${d?.service} has no eligible choice`);
      }
      for (const [p, v] of common) {
        choiceProvider.push(p === null ? OWN : (pIndex.get(p) as number));
        choiceBase.push(v);
        if (p !== null) {
          for (const i of ds) {
            const d = demands[i];
            if (!d) continue;
            const r = rowFor(p, d.service);
            termRow.push(r);
            termQty.push(d.quantity);
            rowTotal[r] = (rowTotal[r] as number) + d.quantity;
          }
        }
        termStart.push(termRow.length);
      }
      choiceStart.push(choiceProvider.length);
      for (const i of ds) demandIndex.push(i);
      demandStart.push(demandIndex.length);
      customerEntity.push(e);
    }
    entityStart.push(customerEntity.length);
    e++;
  }
  return {
    providers,
    rowCap: Float64Array.from(rowCap),
    rowKey,
    rowBinds: Uint8Array.from(rowTotal.map((t, r) => (t > (rowCap[r] as number) + 1e-9 ? 1 : 0))),
    entityStart: Int32Array.from(entityStart),
    choiceStart: Int32Array.from(choiceStart),
    choiceProvider: Int32Array.from(choiceProvider),
    choiceBase: Float64Array.from(choiceBase),
    termStart: Int32Array.from(termStart),
    termRow: Int32Array.from(termRow),
    termQty: Float64Array.from(termQty),
    demandStart: Int32Array.from(demandStart),
    demandIndex: Int32Array.from(demandIndex),
    customerEntity: Int32Array.from(customerEntity),
    fixedUsd: ix.options.weights.providerRelationshipUsd,
    numEntities: e,
  };
}

/** Scratch buffers for the per-entity facility-location solves, sized once. */
class UflScratch {
  facilities: Int32Array;
  facOf: Int32Array;
  cost: Float64Array = new Float64Array(0);
  own: Float64Array = new Float64Array(0);
  suffix: Float64Array = new Float64Array(0);
  stack: Float64Array = new Float64Array(0);
  open: Uint8Array;
  bestOpen: Uint8Array;
  /** Set when a solve hit its node limit (its value is then not proven optimal). */
  truncated = false;
  constructor(numProviders: number) {
    this.facilities = new Int32Array(numProviders);
    this.facOf = new Int32Array(numProviders).fill(-1);
    this.open = new Uint8Array(numProviders);
    this.bestOpen = new Uint8Array(numProviders);
  }
  ensure(g: number, m: number): void {
    if (this.cost.length < g * m) this.cost = new Float64Array(g * m * 2);
    if (this.own.length < g) this.own = new Float64Array(g * 2);
    if (this.suffix.length < (m + 1) * g) this.suffix = new Float64Array((m + 1) * g * 2);
    if (this.stack.length < (m + 1) * g) this.stack = new Float64Array((m + 1) * g * 2);
  }
}

/**
 * Solves entity e's facility-location problem exactly under the modified costs `cc` (per choice, USD):
 * minimise F * |open providers| + sum over customers of the cheapest open choice (own support is
 * always open where allowed). Writes each customer's chosen choice index into `pick`.
 * @returns the optimal value (USD).
 */
function solveUfl(f: FlatInstance, e: number, cc: Float64Array, pick: Int32Array, s: UflScratch, nodeLimit: number): number {
  const g0 = f.entityStart[e] as number;
  const g1 = f.entityStart[e + 1] as number;
  const G = g1 - g0;
  const F = f.fixedUsd;
  // Facilities of this entity, in local numbering.
  let m = 0;
  for (let k = f.choiceStart[g0] as number; k < (f.choiceStart[g1] as number); k++) {
    const p = f.choiceProvider[k] as number;
    if (p !== OWN && s.facOf[p] === -1) {
      s.facOf[p] = m;
      s.facilities[m++] = p;
    }
  }
  s.ensure(G, m);
  const cost = s.cost;
  const own = s.own;
  cost.fill(Number.POSITIVE_INFINITY, 0, G * m);
  for (let g = 0; g < G; g++) {
    own[g] = Number.POSITIVE_INFINITY;
    for (let k = f.choiceStart[g0 + g] as number; k < (f.choiceStart[g0 + g + 1] as number); k++) {
      const p = f.choiceProvider[k] as number;
      const v = cc[k] as number;
      if (p === OWN) own[g] = v;
      else cost[g * m + (s.facOf[p] as number)] = v;
    }
  }
  // Order facilities: most often the cheapest first (good incumbents early, tighter suffix bounds).
  const score = new Float64Array(m);
  for (let g = 0; g < G; g++) {
    let best = -1;
    let bv = own[g] as number;
    for (let j = 0; j < m; j++) {
      const v = cost[g * m + j] as number;
      if (v < bv) {
        bv = v;
        best = j;
      }
    }
    if (best >= 0) score[best] = (score[best] as number) + 1;
  }
  const order = Array.from({ length: m }, (_, j) => j).sort((a, b) => (score[b] as number) - (score[a] as number));
  // suffix[i*G + g] = min over facilities order[i..m-1] of cost[g, .], and own support.
  const suffix = s.suffix;
  for (let g = 0; g < G; g++) suffix[m * G + g] = own[g] as number;
  for (let i = m - 1; i >= 0; i--) {
    const j = order[i] as number;
    for (let g = 0; g < G; g++) {
      const v = cost[g * m + j] as number;
      const nx = suffix[(i + 1) * G + g] as number;
      suffix[i * G + g] = Math.min(v, nx);
    }
  }
  // Incumbent: add facilities greedily (by order) while they pay, then drop those that do not.
  const open = s.open;
  const bestOpen = s.bestOpen;
  open.fill(0, 0, m);
  const evalSet = (set: Uint8Array): number => {
    let tot = 0;
    for (let j = 0; j < m; j++) if (set[j]) tot += F;
    for (let g = 0; g < G; g++) {
      let bv = own[g] as number;
      for (let j = 0; j < m; j++) if (set[j] && (cost[g * m + j] as number) < bv) bv = cost[g * m + j] as number;
      tot += bv;
    }
    return tot;
  };
  let best = Number.POSITIVE_INFINITY;
  // Start from every facility that is some customer's cheapest, then drop and add while it pays.
  for (let j = 0; j < m; j++) open[j] = (score[j] as number) > 0 ? 1 : 0;
  best = evalSet(open);
  let improved = true;
  while (improved) {
    improved = false;
    for (let j = 0; j < m; j++) {
      open[j] = open[j] ? 0 : 1;
      const v = evalSet(open);
      if (v < best - 1e-9) {
        best = v;
        improved = true;
      } else open[j] = open[j] ? 0 : 1;
    }
  }
  bestOpen.set(open.subarray(0, m));
  // Branch and bound over the facilities in `order`; stack[depth*G + g] = cheapest open choice so far.
  const stack = s.stack;
  for (let g = 0; g < G; g++) stack[g] = own[g] as number;
  const cur = new Uint8Array(m);
  let nodes = 0;
  const dfs = (i: number, fixed: number): void => {
    nodes++;
    const base = i * G;
    if (i === m) {
      let tot = fixed;
      for (let g = 0; g < G; g++) tot += stack[base + g] as number;
      if (tot < best - 1e-9) {
        best = tot;
        for (let j = 0; j < m; j++) bestOpen[order[j] as number] = cur[j] as number;
      }
      return;
    }
    if (nodes > nodeLimit) return;
    const j = order[i] as number;
    // Bound with facility j open (the undecided ones free) and with it closed.
    let lbOpen = fixed + F;
    let lbClosed = fixed;
    for (let g = 0; g < G; g++) {
      const so = stack[base + g] as number;
      const sfx = suffix[(i + 1) * G + g] as number;
      const cj = cost[g * m + j] as number;
      const withJ = Math.min(so, cj);
      lbOpen += Math.min(withJ, sfx);
      lbClosed += Math.min(so, sfx);
    }
    const next = (i + 1) * G;
    const goOpen = () => {
      if (!(lbOpen < best - 1e-9)) return;
      for (let g = 0; g < G; g++) {
        const so = stack[base + g] as number;
        const cj = cost[g * m + j] as number;
        stack[next + g] = Math.min(so, cj);
      }
      cur[i] = 1;
      dfs(i + 1, fixed + F);
      cur[i] = 0;
    };
    const goClosed = () => {
      if (!(lbClosed < best - 1e-9)) return;
      for (let g = 0; g < G; g++) stack[next + g] = stack[base + g] as number;
      dfs(i + 1, fixed);
    };
    if (lbOpen <= lbClosed) {
      goOpen();
      goClosed();
    } else {
      goClosed();
      goOpen();
    }
  };
  dfs(0, 0);
  stats.nodes += nodes;
  // Assignment of each customer: its cheapest open choice.
  for (let g = 0; g < G; g++) {
    let bk = -1;
    let bv = Number.POSITIVE_INFINITY;
    for (let k = f.choiceStart[g0 + g] as number; k < (f.choiceStart[g0 + g + 1] as number); k++) {
      const p = f.choiceProvider[k] as number;
      if (p !== OWN && !bestOpen[s.facOf[p] as number]) continue;
      if ((cc[k] as number) < bv) {
        bv = cc[k] as number;
        bk = k;
      }
    }
    pick[g0 + g] = bk;
  }
  for (let j = 0; j < m; j++) s.facOf[s.facilities[j] as number] = -1;
  // When the node limit cut the search short, the bound is not proven: report it so the caller can stop.
  if (nodes > nodeLimit) s.truncated = true;
  return best;
}

/** Time spent (ms) in the subproblems and in the primal heuristic by the last run (diagnostics). */
export const stats = { uflMs: 0, primalMs: 0, nodes: 0 };

/** A feasible assignment of the flat instance: chosen choice per customer, with loads and relationships. */
class Solution {
  pick: Int32Array;
  load: Float64Array;
  /** relCount[e * P + p]: customers of entity e served by provider p. */
  relCount: Int32Array;
  value = 0;
  constructor(
    private f: FlatInstance,
    pick: Int32Array,
  ) {
    this.pick = Int32Array.from(pick);
    this.load = new Float64Array(f.rowCap.length);
    this.relCount = new Int32Array(f.numEntities * f.providers.length);
    const P = f.providers.length;
    for (let g = 0; g < pick.length; g++) {
      const k = pick[g] as number;
      this.value += f.choiceBase[k] as number;
      for (let t = f.termStart[k] as number; t < (f.termStart[k + 1] as number); t++)
        this.load[f.termRow[t] as number] = (this.load[f.termRow[t] as number] as number) + (f.termQty[t] as number);
      const p = f.choiceProvider[k] as number;
      if (p !== OWN) {
        const ri = (f.customerEntity[g] as number) * P + p;
        if (this.relCount[ri] === 0) this.value += f.fixedUsd;
        this.relCount[ri] = (this.relCount[ri] as number) + 1;
      }
    }
  }
  /** Objective change (USD) of moving customer g to choice k. */
  delta(g: number, k: number): number {
    const f = this.f;
    const P = f.providers.length;
    const k0 = this.pick[g] as number;
    if (k0 === k) return 0;
    let d = (f.choiceBase[k] as number) - (f.choiceBase[k0] as number);
    const e = f.customerEntity[g] as number;
    const p0 = f.choiceProvider[k0] as number;
    const p1 = f.choiceProvider[k] as number;
    if (p0 !== OWN && this.relCount[e * P + p0] === 1) d -= f.fixedUsd;
    if (p1 !== OWN && this.relCount[e * P + p1] === 0) d += f.fixedUsd;
    return d;
  }
  /** Whether choice k of customer g fits the usable capacities (its current choice removed). */
  fits(g: number, k: number): boolean {
    const f = this.f;
    const k0 = this.pick[g] as number;
    if (f.choiceProvider[k] === f.choiceProvider[k0]) return true;
    for (let t = f.termStart[k] as number; t < (f.termStart[k + 1] as number); t++) {
      const r = f.termRow[t] as number;
      if ((this.load[r] as number) + (f.termQty[t] as number) > (f.rowCap[r] as number) * (1 + 1e-12) + 1e-9) return false;
    }
    return true;
  }
  move(g: number, k: number): void {
    const f = this.f;
    const P = f.providers.length;
    const k0 = this.pick[g] as number;
    if (k0 === k) return;
    this.value += this.delta(g, k);
    for (let t = f.termStart[k0] as number; t < (f.termStart[k0 + 1] as number); t++)
      this.load[f.termRow[t] as number] = (this.load[f.termRow[t] as number] as number) - (f.termQty[t] as number);
    for (let t = f.termStart[k] as number; t < (f.termStart[k + 1] as number); t++)
      this.load[f.termRow[t] as number] = (this.load[f.termRow[t] as number] as number) + (f.termQty[t] as number);
    const e = f.customerEntity[g] as number;
    const p0 = f.choiceProvider[k0] as number;
    const p1 = f.choiceProvider[k] as number;
    if (p0 !== OWN) this.relCount[e * P + p0] = (this.relCount[e * P + p0] as number) - 1;
    if (p1 !== OWN) this.relCount[e * P + p1] = (this.relCount[e * P + p1] as number) + 1;
    this.pick[g] = k;
  }
  overloaded(): number[] {
    const out: number[] = [];
    for (let r = 0; r < this.load.length; r++)
      if ((this.load[r] as number) > (this.f.rowCap[r] as number) * (1 + 1e-12) + 1e-9) out.push(r);
    return out;
  }
}

/**
 * Repairs capacity overloads: repeatedly moves, out of an overloaded row, the customer whose cheapest
 * fitting alternative costs least per unit of load freed. Returns false when some overload cannot be
 * removed this way.
 */
function repair(f: FlatInstance, sol: Solution, customersOfRow: Int32Array[]): boolean {
  for (let pass = 0; pass < 4; pass++) {
    const over = sol.overloaded();
    if (over.length === 0) return true;
    for (const r of over) {
      while ((sol.load[r] as number) > (f.rowCap[r] as number) * (1 + 1e-12) + 1e-9) {
        let bestG = -1;
        let bestK = -1;
        let bestScore = Number.POSITIVE_INFINITY;
        for (const g of customersOfRow[r] as Int32Array) {
          const k0 = sol.pick[g] as number;
          let q = 0;
          for (let t = f.termStart[k0] as number; t < (f.termStart[k0 + 1] as number); t++)
            if (f.termRow[t] === r) q += f.termQty[t] as number;
          if (q === 0) continue;
          for (let k = f.choiceStart[g] as number; k < (f.choiceStart[g + 1] as number); k++) {
            if (k === k0 || !sol.fits(g, k)) continue;
            const sc = sol.delta(g, k) / q;
            if (sc < bestScore) {
              bestScore = sc;
              bestG = g;
              bestK = k;
            }
          }
        }
        if (bestG < 0) break;
        sol.move(bestG, bestK);
      }
    }
  }
  return sol.overloaded().length === 0;
}

/**
 * Re-optimises one entity's plan, the others fixed: with the loads of the other entities, a choice of
 * the entity's customer is allowed when it fits the capacity left; the entity's facility-location problem
 * over the allowed choices (base costs, fixed charge per provider) is solved exactly and applied when it
 * is cheaper. An entity has one demand per service, so its choices never share a capacity row; the
 * result is checked anyway and undone if it overloads a row.
 */
class EntityReoptimiser {
  private cc: Float64Array;
  private pick: Int32Array;
  constructor(
    private f: FlatInstance,
    private scratch: UflScratch,
  ) {
    this.cc = new Float64Array(f.choiceProvider.length);
    this.pick = new Int32Array(f.customerEntity.length);
  }
  run(sol: Solution, e: number): boolean {
    const f = this.f;
    const g0 = f.entityStart[e] as number;
    const g1 = f.entityStart[e + 1] as number;
    const P = f.providers.length;
    let current = 0;
    for (let g = g0; g < g1; g++) {
      current += f.choiceBase[sol.pick[g] as number] as number;
      for (let k = f.choiceStart[g] as number; k < (f.choiceStart[g + 1] as number); k++)
        this.cc[k] = sol.fits(g, k) ? (f.choiceBase[k] as number) : Number.POSITIVE_INFINITY;
    }
    for (let p = 0; p < P; p++) if ((sol.relCount[e * P + p] as number) > 0) current += f.fixedUsd;
    const v = solveUfl(f, e, this.cc, this.pick, this.scratch, 50_000);
    if (!(v < current - 1e-6 * Math.max(1, Math.abs(current)))) return false;
    const undo: Array<[number, number]> = [];
    for (let g = g0; g < g1; g++) {
      const k = this.pick[g] as number;
      if (k < 0 || k === sol.pick[g]) continue;
      undo.push([g, sol.pick[g] as number]);
      sol.move(g, k);
    }
    if (sol.overloaded().length > 0) {
      for (let u = undo.length - 1; u >= 0; u--) sol.move((undo[u] as [number, number])[0], (undo[u] as [number, number])[1]);
      return false;
    }
    return undo.length > 0;
  }
}

/**
 * Local search on a feasible solution, every move keeping every constraint: (1) move a customer to a
 * cheaper choice that fits; (2) close a relationship (entity, provider) by moving all its customers to
 * their best fitting alternatives; (3) swap two customers of the same service between providers when
 * both fit. Stops at a local optimum or at `deadline` (performance.now() ms).
 */
function localSearch(
  f: FlatInstance,
  sol: Solution,
  customersOfRow: Int32Array[],
  deadline: number,
  swaps: boolean,
  reopt: EntityReoptimiser,
): void {
  const G = f.customerEntity.length;
  const P = f.providers.length;
  let improved = true;
  while (improved && performance.now() < deadline) {
    improved = false;
    // (0) re-optimise each entity's whole plan against the others' loads.
    for (let e = 0; e < f.numEntities && performance.now() < deadline; e++) if (reopt.run(sol, e)) improved = true;
    // (1) single moves.
    for (let g = 0; g < G; g++) {
      let bk = -1;
      let bd = -1e-6;
      for (let k = f.choiceStart[g] as number; k < (f.choiceStart[g + 1] as number); k++) {
        if (k === sol.pick[g] || !sol.fits(g, k)) continue;
        const d = sol.delta(g, k);
        if (d < bd) {
          bd = d;
          bk = k;
        }
      }
      if (bk >= 0) {
        sol.move(g, bk);
        improved = true;
      }
    }
    // (2) close a relationship.
    for (let e = 0; e < f.numEntities; e++) {
      const g0 = f.entityStart[e] as number;
      const g1 = f.entityStart[e + 1] as number;
      for (let p = 0; p < P; p++) {
        const n = sol.relCount[e * P + p] as number;
        if (n === 0 || n > 6) continue;
        const before = sol.value;
        const undo: Array<[number, number]> = [];
        let ok = true;
        for (let g = g0; g < g1 && ok; g++) {
          const k0 = sol.pick[g] as number;
          if (f.choiceProvider[k0] !== p) continue;
          let bk = -1;
          let bd = Number.POSITIVE_INFINITY;
          for (let k = f.choiceStart[g] as number; k < (f.choiceStart[g + 1] as number); k++) {
            if (f.choiceProvider[k] === p || !sol.fits(g, k)) continue;
            const d = sol.delta(g, k);
            if (d < bd) {
              bd = d;
              bk = k;
            }
          }
          if (bk < 0) ok = false;
          else {
            undo.push([g, k0]);
            sol.move(g, bk);
          }
        }
        if (ok && sol.value < before - 1e-6) improved = true;
        else
          for (let u = undo.length - 1; u >= 0; u--) sol.move((undo[u] as [number, number])[0], (undo[u] as [number, number])[1]);
      }
    }
    // (3) swaps within a capacity row pair: customer a on row r, customer b on another provider's row of
    // the same service; both single-row customers.
    for (let r = 0; swaps && r < f.rowCap.length && performance.now() < deadline; r++) {
      if (!f.rowBinds[r]) continue;
      const list = customersOfRow[r] as Int32Array;
      for (const a of list) {
        if (performance.now() > deadline) break;
        const ka = sol.pick[a] as number;
        if ((f.termStart[ka + 1] as number) - (f.termStart[ka] as number) !== 1 || f.termRow[f.termStart[ka] as number] !== r)
          continue;
        const qa = f.termQty[f.termStart[ka] as number] as number;
        // Try b currently elsewhere whose choice set includes provider of r and a's choice set includes b's provider.
        const pa = f.choiceProvider[ka] as number;
        for (const b of list) {
          if (b === a) continue;
          const kb = sol.pick[b] as number;
          const pb = f.choiceProvider[kb] as number;
          if (pb === pa) continue;
          // a -> pb, b -> pa.
          let ka2 = -1;
          for (let k = f.choiceStart[a] as number; k < (f.choiceStart[a + 1] as number); k++)
            if (f.choiceProvider[k] === pb) ka2 = k;
          let kb2 = -1;
          for (let k = f.choiceStart[b] as number; k < (f.choiceStart[b + 1] as number); k++)
            if (f.choiceProvider[k] === pa) kb2 = k;
          if (ka2 < 0 || kb2 < 0) continue;
          const qb =
            (f.termStart[kb2 + 1] as number) - (f.termStart[kb2] as number) === 1
              ? (f.termQty[f.termStart[kb2] as number] as number)
              : -1;
          if (qb < 0) continue;
          // Capacity: row r gets -qa + qb; b's old row gets -qb + qa (if pb is a provider).
          if ((sol.load[r] as number) - qa + qb > (f.rowCap[r] as number) * (1 + 1e-12) + 1e-9) continue;
          if (pb !== OWN) {
            const rb = f.termRow[f.termStart[kb] as number] as number;
            if ((sol.load[rb] as number) - qb + qa > (f.rowCap[rb] as number) * (1 + 1e-12) + 1e-9) continue;
          }
          const before = sol.value;
          // Apply through moves that may pass over capacity in between; loads are restored consistently.
          sol.move(a, ka2);
          sol.move(b, kb2);
          if (sol.value < before - 1e-6) {
            improved = true;
            break;
          }
          sol.move(b, kb);
          sol.move(a, ka);
        }
      }
    }
  }
}

/** Customers that can load each capacity row. */
function rowCustomers(f: FlatInstance): Int32Array[] {
  const rowLists: number[][] = Array.from({ length: f.rowCap.length }, () => []);
  for (let g = 0; g < f.customerEntity.length; g++) {
    const seen = new Set<number>();
    for (let k = f.choiceStart[g] as number; k < (f.choiceStart[g + 1] as number); k++)
      for (let t = f.termStart[k] as number; t < (f.termStart[k + 1] as number); t++) seen.add(f.termRow[t] as number);
    for (const r of seen) (rowLists[r] as number[]).push(g);
  }
  return rowLists.map((l) => Int32Array.from(l));
}

/** The choice per customer of an assignment vector, or null when some demand's provider is not a choice. */
function pickOf(f: FlatInstance, assignment: AssignmentVector): Int32Array | null {
  const pick = new Int32Array(f.customerEntity.length);
  for (let g = 0; g < pick.length; g++) {
    const want = assignment[f.demandIndex[f.demandStart[g] as number] as number];
    if (want === undefined) return null;
    let found = -1;
    for (let k = f.choiceStart[g] as number; k < (f.choiceStart[g + 1] as number); k++) {
      const p = f.choiceProvider[k] as number;
      if ((p === OWN ? null : f.providers[p]) === want) found = k;
    }
    if (found < 0) return null;
    pick[g] = found;
  }
  return pick;
}

/** The assignment vector (per demand) of a choice per customer. */
function assignmentOf(f: FlatInstance, ix: IndexedInstance, pick: Int32Array): AssignmentVector {
  const out: AssignmentVector = ix.instance.demands.map(() => undefined);
  for (let g = 0; g < pick.length; g++) {
    const p = f.choiceProvider[pick[g] as number] as number;
    for (let j = f.demandStart[g] as number; j < (f.demandStart[g + 1] as number); j++)
      out[f.demandIndex[j] as number] = p === OWN ? null : f.providers[p];
  }
  return out;
}

/**
 * Improves a feasible assignment by the local search (entity re-optimisation, moves, closing
 * relationships, swaps), every move keeping every constraint, within `timeLimitMs`.
 * @returns the improved assignment, or null when `assignment` is not a feasible assignment of the instance.
 */
export function improveAssignment(
  ix: IndexedInstance,
  assignment: AssignmentVector,
  timeLimitMs: number,
): AssignmentVector | null {
  const deadline = performance.now() + timeLimitMs;
  let f: FlatInstance;
  try {
    f = flatten(ix);
  } catch (e) {
    if (e instanceof NoChoiceError) return null;
    throw e;
  }
  const pick = pickOf(f, assignment);
  if (!pick) return null;
  const sol = new Solution(f, pick);
  if (sol.overloaded().length > 0) return null;
  localSearch(f, sol, rowCustomers(f), deadline, true, new EntityReoptimiser(f, new UflScratch(f.providers.length)));
  return assignmentOf(f, ix, sol.pick);
}

/** Result of the relaxation and heuristic. Money in USD per year. */
export interface LagrangianResult {
  /** Best feasible objective found (null: none). */
  upperUsd: number | null;
  /** Proven lower bound on the optimum. */
  lowerUsd: number;
  /** Assignment of the best feasible solution, per demand (empty when none). */
  assignment: AssignmentVector;
  /** Subgradient iterations run. */
  iterations: number;
  /** Multipliers at the best bound, per capacity row `provider|service` (USD per unit). */
  multipliers: Map<string, number>;
  /** Lower bound per iteration (for diagnostics), with the elapsed ms. */
  trace: Array<{ ms: number; lower: number; upper: number | null }>;
  /** Per demand, the choices used by some relaxed solution or the incumbent (candidates for a restricted MIP). */
  pool: Array<Set<string | null>>;
  /** Whether every subproblem was solved to optimality (otherwise lowerUsd is reported but not proven and is set to -Infinity). */
  exact: boolean;
}

export interface LagrangianOptions {
  /** Stop at this relative gap (0.001 = 0.1%). */
  relativeGap: number;
  /** Wall-clock budget, ms. */
  timeLimitMs: number;
  /** Maximum subgradient iterations (default 3000). */
  maxIterations?: number;
  /** A feasible assignment to start from (e.g. greedy's), per demand. */
  start?: AssignmentVector;
  /** Stop when no feasible solution is known after this long (ms; default: never). */
  giveUpWithoutSolutionMs?: number;
  /** Per-entity branch-and-bound node limit (default 200,000). */
  nodeLimit?: number;
}

/**
 * Runs the Lagrangian relaxation of the capacities with subgradient steps and the primal heuristic.
 * @returns bound, best assignment and the proven gap's two sides; never throws for a feasible instance.
 */
export function lagrangianSolve(ix: IndexedInstance, opts: LagrangianOptions): LagrangianResult {
  const t0 = performance.now();
  const deadline = t0 + opts.timeLimitMs;
  let f: FlatInstance;
  try {
    f = flatten(ix);
  } catch (e) {
    if (!(e instanceof NoChoiceError)) throw e;
    // Infeasible by construction: no bound or solution from here (the MIP explains the infeasibility).
    const none = ix.instance.demands.map(() => new Set<string | null>());
    return {
      upperUsd: null,
      lowerUsd: Number.NEGATIVE_INFINITY,
      assignment: [],
      iterations: 0,
      multipliers: new Map(),
      trace: [],
      pool: none,
      exact: false,
    };
  }
  const R = f.rowCap.length;
  const G = f.customerEntity.length;
  const K = f.choiceProvider.length;
  const lambda = new Float64Array(R);
  const bestLambda = new Float64Array(R);
  const cc = new Float64Array(K);
  const pick = new Int32Array(G);
  const entityVal = new Float64Array(f.numEntities);
  const scratch = new UflScratch(f.providers.length);
  const nodeLimit = opts.nodeLimit ?? 200_000;
  const customersOfRow = rowCustomers(f);

  const reopt = new EntityReoptimiser(f, new UflScratch(f.providers.length));
  let best: Solution | null = null;
  const tryPrimal = (candidate: Int32Array, lsBudgetMs: number) => {
    const tp = performance.now();
    try {
      tryPrimalInner(candidate, lsBudgetMs);
    } finally {
      stats.primalMs += performance.now() - tp;
    }
  };
  const tryPrimalInner = (candidate: Int32Array, lsBudgetMs: number) => {
    const sol = new Solution(f, candidate);
    if (!repair(f, sol, customersOfRow)) return;
    localSearch(f, sol, customersOfRow, Math.min(deadline, performance.now() + lsBudgetMs), false, reopt);
    if (!best || sol.value < best.value - 1e-6) best = sol;
  };
  const startPick = opts.start ? pickOf(f, opts.start) : null;
  if (startPick) tryPrimal(startPick, opts.timeLimitMs / 10);

  let lower = Number.NEGATIVE_INFINITY;
  let theta = 2;
  let sinceImprove = 0;
  let iterations = 0;
  const maxIt = opts.maxIterations ?? 3000;
  const trace: LagrangianResult['trace'] = [];
  stats.uflMs = 0;
  stats.primalMs = 0;
  stats.nodes = 0;
  const gradient = new Float64Array(R);
  const pooled = new Uint8Array(K);
  let lastPrimalAt = -1;
  // The last part of the budget goes to a thorough local search of the best solution.
  const loopEnd = deadline - opts.timeLimitMs * 0.15;
  while (iterations < maxIt && performance.now() < loopEnd) {
    iterations++;
    for (let k = 0; k < K; k++) {
      let v = f.choiceBase[k] as number;
      for (let t = f.termStart[k] as number; t < (f.termStart[k + 1] as number); t++)
        v += (lambda[f.termRow[t] as number] as number) * (f.termQty[t] as number);
      cc[k] = v;
    }
    let L = 0;
    const tu = performance.now();
    for (let e = 0; e < f.numEntities; e++) {
      const v = solveUfl(f, e, cc, pick, scratch, nodeLimit);
      entityVal[e] = v;
      L += v;
    }
    stats.uflMs += performance.now() - tu;
    for (let r = 0; r < R; r++) L -= (lambda[r] as number) * (f.rowCap[r] as number);
    for (let g = 0; g < G; g++) pooled[pick[g] as number] = 1;
    // Subgradient: load - capacity on the rows that can bind.
    gradient.fill(0);
    for (let g = 0; g < G; g++) {
      const k = pick[g] as number;
      for (let t = f.termStart[k] as number; t < (f.termStart[k + 1] as number); t++)
        gradient[f.termRow[t] as number] = (gradient[f.termRow[t] as number] as number) + (f.termQty[t] as number);
    }
    let norm = 0;
    let violated = false;
    for (let r = 0; r < R; r++) {
      if (!f.rowBinds[r]) {
        gradient[r] = 0;
        continue;
      }
      let gr = (gradient[r] as number) - (f.rowCap[r] as number);
      if (gr > 1e-9) violated = true;
      if ((lambda[r] as number) <= 0 && gr < 0) gr = 0;
      gradient[r] = gr;
      norm += gr * gr;
    }
    if (L > lower + 1e-9 * Math.abs(L)) {
      if (L > lower + 1e-6 * Math.abs(L)) sinceImprove = 0;
      else sinceImprove++;
      lower = L;
      bestLambda.set(lambda);
    } else sinceImprove++;
    // Primal: the relaxation's assignment repaired and improved, now and then.
    if (!violated) tryPrimal(pick, 0);
    else if (iterations - lastPrimalAt >= 10 || iterations <= 3) {
      lastPrimalAt = iterations;
      tryPrimal(pick, Math.max(50, opts.timeLimitMs / 20));
    }
    const ub = best ? (best as Solution).value : null;
    trace.push({ ms: performance.now() - t0, lower, upper: ub });
    if (ub !== null && (ub - lower) / Math.abs(ub) <= opts.relativeGap) break;
    if (norm === 0) break;
    if (ub === null && opts.giveUpWithoutSolutionMs !== undefined && performance.now() - t0 > opts.giveUpWithoutSolutionMs) break;
    // Stalled: the bound rose by less than STALL_RISE (relative) over the last STALL_WINDOW iterations.
    if (
      iterations > STALL_WINDOW &&
      lower - (trace[iterations - 1 - STALL_WINDOW]?.lower ?? lower) < STALL_RISE * Math.abs(lower)
    )
      break;
    if (sinceImprove >= 30) {
      theta /= 2;
      sinceImprove = 0;
      if (theta < 1e-4) break;
    }
    const target = ub ?? L * 1.05;
    const step = (theta * Math.max(target - L, 1e-6 * Math.abs(L))) / norm;
    for (let r = 0; r < R; r++) {
      const v = (lambda[r] as number) + step * (gradient[r] as number);
      lambda[r] = Math.max(v, 0);
    }
  }
  const exact = !scratch.truncated;
  const sol = best as Solution | null;
  if (sol && (sol.value - lower) / Math.abs(sol.value) > opts.relativeGap) {
    const tp = performance.now();
    localSearch(f, sol, customersOfRow, deadline, true, reopt);
    stats.primalMs += performance.now() - tp;
  }
  const assignment: AssignmentVector = sol ? assignmentOf(f, ix, sol.pick) : [];
  // The pool: choices some relaxation or the incumbent used (for a restricted MIP).
  const pool: Array<Set<string | null>> = ix.instance.demands.map(() => new Set());
  if (sol) for (let g = 0; g < G; g++) pooled[sol.pick[g] as number] = 1;
  for (let g = 0; g < G; g++)
    for (let k = f.choiceStart[g] as number; k < (f.choiceStart[g + 1] as number); k++) {
      if (!pooled[k]) continue;
      const p = f.choiceProvider[k] as number;
      for (let j = f.demandStart[g] as number; j < (f.demandStart[g + 1] as number); j++)
        (pool[f.demandIndex[j] as number] as Set<string | null>).add(p === OWN ? null : (f.providers[p] as string));
    }
  const multipliers = new Map<string, number>();
  for (let r = 0; r < R; r++) if ((bestLambda[r] as number) > 0) multipliers.set(f.rowKey[r] as string, bestLambda[r] as number);
  return {
    upperUsd: sol ? sol.value : null,
    lowerUsd: exact ? lower : Number.NEGATIVE_INFINITY,
    assignment,
    iterations,
    multipliers,
    trace,
    pool,
    exact,
  };
}
