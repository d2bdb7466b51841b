import { DisposedError, ShapeError } from '../errors.js';
import { stepperModule } from './simd-module.js';

/** The cells the stepper runs, with PyTorch's gate order and GRU's reset after the product. */
export type StepperCell = 'rnn' | 'lstm' | 'gru';

/** One layer's weights in PyTorch layout, G = 1 (rnn), 4 (lstm: i, f, g, o), 3 (gru: r, z, n). */
export interface StepperLayer {
  cell: StepperCell;
  inputSize: number;
  hiddenSize: number;
  weightIh: Float32Array; // [G*H, I]
  weightHh: Float32Array; // [G*H, H]
  biasIh: Float32Array; // [G*H]
  biasHh: Float32Array; // [G*H]
}

/** A dense layer on the top layer's h, `logits = h W^T + b` (PyTorch `nn.Linear` layout). */
export interface StepperHead {
  weight: Float32Array; // [V, H]
  bias: Float32Array; // [V]
}

/**
 * Batch-1 inference as one WebAssembly SIMD call per step, on a `WebAssembly.Memory` of its
 * own that holds a copy of the weights: every layer's input product, recurrent mat-vec and
 * cell, then the head's logits. `h`, `c` and `logits` are views into that memory, updated
 * in place by each step (write `h`/`c` to set the state).
 */
export interface SimdStepper {
  readonly memory: WebAssembly.Memory;
  /** One step on the one-hot row of `id` (an integer in [0, inputSize)). */
  step(id: number): void;
  /** One step on a dense input row `[inputSize]`. */
  stepInput(x: ArrayLike<number>): void;
  /** Per layer, its h `[H]`. */
  readonly h: readonly Float32Array[];
  /** Per layer, its c `[H]` (LSTM), else undefined. */
  readonly c: readonly (Float32Array | undefined)[];
  /** The head's logits `[V]` after the last step; undefined without a head. */
  readonly logits: Float32Array | undefined;
  /** Hands the memory to the next stepper (one is kept; wasm memory never shrinks). */
  dispose(): void;
}

const GATES: Record<StepperCell, number> = { rnn: 1, lstm: 4, gru: 3 };
const CODES: Record<StepperCell, number> = { rnn: 0, lstm: 1, gru: 2 };
// The plan's layout, as stepper.c reads it (offsets in 4-byte units).
const PLAN_WORDS = 8;
const LAYER_WORDS = 16;
const TILE = 24;

type Step = (plan: number, id: number) => void;
const instances = new WeakMap<WebAssembly.Memory, Step>();
let idle: WebAssembly.Memory | undefined;

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;

/**
 * A SIMD stepper over a copy of `layers` (and `head`), or undefined when WebAssembly SIMD is
 * missing or turned off (`setSimdEnabled(false)`), or not yet compiled on a browser's main
 * thread (`initSimd()`): callers then keep a JS path. Works whatever tfjs backend holds the
 * weights, since it never touches tfjs's heap.
 *
 * @example
 * ```ts
 * const s = createSimdStepper([{ cell: 'lstm', inputSize: 65, hiddenSize: 128, ...weights }], head);
 * if (s) {
 *   s.step(7); // one-hot id 7
 *   console.log(s.h[0], s.logits);
 *   s.dispose();
 * }
 * ```
 */
export function createSimdStepper(
  layers: readonly StepperLayer[],
  head?: StepperHead,
): SimdStepper | undefined {
  checkShapes(layers, head);
  const module = stepperModule();
  if (module === undefined) return undefined;
  const layout = planLayout(layers, head);
  const memory = takeMemory(layout.floats * 4);
  let run = instances.get(memory);
  if (run === undefined) {
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    run = instance.exports.stepper_step as Step;
    instances.set(memory, run);
  }
  const f32 = new Float32Array(memory.buffer);
  f32.fill(0, 0, layout.floats); // a reused memory holds the last stepper's weights
  writePlan(new Uint32Array(memory.buffer), f32, layers, head, layout);
  const inputSize = (layers[0] as StepperLayer).inputSize;
  const view = (off: number, n: number) => f32.subarray(off, off + n);
  let disposed = false;
  const alive = (call: string) => {
    if (disposed) {
      throw new DisposedError(`SimdStepper.${call}: the stepper was disposed; create a new one.`);
    }
  };
  const step = run;
  return {
    memory,
    step(id) {
      alive('step');
      if (!(Number.isInteger(id) && id >= 0 && id < inputSize)) {
        throw new ShapeError(
          `SimdStepper.step: id ${id} is outside the one-hot input [0, ${inputSize}): pass an integer id below the input size.`,
        );
      }
      step(layout.plan, id);
    },
    stepInput(x) {
      alive('stepInput');
      if (x.length !== inputSize) {
        throw new ShapeError(
          `SimdStepper.stepInput: the input row has ${x.length} values, expected ${inputSize} (the first layer's input size).`,
        );
      }
      f32.set(x, layout.x);
      step(layout.plan, -1);
    },
    h: layers.map((l, i) => view(layout.layers[i]?.h as number, l.hiddenSize)),
    c: layers.map((l, i) =>
      l.cell === 'lstm' ? view(layout.layers[i]?.c as number, l.hiddenSize) : undefined,
    ),
    logits: head ? view(layout.logits, head.bias.length) : undefined,
    dispose() {
      if (disposed) return;
      disposed = true;
      giveBack(memory);
    },
  };
}

function checkShapes(layers: readonly StepperLayer[], head: StepperHead | undefined): void {
  if (layers.length === 0) throw new ShapeError('createSimdStepper: give at least one layer.');
  layers.forEach((l, i) => {
    const GH = GATES[l.cell] * l.hiddenSize;
    const want: [string, Float32Array, number][] = [
      ['weightIh', l.weightIh, GH * l.inputSize],
      ['weightHh', l.weightHh, GH * l.hiddenSize],
      ['biasIh', l.biasIh, GH],
      ['biasHh', l.biasHh, GH],
    ];
    for (const [name, arr, n] of want) {
      if (arr.length !== n) {
        throw new ShapeError(
          `createSimdStepper: layer ${i} ${name} has ${arr.length} values, expected ${n} for a ${l.cell} of input ${l.inputSize} and hidden ${l.hiddenSize}.`,
        );
      }
    }
    const below = layers[i - 1];
    if (below && below.hiddenSize !== l.inputSize) {
      throw new ShapeError(
        `createSimdStepper: layer ${i} takes ${l.inputSize} inputs but layer ${i - 1} gives ${below.hiddenSize}.`,
      );
    }
  });
  const top = (layers[layers.length - 1] as StepperLayer).hiddenSize;
  if (head && head.weight.length !== head.bias.length * top) {
    throw new ShapeError(
      `createSimdStepper: the head's weight has ${head.weight.length} values, expected ${head.bias.length} x ${top} (bias length x top hidden size).`,
    );
  }
}

interface LayerLayout {
  hp: number; // H rounded up to 4: each gate block starts 16-byte aligned
  n: number; // G*HP rounded up to the tile
  wih: number;
  whh: number;
  bx: number;
  bh: number;
  h: number;
  c: number;
  gx: number;
  gh: number;
}

interface Layout {
  floats: number;
  plan: number;
  x: number;
  layers: LayerLayout[];
  headW: number;
  headB: number;
  logits: number;
}

/** Where everything goes in the memory, in floats; 0 means absent, so nothing starts there. */
function planLayout(layers: readonly StepperLayer[], head: StepperHead | undefined): Layout {
  let top = 4;
  const alloc = (n: number) => {
    const at = top;
    top += roundUp(n, 4);
    return at;
  };
  const plan = alloc(PLAN_WORDS + LAYER_WORDS * layers.length);
  const x = alloc((layers[0] as StepperLayer).inputSize);
  const placed = layers.map((l): LayerLayout => {
    const hp = roundUp(l.hiddenSize, 4);
    const n = roundUp(GATES[l.cell] * hp, TILE);
    const gru = l.cell === 'gru';
    return {
      hp,
      n,
      wih: alloc(n * l.inputSize),
      whh: alloc(n * l.hiddenSize),
      bx: alloc(n),
      bh: gru ? alloc(n) : 0,
      h: alloc(hp),
      c: l.cell === 'lstm' ? alloc(hp) : 0,
      gx: alloc(n),
      gh: gru ? alloc(n) : 0,
    };
  });
  const topHidden = (layers[layers.length - 1] as StepperLayer).hiddenSize;
  const vn = head ? roundUp(head.bias.length, TILE) : 0;
  const headW = head ? alloc(vn * topHidden) : 0;
  const headB = head ? alloc(vn) : 0;
  const logits = head ? alloc(vn) : 0;
  return { floats: top, plan, x, layers: placed, headW, headB, logits };
}

function writePlan(
  u32: Uint32Array,
  f32: Float32Array,
  layers: readonly StepperLayer[],
  head: StepperHead | undefined,
  at: Layout,
): void {
  const p = at.plan;
  u32.set([layers.length, head ? head.bias.length : 0, at.headW, at.headB, at.logits, at.x], p);
  layers.forEach((l, i) => {
    const d = at.layers[i] as LayerLayout;
    const H = l.hiddenSize;
    const rows = GATES[l.cell] * H;
    // gate q of unit j: source row q*H + j, packed row q*HP + j
    const row = (s: number) => Math.floor(s / H) * d.hp + (s % H);
    pack(f32, d.wih, l.weightIh, rows, l.inputSize, row);
    pack(f32, d.whh, l.weightHh, rows, H, row);
    const gru = l.cell === 'gru';
    for (let s = 0; s < rows; s++) {
      const bih = l.biasIh[s] as number;
      const bhh = l.biasHh[s] as number;
      // GRU's b_hh sits inside the reset gate's product; the others add it to the input's
      f32[d.bx + row(s)] = gru ? bih : bih + bhh;
      if (gru) f32[d.bh + row(s)] = bhh;
    }
    u32.set(
      [CODES[l.cell], l.inputSize, H, d.hp, d.n, d.wih, d.whh, d.bx, d.bh, d.h, d.c, d.gx, d.gh],
      p + PLAN_WORDS + LAYER_WORDS * i,
    );
  });
  if (head) {
    const V = head.bias.length;
    pack(f32, at.headW, head.weight, V, head.weight.length / V, (s) => s);
    f32.set(head.bias, at.headB);
  }
}

/** W [rows, k] into tiles of 24 packed rows: tile t holds, per k, rows 24t .. 24t+23. */
function pack(
  f32: Float32Array,
  at: number,
  w: Float32Array,
  rows: number,
  k: number,
  row: (s: number) => number,
): void {
  for (let s = 0; s < rows; s++) {
    const r = row(s);
    const base = at + (r - (r % TILE)) * k + (r % TILE);
    for (let p = 0; p < k; p++) f32[base + p * TILE] = w[s * k + p] as number;
  }
}

function takeMemory(bytes: number): WebAssembly.Memory {
  const memory = idle ?? new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
  idle = undefined;
  const short = bytes - memory.buffer.byteLength;
  if (short > 0) memory.grow(Math.ceil(short / 65536));
  return memory;
}

function giveBack(memory: WebAssembly.Memory): void {
  if (idle === undefined || idle.buffer.byteLength < memory.buffer.byteLength) idle = memory;
}
