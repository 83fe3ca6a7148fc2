/**
 * Cases: one front door for every request, routed to the assigned provider and tracked end to end across
 * handoffs. Each use case runs in one transaction and writes its append-only case events; changes to an
 * existing case require the version the caller saw (optimistic concurrency).
 */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { isUniqueViolation } from '../../db/sql-helpers.ts';
import type { Database } from '../../db/types.ts';
import { AppError } from '../../server/errors.ts';
import { offsetOf, type Page } from '../../server/pagination.ts';
import { todayUtc } from '../agreements/routing.service.ts';
import { findService } from '../catalogue/catalogue.repository.ts';
import { STAFF_ROLES, type User } from '../identity/identity.schema.ts';
import { clockValues, deriveNewCaseClocks, escalationChain, refreshCaseClocks } from '../sla/clocks.service.ts';
import { onCaseResolved } from '../surveys/invitations.service.ts';
import { messageNoticeSubject, receiptEmail, resolvedEmail, withdrawnEmail } from './case-emails.ts';
import { newCaseWriter } from './case-writer.ts';
import {
  appendCaseEvent,
  COUNT_CAP,
  closeSegment,
  countCasesByState,
  enqueueEmail,
  findCaseRow,
  findCaseRowById,
  findCaseSummary,
  findCases,
  findCaseView,
  findIdempotencyKey,
  findMentionedUsers,
  findOpenChildren,
  findUserScope,
  findUsersByIds,
  insertCase,
  insertMessage,
  openSegment,
  providerExists,
  teamOfProvider,
  touchCase,
  touchParentCase,
  updateCaseIfVersion,
} from './cases.repository.ts';
import type { CaseQuery, CaseSummary, CaseView, CreateCaseInput } from './cases.schema.ts';
import { type CreationContext, creationContext, forgetCreationContexts, isReferenceDataChanged } from './creation-context.ts';
import { checkFormFields, type FormField } from './form-fields.ts';
import { CASE_STATES, type CaseState, isOpen, nextState, priorityOf, type Transition } from './lifecycle.ts';
import { QueueTotalCache } from './queue-totals.ts';

type Db = Kysely<Database>;

/** Roles that act for a client entity. */
const CLIENT_ROLES = new Set(['client-requester', 'entity-focal-point']);
/** Transitions client roles may ask for on their own cases. */
const CLIENT_TRANSITIONS: readonly Transition[] = ['cancelled', 'reopen', 'closed'];

export interface CaseOptions {
  /** Days after resolution during which a case can be reopened (default 10). */
  reopenWindowDays?: number;
  now?: Date;
  /** Base URL of the web app, for links in e-mails. */
  publicUrl?: string;
}

function notFound(reference: string): AppError {
  return new AppError('CASE_NOT_FOUND', `No case ${reference} that you can see`);
}

function requireWorkRole(actor: User): void {
  if (!STAFF_ROLES.has(actor.role)) throw new AppError('FORBIDDEN', 'Only provider agents and coordinators can do this');
}

async function loadVisible(db: Db | Transaction<Database>, actor: User, reference: string) {
  const row = await findCaseRow(db, actor, reference);
  if (!row) throw notFound(reference);
  return row;
}

function checkVersion(row: { version: number; reference: string }, version: number): void {
  if (row.version !== version) {
    throw new AppError(
      'CASE_VERSION_CONFLICT',
      `${row.reference} has changed since you read it (version ${version}, now ${row.version}); reload it`,
      {
        details: { currentVersion: row.version },
      },
    );
  }
}

/**
 * Changes a case if its version is still the one read (bumping it); a child task's change also marks its
 * parent as updated (its `updated_at`, not its version: the change shows in the parent's timeline).
 * @throws AppError CASE_VERSION_CONFLICT when someone changed the case first.
 */
async function mustUpdate(
  trx: Transaction<Database>,
  row: { id: string; version: number; reference: string; parent_case_id?: string | null },
  set: Parameters<typeof updateCaseIfVersion>[3],
  at: Date,
) {
  const ok = await updateCaseIfVersion(trx, row.id, row.version, set, at);
  if (!ok) throw new AppError('CASE_VERSION_CONFLICT', `${row.reference} was changed by someone else meanwhile; reload it`);
  if (row.parent_case_id) await touchParentCase(trx, row.parent_case_id, at);
}

async function summary(db: Db, actor: User | null, reference: string): Promise<CaseSummary> {
  const s = await findCaseSummary(db, actor, reference);
  if (!s) throw notFound(reference);
  return s;
}

function requestHash(input: unknown): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('hex');
}

/**
 * Creates a case from the catalogue and routes it at once to the provider assigned to the entity for the
 * service; with none, to the DOS coordination queue with the reason. The routing and the first SLA clocks
 * come from the cached reference data and the case is written in one statement, with others arriving at the
 * same time (decision 0021); the answer is built from what was written.
 * @param idempotencyKey a retried request with the same key returns the first case (`created: false`).
 * @throws AppError CATALOGUE_SERVICE_NOT_FOUND, DIRECTORY_ENTITY_NOT_FOUND, CASE_INVALID_FIELDS,
 *   CASE_SCOPE_MISMATCH (a client of another entity), IDEMPOTENCY_KEY_REUSED (same key, other request),
 *   CASE_REFERENCE_DATA_CHANGING (503: the reference data changed during 5 attempts in a row).
 */
export async function createCase(
  db: Db,
  actor: User,
  input: CreateCaseInput,
  opts: CaseOptions & { idempotencyKey?: string } = {},
): Promise<{ case: CaseSummary; created: boolean }> {
  const hash = requestHash(input);
  if (opts.idempotencyKey) {
    const prior = await findIdempotencyKey(db, actor.id, opts.idempotencyKey);
    if (prior) {
      if (prior.request_hash !== hash) {
        throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request');
      }
      return { case: await summary(db, null, prior.reference), created: false };
    }
  }
  let entityCode = input.entity;
  if (CLIENT_ROLES.has(actor.role)) {
    if (entityCode && entityCode !== actor.scope?.code) {
      throw new AppError('CASE_SCOPE_MISMATCH', `You can ask only for ${actor.scope?.code}`, {
        issues: [{ field: 'entity', message: 'not your entity' }],
      });
    }
    entityCode = actor.scope?.code;
  } else if (actor.role !== 'dos-coordinator' && actor.role !== 'administrator') {
    throw new AppError('FORBIDDEN', 'Only client staff and coordinators can open requests');
  }
  if (!entityCode)
    throw new AppError('VALIDATION_FAILED', 'Name the client entity', { issues: [{ field: 'entity', message: 'is required' }] });
  const now = opts.now ?? new Date();
  const priority = priorityOf(input.impact, input.urgency);
  // Routing and the first clocks from the cached reference data (decision 0021); the write asserts the
  // version they were read under, and a change meanwhile (rare) makes it reload and try again.
  for (let attempt = 1; ; attempt++) {
    const ctx = await creationContext(db, entityCode, input.service, priority, todayUtc());
    try {
      return { case: await writeNewCase(db, actor, input, ctx, priority, now, hash, opts), created: true };
    } catch (e) {
      if (isReferenceDataChanged(e)) {
        forgetCreationContexts(db);
        if (attempt < 5) continue;
        throw new AppError(
          'CASE_REFERENCE_DATA_CHANGING',
          'The services, assignments or SLA policies changed during each of 5 attempts to write this request; send it again',
        );
      }
      if (opts.idempotencyKey && isUniqueViolation(e)) {
        // A concurrent retry with the same key won the race: answer its case.
        const prior = await findIdempotencyKey(db, actor.id, opts.idempotencyKey);
        if (prior) {
          if (prior.request_hash !== hash)
            throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request');
          return { case: await summary(db, null, prior.reference), created: false };
        }
      }
      throw e;
    }
  }
}

/** The placeholder id of a new case's first segment while its clocks are derived (the row gets its id when written). */
const NEW_SEGMENT = 'new';

/**
 * Writes a new case routed by `ctx` (group commit: `newCaseWriter`) and returns its summary, built from what
 * was written (no read back).
 * @throws AppError CASE_INVALID_FIELDS; the database error of `insertNewCases` (reference data changed, key taken).
 */
async function writeNewCase(
  db: Db,
  actor: User,
  input: CreateCaseInput,
  ctx: CreationContext,
  priority: CaseSummary['priority'],
  now: Date,
  hash: string,
  opts: CaseOptions & { idempotencyKey?: string },
): Promise<CaseSummary> {
  const { entity, service, assignment } = ctx;
  const fields = checkFormFields(service.formFields as FormField[], input.fields);
  const provider: string | null = assignment?.provider.code ?? null;
  const routingReason = assignment
    ? `Assigned provider ${assignment.provider.code} (${assignment.scope}); basis: ${assignment.basis}`
    : `No provider is assigned to ${entity.code} for ${service.code}: sent to the DOS coordination queue`;
  // the same reason as data, for the web to say in the reader's language (the stored text is English)
  const routingRule = assignment
    ? { rule: 'assignment', provider: assignment.provider.code, scope: assignment.scope, basis: assignment.basis }
    : { rule: 'unassigned', entity: entity.code, service: service.code };
  const at = now.getTime();
  const client = CLIENT_ROLES.has(actor.role);
  const clocks = await deriveNewCaseClocks(
    db,
    {
      entity: entity.code,
      service: service.code,
      priority,
      history: {
        createdAt: at,
        states: [{ at, state: 'new' }],
        segments: [{ id: NEW_SEGMENT, provider, startedAt: at, endedAt: null, endReason: null }],
        // the description is the case's first public message: a reply of its author (as loadCaseHistory reads it)
        replies: input.description
          ? [
              {
                at,
                by: STAFF_ROLES.has(actor.role) ? 'staff' : 'client',
                provider: actor.scope?.type === 'provider' ? actor.scope.code : null,
              },
            ]
          : [],
      },
    },
    { policies: ctx.policies, calendars: ctx.calendarOwners },
    at,
  );
  const written = await newCaseWriter(db).write({
    referenceVersion: ctx.version,
    case: {
      entity: entity.code,
      requesterUserId: client ? actor.id : null,
      service: service.code,
      title: input.title,
      fields,
      impact: input.impact,
      urgency: input.urgency,
      priority,
      provider,
      routingReason,
      source: 'portal',
    },
    at: now,
    events: [
      {
        actorUserId: actor.id,
        type: 'created',
        after: { state: 'new', provider, priority, service: service.code, entity: entity.code },
      },
      { actorUserId: null, type: 'routed', after: { provider }, details: { reason: routingReason, routing: routingRule } },
    ],
    segmentReason: provider ? 'routed' : 'no-assignment',
    ...(input.description ? { message: { authorUserId: actor.id, body: input.description } } : {}),
    ...(opts.idempotencyKey ? { idempotency: { userId: actor.id, key: opts.idempotencyKey, requestHash: hash } } : {}),
    clocks: clocks.map((c) => ({
      scope: c.scope,
      metric: c.metric,
      ofNewSegment: c.segmentId === NEW_SEGMENT,
      values: clockValues(c, now),
      escalation: escalationChain(c),
    })),
    ...(client
      ? {
          email: {
            to: actor.email,
            ...receiptEmail(actor.locale, {
              title: input.title,
              provider: assignment ? { code: assignment.provider.code, name: assignment.provider.name } : null,
              routingReason,
              ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
            }),
          },
        }
      : {}),
  });
  const iso = now.toISOString();
  return {
    id: written.id,
    reference: written.reference,
    parentReference: null,
    title: input.title,
    state: 'new',
    priority,
    impact: input.impact,
    urgency: input.urgency,
    entity: { code: entity.code, name: entity.name },
    service: { code: service.code, name: service.name },
    provider: assignment ? { code: assignment.provider.code, name: assignment.provider.name } : null,
    team: null,
    assignee: null,
    requester: client ? { id: actor.id, name: actor.name } : null,
    routingReason,
    mergedInto: null,
    version: written.version,
    createdAt: iso,
    updatedAt: iso,
    resolvedAt: null,
    closedAt: null,
    source: 'portal',
  };
}

/**
 * Moves a case to another state (or reopens it).
 * Client roles may cancel, close or reopen their own cases; work roles may do every allowed transition.
 * @throws AppError CASE_NOT_FOUND, FORBIDDEN, CASE_VERSION_CONFLICT (412), CASE_TRANSITION_REFUSED (409),
 *   CASE_REOPEN_WINDOW_PASSED (409).
 */
export async function transitionCase(
  db: Db,
  actor: User,
  reference: string,
  version: number,
  to: Transition,
  reason: string | undefined,
  opts: CaseOptions = {},
): Promise<CaseSummary> {
  if (!STAFF_ROLES.has(actor.role) && !(CLIENT_ROLES.has(actor.role) && CLIENT_TRANSITIONS.includes(to))) {
    throw new AppError('FORBIDDEN', `Your role cannot move a case to ${to}`);
  }
  const now = opts.now ?? new Date();
  await db.transaction().execute(async (trx) => {
    const row = await loadVisible(trx, actor, reference);
    checkVersion(row, version);
    const from = row.state as CaseState;
    if (to === 'resolved' || to === 'closed' || to === 'cancelled') {
      const open = await findOpenChildren(trx, row.id);
      if (open.length) {
        throw new AppError(
          'CASE_HAS_OPEN_CHILDREN',
          `${reference} has open child tasks (${open.join(', ')}); finish or cancel them first`,
          {
            details: { children: open },
          },
        );
      }
    }
    const state = nextState(from, to, {
      resolvedAt: row.resolved_at ? new Date(row.resolved_at) : null,
      now,
      ...(opts.reopenWindowDays !== undefined ? { reopenWindowDays: opts.reopenWindowDays } : {}),
    });
    const set: Parameters<typeof updateCaseIfVersion>[3] = { state };
    if (state === 'resolved') set.resolved_at = now;
    if (state === 'closed') set.closed_at = now;
    if (to === 'reopen') {
      set.resolved_at = null;
      set.closed_at = null;
    }
    if (state === 'cancelled') set.closed_at = now;
    await mustUpdate(trx, row, set, now);
    await appendCaseEvent(trx, {
      caseId: row.id,
      at: now,
      actorUserId: actor.id,
      type: to === 'reopen' ? 'reopened' : 'state-changed',
      before: { state: from },
      after: { state },
      details: reason ? { reason } : {},
    });
    if (state === 'cancelled' || state === 'closed') await closeSegment(trx, row.id, now, state);
    if (to === 'reopen' && from === 'closed') await openSegment(trx, row.id, row.provider_code, row.team_id, now, 'reopened');
    await refreshCaseClocks(trx, row.id, now);
    if (state === 'resolved' && row.requester_user_id) {
      const [requester] = await findUsersByIds(trx, [row.requester_user_id]);
      if (requester) {
        await enqueueEmail(trx, {
          caseId: row.id,
          to: requester.email,
          ...resolvedEmail(requester.locale, {
            reference: row.reference,
            title: row.title,
            ...(reason ? { reason } : {}),
            reopenWindowDays: opts.reopenWindowDays ?? 10,
          }),
          at: now,
        });
      }
    }
    if (state === 'resolved') await onCaseResolved(trx, row, now, opts); // the satisfaction survey (surveys module)
  });
  return summary(db, null, reference);
}

/**
 * Transfers a case to another provider, with a reason: the current provider's segment ends, the new
 * provider's starts; the case keeps its reference and timeline; team and assignee are cleared.
 * @throws AppError CASE_NOT_FOUND, FORBIDDEN, CASE_VERSION_CONFLICT, CASE_NOT_OPEN, DIRECTORY_PROVIDER_NOT_FOUND,
 *   VALIDATION_FAILED (same provider).
 */
export async function transferCase(
  db: Db,
  actor: User,
  reference: string,
  version: number,
  input: { provider: string; reason: string },
  opts: CaseOptions = {},
): Promise<CaseSummary> {
  requireWorkRole(actor);
  if (!(await providerExists(db, input.provider))) {
    throw new AppError('DIRECTORY_PROVIDER_NOT_FOUND', `No provider ${input.provider}`, {
      issues: [{ field: 'provider', message: 'unknown provider' }],
    });
  }
  const now = opts.now ?? new Date();
  await db.transaction().execute(async (trx) => {
    const row = await loadVisible(trx, actor, reference);
    checkVersion(row, version);
    if (!isOpen(row.state as CaseState))
      throw new AppError('CASE_NOT_OPEN', `${reference} is ${row.state}; only open cases can be transferred`);
    if (row.provider_code === input.provider) {
      throw new AppError('VALIDATION_FAILED', `${reference} is already with ${input.provider}`, {
        issues: [{ field: 'provider', message: 'is the current provider' }],
      });
    }
    await mustUpdate(trx, row, { provider_code: input.provider, team_id: null, assignee_user_id: null }, now);
    await closeSegment(trx, row.id, now, 'transferred');
    await openSegment(trx, row.id, input.provider, null, now, 'transferred');
    await appendCaseEvent(trx, {
      caseId: row.id,
      at: now,
      actorUserId: actor.id,
      type: 'transferred',
      before: { provider: row.provider_code },
      after: { provider: input.provider },
      details: { reason: input.reason },
    });
    await refreshCaseClocks(trx, row.id, now);
  });
  return summary(db, null, reference);
}

/**
 * Opens a child task of a case at another provider (e.g. an HR action at RSCE for a payroll case at KJSO).
 * The child has its own reference, segment and events, and shows in the parent's timeline.
 * @throws AppError CASE_NOT_FOUND, FORBIDDEN, CASE_NOT_OPEN, DIRECTORY_PROVIDER_NOT_FOUND, CATALOGUE_SERVICE_NOT_FOUND.
 */
export async function openChildTask(
  db: Db,
  actor: User,
  reference: string,
  input: { provider: string; service?: string | undefined; title: string; reason: string },
  opts: CaseOptions = {},
): Promise<CaseSummary> {
  requireWorkRole(actor);
  if (!(await providerExists(db, input.provider))) {
    throw new AppError('DIRECTORY_PROVIDER_NOT_FOUND', `No provider ${input.provider}`, {
      issues: [{ field: 'provider', message: 'unknown provider' }],
    });
  }
  const parent = await loadVisible(db, actor, reference);
  if (!isOpen(parent.state as CaseState))
    throw new AppError('CASE_NOT_OPEN', `${reference} is ${parent.state}; child tasks need an open case`);
  const serviceCode = input.service ?? parent.service_code;
  if (!(await findService(db, serviceCode))) {
    throw new AppError('CATALOGUE_SERVICE_NOT_FOUND', `No service ${serviceCode}`, {
      issues: [{ field: 'service', message: 'unknown service code' }],
    });
  }
  const now = opts.now ?? new Date();
  const child = await db.transaction().execute(async (trx) => {
    const c = await insertCase(trx, {
      parentCaseId: parent.id,
      entity: parent.entity_code,
      requesterUserId: parent.requester_user_id,
      service: serviceCode,
      title: input.title,
      fields: {},
      impact: parent.impact,
      urgency: parent.urgency,
      priority: parent.priority,
      state: 'new',
      provider: input.provider,
      routingReason: `Child task of ${parent.reference}: ${input.reason}`,
      at: now,
      source: 'child-task',
    });
    await appendCaseEvent(trx, {
      caseId: c.id,
      at: now,
      actorUserId: actor.id,
      type: 'created',
      after: { state: 'new', provider: input.provider, parent: parent.reference },
      details: { reason: input.reason },
    });
    await openSegment(trx, c.id, input.provider, null, now, 'child-task');
    await appendCaseEvent(trx, {
      caseId: parent.id,
      at: now,
      actorUserId: actor.id,
      type: 'child-task-opened',
      after: { child: c.reference, provider: input.provider },
      details: { reason: input.reason },
    });
    await touchParentCase(trx, parent.id, now);
    await refreshCaseClocks(trx, c.id, now);
    return c;
  });
  return summary(db, null, child.reference);
}

/**
 * Withdraws a child task that a case opened at another provider: the provider holding the parent (or a
 * Secretariat-wide coordinator) cancels the child, with a reason, while the child is still open (new, in
 * progress or awaiting the client). The child becomes `cancelled`, its provider's segment ends, and its
 * timeline says who withdrew it, from which parent and why (a `state-changed` event to cancelled whose
 * details carry `withdrawnBy: {parent, provider}` and the reason); the parent's timeline says so too
 * (`child-task-withdrawn`), and its `updated_at` moves without a new version. The child's assignee
 * is told by e-mail. The rule and why: docs/decisions/0027-child-task-withdrawal.md.
 * @param version the child's version as listed in the parent's view (its `children`).
 * @returns the child's summary after the change.
 * @throws AppError FORBIDDEN (not a work role), CASE_NOT_FOUND (the parent is not visible to the actor, or
 *   has no such child task), CASE_VERSION_CONFLICT (412: the child changed since it was read),
 *   CASE_NOT_OPEN (409: the child is resolved, closed, cancelled or merged), CASE_HAS_OPEN_CHILDREN (409:
 *   the child has open child tasks of its own).
 */
export async function withdrawChildTask(
  db: Db,
  actor: User,
  parentReference: string,
  childReference: string,
  version: number,
  reason: string,
  opts: CaseOptions = {},
): Promise<CaseSummary> {
  requireWorkRole(actor);
  const now = opts.now ?? new Date();
  await db.transaction().execute(async (trx) => {
    // the parent decides: only who sees (holds) the parent may withdraw its child tasks
    const parent = await loadVisible(trx, actor, parentReference);
    const child = await findCaseRow(trx, null, childReference);
    if (!child || child.parent_case_id !== parent.id) {
      throw new AppError('CASE_NOT_FOUND', `${parentReference} has no child task ${childReference}`);
    }
    checkVersion(child, version);
    if (!isOpen(child.state as CaseState)) {
      throw new AppError(
        'CASE_NOT_OPEN',
        `${childReference} is ${child.state}; only a child task that is new, in progress or awaiting the client can be withdrawn`,
        { details: { state: child.state } },
      );
    }
    const open = await findOpenChildren(trx, child.id);
    if (open.length) {
      throw new AppError(
        'CASE_HAS_OPEN_CHILDREN',
        `${childReference} has open child tasks of its own (${open.join(', ')}); they must be finished or withdrawn first`,
        { details: { children: open } },
      );
    }
    await mustUpdate(trx, child, { state: 'cancelled', closed_at: now }, now);
    await closeSegment(trx, child.id, now, 'cancelled');
    await appendCaseEvent(trx, {
      caseId: child.id,
      at: now,
      actorUserId: actor.id,
      // a state change as any other (the SLA clocks and reports read these), marked as a withdrawal
      type: 'state-changed',
      before: { state: child.state },
      after: { state: 'cancelled' },
      details: { reason, withdrawnBy: { parent: parent.reference, provider: parent.provider_code } },
    });
    await appendCaseEvent(trx, {
      caseId: parent.id,
      at: now,
      actorUserId: actor.id,
      type: 'child-task-withdrawn',
      before: { state: child.state },
      after: { child: child.reference, provider: child.provider_code },
      details: { reason },
    });
    await refreshCaseClocks(trx, child.id, now);
    if (child.assignee_user_id !== null && child.assignee_user_id !== actor.id) {
      for (const u of await findUsersByIds(trx, [child.assignee_user_id])) {
        await enqueueEmail(trx, {
          caseId: child.id,
          to: u.email,
          ...withdrawnEmail(u.locale, {
            child: child.reference,
            title: child.title,
            parent: parent.reference,
            by: parent.provider_code,
            reason,
          }),
          at: now,
        });
      }
    }
  });
  return summary(db, null, childReference);
}

/**
 * Merges a duplicate case into a primary one: the duplicate becomes `merged`, its segment ends, and later
 * messages on it go to the primary.
 * @throws AppError CASE_NOT_FOUND, FORBIDDEN, CASE_VERSION_CONFLICT, CASE_NOT_OPEN, VALIDATION_FAILED
 *   (itself, or another entity's case).
 */
export async function mergeCase(
  db: Db,
  actor: User,
  reference: string,
  version: number,
  into: string,
  opts: CaseOptions = {},
): Promise<CaseSummary> {
  requireWorkRole(actor);
  if (reference === into)
    throw new AppError('VALIDATION_FAILED', 'A case cannot be merged into itself', {
      issues: [{ field: 'into', message: 'is the same case' }],
    });
  const now = opts.now ?? new Date();
  await db.transaction().execute(async (trx) => {
    const row = await loadVisible(trx, actor, reference);
    const primary = await loadVisible(trx, actor, into);
    checkVersion(row, version);
    if (!isOpen(row.state as CaseState))
      throw new AppError('CASE_NOT_OPEN', `${reference} is ${row.state}; only open cases can be merged`);
    if (!isOpen(primary.state as CaseState))
      throw new AppError('CASE_NOT_OPEN', `${into} is ${primary.state}; merge into an open case`);
    if (row.requester_user_id !== primary.requester_user_id) {
      throw new AppError(
        'VALIDATION_FAILED',
        `${reference} and ${into} were asked by different people; each would lose sight of the other's case`,
        {
          issues: [{ field: 'into', message: 'another requester' }],
        },
      );
    }
    if (row.entity_code !== primary.entity_code) {
      throw new AppError('VALIDATION_FAILED', `${reference} and ${into} belong to different client entities`, {
        issues: [{ field: 'into', message: 'another entity' }],
      });
    }
    await mustUpdate(trx, row, { state: 'merged', merged_into_case_id: primary.id, closed_at: now }, now);
    await closeSegment(trx, row.id, now, 'merged');
    await appendCaseEvent(trx, {
      caseId: row.id,
      at: now,
      actorUserId: actor.id,
      type: 'merged',
      before: { state: row.state },
      after: { state: 'merged', into },
      details: {},
    });
    await appendCaseEvent(trx, {
      caseId: primary.id,
      at: now,
      actorUserId: actor.id,
      type: 'duplicate-merged',
      after: { duplicate: reference },
    });
    await refreshCaseClocks(trx, row.id, now);
  });
  return summary(db, null, reference);
}

/**
 * Assigns a case to an agent of its provider (or unassigns it with null), and optionally to a team.
 * @throws AppError CASE_NOT_FOUND, FORBIDDEN, CASE_VERSION_CONFLICT, VALIDATION_FAILED (the agent does not work for the provider).
 */
export async function assignCase(
  db: Db,
  actor: User,
  reference: string,
  version: number,
  input: { assignee: number | null; team?: number | null | undefined },
  opts: CaseOptions = {},
): Promise<CaseSummary> {
  requireWorkRole(actor);
  const now = opts.now ?? new Date();
  await db.transaction().execute(async (trx) => {
    const row = await loadVisible(trx, actor, reference);
    checkVersion(row, version);
    let assigneeName: string | null = null;
    if (input.assignee !== null) {
      const agent = await findUserScope(trx, input.assignee);
      assigneeName = agent?.name ?? null;
      if (!agent?.active || agent.provider_code !== row.provider_code) {
        throw new AppError(
          'VALIDATION_FAILED',
          `User ${input.assignee} is not an agent of ${row.provider_code ?? 'the coordination queue'}`,
          {
            issues: [{ field: 'assignee', message: "not an agent of the case's provider" }],
          },
        );
      }
    }
    if (input.team !== undefined && input.team !== null && !(await teamOfProvider(trx, input.team, row.provider_code))) {
      throw new AppError(
        'VALIDATION_FAILED',
        `Team ${input.team} is not a team of ${row.provider_code ?? 'the coordination queue'}`,
        {
          issues: [{ field: 'team', message: "not a team of the case's provider" }],
        },
      );
    }
    const set: Parameters<typeof updateCaseIfVersion>[3] = { assignee_user_id: input.assignee };
    if (input.team !== undefined) set.team_id = input.team;
    await mustUpdate(trx, row, set, now);
    await appendCaseEvent(trx, {
      caseId: row.id,
      at: now,
      actorUserId: actor.id,
      type: 'assigned',
      before: {
        assignee: row.assignee_user_id,
        assigneeName: row.assignee_user_id ? ((await findUserScope(trx, row.assignee_user_id))?.name ?? null) : null,
        team: row.team_id,
      },
      after: { assignee: input.assignee, assigneeName, team: input.team === undefined ? row.team_id : input.team },
    });
  });
  return summary(db, null, reference);
}

/**
 * Changes a case's impact and urgency, hence its priority, with a reason. Its SLA clocks take the targets
 * of the new priority's policy; elapsed and paused time carry over.
 * @throws AppError CASE_NOT_FOUND, FORBIDDEN, CASE_VERSION_CONFLICT, CASE_NOT_OPEN, VALIDATION_FAILED (no change).
 */
export async function reprioritizeCase(
  db: Db,
  actor: User,
  reference: string,
  version: number,
  input: { impact: 1 | 2 | 3; urgency: 1 | 2 | 3; reason: string },
  opts: CaseOptions = {},
): Promise<CaseSummary> {
  requireWorkRole(actor);
  const now = opts.now ?? new Date();
  await db.transaction().execute(async (trx) => {
    const row = await loadVisible(trx, actor, reference);
    checkVersion(row, version);
    if (!isOpen(row.state as CaseState))
      throw new AppError('CASE_NOT_OPEN', `${reference} is ${row.state}; only open cases can change priority`);
    if (row.impact === input.impact && row.urgency === input.urgency) {
      throw new AppError('VALIDATION_FAILED', `${reference} already has this impact and urgency`, {
        issues: [{ field: 'impact', message: 'unchanged' }],
      });
    }
    const priority = priorityOf(input.impact, input.urgency);
    await mustUpdate(trx, row, { impact: input.impact, urgency: input.urgency, priority }, now);
    await appendCaseEvent(trx, {
      caseId: row.id,
      at: now,
      actorUserId: actor.id,
      type: 'priority-changed',
      before: { priority: row.priority, impact: row.impact, urgency: row.urgency },
      after: { priority, impact: input.impact, urgency: input.urgency },
      details: { reason: input.reason },
    });
    await refreshCaseClocks(trx, row.id, now);
  });
  return summary(db, null, reference);
}

/**
 * Adds a public reply or an internal note. A message to a merged case goes to its primary. The case (and
 * its parent, for a child task) moves up "recently updated" (`updated_at`) without a new version
 * (`touchCase`). A client's reply to a case awaiting the client moves it back to in progress. `@handle` mentions (the local part
 * of an e-mail) notify those who can see the case.
 * @returns the reference of the case the message landed on.
 * @throws AppError CASE_NOT_FOUND, FORBIDDEN (internal note by a client), CASE_NOT_OPEN (cancelled case).
 */
export async function addMessage(
  db: Db,
  actor: User,
  reference: string,
  input: { body: string; visibility: 'public' | 'internal' },
  opts: CaseOptions = {},
): Promise<{ reference: string }> {
  if (actor.role === 'viewer') throw new AppError('FORBIDDEN', 'Viewers cannot write on cases');
  if (input.visibility === 'internal' && !STAFF_ROLES.has(actor.role))
    throw new AppError('FORBIDDEN', 'Only provider staff can write internal notes');
  const now = opts.now ?? new Date();
  let row = await loadVisible(db, actor, reference);
  const hops: string[] = [];
  while (row.state === 'merged' && row.merged_into_case_id && hops.length < 10) {
    hops.push(row.reference);
    const primary = await findCaseRowById(db, row.merged_into_case_id);
    if (!primary) break;
    row = primary;
  }
  if (row.state === 'cancelled') throw new AppError('CASE_NOT_OPEN', `${row.reference} is cancelled`);
  const handles = [...new Set([...input.body.matchAll(/@([a-z0-9._-]+)/gi)].map((m) => (m[1] as string).toLowerCase()))];
  const target = row;
  await db.transaction().execute(async (trx) => {
    const mentioned = (await findMentionedUsers(trx, handles)).filter(
      (u) =>
        (u.provider_code !== null && u.provider_code === target.provider_code) ||
        ['dos-coordinator', 'administrator'].includes(u.role),
    );
    const messageId = await insertMessage(trx, {
      caseId: target.id,
      authorUserId: actor.id,
      visibility: input.visibility,
      body: input.body,
      mentions: mentioned.map((u) => u.email),
      channel: 'web',
      at: now,
    });
    await appendCaseEvent(trx, {
      caseId: target.id,
      at: now,
      actorUserId: actor.id,
      type: input.visibility === 'internal' ? 'note-added' : 'reply-added',
      after: { message: messageId },
      details: hops.length ? { via: hops } : {},
    });
    // "recently updated" sees the message; the version stays (no 412 for someone editing the case)
    await touchCase(trx, target.id, now);
    const fresh = await findCaseRowById(trx, target.id);
    if (fresh && CLIENT_ROLES.has(actor.role) && fresh.state === 'awaiting-client') {
      await mustUpdate(trx, fresh, { state: 'in-progress' }, now);
      await appendCaseEvent(trx, {
        caseId: target.id,
        at: now,
        actorUserId: actor.id,
        type: 'state-changed',
        before: { state: 'awaiting-client' },
        after: { state: 'in-progress' },
        details: { reason: 'client replied' },
      });
    }
    await refreshCaseClocks(trx, target.id, now);
    const notify = new Map<string, string>();
    for (const u of mentioned) notify.set(u.email, messageNoticeSubject(u.locale, 'mention', target.reference));
    if (input.visibility === 'public') {
      const ids = [target.requester_user_id, target.assignee_user_id].filter((x): x is number => x !== null && x !== actor.id);
      for (const u of await findUsersByIds(trx, ids))
        notify.set(u.email, messageNoticeSubject(u.locale, 'reply', target.reference));
    }
    for (const [to, subject] of notify) {
      await enqueueEmail(trx, { caseId: target.id, to, subject, body: input.body, at: now });
    }
  });
  return { reference: target.reference };
}

/**
 * The whole case as `actor` may see it: summary, fields, child tasks, the timeline of the case and its
 * children, provider segments, and messages (internal notes only for work roles).
 * @throws AppError CASE_NOT_FOUND when it does not exist or is outside the actor's scope.
 */
export async function viewCase(db: Db, actor: User, reference: string): Promise<CaseView> {
  const work = STAFF_ROLES.has(actor.role) || actor.role === 'viewer';
  // One statement; client roles see neither internal notes nor that they exist (no note-added events),
  // nor the messages of child tasks (between providers).
  const found = await findCaseView(db, actor, reference, {
    internalNotes: STAFF_ROLES.has(actor.role),
    noteEvents: work,
    childMessages: work,
  });
  if (!found) throw notFound(reference);
  return {
    case: found.summary,
    fields: found.fields,
    children: found.children,
    timeline: found.timeline,
    segments: found.segments,
    messages: found.messages,
  };
}

/**
 * A page of the queue: the cases `actor` may see that match the filters (`q`: filters, page, size, sort),
 * with the number of matches capped at `COUNT_CAP` (`totalCapped`: more match, show "10,000+"). One
 * statement. The matches are counted in it unless `totals` holds a count for this user and these filters
 * from the last few seconds (queue-totals.ts: kept per user, role, scope and filters; dropped when the user
 * changes cases). A reused count never contradicts the page read now: a page that is not full gives the
 * exact number itself, and a page beyond the remembered number is counted again (a second statement).
 */
export async function listCases(db: Db, actor: User, q: CaseQuery, totals?: QueueTotalCache): Promise<QueuePage> {
  const key = totals && totals.ttlMs > 0 ? QueueTotalCache.keyOf(actor, q) : undefined;
  const known = totals && key !== undefined ? totals.recall(actor, key) : undefined;
  const reused = known?.n;
  let { items, counted } = await findCases(db, actor, q, reused === undefined);
  if (reused !== undefined) {
    const offset = offsetOf(q);
    const seen = offset + items.length;
    // A page that is not full ends the list: the exact number, fresh. Otherwise the remembered one, unless
    // the page shows it is out of date (more rows than it, or none where it promised some).
    if (items.length > 0 && items.length < q.pageSize) counted = seen;
    else if (reused < seen || (items.length === 0 && reused > offset)) ({ items, counted } = await findCases(db, actor, q, true));
    else counted = reused;
  } else if (totals && key !== undefined && known && counted !== undefined) {
    totals.remember(actor, key, counted, known.generation);
  }
  const n = counted as number;
  return { items, total: Math.min(n, COUNT_CAP), totalCapped: n > COUNT_CAP, page: q.page, pageSize: q.pageSize };
}

/**
 * A page of the queue (`listCases`): `items` are the cases' summaries (`CaseSummary`) as JSON texts, as
 * PostgreSQL wrote them (`findCases`), so that the server does not parse and re-serialise 50 of them.
 */
export interface QueuePage extends Page<string> {
  totalCapped: boolean;
}

/** The JSON body of a queue page (`pageOf(CaseSummarySchema)` with `totalCapped`), from its items' texts. */
export function queuePageJson(p: QueuePage): string {
  return `{"items":[${p.items.join(',')}],"total":${p.total},"totalCapped":${p.totalCapped},"page":${p.page},"pageSize":${p.pageSize}}`;
}

/**
 * Counts per state of the cases `actor` may see that match the filters (the state filter ignored), each
 * capped at `COUNT_CAP` (`capped`: the states that reached it, shown "10,000+"); states with none are left
 * out. The states not remembered in `totals` for this user and these filters (the same memory and rules
 * as the queue's total: the count of a state is the queue's total for that state) are counted in one
 * statement.
 */
export async function countCasesPerState(
  db: Db,
  actor: User,
  q: CaseQuery,
  totals?: QueueTotalCache,
): Promise<{ byState: Record<string, number>; capped: string[] }> {
  const use = totals && totals.ttlMs > 0 ? totals : undefined;
  const known = new Map<CaseState, number>();
  const missing: { state: CaseState; key: string; generation: number }[] = [];
  for (const state of CASE_STATES) {
    const key = QueueTotalCache.keyOf(actor, { ...q, state });
    const r = use ? use.recall(actor, key) : { n: undefined, generation: 0 };
    if (r.n === undefined) missing.push({ state, key, generation: r.generation });
    else known.set(state, r.n);
  }
  const counted = await countCasesByState(
    db,
    actor,
    q,
    missing.map((m) => m.state),
  );
  for (const m of missing) {
    const n = counted[m.state] ?? 0;
    known.set(m.state, n);
    use?.remember(actor, m.key, n, m.generation);
  }
  const byState: Record<string, number> = {};
  const capped: string[] = [];
  for (const state of CASE_STATES) {
    const n = known.get(state) ?? 0;
    if (n === 0) continue;
    byState[state] = Math.min(n, COUNT_CAP);
    if (n > COUNT_CAP) capped.push(state);
  }
  return { byState, capped };
}

export { summary as findVisibleCaseSummary };
