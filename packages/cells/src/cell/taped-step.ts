import * as tf from '@tensorflow/tfjs-core';
import type { Recurrent, RecurrentLayer } from '../recurrent.js';

/**
 * One step of one layer with the README's equations, in plain tfjs ops recorded on the tape
 * (their kernel gradients, not the fused BPTT). `hIn` is the h fed to `W_hh` (masked by
 * variational dropout); the GRU's carry `z·h` uses the true `h`.
 */
export function tapedCellStep(
  cell: Recurrent['config']['cell'],
  w: RecurrentLayer,
  x: tf.Tensor,
  h: tf.Tensor,
  hIn: tf.Tensor,
  c: tf.Tensor | undefined,
): { h: tf.Tensor; c?: tf.Tensor } {
  const gi = tf.add(tf.matMul(x, tf.transpose(w.weightIh)), w.biasIh); // [B, G*H]
  const gh = tf.add(tf.matMul(hIn, tf.transpose(w.weightHh)), w.biasHh); // [B, G*H]
  if (cell === 'rnn') return { h: tf.tanh(tf.add(gi, gh)) };
  if (cell === 'lstm') {
    const [i, f, g, o] = tf.split(tf.add(gi, gh), 4, 1) as tf.Tensor[];
    const c2 = tf.add(
      tf.mul(tf.sigmoid(f as tf.Tensor), c as tf.Tensor),
      tf.mul(tf.sigmoid(i as tf.Tensor), tf.tanh(g as tf.Tensor)),
    );
    return { h: tf.mul(tf.sigmoid(o as tf.Tensor), tf.tanh(c2)), c: c2 };
  }
  const [xr, xz, xn] = tf.split(gi, 3, 1) as tf.Tensor[];
  const [hr, hz, hn] = tf.split(gh, 3, 1) as tf.Tensor[];
  const r = tf.sigmoid(tf.add(xr as tf.Tensor, hr as tf.Tensor));
  const z = tf.sigmoid(tf.add(xz as tf.Tensor, hz as tf.Tensor));
  const nn = tf.tanh(tf.add(xn as tf.Tensor, tf.mul(r, hn as tf.Tensor)));
  return { h: tf.add(tf.mul(tf.sub(1, z), nn), tf.mul(z, h)) };
}
