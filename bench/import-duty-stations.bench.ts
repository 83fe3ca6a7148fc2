/**
 * Imports the CEB duty-station list (../shared/data/reference/DSCITYCD.csv, 4,386 rows) into a fresh
 * embedded database and prints the rows per second of the whole import (parse, checks, time zones, write).
 * Run: npx tsx bench/import-duty-stations.bench.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateToLatest, openDatabase } from '../src/db/database.ts';
import { importDutyStations } from '../src/modules/directory/duty-station-import.ts';
import { SHARED_REFERENCE } from '../tests/helpers/shared-data.ts';
import { machine } from './machine.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-bench-'));
const h = await openDatabase({ dataDir: dir });
await migrateToLatest(h.db);
const runs: number[] = [];
let rows = 0;
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const r = await importDutyStations(h.db, { file: path.join(SHARED_REFERENCE, 'DSCITYCD.csv') });
  runs.push(performance.now() - t0);
  rows = r.rowsRead;
}
await h.close();
fs.rmSync(dir, { recursive: true, force: true });
const best = Math.min(...runs);
console.log(
  `import duty-stations: ${rows} rows in ${best.toFixed(0)} ms (best of 3; first run, into an empty table, ${runs[0]?.toFixed(0)} ms) = ${Math.round(rows / (best / 1000))} rows/s on ${machine()}`,
);
