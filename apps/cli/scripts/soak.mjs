#!/usr/bin/env node
// The soak run of issue 13 (a script, not a test: it takes minutes). Three parts:
//   1. 20,000 training steps of a small model, printing the tfjs tensor count and the RSS
//      every 1,000 steps (both must stay flat after warm-up);
//   2. 100,000 sampled characters from it, the same figures every 10,000 characters;
//   3. `rnnkit train` (the built CLI, a child process) on a 200 MB text generated on the fly,
//      printing the child's peak RSS and how long reading and the first steps took.
//
// Usage: node apps/cli/scripts/soak.mjs [--steps N] [--chars N] [--big-mb N] [--backend cpu|wasm]
// (from the root, after a build: pnpm soak)
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend } from '@rnnkit/backend';
import { createRng } from '@rnnkit/core';
import { createTextGenerator, createTrainer, loadCharLM } from '@rnnkit/trainer';
import * as tf from '@tensorflow/tfjs-core';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '20000' },
    chars: { type: 'string', default: '100000' },
    'big-mb': { type: 'string', default: '200' },
    backend: { type: 'string', default: 'cpu' },
  },
});
const STEPS = Number(values.steps);
const CHARS = Number(values.chars);
const BIG_MB = Number(values['big-mb']);
const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
const rss = () => mb(process.memoryUsage().rss);
const line = (text) => process.stdout.write(`${text}\n`);

/** Seeded pseudo-English: a few hundred words, punctuation, line breaks. */
function* textChunks(totalChars, seed = 7, chunk = 1 << 20) {
  const rng = createRng(seed);
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'an', 'er', 'in', 'th'];
  const words = Array.from({ length: 300 }, () =>
    Array.from({ length: 1 + Math.floor(rng() * 3) }, () => syllables[Math.floor(rng() * 12)]).join(
      '',
    ),
  );
  let made = 0;
  while (made < totalChars) {
    let s = '';
    while (s.length < Math.min(chunk, totalChars - made)) {
      const w = words[Math.floor(rng() * words.length)];
      const r = rng();
      s += r < 0.08 ? `${w}.\n` : r < 0.15 ? `${w}, ` : `${w} `;
    }
    s = s.slice(0, Math.min(chunk, totalChars - made));
    made += s.length;
    yield s;
  }
}

await initBackend({ backend: values.backend });
line(`# soak: backend ${values.backend}, node ${process.version}`);

// ── 1. training steps ─────────────────────────────────────────────────────────────────────
const text = [...textChunks(400_000)].join('');
const trainer = createTrainer(text, {
  cell: 'lstm',
  hiddenSize: 32,
  numLayers: 2,
  batchSize: 8,
  seqLength: 32,
  steps: STEPS,
  evalEvery: 5000,
  sampleLength: 100,
  seed: 1,
});
line(`## ${STEPS} training steps (lstm 2x32, batch 8 x 32)`);
line('step | loss | tensors | rss MB');
const t0 = performance.now();
let tensorsAfterWarmup;
let maxTensorDrift = 0;
const rssSeries = [];
for await (const e of trainer.run()) {
  if (e.type !== 'step' || e.step % 1000 !== 0) continue;
  const n = tf.memory().numTensors;
  if (e.step === 1000) tensorsAfterWarmup = n;
  else maxTensorDrift = Math.max(maxTensorDrift, Math.abs(n - tensorsAfterWarmup));
  rssSeries.push(Number(rss()));
  line(`${e.step} | ${e.loss.toFixed(3)} | ${n} | ${rss()}`);
}
const trainSeconds = (performance.now() - t0) / 1000;
line(
  `training: ${trainSeconds.toFixed(1)} s (${((STEPS * 8 * 32) / trainSeconds).toFixed(0)} chars/s); tensor count drift after step 1000: ${maxTensorDrift}; RSS from ${rssSeries[1]} to ${rssSeries.at(-1)} MB (min ${Math.min(...rssSeries.slice(1))}, max ${Math.max(...rssSeries.slice(1))})`,
);

// ── 2. sampling ───────────────────────────────────────────────────────────────────────────
const { model, tokenizer } = loadCharLM(trainer.checkpoint());
trainer.dispose();
const gen = createTextGenerator(model, tokenizer, { seed: 3, temperature: 0.8 });
gen.prime('ka');
line(`## ${CHARS} sampled characters`);
line('chars | tensors | rss MB');
const s0 = performance.now();
let sampleWarm;
let sampleDrift = 0;
const sampleRss = [];
for (let i = 1; i <= CHARS; i++) {
  gen.step();
  if (i % 10_000 === 0) {
    const n = tf.memory().numTensors;
    if (i === 10_000) sampleWarm = n;
    else sampleDrift = Math.max(sampleDrift, Math.abs(n - sampleWarm));
    sampleRss.push(Number(rss()));
    line(`${i} | ${n} | ${rss()}`);
  }
}
gen.dispose();
const sampleSeconds = (performance.now() - s0) / 1000;
line(
  `sampling: ${sampleSeconds.toFixed(1)} s (${(CHARS / sampleSeconds).toFixed(0)} chars/s); tensor count drift after 10,000: ${sampleDrift}; RSS from ${sampleRss[0]} to ${sampleRss.at(-1)} MB`,
);

// ── 3. a 200 MB text through the CLI ──────────────────────────────────────────────────────
if (BIG_MB > 0) {
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-soak-'));
  const big = join(dir, 'big.txt');
  const g0 = performance.now();
  const out = createWriteStream(big);
  for (const chunk of textChunks(BIG_MB * 2 ** 20, 11, 4 << 20)) {
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  line(
    `## ${BIG_MB} MB text (${statSync(big).size} bytes, written in ${((performance.now() - g0) / 1000).toFixed(1)} s)`,
  );
  const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
  const args = [
    bin,
    'train',
    big,
    '--hidden',
    '32',
    '--layers',
    '1',
    '--batch',
    '16',
    '--seq-length',
    '32',
  ];
  args.push(
    '--steps',
    '20',
    '--eval-every',
    '20',
    '--sample-length',
    '0',
    '--backend',
    values.backend,
  );
  args.push('--checkpoint-dir', join(dir, 'ckpt'), '--log-every', '10');
  const c0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let peak = 0;
  const poll = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
    } catch {}
  }, 200);
  const stamp = () => `${((performance.now() - c0) / 1000).toFixed(1)} s`;
  child.stdout.on('data', (d) => {
    for (const l of String(d).split('\n').filter(Boolean))
      line(`  [${stamp()}] ${l.slice(0, 200)}`);
  });
  child.stderr.on('data', (d) => {
    for (const l of String(d).split('\n').filter(Boolean))
      line(`  [${stamp()}] (stderr) ${l.slice(0, 200)}`);
  });
  const code = await new Promise((r) => child.on('close', r));
  clearInterval(poll);
  line(`rnnkit train on ${BIG_MB} MB: exit ${code}, ${stamp()}, peak RSS ${mb(peak)} MB`);
  rmSync(dir, { recursive: true, force: true });
}
