import * as tf from '@tensorflow/tfjs-core';

/** What one implementation measured on one configuration. */
export interface Measurement {
  charsPerSec: number;
  peakRssMb: number;
  /** Live tensors after the timed steps. */
  tensors: number;
  /** Live tensors after the warm-up: equal to `tensors` when memory is flat. */
  tensorsAfterWarmup: number;
  /** Peak bytes held by tensors during one (profiled) step, in MB. */
  peakTensorMb: number;
}

/** A step to time: returns the characters it processed. */
export type Step = () => number;

const MB = 2 ** 20;

/**
 * Warms up, then times steps until `minSeconds` have passed (at least `minSteps`, at most
 * `maxSteps`). RSS is sampled after every step; one extra step runs under `tf.profile` for the
 * tensors' peak bytes.
 */
export async function measure(
  step: Step,
  options: { minSeconds: number; minSteps: number; maxSteps: number; warmup?: number },
): Promise<Measurement> {
  const warmStart = performance.now();
  for (let i = 0; i < (options.warmup ?? 1); i++) step();
  // A step slower than 5 s is timed once, under tf.profile (whose bookkeeping is then
  // negligible): the suite must stay under ten minutes.
  const slow = performance.now() - warmStart > 5000;
  const tensorsAfterWarmup = tf.memory().numTensors;
  let chars = 0;
  let steps = 0;
  let peakRss = process.memoryUsage().rss;
  const start = performance.now();
  while (
    !slow &&
    (steps < options.minSteps ||
      (steps < options.maxSteps && performance.now() - start < options.minSeconds * 1000))
  ) {
    chars += step();
    steps++;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  let seconds = (performance.now() - start) / 1000;
  const profileStart = performance.now();
  const info = await tf.profile(() => {
    const n = step();
    if (slow) chars += n;
  });
  if (slow) seconds = (performance.now() - profileStart) / 1000;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const tensors = tf.memory().numTensors;
  return {
    charsPerSec: Math.round(chars / seconds),
    peakRssMb: Math.round(peakRss / MB),
    tensors,
    tensorsAfterWarmup,
    // No kernel ran (the JS sampling path): tf.profile then reports no peak.
    peakTensorMb: Number.isFinite(info.peakBytes) ? Math.round((info.peakBytes / MB) * 10) / 10 : 0,
  };
}
