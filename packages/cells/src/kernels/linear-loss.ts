import { transposeInto } from '@rnnkit/core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { matMulInto } from './matmul.js';
import { type Buf, kernelMemory } from './memory.js';
import { simdFor } from './simd.js';

/** The fused linear head + softmax cross-entropy, forward: loss and the softmax rows. */
export const LINEAR_LOSS_KERNEL = 'RnnkitLinearSoftmaxLoss';
/** Its gradient: dx, dW, db from the softmax rows, with no [N, V] tensor op in between. */
export const LINEAR_LOSS_GRAD_KERNEL = 'RnnkitLinearSoftmaxLossGrad';

/** TF's `denominator_epsilon`, as in `@rnnkit/optim`'s sequenceLoss. */
const DENOMINATOR_EPSILON = 1e-12;

/**
 * Inputs: x [N, H], weight [V, H], bias [V], targets [N] int32, weights [N]
 * (optional; all ones when absent). Outputs: loss [] and probs [N, V]:
 *
 *     z = x W^T + b      ce[n] = logsumexp(z[n]) - z[n, y[n]]      p = softmax(z)
 *     loss = Σ w·ce / (Σ w + 1e-12)
 *
 * `x W^T` is one plain matMul by W^T (transposed here: [V, H] is small). Each row's softmax
 * sums in float64; an id outside [0, V) makes the loss NaN, as sequenceLoss does.
 */
export function linearLossKernel(backendName: string): KernelFunc {
  return ({ inputs, backend }) => {
    const { x, weight, bias, targets, weights } = inputs as Record<string, TensorInfo> as {
      [name: string]: TensorInfo;
      x: TensorInfo;
      weight: TensorInfo;
    };
    const [n, h] = x.shape as [number, number];
    const v = weight.shape[0] as number;
    const mem = kernelMemory(backendName, backend);
    const loss = mem.alloc([]);
    const probs = mem.alloc([n, v]);
    const wT = mem.temp([h, v]);
    // On wasm the row passes run as SIMD in place; their float64 row stats need a temporary.
    const k = simdFor(backendName, backend);
    const stats = k ? mem.temp([4 * n + 2]) : undefined;
    const [wv, wTv] = [mem.view(weight), mem.view(wT)];
    if (k) k.transpose(wv.off, wTv.off, v, h);
    else transposeInto(wv.arr, wv.off, wTv.arr, wTv.off, v, h);
    matMulInto(mem, x, wT, probs); // logits without the bias, [N, V]
    const [p, b, out] = [probs, bias, loss].map((t) => mem.view(t as TensorInfo)) as [
      Buf,
      Buf,
      Buf,
    ];
    const y = mem.viewInt32(targets as TensorInfo);
    const w = weights ? mem.view(weights) : undefined;
    const weightOf = (r: number) => (w ? (w.arr[w.off + r] as number) : 1);
    let total = 0;
    let weightSum = 0;
    if (k && stats) {
      const at = (mem.view(stats).off + 1) & ~1; // 8-byte aligned
      k.softmaxRows(n, v, p.off, b.off, y.off, at);
      const rowStats = new Float64Array(k.memory.buffer, at * 4, 2 * n);
      for (let r = 0; r < n; r++) {
        const wr = weightOf(r);
        total += wr * (Math.log(rowStats[2 * r] as number) - (rowStats[2 * r + 1] as number));
        weightSum += wr;
      }
    } else {
      const row = new Float64Array(v);
      for (let r = 0; r < n; r++) {
        const wr = weightOf(r);
        const ce = softmaxRow(p, p.off + r * v, b, v, row);
        const id = y.arr[y.off + r] as number;
        const valid = id >= 0 && id < v;
        total += wr * (valid ? ce - (row[id] as number) : Number.NaN);
        weightSum += wr;
      }
    }
    out.arr[out.off] = total / (weightSum + DENOMINATOR_EPSILON);
    mem.release();
    return [loss, probs];
  };
}

/**
 * Adds the bias to logits row `z` (float32, as tfjs's add), leaves `z - max` in `shifted`,
 * overwrites the row with its softmax and returns `log Σ exp(z - max)`: the cross-entropy of
 * class j is that minus `shifted[j]`.
 */
function softmaxRow(p: Buf, off: number, b: Buf, v: number, shifted: Float64Array): number {
  const { arr } = p;
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < v; j++) {
    const z = Math.fround((arr[off + j] as number) + (b.arr[b.off + j] as number));
    shifted[j] = z;
    if (z > max) max = z;
  }
  let sum = 0;
  for (let j = 0; j < v; j++) {
    const e = Math.exp((shifted[j] as number) - max);
    shifted[j] = (shifted[j] as number) - max;
    arr[off + j] = e;
    sum += e;
  }
  for (let j = 0; j < v; j++) arr[off + j] = (arr[off + j] as number) / sum;
  return Math.log(sum);
}

/**
 * Inputs: probs [N, V] (the forward kernel's), targets [N], weights [N] (optional), dy [],
 * x [N, H], weight [V, H]. Outputs dx [N, H], dW [V, H], db [V]:
 *
 *     dz = (p - onehot(y)) · w · dy / (Σ w + 1e-12)       [N, V], and its transpose
 *     dx = dz W      dW = dz^T x      db = Σ_n dz
 *
 * dz^T is written beside dz in the same pass, so both matMuls are plain; db sums in float64.
 */
export function linearLossGradKernel(backendName: string): KernelFunc {
  return ({ inputs, backend }) => {
    const { probs, targets, weights, dy, x, weight } = inputs as Record<string, TensorInfo> as {
      [name: string]: TensorInfo;
      probs: TensorInfo;
      x: TensorInfo;
    };
    const [n, v] = probs.shape as [number, number];
    const h = x.shape[1] as number;
    const mem = kernelMemory(backendName, backend);
    const dx = mem.alloc([n, h]);
    const dW = mem.alloc([v, h]);
    const db = mem.alloc([v]);
    const dz = mem.temp([n, v]);
    const dzT = mem.temp([v, n]);
    const k = simdFor(backendName, backend);
    const sumsTemp = k ? mem.temp([2 * v + 2]) : undefined;
    const [p, g, gT, dyv] = [probs, dz, dzT, dy].map((t) => mem.view(t as TensorInfo)) as [
      Buf,
      Buf,
      Buf,
      Buf,
    ];
    const y = mem.viewInt32(targets as TensorInfo);
    const w = weights ? mem.view(weights) : undefined;
    let weightSum = 0;
    for (let r = 0; r < n; r++) weightSum += w ? (w.arr[w.off + r] as number) : 1;
    const scale = (dyv.arr[dyv.off] as number) / (weightSum + DENOMINATOR_EPSILON);
    const sums = new Float64Array(v);
    if (k && sumsTemp) {
      const at = (mem.view(sumsTemp).off + 1) & ~1; // 8-byte aligned float64 [V]
      const heapSums = new Float64Array(k.memory.buffer, at * 4, v);
      heapSums.fill(0);
      k.softmaxXentGrad(n, v, p.off, y.off, w ? w.off : 0, scale, g.off, gT.off, at);
      sums.set(heapSums);
    } else {
      for (let r = 0; r < n; r++) {
        const coef = (w ? (w.arr[w.off + r] as number) : 1) * scale;
        const id = y.arr[y.off + r] as number;
        const [pr, gr] = [p.off + r * v, g.off + r * v];
        for (let j = 0; j < v; j++) {
          const d = Math.fround(((p.arr[pr + j] as number) - (j === id ? 1 : 0)) * coef);
          g.arr[gr + j] = d;
          gT.arr[gT.off + j * n + r] = d;
          sums[j] = (sums[j] as number) + d;
        }
      }
    }
    const dbv = mem.view(db);
    dbv.arr.set(sums, dbv.off);
    matMulInto(mem, dz, weight as TensorInfo, dx);
    matMulInto(mem, dzT, x as TensorInfo, dW);
    mem.release();
    return [dx, dW, db];
  };
}
