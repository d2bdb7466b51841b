import { type NamedArrays, WeightFormatError } from '@rnnkit/cells';
import type { CharLMConfig } from '../models/char-lm.js';
import { charLMShapes } from './portable-char-lm.js';

/**
 * Checks that `params` are exactly the weights of a model with `config`: every name present,
 * none extra, every shape right, every value finite. Lists every problem in one
 * `WeightFormatError`, before anything is built.
 *
 * @example
 * ```ts
 * checkCharLMParams(config, readSafetensors(bytes).arrays, 'model.safetensors');
 * ```
 */
export function checkCharLMParams(
  config: Required<CharLMConfig>,
  params: NamedArrays,
  where: string,
): void {
  const shapes = charLMShapes(config);
  const problems: string[] = [];
  const show = (s: readonly number[]) => `[${s.join(', ')}]`;
  for (const [name, shape] of Object.entries(shapes)) {
    const a = params[name];
    if (!a) problems.push(`missing ${name} ${show(shape)}`);
    else if (show(a.shape) !== show(shape))
      problems.push(`${name} has shape ${show(a.shape)}, expected ${show(shape)}`);
    else if (!a.data.every(Number.isFinite)) problems.push(`${name} contains NaN or Infinity`);
  }
  for (const name of Object.keys(params))
    if (!(name in shapes)) problems.push(`unexpected ${name}`);
  if (problems.length > 0) {
    const { cell, hiddenSize, numLayers, vocabSize, input } = config;
    throw new WeightFormatError(
      `The weights in ${where} do not fit a ${numLayers}-layer ${cell} (hiddenSize ${hiddenSize}, ` +
        `vocabSize ${vocabSize}, ${input} input):\n  ${problems.join('\n  ')}\n` +
        'Check that the config (sidecar) belongs to these weights and that the PyTorch module ' +
        'names are embedding, rnn and fc.',
    );
  }
}
