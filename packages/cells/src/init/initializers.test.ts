// Seeded initialisers: deterministic, within their bounds, orthogonal where promised.
import { initBackend } from '@rnnkit/backend';
import { createRng } from '@rnnkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRecurrent } from '../create-recurrent.js';
import { createEmbedding } from '../layers/embedding.js';
import { createLinear } from '../layers/linear.js';
import { disposeRecurrent } from '../recurrent.js';
import { BACKENDS } from '../test-support/backends.js';
import { recurrentStateDict } from '../weights/state-dict.js';
import { glorotUniform } from './glorot-uniform.js';
import { orthogonal } from './orthogonal.js';
import { uniform } from './uniform.js';

const maxAbs = (a: ArrayLike<number>) =>
  Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** max |A Aᵀ - I| over the rows of a row-major [rows, cols] matrix. */
function rowGramError(a: Float32Array, rows: number, cols: number): number {
  let worst = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < rows; j++) {
      let dot = 0;
      for (let k = 0; k < cols; k++)
        dot += (a[i * cols + k] as number) * (a[j * cols + k] as number);
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j] as number;
  return out;
}

describe('createRng', () => {
  it('is deterministic per seed, in [0, 1), and seeds differ', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    expect(xs.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });
});

describe('initialisers', () => {
  it('uniform and glorotUniform stay within their bounds and fill them', () => {
    const u = uniform([50, 40], 0.3, createRng(1));
    expect(maxAbs(u)).toBeLessThanOrEqual(0.3);
    expect(maxAbs(u)).toBeGreaterThan(0.29);
    const bound = Math.sqrt(6 / (12 + 5));
    const g = glorotUniform([12, 5], createRng(2));
    expect(maxAbs(g)).toBeLessThanOrEqual(bound);
    expect(maxAbs(g)).toBeGreaterThan(0.9 * bound);
    expect(glorotUniform([12, 5], createRng(2))).toEqual(g);
  });

  it.each([
    [6, 6],
    [3, 7],
    [7, 3],
    [1, 1],
  ])('orthogonal [%i, %i] has orthonormal rows or columns', (rows, cols) => {
    const w = orthogonal([rows, cols], createRng(rows * 10 + cols));
    const err =
      rows <= cols
        ? rowGramError(w, rows, cols)
        : rowGramError(transpose(w, rows, cols), cols, rows);
    expect(err).toBeLessThan(1e-6);
    expect(orthogonal([rows, cols], createRng(rows * 10 + cols))).toEqual(w);
  });
});

describe.each(BACKENDS)('parameter initialisation on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each(['rnn', 'lstm', 'gru'] as const)(
    "%s 'keras': Glorot input, orthogonal gate blocks, Keras biases",
    (cell) => {
      const g = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
      const H = 5;
      const rec = createRecurrent({ cell, inputSize: 7, hiddenSize: H, numLayers: 2 }, { seed: 3 });
      const dict = recurrentStateDict(rec);
      for (const l of [0, 1]) {
        const inSize = l === 0 ? 7 : H;
        const wih = dict[`weight_ih_l${l}`]?.data as Float32Array;
        expect(maxAbs(wih)).toBeLessThanOrEqual(Math.sqrt(6 / (inSize + g * H)));
        const whh = dict[`weight_hh_l${l}`]?.data as Float32Array;
        for (let k = 0; k < g; k++) {
          expect(rowGramError(whh.slice(k * H * H, (k + 1) * H * H), H, H)).toBeLessThan(1e-6);
        }
        const bih = Array.from(dict[`bias_ih_l${l}`]?.data ?? []);
        const forget = cell === 'lstm' ? (i: number) => i >= H && i < 2 * H : () => false;
        expect(bih).toEqual(bih.map((_, i) => (forget(i) ? 1 : 0)));
        expect(Array.from(dict[`bias_hh_l${l}`]?.data ?? []).every((v) => v === 0)).toBe(true);
      }
      const again = createRecurrent(
        { cell, inputSize: 7, hiddenSize: H, numLayers: 2 },
        { seed: 3 },
      );
      const other = createRecurrent(
        { cell, inputSize: 7, hiddenSize: H, numLayers: 2 },
        { seed: 4 },
      );
      expect(recurrentStateDict(again)).toEqual(dict);
      expect(recurrentStateDict(other)).not.toEqual(dict);
      for (const r of [rec, again, other]) disposeRecurrent(r);
    },
  );

  it("'pytorch' draws every parameter from U(-1/√H, 1/√H)", () => {
    const rec = createRecurrent(
      { cell: 'lstm', inputSize: 7, hiddenSize: 16 },
      { init: 'pytorch', seed: 1 },
    );
    for (const { data } of Object.values(recurrentStateDict(rec))) {
      expect(maxAbs(data)).toBeLessThanOrEqual(0.25);
      expect(maxAbs(data)).toBeGreaterThan(0.2);
    }
    disposeRecurrent(rec);
  });

  it('linear and embedding initialisers follow Keras and PyTorch', () => {
    const keras = createLinear(10, 6, { seed: 1 });
    expect(maxAbs(keras.weight.dataSync())).toBeLessThanOrEqual(Math.sqrt(6 / 16));
    expect(maxAbs(keras.bias.dataSync())).toBe(0);
    const torch = createLinear(16, 6, { init: 'pytorch', seed: 1 });
    expect(maxAbs(torch.weight.dataSync())).toBeLessThanOrEqual(0.25);
    expect(maxAbs(torch.bias.dataSync())).toBeLessThanOrEqual(0.25);
    expect(maxAbs(torch.bias.dataSync())).toBeGreaterThan(0);
    const emb = createEmbedding(20, 8, { seed: 1 });
    expect(maxAbs(emb.weight.dataSync())).toBeLessThanOrEqual(0.05);
    const embTorch = createEmbedding(200, 8, { init: 'pytorch', seed: 1 });
    const values = Array.from(embTorch.weight.dataSync());
    const std = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
    expect(Math.abs(std - 1)).toBeLessThan(0.1);
    for (const t of [
      keras.weight,
      keras.bias,
      torch.weight,
      torch.bias,
      emb.weight,
      embTorch.weight,
    ])
      t.dispose();
  });
});
