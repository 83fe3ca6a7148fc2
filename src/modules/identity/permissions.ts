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
  /** See cases (within the user's scope: own, entity's, provider's, or all). */
  'cases:read': 'read cases',
  /** Open a request. */
  'cases:create': 'open requests',
  /** Reply on a case. */
  'cases:reply': 'reply on cases',
  /** Work cases: change state, assign, transfer, open child tasks, merge, write internal notes. */
  'cases:work': 'work cases',
  /** Edit business calendars and SLA policies (a provider manager: its own provider's only). */
  'sla:manage': 'edit business calendars and SLA policies',
  /** Read survey results and comments (within the user's scope: provider's, entity's, or all). */
  'surveys:results': 'read survey results',
  /** Flag survey comments as pain points for the improvement register (within the user's scope). */
  'surveys:flag': 'flag survey comments as pain points',
  /** Edit the common survey template and run campaigns. */
  'surveys:manage': 'manage survey templates and campaigns',
  /** Read performance figures, drill-downs and flow analytics (within the user's scope). */
  'performance:read': 'read performance figures',
  /** Capture manual values of standards (a provider manager: its own provider's only). */
  'performance:capture': 'capture manual values of standards',
  /** Edit minimum service standards and close periods. */
  'performance:manage': 'edit minimum service standards and close periods',
} as const;
export type Permission = keyof typeof PERMISSIONS;

const ALL_ROLES_READ: Permission[] = ['reference:read'];

const CLIENT: Permission[] = ['cases:read', 'cases:create', 'cases:reply'];
const WORK: Permission[] = ['cases:read', 'cases:reply', 'cases:work'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  'client-requester': [...ALL_ROLES_READ, ...CLIENT],
  'entity-focal-point': [...ALL_ROLES_READ, 'users:read', ...CLIENT],
  'provider-agent': [...ALL_ROLES_READ, 'users:read', ...WORK],
  'provider-manager': [...ALL_ROLES_READ, 'users:read', ...WORK, 'sla:manage'],
  'dos-coordinator': [...ALL_ROLES_READ, 'users:read', 'audit:read', ...WORK, 'cases:create', 'sla:manage'],
  viewer: [...ALL_ROLES_READ, 'cases:read'],
  administrator: [...ALL_ROLES_READ, 'users:read', 'sessions:manage', 'audit:read', ...WORK, 'cases:create', 'sla:manage'],
};

/** Survey permissions per role (appended to ROLE_PERMISSIONS below, issue 8). */
const SURVEY_PERMISSIONS: Partial<Record<Role, readonly Permission[]>> = {
  'entity-focal-point': ['surveys:results'],
  'provider-agent': ['surveys:results'],
  'provider-manager': ['surveys:results', 'surveys:flag'],
  'dos-coordinator': ['surveys:results', 'surveys:flag', 'surveys:manage'],
  viewer: ['surveys:results'],
  administrator: ['surveys:results', 'surveys:flag', 'surveys:manage'],
};
for (const [role, extra] of Object.entries(SURVEY_PERMISSIONS) as [Role, Permission[]][]) {
  ROLE_PERMISSIONS[role] = [...ROLE_PERMISSIONS[role], ...extra];
}

/** Performance permissions per role (appended, issue 6). */
const PERFORMANCE_PERMISSIONS: Partial<Record<Role, readonly Permission[]>> = {
  'entity-focal-point': ['performance:read'],
  'provider-agent': ['performance:read'],
  'provider-manager': ['performance:read', 'performance:capture'],
  'dos-coordinator': ['performance:read', 'performance:capture', 'performance:manage'],
  viewer: ['performance:read'],
  administrator: ['performance:read', 'performance:capture', 'performance:manage'],
};
for (const [role, extra] of Object.entries(PERFORMANCE_PERMISSIONS) as [Role, Permission[]][]) {
  ROLE_PERMISSIONS[role] = [...ROLE_PERMISSIONS[role], ...extra];
}

/** Whether `role` carries `permission`. */
export function roleHas(role: Role, permission: string): boolean {
  return (ROLE_PERMISSIONS[role] as readonly string[]).includes(permission);
}
