#!/usr/bin/env node
// The quality benchmark of issue 4: the standard configuration (2-layer LSTM, hidden 256,
// batch 32, sequence length 64, Adam 2e-3, clipping 5, the last 5% of the text for validation)
// trained for 2,000 steps on a text, reporting the final validation loss and the wall time.
// PyTorch 1.13 on one CPU thread reaches 1.63 nats/char on tinyshakespeare in 9 minutes.
//
// Usage: node apps/cli/scripts/bench-quality.mjs <text-file> [--steps N] [--backend cpu|wasm|auto]
//        [--eval-every N] [--checkpoint-dir DIR] [--init pytorch|keras]
// (from the root: pnpm bench:quality ../shared/data/tinyshakespeare.txt)
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    steps: { type: 'string', default: '2000' },
    backend: { type: 'string', default: 'auto' },
    'eval-every': { type: 'string', default: '500' },
    'checkpoint-dir': { type: 'string' },
    init: { type: 'string' },
  },
});
const [file] = positionals;
if (file === undefined) {
  process.stderr.write(
    'Usage: bench-quality.mjs <text-file> [--steps N] [--backend cpu|wasm|auto]\n',
  );
  process.exit(2);
}
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const dir = values['checkpoint-dir'] ?? mkdtempSync(join(tmpdir(), 'rnnkit-bench-quality-'));
const args = [
  'train',
  file,
  '--cell',
  'lstm',
  '--layers',
  '2',
  '--hidden',
  '256',
  '--batch',
  '32',
  '--seq-length',
  '64',
  '--optimizer',
  'adam',
  '--lr',
  '0.002',
  '--clip',
  '5',
  '--val-fraction',
  '0.05',
  '--steps',
  values.steps,
  '--eval-every',
  values['eval-every'],
  '--backend',
  values.backend,
  '--checkpoint-dir',
  dir,
  '--force',
  '--json',
  '--log-every',
  '10',
  ...(values.init === undefined ? [] : ['--init', values.init]),
];
process.stderr.write(`rnnkit ${args.join(' ')}\n`);
const start = performance.now();
const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
let buffer = '';
let last;
child.stdout.on('data', (chunk) => {
  buffer += chunk;
  const lines = buffer.split('\n');
  buffer = lines.pop() ?? '';
  for (const line of lines) {
    const e = JSON.parse(line);
    if (e.type === 'progress') {
      process.stderr.write(
        `step ${e.step}/${e.steps} loss ${e.loss.toFixed(4)} ${Math.round(e.charsPerSec)} chars/s\n`,
      );
    } else if (e.type === 'eval') {
      last = e;
      process.stderr.write(
        `step ${e.step}: val ${e.valLoss.toFixed(4)} nats/char (${e.valBpc.toFixed(4)} bits/char)\n`,
      );
    }
  }
});
child.on('close', (code) => {
  const wall = (performance.now() - start) / 1000;
  if (code !== 0 || last === undefined) {
    process.stderr.write(`training failed (exit code ${code})\n`);
    process.exit(code || 1);
  }
  const perStep = (last.elapsedSeconds / last.step).toFixed(3);
  process.stdout.write(
    `final validation loss after ${last.step} steps: ${last.valLoss.toFixed(4)} nats/char ` +
      `(${last.valBpc.toFixed(4)} bits/char; PyTorch reference 1.63 after 2000)\n` +
      `wall time: ${wall.toFixed(1)} s (training ${last.elapsedSeconds.toFixed(1)} s, ${perStep} s/step, ` +
      `${Math.round(last.charsPerSec)} chars/s)\n` +
      `${JSON.stringify({ steps: last.step, valLoss: last.valLoss, valBpc: last.valBpc, wallSeconds: wall, secondsPerStep: last.elapsedSeconds / last.step, charsPerSec: last.charsPerSec, backend: values.backend, init: values.init ?? 'default' })}\n`,
  );
});
