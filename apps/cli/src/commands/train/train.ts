import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BACKENDS, initBackend } from '@rnnkit/backend';
import { type CheckpointData, createTrainer, resumeTrainer, type Trainer } from '@rnnkit/trainer';
import { InputError, reportUserErrors, UsageError } from '../../errors.js';
import { findCheckpoint, readCheckpoint, writeCheckpoint } from '../../files/checkpoint-files.js';
import { readTextFile } from '../../files/text-file.js';
import type { Io } from '../../io.js';
import { choiceOption, intOption, parseCommand } from '../../options.js';
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
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) {
    throw new UsageError(`Give exactly one text file: rnnkit train <text-file> [options].`);
  }
  const backend = choiceOption('backend', values.backend, [...BACKENDS, 'auto'] as const, 'auto');
  const logEvery = intOption('log-every', values['log-every'], 10, 1, 1_000_000_000);
  const resume = values.resume as string | undefined;
  const options = resume === undefined ? trainOptions(values) : resumeOverrides(values);
  const mode: ProgressMode = values.json ? 'json' : process.stdout.isTTY ? 'tty' : 'plain';

  return reportUserErrors('train', io, async () => {
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
    await initBackend({ backend });
    const trainer = checkpoint
      ? resumeTrainer(text, checkpoint, options)
      : createTrainer(text, options);
    try {
      if (trainer.step >= trainer.config.steps) {
        throw new InputError(
          `The checkpoint has already done its ${trainer.config.steps} steps: give --steps with a larger number to train further.`,
        );
      }
      return await runTraining(trainer, {
        io,
        mode,
        logEvery,
        root,
        file,
        backend,
        workers: options.workers,
      });
    } finally {
      trainer.dispose();
    }
  });
}

interface RunContext {
  io: Io;
  mode: ProgressMode;
  logEvery: number;
  root: string;
  file: string;
  backend: string;
  workers?: number | 'auto';
}

async function runTraining(trainer: Trainer, ctx: RunContext): Promise<number> {
  const progress = createProgress(ctx.io, ctx.mode, ctx.logEvery);
  const latest = join(ctx.root, 'latest');
  const best = join(ctx.root, 'best');
  const c = trainer.config;
  progress.note(
    `${trainer.step > 0 ? `Resuming at step ${trainer.step}` : 'Training'}: ${c.cell} ${c.numLayers}x${c.hiddenSize} on '${ctx.file}' ` +
      `(${trainer.tokenizer.vocabSize} characters in the vocabulary; ${trainer.trainChars} to train on, ${trainer.valChars} to validate), ` +
      `batch ${c.batchSize} x ${c.seqLength}, ${trainer.windowsPerEpoch} steps per epoch, ${c.steps} steps, backend ${ctx.backend}${ctx.workers === undefined || ctx.workers === 1 ? '' : `, workers ${ctx.workers}`}; checkpoints in ${ctx.root}.`,
  );
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    // A second Ctrl-C does not wait: checkpoint writes are atomic, so nothing is corrupted.
    if (interrupts > 1) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  let learningRate = c.learningRate;
  try {
    for await (const e of trainer.run({ signal: controller.signal })) {
      if (e.type === 'step') {
        learningRate = e.learningRate;
        progress.step(e);
      } else if (e.type === 'eval') {
        progress.eval(e, learningRate);
        const data = trainer.checkpoint();
        await writeCheckpoint(latest, data);
        if (e.best) await writeCheckpoint(best, data);
        progress.note(`Saved ${latest}${e.best ? ` and ${best}` : ''} (step ${e.step}).`);
      } else if (e.reason === 'aborted') {
        await writeCheckpoint(latest, trainer.checkpoint());
        progress.note(
          `Interrupted at step ${e.step}: saved ${latest}. Continue with: rnnkit train ${ctx.file} --resume ${latest}`,
        );
        return 130;
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  progress.note(`Done: ${trainer.step} steps. Sample with: rnnkit sample ${best}`);
  return 0;
}
