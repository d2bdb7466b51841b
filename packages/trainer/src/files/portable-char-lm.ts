import { loadParamsStateDict, type NamedArrays, paramsStateDict } from '@rnnkit/cells';
import { CharTokenizer, type CharTokenizerJSON } from '@rnnkit/tokenizer';
import { ModelFileError } from '../errors.js';
import {
  type CharLM,
  type CharLMConfig,
  charLMParams,
  createCharLM,
  disposeCharLM,
} from '../models/char-lm.js';
import { checkCharLMConfig, checkCharLMParams } from './char-lm-shapes.js';

/**
 * A character model as plain data, the common ground of every file format: its full config,
 * its weights by PyTorch `state_dict` name (`rnn.weight_ih_l0`, `fc.weight`, …) and, when
 * known, its tokenizer. Checkpoint data has the same fields.
 */
export interface PortableCharLM {
  model: Required<CharLMConfig>;
  params: NamedArrays;
  tokenizer?: CharTokenizerJSON;
}

/**
 * A model's config and weights (and tokenizer) as plain data, ready for any exporter.
 * Reads the weights synchronously: for saving, not for training loops.
 *
 * @example
 * ```ts
 * const { bytes } = charLMToSafetensors(portableCharLM(model, tokenizer));
 * ```
 */
export function portableCharLM(model: CharLM, tokenizer?: CharTokenizer): PortableCharLM {
  const params = paramsStateDict(charLMParams(model));
  return tokenizer
    ? { model: { ...model.config }, params, tokenizer: tokenizer.toJSON() }
    : { model: { ...model.config }, params };
}

/**
 * Builds the model (and tokenizer, when present) of imported data. A tokenizer whose size
 * differs from the model's vocabulary is a `ModelFileError`; nothing stays allocated on error.
 *
 * @example
 * ```ts
 * const { model, tokenizer } = charLMFromPortable(charLMFromSafetensors(bytes));
 * ```
 */
export function charLMFromPortable(p: PortableCharLM): {
  model: CharLM;
  tokenizer?: CharTokenizer;
} {
  // Validate before allocating: limits, then every weight's name and shape.
  checkCharLMParams(
    checkCharLMConfig(p.model, 'the imported model'),
    p.params,
    'the imported model',
  );
  const tokenizer = p.tokenizer ? CharTokenizer.fromJSON(p.tokenizer) : undefined;
  if (tokenizer && tokenizer.vocabSize !== p.model.vocabSize) {
    throw new ModelFileError(
      `The tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary is ` +
        `${p.model.vocabSize}: the sidecar belongs to another model.`,
    );
  }
  const model = createCharLM(p.model);
  try {
    loadParamsStateDict(charLMParams(model), p.params, '', 'the imported model');
  } catch (error) {
    disposeCharLM(model);
    throw error;
  }
  return tokenizer ? { model, tokenizer } : { model };
}
