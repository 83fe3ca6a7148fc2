/**
 * Opening Meridian's database for the CLI and the server: connect (PGlite or PostgreSQL), apply pending
 * migrations, and load the reference data on first use.
 */
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../db/database.ts';
import { ensureDemoUsers } from '../modules/identity/demo-users.ts';
import { isReferenceDataLoaded, loadReferenceData, type ReferenceLoadReport } from '../modules/reference/reference-data.ts';
import type { Config } from './config.ts';

export interface OpenedMeridian extends DatabaseHandle {
  migrationsApplied: string[];
  referenceLoaded: ReferenceLoadReport | null;
}

/**
 * Opens the database named by `config`, migrates it, and loads the reference data (and the demo users,
 * unless `config.demoUsers` is false) when it never was (unless `loadReference` is false).
 * @throws Error when the database cannot be reached or a migration fails; AppError REFERENCE_DATA_INVALID.
 */
export async function openMeridian(
  config: Pick<Config, 'dataDir' | 'databaseUrl'> & Partial<Pick<Config, 'demoUsers'>>,
  opts: { loadReference?: boolean } = {},
): Promise<OpenedMeridian> {
  const handle = await openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir });
  try {
    const migrationsApplied = await migrateToLatest(handle.db);
    let referenceLoaded: ReferenceLoadReport | null = null;
    if (opts.loadReference !== false && !(await isReferenceDataLoaded(handle.db))) {
      referenceLoaded = await loadReferenceData(handle.db);
      if (config.demoUsers !== false) await ensureDemoUsers(handle.db);
    }
    return { ...handle, migrationsApplied, referenceLoaded };
  } catch (e) {
    await handle.close();
    throw e;
  }
}
