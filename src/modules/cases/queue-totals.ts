/**
 * A short-lived in-process memory of the queue's capped totals (decision 0022), so that the next pages of a
 * queue, and a queue re-read within seconds, do not count up to 10,001 index entries again (~1.4 ms of
 * PostgreSQL per page at a million cases, as much as the page itself).
 *
 * Correct for the user by construction:
 * - a total is kept per user AND per what decides its value: the user's role and scope (provider or entity
 *   code) and every filter of the queue (state, provider, team, entity, service, priority, assignee, search);
 *   page, page size, sort and order do not change a total and are not part of the key. A user is never
 *   given a total counted for another user, so counts obey the visibility rule as the listing does;
 * - the user's own changes: any change a user makes to cases through the API (`forgetUser`, called after
 *   every non-GET request under /api/cases) drops that user's totals at once, including a count in flight
 *   when the change happened (it is not kept);
 * - changes by others (another user, the e-mail intake, another server process) show within `ttlMs`
 *   (default 5,000 ms, as the session cache), as they would on a queue page left open that long.
 */
import type { User } from '../identity/identity.schema.ts';
import type { CaseQuery } from './cases.schema.ts';

/** Default time a counted queue total is reused (ms). */
export const DEFAULT_QUEUE_TOTAL_CACHE_MS = 5_000;

interface UserTotals {
  /** Bumped by `forgetUser`: a count started under an older generation is not kept. */
  generation: number;
  totals: Map<string, { n: number; until: number }>;
}

export class QueueTotalCache {
  readonly #users = new Map<number, UserTotals>();

  /**
   * @param ttlMs how long a total is reused (0: never; every page counts).
   * @param maxUsers users held at most; the oldest are dropped first.
   * @param maxPerUser distinct filters held per user at most; the oldest are dropped first.
   */
  constructor(
    readonly ttlMs: number = DEFAULT_QUEUE_TOTAL_CACHE_MS,
    private readonly maxUsers = 10_000,
    private readonly maxPerUser = 32,
  ) {}

  /** The key of a total: the user's role and scope and the queue's filters (not page, size, sort, order). */
  static keyOf(user: User, q: CaseQuery): string {
    return JSON.stringify([
      user.role,
      user.scope?.code ?? null,
      q.state ?? null,
      q.provider ?? null,
      q.team ?? null,
      q.entity ?? null,
      q.service ?? null,
      q.priority ?? null,
      q.assignee ?? null,
      q.q ?? null,
    ]);
  }

  /**
   * The total counted for `user` and `key` less than `ttlMs` ago, or undefined; and the generation to hand
   * back to `remember` with a fresh count.
   */
  recall(user: User, key: string, now = Date.now()): { n: number | undefined; generation: number } {
    const u = this.#users.get(user.id);
    if (!u) return { n: undefined, generation: 0 };
    const hit = u.totals.get(key);
    if (hit && hit.until > now) return { n: hit.n, generation: u.generation };
    if (hit) u.totals.delete(key);
    return { n: undefined, generation: u.generation };
  }

  /** Keeps a total counted for `user` and `key`, unless the user changed cases since `generation`. */
  remember(user: User, key: string, n: number, generation: number, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    let u = this.#users.get(user.id);
    if (!u) {
      if (generation !== 0) return;
      if (this.#users.size >= this.maxUsers) this.#users.delete(this.#users.keys().next().value as number);
      u = { generation: 0, totals: new Map() };
      this.#users.set(user.id, u);
    }
    if (u.generation !== generation) return;
    if (u.totals.size >= this.maxPerUser && !u.totals.has(key)) u.totals.delete(u.totals.keys().next().value as string);
    u.totals.set(key, { n, until: now + this.ttlMs });
  }

  /** Drops every total of `userId` (they changed cases), and any count of theirs in flight. */
  forgetUser(userId: number): void {
    const u = this.#users.get(userId);
    if (!u) return;
    u.generation++;
    u.totals.clear();
  }
}
