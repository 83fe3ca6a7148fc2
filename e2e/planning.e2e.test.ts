/**
 * End-to-end test of shared-services planning against the real server (in-process, fresh PGlite folder,
 * the built web app), one browser context per user:
 *
 * 1. the DOS coordinator opens Planning, writes a scenario for three RC offices, solves it, and sees its
 *    status, objective and gap, the comparison with today, and the two maps (today's and the proposed
 *    assignments) with their arrows; they accept a change, which becomes a change proposal in the CSV;
 * 2. the co-location list names real duty stations (New York among them);
 * 3. a provider manager reads the scenarios without the editor.
 */

import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, SignedInUsers, screenshotsDir, startServer, type TestServer } from './harness.ts';

const COORDINATOR = 'coordinator@meridian.test';
const MANAGER = 'manager.rsce@meridian.test';
const SCREENSHOTS = screenshotsDir();

let server: TestServer;
let baseUrl: string;
let browser: Browser;
let scenarioUrl = '';

const sessions = new SignedInUsers(
  () => browser,
  () => baseUrl,
  (text, at) => /status of 401/.test(text) && /\/api\/auth\/me/.test(at),
);
const { pageErrors, consoleErrors } = sessions;

beforeAll(async () => {
  server = await startServer('planning');
  baseUrl = server.baseUrl;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('planning in the web app', () => {
  it('runs a scenario and shows its result beside today on two maps', async () => {
    const { page } = await sessions.get(COORDINATOR);
    await page.getByTestId('nav-planning').click();
    await page.getByTestId('scenario-editor').waitFor();
    await page.getByTestId('scenario-name').fill('Three RC offices in South America');
    const entities = page.getByTestId('scenario-entities');
    for (const code of ['RCO-CL', 'RCO-AR', 'RCO-PE']) {
      await entities.fill(code);
      await entities.press('Enter');
    }
    await page.getByTestId('scenario-solve').click();
    await page.waitForURL(/\/planning\/scenarios\/\d+$/, { timeout: 90_000 });
    scenarioUrl = page.url();
    await expect.poll(() => page.getByTestId('scenario-status').textContent(), { timeout: 30_000 }).toBe('Optimal');
    expect(await page.getByTestId('scenario-objective').textContent()).toMatch(/\$/);
    expect(await page.getByTestId('scenario-gap').textContent()).toMatch(/%/);
    await page.getByTestId('scenario-comparison').waitFor();
    // The maps: today's and the proposed assignments, arrows from providers to the three offices.
    await page.getByTestId('plan-map-today').waitFor();
    await page.getByTestId('plan-map-proposed').waitFor();
    await expect
      .poll(() => page.locator('[data-testid="plan-map-proposed"] [data-testid="plan-arrow"]').count())
      .toBeGreaterThan(0);
    expect(await page.locator('[data-testid="plan-map-today"] [data-testid="plan-arrow"]').count()).toBeGreaterThan(0);
    await page.getByTestId('scenario-maps').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'planning-scenario.png') });
    expect(
      await page
        .locator(
          '[data-testid="plan-map-proposed"] path[data-layer], [data-testid="plan-map-proposed"] g[data-layer="countries"] path',
        )
        .count(),
    ).toBeGreaterThan(100);
    // Accept the first change: it becomes a change proposal, listed in the CSV export.
    const rows = page.getByTestId('result-row');
    expect(await rows.count()).toBeGreaterThan(0);
    await rows.first().getByRole('checkbox').check();
    await page.getByTestId('accept-changes').click();
    await page.getByTestId('accept-done').waitFor();
    const csv = await page
      .context()
      .request.get(`${baseUrl}/api/planning/proposals.csv?scenario=${scenarioUrl.split('/').pop()}`);
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/,RCO-(CL|AR|PE),[A-Z]+-[A-Z-]+,.*,proposed,/);
    expect(await page.getByTestId('proposals-csv').textContent()).toContain('1');
  });

  it('lists co-location candidates at real duty stations', async () => {
    const { page } = await sessions.get(COORDINATOR);
    await page.getByTestId('nav-co-locations').click();
    await page.getByTestId('co-location-table').waitFor();
    await expect.poll(() => page.getByTestId('co-location-row').count()).toBeGreaterThan(3);
    expect(await page.getByTestId('co-location-table').textContent()).toContain('New York');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'planning-co-locations.png') });
  });

  it('lets a provider manager read scenarios without the editor', async () => {
    const { page } = await sessions.get(MANAGER);
    await page.getByTestId('nav-planning').click();
    await page.getByTestId('scenario-list').waitFor();
    expect(await page.getByTestId('scenario-editor').count()).toBe(0);
    await page.goto(scenarioUrl);
    await page.getByTestId('scenario-status').waitFor();
    expect(await page.getByTestId('scenario-objective').textContent()).toBe('—');
  });

  it('raised no page or console errors', () => {
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
