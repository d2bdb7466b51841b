import { readFile } from 'node:fs/promises';
import { decodeText } from '@rnnkit/trainer';
import { InputError } from '../errors.js';
import { describeReadError } from './file-access.js';

/** Reads a UTF-8 text file, with a one-line reason when it cannot be used. */
export async function readTextFile(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new InputError(describeReadError(path, error, 'text file'));
  }
  return decodeText(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), `'${path}'`);
}
