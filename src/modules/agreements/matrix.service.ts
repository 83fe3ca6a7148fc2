/** The "who serves whom" matrix: client entities (rows) x services (columns) -> assigned provider. */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.ts';
import { findServices } from '../catalogue/catalogue.repository.ts';
import { findClientEntities } from '../directory/directory.repository.ts';
import { findAssignmentsInForceFor } from './assignments.repository.ts';
import type { Matrix, MatrixQuery } from './assignments.schema.ts';
import { todayUtc } from './routing.service.ts';

/**
 * Builds one page of the matrix: the entities matching the filters (sorted by code, paginated), every
 * service of the chosen line (or all), and for each cell the provider in force on `q.on` (default today).
 */
export async function buildMatrix(db: Kysely<Database>, q: MatrixQuery): Promise<Matrix> {
  const on = q.on ?? todayUtc();
  const [services, entities] = await Promise.all([
    findServices(db, {
      page: 1,
      pageSize: 500,
      order: 'asc',
      sort: 'position',
      ...(q.serviceLine ? { serviceLine: q.serviceLine } : {}),
    }),
    findClientEntities(db, {
      page: q.page,
      pageSize: q.pageSize,
      order: q.order,
      sort: 'code',
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.q ? { q: q.q } : {}),
    }),
  ]);
  const serviceCodes = services.items.map((s) => s.code);
  const assignments = await findAssignmentsInForceFor(
    db,
    entities.items.map((e) => e.code),
    serviceCodes,
    on,
  );
  const cells = new Map<string, Matrix['items'][number]['cells']>();
  for (const a of assignments) {
    const row = cells.get(a.entity.code) ?? {};
    // Newest first: keep the first seen for a service.
    row[a.service.code] ??= { provider: a.provider, scope: a.scope, costRecovery: a.costRecovery, basis: a.basis };
    cells.set(a.entity.code, row);
  }
  return {
    services: services.items.map((s) => ({ code: s.code, name: s.name, delivery: s.delivery, serviceLine: s.serviceLine })),
    items: entities.items.map((e) => ({ entity: { code: e.code, name: e.name, kind: e.kind }, cells: cells.get(e.code) ?? {} })),
    total: entities.total,
    page: entities.page,
    pageSize: entities.pageSize,
    on,
  };
}
