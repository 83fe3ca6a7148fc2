/** Shared pieces of route definitions: the problem schema for OpenAPI and a typed route registrar. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().describe('Stable error code'),
    requestId: z.string().optional(),
    errors: z.array(z.object({ field: z.string().optional(), line: z.number().optional(), message: z.string() })).optional(),
  })
  .catchall(z.unknown())
  .describe('RFC 9457 problem document (application/problem+json)');

/** The app with the zod type provider. */
export function typed(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}

export const CodeParamSchema = z.object({ code: z.string().min(1).max(40) });

/** The query string of a route that takes no parameter: any parameter is refused by name. */
const NO_QUERY = z.strictObject({});

/**
 * The query-string schema an API route is registered with: its own, which must be a strict object
 * (`z.strictObject`, or `PageQuerySchema` extended), or, when it declares none, one that takes no parameter.
 * A parameter the route does not know (`?stat=closed` for `state`) is then answered 400 naming it, as strict
 * bodies do, never ignored. Called for every API route as it registers (app.ts).
 * @throws Error naming the route, at start-up, when its schema would let unknown parameters through.
 */
export function strictQuerystring(method: string | string[], url: string, querystring: unknown): z.ZodObject {
  if (querystring === undefined) return NO_QUERY;
  if (querystring instanceof z.ZodObject && querystring._zod.def.catchall instanceof z.ZodNever) return querystring;
  throw new Error(
    `Route ${String(method)} ${url}: its querystring schema must be a strict object (z.strictObject), so that an unknown parameter is refused by name`,
  );
}

/**
 * Sends `json`, a body already written as JSON text (the work queue's page, whose items PostgreSQL wrote;
 * decision 0024), as it is: Fastify does not serialise a string body with a JSON content type, so the route's
 * response schema documents it (OpenAPI) without checking it; the route's tests check its bodies instead.
 */
export function sendJsonText(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}
