// `rnnkit sample --greedy / --top-k / --top-p / --temperature` change the draw as documented:
// the text the built CLI prints is replayed here through the checkpoint's model (charLMLogits,
// one character at a time), giving each generated character's rank among the model's logits
// and the probability of the characters ranked above it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@rnnkit/backend';
import type { RecurrentState } from '@rnnkit/cells';
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

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-sample-options-'));
const PRIME = 'the ';
const LENGTH = 150;

let model: CharLM;
let idOf: (ch: string) => number;

/** For every generated character: its rank by logit, and the probability ranked above it. */
function replay(text: string): { rank: number; above: number }[] {
  expect(text.startsWith(PRIME)).toBe(true);
  const chars = [...text.slice(0, -1)]; // the trailing newline is not generated
  expect(chars.at(-1)).not.toBe(undefined);
  const out: { rank: number; above: number }[] = [];
  let state: RecurrentState | undefined;
  let logits: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (i >= PRIME.length) {
      const id = idOf(chars[i] as string);
      const max = Math.max(...logits);
      const p = logits.map((l) => Math.exp(l - max));
      const z = p.reduce((a, b) => a + b, 0);
      const mine = logits[id] as number;
      let rank = 0;
      let above = 0;
      logits.forEach((l, j) => {
        if (l > mine) {
          rank += 1;
          above += (p[j] as number) / z;
        }
      });
      out.push({ rank, above });
    }
    const ids = tf.tensor2d([[idOf(chars[i] as string)]], [1, 1], 'int32');
    const r = charLMLogits(model, ids, state);
    ids.dispose();
    if (state) tf.dispose([state.h, state.c as tf.Tensor]);
    state = r.state;
    logits = Array.from(r.logits.dataSync());
    r.logits.dispose();
  }
  if (state) tf.dispose([state.h, state.c as tf.Tensor]);
  expect(out).toHaveLength(LENGTH);
  return out;
}

const cache = new Map<string, Promise<string>>();
/** One `rnnkit sample` run (the same arguments run once: the output is deterministic). */
const sample = (...args: string[]) => {
  const key = args.join(' ');
  if (!cache.has(key)) cache.set(key, run(args));
  return cache.get(key) as Promise<string>;
};
const run = async (args: string[]) => {
  const r = await rnnkit(
    dir,
    ...['sample', 'run', '--prime', PRIME, '--length', String(LENGTH), '--backend', 'cpu'],
    ...args,
  );
  expect(r.code, r.err).toBe(0);
  return r.out;
};
const greedyShare = (text: string) => replay(text).filter((c) => c.rank === 0).length / LENGTH;

describe('rnnkit sample options', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    writeFileSync(join(dir, 'text.txt'), generatedText(3000));
    const r = await rnnkit(
      dir,
      ...['train', 'text.txt', ...TINY, '--steps', '30', '--eval-every', '30', '--lr', '0.01'],
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
    idOf = (ch) => loaded.tokenizer.idOf(ch) as number;
  });
  afterAll(() => {
    if (model) disposeCharLM(model);
  });

  it('--greedy takes the most likely character every time, whatever the seed', async () => {
    const greedy = await sample('--greedy', '--seed', '1');
    expect(replay(greedy).every((c) => c.rank === 0)).toBe(true);
    expect(await sample('--greedy', '--seed', '9', '--temperature', '3')).toBe(greedy);
    // --top-k 1 and a tiny --top-p keep only the most likely character: greedy again.
    expect(await sample('--top-k', '1', '--seed', '4')).toBe(greedy);
    expect(await sample('--top-p', '0.000001', '--seed', '5')).toBe(greedy);
    // Plain sampling is not greedy (so the checks above could fail).
    expect(greedyShare(await sample('--seed', '4'))).toBeLessThan(1);
  });

  it('--top-k K draws only among the K most likely characters', async () => {
    const ranks = replay(await sample('--top-k', '3', '--seed', '4')).map((c) => c.rank);
    expect(Math.max(...ranks)).toBe(2);
    const free = replay(await sample('--seed', '4')).map((c) => c.rank);
    expect(Math.max(...free)).toBeGreaterThan(2);
  });

  it('--top-p P draws only from the smallest set with probability P', async () => {
    const drawn = replay(await sample('--top-p', '0.6', '--seed', '4'));
    // In the nucleus: what is ranked above the character has less than P between it.
    for (const c of drawn) expect(c.above).toBeLessThan(0.6 + 1e-5);
    expect(drawn.some((c) => c.rank > 0)).toBe(true);
    const free = replay(await sample('--seed', '4'));
    expect(free.some((c) => c.above > 0.6)).toBe(true);
  });

  it('--temperature sharpens below 1 and flattens above, and 1 is the default', async () => {
    expect(await sample('--temperature', '1', '--seed', '4')).toBe(await sample('--seed', '4'));
    const cold = greedyShare(await sample('--temperature', '0.3', '--seed', '4'));
    const normal = greedyShare(await sample('--seed', '4'));
    const hot = greedyShare(await sample('--temperature', '3', '--seed', '4'));
    expect(cold).toBeGreaterThan(normal);
    expect(normal).toBeGreaterThan(hot);
  });
});
