// The Trainer, whole: its events, createTrainer and resumeTrainer, the state a run carries, the
// fit loop behind run(), and the snapshot behind checkpoint(). One module, so following
// createTrainer → run → checkpoint is reading down one file; the options and their checks live
// in train-config.ts because checkpoints (files/) read them too.
import { type NamedArray, paramsStateDict, type RecurrentState } from '@rnnkit/cells';
import { createRng, type Rng } from '@rnnkit/core';
import { createOptimizer, learningRateAt, type Optimizer } from '@rnnkit/optim';
import { CharTokenizer, type TokenIds, UnknownCharacterError } from '@rnnkit/tokenizer';
import * as tf from '@tensorflow/tfjs-core';
import { splitText, type TextSplit } from '../data/split-text.js';
import { windowAt } from '../data/text-streams.js';
import { lackedCharacter, type TokenizedText } from '../data/tokenize-bytes.js';
import {
  CheckpointError,
  ConfigError,
  TrainingDataError,
  TrainingDivergedError,
} from '../errors.js';
import type { CheckpointData, HistoryEntry } from '../files/checkpoint-data.js';
import { loadCharLM } from '../files/load-char-lm.js';
import { createSampler } from '../generate/sampler.js';
import { type CharLM, charLMParams, createCharLM, disposeCharLM } from '../models/char-lm.js';
import { dropoutTrainStep } from './dropout-train-step.js';
import { evaluateStreams } from './evaluate-text.js';
import { autoWorkers } from './parallel/auto-workers.js';
import { coreCount } from './parallel/worker-endpoint.js';
import { createWorkerPool, type WorkerPool } from './parallel/worker-pool.js';
import {
  checkWorkers,
  resolveTrainConfig,
  type TrainConfig,
  type TrainOptions,
} from './train-config.js';
import { trainStep } from './train-step.js';
import { yieldToEventLoop } from './yield-to-event-loop.js';

/** After every update. */
export interface StepEvent {
  type: 'step';
  /** Updates done so far (1 after the first). */
  step: number;
  /** Total updates of the run. */
  steps: number;
  /** Fractional epochs done: step / windows per epoch. */
  epoch: number;
  /** This step's loss, nats per character (before its update). */
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Learning rate this step used. */
  learningRate: number;
  /** Training throughput since this run (or resume) started, evaluations excluded. */
  charsPerSec: number;
  /** Estimated seconds to the last step, evaluations excluded. */
  etaSeconds: number;
}

/** At every `evalEvery` steps and at the last step. */
export interface EvalEvent {
  type: 'eval';
  step: number;
  steps: number;
  epoch: number;
  /** Mean training loss since the previous evaluation (nats/char). */
  trainLoss: number;
  /** Validation loss, bits per character and perplexity; `null` without a validation split. */
  valLoss: number | null;
  valBpc: number | null;
  valPerplexity: number | null;
  /** True when valLoss is the lowest so far: a caller keeping the best checkpoint saves now. */
  best: boolean;
  /** Text sampled from the model (empty when `sampleLength` is 0). */
  sample: string;
  charsPerSec: number;
  /** Training wall time so far, evaluations included, across resumes. */
  elapsedSeconds: number;
}

/** The last event of a run: it reached its step count, or its AbortSignal fired. */
export interface EndEvent {
  type: 'end';
  reason: 'completed' | 'aborted';
  step: number;
}

export type TrainEvent = StepEvent | EvalEvent | EndEvent;

/** A training run over one text, built by `createTrainer` or `resumeTrainer`. */
export interface Trainer {
  readonly model: CharLM;
  readonly tokenizer: CharTokenizer;
  /** The resolved options (defaults filled in, epochs turned into steps). */
  readonly config: TrainConfig;
  /** Updates done so far. */
  readonly step: number;
  /** Threads training (1 + workers started); `workers: 'auto'` is resolved when a run starts. */
  readonly workers: number;
  /** Batches per pass over the training text. */
  readonly windowsPerEpoch: number;
  /** Characters predicted in training (per epoch) and in validation. */
  readonly trainChars: number;
  readonly valChars: number;
  /**
   * Trains until `config.steps`, yielding a `step` event after every update, an `eval` event
   * at every evaluation and a final `end` event; stops between steps when `signal` fires
   * (`end` with reason `'aborted'`), leaving the run ready to checkpoint or to run again.
   * Throws `TrainingDivergedError` on a NaN or exploding loss.
   */
  run(options?: RunOptions): AsyncGenerator<TrainEvent, void, undefined>;
  /** Everything needed to resume exactly here, as plain data (see `serializeCheckpoint`). */
  checkpoint(): CheckpointData;
  /** Frees the model, the optimizer and the carried state. */
  dispose(): void;
}

/** How one call of `Trainer.run` is watched and stopped. */
export interface RunOptions {
  /** Stops the run between steps (its last event is `end` with reason `'aborted'`). */
  signal?: AbortSignal;
  /**
   * Called after each validation window of an evaluation with the windows done and their
   * total, so a caller can show the progress of a long evaluation (a large validation part).
   */
  onEvalProgress?: (done: number, total: number) => void;
}

/** The training RNG starts from the seed offset by a constant, apart from the init draws. */
const trainingRngSeed = (seed: number) => (seed + 0x9e3779b9) >>> 0;

/**
 * Starts a training run on a text: builds the vocabulary from it (sorted code points), cuts it
 * into B streams of windows of T with the validation part from its end, and creates a seeded
 * model and optimizer. Throws `ConfigError` for a bad option and `TrainingDataError` for text
 * too short for one batch, before allocating anything. A text too large to hold as a string
 * can be given already tokenised (`tokenizeBytes`): the run reads windows straight from its
 * id array, and trains exactly as on the string.
 *
 * @example
 * ```ts
 * const trainer = createTrainer(text, { hiddenSize: 256, steps: 2000, evalEvery: 200 });
 * for await (const e of trainer.run({ signal })) {
 *   if (e.type === 'eval') console.log(e.step, e.valLoss, e.sample);
 * }
 * const artifacts = serializeCheckpoint(trainer.checkpoint());
 * trainer.dispose();
 * ```
 */
export function createTrainer(text: string | TokenizedText, options: TrainOptions = {}): Trainer {
  const checked = resolveTrainConfig(options, 1);
  const workers = checkWorkers(options.workers);
  if (checked.dropout > 0 && checked.numLayers < 2) {
    throw new ConfigError(
      `dropout acts between stacked layers, and there is 1 layer: set numLayers >= 2, or dropout 0.`,
    );
  }
  if (typeof text === 'string' ? text.length === 0 : text.ids.length === 0)
    throw new TrainingDataError('The text is empty: give some text to train on.');
  const tokenizer = typeof text === 'string' ? CharTokenizer.fromText(text) : text.tokenizer;
  if (tokenizer.vocabSize < 2) {
    throw new TrainingDataError(
      `The text has only one distinct character (${JSON.stringify(tokenizer.vocabulary[0])}): there is nothing to predict. Train on a text with at least two different characters.`,
    );
  }
  const split = splitText(typeof text === 'string' ? tokenizer.encode(text) : text.ids, checked);
  const config = resolveTrainConfig(options, split.train.windows);
  const model = createCharLM(
    {
      vocabSize: tokenizer.vocabSize,
      cell: config.cell,
      hiddenSize: config.hiddenSize,
      numLayers: config.numLayers,
    },
    { seed: config.seed, init: config.init },
  );
  return trainerFromState({
    model,
    tokenizer,
    optimizer: createOptimizer(config.optimizer, { learningRate: config.learningRate }),
    split,
    config,
    step: 0,
    rng: createRng(trainingRngSeed(config.seed)),
    initialLoss: null,
    bestValLoss: null,
    bestStep: null,
    interval: { lossSum: 0, steps: 0 },
    history: [],
    elapsedSeconds: 0,
    diverged: false,
    workers,
    createWorker: options.createWorker,
  });
}

/** What may change when a run resumes: how long it runs and how often it reports. */
export type ResumeOptions = Pick<
  TrainOptions,
  'steps' | 'epochs' | 'evalEvery' | 'sampleLength' | 'workers' | 'createWorker'
>;

/**
 * Continues a run from a checkpoint: weights, optimizer moments and step, learning-rate
 * schedule position, RNG state, data position and carried state all come back, so on the cpu
 * backend the losses continue exactly as if the run had never stopped. The text must use only
 * the checkpoint's characters (usually it is the same text); tokenised already, it must have
 * been encoded with the checkpoint's tokenizer (`tokenizeBytes` with `tokenizer`).
 *
 * @example
 * ```ts
 * const trainer = resumeTrainer(text, deserializeCheckpoint(artifacts), { steps: 4000 });
 * for await (const e of trainer.run()) if (e.type === 'eval') console.log(e.valLoss);
 * ```
 */
export function resumeTrainer(
  text: string | TokenizedText,
  checkpoint: CheckpointData,
  overrides: ResumeOptions = {},
): Trainer {
  const t = checkpoint.training;
  if (!t) {
    throw new CheckpointError(
      'This checkpoint holds a model but no training state, so it cannot be resumed: start a new run, or sample from it.',
    );
  }
  const workers = checkWorkers(overrides.workers);
  const { model, tokenizer } = loadCharLM(checkpoint);
  let optimizer: Optimizer | undefined;
  try {
    const split = splitText(resumedIds(text, tokenizer), t.config);
    const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v != null));
    const base = defined.epochs != null ? { ...t.config, steps: undefined } : t.config;
    const config = resolveTrainConfig({ ...base, ...defined }, split.train.windows);
    optimizer = createOptimizer(t.optimizer.name);
    try {
      optimizer.setState(t.optimizer);
    } catch (error) {
      throw new CheckpointError(`Cannot resume: ${(error as Error).message}`);
    }
    const shape = [config.numLayers, config.batchSize, config.hiddenSize].join(',');
    const carried = t.carried && {
      h: tf.tensor3d(t.carried.h.data, t.carried.h.shape as [number, number, number]),
      c:
        t.carried.c && tf.tensor3d(t.carried.c.data, t.carried.c.shape as [number, number, number]),
    };
    if (carried && carried.h.shape.join(',') !== shape) {
      tf.dispose([carried.h, carried.c as tf.Tensor]);
      throw new CheckpointError(`Cannot resume: the carried state is not [${shape}].`);
    }
    return trainerFromState({
      model,
      tokenizer,
      optimizer,
      split,
      config,
      step: t.step,
      rng: createRng(t.rngState),
      carried: carried && (carried.c ? { h: carried.h, c: carried.c } : { h: carried.h }),
      initialLoss: t.initialLoss,
      bestValLoss: t.bestValLoss,
      bestStep: t.bestStep,
      interval: { ...t.interval },
      history: t.history.map((e) => ({ ...e })),
      elapsedSeconds: t.elapsedSeconds,
      diverged: false,
      workers,
      createWorker: overrides.createWorker,
    });
  } catch (error) {
    optimizer?.dispose();
    disposeCharLM(model);
    throw error;
  }
}

/** The ids of a resumed run's text, encoded with (or checked against) the checkpoint's tokenizer. */
function resumedIds(text: string | TokenizedText, tokenizer: CharTokenizer): TokenIds {
  if (typeof text !== 'string') {
    const same =
      text.tokenizer.unkToken === tokenizer.unkToken &&
      text.tokenizer.vocabSize === tokenizer.vocabSize &&
      text.tokenizer.vocabulary.every((token, id) => tokenizer.vocabulary[id] === token);
    if (!same) {
      throw new TrainingDataError(
        `The text was tokenised with a vocabulary of ${text.tokenizer.vocabSize} tokens, not the checkpoint's ${tokenizer.vocabSize}: tokenise it with the checkpoint's tokenizer (tokenizeBytes with { tokenizer }), or pass the text as a string.`,
      );
    }
    return text.ids;
  }
  try {
    return tokenizer.encode(text);
  } catch (error) {
    if (error instanceof UnknownCharacterError) throw lackedCharacter(error);
    throw error;
  }
}

// ─── The state of a run ──────────────────────────────────────────────────────────────────────

/** The mutable state of a training run: what a checkpoint must capture to resume it. */
interface TrainerState {
  readonly model: CharLM;
  readonly tokenizer: CharTokenizer;
  readonly optimizer: Optimizer;
  readonly split: TextSplit;
  config: TrainConfig;
  step: number;
  rng: Rng;
  /** State carried into the next window; undefined means zeros (an epoch boundary). */
  carried?: RecurrentState;
  initialLoss: number | null;
  bestValLoss: number | null;
  bestStep: number | null;
  interval: { lossSum: number; steps: number };
  history: HistoryEntry[];
  elapsedSeconds: number;
  /** Set when the loss diverged: the weights are damaged and must not be saved. */
  diverged: boolean;
  /** Threads asked for, and the pool running them once a run has started (absent for 1). */
  workers: number | 'auto';
  createWorker?: () => Worker;
  pool?: WorkerPool;
  threads?: number;
}

/** Replaces the carried state, freeing the old one. */
function setCarried(s: TrainerState, next: RecurrentState | undefined): void {
  if (s.carried) tf.dispose([s.carried.h, s.carried.c as tf.Tensor]);
  s.carried = next;
}

/** Frees the model, optimizer and carried state of a run. */
function disposeTrainerState(s: TrainerState): void {
  setCarried(s, undefined);
  s.pool?.dispose();
  s.pool = undefined;
  s.optimizer.dispose();
  tf.dispose(Object.values(charLMParams(s.model)));
}

/** Wraps a run's state in the {@link Trainer} interface. */
function trainerFromState(s: TrainerState): Trainer {
  let running = false;
  const { train } = s.split;
  return {
    model: s.model,
    tokenizer: s.tokenizer,
    get config() {
      return s.config;
    },
    get step() {
      return s.step;
    },
    get workers() {
      return s.threads ?? (s.workers === 'auto' ? 1 : s.workers);
    },
    windowsPerEpoch: train.windows,
    trainChars: train.windows * train.streams * train.seqLength,
    valChars: s.split.valChars,
    async *run(options = {}) {
      if (running) throw new Error('This trainer is already running: await the first run.');
      running = true;
      try {
        yield* trainLoop(s, options);
      } finally {
        running = false;
      }
    },
    checkpoint() {
      if (s.diverged) {
        throw new TrainingDivergedError(
          'The loss diverged: the weights are damaged, so there is nothing good to save. Keep the last checkpoint written before it.',
          s.step,
          Number.NaN,
        );
      }
      return snapshotTrainer(s);
    },
    dispose() {
      disposeTrainerState(s);
    },
  };
}

// ─── The fit loop ────────────────────────────────────────────────────────────────────────────

/**
 * The fit loop: one update per window, state carried between windows and reset at each epoch,
 * an evaluation every `evalEvery` steps and at the last. Awaits the event loop after every
 * step, so an AbortSignal (Ctrl-C) is seen within one step.
 */
async function* trainLoop(s: TrainerState, options: RunOptions): AsyncGenerator<TrainEvent> {
  const { signal } = options;
  const { train } = s.split;
  const { streams: B, seqLength: T, windows } = train;
  let sessionSeconds = 0;
  let sessionSteps = 0;
  await startWorkers(s);
  while (s.step < s.config.steps) {
    if (signal?.aborted) {
      yield { type: 'end', reason: 'aborted', step: s.step };
      return;
    }
    const k = s.step % windows;
    if (k === 0) setCarried(s, undefined); // a new epoch starts from zeros, as in char-rnn
    const learningRate = learningRateAt(s.config.schedule, s.config.learningRate, s.step);
    s.optimizer.learningRate = learningRate;
    const start = performance.now();
    const { x, y } = windowAt(train, k);
    const clipNorm = s.config.clipNorm ?? undefined;
    const r = s.pool
      ? await s.pool.step(s.model, s.optimizer, x, y, B, T, {
          clipNorm,
          initialState: s.carried,
          dropout: s.config.dropout > 0 ? { rate: s.config.dropout, random: s.rng } : undefined,
        })
      : oneThreadStep(s, x, y, B, T);
    const { loss, gradNorm } = r;
    setCarried(s, r.state);
    const seconds = (performance.now() - start) / 1000;
    sessionSeconds += seconds;
    sessionSteps += 1;
    s.elapsedSeconds += seconds;
    checkHealth(s, loss, gradNorm);
    s.step += 1;
    s.interval.lossSum += loss;
    s.interval.steps += 1;
    const charsPerSec = (sessionSteps * B * T) / sessionSeconds;
    const etaSeconds = ((s.config.steps - s.step) * sessionSeconds) / sessionSteps;
    const epoch = s.step / windows;
    const steps = s.config.steps;
    yield {
      type: 'step',
      step: s.step,
      steps,
      epoch,
      loss,
      gradNorm,
      learningRate,
      charsPerSec,
      etaSeconds,
    };
    if (s.step % s.config.evalEvery === 0 || s.step === steps) {
      const evalStart = performance.now();
      const event = await evaluateNow(s, charsPerSec, options.onEvalProgress);
      s.elapsedSeconds += (performance.now() - evalStart) / 1000;
      yield { ...event, elapsedSeconds: s.elapsedSeconds };
    }
    await yieldToEventLoop();
  }
  yield { type: 'end', reason: 'completed', step: s.step };
}

/** One update on this thread alone. */
function oneThreadStep(s: TrainerState, x: Int32Array, y: Int32Array, B: number, T: number) {
  const xs = tf.tensor2d(x, [B, T], 'int32');
  const ys = tf.tensor2d(y, [B, T], 'int32');
  const options = { clipNorm: s.config.clipNorm ?? undefined, initialState: s.carried };
  let r: ReturnType<typeof trainStep>;
  try {
    r =
      s.config.dropout > 0
        ? dropoutTrainStep(s.model, s.optimizer, xs, ys, {
            ...options,
            dropout: s.config.dropout,
            random: s.rng,
          })
        : trainStep(s.model, s.optimizer, xs, ys, options);
  } finally {
    tf.dispose([xs, ys]);
  }
  // One scalar read per step: cpu and wasm run synchronously, so this costs no pipelining,
  // and the health guard needs every loss.
  const loss = r.loss.dataSync()[0] as number;
  const gradNorm = r.gradNorm.dataSync()[0] as number;
  tf.dispose([r.loss, r.gradNorm]);
  return { loss, gradNorm, state: r.state };
}

/** Resolves `workers` and starts the pool on a run's first call (no pool for one thread). */
async function startWorkers(s: TrainerState): Promise<void> {
  if (s.threads !== undefined) return;
  const backend = tf.getBackend();
  const cores = await coreCount();
  let n = s.workers === 'auto' ? autoWorkers(s.config, cores, s.model.config.vocabSize) : s.workers;
  n = Math.min(n, s.config.batchSize);
  if (n > 1 && (backend === 'cpu' || backend === 'wasm')) {
    s.pool = await createWorkerPool(s.model, backend, n, s.createWorker);
  } else {
    n = 1;
  }
  s.threads = n;
}

function checkHealth(s: TrainerState, loss: number, gradNorm: number, step = s.step + 1): void {
  const advice = `The last good checkpoint is kept. Lower the learning rate (now ${s.config.learningRate}) or clip harder (clip norm now ${s.config.clipNorm ?? 'off'}), then resume or start again.`;
  let problem: string | undefined;
  if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
    problem = `The loss became ${Number.isFinite(loss) ? `finite but the gradient norm ${gradNorm}` : loss} at step ${step}: training stopped.`;
  } else if (s.initialLoss !== null && loss > s.config.explodeFactor * s.initialLoss) {
    problem = `The loss exploded at step ${step} (${loss.toFixed(4)} nats/char, more than ${s.config.explodeFactor}x the first step's ${s.initialLoss.toFixed(4)}): training stopped.`;
  }
  if (problem) {
    s.diverged = true;
    throw new TrainingDivergedError(`${problem} ${advice}`, step, loss);
  }
  s.initialLoss ??= loss;
}

async function evaluateNow(
  s: TrainerState,
  charsPerSec: number,
  onProgress?: (done: number, total: number) => void,
): Promise<Omit<EvalEvent, 'elapsedSeconds'>> {
  const trainLoss = s.interval.lossSum / s.interval.steps;
  s.interval = { lossSum: 0, steps: 0 };
  const val = s.split.val ? await evaluateStreams(s.model, s.split.val, onProgress) : undefined;
  // Weights whose validation loss is not finite are damaged: fail before anyone saves them.
  if (val && !Number.isFinite(val.loss)) checkHealth(s, val.loss, 0, s.step);
  const best = val !== undefined && (s.bestValLoss === null || val.loss < s.bestValLoss);
  if (best) {
    s.bestValLoss = val.loss;
    s.bestStep = s.step;
  }
  s.history.push({ step: s.step, trainLoss, valLoss: val?.loss ?? null });
  return {
    type: 'eval',
    step: s.step,
    steps: s.config.steps,
    epoch: s.step / s.split.train.windows,
    trainLoss,
    valLoss: val?.loss ?? null,
    valBpc: val?.bitsPerChar ?? null,
    valPerplexity: val?.perplexity ?? null,
    best,
    sample: await drawSample(s),
    charsPerSec,
  };
}

/** A sample from a newline (or the text's first character), seeded from the run's RNG. */
async function drawSample(s: TrainerState): Promise<string> {
  if (s.config.sampleLength === 0) return '';
  const seed = Math.floor(s.rng() * 2 ** 32);
  const prime = s.tokenizer.idOf('\n') ?? (s.split.train.ids[0] as number);
  const sampler = createSampler(s.model, { seed });
  const ids: number[] = [];
  try {
    sampler.prime([prime]);
    for (let i = 0; i < s.config.sampleLength; i++) {
      ids.push(sampler.next());
      if (i % 16 === 15) await yieldToEventLoop();
    }
  } finally {
    sampler.dispose();
  }
  const text = s.tokenizer.decode(ids);
  return s.tokenizer.charOf(prime) === '\n' ? text : s.tokenizer.decode([prime]) + text;
}

// ─── Checkpoint ──────────────────────────────────────────────────────────────────────────────

const named = (t: tf.Tensor): NamedArray => ({
  shape: [...t.shape],
  data: Float32Array.from(t.dataSync()),
});

/** Copies a run's complete state out as plain data (deep copies: later steps do not alter it). */
function snapshotTrainer(s: TrainerState): CheckpointData {
  const c = s.carried;
  return {
    model: { ...s.model.config },
    tokenizer: s.tokenizer.toJSON(),
    params: paramsStateDict(charLMParams(s.model)),
    training: {
      config: structuredClone(s.config),
      step: s.step,
      windowsPerEpoch: s.split.train.windows,
      optimizer: s.optimizer.getState(),
      rngState: s.rng.state,
      carried: c ? (c.c ? { h: named(c.h), c: named(c.c) } : { h: named(c.h) }) : undefined,
      initialLoss: s.initialLoss,
      bestValLoss: s.bestValLoss,
      bestStep: s.bestStep,
      interval: { ...s.interval },
      history: s.history.map((e) => ({ ...e })),
      elapsedSeconds: s.elapsedSeconds,
    },
  };
}
