// Containment of paths read from files: the regression tests of issue 13's finding 1.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileAccessError } from '../errors.js';
import {
  readContainedFile,
  readRegularFile,
  resolveContained,
  sizeContainedFiles,
} from './contained-file.js';

const reason = async (p: Promise<unknown>) =>
  p.then(
    () => 'read',
    (e: unknown) => {
      if (!(e instanceof FileAccessError)) throw e;
      return e.reason;
    },
  );

describe('readContainedFile', () => {
  const root = mkdtempSync(join(tmpdir(), 'rnnkit-contained-'));
  const folder = join(root, 'ckpt');
  mkdirSync(join(folder, 'sub'), { recursive: true });
  writeFileSync(join(folder, 'w.bin'), new Uint8Array(8));
  writeFileSync(join(folder, 'sub', 'x.bin'), new Uint8Array(4));
  writeFileSync(join(root, 'outside.bin'), new Uint8Array(8));
  symlinkSync(join(root, 'outside.bin'), join(folder, 'link-out.bin'));
  symlinkSync('w.bin', join(folder, 'link-in.bin'));
  symlinkSync('/dev/zero', join(folder, 'zero.bin'));

  it('reads files inside the folder, subfolders and links that stay inside included', async () => {
    expect((await readContainedFile(folder, 'w.bin', { expectedBytes: 8 })).length).toBe(8);
    expect((await readContainedFile(folder, 'sub/x.bin')).length).toBe(4);
    expect((await readContainedFile(folder, 'link-in.bin')).length).toBe(8);
  });

  it('sizes the files a manifest names before reading any, and refuses one outside', async () => {
    const { files, total } = await sizeContainedFiles(
      folder,
      ['w.bin', 'sub/x.bin'],
      'weights file',
    );
    expect(total).toBe(12);
    expect(files).toEqual([join(folder, 'w.bin'), join(folder, 'sub', 'x.bin')]);
    expect(await reason(sizeContainedFiles(folder, ['w.bin', '../outside.bin']))).toBe(
      'outside-folder',
    );
  });

  it('refuses .., absolute paths, links out, devices and non-strings', async () => {
    expect(await reason(readContainedFile(folder, '../outside.bin'))).toBe('outside-folder');
    expect(await reason(readContainedFile(folder, '../../../../etc/passwd'))).toBe(
      'outside-folder',
    );
    expect(await reason(readContainedFile(folder, 'sub/../../outside.bin'))).toBe('outside-folder');
    expect(await reason(readContainedFile(folder, '/etc/passwd'))).toBe('outside-folder');
    expect(await reason(readContainedFile(folder, 'C:\\x'))).toBe('outside-folder');
    expect(await reason(readContainedFile(folder, 'link-out.bin'))).toBe('outside-folder');
    expect(await reason(readContainedFile(folder, 'zero.bin'))).toBe('outside-folder');
    expect(await reason(readContainedFile(folder, ''))).toBe('bad-path');
    expect(await reason(readContainedFile(folder, 'a\0b'))).toBe('bad-path');
    expect(await reason(readContainedFile(folder, 42))).toBe('bad-path');
    expect(await reason(readContainedFile(folder, 'nope.bin'))).toBe('missing');
    expect(await reason(readContainedFile(folder, 'sub'))).toBe('not-a-file');
    expect(await reason(resolveContained(folder, '.'))).toBe('outside-folder');
  });

  it('checks the size before reading: promised size and the limit', async () => {
    expect(await reason(readContainedFile(folder, 'w.bin', { expectedBytes: 12 }))).toBe(
      'size-mismatch',
    );
    expect(await reason(readContainedFile(folder, 'w.bin', { maxBytes: 4 }))).toBe('too-large');
  });

  it('never blocks on a FIFO and never reads a device', async () => {
    const fifo = join(folder, 'pipe.bin');
    execFileSync('mkfifo', [fifo]);
    expect(await reason(readContainedFile(folder, 'pipe.bin'))).toBe('not-a-file');
    expect(await reason(readRegularFile('/dev/zero'))).toBe('not-a-file');
  });
});
