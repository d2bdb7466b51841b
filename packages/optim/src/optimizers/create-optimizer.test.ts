import { describe, expect, it } from 'vitest';
import { OptionError } from '../errors.js';
import { createOptimizer } from './create-optimizer.js';
import { OPTIMIZER_NAMES } from './optimizer.js';

describe('createOptimizer', () => {
  it.each(OPTIMIZER_NAMES)('creates %s with its options', (name) => {
    const opt = createOptimizer(name, { learningRate: 0.25 });
    expect(opt.name).toBe(name);
    expect(opt.learningRate).toBe(0.25);
    expect(opt.iterations).toBe(0);
    opt.dispose();
  });

  it('rejects an unknown name, listing the known ones', () => {
    expect(() => createOptimizer('adagrad')).toThrow(OptionError);
    expect(() => createOptimizer('adagrad')).toThrow(
      "Unknown optimizer 'adagrad'. Known optimizers: adam, sgd, rmsprop.",
    );
  });

  it('rejects an option of another optimizer', () => {
    expect(() => createOptimizer('sgd', { beta1: 0.9 })).toThrow(
      /sgd: unknown option 'beta1'. Known options: learningRate, momentum, nesterov/,
    );
  });
});
