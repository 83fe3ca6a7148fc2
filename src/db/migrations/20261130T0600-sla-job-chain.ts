/**
 * Escalation jobs one at a time per clock (decision 0023): a running clock has one pending job, its next
 * threshold, and the job carries the thresholds after it (`later`: `[{ "threshold": 90, "fireAt":
 * "2026-11-30T06:24:00.000Z" }, ...]`, by instant); firing it schedules the next. A new case wrote one row
 * per threshold per clock before (12 a case, half of its database time); now one per clock. Jobs written
 * before keep an empty `later` and fire as they did.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sla_jobs')
    .addColumn('later', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sla_jobs').dropColumn('later').execute();
}
