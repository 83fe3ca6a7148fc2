/**
 * Sign-in and sessions. A session is a random 256-bit token in an HTTP-only cookie; the database keeps
 * only its SHA-256. A session ends at the earlier of its absolute expiry (default 12 h) and its idle
 * expiry (default 2 h after the last request), or when revoked.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.ts';
import { AppError } from '../../server/errors.ts';
import {
  appendAuditEvent,
  findLiveSession,
  findSessionOwner,
  findSessionsOfUser,
  findUserForSignIn,
  insertSession,
  revokeSession,
  type SessionRow,
  touchSession,
} from './identity.repository.ts';
import type { CurrentUser, Session, User } from './identity.schema.ts';
import { dummyHash, verifyPassword } from './passwords.ts';
import { ROLE_PERMISSIONS, roleHas } from './permissions.ts';
import { sessionsChanged } from './session-cache.ts';

export interface SessionPolicy {
  /** Absolute lifetime of a session, minutes. */
  ttlMinutes: number;
  /** Idle lifetime: the session ends this many minutes after its last request. */
  idleMinutes: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { ttlMinutes: 12 * 60, idleMinutes: 120 };

/** SHA-256 of a session token, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The user as the API shows it to themselves, with the permissions of their role. */
export function toCurrentUser(user: User): CurrentUser {
  return { ...user, permissions: [...ROLE_PERMISSIONS[user.role]] };
}

/**
 * Checks an e-mail and password and opens a session.
 * @returns the session token (for the cookie), its absolute expiry, and the user.
 * @throws AppError AUTH_INVALID_CREDENTIALS with the same message whether the user is unknown, inactive
 *   or the password wrong (and after the same argon2 work).
 */
export async function signIn(
  db: Kysely<Database>,
  input: { email: string; password: string; userAgent: string | null; ip: string | null; requestId?: string },
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
  now: Date = new Date(),
): Promise<{ token: string; expiresAt: Date; user: CurrentUser }> {
  const found = await findUserForSignIn(db, input.email);
  const ok = found
    ? await verifyPassword(found.passwordHash, input.password)
    : await verifyPassword(await dummyHash(), input.password);
  if (!found || !ok || !found.active) {
    await appendAuditEvent(db, {
      actorUserId: found?.id ?? null,
      action: 'auth.sign-in-failed',
      details: { email: input.email.toLowerCase(), ip: input.ip },
      ...(input.requestId ? { requestId: input.requestId } : {}),
    });
    throw new AppError('AUTH_INVALID_CREDENTIALS', 'The e-mail address or the password is not correct');
  }
  const token = randomBytes(32).toString('base64url');
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + policy.ttlMinutes * 60_000);
  const idleExpiresAt = new Date(Math.min(expiresAt.getTime(), now.getTime() + policy.idleMinutes * 60_000));
  await db.transaction().execute(async (trx) => {
    await insertSession(trx, {
      id,
      tokenHash: hashToken(token),
      userId: found.id,
      now,
      expiresAt,
      idleExpiresAt,
      userAgent: input.userAgent,
      ip: input.ip,
    });
    await appendAuditEvent(trx, {
      actorUserId: found.id,
      action: 'auth.signed-in',
      targetType: 'session',
      targetId: id,
      ...(input.requestId ? { requestId: input.requestId } : {}),
    });
  });
  const { passwordHash: _omit, ...user } = found;
  return { token, expiresAt, user: toCurrentUser(user) };
}

/**
 * How long after a session's last recorded request the next request pushes its idle expiry: a minute, or
 * a quarter of the idle time when that is shorter (ms).
 */
export function touchIntervalMs(policy: SessionPolicy): number {
  return Math.min(60_000, (policy.idleMinutes * 60_000) / 4);
}

/**
 * The user and session behind a token, or undefined when it is unknown, expired, revoked or its user inactive.
 * Pushes the idle expiry forward (at most once per `touchIntervalMs`, to spare writes); the session
 * returned carries the pushed `lastSeenAt` and `idleExpiresAt`.
 */
export async function resolveSession(
  db: Kysely<Database>,
  token: string,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
  now: Date = new Date(),
): Promise<{ user: User; session: SessionRow } | undefined> {
  const live = await findLiveSession(db, hashToken(token), now);
  if (!live) return undefined;
  if (now.getTime() - live.session.lastSeenAt.getTime() >= touchIntervalMs(policy)) {
    const idle = new Date(Math.min(live.session.expiresAt.getTime(), now.getTime() + policy.idleMinutes * 60_000));
    await touchSession(db, live.session.id, now, idle);
    live.session.lastSeenAt = now;
    live.session.idleExpiresAt = idle;
  }
  return live;
}

/** The sessions of `user`, newest first; `currentId` is flagged. */
export async function listSessions(db: Kysely<Database>, user: User, currentId: string | undefined): Promise<Session[]> {
  const rows = await findSessionsOfUser(db, user.id);
  return rows.map((s) => ({
    id: s.id,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    idleExpiresAt: s.idleExpiresAt.toISOString(),
    revokedAt: s.revokedAt?.toISOString() ?? null,
    userAgent: s.userAgent,
    current: s.id === currentId,
  }));
}

/**
 * Revokes session `id`: one's own, or anyone's with `sessions:manage`.
 * @throws AppError NOT_FOUND when the session does not exist or belongs to someone else (without the permission).
 */
export async function revokeSessionAs(db: Kysely<Database>, actor: User, id: string, requestId?: string): Promise<void> {
  const owner = await findSessionOwner(db, id);
  if (owner === undefined || (owner !== actor.id && !roleHas(actor.role, 'sessions:manage'))) {
    throw new AppError('NOT_FOUND', 'No such session');
  }
  await db.transaction().execute(async (trx) => {
    const revoked = await revokeSession(trx, id, new Date());
    if (revoked) {
      await appendAuditEvent(trx, {
        actorUserId: actor.id,
        action: 'auth.session-revoked',
        targetType: 'session',
        targetId: id,
        details: { owner },
        ...(requestId ? { requestId } : {}),
      });
    }
  });
  sessionsChanged();
}
