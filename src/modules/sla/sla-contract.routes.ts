/**
 * HTTP routes of the SLA contract for checks: `POST /api/sla/due` and `POST /api/sla/elapsed` take the bodies
 * of `meridian sla due` / `meridian sla elapsed` (docs/sla-contract.md) and answer the same JSON. Pure
 * computation on the calendar sent; any signed-in user may call them.
 */
import type { FastifyInstance } from 'fastify';
import { ProblemSchema, typed } from '../../server/route-helpers.ts';
import {
  computeDue,
  computeElapsed,
  SlaDueRequestSchema,
  SlaDueResponseSchema,
  SlaElapsedRequestSchema,
  SlaElapsedResponseSchema,
} from './sla-contract.ts';

export async function slaContractRoutes(app: FastifyInstance): Promise<void> {
  const api = typed(app);
  api.post(
    '/api/sla/due',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['sla'],
        summary: 'Due instant of an SLA target on a business calendar',
        description:
          'Adds a target in business time (PT2H) or whole business days (P1D) to `start` on the calendar, pauses pushing it on. Answers the due instant in UTC. 400 names the bad field (e.g. `body.calendar.week.mon.1.0`).',
        body: SlaDueRequestSchema,
        response: { 200: SlaDueResponseSchema, 400: ProblemSchema, 401: ProblemSchema },
      },
    },
    async (req) => computeDue(req.body),
  );
  api.post(
    '/api/sla/elapsed',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['sla'],
        summary: 'Business minutes between two instants on a business calendar',
        description: 'Working time in [from, to) minus the working time covered by the pauses, in minutes.',
        body: SlaElapsedRequestSchema,
        response: { 200: SlaElapsedResponseSchema, 400: ProblemSchema, 401: ProblemSchema },
      },
    },
    async (req) => computeElapsed(req.body),
  );
}
