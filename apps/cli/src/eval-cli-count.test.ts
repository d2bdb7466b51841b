// `rnnkit eval` counts the characters it predicts as documented (every character after the
// first, in --batch streams of windows of --seq-length, defaults from the checkpoint, a rest
// shorter than a window per stream dropped) and its loss is the mean cross-entropy over exactly
// those characters, computed here from the checkpoint's logits.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@rnnkit/backend';
import {
  type CharLM,
  charLMLogits,
  deserializeCheckpoint,
  disposeCharLM,
  loadCharLM,
} from '@rnnkit/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedText, rnnkit, TINY } from './test-support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-eval-count-'));
const TEXT = generatedText(3000);

let model: CharLM;
let encode: (s: string) => number[];

interface EvalJson {
  loss: number;
  bitsPerChar: number;
  perplexity: number;
  chars: number;
}

async function evaluate(chars: number, ...flags: string[]) {
  const file = `text-${chars}.txt`;
  writeFileSync(join(dir, file), TEXT.slice(0, chars));
  const r = await rnnkit(dir, 'eval', 'run', file, '--backend', 'cpu', '--json', ...flags);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as EvalJson;
}

/** Mean cross-entropy of streams read from zero state, each one sequence of its own. */
function handLoss(streams: string[]): number {
  let total = 0;
  let count = 0;
  for (const s of streams) {
    const ids = encode(s);
    const x = tf.tensor2d([ids.slice(0, -1)], [1, ids.length - 1], 'int32');
    const { logits, state } = charLMLogits(model, x);
    const rows = logits.arraySync()[0] as number[][];
    tf.dispose([x, logits, state.h, state.c as tf.Tensor]);
    rows.forEach((row, t) => {
      const max = Math.max(...row);
      const z = row.reduce((a, l) => a + Math.exp(l - max), 0);
      total += max + Math.log(z) - (row[ids[t + 1] as number] as number);
      count += 1;
    });
  }
  return total / count;
}

describe('rnnkit eval counting', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    writeFileSync(join(dir, 'train.txt'), TEXT);
    const r = await rnnkit(
      dir,
      ...['train', 'train.txt', ...TINY, '--steps', '6', '--eval-every', '6'],
      ...['--sample-length', '0', '--checkpoint-dir', 'run'],
    );
    expect(r.code, r.err).toBe(0);
    await initBackend({ backend: 'cpu' });
    const folder = join(dir, 'run', 'best');
    const modelJson = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8'));
    const bytes = readFileSync(join(folder, modelJson.weightsManifest[0].paths[0]));
    const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const loaded = loadCharLM(deserializeCheckpoint({ modelJson, weightData }));
    model = loaded.model;
    encode = (s) => Array.from(loaded.tokenizer.encode(s));
  });
  afterAll(() => {
    if (model) disposeCharLM(model);
  });

  it("reads the checkpoint's batch 4 x 16 by default, fewer streams for short text", async () => {
    // 99 to predict: 4 streams x 1 window of 16 = 64; the rest (35) is dropped.
    expect((await evaluate(100)).chars).toBe(64);
    // 39 to predict: 2 streams of 16 fit (3 would not), 1 window each.
    const short = await evaluate(40);
    expect(short.chars).toBe(32);
    expect(short.loss).toBeCloseTo(handLoss([TEXT.slice(0, 17), TEXT.slice(16, 33)]), 5);
  });

  it('follows --batch and --seq-length, and shortens a window longer than the text', async () => {
    // 22 to predict: 2 streams x 2 windows of 5.
    expect((await evaluate(23, '--batch', '2', '--seq-length', '5')).chars).toBe(20);
    // 9 to predict: one window of 9, every character after the first.
    const all = await evaluate(10, '--seq-length', '64');
    expect(all.chars).toBe(9);
    const loss = handLoss([TEXT.slice(0, 10)]);
    expect(all.loss).toBeCloseTo(loss, 5);
    expect(all.bitsPerChar).toBeCloseTo(loss / Math.LN2, 5);
    expect(all.perplexity).toBeCloseTo(Math.exp(loss), 4);
  });

  it('prints the same count without --json, and refuses a text with nothing to predict', async () => {
    writeFileSync(join(dir, 'plain.txt'), TEXT.slice(0, 100));
    const plain = await rnnkit(dir, 'eval', 'run', 'plain.txt', '--backend', 'cpu');
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(/\(64 characters predicted\)/);
    writeFileSync(join(dir, 'one.txt'), 't');
    const one = await rnnkit(dir, 'eval', 'run', 'one.txt', '--backend', 'cpu');
    expect(one.code).toBe(1);
    expect(one.err).toMatch(/too short to evaluate/);
  });
});
