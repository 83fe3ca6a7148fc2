/**
 * The transactional survey: one invitation per resolved case, ever, sent through the e-mail outbox in the
 * transaction that resolves the case. `onCaseResolved` is the only hook the cases module calls.
 *
 * Rules, in order: no requester (a case opened by a coordinator) or a child task -> nothing; the case already
 * has an invitation (a reopened and re-resolved case) -> nothing; no published template or an inactive
 * requester -> nothing; the requester was sent one less than `throttleDays` days ago -> a `throttled` row
 * (so that the case never gets one later) and no e-mail; else a `sent` row with the hash of a signed link
 * that expires after `linkTtlDays` days, and the e-mail in the outbox.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';
import { enqueueEmail } from '../cases/cases.repository.ts';
import { appendAuditEvent } from '../identity/identity.repository.ts';
import { emailLanguage, invitationEmail } from './emails.ts';
import { createLinkToken, surveyLinkUrl } from './links.ts';
import { linkSecret, type SurveySettings, withDefaults } from './settings.ts';
import {
  findPublishedTemplate,
  insertInvitation,
  invitationExistsForCase,
  lastInvitationSentAt,
  lockUser,
  namesOf,
  setInvitationToken,
} from './surveys.repository.ts';

declare module '../cases/cases.service.ts' {
  interface CaseOptions {
    /** Survey settings for the invitation sent when a case is resolved (defaults: `DEFAULT_SURVEY_SETTINGS`). */
    surveys?: Partial<SurveySettings>;
  }
}

const DAY_MS = 86_400_000;

/** The columns of a case that the hook reads (a `cases` row fits). */
export interface ResolvedCase {
  id: string | number | bigint;
  reference: string;
  title: string;
  requester_user_id: number | null;
  parent_case_id: string | number | bigint | null;
  provider_code: string | null;
  service_code: string;
  entity_code: string;
}

export type InvitationOutcome =
  | 'no-requester'
  | 'child-task'
  | 'already-invited'
  | 'no-template'
  | 'inactive-requester'
  | 'throttled'
  | 'sent';

/**
 * Hook of the resolve transition: decides and records the case's survey invitation inside `trx`, the
 * transaction that resolves the case, and queues its e-mail in the outbox (same transaction: no e-mail
 * without the resolution, no resolution without its invitation). Invitations to one person are decided one
 * at a time (the user's row is locked), so that two cases resolved at once cannot both pass the throttle.
 * @param at the resolution instant. @param opts `surveys`: settings (throttle days, link lifetime, secret, public URL).
 * @returns what was decided (see `InvitationOutcome`). Throws only database errors.
 */
export async function onCaseResolved(
  trx: Transaction<Database>,
  c: ResolvedCase,
  at: Date,
  opts: { surveys?: Partial<SurveySettings> | undefined } = {},
): Promise<InvitationOutcome> {
  if (c.requester_user_id === null) return 'no-requester';
  if (c.parent_case_id !== null) return 'child-task';
  const caseId = String(c.id);
  const settings = withDefaults(opts.surveys);
  const user = await lockUser(trx, c.requester_user_id);
  if (await invitationExistsForCase(trx, caseId)) return 'already-invited';
  const template = await findPublishedTemplate(trx);
  if (!template) return 'no-template';
  if (!user?.active) return 'inactive-requester';
  const last = await lastInvitationSentAt(trx, c.requester_user_id);
  const throttled = settings.throttleDays > 0 && last !== null && at.getTime() - last.getTime() < settings.throttleDays * DAY_MS;
  const expiresAt = throttled ? null : new Date(at.getTime() + settings.linkTtlDays * DAY_MS);
  const id = await insertInvitation(trx, {
    caseId,
    templateId: template.id,
    userId: c.requester_user_id,
    provider: c.provider_code,
    service: c.service_code,
    entity: c.entity_code,
    status: throttled ? 'throttled' : 'sent',
    at,
    expiresAt,
  });
  await appendAuditEvent(trx, {
    actorUserId: null,
    action: throttled ? 'survey.invitation.throttled' : 'survey.invitation.sent',
    targetType: 'case',
    targetId: caseId,
    details: { invitation: id, reference: c.reference, ...(throttled ? { lastSentAt: last?.toISOString() } : {}) },
  });
  if (throttled || !expiresAt) return 'throttled';
  const secret = await linkSecret(trx, settings);
  const { token, hash } = createLinkToken(secret, { kind: 'i', id, expiresAt: expiresAt.getTime() });
  await setInvitationToken(trx, id, hash);
  const lang = emailLanguage(user.locale);
  const providerName = c.provider_code
    ? `${c.provider_code} (${(await namesOf(trx, 'provider', [c.provider_code])).get(c.provider_code)?.[lang] ?? c.provider_code})`
    : null;
  const mail = invitationEmail(user.locale, {
    reference: c.reference,
    title: c.title,
    provider: providerName,
    link: surveyLinkUrl(settings.publicUrl, token),
    expiresAt: new Date(Math.floor(expiresAt.getTime() / 1000) * 1000),
  });
  await enqueueEmail(trx, { caseId: null, to: user.email, subject: mail.subject, body: mail.body, at });
  return 'sent';
}
