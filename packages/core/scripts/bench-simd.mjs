// Microbenchmark (all rows valid, so the JS passes skip the masking the kernels keep) of one LSTM h128 B32 cell pass (forward; backward with the bias row sums
// and the dh += dG_h W_hh add that the BPTT loop does per step), plus GRU, RNN and Adam:
// the scalar JS of @rnnkit/cells / @rnnkit/optim against the SIMD kernels of
// @rnnkit/core/simd, interleaved in one run on the same memory. Not a test.
//
//   pnpm --filter @rnnkit/core build && node packages/core/scripts/bench-simd.mjs
import { createSimdHeap } from '../dist/simd/index.js';

const B = 32;
const H = 128;
const ROUNDS = 9;
const heap = createSimdHeap();
if (!heap) throw new Error('this engine has no WebAssembly SIMD');
const K = heap.kernels;

let seed = 1;
const rand = () => {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
};
const put = (n, lo = -1, hi = 1) => {
  const off = heap.alloc(n);
  const a = heap.f32();
  for (let i = 0; i < n; i++) a[off + i] = lo + (hi - lo) * rand();
  return off;
};

// ---- the JS kernels, as in packages/cells/src/fused-*.ts and fused-adam.ts ----
const sigmoid = (x) => 1 / (1 + Math.exp(-x));
const tanh = (x) => 1 - 2 / (Math.exp(2 * x) + 1);

function lstmForwardJs(A, mm, xp, _h, c, hN, cN, out, cache) {
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const s = b * H + j;
      const ga = mm + b * 4 * H + j;
      const gx = xp + b * 4 * H + j;
      const i = sigmoid(A[ga] + A[gx]);
      const f = sigmoid(A[ga + H] + A[gx + H]);
      const g = tanh(A[ga + 2 * H] + A[gx + 2 * H]);
      const o = sigmoid(A[ga + 3 * H] + A[gx + 3 * H]);
      const cPrev = A[c + s];
      const cNew = Math.fround(f * cPrev + i * g);
      const tc = tanh(cNew);
      const r = cache + b * 5 * H + j;
      A[r] = i;
      A[r + H] = f;
      A[r + 2 * H] = g;
      A[r + 3 * H] = o;
      A[r + 4 * H] = tc;
      A[out + s] = o * tc;
      A[hN + s] = o * tc;
      A[cN + s] = cNew;
    }
  }
}

function lstmBackwardJs(A, dh, dc, dOut, cache, c, dGx, dGh, sum, res) {
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const s = b * H + j;
      const gx = dGx + b * 4 * H + j;
      const gh = dGh + b * 4 * H + j;
      const dhNew = A[dh + s] + A[dOut + s];
      const r = cache + b * 5 * H + j;
      const i = A[r];
      const f = A[r + H];
      const g = A[r + 2 * H];
      const o = A[r + 3 * H];
      const tc = A[r + 4 * H];
      const dcAll = A[dc + s] + dhNew * o * (1 - tc * tc);
      const dai = dcAll * g * (i * (1 - i));
      const daf = dcAll * A[c + s] * (f * (1 - f));
      const dag = dcAll * i * (1 - g * g);
      const dao = dhNew * tc * (o * (1 - o));
      A[gx] = dai;
      A[gx + H] = daf;
      A[gx + 2 * H] = dag;
      A[gx + 3 * H] = dao;
      A[gh] = dai;
      A[gh + H] = daf;
      A[gh + 2 * H] = dag;
      A[gh + 3 * H] = dao;
      A[dc + s] = dcAll * f;
      A[dh + s] = 0;
    }
  }
  // recurrent-backward-kernel.ts: addRows(dGx, sumX), then dh += res after the matMul
  for (let r = 0; r < B; r++) {
    const off = dGx + r * 4 * H;
    for (let j = 0; j < 4 * H; j++) sum[j] = sum[j] + A[off + j];
  }
  for (let i = 0; i < B * H; i++) A[dh + i] = A[dh + i] + A[res + i];
}

function gruForwardJs(A, mm, xp, bias, h, hN, out, cache) {
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const s = b * H + j;
      const ga = mm + b * 3 * H + j;
      const gx = xp + b * 3 * H + j;
      const bj = bias + j;
      const hr = Math.fround(A[ga] + A[bj]);
      const hz = Math.fround(A[ga + H] + A[bj + H]);
      const hn = Math.fround(A[ga + 2 * H] + A[bj + 2 * H]);
      const r = Math.fround(sigmoid(A[gx] + hr));
      const z = Math.fround(sigmoid(A[gx + H] + hz));
      const n = Math.fround(tanh(A[gx + 2 * H] + Math.fround(r * hn)));
      const hNew = n + z * Math.fround(A[h + s] - n);
      const k = cache + b * 4 * H + j;
      A[k] = r;
      A[k + H] = z;
      A[k + 2 * H] = n;
      A[k + 3 * H] = hn;
      A[out + s] = hNew;
      A[hN + s] = hNew;
    }
  }
}

function rnnForwardJs(A, mm, xp, hN, out, cache) {
  for (let s = 0; s < B * H; s++) {
    const hNew = tanh(A[mm + s] + A[xp + s]);
    A[cache + s] = hNew;
    A[out + s] = hNew;
    A[hN + s] = hNew;
  }
}

function adamJs(A, p, g, m, v, n, a, s, beta1, beta2, eps) {
  const [k1, k2] = [1 - beta1, 1 - beta2];
  for (let i = 0; i < n; i++) {
    const gi = A[g + i];
    const mi = Math.fround(beta1 * A[m + i] + k1 * gi);
    const vi = Math.fround(beta2 * A[v + i] + k2 * gi * gi);
    A[m + i] = mi;
    A[v + i] = vi;
    A[p + i] = A[p + i] - (a * mi) / (s * Math.sqrt(vi) + eps);
  }
}

// ---- buffers ----
const G4 = B * 4 * H;
const L = {
  mm: put(G4, -2, 2),
  xp: put(G4, -2, 2),
  h: put(B * H),
  c: put(B * H),
  hN: put(B * H),
  cN: put(B * H),
  out: put(B * H),
  cache: put(B * 5 * H, 0.05, 0.95),
  dh: put(B * H, -1e-3, 1e-3),
  dc: put(B * H, -1e-3, 1e-3),
  dOut: put(B * H, -1e-3, 1e-3),
  dGx: put(G4),
  dGh: put(G4),
  res: put(B * H, -1e-3, 1e-3),
  sum: put(2 * 4 * H, 0, 0),
  bias: put(3 * H),
};
const NP = 4 * H * (H + 65) + 8 * H + 65 * (H + 1); // LSTM h128 char model, vocabulary 65
const P = { p: put(NP), g: put(NP, -1e-2, 1e-2), m: put(NP, -1e-3, 1e-3), v: put(NP, 0, 1e-5) };
const COPY = 64 * G4; // one layer's xp at T = 64: what a copy-in design would move per call
const cp = { src: put(COPY), dst: put(COPY) };
const A = heap.f32();
const sumJs = new Float64Array(4 * H);
const adamC = [1e-3, 0.3, 0.9, 0.999, 1e-8];

const cases = {
  'LSTM forward': [
    () => lstmForwardJs(A, L.mm, L.xp, L.h, L.c, L.hN, L.cN, L.out, L.cache),
    () => K.lstmForward(B, H, L.mm, L.xp, L.h, L.c, L.hN, L.cN, L.out, L.cache, 0),
  ],
  'LSTM backward (+ bias sums, dh += res)': [
    () => lstmBackwardJs(A, L.dh, L.dc, L.dOut, L.cache, L.c, L.dGx, L.dGh, sumJs, L.res),
    () => {
      K.lstmBackward(B, H, L.dh, L.dc, L.dOut, L.cache, L.c, 0, L.dGx, L.dGh, L.sum);
      K.addF32(L.dh, L.res, B * H);
    },
  ],
  'GRU forward': [
    () => gruForwardJs(A, L.mm, L.xp, L.bias, L.h, L.hN, L.out, L.cache),
    () => K.gruForward(B, H, L.mm, L.xp, L.bias, L.h, L.hN, L.out, L.cache, 0),
  ],
  'RNN forward': [
    () => rnnForwardJs(A, L.mm, L.xp, L.hN, L.out, L.cache),
    () => K.rnnForward(B, H, L.mm, L.xp, L.h, L.hN, L.out, L.cache, 0),
  ],
  [`Adam (${NP} params)`]: [
    () => adamJs(A, P.p, P.g, P.m, P.v, NP, ...adamC),
    () => K.adamStep(P.p, P.g, P.m, P.v, P.p, P.m, P.v, NP, ...adamC),
  ],
};

function time(fn, reps) {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return ((performance.now() - t0) / reps) * 1000; // µs
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const results = Object.fromEntries(Object.keys(cases).map((k) => [k, { js: [], simd: [] }]));
for (const [js, simd] of Object.values(cases)) {
  time(js, 50); // warm up both (JIT tiers)
  time(simd, 50);
}
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, [js, simd]] of Object.entries(cases)) {
    const reps = name.startsWith('Adam') ? 20 : 300;
    const first = round % 2 === 0;
    if (first) results[name].js.push(time(js, reps));
    results[name].simd.push(time(simd, reps));
    if (!first) results[name].js.push(time(js, reps));
  }
}

console.log(`B=${B} H=${H}, median of ${ROUNDS} interleaved rounds, µs per call`);
console.log('pass'.padEnd(40), 'JS'.padStart(9), 'SIMD'.padStart(9), 'JS/SIMD'.padStart(9));
for (const [name, r] of Object.entries(results)) {
  const [js, simd] = [median(r.js), median(r.simd)];
  console.log(
    name.padEnd(40),
    js.toFixed(1).padStart(9),
    simd.toFixed(1).padStart(9),
    `${(js / simd).toFixed(1)}×`.padStart(9),
  );
}
const copyUs = median(
  Array.from({ length: ROUNDS }, () => time(() => A.copyWithin(cp.dst, cp.src, cp.src + COPY), 20)),
);
console.log(
  `copying one layer's xp [T=64, B, 4H] (${(COPY * 4) / 2 ** 20} MiB) once: ${copyUs.toFixed(0)} µs`,
);
