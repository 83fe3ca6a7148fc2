/** All SQL of identity: users, sessions and the audit trail. */
import { type Kysely, sql, type Transaction } from 'kysely';
import { containsPattern } from '../../db/sql-helpers.ts';
import type { Database } from '../../db/types.ts';
import { offsetOf, type Page } from '../../server/pagination.ts';
import type { Role, Scope, User, UserQuery } from './identity.schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

// biome-ignore lint/suspicious/noExplicitAny: row of users
function toUser(r: any): User {
  const scope: Scope = r.provider_code
    ? { type: 'provider', code: r.provider_code }
    : r.entity_code
      ? { type: 'entity', code: r.entity_code }
      : null;
  return { id: r.id, email: r.email, name: r.name, role: r.role, scope, locale: r.locale, active: r.active };
}

export interface UserInput {
  email: string;
  name: string;
  passwordHash: string;
  role: Role;
  scope: Scope;
  locale?: string;
}

/** Inserts users whose e-mail is not taken yet (existing users, and their passwords, are kept). Returns how many were added. */
export async function insertUsersIfAbsent(db: Db, users: UserInput[]): Promise<number> {
  if (users.length === 0) return 0;
  const r = await db
    .insertInto('users')
    .values(
      users.map((u) => ({
        email: u.email.toLowerCase(),
        name: u.name,
        password_hash: u.passwordHash,
        role: u.role,
        provider_code: u.scope?.type === 'provider' ? u.scope.code : null,
        entity_code: u.scope?.type === 'entity' ? u.scope.code : null,
        locale: u.locale ?? 'en',
      })),
    )
    .onConflict((oc) => oc.column('email').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0);
}

/** E-mails among `emails` that already belong to users. */
export async function existingEmails(db: Db, emails: string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = await db
    .selectFrom('users')
    .select('email')
    .where(
      'email',
      'in',
      emails.map((e) => e.toLowerCase()),
    )
    .execute();
  return new Set(rows.map((r) => r.email));
}

/** The user with this e-mail (case-insensitive) and its password hash, or undefined. */
export async function findUserForSignIn(db: Db, email: string): Promise<(User & { passwordHash: string }) | undefined> {
  const r = await db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  return r ? { ...toUser(r), passwordHash: r.password_hash } : undefined;
}

/** Users visible within `scope` (null: all), with search, role filter, sort and pagination. */
export async function findUsers(db: Db, scope: Scope, q: UserQuery): Promise<Page<User>> {
  let query = db.selectFrom('users');
  if (scope?.type === 'provider') query = query.where('provider_code', '=', scope.code);
  if (scope?.type === 'entity') query = query.where('entity_code', '=', scope.code);
  if (q.q) {
    const p = containsPattern(q.q);
    query = query.where((eb) => eb.or([eb('name', 'ilike', p), eb('email', 'ilike', p)]));
  }
  if (q.role) query = query.where('role', '=', q.role);
  const total = await query.select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const rows = await query.selectAll().orderBy(q.sort, q.order).orderBy('id').limit(q.pageSize).offset(offsetOf(q)).execute();
  return { items: rows.map(toUser), total: Number(total.n), page: q.page, pageSize: q.pageSize };
}

/** One user by id within `scope` (null: any), or undefined. */
export async function findUser(db: Db, scope: Scope, id: number): Promise<User | undefined> {
  let query = db.selectFrom('users').selectAll().where('id', '=', id);
  if (scope?.type === 'provider') query = query.where('provider_code', '=', scope.code);
  if (scope?.type === 'entity') query = query.where('entity_code', '=', scope.code);
  const r = await query.executeTakeFirst();
  return r ? toUser(r) : undefined;
}

export interface SessionRow {
  id: string;
  userId: number;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  idleExpiresAt: Date;
  revokedAt: Date | null;
  userAgent: string | null;
}

/** Stores a new session (the token itself is never stored, only its SHA-256). */
export async function insertSession(
  db: Db,
  s: {
    id: string;
    tokenHash: string;
    userId: number;
    now: Date;
    expiresAt: Date;
    idleExpiresAt: Date;
    userAgent: string | null;
    ip: string | null;
  },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: s.id,
      token_hash: s.tokenHash,
      user_id: s.userId,
      created_at: s.now,
      last_seen_at: s.now,
      expires_at: s.expiresAt,
      idle_expires_at: s.idleExpiresAt,
      user_agent: s.userAgent,
      ip: s.ip,
    })
    .execute();
}

/** The live session for a token hash at `now` (not revoked, not expired, user active), with its user. */
export async function findLiveSession(
  db: Db,
  tokenHash: string,
  now: Date,
): Promise<{ session: SessionRow; user: User } | undefined> {
  const r = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('u')
    .select([
      's.id as session_id',
      's.created_at as s_created_at',
      's.last_seen_at as s_last_seen_at',
      's.expires_at as s_expires_at',
      's.idle_expires_at as s_idle_expires_at',
      's.user_agent as s_user_agent',
    ])
    .where('s.token_hash', '=', tokenHash)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now)
    .where('s.idle_expires_at', '>', now)
    .where('u.active', '=', true)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    user: toUser(r),
    session: {
      id: r.session_id,
      userId: r.id,
      createdAt: new Date(r.s_created_at),
      lastSeenAt: new Date(r.s_last_seen_at),
      expiresAt: new Date(r.s_expires_at),
      idleExpiresAt: new Date(r.s_idle_expires_at),
      revokedAt: null,
      userAgent: r.s_user_agent,
    },
  };
}

/** Marks a session seen at `now` and pushes its idle expiry to `idleExpiresAt`. */
export async function touchSession(db: Db, id: string, now: Date, idleExpiresAt: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now, idle_expires_at: idleExpiresAt }).where('id', '=', id).execute();
}

/** Sessions of a user, newest first. */
export async function findSessionsOfUser(db: Db, userId: number): Promise<SessionRow[]> {
  const rows = await db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    createdAt: new Date(r.created_at),
    lastSeenAt: new Date(r.last_seen_at),
    expiresAt: new Date(r.expires_at),
    idleExpiresAt: new Date(r.idle_expires_at),
    revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
    userAgent: r.user_agent,
  }));
}

/** The owner of a session, or undefined. */
export async function findSessionOwner(db: Db, id: string): Promise<number | undefined> {
  const r = await db.selectFrom('sessions').select('user_id').where('id', '=', id).executeTakeFirst();
  return r?.user_id;
}

/** Revokes a session (idempotent). Returns whether it was live. */
export async function revokeSession(db: Db, id: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Appends an event to the audit trail. */
export async function appendAuditEvent(
  db: Db,
  e: {
    actorUserId: number | null;
    action: string;
    targetType?: string;
    targetId?: string;
    details?: Record<string, unknown>;
    requestId?: string;
  },
): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      actor_user_id: e.actorUserId,
      action: e.action,
      target_type: e.targetType ?? null,
      target_id: e.targetId ?? null,
      details: JSON.stringify(e.details ?? {}),
      request_id: e.requestId ?? null,
    })
    .execute();
}

/** Counts audit events of `action` (tests and reports). */
export async function countAuditEvents(db: Db, action: string): Promise<number> {
  const r = await db
    .selectFrom('audit_events')
    .select(sql<string>`count(*)`.as('n'))
    .where('action', '=', action)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
