/**
 * All SQL of the surveys: templates, transactional invitations, campaigns and their targets, responses and
 * comments, and the aggregates behind the results. Survey tables are typed here (`SurveyTables`, added to
 * the query builder with `withTables`) beside migration 20261129T1800-surveys.
 * Every read of results takes the viewer's scope (`SurveyScope`), so that figures, counts and comments obey
 * the same rule: a provider's staff see their provider's, a focal point their entity's, Secretariat-wide all.
 */
import { type ColumnType, type Generated, type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { fromJson } from '../../db/sql-helpers.ts';
import type { Database } from '../../db/types.ts';
import type { Answers, GroupBy, TemplateContent } from './surveys.schema.ts';

type Ts = ColumnType<Date, Date | string, Date | string>;
type TsNull = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type JsonCol<T> = ColumnType<T, string, string>;

/** Table types of the surveys (migration 20261129T1800-surveys). */
export type SurveyTables = {
  survey_templates: {
    id: Generated<number>;
    code: string;
    version: number;
    status: 'draft' | 'published' | 'retired';
    title: JsonCol<Record<string, string>>;
    intro: JsonCol<Record<string, string>>;
    questions: JsonCol<TemplateContent['questions']>;
    created_at: Generated<Date>;
    created_by: number | null;
    published_at: TsNull;
  };
  survey_invitations: {
    id: Generated<string>;
    case_id: string;
    template_id: number;
    user_id: number;
    provider_code: string | null;
    service_code: string;
    entity_code: string;
    status: 'sent' | 'throttled' | 'answered';
    token_hash: string | null;
    expires_at: TsNull;
    created_at: Ts;
    answered_at: TsNull;
  };
  survey_campaigns: {
    id: Generated<number>;
    name: string;
    template_id: number;
    anonymous: boolean;
    status: 'draft' | 'open' | 'closed';
    period_start: ColumnType<string, string, string>;
    period_end: ColumnType<string, string, string>;
    closes_at: Ts;
    reminder_interval_days: number | null;
    target_entities: JsonCol<string[]>;
    created_by: number | null;
    created_at: Ts;
    launched_at: TsNull;
    last_reminder_at: TsNull;
    closed_at: TsNull;
  };
  survey_campaign_targets: {
    id: Generated<string>;
    campaign_id: number;
    user_id: number;
    entity_code: string;
    provider_code: string;
    token_hash: string | null;
    responded: Generated<boolean>;
    reminders_sent: Generated<number>;
  };
  survey_responses: {
    id: Generated<string>;
    template_id: number;
    source: 'transactional' | 'campaign';
    anonymous: boolean;
    invitation_id: string | null;
    campaign_id: number | null;
    campaign_target_id: string | null;
    respondent_user_id: number | null;
    provider_code: string | null;
    service_code: string | null;
    entity_code: string | null;
    period_date: ColumnType<string, string, string>;
    language: string | null;
    overall_rating: number | null;
    recommend_score: number | null;
    answers: JsonCol<Answers>;
    submitted_at: TsNull;
    updated_at: TsNull;
  };
  survey_comments: {
    id: Generated<string>;
    response_id: string;
    question_key: string;
    body: string;
    pain_point: Generated<boolean>;
    pain_point_note: string | null;
    pain_point_by: number | null;
    pain_point_at: TsNull;
  };
};

export type Db = Kysely<Database> | Transaction<Database>;
const s = (db: Db) => db.withTables<SurveyTables>();

const iso = (d: unknown): string => new Date(d as string).toISOString();
const isoOrNull = (d: unknown): string | null => (d ? iso(d) : null);
/** `date` columns arrive as `YYYY-MM-DD` (database.ts) or as a Date. */
const day = (d: unknown): string => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d));

/** Which results a viewer may see: all, one provider's, one entity's, or none. */
export type SurveyScope =
  | { kind: 'all' }
  | { kind: 'provider'; code: string }
  | { kind: 'entity'; code: string }
  | { kind: 'none' };

// ---------------------------------------------------------------- templates

export interface TemplateRow extends TemplateContent {
  id: number;
  code: string;
  version: number;
  status: 'draft' | 'published' | 'retired';
  createdAt: string;
  publishedAt: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: a survey_templates row
function toTemplate(r: any): TemplateRow {
  return {
    id: r.id,
    code: r.code,
    version: r.version,
    status: r.status,
    title: fromJson(r.title),
    intro: fromJson(r.intro),
    questions: fromJson(r.questions),
    createdAt: iso(r.created_at),
    publishedAt: isoOrNull(r.published_at),
  };
}

/** The published version of template `code`, or undefined. */
export async function findPublishedTemplate(db: Db, code = 'common'): Promise<TemplateRow | undefined> {
  const r = await s(db)
    .selectFrom('survey_templates')
    .selectAll()
    .where('code', '=', code)
    .where('status', '=', 'published')
    .executeTakeFirst();
  return r ? toTemplate(r) : undefined;
}

/** A template version by id, or undefined. */
export async function findTemplate(db: Db, id: number): Promise<TemplateRow | undefined> {
  const r = await s(db).selectFrom('survey_templates').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toTemplate(r) : undefined;
}

/** Every version of template `code`, newest first. */
export async function findTemplateVersions(db: Db, code = 'common'): Promise<TemplateRow[]> {
  const rows = await s(db)
    .selectFrom('survey_templates')
    .selectAll()
    .where('code', '=', code)
    .orderBy('version', 'desc')
    .execute();
  return rows.map(toTemplate);
}

/** Inserts a draft version (the next number) of template `code`. A second draft fails the unique index (23505). */
export async function insertDraftTemplate(
  db: Db,
  t: { code: string; content: TemplateContent; createdBy: number | null; at: Date },
): Promise<number> {
  const r = await s(db)
    .insertInto('survey_templates')
    .values({
      code: t.code,
      version: sql<number>`(select coalesce(max(version), 0) + 1 from survey_templates where code = ${t.code})`,
      status: 'draft',
      title: JSON.stringify(t.content.title),
      intro: JSON.stringify(t.content.intro),
      questions: JSON.stringify(t.content.questions),
      created_at: t.at,
      created_by: t.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Replaces the content of a draft version. @returns false when `id` is not a draft. */
export async function updateDraftTemplate(db: Db, id: number, content: TemplateContent): Promise<boolean> {
  const r = await s(db)
    .updateTable('survey_templates')
    .set({
      title: JSON.stringify(content.title),
      intro: JSON.stringify(content.intro),
      questions: JSON.stringify(content.questions),
    })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Publishes draft `id` and retires the version published before it (call inside a transaction). @returns false when `id` is not a draft. */
export async function publishDraftTemplate(db: Db, id: number, code: string, at: Date): Promise<boolean> {
  await s(db)
    .updateTable('survey_templates')
    .set({ status: 'retired' })
    .where('code', '=', code)
    .where('status', '=', 'published')
    .execute();
  const r = await s(db)
    .updateTable('survey_templates')
    .set({ status: 'published', published_at: at })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Deletes draft `id`. @returns false when it is not a draft. */
export async function deleteDraftTemplate(db: Db, id: number): Promise<boolean> {
  const r = await s(db).deleteFrom('survey_templates').where('id', '=', id).where('status', '=', 'draft').executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

// ---------------------------------------------------------------- transactional invitations

/** Locks the user's row until the end of the transaction: invitations to one person are decided one at a time. */
export async function lockUser(db: Db, userId: number): Promise<{ email: string; locale: string; active: boolean } | undefined> {
  return db.selectFrom('users').select(['email', 'locale', 'active']).where('id', '=', userId).forUpdate().executeTakeFirst();
}

/** Whether case `caseId` already has an invitation (sent, answered or throttled). */
export async function invitationExistsForCase(db: Db, caseId: string): Promise<boolean> {
  const r = await s(db).selectFrom('survey_invitations').select('id').where('case_id', '=', caseId).executeTakeFirst();
  return r !== undefined;
}

/** When `userId` was last sent a transactional invitation (throttled ones do not count), or null. */
export async function lastInvitationSentAt(db: Db, userId: number): Promise<Date | null> {
  const r = await s(db)
    .selectFrom('survey_invitations')
    .select((eb) => eb.fn.max('created_at').as('at'))
    .where('user_id', '=', userId)
    .where('status', '<>', 'throttled')
    .executeTakeFirst();
  return r?.at ? new Date(r.at as unknown as string) : null;
}

export interface NewInvitation {
  caseId: string;
  templateId: number;
  userId: number;
  provider: string | null;
  service: string;
  entity: string;
  status: 'sent' | 'throttled';
  at: Date;
  expiresAt: Date | null;
}

/** Inserts an invitation (unique per case: a second one fails with 23505). Returns its id. */
export async function insertInvitation(db: Db, i: NewInvitation): Promise<string> {
  const r = await s(db)
    .insertInto('survey_invitations')
    .values({
      case_id: i.caseId,
      template_id: i.templateId,
      user_id: i.userId,
      provider_code: i.provider,
      service_code: i.service,
      entity_code: i.entity,
      status: i.status,
      created_at: i.at,
      expires_at: i.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(r.id);
}

/** Stores the hash of an invitation's link token. */
export async function setInvitationToken(db: Db, id: string, hash: string): Promise<void> {
  await s(db).updateTable('survey_invitations').set({ token_hash: hash }).where('id', '=', id).execute();
}

export interface InvitationRow {
  id: string;
  caseId: string;
  caseReference: string;
  caseTitle: string;
  templateId: number;
  userId: number;
  provider: { code: string; name: Record<string, string> } | null;
  service: { code: string; name: Record<string, string> };
  entity: { code: string; name: Record<string, string> };
  status: 'sent' | 'throttled' | 'answered';
  tokenHash: string | null;
  expiresAt: Date | null;
  createdAt: Date;
  answeredAt: Date | null;
}

function invitationSelect(db: Db) {
  return s(db)
    .selectFrom('survey_invitations as i')
    .innerJoin('cases as c', 'c.id', 'i.case_id')
    .innerJoin('services as sv', 'sv.code', 'i.service_code')
    .innerJoin('client_entities as e', 'e.code', 'i.entity_code')
    .leftJoin('providers as p', 'p.code', 'i.provider_code')
    .select([
      'i.id',
      'i.case_id',
      'c.reference',
      'c.title',
      'i.template_id',
      'i.user_id',
      'p.code as p_code',
      'p.name as p_name',
      'sv.code as s_code',
      'sv.name as s_name',
      'e.code as e_code',
      'e.name as e_name',
      'i.status',
      'i.token_hash',
      'i.expires_at',
      'i.created_at',
      'i.answered_at',
    ]);
}

// biome-ignore lint/suspicious/noExplicitAny: joined invitation row
function toInvitation(r: any): InvitationRow {
  return {
    id: String(r.id),
    caseId: String(r.case_id),
    caseReference: r.reference,
    caseTitle: r.title,
    templateId: r.template_id,
    userId: r.user_id,
    provider: r.p_code ? { code: r.p_code, name: fromJson(r.p_name) } : null,
    service: { code: r.s_code, name: fromJson(r.s_name) },
    entity: { code: r.e_code, name: fromJson(r.e_name) },
    status: r.status,
    tokenHash: r.token_hash,
    expiresAt: r.expires_at ? new Date(r.expires_at) : null,
    createdAt: new Date(r.created_at),
    answeredAt: r.answered_at ? new Date(r.answered_at) : null,
  };
}

/** An invitation with its case, provider, service and entity, or undefined. */
export async function findInvitation(db: Db, id: string): Promise<InvitationRow | undefined> {
  const r = await invitationSelect(db).where('i.id', '=', id).executeTakeFirst();
  return r ? toInvitation(r) : undefined;
}

/** The invitation of a case, or undefined. */
export async function findInvitationOfCase(db: Db, caseId: string): Promise<InvitationRow | undefined> {
  const r = await invitationSelect(db).where('i.case_id', '=', caseId).executeTakeFirst();
  return r ? toInvitation(r) : undefined;
}

/** The invitations of `userId` that were sent (not throttled), newest first, at most 100. */
export async function findInvitationsOfUser(db: Db, userId: number): Promise<InvitationRow[]> {
  const rows = await invitationSelect(db)
    .where('i.user_id', '=', userId)
    .where('i.status', '<>', 'throttled')
    .orderBy('i.created_at', 'desc')
    .limit(100)
    .execute();
  return rows.map(toInvitation);
}

/**
 * Marks a sent invitation answered and forgets its token, in one statement: of two submissions at once only
 * one wins. With `tokenHash`, only if the link is still that one; with `userId`, only for that user.
 * @returns whether this call consumed it.
 */
export async function consumeInvitation(
  db: Db,
  id: string,
  by: { tokenHash: string } | { userId: number },
  at: Date,
): Promise<boolean> {
  let q = s(db)
    .updateTable('survey_invitations')
    .set({ status: 'answered', token_hash: null, answered_at: at })
    .where('id', '=', id)
    .where('status', '=', 'sent')
    .where('expires_at', '>', at);
  q = 'tokenHash' in by ? q.where('token_hash', '=', by.tokenHash) : q.where('user_id', '=', by.userId);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ---------------------------------------------------------------- campaigns

export interface CampaignRow {
  id: number;
  name: string;
  templateId: number;
  templateVersion: number;
  anonymous: boolean;
  status: 'draft' | 'open' | 'closed';
  periodStart: string;
  periodEnd: string;
  closesAt: Date;
  reminderIntervalDays: number | null;
  entities: string[];
  createdAt: Date;
  launchedAt: Date | null;
  lastReminderAt: Date | null;
  closedAt: Date | null;
  targets: number;
  responded: number;
}

function campaignSelect(db: Db) {
  return s(db)
    .selectFrom('survey_campaigns as k')
    .innerJoin('survey_templates as t', 't.id', 'k.template_id')
    .selectAll('k')
    .select([
      't.version as template_version',
      (eb) =>
        eb
          .selectFrom('survey_campaign_targets as x')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('x.campaign_id', '=', 'k.id')
          .as('targets'),
      (eb) =>
        eb
          .selectFrom('survey_campaign_targets as x')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('x.campaign_id', '=', 'k.id')
          .where('x.responded', '=', true)
          .as('responded'),
    ]);
}

// biome-ignore lint/suspicious/noExplicitAny: campaign row with counts
function toCampaign(r: any): CampaignRow {
  return {
    id: r.id,
    name: r.name,
    templateId: r.template_id,
    templateVersion: r.template_version,
    anonymous: r.anonymous,
    status: r.status,
    periodStart: day(r.period_start),
    periodEnd: day(r.period_end),
    closesAt: new Date(r.closes_at),
    reminderIntervalDays: r.reminder_interval_days,
    entities: fromJson(r.target_entities),
    createdAt: new Date(r.created_at),
    launchedAt: r.launched_at ? new Date(r.launched_at) : null,
    lastReminderAt: r.last_reminder_at ? new Date(r.last_reminder_at) : null,
    closedAt: r.closed_at ? new Date(r.closed_at) : null,
    targets: Number(r.targets ?? 0),
    responded: Number(r.responded ?? 0),
  };
}

/** Inserts a draft campaign. Returns its id. */
export async function insertCampaign(
  db: Db,
  c: {
    name: string;
    templateId: number;
    anonymous: boolean;
    periodStart: string;
    periodEnd: string;
    closesAt: Date;
    reminderIntervalDays: number | null;
    entities: string[];
    createdBy: number;
    at: Date;
  },
): Promise<number> {
  const r = await s(db)
    .insertInto('survey_campaigns')
    .values({
      name: c.name,
      template_id: c.templateId,
      anonymous: c.anonymous,
      status: 'draft',
      period_start: c.periodStart,
      period_end: c.periodEnd,
      closes_at: c.closesAt,
      reminder_interval_days: c.reminderIntervalDays,
      target_entities: JSON.stringify(c.entities),
      created_by: c.createdBy,
      created_at: c.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** A campaign with its target and response counts, or undefined. */
export async function findCampaign(db: Db, id: number): Promise<CampaignRow | undefined> {
  const r = await campaignSelect(db).where('k.id', '=', id).executeTakeFirst();
  return r ? toCampaign(r) : undefined;
}

/** Every campaign, newest first. */
export async function findCampaigns(db: Db): Promise<CampaignRow[]> {
  const rows = await campaignSelect(db).orderBy('k.created_at', 'desc').orderBy('k.id', 'desc').execute();
  return rows.map(toCampaign);
}

/** Open campaigns (for the schedule: reminders and closing). */
export async function findOpenCampaigns(db: Db): Promise<CampaignRow[]> {
  const rows = await campaignSelect(db).where('k.status', '=', 'open').orderBy('k.id').execute();
  return rows.map(toCampaign);
}

/** Moves a campaign from one status to the next. @returns false when it was not in `from`. */
export async function setCampaignStatus(
  db: Db,
  id: number,
  from: 'draft' | 'open',
  to: 'open' | 'closed',
  at: Date,
): Promise<boolean> {
  const r = await s(db)
    .updateTable('survey_campaigns')
    .set(to === 'open' ? { status: to, launched_at: at } : { status: to, closed_at: at })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Records when reminders were last sent. */
export async function setCampaignReminded(db: Db, id: number, at: Date): Promise<void> {
  await s(db).updateTable('survey_campaigns').set({ last_reminder_at: at }).where('id', '=', id).execute();
}

/** Active entity focal points of the given entities. */
export async function findFocalPoints(db: Db, entities: string[]) {
  if (entities.length === 0) return [];
  return db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'locale', 'entity_code'])
    .where('role', '=', 'entity-focal-point')
    .where('active', '=', true)
    .where('entity_code', 'in', entities)
    .orderBy('id')
    .execute();
}

/** The providers that serve each of `entities` on `on` (assignments in force), one row per entity and provider. */
export async function findProvidersServing(
  db: Db,
  entities: string[],
  on: string,
): Promise<{ entity: string; provider: string }[]> {
  if (entities.length === 0) return [];
  const rows = await db
    .selectFrom('assignments')
    .select(['entity_code', 'provider_code'])
    .distinct()
    .where('entity_code', 'in', entities)
    .where('effective_from', '<=', on)
    .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>', on)]))
    .orderBy('entity_code')
    .orderBy('provider_code')
    .execute();
  return rows.map((r) => ({ entity: r.entity_code, provider: r.provider_code }));
}

/** Client entity codes among `codes` that exist. */
export async function existingEntities(db: Db, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await db.selectFrom('client_entities').select('code').where('code', 'in', codes).execute();
  return new Set(rows.map((r) => r.code));
}

/** Inserts campaign targets; returns their ids in order. */
export async function insertTargets(
  db: Db,
  campaignId: number,
  rows: { userId: number; entity: string; provider: string }[],
): Promise<string[]> {
  if (rows.length === 0) return [];
  const out = await s(db)
    .insertInto('survey_campaign_targets')
    .values(rows.map((r) => ({ campaign_id: campaignId, user_id: r.userId, entity_code: r.entity, provider_code: r.provider })))
    .returning(['id', 'user_id', 'provider_code'])
    .execute();
  const key = (u: number, p: string) => `${u}|${p}`;
  const byKey = new Map(out.map((r) => [key(r.user_id, r.provider_code), String(r.id)]));
  return rows.map((r) => byKey.get(key(r.userId, r.provider)) as string);
}

/** Stores the hash of a target's newest link token (a reminder's link replaces the earlier one). */
export async function setTargetToken(db: Db, id: string, hash: string, reminder: boolean): Promise<void> {
  await s(db)
    .updateTable('survey_campaign_targets')
    .set(reminder ? { token_hash: hash, reminders_sent: sql<number>`reminders_sent + 1` } : { token_hash: hash })
    .where('id', '=', id)
    .execute();
}

export interface TargetRow {
  id: string;
  campaignId: number;
  userId: number;
  userName: string;
  userEmail: string;
  userLocale: string;
  entity: { code: string; name: Record<string, string> };
  provider: { code: string; name: Record<string, string> };
  tokenHash: string | null;
  responded: boolean;
  remindersSent: number;
}

function targetSelect(db: Db) {
  return s(db)
    .selectFrom('survey_campaign_targets as x')
    .innerJoin('users as u', 'u.id', 'x.user_id')
    .innerJoin('client_entities as e', 'e.code', 'x.entity_code')
    .innerJoin('providers as p', 'p.code', 'x.provider_code')
    .select([
      'x.id',
      'x.campaign_id',
      'x.user_id',
      'u.name as u_name',
      'u.email as u_email',
      'u.locale as u_locale',
      'e.code as e_code',
      'e.name as e_name',
      'p.code as p_code',
      'p.name as p_name',
      'x.token_hash',
      'x.responded',
      'x.reminders_sent',
    ]);
}

// biome-ignore lint/suspicious/noExplicitAny: joined target row
function toTarget(r: any): TargetRow {
  return {
    id: String(r.id),
    campaignId: r.campaign_id,
    userId: r.user_id,
    userName: r.u_name,
    userEmail: r.u_email,
    userLocale: r.u_locale,
    entity: { code: r.e_code, name: fromJson(r.e_name) },
    provider: { code: r.p_code, name: fromJson(r.p_name) },
    tokenHash: r.token_hash,
    responded: r.responded,
    remindersSent: Number(r.reminders_sent),
  };
}

/** A campaign target, or undefined. */
export async function findTarget(db: Db, id: string): Promise<TargetRow | undefined> {
  const r = await targetSelect(db).where('x.id', '=', id).executeTakeFirst();
  return r ? toTarget(r) : undefined;
}

/** The targets of a campaign (all, or only those who have not answered). */
export async function findTargets(db: Db, campaignId: number, onlyPending = false): Promise<TargetRow[]> {
  let q = targetSelect(db).where('x.campaign_id', '=', campaignId);
  if (onlyPending) q = q.where('x.responded', '=', false);
  return (await q.orderBy('x.entity_code').orderBy('u.name').orderBy('x.provider_code').execute()).map(toTarget);
}

/** The targets of `userId` in open campaigns. */
export async function findOpenTargetsOfUser(db: Db, userId: number) {
  const rows = await targetSelect(db)
    .innerJoin('survey_campaigns as k', 'k.id', 'x.campaign_id')
    .select(['k.name as k_name', 'k.anonymous as k_anonymous', 'k.closes_at as k_closes_at'])
    .where('x.user_id', '=', userId)
    .where('k.status', '=', 'open')
    .orderBy('k.closes_at')
    .orderBy('x.provider_code')
    .execute();
  return rows.map((r) => ({
    ...toTarget(r),
    campaignName: r.k_name,
    anonymous: r.k_anonymous,
    closesAt: new Date(r.k_closes_at),
  }));
}

/**
 * Marks a target answered and forgets its token, in one statement (of two submissions only one wins);
 * with `tokenHash`, only if the link is still the newest one; with `userId`, only for that user.
 */
export async function consumeTarget(db: Db, id: string, by: { tokenHash: string } | { userId: number }): Promise<boolean> {
  let q = s(db)
    .updateTable('survey_campaign_targets')
    .set({ responded: true, token_hash: null })
    .where('id', '=', id)
    .where('responded', '=', false);
  q = 'tokenHash' in by ? q.where('token_hash', '=', by.tokenHash) : q.where('user_id', '=', by.userId);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Rewrites every target row of a campaign (no value changes). Run in the transaction that stores an
 * anonymous answer: every target then carries that transaction's id (`xmin`) and a new physical place, so
 * neither singles out who just answered (decision 0010).
 */
export async function rewriteCampaignTargets(db: Db, campaignId: number): Promise<void> {
  await s(db)
    .updateTable('survey_campaign_targets')
    .set({ responded: sql<boolean>`responded` })
    .where('campaign_id', '=', campaignId)
    .execute();
}

// ---------------------------------------------------------------- responses and comments

export interface NewResponse {
  templateId: number;
  source: 'transactional' | 'campaign';
  anonymous: boolean;
  invitationId: string | null;
  campaignId: number | null;
  campaignTargetId: string | null;
  respondentUserId: number | null;
  provider: string | null;
  service: string | null;
  entity: string | null;
  periodDate: string;
  language: string | null;
  overallRating: number | null;
  recommendScore: number | null;
  answers: Answers;
  at: Date | null;
}

/** Inserts a response; returns its (random) id. */
export async function insertResponse(db: Db, r: NewResponse): Promise<string> {
  const out = await s(db)
    .insertInto('survey_responses')
    .values({
      template_id: r.templateId,
      source: r.source,
      anonymous: r.anonymous,
      invitation_id: r.invitationId,
      campaign_id: r.campaignId,
      campaign_target_id: r.campaignTargetId,
      respondent_user_id: r.respondentUserId,
      provider_code: r.provider,
      service_code: r.service,
      entity_code: r.entity,
      period_date: r.periodDate,
      language: r.language,
      overall_rating: r.overallRating,
      recommend_score: r.recommendScore,
      answers: JSON.stringify(r.answers),
      submitted_at: r.at,
      updated_at: r.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(out.id);
}

/** The (named) response given to an invitation or a campaign target, with its free-text answers. */
export async function findNamedResponse(db: Db, by: { invitationId: string } | { targetId: string }) {
  let q = s(db).selectFrom('survey_responses').select(['id', 'answers', 'language', 'submitted_at', 'updated_at']);
  q = 'invitationId' in by ? q.where('invitation_id', '=', by.invitationId) : q.where('campaign_target_id', '=', by.targetId);
  const r = await q.executeTakeFirst();
  if (!r) return undefined;
  const texts = await s(db)
    .selectFrom('survey_comments')
    .select(['question_key', 'body'])
    .where('response_id', '=', r.id)
    .execute();
  return {
    id: String(r.id),
    answers: fromJson<Answers>(r.answers),
    texts: Object.fromEntries(texts.map((t) => [t.question_key, t.body])) as Record<string, string>,
    language: r.language,
  };
}

/** Replaces the answers of a named response (a portal re-save that changed something). */
export async function updateResponse(
  db: Db,
  id: string,
  r: { answers: Answers; overallRating: number | null; recommendScore: number | null; language: string; at: Date },
): Promise<void> {
  await s(db)
    .updateTable('survey_responses')
    .set({
      answers: JSON.stringify(r.answers),
      overall_rating: r.overallRating,
      recommend_score: r.recommendScore,
      language: r.language,
      updated_at: r.at,
    })
    .where('id', '=', id)
    .where('anonymous', '=', false)
    .execute();
}

/**
 * Makes the free-text answers of a response exactly `texts`: new ones are added, changed ones updated (their
 * pain-point flag kept), removed ones deleted.
 */
export async function saveComments(db: Db, responseId: string, texts: Record<string, string>): Promise<void> {
  const keys = Object.keys(texts);
  let del = s(db).deleteFrom('survey_comments').where('response_id', '=', responseId);
  if (keys.length) del = del.where('question_key', 'not in', keys);
  await del.execute();
  if (!keys.length) return;
  await s(db)
    .insertInto('survey_comments')
    .values(keys.map((k) => ({ response_id: responseId, question_key: k, body: texts[k] as string })))
    .onConflict((oc) => oc.columns(['response_id', 'question_key']).doUpdateSet({ body: (eb) => eb.ref('excluded.body') }))
    .execute();
}

// ---------------------------------------------------------------- results

/** Filters of the results and the comments feed. */
export interface ResultFilter {
  from: string;
  to: string;
  provider?: string | undefined;
  service?: string | undefined;
  entity?: string | undefined;
  source?: 'all' | 'transactional' | 'campaign';
}

function groupExpr(groupBy: GroupBy, dateCol: RawBuilder<unknown>, col: { provider: string; service: string; entity: string }) {
  switch (groupBy) {
    case 'provider':
      return sql<string | null>`${sql.ref(col.provider)}`;
    case 'service':
      return sql<string | null>`${sql.ref(col.service)}`;
    case 'entity':
      return sql<string | null>`${sql.ref(col.entity)}`;
    case 'month':
      return sql<string>`to_char(${dateCol}, 'YYYY-MM')`;
    case 'quarter':
      return sql<string>`to_char(${dateCol}, 'YYYY-"Q"Q')`;
    case 'year':
      return sql<string>`to_char(${dateCol}, 'YYYY')`;
  }
}

function scopeSql(scope: SurveyScope, providerCol: string, entityCol: string) {
  switch (scope.kind) {
    case 'all':
      return sql<boolean>`true`;
    case 'provider':
      return sql<boolean>`${sql.ref(providerCol)} = ${scope.code}`;
    case 'entity':
      return sql<boolean>`${sql.ref(entityCol)} = ${scope.code}`;
    case 'none':
      return sql<boolean>`false`;
  }
}

function optEq(col: string, v: string | undefined) {
  return v === undefined ? sql<boolean>`true` : sql<boolean>`${sql.ref(col)} = ${v}`;
}

/** Sums of the responses of one group, split by anonymity. */
export interface ResponseSums {
  key: string | null;
  anonymous: boolean;
  responses: number;
  ratings: number;
  ratingSum: number;
  recommendations: number;
  promoters: number;
  detractors: number;
}

/** Response sums per group (and anonymity) for the filter, within `scope`. Figures: overall rating 1-5, recommendation 0-10. */
export async function sumResponses(db: Db, scope: SurveyScope, f: ResultFilter, groupBy: GroupBy): Promise<ResponseSums[]> {
  const key = groupExpr(groupBy, sql`r.period_date`, {
    provider: 'r.provider_code',
    service: 'r.service_code',
    entity: 'r.entity_code',
  });
  const source = f.source && f.source !== 'all' ? sql<boolean>`r.source = ${f.source}` : sql<boolean>`true`;
  const rows = await sql<{
    key: string | null;
    anonymous: boolean;
    n: string;
    nr: string;
    sr: string | null;
    nrec: string;
    prom: string;
    detr: string;
  }>`
    select ${key} as key, r.anonymous, count(*) as n, count(r.overall_rating) as nr, sum(r.overall_rating) as sr,
      count(r.recommend_score) as nrec,
      count(*) filter (where r.recommend_score >= 9) as prom,
      count(*) filter (where r.recommend_score <= 6) as detr
    from survey_responses r
    where r.period_date between ${f.from} and ${f.to}
      and ${scopeSql(scope, 'r.provider_code', 'r.entity_code')}
      and ${optEq('r.provider_code', f.provider)} and ${optEq('r.service_code', f.service)} and ${optEq('r.entity_code', f.entity)}
      and ${source}
    group by 1, 2`.execute(db);
  return rows.rows.map((r) => ({
    key: r.key,
    anonymous: r.anonymous,
    responses: Number(r.n),
    ratings: Number(r.nr),
    ratingSum: Number(r.sr ?? 0),
    recommendations: Number(r.nrec),
    promoters: Number(r.prom),
    detractors: Number(r.detr),
  }));
}

/**
 * Invited and answered counts per group: transactional invitations that were sent (not throttled), in the
 * period of their case's resolution, and campaign targets, in their campaign's period (end date).
 */
export async function sumInvitations(
  db: Db,
  scope: SurveyScope,
  f: ResultFilter,
  groupBy: GroupBy,
): Promise<{ key: string | null; invited: number; answered: number }[]> {
  const out: { key: string | null; invited: number; answered: number }[] = [];
  if (f.source !== 'campaign') {
    const d = sql`(i.created_at at time zone 'UTC')::date`;
    const key = groupExpr(groupBy, d, { provider: 'i.provider_code', service: 'i.service_code', entity: 'i.entity_code' });
    const r = await sql<{ key: string | null; invited: string; answered: string }>`
      select ${key} as key, count(*) as invited, count(*) filter (where i.status = 'answered') as answered
      from survey_invitations i
      where i.status <> 'throttled' and ${d} between ${f.from} and ${f.to}
        and ${scopeSql(scope, 'i.provider_code', 'i.entity_code')}
        and ${optEq('i.provider_code', f.provider)} and ${optEq('i.service_code', f.service)} and ${optEq('i.entity_code', f.entity)}
      group by 1`.execute(db);
    out.push(...r.rows.map((x) => ({ key: x.key, invited: Number(x.invited), answered: Number(x.answered) })));
  }
  if (f.source !== 'transactional' && f.service === undefined) {
    // campaign targets have no service: grouped by service, they all fall in the group without a key
    const keyExpr =
      groupBy === 'service'
        ? sql<null>`null`
        : groupExpr(groupBy, sql`k.period_end`, {
            provider: 'x.provider_code',
            service: 'x.provider_code',
            entity: 'x.entity_code',
          });
    const r = await sql<{ key: string | null; invited: string; answered: string }>`
      select ${keyExpr} as key, count(*) as invited, count(*) filter (where x.responded) as answered
      from survey_campaign_targets x join survey_campaigns k on k.id = x.campaign_id
      where k.status <> 'draft' and k.period_end between ${f.from} and ${f.to}
        and ${scopeSql(scope, 'x.provider_code', 'x.entity_code')}
        and ${optEq('x.provider_code', f.provider)} and ${optEq('x.entity_code', f.entity)}
      group by 1`.execute(db);
    out.push(...r.rows.map((x) => ({ key: x.key, invited: Number(x.invited), answered: Number(x.answered) })));
  }
  return out;
}

/**
 * How often each value was chosen. With `details`, per question key of the answers (ratings,
 * recommendations and choices; free text is in the comments): a pass over every answer's JSON. Without, only
 * the two figures kept in columns, under the keys `overall` (overall rating 1-5) and `recommend` (0-10):
 * cheap at any volume. Split by anonymity.
 */
export async function countAnswerValues(
  db: Db,
  scope: SurveyScope,
  f: ResultFilter,
  details: boolean,
): Promise<{ question: string; value: string; anonymous: boolean; n: number }[]> {
  const source = f.source && f.source !== 'all' ? sql<boolean>`r.source = ${f.source}` : sql<boolean>`true`;
  const where = sql<boolean>`r.period_date between ${f.from} and ${f.to}
      and ${scopeSql(scope, 'r.provider_code', 'r.entity_code')}
      and ${optEq('r.provider_code', f.provider)} and ${optEq('r.service_code', f.service)} and ${optEq('r.entity_code', f.entity)}
      and ${source}`;
  const rows = details
    ? await sql<{ question: string; value: string; anonymous: boolean; n: string }>`
    select e.key as question, coalesce(a.value, e.value) #>> '{}' as value, r.anonymous, count(*) as n
    from survey_responses r
      cross join lateral jsonb_each(r.answers) e
      left join lateral jsonb_array_elements(case when jsonb_typeof(e.value) = 'array' then e.value else '[]'::jsonb end) a on true
    where ${where}
    group by 1, 2, 3`.execute(db)
    : await sql<{ question: string; value: string; anonymous: boolean; n: string }>`
    select x.question, x.value, x.anonymous, sum(x.n) as n from (
      select r.overall_rating, r.recommend_score, r.anonymous, count(*) as n from survey_responses r where ${where} group by 1, 2, 3
    ) g cross join lateral (values ('overall', g.overall_rating::text, g.anonymous, g.n), ('recommend', g.recommend_score::text, g.anonymous, g.n))
      as x(question, value, anonymous, n)
    where x.value is not null
    group by 1, 2, 3`.execute(db);
  return rows.rows.map((r) => ({ question: r.question, value: r.value, anonymous: r.anonymous, n: Number(r.n) }));
}

/** Names of providers, services or entities by code (for result labels). */
export async function namesOf(
  db: Db,
  kind: 'provider' | 'service' | 'entity',
  codes: string[],
): Promise<Map<string, Record<string, string>>> {
  if (codes.length === 0) return new Map();
  const table = kind === 'provider' ? 'providers' : kind === 'service' ? 'services' : 'client_entities';
  const rows = await db.selectFrom(table).select(['code', 'name']).where('code', 'in', codes).execute();
  return new Map(rows.map((r) => [r.code, fromJson<Record<string, string>>(r.name)]));
}

/** The comments feed counts up to this many ("10,000+"). */
export const COMMENT_COUNT_CAP = 10_000;

/**
 * A page of free-text answers within `scope`, newest period first. An anonymous one shows only when its
 * campaign has at least `minAnonymousGroup` anonymous answers about the same provider.
 */
export async function findComments(
  db: Db,
  scope: SurveyScope,
  f: ResultFilter & { painPoint?: boolean | undefined; page: number; pageSize: number },
  minAnonymousGroup: number,
) {
  const where = sql<boolean>`r.period_date between ${f.from} and ${f.to}
      and ${scopeSql(scope, 'r.provider_code', 'r.entity_code')}
      and ${optEq('r.provider_code', f.provider)} and ${optEq('r.service_code', f.service)} and ${optEq('r.entity_code', f.entity)}
      and ${f.painPoint === undefined ? sql`true` : sql`c.pain_point = ${f.painPoint}`}
      and (not r.anonymous or (select count(*) from survey_responses r2
        where r2.anonymous and r2.campaign_id = r.campaign_id and r2.provider_code is not distinct from r.provider_code) >= ${minAnonymousGroup})`;
  // counted up to COMMENT_COUNT_CAP + 1 only, as the case queues are: a bounded scan whatever the volume
  const total = await sql<{ n: string }>`
    select count(*) as n from (
      select 1 from survey_comments c join survey_responses r on r.id = c.response_id where ${where} limit ${COMMENT_COUNT_CAP + 1}
    ) x`.execute(db);
  const rows = await sql<{
    id: string;
    body: string;
    question_key: string;
    period_date: unknown;
    anonymous: boolean;
    overall_rating: number | null;
    provider_code: string | null;
    service_code: string | null;
    entity_code: string | null;
    reference: string | null;
    campaign: string | null;
    pain_point: boolean;
    pain_point_note: string | null;
  }>`
    select c.id, c.body, c.question_key, r.period_date, r.anonymous, r.overall_rating, r.provider_code, r.service_code,
      r.entity_code, cs.reference, k.name as campaign, c.pain_point, c.pain_point_note
    from survey_comments c
      join survey_responses r on r.id = c.response_id
      left join survey_invitations i on i.id = r.invitation_id
      left join cases cs on cs.id = i.case_id
      left join survey_campaigns k on k.id = r.campaign_id
    where ${where}
    order by r.period_date desc, r.submitted_at desc nulls last, c.id
    limit ${f.pageSize} offset ${(f.page - 1) * f.pageSize}`.execute(db);
  const n = Number(total.rows[0]?.n ?? 0);
  return {
    total: Math.min(n, COMMENT_COUNT_CAP),
    totalCapped: n > COMMENT_COUNT_CAP,
    items: rows.rows.map((r) => ({
      id: String(r.id),
      body: r.body,
      questionKey: r.question_key,
      periodDate: day(r.period_date),
      anonymous: r.anonymous,
      overallRating: r.overall_rating,
      provider: r.provider_code,
      service: r.service_code,
      entity: r.entity_code,
      caseReference: r.reference,
      campaign: r.campaign,
      painPoint: r.pain_point,
      painPointNote: r.pain_point_note,
    })),
  };
}

/** A comment's provider and entity (to check scope before flagging), or undefined. */
export async function findCommentScope(db: Db, id: string) {
  return s(db)
    .selectFrom('survey_comments as c')
    .innerJoin('survey_responses as r', 'r.id', 'c.response_id')
    .select(['c.id', 'r.provider_code', 'r.entity_code', 'c.pain_point', 'c.pain_point_note'])
    .where('c.id', '=', id)
    .executeTakeFirst();
}

/** Sets or clears a comment's pain-point flag. */
export async function setPainPoint(
  db: Db,
  id: string,
  flag: { painPoint: boolean; note: string | null; by: number; at: Date },
): Promise<void> {
  await s(db)
    .updateTable('survey_comments')
    .set(
      flag.painPoint
        ? { pain_point: true, pain_point_note: flag.note, pain_point_by: flag.by, pain_point_at: flag.at }
        : { pain_point: false, pain_point_note: null, pain_point_by: null, pain_point_at: null },
    )
    .where('id', '=', id)
    .execute();
}

// ---------------------------------------------------------------- link secret

const SECRET_KEY = 'survey_link_secret';

/** The link secret kept in `meta` (created by the caller when absent), or undefined. */
export async function findStoredLinkSecret(db: Db): Promise<string | undefined> {
  return (await db.selectFrom('meta').select('value').where('key', '=', SECRET_KEY).executeTakeFirst())?.value;
}

/** Stores a link secret in `meta` unless one is there; returns the one kept. */
export async function storeLinkSecret(db: Db, secret: string): Promise<string> {
  await db
    .insertInto('meta')
    .values({ key: SECRET_KEY, value: secret })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return (await findStoredLinkSecret(db)) as string;
}
