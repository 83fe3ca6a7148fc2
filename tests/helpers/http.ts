/** HTTP helpers for tests against the in-process app (`app.inject`). */
import type { FastifyInstance } from 'fastify';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { type AppDeps, buildApp } from '../../src/server/app.ts';

export const DEMO_PASSWORD = 'Demo-2026!';

/** Signs in a demo user and returns the `cookie` header to send with later requests. */
export async function signInAs(app: FastifyInstance, email: string, password = DEMO_PASSWORD): Promise<{ cookie: string }> {
  const r = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email, password } });
  if (r.statusCode !== 200) throw new Error(`sign-in of ${email} failed: ${r.statusCode} ${r.body}`);
  const set = r.headers['set-cookie'];
  const first = Array.isArray(set) ? set[0] : set;
  if (!first) throw new Error('no session cookie');
  return { cookie: first.split(';')[0] as string };
}

/**
 * The app of an integration test on database `h`, ready for `app.inject`: silent log, no web app, sign-in
 * rate limit out of the way; `deps` adds or overrides options (e.g. `reopenWindowDays`).
 */
export async function buildTestApp(h: DatabaseHandle, deps: Partial<AppDeps> = {}): Promise<FastifyInstance> {
  const app = await buildApp({
    db: h.db,
    databaseKind: h.kind,
    logLevel: 'silent',
    signInRateLimit: 10_000,
    webDir: '/nonexistent',
    ...deps,
  });
  await app.ready();
  return app;
}
