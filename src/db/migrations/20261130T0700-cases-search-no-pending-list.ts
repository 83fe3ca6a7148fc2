/**
 * The full-text index of case titles without GIN's pending list (`fastupdate = off`; decision 0023). With
 * the pending list, new entries are appended cheaply until it reaches `gin_pending_list_limit` (4 MB), and
 * then the backend that happens to insert next merges all of it into the index: at thousands of creations a
 * second, one group-commit statement every few tens of thousands of cases stalled for that merge, and every
 * creation queued behind it (the p99 of the case load bench). Without it each creation pays its own small
 * index update.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter index cases_search_idx set (fastupdate = off)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter index cases_search_idx reset (fastupdate)`.execute(db);
}
