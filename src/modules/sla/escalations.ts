/**
 * Escalation jobs: warnings (e.g. at 75% and 90% of a target) and the breach (100%), scheduled by
 * `refreshCaseClocks` at business instants, one at a time per clock (decision 0023: the pending job carries
 * the thresholds after it in `later`). `fireDueEscalations` fires every pending job whose instant has come,
 * once: each job is claimed with `FOR UPDATE SKIP LOCKED` and marked fired in the same transaction that
 * writes its case event (`sla-warning` or `sla-breached`), marks a breached clock, e-mails the case's
 * assignee (or, unassigned, the provider's managers) through the outbox, and schedules the clock's next
 * threshold (fired in the same run when it is due too).
 */
import { type Kysely, sql } from 'kysely';
import { fromJson } from '../../db/sql-helpers.ts';
import type { Database, EscalationStep } from '../../db/types.ts';
import { startPeriodic } from '../../server/periodic.ts';
import { appendCaseEvent, enqueueEmail } from '../cases/cases.repository.ts';

/** What one run did. */
export interface EscalationRunResult {
  fired: number;
}

/**
 * Fires the pending escalation jobs due at `now` (at most `batchSize`).
 * @returns how many fired.
 */
export async function fireDueEscalations(db: Kysely<Database>, now: Date, batchSize = 100): Promise<EscalationRunResult> {
  return db.transaction().execute(async (trx) => {
    const jobs = await trx
      .selectFrom('sla_jobs')
      .select(['id', 'clock_id', 'case_id', 'metric', 'segment_id', 'threshold', 'fire_at', 'later'])
      .where('status', '=', 'pending')
      .where('fire_at', '<=', now)
      .orderBy('fire_at')
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    let fired = 0;
    const held = new Set<string>();
    // `jobs` grows as the run goes: a clock's next threshold, scheduled when one fires, fires now if due
    for (let i = 0; i < jobs.length; i++) {
      const j = jobs[i] as (typeof jobs)[number];
      // The clock's row first, as a case change does (it updates the clock, then reconciles its jobs): a
      // clock that a change is reconciling now is left to the next run, and a change waits for this run
      // to commit and then reads the jobs it fired and scheduled. Never waiting here keeps the two from
      // deadlocking on the job row this run holds.
      if (j.clock_id && !held.has(String(j.clock_id))) {
        const locked = await trx
          .selectFrom('case_sla_clocks')
          .select('id')
          .where('id', '=', j.clock_id)
          .forUpdate()
          .skipLocked()
          .executeTakeFirst();
        if (!locked) continue;
        held.add(String(j.clock_id));
      }
      await trx.updateTable('sla_jobs').set({ status: 'fired', fired_at: now }).where('id', '=', j.id).execute();
      fired++;
      const [next, ...rest] = fromJson<EscalationStep[]>(j.later);
      if (next) {
        const scheduled = await trx
          .insertInto('sla_jobs')
          .values({
            clock_id: j.clock_id,
            case_id: j.case_id,
            metric: j.metric,
            segment_id: j.segment_id,
            threshold: next.threshold,
            fire_at: new Date(next.fireAt),
            status: 'pending',
            created_at: now,
            later: JSON.stringify(rest),
          })
          .returning(['id', 'clock_id', 'case_id', 'metric', 'segment_id', 'threshold', 'fire_at', 'later'])
          .executeTakeFirstOrThrow();
        if (new Date(next.fireAt).getTime() <= now.getTime()) jobs.push(scheduled);
      }
      const clock = j.clock_id
        ? await trx
            .selectFrom('case_sla_clocks')
            .select(['scope', 'provider_code', 'due_at', 'target'])
            .where('id', '=', j.clock_id)
            .executeTakeFirst()
        : undefined;
      const breach = j.threshold >= 100;
      if (breach && j.clock_id) {
        await trx
          .updateTable('case_sla_clocks')
          .set({ state: 'breached', breached_at: j.fire_at })
          .where('id', '=', j.clock_id)
          .where('state', '=', 'running')
          .execute();
      }
      await appendCaseEvent(trx, {
        caseId: String(j.case_id),
        at: now,
        actorUserId: null,
        type: breach ? 'sla-breached' : 'sla-warning',
        after: {
          metric: j.metric,
          threshold: j.threshold,
          scope: clock?.scope ?? null,
          provider: clock?.provider_code ?? null,
          dueAt: clock?.due_at ? new Date(clock.due_at).toISOString() : null,
        },
      });
      const c = await trx
        .selectFrom('cases as c')
        .leftJoin('users as a', 'a.id', 'c.assignee_user_id')
        .select(['c.reference', 'c.title', 'c.provider_code', 'a.email as assignee_email'])
        .where('c.id', '=', String(j.case_id))
        .executeTakeFirst();
      if (!c) continue;
      let to = c.assignee_email ? [c.assignee_email] : [];
      if (!to.length && c.provider_code) {
        const managers = await trx
          .selectFrom('users')
          .select('email')
          .where('provider_code', '=', c.provider_code)
          .where('role', '=', 'provider-manager')
          .where('active', '=', true)
          .execute();
        to = managers.map((m) => m.email);
      }
      const what = breach ? `breached its ${j.metric} target` : `reached ${j.threshold}% of its ${j.metric} target`;
      for (const address of to) {
        await enqueueEmail(trx, {
          caseId: String(j.case_id),
          to: address,
          subject: `[${c.reference}] SLA ${breach ? 'breach' : 'warning'}: ${c.title}`,
          body: `${c.reference} ${what}${clock?.due_at ? ` (due ${new Date(clock.due_at).toISOString()})` : ''}.`,
          at: now,
        });
      }
    }
    return { fired };
  });
}

/**
 * Runs `fireDueEscalations` every `intervalMs` until the returned stop function is called.
 * @param logger receives failed runs (the loop goes on).
 */
export function startEscalationWorker(
  db: Kysely<Database>,
  intervalMs: number,
  logger?: { error(obj: unknown, msg: string): void },
): () => Promise<void> {
  return startPeriodic(
    async (stopped) => {
      let r: EscalationRunResult;
      do r = await fireDueEscalations(db, new Date());
      while (!stopped() && r.fired >= 100);
    },
    intervalMs,
    (e) => logger?.error({ err: e }, 'sla: an escalation run failed'),
  );
}

/**
 * The escalations still to come of a case (tests and the case's SLA view): each clock's pending job and the
 * thresholds it carries after it (`later`), by instant then threshold; `fireAt` ISO 8601 UTC.
 */
export async function pendingEscalations(db: Kysely<Database>, caseId: string) {
  const r = await sql<{ metric: string; threshold: number; fire_at: Date; segment_id: string | null; later: unknown }>`
    select metric, threshold, fire_at, segment_id, later from sla_jobs where case_id = ${caseId} and status = 'pending'`.execute(
    db,
  );
  return r.rows
    .flatMap((x) => {
      const segmentId = x.segment_id === null ? null : String(x.segment_id);
      return [
        { metric: x.metric, threshold: x.threshold, fireAt: new Date(x.fire_at).toISOString(), segmentId },
        ...fromJson<EscalationStep[]>(x.later).map((l) => ({
          metric: x.metric,
          threshold: l.threshold,
          fireAt: new Date(l.fireAt).toISOString(),
          segmentId,
        })),
      ];
    })
    .sort((a, b) => a.fireAt.localeCompare(b.fireAt) || a.threshold - b.threshold);
}
