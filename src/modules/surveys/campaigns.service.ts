/**
 * Periodic campaigns to entity focal points (e.g. yearly): a coordinator names the target entities and the
 * period; launching asks every active focal point of those entities about every provider that serves their
 * entity on the launch day (assignments in force), one target and one signed link per provider, in one
 * e-mail per focal point. Reminders go to those who have not answered (with new links that replace the
 * earlier ones), by hand or every `reminderIntervalDays` days through `runSurveySchedule`; a campaign
 * closes by hand or at `closesAt`. Anonymous campaigns: see `answers.service.ts` and decision 0010.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';
import { AppError } from '../../server/errors.ts';
import { startPeriodic } from '../../server/periodic.ts';
import { enqueueEmail } from '../cases/cases.repository.ts';
import { appendAuditEvent } from '../identity/identity.repository.ts';
import type { User } from '../identity/identity.schema.ts';
import { campaignEmail, emailLanguage } from './emails.ts';
import { createLinkToken, surveyLinkUrl } from './links.ts';
import { linkSecret, type SurveySettings, withDefaults } from './settings.ts';
import {
  type CampaignRow,
  existingEntities,
  findCampaign,
  findCampaigns,
  findFocalPoints,
  findOpenCampaigns,
  findProvidersServing,
  findPublishedTemplate,
  findTargets,
  insertCampaign,
  insertTargets,
  setCampaignReminded,
  setCampaignStatus,
  setTargetToken,
  type TargetRow,
} from './surveys.repository.ts';
import type { Campaign, CampaignDetail, CreateCampaignInput } from './surveys.schema.ts';

type Db = Kysely<Database>;
const DAY_MS = 86_400_000;

function toCampaign(c: CampaignRow): Campaign {
  return {
    id: c.id,
    name: c.name,
    templateVersion: c.templateVersion,
    anonymous: c.anonymous,
    status: c.status,
    periodStart: c.periodStart,
    periodEnd: c.periodEnd,
    closesAt: c.closesAt.toISOString(),
    reminderIntervalDays: c.reminderIntervalDays,
    entities: c.entities,
    createdAt: c.createdAt.toISOString(),
    launchedAt: c.launchedAt?.toISOString() ?? null,
    lastReminderAt: c.lastReminderAt?.toISOString() ?? null,
    closedAt: c.closedAt?.toISOString() ?? null,
    targets: c.targets,
    responded: c.responded,
    responseRate: c.targets ? c.responded / c.targets : null,
  };
}

async function mustFind(db: Db | Transaction<Database>, id: number): Promise<CampaignRow> {
  const c = await findCampaign(db, id);
  if (!c) throw new AppError('SURVEY_CAMPAIGN_NOT_FOUND', `No survey campaign ${id}`);
  return c;
}

/**
 * Creates a draft campaign on the published template.
 * @throws AppError VALIDATION_FAILED (unknown entity codes, each named; closing day before today),
 *   SURVEY_TEMPLATE_NOT_FOUND (nothing published).
 */
export async function createCampaign(
  db: Db,
  actor: User,
  input: CreateCampaignInput,
  opts: { now?: Date } = {},
): Promise<Campaign> {
  const now = opts.now ?? new Date();
  const entities = [...new Set(input.entities)];
  const known = await existingEntities(db, entities);
  const unknown = entities.filter((e) => !known.has(e));
  if (unknown.length) {
    throw new AppError('VALIDATION_FAILED', `Unknown client entities: ${unknown.join(', ')}`, {
      issues: unknown.map((e) => ({ field: `entities.${entities.indexOf(e)}`, message: `no client entity ${e}` })),
    });
  }
  const closesAt = new Date(`${input.closesOn}T23:59:59.999Z`);
  if (closesAt.getTime() <= now.getTime()) {
    throw new AppError('VALIDATION_FAILED', `The closing day ${input.closesOn} has passed`, {
      issues: [{ field: 'closesOn', message: 'must be today or later' }],
    });
  }
  const template = await findPublishedTemplate(db);
  if (!template) throw new AppError('SURVEY_TEMPLATE_NOT_FOUND', 'No survey template is published');
  const id = await db.transaction().execute(async (trx) => {
    const id = await insertCampaign(trx, {
      name: input.name,
      templateId: template.id,
      anonymous: input.anonymous,
      periodStart: input.periodStart,
      periodEnd: input.periodEnd,
      closesAt,
      reminderIntervalDays: input.reminderIntervalDays,
      entities,
      createdBy: actor.id,
      at: now,
    });
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'survey.campaign.created',
      targetType: 'survey_campaign',
      targetId: String(id),
      details: { name: input.name, anonymous: input.anonymous, entities: entities.length },
    });
    return id;
  });
  return toCampaign(await mustFind(db, id));
}

/** Every campaign with its response counts, newest first. */
export async function listCampaigns(db: Db): Promise<Campaign[]> {
  return (await findCampaigns(db)).map(toCampaign);
}

/**
 * A campaign with its tracking: each target (who, which entity and provider, answered or not, reminders),
 * counts per entity, and the providers of an anonymous campaign with fewer answers than the minimum group
 * (their answers stay out of the figures until enough come in).
 * @throws AppError SURVEY_CAMPAIGN_NOT_FOUND.
 */
export async function viewCampaign(
  db: Db,
  id: number,
  opts: { surveys?: Partial<SurveySettings> } = {},
): Promise<CampaignDetail> {
  const c = await mustFind(db, id);
  const targets = await findTargets(db, id);
  const byEntity = new Map<string, { entity: string; targets: number; responded: number }>();
  const byProvider = new Map<string, number>();
  for (const t of targets) {
    const e = byEntity.get(t.entity.code) ?? { entity: t.entity.code, targets: 0, responded: 0 };
    e.targets++;
    if (t.responded) e.responded++;
    byEntity.set(t.entity.code, e);
    if (t.responded) byProvider.set(t.provider.code, (byProvider.get(t.provider.code) ?? 0) + 1);
  }
  const min = withDefaults(opts.surveys).anonymousMinGroup;
  const providers = [...new Set(targets.map((t) => t.provider.code))];
  return {
    campaign: toCampaign(c),
    targets: targets.map((t) => ({
      id: t.id,
      user: { id: t.userId, name: t.userName, email: t.userEmail },
      entity: t.entity.code,
      provider: t.provider.code,
      responded: t.responded,
      remindersSent: t.remindersSent,
    })),
    byEntity: [...byEntity.values()],
    smallAnonymousGroups: c.anonymous ? providers.filter((p) => (byProvider.get(p) ?? 0) < min).sort() : [],
  };
}

/** Queues one e-mail per focal point with a fresh link per provider; stores only the links' hashes. */
async function mailTargets(
  trx: Transaction<Database>,
  c: CampaignRow,
  targets: TargetRow[],
  settings: SurveySettings,
  reminder: boolean,
  at: Date,
): Promise<number> {
  const secret = await linkSecret(trx, settings);
  const byUser = new Map<number, TargetRow[]>();
  for (const t of targets) byUser.set(t.userId, [...(byUser.get(t.userId) ?? []), t]);
  for (const list of byUser.values()) {
    const first = list[0] as TargetRow;
    const lang = emailLanguage(first.userLocale);
    const links: { provider: string; link: string }[] = [];
    for (const t of list) {
      const { token, hash } = createLinkToken(secret, { kind: 'c', id: t.id, expiresAt: c.closesAt.getTime() });
      await setTargetToken(trx, t.id, hash, reminder);
      links.push({
        provider: `${t.provider.code} (${t.provider.name[lang] ?? t.provider.name.en})`,
        link: surveyLinkUrl(settings.publicUrl, token),
      });
    }
    const mail = campaignEmail(first.userLocale, {
      campaign: c.name,
      entity: first.entity.name[lang] ?? first.entity.code,
      anonymous: c.anonymous,
      closesAt: c.closesAt,
      reminder,
      links,
    });
    await enqueueEmail(trx, { caseId: null, to: first.userEmail, subject: mail.subject, body: mail.body, at });
  }
  return byUser.size;
}

/**
 * Launches a draft campaign: targets every active focal point of its entities for every provider serving
 * the entity today, and queues their e-mails, in one transaction.
 * @returns the campaign and the number of e-mails queued.
 * @throws AppError SURVEY_CAMPAIGN_NOT_FOUND, SURVEY_CAMPAIGN_STATE (not a draft), SURVEY_CAMPAIGN_NO_TARGETS
 *   (no focal point, or no provider serves their entities).
 */
export async function launchCampaign(
  db: Db,
  actor: User,
  id: number,
  opts: { surveys?: Partial<SurveySettings>; now?: Date } = {},
): Promise<{ campaign: Campaign; emails: number }> {
  const now = opts.now ?? new Date();
  const settings = withDefaults(opts.surveys);
  const emails = await db.transaction().execute(async (trx) => {
    const c = await mustFind(trx, id);
    if (!(await setCampaignStatus(trx, id, 'draft', 'open', now))) {
      throw new AppError('SURVEY_CAMPAIGN_STATE', `Campaign ${id} is ${c.status}; only a draft can be launched`);
    }
    const focal = await findFocalPoints(trx, c.entities);
    const serving = await findProvidersServing(trx, c.entities, now.toISOString().slice(0, 10));
    const rows = focal.flatMap((u) =>
      serving.filter((s) => s.entity === u.entity_code).map((s) => ({ userId: u.id, entity: s.entity, provider: s.provider })),
    );
    if (rows.length === 0) {
      throw new AppError(
        'SURVEY_CAMPAIGN_NO_TARGETS',
        `No one to ask: ${focal.length ? 'no provider serves these entities' : 'these entities have no active focal point'}`,
        { details: { entities: c.entities } },
      );
    }
    await insertTargets(trx, id, rows);
    const sent = await mailTargets(trx, c, await findTargets(trx, id), settings, false, now);
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'survey.campaign.launched',
      targetType: 'survey_campaign',
      targetId: String(id),
      details: { targets: rows.length, emails: sent },
    });
    return sent;
  });
  return { campaign: toCampaign(await mustFind(db, id)), emails };
}

/**
 * Sends reminders to the targets of an open campaign who have not answered (new links replace the earlier
 * ones). `actor` null: the schedule.
 * @returns the number of e-mails queued.
 * @throws AppError SURVEY_CAMPAIGN_NOT_FOUND, SURVEY_CAMPAIGN_STATE (not open).
 */
export async function remindCampaign(
  db: Db,
  actor: User | null,
  id: number,
  opts: { surveys?: Partial<SurveySettings>; now?: Date } = {},
): Promise<{ emails: number }> {
  const now = opts.now ?? new Date();
  const settings = withDefaults(opts.surveys);
  const emails = await db.transaction().execute(async (trx) => {
    const c = await mustFind(trx, id);
    if (c.status !== 'open')
      throw new AppError('SURVEY_CAMPAIGN_STATE', `Campaign ${id} is ${c.status}; only an open campaign sends reminders`);
    const pending = await findTargets(trx, id, true);
    const sent = pending.length ? await mailTargets(trx, c, pending, settings, true, now) : 0;
    await setCampaignReminded(trx, id, now);
    await appendAuditEvent(trx, {
      actorUserId: actor?.id ?? null,
      action: 'survey.campaign.reminded',
      targetType: 'survey_campaign',
      targetId: String(id),
      details: { emails: sent, pending: pending.length, by: actor ? 'hand' : 'schedule' },
    });
    return sent;
  });
  return { emails };
}

/**
 * Closes an open campaign: its links stop working.
 * @throws AppError SURVEY_CAMPAIGN_NOT_FOUND, SURVEY_CAMPAIGN_STATE (not open).
 */
export async function closeCampaign(db: Db, actor: User | null, id: number, opts: { now?: Date } = {}): Promise<Campaign> {
  const now = opts.now ?? new Date();
  await db.transaction().execute(async (trx) => {
    const c = await mustFind(trx, id);
    if (!(await setCampaignStatus(trx, id, 'open', 'closed', now))) {
      throw new AppError('SURVEY_CAMPAIGN_STATE', `Campaign ${id} is ${c.status}; only an open campaign can be closed`);
    }
    await appendAuditEvent(trx, {
      actorUserId: actor?.id ?? null,
      action: 'survey.campaign.closed',
      targetType: 'survey_campaign',
      targetId: String(id),
      details: { responded: c.responded, targets: c.targets },
    });
  });
  return toCampaign(await mustFind(db, id));
}

/**
 * The campaigns' schedule, run periodically: closes open campaigns past their closing time, and sends
 * reminders where `reminderIntervalDays` have passed since the launch or the last reminder.
 * @returns what it did.
 */
export async function runSurveySchedule(
  db: Db,
  opts: { surveys?: Partial<SurveySettings>; now?: Date } = {},
): Promise<{ closed: number[]; reminded: number[] }> {
  const now = opts.now ?? new Date();
  const closed: number[] = [];
  const reminded: number[] = [];
  for (const c of await findOpenCampaigns(db)) {
    if (c.closesAt.getTime() <= now.getTime()) {
      await closeCampaign(db, null, c.id, { now });
      closed.push(c.id);
      continue;
    }
    const since = c.lastReminderAt ?? c.launchedAt;
    if (
      c.reminderIntervalDays &&
      since &&
      now.getTime() - since.getTime() >= c.reminderIntervalDays * DAY_MS &&
      c.responded < c.targets
    ) {
      await remindCampaign(db, null, c.id, opts);
      reminded.push(c.id);
    }
  }
  return { closed, reminded };
}

/**
 * Runs `runSurveySchedule` every `intervalMs` ms until stopped; errors are logged and the next run goes on.
 * @returns stop: resolves once the run in progress, if any, has finished.
 */
export function startSurveyScheduler(
  db: Db,
  settings: Partial<SurveySettings>,
  intervalMs: number,
  logger?: { error(obj: object, msg: string): void },
): () => Promise<void> {
  return startPeriodic(
    async () => {
      await runSurveySchedule(db, { surveys: settings });
    },
    intervalMs,
    (e) => logger?.error({ err: e }, 'surveys: a schedule run failed'),
  );
}
