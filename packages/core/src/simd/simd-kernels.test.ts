import { describe, expect, it } from 'vitest';
import { createRng } from '../random.js';
import {
  createSimdHeap,
  gemmPackedSize,
  SEQUENCE_CELL,
  type SimdHeap,
  simdSupported,
} from './index.js';
import {
  adamRef,
  gruBackwardRef,
  gruForwardRef,
  lstmBackwardRef,
  lstmForwardRef,
  rnnBackwardRef,
  rnnForwardRef,
} from './test-support/reference-cells.js';

// Odd sizes on purpose: H % 4 = 1, 2, 3 take the kernels' partial-vector path, B = 1 a single row.
const SIZES: [number, number][] = [
  [1, 1],
  [1, 6],
  [3, 7],
  [2, 13],
  [4, 16],
  [5, 35],
];

const rng = createRng(20250611);
const uniform = (n: number, lo: number, hi: number) =>
  Float32Array.from({ length: n }, () => lo + (hi - lo) * rng());

/** Largest |got - want| / max(1, |want|): relative for large values, absolute near 0. */
function worst(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let w = 0;
  for (let i = 0; i < got.length; i++) {
    const g = got[i] as number;
    const r = want[i] as number;
    w = Math.max(w, Math.abs(g - r) / Math.max(1, Math.abs(r)));
  }
  return w;
}

class Bench {
  constructor(readonly heap: SimdHeap) {}
  put(xs: ArrayLike<number>): number {
    const off = this.heap.alloc(xs.length);
    this.heap.f32().set(xs, off);
    return off;
  }
  /** A zeroed float64 array of n, as an offset in floats. */
  sums(n: number): number {
    return this.put(new Float32Array(2 * n));
  }
  f32(off: number, n: number): Float32Array {
    return this.heap.f32().slice(off, off + n);
  }
  f64(off: number, n: number): Float64Array {
    return new Float64Array(this.heap.f32().buffer, off * 4, n).slice();
  }
  /** Runs `fn`, failing if it wrote a byte outside `outputs` ([offset, floats] pairs). */
  writesOnly(outputs: [number, number][], fn: () => void): void {
    const before = new Uint32Array(this.heap.f32().buffer).slice();
    fn();
    const after = new Uint32Array(this.heap.f32().buffer);
    expect(after.length).toBe(before.length);
    for (let i = 0; i < after.length; i++) {
      if (after[i] === before[i]) continue;
      const inside = outputs.some(([off, n]) => i >= off && i < off + n);
      if (!inside) expect.fail(`kernel wrote float ${i}, outside its outputs`);
    }
  }
}

function bench(): Bench {
  const heap = createSimdHeap();
  if (heap === undefined) throw new Error('no SIMD');
  return new Bench(heap);
}

/** Row validity: all valid, or a mix with at least one row past its length. */
const masks = (B: number) => [
  undefined,
  Float32Array.from({ length: B }, (_, b) => (b % 2 ? 0 : 1)),
];

describe.skipIf(!simdSupported())('SIMD cell kernels against the float64 equations', () => {
  for (const [B, H] of SIZES) {
    for (const on of masks(B)) {
      const tag = `B=${B} H=${H}${on ? ' masked' : ''}`;

      it(`LSTM forward and backward, ${tag}`, () => {
        const t = bench();
        const [mm, xp] = [uniform(B * 4 * H, -3, 3), uniform(B * 4 * H, -3, 3)];
        const [h, c] = [uniform(B * H, -1, 1), uniform(B * H, -2, 2)];
        const o = {
          mm: t.put(mm),
          xp: t.put(xp),
          h: t.put(h),
          c: t.put(c),
          hN: t.put(new Float32Array(B * H)),
          cN: t.put(new Float32Array(B * H)),
          out: t.put(new Float32Array(B * H)),
          cache: t.put(new Float32Array(B * 5 * H)),
          on: on ? t.put(on) : 0,
        };
        const outs: [number, number][] = [
          [o.hN, B * H],
          [o.cN, B * H],
          [o.out, B * H],
          [o.cache, B * 5 * H],
        ];
        t.writesOnly(outs, () =>
          t.heap.kernels.lstmForward(B, H, o.mm, o.xp, o.h, o.c, o.hN, o.cN, o.out, o.cache, o.on),
        );
        const f = lstmForwardRef(B, H, mm, xp, h, c, on);
        expect(worst(t.f32(o.hN, B * H), f.hNext)).toBeLessThan(1e-6);
        expect(worst(t.f32(o.cN, B * H), f.cNext)).toBeLessThan(1e-6);
        expect(worst(t.f32(o.out, B * H), f.out)).toBeLessThan(1e-6);
        expect(worst(t.f32(o.cache, B * 5 * H), f.cache)).toBeLessThan(1e-6);

        // backward from the forward's cache
        const cache = t.f32(o.cache, B * 5 * H);
        const [dh, dc, dOut] = [
          uniform(B * H, -1, 1),
          uniform(B * H, -1, 1),
          uniform(B * H, -1, 1),
        ];
        const d = {
          dh: t.put(dh),
          dc: t.put(dc),
          dOut: t.put(dOut),
          dGx: t.put(new Float32Array(B * 4 * H).fill(7)),
          dGh: t.put(new Float32Array(B * 4 * H).fill(7)),
          sum: t.sums(4 * H),
        };
        t.writesOnly(
          [
            [d.dh, B * H],
            [d.dc, B * H],
            [d.dGx, B * 4 * H],
            [d.dGh, B * 4 * H],
            [d.sum, 8 * H],
          ],
          () =>
            t.heap.kernels.lstmBackward(
              B,
              H,
              d.dh,
              d.dc,
              d.dOut,
              o.cache,
              o.c,
              o.on,
              d.dGx,
              d.dGh,
              d.sum,
            ),
        );
        const r = lstmBackwardRef(B, H, dh, dc, dOut, cache, c, on);
        expect(worst(t.f32(d.dh, B * H), r.dh)).toBeLessThan(1e-6);
        expect(worst(t.f32(d.dc, B * H), r.dc)).toBeLessThan(1e-6);
        expect(worst(t.f32(d.dGx, B * 4 * H), r.dG)).toBeLessThan(1e-6);
        expect(worst(t.f32(d.dGh, B * 4 * H), r.dG)).toBeLessThan(1e-6);
        expect(worst(t.f64(d.sum, 4 * H), r.sum)).toBeLessThan(2e-6);
      });

      it(`GRU forward and backward, ${tag}`, () => {
        const t = bench();
        const [mm, xp, bias] = [
          uniform(B * 3 * H, -3, 3),
          uniform(B * 3 * H, -3, 3),
          uniform(3 * H, -1, 1),
        ];
        const h = uniform(B * H, -1, 1);
        const o = {
          mm: t.put(mm),
          xp: t.put(xp),
          bias: t.put(bias),
          h: t.put(h),
          hN: t.put(new Float32Array(B * H)),
          out: t.put(new Float32Array(B * H)),
          cache: t.put(new Float32Array(B * 4 * H)),
          on: on ? t.put(on) : 0,
        };
        t.writesOnly(
          [
            [o.hN, B * H],
            [o.out, B * H],
            [o.cache, B * 4 * H],
          ],
          () =>
            t.heap.kernels.gruForward(B, H, o.mm, o.xp, o.bias, o.h, o.hN, o.out, o.cache, o.on),
        );
        const f = gruForwardRef(B, H, mm, xp, bias, h, on);
        expect(worst(t.f32(o.hN, B * H), f.hNext)).toBeLessThan(1e-6);
        expect(worst(t.f32(o.out, B * H), f.out)).toBeLessThan(1e-6);
        expect(worst(t.f32(o.cache, B * 4 * H), f.cache)).toBeLessThan(1e-6);

        const cache = t.f32(o.cache, B * 4 * H);
        const [dh, dOut] = [uniform(B * H, -1, 1), uniform(B * H, -1, 1)];
        const d = {
          dh: t.put(dh),
          dOut: t.put(dOut),
          dGx: t.put(new Float32Array(B * 3 * H).fill(7)),
          dGh: t.put(new Float32Array(B * 3 * H).fill(7)),
          rows: t.put(new Float32Array(B * 3 * H).fill(7)),
          sx: t.sums(3 * H),
          sh: t.sums(3 * H),
        };
        t.writesOnly(
          [
            [d.dh, B * H],
            [d.dGx, B * 3 * H],
            [d.dGh, B * 3 * H],
            [d.rows, B * 3 * H],
            [d.sx, 6 * H],
            [d.sh, 6 * H],
          ],
          () =>
            t.heap.kernels.gruBackward(
              B,
              H,
              d.dh,
              d.dOut,
              o.cache,
              o.h,
              o.on,
              d.dGx,
              d.dGh,
              d.rows,
              d.sx,
              d.sh,
            ),
        );
        const r = gruBackwardRef(B, H, dh, dOut, cache, h, on);
        expect(worst(t.f32(d.dh, B * H), r.dh)).toBeLessThan(1e-6);
        expect(worst(t.f32(d.dGx, B * 3 * H), r.dGx)).toBeLessThan(1e-6);
        expect(worst(t.f32(d.dGh, B * 3 * H), r.dGh)).toBeLessThan(1e-6);
        expect(worst(t.f32(d.rows, B * 3 * H), r.dGh)).toBeLessThan(1e-6);
        expect(worst(t.f64(d.sx, 3 * H), r.sumX)).toBeLessThan(2e-6);
        expect(worst(t.f64(d.sh, 3 * H), r.sumH)).toBeLessThan(2e-6);
      });

      it(`RNN forward and backward, ${tag}`, () => {
        const t = bench();
        const [mm, xp, h] = [uniform(B * H, -3, 3), uniform(B * H, -3, 3), uniform(B * H, -1, 1)];
        const o = {
          mm: t.put(mm),
          xp: t.put(xp),
          h: t.put(h),
          hN: t.put(new Float32Array(B * H)),
          out: t.put(new Float32Array(B * H)),
          cache: t.put(new Float32Array(B * H)),
          on: on ? t.put(on) : 0,
        };
        t.writesOnly(
          [
            [o.hN, B * H],
            [o.out, B * H],
            [o.cache, B * H],
          ],
          () => t.heap.kernels.rnnForward(B, H, o.mm, o.xp, o.h, o.hN, o.out, o.cache, o.on),
        );
        const f = rnnForwardRef(B, H, mm, xp, h, on);
        expect(worst(t.f32(o.hN, B * H), f.hNext)).toBeLessThan(1e-6);
        expect(worst(t.f32(o.out, B * H), f.out)).toBeLessThan(1e-6);
        expect(worst(t.f32(o.cache, B * H), f.cache)).toBeLessThan(1e-6);

        const cache = t.f32(o.cache, B * H);
        const [dh, dOut] = [uniform(B * H, -1, 1), uniform(B * H, -1, 1)];
        // dGh = dGx: the LSTM/RNN callers pass one buffer for both
        const d = {
          dh: t.put(dh),
          dOut: t.put(dOut),
          dG: t.put(new Float32Array(B * H).fill(7)),
          sum: t.sums(H),
        };
        t.writesOnly(
          [
            [d.dh, B * H],
            [d.dG, B * H],
            [d.sum, 2 * H],
          ],
          () => t.heap.kernels.rnnBackward(B, H, d.dh, d.dOut, o.cache, o.on, d.dG, d.dG, d.sum),
        );
        const r = rnnBackwardRef(B, H, dh, dOut, cache, on);
        expect(worst(t.f32(d.dh, B * H), r.dh)).toBeLessThan(1e-6);
        expect(worst(t.f32(d.dG, B * H), r.dG)).toBeLessThan(1e-6);
        expect(worst(t.f64(d.sum, H), r.sum)).toBeLessThan(2e-6);
      });
    }
  }

  it('adds float32 arrays (dh += dG_h W_hh) of any length', () => {
    const t = bench();
    for (const n of [1, 3, 4, 9, 130]) {
      const [a, b] = [uniform(n, -1, 1), uniform(n, -1, 1)];
      const [pa, pb] = [t.put(a), t.put(b)];
      t.writesOnly([[pa, n]], () => t.heap.kernels.addF32(pa, pb, n));
      expect(Array.from(t.f32(pa, n))).toEqual(
        Array.from(a, (x, i) => Math.fround(x + (b[i] as number))),
      );
    }
  });

  it('runs Adam as the float64 equations, bit-identical to the fused JS kernel', () => {
    const t = bench();
    const c = { a: 2e-3, s: 0.31, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
    for (const n of [1, 2, 5, 1001]) {
      const [p, g, m] = [uniform(n, -1, 1), uniform(n, -0.1, 0.1), uniform(n, -0.01, 0.01)];
      const v = uniform(n, 0, 1e-4);
      const o = { p: t.put(p), g: t.put(g), m: t.put(m), v: t.put(v) };
      const out = {
        p: t.put(new Float32Array(n)),
        m: t.put(new Float32Array(n)),
        v: t.put(new Float32Array(n)),
      };
      t.writesOnly(
        [
          [out.p, n],
          [out.m, n],
          [out.v, n],
        ],
        () =>
          t.heap.kernels.adamStep(
            o.p,
            o.g,
            o.m,
            o.v,
            out.p,
            out.m,
            out.v,
            n,
            c.a,
            c.s,
            c.beta1,
            c.beta2,
            c.epsilon,
          ),
      );
      const r = adamRef(p, g, m, v, c);
      expect(worst(t.f32(out.m, n), r.m)).toBeLessThan(1e-6);
      expect(worst(t.f32(out.v, n), r.v)).toBeLessThan(1e-6);
      expect(worst(t.f32(out.p, n), r.p)).toBeLessThan(1e-6);
      // the JS kernel's own rounding points (Math.fround of m1 and v1, float32 store of p1)
      const js = adamRef(p, g, m, v, c);
      for (let i = 0; i < n; i++) {
        const mi = Math.fround(js.m[i] as number);
        const vi = Math.fround(js.v[i] as number);
        const pi = Math.fround((p[i] as number) - (c.a * mi) / (c.s * Math.sqrt(vi) + c.epsilon));
        expect([t.f32(out.m + i, 1)[0], t.f32(out.v + i, 1)[0], t.f32(out.p + i, 1)[0]]).toEqual([
          mi,
          vi,
          pi,
        ]);
      }
      // in place: outputs = inputs
      t.heap.kernels.adamStep(
        o.p,
        o.g,
        o.m,
        o.v,
        o.p,
        o.m,
        o.v,
        n,
        c.a,
        c.s,
        c.beta1,
        c.beta2,
        c.epsilon,
      );
      expect(t.f32(o.p, n)).toEqual(t.f32(out.p, n));
      expect(t.f32(o.v, n)).toEqual(t.f32(out.v, n));
    }
  });

  it('keeps sigmoid and tanh within a few float32 ulp of Math.exp / Math.tanh everywhere', () => {
    const t = bench();
    const xs: number[] = [
      0, -0, 1e-30, -1e-7, 0.3, 0.624, 0.625, 0.626, 5, 9, 20, 44, 45, 88, 89, 200, 1e30,
    ];
    for (let i = 0; i < 20000; i++) xs.push(Math.fround(-30 + 60 * rng()));
    for (let i = 0; i < 2000; i++) xs.push(Math.fround((2 * rng() - 1) * 10 ** (-8 + 8 * rng())));
    const all = Float32Array.from([...xs, ...xs.map((x) => -x)]);
    const n = all.length;
    // RNN: out = tanh(mm + 0); LSTM gate i = sigmoid(mm + 0) (B = n rows, H = 1)
    const o = {
      x: t.put(all),
      zero: t.put(new Float32Array(4 * n)),
      th: t.put(new Float32Array(n)),
    };
    const [h, cache] = [t.put(new Float32Array(n)), t.put(new Float32Array(5 * n))];
    t.heap.kernels.rnnForward(n, 1, o.x, o.zero, o.zero, h, o.th, h, 0);
    const gates = t.put(new Float32Array(4 * n));
    t.heap.f32().set(all, gates); // [n, 4] rows would interleave; use H = 1 rows of 4 gates
    const rows = new Float32Array(4 * n);
    for (let i = 0; i < n; i++) rows[4 * i] = all[i] as number;
    t.heap.f32().set(rows, gates);
    const [hN, cN, out] = [
      t.put(new Float32Array(n)),
      t.put(new Float32Array(n)),
      t.put(new Float32Array(n)),
    ];
    t.heap.kernels.lstmForward(n, 1, gates, o.zero, o.zero, o.zero, hN, cN, out, cache, 0);
    const th = t.f32(o.th, n);
    const k = t.f32(cache, 5 * n);
    const ulp = (x: number) =>
      Math.max(2 ** -149, 2 ** (Math.floor(Math.log2(Math.abs(x) || 2 ** -126)) - 23));
    let [wTanh, wSig] = [0, 0];
    for (let i = 0; i < n; i++) {
      const x = all[i] as number;
      wTanh = Math.max(wTanh, Math.abs((th[i] as number) - Math.tanh(x)) / ulp(Math.tanh(x)));
      const s = 1 / (1 + Math.exp(-x));
      // below ~1e-38 the kernel's exp saturates: sigmoid is then absolutely, not relatively, tiny
      if (s > 1e-37) wSig = Math.max(wSig, Math.abs((k[5 * i] as number) - s) / ulp(s));
      else expect(k[5 * i]).toBeLessThan(1e-37);
    }
    expect(wTanh).toBeLessThanOrEqual(3);
    expect(wSig).toBeLessThanOrEqual(3);
    // NaN stays NaN
    const nan = t.put([Number.NaN]);
    t.heap.kernels.rnnForward(1, 1, nan, o.zero, o.zero, h, o.th, h, 0);
    expect(t.f32(o.th, 1)[0]).toBeNaN();
  });
});

/** `a [m, k] · b [k, n]` summed as the gemm documents: float32, q increasing, from `init`. */
function gemmF32(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
  init?: ArrayLike<number>,
): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const p = (q: number) => Math.fround((a[i * k + q] as number) * (b[q * n + j] as number));
      let s = init ? (init[i * n + j] as number) : p(0);
      for (let q = init ? 0 : 1; q < k; q++) s = Math.fround(s + p(q));
      out[i * n + j] = s;
    }
  }
  return out;
}

/** `a · b` in float64. */
function gemmF64(a: Float32Array, b: Float32Array, m: number, k: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += (a[i * k + q] as number) * (b[q * n + j] as number);
      out.push(s);
    }
  }
  return out;
}

describe.skipIf(!simdSupported())('SIMD gemm', () => {
  // m % 4 and n % 8 tails, k = 1, k past one 256-step block, m past one 64-row block, n
  // under one panel.
  const SHAPES: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [4, 8, 8],
    [5, 17, 9],
    [7, 300, 13],
    [67, 9, 16],
    [33, 4, 65],
    [2, 513, 3],
    [70, 300, 9],
  ];
  for (const [m, k, n] of SHAPES) {
    it(`computes [${m},${k}]·[${k},${n}] (= and +=) in the documented float32 order`, () => {
      const t = bench();
      const K = t.heap.kernels;
      const [a, b, c0] = [uniform(m * k, -1, 1), uniform(k * n, -1, 1), uniform(m * n, -4, 4)];
      const [pa, pb] = [t.put(a), t.put(b)];
      const size = gemmPackedSize(k, n);
      const bp = t.put(new Float32Array(size).fill(Number.NaN));
      const out = t.put(c0);
      t.writesOnly([[bp, size]], () => K.gemmPackB(k, n, pb, bp));
      // out, and a's blocks in the room after the panels
      const panels = Math.ceil(n / 8) * 8 * k;
      t.writesOnly(
        [
          [out, m * n],
          [bp + panels, size - panels],
        ],
        () => K.gemmPacked(m, k, n, pa, bp, out, 0),
      );
      const got = t.f32(out, m * n);
      expect(got).toEqual(gemmF32(a, b, m, k, n));
      // within k float32 roundings of the exact product
      const exact = gemmF64(a, b, m, k, n);
      const bound = gemmF64(a.map(Math.abs), b.map(Math.abs), m, k, n);
      for (let i = 0; i < m * n; i++) {
        expect(Math.abs((got[i] as number) - (exact[i] as number))).toBeLessThanOrEqual(
          k * 2 ** -23 * (bound[i] as number),
        );
      }
      // accumulate: out += a · b, starting from what out holds
      t.heap.f32().set(c0, out);
      K.gemmPacked(m, k, n, pa, bp, out, 1);
      expect(t.f32(out, m * n)).toEqual(gemmF32(a, b, m, k, n, c0));
    });
  }

  it('writes zeros (or leaves out as it is, accumulating) for k = 0', () => {
    const t = bench();
    const out = t.put([1, 2, 3, 4, 5, 6]);
    t.heap.kernels.gemmPacked(2, 0, 3, out, out, out, 1);
    expect(Array.from(t.f32(out, 6))).toEqual([1, 2, 3, 4, 5, 6]);
    t.heap.kernels.gemmPacked(2, 0, 3, out, out, out, 0);
    expect(Array.from(t.f32(out, 6))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

// The whole-sequence loops against the step-by-step calls they replace: the cell kernels
// with each step's recurrent product by the float32 reference gemm, bit for bit.
const CELLS = [
  { name: 'lstm', G: 4, K: 5 },
  { name: 'gru', G: 3, K: 4 },
  { name: 'rnn', G: 1, K: 1 },
] as const;

describe.skipIf(!simdSupported())('SIMD whole-sequence recurrent loops', () => {
  for (const cell of CELLS) {
    for (const [B, H] of [
      [3, 5],
      [2, 9],
    ] as const) {
      for (const on of [
        undefined,
        Float32Array.from({ length: 3 * B }, (_, i) => (i % 3 ? 1 : 0)),
      ]) {
        const T = 3;
        const tag = `${cell.name} T=${T} B=${B} H=${H}${on ? ' masked' : ''}`;
        it(`forward and backward of ${tag} equal the step-by-step kernels`, () => {
          const t = bench();
          const K = t.heap.kernels;
          const [GH, KH, BH] = [cell.G * H, cell.K * H, B * H];
          const lstm = cell.name === 'lstm';
          const gru = cell.name === 'gru';
          const x = {
            xp: uniform(T * B * GH, -2, 2),
            wHhT: uniform(H * GH, -0.5, 0.5),
            bias: uniform(GH, -0.5, 0.5),
            h0: uniform(BH, -1, 1),
            c0: uniform(BH, -1, 1),
            dOut: uniform(T * BH, -1, 1),
            dhLast: uniform(BH, -1, 1),
            dcLast: uniform(BH, -1, 1),
          };
          const weightHh = new Float32Array(GH * H); // W_hh [GH, H] = (W_hh^T)^T
          for (let i = 0; i < H; i++) {
            for (let j = 0; j < GH; j++) weightHh[j * H + i] = x.wHhT[i * GH + j] as number;
          }
          const p = {
            xp: t.put(x.xp),
            wHhT: t.put(x.wHhT),
            weightHh: t.put(weightHh),
            bias: t.put(x.bias),
            on: on ? t.put(on) : 0,
            dOut: t.put(x.dOut),
          };
          const fresh = (n: number) => t.put(new Float32Array(n));
          // one call
          // Outputs of one layer's run, h0 and c0 in their first rows.
          const outputs = () => {
            const o = {
              hs: fresh(T * BH),
              hLast: fresh(BH),
              cs: lstm ? fresh(T * BH) : 0,
              cLast: lstm ? fresh(BH) : 0,
              cache: fresh(T * B * KH),
              outs: fresh(T * BH),
            };
            t.heap.f32().set(x.h0, o.hs);
            if (lstm) t.heap.f32().set(x.c0, o.cs);
            return o;
          };
          const s = outputs();
          const scratch = fresh(Math.max(gemmPackedSize(H, GH), gemmPackedSize(GH, H)));
          const mm = fresh(B * GH);
          const code = SEQUENCE_CELL[cell.name];
          K.recurrentForward(
            code,
            T,
            B,
            H,
            p.xp,
            p.wHhT,
            scratch,
            mm,
            p.bias,
            s.hs,
            s.hLast,
            s.cs,
            s.cLast,
            s.cache,
            s.outs,
            p.on,
          );
          // step by step
          const r = outputs();
          for (let step = 0; step < T; step++) {
            const h = r.hs + step * BH;
            const hN = step + 1 < T ? h + BH : r.hLast;
            const args = [p.xp + step * B * GH, h] as const;
            t.heap.f32().set(gemmF32(t.f32(h, BH), x.wHhT, B, H, GH), mm);
            const [out, cache, o] = [
              r.outs + step * BH,
              r.cache + step * B * KH,
              on ? p.on + step * B : 0,
            ];
            if (lstm) {
              const c = r.cs + step * BH;
              const cN = step + 1 < T ? c + BH : r.cLast;
              K.lstmForward(B, H, mm, ...args, c, hN, cN, out, cache, o);
            } else if (gru) {
              K.gruForward(B, H, mm, args[0], p.bias, h, hN, out, cache, o);
            } else {
              K.rnnForward(B, H, mm, ...args, hN, out, cache, o);
            }
          }
          for (const key of ['hs', 'hLast', 'cs', 'cLast', 'cache', 'outs'] as const) {
            const n =
              key === 'hLast' || key === 'cLast' ? BH : key === 'cache' ? T * B * KH : T * BH;
            if (s[key] !== 0) expect(t.f32(s[key], n), key).toEqual(t.f32(r[key], n));
          }

          // backward: one call, then step by step, on the forward's outputs
          const run = () => ({
            dh: t.put(x.dhLast),
            dc: lstm ? t.put(x.dcLast) : 0,
            dGx: fresh(T * B * GH),
            rows: gru ? fresh(T * B * GH) : 0,
            sumX: t.sums(GH),
            sumH: gru ? t.sums(GH) : 0,
          });
          const [one, ref] = [run(), run()];
          const res = fresh(BH);
          K.recurrentBackward(
            code,
            T,
            B,
            H,
            p.dOut,
            one.dh,
            one.dc,
            s.hs,
            s.cs,
            s.cache,
            p.weightHh,
            scratch,
            res,
            p.on,
            one.dGx,
            one.rows,
            one.sumX,
            one.sumH,
          );
          const dGh = fresh(B * GH);
          for (let step = T - 1; step >= 0; step--) {
            const [dOut, cache, o] = [
              p.dOut + step * BH,
              s.cache + step * B * KH,
              on ? p.on + step * B : 0,
            ];
            const dGx = ref.dGx + step * B * GH;
            if (lstm) {
              K.lstmBackward(
                B,
                H,
                ref.dh,
                ref.dc,
                dOut,
                cache,
                s.cs + step * BH,
                o,
                dGx,
                dGh,
                ref.sumX,
              );
            } else if (gru) {
              const rows = ref.rows + step * B * GH;
              K.gruBackward(
                B,
                H,
                ref.dh,
                dOut,
                cache,
                s.hs + step * BH,
                o,
                dGx,
                dGh,
                rows,
                ref.sumX,
                ref.sumH,
              );
            } else {
              K.rnnBackward(B, H, ref.dh, dOut, cache, o, dGx, dGh, ref.sumX);
            }
            const prod = gemmF32(t.f32(dGh, B * GH), weightHh, B, GH, H);
            t.heap.f32().set(
              t.f32(ref.dh, BH).map((v, i) => Math.fround(v + (prod[i] as number))),
              ref.dh,
            );
          }
          expect(t.f32(one.dh, BH)).toEqual(t.f32(ref.dh, BH));
          if (lstm) expect(t.f32(one.dc, BH)).toEqual(t.f32(ref.dc, BH));
          expect(t.f32(one.dGx, T * B * GH)).toEqual(t.f32(ref.dGx, T * B * GH));
          if (gru) expect(t.f32(one.rows, T * B * GH)).toEqual(t.f32(ref.rows, T * B * GH));
          expect(t.f64(one.sumX, GH)).toEqual(t.f64(ref.sumX, GH));
          if (gru) expect(t.f64(one.sumH, GH)).toEqual(t.f64(ref.sumH, GH));
        });
      }
    }
  }
});
