/**
 * Case clocks, kept current: `refreshCaseClocks` re-derives a case's clocks from its history inside the
 * transaction of every change to the case, stores them (`case_sla_clocks`), and reconciles the escalation
 * jobs (`sla_jobs`): a running clock has one pending job, its next warning threshold or its breach, which
 * carries the thresholds after it and schedules the next when it fires (decision 0023); it is moved when
 * its instant moves, and withdrawn when the clock is met, paused, stopped or loses its target. A threshold
 * that has fired for a clock never fires again for it.
 *
 * The clocks of a closed, cancelled or merged case are read as stored: later calendar or policy edits
 * never rewrite them. Open cases are derived live when read.
 */
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { fromJson } from '../../db/sql-helpers.ts';
import type { Database, EscalationStep, SlaPolicyTable } from '../../db/types.ts';
import { STAFF_ROLES } from '../identity/identity.schema.ts';
import { queueCasePerformance } from '../performance/queue.service.ts';
import type { BusinessCalendar } from './business-calendar.ts';
import { calendarsOfOwners, caseCalendars } from './calendars.ts';
import { type CaseHistory, type ClockCaseState, type ClockPolicy, type DerivedClock, deriveCaseClocks } from './case-clocks.ts';
import { type CalendarOwnerRow, findCaseHistory } from './clocks.repository.ts';
import { policiesFor, policyResolver } from './policies.ts';

type Db = Kysely<Database> | Transaction<Database>;

const TERMINAL = new Set(['closed', 'cancelled', 'merged']);

/** The case facts clocks need, plus what resolving policies and calendars needs. */
export interface LoadedCase {
  id: string;
  reference: string;
  entity: string;
  service: string;
  priority: string;
  state: ClockCaseState;
  history: CaseHistory;
  /** Read with the history: the active policies of the case's service and priority, and its calendars' owners. */
  context?: { policies: Selectable<SlaPolicyTable>[]; calendars: CalendarOwnerRow[] };
}

/**
 * Reads the history of a case (states from its events, segments, public replies with their authors) with
 * the policies and calendar owners its clocks need, in one statement (`findCaseHistory`).
 */
export async function loadCaseHistory(db: Db, caseId: string): Promise<LoadedCase | undefined> {
  const c = await findCaseHistory(db, caseId);
  if (!c) return undefined;
  const createdAt = Number(c.created_ms);
  const states: CaseHistory['states'] = [{ at: createdAt, state: 'new' }];
  for (const e of c.events ?? []) {
    if (e.type === 'created') continue;
    const after = fromJson<{ state?: string } | null>(e.after);
    if (after?.state) states.push({ at: Number(e.at), state: after.state as ClockCaseState });
  }
  return {
    id: String(c.id),
    reference: c.reference,
    entity: c.entity_code,
    service: c.service_code,
    priority: c.priority,
    state: c.state as ClockCaseState,
    context: { policies: c.policies ?? [], calendars: c.calendars ?? [] },
    history: {
      createdAt,
      states,
      segments: (c.segments ?? []).map((s) => ({
        id: String(s.id),
        provider: s.provider_code,
        startedAt: Number(s.started),
        endedAt: s.ended === null ? null : Number(s.ended),
        endReason: s.end_reason,
      })),
      // A message with no author (e-mail from an unknown sender) or from a client role counts as the client's.
      replies: (c.replies ?? []).map((r) => ({
        at: Number(r.at),
        by: r.role && STAFF_ROLES.has(r.role) ? ('staff' as const) : ('client' as const),
        provider: r.provider_code ?? null,
      })),
    },
  };
}

/**
 * Resolves the policies and calendars a case's clocks need (as read with its history; else one statement
 * each), then derives them as of `now`. A stored calendar not yet compiled in this process costs one more
 * statement (its versions).
 */
export async function deriveClocksOf(db: Db, c: LoadedCase, now: number): Promise<DerivedClock[]> {
  const providers = [...new Set(c.history.segments.map((s) => s.provider).filter((p): p is string => p !== null))];
  const [policyFor, calendars] = c.context
    ? [policyResolver(c.context.policies), await calendarsOfOwners(db, c.entity, providers, c.context.calendars)]
    : await Promise.all([policiesFor(db, c.service, c.priority), caseCalendars(db, c.entity, providers)]);
  const calendarFor = (provider: string | null, policy: ClockPolicy): BusinessCalendar =>
    policy.calendarBasis === 'client' || provider === null
      ? calendars.client
      : (calendars.providers.get(provider) ?? calendars.client);
  return deriveCaseClocks(c.history, { policyFor, calendarFor }, now);
}

const keyOf = (c: { metric: string; segmentId: string | null }) => `${c.metric}|${c.segmentId ?? ''}`;

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

/** The stored values of clock `c` computed at `now` (`case_sla_clocks` columns but its case, scope, segment and metric). */
export function clockValues(c: DerivedClock, now: Date) {
  return {
    provider_code: c.provider,
    policy_id: c.policyId,
    target: c.target,
    target_business_ms: Math.round(c.targetBusinessMs),
    time_zone: c.timeZone,
    started_at: new Date(c.startedAt),
    due_at: date(c.dueAt),
    stopped_at: date(c.stoppedAt),
    elapsed_business_ms: Math.round(c.elapsedBusinessMs),
    paused_business_ms: Math.round(c.pausedBusinessMs),
    state: c.state,
    breached_at: date(c.breachedAt),
    computed_at: now,
  };
}

/** The next escalation of a clock and the ones after it (decision 0023). */
export interface EscalationChain {
  /** Percent of the target (100: the breach). */
  threshold: number;
  /** Epoch ms. */
  fireAt: number;
  /** The thresholds after it, by instant (then threshold), as stored in `sla_jobs.later`. */
  later: EscalationStep[];
}

/**
 * The escalation job a clock should have pending (decision 0023: one at a time per clock, carrying the ones
 * after it): its thresholds not in `fired` (one per threshold, the last instant given wins), by instant then
 * threshold; undefined when none is left (the clock is not running, or every threshold fired).
 */
export function escalationChain(c: DerivedClock, fired: ReadonlySet<number> = new Set()): EscalationChain | undefined {
  const steps = [...new Map(c.escalations.map((e) => [e.threshold, e.fireAt]))]
    .filter(([threshold]) => !fired.has(threshold))
    .sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const [first, ...rest] = steps;
  if (!first) return undefined;
  return {
    threshold: first[0],
    fireAt: first[1],
    later: rest.map(([threshold, fireAt]) => ({ threshold, fireAt: new Date(fireAt).toISOString() })),
  };
}

/**
 * The clocks of a case about to be created (decision 0021): derived from its first history (state `new`
 * at creation, its first segment, the first public message if any) with the policies and calendar owners
 * the caller read or cached, without reading the case. Compiling a stored calendar not yet compiled in
 * this process reads its versions (one statement). Equal to what `refreshCaseClocks` derives once the case
 * is written.
 * @throws AppError DIRECTORY_DUTY_STATION_NOT_FOUND / VALIDATION_FAILED for an owner whose calendar cannot be built.
 */
export async function deriveNewCaseClocks(
  db: Db,
  c: { entity: string; service: string; priority: string; history: CaseHistory },
  context: NonNullable<LoadedCase['context']>,
  now: number,
): Promise<DerivedClock[]> {
  return deriveClocksOf(db, { id: '', reference: '', state: 'new', ...c, context }, now);
}

/**
 * Re-derives and stores the clocks of case `caseId` as of `now`, reconciles its escalation jobs, and
 * queues the refresh of its performance facts and roll-ups (drained after commit, decision 0019).
 * Call inside the transaction of the change; `opts.newCase` when the case was created in that transaction
 * (it has no clocks yet, so none are read).
 */
export async function refreshCaseClocks(
  trx: Transaction<Database>,
  caseId: string,
  now: Date,
  opts: { newCase?: boolean } = {},
): Promise<DerivedClock[]> {
  const loaded = await loadCaseHistory(trx, caseId);
  if (!loaded) return [];
  const clocks = await deriveClocksOf(trx, loaded, now.getTime());
  const existing = opts.newCase
    ? []
    : await trx.selectFrom('case_sla_clocks').select(['id', 'metric', 'segment_id']).where('case_id', '=', caseId).execute();
  const idByKey = new Map(
    existing.map((e) => [
      keyOf({ metric: e.metric, segmentId: e.segment_id === null ? null : String(e.segment_id) }),
      String(e.id),
    ]),
  );
  const valuesOf = (c: DerivedClock) => clockValues(c, now);
  if (existing.length === 0) {
    // The case's first clocks (a new case or child task): none to update or withdraw, and no job yet, so
    // the clocks and their jobs go in two statements rather than three per clock (same rows, same order).
    if (clocks.length === 0) {
      await queueCasePerformance(trx, caseId);
      return clocks;
    }
    const inserted = await trx
      .insertInto('case_sla_clocks')
      .values(clocks.map((c) => ({ ...valuesOf(c), case_id: caseId, scope: c.scope, segment_id: c.segmentId, metric: c.metric })))
      .returning(['id', 'metric', 'segment_id'])
      .execute();
    const idOf = new Map(
      inserted.map((r) => [keyOf({ metric: r.metric, segmentId: r.segment_id === null ? null : String(r.segment_id) }), r.id]),
    );
    const jobs = clocks.flatMap((c) => {
      const next = escalationChain(c);
      return next ? [pendingJob(idOf.get(keyOf(c)) as string, caseId, c, next, now)] : [];
    });
    if (jobs.length) await trx.insertInto('sla_jobs').values(jobs).execute();
    await queueCasePerformance(trx, caseId);
    return clocks;
  }
  const keep = new Set<string>();
  for (const c of clocks) {
    const values = valuesOf(c);
    let id = idByKey.get(keyOf(c));
    if (id) {
      await trx.updateTable('case_sla_clocks').set(values).where('id', '=', id).execute();
    } else {
      const r = await trx
        .insertInto('case_sla_clocks')
        .values({ ...values, case_id: caseId, scope: c.scope, segment_id: c.segmentId, metric: c.metric })
        .returning('id')
        .executeTakeFirstOrThrow();
      id = String(r.id);
    }
    keep.add(id);
    await reconcileJobs(trx, caseId, id, c, now);
  }
  const gone = [...idByKey.values()].filter((id) => !keep.has(id));
  if (gone.length) {
    // their rows first, as for the clocks kept (updated above), so that an escalation run firing one of
    // their jobs finishes first and what it scheduled is withdrawn here too
    await trx.selectFrom('case_sla_clocks').select('id').where('id', 'in', gone).forUpdate().execute();
    await trx
      .updateTable('sla_jobs')
      .set({ status: 'withdrawn', withdrawn_at: now, withdrawn_reason: 'target removed' })
      .where('clock_id', 'in', gone)
      .where('status', '=', 'pending')
      .execute();
    await trx.deleteFrom('case_sla_clocks').where('id', 'in', gone).execute();
  }
  await queueCasePerformance(trx, caseId);
  return clocks;
}

/**
 * Keeps clock `clockId`'s pending escalation job equal to `escalationChain` of its derivation (decision
 * 0023): the pending job that is already that threshold at that instant stays (its `later` brought up to
 * date); any other pending job is withdrawn (reason: `moved` for a running clock, else the clock's state);
 * the next threshold is scheduled when no pending job is it. Thresholds that fired never come back.
 * The caller holds the clock's row (updated or inserted in `trx`): an escalation run takes it before firing
 * a job of the clock (`fireDueEscalations`), so the jobs read here are not being fired meanwhile.
 */
async function reconcileJobs(trx: Transaction<Database>, caseId: string, clockId: string, c: DerivedClock, now: Date) {
  const jobs = await trx
    .selectFrom('sla_jobs')
    .select(['id', 'threshold', 'fire_at', 'status', 'later'])
    .where('clock_id', '=', clockId)
    .execute();
  const fired = new Set(jobs.filter((j) => j.status === 'fired').map((j) => j.threshold));
  const next = escalationChain(c, fired);
  const reason = c.state === 'running' ? 'moved' : c.state;
  const steps = (later: unknown) =>
    JSON.stringify(fromJson<EscalationStep[]>(later).map((l) => [l.threshold, new Date(l.fireAt).getTime()]));
  let kept = false;
  for (const j of jobs) {
    if (j.status !== 'pending') continue;
    if (!kept && next && j.threshold === next.threshold && new Date(j.fire_at).getTime() === next.fireAt) {
      kept = true;
      if (steps(j.later) !== steps(next.later))
        await trx
          .updateTable('sla_jobs')
          .set({ later: JSON.stringify(next.later) })
          .where('id', '=', j.id)
          .where('status', '=', 'pending')
          .execute();
      continue;
    }
    await trx
      .updateTable('sla_jobs')
      .set({ status: 'withdrawn', withdrawn_at: now, withdrawn_reason: reason })
      .where('id', '=', j.id)
      .where('status', '=', 'pending')
      .execute();
  }
  if (next && !kept)
    await trx
      .insertInto('sla_jobs')
      .values(pendingJob(clockId, caseId, c, next, now))
      .execute();
}

/** The `sla_jobs` row of clock `clockId`'s pending escalation `next` (its later thresholds as JSON). */
function pendingJob(clockId: string, caseId: string, c: DerivedClock, next: EscalationChain, now: Date) {
  return {
    clock_id: clockId,
    case_id: caseId,
    metric: c.metric,
    segment_id: c.segmentId,
    threshold: next.threshold,
    fire_at: new Date(next.fireAt),
    status: 'pending' as const,
    created_at: now,
    later: JSON.stringify(next.later),
  };
}

/** A clock as the API shows it (instants ISO-8601 UTC; durations in business minutes). */
export interface ClockView {
  scope: 'case' | 'segment';
  provider: string | null;
  segmentStartedAt: string | null;
  metric: DerivedClock['metric'];
  target: string;
  targetBusinessMinutes: number;
  timeZone: string;
  startedAt: string;
  dueAt: string | null;
  stoppedAt: string | null;
  elapsedBusinessMinutes: number;
  pausedBusinessMinutes: number;
  /** Share of the target elapsed, in percent (rounded down). */
  percent: number | null;
  state: DerivedClock['state'];
  breachedAt: string | null;
  warnAt: number[];
}

const iso = (v: Date | string | number | null) => (v === null ? null : new Date(v).toISOString());

/**
 * The clocks of a case for display: derived live for an open or resolved case, as stored for a closed,
 * cancelled or merged one. `percent` is elapsed / target (business time) for minute targets.
 */
export async function caseClocksView(db: Kysely<Database>, caseId: string, now: Date): Promise<ClockView[]> {
  const loaded = await loadCaseHistory(db, caseId);
  if (!loaded) return [];
  const segStart = new Map(loaded.history.segments.map((s) => [s.id, new Date(s.startedAt).toISOString()]));
  const policyWarn = await sql<{ id: number; warn_at: unknown }>`select id, warn_at from sla_policies`.execute(db);
  const warnOf = new Map(policyWarn.rows.map((r) => [r.id, fromJson<number[]>(r.warn_at)]));
  const pct = (elapsed: number, targetMs: number) => (targetMs > 0 ? Math.floor((elapsed / targetMs) * 100) : null);
  if (TERMINAL.has(loaded.state)) {
    const rows = await db.selectFrom('case_sla_clocks').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
    return rows.map((r) => {
      const segmentId = r.segment_id === null ? null : String(r.segment_id);
      const elapsed = Number(r.elapsed_business_ms);
      return {
        scope: r.scope,
        provider: r.provider_code,
        segmentStartedAt: segmentId ? (segStart.get(segmentId) ?? null) : null,
        metric: r.metric,
        target: r.target,
        targetBusinessMinutes: Math.floor(Number(r.target_business_ms) / 60_000),
        timeZone: r.time_zone,
        startedAt: iso(r.started_at) as string,
        dueAt: iso(r.due_at),
        stoppedAt: iso(r.stopped_at),
        elapsedBusinessMinutes: Math.floor(elapsed / 60_000),
        pausedBusinessMinutes: Math.floor(Number(r.paused_business_ms) / 60_000),
        percent: pct(elapsed, Number(r.target_business_ms)),
        state: r.state,
        breachedAt: iso(r.breached_at),
        warnAt: r.policy_id !== null ? (warnOf.get(r.policy_id) ?? []) : [],
      };
    });
  }
  const clocks = await deriveClocksOf(db, loaded, now.getTime());
  return clocks.map((c) => ({
    scope: c.scope,
    provider: c.provider,
    segmentStartedAt: c.segmentId ? (segStart.get(c.segmentId) ?? null) : null,
    metric: c.metric,
    target: c.target,
    targetBusinessMinutes: Math.floor(c.targetBusinessMs / 60_000),
    timeZone: c.timeZone,
    startedAt: iso(c.startedAt) as string,
    dueAt: iso(c.dueAt),
    stoppedAt: iso(c.stoppedAt),
    elapsedBusinessMinutes: Math.floor(c.elapsedBusinessMs / 60_000),
    pausedBusinessMinutes: Math.floor(c.pausedBusinessMs / 60_000),
    percent: pct(c.elapsedBusinessMs, c.targetBusinessMs),
    state: c.state,
    breachedAt: iso(c.breachedAt),
    warnAt: c.policyId !== null ? (warnOf.get(c.policyId) ?? []) : [],
  }));
}
