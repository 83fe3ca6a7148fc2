/**
 * All SQL of the performance module: standards (versioned), manual values, the per-case facts and their
 * roll-ups (counters and histograms of business time) per provider x service x client entity x local month
 * and per provider x local month, closed (frozen) months, the aggregates the dashboard and drill-down read,
 * and the analytics logs. Tables typed here (`PerformanceTables`, added with `withTables`) beside migrations
 * 20261129T2100-performance and 20261130T0300-performance-histograms (decision 0018).
 */
import { type ColumnType, type Generated, type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { copyRows, copyText } from '../../db/copy.ts';
import type { Database } from '../../db/types.ts';
import { addHistogram, type Histogram } from './histogram.ts';
import type { Measure, Unit } from './measures.ts';

type Big = ColumnType<string, string | number, string | number>;

/** One case's facts (also the row of `performance_frozen_facts`). Times in business milliseconds. */
export interface CaseFactRow {
  case_id: string;
  provider_code: string;
  service_code: string;
  entity_code: string;
  /** Local month `YYYY-MM` of the case's creation in `time_zone` (its clocks' calendar zone). */
  month: string;
  time_zone: string;
  fr_state: string | null;
  fr_ms: string | null;
  nr_state: string | null;
  nr_ms: string | null;
  res_state: string | null;
  res_ms: string | null;
  resolved: boolean;
  reopened: boolean;
  provider_handoffs: number;
  team_handoffs: number;
  ping_pong: boolean;
  /** Creation to resolution (or close), wall-clock ms; null while open. */
  end_to_end_ms: string | null;
  updated_at: Date;
}

/** Counters of one roll-up row (sums over the cases of its key). */
export const ROLLUP_COUNTERS = [
  'cases',
  'fr_met',
  'fr_decided',
  'nr_met',
  'nr_decided',
  'res_met',
  'res_decided',
  'resolved',
  'reopened',
  'provider_handoffs',
  'team_handoffs',
  'ping_pong',
] as const;
export type RollupCounter = (typeof ROLLUP_COUNTERS)[number];

/** A sparse histogram as stored (jsonb `{"<bucket>": count}`, see histogram.ts); written as JSON text. */
type HistColumn = ColumnType<Record<string, number>, string | undefined, string>;
/** The histograms a roll-up row keeps: business time of decided first-response and resolution clocks. */
export const ROLLUP_HISTOGRAMS = ['fr_hist', 'res_hist'] as const;
export type RollupHistogram = (typeof ROLLUP_HISTOGRAMS)[number];

type RollupRow = { provider_code: string; service_code: string; entity_code: string; month: string } & Record<
  RollupCounter,
  Big
> &
  Record<RollupHistogram, HistColumn>;
type ProviderRollupRow = { provider_code: string; month: string } & Record<RollupCounter, Big> &
  Record<RollupHistogram, HistColumn>;

/** Table types of the performance module (migrations 20261129T2100-performance, 20261130T0300-performance-histograms). */
export type PerformanceTables = {
  performance_standards: {
    id: Generated<number>;
    code: string;
    version: number;
    name: ColumnType<Record<string, string>, string, string>;
    measure: Measure;
    subject: string;
    percentile: number | null;
    comparator: '>=' | '<=';
    target: number;
    unit: Unit;
    service_line_code: string | null;
    effective_from: string;
    effective_to: string | null;
    basis: string;
    created_by: number | null;
    created_at: Generated<Date>;
  };
  performance_manual_values: {
    id: Generated<string>;
    standard_code: string;
    provider_code: string;
    period: string;
    value: number;
    evidence: string;
    evidence_url: string | null;
    entered_by: number;
    entered_at: Date;
  };
  performance_case_facts: CaseFactRow;
  performance_frozen_facts: CaseFactRow;
  performance_rollups: RollupRow;
  performance_frozen_rollups: RollupRow;
  performance_provider_rollups: ProviderRollupRow;
  performance_frozen_provider_rollups: ProviderRollupRow;
  performance_closed_periods: { month: string; closed_by: number; closed_at: Date };
  performance_frozen_satisfaction: { month: string; provider_code: string; mean_rating: number | null; responses: number };
  analytics_logs: {
    id: Generated<number>;
    name: string;
    file: string;
    preset: string | null;
    has_levels: boolean;
    has_sla: boolean;
    cases: number;
    events: number;
    imported_at: Date;
  };
  analytics_events: {
    log_id: number;
    seq: number;
    case_id: string;
    at: Date;
    activity: string;
    team: string | null;
    resource: string | null;
    level: string | null;
    sla_met: boolean | null;
  };
};

export type Db = Kysely<Database> | Transaction<Database>;
const p = (db: Db) => db.withTables<PerformanceTables>();

// ---------------------------------------------------------------------------------------------------------
// Standards and manual values

export type StandardRow = Omit<PerformanceTables['performance_standards'], 'id' | 'created_at' | 'name'> & {
  id: number;
  created_at: Date;
  name: Record<string, string>;
};

/** Every version of every standard, by code then version. */
export async function findStandards(db: Db): Promise<StandardRow[]> {
  return (await p(db)
    .selectFrom('performance_standards')
    .selectAll()
    .orderBy('code')
    .orderBy('version')
    .execute()) as unknown as StandardRow[];
}

/** Inserts a standard version. @returns its id. */
export async function insertStandard(
  db: Db,
  v: Omit<PerformanceTables['performance_standards'], 'id' | 'created_at' | 'name'> & { name: Record<string, string> },
): Promise<number> {
  const r = await p(db)
    .insertInto('performance_standards')
    .values({ ...v, name: JSON.stringify(v.name) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Ends the open version of `code` at month `to` (exclusive). */
export async function endStandardVersion(db: Db, code: string, version: number, to: string): Promise<void> {
  await p(db)
    .updateTable('performance_standards')
    .set({ effective_to: to })
    .where('code', '=', code)
    .where('version', '=', version)
    .execute();
}

/** Upserts a manual value (one per standard, provider and period). @returns the row's id. */
export async function upsertManualValue(db: Db, v: Omit<PerformanceTables['performance_manual_values'], 'id'>): Promise<string> {
  const r = await p(db)
    .insertInto('performance_manual_values')
    .values(v)
    .onConflict((oc) =>
      oc.columns(['standard_code', 'provider_code', 'period']).doUpdateSet({
        value: v.value,
        evidence: v.evidence,
        evidence_url: v.evidence_url,
        entered_by: v.entered_by,
        entered_at: v.entered_at,
      }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(r.id);
}

/** Manual values of the given periods (and providers, when given), with who entered them. */
export async function findManualValues(db: Db, q: { periods?: string[]; provider?: string; standard?: string }) {
  let query = p(db)
    .selectFrom('performance_manual_values as v')
    .innerJoin('users as u', 'u.id', 'v.entered_by')
    .select([
      'v.id',
      'v.standard_code',
      'v.provider_code',
      'v.period',
      'v.value',
      'v.evidence',
      'v.evidence_url',
      'v.entered_at',
      'u.name as entered_by_name',
    ])
    .orderBy('v.period')
    .orderBy('v.provider_code');
  if (q.periods) query = query.where('v.period', 'in', q.periods.length ? q.periods : ['-']);
  if (q.provider) query = query.where('v.provider_code', '=', q.provider);
  if (q.standard) query = query.where('v.standard_code', '=', q.standard);
  return query.execute();
}

// ---------------------------------------------------------------------------------------------------------
// Facts and roll-ups

/** What the facts of a case are derived from: the case, its end-to-end clocks, reopen events, segments. */
export interface FactInputs {
  case: {
    id: string;
    provider_code: string | null;
    service_code: string;
    entity_code: string;
    created_at: Date;
    resolved_at: Date | null;
    closed_at: Date | null;
    /** The time zone of the provider's duty station (null: no provider or no station). */
    time_zone: string | null;
  };
  /** Its clocks of scope `case`. */
  clocks: { metric: string; state: string; elapsed_business_ms: string; time_zone: string }[];
  /** Number of `reopened` events. */
  reopens: number;
  /** Its segments, by start then id. */
  segments: { provider_code: string | null; team_id: number | null }[];
}

/**
 * The fact inputs of cases `caseIds`, by case id, in four statements whatever their number (the drain's
 * batches). Cases that do not exist are absent.
 */
export async function loadFactInputsOf(db: Db, caseIds: readonly string[]): Promise<Map<string, FactInputs>> {
  const out = new Map<string, FactInputs>();
  if (caseIds.length === 0) return out;
  const ids = sql`any(${sql.val(caseIds)}::bigint[])`;
  const [cases, clocks, reopens, segments] = await Promise.all([
    sql<FactInputs['case']>`
      select c.id, c.provider_code, c.service_code, c.entity_code, c.created_at, c.resolved_at, c.closed_at, d.time_zone
      from cases c left join providers pr on pr.code = c.provider_code left join duty_stations d on d.code = pr.duty_station_code
      where c.id = ${ids}`.execute(db),
    sql<FactInputs['clocks'][number] & { case_id: string }>`
      select case_id, metric, state, elapsed_business_ms, time_zone from case_sla_clocks
      where case_id = ${ids} and scope = 'case' order by case_id, id`.execute(db),
    sql<{ case_id: string; n: string }>`
      select case_id, count(id) as n from case_events where case_id = ${ids} and type = 'reopened' group by case_id`.execute(db),
    sql<FactInputs['segments'][number] & { case_id: string }>`
      select case_id, provider_code, team_id from case_segments where case_id = ${ids} order by case_id, started_at, id`.execute(
      db,
    ),
  ]);
  for (const c of cases.rows) out.set(String(c.id), { case: { ...c, id: String(c.id) }, clocks: [], reopens: 0, segments: [] });
  for (const { case_id, ...k } of clocks.rows) out.get(String(case_id))?.clocks.push(k);
  for (const r of reopens.rows) {
    const f = out.get(String(r.case_id));
    if (f) f.reopens = Number(r.n);
  }
  for (const { case_id, ...s } of segments.rows) out.get(String(case_id))?.segments.push(s);
  return out;
}

/** The stored facts of a case, if any. */
export async function findFact(db: Db, caseId: string): Promise<CaseFactRow | undefined> {
  return p(db).selectFrom('performance_case_facts').selectAll().where('case_id', '=', caseId).executeTakeFirst();
}

/** The stored facts of cases `caseIds`, by case id (one statement). */
export async function findFacts(db: Db, caseIds: readonly string[]): Promise<Map<string, CaseFactRow>> {
  if (caseIds.length === 0) return new Map();
  const rows = await p(db)
    .selectFrom('performance_case_facts')
    .selectAll()
    .where('case_id', '=', sql<string>`any(${sql.val(caseIds)}::bigint[])`)
    .execute();
  return new Map(rows.map((r) => [String(r.case_id), r]));
}

/** The columns of `performance_case_facts` with their SQL types, in the order `saveFacts` sends them. */
const FACT_COLUMNS: readonly (readonly [keyof CaseFactRow, string])[] = [
  ['case_id', 'bigint'],
  ['provider_code', 'text'],
  ['service_code', 'text'],
  ['entity_code', 'text'],
  ['month', 'text'],
  ['time_zone', 'text'],
  ['fr_state', 'text'],
  ['fr_ms', 'bigint'],
  ['nr_state', 'text'],
  ['nr_ms', 'bigint'],
  ['res_state', 'text'],
  ['res_ms', 'bigint'],
  ['resolved', 'boolean'],
  ['reopened', 'boolean'],
  ['provider_handoffs', 'int'],
  ['team_handoffs', 'int'],
  ['ping_pong', 'boolean'],
  ['end_to_end_ms', 'bigint'],
  ['updated_at', 'timestamptz'],
];

/** Writes (insert or replace) the facts of several cases (each at most once), in one statement. */
export async function saveFacts(db: Db, facts: readonly CaseFactRow[]): Promise<void> {
  if (facts.length === 0) return;
  // One array a column (`unnest`): one prepared statement of 19 parameters whatever the number of facts,
  // where a VALUES list had 19 a row (too many to prepare, and chunked). Measured: ~5.7 ms for ~500 facts
  // either way (the upsert itself, not its planning).
  const arrays = FACT_COLUMNS.map(
    ([c, type]) =>
      sql`${sql.val(facts.map((f) => (f[c] instanceof Date ? (f[c] as Date).toISOString() : f[c])))}::${sql.raw(type)}[]`,
  );
  const names = FACT_COLUMNS.map(([c]) => sql.id(c));
  const fields = FACT_COLUMNS.map(([c]) => sql.ref(`u.${c}`));
  const updates = FACT_COLUMNS.filter(([c]) => c !== 'case_id').map(([c]) => sql`${sql.id(c)} = excluded.${sql.id(c)}`);
  await sql`insert into performance_case_facts (${sql.join(names)})
    select ${sql.join(fields)} from unnest(${sql.join(arrays)}) as u(${sql.join(names)})
    on conflict (case_id) do update set ${sql.join(updates)}`.execute(db);
}

/** Removes the facts of cases `caseIds` (they no longer count: no provider). */
export async function deleteFacts(db: Db, caseIds: readonly string[]): Promise<void> {
  if (caseIds.length === 0) return;
  await p(db)
    .deleteFrom('performance_case_facts')
    .where('case_id', '=', sql<string>`any(${sql.val(caseIds)}::bigint[])`)
    .execute();
}

/** A roll-up key: a cell (provider x service x client entity x month) or a provider x month. */
export type RollupKey =
  | { provider_code: string; service_code: string; entity_code: string; month: string }
  | { provider_code: string; month: string };

/**
 * Adds `delta` (counters, may be negative) and `hist` (sparse histogram deltas `{"<bucket>": +-n}`) to the
 * roll-up row of `key`, creating it at zero first: a cell of `performance_rollups` when the key has a
 * service and entity, else the provider x month row of `performance_provider_rollups`.
 */
export async function addToRollup(
  db: Db,
  key: RollupKey,
  delta: Record<RollupCounter, number>,
  hist: Partial<Record<RollupHistogram, Record<string, number>>> = {},
): Promise<void> {
  const table = 'service_code' in key ? 'performance_rollups' : 'performance_provider_rollups';
  const t = sql.table(table);
  const set: Record<string, RawBuilder<unknown>> = Object.fromEntries(
    ROLLUP_COUNTERS.map((k) => [k, sql`${t}.${sql.ref(k)} + excluded.${sql.ref(k)}`]),
  );
  const values: Record<string, unknown> = { ...key, ...delta };
  for (const h of ROLLUP_HISTOGRAMS) {
    const d = hist[h];
    if (!d || Object.keys(d).length === 0) continue;
    values[h] = JSON.stringify(d);
    set[h] = sql`performance_hist_add(${t}.${sql.ref(h)}, excluded.${sql.ref(h)})`;
  }
  const conflict = 'service_code' in key ? ['month', 'provider_code', 'service_code', 'entity_code'] : ['month', 'provider_code'];
  await sql`insert into ${t} (${sql.join(Object.keys(values).map((k) => sql.ref(k)))})
    values (${sql.join(Object.values(values))})
    on conflict (${sql.join(conflict.map((k) => sql.ref(k)))}) do update set
    ${sql.join(Object.entries(set).map(([k, v]) => sql`${sql.ref(k)} = ${v}`))}`.execute(db);
}

// ---------------------------------------------------------------------------------------------------------
// Closed months

/** Which of `months` are closed. */
export async function findClosedMonths(db: Db, months: string[]): Promise<Set<string>> {
  if (!months.length) return new Set();
  const rows = await p(db).selectFrom('performance_closed_periods').select('month').where('month', 'in', months).execute();
  return new Set(rows.map((r) => r.month));
}

/** Closed months with who closed them, latest first. */
export async function listClosedMonths(db: Db) {
  return p(db)
    .selectFrom('performance_closed_periods as c')
    .innerJoin('users as u', 'u.id', 'c.closed_by')
    .select(['c.month', 'c.closed_at', 'u.name as closed_by_name'])
    .orderBy('c.month', 'desc')
    .execute();
}

/** Freezes a month: copies its facts and roll-ups, stores its satisfaction figures, and marks it closed. */
export async function freezeMonth(
  trx: Transaction<Database>,
  month: string,
  satisfaction: { provider: string; meanRating: number | null; responses: number }[],
  by: number,
  at: Date,
): Promise<void> {
  await sql`insert into performance_frozen_facts select * from performance_case_facts where month = ${month}`.execute(trx);
  await sql`insert into performance_frozen_rollups select * from performance_rollups where month = ${month}`.execute(trx);
  await sql`insert into performance_frozen_provider_rollups select * from performance_provider_rollups where month = ${month}`.execute(
    trx,
  );
  if (satisfaction.length)
    await p(trx)
      .insertInto('performance_frozen_satisfaction')
      .values(satisfaction.map((s) => ({ month, provider_code: s.provider, mean_rating: s.meanRating, responses: s.responses })))
      .execute();
  await p(trx).insertInto('performance_closed_periods').values({ month, closed_by: by, closed_at: at }).execute();
}

/** Frozen satisfaction of closed months. */
export async function findFrozenSatisfaction(db: Db, months: string[]) {
  if (!months.length) return [];
  return p(db).selectFrom('performance_frozen_satisfaction').selectAll().where('month', 'in', months).execute();
}

// ---------------------------------------------------------------------------------------------------------
// Aggregates

/** Which cases count: filters of the view and the viewer's scope, all optional. */
export interface FactFilter {
  provider?: string | undefined;
  entity?: string | undefined;
  serviceLine?: string | undefined;
  region?: string | undefined;
}

/** SQL of a period label from the `month` column: month, quarter, half-year, year, or one label for all. */
export function periodSql(granularity: string, label?: string): RawBuilder<string> {
  if (granularity === 'quarter') return sql<string>`substr(month, 1, 4) || '-Q' || ((cast(substr(month, 6, 2) as int) + 2) / 3)`;
  if (granularity === 'half-year')
    return sql<string>`substr(month, 1, 4) || '-H' || (case when cast(substr(month, 6, 2) as int) <= 6 then 1 else 2 end)`;
  if (granularity === 'year') return sql<string>`substr(month, 1, 4)`;
  if (granularity === 'range') return sql<string>`${label ?? 'range'}::text`;
  return sql<string>`month`;
}

/** The rows of `table` in the live months and of its frozen copy in the closed ones, filtered. */
function source(kind: 'facts' | 'rollups', open: string[], closed: string[], f: FactFilter): RawBuilder<unknown> {
  const live = kind === 'facts' ? sql.table('performance_case_facts') : sql.table('performance_rollups');
  const frozen = kind === 'facts' ? sql.table('performance_frozen_facts') : sql.table('performance_frozen_rollups');
  const none = ['-'];
  const where = sql.join(
    [
      sql`true`,
      f.provider ? sql`provider_code = ${f.provider}` : sql`true`,
      f.entity ? sql`entity_code = ${f.entity}` : sql`true`,
      f.serviceLine ? sql`service_code in (select code from services where service_line_code = ${f.serviceLine})` : sql`true`,
      f.region
        ? sql`entity_code in (select e.code from client_entities e join duty_stations d on d.code = e.duty_station_code where d.region = ${f.region})`
        : sql`true`,
    ],
    sql` and `,
  );
  return sql`(select * from ${live} where month in (${sql.join(open.length ? open : none)}) and ${where}
    union all select * from ${frozen} where month in (${sql.join(closed.length ? closed : none)}) and ${where})`;
}

/** Roll-up sums per provider and period. Counters as numbers. */
export async function rollupSums(
  db: Db,
  q: { open: string[]; closed: string[]; filter: FactFilter; granularity: string; label?: string },
): Promise<({ provider: string; period: string } & Record<RollupCounter, number>)[]> {
  const sums = sql.join(ROLLUP_COUNTERS.map((k) => sql`coalesce(sum(${sql.ref(k)}), 0) as ${sql.ref(k)}`));
  const r = await sql<Record<string, string>>`
    select provider_code as provider, ${periodSql(q.granularity, q.label)} as period, ${sums}
    from ${source('rollups', q.open, q.closed, q.filter)} r
    group by 1, 2`.execute(db);
  return r.rows.map((row) => {
    const out: Record<string, string | number> = { provider: row.provider as string, period: row.period as string };
    for (const k of ROLLUP_COUNTERS) out[k] = Number(row[k]);
    return out as { provider: string; period: string } & Record<RollupCounter, number>;
  });
}

/** Roll-up sums of one provider and period: counters, and histograms of business time (histogram.ts). */
export type RollupAggregate = { provider: string; period: string } & Record<RollupCounter, number> &
  Record<RollupHistogram, Histogram>;

/** Whether a filter only restricts providers: the provider x month level answers it. */
export const providerLevel = (f: FactFilter) => !f.entity && !f.serviceLine && !f.region;

/**
 * Counters and histograms per provider and period. Unfiltered (or by provider only) from the provider x
 * month level (`performance_provider_rollups`, frozen copy for closed months: one row per provider and
 * month), summed here; otherwise from the cells (`performance_rollups`), counters summed by `rollupSums` and
 * histogram buckets summed in SQL (one jsonb per provider and period). Never reads the per-case facts.
 */
export async function rollupAggregates(
  db: Db,
  q: { open: string[]; closed: string[]; filter: FactFilter; granularity: string; label?: string },
): Promise<RollupAggregate[]> {
  const out = new Map<string, RollupAggregate>();
  const row = (provider: string, period: string) => {
    const k = `${provider}|${period}`;
    let r = out.get(k);
    if (!r) {
      r = { provider, period, ...ZERO_COUNTERS(), fr_hist: new Map(), res_hist: new Map() } as RollupAggregate;
      out.set(k, r);
    }
    return r;
  };
  const none = ['-'];
  if (providerLevel(q.filter)) {
    const by = q.filter.provider ? sql`provider_code = ${q.filter.provider}` : sql`true`;
    const cols = sql.join([...ROLLUP_COUNTERS, ...ROLLUP_HISTOGRAMS].map((k) => sql.ref(k)));
    const r = await sql<Record<string, unknown>>`
      select provider_code as provider, ${periodSql(q.granularity, q.label)} as period, ${cols}
      from (select * from performance_provider_rollups where month in (${sql.join(q.open.length ? q.open : none)}) and ${by}
        union all select * from performance_frozen_provider_rollups
          where month in (${sql.join(q.closed.length ? q.closed : none)}) and ${by}) r`.execute(db);
    for (const x of r.rows) {
      const a = row(x.provider as string, x.period as string);
      for (const k of ROLLUP_COUNTERS) a[k] += Number(x[k]);
      for (const h of ROLLUP_HISTOGRAMS) addHistogram(a[h], x[h] as Record<string, number> | string);
    }
    return [...out.values()];
  }
  for (const s of await rollupSums(db, q)) Object.assign(row(s.provider, s.period), s);
  const h = await sql<{ provider: string; period: string; hist: RollupHistogram; h: Record<string, number> | string }>`
    select provider, period, hist, jsonb_object_agg(bucket, n) as h
    from (select provider_code as provider, ${periodSql(q.granularity, q.label)} as period, x.hist, x.bucket,
        sum(x.n::bigint) as n
      from ${source('rollups', q.open, q.closed, q.filter)} r
        cross join lateral (select 'fr_hist' as hist, key as bucket, value as n from jsonb_each_text(r.fr_hist)
          union all select 'res_hist', key, value from jsonb_each_text(r.res_hist)) x
      group by 1, 2, 3, 4) b
    group by 1, 2, 3`.execute(db);
  for (const x of h.rows) addHistogram(row(x.provider, x.period)[x.hist], x.h);
  return [...out.values()];
}

const ZERO_COUNTERS = () => Object.fromEntries(ROLLUP_COUNTERS.map((k) => [k, 0])) as Record<RollupCounter, number>;

/**
 * The cases behind a figure: facts in `order` (ties by case id), the first `limit` joined to their cases,
 * with the total. Only the listed rows are joined to `cases` (the total is counted on the facts).
 */
export async function factsOfCases(
  db: Db,
  q: {
    open: string[];
    closed: string[];
    filter: FactFilter;
    where: RawBuilder<boolean>;
    order: RawBuilder<unknown>;
    limit: number;
  },
) {
  const r = await sql<CaseFactRow & { reference: string; title: string; state: string; total: string }>`
    select f.*, c.reference, c.title, c.state
    from (select f.*, count(*) over () as total from ${source('facts', q.open, q.closed, q.filter)} f
      where ${q.where} order by ${q.order}, f.case_id limit ${q.limit}) f
    join cases c on c.id = f.case_id
    order by ${q.order}, f.case_id`.execute(db);
  return { rows: r.rows, total: Number(r.rows[0]?.total ?? 0) };
}

/** Per-provider flow figures of Meridian's own cases over months (handoffs, ping-pong, end-to-end time). */
export async function providerFlow(db: Db, q: { open: string[]; closed: string[]; filter: FactFilter }) {
  const r = await sql<{
    provider: string;
    cases: string;
    provider_handoffs: string;
    team_handoffs: string;
    ping_pong: string;
    mean_e2e_ms: string | null;
  }>`
    select provider_code as provider, count(*) as cases, sum(provider_handoffs) as provider_handoffs,
      sum(team_handoffs) as team_handoffs, count(*) filter (where ping_pong) as ping_pong, avg(end_to_end_ms) as mean_e2e_ms
    from ${source('facts', q.open, q.closed, q.filter)} f group by 1 order by 1`.execute(db);
  return r.rows.map((x) => ({
    provider: x.provider,
    cases: Number(x.cases),
    providerHandoffs: Number(x.provider_handoffs),
    teamHandoffs: Number(x.team_handoffs),
    pingPongCases: Number(x.ping_pong),
    meanEndToEndMs: x.mean_e2e_ms === null ? null : Math.round(Number(x.mean_e2e_ms)),
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Analytics logs

/** A loaded log by name. */
export async function findLog(db: Db, name: string) {
  return p(db).selectFrom('analytics_logs').selectAll().where('name', '=', name).executeTakeFirst();
}

/** Every loaded log, by name. */
export async function listLogs(db: Db) {
  return p(db).selectFrom('analytics_logs').selectAll().orderBy('name').execute();
}

/** Deletes a log and its events. */
export async function deleteLog(db: Db, id: number): Promise<void> {
  await p(db).deleteFrom('analytics_events').where('log_id', '=', id).execute();
  await p(db).deleteFrom('analytics_logs').where('id', '=', id).execute();
}

/** Inserts a log's row. @returns its id. */
export async function insertLog(db: Db, v: Omit<PerformanceTables['analytics_logs'], 'id'>): Promise<number> {
  const r = await p(db).insertInto('analytics_logs').values(v).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

/** One event to store: times as UTC ms. */
export interface LogEventRow {
  seq: number;
  caseId: string;
  at: number;
  activity: string;
  team: string | null;
  resource: string | null;
  level: string | null;
  slaMet: boolean | null;
}

/** The columns a log's events are copied into, in the order `logEventCopier` writes them. */
const EVENT_COLUMNS = ['log_id', 'seq', 'case_id', 'at', 'activity', 'team', 'resource', 'level', 'sla_met'] as const;

/**
 * Starts a bulk load of a log's events with COPY (src/db/copy.ts) on `db`'s connection (give the
 * transaction): `write(rows)` any number of times, then `end()` (rows copied) or `abort()` (nothing kept).
 * Each row is one line of COPY text; times go as ISO 8601 UTC.
 */
export async function logEventCopier(db: Db, logId: number) {
  const copier = await copyRows(db, 'analytics_events', EVENT_COLUMNS);
  const prefix = `${logId}\t`;
  return {
    write(rows: readonly LogEventRow[]): Promise<void> {
      let text = '';
      for (const r of rows) {
        text += `${prefix}${r.seq}\t${copyText(r.caseId)}\t${new Date(r.at).toISOString()}\t${copyText(r.activity)}\t${copyText(r.team)}\t${copyText(r.resource)}\t${copyText(r.level)}\t${copyText(r.slaMet)}\n`;
      }
      return copier.write(text);
    },
    end: () => copier.end(),
    abort: () => copier.abort(),
  };
}

/** Distinct case ids of a log's stored events. */
export async function countLogCases(db: Db, logId: number): Promise<number> {
  const r = await sql<{ n: string }>`select count(distinct case_id) as n from analytics_events where log_id = ${logId}`.execute(
    db,
  );
  return Number(r.rows[0]?.n ?? 0);
}

/** Sets a log's case and event counts (after its events are loaded). */
export async function setLogCounts(db: Db, id: number, counts: { cases: number; events: number }): Promise<void> {
  await p(db).updateTable('analytics_logs').set(counts).where('id', '=', id).execute();
}

/** A log's events for flow analytics, by case, in time order, ties in file order. Times as UTC ms. */
export async function logEvents(db: Db, logId: number) {
  const rows = await p(db)
    .selectFrom('analytics_events')
    .select(['case_id', 'seq', 'at', 'team', 'level', 'sla_met'])
    .where('log_id', '=', logId)
    .orderBy('case_id')
    .orderBy('at')
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    caseId: r.case_id,
    seq: r.seq,
    at: new Date(r.at).getTime(),
    team: r.team,
    level: r.level,
    slaMet: r.sla_met,
  }));
}
