/**
 * Case creation in one statement with cached reference data and group commit (decision 0021): what it writes
 * equals what the general path (`refreshCaseClocks`) derives, each of many concurrent creations gets its own
 * case, one bad case in a batch fails alone, and a change of the reference data is seen by the next creation.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { findUserForSignIn } from '../identity/identity.repository.ts';
import type { User } from '../identity/identity.schema.ts';
import { refreshCaseClocks } from '../sla/clocks.service.ts';
import { newCaseWriter } from './case-writer.ts';
import { createCase, findVisibleCaseSummary } from './cases.service.ts';
import { readReferenceDataVersion } from './creation-context.ts';

let h: DatabaseHandle;
let requester: User;
let coordinator: User;

beforeAll(async () => {
  h = await createTestDatabase();
  requester = (await findUserForSignIn(h.db, 'requester.rco-cl@meridian.test')) as User;
  coordinator = (await findUserForSignIn(h.db, 'coordinator@meridian.test')) as User;
});
afterAll(async () => {
  await h.close();
});

const payroll = (title: string, description?: string) => ({
  service: 'PAY-PAYROLL',
  title,
  ...(description ? { description } : {}),
  fields: { indexNumber: '123456', payPeriod: '2026-10', issue: 'missing-payment' },
  impact: 2 as const,
  urgency: 1 as const,
});

/** The stored clocks and jobs of a case, without ids and with instants as ISO strings. */
async function clocksAndJobs(caseId: string) {
  const clocks = await sql<Record<string, unknown>>`
    select c.scope, c.metric, c.provider_code, c.policy_id, c.target, c.target_business_ms, c.time_zone, c.started_at, c.due_at,
           c.stopped_at, c.elapsed_business_ms, c.paused_business_ms, c.state, c.breached_at, c.computed_at,
           (c.segment_id is not null) as of_segment
    from case_sla_clocks c where c.case_id = ${caseId} order by c.scope, c.metric`.execute(h.db);
  const jobs = await sql<Record<string, unknown>>`
    select k.scope, j.metric, (j.segment_id is not distinct from k.segment_id) as same_segment, j.threshold, j.fire_at, j.status, j.later
    from sla_jobs j join case_sla_clocks k on k.id = j.clock_id
    where j.case_id = ${caseId} order by k.scope, j.metric, j.threshold`.execute(h.db);
  return { clocks: clocks.rows, jobs: jobs.rows };
}

describe('creation in one statement', () => {
  it('writes the clocks and jobs the general refresh derives, the events, segment, message, e-mail and queue row', async () => {
    const now = new Date('2026-11-30T08:15:00Z');
    const made = [
      await createCase(h.db, requester, payroll('With a description', 'My October salary has not arrived.'), { now }),
      await createCase(h.db, requester, payroll('Without a description'), { now, publicUrl: 'https://meridian.example' }),
      // the coordinator, for a service with no assignment: the coordination queue, no e-mail
      await createCase(
        h.db,
        coordinator,
        { service: 'FAC-CONFERENCE', entity: 'RCO-CL', title: 'Room', fields: {}, impact: 3, urgency: 3 },
        { now },
      ),
    ];
    for (const { case: c, created } of made) {
      expect(created).toBe(true);
      // the summary answered is the one read back
      expect(await findVisibleCaseSummary(h.db, null, c.reference)).toEqual(c);
      const before = await clocksAndJobs(c.id);
      await h.db.transaction().execute((trx) => refreshCaseClocks(trx, c.id, now));
      expect(await clocksAndJobs(c.id)).toEqual(before);
    }
    const [withText, withUrl, queued] = made.map((m) => m.case);
    expect((await clocksAndJobs(withText?.id as string)).clocks.length).toBeGreaterThan(0);
    expect((await clocksAndJobs(withText?.id as string)).jobs.length).toBeGreaterThan(0);
    const events = await sql<{ type: string; actor_user_id: number | null; after: unknown }>`
      select type, actor_user_id, after from case_events where case_id = ${withText?.id} order by id`.execute(h.db);
    expect(events.rows).toEqual([
      {
        type: 'created',
        actor_user_id: requester.id,
        after: { state: 'new', provider: 'UNON', priority: 'P2', service: 'PAY-PAYROLL', entity: 'RCO-CL' },
      },
      { type: 'routed', actor_user_id: null, after: { provider: 'UNON' } },
    ]);
    const segments = await sql<{ provider_code: string | null; start_reason: string }>`
      select provider_code, start_reason from case_segments where case_id = any(${[withText?.id, queued?.id]}::bigint[]) order by case_id`.execute(
      h.db,
    );
    expect(segments.rows).toEqual([
      { provider_code: 'UNON', start_reason: 'routed' },
      { provider_code: null, start_reason: 'no-assignment' },
    ]);
    const messages = await sql<{ case_id: string; body: string; visibility: string }>`
      select case_id::text as case_id, body, visibility from case_messages where case_id = any(${made.map((m) => m.case.id)}::bigint[])`.execute(
      h.db,
    );
    expect(messages.rows).toEqual([{ case_id: withText?.id, body: 'My October salary has not arrived.', visibility: 'public' }]);
    const mail = await sql<{ case_id: string; subject: string; body: string; to_address: string }>`
      select case_id::text as case_id, subject, body, to_address from outbox where case_id = any(${made.map((m) => m.case.id)}::bigint[]) order by case_id`.execute(
      h.db,
    );
    expect(mail.rows).toEqual([
      {
        case_id: withText?.id,
        to_address: requester.email,
        subject: `[${withText?.reference}] With a description`,
        body: `Your request ${withText?.reference} was received. ${withText?.routingReason}.`,
      },
      {
        case_id: withUrl?.id,
        to_address: requester.email,
        subject: `[${withUrl?.reference}] Without a description`,
        body: `Your request ${withUrl?.reference} was received. ${withUrl?.routingReason}.\nhttps://meridian.example/cases/${withUrl?.reference}`,
      },
    ]);
    const queuedRows = await sql<{ n: string }>`
      select count(distinct case_id) as n from performance_queue where case_id = any(${made.map((m) => m.case.id)}::bigint[])`.execute(
      h.db,
    );
    expect(Number(queuedRows.rows[0]?.n)).toBe(3);
  });
});

describe('values that array literals must escape', () => {
  it('keeps quotes, backslashes, commas, braces, NULL and non-Latin text as typed, in the case, its message and e-mail', async () => {
    const odd = 'He said "hi", {x} \\ back\\slash; é 漢字 \'quoted\'';
    const [a, b] = await Promise.all([
      createCase(h.db, requester, payroll('NULL', odd)),
      createCase(h.db, requester, payroll(odd, 'NULL')),
    ]);
    for (const [c, title, body] of [
      [a?.case, 'NULL', odd],
      [b?.case, odd, 'NULL'],
    ] as const) {
      const row = await sql<{ title: string; body: string; subject: string }>`
        select k.title, m.body, o.subject from cases k join case_messages m on m.case_id = k.id join outbox o on o.case_id = k.id
        where k.id = ${c?.id}`.execute(h.db);
      expect(row.rows).toEqual([{ title, body, subject: `[${c?.reference}] ${title}` }]);
      expect(c?.title).toBe(title);
    }
  });
});

describe('group commit', () => {
  it('gives each of 40 concurrent creations its own case; a reused key fails alone and a retried one answers its case', async () => {
    const first = await createCase(h.db, requester, payroll('Keyed request'), { idempotencyKey: 'key-1' });
    const results = await Promise.allSettled([
      ...Array.from({ length: 40 }, (_, i) =>
        createCase(h.db, requester, payroll(`Concurrent ${i}`), { idempotencyKey: `c-${i}` }),
      ),
      createCase(h.db, requester, payroll('Another request, same key'), { idempotencyKey: 'key-1' }),
      createCase(h.db, requester, payroll('Keyed request'), { idempotencyKey: 'key-1' }),
    ]);
    const made = results.slice(0, 40).map((r) => (r.status === 'fulfilled' ? r.value : undefined));
    expect(made.every((m) => m?.created)).toBe(true);
    // each answer is its own request's case, as stored
    for (const [i, m] of made.entries()) {
      const row = await sql<{
        title: string;
        reference: string;
      }>`select title, reference from cases where id = ${m?.case.id}`.execute(h.db);
      expect(row.rows[0]).toEqual({ title: `Concurrent ${i}`, reference: m?.case.reference });
      expect(m?.case.title).toBe(`Concurrent ${i}`);
    }
    expect(new Set(made.map((m) => m?.case.reference)).size).toBe(40);
    // they were written together, several a statement
    expect(newCaseWriter(h.db).stats.largestBatch).toBeGreaterThan(1);
    const reused = results[40];
    expect(reused?.status).toBe('rejected');
    expect(reused?.status === 'rejected' && (reused.reason as { code: string }).code).toBe('IDEMPOTENCY_KEY_REUSED');
    const retried = results[41];
    expect(retried?.status === 'fulfilled' && retried.value).toMatchObject({
      created: false,
      case: { reference: first.case.reference },
    });
    const keyed = await sql<{ n: string }>`select count(id) as n from cases where title = 'Keyed request'`.execute(h.db);
    expect(Number(keyed.rows[0]?.n)).toBe(1);
  });
});

describe('cached reference data', () => {
  it('a change to the reference data is seen by the next creation, whoever made it', async () => {
    const before = await createCase(h.db, requester, payroll('Before the change'));
    expect(before.case.provider?.code).toBe('UNON');
    const v0 = await readReferenceDataVersion(h.db);
    // as another process would: straight in the database, which this process's cache knows nothing of
    await sql`update assignments set provider_code = 'KJSO'
              where entity_code = 'RCO-CL' and service_code = 'PAY-PAYROLL' and provider_code = 'UNON'`.execute(h.db);
    expect(await readReferenceDataVersion(h.db)).toBeGreaterThan(v0);
    const after = await createCase(h.db, requester, payroll('After the change'));
    expect(after.case.provider?.code).toBe('KJSO');
    expect(after.case.routingReason).toMatch(/^Assigned provider KJSO/);
    const stored = await sql<{ provider_code: string }>`select provider_code from cases where id = ${after.case.id}`.execute(
      h.db,
    );
    expect(stored.rows[0]?.provider_code).toBe('KJSO');
    const v1 = await readReferenceDataVersion(h.db);
    await sql`update sla_policies set warn_at = warn_at where false`.execute(h.db);
    await sql`update duty_stations set city = city where false`.execute(h.db);
    // a write statement bumps the version even when it changes no row (statement-level trigger)
    expect(await readReferenceDataVersion(h.db)).toBe(v1 + 2);
  });

  it('answers 503 with a code, and writes nothing, when the reference data changes during every attempt', async () => {
    // every write of a case bumps the version first, as a stream of reference changes would
    await sql`create function test_bump_version() returns trigger language plpgsql as $$
      begin update reference_data_version set version = version + 1 where id = 1; return new; end $$`.execute(h.db);
    await sql`create trigger test_bump_version before insert on cases for each statement execute function test_bump_version()`.execute(
      h.db,
    );
    try {
      const before = await sql<{ n: string }>`select count(id) as n from cases`.execute(h.db);
      await expect(createCase(h.db, requester, payroll('Never written'))).rejects.toMatchObject({
        code: 'CASE_REFERENCE_DATA_CHANGING',
        status: 503,
      });
      const after = await sql<{ n: string }>`select count(id) as n from cases`.execute(h.db);
      expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
    } finally {
      await sql`drop trigger test_bump_version on cases`.execute(h.db);
      await sql`drop function test_bump_version()`.execute(h.db);
    }
    expect((await createCase(h.db, requester, payroll('Written again'))).created).toBe(true);
  });
});

describe('the title index', () => {
  it('has no GIN pending list, so no creation stalls to merge one (migration 20261130T0700)', async () => {
    const r = await sql<{ options: string[] | null }>`
      select reloptions as options from pg_class where relname = 'cases_search_idx'`.execute(h.db);
    expect(r.rows[0]?.options).toContain('fastupdate=off');
  });
});
