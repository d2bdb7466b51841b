// The PyTorch float64 reference vectors: forward values and BPTT gradients of every cell file.
import { initBackend } from '@rnnkit/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose, listVectors, loadVector, TOLERANCE } from '../../../../fixtures/reference.js';
import { createRecurrent } from '../create-recurrent.js';
import { disposeRecurrent, recurrentParams } from '../recurrent.js';
import { BACKENDS, fromNested } from '../test-support/backends.js';
import { loadRecurrentStateDict } from '../weights/state-dict.js';
import { runRecurrent } from './run-recurrent.js';

const files = listVectors('cell_');

describe.each(BACKENDS)('runRecurrent vs PyTorch vectors on %s', (backend) => {
  const worst = { state: 0, loss: 0, grad: 0 };
  beforeAll(async () => {
    await initBackend({ backend });
  });
  afterAll(() => {
    console.log(
      `${backend}: worst |diff| vs PyTorch: outputs/h_n/c_n ${worst.state.toExponential(2)}, ` +
        `loss ${worst.loss.toExponential(2)}, grads ${worst.grad.toExponential(2)}`,
    );
  });

  it('finds the cell vectors', () => {
    expect(files.length).toBeGreaterThanOrEqual(19);
  });

  it.each(files)('%s', (file) => {
    const v = loadVector(file);
    const rec = createRecurrent({
      cell: v.cell,
      inputSize: v.input_size,
      hiddenSize: v.hidden_size,
      numLayers: v.num_layers,
    });
    loadRecurrentStateDict(rec, v.weights);
    const lstm = v.cell === 'lstm';
    const x = fromNested(v.x) as tf.Tensor3D;
    const h0 = fromNested(v.h0) as tf.Tensor3D;
    const c0 = lstm ? (fromNested(v.c0) as tf.Tensor3D) : undefined;
    const g = fromNested(v.loss_weights);
    const note = (kind: keyof typeof worst, err: number) => {
      worst[kind] = Math.max(worst[kind], err);
    };

    const { outputs, state } = runRecurrent(rec, x, {
      initialState: c0 ? { h: h0, c: c0 } : { h: h0 },
    });
    note('state', expectClose(outputs.dataSync(), v.outputs, TOLERANCE.state, 'outputs'));
    note('state', expectClose(state.h.dataSync(), v.h_n, TOLERANCE.state, 'h_n'));
    if (lstm) note('state', expectClose(state.c?.dataSync() ?? [], v.c_n, TOLERANCE.state, 'c_n'));
    tf.dispose([outputs, state.h, state.c]);

    const loss = (...inputs: tf.Tensor[]) => {
      const [xi, hi, ci] = inputs as tf.Tensor3D[];
      const initialState = ci ? { h: hi as tf.Tensor3D, c: ci } : { h: hi as tf.Tensor3D };
      const run = runRecurrent(rec, xi as tf.Tensor3D, { initialState });
      return tf.sum(tf.mul(run.outputs, g)) as tf.Scalar;
    };
    const wrt = c0 ? [x, h0, c0] : [x, h0];
    const { value, grads } = tf.valueAndGrads(loss)(wrt);
    note('loss', expectClose(value.dataSync(), v.loss, TOLERANCE.state, 'loss'));
    ['x', 'h0', 'c0'].slice(0, wrt.length).forEach((name, i) => {
      note(
        'grad',
        expectClose(grads[i]?.dataSync() ?? [], v.grads[name], TOLERANCE.grad, `d${name}`),
      );
    });

    const params = recurrentParams(rec);
    const vg = tf.variableGrads(() => loss(...wrt), Object.values(params));
    for (const [name, variable] of Object.entries(params)) {
      const got = vg.grads[variable.name];
      note('grad', expectClose(got?.dataSync() ?? [], v.grads[name], TOLERANCE.grad, `d${name}`));
    }
    tf.dispose([x, h0, c0, g, value, ...grads, vg.value, ...Object.values(vg.grads)]);
    disposeRecurrent(rec);
  });
});
