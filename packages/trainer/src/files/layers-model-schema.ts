// The fields of a tfjs-layers model.json that the importer reads, as valibot schemas: checked
// before a weight is decoded, so a manifest cannot declare int32 for float bytes, promise more
// bytes than the file holds, or hand a string where a list belongs.
import * as v from 'valibot';
import { MAX_MANIFEST_WEIGHTS } from './checkpoint-schema.js';

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
