import { TrainingDataError } from '../errors.js';

/**
 * Decodes a file's bytes as UTF-8 training text, refusing what would train on garbage: no bytes,
 * bytes that are not UTF-8 (a binary file, or a legacy encoding), or NUL characters (binary data
 * that happens to decode). Works on bytes from `fs.readFile` and from a browser `File` alike.
 *
 * @example
 * ```ts
 * const text = decodeText(new Uint8Array(await file.arrayBuffer()), file.name);
 * ```
 */
export function decodeText(bytes: Uint8Array, name = 'the text'): string {
  const decoder = createTextChunkDecoder(name);
  const text = decoder.decode(bytes) + decoder.end();
  if (text.length === 0) throw emptyText(name);
  return text;
}

/**
 * Decodes UTF-8 bytes given in chunks, with `decodeText`'s checks: a character split between
 * chunks is decoded whole, a byte-order mark at the start is dropped, bytes that are not UTF-8
 * and NUL characters throw `TrainingDataError` naming `name`. The decoded chunks joined are
 * `decodeText` of the bytes joined.
 */
export interface TextChunkDecoder {
  /** The text of the next bytes (possibly empty while a character is incomplete). */
  decode(bytes: Uint8Array): string;
  /** The rest: throws when the bytes end inside a character. */
  end(): string;
}

export function createTextChunkDecoder(name: string): TextChunkDecoder {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let started = false;
  const checked = (run: () => string): string => {
    let text: string;
    try {
      text = run();
    } catch {
      throw new TrainingDataError(
        `${name} is not UTF-8 text (a binary file, or another encoding): convert it to UTF-8 first, e.g. iconv -t UTF-8.`,
      );
    }
    // A UTF-8 byte-order mark is an encoding marker, not a character to learn.
    if (!started && text.length > 0) {
      started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.includes('\u0000')) {
      throw new TrainingDataError(
        `${name} contains NUL bytes, so it looks like a binary file: give a plain text file.`,
      );
    }
    return text;
  };
  return {
    decode: (bytes) => checked(() => decoder.decode(bytes, { stream: true })),
    end: () => checked(() => decoder.decode()),
  };
}

/** The error for a text with no characters. */
export function emptyText(name: string): TrainingDataError {
  return new TrainingDataError(`${name} is empty: give a file with some text in it.`);
}
