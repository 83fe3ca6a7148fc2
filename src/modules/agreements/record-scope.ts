/**
 * Which agreements, assignment requests, price lists and statements a user may see: a provider's staff
 * those of their provider, an entity's staff those of their entity, Secretariat-wide roles all. Applied in
 * the repository queries, so lists, counts and exports obey the same rule.
 */
import type { ExpressionBuilder } from 'kysely';
import { ENTITY_ROLES, PROVIDER_ROLES, type User } from '../identity/identity.schema.ts';

/** `{}` for all records; otherwise the one provider or entity the user acts for. */
export interface RecordScope {
  provider?: string;
  entity?: string;
  /** True when the user's role is scoped but names no organisation: they see nothing. */
  none?: boolean;
}

/** The record scope of `user`. */
export function recordScopeOf(user: Pick<User, 'role' | 'scope'>): RecordScope {
  if (PROVIDER_ROLES.includes(user.role)) {
    return user.scope?.type === 'provider' ? { provider: user.scope.code } : { none: true };
  }
  if (ENTITY_ROLES.includes(user.role)) {
    return user.scope?.type === 'entity' ? { entity: user.scope.code } : { none: true };
  }
  return {};
}

/** Whether a record of `provider` and `entity` is inside `scope`. */
export function inScope(scope: RecordScope, provider: string, entity: string | null): boolean {
  if (scope.none) return false;
  if (scope.provider !== undefined && scope.provider !== provider) return false;
  if (scope.entity !== undefined && scope.entity !== entity) return false;
  return true;
}

/**
 * A where-clause for `scope` on a table with provider and entity columns (`providerCol`, `entityCol`);
 * a table without an entity column passes null and is then hidden from entity-scoped users.
 */
export function scopeWhere(scope: RecordScope, providerCol: string, entityCol: string | null) {
  // biome-ignore lint/suspicious/noExplicitAny: generic over the tables it filters
  return (eb: ExpressionBuilder<any, any>) => {
    if (scope.none) return eb.val(false);
    const parts = [];
    if (scope.provider !== undefined) parts.push(eb(eb.ref(providerCol), '=', scope.provider));
    if (scope.entity !== undefined) {
      if (entityCol === null) return eb.val(false);
      parts.push(eb(eb.ref(entityCol), '=', scope.entity));
    }
    return parts.length ? eb.and(parts) : eb.val(true);
  };
}
