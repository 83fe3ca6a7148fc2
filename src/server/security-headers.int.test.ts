/**
 * The security headers (helmet, built once in app.ts) on every kind of response: an API answer, a refusal,
 * an unknown route; the content security policy is Meridian's own (no inline scripts, no framing).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../tests/helpers/http.ts';
import { createTestDatabase } from '../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../db/database.ts';

let h: DatabaseHandle;
let app: FastifyInstance;

beforeAll(async () => {
  h = await createTestDatabase();
  app = await buildTestApp(h);
});

afterAll(async () => {
  await app.close();
  await h.close();
});

describe('security headers', () => {
  it.each([
    ['an answer', '/api/health', 200],
    ['a refusal (not signed in)', '/api/cases', 401],
    ['an unknown route', '/api/no-such-route', 404],
  ])('are on %s', async (_what, url, status) => {
    const r = await app.inject({ url });
    expect(r.statusCode, r.body).toBe(status);
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(r.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(r.headers['referrer-policy']).toBe('no-referrer');
  });
});
