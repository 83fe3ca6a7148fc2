/** HTTP helpers for tests against the in-process app (`app.inject`). */
import type { FastifyInstance } from 'fastify';

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
