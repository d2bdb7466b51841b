import { BACKENDS, initBackend } from '@rnnkit/backend';
import { UnknownCharacterError } from '@rnnkit/tokenizer';
import { disposeCharLM, evaluateText, loadCharLM, TrainingDataError } from '@rnnkit/trainer';
import { reportUserErrors, UsageError } from '../errors.js';
import { findCheckpoint, readCheckpoint } from '../files/checkpoint-files.js';
import { readTextFile } from '../files/text-file.js';
import type { Io } from '../io.js';
import { choiceOption, intOption, parseCommand } from '../options.js';

export const EVAL_HELP = `Usage: rnnkit eval <checkpoint> <text-file> [options]

Prints how well a checkpoint predicts a text: the loss in nats per character, bits per
character and perplexity, read as --batch streams of windows of --seq-length with the state
carried (as training validates). <checkpoint> is a checkpoint folder or a run's folder (then
best/, else latest/).

Options:
  --batch N                 parallel streams (default: the checkpoint's)
  --seq-length N            characters per window (default: the checkpoint's)
  --json                    one JSON object: loss, bitsPerChar, perplexity, chars
  --backend cpu|wasm|auto   tfjs backend (default auto)
  -h, --help                show this help
`;

/** `rnnkit eval <checkpoint> <text-file>`: loss, bits per character and perplexity. */
export async function evalCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand('eval', args, {
    batch: { type: 'string' },
    'seq-length': { type: 'string' },
    json: { type: 'boolean' },
    backend: { type: 'string' },
  });
  if (values.help) {
    io.out(EVAL_HELP);
    return 0;
  }
  const [path, file, ...extra] = positionals;
  if (path === undefined || file === undefined || extra.length > 0) {
    throw new UsageError(
      'Give a checkpoint and a text file: rnnkit eval <checkpoint> <text-file>.',
    );
  }
  const backend = choiceOption('backend', values.backend, [...BACKENDS, 'auto'] as const, 'auto');
  const batch =
    values.batch === undefined ? undefined : intOption('batch', values.batch, 1, 1, 65536);
  const seq =
    values['seq-length'] === undefined
      ? undefined
      : intOption('seq-length', values['seq-length'], 1, 1, 1_000_000);

  return reportUserErrors('eval', io, async () => {
    const data = await readCheckpoint(await findCheckpoint(path, 'best'));
    const text = await readTextFile(file);
    await initBackend({ backend });
    const { model, tokenizer } = loadCharLM(data);
    try {
      let ids: Int32Array;
      try {
        ids = tokenizer.encode(text);
      } catch (error) {
        if (!(error instanceof UnknownCharacterError)) throw error;
        throw new TrainingDataError(
          `'${file}' has a character the checkpoint's vocabulary lacks: ${error.message.split(':')[0]}. Evaluate on text made of the characters the model was trained on.`,
        );
      }
      const r = await evaluateText(model, ids, {
        batchSize: batch ?? data.training?.config.batchSize,
        seqLength: seq ?? data.training?.config.seqLength,
      });
      io.out(
        values.json
          ? `${JSON.stringify(r)}\n`
          : `loss ${r.loss.toFixed(4)} nats/char, ${r.bitsPerChar.toFixed(4)} bits/char, perplexity ${r.perplexity.toFixed(3)} (${r.chars} characters predicted)\n`,
      );
      return 0;
    } finally {
      disposeCharLM(model);
    }
  });
}
