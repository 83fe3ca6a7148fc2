/**
 * All SQL of the common SLA template and of agreements with their versions. Dates are `YYYY-MM-DD`; a
 * version's period in force is [effective_from, effective_to).
 */
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { fromJson } from '../../db/sql-helpers.ts';
import type { AgreementTemplateTable, AgreementVersionTable, Database } from '../../db/types.ts';
import { offsetOf, type Page } from '../../server/pagination.ts';
import { type RecordScope, scopeWhere } from './record-scope.ts';
import type {
  AgreementQuery,
  AgreementSummary,
  AgreementVersion,
  AgreementVersionState,
  Annex,
  Template,
  TemplateSection,
} from './sla-agreements.schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

function toTemplate(r: Selectable<AgreementTemplateTable>): Template {
  return {
    id: r.id,
    version: r.version,
    state: r.state,
    sections: fromJson<TemplateSection[]>(r.sections),
    note: r.note,
    createdAt: new Date(r.created_at).toISOString(),
    publishedAt: iso(r.published_at),
  };
}

/** Every template version, newest first. */
export async function listTemplates(db: Db): Promise<Template[]> {
  const rows = await db.selectFrom('agreement_templates').selectAll().orderBy('version', 'desc').execute();
  return rows.map(toTemplate);
}

/** One template version (by version number), or undefined. */
export async function findTemplate(db: Db, version: number, forUpdate = false): Promise<Template | undefined> {
  let q = db.selectFrom('agreement_templates').selectAll().where('version', '=', version);
  if (forUpdate) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r ? toTemplate(r) : undefined;
}

/** A template by id (the id agreement versions store). */
export async function findTemplateById(db: Db, id: number): Promise<Template | undefined> {
  const r = await db.selectFrom('agreement_templates').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toTemplate(r) : undefined;
}

/** The newest published template version, or undefined. */
export async function latestPublishedTemplate(db: Db): Promise<Template | undefined> {
  const r = await db
    .selectFrom('agreement_templates')
    .selectAll()
    .where('state', '=', 'published')
    .orderBy('version', 'desc')
    .executeTakeFirst();
  return r ? toTemplate(r) : undefined;
}

/** Inserts a draft template version numbered after the newest. */
export async function insertTemplateDraft(
  db: Db,
  input: { sections: TemplateSection[]; note: string | null; createdBy: number; at: Date },
): Promise<Template> {
  const max = await db
    .selectFrom('agreement_templates')
    .select(sql<number>`coalesce(max(version), 0)`.as('v'))
    .executeTakeFirstOrThrow();
  const r = await db
    .insertInto('agreement_templates')
    .values({
      version: Number(max.v) + 1,
      state: 'draft',
      sections: JSON.stringify(input.sections),
      note: input.note,
      created_by: input.createdBy,
      created_at: input.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toTemplate(r);
}

/** Replaces a template version's sections (and note). */
export async function updateTemplateSections(
  db: Db,
  id: number,
  sections: TemplateSection[],
  note: string | null,
): Promise<Template> {
  const r = await db
    .updateTable('agreement_templates')
    .set({ sections: JSON.stringify(sections), note })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toTemplate(r);
}

/** Marks a template version published at `at`. */
export async function markTemplatePublished(db: Db, id: number, at: Date): Promise<Template> {
  const r = await db
    .updateTable('agreement_templates')
    .set({ state: 'published', published_at: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toTemplate(r);
}

/** Inserts an agreement (without versions). */
export async function insertAgreement(
  db: Db,
  a: { reference: string; provider: string; entity: string; title: string; createdBy: number; at: Date },
): Promise<number> {
  const r = await db
    .insertInto('agreements')
    .values({
      reference: a.reference,
      provider_code: a.provider,
      entity_code: a.entity,
      title: a.title,
      created_by: a.createdBy,
      created_at: a.at,
      updated_at: a.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** How many agreements exist between `provider` and `entity` (for numbering references). */
export async function countAgreementsOfPair(db: Db, provider: string, entity: string): Promise<number> {
  const r = await db
    .selectFrom('agreements')
    .select(db.fn.countAll<string>().as('n'))
    .where('provider_code', '=', provider)
    .where('entity_code', '=', entity)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Agreements between `provider` and `entity` whose latest version is not ended (expired, terminated, withdrawn). */
export async function findLiveAgreementsOfPair(db: Db, provider: string, entity: string): Promise<string[]> {
  const rows = await db
    .selectFrom('agreements as a')
    .select('a.reference')
    .where('a.provider_code', '=', provider)
    .where('a.entity_code', '=', entity)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('agreement_versions as v')
          .select('v.id')
          .whereRef('v.agreement_id', '=', 'a.id')
          .where('v.state', 'in', ['draft', 'in-consultation', 'signed', 'active']),
      ),
    )
    .execute();
  return rows.map((r) => r.reference);
}

/** Touches an agreement's `updated_at`. */
export async function touchAgreement(db: Db, id: number, at: Date): Promise<void> {
  await db.updateTable('agreements').set({ updated_at: at }).where('id', '=', id).execute();
}

export interface AgreementRow {
  id: number;
  reference: string;
  provider: string;
  entity: string;
  title: string;
}

/** An agreement's own row (locked with `forUpdate` inside a transaction), or undefined. */
export async function findAgreementRow(db: Db, id: number, forUpdate = false): Promise<AgreementRow | undefined> {
  let q = db.selectFrom('agreements').select(['id', 'reference', 'provider_code', 'entity_code', 'title']).where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r ? { id: r.id, reference: r.reference, provider: r.provider_code, entity: r.entity_code, title: r.title } : undefined;
}

function toVersion(r: Selectable<AgreementVersionTable> & { template_version: number }): AgreementVersion {
  return {
    id: r.id,
    version: r.version,
    templateVersion: r.template_version,
    state: r.state as AgreementVersionState,
    annex: fromJson<Annex>(r.annex),
    amendmentNote: r.amendment_note,
    effectiveFrom: r.effective_from,
    effectiveTo: r.effective_to,
    signedBy: r.signed_by ? fromJson<{ provider: string; client: string }>(r.signed_by) : null,
    signedAt: iso(r.signed_at),
    policyIds: fromJson<number[]>(r.policy_ids),
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** The versions of an agreement, oldest first. */
export async function findVersions(db: Db, agreementId: number): Promise<AgreementVersion[]> {
  const rows = await db
    .selectFrom('agreement_versions as v')
    .innerJoin('agreement_templates as t', 't.id', 'v.template_id')
    .selectAll('v')
    .select('t.version as template_version')
    .where('v.agreement_id', '=', agreementId)
    .orderBy('v.version')
    .execute();
  return rows.map(toVersion);
}

/** Inserts a version of an agreement. */
export async function insertVersion(
  db: Db,
  v: {
    agreementId: number;
    version: number;
    templateId: number;
    annex: Annex;
    amendmentNote: string | null;
    createdBy: number;
    at: Date;
  },
): Promise<void> {
  await db
    .insertInto('agreement_versions')
    .values({
      agreement_id: v.agreementId,
      version: v.version,
      template_id: v.templateId,
      state: 'draft',
      annex: JSON.stringify(v.annex),
      amendment_note: v.amendmentNote,
      created_by: v.createdBy,
      created_at: v.at,
      updated_at: v.at,
    })
    .execute();
}

/** Updates a version's fields. */
export async function updateVersion(
  db: Db,
  id: number,
  patch: {
    state?: AgreementVersionState;
    annex?: Annex;
    effectiveFrom?: string | null;
    effectiveTo?: string | null;
    signedBy?: { provider: string; client: string };
    signedAt?: Date;
    policyIds?: number[];
    at: Date;
  },
): Promise<void> {
  await db
    .updateTable('agreement_versions')
    .set({
      updated_at: patch.at,
      ...(patch.state !== undefined ? { state: patch.state } : {}),
      ...(patch.annex !== undefined ? { annex: JSON.stringify(patch.annex) } : {}),
      ...(patch.effectiveFrom !== undefined ? { effective_from: patch.effectiveFrom } : {}),
      ...(patch.effectiveTo !== undefined ? { effective_to: patch.effectiveTo } : {}),
      ...(patch.signedBy !== undefined ? { signed_by: JSON.stringify(patch.signedBy) } : {}),
      ...(patch.signedAt !== undefined ? { signed_at: patch.signedAt } : {}),
      ...(patch.policyIds !== undefined ? { policy_ids: JSON.stringify(patch.policyIds) } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Agreements visible in `scope`, filtered and paginated, each with the state of its version in force (or
 * of its latest version when none is in force).
 */
export async function findAgreements(
  db: Db,
  scope: RecordScope,
  q: AgreementQuery,
  onlyId?: number,
): Promise<Page<AgreementSummary>> {
  let query = db
    .selectFrom('agreements as a')
    .innerJoin('providers as p', 'p.code', 'a.provider_code')
    .innerJoin('client_entities as e', 'e.code', 'a.entity_code')
    .innerJoin(
      (eb) =>
        eb
          .selectFrom('agreement_versions')
          .select([
            'agreement_id',
            sql<number>`max(version)`.as('latest'),
            sql<number | null>`max(version) filter (where state = 'active')`.as('in_force'),
          ])
          .groupBy('agreement_id')
          .as('agg'),
      (join) => join.onRef('agg.agreement_id', '=', 'a.id'),
    )
    .innerJoin('agreement_versions as lv', (join) =>
      join.onRef('lv.agreement_id', '=', 'a.id').on(sql<boolean>`lv.version = coalesce(agg.in_force, agg.latest)`),
    )
    .innerJoin('agreement_versions as latest', (join) =>
      join.onRef('latest.agreement_id', '=', 'a.id').onRef('latest.version', '=', 'agg.latest'),
    )
    .where(scopeWhere(scope, 'a.provider_code', 'a.entity_code'));
  if (onlyId !== undefined) query = query.where('a.id', '=', onlyId);
  if (q.provider) query = query.where('a.provider_code', '=', q.provider);
  if (q.entity) query = query.where('a.entity_code', '=', q.entity);
  if (q.state) query = query.where('lv.state', '=', q.state);
  if (q.q) {
    const term = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([eb('a.reference', 'ilike', term), eb('a.title', 'ilike', term), eb('a.entity_code', 'ilike', term)]),
    );
  }
  const total = await query.select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const rows = await query
    .select([
      'a.id',
      'a.reference',
      'a.title',
      'a.updated_at',
      'p.code as p_code',
      'p.name as p_name',
      'e.code as e_code',
      'e.name as e_name',
      'lv.state',
      'lv.annex',
      'agg.latest',
      'agg.in_force',
      'latest.state as latest_state',
    ])
    .orderBy('a.updated_at', q.order === 'asc' ? 'asc' : 'desc')
    .orderBy('a.id', 'desc')
    .limit(q.pageSize)
    .offset(offsetOf(q))
    .execute();
  return {
    items: rows.map((r) => {
      const annex = fromJson<Annex>(r.annex);
      return {
        id: r.id,
        reference: r.reference,
        title: r.title,
        provider: { code: r.p_code, name: fromJson(r.p_name) },
        entity: { code: r.e_code, name: fromJson(r.e_name) },
        state: r.state as AgreementVersionState,
        latestVersion: Number(r.latest),
        latestState: r.latest_state as AgreementVersionState,
        versionInForce: r.in_force === null ? null : Number(r.in_force),
        services: annex.services,
        reviewDate: annex.reviewDate,
        updatedAt: new Date(r.updated_at).toISOString(),
      };
    }),
    total: Number(total.n),
    page: q.page,
    pageSize: q.pageSize,
  };
}

/**
 * The services among `services` for which some assignment names `provider` in force at some time during
 * [from, to) — what "the provider offers the service" means for agreements (decision 0014).
 */
export async function servicesOfferedBy(
  db: Db,
  provider: string,
  services: string[],
  from: string,
  to: string,
): Promise<Set<string>> {
  if (services.length === 0) return new Set();
  const rows = await db
    .selectFrom('assignments')
    .select('service_code')
    .distinct()
    .where('provider_code', '=', provider)
    .where('service_code', 'in', services)
    .where('effective_from', '<', to)
    .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>', from)]))
    .execute();
  return new Set(rows.map((r) => r.service_code));
}

/** The active SLA policy of exactly (provider, service, priority), or undefined. */
export async function findScopedPolicy(db: Db, provider: string, service: string, priority: string | null) {
  let q = db
    .selectFrom('sla_policies')
    .select(['id', 'first_response', 'next_response', 'resolution', 'version'])
    .where('active', '=', true)
    .where('provider_code', '=', provider)
    .where('service_code', '=', service);
  q = priority === null ? q.where('priority', 'is', null) : q.where('priority', '=', priority);
  return q.forUpdate().executeTakeFirst();
}

/** Writes an agreement standard's targets to an SLA policy: updates `id` (new version) or inserts one. */
export async function writeStandardPolicy(
  db: Db,
  p: {
    id: number | null;
    provider: string;
    service: string;
    priority: string | null;
    firstResponse: string | null;
    nextResponse: string | null;
    resolution: string | null;
    basis: string;
    actorUserId: number;
    at: Date;
  },
): Promise<number> {
  const targets = {
    first_response: p.firstResponse,
    next_response: p.nextResponse,
    resolution: p.resolution,
    basis: p.basis,
    updated_by: p.actorUserId,
    updated_at: p.at,
  };
  if (p.id !== null) {
    await db
      .updateTable('sla_policies')
      .set((eb) => ({ ...targets, version: eb('version', '+', 1) }))
      .where('id', '=', p.id)
      .execute();
    return p.id;
  }
  const r = await db
    .insertInto('sla_policies')
    .values({ provider_code: p.provider, service_code: p.service, priority: p.priority, ...targets })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Active agreement versions (other than of `exceptAgreementId`) whose standards were written to `policyId`. */
export async function activeVersionsUsingPolicy(db: Db, policyId: number, exceptAgreementId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('agreement_versions as v')
    .innerJoin('agreements as a', 'a.id', 'v.agreement_id')
    .select(['a.reference', 'v.version'])
    .where('v.state', '=', 'active')
    .where('v.agreement_id', '<>', exceptAgreementId)
    .where(sql<boolean>`v.policy_ids @> ${JSON.stringify([policyId])}::jsonb`)
    .execute();
  return rows.map((r) => `${r.reference} v${r.version}`);
}

/** Open cases whose clocks use `policyId` (to re-derive their clocks after the policy changed). */
export async function openCasesUsingPolicy(db: Db, policyId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('case_sla_clocks')
    .select('case_id')
    .distinct()
    .where('policy_id', '=', policyId)
    .where('state', 'in', ['running', 'paused'])
    .execute();
  return rows.map((r) => String(r.case_id));
}

/** A version in force between `provider` and `entity` on `on`, with its agreement, for billing credits. */
export interface VersionInForce {
  agreementId: number;
  reference: string;
  versionId: number;
  version: number;
  annex: Annex;
}

/**
 * Every agreement version of `provider`s that was in force on some day of [from, to), with its period —
 * the billing run picks the one in force on each case's resolution date.
 */
export async function findVersionsInForceDuring(
  db: Db,
  from: string,
  to: string,
): Promise<Array<VersionInForce & { provider: string; entity: string; effectiveFrom: string; effectiveTo: string | null }>> {
  const rows = await db
    .selectFrom('agreement_versions as v')
    .innerJoin('agreements as a', 'a.id', 'v.agreement_id')
    .select([
      'a.id as agreement_id',
      'a.reference',
      'a.provider_code',
      'a.entity_code',
      'v.id',
      'v.version',
      'v.annex',
      'v.effective_from',
      'v.effective_to',
    ])
    .where('v.effective_from', 'is not', null)
    .where('v.effective_from', '<', to)
    .where((eb) => eb.or([eb('v.effective_to', 'is', null), eb('v.effective_to', '>', from)]))
    .where('v.state', 'in', ['active', 'superseded', 'expired', 'terminated'])
    .orderBy('v.effective_from')
    .execute();
  return rows.map((r) => ({
    agreementId: r.agreement_id,
    reference: r.reference,
    provider: r.provider_code,
    entity: r.entity_code,
    versionId: r.id,
    version: r.version,
    annex: fromJson<Annex>(r.annex),
    effectiveFrom: r.effective_from as string,
    effectiveTo: r.effective_to,
  }));
}
