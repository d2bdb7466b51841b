#!/usr/bin/env node
// The quality benchmark of issue 4: the standard configuration (2-layer LSTM, hidden 256,
// batch 32, sequence length 64, Adam 2e-3, clipping 5, the last 5% of the text for validation)
// trained for 2,000 steps on a text, reporting the final validation loss and the wall time.
//
// Usage: node apps/cli/scripts/bench-quality.mjs <text-file> [--steps N] [--backend cpu|wasm|auto]
//        [--eval-every N] [--checkpoint-dir DIR] [--init pytorch|keras] [--workers N|auto]
//        [--torch] [--torch-threads N]
// (from the root: pnpm bench:quality ../shared/data/tinyshakespeare.txt --torch)
//
// --torch then runs the same configuration in PyTorch (apps/bench/python/quality.py: the same
// vocabulary, split, streams and windows, PyTorch's own init, one thread unless --torch-threads,
// OpenBLAS selected as `pnpm bench` selects it) right after rnnkit, and prints both results side
// by side. It needs the repository's @rnnkit/bench and a Python with torch.
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
    workers: { type: 'string' },
    torch: { type: 'boolean', default: false },
    'torch-threads': { type: 'string', default: '1' },
  },
});
const [file] = positionals;
if (file === undefined) {
  process.stderr.write(
    'Usage: bench-quality.mjs <text-file> [--steps N] [--backend cpu|wasm|auto] [--workers N|auto] [--torch]\n',
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
  ...(values.workers === undefined ? [] : ['--workers', values.workers]),
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
child.on('close', async (code) => {
  const wall = (performance.now() - start) / 1000;
  if (code !== 0 || last === undefined) {
    process.stderr.write(`training failed (exit code ${code})\n`);
    process.exit(code || 1);
  }
  const perStep = (last.elapsedSeconds / last.step).toFixed(3);
  const rnnkit = {
    impl: 'rnnkit',
    steps: last.step,
    valLoss: last.valLoss,
    valBpc: last.valBpc,
    wallSeconds: wall,
    secondsPerStep: last.elapsedSeconds / last.step,
    charsPerSec: last.charsPerSec,
    backend: values.backend,
    workers: values.workers ?? 'default',
    init: values.init ?? 'default',
  };
  process.stdout.write(
    `final validation loss after ${last.step} steps: ${last.valLoss.toFixed(4)} nats/char ` +
      `(${last.valBpc.toFixed(4)} bits/char)\n` +
      `wall time: ${wall.toFixed(1)} s (training ${last.elapsedSeconds.toFixed(1)} s, ${perStep} s/step, ` +
      `${Math.round(last.charsPerSec)} chars/s)\n${JSON.stringify(rnnkit)}\n`,
  );
  if (!values.torch) return;
  const torch = await runTorch();
  const ratio = torch.wallSeconds / wall;
  process.stdout.write(
    `pytorch (${torch.threads} thread${torch.threads === 1 ? '' : 's'}, ${torch.blas}): ` +
      `validation loss ${torch.valLoss.toFixed(4)} nats/char, wall time ${torch.wallSeconds.toFixed(1)} s ` +
      `(${Math.round(torch.charsPerSec)} chars/s)\n` +
      `rnnkit against pytorch: validation loss ${(rnnkit.valLoss - torch.valLoss).toFixed(4)} nats/char apart, ` +
      `wall time ${ratio.toFixed(2)}x pytorch's speed (${wall.toFixed(1)} s against ${torch.wallSeconds.toFixed(1)} s)\n` +
      `${JSON.stringify(torch)}\n`,
  );
});

/** Runs apps/bench/python/quality.py on the same text and configuration; resolves to its JSON line. */
async function runTorch() {
  let bench;
  try {
    bench = await import('@rnnkit/bench');
  } catch {
    process.stderr.write(
      "--torch needs the repository's @rnnkit/bench (pnpm install at the root)\n",
    );
    process.exit(1);
  }
  const blasDir = bench.findOpenblasDir();
  const env = { ...process.env };
  if (blasDir)
    env.LD_LIBRARY_PATH = [blasDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  const torchArgs = [
    bench.TORCH_QUALITY,
    file,
    '--steps',
    values.steps,
    '--eval-every',
    values['eval-every'],
    '--threads',
    values['torch-threads'],
  ];
  process.stderr.write(`${bench.pythonPath()} ${torchArgs.join(' ')}\n`);
  const py = spawn(bench.pythonPath(), torchArgs, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  py.stdout.on('data', (chunk) => {
    out += chunk;
  });
  const status = await new Promise((resolve) => py.on('close', resolve));
  const line = out.trim().split('\n').pop();
  if (status !== 0 || !line) {
    process.stderr.write(
      `the PyTorch run failed (exit code ${status}); is torch installed for ${bench.pythonPath()}?\n`,
    );
    process.exit(1);
  }
  return JSON.parse(line);
}
