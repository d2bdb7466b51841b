// Shared by the browser tests and the throughput script: Debian's Chromium through
// playwright-core (Playwright's own browser download does not work here), and the production
// build served by build/serve.mjs with the app's security headers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { startServer } from '../build/serve.mjs';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export interface Session {
  url: string;
  browser: Browser;
  context: BrowserContext;
  requested: string[];
  close(): Promise<void>;
}

/** Serves dist/ and starts a fresh headless Chromium (own profile, no network chatter). */
export async function openSession(): Promise<Session> {
  const server = await startServer();
  const profile = mkdtempSync(join(tmpdir(), 'rnnkit-web-chromium-'));
  // A persistent context is how playwright-core takes a --user-data-dir of our own.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const browser = context.browser() as Browser;
  return {
    url: server.url,
    browser,
    context,
    requested: server.requested,
    async close() {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface PageProbe {
  page: Page;
  /** Console errors, page errors, CSP violations and requests to other origins so far. */
  problems: string[];
}

/** Opens the app and records everything that should never happen. */
export async function openApp(session: Session, query = ''): Promise<PageProbe> {
  const page = await session.context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(session.url) && !u.startsWith('blob:') && !u.startsWith('data:')) {
      problems.push(`remote request: ${u}`);
    }
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: [number, number][]; __csp: string[] };
    w.__longTasks = [];
    w.__csp = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(session.url + query);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  return { page, problems };
}

/** Long tasks (ms) and CSP violations recorded in the page so far. */
export async function pageHealth(
  page: Page,
): Promise<{ longTasks: number[]; longTaskStarts: number[]; csp: string[] }> {
  return page.evaluate(() => {
    const w = window as unknown as { __longTasks: [number, number][]; __csp: string[] };
    return {
      longTasks: w.__longTasks.map((t) => t[1]),
      longTaskStarts: w.__longTasks.map((t) => t[0]),
      csp: [...w.__csp],
    };
  });
}
