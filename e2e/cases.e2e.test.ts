/**
 * End-to-end test of the cases screens against the real server (in-process, fresh PGlite folder, the built
 * web app), one browser context per user:
 *
 * 1. requester.rco-cl asks for PAY-PAYROLL through the generated form (client-side checks first), and sees
 *    the new case routed to UNON;
 * 2. agent.unon finds it in the work queue, starts work, transfers it to KJSO with a reason, and is sent back
 *    to the queue (the case has left UNON);
 * 3. agent.kjso finds it in the KJSO queue (a selection of rows is reset when the tab, sort, search or page changes),
 *    assigns it to themself with a bulk action, and resolves it, after a version conflict (someone else changed
 *    the case meanwhile) that keeps the reason typed;
 * 4. the requester sees ONE timeline: created → routed (UNON) → state changed → transferred (UNON → KJSO) →
 *    resolved (KJSO), and the segments UNON then KJSO; no internal-note events; French labels;
 * 5. the coordinator finds a request no provider is assigned for in the DOS coordination queue, sends it to
 *    a provider and opens a child task at another, whose events join the parent's timeline;
 * 6. MINUSCA's focal point sees in My requests who asked each of the entity's requests (a requester, who
 *    sees only their own, has no such column);
 * 7. agent.unon withdraws a child task it opened at RSCE, with a reason, from the parent's child-task list;
 *    the parent's timeline and RSCE's view of the child say who withdrew it and why.
 *
 * The case view is saved as case-timeline.png (1400x900; to docs/screenshots/ when MERIDIAN_SCREENSHOTS=1).
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, SignedInUsers, screenshotsDir, startServer, type TestServer } from './harness.ts';

const SCREENSHOTS = screenshotsDir();
const REQUESTER = 'requester.rco-cl@meridian.test';
const UNON = 'agent.unon@meridian.test';
const KJSO = 'agent.kjso@meridian.test';
const COORDINATOR = 'coordinator@meridian.test';

let server: TestServer;
let baseUrl: string;
let browser: Browser;
/** The reference of the case the steps follow. */
let reference = '';

/** Each user signs in once, in a browser context of their own. */
const sessions = new SignedInUsers(
  () => browser,
  () => baseUrl,
  // answers the steps expect: 401 from /api/auth/me before sign-in, 412 from the conflict step, 404 from the
  // French step's service that does not exist and from the merge into a case that does not exist
  (text, at) =>
    (/status of 401/.test(text) && /\/api\/auth\/me/.test(at)) ||
    (/status of 412/.test(text) && /\/api\/cases\//.test(at)) ||
    (/status of 404/.test(text) && /\/api\/catalogue\/services\/NO-SUCH-SERVICE/.test(at)) ||
    (/status of 404/.test(text) && /\/api\/cases\/MER-\d+\/merge$/.test(at)),
);
const signedIn = (email: string) => sessions.get(email);
const { pageErrors, consoleErrors } = sessions;

/** Picks `option` in the Mantine select with test id `testId`, typing `typed` to filter. */
async function pick(page: Page, testId: string, option: RegExp | string, typed?: string): Promise<void> {
  const input = page.getByTestId(testId);
  await input.click();
  if (typed) await input.fill(typed);
  await page.getByRole('option', { name: option }).click();
}

async function caseState(page: Page): Promise<string | null> {
  return page.getByTestId('case-header').getByTestId('case-state').getAttribute('data-state');
}

beforeAll(async () => {
  server = await startServer('cases');
  baseUrl = server.baseUrl;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('cases: one request, end to end across providers', () => {
  it('the requester asks for payroll through the generated form and sees it routed to UNON', async () => {
    const { page } = await signedIn(REQUESTER);
    // a client sees the client portal, not the work queue
    expect(await page.getByTestId('nav-my-requests').count()).toBe(1);
    expect(await page.getByTestId('nav-queue').count()).toBe(0);
    // the work queue, opened by its address, says it is the provider staff's and leads to "My requests"
    await page.goto(`${baseUrl}/queue`);
    const notice = page.getByTestId('queue-for-staff');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('The work queue is for provider staff');
    expect(await page.getByTestId('queue-table').count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'All cases' }).count()).toBe(0);
    await notice.getByRole('link', { name: 'My requests' }).click();
    await page.getByTestId('my-requests-empty').waitFor();
    expect(new URL(page.url()).pathname).toBe('/requests');

    await page.getByTestId('nav-request').click();
    await page.getByTestId('request-service-search').fill('payroll');
    await page.getByTestId('request-choose-PAY-PAYROLL').click();
    await page.getByTestId('request-form').waitFor();
    expect(await page.getByTestId('request-service-name').textContent()).toBe('Payroll');
    await expect.poll(() => page.getByTestId('request-route-preview').getAttribute('data-provider')).toBe('UNON');
    // the form is generated from the service's formFields, labelled in English
    const fields = page.getByTestId('request-fields');
    for (const label of ['Staff index number', 'Pay period (month)', 'What is wrong or needed']) {
      expect(await fields.textContent()).toContain(label);
    }

    // client-side checks mirror the server's: nothing is sent while required fields are empty
    await page.getByTestId('request-submit').click();
    await page.getByTestId('request-field-errors').waitFor();
    expect(await page.getByTestId('request-field-errors').textContent()).toContain('4 fields need your attention');
    expect(new URL(page.url()).pathname).toBe('/requests/new');

    await page.getByTestId('request-title').fill('June salary not received');
    await page.getByTestId('request-description').fill('My June salary has not reached my account.');
    await page.getByTestId('request-field-indexNumber').fill('1234567890123'); // 13 > 12 characters
    await page.getByTestId('request-submit').click();
    await expect
      .poll(() =>
        page.locator('.mantine-InputWrapper-root', { has: page.getByTestId('request-field-indexNumber') }).textContent(),
      )
      .toContain('at most 12');
    await page.getByTestId('request-field-indexNumber').fill('123456');
    await page.getByTestId('request-field-payPeriod').fill('2026-06');
    await pick(page, 'request-field-issue', 'Missing payment');
    await page.getByTestId('request-impact').getByText('High').click();
    await page.getByTestId('request-urgency').getByText('Medium').click();
    expect(await page.getByTestId('request-priority').textContent()).toBe('P2');
    expect(await page.getByTestId('request-priority-explained').textContent()).toContain('high impact and medium urgency');

    await page.getByTestId('request-submit').click();
    await page.getByTestId('case-view').waitFor();
    reference = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    expect(reference).toMatch(/^MER-\d{6}$/);
    expect(await page.getByTestId('flash').textContent()).toContain(`${reference} received and routed to UNON`);
    expect(await page.getByTestId('case-reference').textContent()).toBe(reference);
    expect(await page.getByTestId('case-provider-code').getAttribute('data-provider')).toBe('UNON');
    expect(await page.getByTestId('case-routing').getAttribute('data-provider')).toBe('UNON');
    expect(await caseState(page)).toBe('new');
    expect(await page.getByTestId('case-field-indexNumber').textContent()).toContain('123456');
    await expect.poll(() => page.getByTestId('case-field-issue').textContent()).toContain('Missing payment');
    // exactly one case was opened
    const mine = await page.context().request.get(`${baseUrl}/api/cases`);
    expect(((await mine.json()) as { total: number }).total).toBe(1);
  });

  it('agent.unon opens it from the queue, starts work and transfers it to KJSO with a reason', async () => {
    const { page } = await signedIn(UNON);
    expect(await page.getByTestId('nav-request').count()).toBe(0);
    await page.getByTestId('nav-queue').click();
    const link = page.getByTestId(`case-link-${reference}`);
    await link.waitFor();
    await expect.poll(() => page.getByTestId('state-count-open').textContent()).toBe('1');
    await link.click();
    await page.getByTestId('case-view').waitFor();

    await page.getByTestId('action-in-progress').click();
    await expect.poll(() => caseState(page)).toBe('in-progress');

    // merging into a case the agent cannot see (a typo) is said on the field, and nothing changes
    await page.getByTestId('action-merge').click();
    await page.getByTestId('merge-into').fill('mer-999999');
    await page.getByTestId('merge-confirm').click();
    await page.getByText('No case MER-999999 that you can see').waitFor();
    expect(await page.getByTestId('action-error').count()).toBe(0);
    await page.getByTestId('merge-dialog').getByRole('button', { name: 'Back' }).click();
    expect(await caseState(page)).toBe('in-progress');

    await page.getByTestId('action-transfer').click();
    await pick(page, 'transfer-provider', /^KJSO — /, 'KJSO');
    await page.getByTestId('transfer-reason').fill('Payroll for this staff member is run by KJSO');
    await page.getByTestId('transfer-confirm').click();
    // the case has left UNON: back to the queue, with a message
    await page.getByTestId('flash').waitFor();
    expect(new URL(page.url()).pathname).toBe('/queue');
    expect(await page.getByTestId('flash').textContent()).toContain(`${reference} was transferred to KJSO`);
    await page.getByTestId('queue-empty').waitFor();
    expect(await page.getByTestId(`case-link-${reference}`).count()).toBe(0);
  });

  it('agent.kjso finds it in its queue, takes it with a bulk action, and resolves it despite a conflict', async () => {
    const { page, context } = await signedIn(KJSO);
    // a page beyond the last (a stale link) goes to the last page that has cases, not to an empty one
    await page.goto(`${baseUrl}/queue?page=40`);
    await page.getByTestId(`case-link-${reference}`).waitFor();
    expect(new URL(page.url()).searchParams.get('page')).toBeNull();
    // filters its controls cannot show (a service not in the catalogue, an assignee by id) are dropped
    await page.goto(`${baseUrl}/queue?service=NOPE&assignee=42`);
    await page.getByTestId(`case-link-${reference}`).waitFor();
    await expect.poll(() => new URL(page.url()).search).toBe('');
    await page.getByTestId('nav-queue').click();
    await page.getByTestId(`case-link-${reference}`).waitFor();

    // a selection is of the cases the list shows: another tab, sort or filter starts a new one (the case is
    // still on screen each time, so only the reset can unselect it)
    const select = page.getByTestId(`queue-select-${reference}`);
    const bulkBars = () => page.getByTestId('bulk-bar').count();
    const selectAgain = async () => {
      await select.check();
      await page.getByTestId('bulk-bar').waitFor();
      expect(await page.getByTestId('bulk-count').textContent()).toContain('1');
    };
    await selectAgain();
    await page.getByTestId('state-tab-all').click();
    await expect.poll(bulkBars).toBe(0);
    await page.getByTestId(`case-link-${reference}`).waitFor();
    expect(await select.isChecked()).toBe(false);
    await selectAgain();
    await page
      .getByTestId('queue-table')
      .getByRole('button', { name: /^Reference/ })
      .click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('reference');
    await expect.poll(bulkBars).toBe(0);
    expect(await select.isChecked()).toBe(false);
    await selectAgain();
    await page.getByTestId('queue-search').fill(reference);
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(reference);
    await expect.poll(bulkBars).toBe(0);
    await page.getByTestId(`case-link-${reference}`).waitFor();
    expect(await select.isChecked()).toBe(false);
    // another page size (or page) too: the selected rows were of the page shown
    await selectAgain();
    await page.locator('input[aria-label="Rows per page"]').click();
    await page.getByRole('option', { name: '10 per page' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('pageSize')).toBe('10');
    await expect.poll(bulkBars).toBe(0);
    await page.getByTestId(`case-link-${reference}`).waitFor();
    expect(await select.isChecked()).toBe(false);
    await page.getByTestId('nav-queue').click();
    await expect.poll(() => new URL(page.url()).search).toBe('');
    await page.getByTestId(`case-link-${reference}`).waitFor();

    // bulk action: assign to me, with the result per case
    await page.getByTestId(`queue-select-${reference}`).check();
    await page.getByTestId('bulk-assign-me').click();
    const result = page.getByTestId(`bulk-result-${reference}`);
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('true');
    await page.getByTestId('nav-my-cases').click();
    await expect.poll(() => page.getByTestId('queue-table-row').count()).toBe(1);

    await page.getByTestId(`case-link-${reference}`).click();
    await page.getByTestId('case-view').waitFor();
    const seen = Number(await page.getByTestId('case-view').getAttribute('data-version'));

    // someone else changes the case behind this page's back (version seen -> seen + 1)
    const me = (await (await context.request.get(`${baseUrl}/api/auth/me`)).json()) as { user: { id: number } };
    const behind = await context.request.post(`${baseUrl}/api/cases/${reference}/assign`, {
      headers: { 'If-Match': `"${seen}"` },
      data: { assignee: me.user.id },
    });
    expect(behind.status()).toBe(200);

    await page.getByTestId('action-resolved').click();
    await page.getByTestId('transition-reason').fill('June salary re-issued on 3 July');
    await page.getByTestId('transition-confirm').click();
    // 412: told clearly, the case reloaded, what was typed kept
    await page.getByTestId('conflict-alert').waitFor();
    expect(await page.getByTestId('transition-reason').inputValue()).toBe('June salary re-issued on 3 July');
    await expect.poll(async () => Number(await page.getByTestId('case-view').getAttribute('data-version'))).toBe(seen + 1);
    await page.getByTestId('transition-confirm').click();
    await expect.poll(() => caseState(page)).toBe('resolved');
  });

  it('the requester sees ONE timeline across UNON and KJSO, and who held it', async () => {
    const { page } = await signedIn(REQUESTER);
    await page.goto(`${baseUrl}/cases/${reference}`);
    await page.getByTestId('case-timeline').waitFor();
    expect(await caseState(page)).toBe('resolved');

    const events = await page.getByTestId('timeline-event').evaluateAll((els) =>
      els.map((e) => ({
        type: e.getAttribute('data-type'),
        case: e.getAttribute('data-case'),
        provider: e.getAttribute('data-provider'),
        title: e.querySelector('[data-testid="event-title"]')?.textContent ?? '',
        detail: e.querySelector('[data-testid="event-detail"]')?.textContent ?? '',
      })),
    );
    // every event is this case's, labelled with the provider holding it then
    for (const e of events) expect(e.case).toBe(reference);
    const at = (pred: (e: (typeof events)[number]) => boolean) => events.findIndex(pred);
    const created = at((e) => e.type === 'created');
    const routed = at((e) => e.type === 'routed');
    const started = at((e) => e.type === 'state-changed' && e.title.includes('In progress'));
    const transferred = at((e) => e.type === 'transferred');
    const resolved = at((e) => e.type === 'state-changed' && e.title.endsWith('Resolved'));
    expect([created, routed, started, transferred, resolved].every((i) => i >= 0)).toBe(true);
    expect(created).toBeLessThan(routed);
    expect(routed).toBeLessThan(started);
    expect(started).toBeLessThan(transferred);
    expect(transferred).toBeLessThan(resolved);
    expect(events[routed]).toMatchObject({ provider: 'UNON', title: 'Routed to UNON' });
    expect(events[transferred]).toMatchObject({ provider: 'UNON', title: 'Transferred from UNON to KJSO' });
    expect(events[transferred]?.detail).toBe('Payroll for this staff member is run by KJSO');
    expect(events[resolved]).toMatchObject({ provider: 'KJSO', detail: 'June salary re-issued on 3 July' });
    expect(events.some((e) => e.type === 'note-added')).toBe(false);

    const segments = await page
      .getByTestId('segment-row')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-case'), e.getAttribute('data-provider')]));
    expect(segments).toEqual([
      [reference, 'UNON'],
      [reference, 'KJSO'],
    ]);
    expect(await page.getByTestId('case-provider-code').getAttribute('data-provider')).toBe('KJSO');
    // a client may close or reopen a resolved case, nothing else
    const actions = await page
      .getByTestId('case-actions')
      .locator('button')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(actions.sort()).toEqual(['action-closed', 'action-reopen']);

    await page.mouse.move(5, 5);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'case-timeline.png') });
  });

  it('shows the cases screens in French', async () => {
    const { page } = await signedIn(REQUESTER);
    await page.getByTestId('language-fr').click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('fr');
    await page.getByRole('heading', { name: 'Chronologie' }).waitFor();
    const titles = await page.getByTestId('event-title').allTextContents();
    expect(titles).toContain('Transféré de UNON à KJSO');
    expect(titles).toContain('Changement d’état : En cours → Résolu');
    expect(await page.getByTestId('case-header').getByTestId('case-state').textContent()).toBe('Résolu');
    expect(await page.getByTestId('nav-my-requests').textContent()).toBe('Mes demandes');
    // a hand-made address with values the list does not know shows the list with its defaults, not an error
    await page.goto(`${baseUrl}/requests?page=-3&sort=bogus&state=nope&pageSize=0x10&stat=closed`);
    await page.getByTestId(`case-link-${reference}`).waitFor();
    expect(await page.getByTestId('error-alert').count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Mes demandes' }).count()).toBe(1);
    // an address asking for a service the catalogue does not have says so in French and offers the choice
    await page.goto(`${baseUrl}/requests/new?service=NO-SUCH-SERVICE`);
    const unknown = page.getByTestId('request-unknown-service');
    await unknown.waitFor();
    expect(await unknown.textContent()).toContain('Ce service n’est pas au catalogue');
    expect(await unknown.textContent()).toContain('NO-SUCH-SERVICE');
    expect(await page.getByTestId('error-alert').count()).toBe(0);
    await unknown.getByRole('button', { name: 'Choisir un service' }).click();
    await page.getByTestId('request-choose-PAY-PAYROLL').click();
    expect(await page.getByTestId('request-fields').textContent()).toContain('Numéro d’index du fonctionnaire');
    await page.getByTestId('language-en').click();
    await expect.poll(() => page.getByTestId('nav-my-requests').textContent()).toBe('My requests');
  });

  it('the coordinator sends a request from the DOS coordination queue to a provider and opens a child task', async () => {
    // RCO-CL has no provider assigned for official travel: the request goes to the coordination queue, as
    // the form says beforehand (the routing look-up answers "unassigned", not a 404 in the console)
    const requester = await signedIn(REQUESTER);
    await requester.page.goto(`${baseUrl}/requests/new?service=TRV-TRAVEL`);
    const preview = requester.page.getByTestId('request-route-preview');
    await expect.poll(() => preview.getAttribute('data-provider')).toBe('none');
    expect(await preview.textContent()).toContain('the request will go to the DOS coordination queue');
    const res = await requester.context.request.post(`${baseUrl}/api/cases`, {
      headers: { 'Idempotency-Key': 'e2e-travel-request-1' },
      data: {
        service: 'TRV-TRAVEL',
        title: 'Travel to the regional workshop in Lima',
        fields: { destination: 'Lima', departureDate: '2027-01-18' },
        impact: 3,
        urgency: 2,
      },
    });
    expect(res.status()).toBe(201);
    const travel = ((await res.json()) as { reference: string; provider: unknown }).reference;

    const { page } = await signedIn(COORDINATOR);
    await page.getByTestId('nav-coordination-queue').click();
    await page.getByTestId(`case-link-${travel}`).waitFor();
    expect(await page.getByTestId(`case-link-${reference}`).count()).toBe(0); // KJSO's case is not in this queue
    await page.getByTestId(`case-link-${travel}`).click();
    await page.getByTestId('case-view').waitFor();
    expect(await page.getByTestId('case-routing').getAttribute('data-provider')).toBe('none');
    expect(await page.getByTestId('case-provider-code').getAttribute('data-provider')).toBe('none');

    await page.getByTestId('action-transfer').click();
    await pick(page, 'transfer-provider', /^ECLAC — /, 'ECLAC');
    await page.getByTestId('transfer-reason').fill('ECLAC books travel for the RC offices of the region');
    await page.getByTestId('transfer-confirm').click();
    await expect.poll(() => page.getByTestId('case-provider-code').getAttribute('data-provider')).toBe('ECLAC');
    expect(new URL(page.url()).pathname).toBe(`/cases/${travel}`); // a coordinator still sees it

    await page.getByTestId('action-child').click();
    await pick(page, 'child-provider', /^RSCE — /, 'RSCE');
    await page.getByTestId('child-title').fill('Visa for Peru');
    await page.getByTestId('child-reason').fill('RSCE handles the visa requests');
    await page.getByTestId('child-confirm').click();
    await page.getByTestId('child-task').waitFor();
    const child = (await page.getByTestId('child-task').locator('a').textContent()) ?? '';
    expect(child).toMatch(/^MER-\d{6}$/);
    expect(await page.getByTestId('flash').textContent()).toContain(`Child task ${child} opened at RSCE`);
    // the child task's own events are in the parent's timeline, labelled with its reference and provider
    await expect
      .poll(() =>
        page
          .getByTestId('timeline-event')
          .evaluateAll((els) =>
            els.map((e) => `${e.getAttribute('data-type')}:${e.getAttribute('data-case')}:${e.getAttribute('data-provider')}`),
          ),
      )
      .toEqual([
        `created:${travel}:none`,
        `routed:${travel}:none`,
        `transferred:${travel}:none`,
        `created:${child}:RSCE`,
        `child-task-opened:${travel}:ECLAC`,
      ]);
    const segments = await page
      .getByTestId('segment-row')
      .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-case')}:${e.getAttribute('data-provider')}`));
    expect(segments).toEqual([`${travel}:none`, `${travel}:ECLAC`, `${child}:RSCE`]);
  });

  it("a focal point's My requests names who asked each of the entity's requests; a requester's has no such column", async () => {
    const jean = await signedIn('requester.minusca@meridian.test');
    const asked = await jean.context.request.post(`${baseUrl}/api/cases`, {
      data: { service: 'HR-ADMIN', title: 'Contract extension for the Bangui office' },
    });
    expect(asked.status()).toBe(201);
    const askedRef = ((await asked.json()) as { reference: string }).reference;

    const { page } = await signedIn('focal.minusca@meridian.test');
    await page.getByTestId('nav-my-requests').click();
    await page.getByTestId(`case-link-${askedRef}`).waitFor();
    const row = page.getByTestId('my-requests-table-row').filter({ has: page.getByTestId(`case-link-${askedRef}`) });
    expect(await row.getByTestId('case-requester').textContent()).toBe('Jean Mbaye');
    expect(await page.getByTestId('my-requests-table').getByRole('columnheader', { name: 'Demandeur' }).count()).toBe(1);

    const requester = await signedIn(REQUESTER);
    await requester.page.getByTestId('nav-my-requests').click();
    await requester.page.getByTestId(`case-link-${reference}`).waitFor();
    expect(await requester.page.getByTestId('case-requester').count()).toBe(0);
  });

  it("the parent's provider withdraws a child task it opened at another provider; both timelines say who and why", async () => {
    const requester = await signedIn(REQUESTER);
    const created = await requester.context.request.post(`${baseUrl}/api/cases`, {
      data: {
        service: 'PAY-PAYROLL',
        title: 'Overtime for November not paid',
        fields: { indexNumber: '654321', payPeriod: '2026-11', issue: 'missing-payment' },
      },
    });
    expect(created.status()).toBe(201);
    const parent = ((await created.json()) as { reference: string }).reference;
    const unon = await signedIn(UNON);
    const opened = await unon.context.request.post(`${baseUrl}/api/cases/${parent}/children`, {
      data: {
        provider: 'RSCE',
        service: 'HR-ADMIN',
        title: 'Confirm the overtime authorisation',
        reason: 'HR must confirm first',
      },
    });
    expect(opened.status()).toBe(201);
    const child = ((await opened.json()) as { reference: string }).reference;

    const { page } = unon;
    await page.goto(`${baseUrl}/cases/${parent}`);
    await page.getByTestId('case-children').waitFor();
    // held by RSCE: listed without a link, with a button to withdraw it
    expect(await page.getByTestId('child-task-closed').count()).toBe(1);
    await page.getByTestId(`child-withdraw-${child}`).click();
    await page.getByTestId('withdraw-dialog').getByTestId('withdraw-reason').waitFor();
    await page.getByTestId('withdraw-confirm').click(); // no reason yet: refused in the form
    await page.getByText('at least 3 characters').first().waitFor();
    await page.getByTestId('withdraw-reason').fill('The overtime was paid in the October run after all');
    await page.getByTestId('withdraw-confirm').click();
    await expect.poll(() => page.getByTestId('flash').textContent()).toContain(`Child task ${child} withdrawn from RSCE`);
    await expect
      .poll(() => page.getByTestId('child-task').getByTestId('case-state').getAttribute('data-state'))
      .toBe('cancelled');
    expect(await page.getByTestId(`child-withdraw-${child}`).count()).toBe(0);
    const last = page.locator('[data-testid="timeline-event"][data-type="child-task-withdrawn"]');
    await last.waitFor();
    expect(await last.getByTestId('event-title').textContent()).toBe(`Child task ${child} at RSCE withdrawn`);
    expect(await last.getByTestId('event-detail').textContent()).toBe('The overtime was paid in the October run after all');

    const rsce = (await signedIn('agent.rsce@meridian.test')).page;
    await rsce.goto(`${baseUrl}/cases/${child}`);
    await rsce.getByTestId('case-view').waitFor();
    // a child task's header says its parent and why it was opened, in the reader's language
    expect(await rsce.getByTestId('case-routing-reason').textContent()).toBe(`Child task of ${parent}: HR must confirm first`);
    const withdrawn = rsce.locator(`[data-testid="timeline-event"][data-case="${child}"]`).last();
    await expect.poll(() => withdrawn.getByTestId('event-title').textContent()).toBe(`Withdrawn by UNON, which holds ${parent}`);
    expect(await withdrawn.textContent()).toContain('Wanjiru Kamau');
    expect(await withdrawn.getByTestId('event-detail').textContent()).toBe('The overtime was paid in the October run after all');
  });

  it('says in the withdraw dialog that the child task was resolved meanwhile, and keeps the dialog and its reason', async () => {
    const requester = await signedIn(REQUESTER);
    const created = await requester.context.request.post(`${baseUrl}/api/cases`, {
      data: {
        service: 'PAY-PAYROLL',
        title: 'Allowance for December not paid',
        fields: { indexNumber: '654321', payPeriod: '2026-12', issue: 'missing-payment' },
      },
    });
    const parent = ((await created.json()) as { reference: string }).reference;
    const unon = await signedIn(UNON);
    const opened = await unon.context.request.post(`${baseUrl}/api/cases/${parent}/children`, {
      data: { provider: 'RSCE', service: 'HR-ADMIN', title: 'Confirm the allowance', reason: 'HR must confirm first' },
    });
    const child = (await opened.json()) as { reference: string; version: number };
    const { page } = unon;
    await page.goto(`${baseUrl}/cases/${parent}`);
    await page.getByTestId(`child-withdraw-${child.reference}`).click();
    await page.getByTestId('withdraw-reason').fill('Paid in the December run after all');
    // meanwhile RSCE resolves the child task
    const rsce = await signedIn('agent.rsce@meridian.test');
    let version = child.version;
    for (const to of ['in-progress', 'resolved']) {
      const r = await rsce.context.request.post(`${baseUrl}/api/cases/${child.reference}/transitions`, {
        data: { to },
        headers: { 'if-match': `"${version}"` },
      });
      expect(r.status(), await r.text()).toBe(200);
      version = ((await r.json()) as { version: number }).version;
    }
    await page.getByTestId('withdraw-confirm').click();
    const notice = page.getByTestId('withdraw-dialog').getByTestId('conflict-alert');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('so this can no longer be done');
    expect(await page.getByTestId('withdraw-reason').inputValue()).toBe('Paid in the December run after all');
    expect(await page.getByTestId('withdraw-confirm').isDisabled()).toBe(true);
  });

  it('had no script errors', () => {
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
