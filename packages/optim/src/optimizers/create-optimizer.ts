import { OptionError } from '../errors.js';
import { type AdamOptions, adam } from './adam.js';
import { OPTIMIZER_NAMES, type Optimizer } from './optimizer.js';
import { type RmspropOptions, rmsprop } from './rmsprop.js';
import { type SgdOptions, sgd } from './sgd.js';

/** Options of any optimizer; the name decides which keys are allowed. */
export type OptimizerOptions = AdamOptions | SgdOptions | RmspropOptions;

/**
 * Creates an optimizer by name, for CLIs and checkpoints (`createOptimizer(state.name,
 * state.config)` then `setState(state)`). An unknown name or an option the optimizer does not
 * have throws an {@link OptionError} that lists the valid ones.
 *
 * @example
 * ```ts
 * const opt = createOptimizer('adam', { learningRate: 0.01 });
 * ```
 */
export function createOptimizer(name: 'adam', options?: AdamOptions): Optimizer;
export function createOptimizer(name: 'sgd', options?: SgdOptions): Optimizer;
export function createOptimizer(name: 'rmsprop', options?: RmspropOptions): Optimizer;
export function createOptimizer(name: string, options?: OptimizerOptions): Optimizer;
export function createOptimizer(name: string, options: OptimizerOptions = {}): Optimizer {
  switch (name) {
    case 'adam':
      return adam(options as AdamOptions);
    case 'sgd':
      return sgd(options as SgdOptions);
    case 'rmsprop':
      return rmsprop(options as RmspropOptions);
    default:
      throw new OptionError(
        `Unknown optimizer '${name}'. Known optimizers: ${OPTIMIZER_NAMES.join(', ')}.`,
      );
  }
}
