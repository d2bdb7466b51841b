export { ShapeError } from '@rnnkit/core';
export { clipByGlobalNorm, globalNorm } from './clip.js';
export { GradientNameError, OptimizerStateError, OptionError, TargetRangeError } from './errors.js';
export { checkTargets } from './loss/check-inputs.js';
export { accuracy, bitsPerChar, perplexity } from './loss/metrics.js';
export { crossEntropy, type SequenceLossOptions, sequenceLoss } from './loss/sequence-loss.js';
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
export { type AdamOptions, adam } from './optimizers/adam.js';
export { createOptimizer, type OptimizerOptions } from './optimizers/create-optimizer.js';
export {
  OPTIMIZER_NAMES,
  type Optimizer,
  type OptimizerConfig,
  type OptimizerName,
  type OptimizerState,
} from './optimizers/optimizer.js';
export { type RmspropOptions, rmsprop } from './optimizers/rmsprop.js';
export { type SgdOptions, sgd } from './optimizers/sgd.js';
