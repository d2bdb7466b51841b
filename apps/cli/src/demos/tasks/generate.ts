import { createLinear, lengthMask } from '@rnnkit/cells';
import { adam, sequenceLoss } from '@rnnkit/optim';
import {
  conditionState,
  conditionWidth,
  createDecoder,
  decoderLogits,
  decoderParams,
  disposeState,
  greedyDecode,
} from '@rnnkit/trainer';
import * as tf from '@tensorflow/tfjs-core';
import type { Io } from '../../io.js';
import { padIds, report, type TaskOptions, type TaskResult, trainTask } from './task-support.js';

const ONES =
  'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen'.split(
    ' ',
  );
const TENS = 'twenty thirty forty fifty sixty seventy eighty ninety'.split(' ');

/** 0..99 in English words: "seven", "thirteen", "forty", "forty-two". */
export function numberName(n: number): string {
  if (n < 20) return ONES[n] as string;
  const tens = TENS[Math.floor(n / 10) - 2] as string;
  return n % 10 === 0 ? tens : `${tens}-${ONES[n % 10]}`;
}

/**
 * One-to-many: spell every number from 0 to 99 from a start vector (its two digits, one-hot).
 * `conditionState` turns the vector into the decoder's initial state; the decoder is trained
 * with teacher forcing and then unrolled greedily, feeding back its own letters until the end
 * token. Scored by exact match over all 100 numbers.
 */
export function generateTask(io: Io, options: TaskOptions): TaskResult {
  const { seed, steps = 150 } = options;
  const numbers = Array.from({ length: 100 }, (_, n) => n);
  const names = numbers.map(numberName);
  const chars = [...new Set(names.join(''))].sort();
  const [start, end] = [chars.length, chars.length + 1];
  const encodeName = (s: string) => Array.from(s, (ch) => chars.indexOf(ch));
  io.out(`spell 0..99: ${chars.length} characters, e.g. 42 -> "${numberName(42)}"\n`);
  const dec = createDecoder(
    { vocabSize: chars.length + 2, cell: 'gru', hiddenSize: 64, embeddingDim: 16 },
    { seed },
  );
  const cond = createLinear(20, conditionWidth(dec.rnn), { seed: seed + 10 });
  const params = { ...decoderParams(dec), 'cond.weight': cond.weight, 'cond.bias': cond.bias };
  // Start vector: [one-hot tens digit, one-hot units digit], [100, 20].
  const vectors = tf.tensor2d(
    numbers.flatMap((n) =>
      Array.from({ length: 20 }, (_, k) =>
        k === Math.floor(n / 10) || k === 10 + (n % 10) ? 1 : 0,
      ),
    ),
    [100, 20],
  );
  const targets = names.map((s) => [...encodeName(s), end]);
  const lens = targets.map((t) => t.length);
  const width = Math.max(...lens);
  const inputs = padIds(
    targets.map((t) => [start, ...t.slice(0, -1)]),
    width,
  );
  const labels = padIds(targets, width);
  const mask = lengthMask(lens, width);
  const optimizer = adam({ learningRate: 0.01 });
  trainTask(io, params, optimizer, steps, () => {
    const state = conditionState(cond, vectors, dec.rnn);
    return sequenceLoss(
      decoderLogits(dec, inputs, state, { seqLengths: lens }).logits,
      labels,
      mask,
    );
  });
  const state = conditionState(cond, vectors, dec.rnn);
  const out = greedyDecode(dec, state, { startToken: start, endToken: end, maxLength: width + 2 });
  const spelled = out.map((ids) => ids.map((i) => chars[i] ?? '?').join(''));
  const wrong = numbers.filter((n) => spelled[n] !== names[n]);
  io.out(`${[7, 42, 99].map((n) => `${n} -> "${spelled[n]}"`).join(', ')}\n`);
  if (wrong.length > 0)
    io.out(
      `misspelled: ${wrong
        .slice(0, 5)
        .map((n) => `${n} -> "${spelled[n]}"`)
        .join(', ')}\n`,
    );
  disposeState(state);
  optimizer.dispose();
  tf.dispose([
    vectors,
    inputs,
    labels,
    mask,
    cond.weight,
    cond.bias,
    ...Object.values(decoderParams(dec)),
  ]);
  return report(io, 'exact match', 1 - wrong.length / numbers.length, 0.95);
}
