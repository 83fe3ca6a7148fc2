/**
 * All SQL of assignment requests, consultations and the assignment periods decisions write. Dates are
 * `YYYY-MM-DD`; assignment periods are [effective_from, effective_to).
 */
import type { Kysely, Transaction } from 'kysely';
import { fromJson } from '../../db/sql-helpers.ts';
import type { Database } from '../../db/types.ts';
import { offsetOf, type Page } from '../../server/pagination.ts';
import type {
  AssignmentRequest,
  AssignmentRequestQuery,
  ConsultationInput,
  CreateAssignmentRequest,
} from './assignment-decisions.schema.ts';
import { type RecordScope, scopeWhere } from './record-scope.ts';

type Db = Kysely<Database> | Transaction<Database>;

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

/** Inserts a request (state open) and returns its id; the reference is `AR-` + the id on 6 digits. */
export async function insertAssignmentRequest(
  db: Db,
  r: CreateAssignmentRequest,
  requestedBy: number,
  at: Date,
): Promise<number> {
  const row = await db
    .insertInto('assignment_requests')
    .values({
      reference: `pending-${Math.random().toString(36).slice(2)}`,
      entity_code: r.entity,
      provider_code: r.provider,
      services: JSON.stringify(r.services),
      scope: r.scope,
      cost_recovery: r.costRecovery,
      requested_from: r.requestedFrom,
      justification: r.justification,
      state: 'open',
      requested_by: requestedBy,
      requested_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .updateTable('assignment_requests')
    .set({ reference: `AR-${String(row.id).padStart(6, '0')}` })
    .where('id', '=', row.id)
    .execute();
  return row.id;
}

/** Inserts a consultation on a request. */
export async function insertConsultation(
  db: Db,
  requestId: number,
  c: ConsultationInput,
  recordedBy: number,
  at: Date,
): Promise<void> {
  await db
    .insertInto('assignment_consultations')
    .values({
      request_id: requestId,
      party: c.party,
      consultee: c.consultee,
      opinion: c.opinion,
      comment: c.comment,
      recorded_by: recordedBy,
      at,
    })
    .execute();
}

/** Records the decision on a request. */
export async function markDecided(
  db: Db,
  id: number,
  d: { state: 'approved' | 'rejected'; decidedBy: number; at: Date; rationale: string; effectiveFrom: string | null },
): Promise<void> {
  await db
    .updateTable('assignment_requests')
    .set({
      state: d.state,
      decided_by: d.decidedBy,
      decided_at: d.at,
      decision_rationale: d.rationale,
      effective_from: d.effectiveFrom,
    })
    .where('id', '=', id)
    .execute();
}

function requestSelect(db: Db) {
  return db
    .selectFrom('assignment_requests as r')
    .innerJoin('client_entities as e', 'e.code', 'r.entity_code')
    .innerJoin('providers as p', 'p.code', 'r.provider_code')
    .leftJoin('users as ru', 'ru.id', 'r.requested_by')
    .leftJoin('users as du', 'du.id', 'r.decided_by')
    .selectAll('r')
    .select(['e.name as e_name', 'p.name as p_name', 'ru.name as requested_by_name', 'du.name as decided_by_name']);
}

/** Requests visible in `scope` (without consultations), newest first. */
export async function findAssignmentRequests(
  db: Db,
  scope: RecordScope,
  q: AssignmentRequestQuery,
): Promise<Page<AssignmentRequest>> {
  let query = requestSelect(db).where(scopeWhere(scope, 'r.provider_code', 'r.entity_code'));
  if (q.state) query = query.where('r.state', '=', q.state);
  if (q.entity) query = query.where('r.entity_code', '=', q.entity);
  if (q.provider) query = query.where('r.provider_code', '=', q.provider);
  const total = await query.clearSelect().select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const rows = await query
    .orderBy('r.requested_at', q.order === 'asc' ? 'asc' : 'desc')
    .orderBy('r.id', 'desc')
    .limit(q.pageSize)
    .offset(offsetOf(q))
    .execute();
  return { items: rows.map((r) => toRequest(r, [])), total: Number(total.n), page: q.page, pageSize: q.pageSize };
}

// biome-ignore lint/suspicious/noExplicitAny: row of a join
function toRequest(r: any, consultations: AssignmentRequest['consultations']): AssignmentRequest {
  return {
    id: r.id,
    reference: r.reference,
    entity: { code: r.entity_code, name: fromJson(r.e_name) },
    provider: { code: r.provider_code, name: fromJson(r.p_name) },
    services: fromJson<string[]>(r.services),
    scope: r.scope,
    costRecovery: r.cost_recovery,
    requestedFrom: r.requested_from,
    justification: r.justification,
    state: r.state,
    requestedBy: r.requested_by_name ?? null,
    requestedAt: new Date(r.requested_at).toISOString(),
    decidedBy: r.decided_by_name ?? null,
    decidedAt: iso(r.decided_at),
    decisionRationale: r.decision_rationale,
    effectiveFrom: r.effective_from,
    consultations,
  };
}

/** One request with its consultation trail (oldest first), or undefined. `forUpdate` locks the request row. */
export async function findAssignmentRequest(db: Db, id: number, forUpdate = false): Promise<AssignmentRequest | undefined> {
  if (forUpdate) await db.selectFrom('assignment_requests').select('id').where('id', '=', id).forUpdate().execute();
  const r = await requestSelect(db).where('r.id', '=', id).executeTakeFirst();
  if (!r) return undefined;
  const cs = await db
    .selectFrom('assignment_consultations as c')
    .leftJoin('users as u', 'u.id', 'c.recorded_by')
    .select(['c.id', 'c.party', 'c.consultee', 'c.opinion', 'c.comment', 'c.at', 'u.name as recorded_by'])
    .where('c.request_id', '=', id)
    .orderBy('c.at')
    .orderBy('c.id')
    .execute();
  return toRequest(
    r,
    cs.map((c) => ({
      id: c.id,
      party: c.party,
      consultee: c.consultee,
      opinion: c.opinion,
      comment: c.comment,
      recordedBy: c.recorded_by ?? null,
      at: new Date(c.at).toISOString(),
    })),
  );
}

export interface PeriodRow {
  id: number;
  provider: string;
  effectiveFrom: string;
  effectiveTo: string | null;
}

/** The assignment periods of (entity, service), oldest first, locked for update. */
export async function lockPeriods(db: Db, entity: string, service: string): Promise<PeriodRow[]> {
  const rows = await db
    .selectFrom('assignments')
    .select(['id', 'provider_code', 'effective_from', 'effective_to'])
    .where('entity_code', '=', entity)
    .where('service_code', '=', service)
    .orderBy('effective_from')
    .forUpdate()
    .execute();
  return rows.map((r) => ({ id: r.id, provider: r.provider_code, effectiveFrom: r.effective_from, effectiveTo: r.effective_to }));
}

/** Ends an assignment period on `to` (exclusive). */
export async function endPeriod(db: Db, id: number, to: string): Promise<void> {
  await db.updateTable('assignments').set({ effective_to: to }).where('id', '=', id).execute();
}

/** Inserts the assignment period a decision writes. */
export async function insertDecidedAssignment(
  db: Db,
  a: {
    provider: string;
    entity: string;
    service: string;
    scope: 'global' | 'regional' | 'local';
    from: string;
    to: string | null;
    costRecovery: boolean;
    basis: string;
    reference: string;
    decisionId: number;
  },
): Promise<void> {
  await db
    .insertInto('assignments')
    .values({
      provider_code: a.provider,
      entity_code: a.entity,
      service_code: a.service,
      scope: a.scope,
      effective_from: a.from,
      effective_to: a.to,
      cost_recovery: a.costRecovery,
      basis: a.basis,
      source: `decision:${a.reference}`,
      decision_id: a.decisionId,
    })
    .execute();
}

/** Every assignment period of (entity, service), oldest first, with the decision that made it. */
export async function findAssignmentHistory(db: Db, entity: string, service: string) {
  const rows = await db
    .selectFrom('assignments as a')
    .innerJoin('providers as p', 'p.code', 'a.provider_code')
    .leftJoin('assignment_requests as r', 'r.id', 'a.decision_id')
    .select([
      'a.provider_code',
      'p.name as p_name',
      'a.effective_from',
      'a.effective_to',
      'a.scope',
      'a.cost_recovery',
      'a.basis',
      'r.reference as decision',
    ])
    .where('a.entity_code', '=', entity)
    .where('a.service_code', '=', service)
    .orderBy('a.effective_from')
    .execute();
  return rows.map((r) => ({
    provider: { code: r.provider_code, name: fromJson<{ en: string; fr: string }>(r.p_name) },
    effectiveFrom: r.effective_from,
    effectiveTo: r.effective_to,
    scope: r.scope,
    costRecovery: r.cost_recovery,
    basis: r.basis,
    decision: r.decision ?? null,
  }));
}
