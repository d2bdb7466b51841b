import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { RnnkitError } from '@rnnkit/core';
import type { CharTokenizer } from '@rnnkit/tokenizer';
import { decodeText, type TokenizedText, type TokenizePhase, tokenizeBytes } from '@rnnkit/trainer';
import { InputError } from '../errors.js';
import { describeReadError } from './file-access.js';

/** Files at least this large report their reading progress. */
const PROGRESS_FROM = 32 * 2 ** 20;
const CHUNK = 8 * 2 ** 20;
/**
 * Reads while tokenising are smaller: each read becomes a string that lives until the next
 * garbage collection, and 1 MB ones keep the peak near the id array's own size.
 */
const TOKENIZE_CHUNK = 2 ** 20;

/** What a file read reports: the phase, bytes read so far, the file's size. */
export type ReadProgress = (phase: 'reading' | TokenizePhase, read: number, total: number) => void;

/**
 * Reads a UTF-8 text file whole, with a one-line reason when it cannot be used. Only regular
 * files (a FIFO or device would hang or never end); read in chunks, telling `onProgress` how
 * far it is for large files.
 */
export async function readTextFile(path: string, onProgress?: ReadProgress): Promise<string> {
  const bytes = await withTextFile(path, async (file, size) => {
    const all = new Uint8Array(size);
    let at = 0;
    for await (const chunk of fileChunks(
      file,
      size,
      CHUNK,
      throttled(size, 'reading', onProgress),
    )) {
      all.set(chunk, at);
      at += chunk.length;
    }
    return all.subarray(0, at);
  });
  return decodeText(bytes, `'${path}'`);
}

/**
 * Tokenises a UTF-8 text file without holding it as a string: two passes of `chunkSize` reads
 * (1 MB), the first collecting its characters, the second encoding them into the smallest id
 * array (`tokenizeBytes`); with `tokenizer` (a checkpoint's) the ids are that tokenizer's.
 * Large files report each pass's progress.
 */
export async function tokenizeTextFile(
  path: string,
  options: { tokenizer?: CharTokenizer; onProgress?: ReadProgress; chunkSize?: number } = {},
): Promise<TokenizedText> {
  const { tokenizer, onProgress, chunkSize = TOKENIZE_CHUNK } = options;
  return withTextFile(path, (file, size) => {
    const report: Partial<Record<TokenizePhase, (read: number) => void>> = {};
    return tokenizeBytes(() => fileChunks(file, size, chunkSize), {
      name: `'${path}'`,
      tokenizer,
      onProgress: (phase, read) => {
        report[phase] ??= throttled(size, phase, onProgress);
        report[phase]?.(read);
      },
    });
  });
}

/** Opens `path` as a regular file and runs `use` on it, turning read failures into one line. */
async function withTextFile<T>(
  path: string,
  use: (file: FileHandle, size: number) => Promise<T>,
): Promise<T> {
  try {
    const file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const info = await file.stat();
      if (info.isDirectory()) throw Object.assign(new Error('folder'), { code: 'EISDIR' });
      if (!info.isFile()) {
        throw new InputError(
          `Cannot read '${path}': it is not a regular file (a FIFO, socket or device).`,
        );
      }
      return await use(file, info.size);
    } finally {
      await file.close();
    }
  } catch (error) {
    // Reading and decoding failures already say what is wrong (InputError, TrainingDataError).
    if (error instanceof RnnkitError) throw error;
    throw new InputError(describeReadError(path, error, 'text file'));
  }
}

/** The first `size` bytes of `file`, from its start, in chunks of at most `chunkSize`. */
async function* fileChunks(
  file: FileHandle,
  size: number,
  chunkSize: number,
  onRead?: (read: number) => void,
): AsyncGenerator<Uint8Array> {
  const buffer = new Uint8Array(Math.max(1, Math.min(chunkSize, size)));
  let at = 0;
  while (at < size) {
    const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, size - at), at);
    if (bytesRead === 0) break;
    at += bytesRead;
    yield buffer.subarray(0, bytesRead);
    onRead?.(at);
  }
}

/** Reports about every 10% of a large file's `total` bytes, and its end. */
function throttled(
  total: number,
  phase: 'reading' | TokenizePhase,
  onProgress: ReadProgress | undefined,
): ((read: number) => void) | undefined {
  if (!onProgress || total < PROGRESS_FROM) return undefined;
  let reported = 0;
  return (read) => {
    if (read - reported >= total / 10 || read === total) {
      reported = read;
      onProgress(phase, read, total);
    }
  };
}
