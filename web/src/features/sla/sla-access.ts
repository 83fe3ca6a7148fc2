/**
 * Who may change what (mirror of the server's rule in sla.routes.ts, which decides): `sla:manage` holders
 * without a scope (DOS coordinators, administrators) change every calendar and policy; a provider manager
 * only its own provider's calendar and the policies scoped to its provider. The UI hides what the server
 * would refuse.
 */
import type { CurrentUser } from '../../api/types.ts';
import { can } from '../cases/case-format.ts';

/** Whether `user` may change calendars or policies of `provider` (null: a duty station's, or common ones). */
export function canManageSla(user: CurrentUser | null, provider: string | null): boolean {
  if (!can(user, 'sla:manage')) return false;
  if (!user?.scope) return true;
  return user.scope.type === 'provider' && provider !== null && user.scope.code === provider;
}

/** The provider a scoped manager is limited to (null: any). */
export function managedProvider(user: CurrentUser | null): string | null {
  return user?.scope?.type === 'provider' ? user.scope.code : null;
}
