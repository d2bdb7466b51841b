// Shared by the browser tests and the throughput script: Debian's Chromium through
// playwright-core (Playwright's own browser download does not work here), and the production
// build served by build/serve.mjs with the app's security headers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../build/serve.mjs';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * @typedef {{ url: string, context: import('playwright-core').BrowserContext, requested: string[], close(): Promise<void> }} Session
 * @typedef {{ page: import('playwright-core').Page, problems: string[] }} PageProbe
 * @typedef {{ name: string, ph: string, pid: number, tid: number, dur?: number, tdur?: number, args?: { name?: string } }} TraceEvent
 */

/** Serves dist/ and starts a fresh headless Chromium (own profile, no network chatter). */
/** @returns {Promise<Session>} */
export async function openSession() {
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
  return {
    url: server.url,
    context,
    requested: server.requested,
    async close() {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the app and records everything that should never happen: console errors, page
 * errors and requests to other origins (in `problems`), long tasks and CSP violations.
 * @param {Session} session
 * @returns {Promise<PageProbe>}
 */
export async function openApp(session, query = '') {
  const page = await session.context.newPage();
  /** @type {string[]} */
  const problems = [];
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
    const w = /** @type {any} */ (window);
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
/**
 * @param {import('playwright-core').Page} page
 * @returns {Promise<{ longTasks: number[], longTaskStarts: number[], csp: string[] }>}
 */
export async function pageHealth(page) {
  return page.evaluate(() => {
    const w = /** @type {any} */ (window);
    return {
      longTasks: w.__longTasks.map((/** @type {number[]} */ t) => t[1]),
      longTaskStarts: w.__longTasks.map((/** @type {number[]} */ t) => t[0]),
      csp: [...w.__csp],
    };
  });
}

/**
 * Runs `during` under a Chromium trace and returns the longest task of the page's main thread
 * (CrRendererMain), both as wall time and as the thread's own CPU time. A PerformanceObserver
 * long task is wall time, which on a machine whose cores are all busy includes waiting for
 * one; CPU time is what the page itself spent, so it holds on any machine.
 */
/**
 * @param {import('playwright-core').Page} page
 * @param {() => Promise<void>} during
 * @returns {Promise<{ longestCpuMs: number, longestWallMs: number, tasks: number }>}
 */
export async function traceMainThread(page, during) {
  const cdp = await page.context().newCDPSession(page);
  /** @type {TraceEvent[]} */
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(.../** @type {any[]} */ (e.value)));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,toplevel',
    transferMode: 'ReportEvents',
    options: 'enable-thread-cpu-time',
  });
  try {
    await during();
  } finally {
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
  }
  // Every renderer process has a CrRendererMain (Chromium keeps a spare one): the page's is the
  // one that ran the tasks.
  const mains = events.filter(
    (e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain',
  );
  const runTasks = (/** @type {TraceEvent} */ m) =>
    events.filter(
      (e) => e.pid === m.pid && e.tid === m.tid && e.ph === 'X' && e.name === 'RunTask',
    );
  const tasks = mains.map(runTasks).sort((x, y) => y.length - x.length)[0] ?? [];
  return {
    longestCpuMs: Math.max(0, ...tasks.map((t) => (t.tdur ?? 0) / 1000)),
    longestWallMs: Math.max(0, ...tasks.map((t) => (t.dur ?? 0) / 1000)),
    tasks: tasks.length,
  };
}
