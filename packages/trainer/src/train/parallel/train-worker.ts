// A data-parallel training worker: holds a copy of the model, and for every step message
// computes its streams' loss, gradients and final state with the weights it was sent.
import { initBackend } from '@rnnkit/backend';
import { env } from '@tensorflow/tfjs-core';
import { type CharLM, createCharLM } from '../../models/char-lm.js';
import type { InitMessage, StepMessage, WorkerReply } from './protocol.js';
import { shareGradientsOf, writeParams } from './share-gradients.js';
import { parentEndpoint } from './worker-endpoint.js';

const port = await parentEndpoint();
let model: CharLM | undefined;
let queue: Promise<void> = Promise.resolve();

port.onMessage((message) => {
  // Messages are handled one at a time, in order (init is asynchronous).
  queue = queue.then(() => handle(message as InitMessage | StepMessage));
});

async function handle(message: InitMessage | StepMessage): Promise<void> {
  try {
    if (message.type === 'init') {
      // One thread per worker is the point: take tfjs's single-threaded build even in a
      // cross-origin-isolated page, whose heap is unshared, so rnnkit's SIMD cell kernels run
      // on it (they cannot link to the threaded build's shared memory).
      // (setFlags, not set: the flag is registered only when tfjs-backend-wasm loads.)
      if (message.backend === 'wasm')
        env().setFlags({ ...env().getFlags(), WASM_HAS_MULTITHREAD_SUPPORT: false });
      await initBackend({ backend: message.backend, threads: 1, wasmPaths: message.wasmPaths });
      model = createCharLM(message.model);
      reply({ type: 'ready' });
      return;
    }
    const m = model as CharLM;
    writeParams(m, message.params);
    const result = shareGradientsOf(m, message, message.grads);
    const shared = isShared(message.grads);
    reply(
      { type: 'done', loss: result.loss, grads: result.grads, h: result.h, c: result.c },
      shared ? [] : [result.grads.buffer as ArrayBuffer],
    );
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    reply({ type: 'error', message: e.message, stack: e.stack });
  }
}

function reply(message: WorkerReply, transfer: Transferable[] = []): void {
  port.post(message, transfer);
}

function isShared(a: Float32Array): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;
}
