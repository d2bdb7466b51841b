import { ShapeError } from '@rnnkit/core';
import { kernelBackend, registerKernelOnce } from '@rnnkit/core/kernels';
import * as tf from '@tensorflow/tfjs-core';
import { KernelBackendError } from '../errors.js';
import {
  LINEAR_LOSS_GRAD_KERNEL,
  LINEAR_LOSS_KERNEL,
  linearLossGradKernel,
  linearLossKernel,
} from '../kernels/linear-loss.js';
import type { Linear } from './linear.js';

/**
 * A linear head and the weighted softmax cross-entropy of its logits in one op: the same value
 * and gradients as `sequenceLoss(applyLinear(lin, x), targets, weights)` from `@rnnkit/optim`
 * (both averages on), without the `[B, T, V]` logits ever becoming tensors:
 *
 *   z = x W^T + b      loss = Σ w·(logsumexp(z) - z[y]) / (Σ w + 1e-12)
 *   dz = (softmax(z) - onehot(y)) · w / (Σ w + 1e-12)
 *   dx = dz W          dW = dz^T x          db = Σ dz
 *
 * One kernel forward (a matMul and one pass over the rows) and one backward (one pass writing
 * dz and dz^T, two plain matMuls) on cpu and wasm; other backends throw `KernelBackendError`
 * (use the two unfused ops there). Differentiable in `x`, `lin.weight` and `lin.bias`.
 *
 * @param x float32 `[B, T, H]` (H = the layer's inFeatures)
 * @param targets int32 `[B, T]`, class ids in `[0, V)` (V = outFeatures)
 * @param weights float32 `[B, T]`, default all ones; zeros mask steps
 * @example
 * ```ts
 * const loss = linearSequenceLoss(fc, outputs, targets); // scalar, mean nats per step
 * ```
 */
export function linearSequenceLoss(
  lin: Linear,
  x: tf.Tensor3D,
  targets: tf.Tensor2D,
  weights?: tf.Tensor2D,
): tf.Scalar {
  const backendName = kernelBackend();
  if (backendName == null) {
    throw new KernelBackendError(
      `linearSequenceLoss runs on the cpu and wasm backends, not ${tf.getBackend()}: use sequenceLoss(applyLinear(lin, x), targets, weights).`,
    );
  }
  const inF = lin.weight.shape[1] as number;
  const [batch, time, hidden] = x.shape;
  const shape = `[${batch}, ${time}]`;
  if (x.rank !== 3 || hidden !== inF || x.dtype !== 'float32') {
    throw new ShapeError(
      `linearSequenceLoss: x must be float32 [batch, time, ${inF}], got ${x.dtype} [${x.shape.join(', ')}].`,
    );
  }
  if (targets.dtype !== 'int32' || targets.shape.join() !== `${batch},${time}`) {
    throw new ShapeError(
      `linearSequenceLoss: targets must be int32 ${shape} like x, got ${targets.dtype} [${targets.shape.join(', ')}].`,
    );
  }
  if (weights && (weights.dtype !== 'float32' || weights.shape.join() !== `${batch},${time}`)) {
    throw new ShapeError(
      `linearSequenceLoss: weights must be float32 ${shape} like targets, got ${weights.dtype} [${weights.shape.join(', ')}].`,
    );
  }
  registerKernelOnce(LINEAR_LOSS_KERNEL, backendName, linearLossKernel);
  registerKernelOnce(LINEAR_LOSS_GRAD_KERNEL, backendName, linearLossGradKernel);
  const n = batch * time;
  return tf.tidy(() => {
    const y = tf.reshape(targets, [n]);
    const w = weights && tf.reshape(weights, [n]);
    const given: tf.NamedTensorMap = w ? { targets: y, weights: w } : { targets: y };
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xi, weight, bias, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
      const x2 = tf.reshape(xi, [n, inF]); // [N, H]
      const inputs = { x: x2, weight, bias, ...given };
      const [loss, probs] = tf.engine().runKernel(LINEAR_LOSS_KERNEL, inputs, {}) as tf.Tensor[];
      // Everything the gradient reads is saved: tidy frees the rest before it runs.
      save([x2, weight, probs as tf.Tensor, ...Object.values(given)]);
      return {
        value: loss as tf.Scalar,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [xs, ws, ps, ys, wsOrUndefined] = saved as (tf.Tensor | undefined)[];
          const gradInputs: tf.NamedTensorMap = {
            probs: ps as tf.Tensor,
            targets: ys as tf.Tensor,
            dy,
            x: xs as tf.Tensor,
            weight: ws as tf.Tensor,
          };
          if (wsOrUndefined) gradInputs.weights = wsOrUndefined;
          const [dx, dW, db] = tf
            .engine()
            .runKernel(LINEAR_LOSS_GRAD_KERNEL, gradInputs, {}) as tf.Tensor[];
          return [
            tf.reshape(dx as tf.Tensor, [batch, time, hidden]),
            dW as tf.Tensor,
            db as tf.Tensor,
          ];
        },
      };
    });
    return op(x, lin.weight, lin.bias) as tf.Scalar;
  });
}
