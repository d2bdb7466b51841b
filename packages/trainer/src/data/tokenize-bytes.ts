import {
  allocateTokenIds,
  CharacterScan,
  CharTokenizer,
  type TokenIds,
  UnknownCharacterError,
} from '@rnnkit/tokenizer';
import { TrainingDataError } from '../errors.js';
import { createTextChunkDecoder, emptyText } from './decode-text.js';

/** A text already turned into ids, with the tokenizer that did it: what a trainer trains on. */
export interface TokenizedText {
  readonly tokenizer: CharTokenizer;
  /** One id per code point, in the smallest array that holds them (`TokenIds`). */
  readonly ids: TokenIds;
}

/** The two passes over the bytes: collecting the characters, then encoding them. */
export type TokenizePhase = 'characters' | 'encoding';

export interface TokenizeBytesOptions {
  /** How the text is named in errors, e.g. the file name in quotes. Default 'the text'. */
  name?: string;
  /**
   * Encode with this tokenizer (a checkpoint's, to resume) instead of building the vocabulary
   * from the text; a character it lacks is a `TrainingDataError` naming it and its place.
   */
  tokenizer?: CharTokenizer;
  /** Called after each chunk with the phase and the bytes of this pass read so far. */
  onProgress?: (phase: TokenizePhase, bytes: number) => void;
}

/**
 * Tokenises a UTF-8 text given as chunks of bytes, never holding it as one string: a first pass
 * collects its characters and counts them, a second encodes them into the smallest id array
 * (1 byte per character for at most 256 distinct characters). `chunks` is called once per pass
 * and must yield the same bytes both times. The vocabulary and ids equal
 * `CharTokenizer.fromText(decodeText(bytes))` and its `encode`, and the same checks apply
 * (`TrainingDataError` for no text, bytes that are not UTF-8, NUL characters).
 *
 * @example
 * ```ts
 * const text = await tokenizeBytes(() => fileChunks(path), { name: `'${path}'` });
 * const trainer = createTrainer(text, { steps: 2000 });
 * ```
 */
export async function tokenizeBytes(
  chunks: () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: TokenizeBytesOptions = {},
): Promise<TokenizedText> {
  const name = options.name ?? 'the text';
  const scan = new CharacterScan();
  await eachText(chunks, name, 'characters', options.onProgress, (text) => scan.add(text));
  scan.finish();
  if (scan.count === 0) throw emptyText(name);
  const tokenizer = options.tokenizer ?? CharTokenizer.fromCharacterScan(scan);
  const ids = allocateTokenIds(tokenizer.vocabSize, scan.count);
  const encoder = tokenizer.chunkEncoder(ids);
  let written: number;
  try {
    await eachText(chunks, name, 'encoding', options.onProgress, (text) => encoder.write(text));
    written = encoder.end();
  } catch (error) {
    // Built from this text, the vocabulary lacks a character only if the text changed.
    if (error instanceof UnknownCharacterError && options.tokenizer) throw lackedCharacter(error);
    if (error instanceof UnknownCharacterError || error instanceof RangeError) {
      throw changedWhileRead(name);
    }
    throw error;
  }
  if (written !== scan.count) throw changedWhileRead(name);
  return { tokenizer, ids };
}

/** Decodes each chunk and hands its text on, reporting the bytes read. */
async function eachText(
  chunks: () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  name: string,
  phase: TokenizePhase,
  onProgress: TokenizeBytesOptions['onProgress'],
  use: (text: string) => void,
): Promise<void> {
  const decoder = createTextChunkDecoder(name);
  let bytes = 0;
  for await (const chunk of chunks()) {
    use(decoder.decode(chunk));
    bytes += chunk.length;
    onProgress?.(phase, bytes);
  }
  use(decoder.end());
}

/** A text with a character outside a given (checkpoint's) vocabulary. */
export function lackedCharacter(error: UnknownCharacterError): TrainingDataError {
  return new TrainingDataError(
    `The text has a character the checkpoint's vocabulary lacks: ${error.message.split(':')[0]}. Resume with the text the checkpoint was trained on, or start a new run without resuming.`,
  );
}

function changedWhileRead(name: string): TrainingDataError {
  return new TrainingDataError(
    `${name} changed while it was read (its two passes gave different texts): train on a file nothing else is writing.`,
  );
}
