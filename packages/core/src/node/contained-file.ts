// Node-only: reading files whose names come from other files (weights manifests, sidecars) or
// from the user, without ever reading outside the folder, a FIFO, a device, or more bytes than
// promised. Every rnnkit loader on Node goes through here.
import { constants } from 'node:fs';
import { type FileHandle, open, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { FileAccessError } from '../errors.js';

/** Largest file rnnkit reads into memory in one piece (2 GiB, about V8's largest buffer). */
export const MAX_FILE_BYTES = 2 ** 31 - 1;

/** What to check about a file before its bytes are read. */
export interface ReadLimits {
  /** Refuse a file larger than this, before reading any of it. Default {@link MAX_FILE_BYTES}. */
  maxBytes?: number;
  /** Refuse a file of any other size (what its manifest promises). */
  expectedBytes?: number;
  /** What the file is, for messages: `'weights file'`, `'sidecar'`. */
  what?: string;
}

/**
 * Resolves `name`, a path read from a file in `folder`, to a real path inside `folder`, or
 * throws a `FileAccessError`: an empty or absolute name, a `..` segment, a NUL byte, or a path
 * whose real location (symlinks followed) is outside the folder's real location.
 *
 * @example
 * ```ts
 * await resolveContained('ckpt/latest', 'weights-200-ab12.bin'); // '/abs/ckpt/latest/weights-200-ab12.bin'
 * await resolveContained('ckpt/latest', '../../etc/passwd');      // throws FileAccessError 'outside-folder'
 * ```
 */
export async function resolveContained(
  folder: string,
  name: unknown,
  what = 'file',
): Promise<string> {
  if (typeof name !== 'string' || name.length === 0 || name.length > 4096 || name.includes('\0')) {
    throw new FileAccessError(
      'bad-path',
      `The ${what} path ${shown(name)} is not a file name. The file that names it is corrupted or was not written by rnnkit.`,
    );
  }
  const segments = name.split(/[\\/]/);
  if (
    isAbsolute(name) ||
    /^[a-zA-Z]:/.test(name) ||
    name.startsWith('\\') ||
    segments.includes('..')
  ) {
    throw new FileAccessError(
      'outside-folder',
      `Refusing to read the ${what} ${shown(name)}: a path read from a file must stay inside its folder '${folder}' (no absolute paths, no '..'). The file may be hostile; do not use it.`,
    );
  }
  const base = await realFolder(folder, what);
  const target = join(base, name);
  let real: string;
  try {
    real = await realpath(target);
  } catch (error) {
    throw accessError(target, error, what);
  }
  const inside = relative(base, real);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    throw new FileAccessError(
      'outside-folder',
      `Refusing to read the ${what} ${shown(name)}: it is a link to '${real}', outside its folder '${folder}'. The file may be hostile; do not use it.`,
    );
  }
  return real;
}

/**
 * Reads a file named inside a folder by another file (see {@link resolveContained}), checking
 * first that it is a regular file and that its size fits `limits`; the read stops at that size.
 *
 * @example
 * ```ts
 * const bytes = await readContainedFile('ckpt/latest', manifestPath, { expectedBytes: 4 * n, what: 'weights file' });
 * ```
 */
export async function readContainedFile(
  folder: string,
  name: unknown,
  limits: ReadLimits = {},
): Promise<Uint8Array> {
  const path = await resolveContained(folder, name, limits.what);
  return readRegularFile(path, limits);
}

/**
 * Resolves every name in `names` inside `folder` (as {@link resolveContained}) and sizes each
 * as a regular file, before any is read: the caller compares `total` with what the manifest
 * that named them promises.
 *
 * @example
 * ```ts
 * const { files, total } = await sizeContainedFiles('ckpt/latest', ['weights-200-ab12.bin']);
 * ```
 */
export async function sizeContainedFiles(
  folder: string,
  names: readonly unknown[],
  what = 'file',
): Promise<{ files: string[]; total: number }> {
  const files: string[] = [];
  let total = 0;
  for (const name of names) {
    const file = await resolveContained(folder, name, what);
    total += (await statRegularFile(file, { what })).size;
    files.push(file);
  }
  return { files, total };
}

/**
 * Reads a file the user named (no folder to stay in): a regular file only, never a FIFO,
 * device or folder, its size checked against `limits` before reading, the read bounded by it.
 *
 * @example
 * ```ts
 * const json = await readRegularFile('ckpt/latest/model.json', { maxBytes: 64 * 2 ** 20, what: 'checkpoint file' });
 * ```
 */
export async function readRegularFile(path: string, limits: ReadLimits = {}): Promise<Uint8Array> {
  const file = await openRegularFile(path, limits);
  try {
    return await readAll(file, path, limits);
  } finally {
    await file.close();
  }
}

/**
 * Opens a file for reading after the same checks as {@link readRegularFile}, returning the open
 * handle and its size, so a caller can check several files' sizes before reading any.
 *
 * @example
 * ```ts
 * const { size } = await statRegularFile(path, { what: 'weights file' });
 * ```
 */
export async function statRegularFile(
  path: string,
  limits: ReadLimits = {},
): Promise<{ size: number }> {
  const file = await openRegularFile(path, limits);
  try {
    return { size: (await file.stat()).size };
  } finally {
    await file.close();
  }
}

async function openRegularFile(path: string, limits: ReadLimits): Promise<FileHandle> {
  const what = limits.what ?? 'file';
  let file: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; the fstat below refuses it.
    file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw accessError(path, error, what);
  }
  try {
    const info = await file.stat();
    if (!info.isFile()) {
      throw new FileAccessError(
        'not-a-file',
        `Cannot read '${path}': it is ${info.isDirectory() ? 'a folder' : 'not a regular file (a FIFO, socket or device)'}, not a ${what}.`,
      );
    }
    const max = Math.min(limits.maxBytes ?? MAX_FILE_BYTES, MAX_FILE_BYTES);
    if (info.size > max) {
      throw new FileAccessError(
        'too-large',
        `Cannot read '${path}': it has ${info.size} bytes, more than the ${max} a ${what} may have. Check that it is the right file.`,
      );
    }
    if (limits.expectedBytes !== undefined && info.size !== limits.expectedBytes) {
      throw new FileAccessError(
        'size-mismatch',
        `The ${what} '${path}' has ${info.size} bytes but should have ${limits.expectedBytes}: it is truncated, or belongs to another save.`,
      );
    }
    return file;
  } catch (error) {
    await file.close();
    throw error;
  }
}

async function readAll(file: FileHandle, path: string, limits: ReadLimits): Promise<Uint8Array> {
  const { size } = await file.stat();
  const out = new Uint8Array(size);
  let at = 0;
  while (at < size) {
    const { bytesRead } = await file.read(out, at, size - at, at);
    if (bytesRead === 0) break;
    at += bytesRead;
  }
  if (at !== size) {
    throw new FileAccessError(
      'size-mismatch',
      `The ${limits.what ?? 'file'} '${path}' shrank while it was read (${at} of ${size} bytes): something else is writing it. Try again.`,
    );
  }
  return out;
}

async function realFolder(folder: string, what: string): Promise<string> {
  try {
    return await realpath(resolve(folder));
  } catch (error) {
    throw accessError(folder, error, `folder of the ${what}`);
  }
}

function accessError(path: string, error: unknown, what: string): FileAccessError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new FileAccessError(
      'missing',
      `Cannot read the ${what} '${path}': there is no such file. Check the path.`,
    );
  }
  if (code === 'EISDIR') {
    return new FileAccessError(
      'not-a-file',
      `Cannot read '${path}': it is a folder, not a ${what}.`,
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new FileAccessError(
      'unreadable',
      `Cannot read the ${what} '${path}': permission denied. Check the file's permissions.`,
    );
  }
  if (code === 'ELOOP') {
    return new FileAccessError(
      'bad-path',
      `Cannot read the ${what} '${path}': too many symbolic links.`,
    );
  }
  return new FileAccessError(
    'unreadable',
    `Cannot read the ${what} '${path}': ${(error as Error).message}.`,
  );
}

function shown(name: unknown): string {
  const text = typeof name === 'string' ? JSON.stringify(name) : String(typeof name);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
