import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { Browser, Page } from 'puppeteer-core';

/** Chromium from the Debian package `chromium` (.ci/run installs it); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where screenshots go: test artefacts, ignored by git. */
export const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts/browser');

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile and the network cut off: every host name except the
 * loopback address resolves to nothing, so a page that reached for a CDN would fail to load it.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'edu-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    userDataDir: profile,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface WatchedPage {
  page: Page;
  /** Every URL the page asked for (documents, scripts, styles, fonts, workers, fetches). */
  requests: string[];
  /** Requests to any origin not allowed: refused, and listed here. */
  outside: string[];
  /** Uncaught errors and console errors of the page. */
  errors: string[];
}

/**
 * A page whose every request goes through interception: requests to `origins` proceed, any other
 * (another host, a CDN) is aborted and recorded in `outside`. data: and blob: URLs stay in the page.
 */
export async function watchedPage(t: TestBrowser, origins: string[]): Promise<WatchedPage> {
  const page = await t.browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  // A busy machine takes its time to parse the IDE's bundle.
  page.setDefaultTimeout(60_000);
  page.setDefaultNavigationTimeout(120_000);
  const w: WatchedPage = { page, requests: [], outside: [], errors: [] };
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('data:') || url.startsWith('blob:')) return void req.continue().catch(() => undefined);
    w.requests.push(url);
    if (origins.includes(new URL(url).origin)) return void req.continue().catch(() => undefined);
    w.outside.push(url);
    void req.abort('blockedbyclient').catch(() => undefined);
  });
  page.on('pageerror', (err) => w.errors.push(String((err as Error).message ?? err)));
  page.on('console', (m) => {
    if (m.type() === 'error') w.errors.push(m.text());
  });
  return w;
}

/** Saves what the page shows to test-artifacts/browser/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}
