/**
 * New cases written in one SQL statement (decision 0021): for each case, the case with the next reference,
 * its first events, its first provider segment, the first public message, the idempotency key, its SLA
 * clocks and their escalation jobs, its row in the performance queue (decision 0019) and the requester's
 * e-mail in the outbox, as data-modifying CTEs of one `insert`, every column passed as one array over the
 * cases (`unnest`), so that the statement has one text whatever the number of cases and rows (one prepared
 * statement, decision 0012). One statement is one transaction: the cases are written whole or not at all,
 * without `begin`/`commit` round trips. The statement asserts the reference data version the cases' routing
 * and clocks were computed under (`assert_reference_data_version`): when that data changed meanwhile, it
 * fails with SQLSTATE `MR001` and writes nothing.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';
import type { EscalationChain } from '../sla/clocks.service.ts';
import type { NewCaseRow } from './cases.repository.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** A clock of the new case (values as `clockValues` gives them); `ofNewSegment`: it measures the first segment. */
export interface NewCaseClock {
  scope: 'case' | 'segment';
  metric: string;
  ofNewSegment: boolean;
  values: {
    provider_code: string | null;
    policy_id: number | null;
    target: string;
    target_business_ms: number;
    time_zone: string;
    started_at: Date;
    due_at: Date | null;
    stopped_at: Date | null;
    elapsed_business_ms: number;
    paused_business_ms: number;
    state: string;
    breached_at: Date | null;
    computed_at: Date;
  };
  /** Its first escalation job (one a clock, carrying the thresholds after it; decision 0023), if any. */
  escalation: EscalationChain | undefined;
}

/** Everything a new case writes. Instants are `Date`s; JSON values are serialised here. */
export interface NewCaseWrite {
  /** The reference data version routing and clocks were computed under. */
  referenceVersion: number;
  /** The case's columns (its state is `new`; no parent, team or assignee). */
  case: Pick<
    NewCaseRow,
    | 'entity'
    | 'requesterUserId'
    | 'service'
    | 'title'
    | 'fields'
    | 'impact'
    | 'urgency'
    | 'priority'
    | 'provider'
    | 'routingReason'
    | 'source'
  >;
  at: Date;
  events: { actorUserId: number | null; type: string; after: unknown; details?: unknown }[];
  segmentReason: string;
  /** The first public message (the description), if any. */
  message?: { authorUserId: number; body: string };
  idempotency?: { userId: number; key: string; requestHash: string };
  clocks: NewCaseClock[];
  /**
   * The e-mail to the requester. Its subject and body are given as parts joined by the case's reference
   * (known only when the statement runs): `['[', '] Title']` gives `[MER-000123] Title`.
   */
  email?: { to: string; subjectParts: string[]; bodyParts: string[] };
}

/** A column of values as one array parameter (its SQL type given), for `unnest`. */
const column = <T>(rows: readonly T[], get: (r: T) => unknown, type: string) =>
  sql`${sql.val(rows.map(get))}::${sql.raw(type)}[]`;

/** What `insertNewCases` returns for each case, in the order given. */
export interface WrittenCase {
  id: string;
  reference: string;
  version: number;
}

/**
 * Writes new cases `ws` in one statement and returns their ids, references and versions in the same order.
 * References are taken from the sequence in that order.
 * @throws the database error: SQLSTATE `MR001` when the reference data version is no longer the one of every
 *   case, 23505 when an idempotency key is already taken (nothing is written in either case).
 */
export async function insertNewCases(db: Db, ws: readonly NewCaseWrite[]): Promise<WrittenCase[]> {
  if (ws.length === 0) return [];
  const cases = ws.map((w, i) => ({ ...w, ord: i + 1 }));
  const events = cases.flatMap((w) => w.events.map((e) => ({ ...e, ord: w.ord })));
  const clocks = cases.flatMap((w) => w.clocks.map((k) => ({ ...k, ord: w.ord })));
  // a job names its clock by the clock's ordinal: the join stays one to one whatever plan PostgreSQL picks
  // (joined on case, scope and metric, a generic plan once multiplied 492 jobs by 164 clocks: 17 ms a batch)
  const jobs = clocks.flatMap((k, c) => (k.escalation ? [{ clockOrd: c + 1, ...k.escalation }] : []));
  const messages = cases.flatMap((w) => (w.message ? [{ ...w.message, ord: w.ord }] : []));
  const keys = cases.flatMap((w) => (w.idempotency ? [{ ...w.idempotency, ord: w.ord }] : []));
  const emails = cases.flatMap((w) => (w.email ? [{ ...w.email, ord: w.ord }] : []));
  const versions = ws.map((w) => w.referenceVersion);
  const r = await sql<WrittenCase & { ord: number }>`
    with ids as materialized (
      select o.ord, nextval('cases_id_seq') as id, 'MER-' || lpad(nextval('case_reference_seq')::text, 6, '0') as reference
      from generate_series(1, ${ws.length}::int) as o(ord)
      order by o.ord),
    clock_ids as materialized (
      select o.ord, nextval('case_sla_clocks_id_seq') as id
      from generate_series(1, ${clocks.length}::int) as o(ord)
      order by o.ord),
    new_case as (
      insert into cases (id, reference, parent_case_id, entity_code, requester_user_id, service_code, title, fields, impact,
                         urgency, priority, state, provider_code, routing_reason, created_at, updated_at, source, external_id)
      select i.id, i.reference, null, v.entity, v.requester, v.service, v.title, v.fields, v.impact, v.urgency, v.priority, 'new',
             v.provider, v.reason, v.at, v.at, v.source, null
      from unnest(${column(cases, (w) => w.case.entity, 'text')}, ${column(cases, (w) => w.case.requesterUserId, 'int')},
                  ${column(cases, (w) => w.case.service, 'text')}, ${column(cases, (w) => w.case.title, 'text')},
                  ${column(cases, (w) => JSON.stringify(w.case.fields), 'jsonb')}, ${column(cases, (w) => w.case.impact, 'smallint')},
                  ${column(cases, (w) => w.case.urgency, 'smallint')}, ${column(cases, (w) => w.case.priority, 'text')},
                  ${column(cases, (w) => w.case.provider, 'text')}, ${column(cases, (w) => w.case.routingReason, 'text')},
                  ${column(cases, (w) => w.at, 'timestamptz')}, ${column(cases, (w) => w.case.source, 'text')})
             with ordinality as v(entity, requester, service, title, fields, impact, urgency, priority, provider, reason, at, source, ord)
           join ids i on i.ord = v.ord
      order by v.ord
      returning id, reference, version, created_at, provider_code),
    new_events as (
      insert into case_events (case_id, at, actor_user_id, type, before, after, details)
      select i.id, n.created_at, e.actor, e.type, null, e.after, e.details
      from unnest(${column(events, (e) => e.ord, 'int')}, ${column(events, (e) => e.actorUserId, 'int')},
                  ${column(events, (e) => e.type, 'text')}, ${column(events, (e) => JSON.stringify(e.after ?? null), 'jsonb')},
                  ${column(events, (e) => JSON.stringify(e.details ?? {}), 'jsonb')})
             with ordinality as e(case_ord, actor, type, after, details, ord)
           join ids i on i.ord = e.case_ord join new_case n on n.id = i.id
      order by e.ord),
    new_segment as (
      insert into case_segments (case_id, provider_code, team_id, started_at, start_reason)
      select i.id, n.provider_code, null, n.created_at, s.reason
      from unnest(${column(cases, (w) => w.segmentReason, 'text')}) with ordinality as s(reason, ord)
           join ids i on i.ord = s.ord join new_case n on n.id = i.id
      order by s.ord
      returning id, case_id),
    new_queue_rows as (
      insert into performance_queue (case_id, tx) select n.id, txid_current() from new_case n on conflict do nothing),
    new_clocks as (
      insert into case_sla_clocks (id, case_id, scope, segment_id, metric, provider_code, policy_id, target, target_business_ms,
                                   time_zone, started_at, due_at, stopped_at, elapsed_business_ms, paused_business_ms, state,
                                   breached_at, computed_at)
      select ci.id, i.id, v.scope, case when v.of_segment then s.id end, v.metric, v.provider_code, v.policy_id, v.target,
             v.target_business_ms, v.time_zone, v.started_at, v.due_at, v.stopped_at, v.elapsed_business_ms,
             v.paused_business_ms, v.state, v.breached_at, n.created_at
      from unnest(${column(clocks, (k) => k.ord, 'int')}, ${column(clocks, (k) => k.scope, 'text')},
                  ${column(clocks, (k) => k.ofNewSegment, 'boolean')}, ${column(clocks, (k) => k.metric, 'text')},
                  ${column(clocks, (k) => k.values.provider_code, 'text')}, ${column(clocks, (k) => k.values.policy_id, 'int')},
                  ${column(clocks, (k) => k.values.target, 'text')}, ${column(clocks, (k) => k.values.target_business_ms, 'bigint')},
                  ${column(clocks, (k) => k.values.time_zone, 'text')}, ${column(clocks, (k) => k.values.started_at, 'timestamptz')},
                  ${column(clocks, (k) => k.values.due_at, 'timestamptz')}, ${column(clocks, (k) => k.values.stopped_at, 'timestamptz')},
                  ${column(clocks, (k) => k.values.elapsed_business_ms, 'bigint')},
                  ${column(clocks, (k) => k.values.paused_business_ms, 'bigint')}, ${column(clocks, (k) => k.values.state, 'text')},
                  ${column(clocks, (k) => k.values.breached_at, 'timestamptz')})
             with ordinality as v(case_ord, scope, of_segment, metric, provider_code, policy_id, target, target_business_ms,
                                  time_zone, started_at, due_at, stopped_at, elapsed_business_ms, paused_business_ms, state,
                                  breached_at, ord)
           join clock_ids ci on ci.ord = v.ord join ids i on i.ord = v.case_ord join new_case n on n.id = i.id
           join new_segment s on s.case_id = i.id
      order by v.ord
      returning id, case_id, metric, segment_id),
    new_jobs as (
      insert into sla_jobs (clock_id, case_id, metric, segment_id, threshold, fire_at, status, created_at, later)
      select k.id, k.case_id, k.metric, k.segment_id, j.threshold, j.fire_at, 'pending', n.created_at, j.later
      from unnest(${column(jobs, (j) => j.clockOrd, 'int')}, ${column(jobs, (j) => j.threshold, 'int')},
                  ${column(jobs, (j) => new Date(j.fireAt), 'timestamptz')}, ${column(jobs, (j) => JSON.stringify(j.later), 'jsonb')})
             with ordinality as j(clock_ord, threshold, fire_at, later, ord)
           join clock_ids ci on ci.ord = j.clock_ord join new_clocks k on k.id = ci.id join new_case n on n.id = k.case_id
      order by j.ord),
    new_messages as (
      insert into case_messages (case_id, author_user_id, visibility, body, mentions, channel, created_at)
      select i.id, m.author, 'public', m.body, '[]'::jsonb, 'web', n.created_at
      from unnest(${column(messages, (m) => m.ord, 'int')}, ${column(messages, (m) => m.authorUserId, 'int')},
                  ${column(messages, (m) => m.body, 'text')}) as m(case_ord, author, body)
           join ids i on i.ord = m.case_ord join new_case n on n.id = i.id
      order by m.case_ord),
    new_keys as (
      insert into idempotency_keys (user_id, key, request_hash, case_id, created_at)
      select k.user_id, k.key, k.hash, i.id, n.created_at
      from unnest(${column(keys, (k) => k.ord, 'int')}, ${column(keys, (k) => k.userId, 'int')}, ${column(keys, (k) => k.key, 'text')},
                  ${column(keys, (k) => k.requestHash, 'text')}) as k(case_ord, user_id, key, hash)
           join ids i on i.ord = k.case_ord join new_case n on n.id = i.id),
    new_emails as (
      insert into outbox (case_id, to_address, subject, body, status, created_at)
      select i.id, e.to_address,
             array_to_string(array(select jsonb_array_elements_text(e.subject)), n.reference),
             array_to_string(array(select jsonb_array_elements_text(e.body)), n.reference),
             'pending', n.created_at
      from unnest(${column(emails, (e) => e.ord, 'int')}, ${column(emails, (e) => e.to, 'text')},
                  ${column(emails, (e) => JSON.stringify(e.subjectParts), 'jsonb')},
                  ${column(emails, (e) => JSON.stringify(e.bodyParts), 'jsonb')}) as e(case_ord, to_address, subject, body)
           join ids i on i.ord = e.case_ord join new_case n on n.id = i.id
      order by e.case_ord)
    select n.id, n.reference, n.version, i.ord from new_case n join ids i on i.id = n.id
    where assert_reference_data_version(${Math.min(...versions)}::bigint)
      and assert_reference_data_version(${Math.max(...versions)}::bigint)`.execute(db);
  const byOrd = new Map(r.rows.map((x) => [Number(x.ord), x]));
  return ws.map((_, i) => {
    const row = byOrd.get(i + 1);
    if (!row) throw new Error(`new case ${i + 1} of ${ws.length} was not returned`);
    return { id: String(row.id), reference: row.reference, version: Number(row.version) };
  });
}
