/**
 * What each role may do. Routes declare `permission:<name>`; the access hook grants it when the signed-in
 * user's role carries it. Scoping (which provider's or entity's records) is applied by the services.
 */
import type { Role } from './identity.schema.ts';

export const PERMISSIONS = {
  /** Read the directory, catalogue, assignments, routing and the fidelity report. */
  'reference:read': 'read reference data',
  /** Read users: Secretariat-wide roles see all; provider and entity roles see their own organisation's. */
  'users:read': 'read users',
  /** Revoke any user's session. */
  'sessions:manage': "revoke anyone's sessions",
  /** Read import runs and the audit trail. */
  'audit:read': 'read the audit trail and import runs',
} as const;
export type Permission = keyof typeof PERMISSIONS;

const ALL_ROLES_READ: Permission[] = ['reference:read'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  'client-requester': [...ALL_ROLES_READ],
  'entity-focal-point': [...ALL_ROLES_READ, 'users:read'],
  'provider-agent': [...ALL_ROLES_READ, 'users:read'],
  'provider-manager': [...ALL_ROLES_READ, 'users:read'],
  'dos-coordinator': [...ALL_ROLES_READ, 'users:read', 'audit:read'],
  viewer: [...ALL_ROLES_READ],
  administrator: [...ALL_ROLES_READ, 'users:read', 'sessions:manage', 'audit:read'],
};

/** Whether `role` carries `permission`. */
export function roleHas(role: Role, permission: string): boolean {
  return (ROLE_PERMISSIONS[role] as readonly string[]).includes(permission);
}
