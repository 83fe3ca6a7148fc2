/**
 * Event-log import for analytics (issue 6's import targets: >= 50k events/s, the whole BPIC 2013 log in < 2 s).
 * Generates a synthetic gzip CSV log of `--cases N` cases (default 50,000) x `--events-per-case E` events
 * (default 8), written as a stream (never one string in memory) and kept in the system's temporary folder
 * for the next run of the same size, then times `importAnalyticsLog` on it (events/s, wall and process CPU
 * time, peak RSS sampled every 100 ms), then the whole BPIC 2013 log (`../shared/data`) twice (s). The
 * machine is shared: the load average is printed beside every figure, and the process CPU time (which on
 * PostgreSQL excludes the server's own work).
 * Run: npx tsx bench/standards-import.bench.ts [--cases 50000] [--events-per-case 8] [--skip-synthetic] [--generate-only]
 *      (PostgreSQL: set DATABASE_URL to an empty database)
 */

import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { migrateToLatest, openDatabase } from '../src/db/database.ts';
import { importAnalyticsLog } from '../src/modules/performance/event-log.service.ts';
import { SHARED_DATA } from '../tests/helpers/shared-data.ts';
import { machine } from './machine.ts';

const flag = (name: string, d: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const N = flag('--cases', 50_000);
const E = flag('--events-per-case', 8);
const skipSynthetic = process.argv.includes('--skip-synthetic');
/** Only write the synthetic log (kept for later runs) and stop. */
const generateOnly = process.argv.includes('--generate-only');
const kind = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

/** Writes the synthetic log as a gzip stream, 10,000 rows per write, waiting when the stream is full. */
async function writeSyntheticLog(file: string): Promise<void> {
  const gz = zlib.createGzip();
  const out = fs.createWriteStream(`${file}.part`);
  gz.pipe(out);
  const write = async (text: string) => {
    if (!gz.write(text)) await once(gz, 'drain');
  };
  await write('case,activity,at,team,resource,level\n');
  const base = Date.UTC(2021, 0, 1);
  let chunk = '';
  let rows = 0;
  for (let c = 1; c <= N; c++) {
    for (let k = 0; k < E; k++) {
      const at = new Date(base + c * 30_000 + k * 3_600_000).toISOString();
      chunk += `C${c},step ${k},${at},T${(c + (k >> 1)) % 40},R${(c * 7 + k) % 500},L${1 + (k >> 2)}\n`;
      if (++rows % 10_000 === 0) {
        await write(chunk);
        chunk = '';
      }
    }
  }
  await write(chunk);
  gz.end();
  await once(out, 'finish');
  fs.renameSync(`${file}.part`, file);
}

const logFile = path.join(os.tmpdir(), `meridian-bench-import-${N}x${E}.csv.gz`);
if (!skipSynthetic && !fs.existsSync(logFile)) {
  const t0 = performance.now();
  await writeSyntheticLog(logFile);
  console.log(
    `  (generated ${logFile}: ${(N * E).toLocaleString('en')} events, ${Math.round(fs.statSync(logFile).size / 2 ** 20)} MiB gzip, in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
}
if (generateOnly) process.exit(0);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-bench-import-'));
const h = await openDatabase(
  process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : { dataDir: path.join(dir, 'db') },
);
await migrateToLatest(h.db);
const out: string[] = [`event-log import on ${kind}, ${machine()}`];

/** Times one import: wall, process CPU, peak RSS (sampled), load average before and after. */
async function timed(label: string, f: () => Promise<{ events: number; cases: number }>) {
  const loadBefore = load();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await f();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const line = `  ${label}: ${r.events.toLocaleString('en')} events, ${r.cases.toLocaleString('en')} cases in ${wall.toFixed(2)} s wall = ${Math.round(r.events / wall).toLocaleString('en')} events/s; process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (user ${(cpu.user / 1e6).toFixed(2)}, system ${(cpu.system / 1e6).toFixed(2)}); peak RSS ${Math.round(peak / 2 ** 20)} MiB; load average ${loadBefore} -> ${load()}`;
  console.log(line);
  out.push(line);
}

if (!skipSynthetic) {
  await timed(`synthetic log ${N.toLocaleString('en')} cases x ${E}`, () =>
    importAnalyticsLog(h.db, {
      file: logFile,
      log: 'synthetic',
      columns: { case: 'case', activity: 'activity', timestamp: 'at', team: 'team', resource: 'resource', level: 'level' },
    }),
  );
}
const bpic = path.join(SHARED_DATA, 'event-logs', 'bpic2013-incidents.csv.gz');
for (const run of [1, 2]) {
  await timed(`BPIC 2013 whole log, run ${run}`, () =>
    importAnalyticsLog(h.db, { file: bpic, preset: 'bpic2013', log: `bpic2013-${run}` }),
  );
}
await h.close();
fs.rmSync(dir, { recursive: true, force: true });
console.log(out.join('\n'));
