/**
 * The cost of one request of the cases API, one request at a time (no concurrency, so no queueing): for
 * case creation, the queue listing (an agent's open cases, 50 a page) and the case view, prints per
 * request the SQL round trips (statements, BEGIN and COMMIT included), the server's CPU milliseconds
 * (this process: Fastify, Kysely, node-postgres; requests by `app.inject`, so no HTTP socket), the
 * PostgreSQL backends' CPU milliseconds (Linux /proc, PostgreSQL on this machine), and the p50/p99
 * latency; after the creations, the same figures per case for draining their performance refreshes
 * (`drainPerformanceQueue`, decision 0019). These figures move less than throughput under load when other
 * work shares the machine (`cases-load.bench.ts`), though still by ±20%; use them to compare changes.
 *
 * Run: DATABASE_URL=postgres://user@127.0.0.1:5432/postgres npx tsx bench/cases-cost.bench.ts [--cases N] [--requests R] [--reuse] [--only creation,queue,case]
 *      npx tsx bench/cases-cost.bench.ts            (PGlite in a temp folder; no PostgreSQL CPU figure)
 * On PostgreSQL it creates (and drops first, unless --reuse finds it seeded) the database
 * `meridian_cost_bench` (default 100,000 cases).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { drainPerformanceQueue } from '../src/modules/performance/queue.service.ts';
import { buildApp } from '../src/server/app.ts';
import { openMeridian } from '../src/server/runtime.ts';
import { signInAs } from '../tests/helpers/http.ts';
import { benchDatabaseUrl, seed } from './cases-seed.ts';
import { machine } from './machine.ts';
import { postgresBackendsCpu, postmasterPid } from './process-cpu.ts';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '1000' },
    reuse: { type: 'boolean', default: false },
    only: { type: 'string', default: 'creation,queue,case' },
  },
});
const N = Number(values.cases);
const R = Number(values.requests);
const url = process.env.DATABASE_URL;
const DB_NAME = 'meridian_cost_bench';

/** CPU seconds the backends alive at `after` used since `before` (a backend gone meanwhile is not counted). */
function postgresCpuSince(before: Map<string, number>, after: Map<string, number>): number {
  let total = 0;
  for (const [pid, s] of after) total += s - (before.get(pid) ?? 0);
  return total;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-cost-'));
const bench = url ? await benchDatabaseUrl(url, values.reuse, N, DB_NAME) : undefined;
const m = await openMeridian({ dataDir: dir, ...(bench ? { databaseUrl: bench.url } : {}), demoUsers: true });
if (!bench?.seeded) await seed(m.db, N);
// this cluster's backends of the bench database only (not another cluster's on the same machine)
const postmaster = bench ? await postmasterPid(bench.url) : undefined;
const postgresCpu = () => postgresBackendsCpu(postmaster, DB_NAME);

// Count SQL round trips: every query node-postgres (or PGlite) sends, BEGIN and COMMIT included.
let roundTrips = 0;
if (m.pglite) {
  const pglite = m.pglite;
  const query = pglite.query.bind(pglite);
  pglite.query = ((...args: Parameters<typeof query>) => {
    roundTrips++;
    return query(...args);
  }) as typeof pglite.query;
} else {
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    roundTrips++;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
}

const app = await buildApp({
  db: m.db,
  databaseKind: m.kind,
  logLevel: 'silent',
  signInRateLimit: 1_000_000,
  webDir: '/nonexistent',
});
const requester = await signInAs(app, 'requester.rco-cl@meridian.test');
const agent = await signInAs(app, 'agent.unon@meridian.test');
const refs = (
  await m.db
    .selectFrom('cases')
    .select('reference')
    .where('provider_code', '=', 'UNON')
    .where('source', '=', 'seed')
    .limit(R)
    .execute()
).map((r) => r.reference);

const body = {
  service: 'PAY-PAYROLL',
  title: 'Salary not received',
  fields: { indexNumber: '123456', payPeriod: '2026-10', issue: 'missing-payment' },
  impact: 2,
  urgency: 1,
};
const kinds = {
  creation: () => app.inject({ method: 'POST', url: '/api/cases', headers: requester, payload: body }),
  'queue listing': () => app.inject({ url: '/api/cases?state=open&pageSize=50', headers: agent }),
  'case view': (i: number) => app.inject({ url: `/api/cases/${refs[i % refs.length]}`, headers: agent }),
};

const lines: string[] = [];
const only = new Set(values.only.split(','));
for (const [kind, request] of Object.entries(kinds)) {
  if (!only.has(kind.split(' ')[0] as string)) continue;
  if (kind === 'creation') await drainPerformanceQueue(m.db); // what earlier runs left queued
  for (let i = 0; i < 50; i++) await request(i); // warm up (JIT, prepared statements, session cache)
  const trips0 = roundTrips;
  const pg0 = postgresCpu();
  const cpu0 = process.cpuUsage();
  const latencies: number[] = [];
  for (let i = 0; i < R; i++) {
    const t = performance.now();
    const r = await request(i);
    latencies.push(performance.now() - t);
    if (r.statusCode >= 300) throw new Error(`${kind}: ${r.statusCode} ${r.body}`);
  }
  const cpu = process.cpuUsage(cpu0);
  const pgMs = (1000 * postgresCpuSince(pg0, postgresCpu())) / R;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]?.toFixed(2);
  lines.push(
    `  ${kind}: ${((roundTrips - trips0) / R).toFixed(1)} SQL round trips, server CPU ${((cpu.user + cpu.system) / 1000 / R).toFixed(2)} ms (sys ${(cpu.system / 1000 / R).toFixed(2)})` +
      `${m.pglite ? '' : `, PostgreSQL CPU ${pgMs.toFixed(2)} ms`}; p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`,
  );
  if (kind === 'creation') {
    // the roll-ups of these cases, refreshed after commit by the drain (decision 0019), per case
    const trips1 = roundTrips;
    const pg1 = postgresCpu();
    const cpu1 = process.cpuUsage();
    const t = performance.now();
    const { refreshed } = await drainPerformanceQueue(m.db);
    const ms = performance.now() - t;
    const c = process.cpuUsage(cpu1);
    lines.push(
      `  roll-up drain after commit: ${refreshed} cases, per case ${((roundTrips - trips1) / refreshed).toFixed(1)} SQL round trips, server CPU ${((c.user + c.system) / 1000 / refreshed).toFixed(2)} ms` +
        `${m.pglite ? '' : `, PostgreSQL CPU ${((1000 * postgresCpuSince(pg1, postgresCpu())) / refreshed).toFixed(2)} ms`}, wall ${(ms / refreshed).toFixed(2)} ms`,
    );
  }
}
await app.close();
await m.close();
fs.rmSync(dir, { recursive: true, force: true });
console.log(
  [
    `cases API cost per request on ${m.kind === 'pglite' ? 'PGlite' : 'PostgreSQL'}: ${N.toLocaleString('en')} seeded cases, ${R} requests of each kind, one at a time, in-process`,
    ...lines,
    `  on ${machine()}`,
  ].join('\n'),
);
