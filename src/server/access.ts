/**
 * Route access declarations. Every route must declare `config.access`; a route without one makes the
 * app refuse to start (default deny). Until identity lands, only `public` routes are served; any other
 * declared access answers 401.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.ts';

/** Who may call a route: `public` (anyone, read-only reference data and health), or a named permission. */
export type Access = 'public' | `permission:${string}`;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every registered route with its declared access (for audits and tests). */
    accessTable: { method: string | string[]; url: string; access: Access }[];
  }
}

/**
 * Installs the access rule: refuses to register a route without `config.access`, and denies every
 * non-public route (no sign-in exists yet).
 * @throws Error at registration when a route declares no access.
 */
export function installAccessControl(app: FastifyInstance): void {
  const table: FastifyInstance['accessTable'] = [];
  app.decorate('accessTable', table);
  app.addHook('onRoute', (route) => {
    // The API reference (Swagger UI and the OpenAPI document) is public by declaration here.
    if (route.url.startsWith('/api/docs') || route.url === '/api/openapi.json') {
      route.config = { ...(route.config ?? {}), access: 'public' };
    }
    const access = (route.config as { access?: Access } | undefined)?.access;
    if (!access) {
      throw new Error(`Route ${route.method} ${route.url} declares no access (config.access); every route must`);
    }
    table.push({ method: route.method, url: route.url, access });
  });
  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    throw new AppError('UNAUTHENTICATED', 'Sign in to use this route');
  });
}
