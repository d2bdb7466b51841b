import { initBackend } from '@rnnkit/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { listVectors, loadVector } from '../../../../fixtures/reference.js';
import { ReferenceFormatError, verifyReference } from '../index.js';

const files = listVectors('');

describe.each(['cpu', 'wasm'] as const)('verifyReference on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('finds the reference vectors', () => {
    expect(files.length).toBeGreaterThanOrEqual(26);
  });

  it.each(files)('%s passes every check', (file) => {
    const before = tf.memory().numTensors;
    const report = verifyReference(loadVector(file));
    const failures = report.checks.filter((c) => !c.passed);
    expect(failures).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.checks.length).toBeGreaterThan(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fails a reference whose expected values were altered', () => {
    const ref = loadVector('cell_gru_l1_small_rand.json');
    ref.outputs[0][0][0] += 1e-3;
    ref.grads.weight_hh_l0[0][0] += 1e-2;
    const report = verifyReference(ref);
    expect(report.passed).toBe(false);
    expect(report.checks.filter((c) => !c.passed).map((c) => c.quantity)).toEqual([
      'outputs',
      'grad weight_hh_l0',
    ]);
  });
});

describe('reference format errors', () => {
  it('names an unknown kind', () => {
    expect(() => verifyReference({ kind: 'mystery' })).toThrow(ReferenceFormatError);
    expect(() => verifyReference({ kind: 'mystery' })).toThrow(/Unknown reference kind "mystery"/);
  });

  it('names missing fields', () => {
    const ref = loadVector('seqloss_mask.json');
    delete ref.grad_logits;
    expect(() => verifyReference(ref)).toThrow(/lacks the field\(s\): grad_logits/);
  });

  it('rejects a non-object', () => {
    expect(() => verifyReference([1, 2])).toThrow(/must hold a JSON object/);
  });
});
