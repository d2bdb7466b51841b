// Data-parallel training in a browser: module Web Workers on the bundled
// `@rnnkit/trainer/train-worker` entry, in headless Chromium (Debian's), on a cross-origin-
// isolated page (SharedArrayBuffers for weights and gradients). Project `bench-browser` of
// vitest.integration.config.ts; needs `pnpm build` first. No timing assertions.
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without declarations
import { buildWorkersPage, runWorkersPage } from './workers.mjs';

interface PageResult {
  error?: string;
  crossOriginIsolated?: boolean;
  workers?: number | number[];
  relativeDiff?: number;
  repeatDiff?: number;
  simdKernels?: boolean;
  charsPerSec?: number;
  requested: string[];
}

const run = (query: string): Promise<PageResult> => runWorkersPage(query);

describe('data-parallel training in Chromium', () => {
  beforeAll(async () => {
    await buildWorkersPage();
  });

  it('gives the one-worker weights on cpu with 2 workers, and repeats bit for bit', async () => {
    const r = await run('mode=check&steps=30');
    expect(r.error).toBeUndefined();
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.workers).toEqual([1, 2, 2]);
    expect(r.relativeDiff).toBeLessThanOrEqual(1e-5);
    expect(r.repeatDiff).toBe(0);
  });

  it('trains on wasm with 2 workers, SIMD kernels on, every thread on the unshared build', async () => {
    const r = await run('mode=speed&workers=2&steps=1');
    expect(r.error).toBeUndefined();
    expect(r.workers).toBe(2);
    expect(r.simdKernels).toBe(true);
    expect(r.charsPerSec).toBeGreaterThan(0);
    const wasm = r.requested.filter((u) => u.endsWith('.wasm'));
    expect(wasm.length).toBe(2); // the page's backend and the one worker's, from the same folder
    expect(wasm.every((u) => u.endsWith('/tfjs-backend-wasm-simd.wasm'))).toBe(true);
  });
});
