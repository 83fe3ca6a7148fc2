/** The template editor's API: drafts, validation naming each problem, publishing a new version, and access. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { type SurveyTestApp, surveyMails, surveyTestApp, tokensIn } from './surveys.test-fixtures.ts';

let h: DatabaseHandle;
let t: SurveyTestApp;

beforeAll(async () => {
  h = await createTestDatabase();
  t = await surveyTestApp(h, {}, ['requester.rco-cl', 'agent.unon']);
});
afterAll(async () => {
  await t.app.close();
  await h.close();
});

const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, who = 'coordinator', payload?: object) =>
  t.app.inject({ method, url, headers: t.as[who], ...(payload ? { payload } : {}) });

describe('the template editor', () => {
  it('starts with version 1 published, and only managers may edit', async () => {
    const list = await call('GET', '/api/surveys/templates');
    expect(list.statusCode).toBe(200);
    expect(list.json().map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([[1, 'published']]);
    expect((await call('GET', '/api/surveys/templates', 'agent.unon')).statusCode).toBe(403);
    expect((await call('POST', '/api/surveys/campaigns', 'requester.rco-cl', {})).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/surveys/templates' })).statusCode).toBe(401);
  });

  it('edits a draft, refuses a broken one naming the question, and publishes a new version used by new invitations', async () => {
    const draft = (await call('POST', '/api/surveys/templates/draft')).json();
    expect(draft).toMatchObject({ version: 2, status: 'draft' });
    // asking again returns the same draft
    expect((await call('POST', '/api/surveys/templates/draft')).json().id).toBe(draft.id);
    const content = { title: draft.title, intro: draft.intro, questions: draft.questions };
    const broken = await call('PUT', `/api/surveys/templates/${draft.id}`, 'coordinator', {
      ...content,
      questions: [...content.questions, { key: 'overall', type: 'text', required: false, label: { en: 'Again', fr: 'Encore' } }],
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().code).toBe('SURVEY_TEMPLATE_INVALID');
    expect(broken.json().errors[0].field).toBe(`questions.${content.questions.length}.key`);
    const noFrench = await call('PUT', `/api/surveys/templates/${draft.id}`, 'coordinator', {
      ...content,
      title: { en: 'Only English' },
    });
    expect(noFrench.statusCode).toBe(400);

    const added = {
      key: 'channel',
      type: 'single',
      required: false,
      label: { en: 'How did you ask?', fr: 'Comment avez-vous fait la demande ?' },
      options: [
        { key: 'portal', label: { en: 'Portal', fr: 'Portail' } },
        { key: 'email', label: { en: 'E-mail', fr: 'Courriel' } },
      ],
    };
    const saved = await call('PUT', `/api/surveys/templates/${draft.id}`, 'coordinator', {
      ...content,
      questions: [...content.questions, added],
    });
    expect(saved.statusCode).toBe(200);
    const published = await call('POST', `/api/surveys/templates/${draft.id}/publish`);
    expect(published.json()).toMatchObject({ version: 2, status: 'published' });
    const versions = (await call('GET', '/api/surveys/templates')).json();
    expect(versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [2, 'published'],
      [1, 'retired'],
    ]);
    expect((await call('PUT', `/api/surveys/templates/${draft.id}`, 'coordinator', content)).json().code).toBe(
      'SURVEY_TEMPLATE_NOT_DRAFT',
    );

    // a new invitation uses version 2
    const ref = await t.request('requester.rco-cl');
    await t.move(ref, 'resolved');
    const token = tokensIn(surveyMails(await t.outbox()).at(-1)?.body ?? '')[0] as string;
    const form = (await t.app.inject({ method: 'POST', url: '/api/survey-links/open', payload: { token } })).json();
    expect(form.template.version).toBe(2);
    expect(form.template.questions.at(-1).key).toBe('channel');
  });
});
