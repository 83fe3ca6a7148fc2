/**
 * Named prepared statements on PostgreSQL. node-postgres sends every parameterised query as an unnamed
 * statement, so PostgreSQL parses and plans it again on every call; for Meridian's short OLTP queries the
 * planning cost more than the execution (a case view: ~0.15 ms planned, ~0.05 ms run, per query). This
 * wraps the pool that Kysely uses so that such a query is prepared once per connection under a name
 * derived from its text, and then only bound and executed (PostgreSQL switches to a generic plan after
 * five executions when that plan is no costlier). Decision record: docs/decisions/0012-request-cost.md.
 *
 * A query is prepared only when it is safe and bounded:
 * - it has at most `maxParameters` parameters, and without any it is a query (`select` or `with`): BEGIN,
 *   COMMIT and DDL go as they are; a query without parameters (a Secretariat-wide queue page, whose page
 *   size and offset are literals: decision 0024) is planned once like any other;
 * - its text has no `*` other than `count(*)`: a prepared `select *` or `returning *` would fail with
 *   "cached plan must not change result type" once a migration adds a column, where an explicit column
 *   list is re-planned silently by PostgreSQL;
 * - the connection holds fewer than `maxPerConnection` prepared statements (the rest go unnamed), so
 *   that statements whose text varies (lists of ids of any length) cannot grow a backend's memory
 *   without bound; likewise the process names at most 10,000 distinct texts.
 */
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

export interface PreparedStatementOptions {
  /** Prepared statements per connection at most (default 256). */
  maxPerConnection?: number;
  /** Statements with more parameters are not prepared (default 64). */
  maxParameters?: number;
}

/** A query (not BEGIN, COMMIT, SET, DDL): may be prepared without parameters. */
const QUERY = /^\s*(select|with)\b/i;

/** Distinct statement texts named per process at most; later new texts go unnamed. */
const MAX_TEXTS = 10_000;

/** Whether a statement's text may be prepared: no `*` but in `count(*)`. */
export function isPreparable(text: string): boolean {
  return !text.replace(/count\(\*\)/gi, '').includes('*');
}

/**
 * Whether the pool prepares a statement of `text` with `parameterCount` parameters (the rules of the module
 * comment but the per-connection and per-process caps).
 */
export function willPrepare(text: string, parameterCount: number, maxParameters = 64): boolean {
  if (parameterCount > maxParameters || (parameterCount === 0 && !QUERY.test(text))) return false;
  return isPreparable(text);
}

/**
 * Kysely's view of `pool`, preparing the queries that qualify (see the module comment).
 * Statement names are `m1`, `m2`, ... by first use of each distinct text in this process.
 */
export function preparedStatementPool(pool: pg.Pool, opts: PreparedStatementOptions = {}): PostgresPool {
  const maxPerConnection = opts.maxPerConnection ?? 256;
  const maxParameters = opts.maxParameters ?? 64;
  // text -> name, or null when the text may not be prepared; at most MAX_TEXTS texts get a name.
  const names = new Map<string, string | null>();
  let named = 0;
  const preparedOn = new WeakMap<pg.PoolClient, Set<string>>();
  const nameOf = (text: string): string | null => {
    let name = names.get(text);
    if (name === undefined) {
      if (names.size >= MAX_TEXTS) return null;
      name = isPreparable(text) ? `m${++named}` : null;
      names.set(text, name);
    }
    return name;
  };
  return {
    end: () => pool.end(),
    connect: async () => {
      const client = await pool.connect();
      let prepared = preparedOn.get(client);
      if (!prepared) {
        prepared = new Set();
        preparedOn.set(client, prepared);
      }
      const held = prepared;
      const query = (text: string, values: readonly unknown[]) => {
        if (!willPrepare(text, values.length, maxParameters)) return client.query(text, values as unknown[]);
        const name = nameOf(text);
        if (name === null || (!held.has(name) && held.size >= maxPerConnection)) {
          return client.query(text, values as unknown[]);
        }
        held.add(name);
        return client.query({ name, text, values: values as unknown[] });
      };
      return {
        query,
        release: (destroy?: boolean) => client.release(destroy),
      } as unknown as PostgresPoolClient;
    },
  };
}
