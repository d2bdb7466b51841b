import { adam, sequenceLoss } from '@rnnkit/optim';
import * as tf from '@tensorflow/tfjs-core';
import { ReferenceFormatError } from '../errors.js';
import {
  type CharLM,
  charLMLogits,
  charLMParams,
  createCharLM,
  disposeCharLM,
} from '../models/char-lm.js';
import { trainStep } from '../train/train-step.js';
import { type Check, compare, TOLERANCES } from './compare.js';
import type { TrainerReference } from './reference-types.js';
import { scoped } from './scoped.js';
import { tensorOf } from './verify-cell.js';

/**
 * Runs a `trainer` reference: the char LM (one-hot → cells → linear) trained with sequence loss
 * and Adam, step by step, from the recorded initial weights. Each step checks the logits,
 * predictions, loss and gradients before the update and the parameters after it.
 */
export function verifyTrainer(ref: TrainerReference): Check[] {
  const checks: Check[] = [];
  for (const [runName, run] of Object.entries(ref.runs)) {
    const model = createCharLM({
      vocabSize: ref.num_classes,
      cell: ref.cell,
      hiddenSize: ref.hidden_size,
      numLayers: ref.num_layers,
    });
    const optimizer = adam({
      learningRate: ref.lr,
      beta1: ref.beta1,
      beta2: ref.beta2,
      epsilon: run.epsilon,
    });
    try {
      loadReferenceParams(model, ref.init);
      const x = tensorOf(ref.x_indices, 'int32') as tf.Tensor2D;
      const y = tensorOf(ref.y_indices, 'int32') as tf.Tensor2D;
      run.steps.forEach((step, k) => {
        const label = `${runName} step ${k + 1}`;
        scoped(() => {
          const logits = charLMLogits(model, x).logits;
          checks.push(
            compare(`${label} logits`, logits.dataSync(), step.logits_before, TOLERANCES.state),
          );
          const prediction = tf.argMax(logits, 2).dataSync();
          checks.push(
            compare(`${label} prediction`, prediction, step.prediction_before, TOLERANCES.exact),
          );
          checks.push(...compareGrads(model, x, y, step.grads, label));
        });
        const result = trainStep(model, optimizer, x, y);
        checks.push(
          compare(
            `${label} loss`,
            result.loss.dataSync(),
            step.loss_before,
            TOLERANCES.trainerLoss,
          ),
        );
        tf.dispose([result.loss, result.gradNorm, result.state.h, result.state.c as tf.Tensor]);
        const params = charLMParams(model);
        for (const [name, want] of Object.entries(step.params_after)) {
          const got = (params[modelName(name)] as tf.Variable).dataSync();
          checks.push(compare(`${label} ${name} after`, got, want, TOLERANCES.params));
        }
      });
      tf.dispose([x, y]);
    } finally {
      optimizer.dispose();
      disposeCharLM(model);
    }
  }
  return checks;
}

/** Reference names (`weight_ih_l0`, `fc_weight`) to the model's (`rnn.weight_ih_l0`, `fc.weight`). */
function modelName(name: string): string {
  return name.startsWith('fc_') ? `fc.${name.slice(3)}` : `rnn.${name}`;
}

function loadReferenceParams(model: CharLM, init: Record<string, unknown>): void {
  const params = charLMParams(model);
  for (const [name, value] of Object.entries(init)) {
    const v = params[modelName(name)];
    if (!v)
      throw new ReferenceFormatError(`The trainer reference has an unknown weight '${name}'.`);
    tf.tidy(() => v.assign(tensorOf(value)));
  }
}

function compareGrads(
  model: CharLM,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  want: Record<string, unknown>,
  label: string,
): Check[] {
  const params = charLMParams(model);
  const { grads } = tf.variableGrads(() => {
    const logits = charLMLogits(model, x).logits;
    return sequenceLoss(logits, y) as tf.Scalar;
  }, Object.values(params));
  return Object.entries(want).map(([name, g]) => {
    const v = params[modelName(name)] as tf.Variable;
    return compare(
      `${label} grad ${name}`,
      (grads[v.name] as tf.Tensor).dataSync(),
      g,
      TOLERANCES.grad,
    );
  });
}
