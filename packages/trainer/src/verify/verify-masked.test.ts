// Masked and bidirectional stacks against fixtures/masked-vectors: values and gradients from an
// independent float64 implementation (numpy, generate.py there), on both backends.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@rnnkit/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyReference } from '../index.js';

const DIR = fileURLToPath(new URL('../../../../fixtures/masked-vectors/', import.meta.url));
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const load = (file: string) => JSON.parse(readFileSync(`${DIR}${file}`, 'utf8'));

describe.each(['cpu', 'wasm'] as const)('masked and bidirectional references on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('finds every cell with one unidirectional and three bidirectional files', () => {
    expect(files.length).toBe(12);
  });

  it.each(files)('%s passes every check', (file) => {
    const before = tf.memory().numTensors;
    const report = verifyReference(load(file));
    expect(report.checks.filter((c) => !c.passed)).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.checks.length).toBeGreaterThan(10);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fails when a backward-direction value is altered', () => {
    const ref = load('masked_gru_bi_concat_l2.json');
    ref.h_n[1][3][0] += 1e-3; // layer 0 backward, example 3
    ref.grads.weight_hh_l1_reverse[0][0] += 1e-2;
    const failed = verifyReference(ref).checks.filter((c) => !c.passed);
    expect(failed.map((c) => c.quantity)).toEqual(['h_n', 'grad weight_hh_l1_reverse']);
  });
});
