import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DATA } from '../../../tests/helpers/shared-data.ts';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { AppError } from '../../server/errors.ts';
import { caseStats, findEvents, findSegments } from './cases.repository.ts';
import { importEventLog } from './event-log-import.ts';

const LOGS = path.join(SHARED_DATA, 'event-logs');
const BPIC = path.join(LOGS, 'bpic2013-incidents.csv.gz');
const SERVICENOW = path.join(LOGS, 'servicenow-incident-event-log.csv.gz');

let h: DatabaseHandle;
let work: string;

/** Writes an edited gzip copy of the first `lines` lines of a real log (in a temp folder, never in the project). */
function editedCopy(source: string, name: string, edit: (lines: string[]) => string[], lines = Number.POSITIVE_INFINITY): string {
  const text = zlib.gunzipSync(fs.readFileSync(source)).toString('utf8');
  const kept = text.split('\n').slice(0, lines);
  const file = path.join(work, name);
  fs.writeFileSync(file, zlib.gzipSync(edit(kept).join('\n')));
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

async function counts() {
  const n = async (table: 'cases' | 'case_events' | 'case_segments' | 'teams') =>
    Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(h.db)).rows[0]?.n);
  return { cases: await n('cases'), events: await n('case_events'), segments: await n('case_segments'), teams: await n('teams') };
}

async function caseByExternalId(source: string, externalId: string) {
  return h.db
    .selectFrom('cases')
    .selectAll()
    .where('source', '=', source)
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow();
}

beforeAll(async () => {
  h = await createTestDatabase();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-cases-import-'));
});
afterAll(async () => {
  await h.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('import cases: rejected files write nothing', () => {
  it('rejects a copy with a bad timestamp and a missing case id, naming both lines', async () => {
    const before = await counts();
    const file = editedCopy(BPIC, 'bad-rows.csv.gz', (l) =>
      l.map((x, i) =>
        i === 2
          ? x.replace('2010-03-31T16:00:56+01:00', '2010-02-31T16:00:56+01:00')
          : i === 4
            ? x.replace(/^1-364285768/, '')
            : x,
      ),
    );
    const e = await rejected(importEventLog(h.db, { file, preset: 'bpic2013' }));
    expect(e.code).toBe('IMPORT_REJECTED');
    expect(e.message).toMatch(/2 row\(s\) rejected; nothing was imported/);
    expect(e.issues).toEqual([
      expect.objectContaining({
        line: 3,
        field: 'Change Date+Time',
        message: expect.stringContaining('2010-02-31T16:00:56+01:00'),
      }),
      expect.objectContaining({ line: 5, field: 'SR Number', message: 'no case id' }),
    ]);
    expect(await counts()).toEqual(before);
    const run = await h.db.selectFrom('import_runs').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(run).toMatchObject({ kind: 'cases', file: 'bad-rows.csv.gz', status: 'rejected', rows_read: 65533, rows_written: 0 });
  });

  it('rejects a copy without the mapped team column, and one with the wrong delimiter, naming the columns', async () => {
    const before = await counts();
    const noTeam = editedCopy(
      BPIC,
      'no-team.csv.gz',
      (l) => l.map((x, i) => (i === 0 ? x.replace(',Involved ST,', ',Involved Team,') : x)),
      200,
    );
    const e1 = await rejected(importEventLog(h.db, { file: noTeam, preset: 'bpic2013' }));
    expect(e1.code).toBe('IMPORT_REJECTED');
    expect(e1.issues).toEqual([expect.objectContaining({ line: 1, field: 'Involved ST' })]);
    const semicolons = editedCopy(BPIC, 'semicolons.csv.gz', (l) => l.map((x) => x.replaceAll(',', ';')), 200);
    const e2 = await rejected(importEventLog(h.db, { file: semicolons, preset: 'bpic2013' }));
    expect(e2.message).toMatch(/"SR Number".*delimiter/s);
    expect(e2.issues.map((i) => i.field)).toContain('Activity');
    expect(await counts()).toEqual(before);
  });
});

describe('import cases: the real BPIC 2013 log', () => {
  it('loads 7,554 incidents with their 65,533 events and team segments, in one run well under a minute', async () => {
    const before = await counts();
    const phases = new Set<string>();
    const t0 = Date.now();
    const report = await importEventLog(h.db, { file: BPIC, preset: 'bpic2013', onProgress: (p) => phases.add(p) });
    const elapsed = Date.now() - t0;
    console.info(`BPIC 2013 import on ${h.kind}: ${elapsed} ms`);
    expect(elapsed).toBeLessThan(60_000);
    expect(phases).toEqual(new Set(['reading', 'writing']));
    expect(report).toMatchObject({
      rowsRead: 65533,
      casesRead: 7554,
      casesWritten: 7554,
      eventsWritten: 65533,
      segmentsWritten: 17008,
      teamsCreated: 649,
      skipped: 0,
      source: 'import:bpic2013',
      provider: 'GSC',
    });
    expect(report.byState).toEqual({ closed: 5573, resolved: 1972, cancelled: 1, 'in-progress': 5, 'awaiting-client': 3 });
    expect(report.unmappedActivities).toEqual({ 'Unmatched-Unmatched': 5 });
    const after = await counts();
    expect(after.cases - before.cases).toBe(7554);
    expect(after.events - before.events).toBe(65533);
    expect(after.segments - before.segments).toBe(17008);
    expect(after.teams - before.teams).toBe(649);
    // every incident's priority comes from the log's own SR Latest Impact (Medium 4,045, Low 3,245, High 261,
    // Major 3, one value per incident), none from the importer's default for a log that does not say
    const byPriority = await h.db
      .selectFrom('cases')
      .select(['priority', 'impact', 'urgency', (eb) => eb.fn.countAll<string>().as('n')])
      .where('source', '=', 'import:bpic2013')
      .groupBy(['priority', 'impact', 'urgency'])
      .orderBy('priority')
      .execute();
    expect(byPriority.map((r) => [r.priority, r.impact, r.urgency, Number(r.n)])).toEqual([
      ['P1', 1, 1, 3],
      ['P2', 1, 2, 261],
      ['P3', 2, 2, 4045],
      ['P4', 3, 3, 3245],
    ]);

    // Every imported case has at least one segment, all at the demo provider, none ending before it starts.
    const perCase = await sql<{ min: number; bad: number; foreign: number }>`
      select min(n)::int as min, sum(bad)::int as bad, sum(foreign_provider)::int as foreign from (
        select c.id, count(s.id) as n,
          count(*) filter (where s.ended_at < s.started_at) as bad,
          count(*) filter (where s.provider_code <> 'GSC') as foreign_provider
        from cases c left join case_segments s on s.case_id = c.id
        where c.source = 'import:bpic2013' group by c.id) t`.execute(h.db);
    expect(perCase.rows[0]).toEqual({ min: 1, bad: 0, foreign: 0 });
    const stats = await caseStats(h.db);
    expect(stats.events).toBe(after.events);
    expect(stats.byState.closed).toBeGreaterThanOrEqual(5573);
  });

  it('keeps a known incident: its events in UTC, its two teams as segments, its state, times and priority', async () => {
    const c = await caseByExternalId('import:bpic2013', '1-543979253');
    expect(c).toMatchObject({
      reference: 'BPI-1-543979253',
      title: 'Incident 1-543979253: PROD700',
      state: 'closed',
      priority: 'P2',
      impact: 1,
      urgency: 2,
      entity_code: 'DOS',
      service_code: 'ICT-SERVICES',
      provider_code: 'GSC',
      requester_user_id: null,
      routing_reason: 'Imported from bpic2013-incidents.csv.gz',
      version: 1,
    });
    expect(new Date(c.created_at).toISOString()).toBe('2011-07-28T09:12:37.000Z');
    expect(new Date(c.resolved_at as Date).toISOString()).toBe('2012-05-08T07:52:48.000Z');
    // 2012-05-16T00:22:58+01:00 in the log.
    expect(new Date(c.closed_at as Date).toISOString()).toBe('2012-05-15T23:22:58.000Z');
    const events = await findEvents(h.db, [c.id]);
    expect(
      events.map((e) => [e.at, e.type, (e.details as { activity: string }).activity, (e.details as { team: string }).team]),
    ).toEqual([
      ['2011-07-28T09:12:37.000Z', 'imported-activity', 'Accepted-In Progress', 'M19 2nd'],
      ['2011-07-28T09:16:47.000Z', 'imported-activity', 'Accepted-In Progress', 'M19 2nd'],
      ['2011-07-28T09:21:15.000Z', 'imported-activity', 'Queued-Awaiting Assignment', 'G368'],
      ['2012-05-08T07:52:10.000Z', 'imported-activity', 'Accepted-In Progress', 'G368'],
      ['2012-05-08T07:52:48.000Z', 'imported-activity', 'Completed-Resolved', 'G368'],
      ['2012-05-15T23:22:58.000Z', 'imported-activity', 'Completed-Closed', 'G368'],
    ]);
    expect(events[0]?.details).toEqual({
      activity: 'Accepted-In Progress',
      state: 'in-progress',
      team: 'M19 2nd',
      resource: 'se-Jens',
      level: 'L2',
      line: 514,
    });
    const segments = await findSegments(h.db, [c.id]);
    expect(segments).toEqual([
      expect.objectContaining({
        provider: 'GSC',
        team: 'BPI-M19 2nd',
        startedAt: '2011-07-28T09:12:37.000Z',
        endedAt: '2011-07-28T09:21:15.000Z',
        startReason: 'imported',
        endReason: 'handoff',
      }),
      expect.objectContaining({
        provider: 'GSC',
        team: 'BPI-G368',
        startedAt: '2011-07-28T09:21:15.000Z',
        endedAt: '2012-05-15T23:22:58.000Z',
        startReason: 'imported',
        endReason: 'closed',
      }),
    ]);
    const team = await h.db
      .selectFrom('teams')
      .selectAll()
      .where('id', '=', c.team_id as number)
      .executeTakeFirstOrThrow();
    expect(team).toMatchObject({ provider_code: 'GSC', code: 'BPI-G368', name: expect.stringContaining('G368') });
  });

  it('adds nothing on a second import and reports every case as skipped', async () => {
    const before = await counts();
    const again = await importEventLog(h.db, { file: BPIC, preset: 'bpic2013' });
    expect(again).toMatchObject({
      casesRead: 7554,
      casesWritten: 0,
      eventsWritten: 0,
      segmentsWritten: 0,
      teamsCreated: 0,
      skipped: 7554,
    });
    expect(again.skippedSample).toHaveLength(20);
    expect(await counts()).toEqual(before);
    const runs = await h.db
      .selectFrom('import_runs')
      .select(['status', 'rows_written'])
      .where('kind', '=', 'cases')
      .where('file', '=', 'bpic2013-incidents.csv.gz')
      .orderBy('id')
      .execute();
    expect(runs).toEqual([
      { status: 'succeeded', rows_written: 7554 },
      { status: 'succeeded', rows_written: 0 },
    ]);
  });
});

describe('import cases: the real ServiceNow log', () => {
  it('loads its 20,769 incidents with times read as UTC, priorities from the log, and the truncated last incident kept open', async () => {
    const before = await counts();
    const t0 = Date.now();
    const report = await importEventLog(h.db, { file: SERVICENOW, preset: 'servicenow' });
    console.info(`ServiceNow import on ${h.kind}: ${Date.now() - t0} ms`);
    expect(report).toMatchObject({
      rowsRead: 119998,
      casesWritten: 20769,
      eventsWritten: 119998,
      skipped: 0,
      provider: 'UNICTF',
    });
    expect(report.byState).toEqual({ closed: 20768, new: 1 });
    expect(report.warnings.map((w) => w.case ?? null)).toEqual(expect.arrayContaining(['INC0000137', 'INC0029233']));
    expect((await counts()).cases - before.cases).toBe(20769);
    const c = await caseByExternalId('import:servicenow', 'INC0000045');
    expect(c).toMatchObject({
      reference: 'SN-INC0000045',
      priority: 'P3',
      impact: 2,
      urgency: 2,
      state: 'closed',
      entity_code: 'DMSPC',
    });
    expect(new Date(c.created_at).toISOString()).toBe('2016-02-29T01:16:00.000Z');
    expect(new Date(c.resolved_at as Date).toISOString()).toBe('2016-02-29T11:29:00.000Z');
    expect(new Date(c.closed_at as Date).toISOString()).toBe('2016-03-05T12:00:00.000Z');
    const open = await caseByExternalId('import:servicenow', 'INC0029233');
    expect(open).toMatchObject({ state: 'new', resolved_at: null, closed_at: null });
    const openSegments = await findSegments(h.db, [open.id]);
    expect(openSegments.at(-1)?.endedAt).toBeNull();
  });
});
