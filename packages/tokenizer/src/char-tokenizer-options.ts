import { VocabularyError } from './errors.js';

/** The token string id 0 decodes to when a tokenizer is built with `unk: true`. */
export const DEFAULT_UNK_TOKEN = '<unk>';

/**
 * How `CharTokenizer.fromText` numbers the characters it finds.
 *
 * - `'sorted'` (default): ascending code point. The same character set always gets the same
 *   ids, whatever order the text shows them in, so vocabularies are reproducible across texts.
 * - `'first-seen'`: order of first appearance, as the classic RNN lecture builds `idx2char`
 *   (`"hihello"` gives `h, i, e, l, o`).
 */
export type VocabularyOrder = 'sorted' | 'first-seen';

/** Options shared by every way of building a `CharTokenizer`. */
export interface CharTokenizerOptions {
  /**
   * Reserve id 0 for characters outside the vocabulary, instead of throwing
   * `UnknownCharacterError` from `encode`. Default `false`.
   */
  readonly unk?: boolean;
  /** The string id 0 decodes to. Setting it implies `unk: true`. Default `'<unk>'`. */
  readonly unkToken?: string;
}

/** Options for `CharTokenizer.fromText`. */
export interface FromTextOptions extends CharTokenizerOptions {
  /** Vocabulary order; default `'sorted'` (by code point). */
  readonly order?: VocabularyOrder;
}

/** The unk token the options ask for, or `undefined` when unknown characters should throw. */
export function resolveUnkToken(options: CharTokenizerOptions): string | undefined {
  const { unk, unkToken } = options;
  if (unkToken === undefined) return unk === true ? DEFAULT_UNK_TOKEN : undefined;
  if (typeof unkToken !== 'string' || unkToken.length === 0) {
    throw new VocabularyError(
      `unkToken must be a non-empty string, got ${JSON.stringify(unkToken)}. ` +
        `Omit it to use '${DEFAULT_UNK_TOKEN}'.`,
    );
  }
  if (unk === false) {
    throw new VocabularyError(
      `Options ask for { unk: false } but also set unkToken ${JSON.stringify(unkToken)}. ` +
        `Drop unkToken to throw on unknown characters, or drop unk: false to map them to it.`,
    );
  }
  return unkToken;
}

/** The order the options ask for, checked so a typo fails loudly instead of sorting. */
export function resolveOrder(options: FromTextOptions): VocabularyOrder {
  const order = options.order ?? 'sorted';
  if (order !== 'sorted' && order !== 'first-seen') {
    throw new VocabularyError(
      `Unknown vocabulary order ${JSON.stringify(order)}; use 'sorted' (the default) or 'first-seen'.`,
    );
  }
  return order;
}
