import { loadParamsStateDict } from '@rnnkit/cells';
import { CharTokenizer } from '@rnnkit/tokenizer';
import { CheckpointError } from '../errors.js';
import { type CharLM, charLMParams, createCharLM, disposeCharLM } from '../models/char-lm.js';
import { checkCharLMConfig, checkCharLMParams } from './char-lm-shapes.js';
import type { CheckpointData } from './checkpoint-data.js';

/**
 * Builds the model and tokenizer a checkpoint holds, checking that its config, vocabulary and
 * weights agree (any mismatch is a {@link CheckpointError}; nothing is left allocated).
 *
 * @example
 * ```ts
 * const { model, tokenizer } = loadCharLM(deserializeCheckpoint(artifacts));
 * console.log(tokenizer.decode(sample(model, tokenizer.encode('T'), 100, { seed: 1 })));
 * ```
 */
export function loadCharLM(data: CheckpointData): { model: CharLM; tokenizer: CharTokenizer } {
  let tokenizer: CharTokenizer;
  let model: CharLM;
  try {
    // Validate before allocating: limits, then every weight's name and shape.
    const config = checkCharLMConfig(data.model, 'the checkpoint');
    checkCharLMParams(config, data.params, 'the checkpoint');
    tokenizer = CharTokenizer.fromJSON(data.tokenizer);
    model = createCharLM(data.model);
  } catch (error) {
    throw new CheckpointError(
      `Cannot load the checkpoint: ${(error as Error).message.replace(/\n\s*/g, ' ')} Use another checkpoint.`,
    );
  }
  try {
    if (tokenizer.vocabSize !== model.config.vocabSize) {
      throw new Error(
        `its tokenizer has ${tokenizer.vocabSize} tokens but its model ${model.config.vocabSize}.`,
      );
    }
    loadParamsStateDict(charLMParams(model), data.params, '', 'the checkpoint model');
  } catch (error) {
    disposeCharLM(model);
    throw new CheckpointError(
      `Cannot load the checkpoint: ${(error as Error).message.replace(/\n\s*/g, ' ')} Use another checkpoint.`,
    );
  }
  return { model, tokenizer };
}
