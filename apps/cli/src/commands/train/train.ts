import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BACKENDS, type BackendInfo, initBackend } from '@rnnkit/backend';
import {
  type CheckpointData,
  createTrainer,
  resumeTrainer,
  type Trainer,
  TrainingDivergedError,
} from '@rnnkit/trainer';
import { InputError, inCliTerms, reportUserErrors, UsageError } from '../../errors.js';
import { findCheckpoint, readCheckpoint, writeCheckpoint } from '../../files/checkpoint-files.js';
import { readTextFile } from '../../files/text-file.js';
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
        const message = inCliTerms(error instanceof Error ? error.message : String(error));
        io.out(
          `${JSON.stringify({ type: 'end', reason: diverged ? 'diverged' : 'error', step: run.step, paths: run.paths, message: message.replace(/\s*\n\s*/g, ' ') })}\n`,
        );
      }
      throw error;
    }
  });

  async function trainFile(): Promise<number> {
    const text = await readTextFile(file);
    let checkpoint: CheckpointData | undefined;
    let root = values['checkpoint-dir'] as string | undefined;
    if (resume !== undefined) {
      const folder = await findCheckpoint(resume, 'latest');
      checkpoint = await readCheckpoint(folder);
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
    const info = await initBackend({ backend });
    const trainer = checkpoint
      ? resumeTrainer(text, checkpoint, options)
      : createTrainer(text, options);
    run.step = trainer.step;
    try {
      if (trainer.step >= trainer.config.steps) throw alreadyDone(trainer, values);
      return await runTraining(trainer, { io, mode, logEvery, root, file, info, run });
    } finally {
      trainer.dispose();
    }
  }
}

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

interface RunContext {
  io: Io;
  mode: ProgressMode;
  logEvery: number;
  root: string;
  file: string;
  info: BackendInfo;
  run: RunRecord;
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
  const backend = `${info.name}${info.name === 'wasm' ? ` (SIMD ${info.simd ? 'on' : 'off'}, ${info.threads} thread${info.threads === 1 ? '' : 's'})` : ''}`;
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
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    // A second Ctrl-C does not wait: checkpoint writes are atomic, so nothing is corrupted.
    if (interrupts > 1) process.exit(130);
    controller.abort();
  };
  const onResize = () => progress.redraw();
  process.on('SIGINT', onSigint);
  process.stderr.on('resize', onResize);
  let learningRate = c.learningRate;
  try {
    for await (const e of trainer.run({ signal: controller.signal })) {
      if (e.type === 'step') {
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
        progress.note(
          `Interrupted at step ${e.step}: saved ${latest}. Continue with: ${invokedAs()} train ${shellQuote(ctx.file)} --resume ${shellQuote(latest)}`,
        );
        end('interrupted');
        return 130;
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    process.stderr.off('resize', onResize);
    progress.close();
  }
  progress.note(
    `Done: ${trainer.step} steps. Sample with: ${invokedAs()} sample ${shellQuote(run.paths.includes(best) ? best : latest)}`,
  );
  end('completed');
  return 0;
}
