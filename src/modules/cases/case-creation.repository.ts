/**
 * A new case written in one SQL statement (decision 0021): the case with the next reference, its first
 * events, its first provider segment, the first public message, the idempotency key, its SLA clocks and
 * their escalation jobs, its row in the performance queue (decision 0019) and the requester's e-mail in the
 * outbox, as data-modifying CTEs of one `insert`. One statement is one transaction: it is written whole or
 * not at all, without `begin`/`commit` round trips. The statement asserts the reference data version the
 * caller's routing and clocks were computed under (`assert_reference_data_version`): when that data changed
 * meanwhile, it fails with SQLSTATE `MR001` and writes nothing.
 */
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';

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
  /** Its first escalation jobs: `[threshold (percent), fire at]`. */
  jobs: [number, Date][];
}

/** Everything a new case writes. Instants are `Date`s; JSON values are serialised here. */
export interface NewCaseWrite {
  /** The reference data version routing and clocks were computed under. */
  referenceVersion: number;
  case: {
    entity: string;
    requesterUserId: number | null;
    service: string;
    title: string;
    fields: Record<string, unknown>;
    impact: number;
    urgency: number;
    priority: string;
    provider: string | null;
    routingReason: string;
    source: string;
  };
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

const json = (v: unknown) => sql`${v === undefined ? null : JSON.stringify(v)}::jsonb`;
/** A column of values as one array parameter (its SQL type given), for `unnest`. */
const column = <T>(rows: readonly T[], get: (r: T) => unknown, type: string) =>
  sql`${sql.val(rows.map(get))}::${sql.raw(type)}[]`;

/**
 * Writes new case `w` in one statement. Its text does not depend on the number of clocks and jobs (they go
 * as arrays, `unnest`), so that it stays one prepared statement (decision 0012) in each of its few shapes
 * (with or without a message, an idempotency key, an e-mail). Returns the case's id, reference and version.
 * @throws the database error: SQLSTATE `MR001` when the reference data version is no longer
 *   `w.referenceVersion`, 23505 when the idempotency key is already taken (nothing is written in either case).
 */
export async function insertNewCase(db: Db, w: NewCaseWrite): Promise<{ id: string; reference: string; version: number }> {
  const c = w.case;
  // the jobs find their clock by scope and metric: a new case has at most one clock of each
  if (new Set(w.clocks.map((k) => `${k.scope}|${k.metric}`)).size !== w.clocks.length)
    throw new Error('a new case has two clocks of the same scope and metric');
  const ctes: RawBuilder<unknown>[] = [
    sql`new_case as (
      insert into cases (reference, parent_case_id, entity_code, requester_user_id, service_code, title, fields, impact,
                         urgency, priority, state, provider_code, routing_reason, created_at, updated_at, source, external_id)
      select 'MER-' || lpad(nextval('case_reference_seq')::text, 6, '0'), null, ${c.entity}, ${c.requesterUserId}::int,
             ${c.service}, ${c.title}, ${json(c.fields)}, ${c.impact}::int, ${c.urgency}::int, ${c.priority}, 'new',
             ${c.provider}::text, ${c.routingReason}, t.at, t.at, ${c.source}, null
      from (select ${w.at}::timestamptz as at) t
      returning id, reference, version, created_at, provider_code)`,
    sql`new_events as (
      insert into case_events (case_id, at, actor_user_id, type, before, after, details)
      select n.id, n.created_at, v.actor, v.type, null, v.after, v.details
      from new_case n, unnest(${column(w.events, (e) => e.actorUserId, 'int')}, ${column(w.events, (e) => e.type, 'text')},
                              ${column(w.events, (e) => JSON.stringify(e.after ?? null), 'jsonb')},
                              ${column(w.events, (e) => JSON.stringify(e.details ?? {}), 'jsonb')})
                       with ordinality as v(actor, type, after, details, ord)
      order by v.ord)`,
    sql`new_segment as (
      insert into case_segments (case_id, provider_code, team_id, started_at, start_reason)
      select n.id, n.provider_code, null, n.created_at, ${w.segmentReason} from new_case n
      returning id)`,
    sql`new_queue_row as (
      insert into performance_queue (case_id, tx) select n.id, txid_current() from new_case n on conflict do nothing)`,
    sql`new_clocks as (
      insert into case_sla_clocks (case_id, scope, segment_id, metric, provider_code, policy_id, target, target_business_ms,
                                   time_zone, started_at, due_at, stopped_at, elapsed_business_ms, paused_business_ms, state,
                                   breached_at, computed_at)
      select n.id, v.scope, case when v.of_segment then s.id end, v.metric, v.provider_code, v.policy_id, v.target,
             v.target_business_ms, v.time_zone, v.started_at, v.due_at, v.stopped_at, v.elapsed_business_ms,
             v.paused_business_ms, v.state, v.breached_at, n.created_at
      from new_case n, new_segment s,
           unnest(${column(w.clocks, (k) => k.scope, 'text')}, ${column(w.clocks, (k) => k.ofNewSegment, 'boolean')},
                  ${column(w.clocks, (k) => k.metric, 'text')}, ${column(w.clocks, (k) => k.values.provider_code, 'text')},
                  ${column(w.clocks, (k) => k.values.policy_id, 'int')}, ${column(w.clocks, (k) => k.values.target, 'text')},
                  ${column(w.clocks, (k) => k.values.target_business_ms, 'bigint')},
                  ${column(w.clocks, (k) => k.values.time_zone, 'text')},
                  ${column(w.clocks, (k) => k.values.started_at, 'timestamptz')},
                  ${column(w.clocks, (k) => k.values.due_at, 'timestamptz')},
                  ${column(w.clocks, (k) => k.values.stopped_at, 'timestamptz')},
                  ${column(w.clocks, (k) => k.values.elapsed_business_ms, 'bigint')},
                  ${column(w.clocks, (k) => k.values.paused_business_ms, 'bigint')},
                  ${column(w.clocks, (k) => k.values.state, 'text')},
                  ${column(w.clocks, (k) => k.values.breached_at, 'timestamptz')})
             with ordinality as v(scope, of_segment, metric, provider_code, policy_id, target, target_business_ms, time_zone,
                                  started_at, due_at, stopped_at, elapsed_business_ms, paused_business_ms, state, breached_at, ord)
      order by v.ord
      returning id, scope, metric, segment_id)`,
  ];
  const jobs = w.clocks.flatMap((k) => k.jobs.map(([threshold, fireAt]) => ({ k, threshold, fireAt })));
  ctes.push(sql`new_jobs as (
    insert into sla_jobs (clock_id, case_id, metric, segment_id, threshold, fire_at, status, created_at)
    select k.id, n.id, k.metric, k.segment_id, j.threshold, j.fire_at, 'pending', n.created_at
    from new_case n,
         unnest(${column(jobs, (j) => j.k.scope, 'text')}, ${column(jobs, (j) => j.k.metric, 'text')},
                ${column(jobs, (j) => j.threshold, 'int')}, ${column(jobs, (j) => j.fireAt, 'timestamptz')})
           with ordinality as j(scope, metric, threshold, fire_at, ord)
         join new_clocks k on k.scope = j.scope and k.metric = j.metric
    order by j.ord)`);
  if (w.message) {
    ctes.push(sql`new_message as (
      insert into case_messages (case_id, author_user_id, visibility, body, mentions, channel, created_at)
      select n.id, ${w.message.authorUserId}::int, 'public', ${w.message.body}, '[]'::jsonb, 'web', n.created_at
      from new_case n)`);
  }
  if (w.idempotency) {
    const k = w.idempotency;
    ctes.push(sql`new_key as (
      insert into idempotency_keys (user_id, key, request_hash, case_id, created_at)
      select ${k.userId}::int, ${k.key}, ${k.requestHash}, n.id, n.created_at from new_case n)`);
  }
  if (w.email) {
    const e = w.email;
    ctes.push(sql`new_email as (
      insert into outbox (case_id, to_address, subject, body, status, created_at)
      select n.id, ${e.to}, array_to_string(${e.subjectParts}::text[], n.reference), array_to_string(${e.bodyParts}::text[], n.reference),
             'pending', n.created_at
      from new_case n)`);
  }
  const r = await sql<{ id: string; reference: string; version: number }>`
    with ${sql.join(ctes)}
    select n.id, n.reference, n.version from new_case n where assert_reference_data_version(${w.referenceVersion}::bigint)`.execute(
    db,
  );
  const row = r.rows[0];
  if (!row) throw new Error('the new case was not returned');
  return { id: String(row.id), reference: row.reference, version: Number(row.version) };
}
