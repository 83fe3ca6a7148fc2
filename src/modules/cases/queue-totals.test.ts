import { describe, expect, it } from 'vitest';
import type { User } from '../identity/identity.schema.ts';
import type { CaseQuery } from './cases.schema.ts';
import { QueueTotalCache } from './queue-totals.ts';

const agent = { id: 7, role: 'provider-agent', scope: { type: 'provider', code: 'UNON' } } as unknown as User;
const q = (over: Partial<CaseQuery> = {}) =>
  ({ page: 1, pageSize: 50, sort: 'createdAt', order: 'desc', state: 'open', ...over }) as CaseQuery;

describe('QueueTotalCache', () => {
  it('keys a total by role, scope and filters, not by page, size, sort or order', () => {
    const k = QueueTotalCache.keyOf(agent, q());
    expect(QueueTotalCache.keyOf(agent, q({ page: 3, pageSize: 10, sort: 'priority', order: 'asc' }))).toBe(k);
    expect(QueueTotalCache.keyOf(agent, q({ state: 'new' }))).not.toBe(k);
    expect(QueueTotalCache.keyOf(agent, q({ assignee: 'me' }))).not.toBe(k);
    expect(QueueTotalCache.keyOf({ ...agent, scope: { type: 'provider', code: 'KJSO' } } as User, q())).not.toBe(k);
    expect(QueueTotalCache.keyOf({ ...agent, role: 'provider-manager' } as User, q())).not.toBe(k);
  });

  it('gives a total back to the same user only, within its lifetime', () => {
    const c = new QueueTotalCache(5_000);
    const k = QueueTotalCache.keyOf(agent, q());
    const first = c.recall(agent, k, 1_000);
    expect(first.n).toBeUndefined();
    c.remember(agent, k, 42, first.generation, 1_000);
    expect(c.recall(agent, k, 5_999).n).toBe(42);
    expect(c.recall({ ...agent, id: 8 } as User, k, 2_000).n).toBeUndefined();
    expect(c.recall(agent, k, 6_000).n).toBeUndefined();
  });

  it("drops a user's totals when they change cases, and a count in flight meanwhile", () => {
    const c = new QueueTotalCache(5_000);
    const k = QueueTotalCache.keyOf(agent, q());
    c.remember(agent, k, 42, c.recall(agent, k, 0).generation, 0);
    const inFlight = c.recall(agent, QueueTotalCache.keyOf(agent, q({ state: 'new' })), 0);
    c.forgetUser(agent.id);
    expect(c.recall(agent, k, 1).n).toBeUndefined();
    c.remember(agent, QueueTotalCache.keyOf(agent, q({ state: 'new' })), 9, inFlight.generation, 1);
    expect(c.recall(agent, QueueTotalCache.keyOf(agent, q({ state: 'new' })), 2).n).toBeUndefined();
  });

  it("does not keep a user's very first count when they changed cases while it ran, nor one of a user dropped for room", () => {
    const c = new QueueTotalCache(5_000, 2);
    const k = QueueTotalCache.keyOf(agent, q());
    const first = c.recall(agent, k, 0); // nothing held for this user yet
    c.forgetUser(agent.id);
    c.remember(agent, k, 42, first.generation, 1);
    expect(c.recall(agent, k, 2).n).toBeUndefined();
    // a count started after the change is kept
    c.remember(agent, k, 43, c.recall(agent, k, 3).generation, 3);
    expect(c.recall(agent, k, 4).n).toBe(43);
    // the user changes cases, then is dropped for room (two users held at most) while an older count runs
    const older = c.recall(agent, k, 5);
    c.forgetUser(agent.id);
    c.forgetUser(8);
    c.forgetUser(9);
    c.remember(agent, k, 44, older.generation, 6);
    expect(c.recall(agent, k, 7).n).toBeUndefined();
  });

  it('keeps nothing when its lifetime is 0', () => {
    const c = new QueueTotalCache(0);
    const k = QueueTotalCache.keyOf(agent, q());
    c.remember(agent, k, 42, c.recall(agent, k, 0).generation, 0);
    expect(c.recall(agent, k, 0).n).toBeUndefined();
  });
});
