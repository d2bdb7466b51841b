import { type Activation, type CellType, isCellType } from '@rnnkit/cells';
import { ReferenceFormatError } from '../errors.js';

// The reference file formats, as documented in the reference vectors' README.
// Nested JSON arrays are typed `unknown` and checked where they are turned into tensors.

export interface CellReference {
  cell: CellType;
  input_size: number;
  hidden_size: number;
  num_layers: number;
  weights: Record<string, unknown>;
  x: unknown;
  h0: unknown;
  c0?: unknown;
  outputs: unknown;
  h_n: unknown;
  c_n?: unknown;
  loss_weights: unknown;
  loss: number;
  grads: Record<string, unknown>;
}

export interface SeqLossReference {
  kind: 'sequence_loss';
  logits: unknown;
  targets: unknown;
  weights: unknown;
  crossent: unknown;
  loss: number;
  grad_logits: unknown;
  loss_average_across_timesteps_only?: unknown;
  loss_average_across_batch_only?: unknown;
  loss_no_averaging?: unknown;
}

type NamedValues = Record<string, unknown>;

export interface AdamReference {
  kind: 'adam';
  lr: number;
  beta1: number;
  beta2: number;
  init: NamedValues;
  formulations: Record<
    string,
    {
      epsilon: number;
      formula?: string;
      trajectory: {
        grads: NamedValues;
        m?: NamedValues;
        v?: NamedValues;
        params_after: NamedValues;
      }[];
    }
  >;
}

export interface ClipReference {
  kind: 'clip_by_global_norm';
  cases: {
    name: string;
    clip_norm: number;
    tensors: unknown[];
    global_norm: number;
    clipped: unknown[];
  }[];
}

export interface TrainerReference {
  kind: 'trainer';
  cell: CellType;
  num_classes: number;
  hidden_size: number;
  num_layers: number;
  x_indices: unknown;
  y_indices: unknown;
  init: NamedValues;
  lr: number;
  beta1: number;
  beta2: number;
  runs: Record<
    string,
    {
      epsilon: number;
      steps: {
        loss_before: number;
        logits_before: unknown;
        prediction_before: unknown;
        grads: NamedValues;
        params_after: NamedValues;
      }[];
    }
  >;
}

/** fixtures/masked-vectors: a stack run with per-example lengths, optionally bidirectional. */
export interface MaskedReference {
  kind: 'masked_recurrent';
  cell: CellType;
  bidirectional: boolean;
  merge: 'concat' | 'sum' | 'mean';
  input_size: number;
  hidden_size: number;
  num_layers: number;
  seq_lengths: number[];
  weights: Record<string, unknown>;
  x: unknown;
  h0: unknown;
  c0?: unknown;
  outputs: unknown;
  h_n: unknown;
  c_n?: unknown;
  loss_weights: unknown;
  state_loss_weights: unknown;
  loss: number;
  grads: Record<string, unknown>;
}

/**
 * fixtures/keras-vectors: a stack with Keras options (activations, GRU reset form, a [B, T]
 * mask with holes and what masked steps output, go_backwards, merges mul and none).
 */
export interface KerasReference extends Omit<MaskedReference, 'kind' | 'merge' | 'seq_lengths'> {
  kind: 'keras_recurrent';
  merge: 'concat' | 'sum' | 'mean' | 'mul' | 'none';
  activation: Activation;
  recurrent_activation: Activation;
  reset_after: boolean;
  mask: number[][] | null;
  masked_output: 'zero' | 'previous';
  go_backwards: boolean;
}

export type Reference =
  | ({ kind: 'cell' } & CellReference)
  | MaskedReference
  | KerasReference
  | SeqLossReference
  | AdamReference
  | ClipReference
  | TrainerReference;

const REQUIRED: Record<Reference['kind'], string[]> = {
  cell: [
    'cell',
    'input_size',
    'hidden_size',
    'num_layers',
    'weights',
    'x',
    'h0',
    'outputs',
    'h_n',
    'loss_weights',
    'loss',
    'grads',
  ],
  sequence_loss: ['logits', 'targets', 'weights', 'crossent', 'loss', 'grad_logits'],
  adam: ['lr', 'beta1', 'beta2', 'init', 'formulations'],
  clip_by_global_norm: ['cases'],
  masked_recurrent: [
    'cell',
    'bidirectional',
    'merge',
    'input_size',
    'hidden_size',
    'num_layers',
    'seq_lengths',
    'weights',
    'x',
    'h0',
    'outputs',
    'h_n',
    'loss_weights',
    'state_loss_weights',
    'loss',
    'grads',
  ],
  keras_recurrent: [
    'cell',
    'bidirectional',
    'merge',
    'activation',
    'recurrent_activation',
    'reset_after',
    'mask',
    'masked_output',
    'go_backwards',
    'input_size',
    'hidden_size',
    'num_layers',
    'weights',
    'x',
    'h0',
    'outputs',
    'h_n',
    'loss_weights',
    'state_loss_weights',
    'loss',
    'grads',
  ],
  trainer: [
    'cell',
    'num_classes',
    'hidden_size',
    'num_layers',
    'x_indices',
    'y_indices',
    'init',
    'lr',
    'beta1',
    'beta2',
    'runs',
  ],
};

/**
 * Identifies a parsed reference file by its `kind` field (cell files have none: they carry
 * `cell`) and checks that the fields its verifier reads are present.
 */
export function parseReference(json: unknown): Reference {
  if (json == null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ReferenceFormatError('A reference file must hold a JSON object.');
  }
  const obj = json as Record<string, unknown>;
  let kind = obj.kind as string | undefined;
  if (kind === undefined && isCellType(obj.cell)) kind = 'cell';
  if (kind === undefined || !(kind in REQUIRED)) {
    throw new ReferenceFormatError(
      `Unknown reference kind ${JSON.stringify(obj.kind ?? obj.cell)}: expected a cell file ` +
        `(cell: rnn|lstm|gru) or kind ${Object.keys(REQUIRED)
          .filter((k) => k !== 'cell')
          .join('|')}.`,
    );
  }
  const missing = (REQUIRED[kind as Reference['kind']] ?? []).filter((f) => obj[f] === undefined);
  if (missing.length > 0) {
    throw new ReferenceFormatError(
      `The ${kind} reference lacks the field(s): ${missing.join(', ')}.`,
    );
  }
  if (kind === 'cell' && obj.cell === 'lstm' && (obj.c0 === undefined || obj.c_n === undefined)) {
    throw new ReferenceFormatError('An lstm cell reference needs c0 and c_n.');
  }
  return { ...obj, kind } as Reference;
}
