import {
  applyLinear,
  createLinear,
  createRecurrent,
  createRng,
  disposeRecurrent,
  lastValidStep,
  oneHot,
  recurrentParams,
  runRecurrent,
} from '@rnnkit/cells';
import { adam, sequenceLoss } from '@rnnkit/optim';
import * as tf from '@tensorflow/tfjs-core';
import type { Io } from '../../io.js';
import {
  padIds,
  randInt,
  report,
  type TaskOptions,
  type TaskResult,
  trainTask,
} from './task-support.js';

const MAX_PAIRS = 8; // strings of 2..16 brackets

/**
 * A bracket string of `2n` characters (0 = '(', 1 = ')') and whether it is balanced. Half are
 * balanced; the rest are near misses with as many '(' as ')' (so counting alone cannot tell)
 * or one bracket flipped.
 */
function bracketExample(rng: () => number): { ids: number[]; label: number } {
  const n = randInt(rng, 1, MAX_PAIRS);
  const want = rng() < 0.5 ? 1 : 0;
  for (;;) {
    const ids = shuffled([...new Array(n).fill(0), ...new Array(n).fill(1)], rng);
    if (want === 0 && rng() < 0.3) {
      const k = randInt(rng, 0, 2 * n - 1);
      ids[k] = 1 - (ids[k] as number);
    }
    if (balanced(ids) === (want === 1)) return { ids, label: want };
  }
}

function shuffled(xs: number[], rng: () => number): number[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = randInt(rng, 0, i);
    [xs[i], xs[j]] = [xs[j] as number, xs[i] as number];
  }
  return xs;
}

function balanced(ids: number[]): boolean {
  let depth = 0;
  for (const id of ids) {
    depth += id === 0 ? 1 : -1;
    if (depth < 0) return false;
  }
  return depth === 0;
}

/**
 * Many-to-one: decide whether a bracket string of 2 to 16 characters is balanced. An LSTM reads
 * the padded batch with its lengths; `lastValidStep` takes each string's last output; a linear
 * layer gives two logits. Accuracy on strings never seen in training.
 */
export function classifyTask(io: Io, options: TaskOptions): TaskResult {
  const { seed, steps = 300 } = options;
  const rng = createRng(seed + 100);
  const train = Array.from({ length: 4000 }, () => bracketExample(rng));
  const seen = new Set(train.map((e) => e.ids.join('')));
  const test: typeof train = [];
  while (test.length < 1000) {
    const e = bracketExample(rng);
    if (!seen.has(e.ids.join(''))) test.push(e);
  }
  io.out(
    `balanced brackets: ${train.length} training strings, ${test.length} held out (2..16 characters)\n`,
  );
  const rnn = createRecurrent({ cell: 'lstm', inputSize: 2, hiddenSize: 24 }, { seed });
  const fc = createLinear(24, 2, { seed: seed + 1 });
  const params = { ...recurrentParams(rnn), 'fc.weight': fc.weight, 'fc.bias': fc.bias };
  // logits [B, 1, 2]: the sequence loss and accuracy see one step per string.
  const logitsOf = (rows: number[][]) =>
    tf.tidy(() => {
      const lens = rows.map((r) => r.length);
      const { outputs } = runRecurrent(rnn, oneHot(padIds(rows), 2), { seqLengths: lens });
      return tf.expandDims(applyLinear(fc, lastValidStep(outputs, lens)), 1) as tf.Tensor3D;
    });
  const optimizer = adam({ learningRate: 0.01 });
  const batchRng = createRng(seed + 200);
  trainTask(io, params, optimizer, steps, () => {
    const batch = Array.from(
      { length: 64 },
      () => train[randInt(batchRng, 0, train.length - 1)] as (typeof train)[number],
    );
    const labels = tf.tensor2d(
      batch.map((e) => e.label),
      [batch.length, 1],
      'int32',
    );
    return sequenceLoss(logitsOf(batch.map((e) => e.ids)), labels);
  });
  const predicted = tf.tidy(() => tf.argMax(logitsOf(test.map((e) => e.ids)), 2).dataSync());
  const correct = test.filter((e, i) => predicted[i] === e.label).length;
  optimizer.dispose();
  disposeRecurrent(rnn);
  tf.dispose([fc.weight, fc.bias]);
  return report(io, 'held-out accuracy', correct / test.length, 0.95);
}
