/**
 * All SQL of the e-mail outbox: claiming due rows (`FOR UPDATE SKIP LOCKED`, so that any number of
 * senders, in one process or many, never hold the same row), and recording each delivery's outcome.
 * Rows are queued by `enqueueEmail` in `cases.repository.ts`, inside the transaction of the change they
 * tell about.
 */
import type { ColumnType, Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../../db/types.ts';

/** Columns added to `outbox` by migration 20261129T1500-email-attachments. */
export interface OutboxDeliveryColumns {
  /** When the row may next be tried: after a failure (backoff) or while claimed (lease end); null: at once. */
  next_attempt_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Token of the sender that holds the claim; null when unclaimed. */
  claim_token: string | null;
  /** The Message-ID the e-mail was sent with (`<...>`). */
  message_id: string | null;
}

type Db = Kysely<Database> | Transaction<Database>;

function withDelivery(db: Db) {
  return db.withTables<{ outbox: OutboxDeliveryColumns }>();
}

/** An outbox row claimed for one delivery attempt. */
export interface ClaimedEmail {
  id: string;
  caseId: string | null;
  /** The reference of the case the e-mail is about (`MER-000123`), or null. */
  caseReference: string | null;
  to: string;
  subject: string;
  body: string;
  /** Attempts so far, this one included (1 on the first try). */
  attempts: number;
  /** The claim's token: outcomes are recorded only while the claim is still this one. */
  claimToken: string;
}

/**
 * Claims up to `limit` due pending rows, oldest first, in one statement (so one transaction):
 * `WITH due AS (SELECT ... FOR UPDATE SKIP LOCKED) UPDATE outbox ... RETURNING ...`. A claimed row counts
 * one more attempt and is not due again until `leaseUntil`, so a sender that dies mid-send gives its rows
 * back after the lease (at-least-once delivery).
 * @param at the current instant; rows with `next_attempt_at` after it are not due.
 */
export async function claimDueEmails(
  db: Db,
  opts: { at: Date; limit: number; leaseUntil: Date; token: string },
): Promise<ClaimedEmail[]> {
  const d = withDelivery(db);
  const rows = await d
    .with('due', (qb) =>
      qb
        .selectFrom('outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', opts.at)]))
        .orderBy('id')
        .limit(opts.limit)
        .forUpdate()
        .skipLocked(),
    )
    .updateTable('outbox')
    .from('due')
    .whereRef('outbox.id', '=', 'due.id')
    .set({
      attempts: sql<number>`outbox.attempts + 1`,
      next_attempt_at: opts.leaseUntil,
      claim_token: opts.token,
    })
    .returning((eb) => [
      'outbox.id',
      'outbox.case_id',
      'outbox.to_address',
      'outbox.subject',
      'outbox.body',
      'outbox.attempts',
      eb.selectFrom('cases').select('cases.reference').whereRef('cases.id', '=', 'outbox.case_id').as('case_reference'),
    ])
    .execute();
  return rows
    .map((r) => ({
      id: String(r.id),
      caseId: r.case_id === null ? null : String(r.case_id),
      caseReference: r.case_reference ?? null,
      to: r.to_address,
      subject: r.subject,
      body: r.body,
      attempts: Number(r.attempts),
      claimToken: opts.token,
    }))
    .sort((a, b) => Number(a.id) - Number(b.id));
}

/**
 * Marks a claimed row sent.
 * @returns false when the claim was lost meanwhile (the lease ran out and another sender took the row).
 */
export async function markEmailSent(db: Db, id: string, token: string, at: Date, messageId: string): Promise<boolean> {
  const r = await withDelivery(db)
    .updateTable('outbox')
    .set({ status: 'sent', sent_at: at, message_id: messageId, last_error: null, next_attempt_at: null, claim_token: null })
    .where('id', '=', id)
    .where('claim_token', '=', token)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Records a failed attempt: the row stays pending until `retryAt`, or, with `retryAt` null, becomes
 * `failed` for good. `error` is kept in `last_error` (cut to 2,000 characters).
 * @returns false when the claim was lost meanwhile.
 */
export async function markEmailAttemptFailed(
  db: Db,
  id: string,
  token: string,
  error: string,
  retryAt: Date | null,
): Promise<boolean> {
  const r = await withDelivery(db)
    .updateTable('outbox')
    .set({
      status: retryAt ? 'pending' : 'failed',
      last_error: error.slice(0, 2000),
      next_attempt_at: retryAt,
      claim_token: null,
    })
    .where('id', '=', id)
    .where('claim_token', '=', token)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
