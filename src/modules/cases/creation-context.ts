/**
 * What case creation reads from the reference data, cached in this process (decision 0021): the client
 * entity, the catalogue service (its form fields), the assignment in force (routing), the active SLA policies
 * of the service and priority, and the calendar owners of the entity and the assigned provider.
 *
 * Every entry is tagged with the reference data version it was read under (table `reference_data_version`,
 * bumped by a trigger on every write to those tables, migration 20261130T0500). The statement that writes
 * the case asserts that version (`assert_reference_data_version`, SQLSTATE `MR001`): when the reference data
 * changed meanwhile, in this process or another, the write is refused whole and the creation reloads and
 * retries, so a case is never routed or timed on data older than the statement that writes it.
 *
 * One cache per database handle (a `WeakMap` on the Kysely instance), so that two databases opened in one
 * process (tests) never share entries. Keyed by entity, service, priority and the UTC date the assignment
 * is in force on. Unknown entities and services are not cached (their errors are read each time).
 */
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Database, SlaPolicyTable } from '../../db/types.ts';
import { AppError } from '../../server/errors.ts';
import { findAssignmentInForce } from '../agreements/assignments.repository.ts';
import type { Assignment } from '../agreements/assignments.schema.ts';
import { findService } from '../catalogue/catalogue.repository.ts';
import type { Service } from '../catalogue/catalogue.schema.ts';
import { findClientEntity } from '../directory/directory.repository.ts';
import type { ClientEntity } from '../directory/directory.schema.ts';
import { type CalendarOwnerRow, findCalendarOwners } from '../sla/clocks.repository.ts';
import { findPolicyRows } from '../sla/policies.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The reference data a creation needs, as read under reference data version `version`. */
export interface CreationContext {
  version: number;
  entity: ClientEntity;
  service: Service;
  /** The assignment in force on the keyed date, or undefined (the case goes to the DOS coordination queue). */
  assignment: Assignment | undefined;
  /** The active SLA policies of the service and priority (any provider), as rows. */
  policies: Selectable<SlaPolicyTable>[];
  /** The calendar owners of the entity and of the assigned provider. */
  calendarOwners: CalendarOwnerRow[];
}

/** The SQLSTATE `assert_reference_data_version` raises when the reference data changed. */
export const REFERENCE_DATA_CHANGED = 'MR001';

/** Entries per database before the cache is emptied (a bound on memory; entries are a few KB). */
const MAX_ENTRIES = 5000;

const caches = new WeakMap<object, Map<string, CreationContext>>();

/** The current reference data version. */
export async function readReferenceDataVersion(db: Db): Promise<number> {
  const r = await sql<{ version: string }>`select version from reference_data_version where id = 1`.execute(db);
  return Number(r.rows[0]?.version ?? 0);
}

/**
 * The creation context of a case of `entity` and `service` at `priority`, routed by the assignment in force
 * on `on` (UTC date `YYYY-MM-DD`): from the cache, else read (5 statements) and cached.
 * @throws AppError DIRECTORY_ENTITY_NOT_FOUND, CATALOGUE_SERVICE_NOT_FOUND (field named).
 */
export async function creationContext(
  db: Kysely<Database>,
  entity: string,
  service: string,
  priority: string,
  on: string,
): Promise<CreationContext> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  const key = `${entity}\u0000${service}\u0000${priority}\u0000${on}`;
  const hit = cache.get(key);
  if (hit) return hit;
  // The version first: a change committed after this read bumps it, and the write then refuses this entry.
  const version = await readReferenceDataVersion(db);
  const [e, s] = await Promise.all([findClientEntity(db, entity), findService(db, service)]);
  if (!e)
    throw new AppError('DIRECTORY_ENTITY_NOT_FOUND', `No client entity ${entity}`, {
      issues: [{ field: 'entity', message: 'unknown' }],
    });
  if (!s)
    throw new AppError('CATALOGUE_SERVICE_NOT_FOUND', `No service ${service} in the catalogue`, {
      issues: [{ field: 'service', message: 'unknown service code' }],
    });
  const assignment = await findAssignmentInForce(db, e.code, s.code, on);
  const [policies, calendarOwners] = await Promise.all([
    findPolicyRows(db, s.code, priority),
    findCalendarOwners(db, e.code, assignment ? [assignment.provider.code] : []),
  ]);
  const ctx: CreationContext = { version, entity: e, service: s, assignment, policies, calendarOwners };
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, ctx);
  return ctx;
}

/** Drops every cached context of database `db` (after a write was refused with `REFERENCE_DATA_CHANGED`). */
export function forgetCreationContexts(db: Kysely<Database>): void {
  caches.get(db)?.clear();
}

/** Whether `e` is the refusal of a write whose reference data version is out of date. */
export function isReferenceDataChanged(e: unknown): boolean {
  return (
    (e as { code?: unknown } | null)?.code === REFERENCE_DATA_CHANGED ||
    /reference data changed/.test(String((e as Error)?.message))
  );
}
