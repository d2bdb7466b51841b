import * as tf from '@tensorflow/tfjs-core';
import type { Recurrent, RecurrentState } from '../recurrent.js';
import { type RunOptions, type RunResult, runRecurrent } from './run-recurrent.js';

/** A network that carries its state from call to call (Keras `stateful=True`). */
export interface StatefulRecurrent {
  /** Runs `x [B, T, I]` from the state the last call left (zeros at first); keeps the new one. */
  run(x: tf.Tensor3D, options?: Omit<RunOptions, 'initialState'>): tf.Tensor3D;
  /** The carried state, or undefined before the first call and after `resetStates()`. */
  readonly state: RecurrentState | undefined;
  /** Forgets the carried state: the next call starts from zeros (Keras `reset_states()`). */
  resetStates(): void;
  /** Frees the carried state (not the network's weights). */
  dispose(): void;
}

/**
 * Wraps `rec` so that each `run` starts where the previous one stopped, as a Keras layer
 * with `stateful=True`: feed a long sequence in chunks and get what one call on the whole
 * would give. The state is carried as a value (gradients do not flow into earlier calls).
 *
 * @example
 * ```ts
 * const s = createStateful(lstm);
 * const a = s.run(firstChunk); // [B, T1, H]
 * const b = s.run(nextChunk); // continues from a's last state
 * s.resetStates(); // next call starts from zeros
 * ```
 */
export function createStateful(rec: Recurrent): StatefulRecurrent {
  let state: RecurrentState | undefined;
  const drop = () => {
    if (state) tf.dispose([state.h, state.c]);
    state = undefined;
  };
  return {
    run(x, options = {}) {
      const result: RunResult = runRecurrent(rec, x, { ...options, initialState: state });
      drop();
      state = result.state;
      return result.outputs;
    },
    get state() {
      return state;
    },
    resetStates: drop,
    dispose: drop,
  };
}
