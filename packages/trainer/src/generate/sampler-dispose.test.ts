// What a sampler frees and when: every stepper it creates (a copy of the weights, on the wasm
// heap where SIMD runs) is disposed once the sampler is done with it, and a disposed sampler
// refuses further use by name instead of quietly reading the weights again.
import { initBackend } from '@rnnkit/backend';
import type { RecurrentStepper } from '@rnnkit/cells';
import { DisposedError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  charLMParams,
  createCharLM,
  createSampler,
  disposeCharLM,
  predict,
  sample,
} from '../index.js';

// Every stepper the sampler creates, as createStepper returned it.
const created: RecurrentStepper[] = [];
vi.mock('@rnnkit/cells', async (importOriginal) => {
  const cells = await importOriginal<typeof import('@rnnkit/cells')>();
  return {
    ...cells,
    createStepper: (...args: Parameters<typeof cells.createStepper>) => {
      const stepper = cells.createStepper(...args);
      created.push(stepper);
      return stepper;
    },
  };
});

/** A disposed stepper throws DisposedError on any call but `stale` and `dispose`. */
const isDisposed = (stepper: RecurrentStepper): boolean => {
  try {
    stepper.setState();
    return false;
  } catch (error) {
    if (error instanceof DisposedError) return true;
    throw error;
  }
};

describe.each(['cpu', 'wasm'] as const)('a sampler on %s frees what it holds', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });
  beforeEach(() => {
    created.length = 0;
  });

  it('sample() disposes its stepper, also when a draw throws', () => {
    const model = createCharLM({ vocabSize: 6, cell: 'lstm', hiddenSize: 8 }, { seed: 1 });
    expect(sample(model, [1, 2], 5, { seed: 3 })).toHaveLength(5);
    expect(created).toHaveLength(1);
    expect(created.map(isDisposed)).toEqual([true]);
    // an id outside the vocabulary is refused after the prime built the stepper
    const sampler = createSampler(model);
    sampler.prime([0]);
    expect(() => sampler.prime([0, 6])).toThrow(/outside the vocabulary/);
    sampler.dispose();
    expect(created.map(isDisposed)).toEqual([true, true]);
    disposeCharLM(model);
  });

  it('disposes the old stepper when new weights make it read them again, and the last on dispose()', () => {
    const model = createCharLM({ vocabSize: 5, cell: 'gru', hiddenSize: 6 }, { seed: 2 });
    const sampler = createSampler(model, { seed: 4 });
    sampler.prime([1, 3]);
    sampler.next();
    expect(created).toHaveLength(1);
    // a training step assigns new values (here the same ones) to the head's bias
    const bias = charLMParams(model)['fc.bias'] as tf.Variable;
    tf.tidy(() => bias.assign(tf.add(bias, 0)));
    sampler.next();
    expect(created.map(isDisposed)).toEqual([true, false]);
    sampler.dispose();
    expect(created.map(isDisposed)).toEqual([true, true]);
    disposeCharLM(model);
  });

  it('a disposed sampler refuses prime, next and reset by name; the model is untouched', () => {
    const model = createCharLM({ vocabSize: 4, cell: 'lstm', hiddenSize: 4 }, { seed: 3 });
    const tensors = tf.memory().numTensors;
    const sampler = createSampler(model, { greedy: true });
    sampler.prime([2, 1]);
    const drawn = sampler.next();
    sampler.dispose();
    sampler.dispose(); // a second dispose does nothing
    for (const [call, use] of [
      ['prime', () => sampler.prime([1])],
      ['next', () => sampler.next()],
      ['reset', () => sampler.reset()],
    ] as const) {
      expect(use, call).toThrow(DisposedError);
      expect(use, call).toThrow(
        `Sampler.${call}: the sampler was disposed; create a new one with createSampler.`,
      );
    }
    // refused, so no new copy of the weights was made
    expect(created).toHaveLength(1);
    expect(tf.memory().numTensors).toBe(tensors);
    // the model still predicts, and a new sampler draws what the first one did
    const x = tf.tensor2d([[2, 1]], [1, 2], 'int32');
    const p = predict(model, x);
    expect(p.dataSync()[1]).toBe(drawn);
    tf.dispose([x, p]);
    expect(Array.from(sample(model, [2, 1], 1, { greedy: true }))).toEqual([drawn]);
    disposeCharLM(model);
  });
});
