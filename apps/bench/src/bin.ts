#!/usr/bin/env node
// `pnpm bench`: rnnkit against tfjs-layers and PyTorch on the standard configurations, on wasm
// and cpu. The flags are in USAGE below (`pnpm bench --help`).
import { parseArgs } from 'node:util';
import { BenchArgError, parseImpls, parseThreads, selectConfigs } from './bench-selection.js';
import { type BenchOptions, runBench } from './run-bench.js';

const USAGE = `Usage: pnpm bench [options]   (rnnkit against tfjs-layers and PyTorch, chars/s)
  --json            one JSON line per measurement and per ratio
  --backend B       wasm, cpu or both (default both)
  --seconds S       timed seconds per implementation and configuration (default 3)
  --impl LIST       rnnkit,tfjs-layers,pytorch (default all; rnnkit always runs)
  --config LIST     e.g. train-lstm-h128,sample (default every row; a prefix picks several)
  --torch-threads L PyTorch's threads for training rows (default 2,1; sampling uses 1)
  --workers 2[,4]   extra rnnkit training rows with that many worker threads (data parallel)
  --simd-ab         an extra rnnkit row with rnnkit's SIMD kernels off (training on wasm; sampling)
`;

let parsed: ReturnType<typeof parseBenchArgs>;
try {
  parsed = parseBenchArgs();
} catch (error) {
  // parseArgs's own errors (an unknown flag, a missing value) as one line and the usage.
  process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
const { values } = parsed;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

function parseBenchArgs() {
  return parseArgs({
    options: {
      help: { type: 'boolean', short: 'h' },
      json: { type: 'boolean' },
      backend: { type: 'string' },
      seconds: { type: 'string' },
      impl: { type: 'string' },
      config: { type: 'string' },
      'torch-threads': { type: 'string' },
      workers: { type: 'string' },
      'simd-ab': { type: 'boolean' },
    },
  });
}
const backend = values.backend ?? 'both';
if (!['wasm', 'cpu', 'both'].includes(backend)) {
  process.stderr.write(`--backend must be wasm, cpu or both, got '${backend}'\n`);
  process.exit(2);
}
let selection: Pick<BenchOptions, 'impls' | 'configs' | 'torchThreads'>;
try {
  selection = {
    impls: parseImpls(values.impl),
    configs: selectConfigs(values.config),
    torchThreads: parseThreads(values['torch-threads']),
  };
} catch (error) {
  if (!(error instanceof BenchArgError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
await runBench({
  ...selection,
  backends: backend === 'both' ? ['wasm', 'cpu'] : [backend as 'wasm' | 'cpu'],
  json: values.json,
  seconds: values.seconds == null ? undefined : Number(values.seconds),
  workers: values.workers?.split(',').map(Number),
  simdAb: values['simd-ab'],
});
