import { createRng, lengthMask } from '@rnnkit/cells';
import { adam, sequenceLoss } from '@rnnkit/optim';
import {
  beamSearch,
  createSeq2Seq,
  disposeSeq2Seq,
  disposeState,
  encode,
  greedyDecode,
  seq2seqLogits,
  seq2seqParams,
} from '@rnnkit/trainer';
import type { Io } from '../../io.js';
import {
  padIds,
  randInt,
  report,
  type TaskOptions,
  type TaskResult,
  trainTask,
} from './task-support.js';

const LETTERS = 'abcdefgh';
const START = LETTERS.length; // target ids: letters, then start and end
const END = LETTERS.length + 1;
const BEAM = 4;

const word = (rng: () => number) =>
  Array.from({ length: randInt(rng, 3, 7) }, () => randInt(rng, 0, LETTERS.length - 1));
const text = (ids: number[]) => ids.map((i) => LETTERS[i]).join('');

/**
 * Encoder-decoder: reverse a string of 3..7 letters ("cafe" → "efac"). The encoder's final
 * state, taken at each string's own last letter, starts the decoder; training feeds the true
 * previous letter (teacher forcing) with dropout; held-out strings are decoded greedily and with
 * a beam of 4, up to an end token or 10 letters, and scored by exact match.
 */
export function translateTask(io: Io, options: TaskOptions): TaskResult {
  const { seed, steps = 600 } = options;
  const rng = createRng(seed + 500);
  const train = Array.from({ length: 5000 }, () => word(rng));
  const seen = new Set(train.map(text));
  const test: number[][] = [];
  while (test.length < 500) {
    const w = word(rng);
    if (!seen.has(text(w))) test.push(w);
  }
  io.out(
    `reverse strings: ${train.length} training words, ${test.length} held out (3..7 letters)\n`,
  );
  const model = createSeq2Seq(
    {
      sourceVocab: LETTERS.length,
      targetVocab: LETTERS.length + 2,
      cell: 'gru',
      hiddenSize: 64,
      embeddingDim: 16,
      dropout: 0.1,
    },
    { seed },
  );
  const params = seq2seqParams(model);
  const optimizer = adam({ learningRate: 0.02 });
  const batchRng = createRng(seed + 600);
  const dropRng = createRng(seed + 700);
  trainTask(io, params, optimizer, steps, () => {
    const src = Array.from(
      { length: 64 },
      () => train[randInt(batchRng, 0, train.length - 1)] as number[],
    );
    const tgt = src.map((s) => [...s].reverse());
    const lens = src.map((s) => s.length + 1); // + the end token
    const width = Math.max(...lens);
    const logits = seq2seqLogits(
      model,
      padIds(src),
      src.map((s) => s.length),
      padIds(
        tgt.map((t) => [START, ...t]),
        width,
      ),
      { training: true, rng: dropRng },
    );
    return sequenceLoss(
      logits,
      padIds(
        tgt.map((t) => [...t, END]),
        width,
      ),
      lengthMask(lens, width),
    );
  });
  const source = padIds(test);
  const state = encode(
    model,
    source,
    test.map((s) => s.length),
  );
  source.dispose();
  const decode = { startToken: START, endToken: END, maxLength: 10 };
  const greedy = greedyDecode(model.decoder, state, decode);
  const beam = beamSearch(model.decoder, state, { ...decode, beamWidth: BEAM }).ids;
  disposeState(state);
  const exact = (out: number[][]) =>
    out.filter((o, i) => text(o) === text([...(test[i] as number[])].reverse())).length /
    test.length;
  const [g, b] = [exact(greedy), exact(beam)];
  io.out(`example: ${text(test[0] as number[])} -> ${text(greedy[0] as number[])}\n`);
  io.out(
    `beam search (width ${BEAM}) exact match: ${(100 * b).toFixed(1)}% vs greedy ${(100 * g).toFixed(1)}%\n`,
  );
  optimizer.dispose();
  disposeSeq2Seq(model);
  return report(io, 'greedy exact-sequence accuracy', g, 0.9, { beam: b });
}
