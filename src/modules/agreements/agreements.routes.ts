/** HTTP routes of assignments and routing. */
import type { FastifyInstance } from 'fastify';
import { pageOf } from '../../server/pagination.ts';
import { ProblemSchema, typed } from '../../server/route-helpers.ts';
import { findAssignments } from './assignments.repository.ts';
import { AssignmentQuerySchema, AssignmentSchema, RouteSchema, RoutingQuerySchema } from './assignments.schema.ts';
import { routeRequest } from './routing.service.ts';

export async function agreementsRoutes(app: FastifyInstance): Promise<void> {
  const api = typed(app);
  api.get(
    '/api/assignments',
    {
      config: { access: 'public' },
      schema: {
        tags: ['agreements'],
        summary: 'Provider assignments: who serves which client entity for which service, and on what basis',
        querystring: AssignmentQuerySchema,
        response: { 200: pageOf(AssignmentSchema), 400: ProblemSchema },
      },
    },
    async (req) => findAssignments(app.deps.db, req.query),
  );
  api.get(
    '/api/routing',
    {
      config: { access: 'public' },
      schema: {
        tags: ['agreements'],
        summary: 'Which provider serves this request, and why',
        description:
          'Answers the provider assigned to serve the client entity for the service on the date (default today), with the basis of the assignment. 404 `ROUTING_NO_ASSIGNMENT` when none is assigned.',
        querystring: RoutingQuerySchema,
        response: { 200: RouteSchema, 400: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (req) => routeRequest(app.deps.db, req.query),
  );
}
