import type { Optimizer } from '@rnnkit/optim';
import { minimizeStep } from '@rnnkit/trainer';
import * as tf from '@tensorflow/tfjs-core';
import type { Io } from '../../io.js';

/** What every task demo reports: its metric on held-out data and whether it met the target. */
export interface TaskResult {
  metric: string;
  value: number;
  target: number;
  passed: boolean;
  /** Further numbers a task reports (e.g. the unidirectional baseline, beam search). */
  extra: Record<string, number>;
}

export interface TaskOptions {
  seed: number;
  /** Training steps; each task has its own default, tuned to finish well under a minute. */
  steps?: number;
}

/** `rows` right-padded with `pad` to `width` (default: the longest row), as int32 `[B, width]`. */
export function padIds(rows: number[][], width?: number, pad = 0): tf.Tensor2D {
  const w = width ?? Math.max(1, ...rows.map((r) => r.length));
  const data = new Int32Array(rows.length * w).fill(pad);
  rows.forEach((r, b) => {
    data.set(r.slice(0, w), b * w);
  });
  return tf.tensor2d(data, [rows.length, w], 'int32');
}

/** A uniform integer in [lo, hi] from `rng`. */
export function randInt(rng: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/**
 * Runs `steps` optimisation steps of `loss`, logging the loss (read back only then) every
 * `every` steps with the elapsed time. The learning rate decays linearly to a tenth of its
 * starting value over the run, which settles the noisy end of small-batch training.
 */
export function trainTask(
  io: Io,
  params: Record<string, tf.Variable>,
  optimizer: Optimizer,
  steps: number,
  loss: (step: number) => tf.Scalar,
  every = Math.max(1, Math.floor(steps / 5)),
): void {
  const start = Date.now();
  const lr0 = optimizer.learningRate;
  for (let i = 0; i < steps; i++) {
    optimizer.learningRate = lr0 * (1 - (0.9 * i) / steps);
    const value = minimizeStep(params, optimizer, () => loss(i), { clipNorm: 5 });
    if (i % every === every - 1 || i === steps - 1) {
      const seconds = ((Date.now() - start) / 1000).toFixed(1);
      io.out(
        `step ${i + 1}/${steps}  loss ${(value.dataSync()[0] as number).toFixed(4)}  (${seconds} s)\n`,
      );
    }
    value.dispose();
  }
}

/** Prints the metric line and returns the result. */
export function report(
  io: Io,
  metric: string,
  value: number,
  target: number,
  extra: Record<string, number> = {},
): TaskResult {
  const passed = value >= target;
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  io.out(`${metric}: ${pct(value)} (target ${pct(target)}) ${passed ? 'PASS' : 'FAIL'}\n`);
  return { metric, value, target, passed, extra };
}
