/**
 * End-to-end test of case attachments against the real server (in-process, fresh PGlite folder, an
 * attachments folder under it as `meridian serve` has, the built web app), one browser context per user:
 *
 * 1. requester.rco-cl opens a payroll request (routed to UNON), attaches a small PDF from the case view (a
 *    pending state shows while it is sent) and sees it listed with its size, their name and the timeline event;
 * 2. files the server refuses are explained per error code in the UI language: a Windows executable named
 *    `x.pdf` (415 ATTACHMENT_TYPE_REFUSED) in English then in French, a file the virus scan refuses (422),
 *    and a file over the size limit, refused before anything is sent;
 * 3. agent.unon (the provider's agent) sees the file, downloads it (the same bytes, the same name), and
 *    attaches a CSV by dropping it on the panel;
 * 4. a viewer sees and downloads the files but has no upload control; on a cancelled case nobody can attach.
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, SignedInUsers, startServer, type TestServer } from './harness.ts';

const REQUESTER = 'requester.rco-cl@meridian.test';
const UNON = 'agent.unon@meridian.test';
const VIEWER = 'viewer@meridian.test';
const MAX_BYTES = 10 * 1024 * 1024;
/** Files whose bytes contain this are refused by the test's virus-scan hook. */
const INFECTED_MARKER = 'INFECTED-TEST-MARKER';

let server: TestServer;
let baseUrl: string;
let browser: Browser;
/** The case the steps follow. */
let reference = '';

/** A small, well-formed PDF of exactly `size` bytes. */
function pdfBytes(size: number): Buffer {
  const head =
    '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n' +
    'trailer\n<< /Root 1 0 R >>\n';
  const tail = '%%EOF\n';
  const pad = size - head.length - tail.length - 2;
  return Buffer.from(`${head}%${'x'.repeat(pad)}\n${tail}`, 'latin1');
}
const PDF = pdfBytes(2560);
/** The start of a Windows executable. */
const EXE = Buffer.concat([Buffer.from('MZ', 'latin1'), Buffer.alloc(254, 0x90)]);

/** Each user signs in once, in a browser context of their own. */
const sessions = new SignedInUsers(
  () => browser,
  () => baseUrl,
  // answers the steps expect: 401 from /api/auth/me before sign-in, the refused uploads (415, 422)
  (text, at) =>
    (/status of 401/.test(text) && /\/api\/auth\/me/.test(at)) ||
    (/status of (415|422)/.test(text) && /\/api\/cases\/[^/]+\/attachments$/.test(at)),
  { acceptDownloads: true },
);
const signedIn = (email: string) => sessions.get(email);
const { pageErrors, consoleErrors } = sessions;

/** Picks files with the panel's button, through the browser's file chooser. */
async function attach(page: Page, files: Array<{ name: string; mimeType: string; buffer: Buffer }>): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('attachment-choose').click()]);
  expect(chooser.isMultiple()).toBe(true);
  await chooser.setFiles(files);
}

/** Text with its runs of white space (no-break spaces included) made one plain space. */
const plain = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

async function listed(page: Page): Promise<Array<{ name: string | null; size: string; by: string }>> {
  const rows = await page.getByTestId('attachment-row').evaluateAll((els) =>
    els.map((e) => ({
      name: e.getAttribute('data-filename'),
      size: e.querySelector('[data-testid="attachment-size"]')?.textContent ?? '',
      by: e.querySelector('[data-testid="attachment-by"]')?.textContent ?? '',
    })),
  );
  return rows.map((r) => ({ ...r, size: plain(r.size) }));
}

async function apiList(context: BrowserContext, ref: string): Promise<Array<{ filename: string; sizeBytes: number }>> {
  const res = await context.request.get(`${baseUrl}/api/cases/${ref}/attachments`);
  expect(res.status()).toBe(200);
  return ((await res.json()) as { items: Array<{ filename: string; sizeBytes: number }> }).items;
}

async function openPayrollRequest(
  context: BrowserContext,
  key: string,
  title: string,
): Promise<{ reference: string; version: number }> {
  const res = await context.request.post(`${baseUrl}/api/cases`, {
    headers: { 'Idempotency-Key': key },
    data: {
      service: 'PAY-PAYROLL',
      title,
      fields: { indexNumber: '123456', payPeriod: '2026-06', issue: 'missing-payment' },
      impact: 2,
      urgency: 2,
    },
  });
  expect(res.status()).toBe(201);
  const c = (await res.json()) as { reference: string; version: number; provider: { code: string } | null };
  expect(c.provider?.code).toBe('UNON');
  return c;
}

beforeAll(async () => {
  server = await startServer('attachments', {
    maxBytes: MAX_BYTES,
    scan: async (filePath) =>
      fs.readFileSync(filePath, 'latin1').includes(INFECTED_MARKER)
        ? { clean: false, reason: 'Test.Signature' }
        : { clean: true },
  });
  baseUrl = server.baseUrl;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('case attachments, end to end', () => {
  it('the requester attaches a PDF and sees it listed, with its size, their name and the timeline event', async () => {
    const { page, context } = await signedIn(REQUESTER);
    reference = (await openPayrollRequest(context, 'e2e-attachments-1', 'June payslip missing')).reference;
    await page.goto(`${baseUrl}/cases/${reference}`);
    await page.getByTestId('case-attachments').waitFor();
    await page.getByTestId('attachments-empty').waitFor();
    expect(plain(await page.getByTestId('attachment-limit').textContent())).toContain('at most 10 MB per file');

    // hold the upload a moment to see its pending state
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    await page.route(`**/api/cases/${reference}/attachments`, async (route) => {
      if (route.request().method() === 'POST') await held;
      await route.continue();
    });
    await attach(page, [{ name: 'payslip-june.pdf', mimeType: 'application/pdf', buffer: PDF }]);
    const pending = page.getByTestId('attachment-uploading');
    await pending.waitFor();
    expect(await pending.getAttribute('data-filename')).toBe('payslip-june.pdf');
    release();
    await page.getByTestId('attachment-row').waitFor();
    await page.unroute(`**/api/cases/${reference}/attachments`);
    expect(await page.getByTestId('attachment-uploading').count()).toBe(0);
    expect(await listed(page)).toEqual([{ name: 'payslip-june.pdf', size: '2.5 KB', by: 'Camila Rojas' }]);
    expect(await page.getByTestId('attachments-empty').count()).toBe(0);
    await expect.poll(() => page.getByTestId('event-title').allTextContents()).toContain('File attached: payslip-june.pdf');
    expect(await apiList(context, reference)).toMatchObject([{ filename: 'payslip-june.pdf', sizeBytes: PDF.length }]);
  });

  it('refuses an executable named x.pdf, an infected file and a too large one, with messages in the UI language', async () => {
    const { page, context } = await signedIn(REQUESTER);
    const error = page.getByTestId('attachment-error');

    // 415: the type is read from the bytes, not the name
    await attach(page, [{ name: 'x.pdf', mimeType: 'application/pdf', buffer: EXE }]);
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('ATTACHMENT_TYPE_REFUSED');
    expect(plain(await page.getByTestId('attachment-error-message').textContent())).toBe(
      'x.pdf was refused: this kind of file is not accepted, or its content does not match its name. Attach PDF, image, text, CSV, Word, Excel or PowerPoint files.',
    );
    // in English, the server's own words too
    expect(await error.textContent()).toContain('Windows executable');
    await error.getByRole('button', { name: 'Dismiss' }).click();
    expect(await error.count()).toBe(0);

    await page.getByTestId('language-fr').click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('fr');
    await page.getByRole('heading', { name: /^Pièces jointes/ }).waitFor();
    expect(await listed(page)).toEqual([{ name: 'payslip-june.pdf', size: '2,5 Ko', by: 'Camila Rojas' }]);
    expect(plain(await page.getByTestId('attachment-limit').textContent())).toContain('au plus 10 Mo par fichier');

    await attach(page, [{ name: 'x.pdf', mimeType: 'application/pdf', buffer: EXE }]);
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('ATTACHMENT_TYPE_REFUSED');
    expect(plain(await page.getByTestId('attachment-error-message').textContent())).toBe(
      'x.pdf a été refusé : ce type de fichier n’est pas accepté, ou son contenu ne correspond pas à son nom. Joignez des fichiers PDF, images, texte, CSV, Word, Excel ou PowerPoint.',
    );
    expect(await error.textContent()).not.toContain('Windows executable'); // the English detail is not shown in French
    await error.getByRole('button', { name: 'Fermer' }).click();

    // 422: the virus-scan hook refuses it
    await attach(page, [{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(`hello ${INFECTED_MARKER}\n`) }]);
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('ATTACHMENT_INFECTED');
    expect(plain(await page.getByTestId('attachment-error-message').textContent())).toBe(
      'notes.txt a été refusé par l’analyse antivirus.',
    );
    await error.getByRole('button', { name: 'Fermer' }).click();

    // over the limit: refused here, nothing sent
    const sent: string[] = [];
    const onRequest = (r: { method(): string; url(): string }) => {
      if (r.method() === 'POST' && r.url().includes('/attachments')) sent.push(r.url());
    };
    page.on('request', onRequest);
    await attach(page, [
      { name: 'scan.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([PDF, Buffer.alloc(MAX_BYTES)]) },
    ]);
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('ATTACHMENT_TOO_LARGE');
    expect(plain(await page.getByTestId('attachment-error-message').textContent())).toBe(
      'scan.pdf est trop volumineux : un fichier peut faire au plus 10 Mo.',
    );
    page.off('request', onRequest);
    expect(sent).toEqual([]);
    await error.getByRole('button', { name: 'Fermer' }).click();

    // nothing of the refused files was kept
    expect((await apiList(context, reference)).map((a) => a.filename)).toEqual(['payslip-june.pdf']);
    await page.getByTestId('language-en').click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
  });

  it("the provider's agent sees the file, downloads the same bytes, and drops a CSV on the panel", async () => {
    const { page, context } = await signedIn(UNON);
    await page.getByTestId('nav-queue').click();
    await page.getByTestId(`case-link-${reference}`).click();
    await page.getByTestId('case-attachments').getByTestId('attachment-row').waitFor();
    expect(await listed(page)).toEqual([{ name: 'payslip-june.pdf', size: '2.5 KB', by: 'Camila Rojas' }]);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('attachment-download').click()]);
    expect(download.suggestedFilename()).toBe('payslip-june.pdf');
    const saved = await download.path();
    expect(fs.readFileSync(saved).equals(PDF)).toBe(true);
    // the same through the API: a download, never shown inline
    const res = await context.request.get(`${baseUrl}${await page.getByTestId('attachment-download').getAttribute('href')}`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    expect(res.headers()['content-disposition']).toMatch(/^attachment; filename="payslip-june\.pdf"/);
    expect((await res.body()).equals(PDF)).toBe(true);

    // drag and drop
    const csv = 'date,hours\n2026-06-01,8\n2026-06-02,7.5\n';
    const dataTransfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'hours.csv', { type: 'text/csv' }));
      return dt;
    }, csv);
    await page.getByTestId('attachment-dropzone').dispatchEvent('drop', { dataTransfer });
    await expect.poll(() => page.getByTestId('attachment-row').count()).toBe(2);
    expect(await listed(page)).toEqual([
      { name: 'payslip-june.pdf', size: '2.5 KB', by: 'Camila Rojas' },
      { name: 'hours.csv', size: `${csv.length} bytes`, by: 'Wanjiru Kamau' },
    ]);
    expect(await apiList(context, reference)).toMatchObject([
      { filename: 'payslip-june.pdf' },
      { filename: 'hours.csv', sizeBytes: csv.length },
    ]);
  });

  it('a viewer can download but not attach; nobody attaches to a cancelled case', async () => {
    const viewer = await signedIn(VIEWER);
    await viewer.page.goto(`${baseUrl}/cases/${reference}`);
    await expect.poll(() => viewer.page.getByTestId('attachment-row').count()).toBe(2);
    expect(await viewer.page.getByTestId('attachment-dropzone').count()).toBe(0);
    expect(await viewer.page.getByTestId('attachment-choose').count()).toBe(0);
    expect(await viewer.page.getByTestId('attachments-closed').count()).toBe(0);

    const { page, context } = await signedIn(REQUESTER);
    const other = await openPayrollRequest(context, 'e2e-attachments-2', 'Opened by mistake');
    const cancel = await context.request.post(`${baseUrl}/api/cases/${other.reference}/transitions`, {
      headers: { 'If-Match': `"${other.version}"` },
      data: { to: 'cancelled', reason: 'Opened by mistake' },
    });
    expect(cancel.status()).toBe(200);
    await page.goto(`${baseUrl}/cases/${other.reference}`);
    await page.getByTestId('attachments-closed').waitFor();
    expect(await page.getByTestId('attachments-closed').textContent()).toBe(
      'Files can be added only while the case is open or resolved.',
    );
    expect(await page.getByTestId('attachment-dropzone').count()).toBe(0);
    expect(await page.getByTestId('attachments-empty').count()).toBe(1);
  });

  it('had no script errors', () => {
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
