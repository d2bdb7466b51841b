// The lecture's two training runs, for every cell type: one-hot input, a dense layer over every
// step, sequence loss, Adam lr 0.1, 50 iterations.
import { initBackend } from '@rnnkit/backend';
import { adam } from '@rnnkit/optim';
import { CharTokenizer } from '@rnnkit/tokenizer';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCharLM, disposeCharLM, predict, trainStep } from '../index.js';

function train(
  text: string,
  cell: 'rnn' | 'lstm' | 'gru',
  hiddenSize: number | undefined,
  seed: number,
) {
  const tokenizer = CharTokenizer.fromText(text, { order: 'first-seen' });
  const ids = tokenizer.encode(text);
  const model = createCharLM(
    { vocabSize: tokenizer.vocabSize, cell, hiddenSize: hiddenSize ?? tokenizer.vocabSize },
    { seed },
  );
  const optimizer = adam({ learningRate: 0.1 });
  const x = tf.tensor2d(Array.from(ids.subarray(0, -1)), [1, ids.length - 1], 'int32');
  const y = tf.tensor2d(Array.from(ids.subarray(1)), [1, ids.length - 1], 'int32');
  const target = text.slice(1);
  let firstCorrect = -1;
  let loss = Number.NaN;
  for (let i = 0; i < 50; i++) {
    const step = trainStep(model, optimizer, x, y);
    loss = step.loss.dataSync()[0] as number;
    tf.dispose([step.loss, step.gradNorm, step.state.h, step.state.c as tf.Tensor]);
    const p = predict(model, x);
    if (firstCorrect < 0 && tokenizer.decode(p.dataSync()) === target) firstCorrect = i;
    p.dispose();
  }
  const final = predict(model, x);
  const prediction = tokenizer.decode(final.dataSync());
  tf.dispose([x, y, final]);
  optimizer.dispose();
  disposeCharLM(model);
  return { loss, prediction, target, firstCorrect };
}

describe('the lecture converges', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  const cases = (['rnn', 'lstm', 'gru'] as const).flatMap((cell) =>
    [0, 1, 2].flatMap((seed) => [
      { name: 'hihello', text: 'hihello', cell, hidden: 5, seed },
      { name: 'ifyou', text: ' if you want you', cell, hidden: undefined, seed },
    ]),
  );

  it.each(cases)('$name, $cell, seed $seed', ({ text, cell, hidden, seed }) => {
    const r = train(text, cell, hidden, seed);
    expect(r.prediction).toBe(r.target);
    expect(r.loss).toBeLessThan(0.05);
  });
});
