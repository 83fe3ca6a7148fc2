/**
 * Results: the satisfaction figures match the answers given (mean overall rating, NPS, response rates), per
 * provider, entity and period, each viewer sees only their scope, and the comments feed with its pain-point flag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { MAX_PAGE } from '../../server/pagination.ts';
import { satisfactionByProvider } from './results.service.ts';
import { PAYROLL, type SurveyTestApp, surveyMails, surveyTestApp, tokensIn } from './surveys.test-fixtures.ts';

let h: DatabaseHandle;
let t: SurveyTestApp;
const today = new Date().toISOString().slice(0, 10);
const month = today.slice(0, 7);
let minuscaProvider = '';

/** Resolves a new request of `who` and answers its survey by link with `answers` (null: leave it unanswered). */
async function resolveAndAnswer(
  who: string,
  body: object,
  answers: object | null,
): Promise<{ reference: string; provider: string }> {
  const reference = await t.request(who, body);
  const c = (await t.app.inject({ url: `/api/cases/${reference}`, headers: t.as.coordinator })).json().case;
  await t.move(reference, 'resolved');
  const token = tokensIn(surveyMails(await t.outbox()).at(-1)?.body ?? '')[0] as string;
  if (answers) {
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/survey-links/answer',
      payload: { token, language: 'en', answers },
    });
    if (r.statusCode !== 201) throw new Error(r.body);
  }
  return { reference, provider: c.provider.code };
}

beforeAll(async () => {
  h = await createTestDatabase();
  t = await surveyTestApp(h, { throttleDays: 0 }, [
    'requester.rco-cl',
    'requester.minusca',
    'agent.unon',
    'focal.minusca',
    'manager.rsce',
    'viewer',
  ]);
  await resolveAndAnswer('requester.rco-cl', PAYROLL, { overall: 5, recommend: 10, comment: 'Paid within a day.' });
  await resolveAndAnswer('requester.rco-cl', PAYROLL, { overall: 4, recommend: 9, improve: ['speed'] });
  await resolveAndAnswer('requester.rco-cl', PAYROLL, { overall: 2, recommend: 3, comment: 'Three follow-ups needed.' });
  await resolveAndAnswer('requester.rco-cl', PAYROLL, null);
  const payable = { service: 'FIN-PAYABLE', title: 'Invoice unpaid', impact: 3, urgency: 3 };
  minuscaProvider = (await resolveAndAnswer('requester.minusca', payable, { overall: 3, comment: 'Fine.' })).provider;
  await resolveAndAnswer('requester.minusca', payable, { overall: 3, recommend: 7 });
});
afterAll(async () => {
  await t.app.close();
  await h.close();
});

const results = (who: string, query: string) =>
  t.app.inject({ url: `/api/surveys/results?from=${today}&to=${today}&${query}`, headers: t.as[who] });

describe('satisfaction figures', () => {
  it('satisfactionByProvider gives the mean overall rating and the count of the answers', async () => {
    expect(minuscaProvider).not.toBe('UNON');
    const rows = await satisfactionByProvider(h.db, { from: today, to: today });
    expect(rows).toEqual(
      [
        { provider: 'UNON', meanRating: Math.round(((5 + 4 + 2) / 3) * 100) / 100, responses: 3 },
        { provider: minuscaProvider, meanRating: 3, responses: 2 },
      ].sort((a, b) => a.provider.localeCompare(b.provider)),
    );
    // outside the period: nothing
    expect(await satisfactionByProvider(h.db, { from: '2000-01-01', to: '2000-12-31' })).toEqual([]);
  });

  it('results per provider: mean, NPS and response rate match the answers', async () => {
    const r = await results('coordinator', 'groupBy=provider');
    expect(r.statusCode).toBe(200);
    const unon = r.json().rows.find((x: { key: string }) => x.key === 'UNON');
    expect(unon).toMatchObject({
      responses: 3,
      meanRating: 3.67,
      invited: 4,
      answered: 3,
      responseRate: 0.75,
      withheldAnonymous: 0,
    });
    // NPS: 2 promoters (10, 9), 1 detractor (3) of 3 answers
    expect(unon.nps).toBe(33.3);
    expect(unon.name.en).toMatch(/Nairobi/);
    expect(r.json().total).toMatchObject({ responses: 5, invited: 6, answered: 5 });
    expect(r.json().total.meanRating).toBe(Math.round((17 / 5) * 100) / 100);
    expect(r.json().distributions).toEqual({
      overall: { '5': 1, '4': 1, '3': 2, '2': 1 },
      recommend: { '10': 1, '9': 1, '7': 1, '3': 1 },
    });
    const details = (await results('coordinator', 'groupBy=provider&details=true')).json().distributions;
    expect(details.overall).toEqual({ '5': 1, '4': 1, '3': 2, '2': 1 });
    expect(details.improve).toEqual({ speed: 1 });
    expect(details.resolved).toBeUndefined();
  });

  it('groups by entity, service and month', async () => {
    const byEntity = (await results('coordinator', 'groupBy=entity')).json().rows;
    expect(byEntity.map((x: { key: string; responses: number }) => [x.key, x.responses])).toEqual([
      ['MINUSCA', 2],
      ['RCO-CL', 3],
    ]);
    const byService = (await results('coordinator', 'groupBy=service')).json().rows;
    expect(byService.find((x: { key: string }) => x.key === 'PAY-PAYROLL')).toMatchObject({ responses: 3, meanRating: 3.67 });
    const byMonth = (await results('coordinator', 'groupBy=month')).json().rows;
    expect(byMonth).toEqual([expect.objectContaining({ key: month, responses: 5 })]);
  });
});

describe('scope', () => {
  it('provider staff see their provider only, focal points their entity only, requesters nothing', async () => {
    const agent = (await results('agent.unon', 'groupBy=provider')).json();
    expect(agent.rows.map((x: { key: string }) => x.key)).toEqual(['UNON']);
    expect(agent.total.responses).toBe(3);
    // asking for another provider gives nothing, not even counts
    const other = (await results('agent.unon', `groupBy=provider&provider=${minuscaProvider}`)).json();
    expect(other.rows).toEqual([]);
    expect(other.total).toMatchObject({ responses: 0, invited: 0 });
    const focal = (await results('focal.minusca', 'groupBy=entity')).json();
    expect(focal.rows.map((x: { key: string }) => x.key)).toEqual(['MINUSCA']);
    expect(focal.total.responses).toBe(2);
    expect((await results('viewer', 'groupBy=provider')).json().total.responses).toBe(5);
    expect((await results('requester.rco-cl', 'groupBy=provider')).statusCode).toBe(403);
    const sat = await t.app.inject({ url: `/api/surveys/satisfaction?from=${today}&to=${today}`, headers: t.as['agent.unon'] });
    expect(sat.json().map((x: { provider: string }) => x.provider)).toEqual(['UNON']);
  });
});

describe('comments feed', () => {
  it('lists the comments in scope and keeps the pain-point flag', async () => {
    const all = (
      await t.app.inject({ url: `/api/surveys/comments?from=${today}&to=${today}`, headers: t.as.coordinator })
    ).json();
    expect(all.total).toBe(3);
    expect(all.totalCapped).toBe(false);
    const agent = (
      await t.app.inject({ url: `/api/surveys/comments?from=${today}&to=${today}`, headers: t.as['agent.unon'] })
    ).json();
    expect(agent.items.map((c: { body: string }) => c.body).sort()).toEqual(['Paid within a day.', 'Three follow-ups needed.']);
    const target = agent.items.find((c: { body: string }) => c.body.startsWith('Three')) as {
      id: string;
      caseReference: string;
      overallRating: number;
    };
    expect(target.caseReference).toMatch(/^MER-/);
    expect(target.overallRating).toBe(2);

    const flag = (who: string) =>
      t.app.inject({
        method: 'PUT',
        url: `/api/surveys/comments/${target.id}/pain-point`,
        headers: t.as[who],
        payload: { painPoint: true, note: 'Payroll follow-ups' },
      });
    expect((await flag('agent.unon')).statusCode).toBe(403); // agents read, managers and coordinators flag
    expect((await flag('manager.rsce')).statusCode).toBe(404); // another provider's comment
    const ok = await flag('coordinator');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ id: target.id, painPoint: true, painPointNote: 'Payroll follow-ups' });
    const flagged = (
      await t.app.inject({ url: `/api/surveys/comments?from=${today}&to=${today}&painPoint=true`, headers: t.as.coordinator })
    ).json();
    expect(flagged.items).toEqual([
      expect.objectContaining({ id: target.id, painPoint: true, painPointNote: 'Payroll follow-ups' }),
    ]);
  });

  it('takes any page up to the shared limit of every list (MAX_PAGE), then refuses naming the field', async () => {
    const far = await t.app.inject({
      url: `/api/surveys/comments?from=${today}&to=${today}&page=${MAX_PAGE}`,
      headers: t.as.coordinator,
    });
    expect(far.statusCode).toBe(200);
    expect(far.json()).toMatchObject({ items: [], total: 3, page: MAX_PAGE });
    const beyond = await t.app.inject({
      url: `/api/surveys/comments?from=${today}&to=${today}&page=${MAX_PAGE + 1}`,
      headers: t.as.coordinator,
    });
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json().errors).toEqual([expect.objectContaining({ field: 'querystring.page' })]);
  });
});
