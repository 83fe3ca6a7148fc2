/**
 * Cases: one front door. Teams of providers, cases (with child tasks), append-only case events, provider
 * segments (who held a case, from when to when), messages, attachments, idempotency keys, the e-mail
 * outbox, and form fields per service.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('services')
    .addColumn('form_fields', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();

  await db.schema
    .createTable('teams')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('provider_code', 'text', (c) => c.notNull().references('providers.code'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addUniqueConstraint('teams_provider_code_uq', ['provider_code', 'code'])
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('team_id', 'integer', (c) => c.references('teams.id'))
    .execute();

  await db.schema
    .createTable('cases')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('parent_case_id', 'bigint', (c) => c.references('cases.id'))
    .addColumn('entity_code', 'text', (c) => c.notNull().references('client_entities.code'))
    .addColumn('requester_user_id', 'integer', (c) => c.references('users.id'))
    .addColumn('service_code', 'text', (c) => c.notNull().references('services.code'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('fields', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('impact', 'smallint', (c) => c.notNull().check(sql`impact between 1 and 3`))
    .addColumn('urgency', 'smallint', (c) => c.notNull().check(sql`urgency between 1 and 3`))
    .addColumn('priority', 'text', (c) => c.notNull().check(sql`priority in ('P1','P2','P3','P4')`))
    .addColumn('state', 'text', (c) =>
      c.notNull().check(sql`state in ('new','in-progress','awaiting-client','resolved','closed','cancelled','merged')`),
    )
    .addColumn('provider_code', 'text', (c) => c.references('providers.code'))
    .addColumn('team_id', 'integer', (c) => c.references('teams.id'))
    .addColumn('assignee_user_id', 'integer', (c) => c.references('users.id'))
    .addColumn('routing_reason', 'text', (c) => c.notNull())
    .addColumn('merged_into_case_id', 'bigint', (c) => c.references('cases.id'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('search', sql`tsvector`, (c) =>
      c.generatedAlwaysAs(sql`to_tsvector('simple', coalesce(reference,'') || ' ' || coalesce(title,''))`).stored(),
    )
    .execute();
  await db.schema.createIndex('cases_provider_state_idx').on('cases').columns(['provider_code', 'state', 'created_at']).execute();
  await db.schema.createIndex('cases_entity_idx').on('cases').columns(['entity_code', 'created_at']).execute();
  await db.schema.createIndex('cases_requester_idx').on('cases').column('requester_user_id').execute();
  await db.schema.createIndex('cases_parent_idx').on('cases').column('parent_case_id').execute();
  await db.schema.createIndex('cases_assignee_idx').on('cases').column('assignee_user_id').execute();
  await db.schema.createIndex('cases_search_idx').on('cases').using('gin').column('search').execute();
  await db.schema.createIndex('cases_source_external_uq').on('cases').columns(['source', 'external_id']).unique().execute();

  await db.schema
    .createTable('case_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'bigint', (c) => c.notNull().references('cases.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor_user_id', 'integer', (c) => c.references('users.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex('case_events_case_idx').on('case_events').columns(['case_id', 'at']).execute();
  await sql`create function case_events_append_only() returns trigger language plpgsql as $$
    begin raise exception 'case_events is append-only' using errcode = 'P0001'; end $$`.execute(db);
  await sql`create trigger case_events_no_change before update or delete on case_events
    for each row execute function case_events_append_only()`.execute(db);

  await db.schema
    .createTable('case_segments')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'bigint', (c) => c.notNull().references('cases.id'))
    .addColumn('provider_code', 'text', (c) => c.references('providers.code'))
    .addColumn('team_id', 'integer', (c) => c.references('teams.id'))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .addColumn('start_reason', 'text', (c) => c.notNull())
    .addColumn('end_reason', 'text')
    .execute();
  await db.schema.createIndex('case_segments_case_idx').on('case_segments').columns(['case_id', 'started_at']).execute();
  await db.schema
    .createIndex('case_segments_provider_idx')
    .on('case_segments')
    .columns(['provider_code', 'started_at'])
    .execute();

  await db.schema
    .createTable('case_messages')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'bigint', (c) => c.notNull().references('cases.id'))
    .addColumn('author_user_id', 'integer', (c) => c.references('users.id'))
    .addColumn('visibility', 'text', (c) => c.notNull().check(sql`visibility in ('public','internal')`))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('mentions', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo('web'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_messages_case_idx').on('case_messages').columns(['case_id', 'created_at']).execute();

  await db.schema
    .createTable('attachments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('case_id', 'bigint', (c) => c.notNull().references('cases.id'))
    .addColumn('message_id', 'bigint', (c) => c.references('case_messages.id'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('storage_path', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('case_id', 'bigint', (c) => c.notNull().references('cases.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'key'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'bigint', (c) => c.references('cases.id'))
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','sent','failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('outbox_pending_idx').on('outbox').columns(['status', 'id']).execute();

  await sql`create sequence case_reference_seq`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop sequence if exists case_reference_seq`.execute(db);
  for (const t of ['outbox', 'idempotency_keys', 'attachments', 'case_messages', 'case_segments', 'case_events']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await sql`drop function if exists case_events_append_only() cascade`.execute(db);
  await db.schema.dropTable('cases').ifExists().execute();
  await db.schema.alterTable('users').dropColumn('team_id').execute();
  await db.schema.dropTable('teams').ifExists().execute();
  await db.schema.alterTable('services').dropColumn('form_fields').execute();
}
