// What a character model's weights must look like: names and shapes by config, the config read
// back from the weights, and the checks every importer runs before it builds anything.
import {
  CELL_TYPES,
  type CellType,
  gateCount,
  isCellType,
  type NamedArrays,
  type Recurrent,
  WeightFormatError,
} from '@rnnkit/cells';
import { ModelFileError } from '../errors.js';
import type { CharLMConfig } from '../models/char-lm.js';
import { charLMLimitProblem } from './model-limits.js';

// Read off cells' gate counts, so a new cell type needs no edit here.
const CELL_BY_GATES: Record<number, CellType> = Object.fromEntries(
  CELL_TYPES.map((cell) => [gateCount(cell), cell]),
);

/**
 * The weight names and shapes of a model with this config, as `torch`'s `state_dict()` of
 * the reference module in `examples/pytorch` lists them.
 *
 * @example
 * ```ts
 * charLMShapes({ vocabSize: 5, cell: 'lstm', hiddenSize: 8, numLayers: 1, input: 'onehot', embeddingDim: 8 });
 * // { 'rnn.weight_ih_l0': [32, 5], 'rnn.weight_hh_l0': [32, 8], …, 'fc.weight': [5, 8], 'fc.bias': [5] }
 * ```
 */
export function charLMShapes(config: Required<CharLMConfig>): Record<string, number[]> {
  const { vocabSize: v, hiddenSize: h, numLayers, input, embeddingDim: e } = config;
  const g = gateCount(config.cell) * h;
  const shapes: Record<string, number[]> = {};
  if (input === 'embedding') shapes['embedding.weight'] = [v, e];
  for (let l = 0; l < numLayers; l++) {
    const inSize = l > 0 ? h : input === 'embedding' ? e : v;
    Object.assign(shapes, {
      [`rnn.weight_ih_l${l}`]: [g, inSize],
      [`rnn.weight_hh_l${l}`]: [g, h],
      [`rnn.bias_ih_l${l}`]: [g],
      [`rnn.bias_hh_l${l}`]: [g],
    });
  }
  shapes['fc.weight'] = [v, h];
  shapes['fc.bias'] = [v];
  return shapes;
}

/**
 * The recurrent stack's config inside a char model (its input is the one-hot or embedding width).
 *
 * @example
 * ```ts
 * recurrentConfigOf(model.config).inputSize; // vocabSize for one-hot input
 * ```
 */
export function recurrentConfigOf(c: Required<CharLMConfig>): Recurrent['config'] {
  const inputSize = c.input === 'embedding' ? c.embeddingDim : c.vocabSize;
  return { cell: c.cell, inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers };
}

/**
 * Reads the config back from PyTorch-named weights alone (for files without a sidecar):
 * the cell from the gate blocks of `rnn.weight_hh_l0`, layers from the names, vocabulary and
 * input kind from `fc.weight` and `embedding.weight`.
 *
 * @example
 * ```ts
 * inferCharLMConfig(readSafetensors(bytes).arrays).cell; // 'lstm'
 * ```
 */
export function inferCharLMConfig(params: NamedArrays): Required<CharLMConfig> {
  const names = Object.keys(params);
  if (names.some((n) => n.endsWith('_reverse'))) {
    throw new ModelFileError(
      'These weights have a reverse direction (`_reverse` names): a bidirectional network ' +
        'sees the future, so it is not a character language model. Export the forward model.',
    );
  }
  const [rows, h] = params['rnn.weight_hh_l0']?.shape ?? [];
  const fc = params['fc.weight']?.shape;
  const cell = rows !== undefined && h ? CELL_BY_GATES[rows / h] : undefined;
  if (!cell || h === undefined || !fc || fc.length !== 2) {
    throw new ModelFileError(
      `Cannot tell the model from these weights (${names.join(', ')}): expected PyTorch names ` +
        'rnn.weight_hh_l0 [G*H, H] (G = 1 rnn, 4 lstm, 3 gru) and fc.weight [V, H]. ' +
        'Name the modules rnn, fc (and embedding) as in examples/pytorch, or pass the sidecar.',
    );
  }
  let numLayers = 0;
  while (Object.hasOwn(params, `rnn.weight_ih_l${numLayers}`)) numLayers++;
  const emb = params['embedding.weight']?.shape;
  const config: Required<CharLMConfig> = {
    vocabSize: fc[0] as number,
    cell,
    hiddenSize: h,
    numLayers,
    input: emb ? 'embedding' : 'onehot',
    embeddingDim: emb?.[1] ?? h,
  };
  const limit = charLMLimitProblem(config);
  if (limit !== undefined) {
    throw new ModelFileError(`These weights describe a model rnnkit does not load: ${limit}.`);
  }
  return config;
}

/**
 * Checks a config as a sidecar or model.json holds it: every field present and valid.
 *
 * @example
 * ```ts
 * const model = checkCharLMConfig(sidecar.model, 'model.rnnkit.json');
 * ```
 */
export function checkCharLMConfig(value: unknown, where: string): Required<CharLMConfig> {
  const c = (value ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of ['vocabSize', 'hiddenSize', 'numLayers', 'embeddingDim']) {
    if (!Number.isInteger(c[key]) || (c[key] as number) < 1)
      problems.push(`${key} ${JSON.stringify(c[key])}`);
  }
  if (!isCellType(c.cell)) problems.push(`cell ${JSON.stringify(c.cell)}`);
  if (c.input !== 'onehot' && c.input !== 'embedding')
    problems.push(`input ${JSON.stringify(c.input)}`);
  if (problems.length > 0) {
    throw new ModelFileError(
      `${where} has no valid model config (bad: ${problems.join(', ')}). Expected ` +
        '{ vocabSize, cell: rnn|lstm|gru, hiddenSize, numLayers, input: onehot|embedding, embeddingDim }.',
    );
  }
  const { vocabSize, cell, hiddenSize, numLayers, input, embeddingDim } =
    c as Required<CharLMConfig>;
  const config = { vocabSize, cell, hiddenSize, numLayers, input, embeddingDim };
  const limit = charLMLimitProblem(config);
  if (limit !== undefined) {
    throw new ModelFileError(`${where} describes a model rnnkit does not load: ${limit}.`);
  }
  return config;
}

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
    if (problems.length >= 20) break; // the first few say enough; a hostile file has thousands
    const a = Object.hasOwn(params, name) ? params[name] : undefined;
    if (!a) problems.push(`missing ${name} ${show(shape)}`);
    else if (show(a.shape) !== show(shape))
      problems.push(`${name} has shape ${show(a.shape)}, expected ${show(shape)}`);
    else if (!a.data.every(Number.isFinite)) problems.push(`${name} contains NaN or Infinity`);
  }
  for (const name of Object.keys(params))
    if (!Object.hasOwn(shapes, name) && problems.length < 20) problems.push(`unexpected ${name}`);
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
