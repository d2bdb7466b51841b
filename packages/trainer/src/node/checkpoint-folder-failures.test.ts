// Checkpoint folders when something is wrong on disk: weights that do not match model.json,
// a save that cannot finish, weights split over several files, a model.json too large to read.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@rnnkit/backend';
import { FileAccessError } from '@rnnkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CheckpointData, CheckpointError, createTrainer } from '../index.js';
import { loadCheckpoint, saveCheckpoint, whyWriteFailed } from '../node.js';
import { generatedText } from '../test-support/generated-text.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-folder-fail-'));
let one: CheckpointData;
let two: CheckpointData;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  const trainer = createTrainer(generatedText(1200), {
    hiddenSize: 8,
    numLayers: 1,
    batchSize: 2,
    seqLength: 8,
    steps: 2,
    evalEvery: 100,
    sampleLength: 0,
  });
  for await (const event of trainer.run()) {
    if (event.type === 'step' && event.step === 1) one = trainer.checkpoint();
  }
  two = trainer.checkpoint();
  trainer.dispose();
}, 60_000);

const manifestPaths = (folder: string): string[] =>
  JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')).weightsManifest.flatMap(
    (g: { paths: string[] }) => g.paths,
  );

describe('checkpoint folders on a bad disk', () => {
  it('refuses weights that hold fewer bytes than model.json describes', async () => {
    const folder = join(dir, 'short');
    await saveCheckpoint(folder, one);
    const weights = join(folder, manifestPaths(folder)[0] as string);
    const bytes = readFileSync(weights);
    writeFileSync(weights, bytes.subarray(0, bytes.length - 8));
    const error = await loadCheckpoint(folder).catch((e: Error) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toContain(
      `hold ${bytes.length - 8} bytes but model.json describes ${bytes.length}`,
    );
  });

  it('keeps the previous checkpoint, and no new weights file, when model.json cannot be saved', async () => {
    const folder = join(dir, 'blocked');
    await saveCheckpoint(folder, one);
    const before = readdirSync(folder).sort();
    const inTheWay = join(folder, `model.json.tmp-${process.pid}`);
    mkdirSync(inTheWay);
    const error = await saveCheckpoint(folder, two).catch((e: Error) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toBe(
      `Cannot save the checkpoint in '${folder}': a folder is in the way of a file on that path. The checkpoint that was there is kept; make room or choose another folder, then save again.`,
    );
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('EISDIR');
    rmSync(inTheWay, { recursive: true });
    expect(readdirSync(folder).sort()).toEqual(before);
    expect((await loadCheckpoint(folder)).training?.step).toBe(1);
  });

  it('loads weights split over several files in manifest order', async () => {
    const folder = join(dir, 'split');
    await saveCheckpoint(folder, two);
    const [name] = manifestPaths(folder) as [string];
    const bytes = readFileSync(join(folder, name));
    const cut = 4 * Math.floor(bytes.length / 12);
    writeFileSync(join(folder, 'a.bin'), bytes.subarray(0, cut));
    writeFileSync(join(folder, 'b.bin'), bytes.subarray(cut));
    rmSync(join(folder, name));
    const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['a.bin', 'b.bin'];
    writeFileSync(join(folder, 'model.json'), JSON.stringify(json));
    const back = await loadCheckpoint(folder);
    expect(back.params).toEqual(two.params);
    expect(back.training?.step).toBe(2);
  });

  it('refuses a model.json over 64 MiB by its size, before reading it', async () => {
    const folder = join(dir, 'huge');
    await saveCheckpoint(folder, one);
    // a sparse file: 64 MiB + 1 byte of zeros, taking no room on disk
    truncateSync(join(folder, 'model.json'), 64 * 2 ** 20 + 1);
    const error = await loadCheckpoint(folder).catch((e: Error) => e);
    expect(error).toBeInstanceOf(FileAccessError);
    expect((error as FileAccessError).reason).toBe('too-large');
    expect((error as Error).message).toContain(
      `it has ${64 * 2 ** 20 + 1} bytes, more than the ${64 * 2 ** 20} a model.json may have`,
    );
  });

  // Linux only, as /dev/full is: a link to it where model.json's temp file goes makes its write
  // fail with ENOSPC after the file was opened.
  it.runIf(existsSync('/dev/full'))(
    'closes the file it was writing when the write fails, and leaves the previous checkpoint',
    async () => {
      const folder = join(dir, 'full');
      await saveCheckpoint(folder, one);
      const before = readdirSync(folder).sort();
      const openOnFull = () =>
        readdirSync('/proc/self/fd').filter((fd) => {
          try {
            return readlinkSync(`/proc/self/fd/${fd}`) === '/dev/full';
          } catch {
            return false; // closed since the listing
          }
        }).length;
      const open = openOnFull();
      symlinkSync('/dev/full', join(folder, `model.json.tmp-${process.pid}`));
      const error = await saveCheckpoint(folder, two).catch((e: Error) => e);
      expect(error).toBeInstanceOf(CheckpointError);
      expect((error as Error).message).toContain(`in '${folder}': the disk is full.`);
      expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
      expect(openOnFull()).toBe(open);
      // the link (the temp name) and the new weights file are removed again
      expect(readdirSync(folder).sort()).toEqual(before);
      expect((await loadCheckpoint(folder)).training?.step).toBe(1);
    },
  );
});

describe('whyWriteFailed', () => {
  it('says in words why a write failed, for each error code a disk gives', () => {
    const code = (c: string) => Object.assign(new Error(`${c}: raw`), { code: c });
    expect(whyWriteFailed(code('ENOSPC'))).toBe('the disk is full');
    expect(whyWriteFailed(code('EDQUOT'))).toBe('the disk is full');
    for (const c of ['EACCES', 'EPERM', 'EROFS']) {
      expect(whyWriteFailed(code(c))).toBe('permission denied (or a read-only disk)');
    }
    for (const c of ['ENOTDIR', 'EEXIST']) {
      expect(whyWriteFailed(code(c))).toBe('a file is in the way of a folder on that path');
    }
    expect(whyWriteFailed(code('EISDIR'))).toBe('a folder is in the way of a file on that path');
    expect(whyWriteFailed(code('EIO'))).toBe('EIO: raw');
    expect(whyWriteFailed(new Error('plain'))).toBe('plain');
  });
});
