/** Reading the reference data files: a localized name must hold English and French text that is not blank. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.ts';
import { REFERENCE_DIR, readReferenceData } from './reference-data.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A copy of the project's reference data in a temporary folder, with `entities.json` changed by `edit`. */
function copyWith(edit: (entities: { records: { code: string; name: Record<string, string> }[] }) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-reference-'));
  dirs.push(dir);
  for (const f of fs.readdirSync(REFERENCE_DIR)) fs.copyFileSync(path.join(REFERENCE_DIR, f), path.join(dir, f));
  const file = path.join(dir, 'entities.json');
  const entities = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(entities);
  fs.writeFileSync(file, JSON.stringify(entities));
  return dir;
}

describe('reference data', () => {
  it('reads the project files', () => {
    expect(readReferenceData().entities.length).toBeGreaterThan(100);
  });

  it('refuses a blank French name, naming the file and the record', () => {
    let index = -1;
    const dir = copyWith((e) => {
      index = e.records.findIndex((r) => r.code === 'RCO-CL');
      const record = e.records[index];
      if (record) record.name.fr = '   ';
    });
    let error: unknown;
    try {
      readReferenceData(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toContain(`entities.json:records.${index}.name.fr`);
  });
});
