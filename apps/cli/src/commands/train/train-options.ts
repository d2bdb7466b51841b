import type { CellType } from '@rnnkit/cells';
import { OPTIMIZER_NAMES, SCHEDULE_NAMES } from '@rnnkit/optim';
import { INIT_NAMES, type ScheduleOptions, type TrainOptions } from '@rnnkit/trainer';
import { UsageError } from '../../errors.js';
import { choiceOption, intOption, numberOption } from '../../options.js';

type Values = Record<string, string | boolean | undefined>;

/** Options a resumed run takes from its checkpoint: giving them again is a mistake. */
const FIXED_BY_CHECKPOINT = [
  'cell',
  'hidden',
  'layers',
  'dropout',
  'batch',
  'seq-length',
  'lr',
  'optimizer',
  'schedule',
  'lr-decay',
  'lr-decay-every',
  'lr-decay-after',
  'warmup',
  'min-lr',
  'clip',
  'seed',
  'val-fraction',
  'init',
];

/** Every `rnnkit train` option that takes a value, as parseArgs wants them. */
export const TRAIN_FLAGS = Object.fromEntries(
  [
    ...FIXED_BY_CHECKPOINT,
    'steps',
    'epochs',
    'eval-every',
    'checkpoint-dir',
    'backend',
    'resume',
    'sample-length',
    'log-every',
    'workers',
  ].map((name) => [name, { type: 'string' as const }]),
);

const MAX = 1_000_000_000;

/** The training options the command line asks for, every value checked. */
export function trainOptions(v: Values): TrainOptions {
  if (v.steps !== undefined && v.epochs !== undefined) {
    throw new UsageError('Give --steps or --epochs, not both.');
  }
  const numLayers = intOption('layers', v.layers, 2, 1, 64);
  const dropout = numberOption('dropout', v.dropout, 0, { min: 0, max: 1, maxOpen: true });
  if (dropout > 0 && numLayers < 2) {
    throw new UsageError(
      `--dropout acts between stacked layers, and there is 1 layer: give --layers 2 or more, or drop --dropout.`,
    );
  }
  return {
    cell: choiceOption<CellType>('cell', v.cell, ['lstm', 'gru', 'rnn'], 'lstm'),
    hiddenSize: intOption('hidden', v.hidden, 128, 1, 8192),
    numLayers,
    dropout,
    batchSize: intOption('batch', v.batch, 32, 1, 65536),
    seqLength: intOption('seq-length', v['seq-length'], 64, 1, 1_000_000),
    learningRate: numberOption('lr', v.lr, 2e-3, { min: 0, minOpen: true }),
    optimizer: choiceOption('optimizer', v.optimizer, OPTIMIZER_NAMES, 'adam'),
    schedule: scheduleOptions(v),
    clipNorm: v.clip === 'off' ? null : numberOption('clip', v.clip, 5, { min: 0, minOpen: true }),
    ...runLength(v),
    evalEvery: intOption('eval-every', v['eval-every'], 200, 1, MAX),
    valFraction: numberOption('val-fraction', v['val-fraction'], 0.05, {
      min: 0,
      max: 1,
      maxOpen: true,
    }),
    seed: intOption('seed', v.seed, 0, 0, 2 ** 32 - 1),
    sampleLength: intOption('sample-length', v['sample-length'], 200, 0, 100_000),
    workers: workersOption(v),
    init: choiceOption('init', v.init, INIT_NAMES, 'pytorch'),
  };
}

/**
 * `--workers N|auto`: threads sharing each batch (not fixed by a checkpoint). The default is
 * `auto`, so a model big enough to gain uses the cores without the user asking.
 */
function workersOption(v: Values): number | 'auto' {
  if (v.workers === undefined || v.workers === 'auto') return 'auto';
  return intOption('workers', v.workers, 1, 1, 256);
}

/** What a resumed run may change (length, reporting); the rest is fixed by the checkpoint. */
export function resumeOverrides(v: Values) {
  const given = FIXED_BY_CHECKPOINT.filter((name) => v[name] !== undefined);
  if (given.length > 0) {
    throw new UsageError(
      `${given.map((n) => `--${n}`).join(', ')} cannot be used with --resume: the checkpoint fixes the model, data and optimizer settings. Drop ${given.length > 1 ? 'them' : 'it'}, or start a new run without --resume.`,
    );
  }
  if (v.steps !== undefined && v.epochs !== undefined) {
    throw new UsageError('Give --steps or --epochs, not both.');
  }
  return {
    ...runLength(v),
    evalEvery:
      v['eval-every'] === undefined
        ? undefined
        : intOption('eval-every', v['eval-every'], 1, 1, MAX),
    sampleLength:
      v['sample-length'] === undefined
        ? undefined
        : intOption('sample-length', v['sample-length'], 0, 0, 100_000),
    workers: workersOption(v),
  };
}

function runLength(v: Values): { steps?: number; epochs?: number } {
  if (v.steps !== undefined) return { steps: intOption('steps', v.steps, 1, 1, MAX) };
  if (v.epochs !== undefined) return { epochs: intOption('epochs', v.epochs, 1, 1, MAX) };
  return {};
}

function scheduleOptions(v: Values): ScheduleOptions {
  const type = choiceOption('schedule', v.schedule, SCHEDULE_NAMES, 'constant');
  const stepFlags = ['lr-decay', 'lr-decay-every', 'lr-decay-after'];
  const cosineFlags = ['warmup', 'min-lr'];
  const stray = [...(type === 'step' ? [] : stepFlags), ...(type === 'cosine' ? [] : cosineFlags)];
  const wrong = stray.filter((name) => v[name] !== undefined);
  if (wrong.length > 0) {
    throw new UsageError(
      `${wrong.map((n) => `--${n}`).join(', ')} only apply to ${stepFlags.includes(wrong[0] as string) ? '--schedule step' : '--schedule cosine'}.`,
    );
  }
  if (type === 'step') {
    const optionalInt = (name: string, min: number) =>
      v[name] === undefined ? undefined : intOption(name, v[name], 1, min, MAX);
    return {
      type,
      decayRate: numberOption('lr-decay', v['lr-decay'], 0.97, { min: 0, max: 1, minOpen: true }),
      decayEvery: optionalInt('lr-decay-every', 1),
      decayAfter: optionalInt('lr-decay-after', 0),
    };
  }
  if (type === 'cosine') {
    return {
      type,
      warmupSteps: v.warmup === undefined ? undefined : intOption('warmup', v.warmup, 0, 0, MAX),
      minLearningRate: numberOption('min-lr', v['min-lr'], 0, { min: 0 }),
    };
  }
  return type;
}
