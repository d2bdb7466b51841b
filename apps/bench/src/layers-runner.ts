import * as tf from '@tensorflow/tfjs-core';
import { type BenchConfig, VOCAB } from './configs.js';
import type { TfjsLayers } from './load-tfjs-layers.js';
import { randomIds } from './random-ids.js';
import type { Runner } from './rnnkit-runner.js';

/**
 * tfjs-layers, used as its documentation suggests: stacked `lstm`/`gru`/`simpleRNN` layers
 * (`returnSequences`, sigmoid recurrent activation) and `timeDistributed(dense)` over one-hot
 * input; training is an Adam step over `tf.variableGrads` of the softmax cross-entropy
 * (`optimizer.minimize`); sampling is a stateful batch-1 model fed one character per
 * `predict`, as in tfjs-examples' lstm-text-generation.
 */
export function layersRunner(tfl: TfjsLayers, c: BenchConfig): Runner {
  const sampling = c.suite === 'sample';
  // tfjs-layers warns that its orthogonal initialiser is slow above 2000 elements (at build,
  // which may be the first call); that is set-up time, not what is measured, and the warning
  // would cut through the report. Silenced while the model lives.
  const warn = console.warn;
  console.warn = () => {};
  const restore = () => {
    console.warn = warn;
  };
  const model = tfl.sequential();
  for (let l = 0; l < c.layers; l++) {
    const args = {
      units: c.hidden,
      returnSequences: true,
      ...(l === 0 ? { batchInputShape: [c.batch, c.seqLength, VOCAB] } : {}),
      ...(sampling ? { stateful: true } : {}),
    };
    model.add(
      c.cell === 'rnn'
        ? tfl.layers.simpleRNN(args)
        : c.cell === 'gru'
          ? tfl.layers.gru({ ...args, recurrentActivation: 'sigmoid' })
          : tfl.layers.lstm({ ...args, recurrentActivation: 'sigmoid' }),
    );
  }
  model.add(tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: VOCAB }) }));

  if (sampling) {
    let id = 0;
    const chars = 20;
    return {
      step: () => {
        for (let i = 0; i < chars; i++) {
          const logits = tf.tidy(() => {
            const x = tf.oneHot(tf.tensor3d([[[id]]], [1, 1, 1], 'int32'), VOCAB);
            return model.predict(tf.reshape(tf.cast(x, 'float32'), [1, 1, VOCAB])) as tf.Tensor;
          });
          const row = logits.dataSync();
          logits.dispose();
          id = argmaxish(row);
        }
        return chars;
      },
      dispose: () => {
        model.dispose();
        restore();
      },
    };
  }
  const ids = randomIds(c.batch * (c.seqLength + 1), VOCAB, 1);
  const [x, y] = tf.tidy(() => {
    const data = tf.tensor2d(ids, [c.batch, c.seqLength + 1], 'int32');
    const hot = (t: tf.Tensor) => tf.cast(tf.oneHot(t, VOCAB), 'float32');
    return [
      hot(tf.slice(data, [0, 0], [c.batch, c.seqLength])),
      hot(tf.slice(data, [0, 1], [c.batch, c.seqLength])),
    ];
  });
  const optimizer = tf.train.adam(0.002);
  return {
    step: () => {
      const loss = optimizer.minimize(
        () =>
          tf.losses.softmaxCrossEntropy(
            y as tf.Tensor,
            model.apply(x as tf.Tensor, { training: true }) as tf.Tensor,
          ),
        true,
      );
      loss?.dataSync();
      loss?.dispose();
      return c.batch * c.seqLength;
    },
    dispose: () => {
      tf.dispose([x as tf.Tensor, y as tf.Tensor]);
      optimizer.dispose();
      model.dispose();
      restore();
    },
  };
}

/** Greedy pick: sampling cost is the model's, not the draw's. */
function argmaxish(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if ((row[i] as number) > (row[best] as number)) best = i;
  return best;
}
