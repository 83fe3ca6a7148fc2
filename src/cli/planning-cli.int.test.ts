import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT as root, runMeridian } from '../../tests/helpers/cli.ts';
import { ScenarioInputsSchema } from '../modules/planning/planning.schema.ts';

let dir: string;

const meridian = (...args: string[]) => runMeridian(path.join(dir, 'data'), args, 180_000);

function scenarioFile(name: string, body: unknown): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, JSON.stringify(body));
  return f;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-plan-cli-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('meridian plan', () => {
  it('the example scenario file is a valid scenario', () => {
    const raw = JSON.parse(fs.readFileSync(path.join(root, 'examples/planning/scenario.json'), 'utf8'));
    const s = ScenarioInputsSchema.parse(raw);
    expect(s.constraints.maxUtilisationPercent).toBe(90);
    expect(s.scope.entityKinds).toContain('resident-coordinator-office');
  });

  it('solves a scenario file as JSON, exits 4 with the explanation when infeasible, 2 when invalid', () => {
    const ok = meridian(
      'plan',
      'solve',
      '--json',
      '--scenario',
      scenarioFile('ok.json', {
        name: 'Andean RC offices',
        referenceDate: '2026-01-14',
        scope: { entities: ['RCO-PE', 'RCO-BO', 'RCO-EC'] },
      }),
    );
    expect(ok.code, ok.stderr).toBe(0);
    const out = JSON.parse(ok.stdout);
    expect(out.inputs.name).toBe('Andean RC offices');
    expect(out.result.status).toBe('optimal');
    expect(out.result.gap).toBeLessThanOrEqual(0.001);
    expect(out.result.assignments.length).toBe(out.result.demands);
    expect(out.result.today.objectiveUsd).toBeGreaterThan(0);
    expect(out.result.greedy.objectiveUsd).toBeGreaterThanOrEqual(out.result.objectiveUsd - 1e-6);

    const bad = meridian(
      'plan',
      'solve',
      '--scenario',
      scenarioFile('infeasible.json', {
        name: 'No local partner',
        referenceDate: '2026-01-14',
        scope: { entities: ['RCO-PE'], services: ['FAC-CAMPUS'] },
        constraints: { ownSupport: 'none' },
        overrides: { excludeProviders: ['UNDP'] },
      }),
    );
    expect(bad.code, bad.stderr).toBe(4);
    expect(bad.stdout).toContain('cannot be met: RCO-PE needs');
    expect(bad.stdout).toContain('an on-site service: no provider at PE-LI');

    const invalid = meridian(
      'plan',
      'solve',
      '--scenario',
      scenarioFile('invalid.json', { name: '', weights: { distanceUsdPerKm: -1 } }),
    );
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('weights.distanceUsdPerKm');
  }, 300_000);
});
