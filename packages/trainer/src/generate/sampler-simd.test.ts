// The sampler's SIMD stepper against the char LM's tfjs forward pass, against the plain-JS
// stepper, and across weight updates.
import { initBackend } from '@rnnkit/backend';
import { createStepper } from '@rnnkit/cells';
import { createRng } from '@rnnkit/core';
import { setSimdEnabled, simdSupported } from '@rnnkit/core/simd';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type CharLM,
  charLMLogits,
  createCharLM,
  createSampler,
  disposeCharLM,
  sample,
} from '../index.js';

afterEach(() => setSimdEnabled(true));

const worst = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);

/** The logits the sampler's stepper gives after each id, one-hot or embedded as it does. */
function stepperLogits(model: CharLM, ids: number[]): Float32Array[] {
  const stepper = createStepper(model.rnn, { head: model.fc });
  const table = model.embedding?.weight.dataSync() as Float32Array | undefined;
  const D = model.config.embeddingDim;
  const out = ids.map((id) => {
    stepper.step(table ? table.subarray(id * D, (id + 1) * D) : id);
    return Float32Array.from(stepper.logits());
  });
  stepper.dispose();
  return out;
}

/** How far u lands from the nearest edge of the draw's ranked intervals (drawFromLogits). */
function drawMargin(logits: Float32Array, r: number): number {
  const e = Array.from(logits, (l) => Math.exp(l - Math.max(...logits)));
  const total = e.reduce((a, b) => a + b, 0);
  const ranked = e.map((v) => v / total).sort((a, b) => b - a);
  let [u, margin] = [r, Number.POSITIVE_INFINITY];
  for (const p of ranked) {
    margin = Math.min(margin, Math.abs(u));
    u -= p;
  }
  return margin;
}

describe.each(['cpu', 'wasm'] as const)('the SIMD sampler on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each([
    ['lstm', 'onehot', 2],
    ['gru', 'embedding', 3],
    ['rnn', 'onehot', 1],
  ] as const)(
    '%s, %s input, %i layers: logits match charLMLogits over 150 characters',
    { timeout: 60_000 },
    (cell, input, numLayers) => {
      const model = createCharLM(
        { vocabSize: 11, cell, hiddenSize: 15, numLayers, input, embeddingDim: 6 },
        { seed: 5, init: 'pytorch' },
      );
      const rng = createRng(2);
      const ids = Array.from({ length: 150 }, () => Math.floor(rng() * 11));
      const x = tf.tensor2d(ids, [1, ids.length], 'int32');
      const forward = charLMLogits(model, x);
      const want = forward.logits.dataSync();
      const got = stepperLogits(model, ids);
      const err = got.reduce(
        (m, l, t) => Math.max(m, worst(l, want.subarray(t * 11, (t + 1) * 11))),
        0,
      );
      expect(err).toBeLessThan(1e-5);
      tf.dispose([x, forward.logits, forward.state.h, forward.state.c as tf.Tensor]);
      disposeCharLM(model);
    },
  );

  it('draws the same text as the plain-JS stepper, where no draw sits near an edge', () => {
    const model = createCharLM(
      { vocabSize: 20, cell: 'lstm', hiddenSize: 24, numLayers: 2 },
      { seed: 8, init: 'pytorch' },
    );
    const [prime, n, seed] = [[3, 1, 4, 1, 5], 40, 11];
    setSimdEnabled(false);
    const js = Array.from(sample(model, prime, n, { seed }));
    // the premise: every u is further than 1e-4 from an interval edge, while the two steppers'
    // logits differ by ~1e-6, so no draw can flip
    const logits = stepperLogits(model, [...prime, ...js]).slice(prime.length - 1);
    const rng = createRng(seed);
    const margins = js.map((_, i) => drawMargin(logits[i] as Float32Array, rng()));
    expect(Math.min(...margins)).toBeGreaterThan(1e-4);
    setSimdEnabled(true);
    const withSimd = Array.from(sample(model, prime, n, { seed }));
    expect(withSimd).toEqual(js);
    const simdLogits = stepperLogits(model, [...prime, ...js]).slice(prime.length - 1);
    expect(
      worst(
        simdLogits.flatMap((l) => Array.from(l)),
        logits.flatMap((l) => Array.from(l)),
      ),
    ).toBeLessThan(1e-5);
    expect(createStepper(model.rnn).simd).toBe(simdSupported());
    disposeCharLM(model);
  });

  it('reads the weights again after training assigns them, keeping the state', () => {
    const V = 7;
    const model = createCharLM({ vocabSize: V, cell: 'lstm', hiddenSize: 10 }, { seed: 3 });
    type State = ReturnType<typeof charLMLogits>['state'];
    /** The tfjs forward pass: the greedy id after `ids` from `state`, and the state after. */
    const forward = (ids: number[], state?: State): { next: number; state: State } => {
      const x = tf.tensor2d([ids], [1, ids.length], 'int32');
      const r = charLMLogits(model, x, state);
      const last = r.logits.dataSync().slice(-V);
      tf.dispose([x, r.logits]);
      return { next: last.indexOf(Math.max(...last)), state: r.state };
    };
    const sampler = createSampler(model, { greedy: true });
    const prime = [1, 2, 3];
    sampler.prime(prime);
    const drawn = [sampler.next(), sampler.next()];
    // under the old weights: the state the new ones continue from, and the ids they would give
    const old = forward([...prime, ...drawn]);
    const third = old.next; // drawn from logits computed before the update
    const staleFourth = forward([third], old.state);
    // a training step moves every weight on (new data behind the same variables); the
    // output bias now favours an id the old weights would not draw next
    const favoured = (staleFourth.next + 1) % V;
    const update = (v: tf.Variable, value: tf.Tensor) => {
      v.assign(value);
      value.dispose();
    };
    for (const l of model.rnn.layers) {
      for (const v of [l.weightIh, l.weightHh, l.biasIh, l.biasHh]) update(v, tf.mul(v, 1.1));
    }
    const boost = tf.tidy(() => tf.mul(tf.oneHot(tf.tensor1d([favoured], 'int32'), V), 20));
    update(model.fc.bias, tf.add(model.fc.bias, tf.reshape(boost, [V])));
    expect(sampler.next()).toBe(third);
    const fourth = forward([third], old.state);
    expect(fourth.next).toBe(favoured);
    expect(sampler.next()).toBe(fourth.next);
    for (const r of [old, staleFourth, fourth]) tf.dispose([r.state.h, r.state.c as tf.Tensor]);
    tf.dispose(boost);
    sampler.dispose();
    disposeCharLM(model);
  });
});
