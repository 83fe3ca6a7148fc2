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
  /** Read planning scenarios, planning data and co-location candidates (provider managers: their provider's rows). */
  'planning:read': 'read shared-services planning',
  /** Solve and save planning scenarios, accept their changes, edit planning data. */
  'planning:manage': 'plan shared services',
  /** Read agreements and assignment requests (a provider's staff: their provider's; a focal point: their entity's). */
  'agreements:read': 'read service-level agreements and assignment requests',
  /** Edit the common SLA template and draft, amend and move agreements through their lifecycle. */
  'agreements:manage': 'manage the SLA template and agreements',
  /** Ask for a provider to be assigned (or changed) for an entity's services. */
  'assignments:request': 'request provider assignments',
  /** Record a consultation on an assignment request (a focal point: for the head of their own entity). */
  'assignments:consult': 'record consultations on assignment requests',
  /**
   * Decide an assignment request: the Under-Secretary-General for Operational Support (para 11). In this
   * build the administrator role stands in for the USG.
   */
  'assignments:decide': 'decide provider assignments',
  /** Read price lists, billing runs and statements (scoped like agreements). */
  'billing:read': 'read price lists, billing runs and statements',
  /** Set prices, record usage and headcounts, run and close billing periods, issue credit and debit notes. */
  'billing:manage': 'manage cost recovery and billing',
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
const AGREEMENTS_READ: Permission[] = ['agreements:read', 'billing:read'];
const AGREEMENTS_MANAGE: Permission[] = ['agreements:manage', 'assignments:request', 'assignments:consult', 'billing:manage'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  'client-requester': [...ALL_ROLES_READ, ...CLIENT],
  'entity-focal-point': [
    ...ALL_ROLES_READ,
    'users:read',
    ...CLIENT,
    'surveys:results',
    ...AGREEMENTS_READ,
    'assignments:consult',
    'performance:read',
  ],
  'provider-agent': [...ALL_ROLES_READ, 'users:read', ...WORK, 'surveys:results', ...AGREEMENTS_READ, 'performance:read'],
  'provider-manager': [
    ...ALL_ROLES_READ,
    'users:read',
    ...WORK,
    'sla:manage',
    'planning:read',
    'surveys:results',
    'surveys:flag',
    ...AGREEMENTS_READ,
    'performance:read',
    'performance:capture',
  ],
  'dos-coordinator': [
    ...ALL_ROLES_READ,
    'users:read',
    'audit:read',
    ...WORK,
    'cases:create',
    'sla:manage',
    'planning:read',
    'planning:manage',
    'surveys:results',
    'surveys:flag',
    'surveys:manage',
    ...AGREEMENTS_READ,
    ...AGREEMENTS_MANAGE,
    'performance:read',
    'performance:capture',
    'performance:manage',
  ],
  viewer: [...ALL_ROLES_READ, 'cases:read', 'surveys:results', ...AGREEMENTS_READ, 'performance:read'],
  administrator: [
    ...ALL_ROLES_READ,
    'users:read',
    'sessions:manage',
    'audit:read',
    ...WORK,
    'cases:create',
    'sla:manage',
    'planning:read',
    'planning:manage',
    'surveys:results',
    'surveys:flag',
    'surveys:manage',
    ...AGREEMENTS_READ,
    ...AGREEMENTS_MANAGE,
    'assignments:decide',
    'performance:read',
    'performance:capture',
    'performance:manage',
  ],
};

/** Whether `role` carries `permission`. */
export function roleHas(role: Role, permission: string): boolean {
  return (ROLE_PERMISSIONS[role] as readonly string[]).includes(permission);
}
