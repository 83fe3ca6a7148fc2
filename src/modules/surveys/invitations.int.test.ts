/**
 * The transactional survey end to end through the API: the invitation queued with the resolution, one per
 * case across reopen and re-resolve, the throttle, the signed link (single use, expiry, forgery), answering in
 * the portal and saving again (nothing sent, nothing written when unchanged).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { transitionCase } from '../cases/cases.service.ts';
import { findUserForSignIn } from '../identity/identity.repository.ts';
import type { User } from '../identity/identity.schema.ts';
import { openSurveyLink } from './answers.service.ts';
import { PAYROLL, SECRET, type SurveyTestApp, surveyMails, surveyTestApp, tokensIn } from './surveys.test-fixtures.ts';

let h: DatabaseHandle;
let t: SurveyTestApp;
const REQUESTER = 'requester.rco-cl';

beforeAll(async () => {
  h = await createTestDatabase();
  t = await surveyTestApp(h, { throttleDays: 30, linkTtlDays: 14 }, [REQUESTER, 'requester.minusca', 'agent.unon']);
});
afterAll(async () => {
  await t.app.close();
  await h.close();
});

async function invitations() {
  const r = await sql<{ case_id: string; status: string; token_hash: string | null; user_id: number }>`
    select case_id, status, token_hash, user_id from survey_invitations order by id`.execute(h.db);
  return r.rows;
}
async function count(table: string): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(h.db);
  return Number(r.rows[0]?.n);
}
const open = (token: string) => t.app.inject({ method: 'POST', url: '/api/survey-links/open', payload: { token } });
const answer = (token: string, answers: object, language = 'en') =>
  t.app.inject({ method: 'POST', url: '/api/survey-links/answer', payload: { token, language, answers } });

let firstRef = '';
let firstToken = '';

describe('the invitation after a resolved case', () => {
  it('is queued in the outbox with the resolution: a signed link, no case tag, only its hash stored', async () => {
    firstRef = await t.request(REQUESTER);
    const before = surveyMails(await t.outbox()).length;
    expect((await t.move(firstRef, 'resolved')).statusCode).toBe(200);
    const mails = surveyMails(await t.outbox());
    expect(mails.length).toBe(before + 1);
    const mail = mails.at(-1) as (typeof mails)[number];
    expect(mail.to_address).toBe('requester.rco-cl@meridian.test');
    expect(mail.case_id).toBeNull(); // no [MER-…] threading: a reply does not land on the case
    expect(mail.subject).toContain(firstRef);
    expect(mail.body).toContain('UNON');
    const tokens = tokensIn(mail.body);
    expect(tokens).toHaveLength(1);
    firstToken = tokens[0] as string;
    expect(mail.body).toContain(`https://meridian.test/survey#${firstToken}`);
    const inv = await invitations();
    expect(inv).toHaveLength(1);
    expect(inv[0]?.status).toBe('sent');
    // only a hash is kept, never the token
    expect(inv[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    const dump = JSON.stringify((await sql`select * from survey_invitations`.execute(h.db)).rows);
    expect(dump).not.toContain(firstToken);
  });

  it('is sent once per case: reopening and resolving again sends no second invitation', async () => {
    const before = surveyMails(await t.outbox()).length;
    expect((await t.move(firstRef, 'reopen', REQUESTER)).statusCode).toBe(200);
    expect((await t.move(firstRef, 'resolved')).statusCode).toBe(200);
    expect((await t.move(firstRef, 'reopen', REQUESTER)).statusCode).toBe(200);
    expect((await t.move(firstRef, 'resolved')).statusCode).toBe(200);
    expect(surveyMails(await t.outbox()).length).toBe(before);
    expect(await invitations()).toHaveLength(1);
    // the first link still works (the re-resolution did not replace it)
    expect((await open(firstToken)).statusCode).toBe(200);
  });

  it('is throttled: a second case of the same person within N days gets a throttled row and no e-mail', async () => {
    const ref = await t.request(REQUESTER, { ...PAYROLL, title: 'Second payroll question' });
    const before = surveyMails(await t.outbox()).length;
    expect((await t.move(ref, 'resolved')).statusCode).toBe(200);
    expect(surveyMails(await t.outbox()).length).toBe(before);
    const inv = await invitations();
    expect(inv.map((i) => i.status)).toEqual(['sent', 'throttled']);
    expect(inv[1]?.token_hash).toBeNull();
    // and it stays without one: reopened and resolved again, still nothing
    await t.move(ref, 'reopen', REQUESTER);
    await t.move(ref, 'resolved');
    expect(surveyMails(await t.outbox()).length).toBe(before);
    // another person is not throttled by it
    const other = await t.request('requester.minusca', {
      service: 'FIN-PAYABLE',
      title: 'Invoice 42 unpaid',
      impact: 3,
      urgency: 3,
    });
    await t.move(other, 'resolved');
    const mails = surveyMails(await t.outbox());
    expect(mails.length).toBe(before + 1);
    expect(mails.at(-1)?.to_address).toBe('requester.minusca@meridian.test');
  });

  it('is sent again to the same person once N days have passed since the last one', async () => {
    const actor = (await findUserForSignIn(h.db, 'coordinator@meridian.test')) as User;
    const ref = await t.request(REQUESTER, { ...PAYROLL, title: 'Third payroll question' });
    const before = surveyMails(await t.outbox()).length;
    const version = (await t.app.inject({ url: `/api/cases/${ref}`, headers: t.as.coordinator })).json().case.version;
    const in31Days = new Date(Date.now() + 31 * 86_400_000);
    await transitionCase(h.db, actor, ref, version, 'resolved', undefined, {
      now: in31Days,
      surveys: { throttleDays: 30, linkSecret: SECRET, publicUrl: 'https://meridian.test' },
    });
    expect(surveyMails(await t.outbox()).length).toBe(before + 1);
    expect((await invitations()).at(-1)?.status).toBe('sent');
  });

  it('is not sent for a case opened by a coordinator (no requester)', async () => {
    const before = await count('survey_invitations');
    const ref = await t.request('coordinator', {
      service: 'FIN-PAYABLE',
      title: 'For RCO-CL',
      entity: 'RCO-CL',
      impact: 3,
      urgency: 3,
    });
    await t.move(ref, 'resolved');
    expect(await count('survey_invitations')).toBe(before);
  });
});

describe('the signed link', () => {
  it('opens the survey without sign-in, in both languages', async () => {
    const r = await open(firstToken);
    expect(r.statusCode, r.body).toBe(200);
    const form = r.json();
    expect(form).toMatchObject({
      kind: 'transactional',
      anonymous: false,
      case: { reference: firstRef },
      provider: { code: 'UNON' },
    });
    expect(form.template.questions.map((q: { type: string }) => q.type)).toContain('recommendation');
    expect(form.template.title.fr).toBe('Enquête de satisfaction des clients');
  });

  it('refuses invalid answers naming each one, and stays usable', async () => {
    const r = await answer(firstToken, { overall: 9, resolved: 'maybe' });
    expect(r.statusCode).toBe(400);
    expect(r.json().code).toBe('SURVEY_ANSWERS_INVALID');
    expect(r.json().errors.map((e: { field: string }) => e.field)).toEqual(['answers.overall', 'answers.resolved']);
    expect((await open(firstToken)).statusCode).toBe(200);
  });

  it('works once: the answer is recorded, the token forgotten, and reusing the link is refused', async () => {
    const outboxBefore = (await t.outbox()).length;
    const r = await answer(firstToken, {
      overall: 4,
      recommend: 9,
      resolved: 'yes',
      improve: ['speed'],
      comment: 'Fast and clear.',
    });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toEqual({ status: 'recorded' });
    const [inv] = await invitations();
    expect(inv).toMatchObject({ status: 'answered', token_hash: null });
    const reused = await answer(firstToken, { overall: 1 });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().code).toBe('SURVEY_LINK_USED');
    const reopened = await open(firstToken);
    expect(reopened.statusCode).toBe(409);
    expect(reopened.json().detail).toMatch(/already answered/);
    // one response, with the figures in their columns, and no e-mail for answering
    const rows = (
      await sql<{ overall_rating: number; recommend_score: number; respondent_user_id: number; language: string }>`
      select overall_rating, recommend_score, respondent_user_id, language from survey_responses`.execute(h.db)
    ).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ overall_rating: 4, recommend_score: 9, language: 'en' });
    expect((await t.outbox()).length).toBe(outboxBefore);
  });

  it('refuses an expired link with its own code', async () => {
    const actor = (await findUserForSignIn(h.db, 'coordinator@meridian.test')) as User;
    const ref = await t.request('requester.minusca', { service: 'FIN-PAYABLE', title: 'Old invoice', impact: 3, urgency: 3 });
    const version = (await t.app.inject({ url: `/api/cases/${ref}`, headers: t.as.coordinator })).json().case.version;
    // resolved 100 days from now for this person's throttle, its link valid 14 days: expired "now + 120 days"
    const resolvedAt = new Date(Date.now() + 100 * 86_400_000);
    await transitionCase(h.db, actor, ref, version, 'resolved', undefined, {
      now: resolvedAt,
      surveys: { linkSecret: SECRET, publicUrl: 'https://meridian.test', linkTtlDays: 14 },
    });
    const token = tokensIn(surveyMails(await t.outbox()).at(-1)?.body ?? '')[0] as string;
    await expect(
      openSurveyLink(h.db, token, { surveys: { linkSecret: SECRET }, now: new Date(resolvedAt.getTime() + 86_400_000) }),
    ).resolves.toBeTruthy();
    await expect(
      openSurveyLink(h.db, token, { surveys: { linkSecret: SECRET }, now: new Date(resolvedAt.getTime() + 15 * 86_400_000) }),
    ).rejects.toMatchObject({ code: 'SURVEY_LINK_EXPIRED', status: 410 });
  });

  it('refuses forged and truncated links as invalid', async () => {
    const parts = firstToken.split('.');
    for (const bad of [
      firstToken.slice(0, -3),
      [parts[0], '999', ...parts.slice(2)].join('.'),
      'i.1.9999999999.AAAAAAAAAAAAAAAAAAAAAA.x',
    ]) {
      const r = await open(bad);
      expect(r.statusCode).toBe(404);
      expect(r.json().code).toBe('SURVEY_LINK_INVALID');
    }
  });
});

describe('answering in the portal', () => {
  let id = '';
  it('lists the requester’s surveys, and answers one without the link', async () => {
    const ref = await t.request('requester.minusca', { service: 'FIN-PAYABLE', title: 'Portal answer', impact: 3, urgency: 3 });
    // minusca's last invitation is within the throttle: lift it by building the invitation 31 days later
    const actor = (await findUserForSignIn(h.db, 'coordinator@meridian.test')) as User;
    const version = (await t.app.inject({ url: `/api/cases/${ref}`, headers: t.as.coordinator })).json().case.version;
    await transitionCase(h.db, actor, ref, version, 'resolved', undefined, { surveys: { throttleDays: 0, linkSecret: SECRET } });
    const mine = await t.app.inject({ url: '/api/surveys/mine', headers: t.as['requester.minusca'] });
    expect(mine.statusCode).toBe(200);
    const item = mine.json().find((s: { reference: string }) => s.reference === ref);
    expect(item).toMatchObject({ kind: 'transactional', answered: false });
    id = item.id;
    // someone else cannot open it
    expect((await t.app.inject({ url: `/api/surveys/mine/transactional/${id}`, headers: t.as[REQUESTER] })).statusCode).toBe(404);
    // the language answered in is one of the UN's six
    const unknown = await t.app.inject({
      method: 'PUT',
      url: `/api/surveys/mine/transactional/${id}`,
      headers: t.as['requester.minusca'],
      payload: { language: 'xx', answers: { overall: 3 } },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].field).toBe('body.language');
    const r = await t.app.inject({
      method: 'PUT',
      url: `/api/surveys/mine/transactional/${id}`,
      headers: t.as['requester.minusca'],
      payload: { language: 'fr', answers: { overall: 3, comment: 'Correct.' } },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'recorded' });
  });

  it('saving the same answers again writes nothing and sends nothing; changed answers replace them, still no e-mail', async () => {
    const snapshot = async () =>
      JSON.stringify({
        r: (await sql`select * from survey_responses order by id`.execute(h.db)).rows,
        c: (await sql`select * from survey_comments order by id`.execute(h.db)).rows,
        a: await count('audit_events'),
        o: await count('outbox'),
        i: await count('survey_invitations'),
      });
    const before = await snapshot();
    const form = (
      await t.app.inject({ url: `/api/surveys/mine/transactional/${id}`, headers: t.as['requester.minusca'] })
    ).json();
    expect(form.answers).toEqual({ overall: 3, comment: 'Correct.' });
    const same = await t.app.inject({
      method: 'PUT',
      url: `/api/surveys/mine/transactional/${id}`,
      headers: t.as['requester.minusca'],
      payload: { language: 'fr', answers: { comment: ' Correct. ', overall: 3 } },
    });
    expect(same.json()).toEqual({ status: 'unchanged' });
    expect(await snapshot()).toBe(before);

    const outbox = await count('outbox');
    const changed = await t.app.inject({
      method: 'PUT',
      url: `/api/surveys/mine/transactional/${id}`,
      headers: t.as['requester.minusca'],
      payload: { language: 'fr', answers: { overall: 5, comment: 'Très bien finalement.' } },
    });
    expect(changed.json()).toEqual({ status: 'updated' });
    expect(await count('outbox')).toBe(outbox);
    const r = (
      await sql<{ overall_rating: number }>`
      select r.overall_rating from survey_responses r join survey_invitations i on i.id = r.invitation_id where i.id = ${id}`.execute(
        h.db,
      )
    ).rows;
    expect(r).toEqual([{ overall_rating: 5 }]);
  });
});
