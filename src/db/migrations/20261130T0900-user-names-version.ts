/**
 * The user names version (decision 0026): one counter, bumped by a statement-level trigger whenever a user's
 * name is changed or a user removed. The work queue's server process caches the names of the assignees and
 * requesters it lists, tagged with the version they were read under; the page's statement returns the
 * version in its own snapshot, and a newer one empties the cache before the page is answered, so a page
 * never shows a name older than the cases it lists, whichever process renamed the user. A new user needs no
 * bump: an id not in the cache is read.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table user_names_version (
    id smallint primary key check (id = 1),
    version bigint not null
  )`.execute(db);
  await sql`insert into user_names_version (id, version) values (1, 1)`.execute(db);
  await sql`create function bump_user_names_version() returns trigger language plpgsql as $$
    begin update user_names_version set version = version + 1 where id = 1; return null; end $$`.execute(db);
  await sql`create trigger users_bump_names_version after update of name or delete or truncate on users
    for each statement execute function bump_user_names_version()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists users_bump_names_version on users`.execute(db);
  await sql`drop function if exists bump_user_names_version()`.execute(db);
  await sql`drop table if exists user_names_version`.execute(db);
}
