import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BACKENDS, type BackendInfo, initBackend } from '@rnnkit/backend';
import { RnnkitError } from '@rnnkit/core';
import { CharTokenizer } from '@rnnkit/tokenizer';
import {
  type CheckpointData,
  createTrainer,
  resumeTrainer,
  type Trainer,
  TrainingDivergedError,
} from '@rnnkit/trainer';
import { cliMessage, InputError, reportUserErrors, UsageError } from '../../errors.js';
import {
  findCheckpoint,
  prepareCheckpointDir,
  readCheckpoint,
  removeStaleFiles,
  removeTempFilesSync,
  writeCheckpoint,
} from '../../files/checkpoint-files.js';
import { lockCheckpointDir } from '../../files/checkpoint-lock.js';
import { type ReadProgress, tokenizeTextFile } from '../../files/text-file.js';
import { invokedAs, shellQuote } from '../../invocation.js';
import type { Io } from '../../io.js';
import { choiceOption, intOption, parseCommand } from '../../options.js';
import { VERSION } from '../../version.js';
import { TRAIN_HELP } from './train-help.js';
import { resumeOverrides, TRAIN_FLAGS, trainOptions } from './train-options.js';
import { createProgress, type ProgressMode } from './train-progress.js';

/** `rnnkit train <text-file>`: trains a character language model, checkpointing as it goes. */
export async function train(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand('train', args, {
    ...TRAIN_FLAGS,
    json: { type: 'boolean' },
    force: { type: 'boolean' },
  });
  if (values.help) {
    io.out(TRAIN_HELP);
    return 0;
  }
  const [given, ...extra] = positionals;
  if (given === undefined || extra.length > 0) {
    throw new UsageError(`Give exactly one text file: rnnkit train <text-file> [options].`);
  }
  const file: string = given;
  const backend = choiceOption('backend', values.backend, [...BACKENDS, 'auto'] as const, 'auto');
  const logEvery = intOption('log-every', values['log-every'], 10, 1, 1_000_000_000);
  const resume = values.resume as string | undefined;
  const options = resume === undefined ? trainOptions(values) : resumeOverrides(values);
  const mode: ProgressMode = values.json ? 'json' : process.stderr.isTTY ? 'tty' : 'plain';
  // What the `end` record reports, whatever ends the run.
  const run: RunRecord = { step: 0, paths: [] };

  return reportUserErrors('train', io, async () => {
    try {
      return await trainFile();
    } catch (error) {
      if (mode === 'json') {
        const diverged = error instanceof TrainingDivergedError;
        const message =
          error instanceof RnnkitError
            ? cliMessage(error)
            : error instanceof Error
              ? error.message
              : String(error);
        io.out(
          `${JSON.stringify({ type: 'end', reason: diverged ? 'diverged' : 'error', step: run.step, paths: run.paths, message: message.replace(/\s*\n\s*/g, ' ') })}\n`,
        );
      }
      throw error;
    }
  });

  async function trainFile(): Promise<number> {
    let checkpoint: CheckpointData | undefined;
    let root = values['checkpoint-dir'] as string | undefined;
    let resumeFrom: string | undefined;
    if (resume !== undefined) {
      const folder = await findCheckpoint(resume, 'latest');
      resumeFrom = folder;
      const named = ['latest', 'best'].includes(basename(folder));
      root ??= named ? dirname(folder) : folder;
    } else {
      root ??= 'checkpoints';
      const taken = await stat(join(root, 'latest', 'model.json')).then(
        () => true,
        () => false,
      );
      if (taken && !values.force) {
        throw new InputError(
          `'${root}' already holds a run's checkpoints: continue it with --resume ${root}, choose another --checkpoint-dir, or add --force to replace them.`,
        );
      }
    }
    // Everything about the run is checked before the folder is touched: the checkpoint, the
    // options against the text, whether there are steps left.
    const stamp = async () =>
      resumeFrom ? readFile(join(resumeFrom, 'model.json'), 'utf8').catch(() => '') : '';
    const before = await stamp();
    if (resumeFrom !== undefined) checkpoint = await readCheckpoint(resumeFrom);
    // The text is tokenised in two passes over the file, never held whole as a string.
    const text = await tokenizeTextFile(file, {
      tokenizer: checkpoint && CharTokenizer.fromJSON(checkpoint.tokenizer),
      onProgress: (phase, read, total) =>
        io.err(
          `${READ_PHASES[phase]} '${file}': ${Math.round((100 * read) / total)}% (${(read / 2 ** 20).toFixed(0)} of ${(total / 2 ** 20).toFixed(0)} MB)\n`,
        ),
    });
    const info = await initBackend({ backend });
    const start = (from: CheckpointData | undefined): Trainer => {
      const t = from ? resumeTrainer(text, from, options) : createTrainer(text, options);
      if (t.step >= t.config.steps) {
        const done = alreadyDone(t, values);
        t.dispose();
        throw done;
      }
      return t;
    };
    let trainer = start(checkpoint);
    run.step = trainer.step;
    try {
      // Then a folder we can write to, ours alone, without a killed run's leftovers.
      await prepareCheckpointDir(root);
      const note = (message: string) => io.err(`${message}\n`);
      const lock = await lockCheckpointDir(root, note);
      const releaseOnExit = () => lock.releaseSync();
      process.on('exit', releaseOnExit);
      try {
        for (const stale of await removeStaleFiles(root)) {
          note(`Removed ${stale}, left by a run that was killed.`);
        }
        if (resumeFrom !== undefined && (await stamp()) !== before) {
          // Another trainer saved between our read and our lock: continue from its save.
          trainer.dispose();
          trainer = start(await readCheckpoint(resumeFrom));
          run.step = trainer.step;
        }
        return await runTraining(trainer, {
          io,
          mode,
          logEvery,
          root,
          file,
          info,
          run,
          workers: options.workers,
        });
      } finally {
        await lock.release();
        process.off('exit', releaseOnExit);
      }
    } finally {
      trainer.dispose();
    }
  }
}

/** How each pass over the text file is named in its progress lines. */
const READ_PHASES: Record<Parameters<ReadProgress>[0], string> = {
  reading: 'Reading',
  characters: 'Collecting the characters of',
  encoding: 'Encoding',
};

/** Validation parts of at least this many windows report their evaluation's progress. */
const EVAL_PROGRESS_FROM = 1000;

/** Why a resumed run has nothing left to do, with the numbers and the flag that fixes it. */
function alreadyDone(trainer: Trainer, values: Record<string, unknown>): InputError {
  const { step } = trainer;
  const asked =
    values.steps !== undefined
      ? `--steps ${trainer.config.steps}`
      : values.epochs !== undefined
        ? `--epochs ${String(values.epochs)} (${trainer.config.steps} steps)`
        : undefined;
  const next = step + Math.max(trainer.config.evalEvery, 1);
  return new InputError(
    asked
      ? `The checkpoint is at step ${step}, already past ${asked}: give --steps larger than ${step} to train further (e.g. --steps ${next}).`
      : `The checkpoint is at step ${step}, the end of its ${trainer.config.steps}-step run: give --steps larger than ${step} to train further (e.g. --steps ${next}).`,
  );
}

/** What the `end` record reports: the last step done and every checkpoint folder written. */
interface RunRecord {
  step: number;
  paths: string[];
}

/** The signals that stop a run with a save, and the exit code of each (128 + its number). */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const SIGNAL_EXIT: Record<(typeof STOP_SIGNALS)[number], number> = {
  SIGINT: 130,
  SIGTERM: 143,
  SIGHUP: 129,
};

interface RunContext {
  io: Io;
  mode: ProgressMode;
  logEvery: number;
  root: string;
  file: string;
  info: BackendInfo;
  run: RunRecord;
  workers?: number | 'auto';
}

async function runTraining(trainer: Trainer, ctx: RunContext): Promise<number> {
  const c = trainer.config;
  const progress = createProgress(ctx.io, {
    mode: ctx.mode,
    logEvery: ctx.logEvery,
    charsPerStep: c.batchSize * c.seqLength,
    columns: () => process.stderr.columns,
  });
  const latest = join(ctx.root, 'latest');
  const best = join(ctx.root, 'best');
  const { info, run } = ctx;
  const saved = (path: string) => {
    if (!run.paths.includes(path)) run.paths.push(path);
  };
  // tfjs's own wasm thread pool (the browser's; one thread in Node) is named only when it has
  // more than one thread, so it does not read as the training threads (--workers) noted below.
  const pool = info.threads > 1 ? `, ${info.threads} tfjs threads` : '';
  const backend = `${info.name}${info.name === 'wasm' ? ` (SIMD ${info.simd ? 'on' : 'off'}${pool})` : ''}`;
  progress.record('start', {
    version: VERSION,
    command: 'train',
    backend: { name: info.name, simd: info.simd, threads: info.threads, tfjs: info.tfjsVersion },
    model: {
      cell: c.cell,
      layers: c.numLayers,
      hidden: c.hiddenSize,
      vocabSize: trainer.tokenizer.vocabSize,
      init: c.init,
    },
    data: {
      file: ctx.file,
      trainChars: trainer.trainChars,
      valChars: trainer.valChars,
      stepsPerEpoch: trainer.windowsPerEpoch,
    },
    step: trainer.step,
    steps: c.steps,
    config: c,
    checkpointDir: ctx.root,
  });
  progress.note(
    `${trainer.step > 0 ? `Resuming at step ${trainer.step}` : 'Training'}: ${c.cell} ${c.numLayers}x${c.hiddenSize} on '${ctx.file}' ` +
      `(${trainer.tokenizer.vocabSize} characters in the vocabulary; ${trainer.trainChars} to train on, ${trainer.valChars} to validate), ` +
      `batch ${c.batchSize} x ${c.seqLength}, ${trainer.windowsPerEpoch} steps per epoch, ${c.steps} steps, backend ${backend}; checkpoints in ${ctx.root}.`,
  );
  const end = (reason: 'completed' | 'interrupted') =>
    progress.record('end', { reason, step: trainer.step, steps: c.steps, paths: run.paths });
  const controller = new AbortController();
  let stoppedBy: (typeof STOP_SIGNALS)[number] | undefined;
  const onSignal = (signal: (typeof STOP_SIGNALS)[number]) => {
    if (stoppedBy !== undefined) {
      // A second signal does not wait: checkpoint writes are atomic (the previous model.json
      // stays until the new one is complete), so removing the temp files is all that is left.
      removeTempFilesSync();
      ctx.io.err(`\n${signal} again: exiting without saving; ${latest} holds the last save.\n`);
      process.exit(SIGNAL_EXIT[stoppedBy]);
    }
    stoppedBy = signal;
    progress.note(`${signal}: saving ${latest} after this step (send it again to exit at once).`);
    controller.abort();
  };
  const onResize = () => progress.redraw();
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  process.stderr.on('resize', onResize);
  let learningRate = c.learningRate;
  let threadsNoted = false;
  try {
    let tenths = 0; // of the current evaluation, reported so far
    const onEvalProgress = (done: number, total: number) => {
      if (total < EVAL_PROGRESS_FROM || Math.floor((10 * done) / total) <= tenths) return;
      tenths = done === total ? 0 : Math.floor((10 * done) / total);
      progress.note(
        `Evaluating at step ${run.step}: ${Math.round((100 * done) / total)}% (${done} of ${total} validation batches)`,
      );
    };
    for await (const e of trainer.run({ signal: controller.signal, onEvalProgress })) {
      if (e.type === 'step') {
        // The threads are known once the run has started (--workers auto decides then).
        if (!threadsNoted && trainer.workers > 1) {
          progress.note(
            `Training on ${trainer.workers} threads${ctx.workers === 'auto' ? ' (--workers auto; --workers 1 for one)' : ''}.`,
          );
        }
        threadsNoted = true;
        learningRate = e.learningRate;
        run.step = e.step;
        progress.step(e);
      } else if (e.type === 'eval') {
        progress.eval(e, learningRate);
        const data = trainer.checkpoint();
        await writeCheckpoint(latest, data);
        saved(latest);
        if (e.best) {
          await writeCheckpoint(best, data);
          saved(best);
        }
        progress.record('checkpoint', { step: e.step, paths: e.best ? [latest, best] : [latest] });
        progress.note(`Saved ${latest}${e.best ? ` and ${best}` : ''} (step ${e.step}).`);
      } else if (e.reason === 'aborted') {
        await writeCheckpoint(latest, trainer.checkpoint());
        saved(latest);
        progress.close();
        const signal = stoppedBy ?? 'SIGINT';
        progress.note(
          `Interrupted at step ${e.step} (${signal}): saved ${latest}. Continue with: ${invokedAs()} train ${shellQuote(ctx.file)} --resume ${shellQuote(latest)}`,
        );
        end('interrupted');
        return SIGNAL_EXIT[signal];
      }
    }
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    process.stderr.off('resize', onResize);
    progress.close();
  }
  progress.note(
    `Done: ${trainer.step} steps. Sample with: ${invokedAs()} sample ${shellQuote(run.paths.includes(best) ? best : latest)}`,
  );
  end('completed');
  return 0;
}
