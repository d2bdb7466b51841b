import { BACKENDS, initBackend } from '@rnnkit/backend';
import { UnknownCharacterError } from '@rnnkit/tokenizer';
import { disposeCharLM, evaluateText, loadCharLM, TrainingDataError } from '@rnnkit/trainer';
import { reportUserErrors, UsageError } from '../errors.js';
import { findCheckpoint, readCheckpoint } from '../files/checkpoint-files.js';
import { readTextFile } from '../files/text-file.js';
import type { Io } from '../io.js';
import { choiceOption, intOption, parseCommand } from '../options.js';
import { fitLine } from './train/fit-line.js';
import { formatDuration } from './train/train-progress.js';

export const EVAL_HELP = `Usage: rnnkit eval <checkpoint> <text-file> [options]

Prints how well a checkpoint predicts a text: the loss in nats per character, bits per
character and perplexity, read as --batch streams of windows of --seq-length with the state
carried (as training validates). <checkpoint> is a checkpoint folder or a run's folder (then
best/, else latest/). The result goes to stdout; an evaluation that takes longer than a second
shows its progress on stderr.

Options:
  --batch N                 parallel streams (default: the checkpoint's)
  --seq-length N            characters per window (default: the checkpoint's)
  --skip-unknown            drop characters the model never saw (with a warning) instead of
                            stopping with an error; their neighbours are then read as adjacent
  --json                    one JSON object: loss, bitsPerChar, perplexity, chars, skipped
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
    'skip-unknown': { type: 'boolean' },
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
      let skipped = 0;
      try {
        if (values['skip-unknown']) {
          const kept = [...text].filter((ch) => tokenizer.idOf(ch) !== undefined);
          const unknown = new Set([...text].filter((ch) => tokenizer.idOf(ch) === undefined));
          skipped = [...text].length - kept.length;
          if (skipped > 0) {
            io.err(
              `rnnkit eval: warning: skipped ${skipped} character(s) the model never saw: ${JSON.stringify([...unknown].join(''))}\n`,
            );
          }
          ids = tokenizer.encode(kept.join(''));
        } else {
          ids = tokenizer.encode(text);
        }
      } catch (error) {
        if (!(error instanceof UnknownCharacterError)) throw error;
        throw new TrainingDataError(
          `'${file}' has a character the checkpoint's vocabulary lacks: ${error.message.split(':')[0]}. Evaluate on text made of the characters the model was trained on, or add --skip-unknown to leave such characters out.`,
        );
      }
      const status = evalStatus(io);
      const r = await evaluateText(model, ids, {
        batchSize: batch ?? data.training?.config.batchSize,
        seqLength: seq ?? data.training?.config.seqLength,
        onProgress: status.update,
      }).finally(status.close);
      io.out(
        values.json
          ? `${JSON.stringify({ ...r, skipped })}\n`
          : `loss ${r.loss.toFixed(4)} nats/char, ${r.bitsPerChar.toFixed(4)} bits/char, perplexity ${r.perplexity.toFixed(3)} (${r.chars} characters predicted${skipped > 0 ? `, ${skipped} skipped` : ''})\n`,
      );
      return 0;
    } finally {
      disposeCharLM(model);
    }
  });
}

/**
 * Progress of a long evaluation on stderr, from its first second on: a live line on a terminal
 * (cut to its width), else a line every 10 seconds. Quick evaluations print nothing.
 */
function evalStatus(io: Io) {
  const start = performance.now();
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let drawn = false;
  return {
    update: (done: number, total: number) => {
      const ms = performance.now() - start;
      if (ms < 1000 || done === total || ms - last < (tty ? 200 : 10_000)) return;
      last = ms;
      const eta = ((total - done) * ms) / done / 1000;
      const line = fitLine(
        [
          { text: `evaluating: ${Math.floor((100 * done) / total)}%`, drop: 0 },
          { text: `(${done}/${total} windows)`, drop: 2 },
          { text: `ETA ${formatDuration(eta)}`, drop: 1 },
        ],
        process.stderr.columns || 80,
      );
      io.err(tty ? `\r\x1b[J${line}` : `${line}\n`);
      drawn = tty;
    },
    close: () => {
      if (drawn) io.err('\r\x1b[J');
    },
  };
}
