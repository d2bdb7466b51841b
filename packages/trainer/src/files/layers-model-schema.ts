// The fields of a tfjs-layers model.json that the importer reads, as valibot schemas: checked
// before a weight is decoded, so a manifest cannot declare int32 for float bytes, promise more
// bytes than the file holds, or hand a string where a list belongs.
import * as v from 'valibot';
import { ModelFileError } from '../errors.js';
import { checkSchema, MAX_MANIFEST_WEIGHTS } from './checkpoint-schema.js';

const size = v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(2 ** 31 - 1));
const name = v.pipe(v.string(), v.minLength(1), v.maxLength(256));

export const LayersWeightSpecSchema = v.object({
  name,
  shape: v.pipe(v.array(size), v.maxLength(4)),
  // Only float32: rnnkit exports nothing else, and a declared int32 over float bytes would
  // import as garbage. Quantized weights (tensorflowjs_converter --quantize) are refused too.
  dtype: v.literal('float32'),
  quantization: v.optional(v.undefined()),
});

export const LayersWeightsManifestSchema = v.pipe(
  v.array(
    v.object({
      paths: v.pipe(v.array(v.pipe(name, v.maxLength(255))), v.maxLength(64)),
      weights: v.pipe(v.array(LayersWeightSpecSchema), v.maxLength(MAX_MANIFEST_WEIGHTS)),
    }),
  ),
  v.maxLength(16),
);

const LayerSchema = v.looseObject({
  class_name: v.pipe(v.string(), v.maxLength(100)),
  config: v.looseObject({}),
});

export const LayersModelJsonSchema = v.looseObject({
  modelTopology: v.looseObject({
    class_name: v.literal('Sequential'),
    config: v.union([
      v.pipe(v.array(LayerSchema), v.maxLength(70)),
      v.looseObject({ layers: v.pipe(v.array(LayerSchema), v.maxLength(70)) }),
    ]),
  }),
  weightsManifest: LayersWeightsManifestSchema,
  userDefinedMetadata: v.optional(v.looseObject({ rnnkit: v.optional(v.unknown()) })),
});

/**
 * Checks a tfjs-layers model.json's `weightsManifest` and returns the weights files it names
 * (relative to the model.json's folder) and the bytes they must hold together, so a loader
 * checks the files' sizes before reading them. Throws `ModelFileError`.
 *
 * @example
 * ```ts
 * const { paths, byteLength } = readLayersManifest(modelJson);
 * ```
 */
export function readLayersManifest(modelJson: unknown): { paths: string[]; byteLength: number } {
  const manifest = (modelJson as { weightsManifest?: unknown } | null)?.weightsManifest;
  const checked = checkSchema(LayersWeightsManifestSchema, manifest);
  if (!checked.ok) {
    throw new ModelFileError(
      `The tfjs-layers model.json's weightsManifest is malformed (${checked.problem}). Re-export the model.`,
    );
  }
  const byteLength = checked.value
    .flatMap((g) => g.weights)
    .reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  if (!Number.isSafeInteger(byteLength) || byteLength > 2 ** 31) {
    throw new ModelFileError(
      `The tfjs-layers model.json's weightsManifest describes ${byteLength} bytes of weights, more than rnnkit loads.`,
    );
  }
  return { paths: checked.value.flatMap((g) => g.paths), byteLength };
}
