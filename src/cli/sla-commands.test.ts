import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/meridian.js');
let dataDir: string;

/** Runs `meridian sla <cmd>` with `input` on stdin. */
function sla(cmd: string, input: string) {
  const r = spawnSync(process.execPath, [bin, 'sla', cmd], {
    cwd: root,
    input,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', MERIDIAN_DATA_DIR: dataDir },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-sla-cli-'));
});
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const monFri = [['09:00', '17:00']];
const calendar = {
  timeZone: 'Europe/Rome',
  week: { mon: monFri, tue: monFri, wed: monFri, thu: monFri, fri: monFri, sat: [], sun: [] },
};

describe('meridian sla due / elapsed (JSON on stdin, JSON on stdout, no database)', () => {
  it('prints the due instant and the business minutes', () => {
    const due = sla('due', JSON.stringify({ calendar, start: '2026-11-20T16:30:00+01:00', target: 'PT1H' }));
    expect(due.code, due.stderr).toBe(0);
    expect(JSON.parse(due.stdout)).toEqual({ due: '2026-11-23T08:30:00Z' });
    const elapsed = sla(
      'elapsed',
      JSON.stringify({ calendar, from: '2026-11-20T16:30:00+01:00', to: '2026-11-23T09:30:00+01:00' }),
    );
    expect(elapsed.code, elapsed.stderr).toBe(0);
    expect(JSON.parse(elapsed.stdout)).toEqual({ businessMinutes: 60 });
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('exits 2 naming the field on a bad body, and on text that is not JSON', () => {
    const bad = sla(
      'due',
      JSON.stringify({
        calendar: { ...calendar, holidays: ['2026-12-25', '25/12/2026'] },
        start: '2026-11-20T16:30:00+01:00',
        target: 'P1DT1H',
      }),
    );
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/calendar\.holidays\[1\]/);
    expect(bad.stderr).toMatch(/target: mixes days and time/);
    const notJson = sla('elapsed', '{"calendar":');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/not a JSON body/);
  });
});
