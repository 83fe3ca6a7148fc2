/**
 * Route access. Every route must declare `config.access`; a route without one makes the app refuse to
 * start (default deny):
 * - `public`: anyone (health, sign-in, the API reference, the web app's static files);
 * - `authenticated`: any signed-in user;
 * - `permission:<name>`: a signed-in user whose role carries that permission (see identity/permissions.ts).
 * The session comes from the `meridian_session` cookie; no or a dead session answers 401, a missing
 * permission 403.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.ts';
import type { User } from '../modules/identity/identity.schema.ts';
import type { Permission } from '../modules/identity/permissions.ts';
import { roleHas } from '../modules/identity/permissions.ts';
import { SessionCache } from '../modules/identity/session-cache.ts';
import type { SessionPolicy } from '../modules/identity/sessions.service.ts';
import { AppError } from './errors.ts';

/** Who may call a route. */
export type Access = 'public' | 'authenticated' | `permission:${Permission}`;

export const SESSION_COOKIE = 'meridian_session';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every registered route with its declared access (for audits and tests). */
    accessTable: { method: string | string[]; url: string; access: Access }[];
  }
  interface FastifyRequest {
    /** The signed-in user, when the request carries a live session. */
    user?: User;
    /** The id of the request's session. */
    sessionId?: string;
  }
}

/** The signed-in user of a request to a non-public route (the access hook guarantees one). */
export function currentUser(req: FastifyRequest): User {
  if (!req.user) throw new AppError('UNAUTHENTICATED', 'Sign in to use this route');
  return req.user;
}

/**
 * Installs the access rule on `app`. Sessions are looked up through a short-lived in-process cache
 * (`sessionCacheMs`, default 5,000 ms; 0 looks every request up; see identity/session-cache.ts).
 * @throws Error at registration when a route declares no access.
 */
export function installAccessControl(
  app: FastifyInstance,
  deps?: { db: Kysely<Database>; sessionPolicy: SessionPolicy; sessionCacheMs?: number },
): void {
  const sessions = deps ? new SessionCache(deps.db, deps.sessionPolicy, deps.sessionCacheMs) : undefined;
  const table: FastifyInstance['accessTable'] = [];
  app.decorate('accessTable', table);
  app.decorateRequest('user', undefined);
  app.decorateRequest('sessionId', undefined);
  app.addHook('onRoute', (route) => {
    // The API reference and the web app's static files are public by declaration here.
    if (route.url.startsWith('/api/docs') || route.url === '/api/openapi.json' || !route.url.startsWith('/api')) {
      route.config = { access: 'public', ...(route.config ?? {}) };
    }
    const access = (route.config as { access?: Access } | undefined)?.access;
    if (!access) {
      throw new Error(`Route ${route.method} ${route.url} declares no access (config.access); every route must`);
    }
    table.push({ method: route.method, url: route.url, access });
  });
  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config.access;
    const token = (req as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies?.[SESSION_COOKIE];
    if (token && sessions) {
      const live = await sessions.resolve(token);
      if (live) {
        req.user = live.user;
        req.sessionId = live.session.id;
      }
    }
    if (access === undefined || access === 'public') return;
    if (!req.user) throw new AppError('UNAUTHENTICATED', 'Sign in to use this route');
    if (access.startsWith('permission:') && !roleHas(req.user.role, access.slice('permission:'.length))) {
      throw new AppError('FORBIDDEN', 'Your role does not allow this');
    }
  });
}
