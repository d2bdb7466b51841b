import { type CellType, isCellType } from '@rnnkit/cells';
import {
  type LrSchedule,
  OPTIMIZER_NAMES,
  type OptimizerName,
  parseSchedule,
  type ScheduleName,
} from '@rnnkit/optim';
import { ConfigError } from '../errors.js';

/** A schedule by name (defaults filled in from the run's length), or with some fields set. */
export type ScheduleOptions = ScheduleName | (Partial<LrSchedule> & { type: ScheduleName });

/** Everything a training run can be told; each default is char-rnn's or the standard. */
export interface TrainOptions {
  /** Recurrent cell; default `'lstm'`. */
  cell?: CellType;
  /** Hidden units per layer; default 128. */
  hiddenSize?: number;
  /** Stacked layers; default 2. */
  numLayers?: number;
  /** Dropout on the outputs of every layer but the last, in [0, 1); default 0. */
  dropout?: number;
  /** B: parallel text streams per batch; default 32. */
  batchSize?: number;
  /** T: characters per window (truncated BPTT length); default 64. */
  seqLength?: number;
  /** Base learning rate; default 2e-3. */
  learningRate?: number;
  /** Default `'adam'`. */
  optimizer?: OptimizerName;
  /** Learning-rate schedule; default `'constant'`. */
  schedule?: ScheduleOptions;
  /** Clip gradients to this global norm; `null` turns clipping off. Default 5. */
  clipNorm?: number | null;
  /** Total steps (updates); the default is 10 epochs. Give `steps` or `epochs`, not both. */
  steps?: number;
  /** Passes over the training text, converted to steps. */
  epochs?: number;
  /** Steps between evaluations (validation loss, a sample, a checkpoint); default 200. */
  evalEvery?: number;
  /** Share of the text, from its end, held out for validation, in [0, 1); default 0.05. */
  valFraction?: number;
  /** Seed of the weights and of every random draw during training; default 0. */
  seed?: number;
  /** Characters sampled at each evaluation; 0 for none. Default 200. */
  sampleLength?: number;
  /** Stop when a step's loss exceeds this multiple of the first step's loss; default 3. */
  explodeFactor?: number;
  /**
   * Threads that share each batch's streams (data parallelism: `worker_threads` in Node, Web
   * Workers in browsers, gradients summed in a fixed order, one update). `'auto'` picks by the
   * model's size, never more than the cores. Default 1. Not part of the run's configuration:
   * results match a one-worker run to float rounding, and checkpoints resume with any count.
   */
  workers?: number | 'auto';
  /**
   * Browsers: makes one training worker, for bundled apps, e.g. with Vite (`worker.format:
   * 'es'`): `() => new Worker(new URL('@rnnkit/trainer/train-worker', import.meta.url), {
   * type: 'module' })`. Default: a module Worker on the package's own file.
   */
  createWorker?: () => Worker;
  /**
   * How the weights start: `'pytorch'` (default; every parameter U(-1/√H, 1/√H), as
   * `torch.nn.LSTM` and `torch.nn.Linear`) or `'keras'` (Glorot input kernels, orthogonal
   * recurrent kernels, zero biases, LSTM forget bias 1). See DESIGN.md for the measurements.
   */
  init?: InitName;
}

/** The weight initialisations a run can start from. */
export const INIT_NAMES = ['pytorch', 'keras'] as const;
export type InitName = (typeof INIT_NAMES)[number];

/** The resolved options of a run, as its checkpoints store them. */
export interface TrainConfig {
  cell: CellType;
  hiddenSize: number;
  numLayers: number;
  dropout: number;
  batchSize: number;
  seqLength: number;
  learningRate: number;
  optimizer: OptimizerName;
  schedule: LrSchedule;
  clipNorm: number | null;
  steps: number;
  evalEvery: number;
  valFraction: number;
  seed: number;
  sampleLength: number;
  explodeFactor: number;
  init: InitName;
}

/**
 * Fills in defaults and checks every option, throwing `ConfigError` naming the bad one.
 * `windowsPerEpoch` turns epochs into steps and sizes the schedules' defaults.
 */
export function resolveTrainConfig(o: TrainOptions, windowsPerEpoch: number): TrainConfig {
  const int = intOption;
  const num = (name: string, v: number | undefined, fallback: number, ok: Ok, range: string) =>
    check(name, v ?? fallback, (x) => Number.isFinite(x) && ok(x), `a number ${range}`);
  if (o.steps != null && o.epochs != null) {
    throw new ConfigError('Give steps or epochs, not both.');
  }
  const epochs = int('epochs', o.epochs, 10);
  const steps = int('steps', o.steps, epochs * windowsPerEpoch);
  if (!isCellType(o.cell ?? 'lstm')) {
    throw new ConfigError(`cell must be one of rnn, lstm, gru, got '${String(o.cell)}'.`);
  }
  if (!(INIT_NAMES as readonly string[]).includes(o.init ?? 'pytorch')) {
    throw new ConfigError(`init must be one of ${INIT_NAMES.join(', ')}, got '${String(o.init)}'.`);
  }
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(o.optimizer ?? 'adam')) {
    throw new ConfigError(
      `optimizer must be one of ${OPTIMIZER_NAMES.join(', ')}, got '${String(o.optimizer)}'.`,
    );
  }
  return {
    cell: o.cell ?? 'lstm',
    hiddenSize: int('hiddenSize', o.hiddenSize, 128),
    numLayers: int('numLayers', o.numLayers, 2),
    dropout: num('dropout', o.dropout, 0, (x) => x >= 0 && x < 1, 'in [0, 1)'),
    batchSize: int('batchSize', o.batchSize, 32),
    seqLength: int('seqLength', o.seqLength, 64),
    learningRate: num('learningRate', o.learningRate, 2e-3, (x) => x > 0, '> 0'),
    optimizer: o.optimizer ?? 'adam',
    schedule: resolveSchedule(o.schedule ?? 'constant', steps, windowsPerEpoch),
    clipNorm: o.clipNorm === null ? null : num('clipNorm', o.clipNorm, 5, (x) => x > 0, '> 0'),
    steps,
    evalEvery: int('evalEvery', o.evalEvery, 200),
    valFraction: num('valFraction', o.valFraction, 0.05, (x) => x >= 0 && x < 1, 'in [0, 1)'),
    seed: int('seed', o.seed, 0, 0),
    sampleLength: int('sampleLength', o.sampleLength, 200, 0),
    explodeFactor: num('explodeFactor', o.explodeFactor, 3, (x) => x > 1, '> 1'),
    init: o.init ?? 'pytorch',
  };
}

type Ok = (x: number) => boolean;

/** An integer option `>= min`, or its fallback when not given; a `ConfigError` naming it else. */
export function intOption(name: string, v: number | undefined, fallback: number, min = 1): number {
  return check(name, v ?? fallback, (x) => Number.isInteger(x) && x >= min, `an integer >= ${min}`);
}

/** Checks the `workers` option: a positive integer or `'auto'`. */
export function checkWorkers(workers: number | 'auto' | undefined): number | 'auto' {
  if (workers === undefined || workers === 'auto') return workers ?? 1;
  return check(
    'workers',
    workers,
    (x) => Number.isInteger(x) && x >= 1,
    "an integer >= 1 or 'auto'",
  );
}

function check(name: string, value: number, ok: Ok, what: string): number {
  if (typeof value !== 'number' || !ok(value)) {
    throw new ConfigError(`${name} must be ${what}, got ${String(value)}.`);
  }
  return value;
}

/** char-rnn's step decay (0.97 per epoch after 10 epochs) and a 5% warm-up for cosine. */
function resolveSchedule(s: ScheduleOptions, steps: number, perEpoch: number): LrSchedule {
  const o = typeof s === 'string' ? { type: s } : s;
  const defaults =
    o.type === 'step'
      ? { decayRate: 0.97, decayEvery: perEpoch, decayAfter: 10 * perEpoch }
      : o.type === 'cosine'
        ? { warmupSteps: Math.min(100, Math.round(0.05 * steps)), totalSteps: steps }
        : {};
  const defined = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  try {
    return parseSchedule({ ...defaults, ...defined });
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}
