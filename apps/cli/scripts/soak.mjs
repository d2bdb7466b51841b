#!/usr/bin/env node
// The soak run of issue 13 (a script, not a test: it takes minutes). Three parts:
//   1. 20,000 training steps of a small model, printing the tfjs tensor count and the RSS
//      every 1,000 steps (both must stay flat after warm-up);
//   2. 100,000 sampled characters from it, the same figures every 10,000 characters;
//   3. `rnnkit train` (the built CLI, a child process) on a 200 MB text generated on the fly,
//      printing the child's peak RSS (and that of the same run on the text's first 1 MB, the
//      baseline), its progress lines with their times, the time to the first step and how long
//      the end-of-run evaluation took.
//
// Usage: node apps/cli/scripts/soak.mjs [--steps N] [--chars N] [--big-mb N] [--backend cpu|wasm]
// (from the root, after a build: pnpm soak)
import { spawn } from 'node:child_process';
import {
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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
  const small = join(dir, 'small.txt');
  writeFileSync(small, readFileSync(big).subarray(0, 2 ** 20));
  const baseline = await trainThroughCli(small, join(dir, 'ckpt-small'), () => {});
  line(
    `baseline (same run on the first 1 MB): exit ${baseline.code}, peak RSS ${mb(baseline.peak)} MB`,
  );
  const r = await trainThroughCli(big, join(dir, 'ckpt'), (seconds, l) =>
    line(`  [${seconds.toFixed(1)} s] ${l.slice(0, 200)}`),
  );
  const at = (pattern) => r.lines.find(([, l]) => pattern.test(l))?.[0];
  const firstStep = at(/^step \d+\/\d+ epoch/);
  const lastStep = r.lines.filter(([, l]) => /^step \d+\/\d+ epoch/.test(l)).at(-1)?.[0];
  const evalDone = at(/^step \d+\/\d+ eval:/);
  const bytes = statSync(big).size;
  line(
    `rnnkit train on ${BIG_MB} MB: exit ${r.code}, ${r.seconds.toFixed(1)} s; training started at ${at(/^Training:/)?.toFixed(1)} s, first step line at ${firstStep?.toFixed(1)} s; evaluation ${lastStep !== undefined && evalDone !== undefined ? (evalDone - lastStep).toFixed(1) : '?'} s; peak RSS ${mb(r.peak)} MB, ${((r.peak - baseline.peak) / bytes).toFixed(2)} bytes per character beyond the baseline`,
  );
  rmSync(dir, { recursive: true, force: true });
}

/** `rnnkit train` on `file` in a child process: its peak RSS (VmHWM) and timed stderr/stdout lines. */
async function trainThroughCli(file, checkpointDir, onLine) {
  const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
  const args = [bin, 'train', file, '--hidden', '32', '--layers', '1', '--batch', '16'];
  args.push('--seq-length', '32', '--steps', '20', '--eval-every', '20', '--sample-length', '0');
  args.push('--backend', values.backend, '--checkpoint-dir', checkpointDir, '--log-every', '10');
  const c0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let peak = 0;
  const poll = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
    } catch {}
  }, 200);
  const lines = [];
  const take = (d) => {
    const seconds = (performance.now() - c0) / 1000;
    for (const l of String(d).split('\n').filter(Boolean)) {
      lines.push([seconds, l]);
      onLine(seconds, l);
    }
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const code = await new Promise((r) => child.on('close', r));
  clearInterval(poll);
  return { code, peak, lines, seconds: (performance.now() - c0) / 1000 };
}
