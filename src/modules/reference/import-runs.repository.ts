/** The audit trail of imports: one row per run, with its outcome and every issue found. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';

export interface ImportRunInput {
  kind: string;
  file: string;
  status: 'succeeded' | 'rejected';
  rowsRead: number;
  written: number;
  issues: unknown[];
  startedAt: Date;
}

/** Records one import run; `finished_at` is now. */
export async function recordImportRun(db: Kysely<Database> | Transaction<Database>, run: ImportRunInput): Promise<void> {
  await db
    .insertInto('import_runs')
    .values({
      kind: run.kind,
      file: run.file,
      status: run.status,
      rows_read: run.rowsRead,
      rows_written: run.written,
      issues: JSON.stringify(run.issues),
      started_at: run.startedAt,
      finished_at: new Date(),
    })
    .execute();
}

/** The latest import runs, newest first. */
export async function findImportRuns(db: Kysely<Database>, limit = 20) {
  return db.selectFrom('import_runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
}
