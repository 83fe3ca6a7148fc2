/** HTTP routes of the service catalogue. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../server/errors.ts';
import { pageOf } from '../../server/pagination.ts';
import { CodeParamSchema, ProblemSchema, typed } from '../../server/route-helpers.ts';
import { findService, findServiceLines, findServices } from './catalogue.repository.ts';
import { ServiceLineSchema, ServiceQuerySchema, ServiceSchema } from './catalogue.schema.ts';

export async function catalogueRoutes(app: FastifyInstance): Promise<void> {
  const api = typed(app);
  api.get(
    '/api/catalogue/service-lines',
    {
      config: { access: 'permission:reference:read' },
      schema: {
        tags: ['catalogue'],
        summary: 'Service lines of the common service catalogue',
        response: { 200: z.object({ items: z.array(ServiceLineSchema) }) },
      },
    },
    async () => ({ items: await findServiceLines(app.deps.db) }),
  );
  api.get(
    '/api/catalogue/services',
    {
      config: { access: 'permission:reference:read' },
      schema: {
        tags: ['catalogue'],
        summary: 'Services of the catalogue (search in any language, filter by line and delivery)',
        querystring: ServiceQuerySchema,
        response: { 200: pageOf(ServiceSchema), 400: ProblemSchema },
      },
    },
    async (req) => findServices(app.deps.db, req.query),
  );
  api.get(
    '/api/catalogue/services/:code',
    {
      config: { access: 'permission:reference:read' },
      schema: {
        tags: ['catalogue'],
        summary: 'One service',
        params: CodeParamSchema,
        response: { 200: ServiceSchema, 404: ProblemSchema },
      },
    },
    async (req) => {
      const s = await findService(app.deps.db, req.params.code);
      if (!s) throw new AppError('CATALOGUE_SERVICE_NOT_FOUND', `No service has the code ${JSON.stringify(req.params.code)}`);
      return s;
    },
  );
}
