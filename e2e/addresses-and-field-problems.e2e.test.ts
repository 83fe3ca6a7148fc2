/**
 * End-to-end test of two things a tester saw in the French UI and in the address bar (real server in-process,
 * fresh PGlite folder, the built web app):
 *
 * 1. a hand-typed address keeps only what the page understands: `/providers?foo=1&page=1e1&sort=code` becomes
 *    `/providers?sort=code` (1e1 is not a page number for the API: the first page), replaced, not pushed (Back
 *    leaves the page); a valid address is left as typed;
 * 2. the SLA editors' field problems in French: a rejected row of a holiday import reads "Ligne 3, colonne
 *    date : ...", a duplicate policy scope and an overlapping working window are named in French at their
 *    inputs (they showed the API's English message).
 *
 * Screenshots of the French screens go to /work/shots-webi18n when SHOTS_DIR says so (else a temporary folder).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
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
  // answers the steps provoke: 401 from /api/auth/me before sign-in; 400 and 422 from the refused SLA edits
  (text, at) =>
    (/status of 401/.test(text) && /\/api\/auth\/me/.test(at)) ||
    (/status of (400|409|422)/.test(text) && /\/api\/sla\//.test(at)),
);

const norm = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

/** The text of the Mantine input wrapper around the input with test id `testId` (its label, input and error). */
const inputText = (page: Page, testId: string) =>
  page.locator('.mantine-InputWrapper-root', { has: page.getByTestId(testId) }).textContent();

beforeAll(async () => {
  server = await startServer('webi18n');
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('addresses and field problems', () => {
  it(
    'an address keeps only the parameters the page understands, replaced so that Back still leaves the page',
    async () => {
      const { page } = await sessions.get(COORDINATOR);
      await page.goto(`${server.baseUrl}/`);
      await page.getByTestId('user-name').waitFor();
      await page.goto(`${server.baseUrl}/providers?foo=1&page=1e1&sort=code`);
      await expect.poll(() => new URL(page.url()).search).toBe('?sort=code');
      await page.getByTestId('providers-table-row').first().waitFor();
      await page.goBack();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/');
      // a valid address is left as typed (its order too)
      await page.goto(`${server.baseUrl}/providers?order=desc&sort=code&page=1`);
      await page.getByTestId('providers-table-row').first().waitFor();
      await page.waitForTimeout(300);
      expect(new URL(page.url()).search).toBe('?order=desc&sort=code&page=1');
      expect(sessions.pageErrors).toEqual([]);
    },
    STEP,
  );

  it(
    'the SLA editors name each problem in French at its input, and a rejected import row by its line and column',
    async () => {
      const { page } = await sessions.get(COORDINATOR);
      await page.goto(`${server.baseUrl}/sla/calendars/duty-stations/KE-NA100`);
      await page.getByTestId('language-fr').click();
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('fr');
      await page.getByTestId('calendar-view').waitFor();

      // a version whose Monday windows overlap: the API's problem at the window, in French
      await page.getByTestId('calendar-new-version').click();
      await page.getByTestId('calendar-version-form').waitFor();
      await page.getByTestId('version-effective-from').fill('2027-01-01');
      await page.getByTestId('window-mon-add').click();
      await page.getByTestId('window-mon-1-from').fill('10:00');
      await page.getByTestId('window-mon-1-to').fill('11:00');
      await page.getByTestId('version-submit').click();
      await expect.poll(() => inputText(page, 'window-mon-1-from'), { timeout: 60_000 }).toContain('Chevauche une autre plage');
      expect(await inputText(page, 'window-mon-1-from')).not.toMatch(/overlaps/);
      await page.mouse.move(5, 5);
      await page.screenshot({ path: path.join(SHOTS, 'sla-version-overlap-fr.png') });
      await page.getByRole('button', { name: 'Annuler' }).click();

      // a CSV import with a bad row: reported by line and column, in French, nothing imported
      await page.getByTestId('calendar-import').click();
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('import-file').click()]);
      await chooser.setFiles({
        name: 'bad.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('date,name\n2027-05-01,Labour Day\n2027-13-01,Not a date\n'),
      });
      await page.getByTestId('import-effective-from').fill('2027-02-01');
      await page.getByTestId('import-submit').click();
      await page.getByTestId('import-problem-issues').waitFor({ timeout: 60_000 });
      expect(norm(await page.getByTestId('import-problem-issues').textContent())).toBe(
        'Ligne 3, colonne date : « 2027-13-01 » n’est pas une date réelle (AAAA-MM-JJ)',
      );
      await page.mouse.move(5, 5);
      await page.screenshot({ path: path.join(SHOTS, 'sla-import-rows-fr.png') });
      await page.keyboard.press('Escape');

      // a second common P1 policy: the duplicate scope named at the priority, in French
      await page.goto(`${server.baseUrl}/sla/policies`);
      await page.getByTestId('policy-new').click();
      await page.getByTestId('policy-form').waitFor();
      await page.getByTestId('policy-priority').click();
      await page.getByRole('option', { name: /^P1 — / }).click();
      await page.getByTestId('policy-first-response-amount').fill('30');
      await page.getByTestId('policy-basis').fill('test : une seconde politique P1 commune');
      await page.getByTestId('policy-submit').click();
      await expect
        .poll(() => inputText(page, 'policy-priority'), { timeout: 60_000 })
        .toContain('Ce prestataire, ce service et cette priorité ont déjà une politique');
      await page.mouse.move(5, 5);
      await page.screenshot({ path: path.join(SHOTS, 'sla-policy-scope-fr.png') });
      expect(sessions.pageErrors).toEqual([]);
      expect(sessions.consoleErrors).toEqual([]);
    },
    STEP,
  );
});
