import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMeridian } from '../../tests/helpers/cli.ts';
import { SHARED_REFERENCE } from '../../tests/helpers/shared-data.ts';

let dataDir: string;

const meridian = (...args: string[]) => runMeridian(dataDir, args, 120_000);

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-cli-'));
});
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('meridian CLI', () => {
  it('migrates and loads the reference data on first use, then lists the catalogue as JSON', () => {
    const r = meridian('catalogue', 'list', '--json');
    expect(r.code, r.stderr).toBe(0);
    const services = JSON.parse(r.stdout) as { code: string; name: { en: string; fr: string }; delivery: string }[];
    expect(services.length).toBeGreaterThanOrEqual(20);
    for (const s of services) {
      expect(s.name.en && s.name.fr).toBeTruthy();
      expect(['remote', 'on-site']).toContain(s.delivery);
    }
    expect(services.map((s) => s.code)).toEqual(expect.arrayContaining(['PAY-PAYROLL', 'PROC-PROCUREMENT', 'HR-ADMIN']));
  });

  it('routes a request, and exits 3 when no provider is assigned', () => {
    const ok = meridian('route', '--entity', 'RCO-CL', '--service', 'PAY-PAYROLL', '--json');
    expect(ok.code, ok.stderr).toBe(0);
    const route = JSON.parse(ok.stdout);
    expect(route.provider.code).toBe('UNON');
    expect(route.basis).toMatch(/para 16/);
    const none = meridian('route', '--entity', 'RCO-CL', '--service', 'PAY-PAYROLL', '--on', '1990-01-01', '--json');
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('ROUTING_NO_ASSIGNMENT');
    const bad = meridian('route', '--entity', 'RCO-CL', '--service', 'PAY-PAYROLL', '--on', '2026-02-30');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('YYYY-MM-DD');
  });

  it("prints the fidelity report with the report's figures beside Meridian's", () => {
    const r = meridian('report', 'fidelity', '--json');
    expect(r.code, r.stderr).toBe(0);
    const claims = JSON.parse(r.stdout) as { claim: string; report: string; meridian: string }[];
    const rco = claims.find((c) => c.claim === 'Resident-coordinator offices');
    expect(rco).toMatchObject({ report: '132', meridian: '132' });
    expect(claims.find((c) => /present/.test(c.claim))?.report).toBe('at least 175');
    expect(claims.find((c) => /delegated authority/.test(c.claim))?.meridian).toMatch(/^\d+ client entities$/);
  });

  it('rejects a malformed duty-station file with line numbers and exit code 2', () => {
    const file = path.join(dataDir, 'bad.csv');
    const lines = fs.readFileSync(path.join(SHARED_REFERENCE, 'DSCITYCD.csv'), 'utf8').split('\n').slice(0, 6);
    lines[4] = lines[4]!.replace(/,-?\d+\.\d+,/, ',north,');
    fs.writeFileSync(file, lines.join('\n'));
    const r = meridian('import', 'duty-stations', file, '--countries', path.join(SHARED_REFERENCE, 'DSCTRYCD.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 5 LATITUDE/);
  });

  it('refuses to open a data folder another running process holds', () => {
    // Our own parent (the Vitest worker) is a live process that is not the CLI: pretend it holds the folder.
    fs.writeFileSync(path.join(dataDir, 'meridian.lock'), String(process.pid));
    try {
      const r = meridian('cases', 'stats', '--json');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`in use by process ${process.pid}`);
    } finally {
      fs.rmSync(path.join(dataDir, 'meridian.lock'), { force: true });
    }
    const file = path.join(dataDir, 'not-a-folder');
    fs.writeFileSync(file, 'x');
    const r2 = meridian('--data-dir', file, 'cases', 'stats'); // the flag wins over MERIDIAN_DATA_DIR
    expect(r2.stderr).toContain('is a file, not a folder');
  });

  it('has --help on every command', () => {
    for (const args of [
      [],
      ['serve'],
      ['db', 'migrate'],
      ['import', 'duty-stations'],
      ['import', 'reference'],
      ['catalogue', 'list'],
      ['route'],
      ['report', 'fidelity'],
    ]) {
      const r = meridian(...args, '--help');
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage: meridian');
    }
  });
});
