/**
 * SLA policies: the targets of the one SLA model (para 53) — first response, next response and
 * resolution, as ISO-8601 durations of business time (`PT30M`, `PT4H`) or whole business days (`P2D`) —
 * per provider (its agreements), service and priority, each part optional. The most specific active
 * policy applies: provider+service+priority, provider+service, provider+priority, provider,
 * service+priority, service, priority, then the policy with no scope at all.
 *
 * Also which calendar clocks run on (`provider`, the default, or `client`: the client entity's duty
 * station), which case states pause the clocks (awaiting client by default), warning thresholds in
 * percent of the target, and whether escalations may fire while closed.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import { fromJson, isUniqueViolation } from '../../db/sql-helpers.ts';
import type { Database, SlaPolicyTable } from '../../db/types.ts';
import { AppError } from '../../server/errors.ts';
import { appendAuditEvent } from '../identity/identity.repository.ts';
import { parseSlaTarget } from './business-calendar.ts';
import type { ClockPolicy } from './case-clocks.ts';
import { POLICY_COLUMNS } from './clocks.repository.ts';
import { refreshCaseClocks } from './clocks.service.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** States that may pause a clock (resolved and closed always pause; cancelled and merged stop). */
export const PAUSABLE_STATES = ['new', 'in-progress', 'awaiting-client'] as const;

const TargetSchema = z
  .string()
  .nullable()
  .superRefine((v, ctx) => {
    if (v === null) return;
    try {
      parseSlaTarget(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  });

/** A policy as written by its editor. */
export const PolicyInputSchema = z
  .strictObject({
    provider: z.string().min(1).nullable().default(null),
    service: z.string().min(1).nullable().default(null),
    priority: z.enum(['P1', 'P2', 'P3', 'P4']).nullable().default(null),
    firstResponse: TargetSchema.default(null),
    nextResponse: TargetSchema.default(null),
    resolution: TargetSchema.default(null),
    calendarBasis: z.enum(['provider', 'client']).default('provider'),
    pauseStates: z.array(z.enum(PAUSABLE_STATES)).max(3).default(['awaiting-client']),
    warnAt: z.array(z.number().int().min(1).max(99)).max(5).default([75, 90]),
    escalateOutsideHours: z.boolean().default(false),
    basis: z.string().trim().min(1).max(500),
  })
  .refine((p) => p.firstResponse !== null || p.nextResponse !== null || p.resolution !== null, {
    message: 'give at least one target',
    path: ['resolution'],
  });
export type PolicyInput = z.infer<typeof PolicyInputSchema>;

/** A policy as the API shows it. */
export interface Policy extends PolicyInput {
  id: number;
  version: number;
  updatedAt: string;
}

function toPolicy(r: Selectable<SlaPolicyTable>): Policy {
  return {
    id: r.id,
    provider: r.provider_code,
    service: r.service_code,
    priority: r.priority as Policy['priority'],
    firstResponse: r.first_response,
    nextResponse: r.next_response,
    resolution: r.resolution,
    calendarBasis: r.calendar_basis,
    pauseStates: fromJson<Policy['pauseStates']>(r.pause_states),
    warnAt: fromJson<number[]>(r.warn_at),
    escalateOutsideHours: r.escalate_outside_hours,
    basis: r.basis,
    version: r.version,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

function toClockPolicy(p: Policy): ClockPolicy {
  return {
    id: p.id,
    firstResponse: p.firstResponse,
    nextResponse: p.nextResponse,
    resolution: p.resolution,
    pauseStates: p.pauseStates,
    warnAt: [...p.warnAt].sort((a, b) => a - b),
    escalateOutsideHours: p.escalateOutsideHours,
    calendarBasis: p.calendarBasis,
  };
}

/** Specificity of a policy's scope: higher wins. */
function rank(p: Policy): number {
  return (p.provider ? 4 : 0) + (p.service ? 2 : 0) + (p.priority ? 1 : 0);
}

/**
 * The policy resolver for a service and priority: a function from a provider (null for the coordination
 * queue) to the most specific active policy, or null when none applies.
 */
export async function policiesFor(
  db: Db,
  service: string,
  priority: string,
): Promise<(provider: string | null) => ClockPolicy | null> {
  return policyResolver(await findPolicyRows(db, service, priority));
}

/** The active policies that may apply to a case of `service` and `priority` (any provider), as rows. */
export async function findPolicyRows(db: Db, service: string, priority: string): Promise<Selectable<SlaPolicyTable>[]> {
  // the columns by name rather than `*`, so that the statement is prepared once per connection (decision 0012)
  return db
    .selectFrom('sla_policies')
    .select(POLICY_COLUMNS)
    .where('active', '=', true)
    .where((eb) => eb.or([eb('service_code', 'is', null), eb('service_code', '=', service)]))
    .where((eb) => eb.or([eb('priority', 'is', null), eb('priority', '=', priority)]))
    .execute();
}

/**
 * The policy resolver over `rows`, the active policies of one service and priority (any provider), as
 * `policiesFor` reads them (or `findCaseHistory` with the case).
 */
export function policyResolver(rows: readonly Selectable<SlaPolicyTable>[]): (provider: string | null) => ClockPolicy | null {
  const policies = rows.map(toPolicy).sort((a, b) => rank(b) - rank(a));
  return (provider) => {
    const p = policies.find((x) => x.provider === null || x.provider === provider);
    return p ? toClockPolicy(p) : null;
  };
}

/** Active policies, most specific first within each provider; optionally one provider's (and the common ones). */
export async function listPolicies(db: Db, q: { provider?: string | undefined } = {}): Promise<Policy[]> {
  let query = db.selectFrom('sla_policies').selectAll().where('active', '=', true);
  if (q.provider)
    query = query.where((eb) => eb.or([eb('provider_code', 'is', null), eb('provider_code', '=', q.provider as string)]));
  const rows = await query.orderBy('provider_code', 'asc').orderBy('service_code', 'asc').orderBy('priority', 'asc').execute();
  return rows.map(toPolicy);
}

async function checkScope(db: Db, p: PolicyInput): Promise<void> {
  if (p.provider && !(await db.selectFrom('providers').select('code').where('code', '=', p.provider).executeTakeFirst())) {
    throw new AppError('DIRECTORY_PROVIDER_NOT_FOUND', `No provider ${p.provider}`, {
      issues: [{ field: 'provider', message: 'unknown provider' }],
    });
  }
  if (p.service && !(await db.selectFrom('services').select('code').where('code', '=', p.service).executeTakeFirst())) {
    throw new AppError('CATALOGUE_SERVICE_NOT_FOUND', `No service ${p.service}`, {
      issues: [{ field: 'service', message: 'unknown service code' }],
    });
  }
}

const rowOf = (p: PolicyInput) => ({
  provider_code: p.provider,
  service_code: p.service,
  priority: p.priority,
  first_response: p.firstResponse,
  next_response: p.nextResponse,
  resolution: p.resolution,
  calendar_basis: p.calendarBasis,
  pause_states: JSON.stringify(p.pauseStates),
  warn_at: JSON.stringify(p.warnAt),
  escalate_outside_hours: p.escalateOutsideHours,
  basis: p.basis,
});

/**
 * Re-derives the clocks of the open cases whose clocks used policy `id`, so that their due instants and
 * escalations follow the edit at once (elapsed and paused time carry over).
 * @returns how many cases were refreshed.
 */
async function refreshCasesOfPolicy(trx: Transaction<Database>, id: number, now: Date): Promise<number> {
  const rows = await trx
    .selectFrom('case_sla_clocks')
    .select('case_id')
    .distinct()
    .where('policy_id', '=', id)
    .where('state', 'in', ['running', 'paused'])
    .execute();
  for (const r of rows) await refreshCaseClocks(trx, String(r.case_id), now);
  return rows.length;
}

/**
 * Creates a policy. Open cases pick it up at their next change (clocks keep their elapsed time).
 * @throws AppError VALIDATION_FAILED (a policy with the same scope exists), DIRECTORY_PROVIDER_NOT_FOUND,
 *   CATALOGUE_SERVICE_NOT_FOUND.
 */
export async function createPolicy(
  db: Kysely<Database>,
  actorUserId: number,
  input: PolicyInput,
  now = new Date(),
): Promise<Policy> {
  await checkScope(db, input);
  try {
    return await db.transaction().execute(async (trx) => {
      const r = await trx
        .insertInto('sla_policies')
        .values({ ...rowOf(input), updated_by: actorUserId, updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAuditEvent(trx, {
        actorUserId,
        action: 'sla.policy-created',
        targetType: 'sla-policy',
        targetId: String(r.id),
        details: { ...input },
      });
      return toPolicy(r);
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new AppError(
        'VALIDATION_FAILED',
        'A policy with this provider, service and priority already exists; edit it instead',
        {
          issues: [{ field: 'priority', message: 'scope already has a policy' }],
        },
      );
    }
    throw e;
  }
}

/**
 * Replaces a policy's targets and settings (same scope), as a new version of it; the open cases whose
 * clocks used it are re-derived at once.
 * @throws AppError NOT_FOUND, VALIDATION_FAILED (stale `version`, or a changed scope).
 */
export async function updatePolicy(
  db: Kysely<Database>,
  actorUserId: number,
  id: number,
  version: number,
  input: PolicyInput,
  now = new Date(),
): Promise<Policy> {
  await checkScope(db, input);
  return db.transaction().execute(async (trx) => {
    const cur = await trx
      .selectFrom('sla_policies')
      .selectAll()
      .where('id', '=', id)
      .where('active', '=', true)
      .forUpdate()
      .executeTakeFirst();
    if (!cur) throw new AppError('NOT_FOUND', `No active SLA policy ${id}`);
    if (cur.version !== version) {
      throw new AppError(
        'VALIDATION_FAILED',
        `Policy ${id} has changed since you read it (version ${version}, now ${cur.version}); reload it`,
        {
          issues: [{ field: 'version', message: 'stale' }],
        },
      );
    }
    if (cur.provider_code !== input.provider || cur.service_code !== input.service || cur.priority !== input.priority) {
      throw new AppError(
        'VALIDATION_FAILED',
        'The scope (provider, service, priority) of a policy cannot change; create another policy',
        {
          issues: [{ field: 'provider', message: 'scope is fixed' }],
        },
      );
    }
    const r = await trx
      .updateTable('sla_policies')
      .set({ ...rowOf(input), version: cur.version + 1, updated_by: actorUserId, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAuditEvent(trx, {
      actorUserId,
      action: 'sla.policy-updated',
      targetType: 'sla-policy',
      targetId: String(id),
      details: { before: toPolicy(cur), after: toPolicy(r) },
    });
    await refreshCasesOfPolicy(trx, id, now);
    return toPolicy(r);
  });
}

/**
 * Removes a policy (kept, inactive, for the audit trail). The open cases whose clocks used it are
 * re-derived at once: their clocks fall back to the next most specific policy, or lose their targets and
 * their pending escalations are withdrawn.
 * @throws AppError NOT_FOUND.
 */
export async function removePolicy(db: Kysely<Database>, actorUserId: number, id: number, now = new Date()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('sla_policies')
      .set({ active: false, updated_by: actorUserId, updated_at: now })
      .where('id', '=', id)
      .where('active', '=', true)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw new AppError('NOT_FOUND', `No active SLA policy ${id}`);
    const refreshed = await refreshCasesOfPolicy(trx, id, now);
    await appendAuditEvent(trx, {
      actorUserId,
      action: 'sla.policy-removed',
      targetType: 'sla-policy',
      targetId: String(id),
      details: { refreshedCases: refreshed },
    });
  });
}
