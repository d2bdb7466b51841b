import { transposeMatrix } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { gateCount } from '../cell/cell-type.js';
import { fusedCell } from '../cell/registry.js';
import type { Buf } from '../kernels/memory.js';
import { vectorProducts } from '../kernels/vector-products.js';
import type { Recurrent, RecurrentState } from '../recurrent.js';

/** Batch-1 inference over a snapshot of the weights, in plain JS (see {@link createStepper}). */
export interface RecurrentStepper {
  /** Advances one step on an input row `[I]`, or on the one-hot row of an id; returns the
   *  top layer's h `[H]` (a view, overwritten by the next step). */
  step(input: Float32Array | number): Float32Array;
  /** Sets the state (copied from tensors `[L, 1, H]`), or zeros. */
  setState(state?: RecurrentState): void;
  /** The state as new tensors `[L, 1, H]`; the caller disposes them. */
  getState(): RecurrentState;
  /** True once any weight variable was assigned since the snapshot, or the backend changed
   *  (rebuild the stepper). */
  stale(): boolean;
  /** Frees the weight copies held on the wasm heap (no-op on other backends). */
  dispose(): void;
}

interface LayerSnapshot {
  wIhT: Float32Array; // [I, G*H], rows read directly for one-hot inputs
  byWIh: (x: Float32Array, out: Float32Array) => void; // x W_ih^T
  byWHh: (x: Float32Array, out: Float32Array) => void; // h W_hh^T
  inputBias: Float32Array; // [G*H]
  biasHh: Float32Array; // [G*H]
  h: Float32Array; // [H]
  c: Float32Array; // [H]
}

/**
 * A fast path for sampling: the network's weights read back once, transposed, and each step
 * computed with no tfjs op at all (at batch 1 a step is ~200k multiply-adds; tfjs's per-op
 * dispatch would cost more than the arithmetic): the products by direct calls of the wasm
 * backend's XNNPACK matMul on wasm (call `dispose` to free its copy of the weights), else
 * in JS; the cell's arithmetic as one fused JS pass. The snapshot is keyed on the weight
 * variables' data identity (`assign` gives a variable new data), so {@link stale} tells when
 * training has moved the weights on.
 *
 * @example
 * ```ts
 * const stepper = createStepper(lstm);
 * for (const id of prompt) stepper.step(id); // one-hot input by id
 * const h = stepper.step(nextId); // Float32Array [H]
 * ```
 */
export function createStepper(rec: Recurrent): RecurrentStepper {
  const { cell, hiddenSize: H } = rec.config;
  const GH = gateCount(cell) * H;
  const fused = fusedCell(cell);
  const dataIds = rec.layers.flatMap((l) =>
    [l.weightIh, l.weightHh, l.biasIh, l.biasHh].map((v) => v.dataId),
  );
  const backend = tf.backend();
  const products = vectorProducts();
  const layers: LayerSnapshot[] = rec.layers.map((l) => {
    const bih = l.biasIh.dataSync() as Float32Array;
    const bhh = l.biasHh.dataSync() as Float32Array;
    const inSize = l.weightIh.shape[1] as number;
    const wIhT = transposeMatrix(l.weightIh.dataSync() as Float32Array, GH, inSize);
    return {
      wIhT,
      byWIh: products.by(wIhT, inSize, GH),
      byWHh: products.by(transposeMatrix(l.weightHh.dataSync() as Float32Array, GH, H), H, GH),
      inputBias:
        cell === 'gru' ? Float32Array.from(bih) : bih.map((b, i) => b + (bhh[i] as number)),
      biasHh: Float32Array.from(bhh),
      h: new Float32Array(H),
      c: new Float32Array(H),
    };
  });
  const buf = (arr: Float32Array): Buf => ({ arr, off: 0 });
  const xp = new Float32Array(GH);
  const mm = new Float32Array(GH);
  const cache = new Float32Array(fused.cacheWidth * H);
  const hNext = new Float32Array(H);
  const cNext = new Float32Array(H);
  const out = new Float32Array(H);

  return {
    step(input) {
      let x: Float32Array | number = input;
      for (const l of layers) {
        if (typeof x === 'number') xp.set(l.wIhT.subarray(x * GH, (x + 1) * GH));
        else l.byWIh(x, xp);
        for (let j = 0; j < GH; j++) xp[j] = (xp[j] as number) + (l.inputBias[j] as number);
        l.byWHh(l.h, mm);
        fused.forward({
          batch: 1,
          hidden: H,
          mm: buf(mm),
          xp: buf(xp),
          bias: buf(l.biasHh),
          h: buf(l.h),
          c: buf(l.c),
          hNext: buf(hNext),
          cNext: buf(cNext),
          out: buf(out),
          cache: buf(cache),
          on: undefined,
        });
        l.h.set(hNext);
        l.c.set(cNext);
        x = l.h;
      }
      return x as Float32Array;
    },
    setState(state) {
      const h = state ? (state.h.dataSync() as Float32Array) : undefined;
      const c = state?.c ? (state.c.dataSync() as Float32Array) : undefined;
      for (const [i, l] of layers.entries()) {
        if (h) l.h.set(h.subarray(i * H, (i + 1) * H));
        else l.h.fill(0);
        if (c) l.c.set(c.subarray(i * H, (i + 1) * H));
        else l.c.fill(0);
      }
    },
    getState() {
      const L = layers.length;
      const stack = (key: 'h' | 'c') => {
        const all = new Float32Array(L * H);
        for (const [i, l] of layers.entries()) all.set(l[key], i * H);
        return tf.tensor3d(all, [L, 1, H]);
      };
      return cell === 'lstm' ? { h: stack('h'), c: stack('c') } : { h: stack('h') };
    },
    stale() {
      const now = rec.layers.flatMap((l) => [l.weightIh, l.weightHh, l.biasIh, l.biasHh]);
      return tf.backend() !== backend || now.some((v, i) => v.dataId !== dataIds[i]);
    },
    dispose: () => products.dispose(),
  };
}
