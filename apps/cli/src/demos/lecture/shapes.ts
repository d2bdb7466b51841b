import { type CellType, createRecurrent, disposeRecurrent, runRecurrent } from '@rnnkit/cells';
import * as tf from '@tensorflow/tfjs-core';
import type { Io } from '../../io.js';
import { formatShape, formatValues } from './format.js';

// The lecture's one-hot vectors for the four letters of "hello".
const ONE_HOT: Record<string, number[]> = {
  h: [1, 0, 0, 0],
  e: [0, 1, 0, 0],
  l: [0, 0, 1, 0],
  o: [0, 0, 0, 1],
};

/** One example of the walk-through: words → one-hot batch → a hidden-2 cell → outputs. */
function showCell(io: Io, title: string, cell: CellType, words: string[], seed: number): number[] {
  const x = tf.tensor3d(words.map((w) => Array.from(w, (ch) => ONE_HOT[ch] as number[])));
  const rnn = createRecurrent({ cell, inputSize: 4, hiddenSize: 2 }, { seed });
  const { outputs, state } = runRecurrent(rnn, x);
  io.out(`\n# ${title}\n`);
  io.out(
    `x_data = ${words.map((w) => `"${w}"`).join(', ')} one-hot, shape ${formatShape(x.shape)}\n`,
  );
  io.out(`${formatValues(x.arraySync(), 0)}\n`);
  io.out(`outputs shape ${formatShape(outputs.shape)}\n${formatValues(outputs.arraySync())}\n`);
  const shape = outputs.shape;
  tf.dispose([x, outputs, state.h, state.c as tf.Tensor]);
  disposeRecurrent(rnn);
  return shape;
}

/**
 * The lecture's shape walk-through: a hidden-2 RNN cell on "h" gives [1,1,2], on "hello"
 * [1,5,2], and an LSTM on the batch "hello","eolll","lleel" gives [3,5,2].
 */
export function runShapes(io: Io, seed: number): number[][] {
  io.out('== shapes: one-hot input, hidden size 2 ==\n');
  for (const [ch, v] of Object.entries(ONE_HOT)) io.out(`${ch} = [${v.join(', ')}]\n`);
  return [
    showCell(io, 'One cell RNN, input_dim (4) -> output_dim (2), sequence "h"', 'rnn', ['h'], seed),
    showCell(io, 'One cell RNN, sequence length 5: "hello"', 'rnn', ['hello'], seed),
    showCell(
      io,
      'LSTM, batch of 3 sequences of length 5',
      'lstm',
      ['hello', 'eolll', 'lleel'],
      seed,
    ),
  ];
}
