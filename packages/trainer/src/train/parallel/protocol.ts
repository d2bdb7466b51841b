import type { BackendName } from '@rnnkit/backend';
import type { CharLMConfig } from '../../models/char-lm.js';
import type { ShareArrays } from './share-gradients.js';

/** Main thread → worker, once: build a model like the main thread's on the same backend. */
export interface InitMessage {
  type: 'init';
  backend: BackendName;
  model: Required<CharLMConfig>;
  /**
   * Browsers: the folder the main thread's tfjs `.wasm` files came from, so a worker bundled
   * into another folder (Vite's `assets/`) finds them too. Undefined: tfjs's default.
   */
  wasmPaths?: string;
}

/**
 * Main thread → worker, every step: the current weights and this worker's streams. Arrays
 * backed by a SharedArrayBuffer are shared, not copied; `grads` is where the answer goes.
 */
export interface StepMessage extends ShareArrays {
  type: 'step';
  params: Float32Array;
  grads: Float32Array;
}

/** Worker → main thread. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'done'; loss: number; grads: Float32Array; h: Float32Array; c?: Float32Array }
  | { type: 'error'; message: string; stack?: string };
