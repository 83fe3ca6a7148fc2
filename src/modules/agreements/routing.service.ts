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
import type { Route } from './assignments.schema.ts';

/** Today's date in UTC as `YYYY-MM-DD`. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Finds the provider assigned to serve `entity` for `service` on date `on` (default today, UTC).
 * @returns the route: provider (with its duty station), scope, cost recovery and the basis of the assignment.
 * @throws AppError DIRECTORY_ENTITY_NOT_FOUND or CATALOGUE_SERVICE_NOT_FOUND for unknown codes;
 *   ROUTING_NO_ASSIGNMENT when no provider is assigned (the request would go to DOS coordination).
 */
export async function routeRequest(
  db: Kysely<Database>,
  input: { entity: string; service: string; on?: string | undefined },
): Promise<Route> {
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
  const assignment = await findAssignmentInForce(db, entity.code, service.code, on);
  if (!assignment) {
    throw new AppError(
      'ROUTING_NO_ASSIGNMENT',
      `No provider is assigned to serve ${entity.code} for ${service.code} on ${on}; the request goes to the DOS coordination queue`,
      { details: { entity: entity.code, service: service.code, on } },
    );
  }
  const provider = await findProvider(db, assignment.provider.code);
  if (!provider) throw new AppError('INTERNAL', `Assignment ${assignment.id} names a missing provider`);
  return {
    entity: { code: entity.code, name: entity.name, kind: entity.kind },
    service: { code: service.code, name: service.name, delivery: service.delivery },
    provider,
    scope: assignment.scope,
    costRecovery: assignment.costRecovery,
    basis: assignment.basis,
    assignment,
    on,
  };
}
