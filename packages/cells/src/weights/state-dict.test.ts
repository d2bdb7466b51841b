// Weight exchange by PyTorch state_dict names: round trips, prefixes, and errors naming each problem.
import { initBackend } from '@rnnkit/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadVector } from '../../../../fixtures/reference.js';
import { createRecurrent } from '../create-recurrent.js';
import { WeightFormatError } from '../errors.js';
import { disposeRecurrent, recurrentParams } from '../recurrent.js';
import { BACKENDS } from '../test-support/backends.js';
import type { WeightDict } from './named-arrays.js';
import { loadRecurrentStateDict, recurrentStateDict } from './state-dict.js';

const config = { cell: 'gru', inputSize: 4, hiddenSize: 3, numLayers: 2 } as const;

function thrown(f: () => void): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe.each(BACKENDS)('recurrent state dict on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('names every weight as PyTorch does, with shapes [G*H, I_l], [G*H, H], [G*H]', () => {
    const rec = createRecurrent(config, { seed: 1 });
    const dict = recurrentStateDict(rec, 'rnn.');
    expect(Object.fromEntries(Object.entries(dict).map(([k, v]) => [k, v.shape]))).toEqual({
      'rnn.weight_ih_l0': [9, 4],
      'rnn.weight_hh_l0': [9, 3],
      'rnn.bias_ih_l0': [9],
      'rnn.bias_hh_l0': [9],
      'rnn.weight_ih_l1': [9, 3],
      'rnn.weight_hh_l1': [9, 3],
      'rnn.bias_ih_l1': [9],
      'rnn.bias_hh_l1': [9],
    });
    expect(Object.keys(recurrentParams(rec))).toEqual(Object.keys(dict).map((k) => k.slice(4)));
    disposeRecurrent(rec);
  });

  it('round-trips named arrays, ignoring other modules under another prefix', () => {
    const a = createRecurrent(config, { seed: 1 });
    const b = createRecurrent(config, { seed: 2 });
    const dict = recurrentStateDict(a, 'rnn.');
    const other = { 'fc.weight': { shape: [1], data: new Float32Array(1) } };
    loadRecurrentStateDict(b, { ...dict, ...other }, 'rnn.');
    expect(recurrentStateDict(b, 'rnn.')).toEqual(dict);
    disposeRecurrent(a);
    disposeRecurrent(b);
  });

  it('loads nested arrays from the PyTorch vectors exactly (to float32)', () => {
    const v = loadVector('cell_lstm_l2_small_rand.json');
    const rec = createRecurrent({
      cell: 'lstm',
      inputSize: v.input_size,
      hiddenSize: v.hidden_size,
      numLayers: 2,
    });
    loadRecurrentStateDict(rec, v.weights);
    const dict = recurrentStateDict(rec);
    expect(Array.from(dict.weight_hh_l1?.data ?? [])).toEqual(
      Array.from(Float32Array.from((v.weights.weight_hh_l1 as number[][]).flat())),
    );
    disposeRecurrent(rec);
  });

  it('names every missing, unexpected and misshaped entry at once, and loads nothing', () => {
    const rec = createRecurrent(config, { seed: 1 });
    const before = recurrentStateDict(rec);
    const donor = createRecurrent(config, { seed: 7 });
    const dict: WeightDict = { ...recurrentStateDict(donor) };
    disposeRecurrent(donor);
    delete dict.bias_hh_l1;
    dict.weight_ih_l0 = { shape: [12, 4], data: new Float32Array(48) };
    dict.bias_ih_l0 = [[1, 2], [3]];
    dict.weight_hh_l0 = { shape: [9, 3], data: new Float32Array(26) };
    dict.bias_ih_l1 = new Array(9).fill(Number.NaN);
    dict.weight_ih_l2 = [[0]];
    const error = thrown(() => loadRecurrentStateDict(rec, dict));
    expect(error).toBeInstanceOf(WeightFormatError);
    expect(error.message).toMatch(/do not fit this gru \(inputSize 4, hiddenSize 3, numLayers 2\)/);
    expect(error.message).toMatch(/missing bias_hh_l1 \[9\]/);
    expect(error.message).toMatch(/unexpected weight_ih_l2/);
    expect(error.message).toMatch(/weight_ih_l0 has shape \[12, 4\], expected \[9, 4\]/);
    expect(error.message).toMatch(/bias_ih_l0 is ragged/);
    expect(error.message).toMatch(/weight_hh_l0 has 26 values for shape \[9, 3\]/);
    expect(error.message).toMatch(/bias_ih_l1 contains NaN/);
    expect(recurrentStateDict(rec)).toEqual(before);
    disposeRecurrent(rec);
  });

  it('reports a wrong prefix as missing names', () => {
    const rec = createRecurrent(config);
    const error = thrown(() =>
      loadRecurrentStateDict(rec, recurrentStateDict(rec, 'lstm.'), 'rnn.'),
    );
    expect(error).toBeInstanceOf(WeightFormatError);
    expect(error.message).toMatch(/missing rnn\.weight_ih_l0 \[9, 4\]/);
    disposeRecurrent(rec);
  });
});
