/**
 * A short-lived in-process cache of live sessions, so that a burst of requests on one session (a page
 * opening its queue, counts and profile at once; a client polling) does not look the session up in the
 * database on every request. Decision record: docs/decisions/0012-request-cost.md.
 *
 * Semantics kept from the uncached look-up (`resolveSession`):
 * - a session past its absolute or idle expiry is refused at once (both are checked on every hit);
 * - the idle expiry is pushed exactly as before: a hit is only served while the session's last recorded
 *   request is younger than the touch interval, so the first request after it goes to the database and
 *   pushes the expiry;
 * - a revocation (sign-out, `DELETE /api/auth/sessions/{id}`) or any change marked with
 *   `sessionsChanged()` in this process empties every cache of the process at once, including look-ups
 *   that were in flight when it happened;
 * - a change made by another process (another server on the same PostgreSQL, a script) takes effect here
 *   within `ttlMs` (default 5,000 ms).
 * Unknown or dead tokens are never cached.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.ts';
import type { SessionRow } from './identity.repository.ts';
import type { User } from './identity.schema.ts';
import { hashToken, resolveSession, type SessionPolicy, touchIntervalMs } from './sessions.service.ts';

/** The user and session behind a token, as `resolveSession` returns them. */
export type LiveSession = { user: User; session: SessionRow };

let epoch = 0;

/**
 * Marks that sessions or users changed in this process (a session revoked, a user deactivated or given
 * another role): every session cache of the process forgets what it holds.
 */
export function sessionsChanged(): void {
  epoch++;
}

/** Default time a looked-up session is served from memory (ms). */
export const DEFAULT_SESSION_CACHE_MS = 5_000;

export class SessionCache {
  readonly #entries = new Map<string, { live: LiveSession; epoch: number; until: number }>();
  readonly #inFlight = new Map<string, Promise<LiveSession | undefined>>();

  /**
   * @param ttlMs how long a looked-up session is served from memory (0: never, every request looks it up).
   * @param maxEntries sessions held at most; the oldest are dropped first.
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly policy: SessionPolicy,
    private readonly ttlMs: number = DEFAULT_SESSION_CACHE_MS,
    private readonly maxEntries = 10_000,
  ) {}

  /** The live session behind `token` (see `resolveSession`), from memory when it was looked up recently. */
  async resolve(token: string, now: Date = new Date()): Promise<LiveSession | undefined> {
    if (this.ttlMs <= 0) return resolveSession(this.db, token, this.policy, now);
    const key = hashToken(token);
    const t = now.getTime();
    const hit = this.#entries.get(key);
    if (hit) {
      const s = hit.live.session;
      if (
        hit.epoch === epoch &&
        t < hit.until &&
        t < s.expiresAt.getTime() &&
        t < s.idleExpiresAt.getTime() &&
        t - s.lastSeenAt.getTime() < touchIntervalMs(this.policy)
      ) {
        return hit.live;
      }
      this.#entries.delete(key);
    }
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const startEpoch = epoch;
    const lookup = resolveSession(this.db, token, this.policy, now)
      .then((live) => {
        // A revocation during the look-up may have committed after the row was read: do not keep it.
        if (live && startEpoch === epoch) {
          if (this.#entries.size >= this.maxEntries) {
            const oldest = this.#entries.keys().next().value;
            if (oldest !== undefined) this.#entries.delete(oldest);
          }
          this.#entries.set(key, { live, epoch: startEpoch, until: t + this.ttlMs });
        }
        return live;
      })
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, lookup);
    return lookup;
  }
}
