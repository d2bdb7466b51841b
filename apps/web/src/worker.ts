// The training worker: owns tfjs, the backend, the model and every tensor. The page only
// sends settings and draws what comes back, so training never blocks typing or scrolling.
import { initBackend } from '@rnnkit/backend';
import type { CharTokenizer } from '@rnnkit/tokenizer';
import {
  type CharLM,
  type CheckpointData,
  charLMLogits,
  charLMToSafetensors,
  createTextGenerator,
  createTrainer,
  decodeText,
  deserializeCheckpoint,
  disposeCharLM,
  loadCharLM,
  portableCharLM,
  predict,
  resumeTrainer,
  serializeCheckpoint,
  type Trainer,
} from '@rnnkit/trainer';
import * as tf from '@tensorflow/tfjs-core';
import type {
  BackendChoice,
  ErrorContext,
  FromWorker,
  InsideView,
  LectureLine,
  ModelSummary,
  Progress,
  StepPoint,
  ToWorker,
  WorkersChoice,
  WorkersStatus,
} from './protocol.js';

const scope = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  crossOriginIsolated?: boolean;
  navigator: { hardwareConcurrency?: number };
};

/** How often progress is posted: often enough to look live, rarely enough to cost nothing. */
const FLUSH_MS = 100;
/** How often the inside view is recomputed while training. */
const INSIDE_MS = 700;

const post = (message: FromWorker, transfer: Transferable[] = []) =>
  scope.postMessage(message, transfer);

function fail(context: ErrorContext, error: unknown): void {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ type: 'error', context, name: e.name, message: e.message });
}

let backend: BackendChoice | undefined;
let trainer: Trainer | undefined;
let controller: AbortController | undefined;
let stopRequested = false;
let running = false;
/** A model loaded from a checkpoint (when no trainer has replaced it). */
let loaded: { model: CharLM; tokenizer: CharTokenizer; data: CheckpointData } | undefined;
let insideRequest: { text: string; topK: number } | undefined;
let sampleId = 0;
/** The lecture's one input sequence, predicted after every step for the log. */
let lectureX: tf.Tensor2D | undefined;

function current(): { model: CharLM; tokenizer: CharTokenizer } | undefined {
  if (trainer) return { model: trainer.model, tokenizer: trainer.tokenizer };
  return loaded;
}

function summary(): ModelSummary | undefined {
  const m = current();
  if (!m) return undefined;
  const c = m.model.config;
  return {
    cell: c.cell,
    hiddenSize: c.hiddenSize,
    numLayers: c.numLayers,
    vocabSize: c.vocabSize,
    step: trainer ? trainer.step : (loaded?.data.training?.step ?? 0),
    origin: trainer ? 'trained' : 'loaded',
  };
}

function disposeAll(): void {
  lectureX?.dispose();
  lectureX = undefined;
  trainer?.dispose();
  trainer = undefined;
  if (loaded) disposeCharLM(loaded.model);
  loaded = undefined;
}

async function init(message: Extract<ToWorker, { type: 'init' }>): Promise<void> {
  if (message.backend === 'wasm' && message.threads <= 1) {
    // One tfjs thread: the single-threaded build even when the page is cross-origin isolated.
    // Its heap is unshared, so rnnkit's SIMD cell kernels run on it (they cannot link to the
    // threaded build's shared memory), as they do in the data-parallel sub-workers.
    // (setFlags: the flag is registered only when tfjs-backend-wasm loads, in initBackend.)
    tf.env().setFlags({ ...tf.env().getFlags(), WASM_HAS_MULTITHREAD_SUPPORT: false });
  }
  const info = await initBackend({
    backend: message.backend,
    threads: message.threads,
    wasmPaths: message.wasmPaths,
  });
  backend = info.name;
  post({
    type: 'ready',
    status: {
      name: info.name,
      simd: info.simd,
      threads: info.threads,
      crossOriginIsolated: scope.crossOriginIsolated === true,
      hardwareConcurrency: scope.navigator.hardwareConcurrency ?? 1,
      tfjsVersion: info.tfjsVersion,
    },
  });
}

async function train(message: Extract<ToWorker, { type: 'train' }>): Promise<void> {
  if (running) throw new Error('Training is already running: pause or stop it first.');
  if (backend === undefined) throw new Error('The backend is not ready yet: wait a moment.');
  let next: Trainer;
  if (message.continueLoaded) {
    if (!loaded) throw new Error('There is no loaded checkpoint to continue: load one first.');
    const data = loaded.data;
    if (!data.training) {
      throw new Error(
        'This checkpoint holds no training state (optimizer, step), so it can only sample. Untick "continue the loaded model" to train a new one.',
      );
    }
    next = resumeTrainer(message.text, data, {
      steps: message.options.steps,
      evalEvery: message.options.evalEvery,
      sampleLength: message.options.sampleLength,
      ...parallel(message.workers),
    });
  } else {
    next = createTrainer(message.text, { ...message.options, ...parallel(message.workers) });
  }
  // The new run replaces whatever model was there: only now, after it was built without error.
  sampleId = -1; // a running sample stops before its model goes
  disposeAll();
  trainer = next;
  workersRequested = message.workers;
  workersPosted = false;
  stopRequested = false;
  const T = trainer.config.seqLength;
  lectureX?.dispose();
  lectureX = message.lecture
    ? tf.tensor2d(
        [Array.from(trainer.tokenizer.encode([...message.text].slice(0, T).join('')))],
        [1, T],
        'int32',
      )
    : undefined;
  post({
    type: 'started',
    steps: trainer.config.steps,
    startStep: trainer.step,
    vocabSize: trainer.tokenizer.vocabSize,
    windowsPerEpoch: trainer.windowsPerEpoch,
    trainChars: trainer.trainChars,
    valChars: trainer.valChars,
    target: message.lecture ? [...message.text].slice(1, T + 1).join('') : undefined,
  });
  await runLoop();
}

/** Data-parallel sub-workers only where the page is cross-origin isolated (shared memory). */
const isolated = () => scope.crossOriginIsolated === true;

/**
 * The trainer's `workers` and `createWorker` for the "workers" setting: sub-workers started
 * from `@rnnkit/trainer/train-worker`, which Vite bundles as a module worker chunk of its own.
 */
function parallel(choice: WorkersChoice) {
  return {
    workers: isolated() ? choice : 1,
    createWorker: () =>
      new Worker(new URL('@rnnkit/trainer/train-worker', import.meta.url), { type: 'module' }),
  };
}

let workersRequested: WorkersChoice = 'auto';
let workersPosted = false;

/** Says once per run how many threads train and why (known after the first step). */
function postWorkers(t: Trainer): void {
  if (workersPosted) return;
  workersPosted = true;
  const workers = t.workers;
  const cores = scope.navigator.hardwareConcurrency ?? 1;
  let reason: WorkersStatus['reason'];
  if (!isolated()) reason = 'not-isolated';
  else if (workersRequested !== 'auto') reason = workers === workersRequested ? 'set' : 'batch';
  else if (workers > 1) reason = 'auto';
  else reason = cores <= 1 ? 'one-core' : 'auto-small';
  post({ type: 'workers', workers, requested: workersRequested, reason });
}

/** Runs (or resumes) the trainer until it completes or is paused or stopped. */
async function runLoop(): Promise<void> {
  const t = trainer;
  if (!t) throw new Error('Nothing to resume: start a training run first.');
  running = true;
  controller = new AbortController();
  let points: StepPoint[] = [];
  let lecture: LectureLine[] = [];
  let last: Progress | undefined;
  let flushedAt = 0;
  let insideAt = performance.now();
  const flush = () => {
    if (!last) return;
    post({ type: 'progress', points, lecture, last, numTensors: tf.memory().numTensors });
    points = [];
    lecture = [];
    flushedAt = performance.now();
  };
  try {
    for await (const e of t.run({ signal: controller.signal })) {
      if (e.type === 'step') {
        postWorkers(t);
        points.push({ step: e.step, loss: e.loss });
        last = {
          step: e.step,
          steps: e.steps,
          epoch: e.epoch,
          loss: e.loss,
          learningRate: e.learningRate,
          charsPerSec: e.charsPerSec,
          etaSeconds: e.etaSeconds,
        };
        if (lectureX) {
          const p = predict(t.model, lectureX);
          lecture.push({
            step: e.step,
            loss: e.loss,
            prediction: t.tokenizer.decode(p.dataSync()),
          });
          p.dispose();
        }
        const now = performance.now();
        if (now - flushedAt >= FLUSH_MS) flush();
        if (insideRequest && now - insideAt >= INSIDE_MS) {
          insideAt = now;
          postInside(insideRequest.text, insideRequest.topK);
        }
      } else if (e.type === 'eval') {
        flush();
        post({
          type: 'eval',
          step: e.step,
          trainLoss: e.trainLoss,
          valLoss: e.valLoss,
          valBpc: e.valBpc,
          sample: e.sample,
        });
      } else {
        flush();
        if (insideRequest) postInside(insideRequest.text, insideRequest.topK);
        const reason =
          e.reason === 'completed' ? 'completed' : stopRequested ? 'stopped' : 'paused';
        post({ type: 'ended', reason, step: e.step, numTensors: tf.memory().numTensors });
      }
    }
  } finally {
    running = false;
    controller = undefined;
  }
}

function computeInside(text: string, topK: number): InsideView {
  const m = current();
  if (!m) throw new Error('There is no model yet: train one or load a checkpoint first.');
  const { model, tokenizer } = m;
  const chars: string[] = [];
  const skipped: string[] = [];
  const ids: number[] = [];
  for (const ch of text) {
    const id = tokenizer.idOf(ch);
    if (id === undefined) skipped.push(ch);
    else {
      chars.push(ch);
      ids.push(id);
    }
  }
  const L = model.config.numLayers;
  const hidden: number[][][] = Array.from({ length: L }, () => []);
  const top: { char: string; p: number }[][] = [];
  let state: ReturnType<typeof charLMLogits>['state'] | undefined;
  for (const id of ids) {
    const x = tf.tensor2d([[id]], [1, 1], 'int32');
    const out = charLMLogits(model, x, state);
    x.dispose();
    if (state) tf.dispose([state.h, state.c ?? []].flat());
    state = out.state;
    const h = out.state.h.arraySync() as number[][][]; // [L, 1, H]
    for (let l = 0; l < L; l++) hidden[l]?.push(h[l]?.[0] ?? []);
    const probs = tf.tidy(() => tf.softmax(tf.reshape(out.logits, [-1])));
    const p = probs.dataSync();
    probs.dispose();
    out.logits.dispose();
    const order = Array.from(p.keys()).sort((a, b) => (p[b] ?? 0) - (p[a] ?? 0));
    top.push(
      order.slice(0, topK).map((i) => ({ char: tokenizer.vocabulary[i] ?? '?', p: p[i] ?? 0 })),
    );
  }
  if (state) tf.dispose([state.h, state.c ?? []].flat());
  return { chars, skipped, hidden, top };
}

function postInside(text: string, topK: number): void {
  try {
    const view = computeInside(text, topK);
    post({ type: 'inside', ...view, numTensors: tf.memory().numTensors });
  } catch (error) {
    fail('inside', error);
  }
}

async function sampleText(message: Extract<ToWorker, { type: 'sample' }>): Promise<void> {
  const m = current();
  if (!m) throw new Error('There is no model yet: train one or load a checkpoint first.');
  sampleId = message.id;
  const generator = createTextGenerator(m.model, m.tokenizer, {
    seed: message.seed,
    temperature: message.temperature,
    topK: message.topK,
    topP: message.topP,
    greedy: message.greedy,
    unknown: 'skip',
  });
  let skipped: string[] = [];
  try {
    skipped = generator.prime(message.prime).skipped;
    let done = 0;
    while (done < message.length && sampleId === message.id) {
      const n = Math.min(8, message.length - done);
      post({ type: 'sample-chunk', id: message.id, text: generator.sample(n) });
      done += n;
      // Lets a cancel (or a pause) in, and lets the page paint each chunk as it comes.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } finally {
    generator.dispose();
  }
  post({ type: 'sample-end', id: message.id, skipped, numTensors: tf.memory().numTensors });
}

function checkpointData(): CheckpointData {
  if (trainer) return trainer.checkpoint();
  if (loaded) return loaded.data;
  throw new Error('There is no model to save yet: train one or load a checkpoint first.');
}

function save(): void {
  const data = checkpointData();
  const { modelJson, weightData } = serializeCheckpoint(data, { weightsPath: 'weights.bin' });
  const s = summary();
  if (!s) throw new Error('There is no model to save yet.');
  post({ type: 'saved', modelJson, weightData, summary: s }, [weightData]);
}

function load(message: Extract<ToWorker, { type: 'load' }>): void {
  if (running) throw new Error('Training is running: stop it before loading a checkpoint.');
  const data = deserializeCheckpoint({
    modelJson: message.modelJson as Parameters<typeof deserializeCheckpoint>[0]['modelJson'],
    weightData: message.weightData,
  });
  const next = loadCharLM(data);
  sampleId = -1;
  disposeAll();
  loaded = { ...next, data };
  const s = summary();
  if (s) post({ type: 'loaded', summary: s });
}

function exportSafetensors(): void {
  const m = current();
  if (!m) throw new Error('There is no model to export yet: train one or load a checkpoint first.');
  const { bytes, sidecar } = charLMToSafetensors(portableCharLM(m.model, m.tokenizer));
  post({ type: 'exported', bytes, sidecar }, [bytes.buffer as ArrayBuffer]);
}

/** Settles when the backend is up: every other message waits for it. */
let initialised: Promise<void> = Promise.resolve();

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'init') {
    initialised = init(message).catch((e) => fail('init', e));
    return initialised;
  }
  await initialised;
  switch (message.type) {
    case 'decode':
      try {
        const text = decodeText(new Uint8Array(message.bytes), message.name);
        // Counted here so the page does not walk a multi-megabyte string on its own thread.
        const distinct = new Set<string>();
        let chars = 0;
        for (const ch of text) {
          chars += 1;
          distinct.add(ch);
        }
        post({ type: 'decoded', name: message.name, text, chars, distinct: distinct.size });
      } catch (e) {
        fail('decode', e);
      }
      return;
    case 'train':
      return train(message).catch((e) => fail('train', e));
    case 'pause':
      controller?.abort();
      return;
    case 'stop':
      stopRequested = true;
      controller?.abort();
      return;
    case 'resume':
      if (running) return;
      stopRequested = false;
      return runLoop().catch((e) => fail('train', e));
    case 'inside':
      insideRequest = message.text ? { text: message.text, topK: message.topK } : undefined;
      if (insideRequest && current()) postInside(message.text, message.topK);
      return;
    case 'sample':
      return sampleText(message).catch((e) => fail('sample', e));
    case 'cancel-sample':
      sampleId = -1;
      return;
    case 'save':
      try {
        save();
      } catch (e) {
        fail('save', e);
      }
      return;
    case 'load':
      try {
        load(message);
      } catch (e) {
        fail('load', e);
      }
      return;
    case 'export-safetensors':
      try {
        exportSafetensors();
      } catch (e) {
        fail('export', e);
      }
      return;
    case 'memory':
      post({ type: 'memory', numTensors: tf.memory().numTensors });
      return;
  }
}

scope.onmessage = (event) => {
  void handle(event.data);
};
