/**
 * The performance roll-ups' queue (decision 0019): case changes only queue their case; a drain after
 * commit brings the facts and roll-ups to what a full recomputation gives; a failing refresh leaves its
 * case queued while the others go through.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import { type DatabaseHandle, openDatabase } from '../../db/database.ts';
import { PAYROLL, type SurveyTestApp, surveyTestApp } from '../surveys/surveys.test-fixtures.ts';
import { ROLLUP_COUNTERS } from './performance.repository.ts';
import { queuedCases } from './queue.repository.ts';
import { drainPerformanceQueue } from './queue.service.ts';
import { refreshCasePerformance } from './rollups.service.ts';

let h: DatabaseHandle;
let t: SurveyTestApp;

const idOf = async (reference: string) =>
  String((await sql<{ id: string }>`select id from cases where reference = ${reference}`.execute(h.db)).rows[0]?.id);

/** Facts (without `updated_at`) and non-empty roll-ups, in a stable order. */
async function figures() {
  const facts = await sql<Record<string, unknown>>`
    select case_id::text, provider_code, service_code, entity_code, month, time_zone, fr_state, fr_ms::text, nr_state,
      nr_ms::text, res_state, res_ms::text, resolved, reopened, provider_handoffs, team_handoffs, ping_pong,
      end_to_end_ms::text
    from performance_case_facts order by case_id`.execute(h.db);
  const rollups = await sql
    .raw<Record<string, unknown>>(
      `select provider_code, service_code, entity_code, month, ${ROLLUP_COUNTERS.map((k) => `${k}::int as ${k}`).join(', ')}
       from performance_rollups where cases <> 0 order by 1, 2, 3, 4`,
    )
    .execute(h.db);
  return { facts: facts.rows, rollups: rollups.rows };
}

/** The figures recomputed from nothing: every case refreshed once on empty facts and roll-ups (rolled back). */
async function recomputedFromScratch() {
  let out: Awaited<ReturnType<typeof figures>> | undefined;
  await h.db
    .transaction()
    .execute(async (trx) => {
      await sql`delete from performance_case_facts`.execute(trx);
      await sql`delete from performance_rollups`.execute(trx);
      const ids = await sql<{ id: string }>`select id from cases order by id`.execute(trx);
      for (const r of ids.rows) await refreshCasePerformance(trx, String(r.id), new Date());
      const facts = await sql<Record<string, unknown>>`
        select case_id::text, provider_code, service_code, entity_code, month, time_zone, fr_state, fr_ms::text, nr_state,
          nr_ms::text, res_state, res_ms::text, resolved, reopened, provider_handoffs, team_handoffs, ping_pong,
          end_to_end_ms::text
        from performance_case_facts order by case_id`.execute(trx);
      const rollups = await sql
        .raw<Record<string, unknown>>(
          `select provider_code, service_code, entity_code, month, ${ROLLUP_COUNTERS.map((k) => `${k}::int as ${k}`).join(', ')}
           from performance_rollups where cases <> 0 order by 1, 2, 3, 4`,
        )
        .execute(trx);
      out = { facts: facts.rows, rollups: rollups.rows };
      throw new Error('roll back');
    })
    .catch((e: Error) => {
      if (e.message !== 'roll back') throw e;
    });
  return out as Awaited<ReturnType<typeof figures>>;
}

beforeAll(async () => {
  h = await createTestDatabase();
  t = await surveyTestApp(h, { throttleDays: 0 }, ['requester.rco-cl']);
}, 60_000);
afterAll(async () => {
  await t.app.close();
  await h.close();
});

describe('performance queue', () => {
  it('case changes queue their case in their own transaction; a drain brings the figures to a full recomputation', async () => {
    await drainPerformanceQueue(h.db);
    const before = await figures();
    const refs: string[] = [];
    for (let i = 0; i < 6; i++) refs.push(await t.request('requester.rco-cl', PAYROLL));
    for (const r of refs.slice(0, 4)) expect((await t.move(r, 'resolved')).statusCode).toBe(200);
    expect((await t.move(refs[0] as string, 'closed')).statusCode).toBe(200);
    // committed and queued, not yet counted: a crash now would leave them queued
    const queued = await queuedCases(h.db);
    const ids = await Promise.all(refs.map(idOf));
    expect(queued.caseIds).toEqual([...ids].sort((a, b) => Number(a) - Number(b)));
    expect(queued.rows).toBeGreaterThan(ids.length); // one row per case change, merged by the drain
    expect(await figures()).toEqual(before);

    const r = await drainPerformanceQueue(h.db, { batchSize: 4 });
    expect(r).toEqual({ refreshed: expect.any(Number), failed: [] });
    expect(r.refreshed).toBeGreaterThanOrEqual(ids.length);
    expect((await queuedCases(h.db)).rows).toBe(0);
    const drained = await figures();
    expect(drained.facts.map((f) => f.case_id)).toEqual(expect.arrayContaining(ids));
    expect(drained).toEqual(await recomputedFromScratch());
  });

  it('a failing refresh leaves its case queued; the other cases are refreshed', async () => {
    const refs = [await t.request('requester.rco-cl', PAYROLL), await t.request('requester.rco-cl', PAYROLL)];
    const [bad, good] = await Promise.all(refs.map(idOf));
    // the refresh of `bad` fails when it writes its facts
    await sql
      .raw(`create function fail_fact() returns trigger language plpgsql as $$
              begin if new.case_id = ${Number(bad)} then raise exception 'refresh failed on purpose'; end if; return new; end $$`)
      .execute(h.db);
    await sql`create trigger fail_fact before insert or update on performance_case_facts for each row execute function fail_fact()`.execute(
      h.db,
    );
    const errors: unknown[] = [];
    const r = await drainPerformanceQueue(h.db, { logger: { error: (o) => errors.push(o) } });
    expect(r.failed).toEqual([bad]);
    expect(errors).toHaveLength(1);
    expect((await queuedCases(h.db)).caseIds).toEqual([bad]);
    const facts = await sql<{
      case_id: string;
    }>`select case_id::text from performance_case_facts where case_id in (${bad}, ${good})`.execute(h.db);
    expect(facts.rows.map((f) => f.case_id)).toEqual([good]);

    await sql`drop trigger fail_fact on performance_case_facts`.execute(h.db);
    await sql`drop function fail_fact()`.execute(h.db);
    expect(await drainPerformanceQueue(h.db)).toEqual({ refreshed: 1, failed: [] });
    expect((await queuedCases(h.db)).rows).toBe(0);
    expect(await figures()).toEqual(await recomputedFromScratch());
  });

  it('two drains at once (two connections on PostgreSQL) never refresh a case twice over', async () => {
    const ids = await Promise.all(
      [await t.request('requester.rco-cl', PAYROLL), await t.request('requester.rco-cl', PAYROLL)].map(idOf),
    );
    // several queue rows per case, each from its own transaction (as several changes would leave)
    for (let i = 0; i < 6; i++)
      for (const id of ids) await sql`insert into performance_queue (case_id, tx) values (${id}, txid_current())`.execute(h.db);
    // a second handle on the same database: on PostgreSQL its own pool (as a second server process has);
    // PGlite has one embedded connection, so there the two drains share it
    const templateUrl = inject('postgresTemplateUrl');
    let other = h;
    if (templateUrl) {
      const url = new URL(templateUrl);
      url.pathname = `/${(await sql<{ db: string }>`select current_database() as db`.execute(h.db)).rows[0]?.db}`;
      other = await openDatabase({ databaseUrl: url.toString() });
    }
    try {
      if (templateUrl) {
        // another drain holding the refresh lock of the first case makes this drain wait for its commit
        const first = [...ids].sort((a, b) => Number(a) - Number(b))[0] as string;
        let settled = false;
        let drain: Promise<unknown> = Promise.resolve();
        await other.db.transaction().execute(async (trx) => {
          await sql`select pg_advisory_xact_lock(190019, (${first}::bigint % 2147483647)::int)`.execute(trx);
          drain = drainPerformanceQueue(h.db, { wait: false }).finally(() => {
            settled = true;
          });
          await new Promise((r) => setTimeout(r, 400));
          expect(settled).toBe(false); // still waiting for the lock
        });
        await drain;
        expect(settled).toBe(true);
        for (let i = 0; i < 6; i++)
          for (const id of ids)
            await sql`insert into performance_queue (case_id, tx) values (${id}, txid_current())`.execute(h.db);
      }
      // two drains claiming different rows of the same cases at once (skip locked, small batches)
      await Promise.all([
        drainPerformanceQueue(h.db, { wait: false, batchSize: 2 }),
        drainPerformanceQueue(other.db, { wait: false, batchSize: 2 }),
      ]);
      await drainPerformanceQueue(h.db);
    } finally {
      if (other !== h) await other.close();
    }
    expect((await queuedCases(h.db)).rows).toBe(0);
    expect(await figures()).toEqual(await recomputedFromScratch());
  });

  it('the dashboard drains before it reads', async () => {
    const ref = await t.request('requester.rco-cl', PAYROLL);
    expect((await queuedCases(h.db)).caseIds).toEqual([await idOf(ref)]);
    const month = new Date().toISOString().slice(0, 7);
    const admin = await t.app.inject({ url: `/api/performance/dashboard?from=${month}&to=${month}`, headers: t.as.coordinator });
    expect(admin.statusCode).toBe(200);
    expect((await queuedCases(h.db)).rows).toBe(0);
  });
});
