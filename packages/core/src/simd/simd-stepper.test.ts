// The SIMD stepper against the PyTorch equations in float64, step by step, and its memory
// handling: packed weights in a memory of its own, handed on at dispose.
import { describe, expect, it } from 'vitest';
import { DisposedError, ShapeError } from '../errors.js';
import { createRng } from '../random.js';
import {
  createSimdStepper,
  type StepperCell,
  type StepperHead,
  type StepperLayer,
  simdSupported,
} from './index.js';

const GATES = { rnn: 1, lstm: 4, gru: 3 };
const sig = (x: number) => 1 / (1 + Math.exp(-x));

function randomNet(cell: StepperCell, I: number, H: number, L: number, V: number, seed: number) {
  const rng = createRng(seed);
  const bound = 1 / Math.sqrt(H);
  const u = (n: number, b = bound) => Float32Array.from({ length: n }, () => b * (2 * rng() - 1));
  const G = GATES[cell];
  const layers: StepperLayer[] = Array.from({ length: L }, (_, l) => ({
    cell,
    inputSize: l === 0 ? I : H,
    hiddenSize: H,
    weightIh: u(G * H * (l === 0 ? I : H)),
    weightHh: u(G * H * H),
    biasIh: u(G * H),
    biasHh: u(G * H),
  }));
  const head: StepperHead = { weight: u(V * H), bias: u(V) };
  return { layers, head };
}

/** One step of the stack in float64, from `nn.RNN` / `nn.LSTM` / `nn.GRU`'s equations. */
function referenceStep(
  layers: StepperLayer[],
  head: StepperHead,
  h: number[][],
  c: number[][],
  input: ArrayLike<number>,
): number[] {
  let x = Array.from(input);
  layers.forEach((l, i) => {
    const H = l.hiddenSize;
    const G = GATES[l.cell];
    const dot = (w: Float32Array, row: number, v: number[]) =>
      v.reduce((s, vk, k) => s + (w[row * v.length + k] as number) * vk, 0);
    const gi = Array.from(
      { length: G * H },
      (_, r) => dot(l.weightIh, r, x) + (l.biasIh[r] as number),
    );
    const hp = h[i] as number[];
    const gh = Array.from(
      { length: G * H },
      (_, r) => dot(l.weightHh, r, hp) + (l.biasHh[r] as number),
    );
    const a = (q: number, j: number) => (gi[q * H + j] as number) + (gh[q * H + j] as number);
    const next = hp.map((hj, j) => {
      if (l.cell === 'rnn') return Math.tanh(a(0, j));
      if (l.cell === 'gru') {
        const r = sig(a(0, j));
        const z = sig(a(1, j));
        const n = Math.tanh((gi[2 * H + j] as number) + r * (gh[2 * H + j] as number));
        return (1 - z) * n + z * hj;
      }
      const cp = c[i] as number[];
      const cj = sig(a(1, j)) * (cp[j] as number) + sig(a(0, j)) * Math.tanh(a(2, j));
      cp[j] = cj;
      return sig(a(3, j)) * Math.tanh(cj);
    });
    h[i] = next;
    x = next;
  });
  return Array.from(head.bias, (b, v) =>
    x.reduce((s, xk, k) => s + (head.weight[v * x.length + k] as number) * xk, b),
  );
}

const worst = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);

describe.skipIf(!simdSupported())('createSimdStepper', () => {
  const cases: [StepperCell, number, number][] = [];
  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    for (const [L, H] of [
      [1, 5],
      [2, 13],
      [3, 8],
    ] as const) {
      cases.push([cell, L, H]);
    }
  }

  it.each(cases)(
    '%s, %i layers of %i units: h, c and logits follow the float64 equations for 300 steps',
    (cell, L, H) => {
      const [I, V] = [7, 11];
      const { layers, head } = randomNet(cell, I, H, L, V, 10 * L + H);
      const s = createSimdStepper(layers, head);
      if (s === undefined) throw new Error('no stepper');
      const h = layers.map(() => new Array<number>(H).fill(0));
      const c = layers.map(() => new Array<number>(H).fill(0));
      const rng = createRng(H);
      let err = 0;
      for (let t = 0; t < 300; t++) {
        // one-hot ids, and dense rows on every third step
        const dense = t % 3 === 2;
        const id = Math.floor(rng() * I);
        const row = Float32Array.from({ length: I }, () => 2 * rng() - 1);
        const oneHot = Float32Array.from({ length: I }, (_, k) => (k === id ? 1 : 0));
        if (dense) s.stepInput(row);
        else s.step(id);
        const logits = referenceStep(layers, head, h, c, dense ? row : oneHot);
        for (let l = 0; l < L; l++) {
          err = Math.max(err, worst(s.h[l] as Float32Array, h[l] as number[]));
          if (cell === 'lstm') err = Math.max(err, worst(s.c[l] as Float32Array, c[l] as number[]));
          else expect(s.c[l]).toBeUndefined();
        }
        err = Math.max(err, worst(s.logits as Float32Array, logits));
      }
      expect(err).toBeLessThan(2e-6);
      expect(s.h.map((v) => v.length)).toEqual(layers.map(() => H));
      expect(s.logits?.length).toBe(V);
      s.dispose();
    },
  );

  it('runs without a head (no logits) and takes a state written into its views', () => {
    const { layers, head } = randomNet('lstm', 4, 6, 2, 3, 1);
    const s = createSimdStepper(layers);
    const t = createSimdStepper(layers, head);
    if (!s || !t) throw new Error('no stepper');
    expect(s.logits).toBeUndefined();
    for (const id of [1, 3, 0]) s.step(id);
    // t starts from s's state: the next steps agree
    for (let l = 0; l < 2; l++) {
      (t.h[l] as Float32Array).set(s.h[l] as Float32Array);
      (t.c[l] as Float32Array).set(s.c[l] as Float32Array);
    }
    s.step(2);
    t.step(2);
    expect(Array.from(t.h[1] as Float32Array)).toEqual(Array.from(s.h[1] as Float32Array));
    s.dispose();
    t.dispose();
  });

  it('hands its memory to the next stepper at dispose, cleared, and never to two at once', () => {
    const big = randomNet('gru', 9, 21, 2, 10, 2);
    const small = randomNet('rnn', 3, 5, 1, 4, 3);
    const a = createSimdStepper(big.layers, big.head);
    const b = createSimdStepper(small.layers, small.head);
    if (!a || !b) throw new Error('no stepper');
    expect(b.memory).not.toBe(a.memory);
    // a fresh stepper's first logits, for comparison with one on a reused memory
    b.step(1);
    const fresh = Float32Array.from(b.logits as Float32Array);
    a.step(4);
    a.dispose();
    const c = createSimdStepper(small.layers, small.head);
    if (!c) throw new Error('no stepper');
    expect(c.memory).toBe(a.memory); // reused: no new allocation
    c.step(1);
    expect(Array.from(c.logits as Float32Array)).toEqual(Array.from(fresh));
    // a larger net grows the memory it is given
    c.dispose();
    const bytes = c.memory.buffer.byteLength;
    const wide = randomNet('lstm', 40, 300, 1, 5, 4);
    const d = createSimdStepper(wide.layers, wide.head);
    expect(d?.memory).toBe(c.memory);
    expect(d?.memory.buffer.byteLength).toBeGreaterThan(bytes);
    d?.dispose();
    b.dispose();
  });

  it('names what is wrong: a used-up stepper, ids and rows of the wrong size, bad weights', () => {
    const { layers, head } = randomNet('lstm', 4, 6, 2, 3, 5);
    const s = createSimdStepper(layers, head);
    if (!s) throw new Error('no stepper');
    expect(() => s.step(4)).toThrow(ShapeError);
    expect(() => s.step(-1)).toThrow(/id -1 is outside the one-hot input \[0, 4\)/);
    expect(() => s.step(1.5)).toThrow(ShapeError);
    expect(() => s.stepInput(new Float32Array(5))).toThrow(/has 5 values, expected 4/);
    s.dispose();
    s.dispose(); // twice is harmless
    expect(() => s.step(0)).toThrow(DisposedError);
    expect(() => s.stepInput(new Float32Array(4))).toThrow(/the stepper was disposed/);
    const short = [{ ...(layers[0] as StepperLayer), biasHh: new Float32Array(3) }];
    expect(() => createSimdStepper(short)).toThrow(/layer 0 biasHh has 3 values, expected 24/);
    const gap = [
      layers[0] as StepperLayer,
      { ...(layers[1] as StepperLayer), inputSize: 5, weightIh: new Float32Array(4 * 6 * 5) },
    ];
    expect(() => createSimdStepper(gap)).toThrow(/layer 1 takes 5 inputs but layer 0 gives 6/);
    const wide = { weight: new Float32Array(7), bias: new Float32Array(3) };
    expect(() => createSimdStepper(layers, wide)).toThrow(/head's weight has 7 values/);
    expect(() => createSimdStepper([])).toThrow(ShapeError);
  });
});
