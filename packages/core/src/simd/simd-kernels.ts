import { simdModule } from './simd-module.js';

/**
 * rnnkit's cell arithmetic and Adam as WebAssembly SIMD kernels, bound to one
 * `WebAssembly.Memory`. Every pointer argument is an offset **in 4-byte units** into that
 * memory (what `Buf.off` holds: a tfjs wasm tensor's `memoryOffset >>> 2`); offset 0 means
 * "absent" for the optional ones (`on`, the bias sums, GRU's `rows`). Shapes are row-major
 * per batch row: `mm`, `xp`, `dGx`, `dGh` [B, G*H] gate-major, `cache` [B, K*H], states and
 * outputs [B, H], `on` [B] float (0 past a sequence's length). The equations are those of
 * `@rnnkit/cells`' fused-lstm / fused-gru / fused-rnn, in float32; the bias sums (`sumX`,
 * `sumH`, float64 arrays, 8-byte aligned) accumulate Σ over the batch rows in the JS order.
 * A kernel reads and writes only the ranges its arguments name.
 */
export interface SimdKernels {
  readonly memory: WebAssembly.Memory;
  /** Cache row i, f, g, o, tanh(c'). */
  lstmForward(
    batch: number,
    hidden: number,
    mm: number,
    xp: number,
    h: number,
    c: number,
    hNext: number,
    cNext: number,
    out: number,
    cache: number,
    on: number,
  ): void;
  /** dh, dc in place; `dGh` may equal `dGx`; `sumX` [4H] float64 or 0. */
  lstmBackward(
    batch: number,
    hidden: number,
    dh: number,
    dc: number,
    dOut: number,
    cache: number,
    c: number,
    on: number,
    dGx: number,
    dGh: number,
    sumX: number,
  ): void;
  /** Reset after the recurrent matMul; `bias` is b_hh [3H]. Cache row r, z, n, hn. */
  gruForward(
    batch: number,
    hidden: number,
    mm: number,
    xp: number,
    bias: number,
    h: number,
    hNext: number,
    out: number,
    cache: number,
    on: number,
  ): void;
  /** dh in place; `rows` (dGh kept for dW_hh) or 0; `sumX`, `sumH` [3H] float64 or 0. */
  gruBackward(
    batch: number,
    hidden: number,
    dh: number,
    dOut: number,
    cache: number,
    h: number,
    on: number,
    dGx: number,
    dGh: number,
    rows: number,
    sumX: number,
    sumH: number,
  ): void;
  /** Cache row h' (before masking). */
  rnnForward(
    batch: number,
    hidden: number,
    mm: number,
    xp: number,
    h: number,
    hNext: number,
    out: number,
    cache: number,
    on: number,
  ): void;
  /** dh in place; `dGh` may equal `dGx`; `sumX` [H] float64 or 0. */
  rnnBackward(
    batch: number,
    hidden: number,
    dh: number,
    dOut: number,
    cache: number,
    on: number,
    dGx: number,
    dGh: number,
    sumX: number,
  ): void;
  /** Σ x² over n floats at `x`, summed in float64 (a squared global norm, tensor by tensor). */
  sumSquares(x: number, n: number): number;
  /**
   * The output head's softmax rows: row r of `p` [N, V] holds x W^T on entry and its softmax
   * (bias added) on return; `stats` (float64, 8-byte aligned) [2N] gets Σ exp(z - max) and
   * z[y] - max per row (NaN for a target outside [0, V)). `targets` is int32 [N].
   */
  softmaxRows(
    rows: number,
    classes: number,
    p: number,
    bias: number,
    targets: number,
    stats: number,
  ): void;
  /**
   * The head's gradient rows: `dz = (p - onehot(y)) · w · scale` (w = 1 when `weights` is 0)
   * into `dz` [N, V] and `dzT` [V, N]; `sums` [V] float64 += Σ_r dz, rows in order.
   */
  softmaxXentGrad(
    rows: number,
    classes: number,
    p: number,
    targets: number,
    weights: number,
    scale: number,
    dz: number,
    dzT: number,
    sums: number,
  ): void;
  /** `dst [cols, rows] = src [rows, cols]^T`. */
  transpose(src: number, dst: number, rows: number, cols: number): void;
  /** `dst [s1, s0, s2] = src [s0, s1, s2]` (batch-major <-> time-major). */
  swapLead(src: number, dst: number, s0: number, s1: number, s2: number): void;
  /**
   * `bp` = `b` [k, n] packed for {@link SimdKernels.gemmPacked}: panels of 8 columns
   * (zero past column n) at the start of `gemmPackedSize(k, n)` floats.
   */
  gemmPackB(k: number, n: number, b: number, bp: number): void;
  /**
   * `out [m, n] = a [m, k] · b [k, n]` (`acc` 1: `+=`), `b` packed by `gemmPackB`. Each
   * output is Σ_q a[i, q] b[q, j] in float32, q increasing, one rounding per multiply and per
   * add (with `acc` starting from out[i, j]): the order of XNNPACK's wasm SIMD kernels, so
   * the same bits as tfjs-backend-wasm's matMul. It also writes the room after `bp`'s panels
   * (a's blocks), so one `bp` serves one call at a time.
   */
  gemmPacked(
    m: number,
    k: number,
    n: number,
    a: number,
    bp: number,
    out: number,
    acc: number,
  ): void;
  /**
   * One layer's forward over T steps in one call: per step `mm = h W_hh^T` by the gemm, then
   * the cell's forward pass, as the step-by-step calls of lstmForward / gruForward /
   * rnnForward. `cell` 0 LSTM, 1 GRU (reset after), 2 tanh RNN. `xp` [T*B, G*H]; `wHhT`
   * [H, G*H], packed into `packed` (`gemmPackedSize(H, G*H)` floats); `mm` [B, G*H] scratch;
   * `bias` b_hh (GRU); `hs` [T*B, H] holds h_0 in its first rows and gets h_1..h_{T-1};
   * `hLast` [B, H]; `cs`, `cLast` likewise (LSTM, else 0); `cache`, `outs`, `on` per step as
   * the cell kernels take them.
   */
  recurrentForward(
    cell: number,
    steps: number,
    batch: number,
    hidden: number,
    xp: number,
    wHhT: number,
    packed: number,
    mm: number,
    bias: number,
    hs: number,
    hLast: number,
    cs: number,
    cLast: number,
    cache: number,
    outs: number,
    on: number,
  ): void;
  /**
   * One layer's backprop through T steps in one call, last to first: per step the cell's
   * backward pass, then `dh += dG_h W_hh` (a product into `res` [B, H], then an add).
   * `dh`, `dc` (LSTM) hold d/d(h_T), d/d(c_T) on entry and d/d(h_0), d/d(c_0) on return;
   * `weightHh` [G*H, H], packed into `packed` (`gemmPackedSize(G*H, H)` floats); `dGx`
   * [T*B, G*H]; `rows` [T*B, G*H] the GRU's dG_h (else 0); `sumX`, `sumH` as for the cells.
   */
  recurrentBackward(
    cell: number,
    steps: number,
    batch: number,
    hidden: number,
    dOut: number,
    dh: number,
    dc: number,
    hs: number,
    cs: number,
    cache: number,
    weightHh: number,
    packed: number,
    res: number,
    on: number,
    dGx: number,
    rows: number,
    sumX: number,
    sumH: number,
  ): void;
  /** `dst[0..n) += src[0..n)` in float32 (BPTT's dh += dG_h W_hh). */
  addF32(dst: number, src: number, n: number): void;
  /**
   * Adam over n floats, bit-identical to `@rnnkit/optim`'s fused JS kernel (float64 lanes):
   * m1 = b1 m + (1-b1) g, v1 = b2 v + (1-b2) g², p1 = p - a m1 / (s sqrt(v1) + eps).
   * Outputs may be the inputs.
   */
  adamStep(
    p: number,
    g: number,
    m: number,
    v: number,
    pOut: number,
    mOut: number,
    vOut: number,
    n: number,
    a: number,
    s: number,
    beta1: number,
    beta2: number,
    epsilon: number,
  ): void;
}

/**
 * Floats of `b` [k, n] packed by `gemmPackB`: whole 8-column panels, then room for the blocks
 * of `a` (64 rows by up to 256 steps of k) that `gemmPacked` lays out there.
 */
export function gemmPackedSize(k: number, n: number): number {
  return Math.ceil(n / 8) * 8 * k + 64 * Math.min(k, 256);
}

/** The `cell` argument of `recurrentForward` / `recurrentBackward`. */
export const SEQUENCE_CELL = { lstm: 0, gru: 1, rnn: 2 } as const;

type Fn = (...args: number[]) => void;
const bound = new WeakMap<WebAssembly.Memory, SimdKernels>();

/**
 * The SIMD kernels running on `memory` (instantiated once per memory), or undefined when
 * SIMD is missing, turned off, not yet compiled on a browser main thread (`initSimd()`), or
 * `memory` is shared (tfjs's multi-threaded build): callers then keep the JS path.
 *
 * @example
 * ```ts
 * const mem = wasmBackendMemory(backend); // tfjs's heap: the kernels run on tensors in place
 * const k = mem && simdKernels(mem);
 * if (k) k.lstmForward(B, H, mm.off, xp.off, h.off, c.off, hN.off, cN.off, out.off, cache.off, 0);
 * ```
 */
export function simdKernels(memory: WebAssembly.Memory): SimdKernels | undefined {
  const module = simdModule(); // first, so setSimdEnabled(false) holds for bound memories too
  if (module === undefined) return undefined;
  const known = bound.get(memory);
  if (known) return known;
  // The module imports an unshared memory; a shared one would not link.
  if (isShared(memory)) return undefined;
  const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, Fn>;
  const kernels: SimdKernels = {
    memory,
    lstmForward: ex.lstm_forward as Fn,
    lstmBackward: ex.lstm_backward as Fn,
    gruForward: ex.gru_forward as Fn,
    gruBackward: ex.gru_backward as Fn,
    rnnForward: ex.rnn_forward as Fn,
    rnnBackward: ex.rnn_backward as Fn,
    addF32: ex.add_f32 as Fn,
    sumSquares: ex.sum_squares as unknown as (x: number, n: number) => number,
    softmaxRows: ex.softmax_rows as Fn,
    softmaxXentGrad: ex.softmax_xent_grad as Fn,
    transpose: ex.transpose_f32 as Fn,
    swapLead: ex.swap_lead_f32 as Fn,
    adamStep: ex.adam_step as Fn,
    gemmPackB: ex.gemm_pack_b as Fn,
    gemmPacked: ex.gemm_packed as Fn,
    recurrentForward: ex.recurrent_forward as Fn,
    recurrentBackward: ex.recurrent_backward as Fn,
  };
  bound.set(memory, kernels);
  return kernels;
}

function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}
