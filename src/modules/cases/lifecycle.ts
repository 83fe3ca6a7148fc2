/**
 * Case lifecycle rules (pure): states, allowed transitions, priority from impact and urgency, and the
 * reopen window. No SQL, no HTTP.
 *
 *   new -> in-progress -> awaiting-client -> resolved -> closed
 *   (new | in-progress | awaiting-client) -> cancelled
 *   resolved | closed -> in-progress (reopen, within the window after resolution)
 *   any open state -> merged (into a primary case)
 */
import { AppError } from '../../server/errors.ts';

export const CASE_STATES = ['new', 'in-progress', 'awaiting-client', 'resolved', 'closed', 'cancelled', 'merged'] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** States in which a case is still being worked. */
export const OPEN_STATES: readonly CaseState[] = ['new', 'in-progress', 'awaiting-client'];

/** Transitions a user can ask for (merge and reopen have their own rules). */
export const TRANSITIONS = ['in-progress', 'awaiting-client', 'resolved', 'closed', 'cancelled', 'reopen'] as const;
export type Transition = (typeof TRANSITIONS)[number];

const ALLOWED: Record<CaseState, readonly Transition[]> = {
  new: ['in-progress', 'awaiting-client', 'resolved', 'cancelled'],
  'in-progress': ['awaiting-client', 'resolved', 'cancelled'],
  'awaiting-client': ['in-progress', 'resolved', 'cancelled'],
  resolved: ['closed', 'reopen'],
  closed: ['reopen'],
  cancelled: [],
  merged: [],
};

/** Default reopen window after resolution, in days. */
export const DEFAULT_REOPEN_WINDOW_DAYS = 10;

/**
 * The state a transition leads to from `from`, checked.
 * @param resolvedAt when the case was resolved (for reopen); `now` and the window in days.
 * @throws AppError CASE_TRANSITION_REFUSED (409) naming both states, or CASE_REOPEN_WINDOW_PASSED (409).
 */
export function nextState(
  from: CaseState,
  transition: Transition,
  opts: { resolvedAt?: Date | null; now?: Date; reopenWindowDays?: number } = {},
): CaseState {
  if (!ALLOWED[from].includes(transition)) {
    throw new AppError('CASE_TRANSITION_REFUSED', `A case that is ${from} cannot go to ${transition}`, {
      issues: [{ field: 'to', message: `not allowed from ${from}; allowed: ${ALLOWED[from].join(', ') || 'none'}` }],
      details: { from, to: transition, allowed: ALLOWED[from] },
    });
  }
  if (transition === 'reopen') {
    const window = (opts.reopenWindowDays ?? DEFAULT_REOPEN_WINDOW_DAYS) * 86_400_000;
    const now = opts.now ?? new Date();
    if (!opts.resolvedAt || now.getTime() - opts.resolvedAt.getTime() > window) {
      throw new AppError(
        'CASE_REOPEN_WINDOW_PASSED',
        `The case can be reopened only within ${opts.reopenWindowDays ?? DEFAULT_REOPEN_WINDOW_DAYS} days of its resolution`,
        {
          details: { resolvedAt: opts.resolvedAt?.toISOString() ?? null },
        },
      );
    }
    return 'in-progress';
  }
  return transition;
}

/** Whether a case in `state` can be merged, transferred or given a child task. */
export function isOpen(state: CaseState): boolean {
  return OPEN_STATES.includes(state);
}

/**
 * Priority from impact and urgency (1 high, 2 medium, 3 low), the usual ITIL matrix:
 * 1+1 -> P1; 1+2, 2+1 -> P2; 1+3, 2+2, 3+1 -> P3; otherwise P4.
 */
export function priorityOf(impact: 1 | 2 | 3, urgency: 1 | 2 | 3): 'P1' | 'P2' | 'P3' | 'P4' {
  const sum = impact + urgency;
  return sum <= 2 ? 'P1' : sum === 3 ? 'P2' : sum === 4 ? 'P3' : 'P4';
}
