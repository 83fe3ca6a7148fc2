/**
 * The queue listing with its remembered totals (queue-totals.ts, decision 0022): the page is always read
 * fresh; the capped total is counted again after the user's own change, is never another user's, and
 * never contradicts the page.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs } from '../../../tests/helpers/http.ts';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';

let h: DatabaseHandle;
let app: FastifyInstance;
const as: Record<string, { cookie: string }> = {};

beforeAll(async () => {
  h = await createTestDatabase();
  // A long lifetime, so that only the rules under test (not the clock) decide when a total is counted again.
  app = await buildTestApp(h, { queueTotalCacheMs: 600_000 });
  for (const who of ['requester.rco-cl', 'agent.unon', 'agent.kjso']) as[who] = await signInAs(app, `${who}@meridian.test`);
  for (let i = 0; i < 4; i++) {
    await requestPayroll(`Salary question ${i}`);
  }
});
/** A payroll request by the RCO Chile requester (201 expected). */
async function requestPayroll(title: string) {
  const r = await app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: as['requester.rco-cl'],
    payload: { service: 'PAY-PAYROLL', title, fields: { indexNumber: '123456', payPeriod: '2026-10', issue: 'missing-payment' } },
  });
  expect(r.statusCode, r.body).toBe(201);
}

afterAll(async () => {
  await app.close();
  await h.close();
});

async function queue(who: string, query: string) {
  const r = await app.inject({ url: `/api/cases?${query}`, headers: as[who] });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { items: { reference: string; version: number }[]; total: number; totalCapped: boolean };
}

describe('queue listing', () => {
  it("counts again after the user's own change, and not for another user's", async () => {
    const first = await queue('agent.unon', 'state=open&pageSize=1');
    expect(first.total).toBe(4);
    expect(first.items).toHaveLength(1);
    // Another user's new case: the page is fresh, the remembered total is not counted again.
    await requestPayroll('One more');
    const stale = await queue('agent.unon', 'state=open&pageSize=1');
    expect(stale.items[0]?.reference).not.toBe(first.items[0]?.reference);
    expect(stale.total).toBe(4);
    // The same filters on another page reuse it too; a page that is not full gives the exact number.
    expect((await queue('agent.unon', 'state=open&pageSize=1&page=2')).total).toBe(4);
    expect((await queue('agent.unon', 'state=open&pageSize=10')).total).toBe(5);
    // The agent's own change (a transfer away) drops their totals: counted again.
    const c = stale.items[0] as { reference: string; version: number };
    const t = await app.inject({
      method: 'POST',
      url: `/api/cases/${c.reference}/transfer`,
      headers: { ...as['agent.unon'], 'if-match': `"${c.version}"` },
      payload: { provider: 'KJSO', reason: 'Run by KJSO' },
    });
    expect(t.statusCode, t.body).toBe(200);
    expect((await queue('agent.unon', 'state=open&pageSize=1')).total).toBe(4);
    // Another provider's agent never gets UNON's total: their own count.
    expect((await queue('agent.kjso', 'state=open&pageSize=1')).total).toBe(1);
  });

  it('counts again when the page shows the remembered total is out of date', async () => {
    const base = await queue('agent.unon', 'state=open&pageSize=2&sort=reference');
    expect(base.total).toBe(4);
    for (let i = 0; i < 2; i++) {
      await requestPayroll(`Later ${i}`);
    }
    // Page 3 of 2 a page holds rows beyond the 4 remembered: the total is counted again.
    const p3 = await queue('agent.unon', 'state=open&pageSize=2&page=3&sort=reference');
    expect(p3.items).toHaveLength(2);
    expect(p3.total).toBe(6);
  });

  it('reuses the counts per state under the same rules, and agrees with the listing', async () => {
    const counts = async () => {
      const r = await app.inject({ url: '/api/cases/counts', headers: as['agent.unon'] });
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as { byState: Record<string, number>; total: number };
    };
    const a = (await counts()).byState.new ?? 0;
    for (let i = 0; i < 2; i++) {
      await requestPayroll(`Counted ${i}`);
    }
    expect((await counts()).byState.new ?? 0).toBe(a);
    const c = (await queue('agent.unon', 'state=new&pageSize=1')).items[0] as { reference: string; version: number };
    const t = await app.inject({
      method: 'POST',
      url: `/api/cases/${c.reference}/transfer`,
      headers: { ...as['agent.unon'], 'if-match': `"${c.version}"` },
      payload: { provider: 'KJSO', reason: 'Run by KJSO' },
    });
    expect(t.statusCode, t.body).toBe(200);
    const fresh = await counts();
    expect(fresh.byState.new).toBe(a + 1);
    expect((await queue('agent.unon', 'state=new&pageSize=1')).total).toBe(a + 1);
    expect((await queue('agent.kjso', 'state=new&pageSize=100')).total).toBe(
      (await app.inject({ url: '/api/cases/counts', headers: as['agent.kjso'] })).json().byState.new,
    );
  });
});
