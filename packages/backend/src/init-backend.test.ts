// Runs against the built package: plain Node and bundlers load dist/, including the bundled
// gradient registrations that exist only there.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BackendError, backendInfo, initBackend } from '../dist/index.js';

describe('initBackend', () => {
  it.each(['cpu', 'wasm'] as const)('starts %s and reports it', async (backend) => {
    const info = await initBackend({ backend });
    expect(info.name).toBe(backend);
    expect(tf.getBackend()).toBe(backend);
    expect(info.tfjsVersion).toBe('4.22.0');
    expect(info.threads).toBe(1);
    expect(info.simd).toBe(backend === 'wasm');
    expect(backendInfo()).toEqual(info);
  });

  it('computes gradients on both backends', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend({ backend });
      const x = tf.tensor1d([1, 2, 3]);
      const g = tf.grad((v: tf.Tensor) =>
        tf.sum(tf.matMul(tf.reshape(v, [1, 3]), tf.ones([3, 2]))),
      )(x);
      expect(Array.from(g.dataSync())).toEqual([2, 2, 2]);
      tf.dispose([x, g]);
    }
  });

  it('picks wasm first under auto', async () => {
    expect((await initBackend()).name).toBe('wasm');
  });

  it('rejects an unknown backend, listing the available ones', async () => {
    // @ts-expect-error: testing input from untyped callers such as the CLI
    const attempt = initBackend({ backend: 'webgl' });
    await expect(attempt).rejects.toBeInstanceOf(BackendError);
    await expect(attempt).rejects.toThrow(/Unknown backend 'webgl'. Available: cpu, wasm/);
  });

  it('reports every failure under auto and falls back to cpu (plain Node)', () => {
    const script = `
      import { initBackend } from './dist/index.js';
      try { await initBackend({ backend: 'wasm', wasmPaths: '/nonexistent/' }); }
      catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message })); }
      console.log(JSON.stringify(await initBackend({ wasmPaths: '/nonexistent/' })));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const [failure, fallback] = out
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    expect(failure.name).toBe('BackendError');
    expect(failure.message).toMatch(/wasm: .+/);
    expect(failure.message).toMatch(/Try --backend cpu/);
    expect(fallback.name).toBe('cpu');
  });
});
