#!/usr/bin/env node
// `pnpm bench`: rnnkit against tfjs-layers on every row of issue 3's table, on wasm and cpu.
//   --json            one JSON line per measurement and per ratio
//   --backend B       wasm, cpu or both (default both)
//   --seconds S       timed seconds per implementation and configuration (default 3)
//   --workers 2[,4]   extra rnnkit training rows with that many worker threads (data parallel)
//   --simd-ab         an extra rnnkit training row on wasm with rnnkit's SIMD kernels off
//   --only ROW        only configurations whose description contains ROW (e.g. "lstm h128 T64")
import { parseArgs } from 'node:util';
import { CONFIGS, describeConfig } from './configs.js';
import { runBench } from './run-bench.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean' },
    backend: { type: 'string' },
    seconds: { type: 'string' },
    workers: { type: 'string' },
    'simd-ab': { type: 'boolean' },
    only: { type: 'string' },
  },
});
const backend = values.backend ?? 'both';
if (!['wasm', 'cpu', 'both'].includes(backend)) {
  process.stderr.write(`--backend must be wasm, cpu or both, got '${backend}'\n`);
  process.exit(2);
}
await runBench({
  backends: backend === 'both' ? ['wasm', 'cpu'] : [backend as 'wasm' | 'cpu'],
  json: values.json,
  seconds: values.seconds == null ? undefined : Number(values.seconds),
  workers: values.workers?.split(',').map(Number),
  simdAb: values['simd-ab'],
  configs:
    values.only == null
      ? undefined
      : CONFIGS.filter((c) => describeConfig(c).includes(values.only as string)),
});
