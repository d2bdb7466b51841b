// charLMLoss (the fused head + loss on cpu and wasm) against the unfused computation it
// replaces, charLMLogits then @rnnkit/optim's sequenceLoss: loss and every parameter's gradient.
import { initBackend } from '@rnnkit/backend';
import { setSimdEnabled } from '@rnnkit/core/simd';
import { sequenceLoss } from '@rnnkit/optim';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../../../../fixtures/reference.js';
import {
  type CharLMConfig,
  charLMLogits,
  charLMLoss,
  charLMParams,
  createCharLM,
} from './char-lm.js';

const [B, T, V] = [3, 7, 11];

describe.each(['cpu', 'wasm'] as const)('charLMLoss on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });
  afterAll(() => setSimdEnabled(true));

  const cases: { config: Partial<CharLMConfig>; weighted: boolean; simd: boolean }[] = [
    { config: { cell: 'rnn' }, weighted: false, simd: true },
    { config: { cell: 'lstm', numLayers: 2 }, weighted: true, simd: true },
    { config: { cell: 'gru', input: 'embedding', embeddingDim: 5 }, weighted: true, simd: false },
  ];
  it.each(cases)('equals sequenceLoss(charLMLogits) and its gradients (%o)', (c) => {
    setSimdEnabled(c.simd);
    const model = createCharLM({ vocabSize: V, hiddenSize: 9, ...c.config }, { seed: 2 });
    const params = charLMParams(model);
    const at = (i: number) => (i * 7 + ((i * i) % 5)) % V;
    const x = tf.tensor2d(
      Int32Array.from({ length: B * T }, (_, i) => at(i)),
      [B, T],
      'int32',
    );
    const y = tf.tensor2d(
      Int32Array.from({ length: B * T }, (_, i) => at(i + 1)),
      [B, T],
      'int32',
    );
    const mask = Float32Array.from({ length: B * T }, (_, i) => (i % T < 2 + (i % 3) ? 1 : 0));
    const weights = c.weighted ? tf.tensor2d(mask, [B, T]) : undefined;
    const before = tf.memory().numTensors;
    const fused = tf.variableGrads(() => {
      const out = charLMLoss(model, x, y, undefined, weights);
      return out.loss;
    });
    const plain = tf.variableGrads(
      () => sequenceLoss(charLMLogits(model, x).logits, y, weights) as tf.Scalar,
    );
    const tol = { atol: 1e-6, rtol: 1e-4 };
    expectClose(fused.value.dataSync(), Array.from(plain.value.dataSync()), tol, 'loss');
    for (const [name, v] of Object.entries(params)) {
      const [got, want] = [fused.grads[v.name], plain.grads[v.name]] as tf.Tensor[];
      expectClose(
        (got as tf.Tensor).dataSync(),
        Array.from((want as tf.Tensor).dataSync()),
        tol,
        name,
      );
    }
    tf.dispose([
      fused.value,
      plain.value,
      ...Object.values(fused.grads),
      ...Object.values(plain.grads),
    ]);
    // charLMLoss leaves nothing behind but what variableGrads returned (the final state
    // it computes is disposed here by tidy, as the caller did not keep it).
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, ...(weights ? [weights] : []), ...Object.values(params)]);
  });
});
