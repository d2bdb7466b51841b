import type { CellType } from '@rnnkit/cells';
import { adam } from '@rnnkit/optim';
import { CharTokenizer } from '@rnnkit/tokenizer';
import { createCharLM, disposeCharLM, predict, trainStep } from '@rnnkit/trainer';
import * as tf from '@tensorflow/tfjs-core';
import type { Io } from '../../io.js';

export interface LectureTraining {
  /** The sample text: the model reads text[:-1] and learns to predict text[1:]. */
  text: string;
  cell: CellType;
  /** Hidden size; the lecture uses 5 for hihello and the vocabulary size for " if you want you". */
  hiddenSize?: number;
  iterations: number;
  learningRate: number;
  seed: number;
}

export interface LectureResult {
  finalLoss: number;
  finalPrediction: string;
  target: string;
  /** First iteration whose prediction was the target, or -1. */
  firstCorrect: number;
}

/**
 * The lecture's training loop: one-hot input, a recurrent cell, a dense layer over every step,
 * sequence loss, Adam. Prints `<i> loss: <loss> prediction: <text>` per iteration.
 */
export function trainLecture(io: Io, run: LectureTraining): LectureResult {
  // First-seen order reproduces the lecture's idx2char for "hihello": h, i, e, l, o.
  const tokenizer = CharTokenizer.fromText(run.text, { order: 'first-seen' });
  const ids = tokenizer.encode(run.text);
  const hiddenSize = run.hiddenSize ?? tokenizer.vocabSize;
  const model = createCharLM(
    { vocabSize: tokenizer.vocabSize, cell: run.cell, hiddenSize },
    { seed: run.seed },
  );
  const optimizer = adam({ learningRate: run.learningRate });
  const x = tf.tensor2d(Array.from(ids.subarray(0, -1)), [1, ids.length - 1], 'int32');
  const y = tf.tensor2d(Array.from(ids.subarray(1)), [1, ids.length - 1], 'int32');
  const target = tokenizer.decode(ids.subarray(1));
  io.out(
    `x: "${run.text.slice(0, -1)}" -> y: "${target}"  (${run.cell}, vocabulary ${tokenizer.vocabSize}, ` +
      `hidden ${hiddenSize}, Adam lr ${run.learningRate}, seed ${run.seed})\n`,
  );
  let finalLoss = Number.NaN;
  let finalPrediction = '';
  let firstCorrect = -1;
  try {
    for (let i = 0; i < run.iterations; i++) {
      const step = trainStep(model, optimizer, x, y);
      finalLoss = step.loss.dataSync()[0] as number;
      tf.dispose([step.loss, step.gradNorm, step.state.h, step.state.c as tf.Tensor]);
      const prediction = predict(model, x);
      finalPrediction = tokenizer.decode(prediction.dataSync());
      prediction.dispose();
      if (firstCorrect < 0 && finalPrediction === target) firstCorrect = i;
      io.out(`${i} loss: ${finalLoss.toFixed(6)} prediction: ${finalPrediction}\n`);
    }
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    disposeCharLM(model);
  }
  io.out(
    `final prediction: ${finalPrediction}${finalPrediction === target ? '' : `  (target: ${target})`}\n`,
  );
  return { finalLoss, finalPrediction, target, firstCorrect };
}
