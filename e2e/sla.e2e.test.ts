/**
 * End-to-end test of the SLA screens against the real server (in-process, fresh PGlite folder, the built web
 * app), one browser context per user, every browser in Europe/Rome (so that the viewer's zone is neither the
 * provider's duty station, Nairobi, nor the client's, Santiago):
 *
 * 1. requester.rco-cl requests payroll (routed to UNON) and sees the SLA clocks of the request;
 * 2. agent.unon opens the case and sees each end-to-end clock with its target in words, its state and its due
 *    instant in two zones — the viewer's (Rome) and the duty station's (Nairobi) — and the client's
 *    (Santiago), the same instant the API gives; no edit controls on the SLA pages;
 * 3. the coordinator finds Nairobi's calendar, adds a version with a holiday from a later date (after being
 *    told, at the date input, that a date not after the newest version is refused), sees it in the version
 *    history, and imports holidays from a CSV file (a bad row is reported by line, nothing imported);
 * 4. the policies page lists the four common default policies; a duplicate scope is refused at its input;
 * 5. the report counts the case in UNON's month, and shows an empty state for months without clocks;
 * 6. the screens in French;
 * 7. the warnings and the breach of the first response, fired by the escalation jobs, in the case timeline.
 *
 * The business-time engine on main is a slow stand-in: clock reads can take seconds, hence long timeouts.
 * Screenshots (1400x900) go to docs/screenshots/ when MERIDIAN_SCREENSHOTS=1 (see harness.ts).
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireDueEscalations } from '../src/modules/sla/escalations.ts';
import { launchBrowser, SignedInUsers, screenshotsDir, startServer, type TestServer } from './harness.ts';

const SCREENSHOTS = screenshotsDir();
const REQUESTER = 'requester.rco-cl@meridian.test';
const UNON = 'agent.unon@meridian.test';
const COORDINATOR = 'coordinator@meridian.test';
const VIEWER_ZONE = 'Europe/Rome';
/** Long enough for the stand-in engine to compute a case's clocks. */
const SLOW = { timeout: 120_000 };
const STEP = 240_000;

let server: TestServer;
let baseUrl: string;
let browser: Browser;
let reference = '';

const sessions = new SignedInUsers(
  () => browser,
  () => baseUrl,
  // answers the steps provoke: 401 from /api/auth/me before sign-in; 400 and 422 from the refused calendar edits
  // and the duplicate policy
  (text, at) =>
    (/status of 401/.test(text) && /\/api\/auth\/me/.test(at)) || (/status of (400|422)/.test(text) && /\/api\/sla\//.test(at)),
  { timezoneId: VIEWER_ZONE },
);
/** A user's signed-in context; actions wait up to a minute (the machine is shared and the engine slow). */
async function signedIn(email: string) {
  const user = await sessions.get(email);
  user.context.setDefaultTimeout(60_000);
  return user;
}

/** Picks `option` in the Mantine select with test id `testId`. */
async function pick(page: Page, testId: string, option: RegExp | string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: option }).click();
}

interface ApiClock {
  scope: 'case' | 'segment';
  metric: string;
  provider: string | null;
  target: string;
  timeZone: string;
  dueAt: string | null;
  state: string;
}

/** The due instant as the page writes it (the UI language `en`, weekday, day, month, time), spaces normalised. */
function expectedTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(new Date(iso).getUTCFullYear() === new Date().getUTCFullYear() ? {} : { year: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
  })
    .format(new Date(iso))
    .replace(/\s+/g, ' ');
}
const norm = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

beforeAll(async () => {
  server = await startServer('sla');
  baseUrl = server.baseUrl;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('SLA clocks, calendars, policies and report', () => {
  it(
    'the requester opens a payroll request and sees its SLA clocks',
    async () => {
      const { page } = await signedIn(REQUESTER);
      await page.getByTestId('nav-request').click();
      await page.getByTestId('request-service-search').fill('payroll');
      await page.getByTestId('request-choose-PAY-PAYROLL').click();
      await page.getByTestId('request-form').waitFor();
      await page.getByTestId('request-title').fill('October salary not received');
      await page.getByTestId('request-field-indexNumber').fill('654321');
      await page.getByTestId('request-field-payPeriod').fill('2026-10');
      await pick(page, 'request-field-issue', 'Missing payment');
      await page.getByTestId('request-impact').getByText('High').click();
      await page.getByTestId('request-urgency').getByText('Medium').click();
      await page.getByTestId('request-submit').click();
      await page.getByTestId('case-view').waitFor(SLOW);
      reference = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
      expect(reference).toMatch(/^MER-\d{6}$/);

      // clients see the clocks too: the end-to-end ones of the P2 default policy (4 h first response, 2 days resolution)
      const card = page.getByTestId('case-clocks');
      await card.getByTestId('sla-clock').first().waitFor(SLOW);
      const e2e = card.getByTestId('sla-end-to-end').getByTestId('sla-clock');
      expect(await e2e.evaluateAll((els) => els.map((e) => e.getAttribute('data-metric')))).toEqual([
        'first-response',
        'resolution',
      ]);
      expect(norm(await e2e.first().getByTestId('clock-target').textContent())).toBe('Target: 4 business hours');
      expect(norm(await e2e.last().getByTestId('clock-target').textContent())).toBe('Target: 2 business days');
      // a client is not shown the escalation schedule
      expect(await card.getByTestId('clock-next-escalation').count()).toBe(0);
    },
    STEP,
  );

  it(
    'agent.unon sees each clock with its due instant in the viewer’s zone and the duty station’s',
    async () => {
      const { page, context } = await signedIn(UNON);
      const api = await context.request.get(`${baseUrl}/api/cases/${reference}/sla`, { timeout: 120_000 });
      expect(api.status()).toBe(200);
      const body = (await api.json()) as { clocks: ApiClock[]; clientTimeZone: string };
      expect(body.clientTimeZone).toBe('America/Santiago');
      const fr = body.clocks.find((c) => c.scope === 'case' && c.metric === 'first-response') as ApiClock;
      expect(fr).toMatchObject({ provider: 'UNON', timeZone: 'Africa/Nairobi', target: 'PT4H' });
      expect(['running', 'breached']).toContain(fr.state);

      await page.goto(`${baseUrl}/cases/${reference}`);
      const card = page.getByTestId('case-clocks');
      const clock = card.locator('[data-testid="sla-clock"][data-scope="case"][data-metric="first-response"]');
      await clock.waitFor(SLOW);
      expect(await clock.getAttribute('data-time-zone')).toBe('Africa/Nairobi');
      expect(await clock.getByTestId('clock-state').getAttribute('data-state')).toBe(fr.state);
      // the warning thresholds of the policy are drawn on the bar
      expect(
        await clock.getByTestId('clock-threshold').evaluateAll((els) => els.map((e) => e.getAttribute('data-threshold'))),
      ).toEqual(['75', '90']);

      if (fr.state === 'running' && fr.dueAt) {
        const due = clock.getByTestId('clock-due');
        expect(await due.getAttribute('data-at')).toBe(fr.dueAt);
        const zones = await due
          .getByTestId('clock-due-zone')
          .evaluateAll((els) =>
            els.map((e) => [
              e.getAttribute('data-zone'),
              e.getAttribute('data-roles'),
              e.querySelector('[data-testid="clock-due-time"]')?.textContent ?? '',
            ]),
          );
        expect(zones.map(([z, r]) => [z, r])).toEqual([
          [VIEWER_ZONE, 'viewer'],
          ['Africa/Nairobi', 'station'],
          ['America/Santiago', 'client'],
        ]);
        expect(norm(zones[0]?.[2] ?? '')).toBe(expectedTime(fr.dueAt, VIEWER_ZONE));
        expect(norm(zones[1]?.[2] ?? '')).toBe(expectedTime(fr.dueAt, 'Africa/Nairobi'));
        expect(zones[0]?.[2]).not.toBe(zones[1]?.[2]); // Rome and Nairobi are 1 or 2 hours apart
        expect(norm(await due.textContent())).toContain('Nairobi (GMT+3)');
        // staff see the next warning
        expect(norm(await clock.getByTestId('clock-next-escalation').textContent())).toMatch(/^Next warning: 75%/);
      }
      // UNON's own segment clocks (its OLA)
      expect(await card.locator('[data-testid="sla-segment"][data-provider="UNON"] [data-testid="sla-clock"]').count()).toBe(2);
      // the clocks card at the top of the window, below the header
      await card.evaluate((el) => {
        el.scrollIntoView({ block: 'start' });
        window.scrollBy(0, -76);
      });
      await page.mouse.move(5, 5);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'sla-case-clocks.png') });

      // an agent reads the SLA pages but changes nothing there
      await page.getByTestId('nav-sla-policies').click();
      await page.getByTestId('policy-row').first().waitFor();
      expect(await page.getByTestId('policy-edit').count()).toBe(0);
      expect(await page.getByTestId('policy-new').count()).toBe(0);
      await page.goto(`${baseUrl}/sla/calendars/providers/UNON`);
      await page.getByTestId('calendar-shared').waitFor();
      expect(await page.getByTestId('calendar-new-version').count()).toBe(0);
    },
    STEP,
  );

  it(
    'the coordinator adds a holiday version to Nairobi’s calendar and sees it in the version history',
    async () => {
      const { page } = await signedIn(COORDINATOR);
      await page.getByTestId('nav-sla-calendars').click();
      await page.getByTestId('calendars-table-row').first().waitFor();
      await page.getByTestId('calendars-search').fill('Nairobi');
      await expect
        .poll(() => page.getByTestId('calendars-table-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-code'))))
        .toEqual(['KE-NA100']);
      await page.getByTestId('calendar-link-KE-NA100').click();
      await page.getByTestId('calendar-view').waitFor();
      expect(await page.getByTestId('calendar-view').getAttribute('data-source')).toBe('default');
      expect(await page.getByTestId('calendar-zone').textContent()).toContain('Africa/Nairobi');
      // the default week: Monday to Friday, 09:00-17:00
      expect(
        await page
          .getByTestId('week-grid-day')
          .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-day')}:${e.getAttribute('data-windows')}`)),
      ).toEqual(['mon:09:00-17:00', 'tue:09:00-17:00', 'wed:09:00-17:00', 'thu:09:00-17:00', 'fri:09:00-17:00', 'sat:', 'sun:']);

      await page.getByTestId('calendar-new-version').click();
      const form = page.getByTestId('calendar-version-form');
      await form.waitFor();
      // a lunch break on Fridays, and a holiday
      await page.getByTestId('window-fri-0-to').fill('12:00');
      await page.getByTestId('window-fri-add').click();
      await page.getByTestId('window-fri-1-from').fill('13:00');
      await page.getByTestId('window-fri-1-to').fill('17:30');
      await page.getByTestId('holiday-date').fill('2027-12-25');
      await page.getByTestId('holiday-add').click();
      expect(await page.getByTestId('holiday-pill').getAttribute('data-date')).toBe('2027-12-25');
      await page.getByTestId('version-effective-from').fill('2027-01-01');
      await page.getByTestId('version-note').fill('2027 holidays');
      await page.getByTestId('version-submit').click();
      await page.getByTestId('version-saved').waitFor(SLOW);
      expect(await page.getByTestId('calendar-view').getAttribute('data-source')).toBe('stored');
      const rows = await page
        .getByTestId('calendar-version-row')
        .evaluateAll((els) =>
          els.map((e) => [
            e.getAttribute('data-version'),
            e.getAttribute('data-status'),
            e.querySelector('[data-testid="version-row-note"]')?.textContent,
          ]),
        );
      // newest first: the new version (scheduled), then the default week kept for the past
      expect(rows).toEqual([
        ['2', 'scheduled', '2027 holidays'],
        ['1', 'current', 'default working week'],
      ]);
      // the saved version is shown: its Friday and its holiday
      expect(await page.locator('[data-testid="week-grid-day"][data-day="fri"]').getAttribute('data-windows')).toBe(
        '09:00-12:00,13:00-17:30',
      );
      expect(await page.getByTestId('calendar-holiday').getAttribute('data-date')).toBe('2027-12-25');

      // the API's refusals are shown at the input they concern: overlapping windows at the window, then a date
      // not after the newest version's at the date input
      await page.getByTestId('calendar-new-version').click();
      await page.getByTestId('window-mon-add').click();
      await page.getByTestId('window-mon-1-from').fill('12:00');
      await page.getByTestId('window-mon-1-to').fill('18:00');
      await page.getByTestId('version-effective-from').fill('2027-01-01');
      await page.getByTestId('version-submit').click();
      const windowInput = page.locator('.mantine-InputWrapper-root', { has: page.getByTestId('window-mon-1-from') });
      await expect.poll(() => windowInput.textContent(), SLOW).toContain('Overlaps another window of the same calendar');
      await page.getByTestId('window-mon-1-remove').click();
      await page.getByTestId('version-submit').click();
      const dateInput = page.locator('.mantine-InputWrapper-root', { has: page.getByTestId('version-effective-from') });
      await expect.poll(() => dateInput.textContent(), SLOW).toContain('Must be after 2027-01-01');
      await page.getByRole('button', { name: 'Cancel' }).click();

      // holidays from a CSV file: a bad row is reported by its line and nothing is imported
      await page.getByTestId('calendar-import').click();
      const choose = async (name: string, text: string) => {
        const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('import-file').click()]);
        await chooser.setFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
      };
      await choose('bad.csv', 'date,name\n2027-05-01,Labour Day\n2027-13-01,Not a date\n');
      await page.getByTestId('import-effective-from').fill('2027-02-01');
      await page.getByTestId('import-submit').click();
      await page.getByTestId('import-problem-issues').waitFor(SLOW);
      expect(norm(await page.getByTestId('import-problem-issues').textContent())).toContain(
        'Line 3, column date: “2027-13-01” is not a real date (YYYY-MM-DD)',
      );
      expect(await page.getByTestId('calendar-version-row').count()).toBe(2);
      await choose('kenya-2027.csv', 'date,name\n2027-05-01,Labour Day\n2027-06-01,Madaraka Day\n2027-12-25,Christmas Day\n');
      await page.getByTestId('import-submit').click();
      await page.getByTestId('import-result').waitFor(SLOW);
      // Christmas was already there: two new dates
      expect(norm(await page.getByTestId('import-result').textContent())).toContain('2 new holidays added');
      await expect.poll(() => page.getByTestId('calendar-version-row').count()).toBe(3);
      expect(await page.getByTestId('calendar-version-row').first().getAttribute('data-status')).toBe('scheduled');
      await page.locator('.mantine-Modal-overlay').waitFor({ state: 'detached' });
      await page.mouse.move(5, 5);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'sla-calendar.png') });

      // the list now says Nairobi's calendar is edited
      await page.getByTestId('calendar-back').click();
      await page.getByTestId('calendars-search').fill('KE-NA100');
      await expect
        .poll(() =>
          page.locator('[data-testid="calendars-table-row"][data-code="KE-NA100"] [data-testid="calendar-stored"]').count(),
        )
        .toBe(1);
    },
    STEP,
  );

  it(
    'the policies page lists the common default policies, and refuses a second policy for the same scope',
    async () => {
      const { page } = await signedIn(COORDINATOR);
      await page.getByTestId('nav-sla-policies').click();
      await page.getByTestId('policy-row').first().waitFor();
      const rows = await page.getByTestId('policy-row').evaluateAll((els) =>
        els.map((e) => ({
          provider: e.getAttribute('data-provider'),
          priority: e.getAttribute('data-priority'),
          targets: ['firstResponse', 'nextResponse', 'resolution'].map((k) =>
            e.querySelector(`[data-testid="policy-${k}"]`)?.getAttribute('data-target'),
          ),
        })),
      );
      expect(rows).toEqual([
        { provider: '', priority: 'P1', targets: ['PT1H', 'PT2H', 'PT8H'] },
        { provider: '', priority: 'P2', targets: ['PT4H', 'PT4H', 'P2D'] },
        { provider: '', priority: 'P3', targets: ['PT8H', 'P1D', 'P5D'] },
        { provider: '', priority: 'P4', targets: ['P1D', 'P2D', 'P10D'] },
      ]);
      const p2 = page.locator('[data-testid="policy-row"][data-priority="P2"]');
      expect(norm(await p2.getByTestId('policy-resolution').textContent())).toBe('2 business days');
      expect(await page.getByTestId('policy-edit').count()).toBe(4);
      await page.mouse.move(5, 5);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'sla-policies.png') });

      await page.getByTestId('policy-new').click();
      await page.getByTestId('policy-form').waitFor();
      await pick(page, 'policy-priority', /^P1 — /);
      await page.getByTestId('policy-first-response-amount').fill('30');
      await pick(page, 'policy-first-response-unit', 'business minutes');
      await page.getByTestId('policy-submit').click();
      // checked here first: a basis is required
      await expect
        .poll(() => page.locator('.mantine-InputWrapper-root', { has: page.getByTestId('policy-basis') }).textContent())
        .toContain('Say what this policy rests on');
      await page.getByTestId('policy-basis').fill('test: a second common P1 policy');
      await page.getByTestId('policy-submit').click();
      // then by the API: the common P1 scope already has a policy
      await expect
        .poll(() => page.locator('.mantine-InputWrapper-root', { has: page.getByTestId('policy-priority') }).textContent())
        .toContain('This provider, service and priority already have a policy');
      await page.getByRole('button', { name: 'Cancel' }).click();
      expect(await page.getByTestId('policy-row').count()).toBe(4);
    },
    STEP,
  );

  it(
    'the report counts the case in UNON’s local month, and says so when a period has no clocks',
    async () => {
      const { page } = await signedIn(COORDINATOR);
      const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Nairobi', year: 'numeric', month: '2-digit' })
        .format(new Date())
        .slice(0, 7);
      await page.goto(`${baseUrl}/sla/report?provider=UNON&from=${month}&to=${month}`);
      const row = page.locator(`[data-testid="report-row"][data-provider="UNON"][data-month="${month}"]`);
      await row.waitFor(SLOW);
      expect(Number(await row.getByTestId('report-open').textContent())).toBe(1);
      await page.goto(`${baseUrl}/sla/report?from=2020-01&to=2020-03`);
      await page.getByTestId('report-empty').waitFor();
    },
    STEP,
  );

  it(
    'shows the SLA screens in French',
    async () => {
      const { page } = await signedIn(UNON);
      await page.goto(`${baseUrl}/cases/${reference}`);
      await page.getByTestId('language-fr').click();
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('fr');
      await page.getByRole('heading', { name: 'Compteurs SLA' }).waitFor(SLOW);
      const clock = page.locator('[data-testid="sla-clock"][data-scope="case"][data-metric="first-response"]');
      await clock.waitFor(SLOW);
      expect(norm(await clock.getByTestId('clock-metric').textContent())).toBe('Première réponse');
      expect(norm(await clock.getByTestId('clock-target').textContent())).toBe('Objectif : 4 heures ouvrées');
      expect(await page.getByTestId('nav-sla-calendars').textContent()).toBe('Calendriers ouvrés');
      await page.getByTestId('nav-sla-calendars').click();
      await page.getByRole('heading', { name: 'Calendriers ouvrés' }).waitFor();
      // months and dates in the UI's language, whatever the browser's (this one's is English)
      await page.goto(`${baseUrl}/sla/report?from=2026-06&to=2026-11`);
      await expect.poll(() => page.getByTestId('report-from').textContent()).toBe('juin 2026');
      expect(await page.getByTestId('report-to').textContent()).toBe('novembre 2026');
      await page.getByTestId('report-from').click();
      await page.getByRole('button', { name: 'mars', exact: true }).click();
      await expect.poll(() => new URL(page.url()).searchParams.get('from')).toBe('2026-03');
      await page.getByTestId('nav-sla-calendars').click();
      await page.getByRole('heading', { name: 'Calendriers ouvrés' }).waitFor();
      await page.getByTestId('language-en').click();
      await expect.poll(() => page.getByTestId('nav-sla-calendars').textContent()).toBe('Business calendars');
    },
    STEP,
  );

  it(
    'the case timeline names the SLA warnings and the breach when the escalation jobs fire',
    async () => {
      const { page, context } = await signedIn(UNON);
      const res = await context.request.get(`${baseUrl}/api/cases/${reference}/sla`, { timeout: 120_000 });
      const { pendingEscalations } = (await res.json()) as {
        pendingEscalations: Array<{ metric: string; threshold: number; fireAt: string; segmentId: string | null }>;
      };
      const breach = pendingEscalations.find((e) => e.metric === 'first-response' && e.segmentId === null && e.threshold === 100);
      expect(breach).toBeDefined();
      // the escalation worker's run at the first response's due instant (what `meridian serve` does every 30 s)
      const fired = await fireDueEscalations(server.meridian.db, new Date(breach?.fireAt as string));
      expect(fired.fired).toBeGreaterThanOrEqual(3);
      await page.goto(`${baseUrl}/cases/${reference}`);
      await page.getByTestId('case-timeline').waitFor();
      const events = await page
        .locator('[data-testid="timeline-event"][data-type^="sla-"]')
        .evaluateAll((els) =>
          els.map((e) => [
            e.getAttribute('data-type'),
            e.querySelector('[data-testid="event-title"]')?.textContent ?? '',
            (e.querySelector('[data-testid="event-detail"]')?.textContent ?? '').split(' · ')[0],
          ]),
        );
      expect(events).toContainEqual(['sla-warning', 'SLA warning — First response: 75% of the target used', 'End to end']);
      expect(events).toContainEqual(['sla-warning', 'SLA warning — First response: 90% of the target used', 'OLA of UNON']);
      expect(events).toContainEqual(['sla-breached', 'SLA breached — First response', 'End to end']);
    },
    STEP,
  );

  it('had no script errors', () => {
    expect(sessions.pageErrors).toEqual([]);
    expect(sessions.consoleErrors).toEqual([]);
  });
});
