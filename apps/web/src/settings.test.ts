import { CharTokenizer } from '@rnnkit/tokenizer';
import { splitText, TrainingDataError } from '@rnnkit/trainer';
import { describe, expect, it } from 'vitest';
import { PRESETS, TEXT_DEFAULTS } from './presets.js';
import { checkTextFits, InputError, parseSettings, trainOptions } from './settings.js';

const ids = (n: number) => CharTokenizer.fromText('ab').encode('ab'.repeat(n).slice(0, n));

describe('checkTextFits', () => {
  it('accepts exactly the texts @rnnkit/trainer can split, and no others', () => {
    for (const n of [2, 7, 16, 65, 100, 129, 300, 2049, 2113]) {
      for (const [B, T] of [
        [1, 6],
        [1, 64],
        [4, 16],
        [32, 64],
        [2, 1],
      ] as const) {
        for (const valFraction of [0, 0.05, 0.3]) {
          let library = true;
          try {
            splitText(ids(n), { batchSize: B, seqLength: T, valFraction });
          } catch (error) {
            if (!(error instanceof TrainingDataError)) throw error;
            library = false;
          }
          let ours = true;
          try {
            checkTextFits(n, B, T, valFraction);
          } catch (error) {
            expect(error).toBeInstanceOf(InputError);
            ours = false;
          }
          expect(ours, `n=${n} B=${B} T=${T} val=${valFraction}`).toBe(library);
        }
      }
    }
  });

  it('says what is wrong and which smaller setting fits', () => {
    expect(() => checkTextFits(0, 1, 6, 0)).toThrow(
      /empty: pick a preset, paste some text, or open a text file/,
    );
    expect(() => checkTextFits(9, 32, 64, 0)).toThrow(
      /9 characters: too short for one batch of 32 × 64 characters\. Lower the batch size to 1 and the sequence length to 8 or less, or use a longer text\./,
    );
    expect(() => checkTextFits(1000, 32, 64, 0.05)).toThrow(
      /holding out 5% for validation\. Lower the batch size to 14 or less/,
    );
  });
});

describe('trainOptions', () => {
  it('fits every preset to its own text', () => {
    for (const p of PRESETS.filter((x) => x.text)) {
      const o = trainOptions(p.settings, [...(p.text ?? '')].length);
      expect(o.sampleLength).toBe(0);
      expect(o.evalEvery).toBeLessThanOrEqual(o.steps ?? 0);
    }
  });

  it('samples at evaluations of longer texts', () => {
    expect(trainOptions(TEXT_DEFAULTS, 100_000).sampleLength).toBeGreaterThan(0);
  });
});

describe('parseSettings', () => {
  const raw = {
    cell: 'gru',
    optimizer: 'rmsprop',
    hiddenSize: '64',
    numLayers: '2',
    seqLength: '32',
    batchSize: '8',
    learningRate: '0.003',
    seed: '7',
    steps: '100',
    evalEvery: '10',
    valFraction: '0.1',
  };

  it('reads every field', () => {
    expect(parseSettings(raw)).toEqual({
      cell: 'gru',
      optimizer: 'rmsprop',
      hiddenSize: 64,
      numLayers: 2,
      seqLength: 32,
      batchSize: 8,
      learningRate: 0.003,
      seed: 7,
      steps: 100,
      evalEvery: 10,
      valFraction: 0.1,
    });
  });

  it('names the bad field and its range', () => {
    expect(() => parseSettings({ ...raw, hiddenSize: '1.5' })).toThrow(
      'Hidden size must be a whole number from 1 to 1024, not "1.5".',
    );
    expect(() => parseSettings({ ...raw, learningRate: '0' })).toThrow(
      'Learning rate must be a number greater than 0 and at most 10, not "0".',
    );
    expect(() => parseSettings({ ...raw, batchSize: '' })).toThrow(/Batch size/);
    expect(() => parseSettings({ ...raw, cell: 'transformer' })).toThrow(
      /Cell must be RNN, LSTM or GRU/,
    );
  });
});
