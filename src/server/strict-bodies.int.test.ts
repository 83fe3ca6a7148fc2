/**
 * Every JSON request body refuses a key its route does not declare, naming it (decision 0025): checked route by
 * route over the API's own OpenAPI document (the registered routes), and at registration.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildTestApp, signInAs } from '../../tests/helpers/http.ts';
import { createTestDatabase } from '../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { buildApp } from './app.ts';
import { looseObjectPaths } from './route-helpers.ts';

let h: DatabaseHandle;
let app: FastifyInstance;
let admin: { cookie: string };

beforeAll(async () => {
  h = await createTestDatabase();
  app = await buildTestApp(h);
  admin = await signInAs(app, 'admin@meridian.test');
});
afterAll(async () => {
  await app.close();
  await h.close();
});

interface Operation {
  parameters?: { in: string; name: string; schema?: { enum?: string[]; format?: string } }[];
  requestBody?: { content?: Record<string, { schema?: { type?: string } }> };
}

/** A path parameter's value that its schema takes: the first of an enum, a UUID, else a plausible id or code. */
function paramValue(p: { name: string; schema?: { enum?: string[]; format?: string } }): string {
  if (p.schema?.enum?.length) return String(p.schema.enum[0]);
  if (p.schema?.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
  if (p.name === 'reference') return 'MER-000001';
  if (p.name === 'id' || p.name === 'version') return '1';
  return 'UNON';
}

describe('strict request bodies', () => {
  it('refuses an unknown key on every route that takes a JSON object body, naming body.<key>', async () => {
    const spec = (await app.inject('/api/openapi.json')).json() as { paths: Record<string, Record<string, Operation>> };
    const tried: string[] = [];
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (op.requestBody?.content?.['application/json']?.schema?.type !== 'object') continue;
        let url = path;
        for (const p of op.parameters ?? []) if (p.in === 'path') url = url.replace(`{${p.name}}`, paramValue(p));
        const r = await app.inject({
          method: method.toUpperCase() as 'POST',
          url,
          headers: admin,
          payload: { zzUnknownKey: 1 },
        });
        const where = `${method.toUpperCase()} ${path}`;
        expect(r.statusCode, where).toBe(400);
        expect(r.json().errors, where).toContainEqual({ field: 'body.zzUnknownKey', message: 'is not a known field' });
        tried.push(where);
      }
    }
    // the walk saw the body routes, the ones that were loose among them (not a vacuous loop)
    expect(tried).toEqual(
      expect.arrayContaining([
        'POST /api/teams',
        'POST /api/price-lists',
        'PATCH /api/price-lists/{id}',
        'POST /api/auth/sign-in',
        'PUT /api/headcounts',
        'POST /api/sla/calendars/{kind}/{code}/versions',
        'PUT /api/surveys/templates/{id}',
        'POST /api/statements/{id}/notes',
      ]),
    );
    expect(tried.length).toBeGreaterThanOrEqual(45);
  });

  it('refuses a misspelt price-list field (efectiveTo) instead of making a list with no end', async () => {
    const count = async () =>
      (
        await h.db
          .selectFrom('price_lists')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    const before = Number(await count());
    const body = {
      provider: 'UNON',
      service: 'HR-RECRUIT',
      basis: 'per-case',
      unitPrice: '100',
      effectiveFrom: '2031-01-01',
      efectiveTo: '2031-12-31',
    };
    const r = await app.inject({ method: 'POST', url: '/api/price-lists', headers: admin, payload: body });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'body.efectiveTo', message: 'is not a known field' }],
    });
    expect(r.json().detail).toContain('body.efectiveTo');
    expect(Number(await count())).toBe(before);
    // the team of the trials: an extra key is refused, the same body without it is not
    const team = { code: 'PAY', name: 'Payroll desk' };
    const bogus = await app.inject({ method: 'POST', url: '/api/teams', headers: admin, payload: { ...team, bogus: 1 } });
    expect(bogus.statusCode).toBe(400);
    expect(bogus.json().errors).toEqual([{ field: 'body.bogus', message: 'is not a known field' }]);
  });

  it('names an unknown key inside a nested object by its path', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/agreements/1/transitions',
      headers: admin,
      payload: { action: 'sign', version: 1, signatories: { provider: 'A', client: 'B', witness: 'C' } },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors).toEqual([{ field: 'body.signatories.witness', message: 'is not a known field' }]);
    const annex = await app.inject({
      method: 'POST',
      url: '/api/agreements',
      headers: admin,
      payload: { provider: 'UNON', entity: 'OHCHR', annex: { term: { from: '2031-01-01', to: '2031-12-31', until: 'x' } } },
    });
    expect(annex.statusCode).toBe(400);
    expect(annex.json().errors).toEqual([{ field: 'body.annex.term.until', message: 'is not a known field' }]);
  });

  it('refuses to register a route whose body schema would drop unknown keys, naming the loose object', async () => {
    const bare = await buildApp({ db: h.db, databaseKind: h.kind, logLevel: 'silent', webDir: '/nonexistent' });
    const route = (url: string, body: z.ZodType) => () =>
      bare.post(url, { config: { access: 'public' }, schema: { body } }, async () => 'x');
    expect(route('/api/loose', z.object({ a: z.string() }))).toThrow(
      /POST \/api\/loose: its body schema must refuse unknown keys .* at body$/,
    );
    expect(route('/api/nested', z.strictObject({ a: z.array(z.object({ b: z.string() })).optional() }))).toThrow(
      /at body\.a\[\]$/,
    );
    expect(route('/api/strict', z.strictObject({ a: z.strictObject({ b: z.string() }).nullable() }))).not.toThrow();
    await bare.close();
  });
});

describe('looseObjectPaths', () => {
  it('finds plain, loose and unknown-catchall objects through wrappers, and takes strict objects and typed maps', () => {
    const schema = z.strictObject({
      plain: z.object({ x: z.string() }).optional(),
      loose: z.looseObject({ x: z.string() }).nullable(),
      anything: z.strictObject({}).catchall(z.unknown()),
      list: z.array(z.union([z.strictObject({ k: z.literal('a') }), z.object({ k: z.literal('b') })])).default([]),
      piped: z.preprocess((v) => v, z.object({ y: z.number() })),
      map: z.record(z.string(), z.object({ z: z.number() })),
      tuple: z.tuple([z.object({ t: z.number() })]),
      text: z.strictObject({ en: z.string() }).catchall(z.string()),
      strict: z.strictObject({ inner: z.strictObject({ q: z.number() }) }),
    });
    expect(looseObjectPaths(schema).sort()).toEqual(
      ['body.plain', 'body.loose', 'body.anything', 'body.list[]', 'body.piped', 'body.map.*', 'body.tuple[0]'].sort(),
    );
    expect(looseObjectPaths(z.strictObject({ a: z.string() }))).toEqual([]);
  });
});
