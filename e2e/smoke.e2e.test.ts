/**
 * End-to-end smoke test of the web UI against the real server: Meridian is opened in-process on a fresh
 * PGlite folder (migrations and reference data loaded), the Fastify app serves the built web app
 * (`web/dist`, built here when missing) and the API, and Debian's Chromium drives it through
 * playwright-core. The steps share one browser page and run in order.
 *
 * Screenshots (1400x900) go to docs/screenshots/ when MERIDIAN_SCREENSHOTS=1 (see harness.ts).
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, PASSWORD, screenshotsDir, startServer, type TestServer } from './harness.ts';

const SCREENSHOTS = screenshotsDir();
const EMAIL = 'coordinator@meridian.test';

let server: TestServer;
let baseUrl: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const consoleErrors: string[] = [];

/** Calls the API with the browser's session cookie. */
async function apiJson<T>(p: string): Promise<{ status: number; body: T }> {
  const res = await context.request.get(`${baseUrl}${p}`);
  return { status: res.status(), body: (await res.json()) as T };
}

async function countInSvg(testId: string, selector: string): Promise<number> {
  return page.locator(`[data-testid="${testId}"] ${selector}`).count();
}

beforeAll(async () => {
  server = await startServer('smoke');
  baseUrl = server.baseUrl;
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-GB' });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // answers the steps expect: 401 from /api/auth/me (signed out) and the session-loss step (a routing look-up
    // with no provider assigned is an answer, not an error: no 404)
    const at = m.location().url;
    const expected = /status of 401/.test(m.text()) && /\/api\//.test(at);
    if (!expected) consoleErrors.push(`${m.text()} (${at})`);
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('web UI smoke', () => {
  it('serves the app, and signed-out users only see the sign-in page', async () => {
    await page.goto(`${baseUrl}/matrix`);
    await page.getByTestId('sign-in-form').waitFor();
    const url = new URL(page.url());
    expect(url.pathname).toBe('/sign-in');
    expect(url.searchParams.get('redirect')).toBe('/matrix');
    expect(await page.getByTestId('nav-matrix').count()).toBe(0);
    expect(await page.getByTestId('matrix-table').count()).toBe(0);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
  });

  it("shows the API's problem, read by its code, when the password is wrong", async () => {
    await page.getByTestId('sign-in-email').fill(EMAIL);
    await page.getByTestId('sign-in-password').fill('not-the-password');
    await page.getByTestId('sign-in-submit').click();
    const alert = page.getByTestId('sign-in-error');
    await alert.waitFor();
    const res = await context.request.post(`${baseUrl}/api/auth/sign-in`, {
      data: { email: EMAIL, password: 'still-not-it' },
    });
    expect(res.status()).toBe(401);
    const problem = (await res.json()) as { code: string; detail: string };
    expect(problem.code).toBe('AUTH_INVALID_CREDENTIALS');
    // the UI says the problem by its stable code (the same words in English as the API's detail), never the detail
    expect((await alert.textContent())?.trim()).toBe('The e-mail address or the password is not correct.');
    expect(problem.detail).toBe('The e-mail address or the password is not correct');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('signs in, goes to the home page and shows the user and the counts from the API', async () => {
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByTestId('sign-in-email').fill(EMAIL);
    await page.getByTestId('sign-in-password').fill(PASSWORD);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('home-counts').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');

    const me = await apiJson<{ user: { name: string; role: string } }>('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.role).toBe('dos-coordinator');
    await expect.poll(() => page.getByTestId('user-name').textContent()).toBe(me.body.user.name);
    expect(await page.getByTestId('user-role').textContent()).toBe('DOS coordinator');

    const providers = await apiJson<{ total: number }>('/api/providers?pageSize=1');
    const entities = await apiJson<{ total: number }>('/api/entities?pageSize=1');
    const rcos = await apiJson<{ total: number }>('/api/entities?pageSize=1&kind=resident-coordinator-office');
    expect(providers.body.total).toBeGreaterThan(10);
    await expect.poll(() => page.getByTestId('count-providers').textContent()).toBe(String(providers.body.total));
    await expect.poll(() => page.getByTestId('count-entities').textContent()).toBe(String(entities.body.total));
    await expect
      .poll(() => page.getByTestId('count-entities-resident-coordinator-office').textContent())
      .toContain(String(rcos.body.total));
  });

  it('lists providers with server-side search', async () => {
    await page.getByTestId('nav-providers').click();
    await page.getByTestId('providers-table-row').first().waitFor();
    await page.getByTestId('providers-search').fill('Entebbe');
    await expect.poll(() => page.getByTestId('providers-table-row').count()).toBe(1);
    expect(await page.getByTestId('providers-table').textContent()).toContain('RSCE');
    expect(new URL(page.url()).searchParams.get('q')).toBe('Entebbe');
    await page.getByTestId('providers-search').fill('no-such-provider-xyz');
    await page.getByTestId('empty-result').waitFor();
  });

  it('shows who serves whom: RCO-CL gets payroll from UNON and procurement from ECLAC', async () => {
    await page.getByTestId('nav-matrix').click();
    await page.getByTestId('matrix-table').waitFor();
    const payrollHeader = page.getByTestId('matrix-service-PAY-PAYROLL');
    expect(await payrollHeader.textContent()).toBe('Payroll');
    await page.getByTestId('matrix-search').fill('RCO-C');
    await page.getByTestId('matrix-row-RCO-CL').waitFor();
    const payroll = page.getByTestId('matrix-cell-RCO-CL-PAY-PAYROLL');
    expect((await payroll.textContent())?.trim()).toBe('UNON');
    expect((await page.getByTestId('matrix-cell-RCO-CL-PROC-PROCUREMENT').textContent())?.trim()).toBe('ECLAC');
    // every row of the page matches the search
    const rows = await page
      .locator('[data-testid^="matrix-row-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(rows.length).toBeGreaterThan(3);
    for (const r of rows) expect(r).toMatch(/^matrix-row-RCO-C/);

    await payroll.locator('button').hover();
    const tip = page.getByTestId('matrix-tooltip');
    await tip.waitFor();
    const text = (await tip.textContent()) ?? '';
    expect(text).toContain('United Nations Office at Nairobi');
    expect(text).toMatch(/Global|Regional|Local/);
    expect(text).toMatch(/cost recovery/i);
    expect(text).toContain('para 16');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'matrix.png') });
  });

  it('looks up a route with the pickers: RCO-CL + procurement goes to ECLAC', async () => {
    await page.mouse.move(5, 5);
    await page.getByTestId('nav-routing').click();
    await page.getByTestId('route-prompt').waitFor();
    const entity = page.getByTestId('route-entity');
    await expect.poll(() => entity.isEnabled()).toBe(true);
    await entity.click();
    await entity.fill('RCO-CL');
    await page.getByRole('option', { name: /^RCO-CL — / }).click();
    const service = page.getByTestId('route-service');
    await expect.poll(() => service.isEnabled()).toBe(true);
    await service.click();
    await service.fill('PROC-PROC');
    await page.getByRole('option', { name: 'Procurement (PROC-PROCUREMENT)' }).click();
    const result = page.getByTestId('route-result');
    await result.waitFor();
    expect(await page.getByTestId('route-provider-code').textContent()).toBe('ECLAC');
    const text = (await result.textContent()) ?? '';
    expect(text).toContain('Economic Commission for Latin America and the Caribbean');
    expect(text).toContain('Regional');
    expect(text).toContain('para 16');
    const url = new URL(page.url());
    expect(url.searchParams.get('entity')).toBe('RCO-CL');
    expect(url.searchParams.get('service')).toBe('PROC-PROCUREMENT');
  });

  it('says when no provider is assigned (an answer of the API, not an error)', async () => {
    const api = await apiJson<{ assigned: boolean; provider: unknown; queue: string }>(
      '/api/routing?entity=DCO&service=HR-ADMIN',
    );
    expect(api.status).toBe(200);
    expect(api.body).toMatchObject({ assigned: false, provider: null, queue: 'dos-coordination' });
    await page.goto(`${baseUrl}/routing?entity=DCO&service=HR-ADMIN`);
    const alert = page.getByTestId('route-no-provider');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('No provider is assigned to serve DCO for Human resources administration');
    expect(await alert.textContent()).toContain('DOS coordination queue');
    expect(await page.getByTestId('route-result').count()).toBe(0);
  });

  it('draws map 1: the world and every provider with coordinates, labelled and coloured by kind', async () => {
    await page.getByTestId('nav-map-providers').click();
    const map = page.getByTestId('map-providers');
    await map.waitFor();
    await page.locator('[data-testid="map-providers"] [data-testid="map-marker-RSCE"]').waitFor();
    expect(await countInSvg('map-providers', 'path')).toBeGreaterThan(150); // countries
    const providers = await apiJson<{ items: Array<{ code: string; dutyStation: { latitude: number | null } }> }>(
      '/api/providers?pageSize=500',
    );
    const located = providers.body.items.filter((p) => p.dutyStation.latitude !== null);
    expect(await countInSvg('map-providers', '[data-testid^="map-marker-"]')).toBe(located.length);
    for (const code of ['RSCE', 'KJSO', 'GSC', 'UNON', 'ECLAC']) {
      expect(await page.getByTestId(`map-label-${code}`).textContent()).toBe(code);
    }
    // markers fall inside the drawing, and the colours differ by kind
    const fills = await page
      .locator('[data-testid="map-providers"] [data-testid^="map-marker-"] circle:first-child')
      .evaluateAll((els) => els.map((e) => e.getAttribute('fill')));
    expect(new Set(fills).size).toBeGreaterThanOrEqual(5);
    await page.getByTestId('map-marker-RSCE').hover();
    const tip = page.getByTestId('map-tooltip');
    await tip.waitFor();
    expect(await tip.textContent()).toContain('Regional Service Centre');
    expect(await tip.textContent()).toContain('Entebbe');
  });

  it('draws map 2: peace operations linked to their providers', async () => {
    await page.mouse.move(5, 5);
    await page.getByTestId('nav-map-peace-operations').click();
    const map = page.getByTestId('map-peace-operations');
    await map.waitFor();
    await page.locator('[data-testid="map-peace-operations"] [data-testid="map-provider-RSCE"]').waitFor();
    expect(await countInSvg('map-peace-operations', 'path')).toBeGreaterThan(150);
    const links = await apiJson<{ items: Array<{ entity: { code: string; kind: string }; provider: { code: string } }> }>(
      '/api/assignments/links?kinds=peacekeeping-operation,special-political-mission',
    );
    const ops = new Set(links.body.items.map((l) => l.entity.code));
    expect(ops.size).toBeGreaterThan(20);
    expect(await countInSvg('map-peace-operations', '[data-testid^="map-operation-"]')).toBe(ops.size);
    expect(await countInSvg('map-peace-operations', '[data-kind="peacekeeping-operation"]')).toBeGreaterThan(5);
    expect(await countInSvg('map-peace-operations', '[data-kind="special-political-mission"]')).toBeGreaterThan(5);
    expect(await countInSvg('map-peace-operations', '[data-testid="map-link"]')).toBe(links.body.items.length);
    await page.getByTestId('map-provider-KJSO').waitFor();
    expect(await page.getByTestId('map-label-RSCE').textContent()).toBe('RSCE');
    expect(await page.getByTestId('map-label-KJSO').textContent()).toBe('KJSO');

    const minuscaProviders = links.body.items.filter((l) => l.entity.code === 'MINUSCA').map((l) => l.provider.code);
    expect(minuscaProviders).toContain('RSCE');
    await page.getByTestId('map-operation-MINUSCA').hover();
    const tip = page.getByTestId('map-tooltip');
    await tip.waitFor();
    const text = (await tip.textContent()) ?? '';
    expect(text).toContain('Central African Republic');
    for (const code of minuscaProviders) expect(text).toContain(code);
    expect(text).toMatch(/\d+ services?/);
    await page.mouse.move(5, 5);
    await tip.waitFor({ state: 'detached' });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'map-peace-operations.png') });
  });

  it('switches to French, remembers it, and shows French labels and names', async () => {
    await page.getByTestId('language-fr').click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.locator('html').getAttribute('dir')).toBe('ltr');
    await page.getByRole('heading', { name: 'Les opérations de paix et leurs prestataires' }).waitFor();
    expect(await page.getByTestId('nav-matrix').textContent()).toBe('Qui sert qui');
    expect(await page.evaluate(() => localStorage.getItem('meridian.language'))).toBe('fr');

    await page.reload();
    await page.getByTestId('nav-matrix').waitFor();
    expect(await page.getByTestId('nav-matrix').textContent()).toBe('Qui sert qui');
    await page.getByTestId('nav-matrix').click();
    await page.getByTestId('matrix-table').waitFor();
    // names from the API in French
    const services = await apiJson<{ items: Array<{ code: string; name: { fr: string } }> }>(
      '/api/catalogue/services?q=PAY-PAYROLL',
    );
    const payroll = services.body.items.find((s) => s.code === 'PAY-PAYROLL');
    expect(payroll).toBeDefined();
    expect(await page.getByTestId('matrix-service-PAY-PAYROLL').textContent()).toBe(payroll?.name.fr);
    // the API's problems, by their stable code, in French
    await page.getByTestId('nav-routing').click();
    await page.getByTestId('route-prompt').waitFor();
    await page.goto(`${baseUrl}/routing?entity=DCO&service=HR-ADMIN`);
    await page.getByTestId('route-no-provider').waitFor();
    expect(await page.getByTestId('route-no-provider').textContent()).toContain('Aucun prestataire n’est attribué à DCO');
    await page.getByTestId('language-en').click();
    await expect.poll(() => page.getByTestId('nav-matrix').textContent()).toBe('Who serves whom');
  });

  it('sends the user to sign-in when the session is gone, and signs out', async () => {
    // the session ends behind the UI's back: the next API answer is 401
    const cookies = await context.cookies();
    await context.clearCookies();
    await page.getByTestId('nav-entities').click();
    await page.getByTestId('sign-in-form').waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await context.addCookies(cookies);

    await page.goto(`${baseUrl}/`);
    await page.getByTestId('home-counts').waitFor();
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-form').waitFor();
    expect((await apiJson<unknown>('/api/auth/me')).status).toBe(401);
    await page.goto(`${baseUrl}/providers`);
    await page.getByTestId('sign-in-form').waitFor();
    expect(await page.getByTestId('providers-table').count()).toBe(0);
  });

  it('had no script errors', () => {
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
