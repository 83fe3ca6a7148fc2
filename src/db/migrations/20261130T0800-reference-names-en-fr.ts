/**
 * The names of client entities, catalogue services and providers must hold English and French text (the
 * API's `LocalizedTextSchema`: `en` and `fr` required, other languages optional). The imports check it, but
 * a name written by SQL without French was served by the work queue (which passes names through) and made
 * the case view fail (its response is checked): the database now refuses such a name.
 */
import { type Kysely, sql } from 'kysely';

const TABLES = ['client_entities', 'services', 'providers'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    // coalesce: a missing key is null, and a check whose expression is null passes
    await sql`alter table ${sql.table(table)} add constraint ${sql.ref(`${table}_name_en_fr`)} check (coalesce(
      jsonb_typeof(name -> 'en') = 'string' and length(btrim(name ->> 'en')) > 0
      and jsonb_typeof(name -> 'fr') = 'string' and length(btrim(name ->> 'fr')) > 0, false))`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    // coalesce: a missing key is null, and a check whose expression is null passes
    await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(`${table}_name_en_fr`)}`.execute(db);
  }
}
