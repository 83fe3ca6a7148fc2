/**
 * A private database for one test file, with the migrations and the reference data already applied:
 * a copy of the run's PGlite snapshot, or a clone of the PostgreSQL template database.
 */
import fs from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.ts';

/** Opens a fresh copy of the prepared test database. Close it in `afterAll`. */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  const templateUrl = inject('postgresTemplateUrl');
  if (templateUrl) {
    const name = `meridian_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const adminUrl = new URL(templateUrl);
    adminUrl.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    await admin.query(`create database "${name}" template meridian_test_template`);
    await admin.end();
    const url = new URL(templateUrl);
    url.pathname = `/${name}`;
    const h = await openDatabase({ databaseUrl: url.toString() });
    return {
      ...h,
      close: async () => {
        await h.close();
        const c = new pg.Client({ connectionString: adminUrl.toString() });
        await c.connect();
        await c.query(`drop database if exists "${name}" with (force)`);
        await c.end();
      },
    };
  }
  const snapshot = inject('pgliteSnapshot');
  const bytes = fs.readFileSync(snapshot);
  return openDatabase({ inMemory: true, loadDataDir: new Blob([bytes]) });
}
