import { transposeMatrix } from '@rnnkit/core';
import { gateCount } from '../cell/cell-type.js';
import { fusedCell } from '../cell/registry.js';
import type { Buf } from '../kernels/memory.js';
import { vectorProducts } from '../kernels/vector-products.js';
import type { Recurrent } from '../recurrent.js';
import type { StepperCore, StepperWeights } from './stepper-weights.js';

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
 * The plain-JS stepper (no WebAssembly SIMD, or SIMD turned off): the products by direct
 * calls of the wasm backend's XNNPACK matMul on wasm (its copies of the weights live on
 * tfjs's heap until `dispose`), else in JS; the cell's arithmetic as one fused JS pass; the
 * head's logits in float64 sums, computed when asked for.
 */
export function jsStepper(rec: Recurrent, w: StepperWeights): StepperCore {
  const { cell, hiddenSize: H } = rec.config;
  const GH = gateCount(cell) * H;
  const fused = fusedCell(cell);
  const products = vectorProducts();
  const layers: LayerSnapshot[] = w.layers.map((l) => {
    const wIhT = transposeMatrix(l.weightIh, GH, l.inputSize);
    return {
      wIhT,
      byWIh: products.by(wIhT, l.inputSize, GH),
      byWHh: products.by(transposeMatrix(l.weightHh, GH, H), H, GH),
      inputBias: cell === 'gru' ? l.biasIh : l.biasIh.map((b, i) => b + (l.biasHh[i] as number)),
      biasHh: l.biasHh,
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
  const top = (layers[layers.length - 1] as LayerSnapshot).h;
  const logits = w.head && new Float32Array(w.head.bias.length);

  return {
    simd: false,
    h: layers.map((l) => l.h),
    c: layers.map((l) => (cell === 'lstm' ? l.c : undefined)),
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
    },
    logits() {
      const head = w.head as NonNullable<typeof w.head>;
      const out = logits as Float32Array;
      for (let v = 0; v < out.length; v++) {
        let sum = 0;
        const row = v * H;
        for (let k = 0; k < H; k++) sum += (top[k] as number) * (head.weight[row + k] as number);
        out[v] = sum + (head.bias[v] as number);
      }
      return out;
    },
    dispose: () => products.dispose(),
  };
}
