/**
 * The independent computation of a real log's summary, for the tests: a plain pass over the gunzipped CSV
 * (neither log quotes a field), with its own timestamp reading, grouping and counting — no code shared with
 * the importer or flow.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { SHARED_DATA } from '../../../tests/helpers/shared-data.ts';

export const BPIC = path.join(SHARED_DATA, 'event-logs', 'bpic2013-incidents.csv.gz');
/** The keys `meridian analytics summary --json` prints, in order (issue 6). */
export const SUMMARY_KEYS = [
  'cases',
  'events',
  'medianCaseDays',
  'meanCaseDays',
  'teamHandoffs',
  'pingPongCases',
  'level1OnlyCases',
  'pushToFrontViolations',
  'slaMetShare',
];

export const SERVICENOW = path.join(SHARED_DATA, 'event-logs', 'servicenow-incident-event-log.csv.gz');

/** The independent computation: straight from the file's lines. */
export function expected(
  file: string,
  cols: { case: string; time: string; team: string; level?: string; sla?: string },
  readTime: (s: string) => number,
) {
  const lines = zlib
    .gunzipSync(fs.readFileSync(file))
    .toString('utf8')
    .replace(/^\ufeff/, '')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  const header = (lines[0] as string).split(',');
  const ix = (c: string | undefined) => (c ? header.indexOf(c) : -1);
  const [ci, ti, tei, li, si] = [ix(cols.case), ix(cols.time), ix(cols.team), ix(cols.level), ix(cols.sla)];
  const byCase = new Map<string, { n: number; t: number; team: string; level: string; sla: string }[]>();
  lines.slice(1).forEach((line, n) => {
    const f = line.split(',');
    const id = f[ci] as string;
    const list = byCase.get(id) ?? [];
    list.push({
      n,
      t: readTime(f[ti] as string),
      team: f[tei] as string,
      level: li >= 0 ? (f[li] as string) : '',
      sla: si >= 0 ? (f[si] as string) : '',
    });
    byCase.set(id, list);
  });
  const durations: number[] = [];
  let handoffs = 0;
  let pingPong = 0;
  let l1 = 0;
  let violations = 0;
  let met = 0;
  for (const list of byCase.values()) {
    list.sort((a, b) => a.t - b.t || a.n - b.n);
    durations.push(((list.at(-1)?.t as number) - (list[0]?.t as number)) / 86_400_000);
    const teams: string[] = [];
    for (const e of list) {
      if (e.team === '' || e.team === '?') continue;
      if (teams.at(-1) !== e.team) teams.push(e.team);
    }
    handoffs += Math.max(0, teams.length - 1);
    if (new Set(teams).size !== teams.length) pingPong++;
    const levels: number[] = [];
    for (const e of list) {
      const m = e.level.match(/\d+/);
      if (m && levels.at(-1) !== Number(m[0])) levels.push(Number(m[0]));
    }
    if (levels.length === 1 && levels[0] === 1) l1++;
    let bad = levels.length > 0 && (levels[0] as number) !== 1;
    for (let i = 1; i < levels.length; i++) {
      const d = (levels[i] as number) - (levels[i - 1] as number);
      if (d < 0 || d > 1) bad = true;
    }
    if (bad) violations++;
    if (list.at(-1)?.sla === 'true') met++;
  }
  durations.sort((a, b) => a - b);
  const mid = durations.length / 2;
  return {
    cases: byCase.size,
    events: lines.length - 1,
    median:
      durations.length % 2
        ? (durations[Math.floor(mid)] as number)
        : ((durations[mid - 1] as number) + (durations[mid] as number)) / 2,
    mean: durations.reduce((s, d) => s + d, 0) / durations.length,
    handoffs,
    pingPong,
    l1,
    violations,
    metShare: met / byCase.size,
  };
}

/** BPIC 2013: ISO timestamps with offsets, team `Involved ST`, level `ST Level`. */
export const bpicExpected = () =>
  expected(BPIC, { case: 'SR Number', time: 'Change Date+Time', team: 'Involved ST', level: 'ST Level' }, (t) => Date.parse(t));

/** ServiceNow: `d/M/yyyy H:mm` in UTC, team `assignment_group`, SLA flag `made_sla`. */
export function servicenowExpected() {
  const dmy = (t: string) => {
    const [d, m, y, hh, mm] = t.split(/[/ :]/).map(Number) as number[];
    return Date.UTC(y as number, (m as number) - 1, d, hh, mm);
  };
  return expected(SERVICENOW, { case: 'number', time: 'sys_updated_at', team: 'assignment_group', sla: 'made_sla' }, dmy);
}
