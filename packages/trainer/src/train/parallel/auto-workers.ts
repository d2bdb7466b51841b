import type { TrainConfig } from '../train-config.js';

/**
 * How many threads `workers: 'auto'` uses: one per core (at most one per 4 streams) when a
 * step's arithmetic is large enough to pay for splitting it, else one. Splitting costs every
 * share the step's fixed work (tfjs dispatch, per-step copies) and the hand-over (weights out,
 * gradients summed, two thread wake-ups); per stream-character the work grows with the model.
 *
 * The cutoff, measured on a 2-core machine (wasm, `apps/bench/scripts/workers-ab.mjs`, 1 and 2
 * threads interleaved; CPU time per step, which a busy machine does not distort, plus the
 * hand-over's idle time): 2 threads lose on LSTM 2x16 B8 T16 (0.5M multiply-adds forward,
 * 0.88x on CPU time alone) and break even on LSTM h32 B16 T32 (3.2M, 1.16x on CPU time before
 * the idle hand-over); they gain from RNN h32 B32 T64 (6.4M, 1.58x on CPU time) up, and
 * LSTM h128 B32 T64 (150M) trains 1.46x faster in wall time on a quiet machine.
 */
export function autoWorkers(config: TrainConfig, cores: number, vocabSize: number): number {
  const { hiddenSize: H, numLayers: L, batchSize: B, seqLength: T } = config;
  const gates = config.cell === 'lstm' ? 4 : config.cell === 'gru' ? 3 : 1;
  // Forward multiply-adds per stream and character (backward is about twice that).
  const perChar = L * gates * H * H + (L - 1) * gates * H * H + H * vocabSize;
  if (perChar * B * T < MIN_WORK_PER_STEP) return 1;
  return Math.max(1, Math.min(cores, Math.floor(B / MIN_STREAMS_PER_WORKER)));
}

const MIN_WORK_PER_STEP = 5_000_000;
const MIN_STREAMS_PER_WORKER = 4;
