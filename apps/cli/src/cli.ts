import { BackendError } from '@rnnkit/backend';
import { BENCH_HELP, bench } from './commands/bench.js';
import { DEMO_HELP, demo } from './commands/demo.js';
import { EVAL_HELP, evalCommand } from './commands/eval.js';
import { EXPORT_HELP, exportCommand } from './commands/export.js';
import { IMPORT_HELP, importCommand } from './commands/import.js';
import { SAMPLE_HELP, sampleCommand } from './commands/sample.js';
import { train } from './commands/train/train.js';
import { TRAIN_HELP } from './commands/train/train-help.js';
import { VERIFY_HELP, verify } from './commands/verify.js';
import { UsageError } from './errors.js';
import type { Io } from './io.js';
import { closest } from './options.js';
import { VERSION } from './version.js';

const COMMANDS: Record<
  string,
  { run: (args: string[], io: Io) => Promise<number>; help: string; summary: string }
> = {
  demo: {
    run: demo,
    help: DEMO_HELP,
    summary: 'replay the RNN lecture: shapes, hihello, " if you want you"',
  },
  verify: {
    run: verify,
    help: VERIFY_HELP,
    summary: 'check rnnkit against PyTorch reference files',
  },
  bench: { run: bench, help: BENCH_HELP, summary: 'measure training and sampling speed (chars/s)' },
  train: { run: train, help: TRAIN_HELP, summary: 'train a character model on a text file' },
  sample: { run: sampleCommand, help: SAMPLE_HELP, summary: 'generate text from a checkpoint' },
  eval: { run: evalCommand, help: EVAL_HELP, summary: 'loss, bits/char, perplexity on a text' },
  export: {
    run: exportCommand,
    help: EXPORT_HELP,
    summary: 'write a checkpoint as safetensors (PyTorch) or a tfjs-layers model',
  },
  import: {
    run: importCommand,
    help: IMPORT_HELP,
    summary: 'make a checkpoint from safetensors or a tfjs-layers model',
  },
};

export const HELP = `rnnkit: recurrent neural networks (RNN, LSTM, GRU) on TensorFlow.js

Usage: rnnkit <command> [options]        (rnnkit --version: the version)

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`)
  .join('\n')}
  help     show help for a command: rnnkit help <command>

Run 'rnnkit <command> --help' for a command's options.
`;

/** A command by name; names every JS object has (`constructor`, `__proto__`) are not commands. */
function commandNamed(name: string): (typeof COMMANDS)[string] | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

function unknownCommand(name: string, io: Io): number {
  const shown = name.length > 60 ? `${name.slice(0, 60)}…` : name;
  const near = closest(name.replace(/^-+/, ''), Object.keys(COMMANDS));
  io.err(
    `rnnkit: unknown command '${shown}'${near ? `; did you mean '${near}'?` : '.'} Commands: ${Object.keys(COMMANDS).join(', ')}.\nSee 'rnnkit --help'.\n`,
  );
  return 2;
}

/** Runs the command line; returns the exit code (0 ok, 1 failed, 2 usage error). */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.out(HELP);
    return 0;
  }
  if (name === '--version' || name === '-v' || name === '-V') {
    io.out(`${VERSION}\n`);
    return 0;
  }
  if (name === 'help') {
    const topic = args[0];
    if (topic === undefined) {
      io.out(HELP);
      return 0;
    }
    const command = commandNamed(topic);
    if (!command) return unknownCommand(topic, io);
    io.out(command.help);
    return 0;
  }
  const command = commandNamed(name);
  if (!command) return unknownCommand(name, io);
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`rnnkit ${name}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof BackendError) {
      io.err(`rnnkit ${name}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
