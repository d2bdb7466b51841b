// The CLI's checkpoint folders in process, on real files in a temp folder: what a save leaves
// on disk, what a failed save keeps, what a load refuses, and the clean-up a trainer does
// before it starts. Failures are made with things in the way (a folder where a file goes).
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@rnnkit/backend';
import { type CheckpointData, CheckpointError, createTrainer } from '@rnnkit/trainer';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointWriteError } from '../errors.js';
import { generatedText } from '../test-support/run-cli.js';
import {
  findCheckpoint,
  MAX_MODEL_JSON_BYTES,
  prepareCheckpointDir,
  readCheckpoint,
  removeStaleFiles,
  removeTempFilesSync,
  writeCheckpoint,
} from './checkpoint-files.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-ckpt-files-'));
/** Checkpoints after 2 and 3 steps of one tiny run. */
let two: CheckpointData;
let three: CheckpointData;

/** A pid no process can have (above Linux's largest pid_max, 2^22). */
const DEAD_PID = 99_999_999;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  const trainer = createTrainer(generatedText(1500), {
    hiddenSize: 8,
    batchSize: 2,
    seqLength: 8,
    steps: 3,
    evalEvery: 100,
    sampleLength: 0,
  });
  for await (const event of trainer.run()) {
    if (event.type === 'step' && event.step === 2) two = trainer.checkpoint();
  }
  three = trainer.checkpoint();
  trainer.dispose();
}, 60_000);

/** A fresh folder under the test's temp folder. */
function folder(name: string): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  return path;
}

const weightsFiles = (path: string) => readdirSync(path).filter((f) => f.endsWith('.bin'));
const named = (path: string): string[] =>
  JSON.parse(readFileSync(join(path, 'model.json'), 'utf8')).weightsManifest.flatMap(
    (g: { paths: string[] }) => g.paths,
  );

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}

/** Open file descriptors of this process (Linux), to show a save closes what it opens. */
const openFds = () => readdirSync('/proc/self/fd').length;

describe('writeCheckpoint and readCheckpoint', () => {
  it('saves a checkpoint that loads back with the same weights, step and config', async () => {
    const at = join(dir, 'round', 'nested', 'latest');
    await writeCheckpoint(at, three);
    expect(readdirSync(at).sort()).toEqual(['model.json', ...named(at)].sort());
    expect(named(at)).toHaveLength(1);
    expect(named(at)[0]).toMatch(/^weights-3-[0-9a-f]{8}\.bin$/);
    expect(readFileSync(join(at, 'model.json'), 'utf8').endsWith('}\n')).toBe(true);
    const back = await readCheckpoint(at);
    expect(back.training?.step).toBe(3);
    expect(back.params).toEqual(three.params);
    expect(back.model).toEqual(three.model);
    expect(back.tokenizer).toEqual(three.tokenizer);
    expect(back.training?.config).toEqual(three.training?.config);
  });

  it('replaces the weights file on each save and leaves every other file alone', async () => {
    const at = folder('replace');
    writeFileSync(join(at, 'notes.txt'), 'mine');
    writeFileSync(join(at, 'old-weights-1.bin'), 'mine');
    writeFileSync(join(at, 'weights-1.bin.bak'), 'mine');
    await writeCheckpoint(at, two);
    const first = named(at);
    await writeCheckpoint(at, three);
    const second = named(at);
    expect(second).not.toEqual(first);
    expect(weightsFiles(at).sort()).toEqual(['old-weights-1.bin', ...second].sort());
    expect(readdirSync(at)).toEqual(
      expect.arrayContaining(['notes.txt', 'weights-1.bin.bak', 'model.json']),
    );
    expect(readdirSync(at)).toHaveLength(5);
    expect((await readCheckpoint(at)).training?.step).toBe(3);
  });

  it.skipIf(!existsSync('/proc/self/fd'))(
    'closes every file it opens (a long run saves thousands of times)',
    async () => {
      const at = folder('fds');
      await writeCheckpoint(at, two);
      await prepareCheckpointDir(join(dir, 'fds-root'));
      // Other files of the test process may close meanwhile; none of these stays open.
      let before = openFds();
      for (let i = 0; i < 8; i++) await writeCheckpoint(at, i % 2 ? two : three);
      expect(openFds()).toBeLessThanOrEqual(before);
      before = openFds();
      for (let i = 0; i < 8; i++) await prepareCheckpointDir(join(dir, 'fds-root'));
      expect(openFds()).toBeLessThanOrEqual(before);
    },
  );

  it('keeps the previous checkpoint when model.json cannot be written', async () => {
    const at = folder('fails-json');
    await writeCheckpoint(at, two);
    const before = readdirSync(at).sort();
    // A folder where the temp copy of model.json goes: opening it for writing fails.
    mkdirSync(join(at, `model.json.tmp-${process.pid}`));
    const error = await rejection(writeCheckpoint(at, three));
    expect(error).toBeInstanceOf(CheckpointWriteError);
    expect(error.message).toContain(join(at, 'model.json'));
    expect(error.message).toContain('The previous checkpoint is kept');
    // The new weights file is gone again; the old checkpoint loads.
    rmSync(join(at, `model.json.tmp-${process.pid}`), { recursive: true });
    expect(readdirSync(at).sort()).toEqual(before);
    expect((await readCheckpoint(at)).training?.step).toBe(2);
  });

  it.skipIf(process.platform === 'win32')(
    'removes the temp files of a save in progress on demand (a second Ctrl-C), and the save then fails cleanly',
    async () => {
      const at = folder('interrupted');
      await writeCheckpoint(at, two);
      const before = readdirSync(at).sort();
      // model.json's temp file is a FIFO without a reader: opening it for writing waits, so
      // the save stays in progress until the test opens the FIFO (by its other name).
      const fifo = join(dir, 'interrupted.fifo');
      execFileSync('mkfifo', [fifo]);
      const temp = join(at, `model.json.tmp-${process.pid}`);
      linkSync(fifo, temp);
      const saving = writeCheckpoint(at, three).catch((error: Error) => error);
      const deadline = Date.now() + 20_000;
      while (existsSync(temp) && Date.now() < deadline) {
        // Once the new weights file is in place, the save is writing model.json.
        if (readdirSync(at).some((n) => /^weights-3-[0-9a-f]{8}\.bin$/.test(n))) {
          removeTempFilesSync();
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const removed = !existsSync(temp);
      const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
      const error = await saving;
      closeSync(reader);
      expect(removed).toBe(true);
      expect(error).toBeInstanceOf(CheckpointWriteError);
      expect(readdirSync(at).sort()).toEqual(before);
      expect((await readCheckpoint(at)).training?.step).toBe(2);
    },
    60_000,
  );

  it.skipIf(process.platform === 'win32')(
    'removes temp files on demand without failing for one that is already gone',
    async () => {
      const at = folder('interrupted-gone');
      await writeCheckpoint(at, two);
      const fifo = join(dir, 'interrupted-gone.fifo');
      execFileSync('mkfifo', [fifo]);
      const temp = join(at, `model.json.tmp-${process.pid}`);
      linkSync(fifo, temp);
      const saving = writeCheckpoint(at, three).catch((error: Error) => error);
      const deadline = Date.now() + 20_000;
      while (!readdirSync(at).some((n) => /^weights-3-/.test(n)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await new Promise((resolve) => setTimeout(resolve, 50)); // the save is opening model.json
      rmSync(temp); // its temp file is gone (removed, or not made yet)
      expect(() => removeTempFilesSync()).not.toThrow();
      const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
      const error = await saving;
      closeSync(reader);
      expect(error).toBeInstanceOf(CheckpointWriteError);
      expect((await readCheckpoint(at)).training?.step).toBe(2);
    },
    60_000,
  );

  it('refuses a folder that is a file, saying a file is in the way', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const error = await rejection(writeCheckpoint(join(file, 'latest'), two));
    expect(error).toBeInstanceOf(CheckpointWriteError);
    expect(error.message).toMatch(
      new RegExp(
        `^Cannot write '${join(file, 'latest')}': a file is in the way of a folder on that path\\.`,
      ),
    );
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('saves a model without training state (an imported one) as step 0', async () => {
    const at = folder('model-only');
    const { training: _, ...modelOnly } = two;
    await writeCheckpoint(at, modelOnly);
    expect(named(at)[0]).toMatch(/^weights-0-[0-9a-f]{8}\.bin$/);
    const back = await readCheckpoint(at);
    expect(back.training).toBeUndefined();
    expect(back.params).toEqual(two.params);
  });

  it('reads weights split over several files, in manifest order', async () => {
    const at = folder('split');
    await writeCheckpoint(at, three);
    const [name] = named(at) as [string];
    const bytes = readFileSync(join(at, name));
    const cut = 4 * Math.floor(bytes.length / 8);
    writeFileSync(join(at, 'part-a.bin'), bytes.subarray(0, cut));
    writeFileSync(join(at, 'part-b.bin'), bytes.subarray(cut));
    rmSync(join(at, name));
    const json = JSON.parse(readFileSync(join(at, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['part-a.bin', 'part-b.bin'];
    writeFileSync(join(at, 'model.json'), JSON.stringify(json));
    expect((await readCheckpoint(at)).params).toEqual(three.params);
    // The other order is other bytes: the load must not come out the same.
    json.weightsManifest[0].paths = ['part-b.bin', 'part-a.bin'];
    writeFileSync(join(at, 'model.json'), JSON.stringify(json));
    const swapped = await readCheckpoint(at).catch((error: Error) => error);
    expect(swapped instanceof Error ? swapped : swapped.params).not.toEqual(three.params);
  });
});

describe('readCheckpoint refusals', () => {
  /** A saved checkpoint with `edit` applied to its folder. */
  async function broken(name: string, edit: (at: string, weights: string) => void) {
    const at = folder(name);
    await writeCheckpoint(at, two);
    edit(at, join(at, named(at)[0] as string));
    return rejection(readCheckpoint(at));
  }

  it('refuses truncated weights, naming both sizes, before reading them', async () => {
    const error = await broken('truncated', (_, weights) => {
      const bytes = readFileSync(weights);
      writeFileSync(weights, bytes.subarray(0, bytes.length - 4));
    });
    const size = readFileSync(join(dir, 'truncated', named(join(dir, 'truncated'))[0] as string));
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toContain(`hold ${size.length} bytes`);
    expect(error.message).toContain(`describes ${size.length + 4}`);
  });

  it('refuses a missing weights file or model.json, pointing to another checkpoint', async () => {
    const missing = await broken('no-weights', (_, weights) => rmSync(weights));
    expect(missing).toBeInstanceOf(CheckpointError);
    expect(missing.message).toMatch(/^Cannot load the checkpoint: /);
    expect(missing.message).toContain('Use another checkpoint (best/ or latest/)');
    const noJson = await broken('no-json', (at) => rmSync(join(at, 'model.json')));
    expect(noJson).toBeInstanceOf(CheckpointError);
    expect(noJson.message).toContain(join(dir, 'no-json', 'model.json'));
    expect(noJson.message).toContain('there is no such file');
    expect(noJson.message).toContain('Use another checkpoint (best/ or latest/)');
  });

  it('refuses a weights path out of the folder without suggesting another checkpoint', async () => {
    const error = await broken('escape', (at) => {
      const json = JSON.parse(readFileSync(join(at, 'model.json'), 'utf8'));
      json.weightsManifest[0].paths = ['../round/nested/latest/x.bin'];
      writeFileSync(join(at, 'model.json'), JSON.stringify(json));
    });
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toMatch(/^Cannot load the checkpoint: /);
    expect(error.message).not.toContain('Use another checkpoint');
  });

  it('refuses a model.json past its size limit without reading it', async () => {
    expect(MAX_MODEL_JSON_BYTES).toBe(64 * 1024 * 1024);
    const error = await broken('huge-json', (at) => {
      execFileSync('truncate', ['-s', String(MAX_MODEL_JSON_BYTES + 1), join(at, 'model.json')]);
    });
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toContain(
      `has ${MAX_MODEL_JSON_BYTES + 1} bytes, more than the ${MAX_MODEL_JSON_BYTES} a checkpoint file may have`,
    );
  });

  it('refuses a weights file that links out of the folder, or loops, without suggesting another checkpoint', async () => {
    for (const [name, target] of [
      ['link-out', join(dir, 'outside.bin')],
      ['link-loop', 'loop.bin'],
    ] as const) {
      writeFileSync(join(dir, 'outside.bin'), 'x');
      const error = await broken(name, (at, weights) => {
        const json = JSON.parse(readFileSync(join(at, 'model.json'), 'utf8'));
        json.weightsManifest[0].paths = ['loop.bin'];
        writeFileSync(join(at, 'model.json'), JSON.stringify(json));
        rmSync(weights);
        symlinkSync(target, join(at, 'loop.bin'));
      });
      expect(error, name).toBeInstanceOf(CheckpointError);
      expect(error.message, name).toMatch(/^Cannot load the checkpoint: /);
      expect(error.message, name).not.toContain('Use another checkpoint');
    }
  });

  it('refuses a model.json that is null, or names a null weights group', async () => {
    const nullJson = await broken('null-json', (at) => {
      writeFileSync(join(at, 'model.json'), 'null');
    });
    expect(nullJson).toBeInstanceOf(CheckpointError);
    const nullGroup = await broken('null-group', (at) => {
      const json = JSON.parse(readFileSync(join(at, 'model.json'), 'utf8'));
      json.weightsManifest = [null];
      writeFileSync(join(at, 'model.json'), JSON.stringify(json));
    });
    expect(nullGroup).toBeInstanceOf(CheckpointError);
  });
});

describe('findCheckpoint', () => {
  it('resolves a checkpoint folder, its model.json, and a run folder by preference', async () => {
    const run = join(dir, 'run');
    await writeCheckpoint(join(run, 'latest'), two);
    expect(await findCheckpoint(run, 'best')).toBe(join(run, 'latest'));
    expect(await findCheckpoint(run, 'latest')).toBe(join(run, 'latest'));
    await writeCheckpoint(join(run, 'best'), two);
    expect(await findCheckpoint(run, 'best')).toBe(join(run, 'best'));
    expect(await findCheckpoint(run, 'latest')).toBe(join(run, 'latest'));
    expect(await findCheckpoint(join(run, 'best'), 'latest')).toBe(join(run, 'best'));
    expect(await findCheckpoint(join(run, 'best', 'model.json'), 'latest')).toBe(join(run, 'best'));
    rmSync(join(run, 'latest'), { recursive: true });
    expect(await findCheckpoint(run, 'latest')).toBe(join(run, 'best'));
  });

  it('names the path and both subfolders when there is no checkpoint', async () => {
    const empty = folder('empty-run');
    for (const [prefer, other] of [
      ['best', 'latest'],
      ['latest', 'best'],
    ] as const) {
      const error = await rejection(findCheckpoint(empty, prefer));
      expect(error).toBeInstanceOf(CheckpointError);
      expect(error.message).toContain(`'${empty}'`);
      expect(error.message).toContain(`its ${prefer}/ or ${other}/ folder`);
    }
    const error = await rejection(findCheckpoint(join(empty, 'model.json'), 'best'));
    expect(error).toBeInstanceOf(CheckpointError);
  });
});

describe('prepareCheckpointDir', () => {
  it('creates the folder and leaves no probe file in it', async () => {
    const root = join(dir, 'prepare', 'deep');
    await prepareCheckpointDir(root);
    expect(readdirSync(root)).toEqual([]);
  });

  it.skipIf(!existsSync('/dev/full'))('reports a full disk at once, before training', async () => {
    const root = folder('prepare-full');
    // The probe file written on a full disk: /dev/full refuses every write with ENOSPC.
    symlinkSync('/dev/full', join(root, `.rnnkit-probe-${process.pid}`));
    const error = await rejection(prepareCheckpointDir(root));
    expect(error).toBeInstanceOf(CheckpointWriteError);
    expect(error.message).toBe(
      `Cannot save checkpoints in '${root}': the disk is full. Choose another --checkpoint-dir, or make room.`,
    );
    expect(readdirSync(root)).toEqual([]);
  });

  it('refuses a root that is a file, or where the probe cannot be written', async () => {
    const file = join(dir, 'prepare-file');
    writeFileSync(file, 'x');
    const error = await rejection(prepareCheckpointDir(file));
    expect(error).toBeInstanceOf(CheckpointWriteError);
    expect(error.message).toBe(
      `Cannot save checkpoints in '${file}': a file is in the way of a folder on that path. Choose another --checkpoint-dir, or make room.`,
    );
    const root = folder('prepare-blocked');
    mkdirSync(join(root, `.rnnkit-probe-${process.pid}`, 'inside'), { recursive: true });
    const blocked = await rejection(prepareCheckpointDir(root));
    expect(blocked).toBeInstanceOf(CheckpointWriteError);
    expect(blocked.message).toContain(`Cannot save checkpoints in '${root}'`);
  });

  // sysfs takes no new files, even from root (which the permission bits do not stop): the
  // probe cannot be created, so nothing is left to remove, and the reason is the open's.
  it.runIf(process.platform === 'linux' && existsSync('/sys/kernel'))(
    'reports a folder where no file can be created as such, not as the missing probe',
    async () => {
      const error = await rejection(prepareCheckpointDir('/sys'));
      expect(error).toBeInstanceOf(CheckpointWriteError);
      expect(error.message).toBe(
        "Cannot save checkpoints in '/sys': permission denied (or a read-only disk). Choose another --checkpoint-dir, or make room.",
      );
    },
  );
});

describe('removeStaleFiles', () => {
  it("removes dead writers' temp files and unnamed weights, and nothing else", async () => {
    const root = folder('stale');
    const latest = join(root, 'latest');
    await writeCheckpoint(latest, two);
    const live = process.ppid; // the process that started this one runs
    const plant = [
      `model.json.tmp-${DEAD_PID}`,
      `weights-9-0badf00d.bin.tmp-${process.pid}`,
      'weights-8-deadbeef.bin',
    ];
    const keep = [
      `model.json.tmp-${live}`,
      `notes.tmp-${DEAD_PID}.txt`,
      'notes.txt',
      'weights.bin.bak',
      'my-weights-1.bin',
      'weights-1.bin.bak',
      'tmp-5',
    ];
    for (const name of [...plant, ...keep]) writeFileSync(join(latest, name), 'x');
    const removed = await removeStaleFiles(root);
    expect(removed.sort()).toEqual(plant.map((n) => join(latest, n)).sort());
    expect(readdirSync(latest).sort()).toEqual(['model.json', ...named(latest), ...keep].sort());
    expect((await readCheckpoint(latest)).training?.step).toBe(2);
    // Run again: nothing left to remove.
    expect(await removeStaleFiles(root)).toEqual([]);
  });

  it('cleans best/ too, and keeps weights files when model.json cannot be read', async () => {
    const root = folder('stale-best');
    const best = join(root, 'best');
    await writeCheckpoint(best, two);
    writeFileSync(join(best, 'weights-1-00000000.bin'), 'x');
    expect(await removeStaleFiles(root)).toEqual([join(best, 'weights-1-00000000.bin')]);
    // Without a readable model.json nothing says which weights are current: keep them all.
    const latest = folder('stale-best/latest');
    writeFileSync(join(latest, 'weights-1-00000000.bin'), 'x');
    writeFileSync(join(latest, 'model.json'), '{ cut off');
    writeFileSync(join(latest, `model.json.tmp-${DEAD_PID}`), 'x');
    expect(await removeStaleFiles(root)).toEqual([join(latest, `model.json.tmp-${DEAD_PID}`)]);
    renameSync(join(latest, 'model.json'), join(latest, 'gone.json'));
    expect(await removeStaleFiles(root)).toEqual([]);
    expect(readdirSync(latest).sort()).toEqual(['gone.json', 'weights-1-00000000.bin']);
  });

  it('does nothing for a root without latest/ or best/', async () => {
    expect(await removeStaleFiles(folder('stale-none'))).toEqual([]);
    expect(await removeStaleFiles(join(dir, 'no-such-root'))).toEqual([]);
  });
});
