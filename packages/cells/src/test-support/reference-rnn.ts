// An independent float64 implementation of the cells, the sequence runner with lengths, the
// per-example reversal and the bidirectional merge, written from the equations in the README
// (plain JS arrays, no tfjs), to check the tfjs implementation against.
import type { CellType } from '../cell/cell-type.js';

export type Vec = number[];
/** One layer's weights as nested arrays, PyTorch layout: `wIh [G*H][I]`, `wHh [G*H][H]`. */
export interface RefLayer {
  wIh: Vec[];
  wHh: Vec[];
  bIh: Vec;
  bHh: Vec;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const affine = (w: Vec[], x: Vec, b: Vec): Vec =>
  w.map((row, i) => row.reduce((s, wij, j) => s + wij * (x[j] as number), b[i] as number));

/** One step of one cell: returns `[h', c']`. */
export function refStep(cell: CellType, p: RefLayer, x: Vec, h: Vec, c: Vec): [Vec, Vec] {
  const n = h.length;
  const gi = affine(p.wIh, x, p.bIh); // [G*H]
  const gh = affine(p.wHh, h, p.bHh); // [G*H]
  const at = (g: Vec, k: number, j: number) => g[k * n + j] as number;
  if (cell === 'rnn') return [gi.map((v, j) => Math.tanh(v + at(gh, 0, j))), c];
  if (cell === 'lstm') {
    const a = (k: number, j: number) => at(gi, k, j) + at(gh, k, j);
    const c2 = h.map(
      (_, j) => sigmoid(a(1, j)) * (c[j] as number) + sigmoid(a(0, j)) * Math.tanh(a(2, j)),
    );
    return [c2.map((cj, j) => sigmoid(a(3, j)) * Math.tanh(cj)), c2];
  }
  const h2 = h.map((hj, j) => {
    const r = sigmoid(at(gi, 0, j) + at(gh, 0, j));
    const z = sigmoid(at(gi, 1, j) + at(gh, 1, j));
    const nn = Math.tanh(at(gi, 2, j) + r * at(gh, 2, j));
    return (1 - z) * nn + z * hj;
  });
  return [h2, c];
}

/** One layer over one example's first `len` steps: outputs (0 past len) and final `[h, c]`. */
export function refLayer(
  cell: CellType,
  p: RefLayer,
  xs: Vec[],
  len: number,
  h0: Vec,
  c0: Vec,
): { outputs: Vec[]; h: Vec; c: Vec } {
  let h = h0;
  let c = c0;
  const outputs = xs.map((x, t) => {
    if (t >= len) return h0.map(() => 0);
    [h, c] = refStep(cell, p, x, h, c);
    return h;
  });
  return { outputs, h, c };
}

/** Reverses the first `len` steps, keeping the rest in place. */
export function refReverse<T>(xs: T[], len: number): T[] {
  return xs.map((x, t) => (t < len ? (xs[len - 1 - t] as T) : x));
}

export type RefMerge = 'concat' | 'sum' | 'mean';

/** A bidirectional stack on one example (zero initial states): merged outputs and finals. */
export function refBidirectional(
  cell: CellType,
  forward: RefLayer[],
  backward: RefLayer[],
  merge: RefMerge,
  xs: Vec[],
  len: number,
): { outputs: Vec[]; fh: Vec[]; bh: Vec[]; fc: Vec[]; bc: Vec[] } {
  const finals = { fh: [] as Vec[], bh: [] as Vec[], fc: [] as Vec[], bc: [] as Vec[] };
  let input = xs;
  forward.forEach((fp, l) => {
    const bp = backward[l] as RefLayer;
    const zeros = fp.bHh.slice(0, fp.wHh[0]?.length).map(() => 0);
    const f = refLayer(cell, fp, input, len, zeros, zeros);
    const b = refLayer(cell, bp, refReverse(input, len), len, zeros, zeros);
    const bOut = refReverse(b.outputs, len);
    input = f.outputs.map((fo, t) => {
      const bo = bOut[t] as Vec;
      if (merge === 'concat') return [...fo, ...bo];
      return fo.map((v, j) => (v + (bo[j] as number)) * (merge === 'mean' ? 0.5 : 1));
    });
    finals.fh.push(f.h);
    finals.fc.push(f.c);
    finals.bh.push(b.h);
    finals.bc.push(b.c);
  });
  return { outputs: input, ...finals };
}
