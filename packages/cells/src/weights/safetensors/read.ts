import { SafetensorsError } from '../../errors.js';
import type { NamedArrays } from '../named-arrays.js';
import { decodeFloats, FLOAT_DTYPES, type SafetensorsDtype } from './dtype.js';
import { parseSafetensors } from './parse.js';

/** A safetensors file read as float32 weights. */
export interface SafetensorsWeights {
  /** Every tensor by name, decoded to float32 (row-major, as PyTorch stores it). */
  arrays: NamedArrays;
  /** The `__metadata__` strings of the header (`{}` when absent). */
  metadata: Record<string, string>;
  /** The dtype each tensor had in the file. */
  dtypes: Record<string, SafetensorsDtype>;
}

/**
 * Reads a safetensors file (e.g. `torch`'s `save_file(model.state_dict(), ...)`) as float32
 * weights. F32 is read as is, F64 rounded, F16/BF16 widened exactly; any other dtype, and
 * every malformation `parseSafetensors` detects, throws `SafetensorsError`. Pure TypeScript
 * over bytes: works in Node and browsers alike.
 *
 * @example
 * ```ts
 * const { arrays } = readSafetensors(readFileSync('model.safetensors'));
 * loadRecurrentStateDict(rnn, arrays, 'rnn.');
 * ```
 */
export function readSafetensors(input: ArrayBuffer | ArrayBufferView): SafetensorsWeights {
  const file = parseSafetensors(input);
  const notFloat = Object.entries(file.tensors).filter(([, t]) => !FLOAT_DTYPES.includes(t.dtype));
  if (notFloat.length > 0) {
    throw new SafetensorsError(
      'dtype',
      `Not float weights: ${notFloat.map(([n, t]) => `'${n}' is ${t.dtype}`).join(', ')}. ` +
        `rnnkit reads ${FLOAT_DTYPES.join(', ')}; save float tensors (tensor.float() in PyTorch).`,
    );
  }
  const arrays: NamedArrays = {};
  const dtypes: Record<string, SafetensorsDtype> = {};
  for (const [name, t] of Object.entries(file.tensors)) {
    arrays[name] = { shape: t.shape, data: decodeFloats(name, t.dtype, t.bytes) };
    dtypes[name] = t.dtype;
  }
  return { arrays, metadata: file.metadata, dtypes };
}
