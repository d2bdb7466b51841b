// Plain Node, against the built package: tfjs-core's CommonJS build has no chained methods.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('installs the chained tensor methods tfjs-layers calls (plain Node)', () => {
  const script = `
    import * as tf from '@tensorflow/tfjs-core';
    import { initBackend, registerChainedOps } from './dist/index.js';
    await initBackend({ backend: 'cpu' });
    const t = tf.tensor2d([[1, 2], [3, 4]]);
    const before = typeof t.flatten;
    registerChainedOps();
    console.log(JSON.stringify({
      before,
      flatten: t.flatten().shape,
      matMul: Array.from(t.matMul(t).dataSync()),
      toInt: t.toInt().dtype,
    }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    encoding: 'utf8',
  });
  expect(JSON.parse(out)).toEqual({
    before: 'undefined',
    flatten: [4],
    matMul: [7, 10, 15, 22],
    toInt: 'int32',
  });
});
