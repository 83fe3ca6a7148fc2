/** Zod contracts of identity: roles, scopes, users, sessions, sign-in. */
import { z } from 'zod';
import { PageQuerySchema } from '../../server/pagination.ts';

export const ROLES = [
  'client-requester',
  'entity-focal-point',
  'provider-agent',
  'provider-manager',
  'dos-coordinator',
  'viewer',
  'administrator',
] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** Roles scoped to one provider, to one client entity, or to the whole Secretariat. */
export const PROVIDER_ROLES: readonly Role[] = ['provider-agent', 'provider-manager'];
export const ENTITY_ROLES: readonly Role[] = ['client-requester', 'entity-focal-point'];
/**
 * The roles of provider and coordination staff: they work cases (transfer, child tasks, merge, assign,
 * internal notes), see escalations to come, and their public replies count as staff replies for the SLA
 * clocks (any other author, or none, is the client).
 */
export const STAFF_ROLES: ReadonlySet<string> = new Set<Role>([
  'provider-agent',
  'provider-manager',
  'dos-coordinator',
  'administrator',
]);

export const ScopeSchema = z
  .object({ type: z.enum(['provider', 'entity']), code: z.string() })
  .nullable()
  .describe('The provider or client entity the user acts for; null for Secretariat-wide roles');
export type Scope = z.infer<typeof ScopeSchema>;

export const UserSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  scope: ScopeSchema,
  locale: z.string(),
  active: z.boolean(),
});
export type User = z.infer<typeof UserSchema>;

export const CurrentUserSchema = UserSchema.extend({
  permissions: z.array(z.string()).describe('Permissions granted by the role'),
});
export type CurrentUser = z.infer<typeof CurrentUserSchema>;

export const SignInBodySchema = z.strictObject({
  email: z.string().trim().min(3).max(254).email('an e-mail address'),
  password: z.string().min(1).max(1024),
});

export const SessionSchema = z.object({
  id: z.string().uuid(),
  createdAt: z.string().describe('ISO 8601 instant'),
  lastSeenAt: z.string(),
  expiresAt: z.string().describe('The session ends at the earlier of this and the idle expiry'),
  idleExpiresAt: z.string(),
  revokedAt: z.string().nullable(),
  userAgent: z.string().nullable(),
  current: z.boolean(),
});
export type Session = z.infer<typeof SessionSchema>;

export const UserQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().min(1).optional().describe('Search in name and e-mail'),
  role: RoleSchema.optional(),
  sort: z.enum(['name', 'email', 'role']).default('name'),
});
export type UserQuery = z.infer<typeof UserQuerySchema>;
