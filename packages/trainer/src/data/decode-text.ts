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
  if (bytes.length === 0) {
    throw new TrainingDataError(`${name} is empty: give a file with some text in it.`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TrainingDataError(
      `${name} is not UTF-8 text (a binary file, or another encoding): convert it to UTF-8 first, e.g. iconv -t UTF-8.`,
    );
  }
  // A UTF-8 byte-order mark is an encoding marker, not a character to learn.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes('\u0000')) {
    throw new TrainingDataError(
      `${name} contains NUL bytes, so it looks like a binary file: give a plain text file.`,
    );
  }
  if (text.length === 0) {
    throw new TrainingDataError(`${name} is empty: give a file with some text in it.`);
  }
  return text;
}
