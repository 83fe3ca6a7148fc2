import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { signInAs } from '../../tests/helpers/http.ts';
import { createTestDatabase } from '../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { installAccessControl } from './access.ts';
import { buildApp } from './app.ts';

let h: DatabaseHandle;
let app: FastifyInstance;
let headers: { cookie: string };

beforeAll(async () => {
  h = await createTestDatabase();
  app = await buildApp({ db: h.db, databaseKind: h.kind, logLevel: 'silent', signInRateLimit: 10_000, webDir: '/nonexistent' });
  await app.ready();
  headers = await signInAs(app, 'viewer@meridian.test');
});
afterAll(async () => {
  await app.close();
  await h.close();
});

describe('API', () => {
  it('reports health with version and database kind', async () => {
    const r = await app.inject('/api/health');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ok', database: h.kind });
  });

  it('publishes OpenAPI 3.1 and a browsable reference', async () => {
    const spec = await app.inject('/api/openapi.json');
    expect(spec.json().openapi).toBe('3.1.0');
    expect(Object.keys(spec.json().paths)).toEqual(
      expect.arrayContaining(['/api/routing', '/api/entities', '/api/catalogue/services']),
    );
    const docs = await app.inject('/api/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('answers a route with its provider and basis', async () => {
    const r = await app.inject({ url: '/api/routing?entity=RCO-CL&service=PROC-PROCUREMENT', headers });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ assigned: true, provider: { code: 'ECLAC' }, entity: { code: 'RCO-CL' } });
    expect(r.json().basis).toMatch(/para 16/);
  });

  it('answers 200 "unassigned" when no provider is assigned (a request goes to the DOS coordination queue), 404 for unknown codes', async () => {
    const r = await app.inject({ url: '/api/routing?entity=RCO-CL&service=PAY-PAYROLL&on=1990-01-01', headers });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      assigned: false,
      provider: null,
      queue: 'dos-coordination',
      entity: { code: 'RCO-CL' },
      service: { code: 'PAY-PAYROLL' },
      on: '1990-01-01',
    });
    expect(r.json().reason).toContain('DOS coordination queue');
    const unknown = await app.inject({ url: '/api/routing?entity=NOPE&service=PAY-PAYROLL', headers });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.json()).toMatchObject({ code: 'DIRECTORY_ENTITY_NOT_FOUND', errors: [{ field: 'entity' }] });
    expect(unknown.json().requestId).toBeTruthy();
  });

  it('names each bad field of an invalid request', async () => {
    const r = await app.inject({ url: '/api/routing?entity=RCO-CL&on=yesterday', headers });
    expect(r.statusCode).toBe(400);
    expect(r.json().code).toBe('VALIDATION_FAILED');
    const fields = (r.json().errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['querystring.service', 'querystring.on']));
    const bad = await app.inject({ url: '/api/entities?pageSize=100000&sort=nope', headers });
    expect(bad.statusCode).toBe(400);
    expect((bad.json().errors as { field: string }[]).map((e) => e.field)).toEqual(
      expect.arrayContaining(['querystring.pageSize', 'querystring.sort']),
    );
  });

  it('names the allowed values of a bad enumeration, and the path of each unknown key', async () => {
    const requester = await signInAs(app, 'requester.rco-cl@meridian.test');
    const r = await app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { ...requester, 'idempotency-key': 'enum-check-1' },
      payload: { service: 'PAY-PAYROLL', title: 'Salary missing', impact: 5, urgency: 'high', bogus: 1, fields: {} },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors).toEqual([
      { field: 'body.impact', message: 'must be one of 1, 2, 3' },
      { field: 'body.urgency', message: 'must be one of 1, 2, 3' },
      { field: 'body.bogus', message: 'is not a known field' },
    ]);
    expect(r.json().detail).toContain('body.impact must be one of 1, 2, 3');
    const sort = await app.inject({ url: '/api/entities?sort=nope', headers });
    expect(sort.json().errors).toEqual([{ field: 'querystring.sort', message: 'must be one of code, kind' }]);
    // a discriminated union names its discriminator's values too
    const agent = await signInAs(app, 'agent.unon@meridian.test');
    const bulk = await app.inject({
      method: 'POST',
      url: '/api/cases/bulk',
      headers: agent,
      payload: { references: ['MER-000001'], action: { type: 'zap' } },
    });
    expect(bulk.json().errors).toEqual([{ field: 'body.action.type', message: 'must be one of assign, transition' }]);
  });

  it('takes integers in query strings and paths as plain decimal digits only', async () => {
    expect((await app.inject({ url: '/api/entities?page=2&pageSize=05', headers })).json()).toMatchObject({
      page: 2,
      pageSize: 5,
    });
    // Number() (z.coerce) would read each of these as a number: 0x10 as 16, 1e1 as 10, '' as 0, ' 3' as 3
    for (const page of ['0x10', '1e1', '0b10', '16.0', '+3', '-3', '%203', '', 'abc']) {
      const r = await app.inject({ url: `/api/entities?page=${page}`, headers });
      expect(r.statusCode, page).toBe(400);
      expect(r.json().errors, page).toEqual([
        { field: 'querystring.page', message: 'a whole number from 1 to 1,000,000, in decimal digits' },
      ]);
    }
    const size = await app.inject({ url: '/api/assignments?pageSize=1e3', headers });
    expect(size.json().errors).toEqual([
      { field: 'querystring.pageSize', message: 'a whole number from 1 to 1,000, in decimal digits' },
    ]);
    const limit = await app.inject({
      url: '/api/performance/flow?limit=0x10',
      headers: await signInAs(app, 'coordinator@meridian.test'),
    });
    expect(limit.json().errors?.[0]?.field).toBe('querystring.limit');
    const id = await app.inject({ url: '/api/users/0x1', headers: await signInAs(app, 'admin@meridian.test') });
    expect(id.statusCode).toBe(400);
    expect(id.json().errors).toEqual([
      { field: 'params.id', message: 'a whole number from 1 to 2,147,483,647, in decimal digits' },
    ]);
  });

  it('refuses a query parameter the route does not know, naming it (strict query schemas, as bodies)', async () => {
    const cases = await app.inject({ url: '/api/cases?stat=closed', headers });
    expect(cases.statusCode).toBe(400);
    expect(cases.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'querystring.stat', message: 'is not a known parameter' }],
    });
    expect(cases.json().detail).toContain('querystring.stat');
    // a route that takes no parameter refuses any
    const health = await app.inject({ url: '/api/health?verbose=1' });
    expect(health.statusCode).toBe(400);
    expect(health.json().errors).toEqual([{ field: 'querystring.verbose', message: 'is not a known parameter' }]);
    expect((await app.inject({ url: '/api/health' })).statusCode).toBe(200);
    const entities = await app.inject({ url: '/api/entities?kind=other&zz=1&yy=2', headers });
    expect((entities.json().errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'querystring.yy',
      'querystring.zz',
    ]);
    // an export checks the parameters against its view's own query: a drill-down's parameter is foreign to a flow
    const coordinator = await signInAs(app, 'coordinator@meridian.test');
    const flow = await app.inject({ url: '/api/performance/export?view=flow&format=csv&standard=MSS-X', headers: coordinator });
    expect(flow.statusCode).toBe(400);
    expect(flow.json().errors).toEqual([{ field: 'querystring.standard', message: 'is not a known parameter' }]);
    const missing = await app.inject({ url: '/api/performance/export?view=dashboard&format=csv', headers: coordinator });
    expect(missing.statusCode).toBe(400);
    expect((missing.json().errors as { field: string }[]).map((e) => e.field)).toEqual(['querystring.from', 'querystring.to']);
    expect(
      (await app.inject({ url: '/api/performance/export?view=flow&format=csv&from=2026-01', headers: coordinator })).statusCode,
    ).toBe(200);
  });

  it('refuses to register a route whose query schema would ignore unknown parameters', async () => {
    const bare = await buildApp({ db: h.db, databaseKind: h.kind, logLevel: 'silent', webDir: '/nonexistent' });
    expect(() =>
      bare.get(
        '/api/loose',
        { config: { access: 'public' }, schema: { querystring: z.object({ a: z.string() }) } },
        async () => 'x',
      ),
    ).toThrow(/GET \/api\/loose: its querystring schema must be a strict object/);
    expect(() =>
      bare.get(
        '/api/strict',
        { config: { access: 'public' }, schema: { querystring: z.strictObject({ a: z.string() }) } },
        async () => 'x',
      ),
    ).not.toThrow();
    await bare.close();
  });

  it('answers problems for an oversized or non-JSON body', async () => {
    const big = await app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: `{"email":"${'a'.repeat(2_000_000)}"}`,
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('PAYLOAD_TOO_LARGE');
    const text = await app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const broken = await app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.headers['content-type']).toContain('application/problem+json');
  });

  it('refuses impossible dates, NUL characters and ids too large for the database with 400, naming the field', async () => {
    for (const on of ['2026-02-30', '2026-02-29', '2026-13-01', '0000-01-01']) {
      const r = await app.inject({ url: `/api/routing?entity=RCO-CL&service=PROC-PROCUREMENT&on=${on}`, headers });
      expect(r.statusCode, on).toBe(400);
      expect(r.json().errors[0].field).toBe('querystring.on');
    }
    expect(
      (await app.inject({ url: '/api/routing?entity=RCO-CL&service=PROC-PROCUREMENT&on=2028-02-29', headers })).statusCode,
    ).toBe(200);
    const nul = await app.inject({ url: '/api/entities?q=a%00b', headers });
    expect(nul.statusCode).toBe(400);
    expect(nul.json().errors[0].field).toBe('querystring.q');
    const nulBody = await app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      payload: { email: 'a\u0000@b.org', password: 'x' },
    });
    expect(nulBody.statusCode).toBe(400);
    expect(nulBody.json().errors[0].field).toBe('body.email');
    // a lone UTF-16 surrogate (raw JSON, as a client could send it) is refused naming the field; a pair is a character
    for (const [body, status] of [
      ['{"email":"x@b.org","password":"p\\ud800q"}', 400],
      ['{"email":"x@b.org","password":"p\\udc00"}', 400],
      ['{"email":"x@b.org","password":"p\\ud83d\\ude00"}', 401],
    ] as const) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        payload: body,
        headers: { 'content-type': 'application/json' },
      });
      expect(r.statusCode, body).toBe(status);
      if (status === 400)
        expect(r.json().errors[0]).toMatchObject({ field: 'body.password', message: expect.stringMatching(/surrogate/) });
    }
    const big = await app.inject({ url: '/api/users/2147483648', headers: await signInAs(app, 'admin@meridian.test') });
    expect(big.statusCode).toBe(400);
    const kinds = await app.inject({ url: '/api/assignments/links?kinds=zzz', headers });
    expect(kinds.statusCode).toBe(400);
  });

  it('gives 404 problems for unknown ids and unknown routes', async () => {
    for (const url of [
      '/api/entities/NOPE',
      '/api/providers/NOPE',
      '/api/duty-stations/NOPE',
      '/api/catalogue/services/NOPE',
      '/api/nothing',
    ]) {
      const r = await app.inject({ url, headers });
      expect(r.statusCode, url).toBe(404);
      expect(r.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('builds the who-serves-whom matrix and the links for map 2', async () => {
    const m = await app.inject({
      url: '/api/assignments/matrix?kind=resident-coordinator-office&q=RCO-CL&serviceLine=PAY',
      headers,
    });
    expect(m.statusCode).toBe(200);
    const body = m.json();
    expect(body.services.map((s: { code: string }) => s.code)).toContain('PAY-PAYROLL');
    const row = body.items.find((i: { entity: { code: string } }) => i.entity.code === 'RCO-CL');
    expect(row.cells['PAY-PAYROLL'].provider.code).toBe('UNON');
    expect(row.cells['PAY-PAYROLL'].basis).toMatch(/para 16/);
    const links = await app.inject({ url: '/api/assignments/links', headers });
    const items = links.json().items as {
      entity: { code: string; kind: string };
      provider: { code: string };
      services: string[];
    }[];
    expect(items.every((i) => ['peacekeeping-operation', 'special-political-mission'].includes(i.entity.kind))).toBe(true);
    expect(items.find((i) => i.entity.code === 'MINUSCA' && i.provider.code === 'RSCE')?.services).toContain('HR-ADMIN');
    expect(items.find((i) => i.entity.code === 'UNAMA' && i.provider.code === 'KJSO')?.services).toContain('PAY-PAYROLL');
  });

  it('lists with pagination, filters and sort', async () => {
    const r = await app.inject({ url: '/api/entities?kind=resident-coordinator-office&pageSize=5&page=2&order=desc', headers });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ total: 132, page: 2, pageSize: 5 });
    expect(body.items).toHaveLength(5);
    const services = await app.inject({ url: '/api/catalogue/services?q=paie', headers });
    expect(services.json().items.map((s: { code: string }) => s.code)).toContain('PAY-PAYROLL');
    const assignments = await app.inject({ url: '/api/assignments?entity=UNAMA&service=PAY-PAYROLL', headers });
    expect(assignments.json().items[0].provider.code).toBe('KJSO');
  });

  it('declares the access of every registered route', () => {
    expect(app.accessTable.length).toBeGreaterThan(10);
    for (const r of app.accessTable) expect(r.access, `${r.method} ${r.url}`).toMatch(/^(public|authenticated|permission:.+)$/);
    expect(app.accessTable.find((r) => r.url === '/api/routing')?.access).toBe('permission:reference:read');
    expect(app.accessTable.find((r) => r.url === '/api/auth/sign-in')?.access).toBe('public');
  });

  it('refuses to register a route that declares no access (default deny)', async () => {
    const bare = Fastify({ logger: false });
    installAccessControl(bare);
    expect(() => bare.get('/api/undeclared', async () => 'x')).toThrow(/declares no access/);
    await bare.close();
  });
});
