import { BACKENDS, initBackend } from '@rnnkit/backend';
import type { CellType } from '@rnnkit/cells';
import { runShapes } from '../demos/lecture/shapes.js';
import { trainLecture } from '../demos/lecture/train-lecture.js';
import { isTaskName, runTask, TASK_NAMES } from '../demos/tasks/run-task.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { choiceOption, intOption, parseCommand } from '../options.js';

export const DEMO_HELP = `Usage: rnnkit demo [shapes|hihello|ifyou|all|classify|generate|tag|translate] [options]

Replays the RNN lecture and prints what it printed.
  shapes    one-hot h,e,l,o through hidden-2 cells: outputs [1,1,2], [1,5,2], [3,5,2]
  hihello   learn "hihell" -> "ihello" (hidden 5, dense layer, sequence loss, Adam lr 0.1)
  ifyou     learn " if you want you" shifted by one (hidden = vocabulary size)
  all       all three (default)

The lecture's other wirings, each trained on data it generates (seeded), printing its metric:
  classify  many-to-one: is a bracket string balanced? (held-out accuracy >= 95%)
  generate  one-to-many: spell 0..99 from the digits ("forty-two"; exact match >= 95%)
  tag       many-to-many: word-boundary tags, bidirectional vs unidirectional (>= 97%)
  translate encoder-decoder: reverse strings; greedy (>= 90% exact) and beam search

Options:
  --cell lstm|gru|rnn     recurrent cell for hihello and ifyou (default lstm)
  --backend cpu|wasm|auto tfjs backend (default auto: wasm, then cpu)
  --seed N                seed of the initial weights (default 0)
  --iterations N          training iterations (default 50; tasks: their own, 120 to 600)
  -h, --help              show this help
`;

const DEMOS = ['shapes', 'hihello', 'ifyou', 'all'] as const;

/** `rnnkit demo`: exit code 0 when every training demo reached its target. */
export async function demo(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand('demo', args, {
    cell: { type: 'string' },
    backend: { type: 'string' },
    seed: { type: 'string' },
    iterations: { type: 'string' },
  });
  if (values.help) {
    io.out(DEMO_HELP);
    return 0;
  }
  if (positionals.length > 1)
    throw new UsageError(`demo takes one name, got: ${positionals.join(' ')}`);
  const name = positionals[0];
  const which = isTaskName(name) ? name : demoName(name);
  const cell = choiceOption<CellType>('cell', values.cell, ['lstm', 'gru', 'rnn'], 'lstm');
  const backend = choiceOption('backend', values.backend, [...BACKENDS, 'auto'] as const, 'auto');
  const seed = intOption('seed', values.seed, 0);
  const iterations = intOption('iterations', values.iterations, 50, 1, 100_000);
  if (isTaskName(which)) {
    const info = await initBackend({ backend });
    io.out(`backend: ${info.name}${info.simd ? ' (SIMD)' : ''}, tfjs ${info.tfjsVersion}\n`);
    const steps = values.iterations === undefined ? undefined : iterations;
    return runTask(io, which, { seed, steps }).passed ? 0 : 1;
  }

  const info = await initBackend({ backend });
  io.out(`backend: ${info.name}${info.simd ? ' (SIMD)' : ''}, tfjs ${info.tfjsVersion}\n\n`);
  let ok = true;
  if (which === 'shapes' || which === 'all') runShapes(io, seed);
  const runs = [
    { name: 'hihello', text: 'hihello', hiddenSize: 5 },
    { name: 'ifyou', text: ' if you want you', hiddenSize: undefined },
  ];
  for (const run of runs) {
    if (which !== run.name && which !== 'all') continue;
    io.out(`\n== ${run.name} ==\n`);
    const result = trainLecture(io, { ...run, cell, iterations, learningRate: 0.1, seed });
    ok &&= result.finalPrediction === result.target;
  }
  return ok ? 0 : 1;
}

/** A lecture demo name; the error also lists the task demos. */
function demoName(name: string | undefined): (typeof DEMOS)[number] {
  try {
    return choiceOption('demo name', name, DEMOS, 'all');
  } catch (error) {
    if (error instanceof UsageError) {
      throw new UsageError(`${error.message} Task demos: ${TASK_NAMES.join(', ')}.`);
    }
    throw error;
  }
}
