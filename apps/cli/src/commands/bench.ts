import { BACKENDS, initBackend } from '@rnnkit/backend';
import { type CellType, createRng } from '@rnnkit/cells';
import { adam } from '@rnnkit/optim';
import { createCharLM, createSampler, disposeCharLM, trainStep } from '@rnnkit/trainer';
import * as tf from '@tensorflow/tfjs-core';
import type { Io } from '../io.js';
import { choiceOption, intOption, parseCommand } from '../options.js';

export const BENCH_HELP = `Usage: rnnkit bench [options]

Measures how fast rnnkit trains and samples a character language model, in characters per
second, on random ids (vocabulary --vocab, one-hot input): a training step is the full
forward pass, backprop through time, clipping at norm 5 and an Adam update on a batch of
--batch x --seq-length characters; sampling draws one character at a time from a batch of 1.
One warm-up step is not timed. Reports peak memory (RSS) and the live tensor count.

With the comparison app (the rnnkit repository's apps/bench, which brings
@tensorflow/tfjs-layers; not part of the published package), it also trains and samples the
same model with tfjs-layers on the same backend and data, and prints both speeds and their
ratio for five training configurations (LSTM 128, LSTM 256 x 2 layers, GRU 128, RNN 128 at
sequence length 64, LSTM 128 at 1024) and 2-layer LSTM sampling, or for the one configuration
--cell/--hidden/--layers/--batch/--seq-length give. Without it, rnnkit is timed alone.

Options:
  --backend cpu|wasm|auto tfjs backend (default auto: wasm, then cpu; the comparison
                          runs both)
  --rnnkit-only           time rnnkit alone, even where the comparison app is installed
  --cell lstm|gru|rnn     recurrent cell (default lstm)
  --hidden N              hidden size (default 128)
  --layers N              stacked layers (default 1)
  --batch N               batch size (default 32)
  --seq-length N          sequence length (default 64)
  --vocab N               vocabulary size (default 65)
  --steps N               timed training steps (default 5)
  --sample-length N       timed sampled characters (default 200)
  --json                  one JSON line per measurement
  -h, --help              show this help
`;

/** `rnnkit bench`: times training steps and sampling. */
export async function bench(args: string[], io: Io): Promise<number> {
  const { values } = parseCommand('bench', args, {
    backend: { type: 'string' },
    cell: { type: 'string' },
    hidden: { type: 'string' },
    layers: { type: 'string' },
    batch: { type: 'string' },
    'seq-length': { type: 'string' },
    vocab: { type: 'string' },
    steps: { type: 'string' },
    'sample-length': { type: 'string' },
    json: { type: 'boolean' },
    'rnnkit-only': { type: 'boolean' },
  });
  if (values.help) {
    io.out(BENCH_HELP);
    return 0;
  }
  if (!values['rnnkit-only']) {
    const compared = await compare(values, io);
    if (compared != null) return compared;
  }
  const backend = choiceOption('backend', values.backend, [...BACKENDS, 'auto'] as const, 'auto');
  const cell = choiceOption<CellType>('cell', values.cell, ['lstm', 'gru', 'rnn'], 'lstm');
  const hidden = intOption('hidden', values.hidden, 128, 1, 4096);
  const layers = intOption('layers', values.layers, 1, 1, 16);
  const batch = intOption('batch', values.batch, 32, 1, 4096);
  const seqLength = intOption('seq-length', values['seq-length'], 64, 1, 100_000);
  const vocab = intOption('vocab', values.vocab, 65, 2, 100_000);
  const steps = intOption('steps', values.steps, 5, 1, 100_000);
  const sampleLength = intOption('sample-length', values['sample-length'], 200, 1, 1_000_000);
  const info = await initBackend({ backend });

  const model = createCharLM(
    { vocabSize: vocab, cell, hiddenSize: hidden, numLayers: layers },
    { seed: 0 },
  );
  const config = { backend: info.name, cell, hidden, layers, batch, seqLength };
  const results: Record<string, unknown>[] = [];
  try {
    const train = timeTraining(model, batch, seqLength, vocab, steps);
    results.push({ suite: 'train', impl: 'rnnkit', ...config, ...train });
    const sampler = createSampler(model, { seed: 0 });
    sampler.prime([0]);
    sampler.next();
    const start = performance.now();
    for (let i = 0; i < sampleLength; i++) sampler.next();
    const seconds = (performance.now() - start) / 1000;
    sampler.dispose();
    results.push({
      suite: 'sample',
      impl: 'rnnkit',
      ...config,
      batch: 1,
      seqLength: 1,
      charsPerSec: Math.round(sampleLength / seconds),
      peakRssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
      tensors: tf.memory().numTensors,
    });
  } finally {
    disposeCharLM(model);
  }
  for (const r of results) {
    io.out(
      values.json
        ? `${JSON.stringify(r)}\n`
        : `${String(r.suite).padEnd(6)} ${r.backend} ${r.cell} h${r.hidden} x${r.layers} ` +
            `batch ${r.batch} len ${r.seqLength}: ${r.charsPerSec} chars/s, rss ${r.peakRssMb} MB\n`,
    );
  }
  return 0;
}

type BenchValues = Record<string, string | boolean | undefined>;

/** What the CLI uses of the comparison app (@rnnkit/bench, private: never a dependency). */
interface BenchApp {
  loadTfjsLayers(): Promise<unknown>;
  runBench(options: {
    backends: string[];
    json: boolean;
    configs?: {
      suite: 'train' | 'sample';
      cell: CellType;
      hidden: number;
      layers: number;
      batch: number;
      seqLength: number;
    }[];
    out: (text: string) => void;
  }): Promise<unknown>;
}

/** The comparison app where it is installed (in the repository), else undefined. */
async function loadBenchApp(): Promise<BenchApp | undefined> {
  // A variable specifier: neither tsc nor a bundler treats the private app as a dependency.
  const name = '@rnnkit/bench';
  try {
    return (await import(name)) as BenchApp;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

/**
 * Runs the bench app's rnnkit-vs-tfjs-layers comparison when the app and tfjs-layers (its dev
 * dependency) can be loaded; undefined otherwise, after saying how to get it, so the CLI falls
 * back to timing rnnkit alone. Loaded on demand: the other commands never load the bench code.
 */
async function compare(values: BenchValues, io: Io): Promise<number | undefined> {
  const benchApp = await loadBenchApp();
  if (benchApp === undefined || (await benchApp.loadTfjsLayers()) == null) {
    io.err(
      `rnnkit bench: the comparison with tfjs-layers needs the rnnkit repository's bench app (git clone the repository, then 'npx -y pnpm@10.34.9 install && npx -y pnpm@10.34.9 bench'); timing rnnkit alone.\n`,
    );
    return undefined;
  }
  const backend = choiceOption(
    'backend',
    values.backend as string | undefined,
    [...BACKENDS, 'auto'] as const,
    'auto',
  );
  const shaped = ['cell', 'hidden', 'layers', 'batch', 'seq-length'].some((k) => values[k] != null);
  const cell = choiceOption<CellType>(
    'cell',
    values.cell as string | undefined,
    ['lstm', 'gru', 'rnn'],
    'lstm',
  );
  const hidden = intOption('hidden', values.hidden as string | undefined, 128, 1, 4096);
  const layers = intOption('layers', values.layers as string | undefined, 1, 1, 16);
  const batch = intOption('batch', values.batch as string | undefined, 32, 1, 4096);
  const seqLength = intOption(
    'seq-length',
    values['seq-length'] as string | undefined,
    64,
    1,
    100_000,
  );
  await benchApp.runBench({
    backends: backend === 'auto' ? ['wasm', 'cpu'] : [backend],
    json: values.json === true,
    configs: shaped
      ? [
          { suite: 'train', cell, hidden, layers, batch, seqLength },
          { suite: 'sample', cell, hidden, layers, batch: 1, seqLength: 1 },
        ]
      : undefined,
    out: io.out,
  });
  return 0;
}

function timeTraining(
  model: ReturnType<typeof createCharLM>,
  batch: number,
  seqLength: number,
  vocab: number,
  steps: number,
) {
  const random = createRng(1);
  const data = Int32Array.from({ length: batch * (seqLength + 1) }, () =>
    Math.floor(random() * vocab),
  );
  const ids = tf.tensor2d(data, [batch, seqLength + 1], 'int32');
  const x = tf.slice(ids, [0, 0], [batch, seqLength]) as tf.Tensor2D;
  const y = tf.slice(ids, [0, 1], [batch, seqLength]) as tf.Tensor2D;
  const optimizer = adam({ learningRate: 0.002 });
  const step = () => {
    const r = trainStep(model, optimizer, x, y, { clipNorm: 5 });
    const loss = r.loss.dataSync()[0] as number;
    tf.dispose([r.loss, r.gradNorm, r.state.h, r.state.c as tf.Tensor]);
    return loss;
  };
  step(); // warm-up: kernels, optimizer slots
  let peakRss = 0;
  const start = performance.now();
  for (let i = 0; i < steps; i++) {
    step();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([ids, x, y]);
  optimizer.dispose();
  return {
    charsPerSec: Math.round((batch * seqLength * steps) / seconds),
    peakRssMb: Math.round(peakRss / 2 ** 20),
    tensors: tf.memory().numTensors,
  };
}
