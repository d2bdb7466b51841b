import type { TrainConfig } from '../train-config.js';

/**
 * How many threads `workers: 'auto'` uses: one per core (at most one per 4 streams) when a
 * step's arithmetic is large enough to pay for the hand-over (posting the weights, reading
 * and summing the gradients: about a millisecond), else one. Measured on a 2-core machine
 * (wasm): LSTM h128 B32 T64 (~150M multiply-adds forward) trains ~1.5× faster on two threads;
 * a 2-layer LSTM h16 B8 T16 (~0.5M) ~15% slower.
 */
export function autoWorkers(config: TrainConfig, cores: number, vocabSize: number): number {
  const { hiddenSize: H, numLayers: L, batchSize: B, seqLength: T } = config;
  const gates = config.cell === 'lstm' ? 4 : config.cell === 'gru' ? 3 : 1;
  // Forward multiply-adds per stream and character (backward is about twice that).
  const perChar = L * gates * H * H + (L - 1) * gates * H * H + H * vocabSize;
  if (perChar * B * T < MIN_WORK_PER_STEP) return 1;
  return Math.max(1, Math.min(cores, Math.floor(B / MIN_STREAMS_PER_WORKER)));
}

const MIN_WORK_PER_STEP = 20_000_000;
const MIN_STREAMS_PER_WORKER = 4;
