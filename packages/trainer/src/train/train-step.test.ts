import { initBackend } from '@rnnkit/backend';
import { adam } from '@rnnkit/optim';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, charLMParams, createCharLM, disposeCharLM, trainStep } from '../index.js';

describe.each(['cpu', 'wasm'] as const)('trainStep on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('keeps tf.memory().numTensors flat over 100 steps with carried state', () => {
    const model = createCharLM(
      { vocabSize: 8, cell: 'lstm', hiddenSize: 12, numLayers: 2 },
      { seed: 4 },
    );
    const optimizer = adam({ learningRate: 0.01 });
    const x = tf.tensor2d(
      [
        [1, 2, 3, 4],
        [5, 6, 7, 0],
      ],
      [2, 4],
      'int32',
    );
    const y = tf.tensor2d(
      [
        [2, 3, 4, 5],
        [6, 7, 0, 1],
      ],
      [2, 4],
      'int32',
    );
    const run = (state?: { h: tf.Tensor3D; c?: tf.Tensor3D }) => {
      const r = trainStep(model, optimizer, x, y, { clipNorm: 5, initialState: state });
      if (state) tf.dispose([state.h, state.c as tf.Tensor]);
      tf.dispose([r.loss, r.gradNorm]);
      return r.state;
    };
    let state = run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) state = run(state);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, state.h, state.c as tf.Tensor]);
    optimizer.dispose();
    disposeCharLM(model);
  });

  it('trains an embedding-input GRU (no tf.gather on the differentiable path)', () => {
    const model = createCharLM(
      { vocabSize: 5, cell: 'gru', hiddenSize: 8, input: 'embedding', embeddingDim: 4 },
      { seed: 1 },
    );
    expect(Object.keys(charLMParams(model))).toContain('embedding.weight');
    const optimizer = adam({ learningRate: 0.05 });
    const x = tf.tensor2d([[0, 1, 2, 3]], [1, 4], 'int32');
    const y = tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32');
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const r = trainStep(model, optimizer, x, y);
      losses.push(r.loss.dataSync()[0] as number);
      tf.dispose([r.loss, r.gradNorm, r.state.h]);
    }
    expect(losses[29]).toBeLessThan((losses[0] as number) * 0.5);
    tf.dispose([x, y]);
    optimizer.dispose();
    disposeCharLM(model);
  });

  it('reports the gradient norm before clipping', () => {
    const model = createCharLM({ vocabSize: 5, cell: 'rnn', hiddenSize: 6 }, { seed: 2 });
    const x = tf.tensor2d([[0, 1, 2]], [1, 3], 'int32');
    const y = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32');
    const optimizer = adam({ learningRate: 0.01 });
    const r = trainStep(model, optimizer, x, y, { clipNorm: 1e-3 });
    expect(r.gradNorm.dataSync()[0]).toBeGreaterThan(1e-3);
    tf.dispose([r.loss, r.gradNorm, r.state.h, x, y]);
    optimizer.dispose();
    disposeCharLM(model);
  });
});

describe('createCharLM', () => {
  it('rejects impossible configurations with the value named', () => {
    expect(() => createCharLM({ vocabSize: 0 })).toThrow(ConfigError);
    expect(() => createCharLM({ vocabSize: 5, hiddenSize: 2.5 })).toThrow(
      /hiddenSize must be a positive integer, got 2.5/,
    );
    // @ts-expect-error: untyped callers
    expect(() => createCharLM({ vocabSize: 5, cell: 'transformer' })).toThrow(
      /cell must be one of rnn, lstm, gru/,
    );
  });
});
