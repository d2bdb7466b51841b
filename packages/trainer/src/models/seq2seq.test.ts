// Encoder-decoder: beam search against exhaustive search, greedy = beam of width 1, padding
// invariance of the encoder, masked loss and accuracy, a short learning run, and flat memory.
import { initBackend } from '@rnnkit/backend';
import { createLinear, createRng, lengthMask } from '@rnnkit/cells';
import { accuracy, adam, sequenceLoss } from '@rnnkit/optim';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  beamSearch,
  ConfigError,
  conditionState,
  conditionWidth,
  createDecoder,
  createSeq2Seq,
  decoderLogits,
  disposeSeq2Seq,
  disposeState,
  encode,
  greedyDecode,
  minimizeStep,
  seq2seqLogits,
  seq2seqParams,
} from '../index.js';

const ids = (rows: number[][]) =>
  tf.tensor2d(rows.flat(), [rows.length, rows[0]?.length ?? 0], 'int32');

describe.each(['cpu', 'wasm'] as const)('encoder-decoder on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('beam search with a full beam finds the exhaustive best; width 1 is greedy', () => {
    const dec = createDecoder(
      { vocabSize: 3, hiddenSize: 6, cell: 'gru' },
      { init: 'pytorch', seed: 4 },
    );
    const cond = createLinear(2, conditionWidth(dec.rnn), { init: 'pytorch', seed: 5 });
    const v = tf.tensor2d([
      [1, 0],
      [0.3, -2],
    ]);
    const state = conditionState(cond, v, dec.rnn);
    // Score all 27 sequences of length 3 by teacher forcing (start token 0).
    const all = Array.from({ length: 27 }, (_, n) => [
      Math.floor(n / 9),
      Math.floor(n / 3) % 3,
      n % 3,
    ]);
    for (let b = 0; b < 2; b++) {
      const scores = tf.tidy(() => {
        const rowState = {
          h: tf.tile(tf.slice(state.h, [0, b, 0], [1, 1, 6]), [1, 27, 1]) as tf.Tensor3D,
        };
        const inputs = ids(all.map((s) => [0, s[0] as number, s[1] as number]));
        const { logits } = decoderLogits(dec, inputs, rowState);
        const nll = sequenceLoss(logits, ids(all), undefined, {
          averageAcrossTimesteps: false,
          averageAcrossBatch: false,
        });
        return Array.from(tf.neg(tf.sum(nll, 1)).dataSync());
      });
      const best = scores.indexOf(Math.max(...scores));
      const bState = tf.tidy(() => ({ h: tf.slice(state.h, [0, b, 0], [1, 1, 6]) as tf.Tensor3D }));
      const beam = beamSearch(dec, bState, { beamWidth: 27, startToken: 0, maxLength: 3 });
      expect(beam.ids[0]).toEqual(all[best]);
      expect(beam.scores[0]).toBeCloseTo(scores[best] as number, 4);
      disposeState(bState);
    }
    const greedy = greedyDecode(dec, state, { startToken: 0, endToken: 2, maxLength: 5 });
    const one = beamSearch(dec, state, { beamWidth: 1, startToken: 0, endToken: 2, maxLength: 5 });
    expect(one.ids).toEqual(greedy);
    expect(() => beamSearch(dec, state, { beamWidth: 0, startToken: 0, maxLength: 3 })).toThrow(
      ConfigError,
    );
    expect(() => greedyDecode(dec, state, { startToken: 3, maxLength: 3 })).toThrow(
      /startToken must be a token id in \[0, 3\)/,
    );
    tf.dispose([
      v,
      state.h,
      cond.weight,
      cond.bias,
      ...Object.values(dec).flatMap((p) => (p?.weight ? [p.weight] : [])),
    ]);
  });

  it('padding never reaches the encoder state; masked loss and accuracy ignore padding', () => {
    const model = createSeq2Seq({ sourceVocab: 5, targetVocab: 4, hiddenSize: 5 }, { seed: 2 });
    const batch = encode(
      model,
      ids([
        [1, 2, 3],
        [4, 1, 4],
      ]),
      [3, 1],
    );
    const alone = encode(model, ids([[4]]));
    const got = (batch.h.arraySync()[0]?.[1] ?? []) as number[];
    ((alone.h.arraySync()[0]?.[0] ?? []) as number[]).forEach((x, k) => {
      expect(got[k]).toBeCloseTo(x, 6);
    });
    // Weight-0 steps change neither the loss nor the accuracy, whatever their targets.
    const logits = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 1) as tf.Tensor3D;
    const mask = lengthMask([3, 1], 3);
    const [l1, a1, l2, a2] = [
      [
        [0, 1, 2],
        [3, 0, 0],
      ],
      [
        [0, 1, 2],
        [3, 2, 1],
      ],
    ].flatMap((y) => [
      sequenceLoss(logits, ids(y), mask).dataSync()[0],
      accuracy(logits, ids(y), mask).dataSync()[0],
    ]);
    expect(l1).toBe(l2);
    expect(a1).toBe(a2);
    // The accuracy counts the 4 valid steps only: targets 0, 1, 2 in row 0 and 3 in row 1.
    const rows = logits.arraySync() as number[][][];
    const argmax = (row: number[]) => row.indexOf(Math.max(...row));
    const valid: [number, number, number][] = [
      [0, 0, 0],
      [0, 1, 1],
      [0, 2, 2],
      [1, 0, 3],
    ];
    const hits = valid.filter(([b, t, y]) => argmax(rows[b]?.[t] ?? []) === y).length;
    expect(a1).toBeCloseTo(hits / 4, 6);
    tf.dispose([batch.h, batch.c, alone.h, alone.c, logits, mask]);
    disposeSeq2Seq(model);
  });

  it('learns to copy with dropout, decodes it greedily and by beam, without leaking', () => {
    const model = createSeq2Seq(
      { sourceVocab: 6, targetVocab: 7, hiddenSize: 24, cell: 'gru', dropout: 0.1 },
      { seed: 1 },
    );
    const params = seq2seqParams(model);
    const optimizer = adam({ learningRate: 0.03 });
    const rng = createRng(9);
    // Tokens 1..5; target vocabulary adds start 0 and end 6. Copy strings of length 2..3.
    const data = createRng(3);
    const batchOf = (n: number) => {
      const src = Array.from({ length: n }, () =>
        Array.from({ length: 2 + Math.floor(data() * 2) }, () => 1 + Math.floor(data() * 5)),
      );
      const pad = (s: number[], len: number) => [...s, ...new Array(len - s.length).fill(0)];
      return {
        src: ids(src.map((s) => pad(s, 3))),
        lens: src.map((s) => s.length),
        decIn: ids(src.map((s) => pad([0, ...s], 4))),
        tgt: ids(src.map((s) => pad([...s, 6], 4))),
        tgtLens: src.map((s) => s.length + 1),
        rows: src,
      };
    };
    const counts: number[] = [];
    for (let step = 0; step < 150; step++) {
      const b = batchOf(32);
      const mask = lengthMask(b.tgtLens, 4);
      const loss = minimizeStep(params, optimizer, () =>
        sequenceLoss(
          seq2seqLogits(model, b.src, b.lens, b.decIn, { training: true, rng }),
          b.tgt,
          mask,
        ),
      );
      tf.dispose([loss, b.src, b.decIn, b.tgt, mask]);
      if (step >= 145) counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
    const test = batchOf(50);
    const state = encode(model, test.src, test.lens);
    const before = tf.memory().numTensors;
    const greedy = greedyDecode(model.decoder, state, { startToken: 0, endToken: 6, maxLength: 6 });
    const beam = beamSearch(model.decoder, state, {
      beamWidth: 3,
      startToken: 0,
      endToken: 6,
      maxLength: 6,
    });
    expect(tf.memory().numTensors).toBe(before);
    const exact = (out: number[][]) =>
      out.filter((o, i) => o.join() === test.rows[i]?.join()).length / out.length;
    expect(exact(greedy)).toBeGreaterThanOrEqual(0.9);
    expect(exact(beam.ids)).toBeGreaterThanOrEqual(0.9);
    tf.dispose([state.h, test.src, test.decIn, test.tgt]);
    disposeSeq2Seq(model);
    optimizer.dispose();
  }, 60_000);
});
