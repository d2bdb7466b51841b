// Truncated BPTT as char-rnn does it, checked against a forward pass computed here: the state
// a stream ends window k with starts window k + 1, and every epoch starts from zeros. The
// resume tests compare two runs of the same code, so they cannot see a wrong carry; these can.
import { initBackend } from '@rnnkit/backend';
import { runRecurrent } from '@rnnkit/cells';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CheckpointData,
  createTrainer,
  deserializeCheckpoint,
  disposeCharLM,
  loadCharLM,
  resumeTrainer,
  serializeCheckpoint,
  type TrainOptions,
} from './index.js';

const B = 3;
const T = 8;
const OPTIONS: TrainOptions = {
  cell: 'lstm',
  hiddenSize: 12,
  numLayers: 2,
  batchSize: B,
  seqLength: T,
  learningRate: 0.02,
  valFraction: 0,
  evalEvery: 1000,
  sampleLength: 0,
  seed: 5,
  // Keras-style init: its larger recurrent weights make a wrong carried state show as a loss
  // difference far above the match tolerance (PyTorch's small init makes it ~1e-4 at places).
  init: 'keras',
};

/** Seeded pseudo-words: enough structure that carried state changes the loss. */
function words(n: number): string {
  const list = ['abc', 'bca', 'cab', 'aab', 'bb', 'c', 'ba'];
  let x = 7;
  let s = '';
  while (s.length < n) {
    x = (x * 69069 + 1) % 4294967296;
    s += `${list[x % list.length]}${x % 5 === 0 ? '\n' : ' '}`;
  }
  return s.slice(0, n);
}

// 3 streams x 4 windows x 8 = 96 inputs; 97 characters used, the rest dropped.
const TEXT = words(100);
const VOCAB = [...new Set(TEXT)].sort((a, b) => (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0));
const IDS = [...TEXT].map((ch) => VOCAB.indexOf(ch));
const WINDOWS = Math.floor((IDS.length - 1) / (B * T));

/** Inputs and targets of window k, laid out by hand: stream b starts at b·windows·T. */
function windowByHand(k: number): { x: number[][]; y: number[][] } {
  const x: number[][] = [];
  const y: number[][] = [];
  for (let b = 0; b < B; b++) {
    const start = b * WINDOWS * T + k * T;
    x.push(IDS.slice(start, start + T));
    y.push(IDS.slice(start + 1, start + T + 1));
  }
  return { x, y };
}

interface Forward {
  loss: number;
  h: number[];
  c: number[];
}

/**
 * Mean cross-entropy of window k under a checkpoint's weights, from `state` (zeros when
 * undefined): one-hot inputs through the cells' runner, then the linear layer and the
 * log-softmax in float64 here.
 */
function forwardByHand(
  data: CheckpointData,
  k: number,
  state: { h: Float32Array; c?: Float32Array } | undefined,
): Forward {
  const { model } = loadCharLM(data);
  const V = VOCAB.length;
  const H = data.model.hiddenSize;
  const L = data.model.numLayers;
  const { x, y } = windowByHand(k);
  try {
    const out = tf.tidy(() => {
      const xs = tf.cast(tf.oneHot(tf.tensor2d(x, [B, T], 'int32'), V), 'float32') as tf.Tensor3D;
      const initialState = state && {
        h: tf.tensor3d(state.h, [L, B, H]),
        c: tf.tensor3d(state.c as Float32Array, [L, B, H]),
      };
      const r = runRecurrent(model.rnn, xs, { initialState });
      return [r.outputs, r.state.h, r.state.c as tf.Tensor];
    });
    const [outputs, h, c] = out.map((t) => Array.from(t.dataSync())) as [
      number[],
      number[],
      number[],
    ];
    tf.dispose(out);
    const w = data.params['fc.weight']?.data as Float32Array; // [V, H]
    const bias = data.params['fc.bias']?.data as Float32Array;
    let total = 0;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const logits = new Float64Array(V);
        for (let v = 0; v < V; v++) {
          let sum = bias[v] as number;
          for (let j = 0; j < H; j++) {
            sum += (outputs[(b * T + t) * H + j] as number) * (w[v * H + j] as number);
          }
          logits[v] = sum;
        }
        const max = Math.max(...logits);
        let z = 0;
        for (const l of logits) z += Math.exp(l - max);
        total += max + Math.log(z) - (logits[y[b]?.[t] as number] as number);
      }
    }
    return { loss: total / (B * T), h, c };
  } finally {
    disposeCharLM(model);
  }
}

const carriedOf = (data: CheckpointData) => {
  const c = data.training?.carried;
  return c && { h: c.h.data as Float32Array, c: c.c?.data as Float32Array };
};

/** Every step's loss, and the checkpoint before step 1 and after every step. */
async function runWithSnapshots(options: TrainOptions) {
  const trainer = createTrainer(TEXT, options);
  const snapshots: CheckpointData[] = [trainer.checkpoint()];
  const losses: number[] = [];
  for await (const e of trainer.run()) {
    if (e.type !== 'step') continue;
    losses.push(e.loss);
    snapshots.push(trainer.checkpoint());
  }
  trainer.dispose();
  return { losses, snapshots, windows: trainer.windowsPerEpoch };
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  }
  expect(worst).toBeLessThan(tol);
};

describe('truncated BPTT on cpu', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('lays the text out as the hand-made streams (the premise of the checks below)', () => {
    const trainer = createTrainer(TEXT, { ...OPTIONS, steps: 1 });
    try {
      expect(trainer.tokenizer.vocabulary).toEqual(VOCAB);
      expect(trainer.windowsPerEpoch).toBe(WINDOWS);
      expect(WINDOWS).toBe(4);
      expect(trainer.trainChars).toBe(WINDOWS * B * T);
    } finally {
      trainer.dispose();
    }
  });

  it('feeds each window the state the previous window ended with, and each epoch zeros', async () => {
    const steps = 2 * WINDOWS + 1; // two epochs and the first window of a third
    const { losses, snapshots } = await runWithSnapshots({ ...OPTIONS, steps });
    expect(losses).toHaveLength(steps);
    for (let step = 1; step <= steps; step++) {
      const before = snapshots[step - 1] as CheckpointData; // weights the step's loss is taken with
      const k = (step - 1) % WINDOWS;
      const carried = carriedOf(before);
      if (step === 1) expect(carried).toBeUndefined();
      else expect(carried).toBeDefined();
      const fromZeros = forwardByHand(before, k, undefined);
      const expected = k === 0 ? fromZeros : forwardByHand(before, k, carried);
      expect(Math.abs((losses[step - 1] as number) - expected.loss)).toBeLessThan(2e-5);
      if (step > 1) {
        // The alternative (zeros inside an epoch, the carried state across the boundary) gives
        // a clearly different loss, so the check above tells the two apart.
        const other = k === 0 ? forwardByHand(before, k, carried) : fromZeros;
        expect(Math.abs(other.loss - expected.loss)).toBeGreaterThan(1e-3);
      }
      // The state carried out of this step is the end state of this window's forward pass
      // (taken with the weights before the update), not its start state.
      const after = carriedOf(snapshots[step] as CheckpointData);
      close(after?.h as Float32Array, expected.h, 1e-5);
      close(after?.c as Float32Array, expected.c, 1e-5);
    }
  });

  it('resumes at the window after the last one trained, with the saved state', async () => {
    for (const stop of [2, WINDOWS, WINDOWS + 3]) {
      const a = createTrainer(TEXT, { ...OPTIONS, steps: stop + 2 });
      const controller = new AbortController();
      for await (const e of a.run({ signal: controller.signal })) {
        if (e.type === 'step' && e.step === stop) controller.abort();
      }
      const saved = serializeCheckpoint(a.checkpoint());
      a.dispose();
      const data = deserializeCheckpoint(saved);
      expect(data.training?.step).toBe(stop);
      const b = resumeTrainer(TEXT, data);
      const next: number[] = [];
      for await (const e of b.run()) if (e.type === 'step') next.push(e.loss);
      b.dispose();
      expect(next).toHaveLength(2);
      const k = stop % WINDOWS;
      const expected = forwardByHand(data, k, k === 0 ? undefined : carriedOf(data));
      expect(Math.abs((next[0] as number) - expected.loss)).toBeLessThan(2e-5);
      // Any other window would give another loss: the cursor is not just "some window".
      for (let other = 0; other < WINDOWS; other++) {
        if (other === k) continue;
        const wrong = forwardByHand(data, other, other === 0 ? undefined : carriedOf(data));
        expect(Math.abs((next[0] as number) - wrong.loss)).toBeGreaterThan(1e-4);
      }
    }
  });
});
