/**
 * The cell equations of `@rnnkit/cells` (fused-lstm / fused-gru / fused-rnn) and Adam,
 * written again from the math in plain float64 JS: what the SIMD kernels are checked against.
 * Arrays are row-major per batch row, gates gate-major, as the kernels take them.
 */
type A = ArrayLike<number>;

const sig = (x: number) => 1 / (1 + Math.exp(-x));

export interface ForwardRef {
  hNext: number[];
  cNext?: number[];
  out: number[];
  cache: number[];
}

const valid = (on: A | undefined, b: number) => on === undefined || on[b] !== 0;

export function lstmForwardRef(B: number, H: number, mm: A, xp: A, h: A, c: A, on?: A) {
  const r: Required<ForwardRef> = { hNext: [], cNext: [], out: [], cache: [] };
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const s = b * H + j;
      const pre = (q: number) =>
        (mm[b * 4 * H + q * H + j] as number) + (xp[b * 4 * H + q * H + j] as number);
      const [i, f, g, o] = [sig(pre(0)), sig(pre(1)), Math.tanh(pre(2)), sig(pre(3))];
      const cNew = f * (c[s] as number) + i * g;
      const tc = Math.tanh(cNew);
      [i, f, g, o, tc].forEach((v, q) => {
        r.cache[b * 5 * H + q * H + j] = v;
      });
      const ok = valid(on, b);
      r.out[s] = ok ? o * tc : 0;
      r.hNext[s] = ok ? o * tc : (h[s] as number);
      r.cNext[s] = ok ? cNew : (c[s] as number);
    }
  }
  return r;
}

export function lstmBackwardRef(
  B: number,
  H: number,
  dh: A,
  dc: A,
  dOut: A,
  cache: A,
  c: A,
  on?: A,
) {
  const r = {
    dh: Array.from(dh),
    dc: Array.from(dc),
    dG: [] as number[],
    sum: new Array(4 * H).fill(0),
  };
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const s = b * H + j;
      const k = (q: number) => cache[b * 5 * H + q * H + j] as number;
      const gi = (q: number) => b * 4 * H + q * H + j;
      if (!valid(on, b)) {
        for (let q = 0; q < 4; q++) r.dG[gi(q)] = 0;
        continue;
      }
      const [i, f, g, o, tc] = [k(0), k(1), k(2), k(3), k(4)];
      const dhNew = (dh[s] as number) + (dOut[s] as number);
      const dcAll = (dc[s] as number) + dhNew * o * (1 - tc * tc);
      const d = [
        dcAll * g * i * (1 - i),
        dcAll * (c[s] as number) * f * (1 - f),
        dcAll * i * (1 - g * g),
        dhNew * tc * o * (1 - o),
      ];
      d.forEach((v, q) => {
        r.dG[gi(q)] = v;
        r.sum[q * H + j] += v;
      });
      r.dc[s] = dcAll * f;
      r.dh[s] = 0;
    }
  }
  return r;
}

export function gruForwardRef(B: number, H: number, mm: A, xp: A, bias: A, h: A, on?: A) {
  const r: ForwardRef = { hNext: [], out: [], cache: [] };
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const s = b * H + j;
      const hh = (q: number) => (mm[b * 3 * H + q * H + j] as number) + (bias[q * H + j] as number);
      const x = (q: number) => xp[b * 3 * H + q * H + j] as number;
      const hn = hh(2);
      const rr = sig(x(0) + hh(0));
      const z = sig(x(1) + hh(1));
      const n = Math.tanh(x(2) + rr * hn);
      const hNew = (1 - z) * n + z * (h[s] as number);
      [rr, z, n, hn].forEach((v, q) => {
        r.cache[b * 4 * H + q * H + j] = v;
      });
      const ok = valid(on, b);
      r.out[s] = ok ? hNew : 0;
      r.hNext[s] = ok ? hNew : (h[s] as number);
    }
  }
  return r;
}

export function gruBackwardRef(B: number, H: number, dh: A, dOut: A, cache: A, h: A, on?: A) {
  const r = {
    dh: Array.from(dh),
    dGx: [] as number[],
    dGh: [] as number[],
    sumX: new Array(3 * H).fill(0),
    sumH: new Array(3 * H).fill(0),
  };
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const s = b * H + j;
      const k = (q: number) => cache[b * 4 * H + q * H + j] as number;
      const gi = (q: number) => b * 3 * H + q * H + j;
      if (!valid(on, b)) {
        for (let q = 0; q < 3; q++) r.dGx[gi(q)] = r.dGh[gi(q)] = 0;
        continue;
      }
      const [rr, z, n, hn] = [k(0), k(1), k(2), k(3)];
      const dhNew = (dh[s] as number) + (dOut[s] as number);
      const dan = dhNew * (1 - z) * (1 - n * n);
      const daz = dhNew * ((h[s] as number) - n) * z * (1 - z);
      const dar = dan * hn * rr * (1 - rr);
      [dar, daz, dan].forEach((v, q) => {
        r.dGx[gi(q)] = v;
        r.sumX[q * H + j] += v;
      });
      [dar, daz, dan * rr].forEach((v, q) => {
        r.dGh[gi(q)] = v;
        r.sumH[q * H + j] += v;
      });
      r.dh[s] = dhNew * z;
    }
  }
  return r;
}

export function rnnForwardRef(B: number, H: number, mm: A, xp: A, h: A, on?: A) {
  const r: ForwardRef = { hNext: [], out: [], cache: [] };
  for (let s = 0; s < B * H; s++) {
    const hNew = Math.tanh((mm[s] as number) + (xp[s] as number));
    const ok = valid(on, Math.floor(s / H));
    r.cache[s] = hNew;
    r.out[s] = ok ? hNew : 0;
    r.hNext[s] = ok ? hNew : (h[s] as number);
  }
  return r;
}

export function rnnBackwardRef(B: number, H: number, dh: A, dOut: A, cache: A, on?: A) {
  const r = { dh: Array.from(dh), dG: [] as number[], sum: new Array(H).fill(0) };
  for (let s = 0; s < B * H; s++) {
    if (!valid(on, Math.floor(s / H))) {
      r.dG[s] = 0;
      continue;
    }
    const hNew = cache[s] as number;
    const da = ((dh[s] as number) + (dOut[s] as number)) * (1 - hNew * hNew);
    r.dG[s] = da;
    r.sum[s % H] += da;
    r.dh[s] = 0;
  }
  return r;
}

export function adamRef(
  p: A,
  g: A,
  m: A,
  v: A,
  c: { a: number; s: number; beta1: number; beta2: number; epsilon: number },
) {
  const r = { p: [] as number[], m: [] as number[], v: [] as number[] };
  for (let i = 0; i < p.length; i++) {
    const gi = g[i] as number;
    const mi = c.beta1 * (m[i] as number) + (1 - c.beta1) * gi;
    const vi = c.beta2 * (v[i] as number) + (1 - c.beta2) * gi * gi;
    r.m[i] = mi;
    r.v[i] = vi;
    r.p[i] = (p[i] as number) - (c.a * mi) / (c.s * Math.sqrt(vi) + c.epsilon);
  }
  return r;
}
