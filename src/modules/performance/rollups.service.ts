/**
 * Keeping the figures current: `refreshCasePerformance` re-derives one case's facts (clock outcomes and
 * business time, reopen, handoffs, ping-pong, end-to-end time) and moves the roll-ups (counters and
 * histograms of business time, at the cell level and the provider x month level) by the difference between
 * its old and new facts, after the case change commits: the change queues the case (decision 0019) and the
 * queue's drain refreshes its cases a batch at a time (`refreshCasesPerformance`, decision 0021). Nothing is
 * ever recomputed over all cases.
 *
 * A case counts for its current provider, service and client entity, in the local month of its creation in
 * the zone of its end-to-end clocks' calendar (the resolution clock's, else any clock's, else the
 * provider's duty station's, else UTC) — the same month as the SLA report.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';
import { bucketOf } from './histogram.ts';
import {
  addToRollup,
  type CaseFactRow,
  deleteFacts,
  type FactInputs,
  findFacts,
  loadFactInputsOf,
  ROLLUP_COUNTERS,
  ROLLUP_HISTOGRAMS,
  type RollupCounter,
  type RollupHistogram,
  type RollupKey,
  saveFacts,
} from './performance.repository.ts';

/** One formatter per zone (building one costs ~0.1 ms; a drain refreshes thousands of cases). */
const monthFormats = new Map<string, Intl.DateTimeFormat>();

/** The local month `YYYY-MM` of an instant in an IANA zone. @throws RangeError on an unknown zone. */
export function localMonth(at: Date, timeZone: string): string {
  let f = monthFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' });
    monthFormats.set(timeZone, f);
  }
  const parts = f.formatToParts(at);
  const get = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}`;
}

const DECIDED = new Set(['met', 'breached']);

/** Zero counters (tests and benchmarks). */
export const ZERO = Object.fromEntries(ROLLUP_COUNTERS.map((k) => [k, 0])) as Record<RollupCounter, number>;

/** A fact row's contribution to its roll-up row (`sign` -1 to take it away). */
export function contribution(f: CaseFactRow, sign: 1 | -1): Record<RollupCounter, number> {
  const b = (x: boolean) => (x ? sign : 0);
  return {
    cases: sign,
    fr_met: b(f.fr_state === 'met'),
    fr_decided: b(DECIDED.has(f.fr_state ?? '')),
    nr_met: b(f.nr_state === 'met'),
    nr_decided: b(DECIDED.has(f.nr_state ?? '')),
    res_met: b(f.res_state === 'met'),
    res_decided: b(DECIDED.has(f.res_state ?? '')),
    resolved: b(f.resolved),
    reopened: b(f.reopened),
    provider_handoffs: sign * f.provider_handoffs,
    team_handoffs: sign * f.team_handoffs,
    ping_pong: b(f.ping_pong),
  };
}

/** The histogram buckets of a fact (histogram.ts): its decided clocks' business time, else null. */
export function factBuckets(f: CaseFactRow | null): Record<RollupHistogram, number | null> {
  const b = (state: string | null, ms: string | null) =>
    f && DECIDED.has(state ?? '') && ms !== null ? bucketOf(Number(ms)) : null;
  return { fr_hist: b(f?.fr_state ?? null, f?.fr_ms ?? null), res_hist: b(f?.res_state ?? null, f?.res_ms ?? null) };
}

/** One change to apply to a roll-up row: counters and sparse histogram deltas. */
export interface RollupChange {
  key: RollupKey;
  delta: Record<RollupCounter, number>;
  hist: Record<RollupHistogram, Record<string, number>>;
}

/**
 * The roll-up changes of a fact going from `old` to `next` (either may be null), at both levels (the cell
 * provider x service x entity x month, and provider x month): the old fact taken away (-1) and the new one
 * added (+1), as one change per row when both fall in the same row (zero changes are dropped).
 */
export function rollupChanges(old: CaseFactRow | null, next: CaseFactRow | null): RollupChange[] {
  const levels: ((f: CaseFactRow) => RollupKey)[] = [
    (f) => ({ provider_code: f.provider_code, service_code: f.service_code, entity_code: f.entity_code, month: f.month }),
    (f) => ({ provider_code: f.provider_code, month: f.month }),
  ];
  const out: RollupChange[] = [];
  for (const keyOf of levels) {
    const byKey = new Map<string, RollupChange>();
    for (const [f, sign] of [
      [old, -1],
      [next, 1],
    ] as const) {
      if (!f) continue;
      const key = keyOf(f);
      const k = JSON.stringify(key);
      const c = byKey.get(k) ?? { key, delta: { ...ZERO }, hist: { fr_hist: {}, res_hist: {} } };
      const add = contribution(f, sign);
      for (const x of ROLLUP_COUNTERS) c.delta[x] += add[x];
      const buckets = factBuckets(f);
      for (const h of ROLLUP_HISTOGRAMS) {
        const b = buckets[h];
        if (b === null) continue;
        const d = (c.hist[h][b] ?? 0) + sign;
        if (d === 0) delete c.hist[h][b];
        else c.hist[h][b] = d;
      }
      byKey.set(k, c);
    }
    for (const c of byKey.values())
      if (ROLLUP_COUNTERS.some((x) => c.delta[x] !== 0) || ROLLUP_HISTOGRAMS.some((h) => Object.keys(c.hist[h]).length > 0))
        out.push(c);
  }
  return out;
}

/** Number of changes between consecutive values. */
const changes = (xs: readonly string[]) => xs.reduce((n, x, i) => n + (i > 0 && x !== xs[i - 1] ? 1 : 0), 0);

/**
 * Re-derives the facts of case `caseId` and moves its roll-ups by the difference. A case without a
 * provider has no facts. Called by the queue's drain (or a test) in its own transaction, after the change committed.
 * Sources: `cases`, `case_sla_clocks` (scope `case`), `case_events` (`reopened`), `case_segments`.
 */
export async function refreshCasePerformance(trx: Transaction<Database>, caseId: string, now: Date): Promise<void> {
  await refreshCasesPerformance(trx, [caseId], now);
}

/**
 * `refreshCasePerformance` for several cases at once (the drain's batches): their inputs and old facts in
 * five statements, their facts in one, and each roll-up row they move changed once by the sum of their
 * changes, rows in a fixed order (so that two drains never wait on each other in a cycle).
 */
export async function refreshCasesPerformance(trx: Transaction<Database>, caseIds: readonly string[], now: Date): Promise<void> {
  if (caseIds.length === 0) return;
  const [inputs, olds] = await Promise.all([loadFactInputsOf(trx, caseIds), findFacts(trx, caseIds)]);
  const facts: CaseFactRow[] = [];
  const gone: string[] = [];
  const changes: RollupChange[] = [];
  for (const id of caseIds) {
    const input = inputs.get(id);
    const next = input?.case.provider_code ? factOf(input, now) : null;
    const old = olds.get(id) ?? null;
    if (next) facts.push(next);
    else if (old) gone.push(id);
    changes.push(...rollupChanges(old, next));
  }
  await saveFacts(trx, facts);
  await deleteFacts(trx, gone);
  for (const c of mergeRollupChanges(changes)) await addToRollup(trx, c.key, c.delta, c.hist);
}

/** The facts of a case with a provider, from its inputs, as of `now` (stored as `updated_at`). */
function factOf(inputs: FactInputs, now: Date): CaseFactRow {
  const c = inputs.case;
  const clock = (metric: string) => inputs.clocks.find((k) => k.metric === metric);
  const zone = clock('resolution')?.time_zone ?? inputs.clocks[0]?.time_zone ?? c.time_zone ?? 'UTC';
  const segs = inputs.segments;
  const providers = segs.map((s) => s.provider_code ?? '');
  const teams = segs.filter((s) => s.team_id !== null).map((s) => `${s.provider_code}/${s.team_id}`);
  const runs = segs.map((s) => `${s.provider_code}/${s.team_id ?? ''}`).filter((x, i, a) => i === 0 || x !== a[i - 1]);
  const ended = c.resolved_at ?? c.closed_at;
  const fr = clock('first-response');
  const nr = clock('next-response');
  const res = clock('resolution');
  return {
    case_id: String(c.id),
    provider_code: c.provider_code as string,
    service_code: c.service_code,
    entity_code: c.entity_code,
    month: localMonth(new Date(c.created_at), zone),
    time_zone: zone,
    fr_state: fr?.state ?? null,
    fr_ms: fr ? String(fr.elapsed_business_ms) : null,
    nr_state: nr?.state ?? null,
    nr_ms: nr ? String(nr.elapsed_business_ms) : null,
    res_state: res?.state ?? null,
    res_ms: res ? String(res.elapsed_business_ms) : null,
    resolved: c.resolved_at !== null || inputs.reopens > 0,
    reopened: inputs.reopens > 0,
    provider_handoffs: changes(providers),
    team_handoffs: changes(teams),
    ping_pong: new Set(runs).size < runs.length,
    end_to_end_ms: ended ? String(new Date(ended).getTime() - new Date(c.created_at).getTime()) : null,
    updated_at: now,
  };
}

/**
 * The sum of roll-up changes by row: one change per key (counters added, histogram deltas added, zero
 * entries dropped), keys sorted (cells before provider x month rows, then by their JSON).
 */
export function mergeRollupChanges(changes: readonly RollupChange[]): RollupChange[] {
  const byKey = new Map<string, RollupChange>();
  for (const c of changes) {
    const k = `${'service_code' in c.key ? 0 : 1}${JSON.stringify(c.key)}`;
    const m = byKey.get(k) ?? { key: c.key, delta: { ...ZERO }, hist: { fr_hist: {}, res_hist: {} } };
    for (const x of ROLLUP_COUNTERS) m.delta[x] += c.delta[x];
    for (const h of ROLLUP_HISTOGRAMS)
      for (const [b, n] of Object.entries(c.hist[h])) {
        const d = (m.hist[h][b] ?? 0) + n;
        if (d === 0) delete m.hist[h][b];
        else m.hist[h][b] = d;
      }
    byKey.set(k, m);
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, c]) => c)
    .filter(
      (c) => ROLLUP_COUNTERS.some((x) => c.delta[x] !== 0) || ROLLUP_HISTOGRAMS.some((h) => Object.keys(c.hist[h]).length > 0),
    );
}

/**
 * Stores a case's new facts (`next`, or none: deleted) in place of `old` and moves both roll-up levels by
 * the difference (`rollupChanges`). Inside the transaction of the change.
 */
export async function storeFact(
  trx: Transaction<Database>,
  caseId: string,
  old: CaseFactRow | null,
  next: CaseFactRow | null,
): Promise<void> {
  if (next) await saveFacts(trx, [next]);
  else if (old) await deleteFacts(trx, [caseId]);
  for (const c of rollupChanges(old, next)) await addToRollup(trx, c.key, c.delta, c.hist);
}
