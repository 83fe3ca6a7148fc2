/** Queue indexes: a provider's (or entity's) cases newest first, whatever their state. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('cases_provider_created_idx').on('cases').columns(['provider_code', 'created_at', 'id']).execute();
  await db.schema.createIndex('cases_created_idx').on('cases').columns(['created_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('cases_created_idx').ifExists().execute();
  await db.schema.dropIndex('cases_provider_created_idx').ifExists().execute();
}
