/**
 * What every end-to-end test needs: the web app built, Meridian served in-process on a fresh PGlite folder
 * (as `meridian serve` would, attachments under the data folder), and Debian's Chromium through
 * playwright-core (headless, no sandbox, no background networking: the machine has no network).
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import type { AttachmentRouteOptions } from '../src/modules/cases/attachments.routes.ts';
import { buildApp } from '../src/server/app.ts';
import { type OpenedMeridian, openMeridian } from '../src/server/runtime.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The demo users' password (data/reference/demo-users.json). */
export const PASSWORD = 'Demo-2026!';

/**
 * Where screenshots go: the README's `docs/screenshots` only when MERIDIAN_SCREENSHOTS=1 (so that a test
 * run leaves the work tree clean), else a temporary folder.
 */
export function screenshotsDir(): string {
  const dir =
    process.env.MERIDIAN_SCREENSHOTS === '1'
      ? path.join(ROOT, 'docs', 'screenshots')
      : fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-shots-'));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Builds web/dist when it is not there (`npm test` normally builds it before the tests run). */
export async function ensureWebBuilt(): Promise<void> {
  if (fs.existsSync(path.join(ROOT, 'web', 'dist', 'index.html'))) return;
  const { build } = await import('vite');
  await build({ configFile: path.join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' });
}

export interface TestServer {
  dataDir: string;
  meridian: OpenedMeridian;
  app: Awaited<ReturnType<typeof buildApp>>;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** Stops the server, closes the database and removes the data folder. */
  close(): Promise<void>;
}

/** Starts Meridian on a fresh data folder (reference data and demo users loaded) on a free loopback port. */
export async function startServer(
  name: string,
  attachments: Partial<Omit<AttachmentRouteOptions, 'dir'>> = {},
): Promise<TestServer> {
  await ensureWebBuilt();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `meridian-e2e-${name}-`));
  const meridian = await openMeridian({ dataDir, databaseUrl: undefined });
  const app = await buildApp({
    db: meridian.db,
    databaseKind: meridian.kind,
    logLevel: 'silent',
    attachments: { dir: path.join(dataDir, 'attachments'), maxBytes: 10 * 1024 * 1024, ...attachments },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    dataDir,
    meridian,
    app,
    baseUrl,
    close: async () => {
      await app.close();
      await meridian.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium (or CHROMIUM_PATH), headless. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** One user's own browser context and page. */
export interface BrowserUser {
  context: BrowserContext;
  page: Page;
}

/**
 * Signs users in through the sign-in page, one browser context each (kept for later steps), and collects
 * page errors and unexpected console errors (`expected(text, url)` says which the steps provoke on purpose).
 */
export class SignedInUsers {
  readonly pageErrors: string[] = [];
  readonly consoleErrors: string[] = [];
  private readonly users = new Map<string, BrowserUser>();

  constructor(
    private readonly browser: () => Browser,
    private readonly baseUrl: () => string,
    private readonly expected: (text: string, url: string) => boolean,
    private readonly contextOptions: BrowserContextOptions = {},
  ) {}

  /** The signed-in context of `email` (created and signed in on first use). */
  async get(email: string): Promise<BrowserUser> {
    const known = this.users.get(email);
    if (known) return known;
    const context = await this.browser().newContext({
      viewport: { width: 1400, height: 900 },
      locale: 'en-GB',
      ...this.contextOptions,
    });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on('pageerror', (e) => this.pageErrors.push(`${email}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const at = m.location().url;
      if (!this.expected(m.text(), at)) this.consoleErrors.push(`${email}: ${m.text()} (${at})`);
    });
    await page.goto(`${this.baseUrl()}/sign-in`);
    await page.getByTestId('sign-in-email').fill(email);
    await page.getByTestId('sign-in-password').fill(PASSWORD);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('user-name').waitFor();
    const user = { context, page };
    this.users.set(email, user);
    return user;
  }
}
