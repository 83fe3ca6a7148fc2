/**
 * Composition of the HTTP API: Fastify with zod schemas (validation, types and OpenAPI 3.1 from one
 * contract), problem+json errors, access declarations, and every module's routes under `/api`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import helmet from 'helmet';
import type { Kysely } from 'kysely';
import type { DatabaseKind } from '../db/database.ts';
import type { Database } from '../db/types.ts';
import { agreementsRoutes } from '../modules/agreements/agreements.routes.ts';
import { slaAgreementsRoutes } from '../modules/agreements/sla-agreements.routes.ts';
import { billingRoutes } from '../modules/billing/billing.routes.ts';
import { type AttachmentRouteOptions, attachmentRoutes } from '../modules/cases/attachments.routes.ts';
import { casesRoutes } from '../modules/cases/cases.routes.ts';
import { teamRoutes } from '../modules/cases/teams.ts';
import { catalogueRoutes } from '../modules/catalogue/catalogue.routes.ts';
import { directoryRoutes } from '../modules/directory/directory.routes.ts';
import { identityRoutes } from '../modules/identity/identity.routes.ts';
import { DEFAULT_SESSION_POLICY, type SessionPolicy } from '../modules/identity/sessions.service.ts';
import { performanceRoutes } from '../modules/performance/performance.routes.ts';
import { planningRoutes } from '../modules/planning/planning.routes.ts';
import { referenceRoutes } from '../modules/reference/reference.routes.ts';
import { slaRoutes } from '../modules/sla/sla.routes.ts';
import { slaContractRoutes } from '../modules/sla/sla-contract.routes.ts';
import type { SurveySettings } from '../modules/surveys/settings.ts';
import { surveyRoutes } from '../modules/surveys/surveys.routes.ts';
import { installAccessControl } from './access.ts';
import { AppError, fieldIssuesOf, type SchemaIssue, toProblem } from './errors.ts';
import { assertStrictBody, strictQuerystring } from './route-helpers.ts';
import { VERSION } from './version.ts';

export interface AppDeps {
  db: Kysely<Database>;
  databaseKind: DatabaseKind;
  logLevel?: string;
  /** Session lifetimes (default 12 h absolute, 2 h idle). */
  sessionPolicy?: SessionPolicy;
  /** How long a looked-up session is served from memory, ms (default 5,000; 0: look it up on every request). */
  sessionCacheMs?: number;
  /** Mark the session cookie Secure. */
  secureCookies?: boolean;
  /** Sign-in attempts per client address per minute (default 10). */
  signInRateLimit?: number;
  /** Folder of the built web app (default `web/dist`); served at `/` when present. */
  webDir?: string;
  /** Days after resolution during which a case can be reopened (default 10). */
  reopenWindowDays?: number;
  /**
   * Attachments of cases: folder (`<dataDir>/attachments`), size limit in bytes, virus-scan hook.
   * Without it the attachment routes are not served.
   */
  attachments?: AttachmentRouteOptions;
  /** Survey settings (throttle, link lifetime and secret, public URL, anonymity threshold); defaults otherwise. */
  surveys?: Partial<SurveySettings>;
  /** How long a queue's counted total is reused for the same user and filters, ms (default 5,000; 0: never). */
  queueTotalCacheMs?: number;
}

/** A UTF-16 surrogate without its pair (not a character: it cannot be stored as UTF-8). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The first string (or key) of `value` that PostgreSQL text cannot hold: its path (e.g. `body.title`) and
 * what is wrong (`nul`: a NUL character; `surrogate`: a lone UTF-16 surrogate), or undefined.
 */
export function findInvalidText(value: unknown, path = ''): { path: string; what: 'nul' | 'surrogate' } | undefined {
  const check = (s: string, at: string) =>
    s.includes('\u0000')
      ? { path: at || 'request', what: 'nul' as const }
      : LONE_SURROGATE.test(s)
        ? { path: at || 'request', what: 'surrogate' as const }
        : undefined;
  if (typeof value === 'string') return check(value, path);
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const at = path ? `${path}.${k}` : k;
      const found = check(k, at) ?? findInvalidText(v, at);
      if (found) return found;
    }
  }
  return undefined;
}

/** PostgreSQL errors caused by the values sent: data exceptions (class 22) and foreign-key violations. */
function isPgDataError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^(22[0-9A-Z]{3}|23503)$/.test(code);
}

/** Where `vite build` puts the web app. */
export const DEFAULT_WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export type App = FastifyInstance;

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
  }
}

/**
 * Builds the Fastify app (not listening). Routes: `/api/health`, the directory, catalogue, assignments,
 * routing and reports; OpenAPI at `/api/openapi.json`, browsable reference at `/api/docs`.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: deps.logLevel ?? 'info' },
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { coerceTypes: 'array' } },
  }).withTypeProvider<ZodTypeProvider>();
  app.decorate('deps', deps);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const sessionPolicy = deps.sessionPolicy ?? DEFAULT_SESSION_POLICY;
  await app.register(cookie);
  // Security headers (helmet), its middleware built once: @fastify/helmet built it anew on every request
  // (its directives parsed each time, ~3% of the server's CPU on a queue page).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
  });
  app.addHook('onRequest', (request, reply, done) =>
    securityHeaders(request.raw, reply.raw, (err) => done(err as Error | undefined)),
  );
  await app.register(rateLimit, { global: false });
  installAccessControl(app, {
    db: deps.db,
    sessionPolicy,
    ...(deps.sessionCacheMs !== undefined ? { sessionCacheMs: deps.sessionCacheMs } : {}),
  });
  // Every API route refuses a query parameter or a body key it does not declare (decision 0025); the API
  // reference and the web app's files are not the API's.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.url.startsWith('/api/docs')) return;
    route.schema = { ...route.schema, querystring: strictQuerystring(route.method, route.url, route.schema?.querystring) };
    assertStrictBody(route.method, route.url, route.schema.body);
  });
  // PostgreSQL text cannot hold NUL nor a lone surrogate (invalid UTF-8; in JSON, an invalid escape): refuse
  // them at the door, naming the field, rather than fail in SQL.
  app.addHook('preValidation', async (req) => {
    const bad = findInvalidText({ querystring: req.query, params: req.params, body: req.body });
    if (bad?.what === 'nul')
      throw new AppError('VALIDATION_FAILED', `${bad.path} contains a NUL character`, {
        issues: [{ field: bad.path, message: 'contains a NUL character (\\u0000)' }],
      });
    if (bad)
      throw new AppError('VALIDATION_FAILED', `${bad.path} contains a lone UTF-16 surrogate, which is not a character`, {
        issues: [{ field: bad.path, message: 'contains an invalid character (a lone UTF-16 surrogate)' }],
      });
  });

  app.setErrorHandler((err, req, reply) => {
    let appErr: AppError;
    if (err instanceof AppError) {
      appErr = err;
    } else if (hasZodFastifySchemaValidationErrors(err)) {
      const where = (err as { validationContext?: string }).validationContext ?? 'request';
      // fastify-type-provider-zod passes each zod issue on as {keyword: code, instancePath, message, params: the rest}
      const issues = fieldIssuesOf(
        err.validation.map((v) => ({
          ...(v.params as Omit<SchemaIssue, 'code' | 'path' | 'message'>),
          code: v.keyword,
          path: String(v.instancePath ?? '')
            .split('/')
            .filter(Boolean),
          message: v.message ?? 'invalid',
        })),
        where,
      );
      appErr = new AppError('VALIDATION_FAILED', `Invalid ${where}: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, {
        issues,
      });
    } else if (isPgDataError(err)) {
      // A value PostgreSQL refused (out of range, invalid text, missing referenced row) is the client's input.
      appErr = new AppError('VALIDATION_FAILED', 'A value in the request is out of range or refers to a missing record');
    } else if ((err as { statusCode?: number }).statusCode === 429) {
      appErr = new AppError('RATE_LIMITED', 'Too many attempts; wait a minute and try again');
    } else if ((err as { statusCode?: number }).statusCode === 413) {
      appErr = new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large');
    } else if ((err as { statusCode?: number }).statusCode === 415) {
      appErr = new AppError('UNSUPPORTED_MEDIA_TYPE', (err as Error).message);
    } else if ((err as { statusCode?: number }).statusCode === 400) {
      appErr = new AppError('VALIDATION_FAILED', (err as Error).message);
    } else {
      req.log.error({ err }, 'unhandled error');
      appErr = new AppError('INTERNAL', 'An unexpected error occurred; it has been logged');
    }
    reply.status(appErr.status).type('application/problem+json').send(toProblem(appErr, req.id));
  });
  const webDir = deps.webDir ?? DEFAULT_WEB_DIR;
  const hasWeb = fs.existsSync(path.join(webDir, 'index.html'));
  app.setNotFoundHandler((req, reply) => {
    // The web app's client-side routes: any GET outside /api answers index.html.
    if (hasWeb && req.method === 'GET' && !req.url.startsWith('/api')) {
      return reply.type('text/html').sendFile('index.html');
    }
    const e = new AppError('ROUTE_NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}`);
    reply.status(404).type('application/problem+json').send(toProblem(e, req.id));
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Meridian API',
        version: VERSION,
        description:
          "Shared-services delivery platform for the UN Secretariat's service delivery model: sign-in and users, directory, service catalogue, assignments and routing, and cases (one front door, routed to the assigned provider, tracked end to end across handoffs, with messages, attachments and e-mail).",
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  await app.register(async (api) => {
    api.get(
      '/api/health',
      {
        config: { access: 'public' },
        schema: {
          tags: ['system'],
          summary: 'Health, version and database kind',
        },
      },
      async () => {
        await deps.db.selectFrom('meta').select('key').limit(1).execute();
        return { status: 'ok', version: VERSION, database: deps.databaseKind };
      },
    );
    await directoryRoutes(api);
    await catalogueRoutes(api);
    await agreementsRoutes(api);
    await referenceRoutes(api);
    await casesRoutes(api, {
      ...(deps.reopenWindowDays !== undefined ? { reopenWindowDays: deps.reopenWindowDays } : {}),
      ...(deps.surveys ? { surveys: deps.surveys } : {}),
      ...(deps.queueTotalCacheMs !== undefined ? { queueTotalCacheMs: deps.queueTotalCacheMs } : {}),
    });
    if (deps.attachments) await attachmentRoutes(api, deps.attachments);
    await teamRoutes(api);
    await slaRoutes(api);
    await slaContractRoutes(api);
    await surveyRoutes(api, { surveys: deps.surveys });
    await planningRoutes(api);
    await performanceRoutes(api);
    await identityRoutes(api, {
      sessionPolicy,
      secureCookies: deps.secureCookies ?? false,
      signInRateLimit: deps.signInRateLimit ?? 10,
    });
    await slaAgreementsRoutes(api);
    await billingRoutes(api);
  });
  if (hasWeb) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: ['index.html'] });
  }
  return app;
}
