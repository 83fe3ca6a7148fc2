import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isPreparable, preparedStatementPool } from './prepared-statements.ts';

/** A pool of fake clients recording what each query was sent as. */
function fakePool() {
  const sent: { client: number; name?: string; text: string; values: unknown[] }[] = [];
  let clients = 0;
  const pool = {
    connect: async () => {
      const id = ++clients;
      const client = {
        query: async (q: string | { name: string; text: string; values: unknown[] }, values?: unknown[]) => {
          sent.push(typeof q === 'string' ? { client: id, text: q, values: values ?? [] } : { client: id, ...q });
          return { command: 'SELECT', rowCount: 0, rows: [] };
        },
        release: () => {},
      };
      return client;
    },
    end: async () => {},
  };
  return { pool: pool as unknown as pg.Pool, sent };
}

describe('prepared statements', () => {
  it('prepares a parameterised query under one name per text, on every connection', async () => {
    const { pool, sent } = fakePool();
    const p = preparedStatementPool(pool);
    const a = await p.connect();
    const b = await p.connect();
    await a.query('select "name" from "users" where "id" = $1', [1]);
    await a.query('select "name" from "users" where "id" = $1', [2]);
    await b.query('select "name" from "users" where "id" = $1', [3]);
    await a.query('select "code" from "teams" where "id" = $1', [4]);
    expect(sent.map((s) => s.name)).toEqual(['m1', 'm1', 'm1', 'm2']);
    expect(sent.map((s) => s.client)).toEqual([1, 1, 2, 1]);
    expect(sent[1]?.values).toEqual([2]);
  });

  it('sends as they are the statements without parameters but queries, those with too many, or selecting *', async () => {
    const { pool, sent } = fakePool();
    const c = await preparedStatementPool(pool, { maxParameters: 2 }).connect();
    await c.query('begin', []);
    await c.query('select $1, $2, $3', [1, 2, 3]);
    await c.query('select "c".* from "cases" as "c" where "c"."id" = $1', [1]);
    await c.query('insert into "t" ("a") values ($1) returning *', [1]);
    await c.query('select count(*) as "n" from "cases" where "state" = $1', ['new']);
    await c.query('alter table "t" add column "b" text', []);
    await c.query('commit', []);
    // a query without parameters (a Secretariat-wide queue page: literal page size and offset) is prepared
    await c.query('select "id" from "cases" order by "id" limit 50 offset 0', []);
    await c.query('  with x as (select 1 as "n") select "n" from x', []);
    expect(sent.map((s) => s.name)).toEqual([undefined, undefined, undefined, undefined, 'm1', undefined, undefined, 'm2', 'm3']);
  });

  it('stops preparing on a connection that holds its maximum', async () => {
    const { pool, sent } = fakePool();
    const p = preparedStatementPool(pool, { maxPerConnection: 2 });
    const c = await p.connect();
    for (const t of ['a', 'b', 'c', 'a']) await c.query(`select "${t}" from "x" where "id" = $1`, [1]);
    expect(sent.map((s) => s.name)).toEqual(['m1', 'm2', undefined, 'm1']);
    const other = await p.connect();
    await other.query('select "c" from "x" where "id" = $1', [1]);
    expect(sent.at(-1)?.name).toBe('m3');
  });

  it('tells which texts may be prepared', () => {
    expect(isPreparable('select count(*) from "cases" where "id" = $1')).toBe(true);
    expect(isPreparable('select "u".* from "users" as "u"')).toBe(false);
    expect(isPreparable('select "impact" * "urgency" from "cases"')).toBe(false);
  });
});
