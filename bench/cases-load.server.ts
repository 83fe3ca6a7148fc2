/**
 * The API server of `bench/cases-load.bench.ts`, run in its own process (forked by the bench) so that the
 * load generator does not share the server's event loop. Opens the database named by `BENCH_DATABASE_URL`
 * (PostgreSQL) or `BENCH_DATA_DIR` (PGlite), listens on a free loopback port, sends `{ port }` to the
 * parent over IPC, and closes (writing a `--cpu-prof` profile, if asked for) when the parent sends `close`.
 * `BENCH_LOG_LEVEL` sets the log level (default `silent`).
 */
import { DRAIN_INTERVAL_MS, startPerformanceDrainWorker } from '../src/modules/performance/queue.service.ts';
import { buildApp } from '../src/server/app.ts';
import { openMeridian } from '../src/server/runtime.ts';

const databaseUrl = process.env.BENCH_DATABASE_URL;
const dataDir = process.env.BENCH_DATA_DIR ?? '';
const m = await openMeridian({ dataDir, ...(databaseUrl ? { databaseUrl } : {}), demoUsers: true });
const app = await buildApp({
  db: m.db,
  databaseKind: m.kind,
  logLevel: process.env.BENCH_LOG_LEVEL ?? 'silent',
  signInRateLimit: 1_000_000,
  webDir: '/nonexistent',
});
// the performance roll-ups are refreshed after commit by this worker, in this process, as in `meridian serve`
const stopDrain = startPerformanceDrainWorker(m.db, DRAIN_INTERVAL_MS);
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
process.on('message', async (msg) => {
  if (msg !== 'close') return;
  await stopDrain();
  await app.close();
  await m.close();
  process.exit(0);
});
