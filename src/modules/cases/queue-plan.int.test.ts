/**
 * The queue page's statement is planned once (decision 0024): PostgreSQL keeps a prepared statement's
 * generic plan only when it costs no more than the plans made for the values, so the statement's generic
 * plan must cost no more than its plan for the values (else PostgreSQL plans it afresh on every call, and
 * a generic plan with an unknown `limit` can cost enough to be compiled by JIT, 50 ms a call).
 */
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { willPrepare } from '../../db/prepared-statements.ts';
import { fromJson } from '../../db/sql-helpers.ts';
import type { Database } from '../../db/types.ts';
import { findUserForSignIn } from '../identity/identity.repository.ts';
import type { User } from '../identity/identity.schema.ts';
import { queuePageQuery } from './cases.repository.ts';
import { type CaseQuery, CaseQuerySchema } from './cases.schema.ts';

let h: DatabaseHandle;
beforeAll(async () => {
  h = await createTestDatabase();
  // A skewed load, as in service: most cases at one provider, few at another, most of them closed; with
  // statistics, a plan for the large provider's code looks cheaper than a plan for any provider.
  await sql`
    insert into cases (reference, entity_code, service_code, title, fields, impact, urgency, priority, state,
                       provider_code, routing_reason, created_at, updated_at, source)
    select 'PLAN-' || i, 'RCO-CL', 'PAY-PAYROLL', 'Plan test ' || i, '{}'::jsonb, 2, 2, 'P3',
           case when i % 10 = 0 then 'new' when i % 10 = 1 then 'awaiting-client' else 'closed' end,
           case when i % 100 = 0 then 'KJSO' else 'UNON' end, 'test', now() - i * interval '1 minute', now(), 'test'
    from generate_series(1, 5000) i`.execute(h.db);
  await sql`analyze cases`.execute(h.db);
});
afterAll(async () => {
  await h.close();
});

async function user(email: string): Promise<User> {
  const u = await findUserForSignIn(h.db, email);
  if (!u) throw new Error(`no demo user ${email}`);
  return u;
}

/** A value as an SQL literal, for `execute name(...)` (which takes no bound parameters). */
function literal(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `'${v.replaceAll("'", "''")}'`;
  throw new Error(`no literal for ${typeof v}`);
}

/** The estimated total cost of the queue page's statement for `viewer` and `query`: [custom plan, generic plan]. */
async function planCosts(db: Kysely<Database>, viewer: User, query: Record<string, string>): Promise<[number, number]> {
  const q: CaseQuery = CaseQuerySchema.parse(query);
  const compiled = queuePageQuery(db, viewer, q, false);
  return db.connection().execute(async (c) => {
    await sql.raw(`prepare queue_plan as ${compiled.sql}`).execute(c);
    try {
      const cost = async (mode: string) => {
        await sql.raw(`set plan_cache_mode = ${mode}`).execute(c);
        const r = await sql
          .raw<Record<string, unknown>>(
            `explain (format json) execute queue_plan(${compiled.parameters.map(literal).join(', ')})`,
          )
          .execute(c);
        const plan = fromJson<{ Plan: { 'Total Cost': number } }[]>(r.rows[0]?.['QUERY PLAN']);
        return plan[0]?.Plan['Total Cost'] ?? Number.NaN;
      };
      return [await cost('force_custom_plan'), await cost('force_generic_plan')];
    } finally {
      await sql.raw('deallocate queue_plan').execute(c);
      await sql.raw('reset plan_cache_mode').execute(c);
    }
  });
}

describe('queue page statement', () => {
  it('is one the pool prepares, for every role (a Secretariat-wide page may have no parameter at all)', async () => {
    for (const email of ['agent.unon', 'requester.rco-cl', 'admin', 'coordinator', 'viewer']) {
      const viewer = await user(`${email}@meridian.test`);
      for (const query of [{}, { state: 'open', pageSize: '10' }, { provider: 'none' }, { page: '3', pageSize: '7' }]) {
        const compiled = queuePageQuery(h.db, viewer, CaseQuerySchema.parse(query), true);
        expect(willPrepare(compiled.sql, compiled.parameters.length), `${email} ${JSON.stringify(query)}`).toBe(true);
      }
    }
  });

  it('costs no more planned once than planned for its values (so PostgreSQL keeps one plan)', async () => {
    const agent = await user('agent.unon@meridian.test');
    const requester = await user('requester.rco-cl@meridian.test');
    const cases: [User, Record<string, string>][] = [
      [agent, { state: 'open', pageSize: '50' }],
      [agent, { state: 'awaiting-client', priority: 'P2', sort: 'updatedAt', order: 'desc', pageSize: '25' }],
      [agent, { assignee: 'me', pageSize: '10' }],
      [requester, { pageSize: '25', sort: 'createdAt', order: 'desc' }],
    ];
    for (const [viewer, query] of cases) {
      const [custom, generic] = await planCosts(h.db, viewer, query);
      expect(Number.isFinite(custom) && Number.isFinite(generic), JSON.stringify(query)).toBe(true);
      expect(generic, `${viewer.role} ${JSON.stringify(query)}`).toBeLessThanOrEqual(custom);
    }
  });
});
