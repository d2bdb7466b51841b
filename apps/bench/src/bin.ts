#!/usr/bin/env node
// `pnpm bench`: rnnkit against tfjs-layers on every row of issue 3's table, on wasm and cpu.
//   --json            one JSON line per measurement and per ratio
//   --backend B       wasm, cpu or both (default both)
//   --seconds S       timed seconds per implementation and configuration (default 3)
import { parseArgs } from 'node:util';
import { runBench } from './run-bench.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean' },
    backend: { type: 'string' },
    seconds: { type: 'string' },
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
});
