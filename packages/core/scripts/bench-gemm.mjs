// Microbenchmark of rnnkit's SIMD gemm (packages/core/csrc/gemm.c) against tfjs-backend-wasm's
// BatchMatMul (XNNPACK, called through cwrap as packages/cells/src/kernels/memory.ts calls it),
// both on the wasm backend's heap, interleaved in one run, on the shapes of one training step
// (B32 T64: the per-timestep recurrent matMuls, the weight gradients, the head). Not a test.
//
//   pnpm --filter @rnnkit/core build && node packages/core/scripts/bench-gemm.mjs
//     [--wasm FILE]   a module with gemm_pack_b / gemm_packed instead of the committed one
//     [--fma FILE]    also time a relaxed-SIMD build (needs node --experimental-wasm-relaxed-simd):
//                     clang-14 ... -mrelaxed-simd -DGEMM_FMA -o FILE gemm.c (flags of build.sh);
//                     its prototype f32x4.fma opcodes are patched to f32x4.relaxed_madd here
//     [--variant NAME=FILE ...]  also time other builds of gemm.c with the same exports (another
//                     tile, panel width or blocking, or an older gemm.c), each on its own
//                     packing (up to 32-column panels); the last column counts their
//                     outputs that differ from the shipped gemm's in any bit
//     [--batch N]     rows of the per-timestep products (default 32; 16 is each worker's share
//                     of B32 with two workers)
//
// "rnnkit" times a gemm on a b packed beforehand (a weight within one sequence); "+pack"
// packs b first on every call (a b that changes per call). XNNPACK keeps its packing of a
// tensor id across calls, so its figure is the packed-once one for every row.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { gemmPackedSize, simdModule, wasmBackendMemory } from '../dist/simd/index.js';

const { values: opt } = parseArgs({
  options: {
    wasm: { type: 'string' },
    fma: { type: 'string' },
    variant: { type: 'string', multiple: true },
    batch: { type: 'string' },
    rounds: { type: 'string' },
  },
});
const ROUNDS = Number(opt.rounds ?? 7);
const B = Number(opt.batch ?? 32);
const SHAPES = [
  [B, 128, 128, 'RNN h128 h·W_hh^T'],
  [B, 128, 384, 'GRU h128 h·W_hh^T'],
  [B, 128, 512, 'LSTM h128 h·W_hh^T'],
  [B, 256, 1024, 'LSTM h256 h·W_hh^T'],
  [B, 1024, 256, 'LSTM h256 dG·W_hh'],
  [128, 2048, 512, 'weight gradient'],
  [2048, 128, 65, 'head x·W^T'],
];

const simdFile = '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm';
setWasmPaths(`${dirname(createRequire(import.meta.url).resolve(simdFile))}/`);
await tf.setBackend('wasm');
const backend = tf.backend();
const memory = wasmBackendMemory(backend);

function instance(bytes) {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
}
/** clang 14's prototype f32x4.fma (0xfd 0xaf 0x01) as the final f32x4.relaxed_madd (0xfd 0x85 0x02). */
function patchFma(bytes) {
  const out = Uint8Array.from(bytes);
  for (let i = 0; i + 2 < out.length; i++) {
    if (out[i] === 0xfd && out[i + 1] === 0xaf && out[i + 2] === 0x01)
      out.set([0xfd, 0x85, 0x02], i);
  }
  return out;
}
const plain = opt.wasm
  ? instance(readFileSync(opt.wasm))
  : new WebAssembly.Instance(simdModule(), { env: { memory } }).exports;
const fma = opt.fma ? instance(patchFma(readFileSync(opt.fma))) : undefined;
const variants = (opt.variant ?? []).map((spec) => {
  const [name, file] = spec.split('=');
  return { name, ex: instance(readFileSync(file)) };
});

const xnn = backend.wasm.cwrap('BatchMatMul', null, [
  'number',
  'array',
  'number',
  'number',
  'array',
  'number',
  'number',
  'number',
  'number',
]);
const shapeBytes = (s) => new Uint8Array(new Int32Array(s).buffer);
const id = (t) => backend.dataIdMap.get(t.dataId).id;
const at = (t) => backend.dataIdMap.get(t.dataId).memoryOffset >>> 2;

let seed = 1;
const rand = (n) =>
  Float32Array.from({ length: n }, () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  });

// Every tensor first (a later allocation may grow the heap), then the views.
const cases = SHAPES.map(([m, k, n, what]) => {
  const a = tf.tensor3d(rand(m * k), [1, m, k]);
  const b = tf.tensor3d(rand(k * n), [1, k, n]);
  const out = tf.zeros([1, m, n]);
  const mine = tf.zeros([1, m, n]);
  const packed = tf.zeros([gemmPackedSize(k, n)]);
  // panels of up to 32 columns
  const vPacked = variants.map(() => tf.zeros([gemmPackedSize(k, n) + 32 * k]));
  return { m, k, n, what, a, b, out, mine, packed, vPacked };
});
const heap = () => new Float32Array(memory.buffer);
for (const c of cases) {
  const [aS, bS] = [shapeBytes([1, c.m, c.k]), shapeBytes([1, c.k, c.n])];
  const [aId, bId, outId] = [id(c.a), id(c.b), id(c.out)];
  const [a, b, p, o] = [at(c.a), at(c.b), at(c.packed), at(c.mine)];
  c.run = {
    XNNPACK: () => xnn(aId, aS, 3, bId, bS, 3, false, false, outId),
    rnnkit: () => plain.gemm_packed(c.m, c.k, c.n, a, p, o, 0),
    '+pack': () => {
      plain.gemm_pack_b(c.k, c.n, b, p);
      plain.gemm_packed(c.m, c.k, c.n, a, p, o, 0);
    },
  };
  if (fma) c.run.FMA = () => fma.gemm_packed(c.m, c.k, c.n, a, p, o, 0);
  const vOut = at(c.out); // overwritten by XNNPACK's call below
  for (const [i, { name, ex }] of variants.entries()) {
    const vp = at(c.vPacked[i]);
    c.run[name] = () => ex.gemm_packed(c.m, c.k, c.n, a, vp, vOut, 0);
  }
  c.run.XNNPACK();
  plain.gemm_pack_b(c.k, c.n, b, p);
  plain.gemm_packed(c.m, c.k, c.n, a, p, o, 0);
  // against float64
  const H = heap();
  let err = 0;
  let errX = 0;
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let s = 0;
      for (let q = 0; q < c.k; q++) s += H[a + i * c.k + q] * H[b + q * c.n + j];
      err = Math.max(err, Math.abs(H[o + i * c.n + j] - s));
      errX = Math.max(errX, Math.abs(H[at(c.out) + i * c.n + j] - s));
    }
  }
  let same = 0;
  for (let i = 0; i < c.m * c.n; i++) same += H[o + i] === H[at(c.out) + i] ? 1 : 0;
  c.err = { rnnkit: err, XNNPACK: errX, same: same / (c.m * c.n), differ: 0 };
  if (fma) {
    c.run.FMA();
    let e = 0;
    const H2 = heap();
    for (let i = 0; i < c.m * c.n; i++) e = Math.max(e, Math.abs(H2[o + i] - H2[at(c.out) + i]));
    c.err.FMA = e;
  }
  // after XNNPACK's and the FMA's checks: a variant writes into XNNPACK's output (and the
  // FMA build into rnnkit's)
  plain.gemm_packed(c.m, c.k, c.n, a, p, o, 0);
  for (const [i, { name, ex }] of variants.entries()) {
    ex.gemm_pack_b(c.k, c.n, b, at(c.vPacked[i]));
    c.run[name]();
    const H3 = heap();
    for (let j = 0; j < c.m * c.n; j++) c.err.differ += H3[vOut + j] !== H3[o + j] ? 1 : 0;
  }
}

const time = (fn, reps) => {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
};
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
const names = Object.keys(cases[0].run);
for (const c of cases) {
  c.reps = Math.max(3, Math.round(4e7 / (c.m * c.k * c.n))); // ~ 4 ms of XNNPACK per batch
  c.ms = Object.fromEntries(names.map((k) => [k, []]));
  for (const f of Object.values(c.run)) time(f, c.reps);
}
for (let r = 0; r < ROUNDS; r++) {
  for (const c of cases) {
    const order = r % 2 ? [...names].reverse() : names;
    for (const k of order) c.ms[k].push(time(c.run[k], c.reps));
  }
}

const gf = (c, ms) => (2 * c.m * c.k * c.n) / (ms * 1e6);
console.log(`median of ${ROUNDS} interleaved rounds; GFLOP/s (µs per call); load ${loadavg()}`);
console.log(
  'shape'.padEnd(22),
  'what'.padEnd(20),
  ...names.map((k) => k.padStart(15)),
  'rnnkit/XNN'.padStart(11),
  ...variants.map(({ name }) => `${name}/rnnkit`.padStart(Math.max(11, name.length + 8))),
  "  max |err| vs f64 (rnnkit, XNNPACK); share of outputs equal to XNNPACK's",
  ...(variants.length ? ['; variant outputs not equal to rnnkit'] : []),
);
for (const c of cases) {
  const ms = Object.fromEntries(names.map((k) => [k, median(c.ms[k])]));
  console.log(
    `[${c.m},${c.k}]·[${c.k},${c.n}]`.padEnd(22),
    c.what.padEnd(20),
    ...names.map((k) => `${gf(c, ms[k]).toFixed(1)} (${(ms[k] * 1000).toFixed(0)})`.padStart(15)),
    `${(ms.XNNPACK / ms.rnnkit).toFixed(2)}×`.padStart(11),
    ...variants.map(({ name }) =>
      `${(ms.rnnkit / ms[name]).toFixed(2)}×`.padStart(Math.max(11, name.length + 8)),
    ),
    `  ${c.err.rnnkit.toExponential(1)}, ${c.err.XNNPACK.toExponential(1)}; ${(100 * c.err.same).toFixed(0)}%${c.err.FMA != null ? ` (FMA vs XNN ${c.err.FMA.toExponential(1)})` : ''}${variants.length ? `; ${c.err.differ}` : ''}`,
  );
}

function loadavg() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return '?';
  }
}
