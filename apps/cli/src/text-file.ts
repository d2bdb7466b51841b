import { readFile } from 'node:fs/promises';
import { decodeText } from '@rnnkit/trainer';
import { InputError } from './errors.js';

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

/** What went wrong opening a file, and what to do about it. */
export function describeReadError(path: string, error: unknown, what: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `Cannot read '${path}': there is no such file. Check the path.`;
  if (code === 'EISDIR') return `Cannot read '${path}': it is a folder, not a ${what}.`;
  if (code === 'EACCES' || code === 'EPERM') {
    return `Cannot read '${path}': permission denied. Check the file's permissions.`;
  }
  return `Cannot read '${path}': ${(error as Error).message}.`;
}
