/** HTTP routes of reports on the reference data. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { typed } from '../../server/route-helpers.ts';
import { buildFidelityReport } from './fidelity.service.ts';

export async function referenceRoutes(app: FastifyInstance): Promise<void> {
  typed(app).get(
    '/api/reports/fidelity',
    {
      config: { access: 'permission:reference:read' },
      schema: {
        tags: ['reports'],
        summary: "Each figure of the report beside Meridian's",
        response: {
          200: z.object({
            items: z.array(
              z.object({
                claim: z.string(),
                paragraph: z.string(),
                report: z.string(),
                meridian: z.string(),
                agrees: z.boolean(),
              }),
            ),
          }),
        },
      },
    },
    async () => ({ items: await buildFidelityReport(app.deps.db) }),
  );
}
