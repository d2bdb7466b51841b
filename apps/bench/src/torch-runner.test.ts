// The PyTorch runner computes the same training step as rnnkit: from rnnkit's initial weights
// and the same ids, its losses over a few Adam steps match rnnkit's. Needs /usr/bin/python3
// with torch (Debian's python3-torch); skipped, with the reason in the title, without it.
import { initBackend } from '@rnnkit/backend';
import { type CellType, paramsStateDict } from '@rnnkit/cells';
import { adam } from '@rnnkit/optim';
import { charLMParams, createCharLM, disposeCharLM, trainStep } from '@rnnkit/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomIds } from './random-ids.js';
import { startTorch, torchMissing } from './start-torch.js';
import type { TorchClient } from './torch-client.js';
import type { WeightsJson } from './torch-protocol.js';
import { rows } from './torch-runner.js';

const missing = torchMissing();
const VOCAB = 11;
const [B, T, STEPS] = [3, 7, 4];
const ADAM = { lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-7 };

describe.skipIf(missing)(
  `PyTorch runner's training step matches rnnkit${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let client: TorchClient;
    beforeAll(async () => {
      await initBackend({ backend: 'cpu' });
      const start = await startTorch();
      if (!start.ok) throw new Error(start.reason);
      client = start.client;
    }, 60_000);
    afterAll(async () => {
      await client?.close();
    });

    it.each([
      ['lstm', 8, 2],
      ['gru', 8, 1],
      ['rnn', 6, 1],
    ] as [CellType, number, number][])(
      '%s h%i x%i: the same losses over four Adam steps to 1e-4',
      async (cell, hidden, layers) => {
        const model = createCharLM(
          { vocabSize: VOCAB, cell, hiddenSize: hidden, numLayers: layers },
          { seed: 5 },
        );
        const weights: WeightsJson = {};
        for (const [name, w] of Object.entries(paramsStateDict(charLMParams(model)))) {
          weights[name] = { shape: w.shape, data: Array.from(w.data) };
        }
        const ids = randomIds(B * (T + 1), VOCAB, 9);
        const id = await client.build({
          op: 'build',
          suite: 'train',
          cell,
          hidden,
          layers,
          batch: B,
          seqLength: T,
          vocab: VOCAB,
          threads: 1,
          seed: 0,
          ids: rows(ids, T + 1),
          adam: ADAM,
          weights,
        });
        const { losses: torchLosses, chars } = await client.steps(id, STEPS);
        await client.free(id);

        const data = tf.tensor2d(ids, [B, T + 1], 'int32');
        const x = tf.slice(data, [0, 0], [B, T]) as tf.Tensor2D;
        const y = tf.slice(data, [0, 1], [B, T]) as tf.Tensor2D;
        const opt = adam({
          learningRate: ADAM.lr,
          beta1: ADAM.beta1,
          beta2: ADAM.beta2,
          epsilon: ADAM.eps,
        });
        const losses: number[] = [];
        for (let s = 0; s < STEPS; s++) {
          const r = trainStep(model, opt, x, y);
          losses.push(r.loss.dataSync()[0] as number);
          tf.dispose([r.loss, r.gradNorm, r.state.h, r.state.c as tf.Tensor]);
        }
        tf.dispose([data, x, y]);
        opt.dispose();
        disposeCharLM(model);

        expect(chars).toBe(STEPS * B * T);
        expect(losses[STEPS - 1]).toBeLessThan((losses[0] as number) - 0.05); // it learns
        for (const [s, loss] of losses.entries()) {
          expect(Math.abs(loss - (torchLosses[s] as number))).toBeLessThan(1e-4);
        }
      },
      60_000,
    );

    it('rejects weights that do not fit the model, and stays up', async () => {
      const build = {
        op: 'build' as const,
        suite: 'train' as const,
        cell: 'rnn' as const,
        hidden: 4,
        layers: 1,
        batch: 1,
        seqLength: 2,
        vocab: VOCAB,
        threads: 1,
        seed: 0,
        ids: [[1, 2, 3]],
      };
      await expect(
        client.build({ ...build, weights: { 'fc.weight': { shape: [1], data: [0] } } }),
      ).rejects.toThrow(/do not match the model's/);
      const id = await client.build(build);
      expect((await client.turn(id, 1)).steps).toBeGreaterThanOrEqual(1);
      await client.free(id);
    });
  },
);
