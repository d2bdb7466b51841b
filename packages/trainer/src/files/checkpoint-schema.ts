// The shape of every field of a checkpoint's model.json and training state, as valibot schemas:
// small and tree-shakable, so the browser bundle pays only for the checks it uses. A failure
// names the field (`userDefinedMetadata.training.initialLoss`) and what it should be.
import * as v from 'valibot';
import { CHAR_LM_LIMITS } from './model-limits.js';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  v.pipe(v.number(), v.safeInteger(), v.minValue(min), v.maxValue(max));
const finite = (min = Number.NEGATIVE_INFINITY) => v.pipe(v.number(), v.finite(), v.minValue(min));
const name = v.pipe(v.string(), v.minLength(1), v.maxLength(256));

/** Most weights one manifest may list (a 64-layer model with every slot has under 1,000). */
export const MAX_MANIFEST_WEIGHTS = 10_000;
/** Most entries the evaluation history may hold. */
export const MAX_HISTORY = 1_000_000;

export const CharLMConfigSchema = v.object({
  vocabSize: int(2, CHAR_LM_LIMITS.maxVocabSize),
  cell: v.picklist(['rnn', 'lstm', 'gru']),
  hiddenSize: int(1, CHAR_LM_LIMITS.maxHiddenSize),
  numLayers: int(1, CHAR_LM_LIMITS.maxNumLayers),
  input: v.picklist(['onehot', 'embedding']),
  embeddingDim: int(1, CHAR_LM_LIMITS.maxEmbeddingDim),
});

export const WeightSpecSchema = v.object({
  name,
  shape: v.pipe(v.array(int(0, 2 ** 31 - 1)), v.maxLength(4)),
  dtype: v.literal('float32'),
});

export const WeightsManifestSchema = v.pipe(
  v.array(
    v.object({
      paths: v.pipe(v.array(v.pipe(name, v.maxLength(255))), v.minLength(1), v.maxLength(64)),
      weights: v.pipe(v.array(WeightSpecSchema), v.maxLength(MAX_MANIFEST_WEIGHTS)),
    }),
  ),
  v.minLength(1),
  v.maxLength(16),
);

export const CheckpointModelJsonSchema = v.looseObject({
  format: v.literal('rnnkit-char-lm'),
  modelTopology: v.looseObject({ model: CharLMConfigSchema, tokenizer: v.unknown() }),
  weightsManifest: WeightsManifestSchema,
  userDefinedMetadata: v.looseObject({ version: v.literal(1), training: v.optional(v.unknown()) }),
});

export const TrainConfigSchema = v.object({
  cell: v.picklist(['rnn', 'lstm', 'gru']),
  hiddenSize: int(1, CHAR_LM_LIMITS.maxHiddenSize),
  numLayers: int(1, CHAR_LM_LIMITS.maxNumLayers),
  dropout: finite(0),
  batchSize: int(1, 1_000_000),
  seqLength: int(1, 1_000_000),
  learningRate: finite(0),
  optimizer: v.picklist(['adam', 'sgd', 'rmsprop']),
  schedule: v.looseObject({ type: v.picklist(['constant', 'step', 'cosine']) }),
  clipNorm: v.nullable(finite(0)),
  steps: int(1),
  evalEvery: int(1),
  valFraction: finite(0),
  seed: int(0, 2 ** 32 - 1),
  sampleLength: int(0, 1_000_000),
  explodeFactor: finite(1),
  init: v.optional(v.picklist(['pytorch', 'keras'])),
});

export const TrainingStateSchema = v.object({
  config: TrainConfigSchema,
  step: int(0),
  windowsPerEpoch: int(1),
  optimizer: v.looseObject({
    name: v.picklist(['adam', 'sgd', 'rmsprop']),
    iterations: int(0),
    config: v.record(v.string(), v.unknown()),
    shapes: v.record(name, v.pipe(v.array(int(0, 2 ** 31 - 1)), v.maxLength(4))),
  }),
  rngState: int(0, 2 ** 32 - 1),
  initialLoss: v.nullable(finite(0)),
  bestValLoss: v.nullable(finite(0)),
  bestStep: v.nullable(int(0)),
  interval: v.object({ lossSum: finite(0), steps: int(0) }),
  history: v.pipe(
    v.array(
      v.object({ step: int(0), trainLoss: v.nullable(finite(0)), valLoss: v.nullable(finite(0)) }),
    ),
    v.maxLength(MAX_HISTORY),
  ),
  elapsedSeconds: finite(0),
});

/**
 * Checks `value` against `schema`; on failure returns a short description of the first few
 * problems (`field.path: what was expected, got what`), else the typed value.
 */
export function checkSchema<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
): { ok: true; value: v.InferOutput<S> } | { ok: false; problem: string } {
  const result = v.safeParse(schema, value, { abortPipeEarly: true });
  if (result.success) return { ok: true, value: result.output };
  const shown = result.issues.slice(0, 3).map((issue) => {
    const path = v.getDotPath(issue) ?? '(the top level)';
    const message = issue.message.length > 160 ? `${issue.message.slice(0, 160)}…` : issue.message;
    return `${path}: ${message}`;
  });
  const more = result.issues.length > 3 ? ` (and ${result.issues.length - 3} more)` : '';
  return { ok: false, problem: `${shown.join('; ')}${more}` };
}
