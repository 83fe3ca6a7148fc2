/**
 * Prepares one migrated database with the reference data for the whole run; each test file then gets
 * its own copy (see `test-db.ts`):
 * - PGlite (default): a `dumpDataDir` tarball that each file loads into a fresh in-memory instance;
 * - PostgreSQL (DATABASE_URL set): a template database each file clones with CREATE DATABASE ... TEMPLATE.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateToLatest, openDatabase } from '../../src/db/database.ts';
import { ensureDemoUsers } from '../../src/modules/identity/demo-users.ts';
import { loadReferenceData } from '../../src/modules/reference/reference-data.ts';

export const TEMPLATE_DB = 'meridian_test_template';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    postgresTemplateUrl: string;
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const old = await admin.query(`select datname from pg_database where datname like 'meridian_test_%'`);
    for (const r of old.rows) await admin.query(`drop database if exists "${r.datname}" with (force)`);
    await admin.query(`create database ${TEMPLATE_DB}`);
    await admin.end();
    const templateUrl = withDatabase(url, TEMPLATE_DB);
    const h = await openDatabase({ databaseUrl: templateUrl });
    await migrateToLatest(h.db);
    await loadReferenceData(h.db);
    await ensureDemoUsers(h.db);
    await h.close();
    project.provide('postgresTemplateUrl', templateUrl);
    project.provide('pgliteSnapshot', '');
    return async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const rows = await c.query(`select datname from pg_database where datname like 'meridian_test_%'`);
      for (const r of rows.rows) await c.query(`drop database if exists "${r.datname}" with (force)`);
      await c.end();
    };
  }
  const h = await openDatabase({ inMemory: true });
  await migrateToLatest(h.db);
  await loadReferenceData(h.db);
  await ensureDemoUsers(h.db);
  if (!h.pglite) throw new Error('expected an embedded PGlite instance');
  const dump = await h.pglite.dumpDataDir('none');
  const file = path.join(os.tmpdir(), `meridian-test-${process.pid}.tar`);
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await h.close();
  project.provide('pgliteSnapshot', file);
  project.provide('postgresTemplateUrl', '');
  return async () => {
    fs.rmSync(file, { force: true });
  };
}
