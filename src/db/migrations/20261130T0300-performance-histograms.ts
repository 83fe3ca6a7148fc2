/**
 * Percentiles from the roll-ups (issue 6's dashboard targets at 5M cases, decision 0018):
 * - `performance_hist_bucket(ms bigint) -> int`: the fixed log-linear bucket of a business time (64
 *   one-millisecond buckets, then 32 per power of two; src/modules/performance/histogram.ts defines it and a
 *   test checks both agree); `performance_hist_add(h jsonb, d jsonb) -> jsonb`: a sparse histogram
 *   `{"<bucket>": count}` plus a sparse delta, zero counts removed;
 * - `fr_hist`, `res_hist` (jsonb) on `performance_rollups` and `performance_frozen_rollups`: histograms of
 *   the decided first-response and resolution clocks' business time of the row's cases, kept by difference
 *   like the counters;
 * - `performance_provider_rollups` (and `performance_frozen_provider_rollups` for closed months): the same
 *   counters and histograms per provider x local month only, a coarser level the unfiltered dashboard reads
 *   (15 providers x 12 months = 180 rows instead of every provider x service x entity cell).
 * Fills the histograms and the coarser level from the facts (and frozen facts) already there.
 */
import { type Kysely, sql } from 'kysely';

const COUNTERS = [
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
];

export async function up(db: Kysely<unknown>): Promise<void> {
  // one expression (no FROM, not strict) so that PostgreSQL inlines it into bulk queries
  const f = 'floor(ln(greatest(ms, 1)::float8) / ln(2::float8))::int';
  const e = `(${f} - (case when (1::bigint << ${f}) > ms then 1 else 0 end) + (case when (1::bigint << (${f} + 1)) <= ms then 1 else 0 end))`;
  await sql
    .raw(`create function performance_hist_bucket(ms bigint) returns int language sql immutable as $$
    select case when ms < 64 then greatest(ms, 0)::int else 64 + (${e} - 6) * 32 + ((ms >> (${e} - 5)) - 32)::int end
  $$`)
    .execute(db);
  await sql`create function performance_hist_add(h jsonb, d jsonb) returns jsonb language sql immutable as $$
    select coalesce(jsonb_object_agg(k, n) filter (where n <> 0), '{}'::jsonb)
    from (select k, sum(v::bigint) as n
      from (select * from jsonb_each_text(coalesce(h, '{}'::jsonb))
        union all select * from jsonb_each_text(coalesce(d, '{}'::jsonb))) x(k, v)
      group by k) y
  $$`.execute(db);

  for (const t of ['performance_rollups', 'performance_frozen_rollups'])
    await db.schema
      .alterTable(t)
      .addColumn('fr_hist', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addColumn('res_hist', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .execute();

  for (const t of ['performance_provider_rollups', 'performance_frozen_provider_rollups']) {
    let b = db.schema
      .createTable(t)
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('provider_code', 'text', (c) => c.notNull());
    for (const k of COUNTERS) b = b.addColumn(k, 'bigint', (c) => c.notNull());
    await b
      .addColumn('fr_hist', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addColumn('res_hist', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addPrimaryKeyConstraint(`${t}_pk`, ['month', 'provider_code'])
      .execute();
  }

  await fillHistograms(db);
}

/**
 * Fills the histograms of the cells from the facts, and the provider x month level from the cells (counters)
 * and the facts (histograms), for the live and the frozen tables. Expects the histograms empty and the
 * provider level without rows (as after `up`'s schema changes); exported for a test.
 */
export async function fillHistograms(db: Kysely<unknown>): Promise<void> {
  const fill = async (rollups: string, facts: string, providerRollups: string) => {
    for (const [col, state, ms] of [
      ['fr_hist', 'fr_state', 'fr_ms'],
      ['res_hist', 'res_state', 'res_ms'],
    ] as const) {
      await sql`update ${sql.table(rollups)} r set ${sql.ref(col)} = x.h
        from (select month, provider_code, service_code, entity_code, jsonb_object_agg(b::text, n) as h
          from (select month, provider_code, service_code, entity_code, performance_hist_bucket(${sql.ref(ms)}) as b, count(*) as n
            from ${sql.table(facts)} where ${sql.ref(state)} in ('met', 'breached') and ${sql.ref(ms)} is not null
            group by 1, 2, 3, 4, 5) c
          group by 1, 2, 3, 4) x
        where r.month = x.month and r.provider_code = x.provider_code and r.service_code = x.service_code
          and r.entity_code = x.entity_code`.execute(db);
    }
    await sql`insert into ${sql.table(providerRollups)}
      select month, provider_code, ${sql.join(COUNTERS.map((k) => sql`sum(${sql.ref(k)})`))},
        '{}'::jsonb, '{}'::jsonb
      from ${sql.table(rollups)} group by 1, 2`.execute(db);
    for (const [col, state, ms] of [
      ['fr_hist', 'fr_state', 'fr_ms'],
      ['res_hist', 'res_state', 'res_ms'],
    ] as const) {
      await sql`update ${sql.table(providerRollups)} r set ${sql.ref(col)} = x.h
        from (select month, provider_code, jsonb_object_agg(b::text, n) as h
          from (select month, provider_code, performance_hist_bucket(${sql.ref(ms)}) as b, count(*) as n
            from ${sql.table(facts)} where ${sql.ref(state)} in ('met', 'breached') and ${sql.ref(ms)} is not null
            group by 1, 2, 3) c
          group by 1, 2) x
        where r.month = x.month and r.provider_code = x.provider_code`.execute(db);
    }
  };
  await fill('performance_rollups', 'performance_case_facts', 'performance_provider_rollups');
  await fill('performance_frozen_rollups', 'performance_frozen_facts', 'performance_frozen_provider_rollups');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('performance_frozen_provider_rollups').ifExists().execute();
  await db.schema.dropTable('performance_provider_rollups').ifExists().execute();
  for (const t of ['performance_rollups', 'performance_frozen_rollups'])
    await db.schema.alterTable(t).dropColumn('fr_hist').dropColumn('res_hist').execute();
  await sql`drop function if exists performance_hist_add(jsonb, jsonb)`.execute(db);
  await sql`drop function if exists performance_hist_bucket(bigint)`.execute(db);
}
