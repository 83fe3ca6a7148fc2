/** HTTP routes of assignments and routing. */
import type { FastifyInstance } from 'fastify';
import { pageOf } from '../../server/pagination.ts';
import { ProblemSchema, typed } from '../../server/route-helpers.ts';
import { findAssignmentLinks, findAssignments } from './assignments.repository.ts';
import {
  AssignmentQuerySchema,
  AssignmentSchema,
  LinksQuerySchema,
  LinksSchema,
  MatrixQuerySchema,
  MatrixSchema,
  RoutePreviewSchema,
  RoutingQuerySchema,
} from './assignments.schema.ts';
import { buildMatrix } from './matrix.service.ts';
import { previewRoute, todayUtc } from './routing.service.ts';

export async function agreementsRoutes(app: FastifyInstance): Promise<void> {
  const api = typed(app);
  api.get(
    '/api/assignments',
    {
      config: { access: 'permission:reference:read' },
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
      config: { access: 'permission:reference:read' },
      schema: {
        tags: ['agreements'],
        summary: 'Which provider serves this request, and why',
        description:
          'Answers `assigned: true` with the provider assigned to serve the client entity for the service on the date (default today) and the basis of the assignment, or `assigned: false` (provider null) when none is assigned: a request then goes to the DOS coordination queue, an expected situation (200, not an error). 404 only for an unknown entity or service code.',
        querystring: RoutingQuerySchema,
        response: { 200: RoutePreviewSchema, 400: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (req) => previewRoute(app.deps.db, req.query),
  );
  api.get(
    '/api/assignments/matrix',
    {
      config: { access: 'permission:reference:read' },
      schema: {
        tags: ['agreements'],
        summary: 'Who serves whom: client entities x services -> provider, with the basis of each cell',
        querystring: MatrixQuerySchema,
        response: { 200: MatrixSchema, 400: ProblemSchema },
      },
    },
    async (req) => buildMatrix(app.deps.db, req.query),
  );
  api.get(
    '/api/assignments/links',
    {
      config: { access: 'permission:reference:read' },
      schema: {
        tags: ['agreements'],
        summary: 'Entity-provider pairs (with both duty stations and the services given), for maps',
        querystring: LinksQuerySchema,
        response: { 200: LinksSchema, 400: ProblemSchema },
      },
    },
    async (req) => {
      const on = req.query.on ?? todayUtc();
      const kinds = req.query.kinds
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean);
      return { items: await findAssignmentLinks(app.deps.db, kinds, on), on };
    },
  );
}
