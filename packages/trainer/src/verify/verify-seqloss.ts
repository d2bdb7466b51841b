import { crossEntropy, sequenceLoss } from '@rnnkit/optim';
import * as tf from '@tensorflow/tfjs-core';
import { type Check, compare, TOLERANCES } from './compare.js';
import type { SeqLossReference } from './reference-types.js';
import { scoped } from './scoped.js';
import { tensorOf } from './verify-cell.js';

/** Runs a `seqloss_*` reference: the loss in every averaging mode, cross-entropy, gradient. */
export function verifySeqLoss(ref: SeqLossReference): Check[] {
  return scoped(() => {
    const logits = tensorOf(ref.logits) as tf.Tensor3D;
    const targets = tensorOf(ref.targets, 'int32') as tf.Tensor2D;
    const weights = tensorOf(ref.weights) as tf.Tensor2D;
    const tol = TOLERANCES.seqloss;
    const grad = tf.grad((l: tf.Tensor) => sequenceLoss(l as tf.Tensor3D, targets, weights))(
      logits,
    );
    const checks = [
      compare('loss', sequenceLoss(logits, targets, weights).dataSync(), ref.loss, tol),
      compare('crossent', crossEntropy(logits, targets).dataSync(), ref.crossent, tol),
      compare('grad_logits', grad.dataSync(), ref.grad_logits, tol),
    ];
    const modes = [
      [
        'loss_average_across_timesteps_only',
        { averageAcrossTimesteps: true, averageAcrossBatch: false },
      ],
      [
        'loss_average_across_batch_only',
        { averageAcrossTimesteps: false, averageAcrossBatch: true },
      ],
      ['loss_no_averaging', { averageAcrossTimesteps: false, averageAcrossBatch: false }],
    ] as const;
    for (const [field, options] of modes) {
      if (ref[field] === undefined) continue;
      const value = sequenceLoss(logits, targets, weights, options);
      checks.push(compare(field, value.dataSync(), ref[field], tol));
    }
    return checks;
  });
}
