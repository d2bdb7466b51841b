import { checkKnownKeys, numberOption } from './checks.js';
import { OptionError } from './errors.js';

/** The schedules `learningRateAt` knows, in the order error messages list them. */
export const SCHEDULE_NAMES = ['constant', 'step', 'cosine'] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

/** The base learning rate at every step. */
export interface ConstantSchedule {
  type: 'constant';
}

/**
 * char-rnn's `learning_rate_decay`: multiply by `decayRate` every `decayEvery` steps, the first
 * time once `decayAfter` steps are done (char-rnn decays once per epoch after
 * `learning_rate_decay_after` epochs: `decayEvery` = steps per epoch, `decayAfter` = 10 epochs).
 */
export interface StepDecaySchedule {
  type: 'step';
  /** Factor per decay, in (0, 1] (char-rnn: 0.97). */
  decayRate: number;
  /** Steps between decays, >= 1. */
  decayEvery: number;
  /** Steps before the first decay; default `decayEvery`. */
  decayAfter?: number;
}

/** Linear warm-up from lr/warmup to lr, then a half cosine down to `minLearningRate`. */
export interface CosineSchedule {
  type: 'cosine';
  /** Steps of linear warm-up, >= 0. */
  warmupSteps: number;
  /** Step at which the cosine reaches `minLearningRate` (and stays), >= 1. */
  totalSteps: number;
  /** Floor of the decay, >= 0; default 0. */
  minLearningRate?: number;
}

/** A learning-rate schedule as plain data, so a checkpoint can store it as JSON. */
export type LrSchedule = ConstantSchedule | StepDecaySchedule | CosineSchedule;

/**
 * The learning rate for 0-based step `step` (the number of updates already applied), given the
 * base rate. A pure function of the step, so resuming at step s needs only s.
 *
 * @example
 * ```ts
 * learningRateAt({ type: 'step', decayRate: 0.5, decayEvery: 100 }, 0.002, 250); // 0.0005
 * learningRateAt({ type: 'cosine', warmupSteps: 10, totalSteps: 1000 }, 0.002, 4); // 0.001
 * optimizer.learningRate = learningRateAt(schedule, baseLr, optimizer.iterations);
 * ```
 */
export function learningRateAt(schedule: LrSchedule, baseLearningRate: number, step: number) {
  if (!Number.isInteger(step) || step < 0) {
    throw new OptionError(`learningRateAt: step must be an integer >= 0; got ${step}.`);
  }
  switch (schedule.type) {
    case 'constant':
      return baseLearningRate;
    case 'step': {
      const after = schedule.decayAfter ?? schedule.decayEvery;
      if (step < after) return baseLearningRate;
      const decays = Math.floor((step - after) / schedule.decayEvery) + 1;
      return baseLearningRate * schedule.decayRate ** decays;
    }
    case 'cosine': {
      const { warmupSteps, totalSteps } = schedule;
      if (step < warmupSteps) return (baseLearningRate * (step + 1)) / warmupSteps;
      const min = schedule.minLearningRate ?? 0;
      const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
      return min + (baseLearningRate - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
  }
}

/**
 * Validates a schedule (from options or a checkpoint's JSON) and returns a clean copy; throws
 * {@link OptionError} naming the bad field.
 *
 * @example
 * ```ts
 * const schedule = parseSchedule(JSON.parse(text).schedule);
 * ```
 */
export function parseSchedule(value: unknown): LrSchedule {
  const s = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const where = `schedule '${String(s.type)}'`;
  switch (s.type) {
    case 'constant':
      checkKnownKeys(where, s, ['type']);
      return { type: 'constant' };
    case 'step': {
      checkKnownKeys(where, s, ['type', 'decayRate', 'decayEvery', 'decayAfter']);
      const decayRate = numberOption(where, 'decayRate', s.decayRate, Number.NaN, {
        min: 0,
        max: 1,
        minOpen: true,
      });
      const decayEvery = integer(where, 'decayEvery', s.decayEvery, Number.NaN, 1);
      const decayAfter = integer(where, 'decayAfter', s.decayAfter, decayEvery, 0);
      return { type: 'step', decayRate, decayEvery, decayAfter };
    }
    case 'cosine': {
      checkKnownKeys(where, s, ['type', 'warmupSteps', 'totalSteps', 'minLearningRate']);
      const warmupSteps = integer(where, 'warmupSteps', s.warmupSteps, 0, 0);
      const totalSteps = integer(where, 'totalSteps', s.totalSteps, Number.NaN, 1);
      const minLearningRate = numberOption(where, 'minLearningRate', s.minLearningRate, 0, {
        min: 0,
      });
      return { type: 'cosine', warmupSteps, totalSteps, minLearningRate };
    }
    default:
      throw new OptionError(
        `Unknown learning-rate schedule ${JSON.stringify(s.type)}. ` +
          `Known schedules: ${SCHEDULE_NAMES.join(', ')}.`,
      );
  }
}

function integer(where: string, name: string, value: unknown, fallback: number, min: number) {
  const v = numberOption(where, name, value, fallback, { min });
  if (!Number.isInteger(v)) {
    throw new OptionError(`${where}: option '${name}' must be an integer; got ${v}.`);
  }
  return v;
}
