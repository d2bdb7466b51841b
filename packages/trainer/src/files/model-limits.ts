// The largest character model any rnnkit loader builds. A file's header is read and checked
// against these (and against its weight bytes) before a tensor is allocated, so a 3 KB file
// cannot ask for gigabytes.
import { gateCount } from '@rnnkit/cells';
import type { CharLMConfig } from '../models/char-lm.js';

/**
 * Limits on a character model read from a file. Real char models are far smaller (char-rnn's
 * largest: 3 x 700); the caps only stop a header from asking for memory its file cannot back.
 */
export const CHAR_LM_LIMITS = {
  /** Every Unicode code point once (0x110000). */
  maxVocabSize: 1_114_112,
  maxHiddenSize: 8192,
  maxNumLayers: 64,
  maxEmbeddingDim: 8192,
  /** Weights of the whole model: 2^28 float32 values = 1 GiB. */
  maxParameters: 2 ** 28,
} as const;

/**
 * The number of float32 weights a model with this config has, computed without allocating.
 *
 * @example
 * ```ts
 * charLMParameterCount({ vocabSize: 65, cell: 'lstm', hiddenSize: 128, numLayers: 2, input: 'onehot', embeddingDim: 128 });
 * ```
 */
export function charLMParameterCount(c: Required<CharLMConfig>): number {
  const g = gateCount(c.cell) * c.hiddenSize;
  const input = c.input === 'embedding' ? c.embeddingDim : c.vocabSize;
  let n = c.input === 'embedding' ? c.vocabSize * c.embeddingDim : 0;
  for (let l = 0; l < c.numLayers; l++)
    n += g * ((l === 0 ? input : c.hiddenSize) + c.hiddenSize + 2);
  return n + c.vocabSize * c.hiddenSize + c.vocabSize;
}

/**
 * What is wrong with a config against {@link CHAR_LM_LIMITS}, or `undefined` when it fits.
 *
 * @example
 * ```ts
 * charLMLimitProblem({ ...config, numLayers: 100000 }); // 'numLayers 100000 is above the limit of 64'
 * ```
 */
export function charLMLimitProblem(c: Required<CharLMConfig>): string | undefined {
  const L = CHAR_LM_LIMITS;
  const over: [string, number, number][] = [
    ['vocabSize', c.vocabSize, L.maxVocabSize],
    ['hiddenSize', c.hiddenSize, L.maxHiddenSize],
    ['numLayers', c.numLayers, L.maxNumLayers],
    ['embeddingDim', c.embeddingDim, L.maxEmbeddingDim],
  ];
  for (const [name, value, max] of over) {
    if (value > max) return `${name} ${value} is above the limit of ${max}`;
  }
  if (c.vocabSize < 2) {
    return `vocabSize ${c.vocabSize} is below 2: a character model needs at least two distinct characters`;
  }
  const n = charLMParameterCount(c);
  if (n > L.maxParameters)
    return `the model would have ${n} weights, above the limit of ${L.maxParameters}`;
  return undefined;
}
