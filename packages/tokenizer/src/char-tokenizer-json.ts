import { TokenizerFormatError, VocabularyError } from './errors.js';
import { buildVocabulary } from './vocabulary.js';

/** The `format` tag of a saved `CharTokenizer`. */
export const CHAR_TOKENIZER_FORMAT = 'rnnkit.char-tokenizer';
/** The format version this release writes and reads. Bump it when the layout changes. */
export const CHAR_TOKENIZER_FORMAT_VERSION = 1;

/** A saved `CharTokenizer`: plain data, safe for `JSON.stringify`. */
export interface CharTokenizerJSON {
  readonly format: typeof CHAR_TOKENIZER_FORMAT;
  readonly version: typeof CHAR_TOKENIZER_FORMAT_VERSION;
  /** Every token in id order; with an unk token it is entry 0. */
  readonly vocabulary: readonly string[];
  /** The unk token, or `null` when unknown characters throw. */
  readonly unkToken: string | null;
}

function fail(problem: string): never {
  throw new TokenizerFormatError(
    `Not a valid saved CharTokenizer: ${problem}. Save tokenizers with tokenizer.toJSON() ` +
      `(or JSON.stringify(tokenizer)) and load them with CharTokenizer.fromJSON.`,
  );
}

function checkVersion(version: unknown): void {
  if (version === CHAR_TOKENIZER_FORMAT_VERSION) return;
  if (typeof version === 'number' && version > CHAR_TOKENIZER_FORMAT_VERSION) {
    throw new TokenizerFormatError(
      `This saved CharTokenizer has format version ${version}, written by a newer ` +
        `@rnnkit/tokenizer; this one reads version ${CHAR_TOKENIZER_FORMAT_VERSION}. ` +
        `Upgrade @rnnkit/tokenizer to load it.`,
    );
  }
  fail(`"version" is ${JSON.stringify(version)}, expected ${CHAR_TOKENIZER_FORMAT_VERSION}`);
}

/**
 * Checks a saved tokenizer and returns its token list (id order) and unk token.
 *
 * @example
 * ```ts
 * parseCharTokenizerJSON(JSON.parse(saved)); // { vocabulary: ['h', 'i'], unkToken: undefined }
 * ```
 */
export function parseCharTokenizerJSON(value: unknown): {
  vocabulary: string[];
  unkToken: string | undefined;
} {
  if (typeof value === 'string') fail('got a string; JSON.parse it first');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`expected an object, got ${Array.isArray(value) ? 'an array' : String(value)}`);
  }
  const obj = value as Record<string, unknown>;
  if (obj.format !== CHAR_TOKENIZER_FORMAT) {
    fail(`"format" is ${JSON.stringify(obj.format)}, expected "${CHAR_TOKENIZER_FORMAT}"`);
  }
  checkVersion(obj.version);
  const { vocabulary, unkToken } = obj;
  if (!Array.isArray(vocabulary)) fail('"vocabulary" is missing or not an array');
  if (unkToken !== null && (typeof unkToken !== 'string' || unkToken.length === 0)) {
    fail(`"unkToken" must be a non-empty string or null, got ${JSON.stringify(unkToken)}`);
  }
  // A saved unk token always sits at id 0; anywhere else would shift every id on load.
  if (unkToken !== null && vocabulary[0] !== unkToken) {
    fail(`"unkToken" ${JSON.stringify(unkToken)} is not vocabulary entry 0`);
  }
  try {
    return {
      vocabulary: buildVocabulary(vocabulary, unkToken ?? undefined),
      unkToken: unkToken ?? undefined,
    };
  } catch (error) {
    if (error instanceof VocabularyError) fail(error.message.replace(/\.$/, ''));
    throw error;
  }
}
