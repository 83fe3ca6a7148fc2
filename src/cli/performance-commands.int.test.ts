/**
 * `meridian import event-log` and `meridian analytics summary --json` as a user runs them: both real logs
 * with their presets, the summary's keys exactly as the issue lists them and its figures equal to the
 * independent computation over the CSV; a malformed log exits 2 with its lines and loads nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMeridian } from '../../tests/helpers/cli.ts';
import {
  BPIC,
  bpicExpected,
  SERVICENOW,
  SUMMARY_KEYS,
  servicenowExpected,
} from '../modules/performance/event-log.test-fixtures.ts';

let dataDir: string;

const meridian = (...args: string[]) => runMeridian(dataDir, args, 240_000);

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-cli-perf-'));
});
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('meridian import event-log / analytics summary', () => {
  it('rejects a malformed log with its line numbers (exit 2) and loads nothing', () => {
    const file = path.join(dataDir, 'bad.csv');
    fs.writeFileSync(file, 'id,act,at\n1,open,2026-01-01T00:00Z\n1,done,not a time\n');
    const r = meridian('import', 'event-log', file, '--log', 'bad', '--case', 'id', '--activity', 'act', '--timestamp', 'at');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('IMPORT_REJECTED');
    expect(r.stderr).toMatch(/line 3 at: "not a time" is not a valid timestamp/);
    const s = meridian('analytics', 'summary', '--log', 'bad', '--json');
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('ANALYTICS_LOG_NOT_FOUND');
  }, 240_000);

  it('BPIC 2013: the summary prints exactly the keys, with the independent figures', () => {
    const i = meridian('import', 'event-log', BPIC, '--preset', 'bpic2013', '--log', 'bpic2013');
    expect(i.code, i.stderr).toBe(0);
    const r = meridian('analytics', 'summary', '--log', 'bpic2013', '--json');
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(Object.keys(s)).toEqual(SUMMARY_KEYS);
    const x = bpicExpected();
    expect([
      s.cases,
      s.events,
      s.teamHandoffs,
      s.pingPongCases,
      s.level1OnlyCases,
      s.pushToFrontViolations,
      s.slaMetShare,
    ]).toEqual([x.cases, x.events, x.handoffs, x.pingPong, x.l1, x.violations, null]);
    expect(s.medianCaseDays).toBeCloseTo(x.median, 5);
    expect(s.meanCaseDays).toBeCloseTo(x.mean, 5);
  }, 240_000);

  it('ServiceNow: the summary prints exactly the keys, with the independent figures', () => {
    const i = meridian('import', 'event-log', SERVICENOW, '--preset', 'servicenow', '--log', 'servicenow');
    expect(i.code, i.stderr).toBe(0);
    const r = meridian('analytics', 'summary', '--log', 'servicenow', '--json');
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(Object.keys(s)).toEqual(SUMMARY_KEYS);
    const x = servicenowExpected();
    expect([s.cases, s.events, s.teamHandoffs, s.pingPongCases, s.level1OnlyCases, s.pushToFrontViolations]).toEqual([
      x.cases,
      x.events,
      x.handoffs,
      x.pingPong,
      null,
      null,
    ]);
    expect(s.medianCaseDays).toBeCloseTo(x.median, 5);
    expect(s.meanCaseDays).toBeCloseTo(x.mean, 5);
    expect(s.slaMetShare).toBeCloseTo(x.metShare, 5);
  }, 240_000);
});
