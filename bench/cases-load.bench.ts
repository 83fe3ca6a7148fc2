/**
 * Case load (issue 4). With N cases already loaded (default 1,000,000 on PostgreSQL, 100,000 on PGlite),
 * measures through the HTTP API at 64 concurrent connections (autocannon, loopback only):
 * - case creation: requests per second and p50/p99 latency (ms);
 * - queue listing (an agent's open cases, 50 a page) and case view: p50/p99 latency (ms);
 * and, in the same run, the raw INSERT rate of the same rows (a case, its two events and its segment,
 * one transaction each) from 64 concurrent SQL connections (1 on PGlite, which has one connection).
 *
 * The server runs in its own process (`cases-load.server.ts`, forked) and the load generator in this one,
 * so that they do not share an event loop; on a small machine they still share the cores (with
 * PostgreSQL).
 *
 * Run: DATABASE_URL=postgres://user@127.0.0.1:5432/postgres npx tsx bench/cases-load.bench.ts [--cases N] [--seconds S]
 *      npx tsx bench/cases-load.bench.ts            (PGlite in a temp folder)
 * Options: --reuse (PostgreSQL: keep an already seeded `meridian_bench` holding at least N seeded cases),
 *          --only create,queue,view (a subset of the HTTP phases; the raw INSERT rate is always measured),
 *          --warmup S (seconds of the same load before each phase's measured seconds, default 3; 0: none),
 *          --rate R (offer R requests/s in all, spread over the 64 connections, instead of each connection
 *          sending its next request as soon as the last is answered: latency below saturation, without the
 *          queueing of a closed loop; autocannon corrects for coordinated omission).
 * Environment: BENCH_SERVER_ARGS (extra node options for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`),
 *              BENCH_LOG_LEVEL (the server's log level, default silent).
 * On PostgreSQL it creates (and drops first, unless --reuse) the database `meridian_bench` on that server.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { preparedStatementPool } from '../src/db/prepared-statements.ts';
import type { Database } from '../src/db/types.ts';
import { openMeridian } from '../src/server/runtime.ts';
import { DEMO_PASSWORD } from '../tests/helpers/http.ts';
import { benchDatabaseUrl, seed } from './cases-seed.ts';
import { machine } from './machine.ts';
import { postgresBackendsCpu, postmasterPid, processCpuSeconds } from './process-cpu.ts';

const { values } = parseArgs({
  options: {
    cases: { type: 'string' },
    seconds: { type: 'string', default: '15' },
    reuse: { type: 'boolean', default: false },
    only: { type: 'string', default: 'create,queue,view' },
    rate: { type: 'string' },
    warmup: { type: 'string', default: '3' },
  },
});
const url = process.env.DATABASE_URL;
const N = Number(values.cases ?? (url ? 1_000_000 : 100_000));
const SECONDS = Number(values.seconds);
const CONNECTIONS = 64;
const phases = new Set(values.only.split(','));
const RATE = values.rate ? Number(values.rate) : undefined;
const WARMUP = Number(values.warmup);
if (!(WARMUP >= 0)) throw new Error(`--warmup must be a number of seconds (0 or more), not ${values.warmup}`);
if (RATE !== undefined && !(RATE > 0))
  throw new Error(`--rate must be a positive number of requests per second, not ${values.rate}`);

/** The raw INSERT rate of the rows a case creation writes, from `clients` concurrent connections, for `seconds`. */
async function rawInsertRate(db: Kysely<Database>, clients: number, seconds: number): Promise<number> {
  let done = 0;
  const run = Date.now();
  const until = run + seconds * 1000;
  const worker = async (w: number) => {
    for (let i = 0; Date.now() < until; i++) {
      await db.transaction().execute(async (trx) => {
        const r = await sql<{ id: string }>`
          insert into cases (reference, entity_code, service_code, title, fields, impact, urgency, priority, state,
                             provider_code, routing_reason, created_at, updated_at, source)
          values (${`RAW-${run}-${w}-${i}`}, 'RCO-CL', 'PAY-PAYROLL', 'Raw insert', '{}'::jsonb, 2, 1, 'P2', 'new', 'UNON',
                  'raw', now(), now(), 'raw') returning id`.execute(trx);
        const id = r.rows[0]?.id;
        await sql`insert into case_events (case_id, at, type, after, details) values (${id}, now(), 'created', '{}'::jsonb, '{}'::jsonb),
                                                                                     (${id}, now(), 'routed', '{}'::jsonb, '{}'::jsonb)`.execute(
          trx,
        );
        await sql`insert into case_segments (case_id, provider_code, started_at, start_reason) values (${id}, 'UNON', now(), 'routed')`.execute(
          trx,
        );
      });
      done++;
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, w) => worker(w)));
  return done / seconds;
}

/** CPU seconds used so far by the server process and by this cluster's backends of `meridian_bench` (Linux /proc; 0 elsewhere). */
function cpuSeconds(serverPid: number | undefined): { server: number; postgres: number } {
  let postgres = 0;
  for (const s of postgresBackendsCpu(postmaster, 'meridian_bench').values()) postgres += s;
  return { server: processCpuSeconds(serverPid), postgres };
}

type Phase = autocannon.Result & { cpuMs: { server: number; postgres: number } };

let analyzed = false;
/**
 * PostgreSQL, once, after the first warm-up: the statistics of the tables the seed left empty (clocks,
 * escalation jobs, facts: seeded cases have none) are those of empty tables until autovacuum's next analyze
 * (within a minute on a live server); meanwhile plans made for an empty table (a sequential scan for a
 * foreign key check, say) make the first run after a seed 3-6 times slower than the steady state measured.
 */
async function analyzeOnce(): Promise<void> {
  if (analyzed || !bench) return;
  analyzed = true;
  const client = new pg.Client({ connectionString: bench.url });
  await client.connect();
  try {
    await client.query('analyze');
  } finally {
    await client.end();
  }
}

/**
 * Runs autocannon and adds the CPU milliseconds per 2xx response spent by the server and by PostgreSQL,
 * until `settle` (if given) resolves after the load ends: the work the requests left behind is counted.
 */
async function run(opts: autocannon.Options, serverPid?: number, settle?: () => Promise<void>): Promise<Phase> {
  const cannon = (o: autocannon.Options) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      autocannon(RATE ? { ...o, overallRate: RATE } : o, (err, r) => (err ? reject(err) : resolve(r)));
    });
  // The same load, not measured, first: a server just started compiles its hot code, opens its database
  // connections and prepares its statements in its first seconds (p99 over 200 ms in the first second).
  if (WARMUP > 0) await cannon({ ...opts, duration: WARMUP });
  await analyzeOnce();
  const before = cpuSeconds(serverPid);
  const result = await cannon(opts);
  await settle?.();
  const after = cpuSeconds(serverPid);
  const n = Math.max(1, result['2xx']);
  return {
    ...result,
    cpuMs: { server: (1000 * (after.server - before.server)) / n, postgres: (1000 * (after.postgres - before.postgres)) / n },
  };
}

/** Distinct cases waiting in `performance_queue` of the database at `url`. */
async function queuedRefreshes(dbUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const r = await client.query<{ n: string }>('select count(distinct case_id) as n from performance_queue');
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/** Signs in through the HTTP API and returns the `cookie` header. */
async function signIn(base: string, email: string): Promise<string> {
  const r = await fetch(`${base}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  const set = r.headers.get('set-cookie');
  if (r.status !== 200 || !set) throw new Error(`sign-in of ${email} failed: ${r.status} ${await r.text()}`);
  return set.split(';')[0] as string;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-load-'));
const bench = url ? await benchDatabaseUrl(url, values.reuse, N) : undefined;
// the PostgreSQL CPU counted is this cluster's (another cluster on the machine, another session's say, is not)
const postmaster = bench ? await postmasterPid(bench.url) : undefined;
const dbConfig = { dataDir: dir, ...(bench ? { databaseUrl: bench.url } : {}), demoUsers: true };
const m = await openMeridian(dbConfig);
const t0 = performance.now();
if (!bench?.seeded) await seed(m.db, N);
const seedSeconds = (performance.now() - t0) / 1000;
const refs = (
  await m.db
    .selectFrom('cases')
    .select('reference')
    .where('provider_code', '=', 'UNON')
    .where('source', '=', 'seed')
    .limit(1000)
    .execute()
).map((r) => r.reference);

// The raw rate from as many SQL connections as the HTTP phases have (one on PGlite).
// Its statements are prepared like the server's (src/db/prepared-statements.ts), so that the comparison is fair.
const rawDb = bench
  ? new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: preparedStatementPool(new pg.Pool({ connectionString: bench.url, max: CONNECTIONS })),
      }),
    })
  : m.db;
const rawClients = bench ? CONNECTIONS : 1;
const rawRate = await rawInsertRate(rawDb, rawClients, Math.min(SECONDS, 10));
if (rawDb !== m.db) await rawDb.destroy();
await m.close(); // PGlite is one process's: the server takes it over

const server = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'cases-load.server.ts'), [], {
  execArgv: ['--import', 'tsx', ...(process.env.BENCH_SERVER_ARGS?.split(' ').filter(Boolean) ?? [])],
  env: { ...process.env, ...(bench ? { BENCH_DATABASE_URL: bench.url } : { BENCH_DATA_DIR: dir }) },
  // The server's log (BENCH_LOG_LEVEL) goes to /dev/null: written, not shown.
  stdio: ['ignore', process.env.BENCH_LOG_LEVEL ? 'ignore' : 'inherit', 'inherit', 'ipc'],
});
const port = await new Promise<number>((resolve, reject) => {
  server.once('message', (msg) => resolve((msg as { port: number }).port));
  server.once('exit', (code) => reject(new Error(`the bench server exited (${code}) before listening`)));
});
const base = `http://127.0.0.1:${port}`;
const requesterCookie = await signIn(base, 'requester.rco-cl@meridian.test');
const agentCookie = await signIn(base, 'agent.unon@meridian.test');

const body = JSON.stringify({
  service: 'PAY-PAYROLL',
  title: 'Salary not received',
  fields: { indexNumber: '123456', payPeriod: '2026-10', issue: 'missing-payment' },
  impact: 2,
  urgency: 1,
});
let lag: number | undefined;
const create = phases.has('create')
  ? await run(
      {
        url: `${base}/api/cases`,
        method: 'POST',
        connections: CONNECTIONS,
        duration: SECONDS,
        headers: { 'content-type': 'application/json', cookie: requesterCookie },
        body,
      },
      server.pid,
      async () => {
        // How far the performance drain (decision 0019, every `DRAIN_INTERVAL_MS` in the server) lagged when the load
        // ended (PostgreSQL only: PGlite is the server process's); then wait for it, so that the CPU per
        // creation includes its roll-up refresh.
        if (!bench) return;
        lag = await queuedRefreshes(bench.url);
        for (let i = 0; i < 600 && (await queuedRefreshes(bench.url)) > 0; i++) await new Promise((r) => setTimeout(r, 100));
      },
    )
  : undefined;
const queue = phases.has('queue')
  ? await run(
      {
        url: `${base}/api/cases?state=open&pageSize=50`,
        connections: CONNECTIONS,
        duration: SECONDS,
        headers: { cookie: agentCookie },
      },
      server.pid,
    )
  : undefined;
let k = 0;
const view = phases.has('view')
  ? await run(
      {
        url: base,
        connections: CONNECTIONS,
        duration: SECONDS,
        headers: { cookie: agentCookie },
        requests: [{ setupRequest: (req) => ({ ...req, path: `/api/cases/${refs[k++ % refs.length]}` }) }],
      },
      server.pid,
    )
  : undefined;
server.send('close');
await new Promise((resolve) => server.once('exit', resolve));

const after = await openMeridian(dbConfig);
const total = await after.db.selectFrom('cases').select(after.db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
await after.close();
fs.rmSync(dir, { recursive: true, force: true });

const ok = (r: Phase) =>
  `${r.non2xx || r.errors ? ` (${r.non2xx} non-2xx, ${r.errors} errors)` : ''}; CPU per request: server ${r.cpuMs.server.toFixed(2)} ms, PostgreSQL ${r.cpuMs.postgres.toFixed(2)} ms`;
const line = (what: string, r: Phase | undefined) =>
  r
    ? `  ${what}: ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms${ok(r)}`
    : `  ${what}: not run`;
const createRate = create ? create['2xx'] / SECONDS : 0;
console.log(
  [
    `cases load on ${m.kind === 'pglite' ? 'PGlite' : 'PostgreSQL'}: ${N.toLocaleString('en')} seeded cases (${bench?.seeded ? 'reused' : `${seedSeconds.toFixed(0)} s to seed`}), ${Number(total.n).toLocaleString('en')} at the end; ${CONNECTIONS} connections, ${SECONDS} s each after ${WARMUP} s of warm-up${RATE ? `, ${RATE} requests/s offered` : ''}; server in its own process`,
    create
      ? `  creation: ${createRate.toFixed(0)} cases/s, p50 ${create.latency.p50} ms, p99 ${create.latency.p99} ms${ok(create)}; raw INSERT of the same rows: ${rawRate.toFixed(0)} cases/s (${rawClients} SQL connections) -> creation at ${((100 * createRate) / rawRate).toFixed(0)}% of raw${lag !== undefined ? ` (CPU including the roll-up refresh; ${lag} cases awaited it when the load ended)` : ''}`
      : `  creation: not run; raw INSERT of the same rows: ${rawRate.toFixed(0)} cases/s (${rawClients} SQL connections)`,
    line('queue listing', queue),
    line('case view', view),
    `  on ${machine()}`,
  ].join('\n'),
);
