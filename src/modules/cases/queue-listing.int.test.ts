/**
 * The queue listing with its remembered totals (queue-totals.ts, decision 0022): the page is always read
 * fresh; the capped total is counted again after the user's own change, is never another user's, and
 * never contradicts the page.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildTestApp, signInAs } from '../../../tests/helpers/http.ts';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { pageOf } from '../../server/pagination.ts';
import { CaseListItemSchema } from './cases.schema.ts';

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

/** `POST /api/cases/{reference}/{action}` as agent.unon at `version` (200 expected); the case's new summary. */
async function act(reference: string, version: number, action: string, payload: object) {
  const r = await app.inject({
    method: 'POST',
    url: `/api/cases/${reference}/${action}`,
    headers: { ...as['agent.unon'], 'if-match': `"${version}"` },
    payload,
  });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { version: number };
}

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
    await act(c.reference, c.version, 'transfer', { provider: 'KJSO', reason: 'Run by KJSO' });
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
    await act(c.reference, c.version, 'transfer', { provider: 'KJSO', reason: 'Run by KJSO' });
    const fresh = await counts();
    expect(fresh.byState.new).toBe(a + 1);
    expect((await queue('agent.unon', 'state=new&pageSize=1')).total).toBe(a + 1);
    expect((await queue('agent.kjso', 'state=new&pageSize=100')).total).toBe(
      (await app.inject({ url: '/api/cases/counts', headers: as['agent.kjso'] })).json().byState.new,
    );
  });

  it('answers exactly the declared page shape (its success body is not checked by the serializer)', async () => {
    // the DOS coordination queue too: a case with no provider
    const r = await app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: as['requester.rco-cl'],
      payload: { service: 'FAC-CONFERENCE', title: 'Room for a retreat' },
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().provider).toBeNull();
    const pages = [await app.inject({ url: '/api/cases?pageSize=100', headers: as['agent.unon'] })];
    const coordinator = await signInAs(app, 'coordinator@meridian.test');
    pages.push(await app.inject({ url: '/api/cases?provider=none&pageSize=100', headers: coordinator }));
    const strict = pageOf(z.strictObject(CaseListItemSchema.shape)).extend({ totalCapped: z.boolean() }).strict();
    for (const page of pages) {
      expect(page.statusCode, page.body).toBe(200);
      const parsed = strict.safeParse(page.json());
      expect(parsed.error, page.body.slice(0, 300)).toBeUndefined();
      expect(parsed.data?.items.length).toBeGreaterThan(0);
    }
    expect(pages[1]?.json().items.map((i: { reference: string }) => i.reference)).toContain(r.json().reference);
  });

  it('lists each case as its own view shows it (team, assignee, resolution and all)', async () => {
    // one case assigned and resolved, so that the optional fields are not all null
    const page = await queue('agent.unon', 'state=open&pageSize=1');
    const c = page.items[0] as { reference: string; version: number };
    const agent = await h.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'agent.unon@meridian.test')
      .executeTakeFirstOrThrow();
    let version = c.version;
    for (const [url, payload] of [
      ['assign', { assignee: agent.id }],
      ['transitions', { to: 'in-progress' }],
      ['transitions', { to: 'resolved', reason: 'Paid on the next run' }],
    ] as const) {
      version = (await act(c.reference, version, url, payload)).version;
    }
    const all = await app.inject({ url: '/api/cases?pageSize=200&sort=reference', headers: as['agent.unon'] });
    expect(all.statusCode, all.body).toBe(200);
    const items = all.json().items as { reference: string; resolvedAt: string | null; assignee: unknown }[];
    expect(items.some((i) => i.resolvedAt !== null && i.assignee !== null)).toBe(true);
    for (const item of items) {
      const v = await app.inject({ url: `/api/cases/${item.reference}`, headers: as['agent.unon'] });
      expect(v.statusCode, v.body).toBe(200);
      const { routingReason, ...listItem } = v.json().case;
      expect(routingReason).toEqual(expect.any(String));
      expect(item).toEqual(listItem);
    }
  });

  it('writes any text of a case as valid JSON, exactly as stored (quotes, escapes, control characters)', async () => {
    // written in SQL, past the API's validation: the JSON writer itself must escape whatever it finds
    const title = 'Quote " backslash \\ slash / tab\t newline\n separators \u001e\u001f bell \u0007 é 名 😀';
    const team = 'Team "A" \\ \u001f';
    const c = (await queue('agent.unon', 'state=open&pageSize=1')).items[0] as { reference: string };
    const t = await h.db
      .insertInto('teams')
      .values({ provider_code: 'UNON', code: 'JSON-TEST', name: team })
      .returning('id')
      .executeTakeFirstOrThrow();
    await h.db
      .updateTable('cases')
      .set({ title, routing_reason: team, team_id: t.id })
      .where('reference', '=', c.reference)
      .execute();
    const listed = (await queue('agent.unon', 'state=open&pageSize=25')).items.find(
      (i) => i.reference === c.reference,
    ) as unknown as {
      title: string;
      team: { id: number; code: string; name: string };
    };
    expect(listed.title).toBe(title);
    expect(listed.team).toEqual({ id: t.id, code: 'JSON-TEST', name: team });
    // a list's item is the view's summary without the routing reason (CaseListItemSchema)
    expect(listed).not.toHaveProperty('routingReason');
    const v = await app.inject({ url: `/api/cases/${c.reference}`, headers: as['agent.unon'] });
    expect(v.statusCode, v.body).toBe(200);
    expect(v.json().case.routingReason).toBe(team);
    expect({ ...listed, routingReason: team }).toEqual(v.json().case);
  });

  it("lists a client's own requests without their child tasks when asked (parent=none), counts included", async () => {
    const mine = async (query: string) => {
      const r = await app.inject({ url: `/api/cases?${query}`, headers: as['requester.rco-cl'] });
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as { items: { reference: string; parentReference: string | null }[]; total: number };
    };
    const counts = async (query: string) => {
      const r = await app.inject({ url: `/api/cases/counts?${query}`, headers: as['requester.rco-cl'] });
      expect(r.statusCode, r.body).toBe(200);
      return (r.json() as { total: number }).total;
    };
    const parent = (await mine('pageSize=1&sort=reference&order=asc')).items[0] as { reference: string };
    const child = await app.inject({
      method: 'POST',
      url: `/api/cases/${parent.reference}/children`,
      headers: as['agent.unon'],
      payload: { provider: 'KJSO', title: 'Check the pay record', reason: 'KJSO holds the record' },
    });
    expect(child.statusCode, child.body).toBe(201);
    const childRef = (child.json() as { reference: string }).reference;
    // the requester may see the child task (its requester too), and does in the full list
    const all = await mine('pageSize=200');
    expect(all.items.map((i) => i.reference)).toContain(childRef);
    const own = await mine('pageSize=200&parent=none');
    expect(own.items.map((i) => i.reference)).not.toContain(childRef);
    expect(own.items.every((i) => i.parentReference === null)).toBe(true);
    expect(own.total).toBe(all.total - 1);
    expect(await counts('parent=none')).toBe((await counts('')) - 1);
    const bad = await app.inject({ url: '/api/cases?parent=some', headers: as['requester.rco-cl'] });
    expect(bad.statusCode).toBe(400);
  });

  it('refuses an unknown state naming the field and the states it takes', async () => {
    const r = await app.inject({ url: '/api/cases?state=bogus', headers: as['agent.unon'] });
    expect(r.statusCode).toBe(400);
    const error = (r.json().errors as { field?: string; message: string }[]).find((e) => e.field?.endsWith('state'));
    expect(error?.message).toContain('awaiting-client');
    expect(error?.message).toContain('open');
  });

  it('refuses a page number beyond the last a list takes, naming the field; a far page within it is empty', async () => {
    const r = await app.inject({ url: '/api/cases?page=100000000000000000000', headers: as['agent.unon'] });
    expect(r.statusCode, r.body).toBe(400);
    expect((r.json().errors as { field?: string }[]).map((e) => e.field)).toContain('querystring.page');
    const far = await app.inject({ url: '/api/cases?page=1000000&pageSize=500', headers: as['agent.unon'] });
    expect(far.statusCode, far.body).toBe(200);
    expect(far.json().items).toEqual([]);
  });

  it("shows an entity's new name on the next page, whoever renamed it", async () => {
    const name = async () =>
      (await queue('agent.unon', 'state=open&pageSize=1')).items[0] as unknown as {
        entity: { code: string; name: { en: string } };
      };
    const before = await name();
    expect(before.entity.code).toBe('RCO-CL');
    // a rename made outside this server's code (another process, say): the page's reference data version tells
    await h.db
      .updateTable('client_entities')
      .set({ name: JSON.stringify({ en: 'Renamed office, Chile', fr: 'Bureau renommé, Chili' }) })
      .where('code', '=', 'RCO-CL')
      .execute();
    expect((await name()).entity.name.en).toBe('Renamed office, Chile');
    await h.db
      .updateTable('client_entities')
      .set({ name: JSON.stringify(before.entity.name) })
      .where('code', '=', 'RCO-CL')
      .execute();
    expect((await name()).entity.name).toEqual(before.entity.name);
  });

  it("shows a user's new name on the next page as requester and assignee, whoever renamed them", async () => {
    const first = async () =>
      (await queue('agent.unon', 'state=open&pageSize=1&sort=reference&order=asc')).items[0] as unknown as {
        reference: string;
        version: number;
        requester: { id: number; name: string } | null;
        assignee: { id: number; name: string } | null;
      };
    const c = await first();
    const agent = await h.db
      .selectFrom('users')
      .select(['id', 'name'])
      .where('email', '=', 'agent.unon@meridian.test')
      .executeTakeFirstOrThrow();
    if (c.assignee?.id !== agent.id) await act(c.reference, c.version, 'assign', { assignee: agent.id });
    const before = await first();
    expect(before.assignee).toEqual({ id: agent.id, name: agent.name });
    const requester = before.requester as { id: number; name: string };
    expect(requester.name).not.toBe('');
    // renames made outside this server's code (another process, say): the page's user names version tells
    const rename = (id: number, name: string) => h.db.updateTable('users').set({ name }).where('id', '=', id).execute();
    await rename(requester.id, 'Renamed "Requester" \\ é');
    await rename(agent.id, 'Renamed agent');
    const after = await first();
    expect(after.requester).toEqual({ id: requester.id, name: 'Renamed "Requester" \\ é' });
    expect(after.assignee).toEqual({ id: agent.id, name: 'Renamed agent' });
    // the page equals the case's view, which reads the names in SQL
    const v = await app.inject({ url: `/api/cases/${after.reference}`, headers: as['agent.unon'] });
    const { routingReason: _, ...listItem } = v.json().case;
    expect(after).toEqual(listItem);
    await rename(requester.id, requester.name);
    await rename(agent.id, agent.name);
    expect((await first()).requester).toEqual(requester);
  });

  it('cannot be shown a name without French: the database refuses it for entities, services and providers', async () => {
    for (const [table, code] of [
      ['client_entities', 'RCO-CL'],
      ['services', 'PAY-PAYROLL'],
      ['providers', 'UNON'],
    ] as const) {
      for (const name of [{ en: 'English only' }, { en: 'Blank French', fr: '  ' }, { en: 'Number', fr: 7 }]) {
        await expect(
          h.db
            .updateTable(table)
            .set({ name: JSON.stringify(name) })
            .where('code', '=', code)
            .execute(),
          `${table} ${JSON.stringify(name)}`,
        ).rejects.toThrow(/name_en_fr/);
      }
    }
    const page = await queue('agent.unon', 'state=open&pageSize=1');
    expect((page.items[0] as unknown as { entity: { name: { fr: string } } }).entity.name.fr).toBeTruthy();
  });
});
