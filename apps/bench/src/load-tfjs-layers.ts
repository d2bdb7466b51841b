// Loads @tensorflow/tfjs-layers onto the one tfjs-core rnnkit uses. In plain Node tfjs-core
// resolves to its CommonJS bundle, which lacks the chained tensor methods (`t.flatten()`)
// tfjs-layers calls; this installs them on the shared Tensor class (each calls the functional
// op of the same name). Same approach as the cells tests.
import * as tf from '@tensorflow/tfjs-core';

export type TfjsLayers = typeof import('@tensorflow/tfjs-layers');

const RENAMED: Record<string, (t: tf.Tensor, ...a: never[]) => tf.Tensor> = {
  flatten: (t) => tf.reshape(t, [t.size]),
  asScalar: (t) => tf.reshape(t, []),
  as1D: (t) => tf.reshape(t, [t.size]),
  as2D: (t, r: number, c: number) => tf.reshape(t, [r, c]),
  as3D: (t, ...s: number[]) => tf.reshape(t, s),
  as4D: (t, ...s: number[]) => tf.reshape(t, s),
  asType: (t, d: tf.DataType) => tf.cast(t, d),
  toFloat: (t) => tf.cast(t, 'float32'),
  toInt: (t) => tf.cast(t, 'int32'),
  toBool: (t) => tf.cast(t, 'bool'),
  reshapeAs: (t, o: tf.Tensor) => tf.reshape(t, o.shape),
};

/** tfjs-layers, or undefined when it is not installed (it is a dev dependency only). */
export async function loadTfjsLayers(): Promise<TfjsLayers | undefined> {
  let layers: TfjsLayers;
  try {
    layers = await import('@tensorflow/tfjs-layers');
  } catch {
    return undefined;
  }
  const proto = (tf.Tensor as unknown as { prototype: Record<string, unknown> }).prototype;
  const ops = tf as unknown as Record<string, unknown>;
  for (const [name, op] of Object.entries(ops)) {
    if (typeof op === 'function' && !(name in proto) && /^[a-z]/.test(name)) {
      proto[name] = function (this: tf.Tensor, ...args: unknown[]) {
        return (op as (...a: unknown[]) => unknown)(this, ...args);
      };
    }
  }
  for (const [name, op] of Object.entries(RENAMED)) {
    if (!(name in proto)) {
      proto[name] = function (this: tf.Tensor, ...args: never[]) {
        return op(this, ...args);
      };
    }
  }
  return layers;
}
