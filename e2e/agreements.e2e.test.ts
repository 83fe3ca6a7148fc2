/**
 * End-to-end test of the common SLA against the real server (in-process, fresh PGlite folder, the built web
 * app):
 *
 * 1. the DOS coordinator drafts an agreement between RSCE and MINUSCA through the form (provider, entity,
 *    services, term, review date, contacts, a standard with a service credit);
 * 2. takes it from draft to in consultation, records the signatures, and activates it;
 * 3. reads its PDF in French (the text of the PDF, not just its type) and its HTML in English;
 * 4. MINUSCA's focal point sees the agreement; KJSO's agent sees none;
 * 5. the coordinator adds a price list (an overlapping one is refused with a clear problem), runs a month
 *    and closes it;
 * 6. an assignment request (UNAMA's payroll to UNON): the coordinator records the consultations of DMSPC and
 *    of the head of UNAMA on screen, the administrator (the USG's stand-in) approves it from a date, and the
 *    request shows the trail and the new period in UNAMA's history.
 *
 * The agreement view is saved as agreement.png and the decided request as assignment-request.png (1400 wide;
 * to docs/screenshots/ when MERIDIAN_SCREENSHOTS=1).
 */
import path from 'node:path';
import { PDFParse } from 'pdf-parse';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, SignedInUsers, screenshotsDir, startServer, type TestServer } from './harness.ts';

const SCREENSHOTS = screenshotsDir();
const COORDINATOR = 'coordinator@meridian.test';
const FOCAL = 'focal.minusca@meridian.test';
const KJSO = 'agent.kjso@meridian.test';
const ADMIN = 'admin@meridian.test';

let server: TestServer;
let baseUrl: string;
let browser: Browser;
let agreementUrl = '';

const sessions = new SignedInUsers(
  () => browser,
  () => baseUrl,
  // answers the steps expect: 401 from /api/auth/me before sign-in, 400 from signing without signatories,
  // 409 from an overlapping price list
  (text, at) =>
    (/status of 401/.test(text) && /\/api\/auth\/me/.test(at)) ||
    (/status of 400/.test(text) && /\/transitions$/.test(at)) ||
    (/status of 409/.test(text) && /\/api\/price-lists$/.test(at)),
);
const { pageErrors, consoleErrors } = sessions;

/** Picks `option` in the Mantine select with test id `testId`, typing `typed` to filter. */
async function pick(page: Page, testId: string, option: RegExp | string, typed?: string): Promise<void> {
  const input = page.getByTestId(testId);
  await input.click();
  if (typed) await input.fill(typed);
  await page.getByRole('option', { name: option }).first().click();
}

async function status(page: Page): Promise<string | null> {
  return page.getByTestId('agreement-status').getAttribute('data-state');
}

beforeAll(async () => {
  server = await startServer('agreements');
  baseUrl = server.baseUrl;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('agreements: from draft to active, and the printable agreement', () => {
  it('the coordinator drafts an agreement between RSCE and MINUSCA through the form', async () => {
    const { page } = await sessions.get(COORDINATOR);
    await page.getByTestId('nav-agreements').click();
    await page.getByTestId('agreements-empty').waitFor();
    await page.getByTestId('agreement-new-toggle').click();
    await pick(page, 'agreement-provider', /^RSCE/, 'RSCE');
    await pick(page, 'agreement-entity', /^MINUSCA/, 'MINUSCA');
    await pick(page, 'annex-services', /^HR-ADMIN/, 'HR-ADMIN');
    await page.keyboard.press('Escape');
    await page.getByTestId('annex-term-from').fill('2026-01-01');
    await page.getByTestId('annex-term-to').fill('2027-12-31');
    await page.getByTestId('annex-review-date').fill('2027-06-30');
    await page.getByTestId('contact-provider-role').fill('Client services manager');
    await page.getByTestId('contact-provider-name').fill('Grace Nakato');
    await page.getByTestId('contact-provider-email').fill('manager.rsce@meridian.test');
    await page.getByTestId('contact-client-role').fill('Chief of mission support');
    await page.getByTestId('contact-client-name').fill('Aline Ngaba');
    await page.getByTestId('contact-client-email').fill('focal.minusca@meridian.test');
    await page.getByTestId('standard-add').click();
    await page.getByTestId('agreement-create').click();
    await page.waitForURL(/\/agreements\/\d+$/);
    agreementUrl = page.url();
    expect(await status(page)).toBe('draft');
    expect(await page.getByTestId('annex-view').textContent()).toContain('HR-ADMIN');
  });

  it('takes it through consultation and signature to active', async () => {
    const { page } = await sessions.get(COORDINATOR);
    await page.getByTestId('action-submit').click();
    await expect.poll(() => status(page)).toBe('in-consultation');
    // signing without the signatories is refused with the API's problem
    await page.getByTestId('action-sign').click();
    await page.getByTestId('transition-error').waitFor();
    await page.getByTestId('sign-provider').fill('Director, RSCE');
    await page.getByTestId('sign-client').fill('Director of Mission Support, MINUSCA');
    await page.getByTestId('action-sign').click();
    await expect.poll(() => status(page)).toBe('signed');
    await page.getByTestId('action-activate').click();
    await expect.poll(() => status(page)).toBe('active');
    expect(await page.getByTestId('signed-by').textContent()).toContain('Director, RSCE');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'agreement.png') });
  });

  it('reads its PDF (in French) and its HTML (in English)', async () => {
    const { page } = await sessions.get(COORDINATOR);
    const href = await page.getByTestId('document-pdf-fr').getAttribute('href');
    expect(href).toMatch(/document\.pdf\?lang=fr$/);
    const pdf = await page.request.get(`${baseUrl}${href}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    const text = (await new PDFParse({ data: new Uint8Array(await pdf.body()) }).getText()).text;
    expect(text).toContain('Accord de niveau de service SLA-RSCE-MINUSCA-1');
    expect(text).toContain('en vigueur');
    expect(text).toContain('Director, RSCE');
    expect(text).toContain('Annexe A — Services couverts');
    expect(text).toMatch(/HR-ADMIN/);

    const htmlHref = await page.getByTestId('document-html-en').getAttribute('href');
    const html = await page.request.get(`${baseUrl}${htmlHref}`);
    expect(await html.text()).toContain('Service-level agreement SLA-RSCE-MINUSCA-1');
  });

  it("shows the agreement to MINUSCA's focal point, and none to another provider's agent", async () => {
    const focal = (await sessions.get(FOCAL)).page;
    await focal.getByTestId('nav-agreements').click();
    await focal.getByTestId('agreement-row-SLA-RSCE-MINUSCA-1').waitFor();
    expect(await focal.getByTestId('agreement-new-toggle').count()).toBe(0);
    const kjso = (await sessions.get(KJSO)).page;
    await kjso.getByTestId('nav-agreements').click();
    await kjso.getByTestId('agreements-empty').waitFor();
    const direct = await kjso.request.get(agreementUrl.replace('/agreements/', '/api/agreements/'));
    expect(direct.status()).toBe(404);
  });

  it('adds a price list, refuses an overlapping one, runs a month of billing and closes it', async () => {
    const { page } = await sessions.get(COORDINATOR);
    await page.getByTestId('nav-price-lists').click();
    const addPrice = async (price: string, from: string) => {
      await pick(page, 'price-provider', /^UNON/, 'UNON');
      await pick(page, 'price-service', /^HR-ONBOARD/, 'HR-ONBOARD');
      await pick(page, 'price-basis', /per case/);
      await page.getByTestId('price-unit-price').fill(price);
      await page.getByTestId('price-from').fill(from);
      await page.getByTestId('price-add').click();
    };
    await addPrice('150.00', '2026-01-01');
    await page.getByTestId('price-row-UNON-HR-ONBOARD').waitFor();
    await addPrice('175.00', '2026-06-01');
    await page.getByTestId('price-error').waitFor();
    expect(await page.getByTestId('price-error').textContent()).toMatch(/overlaps price list \d+/);
    expect(await page.getByTestId('price-row-UNON-HR-ONBOARD').count()).toBe(1);

    await page.getByTestId('nav-billing').click();
    await page.getByTestId('run-month').fill('2026-10');
    await page.getByTestId('run-submit').click();
    await page.getByTestId('run-row-2026-10').getByRole('link').click();
    await page.getByTestId('run-close').click();
    await expect.poll(() => page.getByTestId('run-state').getAttribute('data-state')).toBe('closed');
  });

  it('takes an assignment request through its consultations to the decision, on screen', async () => {
    const coordinator = (await sessions.get(COORDINATOR)).page;
    const created = await coordinator.request.post(`${baseUrl}/api/assignment-requests`, {
      data: {
        entity: 'UNAMA',
        provider: 'UNON',
        services: ['PAY-PAYROLL'],
        scope: 'global',
        costRecovery: true,
        requestedFrom: '2030-01-01',
        justification: 'One payroll centre for the special political missions',
      },
    });
    expect(created.status()).toBe(201);
    const id = (await created.json()).id as number;
    await coordinator.getByTestId('nav-assignment-requests').click();
    await coordinator.getByRole('link', { name: /^AR-\d{6}$/ }).click();
    await expect.poll(() => coordinator.getByTestId('request-state').getAttribute('data-state')).toBe('open');
    for (const [party, who, opinion] of [
      [/Management Strategy/, 'ASG, Management Strategy, Policy and Compliance', /^Concurs$/],
      [/Head of the entity/, 'Special Representative, UNAMA', /with conditions/],
    ] as const) {
      await pick(coordinator, 'consult-party', party);
      await coordinator.getByTestId('consult-consultee').fill(who);
      await pick(coordinator, 'consult-opinion', opinion);
      await coordinator.getByTestId('consult-comment').fill('Consulted on screen');
      await coordinator.getByTestId('consult-submit').click();
      await coordinator.getByTestId('consultation-trail').getByText(who, { exact: false }).waitFor();
    }
    // the coordinator has no authority to decide: no decision form
    expect(await coordinator.getByTestId('decision-approve').count()).toBe(0);

    const admin = (await sessions.get(ADMIN)).page;
    await admin.goto(`${baseUrl}/assignment-requests/${id}`);
    await admin.getByTestId('decision-date').fill('2030-01-01');
    await admin.getByTestId('decision-rationale').fill('Consolidation of payroll');
    await admin.getByTestId('decision-approve').click();
    await expect.poll(() => admin.getByTestId('request-state').getAttribute('data-state')).toBe('approved');
    await expect.poll(async () => admin.getByTestId('history-PAY-PAYROLL').textContent()).toMatch(/2030-01-01 → …: UNON/);
    expect(await admin.getByTestId('history-PAY-PAYROLL').textContent()).toMatch(/→ 2030-01-01: KJSO/);
    await admin.screenshot({ path: path.join(SCREENSHOTS, 'assignment-request.png'), fullPage: true });
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
