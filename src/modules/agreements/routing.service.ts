/**
 * Routing: which provider serves a request of a client entity for a service, and why.
 * Rules only; SQL is in the repositories.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.ts';
import { AppError } from '../../server/errors.ts';
import { findService } from '../catalogue/catalogue.repository.ts';
import { findClientEntity, findProvider } from '../directory/directory.repository.ts';
import { findAssignmentInForce } from './assignments.repository.ts';
import type { Route, RoutePreview, UnassignedRoute } from './assignments.schema.ts';

/** Today's date in UTC as `YYYY-MM-DD`. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Finds the provider assigned to serve `entity` for `service` on date `on` (default today, UTC), or says that
 * none is (then a request goes to the DOS coordination queue: an expected situation, answered, not thrown).
 * @returns `assigned: true` with the route (provider with its duty station, scope, cost recovery, basis), or
 *   `assigned: false` with the entity, service, date and the queue.
 * @throws AppError DIRECTORY_ENTITY_NOT_FOUND or CATALOGUE_SERVICE_NOT_FOUND for unknown codes.
 */
export async function previewRoute(
  db: Kysely<Database>,
  input: { entity: string; service: string; on?: string | undefined },
): Promise<RoutePreview> {
  const found = await findRoute(db, input);
  if ('route' in found) return { assigned: true, ...found.route };
  const { entity, service, on } = found;
  return {
    assigned: false,
    entity,
    service,
    provider: null,
    queue: 'dos-coordination',
    reason: `No provider is assigned to serve ${entity.code} for ${service.code} on ${on}; a request goes to the DOS coordination queue`,
    on,
  };
}

/**
 * Finds the provider assigned to serve `entity` for `service` on date `on` (default today, UTC).
 * @returns the route: provider (with its duty station), scope, cost recovery and the basis of the assignment.
 * @throws AppError DIRECTORY_ENTITY_NOT_FOUND or CATALOGUE_SERVICE_NOT_FOUND for unknown codes;
 *   ROUTING_NO_ASSIGNMENT when no provider is assigned (the request would go to DOS coordination; the CLI's
 *   `meridian route` exits 3).
 */
export async function routeRequest(
  db: Kysely<Database>,
  input: { entity: string; service: string; on?: string | undefined },
): Promise<Route> {
  const found = await findRoute(db, input);
  if ('route' in found) return found.route;
  const { entity, service, on } = found;
  throw new AppError(
    'ROUTING_NO_ASSIGNMENT',
    `No provider is assigned to serve ${entity.code} for ${service.code} on ${on}; the request goes to the DOS coordination queue`,
    { details: { entity: entity.code, service: service.code, on } },
  );
}

/** The route, or the entity, service and date that have none. @throws AppError for unknown codes. */
async function findRoute(
  db: Kysely<Database>,
  input: { entity: string; service: string; on?: string | undefined },
): Promise<{ route: Route } | Pick<UnassignedRoute, 'entity' | 'service' | 'on'>> {
  const on = input.on ?? todayUtc();
  const [entity, service] = await Promise.all([findClientEntity(db, input.entity), findService(db, input.service)]);
  if (!entity) {
    throw new AppError('DIRECTORY_ENTITY_NOT_FOUND', `No client entity has the code ${JSON.stringify(input.entity)}`, {
      issues: [{ field: 'entity', message: 'unknown client entity code' }],
    });
  }
  if (!service) {
    throw new AppError(
      'CATALOGUE_SERVICE_NOT_FOUND',
      `No service in the catalogue has the code ${JSON.stringify(input.service)}`,
      {
        issues: [{ field: 'service', message: 'unknown service code' }],
      },
    );
  }
  const entityRef = { code: entity.code, name: entity.name, kind: entity.kind };
  const serviceRef = { code: service.code, name: service.name, delivery: service.delivery };
  const assignment = await findAssignmentInForce(db, entity.code, service.code, on);
  if (!assignment) return { entity: entityRef, service: serviceRef, on };
  const provider = await findProvider(db, assignment.provider.code);
  if (!provider) throw new AppError('INTERNAL', `Assignment ${assignment.id} names a missing provider`);
  return {
    route: {
      entity: entityRef,
      service: serviceRef,
      provider,
      scope: assignment.scope,
      costRecovery: assignment.costRecovery,
      basis: assignment.basis,
      assignment,
      on,
    },
  };
}
