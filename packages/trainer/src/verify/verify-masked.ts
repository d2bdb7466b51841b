import {
  bidirectionalParams,
  createBidirectional,
  createRecurrent,
  disposeBidirectional,
  disposeRecurrent,
  loadParamsStateDict,
  type RecurrentState,
  recurrentParams,
  runBidirectional,
  runRecurrent,
  type WeightDict,
} from '@rnnkit/cells';
import * as tf from '@tensorflow/tfjs-core';
import { type Check, compare, TOLERANCES } from './compare.js';
import type { KerasReference, MaskedReference } from './reference-types.js';
import { scoped } from './scoped.js';
import { tensorOf } from './verify-cell.js';

/**
 * Runs a `masked_*` reference (fixtures/masked-vectors) through `runRecurrent` or
 * `runBidirectional` with its `seq_lengths`: outputs, final states in PyTorch's `[L·D, B, H]`
 * order, the loss `Σ outputs·G + Σ h_n·G_h`, and its gradients with respect to x, h0, c0 and
 * every weight (PyTorch names, `_reverse` for the backward direction).
 */
export function verifyMasked(ref: MaskedReference | KerasReference): Check[] {
  const dirs = ref.bidirectional ? 2 : 1;
  const keras = ref.kind === 'keras_recurrent' ? ref : undefined;
  const config = {
    cell: ref.cell,
    inputSize: ref.input_size,
    hiddenSize: ref.hidden_size,
    numLayers: ref.num_layers,
    ...(keras && {
      activation: keras.activation,
      recurrentActivation: keras.recurrent_activation,
    }),
  };
  const bi = ref.bidirectional ? createBidirectional({ ...config, merge: ref.merge }) : undefined;
  const uni = bi ? undefined : createRecurrent(config);
  const params = bi ? bidirectionalParams(bi) : recurrentParams(uni as NonNullable<typeof uni>);
  try {
    loadParamsStateDict(params, ref.weights as WeightDict, '', 'the reference weights');
    return scoped(() => {
      const lstm = ref.cell === 'lstm';
      // Per direction d: the rows l·D + d of a PyTorch [L·D, B, H] state.
      const byDir = (nested: unknown) =>
        Array.from({ length: dirs }, (_, d) =>
          tensorOf((nested as unknown[]).filter((_, r) => r % dirs === d)),
        );
      const [x, g] = [tensorOf(ref.x), tensorOf(ref.loss_weights)];
      // keras_recurrent: a boolean [B, T] mask with holes instead of lengths.
      const mask = keras?.mask == null ? undefined : tf.cast(tensorOf(keras.mask), 'bool');
      const masking = keras
        ? { mask: mask as tf.Tensor2D | undefined, maskedOutput: keras.masked_output }
        : { seqLengths: (ref as MaskedReference).seq_lengths };
      const h0 = byDir(ref.h0);
      const c0 = lstm ? byDir(ref.c0) : [];
      const gh = byDir(ref.state_loss_weights);
      const names = Object.keys(params);
      let kept: tf.Tensor[] = [];
      const { value: loss, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => {
        const state = (d: number): RecurrentState => {
          const h = args[1 + d] as tf.Tensor3D;
          return lstm ? { h, c: args[1 + dirs + d] as tf.Tensor3D } : { h };
        };
        const run = bi
          ? runBidirectional(bi, args[0] as tf.Tensor3D, {
              ...masking,
              initialState: { forward: state(0), backward: state(1) },
            })
          : runRecurrent(uni as NonNullable<typeof uni>, args[0] as tf.Tensor3D, {
              ...masking,
              goBackwards: keras?.go_backwards === true,
              initialState: state(0),
            });
        // merge 'none': the reference holds both sequences as [2, B, T, H].
        const outputs =
          'directions' in run && run.directions
            ? tf.stack([run.directions.forward, run.directions.backward])
            : run.outputs;
        const states: RecurrentState[] =
          'forward' in run.state ? [run.state.forward, run.state.backward] : [run.state];
        kept = [
          outputs,
          ...states.map((s) => s.h),
          ...(lstm ? states.map((s) => s.c as tf.Tensor) : []),
        ].map((t) => tf.keep(t));
        return tf.addN([
          tf.sum(tf.mul(outputs, g)),
          ...states.map((s, d) => tf.sum(tf.mul(s.h, gh[d] as tf.Tensor))),
        ]);
      })([x, ...h0, ...c0, ...Object.values(params)]);
      const interleave = (ts: tf.Tensor[]) =>
        interleaveDirections(
          ts.map((t) => t.dataSync()),
          ref.num_layers,
        );
      const checks = [
        compare('outputs', (kept[0] as tf.Tensor).dataSync(), ref.outputs, TOLERANCES.state),
        compare('h_n', interleave(kept.slice(1, 1 + dirs)), ref.h_n, TOLERANCES.state),
      ];
      if (lstm)
        checks.push(compare('c_n', interleave(kept.slice(1 + dirs)), ref.c_n, TOLERANCES.state));
      checks.push(compare('loss', loss.dataSync(), ref.loss, TOLERANCES.state));
      tf.dispose(kept);
      checks.push(
        compare('grad x', (grads[0] as tf.Tensor).dataSync(), ref.grads.x, TOLERANCES.grad),
      );
      checks.push(
        compare('grad h0', interleave(grads.slice(1, 1 + dirs)), ref.grads.h0, TOLERANCES.grad),
      );
      if (lstm)
        checks.push(
          compare(
            'grad c0',
            interleave(grads.slice(1 + dirs, 1 + 2 * dirs)),
            ref.grads.c0,
            TOLERANCES.grad,
          ),
        );
      const first = 1 + dirs * (lstm ? 2 : 1);
      names.forEach((name, k) => {
        checks.push(
          compare(
            `grad ${name}`,
            (grads[first + k] as tf.Tensor).dataSync(),
            ref.grads[name],
            TOLERANCES.grad,
          ),
        );
      });
      return checks;
    });
  } finally {
    if (bi) disposeBidirectional(bi);
    if (uni) disposeRecurrent(uni);
  }
}

/** Per-direction `[L, B, H]` values → PyTorch's `[L·D, B, H]` (layer-major, forward first). */
function interleaveDirections(dirs: ArrayLike<number>[], layers: number): Float32Array {
  const per = (dirs[0]?.length ?? 0) / layers;
  const out = new Float32Array(per * layers * dirs.length);
  for (let l = 0; l < layers; l++) {
    dirs.forEach((values, d) => {
      out.set(Array.from(values).slice(l * per, (l + 1) * per), (l * dirs.length + d) * per);
    });
  }
  return out;
}
