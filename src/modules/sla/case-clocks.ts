/**
 * The SLA clocks of one case, derived from its history (pure: no database, no wall clock).
 *
 * Every clock is re-derived from the case's facts — state changes, provider segments, public replies — so
 * elapsed and paused time always carry over on transfer, priority or policy change, and reopen: only the
 * target and the calendar of the time still to run come from the current policy.
 *
 * Clocks:
 * - end to end (the client's view), `scope: 'case'`: first response (met by the first public reply of
 *   provider staff, never by an internal note), next response (each client message after the first
 *   response starts a cycle that the next staff reply meets; the clock shows the latest cycle) and
 *   resolution (met when the case is resolved; a reopen resumes it, the resolved/closed interval counting
 *   as paused). Its past runs on the calendar of each provider segment that held the case, the time still
 *   to run on the current provider's (or, when the policy says so, the client's) calendar.
 * - per provider segment (the OLA of each provider that held the case), `scope: 'segment'`: first response
 *   (a reply by that provider's staff) and resolution (met at resolution, or at the handoff when the case
 *   is transferred on: a handoff within the target is met, after it is breached).
 * Pauses: the policy's pause states (awaiting client by default), plus resolved and closed. A cancelled or
 * merged case's clocks stop (`stopped`, or `breached` if the breach came first).
 * Units: instants and durations are epoch / business milliseconds.
 */
import type { BusinessCalendar, Interval } from './business-calendar.ts';
import { parseSlaTarget } from './business-calendar.ts';

/** Case states, as in cases/lifecycle.ts. */
export type ClockCaseState = 'new' | 'in-progress' | 'awaiting-client' | 'resolved' | 'closed' | 'cancelled' | 'merged';

/** What a clock's policy says. Targets are ISO-8601 durations of business time, or null (no target). */
export interface ClockPolicy {
  id: number | null;
  firstResponse: string | null;
  nextResponse: string | null;
  resolution: string | null;
  pauseStates: readonly string[];
  /** Warning thresholds in percent of the target, e.g. [75, 90]. */
  warnAt: readonly number[];
  /** Fire warnings at wall-clock offsets before the due instant even when closed (default false). */
  escalateOutsideHours: boolean;
  /** Which calendar clocks run on: the provider's (default) or the client entity's duty station's. */
  calendarBasis: 'provider' | 'client';
}

/** The facts of a case that clocks are derived from. Instants in epoch ms; lists in time order. */
export interface CaseHistory {
  createdAt: number;
  /** Every state the case entered, in order, starting with `new` at creation. */
  states: Array<{ at: number; state: ClockCaseState }>;
  segments: Array<{ id: string; provider: string | null; startedAt: number; endedAt: number | null; endReason: string | null }>;
  /** Public replies: `staff` of a provider (provider code, or null for coordinators) or the client. */
  replies: Array<{ at: number; by: 'staff' | 'client'; provider: string | null }>;
}

export type ClockMetric = 'first-response' | 'next-response' | 'resolution';
export type ClockState = 'running' | 'paused' | 'met' | 'breached' | 'stopped';

/** One derived clock. */
export interface DerivedClock {
  scope: 'case' | 'segment';
  segmentId: string | null;
  provider: string | null;
  metric: ClockMetric;
  policyId: number | null;
  target: string;
  /** The target in business ms (a day target converted on the calendar in force at the start). */
  targetBusinessMs: number;
  timeZone: string;
  startedAt: number;
  /** Due instant, or null while paused (the due moves with the pause). */
  dueAt: number | null;
  /** When the clock stopped (met, handoff, or the case stopped), else null. */
  stoppedAt: number | null;
  elapsedBusinessMs: number;
  pausedBusinessMs: number;
  state: ClockState;
  breachedAt: number | null;
  /** Business instants at which warnings (and, at 100, the breach) fire while running; empty otherwise. */
  escalations: Array<{ threshold: number; fireAt: number }>;
}

/** A part of a clock's life measured on one calendar. */
interface Piece {
  calendar: BusinessCalendar;
  from: number;
  to: number;
}

/** How the caller supplies policies and calendars (already resolved for this case). */
export interface ClockContext {
  /** The policy for a provider (null = the coordination queue) under the case's service and priority. */
  policyFor(provider: string | null): ClockPolicy | null;
  /** The calendar a clock of this provider runs on, per the policy's calendar basis. */
  calendarFor(provider: string | null, policy: ClockPolicy): BusinessCalendar;
}

const PAUSED_ALWAYS: ReadonlySet<ClockCaseState> = new Set(['resolved', 'closed']);
const STOPPED: ReadonlySet<ClockCaseState> = new Set(['cancelled', 'merged']);

/** Intervals during which the case sat in a pausing state; the last may be open (`to` = Infinity). */
export function pauseIntervals(history: CaseHistory, pauseStates: readonly string[]): Interval[] {
  const out: Interval[] = [];
  const states = history.states;
  for (let i = 0; i < states.length; i++) {
    const s = states[i] as { at: number; state: ClockCaseState };
    if (!(PAUSED_ALWAYS.has(s.state) || pauseStates.includes(s.state))) continue;
    const to = i + 1 < states.length ? (states[i + 1] as { at: number }).at : Number.POSITIVE_INFINITY;
    const last = out.at(-1);
    if (last && last.to === s.at) last.to = to;
    else if (to > s.at) out.push({ from: s.at, to });
  }
  return out;
}

/** Business time of [from, to) across the pieces, minus pauses. */
function businessAcross(pieces: Piece[], from: number, to: number, pauses: Interval[]): number {
  let sum = 0;
  for (const p of pieces) {
    const a = Math.max(p.from, from);
    const b = Math.min(p.to, to);
    if (b > a) sum += p.calendar.businessMsBetween(a, b, pauses);
  }
  return sum;
}

/**
 * The instant at which `targetMs` of business time (net of pauses) has run since the first piece's start,
 * or null when it falls after `openPauseFrom` (the clock is paused: the due instant is not yet known).
 */
function instantAfter(pieces: Piece[], targetMs: number, pauses: Interval[], openPauseFrom: number | null): number | null {
  let acc = 0;
  for (const [i, p] of pieces.entries()) {
    const last = i === pieces.length - 1;
    if (!last) {
      const avail = p.calendar.businessMsBetween(p.from, p.to, pauses);
      if (acc + avail < targetMs) {
        acc += avail;
        continue;
      }
    }
    const at = p.calendar.addBusinessMs(p.from, targetMs - acc, pauses);
    if (openPauseFrom !== null && at > openPauseFrom) return null;
    return at;
  }
  return null;
}

function targetMsOf(target: string, first: Piece): number {
  const t = parseSlaTarget(target);
  if (t.kind === 'business-ms') return t.ms;
  const d0 = first.calendar.addBusinessDays(first.from, t.days);
  return first.calendar.businessMsBetween(first.from, d0);
}

interface Measure {
  pieces: Piece[];
  target: string;
  pauses: Interval[];
  /** The clock's stop: the instant and whether reaching it meets the clock (else it just stops it). */
  stop: { at: number; meets: boolean } | null;
  now: number;
  warnAt: readonly number[];
  escalateOutsideHours: boolean;
}

function measure(
  m: Measure,
): Pick<
  DerivedClock,
  'dueAt' | 'stoppedAt' | 'elapsedBusinessMs' | 'pausedBusinessMs' | 'state' | 'breachedAt' | 'escalations' | 'targetBusinessMs'
> {
  const first = m.pieces[0] as Piece;
  const end = Math.min(m.stop?.at ?? m.now, m.now);
  // Pauses as known now: an open pause ends now for measuring, and hides the due instant.
  const open = m.pauses.find((p) => p.to === Number.POSITIVE_INFINITY && (m.stop === null || p.from < m.stop.at));
  const known = m.pauses.map((p) => (p.to === Number.POSITIVE_INFINITY ? { from: p.from, to: Math.max(p.from, m.now) } : p));
  const targetMs = targetMsOf(m.target, first);
  const elapsed = businessAcross(m.pieces, first.from, end, known);
  const gross = businessAcross(m.pieces, first.from, end, []);
  const openFrom = m.stop === null && open ? open.from : null;
  // A day target on one calendar ends where the contract says (the same position in the n-th following
  // working day); across several calendars (after a transfer) it runs as the business time it stood for.
  const target = parseSlaTarget(m.target);
  let dueAt: number | null;
  if (target.kind === 'business-days' && m.pieces.length === 1) {
    const at = first.calendar.addBusinessDays(first.from, target.days, known);
    dueAt = openFrom !== null && at > openFrom ? null : at;
  } else dueAt = instantAfter(m.pieces, targetMs, known, openFrom);
  // Breached when the due instant came before the stop (a stop exactly at the due meets it), or, while
  // running, when it has passed.
  let breachedAt: number | null = null;
  if (dueAt !== null) {
    if (m.stop) {
      if (dueAt < m.stop.at || (!m.stop.meets && dueAt <= m.stop.at)) breachedAt = dueAt;
    } else if (dueAt <= m.now) breachedAt = dueAt;
  }
  let state: ClockState;
  if (m.stop) state = breachedAt !== null ? 'breached' : m.stop.meets ? 'met' : 'stopped';
  else state = breachedAt !== null ? 'breached' : openFrom !== null ? 'paused' : 'running';
  const escalations: Array<{ threshold: number; fireAt: number }> = [];
  if (state === 'running' && dueAt !== null) {
    for (const threshold of [...m.warnAt, 100]) {
      const fireAt =
        threshold >= 100
          ? dueAt
          : m.escalateOutsideHours
            ? dueAt - ((100 - threshold) / 100) * (dueAt - first.from)
            : Math.min(dueAt, instantAfter(m.pieces, (targetMs * threshold) / 100, known, null) as number);
      escalations.push({ threshold, fireAt: Math.round(fireAt) });
    }
  }
  return {
    targetBusinessMs: targetMs,
    dueAt,
    stoppedAt: m.stop ? m.stop.at : null,
    elapsedBusinessMs: elapsed,
    pausedBusinessMs: Math.max(0, gross - elapsed),
    state,
    breachedAt,
    escalations,
  };
}

/**
 * The latest next-response cycle among replies in (after, until): it opens at the first client reply after
 * a staff reply (or after `after`) and closes at the next reply for which `answers` holds.
 */
function latestCycle(
  replies: CaseHistory['replies'],
  after: number,
  until: number,
  answers: (r: CaseHistory['replies'][number]) => boolean,
): { start: number; end: number | null } | null {
  let cycle: { start: number; end: number | null } | null = null;
  for (const r of replies) {
    if (r.at <= after || r.at >= until) continue;
    if (r.by === 'client' && (cycle === null || cycle.end !== null)) cycle = { start: r.at, end: null };
    else if (cycle !== null && cycle.end === null && answers(r)) cycle.end = r.at;
  }
  return cycle;
}

/** The instant the case was last resolved, when it is resolved or closed now (a reopen clears it). */
function resolvedAt(history: CaseHistory): number | null {
  const states = history.states;
  const cur = states.at(-1);
  if (!cur || !(cur.state === 'resolved' || cur.state === 'closed')) return null;
  for (let i = states.length - 1; i >= 0; i--) {
    const s = states[i] as { at: number; state: ClockCaseState };
    if (s.state === 'resolved') return s.at;
    if (s.state !== 'closed') break;
  }
  // Closed straight from an open state (no resolution first): closing ends it.
  return cur.at;
}

/** The instant the case stopped without being met (cancelled or merged), else null. */
function stoppedAt(history: CaseHistory): number | null {
  const cur = history.states.at(-1);
  return cur && STOPPED.has(cur.state) ? cur.at : null;
}

/** The instant the case was closed, when it is closed now. */
function closedAt(history: CaseHistory): number | null {
  const cur = history.states.at(-1);
  return cur?.state === 'closed' ? cur.at : null;
}

/**
 * Derives every clock of a case as of `now` (epoch ms).
 * @throws AppError VALIDATION_FAILED from the engine when a policy target is not a valid ISO duration.
 */
export function deriveCaseClocks(history: CaseHistory, ctx: ClockContext, now: number): DerivedClock[] {
  const out: DerivedClock[] = [];
  const segments = history.segments;
  const current = segments.at(-1);
  const currentProvider = current?.provider ?? null;
  const casePolicy = ctx.policyFor(currentProvider);
  const halted = stoppedAt(history);
  const closed = closedAt(history);
  const resolution = resolvedAt(history);

  // ---- end to end
  if (casePolicy) {
    const pieces: Piece[] = segments.map((s, i) => ({
      calendar: ctx.calendarFor(s.provider, ctx.policyFor(s.provider) ?? casePolicy),
      from: i === 0 ? history.createdAt : s.startedAt,
      to: i === segments.length - 1 ? Number.POSITIVE_INFINITY : (segments[i + 1] as { startedAt: number }).startedAt,
    }));
    if (pieces.length === 0)
      pieces.push({ calendar: ctx.calendarFor(null, casePolicy), from: history.createdAt, to: Number.POSITIVE_INFINITY });
    const lastPiece = pieces.at(-1) as Piece;
    const timeZone = lastPiece.calendar.timeZone;
    const pauses = pauseIntervals(history, casePolicy.pauseStates);
    const base = { scope: 'case' as const, segmentId: null, provider: currentProvider, policyId: casePolicy.id, timeZone };
    const firstStaffReply = history.replies.find((r) => r.by === 'staff');
    const stopOf = (met: number | null): Measure['stop'] => {
      if (met !== null) return { at: met, meets: true };
      const s = halted ?? closed;
      return s !== null ? { at: s, meets: false } : null;
    };
    const common = { pauses, now, warnAt: casePolicy.warnAt, escalateOutsideHours: casePolicy.escalateOutsideHours };
    if (casePolicy.firstResponse) {
      out.push({
        ...base,
        metric: 'first-response',
        target: casePolicy.firstResponse,
        startedAt: history.createdAt,
        ...measure({ ...common, pieces, target: casePolicy.firstResponse, stop: stopOf(firstStaffReply?.at ?? null) }),
      });
    }
    if (casePolicy.nextResponse && firstStaffReply) {
      const cycle = latestCycle(history.replies, firstStaffReply.at, Number.POSITIVE_INFINITY, (r) => r.by === 'staff');
      if (cycle) {
        const start = cycle.start;
        const cycleEnd = cycle.end;
        const cyclePieces = pieces.filter((p) => p.to > start).map((p) => ({ ...p, from: Math.max(p.from, start) }));
        out.push({
          ...base,
          metric: 'next-response',
          target: casePolicy.nextResponse,
          startedAt: start,
          ...measure({ ...common, pieces: cyclePieces, target: casePolicy.nextResponse, stop: stopOf(cycleEnd) }),
        });
      }
    }
    if (casePolicy.resolution) {
      out.push({
        ...base,
        metric: 'resolution',
        target: casePolicy.resolution,
        startedAt: history.createdAt,
        ...measure({
          ...common,
          pieces,
          target: casePolicy.resolution,
          stop: resolution !== null ? { at: resolution, meets: true } : halted !== null ? { at: halted, meets: false } : null,
        }),
      });
    }
  }

  // ---- per provider segment (OLA)
  for (const [i, seg] of segments.entries()) {
    if (seg.provider === null) continue;
    const policy = ctx.policyFor(seg.provider);
    if (!policy) continue;
    const calendar = ctx.calendarFor(seg.provider, policy);
    const handoff = seg.endReason === 'transferred' && seg.endedAt !== null ? seg.endedAt : null;
    const segEnd = seg.endedAt ?? Number.POSITIVE_INFINITY;
    const isLast = i === segments.length - 1;
    const pieces: Piece[] = [{ calendar, from: seg.startedAt, to: Number.POSITIVE_INFINITY }];
    const pauses = pauseIntervals(history, policy.pauseStates);
    const base = {
      scope: 'segment' as const,
      segmentId: seg.id,
      provider: seg.provider,
      policyId: policy.id,
      timeZone: calendar.timeZone,
    };
    const common = { pieces, pauses, now, warnAt: policy.warnAt, escalateOutsideHours: policy.escalateOutsideHours };
    const reply = history.replies.find(
      (r) => r.by === 'staff' && r.provider === seg.provider && r.at >= seg.startedAt && r.at < segEnd,
    );
    const endOfSegment = (): Measure['stop'] => {
      if (seg.endedAt !== null) return { at: seg.endedAt, meets: false };
      if (isLast && (halted ?? closed) !== null) return { at: (halted ?? closed) as number, meets: false };
      return null;
    };
    if (policy.firstResponse) {
      out.push({
        ...base,
        metric: 'first-response',
        target: policy.firstResponse,
        startedAt: seg.startedAt,
        ...measure({ ...common, target: policy.firstResponse, stop: reply ? { at: reply.at, meets: true } : endOfSegment() }),
      });
    }
    if (policy.nextResponse && reply) {
      const cycle = latestCycle(history.replies, reply.at, segEnd, (r) => r.by === 'staff' && r.provider === seg.provider);
      if (cycle) {
        const cyclePieces: Piece[] = [{ calendar, from: cycle.start, to: Number.POSITIVE_INFINITY }];
        out.push({
          ...base,
          metric: 'next-response',
          target: policy.nextResponse,
          startedAt: cycle.start,
          ...measure({
            ...common,
            pieces: cyclePieces,
            target: policy.nextResponse,
            stop: cycle.end !== null ? { at: cycle.end, meets: true } : endOfSegment(),
          }),
        });
      }
    }
    if (policy.resolution) {
      let stop: Measure['stop'];
      if (handoff !== null) stop = { at: handoff, meets: true };
      else if (isLast && resolution !== null && resolution >= seg.startedAt) stop = { at: resolution, meets: true };
      else stop = endOfSegment();
      out.push({
        ...base,
        metric: 'resolution',
        target: policy.resolution,
        startedAt: seg.startedAt,
        ...measure({ ...common, target: policy.resolution, stop }),
      });
    }
  }
  return out;
}
