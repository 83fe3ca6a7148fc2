/**
 * The reference data version (decision 0021): one counter, bumped by a statement-level trigger on every
 * write to the tables that route a case and start its SLA clocks (client entities, duty stations, the
 * catalogue, providers, assignments, SLA policies, business calendars and their versions). A server process
 * caches what case creation reads from them, tagged with the version it read; the statement that writes a
 * new case calls `assert_reference_data_version(v)`, which raises SQLSTATE `MR001` when the data changed
 * meanwhile (the creation then reloads and retries), so a cached routing is never used after a change,
 * whichever process made it.
 */
import { type Kysely, sql } from 'kysely';

/** The tables whose rows case creation caches. */
const TABLES = [
  'client_entities',
  'duty_stations',
  'service_lines',
  'services',
  'providers',
  'assignments',
  'sla_policies',
  'business_calendars',
  'business_calendar_versions',
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table reference_data_version (
    id smallint primary key check (id = 1),
    version bigint not null
  )`.execute(db);
  await sql`insert into reference_data_version (id, version) values (1, 1)`.execute(db);
  await sql`create function bump_reference_data_version() returns trigger language plpgsql as $$
    begin update reference_data_version set version = version + 1 where id = 1; return null; end $$`.execute(db);
  await sql`create function assert_reference_data_version(expected bigint) returns boolean language plpgsql as $$
    declare current bigint;
    begin
      select version into current from reference_data_version where id = 1;
      if current is distinct from expected then
        raise exception 'reference data changed (version % , expected %)', current, expected using errcode = 'MR001';
      end if;
      return true;
    end $$`.execute(db);
  for (const t of TABLES) {
    await sql`create trigger ${sql.id(`${t}_bump_reference_version`)} after insert or update or delete or truncate on ${sql.table(t)}
      for each statement execute function bump_reference_data_version()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of TABLES)
    await sql`drop trigger if exists ${sql.id(`${t}_bump_reference_version`)} on ${sql.table(t)}`.execute(db);
  await sql`drop function if exists assert_reference_data_version(bigint)`.execute(db);
  await sql`drop function if exists bump_reference_data_version()`.execute(db);
  await sql`drop table if exists reference_data_version`.execute(db);
}
