/**
 * E-mail and attachments of cases (issue 4, item 5):
 * - outbox delivery: `next_attempt_at` (backoff and the claim lease), `claim_token` (which sender holds a
 *   claimed row), `message_id` (the Message-ID the row was sent with);
 * - `inbound_emails`: one row per e-mail reply accepted on a case, keyed by its Message-ID, so that a
 *   message delivered twice lands once;
 * - an index on `attachments.case_id` (listing a case's files).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('outbox')
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('claim_token', 'uuid')
    .addColumn('message_id', 'text')
    .execute();
  await db.schema.createIndex('outbox_due_idx').on('outbox').columns(['status', 'next_attempt_at', 'id']).execute();

  await db.schema
    .createTable('inbound_emails')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'bigint', (c) => c.notNull().references('cases.id'))
    .addColumn('case_message_id', 'bigint', (c) => c.notNull().references('case_messages.id'))
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema.createIndex('attachments_case_idx').on('attachments').columns(['case_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('attachments_case_idx').ifExists().execute();
  await db.schema.dropTable('inbound_emails').ifExists().execute();
  await db.schema.dropIndex('outbox_due_idx').ifExists().execute();
  await db.schema.alterTable('outbox').dropColumn('message_id').dropColumn('claim_token').dropColumn('next_attempt_at').execute();
}
