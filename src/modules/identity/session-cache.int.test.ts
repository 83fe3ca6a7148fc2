import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../tests/helpers/http.ts';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { SessionCache, sessionsChanged } from './session-cache.ts';
import { hashToken, revokeSessionAs, signIn } from './sessions.service.ts';

let h: DatabaseHandle;

beforeAll(async () => {
  h = await createTestDatabase();
});
afterAll(async () => {
  await h.close();
});

const policy = { ttlMinutes: 60, idleMinutes: 10 }; // touch interval: 1 minute
const t0 = new Date('2026-01-01T08:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

async function open(email = 'viewer@meridian.test') {
  return signIn(h.db, { email, password: DEMO_PASSWORD, userAgent: null, ip: null }, policy, t0);
}

/** Revokes a session behind the cache's back, as another process would. */
async function revokeElsewhere(token: string) {
  await h.db.updateTable('sessions').set({ revoked_at: t0 }).where('token_hash', '=', hashToken(token)).execute();
}

async function lastSeen(token: string): Promise<number> {
  const r = await h.db
    .selectFrom('sessions')
    .select('last_seen_at')
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirstOrThrow();
  return new Date(r.last_seen_at).getTime();
}

describe('session cache', () => {
  it('serves a looked-up session from memory for its time to live, then looks it up again', async () => {
    const cache = new SessionCache(h.db, policy, 5_000);
    const s = await open();
    expect((await cache.resolve(s.token, at(1_000)))?.user.email).toBe('viewer@meridian.test');
    await revokeElsewhere(s.token);
    // Another process's revocation is seen within the time to live, not before.
    expect(await cache.resolve(s.token, at(5_999))).toBeTruthy();
    expect(await cache.resolve(s.token, at(6_000))).toBeUndefined();
    expect(await cache.resolve(s.token, at(6_001))).toBeUndefined();
  });

  it('forgets every session at once when one is revoked in this process', async () => {
    const cache = new SessionCache(h.db, policy, 60_000);
    const s = await open();
    const other = await open('admin@meridian.test');
    const live = await cache.resolve(s.token, at(1_000));
    expect(await cache.resolve(other.token, at(1_000))).toBeTruthy();
    await revokeSessionAs(h.db, live?.user ?? s.user, live?.session.id ?? '', 'test');
    expect(await cache.resolve(s.token, at(2_000))).toBeUndefined();
    // The other session is looked up again (and is still live).
    await revokeElsewhere(other.token);
    expect(await cache.resolve(other.token, at(2_000))).toBeUndefined();
  });

  it('does not keep a look-up that a change overtook while it was in flight', async () => {
    const cache = new SessionCache(h.db, policy, 60_000);
    const s = await open();
    const pending = cache.resolve(s.token, at(1_000));
    sessionsChanged();
    expect(await pending).toBeTruthy();
    await revokeElsewhere(s.token);
    expect(await cache.resolve(s.token, at(1_500))).toBeUndefined();
  });

  it('pushes the idle expiry as the uncached look-up does, and refuses an expired session at once', async () => {
    const cache = new SessionCache(h.db, policy, 3_600_000);
    const s = await open();
    await cache.resolve(s.token, at(30_000));
    await cache.resolve(s.token, at(59_999));
    expect(await lastSeen(s.token)).toBe(t0.getTime()); // within the touch interval: no write
    await cache.resolve(s.token, at(60_000)); // a minute after the last recorded request: goes to the database
    expect(await lastSeen(s.token)).toBe(at(60_000).getTime());
    // Idle expiry now 60 s + 10 min: a request just before it is served.
    expect(await cache.resolve(s.token, at(60_000 + 600_000 - 1))).toBeTruthy();
    const late = await open();
    await cache.resolve(late.token, at(0));
    expect(await cache.resolve(late.token, at(600_000))).toBeUndefined(); // idle for 10 minutes
    const abs = await open();
    for (let m = 2; m < 60; m += 2) expect(await cache.resolve(abs.token, at(m * 60_000)), `minute ${m}`).toBeTruthy();
    expect(await cache.resolve(abs.token, at(60 * 60_000))).toBeUndefined(); // absolute expiry
  });

  it('looks every request up when its time to live is 0', async () => {
    const cache = new SessionCache(h.db, policy, 0);
    const s = await open();
    expect(await cache.resolve(s.token, at(1_000))).toBeTruthy();
    await revokeElsewhere(s.token);
    expect(await cache.resolve(s.token, at(1_001))).toBeUndefined();
  });

  it('never caches an unknown token', async () => {
    const cache = new SessionCache(h.db, policy, 60_000);
    expect(await cache.resolve('no-such-token', at(0))).toBeUndefined();
    expect(await cache.resolve('no-such-token', at(1))).toBeUndefined();
  });
});
