import * as tf from '@tensorflow/tfjs-core';
import { cellMath } from '../cell/registry.js';
import type { Recurrent, RecurrentState } from '../recurrent.js';
import { checkState, checkStep } from './check-shapes.js';

/**
 * Advances the network by one step, for sampling and inference. Runs the cells directly
 * (no custom gradient, no saved activations): a handful of ops per layer.
 *
 * @example
 * ```ts
 * let state = zeroState(lstm, 1);
 * for (const id of prompt) {
 *   const x = tf.cast(tf.oneHot(tf.tensor1d([id], 'int32'), vocab), 'float32'); // [1, V]
 *   const next = stepRecurrent(lstm, x as tf.Tensor2D, state);
 *   tf.dispose([x, state.h, state.c]);
 *   state = next.state; // next.output: [1, H]
 * }
 * ```
 */
export function stepRecurrent(
  rec: Recurrent,
  x: tf.Tensor2D, // [B, I]
  state: RecurrentState,
): { output: tf.Tensor2D; state: RecurrentState } {
  const batch = checkStep(rec, x, 'stepRecurrent');
  checkState(rec, state, batch, 'stepRecurrent state');
  const math = cellMath(rec.config.cell);
  const out = tf.tidy(() => {
    const hs = tf.unstack(state.h) as tf.Tensor2D[];
    const cs = state.c && (tf.unstack(state.c) as tf.Tensor2D[]);
    const newH: tf.Tensor2D[] = [];
    const newC: tf.Tensor2D[] = [];
    let input = x;
    rec.layers.forEach((layer, l) => {
      const wIhT = tf.transpose(layer.weightIh) as tf.Tensor2D; // [I_l, G*H]
      const xp = tf.add(
        tf.matMul(input, wIhT),
        math.inputBias(layer.biasIh as tf.Tensor1D, layer.biasHh as tf.Tensor1D),
      );
      const wHhT = tf.transpose(layer.weightHh) as tf.Tensor2D; // [H, G*H]
      const s = math.step(
        xp as tf.Tensor2D,
        hs[l] as tf.Tensor2D,
        cs?.[l],
        wHhT,
        layer.biasHh as tf.Tensor1D,
      );
      newH.push(s.h);
      if (s.c != null) newC.push(s.c);
      input = s.h; // [B, H]
    });
    const h = tf.stack(newH) as tf.Tensor3D; // [L, B, H]
    return cs ? { output: input, h, c: tf.stack(newC) as tf.Tensor3D } : { output: input, h };
  });
  const { output, h, c } = out as { output: tf.Tensor2D; h: tf.Tensor3D; c?: tf.Tensor3D };
  return { output, state: c ? { h, c } : { h } };
}
