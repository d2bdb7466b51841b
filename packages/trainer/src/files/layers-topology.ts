// Keras layer configs as tfjs-layers 4.22 writes them (`model.save`), so that
// `tf.loadLayersModel` and `tensorflowjs_converter` read them without surprises.
import type { CellType } from '@rnnkit/cells';

export const KERAS_CLASS: Record<CellType, string> = { rnn: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU' };

const init = (className: string, config: Record<string, unknown> = {}) => ({
  class_name: className,
  config,
});
const glorot = init('VarianceScaling', {
  scale: 1,
  mode: 'fan_avg',
  distribution: 'uniform',
  seed: null,
});
const noRegularizers = {
  kernel_regularizer: null,
  bias_regularizer: null,
  activity_regularizer: null,
  kernel_constraint: null,
  bias_constraint: null,
};

export function embeddingLayer(name: string, inputDim: number, outputDim: number) {
  return {
    class_name: 'Embedding',
    config: {
      name,
      trainable: true,
      batch_input_shape: [null, null],
      dtype: 'float32',
      input_dim: inputDim,
      output_dim: outputDim,
      embeddings_initializer: init('RandomUniform', { minval: -0.05, maxval: 0.05, seed: null }),
      embeddings_regularizer: null,
      activity_regularizer: null,
      embeddings_constraint: null,
      mask_zero: false,
      input_length: null,
    },
  };
}

/** A recurrent layer returning every step, with the logistic sigmoid as recurrent activation. */
export function recurrentLayer(name: string, cell: CellType, units: number, inputDim?: number) {
  return {
    class_name: KERAS_CLASS[cell],
    config: {
      name,
      trainable: true,
      ...(inputDim === undefined ? {} : { batch_input_shape: [null, null, inputDim] }),
      dtype: 'float32',
      units,
      activation: 'tanh',
      // tfjs-layers defaults to hardSigmoid: rnnkit, PyTorch and Keras TF2 use the logistic one.
      ...(cell === 'rnn' ? {} : { recurrent_activation: 'sigmoid' }),
      use_bias: true,
      kernel_initializer: glorot,
      recurrent_initializer: init('Orthogonal', { gain: 1, seed: null }),
      bias_initializer: init('Zeros'),
      ...(cell === 'lstm' ? { unit_forget_bias: true } : {}),
      ...noRegularizers,
      recurrent_regularizer: null,
      recurrent_constraint: null,
      dropout: 0,
      recurrent_dropout: 0,
      ...(cell === 'rnn' ? {} : { implementation: 2 }),
      // tfjs-layers has only the reset-before GRU; the exporter checks the weights allow it.
      ...(cell === 'gru' ? { reset_after: false } : {}),
      return_sequences: true,
      return_state: false,
      go_backwards: false,
      stateful: false,
      unroll: false,
    },
  };
}

export function denseLayer(name: string, units: number) {
  return {
    class_name: 'Dense',
    config: {
      name,
      trainable: true,
      units,
      activation: 'linear',
      use_bias: true,
      kernel_initializer: glorot,
      bias_initializer: init('Zeros'),
      ...noRegularizers,
    },
  };
}
