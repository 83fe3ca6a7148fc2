/**
 * The common template's versions: one published (what new invitations and campaigns use), at most one
 * draft being edited, the rest retired. A published version never changes (answers keep pointing at the
 * version they answered); editing starts a draft copied from the published version.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.ts';
import { AppError } from '../../server/errors.ts';
import { appendAuditEvent } from '../identity/identity.repository.ts';
import type { User } from '../identity/identity.schema.ts';
import {
  deleteDraftTemplate,
  findPublishedTemplate,
  findTemplate,
  findTemplateVersions,
  insertDraftTemplate,
  publishDraftTemplate,
  updateDraftTemplate,
} from './surveys.repository.ts';
import type { Template, TemplateContent } from './surveys.schema.ts';
import { checkTemplate } from './template.ts';

type Db = Kysely<Database>;
const CODE = 'common';

/** Every version of the common template, newest first. */
export async function listTemplateVersions(db: Db): Promise<Template[]> {
  return findTemplateVersions(db, CODE);
}

/**
 * A version by id. @throws AppError SURVEY_TEMPLATE_NOT_FOUND.
 */
export async function getTemplate(db: Db, id: number): Promise<Template> {
  const t = await findTemplate(db, id);
  if (!t) throw new AppError('SURVEY_TEMPLATE_NOT_FOUND', `No survey template version ${id}`);
  return t;
}

/**
 * The draft being edited, made from the published version when there is none.
 * @throws AppError SURVEY_TEMPLATE_NOT_FOUND (nothing to copy from).
 */
export async function startDraft(db: Db, actor: User, opts: { now?: Date } = {}): Promise<Template> {
  const versions = await findTemplateVersions(db, CODE);
  const draft = versions.find((v) => v.status === 'draft');
  if (draft) return draft;
  const base = versions.find((v) => v.status === 'published') ?? versions[0];
  if (!base) throw new AppError('SURVEY_TEMPLATE_NOT_FOUND', 'No survey template to start from');
  const id = await db.transaction().execute(async (trx) => {
    const id = await insertDraftTemplate(trx, {
      code: CODE,
      content: { title: base.title, intro: base.intro, questions: base.questions },
      createdBy: actor.id,
      at: opts.now ?? new Date(),
    });
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'survey.template.draft',
      targetType: 'survey_template',
      targetId: String(id),
      details: { from: base.version },
    });
    return id;
  });
  return getTemplate(db, id);
}

/**
 * Saves the content of a draft.
 * @throws AppError SURVEY_TEMPLATE_INVALID (each problem named), SURVEY_TEMPLATE_NOT_FOUND, SURVEY_TEMPLATE_NOT_DRAFT.
 */
export async function saveDraft(db: Db, actor: User, id: number, content: TemplateContent): Promise<Template> {
  checkTemplate(content);
  const t = await getTemplate(db, id);
  await db.transaction().execute(async (trx) => {
    if (!(await updateDraftTemplate(trx, id, content))) {
      throw new AppError('SURVEY_TEMPLATE_NOT_DRAFT', `Version ${t.version} is ${t.status}; only a draft can be edited`);
    }
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'survey.template.saved',
      targetType: 'survey_template',
      targetId: String(id),
      details: { questions: content.questions.length },
    });
  });
  return getTemplate(db, id);
}

/**
 * Publishes a draft; the version published before is retired. New invitations and campaigns use it.
 * @throws AppError SURVEY_TEMPLATE_INVALID, SURVEY_TEMPLATE_NOT_FOUND, SURVEY_TEMPLATE_NOT_DRAFT.
 */
export async function publishDraft(db: Db, actor: User, id: number, opts: { now?: Date } = {}): Promise<Template> {
  const t = await getTemplate(db, id);
  checkTemplate(t);
  await db.transaction().execute(async (trx) => {
    const before = await findPublishedTemplate(trx, CODE);
    if (!(await publishDraftTemplate(trx, id, t.code, opts.now ?? new Date()))) {
      throw new AppError('SURVEY_TEMPLATE_NOT_DRAFT', `Version ${t.version} is ${t.status}; only a draft can be published`);
    }
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'survey.template.published',
      targetType: 'survey_template',
      targetId: String(id),
      details: { version: t.version, retired: before?.version ?? null },
    });
  });
  return getTemplate(db, id);
}

/** Discards a draft. @throws AppError SURVEY_TEMPLATE_NOT_FOUND, SURVEY_TEMPLATE_NOT_DRAFT. */
export async function discardDraft(db: Db, actor: User, id: number): Promise<void> {
  const t = await getTemplate(db, id);
  await db.transaction().execute(async (trx) => {
    if (!(await deleteDraftTemplate(trx, id)))
      throw new AppError('SURVEY_TEMPLATE_NOT_DRAFT', `Version ${t.version} is ${t.status}; only a draft can be discarded`);
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'survey.template.discarded',
      targetType: 'survey_template',
      targetId: String(id),
    });
  });
}
