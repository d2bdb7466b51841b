import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.restoreAllMocks();
  vi.resetModules();
});

describe('without WebAssembly SIMD', () => {
  it('says so, and hands out no kernels: callers keep their JS path', async () => {
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    vi.resetModules();
    const simd = await import('./index.js');
    expect(simd.simdSupported()).toBe(false);
    expect(simd.simdModule()).toBeUndefined();
    expect(simd.simdKernels(new WebAssembly.Memory({ initial: 1 }))).toBeUndefined();
    expect(simd.createSimdHeap()).toBeUndefined();
    expect(simd.stepperModule()).toBeUndefined();
    const rnn = { cell: 'rnn' as const, inputSize: 1, hiddenSize: 1 };
    const one = new Float32Array(1);
    const layer = { ...rnn, weightIh: one, weightHh: one, biasIh: one, biasHh: one };
    expect(simd.createSimdStepper([layer])).toBeUndefined();
    expect(await simd.initSimd()).toBe(false);
  });

  it('hands out none while turned off, even for a memory it has bound before', async () => {
    vi.resetModules();
    const simd = await import('./index.js');
    if (!simd.simdSupported()) return;
    const memory = new WebAssembly.Memory({ initial: 1 });
    expect(simd.simdKernels(memory)).toBeDefined();
    simd.setSimdEnabled(false);
    expect(simd.simdEnabled()).toBe(false);
    expect(simd.simdKernels(memory)).toBeUndefined();
    expect(simd.stepperModule()).toBeUndefined();
    expect(await simd.initSimd()).toBe(false);
    simd.setSimdEnabled(true);
    expect(simd.simdKernels(memory)).toBe(simd.simdKernels(memory));
    expect(simd.stepperModule()).toBeInstanceOf(WebAssembly.Module);
  });

  it('refuses a shared memory (tfjs threaded build), which its unshared import cannot link', async () => {
    const simd = await import('./index.js');
    if (!simd.simdSupported() || typeof SharedArrayBuffer === 'undefined') return;
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    expect(simd.simdKernels(shared)).toBeUndefined();
  });
});
