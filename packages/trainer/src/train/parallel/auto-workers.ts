import type { TrainConfig } from '../train-config.js';

/**
 * How many threads `workers: 'auto'` uses: one per core while each thread's share of a step
 * is big enough to pay for the hand-over (posting the weights and summing the gradients, a
 * fraction of a millisecond), else one. Measured on a 2-core machine (wasm and cpu): two
 * workers win from about 150k multiply-adds per stream-step.
 */
export function autoWorkers(config: TrainConfig, cores: number, vocabSize: number): number {
  const { hiddenSize: H, numLayers: L, batchSize: B } = config;
  const gates = config.cell === 'lstm' ? 4 : config.cell === 'gru' ? 3 : 1;
  // Multiply-adds per stream and step, forward; backward is about twice that.
  const work = L * gates * H * H + (L - 1) * gates * H * H + H * vocabSize + gates * H;
  if (work < MIN_WORK_PER_STREAM_STEP) return 1;
  return Math.max(1, Math.min(cores, Math.floor(B / MIN_STREAMS_PER_WORKER)));
}

const MIN_WORK_PER_STREAM_STEP = 150_000;
const MIN_STREAMS_PER_WORKER = 4;
