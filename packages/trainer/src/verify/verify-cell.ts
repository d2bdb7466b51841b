import {
  createRecurrent,
  disposeRecurrent,
  loadRecurrentStateDict,
  recurrentParams,
  runRecurrent,
  type WeightDict,
} from '@rnnkit/cells';
import * as tf from '@tensorflow/tfjs-core';
import { type Check, compare, flatten, shapeOf, TOLERANCES } from './compare.js';
import type { CellReference } from './reference-types.js';
import { scoped } from './scoped.js';

/**
 * Runs a `cell_*` reference through the recurrent stack: outputs, final states, the loss
 * `sum(outputs * G)`, and its gradients with respect to x, h0, c0 and every weight.
 */
export function verifyCell(ref: CellReference): Check[] {
  const rec = createRecurrent({
    cell: ref.cell,
    inputSize: ref.input_size,
    hiddenSize: ref.hidden_size,
    numLayers: ref.num_layers,
  });
  try {
    loadRecurrentStateDict(rec, ref.weights as WeightDict);
    return scoped(() => {
      const x = tensorOf(ref.x);
      const h0 = tensorOf(ref.h0) as tf.Tensor3D;
      const c0 = ref.c0 ? (tensorOf(ref.c0) as tf.Tensor3D) : undefined;
      const g = tensorOf(ref.loss_weights);
      const params = recurrentParams(rec);
      const names = Object.keys(params);
      const inputs = [x, h0, ...(c0 ? [c0] : []), ...Object.values(params)];
      let outputs: tf.Tensor | undefined;
      let hN: tf.Tensor | undefined;
      let cN: tf.Tensor | undefined;
      const { value: loss, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => {
        const initialState = {
          h: args[1] as tf.Tensor3D,
          c: c0 ? (args[2] as tf.Tensor3D) : undefined,
        };
        const run = runRecurrent(rec, args[0] as tf.Tensor3D, { initialState });
        outputs = tf.keep(run.outputs);
        hN = tf.keep(run.state.h);
        cN = run.state.c ? tf.keep(run.state.c) : undefined;
        return tf.sum(tf.mul(run.outputs, g));
      })(inputs);
      const checks = [
        compare('outputs', (outputs as tf.Tensor).dataSync(), ref.outputs, TOLERANCES.state),
        compare('h_n', (hN as tf.Tensor).dataSync(), ref.h_n, TOLERANCES.state),
      ];
      if (ref.c_n)
        checks.push(compare('c_n', (cN as tf.Tensor).dataSync(), ref.c_n, TOLERANCES.state));
      checks.push(compare('loss', loss.dataSync(), ref.loss, TOLERANCES.state));
      // valueAndGrads frees what it made except the kept results; free those once compared.
      tf.dispose([outputs as tf.Tensor, hN as tf.Tensor, cN as tf.Tensor]);
      const gradNames = ['x', 'h0', ...(c0 ? ['c0'] : []), ...names];
      gradNames.forEach((name, i) => {
        const want = ref.grads[name];
        if (want === undefined) return;
        checks.push(
          compare(`grad ${name}`, (grads[i] as tf.Tensor).dataSync(), want, TOLERANCES.grad),
        );
      });
      return checks;
    });
  } finally {
    disposeRecurrent(rec);
  }
}

/** A float32 tensor from a nested JSON array. */
export function tensorOf(nested: unknown, dtype: 'float32' | 'int32' = 'float32'): tf.Tensor {
  return tf.tensor(flatten(nested), shapeOf(nested), dtype);
}
