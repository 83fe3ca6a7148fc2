/**
 * The common service-level agreement (para 53): one versioned template, instantiated by an agreement between
 * one provider and one client entity, with annexes (services, standards linked to SLA policies, contacts,
 * term and review date; prices come from the provider's price lists). Lifecycle rules are in
 * agreement-lifecycle.ts; SQL in sla-agreements.repository.ts. Every change is one transaction with an
 * audit event.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';
import { AppError, type FieldIssue } from '../../server/errors.ts';
import { findService } from '../catalogue/catalogue.repository.ts';
import { findClientEntity, findProvider } from '../directory/directory.repository.ts';
import { appendAuditEvent } from '../identity/identity.repository.ts';
import type { User } from '../identity/identity.schema.ts';
import { refreshCaseClocks } from '../sla/clocks.service.ts';
import { allowedAgreementActions, isEditable, isPending, nextAgreementState } from './agreement-lifecycle.ts';
import { inScope, recordScopeOf } from './record-scope.ts';
import { todayUtc } from './routing.service.ts';
import {
  activeVersionsUsingPolicy,
  countAgreementsOfPair,
  findAgreementRow,
  findAgreements,
  findLiveAgreementsOfPair,
  findScopedPolicy,
  findTemplate,
  findVersions,
  insertAgreement,
  insertTemplateDraft,
  insertVersion,
  latestPublishedTemplate,
  listTemplates,
  markTemplatePublished,
  openCasesUsingPolicy,
  servicesOfferedBy,
  touchAgreement,
  updateTemplateSections,
  updateVersion,
  writeStandardPolicy,
} from './sla-agreements.repository.ts';
import type {
  Agreement,
  AgreementQuery,
  AgreementVersion,
  Annex,
  CreateAgreementInput,
  Template,
  TemplateInput,
  TransitionInput,
} from './sla-agreements.schema.ts';

type Db = Kysely<Database>;

const PAST: Record<TransitionInput['action'], string> = {
  submit: 'submitted',
  return: 'returned',
  sign: 'signed',
  activate: 'activated',
  expire: 'expired',
  terminate: 'terminated',
  withdraw: 'withdrawn',
};

/** Every template version, newest first. */
export async function templates(db: Db): Promise<Template[]> {
  return listTemplates(db);
}

/**
 * Starts a new draft version of the common template.
 * @throws AppError AGREEMENT_TEMPLATE_NOT_EDITABLE when a draft already exists (edit that one).
 */
export async function createTemplateDraft(db: Db, actor: User, input: TemplateInput, now = new Date()): Promise<Template> {
  return db.transaction().execute(async (trx) => {
    const all = await listTemplates(trx);
    const draft = all.find((t) => t.state === 'draft');
    if (draft) {
      throw new AppError(
        'AGREEMENT_TEMPLATE_NOT_EDITABLE',
        `Template version ${draft.version} is still a draft: edit or publish it`,
      );
    }
    const t = await insertTemplateDraft(trx, {
      sections: input.sections,
      note: input.note ?? null,
      createdBy: actor.id,
      at: now,
    });
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'agreements.template-drafted',
      targetType: 'agreement-template',
      targetId: String(t.version),
    });
    return t;
  });
}

/**
 * Replaces the sections of a draft template version.
 * @throws AppError AGREEMENT_TEMPLATE_NOT_FOUND, AGREEMENT_TEMPLATE_NOT_EDITABLE (published versions never change).
 */
export async function updateTemplateDraft(db: Db, actor: User, version: number, input: TemplateInput): Promise<Template> {
  return db.transaction().execute(async (trx) => {
    const t = await findTemplate(trx, version, true);
    if (!t) throw new AppError('AGREEMENT_TEMPLATE_NOT_FOUND', `No template version ${version}`);
    if (t.state !== 'draft') {
      throw new AppError(
        'AGREEMENT_TEMPLATE_NOT_EDITABLE',
        `Template version ${version} is published and cannot change; start a new version`,
      );
    }
    const out = await updateTemplateSections(trx, t.id, input.sections, input.note ?? t.note);
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'agreements.template-edited',
      targetType: 'agreement-template',
      targetId: String(version),
    });
    return out;
  });
}

/** Publishes a draft template version: new agreements use it from now on. @throws as updateTemplateDraft. */
export async function publishTemplate(db: Db, actor: User, version: number, now = new Date()): Promise<Template> {
  return db.transaction().execute(async (trx) => {
    const t = await findTemplate(trx, version, true);
    if (!t) throw new AppError('AGREEMENT_TEMPLATE_NOT_FOUND', `No template version ${version}`);
    if (t.state !== 'draft')
      throw new AppError('AGREEMENT_TEMPLATE_NOT_EDITABLE', `Template version ${version} is already published`);
    const out = await markTemplatePublished(trx, t.id, now);
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'agreements.template-published',
      targetType: 'agreement-template',
      targetId: String(version),
    });
    return out;
  });
}

/**
 * Checks an annex against the catalogue and the provider: every service exists and is offered by the
 * provider during the term (some assignment names the provider for it then), and every standard names a
 * covered service once per priority.
 * @throws AppError CATALOGUE_SERVICE_NOT_FOUND, AGREEMENT_SERVICE_NOT_OFFERED, VALIDATION_FAILED.
 */
export async function checkAnnex(db: Kysely<Database> | Transaction<Database>, provider: string, annex: Annex): Promise<void> {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  for (const [i, code] of annex.services.entries()) {
    if (seen.has(code)) issues.push({ field: `annex.services.${i}`, message: `${code} is listed twice` });
    seen.add(code);
  }
  if (issues.length) throw new AppError('VALIDATION_FAILED', 'The annex lists a service twice', { issues });
  for (const [i, code] of annex.services.entries()) {
    if (!(await findService(db, code))) {
      throw new AppError('CATALOGUE_SERVICE_NOT_FOUND', `No service ${code} in the catalogue`, {
        issues: [{ field: `annex.services.${i}`, message: 'unknown service code' }],
      });
    }
  }
  const from = annex.term?.from ?? '1900-01-01';
  const to = annex.term?.to ?? '2999-12-31';
  const offered = await servicesOfferedBy(db, provider, annex.services, from, to);
  const notOffered = annex.services.filter((s) => !offered.has(s));
  if (notOffered.length) {
    throw new AppError(
      'AGREEMENT_SERVICE_NOT_OFFERED',
      `${provider} does not offer ${notOffered.join(', ')}${annex.term ? ` between ${from} and ${to}` : ''}: no assignment names it as the provider of ${notOffered.length > 1 ? 'these services' : 'this service'}`,
      {
        issues: notOffered.map((s) => ({
          field: `annex.services.${annex.services.indexOf(s)}`,
          message: `${provider} does not offer ${s}`,
        })),
        details: { provider, services: notOffered },
      },
    );
  }
  const standardKeys = new Set<string>();
  for (const [i, st] of annex.standards.entries()) {
    if (!seen.has(st.service)) {
      issues.push({
        field: `annex.standards.${i}.service`,
        message: `${st.service} is not among the services covered (annex A)`,
      });
    }
    const key = `${st.service}/${st.priority ?? '*'}`;
    if (standardKeys.has(key)) issues.push({ field: `annex.standards.${i}.priority`, message: `a standard for ${key} repeats` });
    standardKeys.add(key);
  }
  if (annex.reviewDate && annex.term && (annex.reviewDate < annex.term.from || annex.reviewDate > annex.term.to)) {
    issues.push({ field: 'annex.reviewDate', message: 'the review date falls within the term' });
  }
  if (issues.length) throw new AppError('VALIDATION_FAILED', 'The annex has problems', { issues });
}

/** What an agreement needs before consultation: services, a term, a review date and a contact for each party. */
function checkComplete(annex: Annex): void {
  const issues: FieldIssue[] = [];
  if (annex.services.length === 0) issues.push({ field: 'annex.services', message: 'list at least one service (annex A)' });
  if (!annex.term) issues.push({ field: 'annex.term', message: 'give the term (from, to)' });
  if (!annex.reviewDate) issues.push({ field: 'annex.reviewDate', message: 'give the review date' });
  for (const party of ['provider', 'client'] as const) {
    if (!annex.contacts.some((c) => c.party === party)) {
      issues.push({ field: 'annex.contacts', message: `name a contact for the ${party} (annex D)` });
    }
  }
  if (issues.length) {
    throw new AppError('AGREEMENT_INCOMPLETE', `The agreement is not complete: ${issues.map((i) => i.message).join('; ')}`, {
      issues,
    });
  }
}

/**
 * Reads an agreement with all its versions, if `viewer` may see it.
 * @throws AppError AGREEMENT_NOT_FOUND (also for agreements outside the viewer's provider or entity).
 */
export async function getAgreement(db: Db, viewer: User, id: number): Promise<Agreement> {
  const row = await findAgreementRow(db, id);
  if (!row || !inScope(recordScopeOf(viewer), row.provider, row.entity)) {
    throw new AppError('AGREEMENT_NOT_FOUND', `No agreement ${id}`);
  }
  const page = await findAgreements(db, {}, { page: 1, pageSize: 1, order: 'desc' }, id);
  const summary = page.items[0];
  if (!summary) throw new AppError('INTERNAL', `Agreement ${id} has no version`);
  return { ...summary, versions: await findVersions(db, id) };
}

/** Agreements the viewer may see. */
export async function listAgreements(db: Db, viewer: User, q: AgreementQuery) {
  return findAgreements(db, recordScopeOf(viewer), q);
}

/**
 * Drafts an agreement between a provider and a client entity on the newest published template (version 1
 * of the agreement, state draft).
 * @throws AppError DIRECTORY_PROVIDER_NOT_FOUND, DIRECTORY_ENTITY_NOT_FOUND, VALIDATION_FAILED (a live
 *   agreement between them exists: amend it), and the annex errors of `checkAnnex`.
 */
export async function createAgreement(db: Db, actor: User, input: CreateAgreementInput, now = new Date()): Promise<Agreement> {
  const [provider, entity] = await Promise.all([findProvider(db, input.provider), findClientEntity(db, input.entity)]);
  if (!provider) {
    throw new AppError('DIRECTORY_PROVIDER_NOT_FOUND', `No provider ${input.provider}`, {
      issues: [{ field: 'provider', message: 'unknown provider' }],
    });
  }
  if (!entity) {
    throw new AppError('DIRECTORY_ENTITY_NOT_FOUND', `No client entity ${input.entity}`, {
      issues: [{ field: 'entity', message: 'unknown client entity' }],
    });
  }
  await checkAnnex(db, provider.code, input.annex);
  const id = await db.transaction().execute(async (trx) => {
    const live = await findLiveAgreementsOfPair(trx, provider.code, entity.code);
    if (live.length) {
      throw new AppError(
        'VALIDATION_FAILED',
        `${provider.code} and ${entity.code} already have agreement ${live[0]}: amend it instead of starting another`,
        { issues: [{ field: 'entity', message: `agreement ${live[0]} exists` }] },
      );
    }
    const template = await latestPublishedTemplate(trx);
    if (!template) throw new AppError('AGREEMENT_TEMPLATE_NOT_FOUND', 'No published SLA template');
    const n = (await countAgreementsOfPair(trx, provider.code, entity.code)) + 1;
    const reference = `SLA-${provider.code}-${entity.code}-${n}`;
    const agreementId = await insertAgreement(trx, {
      reference,
      provider: provider.code,
      entity: entity.code,
      title: input.title ?? `${provider.name.en} – ${entity.name.en}`,
      createdBy: actor.id,
      at: now,
    });
    await insertVersion(trx, {
      agreementId,
      version: 1,
      templateId: template.id,
      annex: input.annex,
      amendmentNote: null,
      createdBy: actor.id,
      at: now,
    });
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'agreements.created',
      targetType: 'agreement',
      targetId: reference,
      details: { provider: provider.code, entity: entity.code, templateVersion: template.version },
    });
    return agreementId;
  });
  return getAgreement(db, actor, id);
}

function versionOf(versions: AgreementVersion[], id: number, version: number): AgreementVersion {
  const v = versions.find((x) => x.version === version);
  if (!v) throw new AppError('AGREEMENT_NOT_FOUND', `Agreement ${id} has no version ${version}`);
  return v;
}

/**
 * Replaces the annex of a draft version.
 * @throws AppError AGREEMENT_NOT_FOUND, AGREEMENT_NOT_EDITABLE (not a draft), and the annex errors.
 */
export async function updateDraftAnnex(
  db: Db,
  actor: User,
  id: number,
  version: number,
  annex: Annex,
  now = new Date(),
): Promise<Agreement> {
  const row = await findAgreementRow(db, id);
  if (!row) throw new AppError('AGREEMENT_NOT_FOUND', `No agreement ${id}`);
  await checkAnnex(db, row.provider, annex);
  await db.transaction().execute(async (trx) => {
    await findAgreementRow(trx, id, true);
    const v = versionOf(await findVersions(trx, id), id, version);
    if (!isEditable(v.state)) {
      throw new AppError(
        'AGREEMENT_NOT_EDITABLE',
        `Version ${version} of ${row.reference} is ${v.state}: only a draft can change`,
      );
    }
    await updateVersion(trx, v.id, { annex, at: now });
    await touchAgreement(trx, id, now);
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'agreements.annex-edited',
      targetType: 'agreement',
      targetId: row.reference,
      details: { version },
    });
  });
  return getAgreement(db, actor, id);
}

/**
 * Starts an amendment: a new draft version copying the annex of the version in force (which stays in force
 * and readable until the amendment is activated), on the newest published template.
 * @throws AppError AGREEMENT_NOT_FOUND, AGREEMENT_TRANSITION_REFUSED (no version in force, or an amendment is open).
 */
export async function amendAgreement(db: Db, actor: User, id: number, note: string, now = new Date()): Promise<Agreement> {
  await db.transaction().execute(async (trx) => {
    const row = await findAgreementRow(trx, id, true);
    if (!row) throw new AppError('AGREEMENT_NOT_FOUND', `No agreement ${id}`);
    const versions = await findVersions(trx, id);
    const pending = versions.find((v) => isPending(v.state));
    if (pending) {
      throw new AppError(
        'AGREEMENT_TRANSITION_REFUSED',
        `Version ${pending.version} of ${row.reference} is still ${pending.state}: finish or withdraw it before another amendment`,
      );
    }
    const active = versions.find((v) => v.state === 'active');
    if (!active) throw new AppError('AGREEMENT_TRANSITION_REFUSED', `${row.reference} has no version in force to amend`);
    const template = await latestPublishedTemplate(trx);
    if (!template) throw new AppError('AGREEMENT_TEMPLATE_NOT_FOUND', 'No published SLA template');
    const version = Math.max(...versions.map((v) => v.version)) + 1;
    await insertVersion(trx, {
      agreementId: id,
      version,
      templateId: template.id,
      annex: active.annex,
      amendmentNote: note,
      createdBy: actor.id,
      at: now,
    });
    await touchAgreement(trx, id, now);
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'agreements.amendment-started',
      targetType: 'agreement',
      targetId: row.reference,
      details: { version, note },
    });
  });
  return getAgreement(db, actor, id);
}

/**
 * Writes the standards of annex B to SLA policies of the provider (one per service and priority): creates
 * the policy, or updates its targets when no other active agreement relies on it. Open cases using an
 * updated policy have their clocks re-derived at once.
 * @returns the policy ids, in the order of the standards.
 * @throws AppError AGREEMENT_STANDARD_CONFLICT when another active agreement of the provider set other targets.
 */
async function writeStandards(
  trx: Transaction<Database>,
  actor: User,
  agreement: { id: number; reference: string; provider: string },
  version: number,
  annex: Annex,
  now: Date,
): Promise<number[]> {
  const ids: number[] = [];
  for (const [i, st] of annex.standards.entries()) {
    const cur = await findScopedPolicy(trx, agreement.provider, st.service, st.priority);
    const same =
      cur && cur.first_response === st.firstResponse && cur.next_response === st.nextResponse && cur.resolution === st.resolution;
    if (cur && same) {
      ids.push(cur.id);
      continue;
    }
    if (cur) {
      const others = await activeVersionsUsingPolicy(trx, cur.id, agreement.id);
      if (others.length) {
        throw new AppError(
          'AGREEMENT_STANDARD_CONFLICT',
          `Standard ${i + 1} (${st.service}${st.priority ? ` ${st.priority}` : ''}) sets other targets than ${others.join(', ')}, which ${agreement.provider} already applies: one SLA model per provider and service (para 53)`,
          { issues: [{ field: `annex.standards.${i}`, message: `conflicts with ${others.join(', ')}` }] },
        );
      }
    }
    const id = await writeStandardPolicy(trx, {
      id: cur?.id ?? null,
      provider: agreement.provider,
      service: st.service,
      priority: st.priority,
      firstResponse: st.firstResponse,
      nextResponse: st.nextResponse,
      resolution: st.resolution,
      basis: `agreement ${agreement.reference} v${version}, annex B (para 53)`,
      actorUserId: actor.id,
      at: now,
    });
    ids.push(id);
    if (cur) {
      for (const caseId of await openCasesUsingPolicy(trx, id)) await refreshCaseClocks(trx, caseId, now);
    }
  }
  return ids;
}

/**
 * Moves a version of an agreement through its lifecycle (see agreement-lifecycle.ts). `submit` needs a
 * complete annex whose services the provider offers; `sign` the signatories; `activate` writes the
 * standards to SLA policies and supersedes the version in force (from the new version's first day);
 * `expire` and `terminate` end the version in force on a date (terminate needs a reason).
 * @throws AppError AGREEMENT_NOT_FOUND, AGREEMENT_TRANSITION_REFUSED, AGREEMENT_INCOMPLETE,
 *   AGREEMENT_SERVICE_NOT_OFFERED, AGREEMENT_STANDARD_CONFLICT, VALIDATION_FAILED.
 */
export async function transitionAgreement(
  db: Db,
  actor: User,
  id: number,
  input: TransitionInput,
  now = new Date(),
): Promise<Agreement> {
  await db.transaction().execute(async (trx) => {
    const row = await findAgreementRow(trx, id, true);
    if (!row) throw new AppError('AGREEMENT_NOT_FOUND', `No agreement ${id}`);
    const versions = await findVersions(trx, id);
    const v = versionOf(versions, id, input.version);
    const to = nextAgreementState(v.state, input.action);
    if (!to) {
      throw new AppError(
        'AGREEMENT_TRANSITION_REFUSED',
        `Version ${v.version} of ${row.reference} is ${v.state}: it cannot be ${PAST[input.action]} (allowed: ${allowedAgreementActions(v.state).join(', ') || 'nothing'})`,
        { details: { state: v.state, action: input.action } },
      );
    }
    const patch: Parameters<typeof updateVersion>[2] = { state: to, at: now };
    const today = todayUtc(now);
    if (input.action === 'submit') {
      checkComplete(v.annex);
      await checkAnnex(trx, row.provider, v.annex);
    }
    if (input.action === 'sign') {
      if (!input.signatories) {
        throw new AppError('VALIDATION_FAILED', 'Name who signed for the provider and for the client', {
          issues: [{ field: 'signatories', message: 'is required to sign' }],
        });
      }
      patch.signedBy = input.signatories;
      patch.signedAt = now;
    }
    if (input.action === 'activate') {
      const term = v.annex.term;
      if (!term)
        throw new AppError('AGREEMENT_INCOMPLETE', 'The agreement has no term', {
          issues: [{ field: 'annex.term', message: 'missing' }],
        });
      const from = input.date ?? ([term.from, today].sort()[1] as string);
      if (from < term.from || from >= term.to) {
        throw new AppError(
          'VALIDATION_FAILED',
          `The first day in force (${from}) must fall within the term ${term.from} to ${term.to}`,
          {
            issues: [{ field: 'date', message: 'outside the term' }],
          },
        );
      }
      const previous = versions.find((x) => x.state === 'active');
      if (previous) {
        if (previous.effectiveFrom && from <= previous.effectiveFrom) {
          throw new AppError(
            'VALIDATION_FAILED',
            `The amendment must take effect after version ${previous.version} did (${previous.effectiveFrom})`,
            { issues: [{ field: 'date', message: `after ${previous.effectiveFrom}` }] },
          );
        }
        await updateVersion(trx, previous.id, { state: 'superseded', effectiveTo: from, at: now });
      }
      patch.effectiveFrom = from;
      patch.effectiveTo = term.to;
      patch.policyIds = await writeStandards(trx, actor, row, v.version, v.annex, now);
    }
    if (input.action === 'expire' || input.action === 'terminate') {
      if (input.action === 'terminate' && !input.reason) {
        throw new AppError('VALIDATION_FAILED', 'Give the reason for terminating the agreement', {
          issues: [{ field: 'reason', message: 'is required to terminate' }],
        });
      }
      const end = input.date ?? (input.action === 'expire' ? (v.annex.term?.to ?? today) : today);
      if (v.effectiveFrom && end < v.effectiveFrom) {
        throw new AppError('VALIDATION_FAILED', `The end (${end}) falls before the version took effect (${v.effectiveFrom})`, {
          issues: [{ field: 'date', message: 'before the start' }],
        });
      }
      patch.effectiveTo = end;
    }
    await updateVersion(trx, v.id, patch);
    await touchAgreement(trx, id, now);
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: `agreements.${input.action}`,
      targetType: 'agreement',
      targetId: row.reference,
      details: {
        version: v.version,
        from: v.state,
        to,
        ...(input.date ? { date: input.date } : {}),
        ...(input.reason ? { reason: input.reason } : {}),
      },
    });
  });
  return getAgreement(db, actor, id);
}
