/** HTTP routes of identity: sign-in, sign-out, the current user, sessions, users. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { currentUser, SESSION_COOKIE } from '../../server/access.ts';
import { AppError } from '../../server/errors.ts';
import { pageOf } from '../../server/pagination.ts';
import { ProblemSchema, typed } from '../../server/route-helpers.ts';
import { IdSchema } from '../../server/validation.ts';
import { findUser, findUsers } from './identity.repository.ts';
import { CurrentUserSchema, SessionSchema, SignInBodySchema, UserQuerySchema, UserSchema } from './identity.schema.ts';
import { listSessions, revokeSessionAs, type SessionPolicy, signIn, toCurrentUser } from './sessions.service.ts';

export interface IdentityRouteOptions {
  sessionPolicy: SessionPolicy;
  /** Send the cookie with `Secure` (behind HTTPS). */
  secureCookies: boolean;
  /** Sign-in attempts allowed per client address per minute. */
  signInRateLimit: number;
}

/** Users visible to `viewer`: Secretariat-wide roles see everyone; others their own provider's or entity's users. */
function visibleScope(viewer: ReturnType<typeof currentUser>) {
  return viewer.scope;
}

export async function identityRoutes(app: FastifyInstance, opts: IdentityRouteOptions): Promise<void> {
  const api = typed(app);
  const db = () => app.deps.db;

  api.post(
    '/api/auth/sign-in',
    {
      config: { access: 'public', rateLimit: { max: opts.signInRateLimit, timeWindow: '1 minute' } },
      schema: {
        tags: ['identity'],
        summary: 'Sign in with e-mail and password; sets the session cookie',
        body: SignInBodySchema,
        response: { 200: z.object({ user: CurrentUserSchema }), 400: ProblemSchema, 401: ProblemSchema, 429: ProblemSchema },
      },
    },
    async (req, reply) => {
      const r = await signIn(
        db(),
        { ...req.body, userAgent: req.headers['user-agent'] ?? null, ip: req.ip, requestId: req.id },
        opts.sessionPolicy,
      );
      reply.setCookie(SESSION_COOKIE, r.token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: opts.secureCookies,
        path: '/',
        expires: r.expiresAt,
      });
      return { user: r.user };
    },
  );

  api.post(
    '/api/auth/sign-out',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['identity'], summary: 'End the current session', response: { 204: z.null(), 401: ProblemSchema } },
    },
    async (req, reply) => {
      const user = currentUser(req);
      if (req.sessionId) await revokeSessionAs(db(), user, req.sessionId, req.id);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/api/auth/me',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['identity'],
        summary: 'The signed-in user and their permissions',
        response: { 200: z.object({ user: CurrentUserSchema }), 401: ProblemSchema },
      },
    },
    async (req) => ({ user: toCurrentUser(currentUser(req)) }),
  );

  api.get(
    '/api/auth/sessions',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['identity'],
        summary: "The signed-in user's sessions",
        response: { 200: z.object({ items: z.array(SessionSchema) }), 401: ProblemSchema },
      },
    },
    async (req) => ({ items: await listSessions(db(), currentUser(req), req.sessionId) }),
  );

  api.delete(
    '/api/auth/sessions/:id',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['identity'],
        summary: "Revoke a session (one's own; anyone's with sessions:manage)",
        params: z.object({ id: z.string().uuid() }),
        response: { 204: z.null(), 401: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (req, reply) => {
      await revokeSessionAs(db(), currentUser(req), req.params.id, req.id);
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/api/users',
    {
      config: { access: 'permission:users:read' },
      schema: {
        tags: ['identity'],
        summary: "Users: all for Secretariat-wide roles, else only the user's own provider's or entity's",
        querystring: UserQuerySchema,
        response: { 200: pageOf(UserSchema), 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (req) => findUsers(db(), visibleScope(currentUser(req)), req.query),
  );

  api.get(
    '/api/users/:id',
    {
      config: { access: 'permission:users:read' },
      schema: {
        tags: ['identity'],
        summary: 'One user (404 when outside what the caller may see)',
        params: z.object({ id: IdSchema }),
        response: { 200: UserSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (req) => {
      const u = await findUser(db(), visibleScope(currentUser(req)), req.params.id);
      if (!u) throw new AppError('IDENTITY_USER_NOT_FOUND', 'No such user');
      return u;
    },
  );
}
