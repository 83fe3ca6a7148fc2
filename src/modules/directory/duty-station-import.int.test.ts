import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_REFERENCE } from '../../../tests/helpers/shared-data.ts';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { AppError } from '../../server/errors.ts';
import { countDutyStations, findDutyStation } from './directory.repository.ts';
import { importDutyStations } from './duty-station-import.ts';

const DSCITYCD = path.join(SHARED_REFERENCE, 'DSCITYCD.csv');
let h: DatabaseHandle;
let work: string;

/** Writes a modified copy of the real CEB list (in a temp folder, never in the project). */
function malformedCopy(name: string, edit: (lines: string[]) => string[]): string {
  const lines = fs.readFileSync(DSCITYCD, 'utf8').split('\n');
  const file = path.join(work, name);
  fs.writeFileSync(file, edit(lines).join('\n'));
  return file;
}

async function rejected(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected the import to be rejected');
}

beforeAll(async () => {
  h = await createTestDatabase();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-import-'));
});
afterAll(async () => {
  await h.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('import duty-stations (real CEB list)', () => {
  it('rejects a copy with a bad coordinate, naming the line, and writes nothing', async () => {
    const before = await countDutyStations(h.db);
    // Line 3 of the file (Aachen): latitude made impossible.
    const file = malformedCopy('bad-coordinate.csv', (l) => l.map((x, i) => (i === 2 ? x.replace('50.7767', '95.7767') : x)));
    const e = await rejected(importDutyStations(h.db, { file, countriesFile: path.join(SHARED_REFERENCE, 'DSCTRYCD.csv') }));
    expect(e.code).toBe('IMPORT_REJECTED');
    expect(e.issues).toEqual([expect.objectContaining({ line: 3, field: 'LATITUDE' })]);
    expect(await countDutyStations(h.db)).toBe(before);
    const runs = await h.db.selectFrom('import_runs').selectAll().where('status', '=', 'rejected').execute();
    expect(runs.length).toBeGreaterThan(0);
  });

  it('rejects a copy with a missing column and a copy with the wrong delimiter, writing nothing', async () => {
    const before = await countDutyStations(h.db);
    const noLongitude = malformedCopy('missing-column.csv', (l) =>
      l.map((x) =>
        x.trim() === ''
          ? x
          : x
              .split(',')
              .filter((_, i) => i !== 8)
              .join(','),
      ),
    );
    const e1 = await rejected(
      importDutyStations(h.db, { file: noLongitude, countriesFile: path.join(SHARED_REFERENCE, 'DSCTRYCD.csv') }),
    );
    expect(e1.issues[0]).toMatchObject({ line: 1, field: 'LONGITUDE' });
    const semicolons = malformedCopy('semicolons.csv', (l) => l.map((x) => x.replaceAll(',', ';')));
    const e2 = await rejected(
      importDutyStations(h.db, { file: semicolons, countriesFile: path.join(SHARED_REFERENCE, 'DSCTRYCD.csv') }),
    );
    expect(e2.message).toMatch(/delimiter/);
    expect(await countDutyStations(h.db)).toBe(before);
  });

  it('loads the stations, derives time zones and reports the conflicts by line', async () => {
    const before = await countDutyStations(h.db);
    const phases = new Set<string>();
    const report = await importDutyStations(h.db, { file: DSCITYCD, onProgress: (phase) => phases.add(phase) });
    expect(report.rowsRead).toBe(4386);
    expect(report.rejected).toEqual([]);
    expect(phases).toEqual(new Set(['check', 'write']));
    const juba = report.conflicts.find((c) => c.code === 'JU020');
    expect(juba?.line).toBe(1630);
    expect(juba?.message).toContain('line 1629');
    expect(report.written + report.conflicts.filter((c) => c.message.includes('appears again')).length).toBe(4386);
    const after = await countDutyStations(h.db);
    expect(after).toBeGreaterThan(before);
    expect(after).toBeGreaterThanOrEqual(report.written);
    expect(await findDutyStation(h.db, 'SS-JU020')).toMatchObject({ city: 'Juba', timeZone: 'Africa/Juba', country: 'SS' });
    expect(await findDutyStation(h.db, 'XX-JE000')).toMatchObject({ timeZone: 'Asia/Jerusalem' });
    // Importing again changes nothing.
    const again = await importDutyStations(h.db, { file: DSCITYCD });
    expect(again.written).toBe(report.written);
    expect(await countDutyStations(h.db)).toBe(after);
  });
});
