/**
 * SQL of the performance roll-ups' queue (`performance_queue`, migration 20261130T0400, decision 0019): the
 * ids of cases whose facts and roll-ups are to be refreshed after their change has committed. A case change
 * appends one row per transaction; the drain claims rows with row locks, refreshes, and deletes them in its
 * own transaction, so a row is gone only once its refresh has committed.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** A queued refresh: the case and the id of the transaction that queued it. */
export interface QueuedRefresh {
  caseId: string;
  tx: string;
}

/**
 * Appends case `caseId` to the queue, inside the caller's transaction (the case change). One row per case
 * and transaction: the key includes this transaction's id, so the insert never meets another transaction's
 * row and takes no lock beyond its own new row.
 */
export async function enqueueCaseRefresh(trx: Transaction<Database>, caseId: string): Promise<void> {
  await sql`insert into performance_queue (case_id, tx) values (${caseId}, txid_current()) on conflict do nothing`.execute(trx);
}

/**
 * Claims and deletes at most `limit` queued rows (lowest case ids first), except those of `excluded` cases,
 * in transaction `trx`: they are gone for others once `trx` commits, and back if it rolls back.
 * `wait` false skips rows another drain holds; true waits for that drain to end (its deleted rows are then
 * skipped, rows it left are claimed).
 */
export async function takeQueued(
  trx: Transaction<Database>,
  limit: number,
  opts: { wait: boolean; excluded: readonly string[] },
): Promise<QueuedRefresh[]> {
  const lock = opts.wait ? sql`for update` : sql`for update skip locked`;
  const r = await sql<{ case_id: string; tx: string }>`
    delete from performance_queue where (case_id, tx) in (
      select case_id, tx from performance_queue where not (case_id = any(${sql.val(opts.excluded)}::bigint[]))
      order by case_id, tx limit ${limit} ${lock})
    returning case_id, tx`.execute(trx);
  return r.rows.map((x) => ({ caseId: String(x.case_id), tx: String(x.tx) }));
}

/** The first key of the advisory locks of case refreshes (the second is the case id, folded into an int4). */
const REFRESH_LOCK_SPACE = 190_019;

/**
 * Takes, in ascending case order, a transaction-level advisory lock per case about to be refreshed, so that
 * two drains (of two processes: drains of one process already run one at a time) never refresh the same
 * case at once. Both would read the same old facts and move the roll-ups by the same difference twice; with
 * the lock the second waits for the first's commit and reads its facts. One statement; the ascending order
 * keeps two drains from deadlocking. Released at commit or rollback.
 */
export async function lockCasesForRefresh(trx: Transaction<Database>, caseIds: readonly string[]): Promise<void> {
  if (!caseIds.length) return;
  await sql`select count(pg_advisory_xact_lock(${REFRESH_LOCK_SPACE}::int, (c % 2147483647)::int))
    from (select distinct unnest(${sql.val(caseIds)}::bigint[]) as c order by 1) s`.execute(trx);
}

/** Puts claimed rows back (inside the claiming transaction, after a failed refresh rolled back to a savepoint). */
export async function requeue(trx: Transaction<Database>, rows: readonly QueuedRefresh[]): Promise<void> {
  if (!rows.length) return;
  await sql`insert into performance_queue (case_id, tx)
    select c, t from unnest(${sql.val(rows.map((r) => r.caseId))}::bigint[], ${sql.val(rows.map((r) => r.tx))}::bigint[]) as r(c, t)
    on conflict do nothing`.execute(trx);
}

/** How many rows are queued, and the case ids queued (sorted). Tests and monitoring. */
export async function queuedCases(db: Db): Promise<{ rows: number; caseIds: string[] }> {
  const r = await sql<{ case_id: string }>`select case_id from performance_queue order by case_id, tx`.execute(db);
  return { rows: r.rows.length, caseIds: [...new Set(r.rows.map((x) => String(x.case_id)))] };
}
