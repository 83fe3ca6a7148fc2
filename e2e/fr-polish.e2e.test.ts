/**
 * End-to-end test of what a tester saw in the French UI of the lists, dates and forms (real server in-process,
 * fresh PGlite folder, the built web app):
 *
 * 1. a list opened past its last page (`/entities?page=999`, `/sla/calendars?page=999`) shows its last page and
 *    the address says so (replaced); its counter names that page's rows (it read "24 951–205 sur 205"); an
 *    empty list shows no "0–0 sur 0" counter;
 * 2. the performance dashboard names its period in French ("novembre 2026", not "2026-11");
 * 3. a billing month typed in words is refused at its field in French, before anything is sent (it showed the
 *    API's "Champ : body.period | VALIDATION_FAILED");
 * 4. the holiday import of Entebbe's calendar does not read "calendrier de Entebbe"; the survey results keep
 *    only valid filters in the address (`?from=31/02/2026&groupBy=zz` is dropped).
 *
 * Screenshots of the French screens go to SHOTS_DIR when set (else a temporary folder).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, SignedInUsers, screenshotsDir, startServer, type TestServer } from './harness.ts';

const SHOTS = process.env.SHOTS_DIR ?? screenshotsDir();
fs.mkdirSync(SHOTS, { recursive: true });
const COORDINATOR = 'coordinator@meridian.test';
const STEP = 180_000;

let server: TestServer;
let browser: Browser;
const sessions = new SignedInUsers(
  () => browser,
  () => server.baseUrl,
  // 401 from /api/auth/me before sign-in
  (text, at) => /status of 401/.test(text) && /\/api\/auth\/me/.test(at),
);

const norm = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

beforeAll(async () => {
  server = await startServer('frpolish');
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The coordinator's page, in French. */
async function frenchPage() {
  const { page } = await sessions.get(COORDINATOR);
  if ((await page.locator('html').getAttribute('lang')) !== 'fr') {
    await page.getByTestId('language-fr').click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('fr');
  }
  return page;
}

describe('French polish', () => {
  it(
    'a list opened past its last page shows the last page, and an empty list no 0–0 counter',
    async () => {
      const page = await frenchPage();
      const total = (await (await page.request.get(`${server.baseUrl}/api/entities?pageSize=25`)).json()).total as number;
      const last = Math.ceil(total / 25);
      expect(last).toBeGreaterThan(1);
      await page.goto(`${server.baseUrl}/entities?page=999`);
      await expect.poll(() => new URL(page.url()).searchParams.get('page')).toBe(String(last));
      await page.getByTestId('entities-table-row').first().waitFor();
      const range = norm(await page.getByTestId('entities-table-range').textContent());
      const nf = new Intl.NumberFormat('fr');
      expect(range).toBe(norm(`${nf.format((last - 1) * 25 + 1)}–${nf.format(total)} sur ${nf.format(total)}`));
      await page.screenshot({ path: path.join(SHOTS, 'fr-entities-page-999.png') });
      // the address was replaced: Back leaves the list
      await page.goto(`${server.baseUrl}/sla/calendars?page=999`);
      await expect.poll(() => new URL(page.url()).searchParams.get('page')).not.toBe('999');
      await page.getByTestId('calendars-table-row').first().waitFor();
      // "151–170 sur 170", not "24 951–170 sur 170"
      const [from, to, of] = norm(await page.getByTestId('calendars-table-range').textContent())
        .replace(/\s/g, '')
        .split(/–|sur/)
        .map(Number);
      expect(from).toBeLessThanOrEqual(to as number);
      expect(to).toBe(of);
      // nothing matches: the empty state, no "0–0 sur 0"
      await page.goto(`${server.baseUrl}/providers?q=zzzzqqqq`);
      await page.getByTestId('empty-result').waitFor();
      expect(await page.getByTestId('providers-table-range').count()).toBe(0);
      expect(sessions.pageErrors).toEqual([]);
    },
    STEP,
  );

  it(
    'the performance screens name months in French, not as ISO months',
    async () => {
      const page = await frenchPage();
      const std = await page.request.post(`${server.baseUrl}/api/performance/standards`, {
        data: {
          code: 'MSS-FRPOLISH',
          name: { en: 'Payroll accuracy', fr: 'Exactitude de la paie' },
          measure: 'manual',
          subject: 'payroll-accuracy',
          comparator: '>=',
          target: 0.99,
          unit: 'share',
          effectiveFrom: '2020-01',
          basis: 'e2e',
        },
      });
      expect(std.status()).toBe(201);
      await page.goto(`${server.baseUrl}/performance/standards`);
      const row = page.getByTestId('standards-table').locator('tr', { hasText: 'MSS-FRPOLISH' });
      await row.waitFor();
      const text = norm(await row.textContent());
      expect(text).toContain('à partir de janvier 2020');
      expect(text).not.toMatch(/\d{4}-\d{2}/);
      await page.screenshot({ path: path.join(SHOTS, 'fr-performance-standards.png') });

      // flow analytics: "de décembre 2025 à novembre 2026" (the twelve months to this one)
      await page.goto(`${server.baseUrl}/performance/flow`);
      const month = new Date().toISOString().slice(0, 7);
      const inFrench = new Intl.DateTimeFormat('fr', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
        new Date(`${month}-15T12:00:00Z`),
      );
      await page.getByText(`à ${inFrench}`).waitFor();
      expect(norm(await page.locator('main').textContent())).not.toMatch(/\b\d{4}-\d{2}\b/);
    },
    STEP,
  );

  it(
    'a billing month typed in words is refused at its field in French, and nothing is sent',
    async () => {
      const page = await frenchPage();
      const posts: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().includes('/api/billing-runs')) posts.push(r.url());
      });
      await page.goto(`${server.baseUrl}/billing`);
      await page.getByTestId('run-month').fill('novembre 2026');
      await page.getByTestId('run-submit').click();
      const field = page.locator('.mantine-InputWrapper-root', { has: page.getByTestId('run-month') });
      await expect.poll(async () => norm(await field.textContent())).toContain('Indiquez un mois au format AAAA-MM');
      expect(await page.getByTestId('error-alert').count()).toBe(0);
      expect(norm(await page.locator('body').textContent())).not.toContain('body.period');
      expect(posts).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, 'fr-billing-month-in-words.png') });
      // typing a month clears the problem
      await page.getByTestId('run-month').fill('2026-13');
      expect(norm(await field.textContent())).not.toContain('Indiquez');
    },
    STEP,
  );

  it(
    'Enter in a date field that does not hold a date says so and sends nothing (it sent the last date read)',
    async () => {
      const page = await frenchPage();
      const posts: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().includes('/api/sla/calendars')) posts.push(r.url());
      });
      await page.goto(`${server.baseUrl}/sla/calendars/duty-stations/UG-EN040`);
      await page.getByTestId('calendar-new-version').click();
      await page.getByTestId('calendar-version-form').waitFor();
      const from = page.getByTestId('version-effective-from');
      await from.fill('01/02/2027');
      await from.fill('30/02/2027');
      await from.press('Enter');
      const field = page.locator('.mantine-InputWrapper-root', { has: from });
      await expect.poll(async () => norm(await field.textContent())).toContain('JJ/MM/AAAA');
      expect(await from.inputValue()).toBe('30/02/2027');
      // the holiday field: Enter adds the holiday only when it holds a date
      const holiday = page.getByTestId('holiday-date');
      await holiday.fill('01/05/2027');
      await holiday.fill('31/04/2027');
      await holiday.press('Enter');
      expect(await page.getByTestId('holiday-pill').count()).toBe(0);
      expect(posts).toEqual([]);
    },
    STEP,
  );

  it(
    'a usage record is checked in the form: each missing or unreadable field said in French, nothing sent',
    async () => {
      const page = await frenchPage();
      const posts: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().includes('/api/usage-records')) posts.push(r.url());
      });
      await page.goto(`${server.baseUrl}/billing`);
      const date = page.getByLabel('Date', { exact: true });
      await date.fill('31/02/2026');
      await date.press('Tab'); // left: the field says its problem (the layout moves under the pointer)
      await page.getByTestId('usage-submit').click();
      await expect.poll(async () => page.locator('.mantine-InputWrapper-error').allTextContents()).toContain('Obligatoire');
      const errors = await page.locator('.mantine-InputWrapper-error').allTextContents();
      expect(errors.filter((e) => e === 'Obligatoire').length).toBeGreaterThanOrEqual(4);
      expect(errors).toContain('Saisissez une date (JJ/MM/AAAA)');
      expect(norm(await page.locator('body').textContent())).not.toContain('body.provider');
      expect(posts).toEqual([]);
    },
    STEP,
  );

  it(
    'French names a calendar without "de Entebbe"; the survey results drop bad filters from the address',
    async () => {
      const page = await frenchPage();
      await page.goto(`${server.baseUrl}/sla/calendars/duty-stations/UG-EN040`);
      await page.getByTestId('calendar-import').click();
      const heading = page.locator('.mantine-Modal-title');
      await heading.waitFor();
      const title = norm(await heading.textContent());
      expect(title).toContain('Entebbe');
      expect(title).not.toMatch(/\bde Entebbe/);
      await page.keyboard.press('Escape');

      await page.goto(`${server.baseUrl}/surveys/results?from=31/02/2026&groupBy=zz&source=campaign`);
      await expect.poll(() => new URL(page.url()).search).toBe('?source=campaign');
      await page.getByTestId('survey-results-group-by').waitFor();
      expect(sessions.pageErrors).toEqual([]);
      expect(sessions.consoleErrors).toEqual([]);
    },
    STEP,
  );
});
