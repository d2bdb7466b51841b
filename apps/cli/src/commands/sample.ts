import { BACKENDS, initBackend } from '@rnnkit/backend';
import { describeCharacter } from '@rnnkit/tokenizer';
import { createTextGenerator, disposeCharLM, loadCharLM } from '@rnnkit/trainer';
import { InputError, reportUserErrors, UsageError } from '../errors.js';
import { findCheckpoint, readCheckpoint } from '../files/checkpoint-files.js';
import type { Io } from '../io.js';
import { choiceOption, intOption, numberOption, parseCommand } from '../options.js';

export const SAMPLE_HELP = `Usage: rnnkit sample <checkpoint> [options]

Generates text from a trained checkpoint, streaming each character to stdout as it is drawn.
<checkpoint> is a checkpoint folder (with model.json) or a run's folder (then best/, else
latest/). The same checkpoint, prime, options and seed give the same text.

Options:
  --prime TEXT              text to start from; it is run through the network first and
                            printed before the generated text (default: a newline)
  --length N                characters to generate (default 500)
  --temperature T           > 0; below 1 is safer, above 1 more surprising (default 1)
  --top-k K                 draw only among the K most likely characters
  --top-p P                 draw only from the smallest set of characters with probability P
  --greedy                  always take the most likely character
  --seed N                  seed of the draws (default 0)
  --skip-unknown            drop prime characters the model never saw (with a warning)
                            instead of stopping with an error
  --backend cpu|wasm|auto   tfjs backend (default auto)
  -h, --help                show this help
`;

/** `rnnkit sample <checkpoint>`: streams generated text. */
export async function sampleCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand('sample', args, {
    prime: { type: 'string' },
    length: { type: 'string' },
    temperature: { type: 'string' },
    'top-k': { type: 'string' },
    'top-p': { type: 'string' },
    greedy: { type: 'boolean' },
    seed: { type: 'string' },
    'skip-unknown': { type: 'boolean' },
    backend: { type: 'string' },
  });
  if (values.help) {
    io.out(SAMPLE_HELP);
    return 0;
  }
  const [path, ...extra] = positionals;
  if (path === undefined || extra.length > 0) {
    throw new UsageError('Give exactly one checkpoint: rnnkit sample <checkpoint> [options].');
  }
  const length = intOption('length', values.length, 500, 0, 10_000_000);
  const options = {
    temperature: numberOption('temperature', values.temperature, 1, { min: 0, minOpen: true }),
    topK:
      values['top-k'] === undefined
        ? undefined
        : intOption('top-k', values['top-k'], 1, 1, 1_000_000),
    topP:
      values['top-p'] === undefined
        ? undefined
        : numberOption('top-p', values['top-p'], 1, { min: 0, max: 1, minOpen: true }),
    greedy: values.greedy === true,
    seed: intOption('seed', values.seed, 0, 0, 2 ** 32 - 1),
    unknown: values['skip-unknown'] ? ('skip' as const) : ('error' as const),
  };
  const backend = choiceOption('backend', values.backend, [...BACKENDS, 'auto'] as const, 'auto');

  // `rnnkit sample ... | head` closes the pipe early: stop quietly instead of crashing.
  process.stdout.once('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  return reportUserErrors('sample', io, async () => {
    const data = await readCheckpoint(await findCheckpoint(path, 'best'));
    await initBackend({ backend });
    const { model, tokenizer } = loadCharLM(data);
    const generator = createTextGenerator(model, tokenizer, options);
    try {
      // `--prime ""` is no prime: start as without one.
      const given = (values.prime as string | undefined) || undefined;
      const unknown = [...(given ?? '')].filter((ch) => tokenizer.idOf(ch) === undefined);
      if (unknown.length > 0 && !values['skip-unknown']) {
        const at = [...(given ?? '')].findIndex((ch) => tokenizer.idOf(ch) === undefined);
        throw new InputError(
          `--prime has ${describeCharacter(unknown[0] as string)} at index ${at}, which the model never saw: remove it, or add --skip-unknown to leave such characters out.`,
        );
      }
      const known = [...(given ?? '')].filter((ch) => tokenizer.idOf(ch) !== undefined).join('');
      const start = tokenizer.idOf('\n') !== undefined ? '\n' : (tokenizer.vocabulary[0] as string);
      generator.prime(known || start);
      if (unknown.length > 0) {
        io.err(
          `rnnkit sample: warning: skipped ${unknown.length} prime character(s) the model never saw: ${JSON.stringify([...new Set(unknown)].join(''))}\n`,
        );
      }
      // The prime as the model read it (without skipped characters), then the drawn text.
      io.out(known);
      for (let i = 0; i < length; i++) io.out(generator.step());
      io.out('\n');
      return 0;
    } finally {
      generator.dispose();
      disposeCharLM(model);
    }
  });
}
