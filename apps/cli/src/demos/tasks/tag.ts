import {
  applyLinear,
  bidirectionalParams,
  createBidirectional,
  createLinear,
  createRecurrent,
  createRng,
  disposeBidirectional,
  disposeRecurrent,
  lengthMask,
  oneHot,
  recurrentParams,
  runBidirectional,
  runRecurrent,
} from '@rnnkit/cells';
import { accuracy, adam, sequenceLoss } from '@rnnkit/optim';
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

const LETTERS = 'abcdefgh';
const SPACE = LETTERS.length; // input id of ' '
/** BIES word-segmentation tags: outside (space), begin, inside, end, single-letter word. */
const TAGS = ['O', 'B', 'I', 'E', 'S'];

/** A line of random words (1..5 letters) of at most 24 characters, as ids and per-char tags. */
function tagExample(rng: () => number): { ids: number[]; tags: number[] } {
  const ids: number[] = [];
  const tags: number[] = [];
  const limit = randInt(rng, 8, 24);
  for (;;) {
    const len = randInt(rng, 1, 5);
    if (ids.length + len + (ids.length > 0 ? 1 : 0) > limit && ids.length > 0) return { ids, tags };
    if (ids.length > 0) {
      ids.push(SPACE);
      tags.push(0);
    }
    for (let k = 0; k < len; k++) {
      ids.push(randInt(rng, 0, LETTERS.length - 1));
      tags.push(len === 1 ? 4 : k === 0 ? 1 : k === len - 1 ? 3 : 2);
    }
  }
}

/**
 * Many-to-many tagging: mark every character of a line of random words with its BIES tag.
 * Whether a letter ends a word depends on the next character, so a left-to-right network must
 * guess at E and S while a bidirectional one sees it. Trains both on the same data and reports
 * per-character accuracy on held-out lines, padding masked out of loss and accuracy.
 */
export function tagTask(io: Io, options: TaskOptions): TaskResult {
  const { seed, steps = 120 } = options;
  const rng = createRng(seed + 300);
  const train = Array.from({ length: 3000 }, () => tagExample(rng));
  const test = Array.from({ length: 500 }, () => tagExample(rng));
  io.out(`word tags ${TAGS.join('/')}: ${train.length} training lines, ${test.length} held out\n`);
  const vocab = LETTERS.length + 1;
  const hidden = 16;
  const bi = createBidirectional(
    { cell: 'gru', inputSize: vocab, hiddenSize: hidden, merge: 'concat' },
    { seed },
  );
  // The unidirectional baseline gets as many units as both directions together.
  const uni = createRecurrent({ cell: 'gru', inputSize: vocab, hiddenSize: 2 * hidden }, { seed });
  const models = [
    {
      name: 'bidirectional',
      params: bidirectionalParams(bi),
      run: (x: tf.Tensor3D, lens: number[]) =>
        runBidirectional(bi, x, { seqLengths: lens }).outputs,
    },
    {
      name: 'unidirectional',
      params: recurrentParams(uni),
      run: (x: tf.Tensor3D, lens: number[]) => runRecurrent(uni, x, { seqLengths: lens }).outputs,
    },
  ];
  const scores: Record<string, number> = {};
  for (const [m, model] of models.entries()) {
    io.out(`\n== ${model.name} GRU ==\n`);
    const fc = createLinear(2 * hidden, TAGS.length, { seed: seed + 1 });
    const params = { ...model.params, 'fc.weight': fc.weight, 'fc.bias': fc.bias };
    const forward = (rows: typeof train) =>
      tf.tidy(() => {
        const lens = rows.map((r) => r.ids.length);
        const width = Math.max(...lens);
        const logits = applyLinear(
          fc,
          model.run(oneHot(padIds(rows.map((r) => r.ids)), vocab), lens),
        );
        return {
          logits: logits as tf.Tensor3D,
          tags: padIds(
            rows.map((r) => r.tags),
            width,
          ),
          mask: lengthMask(lens, width),
        };
      });
    const optimizer = adam({ learningRate: 0.02 });
    const batchRng = createRng(seed + 400 + m);
    trainTask(io, params, optimizer, steps, () => {
      const { logits, tags, mask } = forward(
        Array.from(
          { length: 32 },
          () => train[randInt(batchRng, 0, train.length - 1)] as (typeof train)[number],
        ),
      );
      return sequenceLoss(logits, tags, mask);
    });
    scores[model.name] = tf.tidy(() => {
      const { logits, tags, mask } = forward(test);
      return accuracy(logits, tags, mask).dataSync()[0] as number;
    });
    io.out(
      `${model.name} per-character accuracy: ${(100 * (scores[model.name] as number)).toFixed(1)}%\n`,
    );
    optimizer.dispose();
    tf.dispose([fc.weight, fc.bias]);
  }
  disposeBidirectional(bi);
  disposeRecurrent(uni);
  io.out('\n');
  const result = report(
    io,
    'bidirectional per-character accuracy',
    scores.bidirectional as number,
    0.97,
    {
      unidirectional: scores.unidirectional as number,
    },
  );
  return {
    ...result,
    passed: result.passed && (scores.bidirectional as number) > (scores.unidirectional as number),
  };
}
