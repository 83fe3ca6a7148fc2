/**
 * Routing look-ups through the HTTP API (in-process, `app.inject`, signed in) on the reference data:
 * prints look-ups per second and the p95 latency over 2,000 requests spread over every entity and service.
 * Run: npx tsx bench/routing.bench.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/server/app.ts';
import { openMeridian } from '../src/server/runtime.ts';
import { signInAs } from '../tests/helpers/http.ts';
import { machine } from './machine.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-bench-'));
const m = await openMeridian({ dataDir: dir, demoUsers: true });
const app = await buildApp({ db: m.db, databaseKind: m.kind, logLevel: 'silent', webDir: '/nonexistent' });
const headers = await signInAs(app, 'viewer@meridian.test');
const pairs = await m.db.selectFrom('assignments').select(['entity_code', 'service_code']).execute();
const N = 2000;
const latencies: number[] = [];
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const p = pairs[(i * 7919) % pairs.length]!;
  const s = performance.now();
  const r = await app.inject({ url: `/api/routing?entity=${p.entity_code}&service=${p.service_code}`, headers });
  latencies.push(performance.now() - s);
  if (r.statusCode !== 200) throw new Error(`routing failed: ${r.statusCode} ${r.body}`);
}
const total = performance.now() - t0;
latencies.sort((a, b) => a - b);
await app.close();
await m.close();
fs.rmSync(dir, { recursive: true, force: true });
console.log(
  `routing look-ups: ${Math.round(N / (total / 1000))} per second, p95 ${latencies[Math.floor(N * 0.95)]?.toFixed(2)} ms (${N} requests, PGlite, in-process) on ${machine()}`,
);
