import { ShapeError } from '@rnnkit/core';
import type { StepperHead, StepperLayer } from '@rnnkit/core/simd';
import type * as tf from '@tensorflow/tfjs-core';
import type { Linear } from '../layers/linear.js';
import type { Recurrent } from '../recurrent.js';

/** A network's weights read back once into plain arrays (copies: tfjs may reuse its own). */
export interface StepperWeights {
  layers: StepperLayer[];
  head: StepperHead | undefined;
}

/** What an implementation of the stepper provides; `createStepper` adds the rest. */
export interface StepperCore {
  simd: boolean;
  /** Per layer, h [H] and (LSTM) c [H], updated in place by `step`. */
  h: readonly Float32Array[];
  c: readonly (Float32Array | undefined)[];
  step(input: Float32Array | number): void;
  /** The head's logits [V] for the top layer's current h. */
  logits(): Float32Array;
  dispose(): void;
}

const copy = (v: tf.Variable) => (v.dataSync() as Float32Array).slice();

/** Reads `rec` (and `head`, a dense layer on its top h) back from tfjs, checking the head. */
export function readStepperWeights(rec: Recurrent, head: Linear | undefined): StepperWeights {
  const { cell, hiddenSize } = rec.config;
  if (
    head &&
    (head.weight.shape[1] !== hiddenSize || head.bias.shape[0] !== head.weight.shape[0])
  ) {
    throw new ShapeError(
      `createStepper: the head's weight is [${head.weight.shape}] and its bias [${head.bias.shape}]; expected [V, ${hiddenSize}] and [V] on the top layer's h of size ${hiddenSize}.`,
    );
  }
  return {
    layers: rec.layers.map((l) => ({
      cell,
      inputSize: l.weightIh.shape[1] as number,
      hiddenSize,
      weightIh: copy(l.weightIh),
      weightHh: copy(l.weightHh),
      biasIh: copy(l.biasIh),
      biasHh: copy(l.biasHh),
    })),
    head: head && { weight: copy(head.weight), bias: copy(head.bias) },
  };
}
