import { ShapeError } from '@rnnkit/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { CustomRecurrent } from '../cell/custom-cell.js';
import { hasCellState, type Recurrent, type RecurrentState } from '../recurrent.js';

const show = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** Checks `x` is a float32 `[B, T, I]` sequence batch for `rec`; returns `[B, T]`. */
export function checkSequence(
  rec: Recurrent | CustomRecurrent,
  x: tf.Tensor,
  where: string,
): [number, number] {
  const { inputSize } = rec.config;
  const [b = 0, t = 0, i = 0] = x.shape;
  if (x.rank !== 3 || i !== inputSize || b < 1 || t < 1) {
    throw new ShapeError(
      `${where}: x must be [batch, time, ${inputSize}] with batch, time >= 1 ` +
        `(inputSize ${inputSize}), got ${show(x.shape)}.`,
    );
  }
  checkFloat(x, 'x', where);
  return [b, t];
}

/** Checks `x` is a float32 `[B, I]` single step for `rec`; returns B. */
export function checkStep(rec: Recurrent, x: tf.Tensor, where: string): number {
  const { inputSize } = rec.config;
  const [b = 0, i = 0] = x.shape;
  if (x.rank !== 2 || i !== inputSize || b < 1) {
    throw new ShapeError(
      `${where}: x must be [batch, ${inputSize}] for one step (inputSize ${inputSize}), ` +
        `got ${show(x.shape)}.`,
    );
  }
  checkFloat(x, 'x', where);
  return b;
}

/** Checks a state holds `[L, B, H]` tensors, with `c` exactly when the cell is an LSTM. */
export function checkState(
  rec: Recurrent | CustomRecurrent,
  state: RecurrentState,
  batch: number,
  where: string,
) {
  const { numLayers, hiddenSize } = rec.config;
  const c = rec.config.cell;
  const cell = typeof c === 'string' ? c : `custom cell '${c.name}'`;
  const want = [numLayers, batch, hiddenSize];
  const parts: [string, tf.Tensor | undefined][] = [['h', state.h]];
  if (hasCellState(rec)) {
    parts.push(['c', state.c]);
  } else if (state.c != null) {
    throw new ShapeError(`${where}: c is only for LSTM; a ${cell} state has h alone.`);
  }
  for (const [name, t] of parts) {
    if (t == null)
      throw new ShapeError(
        `${where}: ${cell === 'lstm' ? 'an LSTM' : `a ${cell}`} state needs ${name} ${show(want)}.`,
      );
    if (t.rank !== 3 || t.shape.some((d, k) => d !== want[k])) {
      throw new ShapeError(
        `${where}: ${name} must be [numLayers, batch, hiddenSize] = ${show(want)}, got ${show(t.shape)}.`,
      );
    }
    checkFloat(t, name, where);
  }
}

function checkFloat(t: tf.Tensor, name: string, where: string): void {
  if (t.dtype !== 'float32') {
    throw new ShapeError(`${where}: ${name} must be float32, got ${t.dtype}.`);
  }
}
