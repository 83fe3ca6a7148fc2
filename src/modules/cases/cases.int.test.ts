import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs } from '../../../tests/helpers/http.ts';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { findUserForSignIn } from '../identity/identity.repository.ts';
import { addMessage, mergeCase, openChildTask, transitionCase } from './cases.service.ts';

let h: DatabaseHandle;
let app: FastifyInstance;
const as: Record<string, { cookie: string }> = {};

beforeAll(async () => {
  h = await createTestDatabase();
  app = await buildTestApp(h, { reopenWindowDays: 10 });
  for (const who of [
    'requester.rco-cl',
    'requester.minusca',
    'focal.minusca',
    'agent.unon',
    'agent.kjso',
    'agent.rsce',
    'coordinator',
    'viewer',
  ]) {
    as[who] = await signInAs(app, `${who}@meridian.test`);
  }
});
afterAll(async () => {
  await app.close();
  await h.close();
});

const payroll = (title = 'Salary for October not received') => ({
  service: 'PAY-PAYROLL',
  title,
  description: 'My October salary has not arrived.',
  fields: { indexNumber: '123456', payPeriod: '2026-10', issue: 'missing-payment' },
  impact: 2,
  urgency: 1,
});

async function create(who: string, body: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/api/cases', payload: body as object, headers: { ...as[who], ...headers } });
}
async function act(who: string, ref: string, action: string, body: object, version?: number) {
  return app.inject({
    method: 'POST',
    url: `/api/cases/${ref}/${action}`,
    payload: body,
    headers: { ...as[who], ...(version !== undefined ? { 'if-match': `"${version}"` } : {}) },
  });
}
async function view(who: string, ref: string) {
  return app.inject({ url: `/api/cases/${ref}`, headers: as[who] });
}
async function count(table: 'cases' | 'case_events') {
  const r = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(h.db);
  return Number(r.rows[0]?.n);
}

describe('one front door', () => {
  it('routes a request at once to the assigned provider, with priority and the reason', async () => {
    const r = await create('requester.rco-cl', payroll());
    expect(r.statusCode).toBe(201);
    const c = r.json();
    expect(c).toMatchObject({ state: 'new', priority: 'P2', provider: { code: 'UNON' }, entity: { code: 'RCO-CL' }, version: 1 });
    expect(c.reference).toMatch(/^MER-\d{6}$/);
    expect(c.routingReason).toMatch(/para 16/);
    expect(r.headers.etag).toBe('"1"');
    const v = (await view('requester.rco-cl', c.reference)).json();
    expect(v.timeline.map((e: { type: string }) => e.type)).toEqual(['created', 'routed']);
    // the reason as data too, for the web to say in the reader's language
    expect(v.timeline[1].details.routing).toEqual({
      rule: 'assignment',
      provider: 'UNON',
      scope: 'global',
      basis: expect.stringMatching(/para 16/),
    });
    expect(v.segments).toEqual([expect.objectContaining({ provider: 'UNON', endedAt: null, startReason: 'routed' })]);
    expect(v.messages[0].body).toContain('October');
    expect(v.fields).toMatchObject({ indexNumber: '123456' });
  });

  it("writes the requester's e-mails in their language (receipt, resolution), with no English routing text in French", async () => {
    // requester.minusca's profile is in French; requester.rco-cl's in English
    const r = await create('requester.minusca', {
      service: 'TRV-TRAVEL',
      title: 'Mission à Bangui',
      fields: { destination: 'Bangui', departureDate: '2027-01-10' },
    });
    expect(r.statusCode, r.body).toBe(201);
    const ref = r.json().reference as string;
    const mails = async () =>
      (
        await sql<{ subject: string; body: string; to_address: string }>`
          select subject, body, to_address from outbox where case_id = ${r.json().id}::bigint order by id`.execute(h.db)
      ).rows;
    expect(await mails()).toEqual([
      {
        to_address: 'requester.minusca@meridian.test',
        subject: `[${ref}] Mission à Bangui`,
        body: `Votre demande ${ref} a bien été reçue. Elle est confiée à RSCE (Centre de services régional d’Entebbe (Ouganda)), le prestataire attribué à votre entité pour ce service.`,
      },
    ]);
    let version = r.json().version as number;
    for (const to of ['in-progress', 'resolved'] as const) {
      const t = await act(
        'agent.rsce',
        ref,
        'transitions',
        { to, ...(to === 'resolved' ? { reason: 'Billet émis.' } : {}) },
        version,
      );
      expect(t.statusCode, t.body).toBe(200);
      version = t.json().version;
    }
    const resolved = (await mails()).find((m) => m.subject.startsWith(`[${ref}] réglée`));
    expect(resolved).toEqual({
      to_address: 'requester.minusca@meridian.test',
      subject: `[${ref}] réglée : Mission à Bangui`,
      body: `Votre demande ${ref} a été réglée. Billet émis. Répondez dans les 10 jours pour la rouvrir.`,
    });
    // an English profile keeps the English receipt with the routing reason
    const en = await create('requester.rco-cl', payroll('English receipt'));
    const enMail = await sql<{ body: string }>`select body from outbox where case_id = ${en.json().id}::bigint`.execute(h.db);
    expect(enMail.rows[0]?.body).toBe(`Your request ${en.json().reference} was received. ${en.json().routingReason}.`);
  });

  it('sends a request with no assignment to the DOS coordination queue with the reason', async () => {
    const r = await create('requester.rco-cl', { service: 'FAC-CONFERENCE', title: 'Room for a retreat' });
    expect(r.statusCode).toBe(201);
    expect(r.json().provider).toBeNull();
    expect(r.json().routingReason).toMatch(/DOS coordination queue/);
    const routed = (await view('coordinator', r.json().reference)).json().timeline[1];
    expect(routed.details.routing).toEqual({ rule: 'unassigned', entity: 'RCO-CL', service: 'FAC-CONFERENCE' });
    const queue = (await app.inject({ url: '/api/cases?provider=none', headers: as.coordinator })).json();
    expect(queue.items.map((c: { reference: string }) => c.reference)).toContain(r.json().reference);
    // The coordinator routes it by hand to a provider.
    const t = await act(
      'coordinator',
      r.json().reference,
      'transfer',
      { provider: 'ECLAC', reason: 'ECLAC hosts conferences in Santiago' },
      1,
    );
    expect(t.statusCode).toBe(200);
    expect(t.json().provider.code).toBe('ECLAC');
  });

  it("checks text fields against the service's own limit (not a lower one of the API) and refuses blank required text", async () => {
    const proc = (requirement: string) =>
      create('requester.rco-cl', { service: 'PROC-PROCUREMENT', title: 'Laptops', fields: { estimatedValue: 5, requirement } });
    // the catalogue allows 4,000 characters for a procurement requirement
    const long = await proc('R'.repeat(2500));
    expect(long.statusCode).toBe(201);
    const tooLong = await proc('R'.repeat(4001));
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json()).toMatchObject({ code: 'CASE_INVALID_FIELDS', errors: [{ field: 'fields.requirement' }] });
    const blank = await proc('   ');
    expect(blank.statusCode).toBe(400);
    expect(blank.json()).toMatchObject({
      code: 'CASE_INVALID_FIELDS',
      errors: [{ field: 'fields.requirement', message: 'is required' }],
    });
  });

  it('refuses a negative estimated value and a return date before the departure, as the catalogue bounds them', async () => {
    const before = await count('cases');
    const negative = await create('requester.rco-cl', {
      service: 'PROC-PROCUREMENT',
      title: 'Laptops',
      fields: { estimatedValue: -1, requirement: 'Ten laptops' },
    });
    expect(negative.statusCode).toBe(400);
    expect(negative.json()).toMatchObject({
      code: 'CASE_INVALID_FIELDS',
      errors: [{ field: 'fields.estimatedValue', message: 'must be at least 0' }],
    });
    const trip = (returnDate: string) =>
      create('requester.rco-cl', {
        service: 'TRV-TRAVEL',
        title: 'Mission to Nairobi',
        fields: { destination: 'Nairobi', departureDate: '2026-12-10', returnDate },
      });
    const early = await trip('2026-12-01');
    expect(early.statusCode).toBe(400);
    expect(early.json()).toMatchObject({
      code: 'CASE_INVALID_FIELDS',
      errors: [{ field: 'fields.returnDate', message: 'must not be before fields.departureDate' }],
    });
    expect(await count('cases')).toBe(before);
    expect((await trip('2026-12-14')).statusCode).toBe(201);
  });

  it('refuses bad input with the field named, and writes nothing', async () => {
    const before = [await count('cases'), await count('case_events')];
    const unknown = await create('requester.rco-cl', { ...payroll(), service: 'NOPE' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().errors[0].field).toBe('service');
    const tooLong = await create('requester.rco-cl', {
      ...payroll(),
      fields: { indexNumber: '1'.repeat(40), payPeriod: '2026-10', issue: 'other', extra: 'x' },
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().code).toBe('CASE_INVALID_FIELDS');
    expect(
      tooLong
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['fields.extra', 'fields.indexNumber']);
    const missing = await create('requester.rco-cl', { service: 'PAY-PAYROLL', title: 'x' });
    expect(missing.statusCode).toBe(400);
    const otherEntity = await create('requester.rco-cl', { ...payroll(), entity: 'MINUSCA' });
    expect(otherEntity.statusCode).toBe(403);
    // a misspelt field is refused by name, not dropped (the urgency would silently take its default)
    const misspelt = await create('requester.rco-cl', { ...payroll(), urgncy: 1 });
    expect(misspelt.statusCode).toBe(400);
    expect(misspelt.json().code).toBe('VALIDATION_FAILED');
    expect(misspelt.json().detail).toContain('urgncy');
    expect([await count('cases'), await count('case_events')]).toEqual(before);
  });

  it('creates one case for 20 concurrent retries with the same Idempotency-Key', async () => {
    const before = await count('cases');
    const key = 'retry-4f1c2a9e-0001';
    const rs = await Promise.all(
      Array.from({ length: 20 }, () => create('requester.rco-cl', payroll('Retried request'), { 'idempotency-key': key })),
    );
    expect(rs.every((r) => r.statusCode === 200 || r.statusCode === 201)).toBe(true);
    expect(rs.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(new Set(rs.map((r) => r.json().reference)).size).toBe(1);
    expect(await count('cases')).toBe(before + 1);
    const reused = await create('requester.rco-cl', payroll('Something else'), { 'idempotency-key': key });
    expect(reused.statusCode).toBe(422);
  });
});

describe('lifecycle', () => {
  it('walks every transition, refuses invalid ones with 409, and stale versions with 412', async () => {
    const c = (await create('requester.rco-cl', payroll('Lifecycle'))).json();
    const ref = c.reference;
    expect((await act('agent.unon', ref, 'transitions', { to: 'in-progress' })).statusCode).toBe(428);
    let r = await act('agent.unon', ref, 'transitions', { to: 'in-progress' }, 1);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ state: 'in-progress', version: 2 });
    const stale = await act('agent.unon', ref, 'transitions', { to: 'resolved' }, 1);
    expect(stale.statusCode).toBe(412);
    expect(stale.json().code).toBe('CASE_VERSION_CONFLICT');
    r = await act('agent.unon', ref, 'transitions', { to: 'awaiting-client', reason: 'Need your bank letter' }, 2);
    expect(r.json().state).toBe('awaiting-client');
    // The client's reply moves it back to in progress.
    expect((await act('requester.rco-cl', ref, 'messages', { body: 'Letter attached.' })).statusCode).toBe(201);
    const after = (await view('agent.unon', ref)).json();
    expect(after.case.state).toBe('in-progress');
    r = await act('agent.unon', ref, 'transitions', { to: 'resolved' }, after.case.version);
    expect(r.json().state).toBe('resolved');
    expect(r.json().resolvedAt).toBeTruthy();
    const refused = await act('agent.unon', ref, 'transitions', { to: 'awaiting-client' }, r.json().version);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('CASE_TRANSITION_REFUSED');
    r = await act('requester.rco-cl', ref, 'transitions', { to: 'reopen', reason: 'Still not paid' }, r.json().version);
    expect(r.json()).toMatchObject({ state: 'in-progress', resolvedAt: null });
    r = await act('agent.unon', ref, 'transitions', { to: 'resolved' }, r.json().version);
    r = await act('requester.rco-cl', ref, 'transitions', { to: 'closed' }, r.json().version);
    expect(r.json().state).toBe('closed');
    const clientCannot = await act('requester.rco-cl', ref, 'transitions', { to: 'in-progress' }, r.json().version);
    expect(clientCannot.statusCode).toBe(403);
    const types = (await view('requester.rco-cl', ref)).json().timeline.map((e: { type: string }) => e.type);
    expect(types).toEqual([
      'created',
      'routed',
      'state-changed',
      'state-changed',
      'reply-added',
      'state-changed',
      'state-changed',
      'reopened',
      'state-changed',
      'state-changed',
    ]);
  });

  it('reopens only within the window after resolution', async () => {
    const c = (await create('requester.rco-cl', payroll('Window'))).json();
    const agent = await findUserForSignIn(h.db, 'agent.unon@meridian.test');
    const requester = await findUserForSignIn(h.db, 'requester.rco-cl@meridian.test');
    const t0 = new Date('2026-01-05T10:00:00Z');
    const s = await transitionCase(h.db, agent!, c.reference, 1, 'resolved', undefined, { now: t0 });
    await expect(
      transitionCase(h.db, requester!, c.reference, s.version, 'reopen', undefined, {
        now: new Date('2026-01-16T10:00:00Z'),
        reopenWindowDays: 10,
      }),
    ).rejects.toMatchObject({ code: 'CASE_REOPEN_WINDOW_PASSED' });
    const ok = await transitionCase(h.db, requester!, c.reference, s.version, 'reopen', undefined, {
      now: new Date('2026-01-15T09:00:00Z'),
      reopenWindowDays: 10,
    });
    expect(ok.state).toBe('in-progress');
  });

  it('refuses a weak If-Match, an unknown team, and closing a parent with open child tasks', async () => {
    const c = (await create('requester.rco-cl', payroll('Parent with child'))).json();
    const weak = await app.inject({
      method: 'POST',
      url: `/api/cases/${c.reference}/transitions`,
      payload: { to: 'in-progress' },
      headers: { ...as['agent.unon'], 'if-match': 'W/"1"' },
    });
    expect(weak.statusCode).toBe(412);
    const team = await act('agent.unon', c.reference, 'assign', { assignee: null, team: 999 }, 1);
    expect(team.statusCode).toBe(400);
    expect(team.json().errors[0].field).toBe('team');
    const child = (
      await act('agent.unon', c.reference, 'children', { provider: 'RSCE', title: 'HR data first', reason: 'needed' })
    ).json();
    const v = (await view('agent.unon', c.reference)).json().case.version;
    const refused = await act('agent.unon', c.reference, 'transitions', { to: 'resolved' }, v);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'CASE_HAS_OPEN_CHILDREN', children: [child.reference] });
    expect((await act('requester.rco-cl', c.reference, 'transitions', { to: 'cancelled' }, v)).statusCode).toBe(409);
    expect((await act('agent.rsce', child.reference, 'transitions', { to: 'resolved' }, child.version)).statusCode).toBe(200);
    expect((await act('agent.unon', c.reference, 'transitions', { to: 'resolved' }, v)).statusCode).toBe(200);
  });

  it('keeps case events immutable in the database', async () => {
    await expect(sql`update case_events set type = 'forged'`.execute(h.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from case_events`.execute(h.db)).rejects.toThrow(/append-only/);
  });
});

describe('handoffs', () => {
  it('transfers to another provider with segments, and opens a child task at a third', async () => {
    const c = (await create('requester.rco-cl', payroll('Handoff'))).json();
    const ref = c.reference;
    const t = await act(
      'agent.unon',
      ref,
      'transfer',
      { provider: 'KJSO', reason: 'Payroll for this staff member is run by KJSO' },
      1,
    );
    expect(t.statusCode).toBe(200);
    expect(t.json()).toMatchObject({ provider: { code: 'KJSO' }, reference: ref });
    expect((await view('agent.unon', ref)).statusCode).toBe(404);
    expect((await view('agent.kjso', ref)).statusCode).toBe(200);
    const child = await act('agent.kjso', ref, 'children', {
      provider: 'RSCE',
      service: 'HR-ADMIN',
      title: 'Update contract data',
      reason: 'HR action needed before payroll',
    });
    expect(child.statusCode).toBe(201);
    expect(child.json()).toMatchObject({ parentReference: ref, provider: { code: 'RSCE' } });
    const rsceQueue = (await app.inject({ url: '/api/cases?state=open', headers: as['agent.rsce'] })).json();
    expect(rsceQueue.items.map((x: { reference: string }) => x.reference)).toContain(child.json().reference);
    const v = (await view('requester.rco-cl', ref)).json();
    expect(v.children.map((x: { reference: string }) => x.reference)).toEqual([child.json().reference]);
    expect(
      v.segments.map((s: { caseReference: string; provider: string; endReason: string | null }) => [
        s.caseReference,
        s.provider,
        s.endReason,
      ]),
    ).toEqual([
      [ref, 'UNON', 'transferred'],
      [ref, 'KJSO', null],
      [child.json().reference, 'RSCE', null],
    ]);
    expect(v.timeline.map((e: { type: string }) => e.type)).toEqual([
      'created',
      'routed',
      'transferred',
      'created',
      'child-task-opened',
    ]);
  });

  it("moves a parent up 'recently updated' when a child task opens or changes, without changing its version", async () => {
    const parent = (await create('requester.rco-cl', payroll('Parent of a busy child'))).json();
    const unon = await findUserForSignIn(h.db, 'agent.unon@meridian.test');
    const rsce = await findUserForSignIn(h.db, 'agent.rsce@meridian.test');
    if (!unon || !rsce) throw new Error('demo agents missing');
    const opened = new Date(Date.now() + 60_000);
    const child = await openChildTask(
      h.db,
      unon,
      parent.reference,
      { provider: 'RSCE', service: 'HR-ADMIN', title: 'HR data first', reason: 'needed before payroll' },
      { now: opened },
    );
    const parentNow = async () => (await view('agent.unon', parent.reference)).json().case;
    expect(await parentNow()).toMatchObject({ updatedAt: opened.toISOString(), version: parent.version });
    const recent = (
      await app.inject({ url: '/api/cases?sort=updatedAt&order=desc&pageSize=1', headers: as['agent.unon'] })
    ).json();
    expect(recent.items.map((c: { reference: string }) => c.reference)).toEqual([parent.reference]);
    // the child's state change shows in the parent's timeline: the parent moves again, its version still the same
    const started = new Date(opened.getTime() + 60_000);
    await transitionCase(h.db, rsce, child.reference, child.version, 'in-progress', undefined, { now: started });
    const after = await parentNow();
    expect(after).toMatchObject({ updatedAt: started.toISOString(), version: parent.version });
    expect((await view('agent.unon', parent.reference)).json().timeline.at(-1)).toMatchObject({
      type: 'state-changed',
      caseReference: child.reference,
    });
    // an agent who read the parent before can still change it: no spurious 412
    expect((await act('agent.unon', parent.reference, 'transitions', { to: 'in-progress' }, parent.version)).statusCode).toBe(
      200,
    );
  });

  it("moves a case up 'recently updated' on a reply or an internal note, without changing its version", async () => {
    const c = (await create('requester.rco-cl', payroll('Quiet until a reply'))).json();
    const requester = await findUserForSignIn(h.db, 'requester.rco-cl@meridian.test');
    const unon = await findUserForSignIn(h.db, 'agent.unon@meridian.test');
    const rsce = await findUserForSignIn(h.db, 'agent.rsce@meridian.test');
    if (!requester || !unon || !rsce) throw new Error('demo users missing');
    const caseNow = async (ref: string) => (await view('agent.unon', ref)).json().case;
    const replied = new Date(Date.now() + 10 * 60_000);
    await addMessage(h.db, requester, c.reference, { body: 'Any news?', visibility: 'public' }, { now: replied });
    expect(await caseNow(c.reference)).toMatchObject({ updatedAt: replied.toISOString(), version: c.version });
    const mine = (
      await app.inject({ url: '/api/cases?parent=none&sort=updatedAt&order=desc&pageSize=1', headers: as['requester.rco-cl'] })
    ).json();
    expect(mine.items.map((x: { reference: string }) => x.reference)).toEqual([c.reference]);
    const noted = new Date(replied.getTime() + 60_000);
    await addMessage(h.db, unon, c.reference, { body: 'Checking with payroll', visibility: 'internal' }, { now: noted });
    expect(await caseNow(c.reference)).toMatchObject({ updatedAt: noted.toISOString(), version: c.version });
    // a message dated before the last change never moves updatedAt back
    await addMessage(h.db, unon, c.reference, { body: 'Late note', visibility: 'internal' }, { now: replied });
    expect((await caseNow(c.reference)).updatedAt).toBe(noted.toISOString());
    // the agent who read the case before the messages can still change it: no spurious 412
    expect((await act('agent.unon', c.reference, 'transitions', { to: 'in-progress' }, c.version)).statusCode).toBe(200);

    // a note on a child task moves the child and its parent (it shows in the parent's timeline)
    const parent = await caseNow(c.reference);
    const child = await openChildTask(
      h.db,
      unon,
      c.reference,
      {
        provider: 'RSCE',
        service: 'HR-ADMIN',
        title: 'HR data first',
        reason: 'needed before payroll',
      },
      { now: new Date(noted.getTime() + 60_000) },
    );
    const childNoted = new Date(noted.getTime() + 120_000);
    await addMessage(h.db, rsce, child.reference, { body: 'On it', visibility: 'internal' }, { now: childNoted });
    expect(await caseNow(c.reference)).toMatchObject({ updatedAt: childNoted.toISOString(), version: parent.version });
    expect((await view('agent.rsce', child.reference)).json().case).toMatchObject({
      updatedAt: childNoted.toISOString(),
      version: child.version,
    });
  });

  it('moves the primary up when a reply to a merged duplicate lands on it', async () => {
    const requester = await findUserForSignIn(h.db, 'requester.rco-cl@meridian.test');
    const unon = await findUserForSignIn(h.db, 'agent.unon@meridian.test');
    if (!requester || !unon) throw new Error('demo users missing');
    const primary = (await create('requester.rco-cl', payroll('Primary, updated by a reply'))).json();
    const dup = (await create('requester.rco-cl', payroll('Duplicate, replied to'))).json();
    const merged = new Date(Date.now() + 20 * 60_000);
    await mergeCase(h.db, unon, dup.reference, dup.version, primary.reference, { now: merged });
    const before = (await view('agent.unon', primary.reference)).json().case;
    const replied = new Date(merged.getTime() + 60_000);
    const r = await addMessage(h.db, requester, dup.reference, { body: 'Still waiting', visibility: 'public' }, { now: replied });
    expect(r.reference).toBe(primary.reference);
    expect((await view('agent.unon', primary.reference)).json().case).toMatchObject({
      updatedAt: replied.toISOString(),
      version: before.version,
    });
    // the duplicate itself stays as merged
    expect((await view('agent.unon', dup.reference)).json().case.updatedAt).toBe(merged.toISOString());
  });

  it("lets the parent's provider withdraw an open child task at another provider, with a reason, seen on both sides", async () => {
    const parent = (await create('requester.rco-cl', payroll('Parent withdrawing its child'))).json();
    const opened = await act('agent.unon', parent.reference, 'children', {
      provider: 'RSCE',
      service: 'HR-ADMIN',
      title: 'Contract data check',
      reason: 'HR action needed before payroll',
    });
    expect(opened.statusCode).toBe(201);
    const child = opened.json();
    const rsce = await findUserForSignIn(h.db, 'agent.rsce@meridian.test');
    if (!rsce) throw new Error('demo agent missing');
    // RSCE takes it: its agent is told when it is withdrawn
    const taken = await act('agent.rsce', child.reference, 'assign', { assignee: rsce.id }, child.version);
    expect(taken.statusCode).toBe(200);
    const parentBefore = (await view('agent.unon', parent.reference)).json();
    const listed = parentBefore.children.find((c: { reference: string }) => c.reference === child.reference);
    expect(listed).toMatchObject({ state: 'new', version: taken.json().version });
    const withdraw = (who: string, version?: number, reason = 'The staff member resigned; no HR action needed') =>
      act(who, `${parent.reference}/children/${child.reference}`, 'withdraw', { reason }, version);

    // refused: a requester (403), the child's own provider and a third one, who cannot see the parent (404),
    // a missing If-Match (428), a stale version (412), a short reason (400)
    expect((await withdraw('requester.rco-cl', listed.version)).statusCode).toBe(403);
    expect((await withdraw('viewer', listed.version)).statusCode).toBe(403);
    expect((await withdraw('agent.rsce', listed.version)).json()).toMatchObject({ code: 'CASE_NOT_FOUND' });
    expect((await withdraw('agent.rsce', listed.version)).statusCode).toBe(404);
    expect((await withdraw('agent.kjso', listed.version)).statusCode).toBe(404);
    expect((await withdraw('agent.unon')).statusCode).toBe(428);
    expect((await withdraw('agent.unon', child.version)).statusCode).toBe(412);
    const short = await withdraw('agent.unon', listed.version, 'no');
    expect(short.statusCode).toBe(400);
    expect(short.json().errors[0].field).toBe('body.reason');
    // a case that is not a child of this parent
    const other = (await create('requester.rco-cl', payroll('Not a child'))).json();
    const notChild = await act(
      'agent.unon',
      `${parent.reference}/children/${other.reference}`,
      'withdraw',
      { reason: 'wrong one' },
      1,
    );
    expect(notChild.statusCode).toBe(404);
    expect((await view('agent.rsce', child.reference)).json().case.state).toBe('new'); // nothing changed

    await h.db.deleteFrom('outbox').execute();
    const ok = await withdraw('agent.unon', listed.version);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ reference: child.reference, state: 'cancelled', provider: { code: 'RSCE' } });
    expect(ok.headers.etag).toBe(`"${ok.json().version}"`);

    // the child's provider sees who withdrew it, from which parent, and why; its segment ended
    const cv = (await view('agent.rsce', child.reference)).json();
    expect(cv.case.state).toBe('cancelled');
    expect(cv.case.closedAt).not.toBeNull();
    expect(cv.timeline.at(-1)).toMatchObject({
      type: 'state-changed',
      actor: { name: parentBefore.timeline.find((e: { type: string }) => e.type === 'child-task-opened').actor.name },
      before: { state: 'new' },
      after: { state: 'cancelled' },
      details: {
        reason: 'The staff member resigned; no HR action needed',
        withdrawnBy: { parent: parent.reference, provider: 'UNON' },
      },
    });
    expect(cv.segments.at(-1)).toMatchObject({ provider: 'RSCE', endReason: 'cancelled' });
    expect(await h.db.selectFrom('outbox').select(['to_address', 'subject']).execute()).toEqual([
      { to_address: 'agent.rsce@meridian.test', subject: `[${child.reference}] withdrawn: Contract data check` },
    ]);
    // the parent's timeline says so too; the parent moved up without a new version
    const pv = (await view('agent.unon', parent.reference)).json();
    expect(pv.timeline.at(-1)).toMatchObject({
      type: 'child-task-withdrawn',
      caseReference: parent.reference,
      after: { child: child.reference, provider: 'RSCE' },
      details: { reason: 'The staff member resigned; no HR action needed' },
    });
    expect(pv.case.version).toBe(parentBefore.case.version);
    expect(Date.parse(pv.case.updatedAt)).toBeGreaterThanOrEqual(Date.parse(parentBefore.case.updatedAt));
    expect(pv.children.find((c: { reference: string }) => c.reference === child.reference).state).toBe('cancelled');

    // visibility unchanged: UNON still cannot open the child, nor KJSO either case; RSCE keeps it in its queue
    expect((await view('agent.unon', child.reference)).statusCode).toBe(404);
    expect((await view('agent.kjso', child.reference)).statusCode).toBe(404);
    expect((await view('agent.kjso', parent.reference)).statusCode).toBe(404);
    expect((await view('agent.rsce', parent.reference)).statusCode).toBe(404);
    const rsceCancelled = (
      await app.inject({ url: '/api/cases?state=cancelled&pageSize=100', headers: as['agent.rsce'] })
    ).json();
    expect(rsceCancelled.items.map((x: { reference: string }) => x.reference)).toContain(child.reference);
    const unonCancelled = (
      await app.inject({ url: '/api/cases?state=cancelled&pageSize=100', headers: as['agent.unon'] })
    ).json();
    expect(unonCancelled.items.map((x: { reference: string }) => x.reference)).not.toContain(child.reference);
    expect((await view('requester.rco-cl', parent.reference)).json().children[0]).toMatchObject({ state: 'cancelled' });

    // refused once it is no longer open (409, with the state), and the parent can now be resolved
    const again = await withdraw('agent.unon', ok.json().version);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'CASE_NOT_OPEN' });
    expect((await act('agent.unon', parent.reference, 'transitions', { to: 'resolved' }, pv.case.version)).statusCode).toBe(200);
  });

  it('refuses to withdraw a child task its provider resolved, and one with open child tasks of its own', async () => {
    const parent = (await create('requester.rco-cl', payroll('Parent of a finished child'))).json();
    const done = (
      await act('agent.unon', parent.reference, 'children', {
        provider: 'RSCE',
        service: 'HR-ADMIN',
        title: 'Done already',
        reason: 'HR step',
      })
    ).json();
    const resolved = await act('agent.rsce', done.reference, 'transitions', { to: 'resolved' }, done.version);
    expect(resolved.statusCode).toBe(200);
    const r = await act(
      'agent.unon',
      `${parent.reference}/children/${done.reference}`,
      'withdraw',
      { reason: 'Not needed' },
      resolved.json().version,
    );
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ code: 'CASE_NOT_OPEN' });
    expect((await view('agent.rsce', done.reference)).json().case.state).toBe('resolved');

    const busy = (
      await act('agent.unon', parent.reference, 'children', {
        provider: 'RSCE',
        service: 'HR-ADMIN',
        title: 'Needs KJSO',
        reason: 'HR step',
      })
    ).json();
    const grandchild = await act('agent.rsce', busy.reference, 'children', {
      provider: 'KJSO',
      title: 'Payroll input',
      reason: 'KJSO step',
    });
    expect(grandchild.statusCode).toBe(201);
    const pv = (await view('agent.unon', parent.reference)).json();
    const listed = pv.children.find((c: { reference: string }) => c.reference === busy.reference);
    const b = await act(
      'agent.unon',
      `${parent.reference}/children/${busy.reference}`,
      'withdraw',
      { reason: 'Not needed' },
      listed.version,
    );
    expect(b.statusCode).toBe(409);
    expect(b.json()).toMatchObject({ code: 'CASE_HAS_OPEN_CHILDREN' });
  });

  it("refuses to merge two people's cases (each would lose sight of the other)", async () => {
    const mine = (await create('requester.minusca', { service: 'HR-ADMIN', title: 'Contract A' })).json();
    const focal = (await create('focal.minusca', { service: 'HR-ADMIN', title: 'Contract B' })).json();
    const r = await act('agent.rsce', mine.reference, 'merge', { into: focal.reference }, 1);
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0].field).toBe('into');
  });

  it('merges a duplicate; a later reply on it goes to the primary', async () => {
    const primary = (await create('requester.rco-cl', payroll('Primary'))).json();
    const dup = (await create('requester.rco-cl', payroll('Duplicate'))).json();
    const m = await act('agent.unon', dup.reference, 'merge', { into: primary.reference }, 1);
    expect(m.statusCode).toBe(200);
    expect(m.json()).toMatchObject({ state: 'merged', mergedInto: primary.reference });
    const reply = await act('requester.rco-cl', dup.reference, 'messages', { body: 'Any news?' });
    expect(reply.json().reference).toBe(primary.reference);
    const pv = (await view('requester.rco-cl', primary.reference)).json();
    expect(pv.messages.map((x: { body: string }) => x.body)).toContain('Any news?');
    expect((await act('agent.unon', dup.reference, 'transitions', { to: 'in-progress' }, m.json().version)).statusCode).toBe(409);
  });
});

describe('visibility', () => {
  it('keeps each entity and provider to its own cases, in lists, counts and search', async () => {
    const mine = (await create('requester.minusca', { service: 'HR-ADMIN', title: 'Contract extension MINUSCA' })).json();
    expect(mine.provider.code).toBe('RSCE');
    const cl = (await app.inject({ url: '/api/cases?pageSize=200', headers: as['requester.rco-cl'] })).json();
    expect(cl.items.every((c: { entity: { code: string } }) => c.entity.code === 'RCO-CL')).toBe(true);
    expect((await view('requester.rco-cl', mine.reference)).statusCode).toBe(404);
    const search = (await app.inject({ url: '/api/cases?q=MINUSCA', headers: as['requester.rco-cl'] })).json();
    expect(search.total).toBe(0);
    const counts = (await app.inject({ url: '/api/cases/counts', headers: as['requester.minusca'] })).json();
    const own = (await app.inject({ url: '/api/cases?pageSize=200', headers: as['requester.minusca'] })).json();
    expect(own.items.every((c: { requester: { name: string } }) => c.requester.name === 'Jean Mbaye')).toBe(true);
    expect(counts.total).toBe(own.total);
    const focal = (await app.inject({ url: '/api/cases', headers: as['focal.minusca'] })).json();
    expect(focal.items.map((c: { reference: string }) => c.reference)).toContain(mine.reference);
    const unon = (await app.inject({ url: '/api/cases?pageSize=200', headers: as['agent.unon'] })).json();
    expect(unon.items.every((c: { provider: { code: string } }) => c.provider.code === 'UNON')).toBe(true);
    const unonCounts = (await app.inject({ url: '/api/cases/counts', headers: as['agent.unon'] })).json();
    expect(unonCounts.total).toBe(unon.total);
    expect((await app.inject({ url: `/api/cases?q=${mine.reference}`, headers: as['agent.unon'] })).json().total).toBe(0);
    const all = (await app.inject({ url: '/api/cases/counts', headers: as.coordinator })).json();
    expect(all.total).toBeGreaterThan(unonCounts.total);
    expect((await act('viewer', mine.reference, 'messages', { body: 'hi' })).statusCode).toBe(403);
    // An internal note is invisible to the client, even as a timeline event.
    expect(
      (await act('agent.rsce', mine.reference, 'messages', { body: 'Check the contract first', visibility: 'internal' }))
        .statusCode,
    ).toBe(201);
    const clientView = (await view('requester.minusca', mine.reference)).json();
    expect(clientView.messages.map((x: { body: string }) => x.body)).not.toContain('Check the contract first');
    expect(clientView.timeline.map((e: { type: string }) => e.type)).not.toContain('note-added');
    const agentView = (await view('agent.rsce', mine.reference)).json();
    expect(agentView.timeline.map((e: { type: string }) => e.type)).toContain('note-added');
    // A misspelt visibility is refused by name: dropped, it would have published the note to the client.
    const misspelt = await act('agent.rsce', mine.reference, 'messages', {
      body: 'Bank details look wrong',
      visiblity: 'internal',
    });
    expect(misspelt.statusCode).toBe(400);
    expect(misspelt.json().detail).toContain('visiblity');
    expect((await view('requester.minusca', mine.reference)).json().messages.map((x: { body: string }) => x.body)).not.toContain(
      'Bank details look wrong',
    );
    const unknownReason = await act('agent.rsce', mine.reference, 'transitions', { to: 'in-progress', reson: 'typo' });
    expect(unknownReason.statusCode).toBe(400);
    expect(
      (await act('requester.minusca', mine.reference, 'messages', { body: 'secret', visibility: 'internal' })).statusCode,
    ).toBe(403);
  });

  it("gives a focal point's My requests who asked each of the entity's requests", async () => {
    const asked = (await create('requester.minusca', { service: 'HR-ADMIN', title: 'Contract extension, asked by Jean' })).json();
    const own = (await create('focal.minusca', { service: 'HR-ADMIN', title: 'Contract extension, asked by Aline' })).json();
    const list = (await app.inject({ url: '/api/cases?parent=none&pageSize=100', headers: as['focal.minusca'] })).json();
    const byRef = new Map(list.items.map((c: { reference: string; requester: unknown }) => [c.reference, c.requester]));
    expect(byRef.get(asked.reference)).toMatchObject({ name: 'Jean Mbaye' });
    expect(byRef.get(own.reference)).toMatchObject({ name: 'Aline Ngaba' });
  });

  it('lets a provider manager make teams, place agents, and filter the queue by team', async () => {
    const manager = await signInAs(app, 'manager.rsce@meridian.test');
    const t = await app.inject({
      method: 'POST',
      url: '/api/teams',
      headers: manager,
      payload: { code: 'HR', name: 'Human resources' },
    });
    expect(t.statusCode).toBe(201);
    expect(t.json()).toMatchObject({ provider: 'RSCE', code: 'HR', members: 0 });
    expect(
      (await app.inject({ method: 'POST', url: '/api/teams', headers: manager, payload: { code: 'HR', name: 'Again' } }))
        .statusCode,
    ).toBe(400);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/teams',
          headers: manager,
          payload: { provider: 'UNON', code: 'X', name: 'Not mine' },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/teams',
          headers: as['agent.rsce'],
          payload: { code: 'Y', name: 'Agents cannot' },
        })
      ).statusCode,
    ).toBe(403);
    const agent = await findUserForSignIn(h.db, 'agent.rsce@meridian.test');
    expect(
      (await app.inject({ method: 'PUT', url: `/api/users/${agent?.id}/team`, headers: manager, payload: { team: t.json().id } }))
        .statusCode,
    ).toBe(204);
    const teams = (await app.inject({ url: '/api/teams', headers: as['agent.rsce'] })).json();
    expect(teams.items).toEqual([expect.objectContaining({ code: 'HR', members: 1 })]);
    expect((await app.inject({ url: '/api/teams?provider=RSCE', headers: as['agent.kjso'] })).statusCode).toBe(403);
    const c = (
      await create('requester.minusca', {
        service: 'HR-ONBOARD',
        title: 'New staff member',
        fields: { candidateName: 'A. Doe', startDate: '2027-01-04', contractType: 'fixed-term' },
      })
    ).json();
    expect(c.provider.code).toBe('RSCE');
    expect(
      (await act('agent.rsce', c.reference, 'assign', { assignee: agent?.id ?? null, team: t.json().id }, 1)).statusCode,
    ).toBe(200);
    const queue = (await app.inject({ url: `/api/cases?team=${t.json().id}`, headers: as['agent.rsce'] })).json();
    expect(queue.items.map((x: { reference: string }) => x.reference)).toEqual([c.reference]);
    expect(queue.items[0].team).toMatchObject({ code: 'HR' });
  });

  it('assigns to an agent of the provider only, in bulk too, and lists "my cases"', async () => {
    const c = (await create('requester.rco-cl', payroll('Assign me'))).json();
    const agent = await findUserForSignIn(h.db, 'agent.unon@meridian.test');
    const kjso = await findUserForSignIn(h.db, 'agent.kjso@meridian.test');
    expect((await act('agent.unon', c.reference, 'assign', { assignee: kjso?.id }, 1)).statusCode).toBe(400);
    const bulk = await app.inject({
      method: 'POST',
      url: '/api/cases/bulk',
      headers: as['agent.unon'],
      payload: { references: [c.reference, 'MER-999999'], action: { type: 'assign', assignee: agent?.id } },
    });
    expect(bulk.json().results).toEqual([
      { reference: c.reference, ok: true },
      expect.objectContaining({ reference: 'MER-999999', ok: false, code: 'CASE_NOT_FOUND' }),
    ]);
    const my = (await app.inject({ url: '/api/cases?assignee=me', headers: as['agent.unon'] })).json();
    expect(my.items.map((x: { reference: string }) => x.reference)).toEqual([c.reference]);
  });
});
