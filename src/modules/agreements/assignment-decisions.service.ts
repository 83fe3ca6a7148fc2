/**
 * Assignment decisions (para 11): providers are assigned by the Under-Secretary-General for Operational
 * Support in consultation with Management Strategy, Policy and Compliance (DMSPC) and the head of the
 * client entity. A request records what is asked; each consultation who was consulted, when and their
 * opinion; the decision who decided, why and from when. Only an approved request changes the
 * `assignments` that routing reads, and only from its effective date: the period in force then is ended
 * the day before, so every past date keeps the provider it had.
 *
 * Roles in this build: `assignments:decide` (the administrator stands in for the USG), `assignments:consult`
 * (coordinators record any party; an entity focal point records the opinion of the head of their own
 * entity), `assignments:request` (coordinators, administrators).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.ts';
import { AppError } from '../../server/errors.ts';
import { findService } from '../catalogue/catalogue.repository.ts';
import { findClientEntity, findProvider } from '../directory/directory.repository.ts';
import { appendAuditEvent } from '../identity/identity.repository.ts';
import { ENTITY_ROLES, type User } from '../identity/identity.schema.ts';
import { roleHas } from '../identity/permissions.ts';
import {
  endPeriod,
  findAssignmentHistory,
  findAssignmentRequest,
  findAssignmentRequests,
  insertAssignmentRequest,
  insertConsultation,
  insertDecidedAssignment,
  lockPeriods,
  markDecided,
} from './assignment-decisions.repository.ts';
import type {
  AssignmentRequest,
  AssignmentRequestQuery,
  ConsultationInput,
  CreateAssignmentRequest,
  DecisionInput,
} from './assignment-decisions.schema.ts';
import { inScope, recordScopeOf } from './record-scope.ts';
import { todayUtc } from './routing.service.ts';

type Db = Kysely<Database>;

/** The later of two `YYYY-MM-DD` dates. */
function laterDate(a: string, b: string): string {
  return [a, b].sort()[1] as string;
}

/** The consultations a decision to assign needs (para 11). */
export const REQUIRED_PARTIES = ['dmspc', 'entity-head'] as const;

/**
 * Reads a request with its consultation trail, if `viewer` may see it.
 * @throws AppError ASSIGNMENT_REQUEST_NOT_FOUND (also outside the viewer's provider or entity).
 */
export async function getAssignmentRequest(db: Db, viewer: User, id: number): Promise<AssignmentRequest> {
  const r = await findAssignmentRequest(db, id);
  if (!r || !inScope(recordScopeOf(viewer), r.provider.code, r.entity.code)) {
    throw new AppError('ASSIGNMENT_REQUEST_NOT_FOUND', `No assignment request ${id}`);
  }
  return r;
}

/** Requests the viewer may see, newest first. */
export async function listAssignmentRequests(db: Db, viewer: User, q: AssignmentRequestQuery) {
  return findAssignmentRequests(db, recordScopeOf(viewer), q);
}

/**
 * Records a request to assign `provider` to serve `entity` for `services` from a date.
 * @throws AppError DIRECTORY_ENTITY_NOT_FOUND, DIRECTORY_PROVIDER_NOT_FOUND, CATALOGUE_SERVICE_NOT_FOUND,
 *   VALIDATION_FAILED (a service listed twice).
 */
export async function requestAssignment(db: Db, actor: User, input: CreateAssignmentRequest, now = new Date()) {
  const [entity, provider] = await Promise.all([findClientEntity(db, input.entity), findProvider(db, input.provider)]);
  if (!entity) {
    throw new AppError('DIRECTORY_ENTITY_NOT_FOUND', `No client entity ${input.entity}`, {
      issues: [{ field: 'entity', message: 'unknown client entity' }],
    });
  }
  if (!provider) {
    throw new AppError('DIRECTORY_PROVIDER_NOT_FOUND', `No provider ${input.provider}`, {
      issues: [{ field: 'provider', message: 'unknown provider' }],
    });
  }
  if (new Set(input.services).size !== input.services.length) {
    throw new AppError('VALIDATION_FAILED', 'A service is listed twice', { issues: [{ field: 'services', message: 'repeats' }] });
  }
  for (const [i, s] of input.services.entries()) {
    if (!(await findService(db, s))) {
      throw new AppError('CATALOGUE_SERVICE_NOT_FOUND', `No service ${s} in the catalogue`, {
        issues: [{ field: `services.${i}`, message: 'unknown service code' }],
      });
    }
  }
  const id = await db.transaction().execute(async (trx) => {
    const id = await insertAssignmentRequest(trx, input, actor.id, now);
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'assignments.requested',
      targetType: 'assignment-request',
      targetId: String(id),
      details: { ...input },
    });
    return id;
  });
  return getAssignmentRequest(db, actor, id);
}

/**
 * Records a consultation on an open request.
 * @throws AppError ASSIGNMENT_REQUEST_NOT_FOUND, ASSIGNMENT_REQUEST_CLOSED, ASSIGNMENT_NOT_AUTHORISED (an
 *   entity focal point recording for another entity, or for another party than the head of their entity).
 */
export async function consultOnRequest(db: Db, actor: User, id: number, input: ConsultationInput, now = new Date()) {
  await db.transaction().execute(async (trx) => {
    const r = await findAssignmentRequest(trx, id, true);
    if (!r || !inScope(recordScopeOf(actor), r.provider.code, r.entity.code)) {
      throw new AppError('ASSIGNMENT_REQUEST_NOT_FOUND', `No assignment request ${id}`);
    }
    if (!roleHas(actor.role, 'assignments:consult')) {
      throw new AppError('ASSIGNMENT_NOT_AUTHORISED', 'Your role cannot record consultations on assignment requests');
    }
    if (ENTITY_ROLES.includes(actor.role) && input.party !== 'entity-head') {
      throw new AppError(
        'ASSIGNMENT_NOT_AUTHORISED',
        `An entity focal point records the opinion of the head of ${r.entity.code} only, not of ${input.party}`,
        { issues: [{ field: 'party', message: 'must be entity-head' }] },
      );
    }
    if (r.state !== 'open') {
      throw new AppError('ASSIGNMENT_REQUEST_CLOSED', `Request ${r.reference} is ${r.state}: consultations are closed`);
    }
    await insertConsultation(trx, id, input, actor.id, now);
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'assignments.consulted',
      targetType: 'assignment-request',
      targetId: r.reference,
      details: { ...input },
    });
  });
  return getAssignmentRequest(db, actor, id);
}

/**
 * Decides a request. Approving writes, for each service, the new provider's assignment from the effective
 * date: the period in force on that date is ended then (keeping its past), and the new period runs to
 * where the old one ended or the next period starts. Routing uses it from that date only.
 * @throws AppError ASSIGNMENT_NOT_AUTHORISED (a role without authority: only the USG — the administrator in
 *   this build — decides), ASSIGNMENT_REQUEST_NOT_FOUND, ASSIGNMENT_REQUEST_CLOSED,
 *   ASSIGNMENT_CONSULTATION_MISSING (DMSPC or the head of the entity not consulted), VALIDATION_FAILED (an
 *   effective date before the decision), ASSIGNMENT_DATE_CONFLICT (a period already starts that day).
 */
export async function decideRequest(db: Db, actor: User, id: number, input: DecisionInput, now = new Date()) {
  if (!roleHas(actor.role, 'assignments:decide')) {
    throw new AppError(
      'ASSIGNMENT_NOT_AUTHORISED',
      `Only the Under-Secretary-General for Operational Support decides provider assignments (para 11); the ${actor.role} role has no such authority`,
      { details: { role: actor.role } },
    );
  }
  await db.transaction().execute(async (trx) => {
    const r = await findAssignmentRequest(trx, id, true);
    if (!r) throw new AppError('ASSIGNMENT_REQUEST_NOT_FOUND', `No assignment request ${id}`);
    if (r.state !== 'open') throw new AppError('ASSIGNMENT_REQUEST_CLOSED', `Request ${r.reference} is already ${r.state}`);
    const today = todayUtc(now);
    let effectiveFrom: string | null = null;
    if (input.decision === 'approve') {
      const missing = REQUIRED_PARTIES.filter((p) => !r.consultations.some((c) => c.party === p));
      if (missing.length) {
        throw new AppError(
          'ASSIGNMENT_CONSULTATION_MISSING',
          `Request ${r.reference} cannot be approved before consulting ${missing
            .map((p) => (p === 'dmspc' ? 'Management Strategy, Policy and Compliance' : `the head of ${r.entity.code}`))
            .join(' and ')} (para 11)`,
          { details: { missing } },
        );
      }
      effectiveFrom = input.effectiveFrom ?? laterDate(r.requestedFrom, today);
      if (effectiveFrom < today) {
        throw new AppError(
          'VALIDATION_FAILED',
          `The effective date ${effectiveFrom} is before the decision (${today}): a decision cannot change who served on past dates`,
          { issues: [{ field: 'effectiveFrom', message: `on or after ${today}` }] },
        );
      }
      for (const service of r.services) {
        const periods = await lockPeriods(trx, r.entity.code, service);
        const clash = periods.find((p) => p.effectiveFrom === effectiveFrom);
        if (clash) {
          throw new AppError(
            'ASSIGNMENT_DATE_CONFLICT',
            `${r.entity.code} already has an assignment for ${service} starting on ${effectiveFrom} (${clash.provider}); choose another date`,
            { issues: [{ field: 'effectiveFrom', message: `a period of ${service} starts that day` }] },
          );
        }
        const from = effectiveFrom;
        const current = periods.find((p) => p.effectiveFrom < from && (p.effectiveTo === null || p.effectiveTo > from));
        let to: string | null;
        if (current) {
          to = current.effectiveTo;
          await endPeriod(trx, current.id, from);
        } else {
          to = periods.find((p) => p.effectiveFrom > from)?.effectiveFrom ?? null;
        }
        await insertDecidedAssignment(trx, {
          provider: r.provider.code,
          entity: r.entity.code,
          service,
          scope: r.scope,
          from,
          to,
          costRecovery: r.costRecovery,
          basis: `decision ${r.reference} of the USG for Operational Support (para 11): ${input.rationale}`,
          reference: r.reference,
          decisionId: r.id,
        });
      }
    }
    await markDecided(trx, id, {
      state: input.decision === 'approve' ? 'approved' : 'rejected',
      decidedBy: actor.id,
      at: now,
      rationale: input.rationale,
      effectiveFrom,
    });
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: `assignments.${input.decision === 'approve' ? 'approved' : 'rejected'}`,
      targetType: 'assignment-request',
      targetId: r.reference,
      details: { rationale: input.rationale, effectiveFrom, services: r.services, provider: r.provider.code },
    });
  });
  return getAssignmentRequest(db, actor, id);
}

/** Every period of (entity, service): who served from when to when, and the decision behind it. */
export async function assignmentHistory(db: Db, entity: string, service: string) {
  return findAssignmentHistory(db, entity, service);
}
