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

/**
 * An implementation in another process (PyTorch): it runs a whole turn there and reports its
 * own timing, so that the pipe's latency stays out of the measurement.
 */
export interface ExternalStep {
  warmup(): Promise<void>;
  /** Steps until `ms` milliseconds have passed (at least one); chars and ms as timed there. */
  turn(ms: number): Promise<{ chars: number; ms: number; peakRssMb: number }>;
}

const isExternal = (s: Step | ExternalStep): s is ExternalStep => typeof s !== 'function';

const MB = 2 ** 20;
/** A step slower than this is timed once (under tf.profile): the suite must stay < 10 min. */
const SLOW_MS = 5000;
/** Each implementation's turn in a round lasts about this long. */
const TURN_MS = 400;

interface Tally {
  chars: number;
  ms: number;
  rss: number;
  peakTensorMb: number;
}

/**
 * Times several implementations of one configuration side by side: one warm-up step each,
 * then rounds in which each takes a ~0.4 s turn, until each has `minSeconds` of timed steps.
 * Interleaving keeps the ratios honest on a shared machine whose load changes over minutes.
 * A step slower than 5 s is timed once, inside the first round, under `tf.profile`; the
 * others get one extra profiled step at the end for the tensors' peak bytes.
 */
export async function measureInterleaved(
  steps: readonly (Step | ExternalStep)[],
  minSeconds: number,
): Promise<Measurement[]> {
  const slow: boolean[] = [];
  for (const step of steps) {
    if (isExternal(step)) await step.warmup();
    slow.push(!isExternal(step) && timed(step).ms > SLOW_MS);
  }
  const tensorsAfterWarmup = tf.memory().numTensors;
  const tallies: Tally[] = steps.map(() => ({ chars: 0, ms: 0, rss: 0, peakTensorMb: 0 }));
  const profiled = async (i: number, count: boolean) => {
    const start = performance.now();
    let chars = 0;
    const info = await tf.profile(() => {
      chars = (steps[i] as Step)();
    });
    const t = tallies[i] as Tally;
    t.peakTensorMb = Number.isFinite(info.peakBytes)
      ? Math.round((info.peakBytes / MB) * 10) / 10
      : 0;
    if (count) {
      t.chars += chars;
      t.ms += performance.now() - start;
    }
    t.rss = Math.max(t.rss, process.memoryUsage().rss);
  };
  for (let round = 0; round < 1000; round++) {
    let busy = false;
    for (const [i, step] of steps.entries()) {
      const t = tallies[i] as Tally;
      if (slow[i]) {
        if (round === 0) await profiled(i, true);
        continue;
      }
      if (t.ms >= minSeconds * 1000) continue;
      busy = true;
      if (isExternal(step)) {
        const r = await step.turn(TURN_MS);
        t.chars += r.chars;
        t.ms += r.ms;
        t.rss = Math.max(t.rss, r.peakRssMb * MB);
        continue;
      }
      const turnStart = performance.now();
      do {
        const r = timed(step);
        t.chars += r.chars;
        t.ms += r.ms;
        t.rss = Math.max(t.rss, process.memoryUsage().rss);
      } while (performance.now() - turnStart < TURN_MS);
    }
    if (!busy) break;
  }
  for (const [i, isSlow] of slow.entries()) {
    if (!isSlow && !isExternal(steps[i] as Step | ExternalStep)) await profiled(i, false);
  }
  const tensors = tf.memory().numTensors;
  return tallies.map((t) => ({
    charsPerSec: Math.round((t.chars / t.ms) * 1000),
    peakRssMb: Math.round(t.rss / MB),
    tensors,
    tensorsAfterWarmup,
    peakTensorMb: t.peakTensorMb,
  }));
}

function timed(step: Step): { chars: number; ms: number } {
  const start = performance.now();
  const chars = step();
  return { chars, ms: performance.now() - start };
}
