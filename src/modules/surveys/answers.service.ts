/**
 * Answering a survey: through its signed link (no sign-in) or in the portal ("My surveys"), for a
 * transactional invitation (`kind` `transactional`, id of the invitation) or a campaign target (`kind`
 * `campaign`, id of the target).
 *
 * - A link works once and until it expires; a reused, expired, replaced or forged link is refused with a
 *   stable code (`SURVEY_LINK_USED`, `SURVEY_LINK_EXPIRED`, `SURVEY_LINK_REPLACED`, `SURVEY_LINK_INVALID`),
 *   which the answer page turns into a clear page.
 * - In the portal, the person may change a named answer until the link would have expired (or the campaign
 *   closes); saving the same answers again writes nothing and sends nothing (`unchanged`).
 * - An anonymous campaign answer is stored with no user, target, token, entity, service, language or time,
 *   in a transaction that also rewrites every target row of the campaign (decision 0010); it cannot be
 *   changed afterwards, since nothing leads back to it.
 * No answer sends an e-mail.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';
import { AppError } from '../../server/errors.ts';
import { appendAuditEvent } from '../identity/identity.repository.ts';
import type { User } from '../identity/identity.schema.ts';
import { verifyLinkToken } from './links.ts';
import { linkSecret, type SurveySettings, withDefaults } from './settings.ts';
import {
  type CampaignRow,
  consumeInvitation,
  consumeTarget,
  findCampaign,
  findInvitation,
  findInvitationsOfUser,
  findNamedResponse,
  findOpenTargetsOfUser,
  findTarget,
  findTemplate,
  type InvitationRow,
  insertResponse,
  rewriteCampaignTargets,
  saveComments,
  type TargetRow,
  type TemplateRow,
  updateResponse,
} from './surveys.repository.ts';
import type { AnswerBody, AnswerResult, MySurvey, SurveyForm } from './surveys.schema.ts';
import { type CheckedAnswers, checkAnswers, sameAnswers } from './template.ts';

type Db = Kysely<Database>;
type Kind = 'transactional' | 'campaign';

const linkInvalid = () =>
  new AppError('SURVEY_LINK_INVALID', 'This survey link is not valid: check that the whole address was copied from the e-mail');
const linkExpired = (at: Date | null) =>
  new AppError('SURVEY_LINK_EXPIRED', `This survey link expired${at ? ` on ${at.toISOString().slice(0, 10)}` : ''}`, {
    details: { expiresAt: at?.toISOString() ?? null },
  });
const linkUsed = () => new AppError('SURVEY_LINK_USED', 'This survey was already answered with this link; a link works once');
const notFound = () => new AppError('SURVEY_NOT_FOUND', 'No such survey for you');

interface Loaded {
  kind: Kind;
  template: TemplateRow;
  invitation?: InvitationRow;
  target?: TargetRow;
  campaign?: CampaignRow;
}

async function templateOf(db: Db | Transaction<Database>, id: number): Promise<TemplateRow> {
  const t = await findTemplate(db, id);
  if (!t) throw new AppError('SURVEY_TEMPLATE_NOT_FOUND', `Survey template ${id} is missing`);
  return t;
}

/** Checks a transactional invitation's state for answering; throws the reason it cannot be. */
function checkInvitationOpen(inv: InvitationRow, now: Date, via: 'link' | 'portal'): void {
  if (inv.status === 'throttled') throw via === 'link' ? linkInvalid() : notFound();
  if (inv.status === 'answered' && via === 'link') throw linkUsed();
  if (!inv.expiresAt || inv.expiresAt.getTime() <= now.getTime()) throw linkExpired(inv.expiresAt);
}

/** Checks a campaign target's state for answering; throws the reason it cannot be. */
function checkTargetOpen(t: TargetRow, c: CampaignRow, now: Date, via: 'link' | 'portal'): void {
  if (c.status === 'closed' || c.closesAt.getTime() <= now.getTime()) {
    throw new AppError('SURVEY_CLOSED', `The campaign "${c.name}" closed on ${c.closesAt.toISOString().slice(0, 10)}`, {
      details: { closesAt: c.closesAt.toISOString() },
    });
  }
  if (c.status !== 'open') throw via === 'link' ? linkInvalid() : notFound();
  if (t.responded && (via === 'link' || c.anonymous)) {
    throw via === 'link'
      ? linkUsed()
      : new AppError(
          'SURVEY_ALREADY_ANSWERED',
          'You answered this anonymous survey; it cannot be changed since nothing ties it to you',
        );
  }
}

/** Resolves a link token to what it opens, refusing forged, expired, used and replaced links. */
async function loadByToken(db: Db, token: string, settings: SurveySettings, now: Date): Promise<Loaded & { hash: string }> {
  const check = verifyLinkToken(await linkSecret(db, settings), token, now);
  if (!check.ok) {
    if (check.reason === 'expired') throw linkExpired(new Date(check.payload.expiresAt));
    throw linkInvalid();
  }
  const { payload, hash } = check;
  if (payload.kind === 'i') {
    const invitation = await findInvitation(db, payload.id);
    if (!invitation) throw linkInvalid();
    checkInvitationOpen(invitation, now, 'link');
    if (invitation.tokenHash !== hash) throw linkInvalid();
    return { kind: 'transactional', template: await templateOf(db, invitation.templateId), invitation, hash };
  }
  const target = await findTarget(db, payload.id);
  const campaign = target ? await findCampaign(db, target.campaignId) : undefined;
  if (!target || !campaign) throw linkInvalid();
  checkTargetOpen(target, campaign, now, 'link');
  if (target.tokenHash !== hash) {
    throw new AppError('SURVEY_LINK_REPLACED', 'A newer link was sent to you in a reminder; use the link in the latest e-mail');
  }
  return { kind: 'campaign', template: await templateOf(db, campaign.templateId), target, campaign, hash };
}

/** Loads a survey of the signed-in user from "My surveys"; someone else's answers SURVEY_NOT_FOUND. */
async function loadMine(db: Db, user: User, kind: Kind, id: string, now: Date): Promise<Loaded> {
  if (!/^\d{1,18}$/.test(id)) throw notFound();
  if (kind === 'transactional') {
    const invitation = await findInvitation(db, id);
    if (!invitation || invitation.userId !== user.id) throw notFound();
    checkInvitationOpen(invitation, now, 'portal');
    return { kind, template: await templateOf(db, invitation.templateId), invitation };
  }
  const target = await findTarget(db, id);
  const campaign = target ? await findCampaign(db, target.campaignId) : undefined;
  if (!target || !campaign || target.userId !== user.id) throw notFound();
  checkTargetOpen(target, campaign, now, 'portal');
  return { kind, template: await templateOf(db, campaign.templateId), target, campaign };
}

function formOf(l: Loaded, answers: SurveyForm['answers']): SurveyForm {
  const { template, invitation: i, target: t, campaign: c } = l;
  return {
    kind: l.kind,
    id: (i?.id ?? t?.id) as string,
    anonymous: c?.anonymous ?? false,
    template,
    case: i ? { reference: i.caseReference, title: i.caseTitle } : null,
    campaign: c ? { id: c.id, name: c.name, periodStart: c.periodStart, periodEnd: c.periodEnd } : null,
    provider: i?.provider ?? t?.provider ?? null,
    service: i?.service ?? null,
    entity: i?.entity ?? t?.entity ?? null,
    expiresAt: (i?.expiresAt ?? c?.closesAt)?.toISOString() ?? null,
    answeredAt: i?.answeredAt?.toISOString() ?? null,
    answers,
  };
}

/**
 * What a survey link opens: the template and what the survey is about.
 * @throws AppError SURVEY_LINK_INVALID (404), SURVEY_LINK_EXPIRED (410), SURVEY_LINK_USED (409),
 *   SURVEY_LINK_REPLACED (410), SURVEY_CLOSED (410).
 */
export async function openSurveyLink(
  db: Db,
  token: string,
  opts: { surveys?: Partial<SurveySettings>; now?: Date } = {},
): Promise<SurveyForm> {
  const loaded = await loadByToken(db, token, withDefaults(opts.surveys), opts.now ?? new Date());
  return formOf(loaded, null);
}

/** Stores a first answer to a loaded survey inside `trx` (the invitation or target was consumed just before). */
async function storeFirstAnswer(
  trx: Transaction<Database>,
  l: Loaded,
  checked: CheckedAnswers,
  language: string,
  at: Date,
  actor: number | null,
) {
  const base = {
    templateId: l.template.id,
    overallRating: checked.overallRating,
    recommendScore: checked.recommendScore,
    answers: checked.answers,
  };
  let responseId: string;
  if (l.invitation) {
    const i = l.invitation;
    responseId = await insertResponse(trx, {
      ...base,
      source: 'transactional',
      anonymous: false,
      invitationId: i.id,
      campaignId: null,
      campaignTargetId: null,
      respondentUserId: i.userId,
      provider: i.provider?.code ?? null,
      service: i.service.code,
      entity: i.entity.code,
      // a transactional answer counts in the period its case was resolved (the invitation's day, UTC)
      periodDate: i.createdAt.toISOString().slice(0, 10),
      language,
      at,
    });
  } else {
    const t = l.target as TargetRow;
    const c = l.campaign as CampaignRow;
    if (c.anonymous) {
      await rewriteCampaignTargets(trx, c.id);
      responseId = await insertResponse(trx, {
        ...base,
        source: 'campaign',
        anonymous: true,
        invitationId: null,
        campaignId: c.id,
        campaignTargetId: null,
        respondentUserId: null,
        provider: t.provider.code,
        service: null,
        entity: null,
        periodDate: c.periodEnd,
        language: null,
        at: null,
      });
      await saveComments(trx, responseId, checked.texts);
      return; // no audit event: it would tie the answer to a person and a time
    }
    responseId = await insertResponse(trx, {
      ...base,
      source: 'campaign',
      anonymous: false,
      invitationId: null,
      campaignId: c.id,
      campaignTargetId: t.id,
      respondentUserId: t.userId,
      provider: t.provider.code,
      service: null,
      entity: t.entity.code,
      periodDate: c.periodEnd,
      language,
      at,
    });
  }
  await saveComments(trx, responseId, checked.texts);
  await appendAuditEvent(trx, {
    actorUserId: actor,
    action: 'survey.response.recorded',
    targetType: 'survey_response',
    targetId: responseId,
    details: { kind: l.kind, via: actor === null ? 'link' : 'portal' },
  });
}

/**
 * Answers a survey through its link (single use).
 * @returns `recorded`.
 * @throws AppError SURVEY_ANSWERS_INVALID (each bad answer named), and the link errors of `openSurveyLink`
 *   (a second submission of the same link: SURVEY_LINK_USED).
 */
export async function answerSurveyLink(
  db: Db,
  token: string,
  body: AnswerBody,
  opts: { surveys?: Partial<SurveySettings>; now?: Date } = {},
): Promise<AnswerResult> {
  const now = opts.now ?? new Date();
  const settings = withDefaults(opts.surveys);
  const loaded = await loadByToken(db, token, settings, now);
  const checked = checkAnswers(loaded.template, body.answers);
  const consumed = await db.transaction().execute(async (trx) => {
    const ok = loaded.invitation
      ? await consumeInvitation(trx, loaded.invitation.id, { tokenHash: loaded.hash }, now)
      : await consumeTarget(trx, (loaded.target as TargetRow).id, { tokenHash: loaded.hash });
    if (!ok) return false;
    await storeFirstAnswer(trx, loaded, checked, body.language, now, null);
    return true;
  });
  if (!consumed) {
    // someone used (or replaced) the link meanwhile: say which
    await loadByToken(db, token, settings, now);
    throw linkUsed();
  }
  return { status: 'recorded' };
}

/**
 * The signed-in user's surveys: transactional invitations that were sent (answered ones while they can
 * still be changed), and their targets in open campaigns.
 */
export async function findMySurveys(db: Db, user: User, opts: { now?: Date } = {}): Promise<MySurvey[]> {
  const now = (opts.now ?? new Date()).getTime();
  const [invitations, targets] = await Promise.all([findInvitationsOfUser(db, user.id), findOpenTargetsOfUser(db, user.id)]);
  const out: MySurvey[] = [];
  for (const i of invitations) {
    if (!i.expiresAt || i.expiresAt.getTime() <= now) continue;
    out.push({
      kind: 'transactional',
      id: i.id,
      title: i.caseTitle,
      reference: i.caseReference,
      provider: i.provider,
      anonymous: false,
      expiresAt: i.expiresAt.toISOString(),
      answered: i.status === 'answered',
    });
  }
  for (const t of targets) {
    if (t.closesAt.getTime() <= now || (t.responded && t.anonymous)) continue;
    out.push({
      kind: 'campaign',
      id: t.id,
      title: t.campaignName,
      reference: null,
      provider: t.provider,
      anonymous: t.anonymous,
      expiresAt: t.closesAt.toISOString(),
      answered: t.responded,
    });
  }
  return out;
}

function answeredBefore(l: Loaded): boolean {
  return l.invitation ? l.invitation.status === 'answered' : Boolean(l.target?.responded);
}

/**
 * One of the signed-in user's surveys, with their earlier answers when they may change them.
 * @throws AppError SURVEY_NOT_FOUND (not theirs), SURVEY_LINK_EXPIRED, SURVEY_CLOSED, SURVEY_ALREADY_ANSWERED (anonymous).
 */
export async function openMySurvey(db: Db, user: User, kind: Kind, id: string, opts: { now?: Date } = {}): Promise<SurveyForm> {
  const l = await loadMine(db, user, kind, id, opts.now ?? new Date());
  if (!answeredBefore(l)) return formOf(l, null);
  const prior = await findNamedResponse(
    db,
    l.invitation ? { invitationId: l.invitation.id } : { targetId: (l.target as TargetRow).id },
  );
  return formOf(l, prior ? { ...prior.answers, ...prior.texts } : null);
}

/**
 * Answers one of the signed-in user's surveys in the portal, or saves a named answer again: the same
 * answers write nothing (`unchanged`); changed ones replace the earlier ones (`updated`). Never sends e-mail.
 * @throws AppError SURVEY_ANSWERS_INVALID, SURVEY_NOT_FOUND, SURVEY_LINK_EXPIRED, SURVEY_CLOSED, SURVEY_ALREADY_ANSWERED.
 */
export async function answerMySurvey(
  db: Db,
  user: User,
  kind: Kind,
  id: string,
  body: AnswerBody,
  opts: { now?: Date } = {},
): Promise<AnswerResult> {
  const now = opts.now ?? new Date();
  const l = await loadMine(db, user, kind, id, now);
  const checked = checkAnswers(l.template, body.answers);
  if (!answeredBefore(l)) {
    const consumed = await db.transaction().execute(async (trx) => {
      const ok = l.invitation
        ? await consumeInvitation(trx, l.invitation.id, { userId: user.id }, now)
        : await consumeTarget(trx, (l.target as TargetRow).id, { userId: user.id });
      if (!ok) return false;
      await storeFirstAnswer(trx, l, checked, body.language, now, user.id);
      return true;
    });
    if (consumed) return { status: 'recorded' };
    // answered meanwhile (another tab, or the link): fall through to a re-save of what is there now
    return answerMySurvey(db, user, kind, id, body, opts);
  }
  const prior = await findNamedResponse(
    db,
    l.invitation ? { invitationId: l.invitation.id } : { targetId: (l.target as TargetRow).id },
  );
  if (!prior) throw notFound();
  const before = { ...prior.answers, ...prior.texts };
  const after = { ...checked.answers, ...checked.texts };
  if (sameAnswers(before, after)) return { status: 'unchanged' };
  await db.transaction().execute(async (trx) => {
    await updateResponse(trx, prior.id, {
      answers: checked.answers,
      overallRating: checked.overallRating,
      recommendScore: checked.recommendScore,
      language: body.language,
      at: now,
    });
    await saveComments(trx, prior.id, checked.texts);
    await appendAuditEvent(trx, {
      actorUserId: user.id,
      action: 'survey.response.updated',
      targetType: 'survey_response',
      targetId: prior.id,
      details: {
        kind,
        changed: Object.keys({ ...before, ...after }).filter(
          (k) => !sameAnswers({ [k]: before[k] ?? '' }, { [k]: after[k] ?? '' }),
        ),
      },
    });
  });
  return { status: 'updated' };
}
