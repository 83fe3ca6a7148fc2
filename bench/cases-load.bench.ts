/**
 * Case load (issue 4). With N cases already loaded (default 1,000,000 on PostgreSQL, 100,000 on PGlite),
 * measures through the HTTP API at 64 concurrent connections (autocannon, loopback only):
 * - case creation: requests per second and p50/p99 latency (ms);
 * - queue listing (an agent's open cases, 50 a page) and case view: p50/p99 latency (ms);
 * and, in the same run, the raw INSERT rate of the same rows (a case, its two events and its segment,
 * one transaction each) from 64 concurrent SQL clients (1 on PGlite, which has one connection).
 *
 * Run: DATABASE_URL=postgres://user@127.0.0.1:5432/postgres npx tsx bench/cases-load.bench.ts [--cases N] [--seconds S]
 *      npx tsx bench/cases-load.bench.ts            (PGlite in a temp folder)
 * On PostgreSQL it creates (and drops first) the database `meridian_bench` on that server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../src/db/types.ts';
import { buildApp } from '../src/server/app.ts';
import { openMeridian } from '../src/server/runtime.ts';
import { signInAs } from '../tests/helpers/http.ts';
import { machine } from './machine.ts';

const { values } = parseArgs({ options: { cases: { type: 'string' }, seconds: { type: 'string', default: '15' } } });
const url = process.env.DATABASE_URL;
const N = Number(values.cases ?? (url ? 1_000_000 : 100_000));
const SECONDS = Number(values.seconds);
const CONNECTIONS = 64;

async function benchDatabaseUrl(base: string): Promise<string> {
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query('drop database if exists meridian_bench with (force)');
  await admin.query('create database meridian_bench');
  await admin.end();
  const u = new URL(base);
  u.pathname = '/meridian_bench';
  return u.toString();
}

/** Loads `n` cases (with a created event and a segment each) spread over every assignment, server-side. */
async function seed(db: Kysely<Database>, n: number): Promise<void> {
  const batch = 100_000;
  for (let from = 1; from <= n; from += batch) {
    const to = Math.min(n, from + batch - 1);
    await sql`
      with a as (select row_number() over (order by id) as rn, entity_code, service_code, provider_code from assignments),
           k as (select count(*) as n from assignments)
      insert into cases (reference, entity_code, service_code, title, fields, impact, urgency, priority, state,
                         provider_code, routing_reason, created_at, updated_at, source, external_id)
      select 'SEED-' || g, a.entity_code, a.service_code, 'Seeded case ' || g, '{}'::jsonb, 3, 3, 'P4',
             (array['new','in-progress','awaiting-client','resolved','closed'])[1 + g % 5], a.provider_code, 'seed',
             now() - make_interval(secs => g), now() - make_interval(secs => g), 'seed', g::text
      from generate_series(${from}::int, ${to}::int) g, k
      join a on true
      where a.rn = 1 + g % k.n`.execute(db);
    await sql`
      insert into case_events (case_id, at, type, after, details)
      select id, created_at, 'created', jsonb_build_object('state', state), '{}'::jsonb
      from cases where source = 'seed' and external_id::int between ${from} and ${to}`.execute(db);
    await sql`
      insert into case_segments (case_id, provider_code, started_at, start_reason)
      select id, provider_code, created_at, 'routed'
      from cases where source = 'seed' and external_id::int between ${from} and ${to}`.execute(db);
  }
  await sql`analyze`.execute(db);
}

/** The raw INSERT rate of the rows a case creation writes, from `clients` concurrent connections, for `seconds`. */
async function rawInsertRate(db: Kysely<Database>, clients: number, seconds: number): Promise<number> {
  let done = 0;
  const until = Date.now() + seconds * 1000;
  const worker = async (w: number) => {
    for (let i = 0; Date.now() < until; i++) {
      await db.transaction().execute(async (trx) => {
        const r = await sql<{ id: string }>`
          insert into cases (reference, entity_code, service_code, title, fields, impact, urgency, priority, state,
                             provider_code, routing_reason, created_at, updated_at, source)
          values (${`RAW-${w}-${i}`}, 'RCO-CL', 'PAY-PAYROLL', 'Raw insert', '{}'::jsonb, 2, 1, 'P2', 'new', 'UNON',
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

/**
 * Runs autocannon, in a worker thread unless the options carry functions (which cannot cross to a
 * worker), so that the load generator does not share the server's event loop.
 */
function run(opts: autocannon.Options, inWorker = true): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ ...opts, ...(inWorker ? { workers: 1 } : {}) } as autocannon.Options, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-load-'));
const dbUrl = url ? await benchDatabaseUrl(url) : undefined;
const m = await openMeridian({ dataDir: dir, ...(dbUrl ? { databaseUrl: dbUrl } : {}), demoUsers: true });
const t0 = performance.now();
await seed(m.db, N);
const seedSeconds = (performance.now() - t0) / 1000;

const app = await buildApp({
  db: m.db,
  databaseKind: m.kind,
  logLevel: 'silent',
  signInRateLimit: 1_000_000,
  webDir: '/nonexistent',
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const requester = await signInAs(app, 'requester.rco-cl@meridian.test');
const agent = await signInAs(app, 'agent.unon@meridian.test');
const refs = (
  await m.db
    .selectFrom('cases')
    .select('reference')
    .where('provider_code', '=', 'UNON')
    .where('source', '=', 'seed')
    .limit(1000)
    .execute()
).map((r) => r.reference);

const rawRate = await rawInsertRate(m.db, m.kind === 'pglite' ? 1 : CONNECTIONS, Math.min(SECONDS, 10));

const body = JSON.stringify({
  service: 'PAY-PAYROLL',
  title: 'Salary not received',
  fields: { indexNumber: '123456', payPeriod: '2026-10', issue: 'missing-payment' },
  impact: 2,
  urgency: 1,
});
const create = await run({
  url: `${base}/api/cases`,
  method: 'POST',
  connections: CONNECTIONS,
  duration: SECONDS,
  headers: { 'content-type': 'application/json', cookie: requester.cookie },
  body,
});
const queue = await run({
  url: `${base}/api/cases?state=open&pageSize=50`,
  connections: CONNECTIONS,
  duration: SECONDS,
  headers: { cookie: agent.cookie },
});
let k = 0;
const view = await run(
  {
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { cookie: agent.cookie },
    requests: [{ setupRequest: (req) => ({ ...req, path: `/api/cases/${refs[k++ % refs.length]}` }) }],
  },
  false,
);
await app.close();
const total = await m.db.selectFrom('cases').select(m.db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
await m.close();
fs.rmSync(dir, { recursive: true, force: true });

const ok = (r: autocannon.Result) => (r.non2xx ? ` (${r.non2xx} non-2xx)` : '');
const createRate = create['2xx'] / SECONDS;
console.log(
  [
    `cases load on ${m.kind === 'pglite' ? 'PGlite' : 'PostgreSQL'}: ${N.toLocaleString('en')} seeded cases (${seedSeconds.toFixed(0)} s to seed), ${Number(total.n).toLocaleString('en')} at the end; ${CONNECTIONS} connections, ${SECONDS} s each`,
    `  creation: ${createRate.toFixed(0)} cases/s, p50 ${create.latency.p50} ms, p99 ${create.latency.p99} ms${ok(create)}; raw INSERT of the same rows: ${rawRate.toFixed(0)} cases/s (${m.kind === 'pglite' ? 1 : CONNECTIONS} clients) -> creation at ${((100 * createRate) / rawRate).toFixed(0)}% of raw`,
    `  queue listing: ${queue.requests.average.toFixed(0)} req/s, p50 ${queue.latency.p50} ms, p99 ${queue.latency.p99} ms${ok(queue)}`,
    `  case view: ${view.requests.average.toFixed(0)} req/s, p50 ${view.latency.p50} ms, p99 ${view.latency.p99} ms${ok(view)}`,
    `  on ${machine()}`,
  ].join('\n'),
);
