// The app in a real browser (Debian's Chromium through playwright-core), against the
// production build served with the app's COOP/COEP/CSP headers. One browser and one page for
// the whole file: the tests follow a user's session, each leaving the page usable for the next.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openApp,
  openSession,
  type PageProbe,
  pageHealth,
  type Session,
  traceMainThread,
} from './browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const APP = join(here, '..');
const REPO = join(APP, '..', '..');
const CLI = join(REPO, 'apps', 'cli', 'dist', 'bin.js');
const SHOTS = join(APP, 'test-results');
const work = mkdtempSync(join(tmpdir(), 'rnnkit-web-e2e-'));

let session: Session;
let probe: PageProbe;
let page: Page;

function cli(...args: string[]): string {
  return execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: work });
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function chooseBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if ((await page.getAttribute('body', 'data-backend')) === name) return;
  await page.selectOption('#backend', name);
  await page.waitForSelector(`body[data-ready="true"][data-backend="${name}"]`, {
    timeout: 60_000,
  });
  await page.waitForFunction(
    () => !(document.getElementById('start') as HTMLButtonElement).disabled,
  );
  // The model moves to the new backend's worker without a word of error.
  expect(await page.isHidden('#store-error'), (await page.textContent('#store-error')) ?? '').toBe(
    true,
  );
  expect(await page.isHidden('#train-error'), (await page.textContent('#train-error')) ?? '').toBe(
    true,
  );
}

async function train(timeout = 120_000): Promise<void> {
  await page.click('#start');
  await page.waitForSelector('body[data-phase="done"]', { timeout });
  expect(await page.isHidden('#train-error'), (await page.textContent('#train-error')) ?? '').toBe(
    true,
  );
}

async function sampleWith(o: {
  prime: string;
  length: number;
  seed: number;
  temperature?: number;
}): Promise<string> {
  await page.fill('#sample-form [name=prime]', o.prime);
  await page.fill('#sample-form [name=length]', String(o.length));
  await page.fill('#sample-form [name=seed]', String(o.seed));
  await page.fill('#sample-form [name=temperature]', String(o.temperature ?? 1));
  await page.fill('#sample-form [name=topK]', '0');
  await page.fill('#sample-form [name=topP]', '1');
  await page.evaluate(() => {
    delete document.body.dataset.sampling;
  });
  await page.click('#sample');
  await page.waitForSelector('body[data-sampling="done"]', { timeout: 60_000 });
  return (await page.textContent('#sample-output')) ?? '';
}

async function axeViolations(): Promise<string[]> {
  const source = readFileSync(
    createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
    'utf8',
  );
  // Through the DevTools protocol, not a <script> tag: the page's CSP forbids inline scripts.
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(): Promise<{
            violations: { id: string; impact: string; nodes: { target: unknown }[] }[];
          }>;
        };
      }
    ).axe;
    const r = await axe.run();
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => String(n.target)),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.targets.join(', ')}`);
}

async function choosePreset(id: string): Promise<void> {
  await page.selectOption('#preset', id);
  if (id === 'book') {
    await page.waitForFunction(() =>
      (document.getElementById('text-info')?.textContent ?? '').includes('characters'),
    );
  }
}

beforeAll(async () => {
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  if (!existsSync(join(APP, 'dist', 'index.html'))) {
    throw new Error(
      'apps/web/dist is missing: run `pnpm build` first (pnpm test:integration does).',
    );
  }
  session = await openSession();
  probe = await openApp(session);
  page = probe.page;
});

afterAll(async () => {
  await session?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('apps/web in Chromium', () => {
  it('loads with cross-origin isolation, the wasm backend and an accessible first screen', async () => {
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    expect(await page.textContent('#backend-note')).toMatch(/SIMD on/);
    await shot('idle');
    expect(await axeViolations(), 'axe-core serious/critical').toEqual([]);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`trains hihello to "ihello" on ${backend}, logging every iteration, without leaking tensors`, async () => {
      await chooseBackend(backend);
      await choosePreset('hihello');
      await train();
      const log = (await page.textContent('#lecture-log')) ?? '';
      const lines = log.trim().split('\n');
      expect(lines).toHaveLength(50);
      expect(lines[0]).toMatch(/^1 loss: 1\.\d{4} prediction: \S{6}$/);
      expect(lines.at(-1)).toMatch(/^50 loss: 0\.0\d{3} prediction: ihello$/);
      expect(await page.getAttribute('#seq-pred', 'aria-label')).toBe('ihello');
      const [low, high] = ((await page.getAttribute('body', 'data-tensors')) ?? '').split('-');
      expect(low).toBeDefined();
      expect(low).toBe(high);
      // Greedy decoding from "h" replays what it learned.
      await page.check('#sample-form [name=greedy]');
      expect(await sampleWith({ prime: 'h', length: 6, seed: 0 })).toBe('hihello');
      await page.uncheck('#sample-form [name=greedy]');
    });
  }

  it('shows the hidden-state heatmap and top-k bars for a typed string', async () => {
    await page.fill('#inside-text', 'hihell');
    await page.waitForSelector('body[data-inside="6"]');
    expect(await page.locator('#heatmaps canvas').count()).toBe(1);
    expect(await page.locator('#topk figure').count()).toBe(6);
    // After "hihell" the model is sure of "o".
    const last = page.locator('#topk figure').last();
    expect(await last.locator('.bar span').first().textContent()).toBe('o');
    await shot('inside');
    expect(await axeViolations(), 'axe-core serious/critical').toEqual([]);
  });

  it('stays responsive while training LSTM h128 B32 T64 on the built-in sample (typing works, no long task)', async () => {
    await chooseBackend('wasm');
    await choosePreset('book');
    await page.fill('#model-form [name=steps]', '400');
    const loadBefore = loadavg()[0] ?? 0;
    await page.evaluate(() => {
      (window as unknown as { __longTasks: unknown[] }).__longTasks.length = 0;
    });
    await page.click('#start');
    await page.waitForFunction(() => Number(document.body.dataset.step ?? 0) >= 3, undefined, {
      timeout: 60_000,
    });
    // Workers on auto: this model is large enough, so a page with two cores trains on two
    // (data-parallel sub-workers of the training worker; the page is cross-origin isolated).
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(await page.getAttribute('body', 'data-workers')).toBe(cores >= 2 ? '2' : '1');
    expect(await page.textContent('#workers-note')).toMatch(
      cores >= 2 ? /^Training on 2 workers \(auto: one per core/ : /1 worker \(auto/,
    );
    const trace = await traceMainThread(page, async () => {
      await page.click('#save-name');
      await page.fill('#save-name', '');
      await page.keyboard.type('typed while training');
      expect(await page.inputValue('#save-name')).toBe('typed while training');
      await page.fill('#inside-text', 'One comes');
      await page.waitForFunction(() => Number(document.body.dataset.step ?? 0) >= 15, undefined, {
        timeout: 60_000,
      });
    });
    await shot('training');
    await page.click('#pause');
    await page.waitForSelector('body[data-phase="paused"]');
    const { longTasks } = await pageHealth(page);
    const longest = Math.max(0, ...longTasks);
    const load = Math.max(loadBefore, loadavg()[0] ?? 0) / availableParallelism();
    console.log(
      `main thread during training: longest task ${trace.longestCpuMs.toFixed(1)} ms CPU, ` +
        `${trace.longestWallMs.toFixed(1)} ms wall (${trace.tasks} tasks); longtask observer max ${longest} ms; ` +
        `load ${load.toFixed(1)} per core`,
    );
    // What the page itself does in one task (CPU time) stays under 50 ms on any machine.
    expect(trace.tasks).toBeGreaterThan(10);
    expect(trace.longestCpuMs).toBeLessThanOrEqual(50);
    // Long tasks are wall time: on a machine whose other processes keep every core busy the
    // main thread also waits for a core, so the observer's 50 ms holds only with a core to spare.
    if (load < 1) expect(longest).toBeLessThanOrEqual(50);
    const [low, high] = ((await page.getAttribute('body', 'data-tensors')) ?? '').split('-');
    expect(low).toBe(high);
    // Paused means paused; Resume goes on from the same step.
    const pausedAt = Number(await page.getAttribute('body', 'data-step'));
    await page.waitForTimeout(500);
    expect(Number(await page.getAttribute('body', 'data-step'))).toBe(pausedAt);
    await page.click('#resume');
    await page.waitForFunction((s) => Number(document.body.dataset.step) > s + 1, pausedAt, {
      timeout: 60_000,
    });
    await page.click('#pause');
    await page.waitForSelector('body[data-phase="paused"]');
    const speed = (await page.textContent('#stat-speed')) ?? '';
    expect(speed).toMatch(/chars\/s/);
  });

  it('samples the same text twice with the same seed, without leaking tensors', async () => {
    await sampleWith({ prime: 'Two', length: 10, seed: 1 }); // the sampler's first-use allocations
    const tensors = await page.textContent('#stat-tensors');
    const a = await sampleWith({ prime: 'Two', length: 120, seed: 7 });
    const b = await sampleWith({ prime: 'Two', length: 120, seed: 7 });
    const c = await sampleWith({ prime: 'Two', length: 120, seed: 8 });
    expect(a.length).toBe(123);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(await page.textContent('#stat-tensors')).toBe(tensors);
    await shot('sampling');
    expect(await axeViolations(), 'axe-core serious/critical').toEqual([]);
  });

  it('saves to IndexedDB, and after a reload loads it and samples the same text', async () => {
    await page.click('#stop');
    await page.waitForSelector('body[data-phase="done"]');
    const before = await sampleWith({ prime: 'One', length: 80, seed: 3 });
    await page.fill('#save-name', 'e2e-book');
    await page.click('#save-idb');
    await page.waitForFunction(() =>
      (document.getElementById('store-state')?.textContent ?? '').startsWith('Saved'),
    );
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    await page.selectOption('#saved-list', 'e2e-book');
    await page.click('#load-idb');
    await page.waitForFunction(() =>
      (document.getElementById('store-state')?.textContent ?? '').startsWith('Loaded:'),
    );
    expect(await sampleWith({ prime: 'One', length: 80, seed: 3 })).toBe(before);
  });

  it('loads a checkpoint written by `rnnkit train` and samples what `rnnkit sample` prints', async () => {
    const corpus = join(work, 'corpus.txt');
    writeFileSync(corpus, 'the quick brown fox jumps over the lazy dog. '.repeat(60));
    cli(
      'train',
      corpus,
      '--hidden',
      '24',
      '--layers',
      '1',
      '--batch',
      '4',
      '--seq-length',
      '16',
      '--steps',
      '30',
      '--eval-every',
      '30',
      '--sample-length',
      '0',
      '--backend',
      'cpu',
      '--checkpoint-dir',
      join(work, 'cli-run'),
    );
    const folder = join(work, 'cli-run', 'latest');
    const files = readdirSync(folder).map((f) => join(folder, f));
    const expected = cli(
      'sample',
      folder,
      '--prime',
      'the ',
      '--length',
      '60',
      '--seed',
      '4',
      '--backend',
      'cpu',
    ).replace(/\n$/, '');
    await chooseBackend('cpu');
    await page.setInputFiles('#ckpt-file', files);
    await page.waitForFunction(() =>
      (document.getElementById('store-state')?.textContent ?? '').startsWith('Loaded: LSTM 1×24'),
    );
    expect(await sampleWith({ prime: 'the ', length: 60, seed: 4 })).toBe(expected);
    // ... and its training continues in the page, from step 30 to 40, on the same text.
    await page.setInputFiles('#file', corpus);
    await page.waitForFunction(() =>
      (document.getElementById('text-info')?.textContent ?? '').startsWith('corpus.txt'),
    );
    await page.check('#continue-loaded');
    await page.fill('#model-form [name=steps]', '40');
    await page.fill('#model-form [name=evalEvery]', '10');
    await train();
    expect(await page.textContent('#stat-step')).toMatch(/^40 \/ 40/);
    expect(Number(await page.getAttribute('body', 'data-step'))).toBe(40);
  });

  it('downloads a checkpoint that `rnnkit sample` loads and samples identically', async () => {
    await choosePreset('ifyouwant');
    await train();
    const inPage = await sampleWith({ prime: ' if', length: 40, seed: 9 });
    await page.fill('#save-name', 'page-model');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const zipPath = join(work, 'page-model.zip');
    await download.saveAs(zipPath);
    for (const [name, bytes] of Object.entries(unzipSync(readFileSync(zipPath)))) {
      if (name.endsWith('/')) continue;
      mkdirSync(dirname(join(work, name)), { recursive: true });
      writeFileSync(join(work, name), bytes);
    }
    const fromCli = cli(
      'sample',
      join(work, 'page-model'),
      '--prime',
      ' if',
      '--length',
      '40',
      '--seed',
      '9',
      '--backend',
      'cpu',
    ).replace(/\n$/, '');
    expect(fromCli).toBe(inPage);
    // Safetensors export: a file with PyTorch names and its sidecar.
    const downloads: string[] = [];
    page.on('download', (d) => downloads.push(d.suggestedFilename()));
    await page.click('#export-st');
    await page.waitForFunction(() =>
      (document.getElementById('store-state')?.textContent ?? '').startsWith('Exported'),
    );
    await expect
      .poll(() => downloads.sort())
      .toEqual(['page-model.rnnkit.json', 'page-model.safetensors']);
  });

  it('opens a 4 MB text file without blocking the page', async () => {
    const chunk = 'Twenty-one comes after twenty and before twenty-two. It is odd.\n';
    const big = Buffer.from(chunk.repeat(Math.ceil(4_000_000 / chunk.length)));
    // From a path: a buffer would be turned into a File by script in the page itself.
    const path = join(work, 'big.txt');
    writeFileSync(path, big);
    const trace = await traceMainThread(page, async () => {
      await page.setInputFiles('#file', path);
      await page.waitForFunction(() =>
        (document.getElementById('text-info')?.textContent ?? '').startsWith('big.txt'),
      );
    });
    expect(await page.textContent('#text-info')).toContain(
      `${big.length.toLocaleString('en-US')} characters`,
    );
    expect(trace.longestCpuMs).toBeLessThanOrEqual(50);
  });

  it('refuses a binary file, an empty file, too short a text and a foreign checkpoint, and keeps working', async () => {
    const bytes = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
    ]);
    await page.setInputFiles('#file', {
      name: 'picture.png',
      mimeType: 'image/png',
      buffer: bytes,
    });
    await page.waitForSelector('#text-error:not([hidden])');
    expect(await page.textContent('#text-error')).toMatch(/picture\.png/);
    await shot('error');
    expect(await axeViolations(), 'axe-core serious/critical').toEqual([]);
    await page.setInputFiles('#file', {
      name: 'empty.txt',
      mimeType: 'text/plain',
      buffer: Buffer.alloc(0),
    });
    await page.waitForFunction(() =>
      /empty/i.test(document.getElementById('text-error')?.textContent ?? ''),
    );
    // The 4 MB file is still the text (shown as a read-only excerpt) until cleared.
    expect(await page.textContent('#text-info')).toMatch(/^big\.txt/);
    await page.click('#clear-text');
    await page.fill('#text', 'too short');
    await page.fill('#model-form [name=batchSize]', '32');
    await page.fill('#model-form [name=seqLength]', '64');
    await page.click('#start');
    await page.waitForSelector('#text-error:not([hidden])');
    expect(await page.textContent('#text-error')).toMatch(/too short.*Lower the/);
    await page.setInputFiles('#ckpt-file', {
      name: 'model.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"format":"something-else","modelTopology":{}}'),
    });
    await page.waitForSelector('#store-error:not([hidden])');
    expect(await page.textContent('#store-error')).toMatch(/rnnkit|checkpoint/i);
    // Still works: the lecture preset trains.
    await choosePreset('hihello');
    await train();
    expect(await page.getAttribute('#seq-pred', 'aria-label')).toBe('ihello');
  });

  it('is readable at 360 px wide', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await page.waitForTimeout(300); // the chart follows its box on the next ResizeObserver round
    const wide = await page.evaluate(() =>
      Array.from(document.querySelectorAll('body *'))
        .filter(
          (e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.scroll'),
        )
        .slice(0, 5)
        .map(
          (e) =>
            `${e.tagName.toLowerCase()}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`,
        ),
    );
    expect(wide).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      360,
    );
    await shot('narrow-360');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('works offline after the first load (service worker)', async () => {
    const installed = await page.evaluate(() =>
      Promise.race([
        navigator.serviceWorker.ready.then(() => true),
        new Promise((resolve) => setTimeout(() => resolve(false), 20_000)),
      ]),
    );
    expect(installed, 'the service worker installs within 20 s').toBe(true);
    await session.context.setOffline(true);
    try {
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
      await chooseBackend('wasm');
      await choosePreset('book'); // a lazily loaded file, from the cache
      expect(await page.textContent('#text-info')).toMatch(/137,\d{3} characters/);
      await choosePreset('hihello');
      await train();
      expect(await page.getAttribute('#seq-pred', 'aria-label')).toBe('ihello');
    } finally {
      await session.context.setOffline(false);
    }
  });

  it('made no request off the origin and logged no error or CSP violation', async () => {
    expect(probe.problems).toEqual([]);
    expect((await pageHealth(page)).csp).toEqual([]);
  });
});
