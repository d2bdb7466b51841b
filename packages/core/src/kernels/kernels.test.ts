import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelBackend, registerKernelOnce, tensorMemory } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('registerKernelOnce and tensorMemory', () => {
  it('runs a JS kernel over the tensors in place, registered once', () => {
    const backend = kernelBackend();
    expect(backend).toBe('cpu');
    let registrations = 0;
    const make = (name: string): tf.KernelFunc => {
      registrations++;
      return ({ inputs, backend: b }) => {
        const mem = tensorMemory(name, b);
        const x = inputs.x as tf.TensorInfo;
        const out = mem.alloc(x.shape);
        const [src, dst] = [mem.view(x), mem.view(out)];
        for (let i = 0; i < 3; i++) dst.arr[dst.off + i] = 2 * (src.arr[src.off + i] as number);
        mem.release();
        return out;
      };
    };
    registerKernelOnce('RnnkitTestDouble', 'cpu', make);
    registerKernelOnce('RnnkitTestDouble', 'cpu', make);
    expect(registrations).toBe(1);
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.engine().runKernel('RnnkitTestDouble', { x }, {}) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([2, 4, 6]);
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
