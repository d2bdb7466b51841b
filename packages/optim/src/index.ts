export { ShapeError } from '@rnnkit/core';
export { accuracy } from './accuracy.js';
export { type AdamConfig, type AdamOptions, adam } from './adam.js';
export { bitsPerChar } from './bits-per-char.js';
export { checkTargets } from './check-targets.js';
export { clipByGlobalNorm } from './clip-by-global-norm.js';
export { createOptimizer, type OptimizerOptions } from './create-optimizer.js';
export { crossEntropy } from './cross-entropy.js';
export { GradientNameError, OptimizerStateError, OptionError, TargetRangeError } from './errors.js';
export { globalNorm } from './global-norm.js';
export {
  type ConstantSchedule,
  type CosineSchedule,
  type LrSchedule,
  learningRateAt,
  parseSchedule,
  SCHEDULE_NAMES,
  type ScheduleName,
  type StepDecaySchedule,
} from './lr-schedule.js';
export {
  OPTIMIZER_NAMES,
  type Optimizer,
  type OptimizerConfig,
  type OptimizerName,
  type OptimizerState,
} from './optimizer.js';
export { perplexity } from './perplexity.js';
export { type RmspropConfig, type RmspropOptions, rmsprop } from './rmsprop.js';
export { DENOMINATOR_EPSILON, type SequenceLossOptions, sequenceLoss } from './sequence-loss.js';
export { type SgdConfig, type SgdOptions, sgd } from './sgd.js';
