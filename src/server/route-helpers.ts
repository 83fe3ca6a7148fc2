/** Shared pieces of route definitions: the problem schema for OpenAPI and a typed route registrar. */
import type { FastifyInstance } from 'fastify';
import { serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
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

/**
 * A route's `serializerCompiler` for a hot read whose success body is built field by field by typed code
 * (the work queue; decision 0023): the success response (`okStatus`) is written by `JSON.stringify` alone,
 * without zod's check and copy of it first (about a quarter of the server's time on a 50-case page); every
 * other status keeps the app's checked serializer. The response schema stays declared for the OpenAPI
 * document, and the route's tests check its bodies against it.
 */
export function uncheckedSuccessSerializer(okStatus = '200') {
  return (route: { schema: unknown; method: string; url: string; httpStatus?: string }) =>
    route.httpStatus === okStatus ? (data: unknown) => JSON.stringify(data) : serializerCompiler(route as never);
}
