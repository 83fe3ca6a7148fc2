/**
 * Database connection: PGlite (embedded, data in `<dataDir>/pgdata`) by default, or a PostgreSQL server
 * when a `postgres://` URL is given. Both speak the PostgreSQL dialect through Kysely.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, type MigrationResultSet, Migrator, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { migrations } from './migrations/index.ts';
import { preparedStatementPool } from './prepared-statements.ts';
import type { Database } from './types.ts';

export type DatabaseKind = 'pglite' | 'postgresql';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** The embedded instance, when the kind is `pglite` (snapshots in tests). */
  pglite?: PGlite;
  /** Closes the pool or the embedded instance. */
  close(): Promise<void>;
}

const DATE_OID = 1082;
const identity = (v: string) => v;

export interface OpenDatabaseOptions {
  /** PGlite data folder (created if missing); ignored when `databaseUrl` is set. */
  dataDir?: string;
  /** A `postgres://` URL: use a PostgreSQL server. */
  databaseUrl?: string;
  /** PGlite only: a `dumpDataDir` tarball to start from (tests). */
  loadDataDir?: Blob;
  /** PGlite only: keep the database in memory. */
  inMemory?: boolean;
  /** PostgreSQL only: prepare repeated queries once per connection (default true; see prepared-statements.ts). */
  preparedStatements?: boolean;
}

/**
 * Opens the database named by the options. `date` columns read as `YYYY-MM-DD` strings on both kinds. On
 * PostgreSQL, a pool of 10 connections that prepares repeated queries (see prepared-statements.ts).
 * @throws Error when neither a data folder, a URL nor `inMemory` is given.
 */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: 10,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === DATE_OID ? identity : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
      },
    });
    // An idle client whose connection the server ends (restart, failover, pg_terminate_backend) emits an
    // error on the pool; without a listener it would crash the process. The pool replaces the client.
    pool.on('error', (err) => {
      if ((err as { code?: string }).code !== '57P01') process.emitWarning(`PostgreSQL pool: ${err.message}`);
    });
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: opts.preparedStatements === false ? pool : preparedStatementPool(pool) }),
    });
    return { db, kind: 'postgresql', close: () => db.destroy() };
  }
  let dataDir: string | undefined;
  let release = () => {};
  if (!opts.inMemory) {
    if (!opts.dataDir) throw new Error('openDatabase: give a dataDir, a databaseUrl or inMemory');
    if (fs.existsSync(opts.dataDir) && !fs.statSync(opts.dataDir).isDirectory()) {
      throw new Error(`The data folder ${opts.dataDir} is a file, not a folder: give MERIDIAN_DATA_DIR / --data-dir a folder`);
    }
    dataDir = path.join(opts.dataDir, 'pgdata');
    fs.mkdirSync(opts.dataDir, { recursive: true });
    release = lockDataDir(opts.dataDir);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
      parsers: { [DATE_OID]: identity },
    });
  } catch (e) {
    release();
    throw e;
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    pglite,
    close: async () => {
      try {
        await db.destroy();
      } finally {
        release();
      }
    },
  };
}

/**
 * Takes the embedded database's folder for this process (PGlite is single-process: two processes on one
 * folder corrupt it). A lock left by a process that no longer runs is taken over.
 * @returns a function that releases the lock.
 * @throws Error naming the process that holds the folder.
 */
export function lockDataDir(dir: string): () => void {
  const file = path.join(dir, 'meridian.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      const release = () => {
        try {
          if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.rmSync(file, { force: true });
        } catch {
          // already gone
        }
        process.removeListener('exit', release);
      };
      process.on('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(file, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
        throw new Error(
          `The database in ${dir} is in use by process ${holder} (another meridian command or server). Stop it first, or share a PostgreSQL server (DATABASE_URL) between processes.`,
        );
      }
      fs.rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`Could not lock ${dir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Applies every pending migration (see `migrations/index.ts`).
 * @returns names of the migrations applied now.
 * @throws Error naming the migration that failed.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`);
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
