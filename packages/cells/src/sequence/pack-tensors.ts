import * as tf from '@tensorflow/tfjs-core';

/**
 * Flattens the tensors of a nested structure of arrays and objects into a list, and rebuilds the
 * structure from a list of replacements in the same order.
 *
 * `tf.customGrad` only keeps what its forward passes to `save()` (as a flat list), while BPTT
 * wants named per-step pieces; this bridges the two.
 */
export function packTensors<T>(tree: T): { tensors: tf.Tensor[]; unpack(saved: tf.Tensor[]): T } {
  const tensors: tf.Tensor[] = [];
  mapTensors(tree, (t) => {
    tensors.push(t);
    return t;
  });
  return {
    tensors,
    unpack(saved) {
      let i = 0;
      return mapTensors(tree, () => saved[i++] as tf.Tensor) as T;
    },
  };
}

function mapTensors(tree: unknown, f: (t: tf.Tensor) => tf.Tensor): unknown {
  if (tree instanceof tf.Tensor) return f(tree);
  if (Array.isArray(tree)) return tree.map((v) => mapTensors(v, f));
  if (tree != null && typeof tree === 'object') {
    return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, mapTensors(v, f)]));
  }
  return tree;
}
