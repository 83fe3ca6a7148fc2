/**
 * Shared by the case benchmarks: the bench database on a PostgreSQL server, and the seed of N cases
 * (each with its created event and its provider segment) spread over every assignment.
 */
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../src/db/types.ts';

/**
 * The URL of the bench database `name` on the server of `base`; dropped and created again unless `reuse`
 * finds it already seeded with at least `n` cases.
 */
export async function benchDatabaseUrl(
  base: string,
  reuse: boolean,
  n: number,
  name = 'meridian_bench',
): Promise<{ url: string; seeded: boolean }> {
  const u = new URL(base);
  u.pathname = `/${name}`;
  if (reuse) {
    const c = new pg.Client({ connectionString: u.toString() });
    try {
      await c.connect();
      const r = await c.query(`select count(*)::int as n from cases where source = 'seed'`);
      if (r.rows[0].n >= n) return { url: u.toString(), seeded: true };
    } catch {
      // not there yet: create it below
    } finally {
      await c.end().catch(() => {});
    }
  }
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.query(`create database "${name}"`);
  await admin.end();
  return { url: u.toString(), seeded: false };
}

/** Loads `n` cases (with a created event and a segment each) spread over every assignment, server-side. */
export async function seed(db: Kysely<Database>, n: number): Promise<void> {
  const batch = 100_000;
  for (let from = 1; from <= n; from += batch) {
    const to = Math.min(n, from + batch - 1);
    await sql`
      with a as (select row_number() over (order by id) as rn, entity_code, service_code, provider_code from assignments),
           k as (select count(*) as n from assignments)
      insert into cases (reference, entity_code, service_code, title, fields, impact, urgency, priority, state,
                         provider_code, routing_reason, created_at, updated_at, source, external_id)
      select 'SEED-' || g, a.entity_code, a.service_code, 'Seeded case ' || g, '{}'::jsonb, 3, 3, 'P4',
             (array['new','in-progress','awaiting-client','resolved','closed'])[1 + g % 5], a.provider_code, 'seed',
             now() - make_interval(secs => g), now() - make_interval(secs => g), 'seed', g::text
      from generate_series(${from}::int, ${to}::int) g, k
      join a on true
      where a.rn = 1 + g % k.n`.execute(db);
    await sql`
      insert into case_events (case_id, at, type, after, details)
      select id, created_at, 'created', jsonb_build_object('state', state), '{}'::jsonb
      from cases where source = 'seed' and external_id::int between ${from} and ${to}`.execute(db);
    await sql`
      insert into case_segments (case_id, provider_code, started_at, start_reason)
      select id, provider_code, created_at, 'routed'
      from cases where source = 'seed' and external_id::int between ${from} and ${to}`.execute(db);
  }
  // As autovacuum would leave it: statistics, and the visibility map that index-only scans (queue counts) rely on.
  await sql`vacuum analyze`.execute(db);
}
