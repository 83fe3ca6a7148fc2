/**
 * The names of client entities, catalogue services and providers, cached in this process for the work
 * queue (decision 0023): a queue page of 50 cases read them by primary key 150 times a page (three scalar
 * subqueries a row), about half of the page statement's time in PostgreSQL, for names that change a few
 * times a year.
 *
 * The cache is tagged with the reference data version it was read under (table `reference_data_version`,
 * bumped by a statement trigger on every write to those three tables among others, migration
 * 20261130T0500). The page statement returns the version current in its own snapshot; when it differs from
 * the cache's, the names are read again (version and names in one statement, one snapshot) before the page
 * is answered. So a page never shows a name older than the cases it lists, whichever process renamed it.
 *
 * One cache per database handle (a `WeakMap` on the Kysely instance), so that two databases opened in one
 * process (tests) never share entries.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';
import type { LocalizedText } from '../surveys/surveys.schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Names by code, as read under reference data version `version`. */
export interface ReferenceNames {
  version: number;
  entities: ReadonlyMap<string, LocalizedText>;
  services: ReadonlyMap<string, LocalizedText>;
  providers: ReadonlyMap<string, LocalizedText>;
}

const caches = new WeakMap<object, ReferenceNames>();

/** Reads the reference data version and the three name tables in one statement (one snapshot). */
async function readReferenceNames(db: Db): Promise<ReferenceNames> {
  const r = await sql<{ version: string; entities: unknown; services: unknown; providers: unknown }>`
    select (select version from reference_data_version where id = 1) as version,
           (select coalesce(json_object_agg(code, name), '{}'::json) from client_entities) as entities,
           (select coalesce(json_object_agg(code, name), '{}'::json) from services) as services,
           (select coalesce(json_object_agg(code, name), '{}'::json) from providers) as providers`.execute(db);
  const row = r.rows[0];
  if (!row) throw new Error('readReferenceNames: the statement returned no row');
  const map = (v: unknown) =>
    new Map(Object.entries((typeof v === 'string' ? JSON.parse(v) : v) as Record<string, LocalizedText>));
  return {
    version: Number(row.version),
    entities: map(row.entities),
    services: map(row.services),
    providers: map(row.providers),
  };
}

/**
 * The names of database `db` as of reference data version `version` or later: the cached ones when they
 * were read under `version`, else read again (one statement) and cached.
 * @param version the version a statement just read (`reference_data_version.version`).
 */
export async function referenceNames(db: Db, version: number): Promise<ReferenceNames> {
  const hit = caches.get(db);
  if (hit && hit.version >= version) return hit;
  const fresh = await readReferenceNames(db);
  caches.set(db, fresh);
  return fresh;
}

type NameKind = 'entities' | 'services' | 'providers';
const codeAndNameTexts = new WeakMap<ReferenceNames, Record<NameKind, Map<string, string>>>();

/**
 * `{"code":…,"name":…}` of `code` among `names[kind]` as JSON text (a queue page's entity, service or
 * provider), written once per code and version of the names (a queue page of 50 asks 150 times).
 * @throws Error when the code is not there (`nameOf`).
 */
export function codeAndNameJson(names: ReferenceNames, kind: NameKind, code: string): string {
  let texts = codeAndNameTexts.get(names);
  if (!texts) {
    texts = { entities: new Map(), services: new Map(), providers: new Map() };
    codeAndNameTexts.set(names, texts);
  }
  const ofKind = texts[kind];
  let text = ofKind.get(code);
  if (text === undefined) {
    const what = kind === 'entities' ? 'client entity' : kind === 'services' ? 'service' : 'provider';
    text = JSON.stringify({ code, name: nameOf(names[kind], code, what) });
    ofKind.set(code, text);
  }
  return text;
}

/**
 * The name of `code` in `names`.
 * @throws Error when the code is not there: the foreign keys of `cases` make that impossible unless the
 *   cache is out of step with the data (a bug, not an input error).
 */
export function nameOf(names: ReadonlyMap<string, LocalizedText>, code: string, what: string): LocalizedText {
  const n = names.get(code);
  if (!n) throw new Error(`reference names: no ${what} ${code} in names of this version`);
  return n;
}

/** User names by id, as read under user names version `version` (migration 20261130T0900). */
interface UserNames {
  version: number;
  /** `{"id":…,"name":…}` of each user read, as JSON text. */
  texts: Map<number, string>;
}

const userCaches = new WeakMap<object, UserNames>();

/**
 * The `{"id":…,"name":…}` JSON texts of users `ids` (a queue page's assignees and requesters), as of user
 * names version `version` or later (decision 0026): from this process's cache when it was read under
 * `version` or later (a newer version empties it), the ids not in it read in one statement that also reads
 * the version (one snapshot; names read under a newer version start a new cache). Users are many and
 * renamed rarely: the cache holds the ones listed, not all.
 * @param version the version the page's statement just read (`user_names_version.version`).
 * @returns the text of each id asked.
 * @throws Error when a user id is not in the database (the foreign keys of `cases` make that impossible).
 */
export async function userNameTexts(db: Db, version: number, ids: Iterable<number>): Promise<ReadonlyMap<number, string>> {
  let cache = userCaches.get(db);
  if (!cache || cache.version < version) {
    cache = { version, texts: new Map() };
    userCaches.set(db, cache);
  }
  const out = new Map<number, string>();
  const missing: number[] = [];
  for (const id of ids) {
    if (out.has(id)) continue;
    const text = cache.texts.get(id);
    if (text === undefined) {
      if (!missing.includes(id)) missing.push(id);
    } else out.set(id, text);
  }
  if (missing.length === 0) return out;
  const r = await sql<{ version: string; names: unknown }>`
    select (select version from user_names_version where id = 1) as version,
           (select coalesce(json_object_agg(id, name), '{}'::json) from users where id = any(${missing})) as names`.execute(db);
  const row = r.rows[0];
  if (!row) throw new Error('userNameTexts: the statement returned no row');
  const read = Number(row.version);
  if (read > cache.version) {
    cache = { version: read, texts: new Map() };
    userCaches.set(db, cache);
  }
  const names = (typeof row.names === 'string' ? JSON.parse(row.names) : row.names) as Record<string, string>;
  for (const id of missing) {
    const name = names[String(id)];
    if (name === undefined) throw new Error(`user names: no user ${id}`);
    const text = JSON.stringify({ id, name });
    cache.texts.set(id, text);
    out.set(id, text);
  }
  return out;
}
