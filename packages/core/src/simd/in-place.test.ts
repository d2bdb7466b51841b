import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random.js';
import {
  createSimdHeap,
  gemmPackedSize,
  simdKernels,
  simdSupported,
  wasmBackendMemory,
} from './index.js';

interface WasmBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
}

beforeAll(async () => {
  const simdFile = '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm';
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve(simdFile))}/`);
  expect(await tf.setBackend('wasm')).toBe(true);
});

const backend = () => tf.backend() as unknown as WasmBackend;
/** A tensor's offset in floats in the wasm heap: what the kernels take. */
const at = (t: tf.Tensor) => backend().dataIdMap.get(t.dataId).memoryOffset >>> 2;

describe.skipIf(!simdSupported())('SIMD kernels in place on tfjs-backend-wasm 4.22', () => {
  it("finds tfjs's memory and runs on its tensors, as on a memory of their own", () => {
    const memory = wasmBackendMemory(tf.backend());
    expect(memory).toBeInstanceOf(WebAssembly.Memory);
    expect((memory as WebAssembly.Memory).buffer).toBe(backend().wasm.HEAPU8.buffer);
    const k = simdKernels(memory as WebAssembly.Memory);
    expect(k).toBeDefined();
    const kernels = k as NonNullable<typeof k>;

    const [B, H] = [3, 13];
    const rng = createRng(7);
    const rand = (n: number) => Float32Array.from({ length: n }, () => 4 * rng() - 2);
    const inputs = [rand(B * 4 * H), rand(B * 4 * H), rand(B * H), rand(B * H)];
    const run = (grow: boolean) => {
      // growing the heap first puts the tensors past its old end: the instance must follow
      const big = grow ? tf.zeros([64 << 20]) : undefined;
      const [mm, xp, h, c] = inputs.map((x) => tf.tensor(x));
      const outs = [B * H, B * H, B * H, B * 5 * H].map((n) => tf.zeros([n]));
      const [hN, cN, out, cache] = outs as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const [a, x, hp, cp, hn, cn, o, k] = [mm, xp, h, c, hN, cN, out, cache].map((t) =>
        at(t as tf.Tensor),
      ) as number[] as [number, number, number, number, number, number, number, number];
      kernels.lstmForward(B, H, a, x, hp, cp, hn, cn, o, k, 0);
      const got = outs.map((t) => t.dataSync().slice());
      tf.dispose([mm, xp, h, c, ...outs, ...(big ? [big] : [])] as tf.Tensor[]);
      return got;
    };

    const heap = createSimdHeap();
    if (heap === undefined) throw new Error('no SIMD');
    const put = (x: Float32Array) => {
      const off = heap.alloc(x.length);
      heap.f32().set(x, off);
      return off;
    };
    const [mm, xp, h, c] = inputs.map((x) => put(x as Float32Array));
    const o = [B * H, B * H, B * H, B * 5 * H].map((n) => put(new Float32Array(n)));
    const [hN, cN, out, cache] = o as [number, number, number, number];
    heap.kernels.lstmForward(
      B,
      H,
      mm as number,
      xp as number,
      h as number,
      c as number,
      hN,
      cN,
      out,
      cache,
      0,
    );
    const want = o.map((off, i) => heap.f32().slice(off, off + (i === 3 ? 5 : 1) * B * H));

    const small = run(false);
    expect(small).toEqual(want);
    const sizeBefore = (memory as WebAssembly.Memory).buffer.byteLength;
    const grown = run(true);
    expect(grown).toEqual(want);
    // the same Memory object, grown by tfjs: no re-instantiation needed
    expect(wasmBackendMemory(tf.backend())).toBe(memory);
    expect((memory as WebAssembly.Memory).buffer.byteLength).toBeGreaterThan(sizeBefore);
    expect(simdKernels(memory as WebAssembly.Memory)).toBe(kernels);
    // and tfjs still computes right on the heap the kernels ran in
    const s = tf.sum(tf.range(0, 1000, 1, 'float32'));
    expect(s.dataSync()[0]).toBe(499500);
    s.dispose();
  }, 60_000); // compiles the module and initialises the wasm backend

  it("gives tfjs-backend-wasm's matMul (XNNPACK) bit for bit", () => {
    const kernels = simdKernels(wasmBackendMemory(tf.backend()) as WebAssembly.Memory);
    if (kernels === undefined) throw new Error('no SIMD kernels on the wasm heap');
    const rng = createRng(11);
    // the recurrent products, a weight gradient and the head of one step, shrunk, with tails
    for (const [m, k, n] of [
      [32, 128, 128],
      [7, 37, 13],
      [30, 300, 65],
      [5, 1024, 9],
    ] as const) {
      const a = tf.tensor2d(
        Float32Array.from({ length: m * k }, () => rng() - 0.5),
        [m, k],
      );
      const b = tf.tensor2d(
        Float32Array.from({ length: k * n }, () => rng() - 0.5),
        [k, n],
      );
      const packed = tf.zeros([gemmPackedSize(k, n)]);
      const out = tf.zeros([m, n]);
      kernels.gemmPackB(k, n, at(b), at(packed));
      kernels.gemmPacked(m, k, n, at(a), at(packed), at(out), 0);
      const want = tf.matMul(a, b);
      expect(out.dataSync()).toEqual(want.dataSync());
      tf.dispose([a, b, packed, out, want]);
    }
  }, 60_000);
});
