import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.ts';
import { CASE_STATES, type CaseState, nextState, priorityOf, TRANSITIONS, type Transition } from './lifecycle.ts';

function refused(from: CaseState, t: Transition, opts = {}): string {
  try {
    nextState(from, t, opts);
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return 'allowed';
}

describe('case lifecycle', () => {
  it('follows new -> in progress -> awaiting client -> resolved -> closed', () => {
    expect(nextState('new', 'in-progress')).toBe('in-progress');
    expect(nextState('in-progress', 'awaiting-client')).toBe('awaiting-client');
    expect(nextState('awaiting-client', 'in-progress')).toBe('in-progress');
    expect(nextState('in-progress', 'resolved')).toBe('resolved');
    expect(nextState('resolved', 'closed')).toBe('closed');
  });

  it('allows exactly the documented transitions and refuses every other with a 409 code', () => {
    const allowed: Record<CaseState, Transition[]> = {
      new: ['in-progress', 'awaiting-client', 'resolved', 'cancelled'],
      'in-progress': ['awaiting-client', 'resolved', 'cancelled'],
      'awaiting-client': ['in-progress', 'resolved', 'cancelled'],
      resolved: ['closed', 'reopen'],
      closed: ['reopen'],
      cancelled: [],
      merged: [],
    };
    const now = new Date('2026-03-10T00:00:00Z');
    const resolvedAt = new Date('2026-03-09T00:00:00Z');
    for (const from of CASE_STATES) {
      for (const t of TRANSITIONS) {
        const outcome = refused(from, t, { now, resolvedAt });
        if (allowed[from].includes(t)) expect(outcome, `${from} -> ${t}`).toBe('allowed');
        else expect(outcome, `${from} -> ${t}`).toBe('CASE_TRANSITION_REFUSED');
      }
    }
    expect(new AppError('CASE_TRANSITION_REFUSED', 'x').status).toBe(409);
  });

  it('reopens only within the window after resolution', () => {
    const resolvedAt = new Date('2026-03-01T12:00:00Z');
    expect(nextState('resolved', 'reopen', { resolvedAt, now: new Date('2026-03-11T12:00:00Z'), reopenWindowDays: 10 })).toBe(
      'in-progress',
    );
    expect(refused('closed', 'reopen', { resolvedAt, now: new Date('2026-03-11T12:00:01Z'), reopenWindowDays: 10 })).toBe(
      'CASE_REOPEN_WINDOW_PASSED',
    );
    expect(nextState('closed', 'reopen', { resolvedAt, now: new Date('2026-03-20T00:00:00Z'), reopenWindowDays: 30 })).toBe(
      'in-progress',
    );
  });

  it('derives priority from impact and urgency', () => {
    expect(priorityOf(1, 1)).toBe('P1');
    expect(priorityOf(1, 2)).toBe('P2');
    expect(priorityOf(2, 1)).toBe('P2');
    expect(priorityOf(2, 2)).toBe('P3');
    expect(priorityOf(3, 1)).toBe('P3');
    expect(priorityOf(2, 3)).toBe('P4');
    expect(priorityOf(3, 3)).toBe('P4');
  });
});
