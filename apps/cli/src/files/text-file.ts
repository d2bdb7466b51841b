import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { decodeText } from '@rnnkit/trainer';
import { InputError } from '../errors.js';
import { describeReadError } from './file-access.js';

/** Files at least this large report their reading progress. */
const PROGRESS_FROM = 32 * 2 ** 20;
const CHUNK = 8 * 2 ** 20;

/**
 * Reads a UTF-8 text file, with a one-line reason when it cannot be used. Only regular files
 * (a FIFO or device would hang or never end); read in chunks, telling `onProgress` how far it
 * is for large files. The whole text is kept: training cuts it into streams read out of order.
 */
export async function readTextFile(
  path: string,
  onProgress?: (read: number, total: number) => void,
): Promise<string> {
  let bytes: Uint8Array;
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
      bytes = new Uint8Array(info.size);
      let at = 0;
      let reported = 0;
      while (at < info.size) {
        const { bytesRead } = await file.read(bytes, at, Math.min(CHUNK, info.size - at), at);
        if (bytesRead === 0) break;
        at += bytesRead;
        if (
          onProgress &&
          info.size >= PROGRESS_FROM &&
          (at - reported >= info.size / 10 || at === info.size)
        ) {
          reported = at;
          onProgress(at, info.size);
        }
      }
      bytes = bytes.subarray(0, at);
    } finally {
      await file.close();
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(describeReadError(path, error, 'text file'));
  }
  return decodeText(bytes, `'${path}'`);
}
