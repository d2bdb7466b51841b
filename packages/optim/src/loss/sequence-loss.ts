import * as tf from '@tensorflow/tfjs-core';
import { booleanOption, checkKnownKeys } from '../checks.js';
import { checkLossInputs } from './check-inputs.js';

/** How {@link sequenceLoss} reduces the weighted per-step cross-entropy. */
export interface SequenceLossOptions {
  /** Divide by the total weight over time, per sequence (default true). */
  averageAcrossTimesteps?: boolean;
  /** Divide by the total weight over the batch, per step (default true). */
  averageAcrossBatch?: boolean;
}

/** TF's `denominator_epsilon`: only keeps all-zero weights at 0 instead of 0/0 = NaN. */
export const DENOMINATOR_EPSILON = 1e-12;

const OPTION_KEYS = ['averageAcrossTimesteps', 'averageAcrossBatch'] as const;

/**
 * Weighted softmax cross-entropy of a batch of sequences, with the semantics of
 * `tf.contrib.seq2seq.sequence_loss`:
 *
 *   ce[b,t]   = logsumexp(logits[b,t,:]) - logits[b,t,y[b,t]]
 *   loss      = Σ w·ce / (Σ w + 1e-12)                 both averages (default) → scalar
 *   loss[b]   = Σ_t w·ce / (Σ_t w + 1e-12)             averageAcrossBatch false → [B]
 *   loss[t]   = Σ_b w·ce / (Σ_b w + 1e-12)             averageAcrossTimesteps false → [T]
 *   loss[b,t] = w·ce                                   neither → [B,T]
 *
 * Differentiable in `logits` only, through its own gradient (no kernel gradients needed):
 *
 *   d loss / d logits[b,t,:] = (softmax(logits[b,t,:]) - onehot(y[b,t])) · w[b,t] / denominator
 *
 * A fully masked sequence or all-zero weights give 0. Targets are not range-checked here,
 * because that needs a read of tensor data on every step: an id outside [0, V) makes its
 * cross-entropy NaN (as TF does on GPU), which poisons the loss visibly even under a zero
 * weight. Pad with a valid id and weight 0; check a data set once with `checkTargets`.
 *
 * @param logits float32 `[B, T, V]`
 * @param targets int32 `[B, T]`, class ids in `[0, V)`
 * @param weights float32 `[B, T]`, default all ones; zeros mask steps
 * @returns a `tf.Scalar` without options (typed so, for `tf.variableGrads`), else as above
 * @example
 * ```ts
 * const logits = tf.randomNormal([1, 6, 5]) as tf.Tensor3D;      // "hihell" → 5 classes
 * const targets = tf.tensor2d([[1, 0, 2, 3, 3, 4]], [1, 6], 'int32'); // "ihello"
 * const loss = sequenceLoss(logits, targets);                   // scalar, mean nats per char
 * ```
 */
export function sequenceLoss(
  logits: tf.Tensor3D,
  targets: tf.Tensor2D,
  weights?: tf.Tensor2D,
): tf.Scalar;
export function sequenceLoss(
  logits: tf.Tensor3D,
  targets: tf.Tensor2D,
  weights: tf.Tensor2D | undefined,
  options: SequenceLossOptions,
): tf.Tensor;
export function sequenceLoss(
  logits: tf.Tensor3D,
  targets: tf.Tensor2D,
  weights?: tf.Tensor2D,
  options: SequenceLossOptions = {},
): tf.Tensor {
  const where = 'sequenceLoss';
  const { batch, time, classes } = checkLossInputs(where, logits, targets, weights);
  checkKnownKeys(where, options, OPTION_KEYS);
  const { averageAcrossTimesteps: byTime, averageAcrossBatch: byBatch } = options;
  const acrossTime = booleanOption(where, 'averageAcrossTimesteps', byTime, true);
  const acrossBatch = booleanOption(where, 'averageAcrossBatch', byBatch, true);
  const axes = [...(acrossBatch ? [0] : []), ...(acrossTime ? [1] : [])];
  // The loss keeps the axes it does not average over; its upstream gradient is reshaped back
  // to broadcast against [B,T].
  const dyShape = [acrossBatch ? 1 : batch, acrossTime ? 1 : time];

  const lossOfLogits = tf.customGrad((...args) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const logProbs = logSoftmax(x); // [B,T,V]
    const crossent = pickNegLogProb(logProbs, targets, classes); // [B,T]
    // scale[b,t] = w[b,t] / denominator, the factor both the loss and its gradient need.
    const w = weights ?? tf.ones([batch, time]); // [B,T]
    const scale =
      axes.length === 0 ? w : tf.div(w, tf.add(tf.sum(w, axes, true), DENOMINATOR_EPSILON));
    const weighted = tf.mul(scale, crossent); // [B,T]
    const value = axes.length === 0 ? weighted : tf.sum(weighted, axes); // [], [B] or [T]
    save([logProbs, targets, scale]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [logp, y, s] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const probs = tf.exp(logp); // [B,T,V]
        const coef = tf.mul(s, tf.reshape(dy, dyShape)); // [B,T]
        return tf.mul(tf.sub(probs, floatOneHot(y, classes)), tf.expandDims(coef, 2));
      },
    };
  });
  return lossOfLogits(logits);
}

/**
 * Unweighted softmax cross-entropy in nats at every step,
 * `ce[b,t] = logsumexp(logits[b,t,:]) - logits[b,t,targets[b,t]]`, with the same stable
 * log-softmax, validation and custom gradient as {@link sequenceLoss}.
 *
 * @example
 * ```ts
 * const ce = crossEntropy(logits, targets); // [B, T]
 * ```
 */
export function crossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Tensor2D {
  checkLossInputs('crossEntropy', logits, targets);
  return sequenceLoss(logits, targets, undefined, {
    averageAcrossTimesteps: false,
    averageAcrossBatch: false,
  }) as tf.Tensor2D;
}

/**
 * Log-softmax over the last axis, stable for any logit size:
 *
 *   log p_k = (x_k - m) - log Σ_j exp(x_j - m),   m = max_j x_j
 *
 * Subtracting the max keeps every `exp` in (0, 1]; a naive `log(softmax(x))` overflows to
 * inf/NaN in float32 once logits pass ~88.
 */
function logSoftmax(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const shifted = tf.sub(logits, tf.max(logits, -1, true)); // [..., V]
    const logSumExp = tf.log(tf.sum(tf.exp(shifted), -1, true)); // [..., 1]
    return tf.sub(shifted, logSumExp); // [..., V]
  });
}

/**
 * `-log p[b,t,y[b,t]]` by a one-hot product, which works on every backend (no gather).
 * Dividing by the one-hot row sum (exactly 1 for a valid id) turns an out-of-range id into
 * 0/0 = NaN rather than a silent 0.
 */
function pickNegLogProb(logProbs: tf.Tensor, targets: tf.Tensor, classes: number): tf.Tensor {
  const onehot = floatOneHot(targets, classes); // [B,T,V]
  const picked = tf.sum(tf.mul(onehot, logProbs), -1); // [B,T]
  return tf.div(picked, tf.neg(tf.sum(onehot, -1))); // [B,T]
}

/**
 * One-hot rows as float32. Cast rather than `oneHot(…, 'float32')`: the wasm backend (4.22)
 * ignores the dtype and writes integer 1s into the float buffer (1.4e-45).
 */
function floatOneHot(ids: tf.Tensor, classes: number): tf.Tensor {
  return tf.cast(tf.oneHot(ids, classes), 'float32');
}
