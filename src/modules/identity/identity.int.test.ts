import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, signInAs } from '../../../tests/helpers/http.ts';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { buildApp } from '../../server/app.ts';
import { countAuditEvents } from './identity.repository.ts';
import { hashToken, resolveSession, signIn } from './sessions.service.ts';

let h: DatabaseHandle;
let app: FastifyInstance;

beforeAll(async () => {
  h = await createTestDatabase();
  app = await buildApp({ db: h.db, databaseKind: h.kind, logLevel: 'silent', signInRateLimit: 1000, webDir: '/nonexistent' });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await h.close();
});

const PUBLIC = new Set(['/api/health', '/api/auth/sign-in', '/api/openapi.json']);
// the survey answer page: the signed link in the body is the credential (surveys.routes.ts)
for (const url of ['/api/survey-links/open', '/api/survey-links/answer']) PUBLIC.add(url);

describe('access', () => {
  it('answers 401 to an anonymous call of every /api route but sign-in, health and the API reference', async () => {
    const walked: string[] = [];
    for (const route of app.accessTable) {
      const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');
      if (!route.url.startsWith('/api') || route.url.startsWith('/api/docs') || PUBLIC.has(route.url)) continue;
      const url = route.url.replace(':code', 'RSCE').replace(':id', '1');
      for (const method of methods) {
        const r = await app.inject({ method: method as 'GET', url });
        expect(r.statusCode, `${method} ${url}`).toBe(401);
        expect(r.json().code).toBe('UNAUTHENTICATED');
        walked.push(`${method} ${url}`);
      }
    }
    expect(walked.length).toBeGreaterThan(15);
    expect((await app.inject('/api/health')).statusCode).toBe(200);
  });

  it('says nothing about whether the user exists when the password is wrong', async () => {
    const before = await countAuditEvents(h.db, 'auth.sign-in-failed');
    const known = await app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      payload: { email: 'viewer@meridian.test', password: 'wrong' },
    });
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      payload: { email: 'nobody@meridian.test', password: 'wrong' },
    });
    expect(known.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(known.json())).toEqual(strip(unknown.json()));
    expect(known.headers['set-cookie']).toBeUndefined();
    expect(await countAuditEvents(h.db, 'auth.sign-in-failed')).toBe(before + 2);
  });

  it('sets an HTTP-only, SameSite session cookie and reports the user and permissions', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      payload: { email: 'Agent.RSCE@meridian.test', password: DEMO_PASSWORD },
    });
    expect(r.statusCode).toBe(200);
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(r.json().user).toMatchObject({ role: 'provider-agent', scope: { type: 'provider', code: 'RSCE' } });
    expect(r.json().user.permissions).toContain('reference:read');
    expect(JSON.stringify(r.json())).not.toMatch(/password/i);
  });
});

describe('users are seen only within their own provider or entity', () => {
  it('shows a provider agent only its provider’s users, and hides another provider’s user even by id', async () => {
    const coordinator = await signInAs(app, 'coordinator@meridian.test');
    const all = (await app.inject({ url: '/api/users?pageSize=100', headers: coordinator })).json();
    expect(all.total).toBeGreaterThanOrEqual(10);
    const kjsoAgent = all.items.find((u: { email: string }) => u.email === 'agent.kjso@meridian.test');

    const agent = await signInAs(app, 'agent.rsce@meridian.test');
    const mine = (await app.inject({ url: '/api/users?pageSize=100', headers: agent })).json();
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((u: { scope: { code: string } | null }) => u.scope?.code === 'RSCE')).toBe(true);
    expect(mine.total).toBe(mine.items.length);
    const other = await app.inject({ url: `/api/users/${kjsoAgent.id}`, headers: agent });
    expect(other.statusCode).toBe(404);
    const search = (await app.inject({ url: '/api/users?q=kjso', headers: agent })).json();
    expect(search.total).toBe(0);
  });

  it('forbids a client requester from listing users', async () => {
    const requester = await signInAs(app, 'requester.minusca@meridian.test');
    const r = await app.inject({ url: '/api/users', headers: requester });
    expect(r.statusCode).toBe(403);
    expect(r.json().code).toBe('FORBIDDEN');
  });
});

describe('sessions', () => {
  it('can be listed and revoked; a revoked or signed-out session is refused', async () => {
    const first = await signInAs(app, 'manager.rsce@meridian.test');
    const second = await signInAs(app, 'manager.rsce@meridian.test');
    const list = (await app.inject({ url: '/api/auth/sessions', headers: second })).json().items as {
      id: string;
      current: boolean;
    }[];
    const firstId = list.find((s) => !s.current)?.id;
    expect(firstId).toBeTruthy();
    expect((await app.inject({ method: 'DELETE', url: `/api/auth/sessions/${firstId}`, headers: second })).statusCode).toBe(204);
    expect((await app.inject({ url: '/api/auth/me', headers: first })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/auth/me', headers: second })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: second })).statusCode).toBe(204);
    expect((await app.inject({ url: '/api/auth/me', headers: second })).statusCode).toBe(401);
  });

  it("cannot revoke someone else's session without sessions:manage", async () => {
    const victim = await signInAs(app, 'agent.unon@meridian.test');
    const admin = await signInAs(app, 'admin@meridian.test');
    const victimSessions = (await app.inject({ url: '/api/auth/sessions', headers: victim })).json().items as {
      id: string;
      current: boolean;
    }[];
    const id = victimSessions.find((s) => s.current)?.id as string;
    const other = await signInAs(app, 'viewer@meridian.test');
    expect((await app.inject({ method: 'DELETE', url: `/api/auth/sessions/${id}`, headers: other })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/auth/me', headers: victim })).statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: `/api/auth/sessions/${id}`, headers: admin })).statusCode).toBe(204);
    expect((await app.inject({ url: '/api/auth/me', headers: victim })).statusCode).toBe(401);
  });

  it('expire after the idle time and after the absolute time', async () => {
    const policy = { ttlMinutes: 60, idleMinutes: 10 };
    const t0 = new Date('2026-01-01T08:00:00Z');
    const at = (min: number) => new Date(t0.getTime() + min * 60_000);
    const s = await signIn(
      h.db,
      { email: 'viewer@meridian.test', password: DEMO_PASSWORD, userAgent: null, ip: null },
      policy,
      t0,
    );
    expect(await resolveSession(h.db, s.token, policy, at(9))).toBeTruthy();
    expect(await resolveSession(h.db, s.token, policy, at(18))).toBeTruthy(); // idle clock pushed at minute 9
    expect(await resolveSession(h.db, s.token, policy, at(29))).toBeUndefined(); // idle for 11 minutes
    const t = await signIn(
      h.db,
      { email: 'viewer@meridian.test', password: DEMO_PASSWORD, userAgent: null, ip: null },
      policy,
      t0,
    );
    for (let m = 5; m < 60; m += 5) expect(await resolveSession(h.db, t.token, policy, at(m)), `minute ${m}`).toBeTruthy();
    expect(await resolveSession(h.db, t.token, policy, at(61))).toBeUndefined();
    const stored = await h.db.selectFrom('sessions').select('token_hash').where('token_hash', '=', hashToken(t.token)).execute();
    expect(stored).toHaveLength(1);
    const raw = await h.db.selectFrom('sessions').select('token_hash').where('token_hash', '=', t.token).execute();
    expect(raw).toHaveLength(0);
  });
});

describe('sign-in rate limit', () => {
  it('answers 429 after too many attempts from one address', async () => {
    const limited = await buildApp({
      db: h.db,
      databaseKind: h.kind,
      logLevel: 'silent',
      signInRateLimit: 3,
      webDir: '/nonexistent',
    });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await limited.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        payload: { email: 'viewer@meridian.test', password: `bad-${i}` },
      });
      codes.push(r.statusCode);
      if (r.statusCode === 429) expect(r.json().code).toBe('RATE_LIMITED');
    }
    expect(codes).toEqual([401, 401, 401, 429, 429]);
    await limited.close();
  });
});
