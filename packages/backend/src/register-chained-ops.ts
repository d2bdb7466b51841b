import * as tf from '@tensorflow/tfjs-core';

// Chained methods whose op has another name (or none) in tfjs-core's functional API.
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

/**
 * Installs tfjs's chained tensor methods (`t.flatten()`, `t.matMul(b)`, …) where they are
 * missing. Plain Node loads tfjs-core's CommonJS build, which has none, and code written for the
 * full tfjs bundle — `@tensorflow/tfjs-layers` among it — calls them. Each method calls the
 * functional op of the same name on the one shared Tensor class. rnnkit itself never needs this.
 *
 * @example
 * ```ts
 * registerChainedOps();
 * const layers = await import('@tensorflow/tfjs-layers'); // now works in plain Node
 * ```
 */
export function registerChainedOps(): void {
  const proto = (tf.Tensor as unknown as { prototype: Record<string, unknown> }).prototype;
  for (const [name, op] of Object.entries(tf as unknown as Record<string, unknown>)) {
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
}
