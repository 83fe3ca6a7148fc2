/**
 * The figures: each standard for each provider and period (month, quarter, half-year, year, or one range),
 * from the roll-ups (shares, rates, means, and percentiles estimated from their histograms of business
 * time; the provider x month level when the view is not filtered by entity, service line or region), the survey results
 * (satisfaction) and the manual values; closed months are read from their frozen copies. And the cases
 * behind any figure (drill-down). Viewer scope: a provider's staff see only their provider, an entity focal
 * point only their entity's cases (satisfaction is then not shown: it is not broken down by entity).
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/types.ts';
import { AppError } from '../../server/errors.ts';
import type { User } from '../identity/identity.schema.ts';
import { satisfactionByProvider } from '../surveys/results.service.ts';
import { countOf, histogramPercentile } from './histogram.ts';
import { type Granularity, inForce, MS_PER_HOUR, meets, monthDates, monthsBetween, monthsOf, periodOf } from './measures.ts';
import {
  type FactFilter,
  factsOfCases,
  findClosedMonths,
  findFrozenSatisfaction,
  findStandards,
  providerFlow,
  type RollupCounter,
  rollupAggregates,
} from './performance.repository.ts';
import type { Cell, Dashboard, Standard, ViewQuery } from './performance.schema.ts';
import { drainPerformanceQueue } from './queue.service.ts';
import { listManualValues, presentStandard } from './standards.service.ts';

type Db = Kysely<Database>;

/** The viewer's scope as a filter; null when the viewer may see no figures. */
export function scopeFilter(viewer: User, q: FactFilter): FactFilter | null {
  if (viewer.role === 'provider-agent' || viewer.role === 'provider-manager') {
    const code = viewer.scope?.type === 'provider' ? viewer.scope.code : null;
    if (!code || (q.provider && q.provider !== code)) return null;
    return { ...q, provider: code };
  }
  if (viewer.role === 'entity-focal-point') {
    const code = viewer.scope?.type === 'entity' ? viewer.scope.code : null;
    if (!code || (q.entity && q.entity !== code)) return null;
    return { ...q, entity: code };
  }
  if (viewer.role === 'client-requester') return null;
  return q;
}

/** Months and period labels of a view. `range` makes one period `from..to`. */
export function viewPeriods(q: Pick<ViewQuery, 'from' | 'to' | 'granularity'>): {
  months: string[];
  periods: string[];
  label?: string;
} {
  const [from, to] = [q.from, q.to].sort() as [string, string];
  const months = monthsBetween(from, to);
  if (q.granularity === 'range') return { months, periods: [`${from}..${to}`], label: `${from}..${to}` };
  return { months, periods: [...new Set(months.map((m) => periodOf(m, q.granularity as Granularity)))] };
}

/** The months of a period label or `from..to` range. */
function monthsOfLabel(period: string): string[] {
  const range = /^(\d{4}-\d{2})\.\.(\d{4}-\d{2})$/.exec(period);
  return range ? monthsBetween(range[1] as string, range[2] as string) : monthsOf(period);
}

const SHARE: Record<string, [RollupCounter, RollupCounter]> = {
  'first-response': ['fr_met', 'fr_decided'],
  'next-response': ['nr_met', 'nr_decided'],
  resolution: ['res_met', 'res_decided'],
};
const MEAN: Record<string, RollupCounter> = { 'provider-handoffs': 'provider_handoffs', 'team-handoffs': 'team_handoffs' };

/**
 * The dashboard: every standard in force for every provider with figures, per period.
 * @returns periods in order, providers by code, the standard versions used, one cell per standard x
 *   provider x period (value in the standard's unit, numerator and denominator where the measure has
 *   them, met or not, frozen when every month of the period is closed).
 */
export async function dashboard(db: Db, viewer: User, q: ViewQuery): Promise<Dashboard> {
  await drainFirst(db);
  const { months, periods, label } = viewPeriods(q);
  const filter = scopeFilter(viewer, { provider: q.provider, entity: q.entity, serviceLine: q.serviceLine, region: q.region });
  const versions = (await findStandards(db)).map(presentStandard);
  if (!filter) return { periods, providers: [], standards: [], cells: [] };
  const closed = await findClosedMonths(db, months);
  const open = months.filter((m) => !closed.has(m));
  const closedList = [...closed];
  const monthsOfPeriod = new Map(
    periods.map((p) => [p, label ? months : months.filter((m) => periodOf(m, q.granularity as Granularity) === p)]),
  );
  const inForceAt = (p: string) => {
    const first = (monthsOfPeriod.get(p) ?? [])[0] as string;
    const codes = [...new Set(versions.map((v) => v.code))];
    return codes
      .map((c) =>
        inForce(
          versions.filter((v) => v.code === c),
          first,
        ),
      )
      .filter((v): v is Standard => !!v);
  };
  const used = new Map<string, Standard>();
  for (const p of periods) for (const s of inForceAt(p)) used.set(`${s.code}@${s.version}`, s);

  const base = { open, closed: closedList, granularity: q.granularity, ...(label ? { label } : {}) };
  // the service-line scopes needed (a standard's own line, unless the view filters on another one)
  const lineOf = (s: Standard): string | undefined | false =>
    s.serviceLine ? (filter.serviceLine && filter.serviceLine !== s.serviceLine ? false : s.serviceLine) : filter.serviceLine;
  // one read of the roll-ups per service-line scope: counters and histograms (the facts are never read)
  const sums = new Map<string, Awaited<ReturnType<typeof rollupAggregates>>>();
  for (const s of used.values()) {
    const line = lineOf(s);
    if (line === false || sums.has(line ?? '')) continue;
    if (
      s.measure === 'share-met' ||
      s.measure === 'rate' ||
      s.measure === 'percentile' ||
      (s.measure === 'mean' && s.subject !== 'satisfaction')
    )
      sums.set(line ?? '', await rollupAggregates(db, { ...base, filter: { ...filter, serviceLine: line } }));
  }
  // satisfaction: per month (frozen copy for closed months), combined per period weighted by answers
  const satisfaction = new Map<string, { sum: number; n: number }>();
  const wantsSatisfaction = [...used.values()].some((s) => s.subject === 'satisfaction');
  const satisfactionShown = wantsSatisfaction && !filter.entity && !filter.region && !filter.serviceLine;
  if (satisfactionShown) {
    const frozen = await findFrozenSatisfaction(db, closedList);
    const perMonth: { month: string; provider: string; mean: number | null; n: number }[] = frozen.map((f) => ({
      month: f.month,
      provider: f.provider_code,
      mean: f.mean_rating === null ? null : Number(f.mean_rating),
      n: f.responses,
    }));
    for (const m of open)
      for (const s of await satisfactionByProvider(db, monthDates(m)))
        perMonth.push({ month: m, provider: s.provider, mean: s.meanRating, n: s.responses });
    for (const r of perMonth) {
      if (filter.provider && r.provider !== filter.provider) continue;
      if (r.mean === null) continue;
      const p = label ?? periodOf(r.month, q.granularity as Granularity);
      const k = `${r.provider}|${p}`;
      const a = satisfaction.get(k) ?? { sum: 0, n: 0 };
      a.sum += r.mean * r.n;
      a.n += r.n;
      satisfaction.set(k, a);
    }
  }
  const manual = await listManualValues(db, {
    periods: [...periods, ...months],
    ...(filter.provider ? { provider: filter.provider } : {}),
  });

  const providers = new Set<string>();
  for (const rows of sums.values())
    for (const r of rows) if (r.cases > 0 || r.fr_hist.size > 0 || r.res_hist.size > 0) providers.add(r.provider);
  for (const k of satisfaction.keys()) providers.add(k.split('|')[0] as string);
  for (const m of manual) if (!filter.provider || m.provider === filter.provider) providers.add(m.provider);

  const cells: Cell[] = [];
  for (const period of periods) {
    const frozen = (monthsOfPeriod.get(period) ?? []).every((m) => closed.has(m));
    for (const s of inForceAt(period)) {
      for (const provider of [...providers].sort()) {
        let value: number | null = null;
        let numerator: number | null = null;
        let denominator: number | null = null;
        const line = lineOf(s);
        if (line !== false) {
          const row = (sums.get(line ?? '') ?? []).find((r) => r.provider === provider && r.period === period);
          if (s.measure === 'share-met' && row) {
            const [met, decided] = SHARE[s.subject] as [RollupCounter, RollupCounter];
            [numerator, denominator] = [row[met], row[decided]];
          } else if (s.measure === 'rate' && row) [numerator, denominator] = [row.reopened, row.resolved];
          else if (s.measure === 'mean' && s.subject !== 'satisfaction' && row)
            [numerator, denominator] = [row[MEAN[s.subject] as RollupCounter], row.cases];
          if (numerator !== null && denominator) value = numerator / denominator;
          if (s.measure === 'percentile' && row) {
            // estimated from the roll-ups' histogram (histogram.ts: within 1/64 of percentile_cont)
            const h = s.subject === 'resolution' ? row.res_hist : row.fr_hist;
            const ms = histogramPercentile(h, s.percentile ?? 50);
            if (ms !== null) {
              value = ms / MS_PER_HOUR;
              denominator = countOf(h);
            }
          }
          if (s.subject === 'satisfaction' && s.measure === 'mean') {
            const a = satisfaction.get(`${provider}|${period}`);
            if (a?.n) [value, numerator, denominator] = [a.sum / a.n, null, a.n];
          }
          if (s.measure === 'manual') {
            const mine = manual.filter((m) => m.standard === s.code && m.provider === provider);
            const exact = mine.find((m) => m.period === period);
            const inside = mine.filter((m) => (monthsOfPeriod.get(period) ?? []).includes(m.period));
            if (exact) value = exact.value;
            else if (inside.length) value = inside.reduce((x, m) => x + m.value, 0) / inside.length;
          }
        }
        if (value !== null) value = Math.round(value * 1e6) / 1e6;
        cells.push({
          standard: s.code,
          version: s.version,
          provider,
          period,
          value,
          numerator,
          denominator,
          met: meets(value, s.comparator, s.target),
          frozen,
        });
      }
    }
  }
  return { periods, providers: [...providers].sort(), standards: [...used.values()], cells };
}

/**
 * The cases behind one figure (standard x provider x period, with the view's filters), worst first: for a
 * share, the breached clocks first then the longest; for a percentile, the longest; for the reopen rate,
 * reopened first; for handoffs, the most. Satisfaction has no case list; a manual standard returns its
 * captured values with their evidence.
 * @throws AppError PERFORMANCE_STANDARD_NOT_FOUND (no version in force), FORBIDDEN (outside the scope).
 */
export async function drilldown(
  db: Db,
  viewer: User,
  q: ViewQuery & { standard: string; provider: string; period: string; limit: number },
) {
  const filter = scopeFilter(viewer, { provider: q.provider, entity: q.entity, serviceLine: q.serviceLine, region: q.region });
  if (!filter) throw new AppError('FORBIDDEN', `You may not see the figures of ${q.provider}`);
  await drainFirst(db);
  // the period's months within the view's range, as the dashboard counted them
  const whole = monthsOfLabel(q.period);
  const [from, to] = [q.from, q.to].sort() as [string, string];
  const inView = whole.filter((m) => m >= from && m <= to);
  const months = inView.length ? inView : whole;
  const versions = (await findStandards(db)).map(presentStandard).filter((s) => s.code === q.standard);
  const s = inForce(versions, months[0] as string);
  if (!s) throw new AppError('PERFORMANCE_STANDARD_NOT_FOUND', `No standard ${q.standard} in force in ${q.period}`);
  const closed = await findClosedMonths(db, months);
  const base = { open: months.filter((m) => !closed.has(m)), closed: [...closed], limit: q.limit };
  const manual = s.measure === 'manual' ? await listManualValues(db, { standard: s.code, provider: q.provider }) : [];
  const empty = {
    standard: s,
    provider: q.provider,
    period: q.period,
    total: 0,
    items: [],
    manual: manual.filter((m) => m.period === q.period || months.includes(m.period)),
  };
  if (s.measure === 'manual' || s.subject === 'satisfaction') return empty;
  if (s.serviceLine && filter.serviceLine && filter.serviceLine !== s.serviceLine) return empty;
  const f = { ...filter, serviceLine: s.serviceLine ?? filter.serviceLine };
  const col = {
    'first-response': ['fr_state', 'fr_ms'],
    'next-response': ['nr_state', 'nr_ms'],
    resolution: ['res_state', 'res_ms'],
  }[s.subject];
  let where = sql<boolean>`true`;
  let order = sql`f.case_id`;
  let pick: (r: Record<string, unknown>) => { value: number | null; outcome: string | null };
  if (col) {
    const [state, ms] = col as [string, string];
    where = sql<boolean>`${sql.ref(`f.${state}`)} in ('met', 'breached')`;
    order =
      s.measure === 'share-met'
        ? sql`${sql.ref(`f.${state}`)} = 'met', ${sql.ref(`f.${ms}`)} desc`
        : sql`${sql.ref(`f.${ms}`)} desc`;
    pick = (r) => ({ value: Number(r[ms]) / MS_PER_HOUR, outcome: r[state] as string });
  } else if (s.subject === 'reopened') {
    where = sql<boolean>`f.resolved`;
    order = sql`f.reopened desc`;
    pick = (r) => ({ value: r.reopened ? 1 : 0, outcome: r.reopened ? 'reopened' : 'not-reopened' });
  } else {
    const c = s.subject === 'team-handoffs' ? 'team_handoffs' : 'provider_handoffs';
    order = sql`${sql.ref(`f.${c}`)} desc`;
    pick = (r) => ({ value: Number(r[c]), outcome: r.ping_pong ? 'ping-pong' : null });
  }
  const { rows, total } = await factsOfCases(db, { ...base, filter: f, where, order, limit: q.limit });
  return {
    ...empty,
    total,
    items: rows.map((r) => ({
      reference: r.reference,
      title: r.title,
      state: r.state,
      service: r.service_code,
      entity: r.entity_code,
      month: r.month,
      ...pick(r as unknown as Record<string, unknown>),
    })),
  };
}

/** Flow of Meridian's own cases per provider over months (handoffs, ping-pong, mean end-to-end time). */
export async function casesFlow(db: Db, viewer: User, q: { from: string; to: string }) {
  const filter = scopeFilter(viewer, {});
  if (!filter) return [];
  await drainFirst(db);
  const months = monthsBetween(...([q.from, q.to].sort() as [string, string]));
  const closed = await findClosedMonths(db, months);
  return providerFlow(db, { open: months.filter((m) => !closed.has(m)), closed: [...closed], filter });
}

/**
 * Drains the performance queue before figures are read (decision 0019), so that they include every case
 * change committed before the read.
 */
async function drainFirst(db: Db): Promise<void> {
  await drainPerformanceQueue(db);
}
