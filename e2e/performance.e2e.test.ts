/**
 * End-to-end test of the performance screens against the real server (in-process, fresh PGlite folder, the
 * built web app), through headless Chromium:
 *
 * 1. requester.rco-cl requests payroll twice (routed to UNON) and the coordinator resolves both through the
 *    API — the roll-ups follow in the same transactions;
 * 2. the coordinator opens the standards dashboard: UNON's column shows "cases resolved within target" at
 *    100 %, met; the table lists each standard;
 * 3. the figure opens the drill-down, which lists both cases; the drill-down exports as CSV and XLSX and the
 *    files hold those cases;
 * 4. the dashboard exports as CSV and XLSX with one row per figure; filtering on another client entity
 *    empties it; the quarter view still shows the figure;
 * 5. flow analytics lists UNON's cases; a provider agent of another provider sees no UNON figure;
 * 6. a provider manager captures a manual standard's value with its evidence on the standards page.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, SignedInUsers, screenshotsDir, startServer, type TestServer } from './harness.ts';

const SCREENSHOTS = screenshotsDir();
const REQUESTER = 'requester.rco-cl@meridian.test';
const COORDINATOR = 'coordinator@meridian.test';
const KJSO = 'agent.kjso@meridian.test';
const MANAGER = 'manager.rsce@meridian.test';
const STEP = 240_000;

let server: TestServer;
let baseUrl: string;
let browser: Browser;
const references: string[] = [];

const sessions = new SignedInUsers(
  () => browser,
  () => baseUrl,
  (text, at) => /status of 401/.test(text) && /\/api\/auth\/me/.test(at),
);
async function signedIn(email: string) {
  const user = await sessions.get(email);
  user.context.setDefaultTimeout(60_000);
  return user;
}

/** Downloads what clicking `testId` links to; returns its bytes. */
async function download(page: Page, testId: string): Promise<Buffer> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return fs.readFileSync((await d.path()) as string);
}

async function xlsxRows(bytes: Buffer): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const rows: unknown[][] = [];
  wb.worksheets[0]?.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
  return rows;
}

beforeAll(async () => {
  server = await startServer('performance');
  baseUrl = server.baseUrl;
  browser = await launchBrowser();
}, STEP);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('performance screens', () => {
  it(
    'figures follow resolved cases; the dashboard shows them per provider, met or not',
    async () => {
      const requester = await signedIn(REQUESTER);
      for (let i = 0; i < 2; i++) {
        const r = await requester.page.request.post(`${baseUrl}/api/cases`, {
          data: {
            service: 'PAY-PAYROLL',
            title: `Salary not received ${i}`,
            fields: { indexNumber: '123456', payPeriod: '2026-10', issue: 'missing-payment' },
            impact: 2,
            urgency: 2,
          },
        });
        expect(r.status()).toBe(201);
        references.push((await r.json()).reference);
      }
      const coordinator = await signedIn(COORDINATOR);
      for (const ref of references) {
        const c = await (await coordinator.page.request.get(`${baseUrl}/api/cases/${ref}`)).json();
        expect(c.case.provider.code).toBe('UNON');
        const r = await coordinator.page.request.post(`${baseUrl}/api/cases/${ref}/transitions`, {
          data: { to: 'resolved' },
          headers: { 'if-match': `"${c.case.version}"` },
        });
        expect(r.status()).toBe(200);
      }
      const page = coordinator.page;
      await page.getByTestId('nav-performance').click();
      await page.getByTestId('dashboard-table').waitFor();
      const rows = page.getByTestId('standard-row');
      expect(await rows.count()).toBeGreaterThanOrEqual(5);
      const figure = page.locator('[data-testid="figure"][data-standard="MSS-RES"][data-provider="UNON"]');
      await expect.poll(() => figure.getAttribute('data-met')).toBe('true');
      expect(await figure.textContent()).toMatch(/100 %/);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'performance-dashboard.png') });
    },
    STEP,
  );

  it(
    'a figure opens the cases behind it, which export as CSV and XLSX',
    async () => {
      const { page } = await signedIn(COORDINATOR);
      await page.locator('[data-testid="figure"][data-standard="MSS-RES"][data-provider="UNON"]').click();
      await page.getByTestId('drilldown-table').waitFor();
      const text = (await page.getByTestId('drilldown-table').textContent()) ?? '';
      for (const ref of references) expect(text).toContain(ref);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'performance-drilldown.png') });
      const csv = (await download(page, 'export-csv')).toString('utf8');
      expect(csv.replace(/^\ufeff/, '').split('\n')[0]).toMatch(/^Case,Title,State/);
      for (const ref of references) expect(csv).toContain(ref);
      const xlsx = await xlsxRows(await download(page, 'export-xlsx'));
      expect(xlsx).toHaveLength(3);
      expect(
        xlsx
          .slice(1)
          .map((r) => r[0])
          .sort(),
      ).toEqual([...references].sort());
      await page.getByTestId('back-to-dashboard').click();
      await page.getByTestId('dashboard-table').waitFor();
    },
    STEP,
  );

  it(
    'the dashboard exports with one row per figure, filters and changes period',
    async () => {
      const { page } = await signedIn(COORDINATOR);
      const month = new Date().toISOString().slice(0, 7);
      const api = await (await page.request.get(`${baseUrl}/api/performance/dashboard?from=${month}&to=${month}`)).json();
      // the page shows twelve months: the export has a row per figure of those months
      const from = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 12, 1)).toISOString().slice(0, 7);
      const year = await (await page.request.get(`${baseUrl}/api/performance/dashboard?from=${from}&to=${month}`)).json();
      expect(year.cells.length).toBeGreaterThanOrEqual(api.cells.length);
      const csv = (await download(page, 'export-csv'))
        .toString('utf8')
        .replace(/^\ufeff/, '')
        .trim()
        .split('\n');
      expect(csv[0]).toMatch(/^Period,Provider,Standard/);
      expect(csv.length - 1).toBe(year.cells.length);
      expect(csv.some((l) => l.startsWith(`${month},UNON,MSS-RES,`) && l.includes(',true,'))).toBe(true);
      const xlsx = await xlsxRows(await download(page, 'export-xlsx'));
      expect(xlsx.length - 1).toBe(year.cells.length);

      await page.getByTestId('perf-granularity').getByText('Quarter').click();
      await page
        .getByTestId('dashboard-period')
        .filter({ hasText: /Q[1-4]/ })
        .waitFor();
      await page.locator('[data-testid="figure"][data-standard="MSS-RES"][data-provider="UNON"]').waitFor();

      await page.getByTestId('perf-entity').click();
      await page.getByTestId('perf-entity').fill('MINUSCA');
      await page.getByRole('option', { name: /^MINUSCA/ }).click();
      await page.getByTestId('dashboard-empty').waitFor();
    },
    STEP,
  );

  it(
    'flow analytics per provider; another provider’s agent does not see UNON',
    async () => {
      const { page } = await signedIn(COORDINATOR);
      await page.getByTestId('nav-performance-flow').click();
      await page.getByTestId('flow-providers').getByText('UNON').waitFor();
      const kjso = await signedIn(KJSO);
      await kjso.page.getByTestId('nav-performance').click();
      await kjso.page.getByTestId('dashboard-empty').waitFor();
      expect(await kjso.page.locator('[data-provider="UNON"]').count()).toBe(0);
    },
    STEP,
  );

  it(
    'a provider manager captures a manual value with its evidence',
    async () => {
      const coordinator = await signedIn(COORDINATOR);
      const std = await coordinator.page.request.post(`${baseUrl}/api/performance/standards`, {
        data: {
          code: 'MSS-PAYACC',
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
      const { page } = await signedIn(MANAGER);
      await page.getByTestId('nav-performance-standards').click();
      await page
        .getByTestId('standards-table')
        .getByText(/MSS-PAYACC/)
        .waitFor();
      await page.getByTestId('capture-form').waitFor();
      await page.getByTestId('capture-standard').click();
      await page.getByRole('option', { name: /MSS-PAYACC/ }).click();
      await page.getByTestId('capture-value').fill('0.995');
      await page.getByTestId('capture-evidence').fill('Sample audit of 400 payslips');
      await expect.poll(() => page.getByTestId('capture-standard').inputValue()).toMatch(/MSS-PAYACC/);
      await page.getByTestId('capture-save').click();
      await page.getByTestId('manual-values').getByText('Sample audit of 400 payslips').waitFor();
      expect(await page.getByTestId('manual-values').textContent()).toContain('RSCE');
      expect(sessions.pageErrors).toEqual([]);
      expect(sessions.consoleErrors).toEqual([]);
    },
    STEP,
  );
});
