/**
 * End-to-end test of the satisfaction survey, from the e-mail to the results:
 *
 * 1. requester.rco-cl's payroll request is resolved (through the API); the outbox worker sends the survey
 *    invitation through SMTP to a real SMTP listener started here, which keeps the message;
 * 2. the link read from that e-mail opens the answer page on a phone-sized screen (375 px), signed out: one
 *    fieldset with a legend per scale or choice question, nothing wider than the screen; the survey is
 *    answered with the keyboard for the 0-10 scale;
 * 3. the same link again shows the clear "already answered" page; an expired link its own page;
 * 4. the coordinator sees the answer in the results dashboard (UNON: 1 answer, 4.00) and its comment in the feed.
 *
 * The answer page is saved as survey-answer-phone.png (to docs/screenshots/ when MERIDIAN_SCREENSHOTS=1).
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { Browser } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailTransport, startOutboxWorker } from '../src/modules/cases/outbox.ts';
import { createLinkToken } from '../src/modules/surveys/links.ts';
import { signInAs } from '../tests/helpers/http.ts';
import { launchBrowser, SignedInUsers, screenshotsDir, startServer, type TestServer } from './harness.ts';

const SCREENSHOTS = screenshotsDir();
const REQUESTER = 'requester.rco-cl@meridian.test';

let server: TestServer;
let baseUrl: string;
let browser: Browser;
let smtp: SMTPServer;
let stopOutbox: () => Promise<void>;
const received: { to: string[]; subject: string; text: string }[] = [];
let surveyLink = '';
let reference = '';

const sessions = new SignedInUsers(
  () => browser,
  () => baseUrl,
  (text, at) => /status of 401/.test(text) && /\/api\/auth\/me/.test(at),
);

/** The link as served by this test server (the e-mail carries the configured public URL). */
function local(link: string): string {
  const u = new URL(link);
  return `${baseUrl}${u.pathname}${u.hash}`;
}

async function waitFor<T>(what: string, f: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((m) => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: m.subject ?? '', text: m.text ?? '' });
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  server = await startServer('surveys');
  baseUrl = server.baseUrl;
  stopOutbox = startOutboxWorker(server.meridian.db, createMailTransport({ host: '127.0.0.1', port }), 200, {
    from: 'Meridian <meridian@meridian.test>',
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await stopOutbox?.();
  await browser?.close();
  await server?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

describe('the satisfaction survey, from the e-mail to the results', () => {
  it('sends the invitation through SMTP when the request is resolved', async () => {
    const requester = await signInAs(server.app, REQUESTER);
    const coordinator = await signInAs(server.app, 'coordinator@meridian.test');
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: requester,
      payload: {
        service: 'PAY-PAYROLL',
        title: 'Education grant advance missing',
        fields: { indexNumber: '654321', payPeriod: '2026-10', issue: 'missing-payment' },
        impact: 2,
        urgency: 2,
      },
    });
    expect(created.statusCode).toBe(201);
    reference = created.json().reference;
    const resolved = await server.app.inject({
      method: 'POST',
      url: `/api/cases/${reference}/transitions`,
      headers: { ...coordinator, 'if-match': `"${created.json().version}"` },
      payload: { to: 'resolved', reason: 'Paid on 5 November' },
    });
    expect(resolved.statusCode).toBe(200);
    const mail = await waitFor('the survey e-mail', () =>
      received.find((m) => m.to.includes(REQUESTER) && m.subject.startsWith('How did we do?')),
    );
    expect(mail.subject).toContain(reference);
    const link = /https?:\/\/\S+\/survey#[\w.-]+/.exec(mail.text)?.[0];
    expect(link).toBeTruthy();
    surveyLink = local(link as string);
  });

  it('answers the survey from the link on a phone, signed out, with the keyboard', async () => {
    const context = await browser.newContext({
      viewport: { width: 375, height: 740 },
      locale: 'en-GB',
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(surveyLink);
    await page.getByTestId('survey-form').waitFor();
    await expect(page.getByTestId('survey-about').textContent()).resolves.toContain(reference);
    // accessible structure: a fieldset with a legend for each scale or choice question, a label for the text
    const fieldsets = page.locator('fieldset');
    expect(await fieldsets.count()).toBe(6);
    for (let i = 0; i < 6; i++) expect(await fieldsets.nth(i).locator('legend').count()).toBe(1);
    await page.getByLabel('Anything else you would like to tell us?').waitFor();
    // nothing wider than the phone
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    // sending without the required answer says so next to the question
    await page.getByTestId('survey-submit').click();
    await page.getByTestId('survey-form-errors').waitFor();
    await expect(page.getByTestId('survey-q-overall').getByRole('alert').textContent()).resolves.toMatch(/answer this question/);

    await page.getByTestId('survey-q-overall').getByLabel('4 – Satisfied').check();
    // the 0-10 scale with the keyboard: focus 0, arrow right nine times lands on 9
    await page.getByTestId('survey-recommend-0').focus();
    for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowRight');
    expect(await page.getByTestId('survey-recommend-9').isChecked()).toBe(true);
    await page.getByTestId('survey-q-resolved').getByLabel('Yes').check();
    await page.getByTestId('survey-q-improve').getByLabel('Follow-up').check();
    await page.getByLabel('Anything else you would like to tell us?').fill('The payroll team called me back the same day.');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'survey-answer-phone.png'), fullPage: true });
    await page.getByTestId('survey-submit').click();
    await page.getByTestId('survey-thanks').waitFor();

    // the same link again: a clear page, not an error
    await page.goto('about:blank');
    await page.goto(surveyLink);
    const refused = page.getByTestId('survey-refused');
    await refused.waitFor();
    expect(await refused.getAttribute('data-code')).toBe('SURVEY_LINK_USED');
    await expect(refused.textContent()).resolves.toContain('You have already answered this survey');

    // an authentic link past its expiry (signed with the server's own secret): its own page, in French too
    const secret = (
      await server.meridian.db
        .selectFrom('meta')
        .select('value')
        .where('key', '=', 'survey_link_secret')
        .executeTakeFirstOrThrow()
    ).value;
    const expired = createLinkToken(secret, { kind: 'i', id: '1', expiresAt: Date.now() - 86_400_000 }).token;
    await page.goto('about:blank');
    await page.goto(`${baseUrl}/survey#${expired}`);
    await page.getByTestId('survey-refused').waitFor();
    expect(await page.getByTestId('survey-refused').getAttribute('data-code')).toBe('SURVEY_LINK_EXPIRED');
    await page.getByTestId('language-fr').click();
    await expect(page.getByTestId('survey-refused').textContent()).resolves.toContain('Ce lien d’enquête a expiré');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the answer in the results and the comment in the feed', async () => {
    const { page } = await sessions.get('coordinator@meridian.test');
    await page.getByTestId('nav-survey-results').click();
    const row = page.getByTestId('survey-result-UNON');
    await row.waitFor();
    await expect(row.getByTestId('survey-result-responses').textContent()).resolves.toBe('1');
    await expect(row.getByTestId('survey-result-mean').textContent()).resolves.toBe('4.00');
    await expect(page.getByTestId('survey-comments').textContent()).resolves.toContain('called me back the same day');
    expect(sessions.pageErrors).toEqual([]);
    expect(sessions.consoleErrors).toEqual([]);
  });
});
