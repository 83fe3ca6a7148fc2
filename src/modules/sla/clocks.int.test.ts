/**
 * Case clocks end to end on the database: first response, next response and resolution on the provider's
 * business calendar; pauses; reopen; transfer (segment clocks, and a target the new provider's policy
 * lacks); merge; escalations firing once at business instants and withdrawn when met; policy edits and
 * removal; calendar versions that never rewrite a closed case; the monthly report at local midnight.
 *
 * UNON (Nairobi, UTC+3, no daylight saving) serves payroll for the RC office in Chile; its default calendar
 * is Monday–Friday 09:00–17:00. KJSO (Kuwait) works Sunday–Thursday.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAs } from '../../../tests/helpers/http.ts';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { buildApp } from '../../server/app.ts';
import { addMessage, createCase, mergeCase, reprioritizeCase, transferCase, transitionCase } from '../cases/cases.service.ts';
import { findUserForSignIn } from '../identity/identity.repository.ts';
import type { User } from '../identity/identity.schema.ts';
import { addCalendarVersion } from './calendars.ts';
import { caseClocksView } from './clocks.service.ts';
import { fireDueEscalations, pendingEscalations } from './escalations.ts';
import { createPolicy, listPolicies, removePolicy, updatePolicy } from './policies.ts';

let h: DatabaseHandle;
let app: FastifyInstance;
const users: Record<string, User> = {};

beforeAll(async () => {
  h = await createTestDatabase();
  app = await buildApp({ db: h.db, databaseKind: h.kind, logLevel: 'silent', signInRateLimit: 10_000, webDir: '/nonexistent' });
  await app.ready();
  for (const who of ['requester.rco-cl', 'agent.unon', 'agent.kjso', 'coordinator', 'admin']) {
    const u = await findUserForSignIn(h.db, `${who}@meridian.test`);
    if (!u) throw new Error(`no demo user ${who}`);
    users[who] = u;
  }
  // A policy of UNON's own for payroll at P2, so the targets are known here.
  const admin = users.admin as User;
  await createPolicy(h.db, admin.id, {
    provider: 'UNON',
    service: 'PAY-PAYROLL',
    priority: 'P2',
    firstResponse: 'PT1H',
    nextResponse: 'PT2H',
    resolution: 'PT4H',
    calendarBasis: 'provider',
    pauseStates: ['awaiting-client'],
    warnAt: [75, 90],
    escalateOutsideHours: false,
    basis: 'test',
  });
  // KJSO's payroll policy has no next-response target.
  await createPolicy(h.db, admin.id, {
    provider: 'KJSO',
    service: 'PAY-PAYROLL',
    priority: 'P2',
    firstResponse: 'PT1H',
    nextResponse: null,
    resolution: 'PT8H',
    calendarBasis: 'provider',
    pauseStates: ['awaiting-client'],
    warnAt: [75, 90],
    escalateOutsideHours: false,
    basis: 'test',
  });
});
afterAll(async () => {
  await app.close();
  await h.close();
});

/** An instant given in Nairobi local time (UTC+3). */
const eat = (local: string) => new Date(`${local}:00+03:00`);
const payroll = {
  service: 'PAY-PAYROLL',
  title: 'Salary not received',
  fields: { indexNumber: '123456', payPeriod: '2026-10', issue: 'missing-payment' },
  impact: 2 as const,
  urgency: 1 as const,
};

async function open(at: Date) {
  const r = await createCase(h.db, users['requester.rco-cl'] as User, payroll, { now: at });
  return r.case;
}
async function clocks(reference: string, now: Date) {
  const row = await h.db.selectFrom('cases').select('id').where('reference', '=', reference).executeTakeFirstOrThrow();
  return caseClocksView(h.db, String(row.id), now);
}
const find = (cs: Awaited<ReturnType<typeof clocks>>, metric: string, scope: 'case' | 'segment' = 'case', provider?: string) =>
  cs.find((c) => c.metric === metric && c.scope === scope && (provider === undefined || c.provider === provider));
async function version(reference: string) {
  return (await h.db.selectFrom('cases').select('version').where('reference', '=', reference).executeTakeFirstOrThrow()).version;
}
async function move(reference: string, to: Parameters<typeof transitionCase>[4], at: Date, who = 'agent.unon') {
  return transitionCase(h.db, users[who] as User, reference, await version(reference), to, undefined, { now: at });
}
async function caseId(reference: string) {
  return String((await h.db.selectFrom('cases').select('id').where('reference', '=', reference).executeTakeFirstOrThrow()).id);
}

describe('first response', () => {
  it('a case opened Friday 16:30 with a 1h target is due Monday 09:30, with warnings at 75% and 90% in working time', async () => {
    const c = await open(eat('2026-11-27T16:30')); // a Friday
    expect(c.provider?.code).toBe('UNON');
    const fr = find(await clocks(c.reference, eat('2026-11-27T16:45')), 'first-response');
    expect(fr).toMatchObject({ state: 'running', dueAt: '2026-11-30T06:30:00.000Z', target: 'PT1H', timeZone: 'Africa/Nairobi' });
    const jobs = (await pendingEscalations(h.db, await caseId(c.reference))).filter(
      (j) => j.metric === 'first-response' && j.segmentId === null,
    );
    expect(jobs.map((j) => [j.threshold, j.fireAt])).toEqual([
      [75, '2026-11-30T06:15:00.000Z'],
      [90, '2026-11-30T06:24:00.000Z'],
      [100, '2026-11-30T06:30:00.000Z'],
    ]);
  });

  it('is met by the first public reply of provider staff, not by an internal note; its escalations are withdrawn', async () => {
    const c = await open(eat('2026-11-30T09:00'));
    await addMessage(
      h.db,
      users['agent.unon'] as User,
      c.reference,
      { body: 'Looking into it (internal)', visibility: 'internal' },
      { now: eat('2026-11-30T09:10') },
    );
    expect(find(await clocks(c.reference, eat('2026-11-30T09:11')), 'first-response')?.state).toBe('running');
    await addMessage(
      h.db,
      users['agent.unon'] as User,
      c.reference,
      { body: 'We are on it.', visibility: 'public' },
      { now: eat('2026-11-30T09:20') },
    );
    const cs = await clocks(c.reference, eat('2026-11-30T09:21'));
    expect(find(cs, 'first-response')).toMatchObject({
      state: 'met',
      elapsedBusinessMinutes: 20,
      stoppedAt: eat('2026-11-30T09:20').toISOString(),
    });
    expect(find(cs, 'first-response', 'segment', 'UNON')).toMatchObject({ state: 'met', elapsedBusinessMinutes: 20 });
    const pending = await pendingEscalations(h.db, await caseId(c.reference));
    expect(pending.filter((j) => j.metric === 'first-response')).toEqual([]);
    expect(pending.filter((j) => j.metric === 'resolution').length).toBeGreaterThan(0);
  });
});

describe('pauses, next response and reopen', () => {
  it('keeps awaiting-client and resolved time out of the resolution clock, and resumes it on reopen', async () => {
    const c = await open(eat('2026-11-30T09:00')); // Monday
    const agent = users['agent.unon'] as User;
    const client = users['requester.rco-cl'] as User;
    await addMessage(h.db, agent, c.reference, { body: 'Which month?', visibility: 'public' }, { now: eat('2026-11-30T09:30') });
    await move(c.reference, 'awaiting-client', eat('2026-11-30T10:00'));
    // Paused: no due instant, escalations withdrawn.
    const paused = find(await clocks(c.reference, eat('2026-11-30T10:30')), 'resolution');
    expect(paused).toMatchObject({ state: 'paused', dueAt: null, elapsedBusinessMinutes: 60, pausedBusinessMinutes: 30 });
    expect((await pendingEscalations(h.db, await caseId(c.reference))).filter((j) => j.metric === 'resolution')).toEqual([]);
    // The client's reply at 11:00 resumes work (in progress) and starts a next-response cycle.
    await addMessage(h.db, client, c.reference, { body: 'October.', visibility: 'public' }, { now: eat('2026-11-30T11:00') });
    let cs = await clocks(c.reference, eat('2026-11-30T11:30'));
    expect(find(cs, 'next-response')).toMatchObject({
      state: 'running',
      startedAt: eat('2026-11-30T11:00').toISOString(),
      dueAt: eat('2026-11-30T13:00').toISOString(),
    });
    expect(find(cs, 'resolution')).toMatchObject({
      state: 'running',
      elapsedBusinessMinutes: 90,
      pausedBusinessMinutes: 60,
      dueAt: eat('2026-11-30T14:00').toISOString(),
    });
    await addMessage(h.db, agent, c.reference, { body: 'Paid today.', visibility: 'public' }, { now: eat('2026-11-30T11:45') });
    await move(c.reference, 'resolved', eat('2026-11-30T12:00'));
    cs = await clocks(c.reference, eat('2026-11-30T12:30'));
    expect(find(cs, 'next-response')).toMatchObject({ state: 'met', elapsedBusinessMinutes: 45 });
    expect(find(cs, 'resolution')).toMatchObject({ state: 'met', elapsedBusinessMinutes: 120, pausedBusinessMinutes: 60 });
    // Reopened at 13:00: the resolved hour counts as paused; the clock resumes where it stopped.
    await move(c.reference, 'reopen', eat('2026-11-30T13:00'), 'requester.rco-cl');
    cs = await clocks(c.reference, eat('2026-11-30T13:30'));
    expect(find(cs, 'resolution')).toMatchObject({ state: 'running', elapsedBusinessMinutes: 150, pausedBusinessMinutes: 120 });
    // 240 - 120 = 120 minutes left from 13:00.
    expect(find(cs, 'resolution')?.dueAt).toBe(eat('2026-11-30T15:00').toISOString());
    await move(c.reference, 'resolved', eat('2026-11-30T14:00'));
    await move(c.reference, 'closed', eat('2026-11-30T14:30'));
    const stored = find(await clocks(c.reference, eat('2026-12-01T09:00')), 'resolution');
    expect(stored).toMatchObject({ state: 'met', elapsedBusinessMinutes: 180, stoppedAt: eat('2026-11-30T14:00').toISOString() });
  });

  it('a case resolved straight from awaiting client keeps the paused time out of its resolution time', async () => {
    const c = await open(eat('2026-11-30T09:00'));
    await move(c.reference, 'awaiting-client', eat('2026-11-30T10:00'));
    await move(c.reference, 'resolved', eat('2026-11-30T15:00'));
    const r = find(await clocks(c.reference, eat('2026-11-30T16:00')), 'resolution');
    expect(r).toMatchObject({ state: 'met', elapsedBusinessMinutes: 60, pausedBusinessMinutes: 300 });
  });
});

describe('handoffs', () => {
  it('on transfer the new provider’s segment clock starts, the end-to-end clock runs on, and a target the new policy lacks is removed', async () => {
    const c = await open(eat('2026-11-30T09:00'));
    const agent = users['agent.unon'] as User;
    await addMessage(h.db, agent, c.reference, { body: 'Checking.', visibility: 'public' }, { now: eat('2026-11-30T09:15') });
    await addMessage(
      h.db,
      users['requester.rco-cl'] as User,
      c.reference,
      { body: 'Any news?', visibility: 'public' },
      { now: eat('2026-11-30T10:00') },
    );
    let cs = await clocks(c.reference, eat('2026-11-30T10:05'));
    expect(find(cs, 'next-response')?.state).toBe('running');
    const id = await caseId(c.reference);
    expect((await pendingEscalations(h.db, id)).some((j) => j.metric === 'next-response')).toBe(true);

    await transferCase(
      h.db,
      agent,
      c.reference,
      await version(c.reference),
      { provider: 'KJSO', reason: 'KJSO pays this staff member' },
      { now: eat('2026-11-30T11:00') },
    );
    cs = await clocks(c.reference, eat('2026-11-30T11:30'));
    // The UNON segment ended at the handoff within its 4h: met; KJSO's segment clocks run on KJSO's calendar.
    expect(find(cs, 'resolution', 'segment', 'UNON')).toMatchObject({ state: 'met', elapsedBusinessMinutes: 120 });
    expect(find(cs, 'resolution', 'segment', 'KJSO')).toMatchObject({
      state: 'running',
      timeZone: 'Asia/Kuwait',
      elapsedBusinessMinutes: 30,
      target: 'PT8H',
    });
    expect(find(cs, 'first-response', 'segment', 'KJSO')?.state).toBe('running');
    // End to end: KJSO's policy now (8h resolution), 2h on UNON's calendar + 30 min on KJSO's; no next-response target any more.
    expect(find(cs, 'resolution')).toMatchObject({
      state: 'running',
      target: 'PT8H',
      elapsedBusinessMinutes: 150,
      timeZone: 'Asia/Kuwait',
    });
    expect(find(cs, 'next-response')).toBeUndefined();
    expect((await pendingEscalations(h.db, id)).some((j) => j.metric === 'next-response')).toBe(false);
    const withdrawn = await sql<{
      n: string;
    }>`select count(*) as n from sla_jobs where case_id = ${id} and metric = 'next-response' and status = 'withdrawn'`.execute(
      h.db,
    );
    expect(Number(withdrawn.rows[0]?.n)).toBeGreaterThan(0);
  });

  it("a merged case's clocks stop", async () => {
    const a = await open(eat('2026-11-30T09:00'));
    const b = await open(eat('2026-11-30T09:05'));
    await mergeCase(h.db, users['agent.unon'] as User, b.reference, await version(b.reference), a.reference, {
      now: eat('2026-11-30T10:00'),
    });
    const cs = await clocks(b.reference, eat('2026-11-30T12:00'));
    expect(cs.length).toBeGreaterThan(0);
    for (const k of cs) expect(k.state).toBe('stopped');
    expect(await pendingEscalations(h.db, await caseId(b.reference))).toEqual([]);
  });
});

describe('escalations', () => {
  /** The case's pending job rows of its case-scope first-response clock. */
  const pendingRows = async (id: string) =>
    (
      await sql<{ threshold: number; fire_at: Date; later: unknown }>`
        select threshold, fire_at, later from sla_jobs
        where case_id = ${id} and status = 'pending' and metric = 'first-response' and segment_id is null`.execute(h.db)
    ).rows.map((r) => ({
      threshold: r.threshold,
      fireAt: new Date(r.fire_at).toISOString(),
      later: typeof r.later === 'string' ? JSON.parse(r.later) : r.later,
    }));

  /** The pending row expected of a first-response clock: its 75% job carrying 90% and the breach (local `HH:MM` on `day`). */
  const firstResponseChain = (day: string, at75: string, at90: string, due: string) => [
    {
      threshold: 75,
      fireAt: eat(`${day}T${at75}`).toISOString(),
      later: [
        { threshold: 90, fireAt: eat(`${day}T${at90}`).toISOString() },
        { threshold: 100, fireAt: eat(`${day}T${due}`).toISOString() },
      ],
    },
  ];

  it('keep one pending job a clock, its next threshold carrying the ones after it (decision 0023)', async () => {
    const c = await open(eat('2026-12-01T10:00')); // Tuesday; first response due 11:00
    const id = await caseId(c.reference);
    expect(await pendingRows(id)).toEqual(firstResponseChain('2026-12-01', '10:45', '10:54', '11:00'));
    // every running clock has exactly one pending job
    const perClock = await sql<{ n: string }>`
      select count(*) as n from sla_jobs where case_id = ${id} and status = 'pending' group by clock_id having count(*) <> 1`.execute(
      h.db,
    );
    expect(perClock.rows).toEqual([]);
    // the 75% warning fires alone; the 90% is scheduled with the breach after it
    expect((await fireDueEscalations(h.db, eat('2026-12-01T10:46'))).fired).toBeGreaterThan(0);
    expect(await pendingRows(id)).toEqual([
      {
        threshold: 90,
        fireAt: eat('2026-12-01T10:54').toISOString(),
        later: [{ threshold: 100, fireAt: eat('2026-12-01T11:00').toISOString() }],
      },
    ]);
  });

  it('a late run fires every threshold that is due, the breach included, in one run', async () => {
    const c = await open(eat('2026-12-03T10:00')); // Thursday; first response due 11:00
    const id = await caseId(c.reference);
    await fireDueEscalations(h.db, eat('2026-12-03T12:00')); // the worker was down for an hour
    const events = await h.db
      .selectFrom('case_events')
      .select(['type', 'after'])
      .where('case_id', '=', id)
      .where('type', 'in', ['sla-warning', 'sla-breached'])
      .orderBy('id')
      .execute();
    const firstResponse = events
      .map((e) => ({ type: e.type, ...(typeof e.after === 'string' ? JSON.parse(e.after) : e.after) }))
      .filter((e) => e.metric === 'first-response' && e.scope === 'case');
    expect(firstResponse.map((e) => [e.type, e.threshold])).toEqual([
      ['sla-warning', 75],
      ['sla-warning', 90],
      ['sla-breached', 100],
    ]);
    expect(await pendingRows(id)).toEqual([]);
  });

  it('a case change during an escalation run never makes a threshold fire twice (two connections on PostgreSQL)', async () => {
    // 12 cases opened Wednesday 09:00 (first response due 10:00); at 09:50 their 75% warnings are due and a
    // run fires them while each case's priority changes (its clocks re-derived, their jobs reconciled)
    const cases = [];
    for (let i = 0; i < 12; i++) cases.push(await open(eat('2026-12-09T09:00')));
    const at = eat('2026-12-09T09:50');
    await Promise.all([
      fireDueEscalations(h.db, at),
      ...cases.map(async (c) =>
        reprioritizeCase(
          h.db,
          users['agent.unon'] as User,
          c.reference,
          await version(c.reference),
          { impact: 2, urgency: 2, reason: 'Less urgent than it looked' },
          { now: at },
        ),
      ),
      fireDueEscalations(h.db, at),
    ]);
    await fireDueEscalations(h.db, at);
    const ids = await Promise.all(cases.map((c) => caseId(c.reference)));
    // at most one pending job a clock, and no threshold fired twice for a clock
    const pending = await sql<{ clock_id: string; n: string }>`
      select clock_id, count(*) as n from sla_jobs where case_id = any(${ids}::bigint[]) and status = 'pending'
      group by clock_id having count(*) > 1`.execute(h.db);
    expect(pending.rows).toEqual([]);
    await fireDueEscalations(h.db, eat('2026-12-31T12:00'));
    const twice = await sql<{ clock_id: string; threshold: number; n: string }>`
      select clock_id, threshold, count(*) as n from sla_jobs where case_id = any(${ids}::bigint[]) and status = 'fired'
      group by clock_id, threshold having count(*) > 1`.execute(h.db);
    expect(twice.rows).toEqual([]);
    const events = await sql<{ case_id: string; key: string; n: string }>`
      select case_id, (after->>'scope') || (after->>'metric') || coalesce(after->>'provider', '') || (after->>'threshold') as key,
             count(*) as n
      from case_events where case_id = any(${ids}::bigint[]) and type in ('sla-warning', 'sla-breached')
      group by 1, 2 having count(*) > 1`.execute(h.db);
    expect(events.rows).toEqual([]);
  });

  it('reconciles jobs written one per threshold before (no `later`) to one on the next change', async () => {
    const c = await open(eat('2026-12-07T09:00')); // Monday; first response due 10:00
    const id = await caseId(c.reference);
    const [job] = await h.db
      .selectFrom('sla_jobs')
      .selectAll()
      .where('case_id', '=', id)
      .where('status', '=', 'pending')
      .where('metric', '=', 'first-response')
      .where('segment_id', 'is', null)
      .execute();
    if (!job) throw new Error('no pending first-response job');
    // as an older version wrote them: every threshold a row, none carrying the others
    await h.db.updateTable('sla_jobs').set({ later: '[]' }).where('id', '=', job.id).execute();
    for (const [threshold, at] of [
      [90, '2026-12-07T09:54'],
      [100, '2026-12-07T10:00'],
    ] as const) {
      await h.db
        .insertInto('sla_jobs')
        .values({ ...job, id: undefined, threshold, fire_at: eat(at), later: '[]' })
        .execute();
    }
    expect((await pendingRows(id)).map((r) => r.threshold)).toEqual([75, 90, 100]);
    await move(c.reference, 'in-progress', eat('2026-12-07T09:10'));
    expect(await pendingRows(id)).toEqual(firstResponseChain('2026-12-07', '09:45', '09:54', '10:00'));
    expect((await pendingEscalations(h.db, id)).filter((j) => j.metric === 'first-response' && j.segmentId === null)).toEqual([
      { metric: 'first-response', threshold: 75, fireAt: eat('2026-12-07T09:45').toISOString(), segmentId: null },
      { metric: 'first-response', threshold: 90, fireAt: eat('2026-12-07T09:54').toISOString(), segmentId: null },
      { metric: 'first-response', threshold: 100, fireAt: eat('2026-12-07T10:00').toISOString(), segmentId: null },
    ]);
  });

  it('fire once each, at business instants, and the breach marks the clock', async () => {
    const c = await open(eat('2026-12-01T16:30')); // Tuesday; first response due Wednesday 09:30
    const id = await caseId(c.reference);
    const firedAt = async () =>
      (
        await sql<{
          threshold: number;
          type: string;
        }>`select j.threshold from sla_jobs j where j.case_id = ${id} and j.status = 'fired' and j.metric = 'first-response' and j.segment_id is null order by threshold`.execute(
          h.db,
        )
      ).rows.map((r) => r.threshold);
    await fireDueEscalations(h.db, eat('2026-12-01T23:59'));
    expect(await firedAt()).toEqual([]); // nothing at night
    await fireDueEscalations(h.db, eat('2026-12-02T09:24'));
    expect(await firedAt()).toEqual([75, 90]);
    await fireDueEscalations(h.db, eat('2026-12-02T09:25'));
    expect(await firedAt()).toEqual([75, 90]);
    await fireDueEscalations(h.db, eat('2026-12-02T09:31'));
    expect(await firedAt()).toEqual([75, 90, 100]);
    const clock = await h.db
      .selectFrom('case_sla_clocks')
      .selectAll()
      .where('case_id', '=', id)
      .where('metric', '=', 'first-response')
      .where('scope', '=', 'case')
      .executeTakeFirstOrThrow();
    expect(clock.state).toBe('breached');
    expect(new Date(clock.breached_at as Date).toISOString()).toBe(eat('2026-12-02T09:30').toISOString());
    const events = await h.db
      .selectFrom('case_events')
      .select('type')
      .where('case_id', '=', id)
      .where('type', 'in', ['sla-warning', 'sla-breached'])
      .execute();
    expect(events.filter((e) => e.type === 'sla-breached').length).toBeGreaterThanOrEqual(1);
    // A later change re-derives the clock: the fired thresholds never fire again.
    await addMessage(
      h.db,
      users['agent.unon'] as User,
      c.reference,
      { body: 'Sorry for the wait.', visibility: 'public' },
      { now: eat('2026-12-02T10:00') },
    );
    expect(find(await clocks(c.reference, eat('2026-12-02T10:01')), 'first-response')?.state).toBe('breached');
    const again = await sql<{
      n: string;
    }>`select count(*) as n from sla_jobs where case_id = ${id} and metric = 'first-response' and segment_id is null and status = 'pending'`.execute(
      h.db,
    );
    expect(Number(again.rows[0]?.n)).toBe(0);
  });

  it('on a Mon–Fri 08:00–18:00 calendar, a 4h case opened Monday 17:00 is due Tuesday 11:00 and its 1h-before warning fires Tuesday 10:00', async () => {
    const admin = users.admin as User;
    await addCalendarVersion(
      h.db,
      admin.id,
      { provider: 'KJSO' },
      {
        effectiveFrom: '2026-11-01',
        spec: {
          timeZone: 'Asia/Kuwait',
          week: {
            mon: [['08:00', '18:00']],
            tue: [['08:00', '18:00']],
            wed: [['08:00', '18:00']],
            thu: [['08:00', '18:00']],
            fri: [['08:00', '18:00']],
            sat: [],
            sun: [],
          },
          holidays: [],
          closures: [],
        },
      },
    );
    await createPolicy(h.db, admin.id, {
      provider: 'KJSO',
      service: null,
      priority: 'P1',
      firstResponse: null,
      nextResponse: null,
      resolution: 'PT4H',
      calendarBasis: 'provider',
      pauseStates: ['awaiting-client'],
      warnAt: [75],
      escalateOutsideHours: false,
      basis: 'test',
    });
    const kuwait = (local: string) => new Date(`${local}:00+03:00`);
    const c = await createCase(
      h.db,
      users.coordinator as User,
      { ...payroll, entity: 'UNAMA', impact: 1, urgency: 1 },
      { now: kuwait('2026-11-30T17:00') },
    );
    expect(c.case.provider?.code).toBe('KJSO');
    const r = find(await clocks(c.case.reference, kuwait('2026-11-30T17:30')), 'resolution');
    expect(r?.dueAt).toBe(kuwait('2026-12-01T11:00').toISOString());
    const jobs = (await pendingEscalations(h.db, await caseId(c.case.reference))).filter(
      (j) => j.metric === 'resolution' && j.segmentId === null,
    );
    expect(jobs.map((j) => [j.threshold, j.fireAt])).toEqual([
      [75, kuwait('2026-12-01T10:00').toISOString()],
      [100, kuwait('2026-12-01T11:00').toISOString()],
    ]);
  });
});

describe('policy and calendar changes', () => {
  it('a target edit keeps elapsed time and moves the due instant; removing the policy withdraws pending escalations', async () => {
    const admin = users.admin as User;
    const c = await open(eat('2026-12-07T09:00')); // Monday
    const id = await caseId(c.reference);
    const p = (await listPolicies(h.db, { provider: 'UNON' })).find(
      (x) => x.provider === 'UNON' && x.service === 'PAY-PAYROLL' && x.priority === 'P2',
    );
    if (!p) throw new Error('policy missing');
    const { id: pid, version: v, updatedAt: _u, ...input } = p;
    await updatePolicy(h.db, admin.id, pid, v, { ...input, resolution: 'PT6H' }, eat('2026-12-07T10:00'));
    const r = await h.db
      .selectFrom('case_sla_clocks')
      .selectAll()
      .where('case_id', '=', id)
      .where('metric', '=', 'resolution')
      .where('scope', '=', 'case')
      .executeTakeFirstOrThrow();
    expect(r.target).toBe('PT6H');
    expect(new Date(r.due_at as Date).toISOString()).toBe(eat('2026-12-07T15:00').toISOString());
    expect(Number(r.elapsed_business_ms)).toBe(60 * 60_000);
    const p2 = (await listPolicies(h.db, { provider: 'UNON' })).find((x) => x.id === pid);
    await removePolicy(h.db, admin.id, pid, eat('2026-12-07T10:30'));
    // The common P2 policy applies now (resolution P2D); the UNON-specific jobs were withdrawn and replaced.
    const after = await h.db
      .selectFrom('case_sla_clocks')
      .selectAll()
      .where('case_id', '=', id)
      .where('metric', '=', 'resolution')
      .where('scope', '=', 'case')
      .executeTakeFirstOrThrow();
    expect(after.target).toBe('P2D');
    expect(after.policy_id).not.toBe(pid);
    const stale = await sql<{
      n: string;
    }>`select count(*) as n from sla_jobs j join case_sla_clocks k on k.id = j.clock_id where j.case_id = ${id} and j.status = 'pending' and k.policy_id = ${pid}`.execute(
      h.db,
    );
    expect(Number(stale.rows[0]?.n)).toBe(0);
    // Restore UNON's policy for the other tests.
    await createPolicy(h.db, admin.id, { ...input, resolution: 'PT4H', basis: p2?.basis ?? 'test' });
  });

  it('a priority change takes the new priority’s targets and keeps elapsed and paused time', async () => {
    const c = await open(eat('2026-12-08T09:00')); // Tuesday, P2: UNON's own policy (resolution 4h)
    await move(c.reference, 'awaiting-client', eat('2026-12-08T10:00'));
    await move(c.reference, 'in-progress', eat('2026-12-08T10:30'));
    await reprioritizeCase(
      h.db,
      users['agent.unon'] as User,
      c.reference,
      await version(c.reference),
      { impact: 1, urgency: 1, reason: 'whole office unpaid' },
      { now: eat('2026-12-08T11:00') },
    );
    const r = find(await clocks(c.reference, eat('2026-12-08T11:00')), 'resolution');
    // P1 falls to the common policy: resolution 8 business hours; 90 min elapsed, 30 paused, carried over.
    expect(r).toMatchObject({ target: 'PT8H', elapsedBusinessMinutes: 90, pausedBusinessMinutes: 30, state: 'running' });
    expect(r?.dueAt).toBe(eat('2026-12-09T09:30').toISOString());
    const ev = await h.db
      .selectFrom('case_events')
      .select(['type', 'after'])
      .where('case_id', '=', await caseId(c.reference))
      .where('type', '=', 'priority-changed')
      .executeTakeFirstOrThrow();
    expect(ev.after).toMatchObject({ priority: 'P1' });
  });

  it('a new calendar version changes open cases from its date but never the clocks of a closed case', async () => {
    const admin = users.admin as User;
    const closed = await open(eat('2026-12-14T09:00')); // Monday
    await move(closed.reference, 'resolved', eat('2026-12-14T11:00'));
    await move(closed.reference, 'closed', eat('2026-12-14T11:30'));
    const live = await open(eat('2026-12-14T09:00'));
    const before = find(await clocks(closed.reference, eat('2026-12-15T09:00')), 'resolution');
    expect(before).toMatchObject({ state: 'met', elapsedBusinessMinutes: 120 });
    // Nairobi declares 14 December a holiday, from 1 December on.
    await addCalendarVersion(
      h.db,
      admin.id,
      { dutyStation: 'KE-NA100' },
      {
        effectiveFrom: '2026-12-01',
        spec: {
          timeZone: 'Africa/Nairobi',
          week: {
            mon: [['09:00', '17:00']],
            tue: [['09:00', '17:00']],
            wed: [['09:00', '17:00']],
            thu: [['09:00', '17:00']],
            fri: [['09:00', '17:00']],
            sat: [],
            sun: [],
          },
          holidays: ['2026-12-14'],
          closures: [],
        },
      },
    );
    expect(find(await clocks(closed.reference, eat('2026-12-15T09:00')), 'resolution')).toMatchObject({
      state: 'met',
      elapsedBusinessMinutes: 120,
    });
    expect(find(await clocks(live.reference, eat('2026-12-15T10:00')), 'resolution')).toMatchObject({
      state: 'running',
      elapsedBusinessMinutes: 60,
    });
  });
});

describe('HTTP', () => {
  it("shows a case's clocks to those who see the case, and hides the case from another provider", async () => {
    const c = await open(new Date());
    const unon = await signInAs(app, 'agent.unon@meridian.test');
    const kjso = await signInAs(app, 'agent.kjso@meridian.test');
    const mine = await app.inject({ url: `/api/cases/${c.reference}/sla`, headers: unon });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().clocks.length).toBeGreaterThanOrEqual(3);
    expect(mine.json().clientTimeZone).toBe('America/Santiago');
    const other = await app.inject({ url: `/api/cases/${c.reference}/sla`, headers: kjso });
    expect(other.statusCode).toBe(404);
    const anon = await app.inject({ url: `/api/cases/${c.reference}/sla` });
    expect(anon.statusCode).toBe(401);
  });

  it('lets coordinators edit policies, refuses agents, and names the bad field', async () => {
    const agent = await signInAs(app, 'agent.unon@meridian.test');
    const coord = await signInAs(app, 'coordinator@meridian.test');
    const body = { provider: 'UNOG', priority: 'P4', resolution: 'P3D', basis: 'test' };
    expect((await app.inject({ method: 'POST', url: '/api/sla/policies', payload: body, headers: agent })).statusCode).toBe(403);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/sla/policies',
      payload: { ...body, resolution: 'P1DT2H' },
      headers: coord,
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().errors)).toContain('resolution');
    const ok = await app.inject({ method: 'POST', url: '/api/sla/policies', payload: body, headers: coord });
    expect(ok.statusCode).toBe(201);
    const dup = await app.inject({ method: 'POST', url: '/api/sla/policies', payload: body, headers: coord });
    expect(dup.statusCode).toBe(400);
  });

  it('imports holidays from iCalendar and CSV, and rejects a bad file naming the line', async () => {
    const coord = await signInAs(app, 'coordinator@meridian.test');
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//test//EN',
      'BEGIN:VEVENT',
      'UID:a@test',
      'DTSTART;VALUE=DATE:20271225',
      'DTEND;VALUE=DATE:20271227',
      'SUMMARY:Christmas',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const r = await app.inject({
      method: 'POST',
      url: '/api/sla/calendars/duty-stations/CH-GE020/holidays',
      payload: { format: 'ics', text: ics, effectiveFrom: '2027-01-01' },
      headers: coord,
    });
    expect(r.statusCode).toBe(201);
    expect(r.json().holidays.map((x: { date: string }) => x.date)).toEqual(['2027-12-25', '2027-12-26']);
    const csv = 'date;name\n2028-01-01;New Year\n2028-13-01;Bad\n';
    const bad = await app.inject({
      method: 'POST',
      url: '/api/sla/calendars/duty-stations/CH-GE020/holidays',
      payload: { format: 'csv', text: csv, effectiveFrom: '2027-06-01' },
      headers: coord,
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors).toEqual([expect.objectContaining({ line: 3, field: 'date' })]);
    const cal = await app.inject({ url: '/api/sla/calendars/duty-stations/CH-GE020', headers: coord });
    expect(cal.json().versions.length).toBe(2); // the default kept for the past, then the import
  });

  it('lists the calendars page by page with the same total, a page beyond the last included', async () => {
    const coord = await signInAs(app, 'coordinator@meridian.test');
    const page = async (n: number) =>
      (await app.inject({ url: `/api/sla/calendars?page=${n}&pageSize=50`, headers: coord })).json() as {
        items: { code: string }[];
        total: number;
      };
    const first = await page(1);
    expect(first.total).toBeGreaterThan(50);
    expect(first.items).toHaveLength(50);
    const beyond = await page(Math.ceil(first.total / 50) + 3);
    expect(beyond.items).toEqual([]);
    expect(beyond.total).toBe(first.total);
  });
});

describe('report', () => {
  it("buckets cases by month at the calendar's local midnight, not UTC", async () => {
    // 30 November 22:30 UTC is 1 December 01:30 in Nairobi.
    const c = await open(new Date('2026-11-30T22:30:00Z'));
    expect(c.reference).toBeTruthy();
    const coord = await signInAs(app, 'coordinator@meridian.test');
    const reversed = await app.inject({ url: '/api/sla/report?from=2026-12&to=2026-11', headers: coord });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().errors).toEqual([{ field: 'querystring.to', message: 'must not be before from' }]);
    const r = await app.inject({ url: '/api/sla/report?from=2026-11&to=2026-12&provider=UNON', headers: coord });
    expect(r.statusCode).toBe(200);
    const dec = r.json().items.find((x: { month: string }) => x.month === '2026-12');
    const nov = r.json().items.find((x: { month: string }) => x.month === '2026-11');
    const rows = await sql<{ created_at: Date }>`select c.created_at from cases c join case_sla_clocks k on k.case_id = c.id
      where k.scope = 'case' and k.metric = 'resolution' and k.provider_code = 'UNON'`.execute(h.db);
    const localMonth = (d: Date) => new Date(new Date(d).getTime() + 3 * 3_600_000).toISOString().slice(0, 7);
    const expected = {
      nov: rows.rows.filter((x) => localMonth(x.created_at) === '2026-11').length,
      dec: rows.rows.filter((x) => localMonth(x.created_at) === '2026-12').length,
    };
    expect(dec?.total ?? 0).toBe(expected.dec);
    expect(nov?.total ?? 0).toBe(expected.nov);
    expect(expected.dec).toBeGreaterThan(0);
  });
});
