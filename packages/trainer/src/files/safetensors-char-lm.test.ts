// Model-level safetensors export/import: PyTorch names, sidecar and metadata, every cell type
// stacked, config inference, and named errors for files that do not fit.
import { initBackend } from '@rnnkit/backend';
import {
  type CellType,
  readSafetensors,
  SafetensorsError,
  WeightFormatError,
  writeSafetensors,
} from '@rnnkit/cells';
import { CharTokenizer } from '@rnnkit/tokenizer';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../errors.js';
import { type CharLM, charLMLogits, createCharLM, disposeCharLM } from '../models/char-lm.js';
import { charLMFromPortable, portableCharLM } from './portable-char-lm.js';
import { charLMFromSafetensors, charLMToSafetensors, sidecarPath } from './safetensors-char-lm.js';

const tokenizer = CharTokenizer.fromText('hihello', { order: 'first-seen' });
const makeIds = () =>
  tf.tensor2d(
    [
      [0, 1, 0, 2, 3, 3],
      [4, 3, 2, 1, 0, 0],
    ],
    [2, 6],
    'int32',
  );

function maxDiff(a: CharLM, b: CharLM): number {
  return tf.tidy(() => {
    const ids = makeIds();
    const d = tf.max(tf.abs(tf.sub(charLMLogits(a, ids).logits, charLMLogits(b, ids).logits)));
    return d.dataSync()[0] as number;
  });
}

describe('safetensors export and import of a char LM', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  const cases = (['rnn', 'lstm', 'gru'] as CellType[]).flatMap((cell) =>
    (['onehot', 'embedding'] as const).map((input) => ({ cell, input })),
  );
  it.each(cases)('round-trips a 2-layer $cell with $input input exactly', ({ cell, input }) => {
    const model = createCharLM(
      { vocabSize: 5, cell, hiddenSize: 4, numLayers: 2, input, embeddingDim: 3 },
      { seed: 7, init: 'pytorch' },
    );
    const { bytes, sidecar } = charLMToSafetensors(portableCharLM(model, tokenizer));
    const names = Object.keys(readSafetensors(bytes).arrays).sort();
    expect(names).toEqual(
      [
        ...(input === 'embedding' ? ['embedding.weight'] : []),
        'fc.bias',
        'fc.weight',
        ...[0, 1].flatMap((l) => [
          `rnn.bias_hh_l${l}`,
          `rnn.bias_ih_l${l}`,
          `rnn.weight_hh_l${l}`,
          `rnn.weight_ih_l${l}`,
        ]),
      ].sort(),
    );
    expect(sidecar.model).toEqual(model.config);
    for (const side of [sidecar, JSON.parse(JSON.stringify(sidecar)), undefined]) {
      const back = charLMFromPortable(charLMFromSafetensors(bytes, side));
      expect(back.tokenizer?.vocabulary).toEqual(tokenizer.vocabulary);
      expect(maxDiff(model, back.model)).toBe(0);
      disposeCharLM(back.model);
    }
    disposeCharLM(model);
  });

  it('infers the config of a bare PyTorch state_dict (no sidecar, no metadata)', () => {
    const model = createCharLM(
      { vocabSize: 6, cell: 'gru', hiddenSize: 3, numLayers: 3 },
      { seed: 1 },
    );
    const bare = writeSafetensors(portableCharLM(model).params);
    const p = charLMFromSafetensors(bare);
    expect(p.model).toEqual(model.config);
    expect(p.tokenizer).toBeUndefined();
    disposeCharLM(model);
  });

  it('names what does not fit', () => {
    const model = createCharLM({ vocabSize: 5, cell: 'lstm', hiddenSize: 4 }, { seed: 1 });
    const p = portableCharLM(model, tokenizer);
    const { bytes, sidecar } = charLMToSafetensors(p);
    const gru = { ...sidecar, model: { ...sidecar.model, cell: 'gru' } };
    expect(() => charLMFromSafetensors(bytes, gru)).toThrow(WeightFormatError);
    expect(() => charLMFromSafetensors(bytes, gru)).toThrow(
      /rnn.weight_ih_l0 has shape \[16, 5\], expected \[12, 5\]/,
    );
    const { 'fc.bias': _, ...missing } = p.params;
    expect(() => charLMFromSafetensors(writeSafetensors(missing), sidecar)).toThrow(
      /missing fc.bias \[5\]/,
    );
    const extra = writeSafetensors({
      ...p.params,
      'rnn.weight_ih_l0_reverse': p.params['fc.bias'] as never,
    });
    expect(() => charLMFromSafetensors(extra, sidecar)).toThrow(
      /unexpected rnn.weight_ih_l0_reverse/,
    );
    expect(() => charLMFromSafetensors(extra)).toThrow(ModelFileError);
    expect(() => charLMFromSafetensors(bytes, { ...sidecar, version: 9 })).toThrow(
      /version 9.*upgrade rnnkit/,
    );
    expect(() => charLMFromSafetensors(bytes, { format: 'x' })).toThrow(ModelFileError);
    expect(() => charLMFromSafetensors(bytes.subarray(0, bytes.length - 3), sidecar)).toThrow(
      SafetensorsError,
    );
    const small = CharTokenizer.fromText('hi').toJSON();
    expect(() => charLMFromPortable({ ...p, tokenizer: small })).toThrow(
      /2 tokens but the model's vocabulary is 5/,
    );
    const nan = {
      ...p.params,
      'fc.bias': { shape: [5], data: Float32Array.from([0, Number.NaN, 0, 0, 0]) },
    };
    expect(() => charLMFromSafetensors(writeSafetensors(nan), sidecar)).toThrow(
      /fc.bias contains NaN/,
    );
    disposeCharLM(model);
  });

  it('leaks no tensors and names the sidecar beside the file', () => {
    const model = createCharLM({ vocabSize: 5, hiddenSize: 4 }, { seed: 1 });
    const before = tf.memory().numTensors;
    const { bytes } = charLMToSafetensors(portableCharLM(model, tokenizer));
    charLMFromSafetensors(bytes);
    expect(tf.memory().numTensors).toBe(before);
    expect(sidecarPath('out/model.safetensors')).toBe('out/model.rnnkit.json');
    disposeCharLM(model);
  });
});
