/**
 * Campaigns to entity focal points: targets and e-mails at launch, answers through the links, reminders
 * (new links replace old ones), the schedule, and the anonymous mode, whose answers the database itself
 * cannot tie to a person.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { findUserForSignIn, insertUsersIfAbsent } from '../identity/identity.repository.ts';
import type { User } from '../identity/identity.schema.ts';
import { answerMySurvey, answerSurveyLink, findMySurveys, openSurveyLink } from './answers.service.ts';
import {
  closeCampaign,
  createCampaign,
  launchCampaign,
  remindCampaign,
  runSurveySchedule,
  viewCampaign,
} from './campaigns.service.ts';
import { satisfactionByProvider, surveyResults } from './results.service.ts';
import { findProvidersServing } from './surveys.repository.ts';
import { SECRET, surveyMails, tokensIn } from './surveys.test-fixtures.ts';

let h: DatabaseHandle;
let coordinator: User;
let providers: string[];
const S = { linkSecret: SECRET, publicUrl: 'https://meridian.test' };
const FOCAL = ['focal.minusca@meridian.test', 'focal2.minusca@meridian.test', 'focal3.minusca@meridian.test'];
const now = new Date();
const inDays = (d: number) => new Date(now.getTime() + d * 86_400_000);
const today = now.toISOString().slice(0, 10);
const year = now.getUTCFullYear();

beforeAll(async () => {
  h = await createTestDatabase();
  coordinator = (await findUserForSignIn(h.db, 'coordinator@meridian.test')) as User;
  const focal = (await findUserForSignIn(h.db, FOCAL[0] as string)) as User & { passwordHash: string };
  await insertUsersIfAbsent(
    h.db,
    FOCAL.slice(1).map((email, i) => ({
      email,
      name: `Focal point ${i + 2}`,
      passwordHash: focal.passwordHash,
      role: 'entity-focal-point' as const,
      scope: { type: 'entity' as const, code: 'MINUSCA' },
      locale: i === 0 ? 'fr' : 'en',
    })),
  );
  providers = [...new Set((await findProvidersServing(h.db, ['MINUSCA'], today)).map((p) => p.provider))];
});
afterAll(async () => {
  await h.close();
});

async function outbox() {
  return (
    await sql<{
      to_address: string;
      subject: string;
      body: string;
    }>`select to_address, subject, body from outbox order by id`.execute(h.db)
  ).rows;
}
const campaignInput = (anonymous: boolean) => ({
  name: `${anonymous ? 'Anonymous' : 'Named'} client survey ${year}`,
  anonymous,
  periodStart: `${year}-01-01`,
  periodEnd: `${year}-12-31`,
  closesOn: inDays(30).toISOString().slice(0, 10),
  reminderIntervalDays: 7,
  entities: ['MINUSCA'],
});

describe('an anonymous campaign', () => {
  let campaignId = 0;
  let firstMailTokens: string[] = [];
  let answeredToken = '';

  it('launches: one target per focal point and provider serving the entity, one e-mail per focal point', async () => {
    expect(providers.length).toBeGreaterThan(0);
    const c = await createCampaign(h.db, coordinator, campaignInput(true), { now });
    expect(c).toMatchObject({ status: 'draft', anonymous: true, targets: 0 });
    campaignId = c.id;
    const before = (await outbox()).length;
    const r = await launchCampaign(h.db, coordinator, c.id, { surveys: S, now });
    expect(r.emails).toBe(3);
    expect(r.campaign).toMatchObject({ status: 'open', targets: 3 * providers.length, responded: 0 });
    const mails = (await outbox()).slice(before);
    expect(mails.map((m) => m.to_address).sort()).toEqual([...FOCAL].sort());
    for (const m of mails) expect(tokensIn(m.body)).toHaveLength(providers.length);
    expect(mails.find((m) => m.to_address === FOCAL[1])?.subject).toMatch(/enquête de satisfaction/); // French locale
    expect(mails.find((m) => m.to_address === FOCAL[2])?.subject).toMatch(/satisfaction survey/);
    expect(mails.find((m) => m.to_address === FOCAL[2])?.body).toMatch(/anonymous: your answers cannot be tied to you/);
    firstMailTokens = tokensIn(mails.find((m) => m.to_address === FOCAL[0])?.body ?? '');
    await expect(launchCampaign(h.db, coordinator, c.id, { surveys: S, now })).rejects.toMatchObject({
      code: 'SURVEY_CAMPAIGN_STATE',
    });
  });

  it('stores the answer with nothing that leads back to the person, not even for the database', async () => {
    answeredToken = firstMailTokens[0] as string;
    const form = await openSurveyLink(h.db, answeredToken, { surveys: S, now });
    expect(form).toMatchObject({ kind: 'campaign', anonymous: true, entity: { code: 'MINUSCA' } });
    const auditBefore = Number((await sql<{ n: string }>`select count(*) as n from audit_events`.execute(h.db)).rows[0]?.n);
    await answerSurveyLink(
      h.db,
      answeredToken,
      { language: 'fr', answers: { overall: 2, comment: 'Délais trop longs.' } },
      { surveys: S, now },
    );

    const responses = (await sql<Record<string, unknown>>`select *, xmin::text as tx from survey_responses`.execute(h.db)).rows;
    expect(responses).toHaveLength(1);
    const r = responses[0] as Record<string, unknown>;
    expect(r).toMatchObject({
      anonymous: true,
      respondent_user_id: null,
      invitation_id: null,
      campaign_target_id: null,
      entity_code: null,
      service_code: null,
      language: null,
      submitted_at: null,
      updated_at: null,
      provider_code: form.provider?.code,
      overall_rating: 2,
    });
    expect(String(r.id)).toMatch(/^[0-9a-f-]{36}$/); // random, not a sequence
    // the target is marked answered and its token forgotten …
    const targets = (
      await sql<{ user_id: number; responded: boolean; token_hash: string | null; tx: string }>`
      select user_id, responded, token_hash, xmin::text as tx from survey_campaign_targets where campaign_id = ${campaignId}`.execute(
        h.db,
      )
    ).rows;
    expect(targets.filter((t) => t.responded)).toHaveLength(1);
    expect(targets.find((t) => t.responded)?.token_hash).toBeNull();
    // … and every target row was rewritten in the same transaction: the transaction id does not single it out
    expect(new Set(targets.map((t) => t.tx))).toEqual(new Set([r.tx]));
    // no audit event was written for it (it would carry a time and an actor)
    const auditAfter = Number((await sql<{ n: string }>`select count(*) as n from audit_events`.execute(h.db)).rows[0]?.n);
    expect(auditAfter).toBe(auditBefore);
    // the comment is kept, tied only to the anonymous response
    const comments = (await sql<{ body: string }>`select body from survey_comments`.execute(h.db)).rows;
    expect(comments).toEqual([{ body: 'Délais trop longs.' }]);
  });

  it('refuses, as a rule of the database, an anonymous response that names a person', async () => {
    const focal = (await findUserForSignIn(h.db, FOCAL[0] as string)) as User;
    await expect(
      sql`insert into survey_responses (template_id, source, anonymous, campaign_id, respondent_user_id, period_date, answers)
          values (1, 'campaign', true, ${campaignId}, ${focal.id}, ${today}, '{}')`.execute(h.db),
    ).rejects.toThrow(/survey_responses_anonymous_unlinked/);
  });

  it('refuses the used link, and the portal does not offer the answered anonymous survey again', async () => {
    await expect(
      answerSurveyLink(h.db, answeredToken, { language: 'en', answers: { overall: 5 } }, { surveys: S, now }),
    ).rejects.toMatchObject({
      code: 'SURVEY_LINK_USED',
    });
    const focal = (await findUserForSignIn(h.db, FOCAL[0] as string)) as User;
    const mine = await findMySurveys(h.db, focal, { now });
    expect(mine.filter((m) => m.kind === 'campaign')).toHaveLength(providers.length - 1);
    expect(mine.every((m) => !m.answered)).toBe(true);
  });

  it('tracks responses, and flags providers with fewer anonymous answers than the minimum group', async () => {
    const d = await viewCampaign(h.db, campaignId, { surveys: { anonymousMinGroup: 5 } });
    expect(d.campaign).toMatchObject({ targets: 3 * providers.length, responded: 1 });
    expect(d.byEntity).toEqual([{ entity: 'MINUSCA', targets: 3 * providers.length, responded: 1 }]);
    expect(d.targets.filter((t) => t.responded).map((t) => t.user.email)).toEqual([FOCAL[0]]);
    expect(d.smallAnonymousGroups).toEqual([...providers].sort());
  });

  it('keeps a lone anonymous answer out of the figures until the group is big enough', async () => {
    const q = { from: `${year}-01-01`, to: `${year}-12-31`, groupBy: 'provider' as const, source: 'all' as const };
    const hidden = await surveyResults(h.db, { kind: 'all' }, q, { surveys: { anonymousMinGroup: 5 } });
    const answeredProvider = (await sql<{ p: string }>`select provider_code as p from survey_responses`.execute(h.db)).rows[0]
      ?.p as string;
    const row = hidden.rows.find((r) => r.key === answeredProvider);
    expect(row).toMatchObject({ responses: 0, meanRating: null, withheldAnonymous: 1, invited: 3, answered: 1 });
    expect(await satisfactionByProvider(h.db, { from: q.from, to: q.to }, { surveys: { anonymousMinGroup: 5 } })).toEqual([]);
    const shown = await surveyResults(h.db, { kind: 'all' }, q, { surveys: { anonymousMinGroup: 1 } });
    expect(shown.rows.find((r) => r.key === answeredProvider)).toMatchObject({
      responses: 1,
      meanRating: 2,
      withheldAnonymous: 0,
    });
    // an entity's view never holds anonymous answers (they carry no entity)
    const entity = await surveyResults(
      h.db,
      { kind: 'entity', code: 'MINUSCA' },
      { ...q, groupBy: 'entity' },
      { surveys: { anonymousMinGroup: 1 } },
    );
    expect(entity.total.responses).toBe(0);
  });

  it('reminds those who have not answered with new links that replace the earlier ones', async () => {
    const before = (await outbox()).length;
    const r = await remindCampaign(h.db, coordinator, campaignId, { surveys: S, now: inDays(1) });
    const mails = (await outbox()).slice(before);
    expect(r.emails).toBe(providers.length > 1 ? 3 : 2);
    expect(mails.every((m) => /^Reminder|^Rappel/.test(m.subject))).toBe(true);
    const f0 = mails.find((m) => m.to_address === FOCAL[0]);
    if (providers.length > 1) {
      expect(tokensIn(f0?.body ?? '')).toHaveLength(providers.length - 1);
      // the first e-mail's link for a pending provider was replaced
      await expect(openSurveyLink(h.db, firstMailTokens[1] as string, { surveys: S, now })).rejects.toMatchObject({
        code: 'SURVEY_LINK_REPLACED',
      });
      const fresh = tokensIn(f0?.body ?? '')[0] as string;
      expect((await openSurveyLink(h.db, fresh, { surveys: S, now })).kind).toBe('campaign');
    } else {
      expect(f0).toBeUndefined();
    }
  });

  it('the schedule reminds after the interval and closes at the closing time; then links say the survey closed', async () => {
    const early = await runSurveySchedule(h.db, { surveys: S, now: inDays(3) });
    expect(early).toEqual({ closed: [], reminded: [] });
    const due = await runSurveySchedule(h.db, { surveys: S, now: inDays(9) });
    expect(due.reminded).toEqual([campaignId]);
    const lastMail = surveyMails(await outbox()).at(-1);
    const token = tokensIn(lastMail?.body ?? '')[0] as string;
    const end = await runSurveySchedule(h.db, { surveys: S, now: inDays(32) });
    expect(end.closed).toEqual([campaignId]);
    await expect(openSurveyLink(h.db, token, { surveys: S, now: inDays(9) })).rejects.toMatchObject({ code: 'SURVEY_CLOSED' });
    await expect(closeCampaign(h.db, coordinator, campaignId)).rejects.toMatchObject({ code: 'SURVEY_CAMPAIGN_STATE' });
  });
});

describe('a named campaign', () => {
  it('ties the answer to the target, the person and the entity, and can be changed in the portal', async () => {
    const c = await createCampaign(h.db, coordinator, campaignInput(false), { now });
    await launchCampaign(h.db, coordinator, c.id, { surveys: S, now });
    const focal = (await findUserForSignIn(h.db, FOCAL[2] as string)) as User;
    const mine = (await findMySurveys(h.db, focal, { now })).filter((m) => m.kind === 'campaign' && !m.anonymous);
    expect(mine).toHaveLength(providers.length);
    const id = mine[0]?.id as string;
    expect(await answerMySurvey(h.db, focal, 'campaign', id, { language: 'en', answers: { overall: 4 } }, { now })).toEqual({
      status: 'recorded',
    });
    expect(await answerMySurvey(h.db, focal, 'campaign', id, { language: 'en', answers: { overall: 4 } }, { now })).toEqual({
      status: 'unchanged',
    });
    const r = (await sql<Record<string, unknown>>`select * from survey_responses where not anonymous`.execute(h.db)).rows;
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ respondent_user_id: focal.id, entity_code: 'MINUSCA', period_date: `${year}-12-31` });
    expect(String(r[0]?.campaign_target_id)).toBe(id);
  });

  it('refuses unknown entities by name, and a campaign whose entities have no focal point', async () => {
    await expect(
      createCampaign(h.db, coordinator, { ...campaignInput(false), entities: ['MINUSCA', 'NOPE'] }, { now }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ field: 'entities.1', message: 'no client entity NOPE' }],
    });
    const c = await createCampaign(h.db, coordinator, { ...campaignInput(false), entities: ['RCO-CL'] }, { now });
    await expect(launchCampaign(h.db, coordinator, c.id, { surveys: S, now })).rejects.toMatchObject({
      code: 'SURVEY_CAMPAIGN_NO_TARGETS',
    });
  });
});
