import * as tf from '@tensorflow/tfjs-core';
import type { CustomCellState, CustomRecurrent } from '../cell/custom-cell.js';
import { CustomCellError } from '../errors.js';

/** What `runRecurrent` has already checked and worked out for a custom stack. */
export interface CustomRun {
  initialState: { h: tf.Tensor3D; c?: tf.Tensor3D };
  lengths: Int32Array | undefined;
  mask: tf.Tensor2D | undefined;
  /** Masked steps output the carried state (Keras) instead of 0. */
  carry: boolean;
  goBackwards: boolean;
}

/**
 * Runs a stack of custom cells step by step in tfjs ops and leaves the gradient to the tape
 * (tfjs autodiff): no fused kernel and no hand-written BPTT exist for a cell rnnkit has not
 * seen. A masked step keeps the state, `s_t = on * s' + off * s_{t-1}` (0/1 multipliers keep
 * s' bit-exact), and outputs `on * h'` (or the kept h with `carry`), as the built-in runner.
 * Returns `[B, T, H]` outputs of the top layer and `[L, B, H]` final states.
 */
export function runCustomLayers(
  rec: CustomRecurrent,
  x: tf.Tensor3D,
  run: CustomRun,
): { outputs: tf.Tensor3D; h: tf.Tensor3D; c?: tf.Tensor3D } {
  const { cell, hiddenSize } = rec.config;
  const [batch, time] = x.shape;
  const withC = cell.state === 'hc';
  const input = run.goBackwards ? (tf.reverse(x, 1) as tf.Tensor3D) : x;
  const on = stepMasks(run, batch, time);
  const off = on?.map((m) => tf.sub(1, m) as tf.Tensor2D);
  const h0 = byLayer(run.initialState.h);
  const c0 = run.initialState.c && byLayer(run.initialState.c);
  let xs = steps(input); // T × [B, I_l]
  const hs: tf.Tensor2D[] = [];
  const cs: tf.Tensor2D[] = [];
  rec.layers.forEach((params, l) => {
    let state: CustomCellState = { h: h0[l] as tf.Tensor2D };
    if (withC) state.c = c0?.[l] as tf.Tensor2D;
    const outs: tf.Tensor2D[] = [];
    for (let t = 0; t < time; t++) {
      const next = cell.step(xs[t] as tf.Tensor2D, state, params);
      checkStep(rec, next, batch, hiddenSize, l, t);
      if (on == null) {
        state = withC ? { h: next.h, c: next.c } : { h: next.h };
        outs.push(next.h);
        continue;
      }
      const keep = (a: tf.Tensor2D, b: tf.Tensor2D) =>
        tf.add(tf.mul(a, on[t] as tf.Tensor2D), tf.mul(b, off?.[t] as tf.Tensor2D)) as tf.Tensor2D;
      const h = keep(next.h, state.h);
      outs.push(run.carry ? h : (tf.mul(next.h, on[t] as tf.Tensor2D) as tf.Tensor2D));
      state = withC ? { h, c: keep(next.c as tf.Tensor2D, state.c as tf.Tensor2D) } : { h };
    }
    xs = outs;
    hs.push(state.h);
    if (withC) cs.push(state.c as tf.Tensor2D);
  });
  return {
    outputs: tf.stack(xs, 1) as tf.Tensor3D, // [B, T, H]
    h: tf.stack(hs) as tf.Tensor3D, // [L, B, H]
    ...(withC ? { c: tf.stack(cs) as tf.Tensor3D } : {}),
  };
}

/** T × [B, 1] 0/1 multipliers from lengths and/or a mask (reversed with goBackwards). */
function stepMasks(run: CustomRun, batch: number, time: number): tf.Tensor2D[] | undefined {
  let m: tf.Tensor2D | undefined; // [B, T]
  if (run.mask != null) {
    // float before reverse: wasm's Reverse mishandles bool tensors.
    const f = tf.cast(run.mask, 'float32') as tf.Tensor2D;
    m = run.goBackwards ? (tf.reverse(f, 1) as tf.Tensor2D) : f;
  }
  if (run.lengths != null) {
    const on = new Float32Array(batch * time);
    run.lengths.forEach((len, b) => {
      on.fill(1, b * time, b * time + len);
    });
    const fromLengths = tf.tensor2d(on, [batch, time]);
    m = m ? (tf.mul(m, fromLengths) as tf.Tensor2D) : fromLengths;
  }
  if (m == null) return undefined;
  return steps(tf.expandDims(m, -1) as tf.Tensor3D); // T × [B, 1]
}

/** `[B, T, ·]` → T × `[B, ·]` (split, not unstack: its gradient throws for T = 1). */
function steps(x: tf.Tensor3D): tf.Tensor2D[] {
  const [b, t, f] = x.shape;
  const parts = t === 1 ? [x] : tf.split(x, t, 1);
  return parts.map((p) => tf.reshape(p, [b, f]) as tf.Tensor2D);
}

/** `[L, B, H]` → L × `[B, H]`. */
function byLayer(s: tf.Tensor3D): tf.Tensor2D[] {
  const [l, b, h] = s.shape;
  const parts = l === 1 ? [s] : tf.split(s, l, 0);
  return parts.map((p) => tf.reshape(p, [b, h]) as tf.Tensor2D);
}

function checkStep(
  rec: CustomRecurrent,
  next: CustomCellState,
  batch: number,
  hidden: number,
  layer: number,
  t: number,
): void {
  const { cell } = rec.config;
  const want = `[batch, hiddenSize] = [${batch}, ${hidden}]`;
  const at = `at layer ${layer}, step ${t}`;
  const parts: [string, unknown][] = [['h', next?.h]];
  if (cell.state === 'hc') parts.push(['c', next?.c]);
  for (const [name, v] of parts) {
    if (!(v instanceof tf.Tensor)) {
      throw new CustomCellError(
        `Custom cell '${cell.name}': step must return ${name} ${want} ${at}, got ${v == null ? 'nothing' : typeof v}` +
          (name === 'c' ? " (its state is 'hc')." : '.'),
      );
    }
    if (v.rank !== 2 || v.shape[0] !== batch || v.shape[1] !== hidden || v.dtype !== 'float32') {
      throw new CustomCellError(
        `Custom cell '${cell.name}': step returned ${name} of shape [${v.shape.join(', ')}] (${v.dtype}) ${at}; expected float32 ${want}.`,
      );
    }
  }
}
