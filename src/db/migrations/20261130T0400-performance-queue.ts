/**
 * The performance roll-ups' queue (decision 0019): a case change appends its case id here inside its own
 * transaction, and `drainPerformanceQueue` refreshes the case's facts and roll-ups after commit. One row per
 * case per transaction (`tx` = the appending transaction's id), so that appending never waits on, nor
 * locks, a row another transaction may hold; the drain merges a case's rows.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('performance_queue')
    .addColumn('case_id', 'bigint', (c) => c.notNull())
    .addColumn('tx', 'bigint', (c) => c.notNull())
    .addColumn('queued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('performance_queue_pkey', ['case_id', 'tx'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('performance_queue').ifExists().execute();
}
