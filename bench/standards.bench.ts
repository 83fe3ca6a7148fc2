/**
 * Minimum service standards' dashboard on a synthetic history (issue 6's speed targets). Seeds `--cases N`
 * cases (default 50,000) over five years (60 months), across 15 providers, up to 235 client entities and 40
 * services (the reference data has 205 and 27; the output prints what was used; one provider per entity and
 * service, as routing assigns them), with their per-case facts and
 * roll-ups (counters and histograms, both levels), all in bulk SQL (`generate_series`; the secondary indexes
 * of `cases` are dropped during the load and re-created from their own definitions). Then measures:
 * - the full dashboard, 12 months x all providers (median and p95 of 10 runs, ms), and the same view
 *   filtered by the largest service line and by the largest region (cell level, median and p95 of 5 runs);
 * - one drill-down (MSS-RES, one provider, one month, 500 cases listed; median and p95 of 20 runs, ms);
 * - keeping roll-ups current: `refreshCasePerformance` on 500 existing cases, each in its own transaction
 *   (median and p95 ms per case change).
 * Beside each figure: this process's CPU time (`process.cpuUsage()`; PostgreSQL's own CPU is not in it) and
 * the load average. The import measurement moved to `bench/standards-import.bench.ts`.
 * The full size is --cases 5000000; see docs/performance.md.
 * Run: npx tsx bench/standards.bench.ts [--cases 50000] [--data-dir DIR]
 *   PostgreSQL: set DATABASE_URL to an empty database. A database already seeded by this bench (PostgreSQL,
 *   or PGlite kept in --data-dir DIR) is measured again without seeding.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { fillHistograms } from '../src/db/migrations/20261130T0300-performance-histograms.ts';
import type { User } from '../src/modules/identity/identity.schema.ts';
import { dashboard, drilldown } from '../src/modules/performance/dashboard.service.ts';
import { refreshCasePerformance } from '../src/modules/performance/rollups.service.ts';
import { openMeridian } from '../src/server/runtime.ts';
import { machine } from './machine.ts';

const flag = (name: string, d: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
let N = flag('--cases', 50_000);
const keep = process.argv.includes('--data-dir') ? process.argv[process.argv.indexOf('--data-dir') + 1] : undefined;
const dir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-bench-standards-'));
const m = await openMeridian({
  dataDir: path.join(dir, 'db'),
  databaseUrl: process.env.DATABASE_URL || undefined,
  demoUsers: false,
});
const kind = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const admin: User = {
  id: 0,
  email: 'bench@meridian.test',
  name: 'bench',
  role: 'administrator',
  scope: null,
  locale: 'en',
  active: true,
} as unknown as User;

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const steps: string[] = [];
async function step(name: string, f: () => Promise<unknown>) {
  const s = performance.now();
  await f();
  steps.push(`${name} ${((performance.now() - s) / 1000).toFixed(1)} s`);
  console.error(`seed: ${name} done in ${((performance.now() - s) / 1000).toFixed(1)} s (load ${load()})`);
}

// --- seed: cases, facts, roll-ups (five years ending last month); a database already seeded is reused
const now = new Date();
const t0 = performance.now();
const already = Number(
  (await sql<{ n: string }>`select count(*) as n from cases where source = 'bench'`.execute(m.db)).rows[0]?.n ?? 0,
);
if (already > 0) {
  N = already;
  steps.push('reused: seeded by an earlier run');
} else await seed();
const seeded = performance.now() - t0;

async function seed() {
  const indexes = (
    await sql<{ indexname: string; indexdef: string }>`select indexname, indexdef from pg_indexes
    where schemaname = current_schema() and tablename = 'cases'
      and indexname not in (select conname from pg_constraint where conrelid = 'cases'::regclass)`.execute(m.db)
  ).rows;
  await step('drop secondary indexes of cases', async () => {
    for (const i of indexes) await sql`drop index ${sql.id(i.indexname)}`.execute(m.db);
  });
  const CHUNK = 500_000;
  await step('cases', async () => {
    for (let done = 0; done < N; done += CHUNK) {
      const n = Math.min(CHUNK, N - done);
      await sql`
      with p as (select array_agg(code order by code) a from (select code from providers order by code limit 15) x),
           s as (select array_agg(code order by code) a from (select code from services order by code limit 40) x),
           e as (select array_agg(code order by code) a from (select code from client_entities order by code limit 235) x)
      insert into cases (reference, entity_code, service_code, title, impact, urgency, priority, state, provider_code,
        routing_reason, created_at, updated_at, resolved_at, source, external_id)
      select 'BENCH-' || g, e.a[1 + (g * 31) % array_length(e.a, 1)], s.a[1 + (g * 13) % array_length(s.a, 1)],
        'Synthetic case ' || g, 2, 2, 'P3', 'resolved',
        -- one provider per entity and service, as routing assigns them
        p.a[1 + (((g * 31) % array_length(e.a, 1)) * 3 + (g * 13) % array_length(s.a, 1)) % array_length(p.a, 1)], 'bench',
        ${now}::timestamptz - make_interval(mins => ((g * 2654435761::bigint) % (60 * 30 * 24 * 60))::int) - interval '31 days',
        ${now}::timestamptz, ${now}::timestamptz, 'bench', g::text
      from generate_series(${done + 1}::int, ${done + n}::int) g, p, s, e`.execute(m.db);
    }
  });
  await step('re-create indexes of cases', async () => {
    for (const i of indexes) await sql.raw(i.indexdef).execute(m.db);
  });
  await step('facts', () =>
    sql`insert into performance_case_facts (case_id, provider_code, service_code, entity_code, month, time_zone,
    fr_state, fr_ms, nr_state, nr_ms, res_state, res_ms, resolved, reopened, provider_handoffs, team_handoffs, ping_pong,
    end_to_end_ms, updated_at)
  select id, provider_code, service_code, entity_code, to_char(created_at at time zone 'UTC', 'YYYY-MM'), 'UTC',
    case when id % 10 = 0 then 'breached' else 'met' end, (id * 7919) % 36000000,
    null, null, case when id % 20 = 0 then 'breached' else 'met' end, (id * 104729) % 180000000,
    true, id % 25 = 0, (id % 7 = 0)::int + (id % 49 = 0)::int, (id % 3)::int, id % 50 = 0, (id * 15485863) % 864000000, now()
  from cases where source = 'bench'`.execute(m.db),
  );
  await step('roll-up counters', () =>
    sql`insert into performance_rollups (provider_code, service_code, entity_code, month, cases, fr_met, fr_decided, nr_met,
    nr_decided, res_met, res_decided, resolved, reopened, provider_handoffs, team_handoffs, ping_pong)
  select provider_code, service_code, entity_code, month, count(*),
    count(*) filter (where fr_state = 'met'), count(*) filter (where fr_state in ('met','breached')),
    0, 0, count(*) filter (where res_state = 'met'), count(*) filter (where res_state in ('met','breached')),
    count(*) filter (where resolved), count(*) filter (where reopened), sum(provider_handoffs), sum(team_handoffs),
    count(*) filter (where ping_pong)
  from performance_case_facts group by 1, 2, 3, 4`.execute(m.db),
  );
  // the migration's own fill: histograms of the cells from the facts, then the provider x month level
  await step('histograms and provider level (fillHistograms)', () => fillHistograms(m.db as unknown as Kysely<unknown>));
  await step('analyze', () => sql`analyze`.execute(m.db));
}

/** Median and p95 of `runs` timings (ms), with this process's CPU time per run (ms) and the load average. */
async function time(runs: number, f: () => Promise<unknown>) {
  const xs: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await f();
    xs.push(performance.now() - s);
  }
  const cpu = process.cpuUsage(cpu0);
  xs.sort((a, b) => a - b);
  const median = xs[Math.floor(runs / 2)] as number;
  const p95 = xs[Math.min(runs - 1, Math.ceil(runs * 0.95) - 1)] as number;
  const cpuPerRun = (cpu.user + cpu.system) / 1000 / runs;
  return {
    median,
    p95,
    text: (digits: number) =>
      `median ${median.toFixed(digits)} ms, p95 ${p95.toFixed(digits)} ms (node CPU ${cpuPerRun.toFixed(digits)} ms/run, load ${load()})`,
  };
}

const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 12, 1)).toISOString().slice(0, 7);
const view = { from: first, to: last, granularity: 'month' as const };
const d = await dashboard(m.db, admin, view);
if (d.providers.length !== 15 || d.periods.length !== 12)
  throw new Error(`dashboard: ${d.providers.length} providers, ${d.periods.length} periods`);
const dash = await time(10, () => dashboard(m.db, admin, view));
// filtered views read the cells: the service line with the most services, the region with the most entities
const line = (
  await sql<{
    code: string;
  }>`select service_line_code as code from services group by 1 order by count(*) desc, 1 limit 1`.execute(m.db)
).rows[0]?.code as string;
const region = (
  await sql<{ region: string }>`select d.region from client_entities e join duty_stations d on d.code = e.duty_station_code
    group by 1 order by count(*) desc, 1 limit 1`.execute(m.db)
).rows[0]?.region as string;
const byLine = await time(5, () => dashboard(m.db, admin, { ...view, serviceLine: line }));
const byRegion = await time(5, () => dashboard(m.db, admin, { ...view, region }));
const provider = d.providers[0] as string;
// the estimate beside the exact percentile_cont over the same facts (one provider, the 12 months)
const ttr = d.cells.filter((c) => c.standard === 'MSS-TTR' && c.provider === provider);
const exact = await sql<{ period: string; v: number | string }>`select month as period,
    percentile_cont(0.5) within group (order by res_ms) / 3600000.0 as v
  from performance_case_facts where provider_code = ${provider} and month between ${first} and ${last}
    and res_state in ('met', 'breached') group by 1`.execute(m.db);
const worst = Math.max(
  ...exact.rows.map((x) => Math.abs((ttr.find((c) => c.period === x.period)?.value ?? Number.NaN) / Number(x.v) - 1)),
);
const drillQuery = {
  from: last,
  to: last,
  granularity: 'month' as const,
  standard: 'MSS-RES',
  provider,
  period: last,
  limit: 500,
};
const dd = await drilldown(m.db, admin, drillQuery);
const drill = await time(20, () => drilldown(m.db, admin, drillQuery));
const ids = (
  await sql<{ id: string }>`select id from cases where source = 'bench' order by random() limit 500`.execute(m.db)
).rows.map((r) => String(r.id));
const per: number[] = [];
const cpu0 = process.cpuUsage();
for (const id of ids) {
  const s = performance.now();
  await m.db.transaction().execute((trx) => refreshCasePerformance(trx, id, new Date()));
  per.push(performance.now() - s);
}
const cpu = process.cpuUsage(cpu0);
per.sort((a, b) => a - b);
const shape = (
  await sql<{ cells: string; providers: string; services: string; entities: string }>`select count(*) as cells,
    count(distinct provider_code) as providers, count(distinct service_code) as services,
    count(distinct entity_code) as entities from performance_rollups`.execute(m.db)
).rows[0];

const out = [
  `standards bench on ${kind}: ${N.toLocaleString('en')} cases over 60 months, ${shape?.providers} providers, ${shape?.entities} client entities, ${shape?.services} services (all the reference data has), ${Number(shape?.cells).toLocaleString('en')} roll-up cells (seeded in ${(seeded / 1000).toFixed(1)} s: ${steps.join(', ')})`,
  `  dashboard 12 months x ${d.providers.length} providers (${d.cells.length} figures): ${dash.text(0)}`,
  `  same, filtered by service line ${line} (the largest; cell level): ${byLine.text(0)}`,
  `  same, filtered by region ${region} (the largest; cell level): ${byRegion.text(0)}`,
  `  MSS-TTR ${provider}, 12 months: estimate within ${(worst * 100).toFixed(3)} % of percentile_cont over the facts (bound 1.5625 %)`,
  `  drill-down MSS-RES ${provider} ${last} (${dd.total} cases, 500 listed): ${drill.text(1)}`,
  `  roll-ups kept current, per case change (refreshCasePerformance, own transaction, 500 cases): median ${(per[250] as number).toFixed(2)} ms, p95 ${(per[475] as number).toFixed(2)} ms (node CPU ${((cpu.user + cpu.system) / 1000 / 500).toFixed(2)} ms/change, load ${load()})`,
  `  machine: ${machine()}`,
];
console.log(out.join('\n'));
await m.close();
if (!keep) fs.rmSync(dir, { recursive: true, force: true });
