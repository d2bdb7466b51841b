import { DisposedError, ShapeError } from '@rnnkit/core';
import { createSimdStepper, simdEnabled } from '@rnnkit/core/simd';
import * as tf from '@tensorflow/tfjs-core';
import { RecurrentOptionError } from '../errors.js';
import type { Linear } from '../layers/linear.js';
import type { Recurrent, RecurrentState } from '../recurrent.js';
import { jsStepper } from './js-stepper.js';
import { readStepperWeights, type StepperCore, type StepperWeights } from './stepper-weights.js';

/** Batch-1 inference over a snapshot of the weights (see {@link createStepper}). */
export interface RecurrentStepper {
  /** Advances one step on an input row `[I]`, or on the one-hot row of an id; returns the
   *  top layer's h `[H]` (a view, overwritten by the next step). */
  step(input: Float32Array | number): Float32Array;
  /** The head's logits `[V]` after the last step (a view, overwritten by the next step);
   *  needs `head` in the options. */
  logits(): Float32Array;
  /** Sets the state (copied from tensors `[L, 1, H]`), or zeros. */
  setState(state?: RecurrentState): void;
  /** The state as new tensors `[L, 1, H]`; the caller disposes them. */
  getState(): RecurrentState;
  /** True once any weight variable was assigned since the snapshot, the backend changed, or
   *  rnnkit's SIMD kernels were turned on or off (rebuild the stepper). */
  stale(): boolean;
  /** Frees the stepper's copy of the weights; any later call but `stale` throws. */
  dispose(): void;
  /** Whether the steps run as WebAssembly SIMD (else plain JS). */
  readonly simd: boolean;
}

export interface StepperOptions {
  /** A dense layer on the top layer's h, computed with each step: `logits()`. */
  head?: Linear;
}

/**
 * A fast path for sampling: the network's weights read back once and each step computed with
 * no tfjs op at all (at batch 1 a step is ~200k multiply-adds; tfjs's per-op dispatch would
 * cost more than the arithmetic).
 *
 * Where WebAssembly SIMD runs, a whole step — every
 * layer's input product (a row gather for an id), recurrent mat-vec and cell, then the head's
 * logits — is one call into `@rnnkit/core/simd`'s stepper, on a memory of its own holding a
 * copy of the weights, whatever the tfjs backend. Elsewhere, or after `setSimdEnabled(false)`,
 * plain JS: the products by the wasm backend's XNNPACK matMul on wasm, in JS on cpu, the cell
 * as one fused JS pass. The snapshot is keyed on the weight variables' data identity
 * (`assign` gives a variable new data), so {@link RecurrentStepper.stale} tells when training
 * has moved the weights on.
 *
 * @example
 * ```ts
 * const stepper = createStepper(lstm, { head: fc });
 * for (const id of prompt) stepper.step(id); // one-hot input by id
 * const h = stepper.step(nextId); // Float32Array [H]
 * const logits = stepper.logits(); // Float32Array [V]
 * stepper.dispose();
 * ```
 */
export function createStepper(rec: Recurrent, options: StepperOptions = {}): RecurrentStepper {
  const { cell, hiddenSize: H, inputSize } = rec.config;
  checkDefaultEquations(rec);
  const weights = readStepperWeights(rec, options.head);
  const variables = [
    ...rec.layers.flatMap((l) => [l.weightIh, l.weightHh, l.biasIh, l.biasHh]),
    ...(options.head ? [options.head.weight, options.head.bias] : []),
  ];
  const dataIds = variables.map((v) => v.dataId);
  const backend = tf.backend();
  const simdWas = simdEnabled();
  const core = simdCore(weights) ?? jsStepper(rec, weights);
  const L = core.h.length;
  const top = core.h[L - 1] as Float32Array;
  let disposed = false;
  const alive = (call: string) => {
    if (disposed) {
      throw new DisposedError(
        `RecurrentStepper.${call}: the stepper was disposed; create a new one with createStepper.`,
      );
    }
  };

  return {
    simd: core.simd,
    step(input) {
      alive('step');
      checkInput(input, inputSize);
      core.step(input);
      return top;
    },
    logits() {
      alive('logits');
      if (weights.head === undefined) {
        throw new RecurrentOptionError(
          'RecurrentStepper.logits: this stepper has no head; create it with createStepper(rec, { head: linear }).',
        );
      }
      return core.logits();
    },
    setState(state) {
      alive('setState');
      const h = state ? readState(state.h, 'h', L, H) : undefined;
      const c = state?.c ? readState(state.c, 'c', L, H) : undefined;
      for (let i = 0; i < L; i++) {
        const hi = core.h[i] as Float32Array;
        if (h) hi.set(h.subarray(i * H, (i + 1) * H));
        else hi.fill(0);
        const ci = core.c[i];
        if (ci && c) ci.set(c.subarray(i * H, (i + 1) * H));
        else ci?.fill(0);
      }
    },
    getState() {
      alive('getState');
      const stack = (rows: readonly (Float32Array | undefined)[]) => {
        const all = new Float32Array(L * H);
        for (const [i, row] of rows.entries()) all.set(row as Float32Array, i * H);
        return tf.tensor3d(all, [L, 1, H]);
      };
      return cell === 'lstm' ? { h: stack(core.h), c: stack(core.c) } : { h: stack(core.h) };
    },
    stale() {
      if (tf.backend() !== backend || simdEnabled() !== simdWas) return true;
      for (let i = 0; i < variables.length; i++) {
        if ((variables[i] as tf.Variable).dataId !== dataIds[i]) return true;
      }
      return false;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      core.dispose();
    },
  };
}

/**
 * Both steppers compute the default equations (tanh, sigmoid, GRU reset after): a network with
 * Keras activations or a reset-before GRU is refused rather than stepped wrongly.
 */
function checkDefaultEquations(rec: Recurrent): void {
  const { activation, recurrentActivation, resetAfter } = rec.config;
  const options = [
    (activation ?? 'tanh') !== 'tanh' ? `activation '${activation}'` : undefined,
    (recurrentActivation ?? 'sigmoid') !== 'sigmoid'
      ? `recurrentActivation '${recurrentActivation}'`
      : undefined,
    resetAfter === false ? 'resetAfter: false' : undefined,
  ].filter((o) => o !== undefined);
  if (options.length > 0) {
    throw new RecurrentOptionError(
      `createStepper: steps only the default equations (activation 'tanh', recurrentActivation 'sigmoid', GRU resetAfter true); this network has ${options.join(', ')}. Run it with runRecurrent (or stepRecurrent) instead.`,
    );
  }
}

/** The SIMD stepper, where WebAssembly SIMD runs and is enabled. */
function simdCore(w: StepperWeights): StepperCore | undefined {
  const s = createSimdStepper(w.layers, w.head);
  if (s === undefined) return undefined;
  return {
    simd: true,
    h: s.h,
    c: s.c,
    step: (input) => (typeof input === 'number' ? s.step(input) : s.stepInput(input)),
    logits: () => s.logits as Float32Array,
    dispose: () => s.dispose(),
  };
}

function checkInput(input: Float32Array | number, inputSize: number): void {
  if (typeof input === 'number') {
    if (Number.isInteger(input) && input >= 0 && input < inputSize) return;
    throw new ShapeError(
      `RecurrentStepper.step: id ${input} is outside the one-hot input [0, ${inputSize}); pass an integer below the network's inputSize.`,
    );
  }
  if (input.length !== inputSize) {
    throw new ShapeError(
      `RecurrentStepper.step: the input row has ${input.length} values, expected inputSize = ${inputSize}.`,
    );
  }
}

function readState(t: tf.Tensor, name: string, L: number, H: number): Float32Array {
  if (t.size !== L * H) {
    throw new ShapeError(
      `RecurrentStepper.setState: state.${name} has shape [${t.shape}], expected [${L}, 1, ${H}].`,
    );
  }
  return t.dataSync() as Float32Array;
}
