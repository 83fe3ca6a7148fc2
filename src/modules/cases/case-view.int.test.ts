/**
 * The case view in one statement (`findCaseView`): the same answer the separate reads gave (timeline and
 * segments of the case and its child tasks, in order; timestamps as ISO 8601 UTC), and the visibility rules
 * applied in SQL (client roles never see internal notes nor that they exist; another scope: CASE_NOT_FOUND).
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAs } from '../../../tests/helpers/http.ts';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { buildApp } from '../../server/app.ts';
import { findEvents, findSegments } from './cases.repository.ts';

let h: DatabaseHandle;
let app: FastifyInstance;
const as: Record<string, { cookie: string }> = {};
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

beforeAll(async () => {
  h = await createTestDatabase();
  app = await buildApp({ db: h.db, databaseKind: h.kind, logLevel: 'silent', signInRateLimit: 10_000, webDir: '/nonexistent' });
  await app.ready();
  for (const who of ['requester.rco-cl', 'requester.minusca', 'agent.unon', 'agent.rsce', 'agent.kjso', 'viewer']) {
    as[who] = await signInAs(app, `${who}@meridian.test`);
  }
});
afterAll(async () => {
  await app.close();
  await h.close();
});

async function post(who: string, url: string, payload: object, version?: number) {
  const r = await app.inject({
    method: 'POST',
    url,
    payload,
    headers: { ...as[who], ...(version !== undefined ? { 'if-match': `"${version}"` } : {}) },
  });
  expect(r.statusCode, r.body).toBeLessThan(300);
  return r.json();
}
async function view(who: string, ref: string) {
  return app.inject({ url: `/api/cases/${ref}`, headers: as[who] });
}

// biome-ignore lint/suspicious/noExplicitAny: JSON of the API
type Json = any;

describe('case view (one statement)', () => {
  let parent: Json;
  let child: Json;

  beforeAll(async () => {
    parent = await post('requester.rco-cl', '/api/cases', {
      service: 'PAY-PAYROLL',
      title: 'Salary for October not received',
      description: 'My October salary has not arrived.',
      fields: { indexNumber: '123456', payPeriod: '2026-10', issue: 'missing-payment' },
      impact: 2,
      urgency: 1,
    });
    const ref = parent.reference;
    await post('agent.unon', `/api/cases/${ref}/messages`, { body: 'Checked with treasury; wait', visibility: 'internal' });
    await post('agent.unon', `/api/cases/${ref}/messages`, { body: 'We are looking into it', visibility: 'public' });
    child = await post('agent.unon', `/api/cases/${ref}/children`, {
      provider: 'RSCE',
      service: 'HR-ADMIN',
      title: 'Update contract data',
      reason: 'HR action needed before payroll',
    });
    await post('agent.rsce', `/api/cases/${child.reference}/messages`, { body: 'Contract updated', visibility: 'public' });
    await post('agent.rsce', `/api/cases/${child.reference}/messages`, { body: 'RSCE-only remark', visibility: 'internal' });
    await post('requester.rco-cl', `/api/cases/${ref}/messages`, { body: 'Thank you', visibility: 'public' });
    // Two events of the parent at the same instant: the timeline orders them by id.
    const row = await h.db.selectFrom('cases').select('id').where('reference', '=', ref).executeTakeFirstOrThrow();
    const at = new Date('2030-01-01T00:00:00.123456Z');
    await sql`insert into case_events (case_id, at, actor_user_id, type, details)
      values (${row.id}, ${at}, null, 'comment-b', '{"n": 1}'), (${row.id}, ${at}, null, 'comment-a', '{"s": "text"}')`.execute(
      h.db,
    );
  });

  it('gives a work role the timeline and segments of the case and its child tasks, as the separate reads did', async () => {
    const r = await view('agent.unon', parent.reference);
    expect(r.statusCode).toBe(200);
    expect(r.headers.etag).toBe(`"${parent.version}"`);
    const v = r.json();
    const treeOf = { treeOf: v.case.id };
    expect(v.timeline).toEqual(await findEvents(h.db, treeOf));
    expect(v.segments).toEqual(await findSegments(h.db, treeOf));
    expect(v.timeline.map((e: Json) => e.caseReference)).toContain(child.reference);
    expect(v.timeline.slice(-2).map((e: Json) => [e.type, e.at, e.details, e.actor])).toEqual([
      ['comment-b', '2030-01-01T00:00:00.123Z', { n: 1 }, null],
      ['comment-a', '2030-01-01T00:00:00.123Z', { s: 'text' }, null],
    ]);
    expect(v.timeline.map((e: Json) => e.type)).toContain('note-added');
    expect(v.messages.map((m: Json) => [m.caseReference, m.visibility, m.body])).toEqual([
      [parent.reference, 'public', 'My October salary has not arrived.'],
      [parent.reference, 'internal', 'Checked with treasury; wait'],
      [parent.reference, 'public', 'We are looking into it'],
      [child.reference, 'public', 'Contract updated'],
      [child.reference, 'internal', 'RSCE-only remark'],
      [parent.reference, 'public', 'Thank you'],
    ]);
    expect(v.fields).toEqual({ indexNumber: '123456', payPeriod: '2026-10', issue: 'missing-payment' });
  });

  it('returns timestamps as ISO 8601 UTC strings and ids as strings, children as full summaries', async () => {
    const v = (await view('agent.unon', parent.reference)).json();
    for (const e of v.timeline) {
      expect(e.at).toMatch(ISO_UTC);
      expect(typeof e.id).toBe('string');
    }
    for (const s of v.segments) {
      expect(s.startedAt).toMatch(ISO_UTC);
      if (s.endedAt !== null) expect(s.endedAt).toMatch(ISO_UTC);
    }
    for (const m of v.messages) {
      expect(m.createdAt).toMatch(ISO_UTC);
      expect(typeof m.id).toBe('string');
      expect(Array.isArray(m.mentions)).toBe(true);
    }
    const author = v.messages.find((m: Json) => m.body === 'Contract updated').author;
    expect(author).toMatchObject({ id: expect.any(Number), name: expect.any(String) });
    // A child in the parent's view is the same summary as the child's own view gives.
    const own = (await view('agent.rsce', child.reference)).json();
    expect(v.children).toEqual([own.case]);
    expect(own.case.createdAt).toMatch(ISO_UTC);
    expect(own.case.parentReference).toBe(parent.reference);
  });

  it("never shows a client internal notes, nor that they exist, nor the child tasks' messages", async () => {
    const v = (await view('requester.rco-cl', parent.reference)).json();
    expect(v.timeline.map((e: Json) => e.type)).not.toContain('note-added');
    expect(v.timeline.map((e: Json) => e.caseReference)).toContain(child.reference);
    const all = (await view('agent.unon', parent.reference)).json();
    expect(v.timeline).toEqual(all.timeline.filter((e: Json) => e.type !== 'note-added'));
    expect(v.messages.map((m: Json) => m.body)).toEqual([
      'My October salary has not arrived.',
      'We are looking into it',
      'Thank you',
    ]);
    expect(JSON.stringify(v)).not.toMatch(/treasury|RSCE-only/);
    expect(v.children.map((c: Json) => c.reference)).toEqual([child.reference]);
  });

  it('shows a viewer the note events and the child tasks, but no internal notes', async () => {
    const v = (await view('viewer', parent.reference)).json();
    expect(v.timeline.map((e: Json) => e.type)).toContain('note-added');
    expect(v.messages.map((m: Json) => m.visibility)).not.toContain('internal');
    expect(v.messages.map((m: Json) => m.body)).toContain('Contract updated');
  });

  it('answers CASE_NOT_FOUND outside the scope, as for a case that does not exist', async () => {
    for (const who of ['requester.minusca', 'agent.kjso']) {
      const r = await view(who, parent.reference);
      expect(r.statusCode).toBe(404);
      expect(r.json().code).toBe('CASE_NOT_FOUND');
    }
    expect((await view('agent.unon', 'MER-999999')).json().code).toBe('CASE_NOT_FOUND');
    // The child's provider sees the child, not the parent.
    expect((await view('agent.rsce', parent.reference)).statusCode).toBe(404);
  });

  it('gives a case without children or messages empty arrays', async () => {
    const lone = await post('requester.minusca', '/api/cases', { service: 'HR-ADMIN', title: 'Contract question' });
    const v = (await view('requester.minusca', lone.reference)).json();
    expect(v.children).toEqual([]);
    expect(v.messages).toEqual([]);
    expect(v.segments).toHaveLength(1);
    expect(v.timeline.length).toBeGreaterThan(0);
  });
});
