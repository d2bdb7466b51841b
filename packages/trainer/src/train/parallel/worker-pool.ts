// The main thread's side of data-parallel training: it splits each batch's streams into
// shares, computes the first share itself while the workers compute theirs, sums the
// gradients in share order and makes the one optimizer update.
import type { BackendName } from '@rnnkit/backend';
import type { RecurrentState } from '@rnnkit/cells';
import { dropoutMask } from '@rnnkit/core';
import { clipByGlobalNorm, globalNorm, type Optimizer } from '@rnnkit/optim';
import * as tf from '@tensorflow/tfjs-core';
import { type CharLM, charLMParams } from '../../models/char-lm.js';
import type { StepMessage, WorkerReply } from './protocol.js';
import { paramLayout, readParams, type ShareResult, shareGradientsOf } from './share-gradients.js';
import { spawnTrainWorker, type WorkerHandle } from './worker-endpoint.js';

/** The outcome of one data-parallel update, as the fit loop needs it. */
export interface PoolStepResult {
  loss: number;
  gradNorm: number;
  /** The whole batch's final state `[L, B, H]` (caller owns it). */
  state: RecurrentState;
}

export interface PoolStepOptions {
  clipNorm?: number;
  initialState?: RecurrentState;
  /** Dropout between layers: masks are drawn here, over the whole batch, from `random`. */
  dropout?: { rate: number; random: () => number };
}

/** `workers` threads' worth of training: this thread plus `workers - 1` workers. */
export interface WorkerPool {
  readonly workers: number;
  step(
    model: CharLM,
    optimizer: Optimizer,
    x: Int32Array,
    y: Int32Array,
    batch: number,
    seqLength: number,
    options: PoolStepOptions,
  ): Promise<PoolStepResult>;
  dispose(): void;
}

const sharedFloats = (n: number): Float32Array =>
  typeof SharedArrayBuffer !== 'undefined' && crossOriginIsolatedOrNode()
    ? new Float32Array(new SharedArrayBuffer(n * 4))
    : new Float32Array(n);

function crossOriginIsolatedOrNode(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean };
  return g.crossOriginIsolated !== false;
}

/** First stream of share `i` of `n` over `B` streams: contiguous, sizes differ by at most 1. */
export const shareStart = (i: number, n: number, B: number) => Math.floor((i * B) / n);

/**
 * Starts `workers - 1` training workers on the active backend, each holding a copy of
 * `model`'s architecture (its weights arrive with every step).
 */
export async function createWorkerPool(
  model: CharLM,
  backend: BackendName,
  workers: number,
  createWorker?: () => Worker,
): Promise<WorkerPool> {
  const layout = paramLayout(model);
  const handles: WorkerHandle[] = [];
  const pending: Array<((r: WorkerReply) => void) | undefined> = [];
  const failed: Array<Error | undefined> = [];
  const reply = (i: number) =>
    new Promise<WorkerReply>((resolve, reject) => {
      if (failed[i]) reject(failed[i]);
      else pending[i] = resolve;
    });
  try {
    for (let i = 1; i < workers; i++) {
      const w = await spawnTrainWorker(createWorker);
      const slot = handles.length;
      handles.push(w);
      w.onMessage((m) => {
        const resolve = pending[slot];
        pending[slot] = undefined;
        resolve?.(m as WorkerReply);
      });
      w.onError((e) => {
        failed[slot] = e;
        const resolve = pending[slot];
        pending[slot] = undefined;
        resolve?.({ type: 'error', message: e.message, stack: e.stack });
      });
    }
    await Promise.all(
      handles.map(async (w, i) => {
        w.hold(true);
        const ready = reply(i);
        w.post({ type: 'init', backend, model: model.config, wasmPaths: wasmFolder(backend) });
        const r = await ready;
        w.hold(false);
        if (r.type === 'error') throw workerError(r);
      }),
    );
  } catch (error) {
    for (const w of handles) w.terminate();
    throw error;
  }
  const params = sharedFloats(layout.size);
  const grads = Array.from({ length: workers }, (_, i) =>
    i === 0 ? new Float32Array(layout.size) : sharedFloats(layout.size),
  );

  return {
    workers,
    async step(model, optimizer, x, y, B, T, options) {
      const { numLayers: L, hiddenSize: H } = model.config;
      const n = Math.min(workers, B);
      const named = charLMParams(model);
      readParams(model, params);
      // Masks over the whole batch, drawn in the single-thread order: the RNG advances the same.
      const masks = options.dropout
        ? Array.from({ length: L - 1 }, () =>
            dropoutMask(
              B * T * H,
              (options.dropout as { rate: number }).rate,
              (options.dropout as { random: () => number }).random,
            ),
          )
        : undefined;
      const carried = options.initialState && {
        h: options.initialState.h.dataSync() as Float32Array,
        c: options.initialState.c?.dataSync() as Float32Array | undefined,
      };
      const rows = (a: Float32Array, b0: number, b1: number) => stateRows(a, L, B, H, b0, b1);
      const share = (i: number) => {
        const b0 = shareStart(i, n, B);
        const b1 = shareStart(i + 1, n, B);
        return {
          b0,
          b1,
          x: x.subarray(b0 * T, b1 * T),
          y: y.subarray(b0 * T, b1 * T),
          scale: (b1 - b0) / B,
          h: carried && rows(carried.h, b0, b1),
          c: carried?.c && rows(carried.c, b0, b1),
          dropout: masks && {
            rate: (options.dropout as { rate: number }).rate,
            masks: masks.map((m) => m.slice(b0 * T * H, b1 * T * H)),
          },
        };
      };
      const replies: Array<Promise<WorkerReply>> = [];
      for (let i = 1; i < n; i++) {
        const s = share(i);
        const w = handles[i - 1] as WorkerHandle;
        replies.push(reply(i - 1));
        w.hold(true);
        const message: StepMessage = {
          type: 'step',
          params,
          grads: grads[i] as Float32Array,
          x: s.x.slice(),
          y: s.y.slice(),
          streams: s.b1 - s.b0,
          seqLength: T,
          scale: s.scale,
          h: s.h,
          c: s.c,
          dropout: s.dropout,
        };
        w.post(message);
      }
      const own = share(0);
      const results: ShareResult[] = [
        shareGradientsOf(
          model,
          { ...own, streams: own.b1 - own.b0, seqLength: T },
          grads[0] as Float32Array,
        ),
      ];
      try {
        for (const [i, p] of replies.entries()) {
          const r = await p;
          if (r.type === 'error') throw workerError(r);
          if (r.type !== 'done') throw new Error(`training worker ${i + 1} sent ${r.type}`);
          // Without shared memory the gradients came back in a buffer of their own.
          grads[i + 1] = r.grads;
          results.push(r);
        }
      } finally {
        for (const w of handles) w.hold(false);
      }
      let loss = 0;
      for (const r of results) loss += r.loss;
      const gradNorm = tf.tidy(() => {
        const gradTensors: Record<string, tf.Tensor> = {};
        let offset = 0;
        for (const [k, name] of layout.names.entries()) {
          const shape = layout.shapes[k] as number[];
          const size = shape.reduce((a, d) => a * d, 1);
          gradTensors[name] = tf.tensor(sumShares(grads, n, offset, size), shape, 'float32');
          offset += size;
        }
        const { clipped, globalNorm: norm } =
          options.clipNorm == null
            ? { clipped: gradTensors, globalNorm: globalNorm(gradTensors) }
            : clipByGlobalNorm(gradTensors, options.clipNorm);
        optimizer.applyGradients(named, clipped);
        return norm.dataSync()[0] as number;
      });
      const joined = (pick: (r: ShareResult) => Float32Array | undefined) => {
        const parts = results.map(pick);
        if (parts.some((p) => p === undefined)) return undefined;
        return joinStateRows(
          parts as Float32Array[],
          results.map((_, i) => shareStart(i + 1, n, B) - shareStart(i, n, B)),
          L,
          H,
        );
      };
      const h = joined((r) => r.h) as Float32Array;
      const c = joined((r) => r.c);
      const state: RecurrentState = c
        ? { h: tf.tensor3d(h, [L, B, H]), c: tf.tensor3d(c, [L, B, H]) }
        : { h: tf.tensor3d(h, [L, B, H]) };
      return { loss, gradNorm, state };
    },
    dispose() {
      for (const w of handles) w.terminate();
      handles.length = 0;
    },
  };
}

/**
 * Browsers: the absolute folder the main thread's tfjs `.wasm` binary was loaded from (what the
 * app passed as `wasmPaths`), read from the wasm backend's file locator; undefined in Node
 * (workers find the files themselves) or when tfjs resolved a relative default.
 */
function wasmFolder(backend: BackendName): string | undefined {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions
    ?.node;
  if (backend !== 'wasm' || node !== undefined) return undefined;
  const module = (
    tf.findBackend('wasm') as {
      wasm?: { locateFile?: (p: string, prefix: string) => string };
    } | null
  )?.wasm;
  try {
    const file = module?.locateFile?.('tfjs-backend-wasm-simd.wasm', '');
    if (file === undefined || !/^[a-z]+:/i.test(file)) return undefined;
    return file.slice(0, file.lastIndexOf('/') + 1);
  } catch {
    return undefined;
  }
}

/**
 * Elements `offset .. offset + size` of the first `n` shares' gradients, summed in share order
 * (the same bits on every run with this many workers), into a new array a tensor may keep.
 */
function sumShares(grads: Float32Array[], n: number, offset: number, size: number): Float32Array {
  const out = (grads[0] as Float32Array).slice(offset, offset + size);
  for (let i = 1; i < n; i++) {
    const g = (grads[i] as Float32Array).subarray(offset, offset + size);
    for (let j = 0; j < size; j++) out[j] = (out[j] as number) + (g[j] as number);
  }
  return out;
}

/** Rows b0..b1 of every layer of a `[L, B, H]` state. */
function stateRows(a: Float32Array, L: number, B: number, H: number, b0: number, b1: number) {
  const out = new Float32Array(L * (b1 - b0) * H);
  for (let l = 0; l < L; l++) {
    out.set(a.subarray((l * B + b0) * H, (l * B + b1) * H), l * (b1 - b0) * H);
  }
  return out;
}

/** The inverse of {@link stateRows} over all shares: `[L, b_i, H]` parts into `[L, B, H]`. */
function joinStateRows(parts: Float32Array[], sizes: number[], L: number, H: number) {
  const B = sizes.reduce((a, b) => a + b, 0);
  const out = new Float32Array(L * B * H);
  let b0 = 0;
  for (const [i, part] of parts.entries()) {
    const b = sizes[i] as number;
    for (let l = 0; l < L; l++)
      out.set(part.subarray(l * b * H, (l + 1) * b * H), (l * B + b0) * H);
    b0 += b;
  }
  return out;
}

function workerError(r: { message: string; stack?: string }): Error {
  const e = new Error(`training worker failed: ${r.message}`);
  if (r.stack) e.stack = `${e.message}\n${r.stack}`;
  return e;
}
