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
 * The paths (`body`, `body.annex.term`, `body.sections[].title`) of the objects in `schema` that would take a
 * key they do not declare: a `z.object` (which drops it silently), `z.looseObject` or a catchall of
 * `z.unknown()`/`z.any()`. A strict object (`z.strictObject`) refuses such a key by name; an object whose
 * catchall has its own schema is a map whose every value is checked (e.g. `LocalizedTextSchema`: any language,
 * each a text) and counts as strict. The walk goes through optional, nullable, default, array, union,
 * intersection, pipe (preprocess), record values, tuples and lazy schemas. Empty when all are strict.
 */
export function looseObjectPaths(schema: unknown, path = 'body'): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const walk = (s: unknown, at: string): void => {
    if (!(s instanceof z.ZodType) || seen.has(s)) return;
    seen.add(s);
    const def = s._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
    switch (def.type) {
      case 'object': {
        const catchall = def.catchall;
        if (catchall === undefined || catchall instanceof z.ZodUnknown || catchall instanceof z.ZodAny) out.push(at);
        else walk(catchall, `${at}.*`);
        for (const [key, value] of Object.entries(def.shape as Record<string, unknown>)) walk(value, `${at}.${key}`);
        break;
      }
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'nonoptional':
      case 'readonly':
      case 'catch':
        walk(def.innerType, at);
        break;
      case 'array':
        walk(def.element, `${at}[]`);
        break;
      case 'union':
        for (const option of def.options as unknown[]) walk(option, at);
        break;
      case 'intersection':
        walk(def.left, at);
        walk(def.right, at);
        break;
      case 'pipe':
        walk(def.in, at);
        walk(def.out, at);
        break;
      case 'record':
        walk(def.valueType, `${at}.*`);
        break;
      case 'tuple':
        for (const [i, item] of (def.items as unknown[]).entries()) walk(item, `${at}[${i}]`);
        walk(def.rest, `${at}[]`);
        break;
      case 'lazy':
        walk((def.getter as () => unknown)(), at);
        break;
    }
  };
  walk(schema, path);
  return out;
}

/**
 * Checks the JSON body schema an API route is registered with: every plain object in it must be strict, so
 * that a key the route does not know (`efectiveTo` for `effectiveTo`) is answered 400 naming it
 * (`body.efectiveTo`: "is not a known field"), never dropped. Called for every API route as it registers
 * (app.ts), as {@link strictQuerystring} is for query strings (decision 0025).
 * @throws Error naming the route and each loose object's path, at start-up.
 */
export function assertStrictBody(method: string | string[], url: string, body: unknown): void {
  if (body === undefined) return;
  const loose = looseObjectPaths(body);
  if (loose.length > 0)
    throw new Error(
      `Route ${String(method)} ${url}: its body schema must refuse unknown keys (z.strictObject) at ${loose.join(', ')}`,
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
