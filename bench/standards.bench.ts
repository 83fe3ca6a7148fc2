/**
 * Minimum service standards on a synthetic history. Seeds `--cases N` cases (default 50,000) over five years
 * (60 months), across 15 providers, 235 client entities and 40 services (one provider per entity and
 * service, as routing assigns them), with their per-case facts and
 * roll-ups (bulk, in SQL), and a synthetic event log of `--events-per-case E` events a case (default 8,
 * written as a gzip CSV). Then measures:
 * - import rate: a synthetic log of `--log-cases L` cases (default the smaller of N and 50,000) x E events
 *   through `importAnalyticsLog` (events/s), and the whole BPIC 2013 log (s);
 * - the full dashboard, 12 months x all providers (median and p95 of 10 runs, ms);
 * - one drill-down (MSS-RES, one provider, one month, 500 cases; median and p95 of 20 runs, ms);
 * - keeping roll-ups current: `refreshCasePerformance` on 500 existing cases, each in its own transaction
 *   (median and p95 ms per case change).
 * The full size is --cases 5000000 (about 40M events); see docs/performance.md for what it needs.
 * Run: npx tsx bench/standards.bench.ts [--cases 50000] [--events-per-case 8] [--log-cases 50000]
 *      (PostgreSQL: set DATABASE_URL to an empty database)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import type { User } from '../src/modules/identity/identity.schema.ts';
import { dashboard, drilldown } from '../src/modules/performance/dashboard.service.ts';
import { importAnalyticsLog } from '../src/modules/performance/event-log.service.ts';
import { refreshCasePerformance } from '../src/modules/performance/rollups.service.ts';
import { openMeridian } from '../src/server/runtime.ts';
import { SHARED_DATA } from '../tests/helpers/shared-data.ts';
import { machine } from './machine.ts';

const flag = (name: string, d: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const N = flag('--cases', 50_000);
const E = flag('--events-per-case', 8);
/** Cases of the synthetic log (its CSV is parsed in memory): default the smaller of N and 50,000. */
const L = flag('--log-cases', Math.min(N, 50_000));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-bench-standards-'));
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

// --- seed: cases, facts, roll-ups (five years ending last month)
const now = new Date();
const t0 = performance.now();
const CHUNK = 100_000;
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
await sql`insert into performance_case_facts (case_id, provider_code, service_code, entity_code, month, time_zone,
    fr_state, fr_ms, nr_state, nr_ms, res_state, res_ms, resolved, reopened, provider_handoffs, team_handoffs, ping_pong,
    end_to_end_ms, updated_at)
  select id, provider_code, service_code, entity_code, to_char(created_at at time zone 'UTC', 'YYYY-MM'), 'UTC',
    case when id % 10 = 0 then 'breached' else 'met' end, (id * 7919) % 36000000,
    null, null, case when id % 20 = 0 then 'breached' else 'met' end, (id * 104729) % 180000000,
    true, id % 25 = 0, (id % 7 = 0)::int + (id % 49 = 0)::int, (id % 3)::int, id % 50 = 0, (id * 15485863) % 864000000, now()
  from cases where source = 'bench'`.execute(m.db);
await sql`insert into performance_rollups
  select provider_code, service_code, entity_code, month, count(*),
    count(*) filter (where fr_state = 'met'), count(*) filter (where fr_state in ('met','breached')),
    0, 0, count(*) filter (where res_state = 'met'), count(*) filter (where res_state in ('met','breached')),
    count(*) filter (where resolved), count(*) filter (where reopened), sum(provider_handoffs), sum(team_handoffs),
    count(*) filter (where ping_pong)
  from performance_case_facts group by 1, 2, 3, 4`.execute(m.db);
await sql`analyze`.execute(m.db);
const seeded = performance.now() - t0;

// --- import rate: a synthetic log of N x E events, and BPIC 2013
const logFile = path.join(dir, 'synthetic.csv.gz');
{
  const lines = ['case,activity,at,team,level'];
  const base = Date.UTC(2021, 0, 1);
  for (let c = 1; c <= L; c++) {
    for (let k = 0; k < E; k++) {
      const at = new Date(base + c * 60_000 + k * 3_600_000).toISOString();
      lines.push(`C${c},step ${k},${at},T${(c + (k >> 1)) % 40},L${1 + (k >> 2)}`);
    }
  }
  fs.writeFileSync(logFile, zlib.gzipSync(lines.join('\n')));
}
const bpic = await importAnalyticsLog(m.db, {
  file: path.join(SHARED_DATA, 'event-logs', 'bpic2013-incidents.csv.gz'),
  preset: 'bpic2013',
  log: 'bpic2013',
});
const synthetic = await importAnalyticsLog(m.db, {
  file: logFile,
  log: 'synthetic',
  columns: { case: 'case', activity: 'activity', timestamp: 'at', team: 'team', level: 'level' },
});

async function time(runs: number, f: () => Promise<unknown>): Promise<[number, number]> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await f();
    xs.push(performance.now() - s);
  }
  xs.sort((a, b) => a - b);
  return [xs[Math.floor(runs / 2)] as number, xs[Math.min(runs - 1, Math.ceil(runs * 0.95) - 1)] as number];
}

const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 12, 1)).toISOString().slice(0, 7);
const d = await dashboard(m.db, admin, { from: first, to: last, granularity: 'month' });
if (d.providers.length !== 15 || d.periods.length !== 12)
  throw new Error(`dashboard: ${d.providers.length} providers, ${d.periods.length} periods`);
const dash = await time(10, () => dashboard(m.db, admin, { from: first, to: last, granularity: 'month' }));
const provider = d.providers[0] as string;
const dd = await drilldown(m.db, admin, {
  from: last,
  to: last,
  granularity: 'month',
  standard: 'MSS-RES',
  provider,
  period: last,
  limit: 500,
});
const drill = await time(20, () =>
  drilldown(m.db, admin, { from: last, to: last, granularity: 'month', standard: 'MSS-RES', provider, period: last, limit: 500 }),
);
const ids = (
  await sql<{ id: string }>`select id from cases where source = 'bench' order by random() limit 500`.execute(m.db)
).rows.map((r) => String(r.id));
const per: number[] = [];
for (const id of ids) {
  const s = performance.now();
  await m.db.transaction().execute((trx) => refreshCasePerformance(trx, id, new Date()));
  per.push(performance.now() - s);
}
per.sort((a, b) => a - b);

const out = [
  `standards bench on ${kind}: ${N.toLocaleString('en')} cases over 60 months, 15 providers, 235 entities, 40 services (seeded in ${(seeded / 1000).toFixed(1)} s)`,
  `  import: synthetic log ${synthetic.events.toLocaleString('en')} events in ${(synthetic.durationMs / 1000).toFixed(2)} s = ${Math.round(synthetic.events / (synthetic.durationMs / 1000)).toLocaleString('en')} events/s; BPIC 2013 whole log (${bpic.events.toLocaleString('en')} events) ${(bpic.durationMs / 1000).toFixed(2)} s`,
  `  dashboard 12 months x ${d.providers.length} providers (${d.cells.length} figures): median ${dash[0].toFixed(0)} ms, p95 ${dash[1].toFixed(0)} ms`,
  `  drill-down MSS-RES ${provider} ${last} (${dd.total} cases, 500 listed): median ${drill[0].toFixed(1)} ms, p95 ${drill[1].toFixed(1)} ms`,
  `  roll-ups kept current, per case change (refreshCasePerformance, own transaction, 500 cases): median ${(per[250] as number).toFixed(2)} ms, p95 ${(per[475] as number).toFixed(2)} ms`,
  `  machine: ${machine()}`,
];
console.log(out.join('\n'));
await m.close();
fs.rmSync(dir, { recursive: true, force: true });
