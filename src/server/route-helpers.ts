/** Shared pieces of route definitions: the problem schema for OpenAPI and a typed route registrar. */
import type { FastifyInstance } from 'fastify';
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
