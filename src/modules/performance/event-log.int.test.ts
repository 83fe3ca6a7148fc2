/**
 * Loading the two real logs for analytics with their presets, and their summaries checked against an
 * independent computation written here: a plain pass over the gunzipped CSV (neither log quotes a field),
 * with its own timestamp reading, grouping and counting. And malformed logs rejected by line, nothing written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { AppError } from '../../server/errors.ts';
import { importAnalyticsLog, logFlow, logSummary } from './event-log.service.ts';
import { BPIC, bpicExpected, SERVICENOW, SUMMARY_KEYS, servicenowExpected } from './event-log.test-fixtures.ts';

let h: DatabaseHandle;
let work: string;

beforeAll(async () => {
  h = await createTestDatabase();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-eventlog-'));
});
afterAll(async () => {
  await h.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('real logs', () => {
  it('BPIC 2013 loads with its preset and its summary matches the independent computation', async () => {
    const r = await importAnalyticsLog(h.db, { file: BPIC, preset: 'bpic2013', log: 'bpic2013' });
    const s = await logSummary(h.db, 'bpic2013');
    const x = bpicExpected();
    expect(r.events).toBe(x.events);
    expect(Object.keys(s)).toEqual(SUMMARY_KEYS);
    expect(s.cases).toBe(x.cases);
    expect(s.events).toBe(x.events);
    expect(s.medianCaseDays).toBeCloseTo(x.median, 5);
    expect(s.meanCaseDays).toBeCloseTo(x.mean, 5);
    expect(s.teamHandoffs).toBe(x.handoffs);
    expect(s.pingPongCases).toBe(x.pingPong);
    expect(s.level1OnlyCases).toBe(x.l1);
    expect(s.pushToFrontViolations).toBe(x.violations);
    expect(s.slaMetShare).toBeNull();
    const flow = await logFlow(h.db, 'bpic2013', 5);
    expect(flow.worst).toHaveLength(5);
    expect(flow.worst[0]?.teamHandoffs).toBe(Math.max(...flow.worst.map((w) => w.teamHandoffs)));
  }, 120_000);

  it('ServiceNow loads with its preset and its summary matches the independent computation', async () => {
    await importAnalyticsLog(h.db, { file: SERVICENOW, preset: 'servicenow', log: 'servicenow' });
    const s = await logSummary(h.db, 'servicenow');
    const x = servicenowExpected();
    expect(s.cases).toBe(x.cases);
    expect(s.events).toBe(x.events);
    expect(s.medianCaseDays).toBeCloseTo(x.median, 5);
    expect(s.meanCaseDays).toBeCloseTo(x.mean, 5);
    expect(s.teamHandoffs).toBe(x.handoffs);
    expect(s.pingPongCases).toBe(x.pingPong);
    expect(s.level1OnlyCases).toBeNull();
    expect(s.pushToFrontViolations).toBeNull();
    expect(s.slaMetShare).toBeCloseTo(x.metShare, 5);
  }, 120_000);
});

async function rejected(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('malformed logs', () => {
  const write = (name: string, text: string) => {
    const f = path.join(work, name);
    fs.writeFileSync(f, text);
    return f;
  };
  const opts = { columns: { case: 'id', activity: 'act', timestamp: 'at', team: 'team' } };
  const events = async () =>
    Number(
      (
        await sql<{
          n: string;
        }>`select count(*) as n from analytics_events e join analytics_logs l on l.id = e.log_id where l.name like 'bad%'`.execute(
          h.db,
        )
      ).rows[0]?.n,
    );

  it('a missing column is named, on line 1', async () => {
    const e = await rejected(
      importAnalyticsLog(h.db, { ...opts, log: 'bad1', file: write('a.csv', 'id,act,when\n1,open,2026-01-01T00:00Z\n') }),
    );
    expect(e.code).toBe('IMPORT_REJECTED');
    expect(e.issues[0]).toMatchObject({ line: 1, field: 'at' });
  });

  it('an unparsable timestamp is rejected with its line, and nothing is written', async () => {
    const file = write(
      'b.csv',
      '\ufeffid,act,at,team\n1,open,2026-01-01T00:00Z,A\n1,close,yesterday,B\n2,open,2026-02-30T10:00Z,A\n',
    );
    const e = await rejected(importAnalyticsLog(h.db, { ...opts, log: 'bad2', file }));
    expect(e.issues.map((i) => i.line)).toEqual([3, 4]);
    expect(e.message).toMatch(/2 row\(s\) rejected/);
    expect(await events()).toBe(0);
  });

  it('a file in another delimiter is recognised as such', async () => {
    const e = await rejected(
      importAnalyticsLog(h.db, { ...opts, log: 'bad3', file: write('c.csv', 'id;act;at;team\n1;open;2026-01-01T00:00Z;A\n') }),
    );
    expect(e.issues[0]?.line).toBe(1);
    expect(e.message).toMatch(/";" as delimiter/);
    const d = await rejected(
      importAnalyticsLog(h.db, { ...opts, format: { delimiter: '::' }, log: 'bad4', file: write('d.csv', 'x') }),
    );
    expect(d.code).toBe('VALIDATION_FAILED');
    expect(d.issues[0]?.field).toBe('delimiter');
  });

  it('a good small log with a tab delimiter loads, and the same name is refused', async () => {
    const file = write('e.tsv', 'id\tact\tat\tteam\n1\topen\t2026-01-01T00:00Z\tA\n1\tdone\t2026-01-02T00:00Z\tB\n');
    const r = await importAnalyticsLog(h.db, { ...opts, format: { delimiter: '\t' }, log: 'good', file });
    expect([r.cases, r.events]).toEqual([1, 2]);
    expect((await logSummary(h.db, 'good')).teamHandoffs).toBe(1);
    expect((await rejected(importAnalyticsLog(h.db, { ...opts, format: { delimiter: '\t' }, log: 'good', file }))).code).toBe(
      'ANALYTICS_LOG_EXISTS',
    );
  });
});

describe('streaming import (batches of COPY)', () => {
  const opts = { columns: { case: 'id', activity: 'act', timestamp: 'at', team: 'team', level: 'lvl' } };
  /** A log of `cases` x 4 events; `bad` replaces the timestamp of those rows (0-based). */
  const logText = (cases: number, d = ',', bad: Record<number, string> = {}) => {
    const rows = [['id', 'act', 'at', 'team', 'lvl'].join(d)];
    let i = 0;
    for (let c = 0; c < cases; c++) {
      for (let k = 0; k < 4; k++, i++) {
        const at = bad[i] ?? new Date(Date.UTC(2024, 0, 1) + c * 60_000 + k * 3_600_000).toISOString();
        rows.push([`C${c}`, k === 3 ? 'closed' : 'work', at, `T${(c + k) % 3}`, `L${1 + (k >> 1)}`].join(d));
      }
    }
    return `${rows.join('\n')}\n`;
  };
  const count = async (log: string) =>
    Number(
      (
        await sql<{ n: string }>`select count(*) as n from analytics_events e join analytics_logs l on l.id = e.log_id
          where l.name = ${log}`.execute(h.db)
      ).rows[0]?.n ?? 0,
    );
  const logs = async (log: string) =>
    Number((await sql<{ n: string }>`select count(*) as n from analytics_logs where name = ${log}`.execute(h.db)).rows[0]?.n);

  it('a log larger than one batch loads whole, with each row at its line', async () => {
    const file = path.join(work, 'many.csv.gz');
    fs.writeFileSync(file, zlib.gzipSync(`\ufeff${logText(1_000, ';')}`));
    const r = await importAnalyticsLog(h.db, { ...opts, format: { delimiter: ';' }, log: 'many', file, batchSize: 300 });
    expect([r.cases, r.events]).toEqual([1_000, 4_000]);
    expect(await count('many')).toBe(4_000);
    const rows = await sql<{ seq: number; case_id: string; at: Date; team: string; level: string }>`
      select seq, case_id, at, team, level from analytics_events e join analytics_logs l on l.id = e.log_id
      where l.name = 'many' and seq in (2, 1203, 4001) order by seq`.execute(h.db);
    expect(rows.rows.map((x) => [x.seq, x.case_id, new Date(x.at).toISOString(), x.team, x.level])).toEqual([
      [2, 'C0', '2024-01-01T00:00:00.000Z', 'T0', 'L1'],
      [1203, 'C300', '2024-01-01T06:00:00.000Z', 'T1', 'L1'],
      [4001, 'C999', '2024-01-01T19:39:00.000Z', 'T0', 'L2'],
    ]);
    const s = await logSummary(h.db, 'many');
    expect([s.cases, s.events, s.teamHandoffs, s.level1OnlyCases, s.pushToFrontViolations]).toEqual([1_000, 4_000, 3_000, 0, 0]);
  });

  it('a bad row in the last batch writes nothing, and the issue has its line', async () => {
    const file = path.join(work, 'late.csv');
    fs.writeFileSync(file, logText(1_000, ',', { 3998: '2024-13-01T00:00Z' }));
    const e = await rejected(importAnalyticsLog(h.db, { ...opts, log: 'late', file, batchSize: 300 }));
    expect(e.code).toBe('IMPORT_REJECTED');
    expect(e.issues).toEqual([expect.objectContaining({ line: 4_000, field: 'at', case: 'C999' })]);
    expect(await count('late')).toBe(0);
    expect(await logs('late')).toBe(0);
  });

  it('replacing a log with a bad file keeps the old one whole', async () => {
    const good = path.join(work, 'keep.csv');
    fs.writeFileSync(good, logText(100));
    await importAnalyticsLog(h.db, { ...opts, log: 'keep', file: good, batchSize: 50 });
    const bad = path.join(work, 'keep-bad.csv');
    fs.writeFileSync(bad, logText(200, ',', { 10: 'soon', 799: 'later' }));
    const e = await rejected(importAnalyticsLog(h.db, { ...opts, log: 'keep', file: bad, batchSize: 50, replace: true }));
    expect(e.issues.map((i) => i.line)).toEqual([12, 801]);
    expect(e.message).toMatch(/2 row\(s\) rejected \(first on line 12\)/);
    expect(await count('keep')).toBe(400);
  });

  it('a log in Windows-1252 loads (read again after the UTF-8 attempt)', async () => {
    const file = path.join(work, 'latin.csv');
    fs.writeFileSync(file, Buffer.from(`${logText(300)}C9,work,2024-06-01T00:00Z,\xc9quipe,L1\n`, 'latin1'));
    const r = await importAnalyticsLog(h.db, { ...opts, log: 'latin', file, batchSize: 100 });
    expect(r.events).toBe(1_201);
    const t = await sql<{ team: string }>`select team from analytics_events e join analytics_logs l on l.id = e.log_id
      where l.name = 'latin' and seq = 1202`.execute(h.db);
    expect(t.rows[0]?.team).toBe('Équipe');
    expect(await count('latin')).toBe(1_201);
  });
});
