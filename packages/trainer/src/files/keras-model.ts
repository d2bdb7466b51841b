import {
  applyLinear,
  type Bidirectional,
  bidirectionalParams,
  createBidirectional,
  createEmbedding,
  createLinear,
  createRecurrent,
  disposeBidirectional,
  disposeRecurrent,
  type Embedding,
  embed,
  type Linear,
  loadParamsStateDict,
  loadRecurrentStateDict,
  type Recurrent,
  runBidirectional,
  runRecurrent,
} from '@rnnkit/cells';
import * as tf from '@tensorflow/tfjs-core';
import { ModelFileError } from '../errors.js';
import {
  type KerasLayerSpec,
  type KerasModelSpec,
  type KerasRecurrentSpec,
  readKerasModel,
} from './keras-model-spec.js';
import type { LayersModelFiles } from './layers-model-export.js';

type Part =
  | { spec: Extract<KerasLayerSpec, { kind: 'embedding' }>; emb: Embedding }
  | { spec: Extract<KerasLayerSpec, { kind: 'masking' }> }
  | { spec: Extract<KerasLayerSpec, { kind: 'recurrent' }>; rec: Recurrent }
  | { spec: Extract<KerasLayerSpec, { kind: 'bidirectional' }>; bi: Bidirectional }
  | { spec: Extract<KerasLayerSpec, { kind: 'dense' }>; lin: Linear };

/** An imported Keras / tfjs-layers model, built from rnnkit layers. */
export interface KerasModel {
  readonly spec: KerasModelSpec;
  readonly parts: readonly Part[];
}

/**
 * Loads a tfjs-layers or Keras-converted `model.json` (see `readKerasModel` for what it
 * accepts) into rnnkit layers that compute what Keras' `model.predict` computes: masks from
 * `Masking` and `Embedding(mask_zero)` flow to the recurrent layers, which carry the state and
 * repeat the previous output on masked steps as Keras does; `go_backwards`, bidirectional
 * merges and `return_sequences=False` (the last output) follow Keras.
 *
 * @example
 * ```ts
 * const model = loadKerasModel({ modelJson, weightData });
 * const y = predictKerasModel(model, x); // what layersModel.predict(x) gives
 * disposeKerasModel(model);
 * ```
 */
export function loadKerasModel(files: LayersModelFiles, where = 'model.json'): KerasModel {
  const spec = readKerasModel(files, where);
  const parts: Part[] = [];
  try {
    for (const s of spec.layers) parts.push(build(s, where));
  } catch (error) {
    disposeParts(parts);
    throw error;
  }
  return { spec, parts };
}

function recurrentConfig(r: KerasRecurrentSpec) {
  return {
    cell: r.cell,
    inputSize: r.inputSize,
    hiddenSize: r.units,
    activation: r.activation,
    recurrentActivation: r.recurrentActivation,
  };
}

function build(s: KerasLayerSpec, where: string): Part {
  const label = `the weights of layer ${s.name}`;
  switch (s.kind) {
    case 'embedding': {
      const [v, d] = s.weight.shape as [number, number];
      const emb = createEmbedding(v, d);
      loadParamsStateDict({ weight: emb.weight }, { weight: s.weight }, '', label);
      return { spec: s, emb };
    }
    case 'masking':
      return { spec: s };
    case 'recurrent': {
      const rec = createRecurrent(recurrentConfig(s));
      try {
        loadRecurrentStateDict(rec, s.weights);
      } catch (error) {
        disposeRecurrent(rec);
        throw new ModelFileError(`Cannot import ${where}: ${label}: ${(error as Error).message}`);
      }
      return { spec: s, rec };
    }
    case 'bidirectional': {
      const bi = createBidirectional({ ...recurrentConfig(s.forward), merge: s.merge });
      const reverse = Object.fromEntries(
        Object.entries(s.backward.weights).map(([k, a]) => [`${k}_reverse`, a]),
      );
      try {
        loadParamsStateDict(
          bidirectionalParams(bi),
          { ...s.forward.weights, ...reverse },
          '',
          label,
        );
      } catch (error) {
        disposeBidirectional(bi);
        throw error;
      }
      return { spec: s, bi };
    }
    case 'dense': {
      const [out, inp] = s.weight.shape as [number, number];
      const lin = createLinear(inp, out);
      const bias = s.bias ?? { shape: [out], data: new Float32Array(out) };
      loadParamsStateDict(
        { weight: lin.weight, bias: lin.bias },
        { weight: s.weight, bias },
        '',
        label,
      );
      return { spec: s, lin };
    }
  }
}

/**
 * Runs an imported model on `x` (`[B, T, F]` float features, or `[B, T]` ids when the model
 * starts with an Embedding): the output Keras' `predict` gives, `[B, T, ·]` or `[B, ·]`, or
 * two tensors for a final `Bidirectional(merge_mode=None)`. Not differentiable through the
 * mask (it is read from `x` as Keras does).
 */
export function predictKerasModel(model: KerasModel, x: tf.Tensor): tf.Tensor | tf.Tensor[] {
  return tf.tidy(() => {
    let y: tf.Tensor | tf.Tensor[] = x;
    let mask: tf.Tensor2D | undefined;
    const single = (t: tf.Tensor | tf.Tensor[], name: string): tf.Tensor => {
      if (Array.isArray(t)) {
        throw new ModelFileError(
          `Layer ${name} reads one sequence, but the layer before returns two.`,
        );
      }
      return t;
    };
    for (const part of model.parts) {
      const s = part.spec;
      if ('emb' in part) {
        const ids = single(y, s.name);
        if (part.spec.maskZero) mask = tf.notEqual(ids, 0) as tf.Tensor2D;
        y = embed(part.emb, tf.cast(ids, 'int32'));
      } else if (s.kind === 'masking') {
        const input = single(y, s.name);
        mask = tf.any(tf.notEqual(input, s.maskValue), -1) as tf.Tensor2D;
        // Keras' Masking zeroes the masked steps of its output too.
        y = tf.mul(input, tf.expandDims(tf.cast(mask, input.dtype), -1));
      } else if ('rec' in part) {
        const r = part.spec;
        const run = runRecurrent(part.rec, single(y, s.name) as tf.Tensor3D, {
          mask,
          maskedOutput: 'previous',
          goBackwards: r.goBackwards,
        });
        // With masked steps repeating the previous output, the last output is the final h.
        y = r.returnSequences ? run.outputs : (tf.squeeze(run.state.h, [0]) as tf.Tensor2D);
        if (!r.returnSequences) mask = undefined;
      } else if ('bi' in part) {
        const b = part.spec;
        const run = runBidirectional(part.bi, single(y, s.name) as tf.Tensor3D, {
          mask,
          maskedOutput: 'previous',
        });
        const seq = b.forward.returnSequences;
        if (b.merge === 'none') {
          y = seq
            ? [run.directions?.forward as tf.Tensor3D, run.directions?.backward as tf.Tensor3D]
            : [
                tf.squeeze(run.state.forward.h, [0]) as tf.Tensor2D,
                tf.squeeze(run.state.backward.h, [0]) as tf.Tensor2D,
              ];
        } else {
          y = seq ? run.outputs : run.last;
        }
        if (!seq) mask = undefined;
      } else if ('lin' in part) {
        const d = part.spec;
        const z = applyLinear(part.lin, single(y, s.name));
        y = activate(z, d.activation);
      }
    }
    return y;
  });
}

function activate(z: tf.Tensor, name: string): tf.Tensor {
  switch (name) {
    case 'linear':
      return z;
    case 'tanh':
      return tf.tanh(z);
    case 'sigmoid':
      return tf.sigmoid(z);
    case 'relu':
      return tf.relu(z);
    case 'softmax':
      return tf.softmax(z);
    case 'hardSigmoid':
      return tf.clipByValue(tf.add(tf.mul(z, 0.2), 0.5), 0, 1);
    default: // hardSigmoidKeras3
      return tf.clipByValue(tf.add(tf.div(z, 6), 0.5), 0, 1);
  }
}

/** Frees an imported model's variables. */
export function disposeKerasModel(model: KerasModel): void {
  disposeParts(model.parts);
}

function disposeParts(parts: readonly Part[]): void {
  for (const p of parts) {
    if ('emb' in p) p.emb.weight.dispose();
    if ('rec' in p) disposeRecurrent(p.rec);
    if ('bi' in p) disposeBidirectional(p.bi);
    if ('lin' in p) tf.dispose([p.lin.weight, p.lin.bias]);
  }
}
