/**
 * The names of client entities, catalogue services, service lines and providers, and the descriptions of
 * services, must hold English and French text (the API's `LocalizedTextSchema`: `en` and `fr` required,
 * other languages optional). The reference import checks it, but such a text written by SQL without French
 * was served by the work queue (which passes names through) and made the case view and the catalogue fail
 * (their responses are checked): the database now refuses it.
 *
 * A database that already holds such a text cannot take the constraint: the migration then stops before
 * changing anything, naming each table, code and column to correct (with an example statement).
 */
import { type Kysely, sql } from 'kysely';

const COLUMNS = [
  ['client_entities', 'name'],
  ['services', 'name'],
  ['services', 'description'],
  ['service_lines', 'name'],
  ['providers', 'name'],
] as const;

/** Whether `column` holds non-blank English and French strings (never null: a null check would pass). */
const holdsEnglishAndFrench = (column: string) => sql`coalesce(
  jsonb_typeof(${sql.ref(column)} -> 'en') = 'string' and length(btrim(${sql.ref(column)} ->> 'en')) > 0
  and jsonb_typeof(${sql.ref(column)} -> 'fr') = 'string' and length(btrim(${sql.ref(column)} ->> 'fr')) > 0, false)`;

export async function up(db: Kysely<unknown>): Promise<void> {
  const wrong: string[] = [];
  for (const [table, column] of COLUMNS) {
    const r = await sql<{
      code: string;
    }>`select code from ${sql.table(table)} where not ${holdsEnglishAndFrench(column)} order by code`.execute(db);
    for (const row of r.rows) wrong.push(`${table} ${row.code} (${column})`);
  }
  if (wrong.length > 0) {
    throw new Error(
      `these texts lack English or French, which every ${COLUMNS.map(([t, c]) => `${t}.${c}`).join(', ')} must hold: ` +
        `${wrong.join('; ')}. Give each both (e.g. update client_entities set name = name || '{"fr": "…"}'::jsonb ` +
        `where code = '…'), then migrate again`,
    );
  }
  for (const [table, column] of COLUMNS) {
    await sql`alter table ${sql.table(table)} add constraint ${sql.ref(`${table}_${column}_en_fr`)} check (${holdsEnglishAndFrench(column)})`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table, column] of COLUMNS) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(`${table}_${column}_en_fr`)}`.execute(db);
  }
}
