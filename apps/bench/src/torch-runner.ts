import { type BenchConfig, VOCAB } from './configs.js';
import type { ExternalStep } from './measure.js';
import { randomIds } from './random-ids.js';
import type { TorchClient } from './torch-client.js';

/** rnnkit's Adam as the bench runs it (learning rate 0.002, tfjs-core's epsilon 1e-7). */
export const BENCH_ADAM = { lr: 0.002, beta1: 0.9, beta2: 0.999, eps: 1e-7 };

/** A PyTorch participant in the interleaved rounds, and how to free it. */
export interface TorchParticipant {
  step: ExternalStep;
  dispose(): Promise<void>;
}

/**
 * PyTorch on one configuration with `threads` intra-op threads, on the same ids as rnnkit
 * (`randomIds` with the same seeds). Warm-up is two steps: PyTorch's first step allocates.
 */
export async function torchParticipant(
  client: TorchClient,
  c: BenchConfig,
  threads: number,
): Promise<TorchParticipant> {
  const ids =
    c.suite === 'sample'
      ? Array.from(randomIds(16, VOCAB, 3))
      : rows(randomIds(c.batch * (c.seqLength + 1), VOCAB, 1), c.seqLength + 1);
  const model = await client.build({
    op: 'build',
    ...c,
    vocab: VOCAB,
    threads,
    seed: 0,
    ids,
    adam: BENCH_ADAM,
  });
  return {
    step: {
      warmup: async () => {
        await client.steps(model, 2);
      },
      turn: (ms) => client.turn(model, ms),
    },
    dispose: () => client.free(model),
  };
}

/** A flat id array as rows of `width`. */
export function rows(ids: ArrayLike<number>, width: number): number[][] {
  const all = Array.from(ids);
  const out: number[][] = [];
  for (let i = 0; i < all.length; i += width) out.push(all.slice(i, i + width));
  return out;
}

/** Thread counts PyTorch is measured with: training as asked; sampling (batch 1) 1 thread. */
export function torchThreads(c: BenchConfig, train: readonly number[]): number[] {
  return c.suite === 'sample' ? [1] : [...train];
}
