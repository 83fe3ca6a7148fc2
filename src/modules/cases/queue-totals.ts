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
  /** The cache's clock when the user last changed cases: a count started before it is not kept. */
  forgottenAt: number;
  totals: Map<string, { n: number; until: number }>;
}

export class QueueTotalCache {
  readonly #users = new Map<number, UserTotals>();
  /** Ticks at every `forgetUser`; `recall` hands the current tick to the count it starts. */
  #clock = 0;
  /** The clock when a user was last dropped for room: a count started before it, for a user not held, is not kept. */
  #evictedAt = 0;

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
      q.parent ?? null,
    ]);
  }

  /**
   * The total counted for `user` and `key` less than `ttlMs` ago, or undefined; and the generation (the
   * cache's clock now) to hand back to `remember` with a fresh count.
   */
  recall(user: User, key: string, now = Date.now()): { n: number | undefined; generation: number } {
    const generation = this.#clock;
    const u = this.#users.get(user.id);
    const hit = u?.totals.get(key);
    if (hit && hit.until > now) return { n: hit.n, generation };
    if (hit) u?.totals.delete(key);
    return { n: undefined, generation };
  }

  /** Keeps a total counted for `user` and `key`, unless the user changed cases since `generation` was taken. */
  remember(user: User, key: string, n: number, generation: number, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    let u = this.#users.get(user.id);
    if (!u) {
      // not held: perhaps dropped for room after a change of theirs, so only a count started since then
      if (generation < this.#evictedAt) return;
      u = this.#hold(user.id, 0);
    }
    if (generation < u.forgottenAt) return;
    if (u.totals.size >= this.maxPerUser && !u.totals.has(key)) u.totals.delete(u.totals.keys().next().value as string);
    u.totals.set(key, { n, until: now + this.ttlMs });
  }

  /** Drops every total of `userId` (they changed cases), and any count of theirs in flight (even their first). */
  forgetUser(userId: number): void {
    const at = ++this.#clock;
    const u = this.#users.get(userId);
    if (u) {
      u.forgottenAt = at;
      u.totals.clear();
    } else {
      this.#hold(userId, at);
    }
  }

  /** A new entry for `userId`, making room first (the oldest user goes). */
  #hold(userId: number, forgottenAt: number): UserTotals {
    if (this.#users.size >= this.maxUsers) {
      this.#users.delete(this.#users.keys().next().value as number);
      this.#evictedAt = this.#clock;
    }
    const u = { forgottenAt, totals: new Map() };
    this.#users.set(userId, u);
    return u;
  }
}
