import { describeCharacter } from '@rnnkit/tokenizer';
import { ConfigError } from '../errors.js';
import type { CharLM } from '../models/char-lm.js';
import { createSampler, type SamplerOptions } from './sampler.js';

/** Text in, text out, one character at a time: a {@link Sampler} with its tokenizer. */
export interface TextGenerator {
  /**
   * Runs text through the network to build the state. Characters outside the vocabulary throw
   * `ConfigError`, or with `unknown: 'skip'` are dropped and returned.
   */
  prime(text: string): { skipped: string[] };
  /** Draws one character and feeds it back. */
  step(): string;
  /** Draws `length` characters. */
  sample(length: number): string;
  /** Frees the sampler's state; the model is untouched. */
  dispose(): void;
}

/** Anything that maps characters to ids and back: a `CharTokenizer`. */
export interface CharCodec {
  idOf(char: string): number | undefined;
  decode(ids: ArrayLike<number>): string;
}

export interface TextGeneratorOptions extends SamplerOptions {
  /** What `prime` does with a character the model never saw; default `'error'`. */
  unknown?: 'error' | 'skip';
}

/**
 * A stateful text generator a UI can drive: prime it once, then ask for characters as they
 * are needed. The same seed and prime give the same text.
 *
 * @example
 * ```ts
 * const gen = createTextGenerator(model, tokenizer, { seed: 1, temperature: 0.8, topK: 10 });
 * gen.prime('ROMEO:');
 * for (let i = 0; i < 100; i++) process.stdout.write(gen.step());
 * gen.dispose();
 * ```
 */
export function createTextGenerator(
  model: CharLM,
  tokenizer: CharCodec,
  options: TextGeneratorOptions = {},
): TextGenerator {
  const { unknown = 'error', ...samplerOptions } = options;
  if (unknown !== 'error' && unknown !== 'skip') {
    throw new ConfigError(`unknown must be 'error' or 'skip', got '${String(unknown)}'.`);
  }
  const sampler = createSampler(model, samplerOptions);
  return {
    prime(text) {
      const ids: number[] = [];
      const skipped: string[] = [];
      let index = 0;
      for (const char of text) {
        const id = tokenizer.idOf(char);
        if (id !== undefined) ids.push(id);
        else if (unknown === 'skip') skipped.push(char);
        else {
          throw new ConfigError(
            `The prime has ${describeCharacter(char)} at index ${index}, which the model never saw: remove it, or skip unknown characters (--skip-unknown, or { unknown: 'skip' }).`,
          );
        }
        index += 1;
      }
      sampler.prime(ids);
      return { skipped };
    },
    step() {
      return tokenizer.decode([sampler.next()]);
    },
    sample(length) {
      let text = '';
      for (let i = 0; i < length; i++) text += this.step();
      return text;
    },
    dispose() {
      sampler.dispose();
    },
  };
}
