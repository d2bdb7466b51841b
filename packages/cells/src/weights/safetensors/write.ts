import { WeightFormatError } from '../../errors.js';
import type { NamedArrays } from '../named-arrays.js';

/**
 * Writes float32 weights as a safetensors file that `safetensors.torch.load_file` (and
 * `readSafetensors`) reads: tensors in name order, F32 little-endian, the JSON header padded
 * with spaces to a multiple of 8 bytes so every tensor starts aligned. `metadata` becomes the
 * header's `__metadata__` (strings only, as the format requires).
 *
 * @example
 * ```ts
 * const bytes = writeSafetensors(recurrentStateDict(rnn, 'rnn.'), { format: 'pt' });
 * writeFileSync('rnn.safetensors', bytes);
 * ```
 */
export function writeSafetensors(
  arrays: NamedArrays,
  metadata: Record<string, string> = {},
): Uint8Array {
  const names = Object.keys(arrays).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const { shape, data } = arrays[name] as NamedArrays[string];
    const size = shape.reduce((a, b) => a * b, 1);
    if (name === '__metadata__' || data.length !== size) {
      throw new WeightFormatError(
        name === '__metadata__'
          ? `'__metadata__' is reserved by the safetensors format; rename that tensor.`
          : `'${name}' has ${data.length} values for shape [${shape.join(', ')}] (${size} expected).`,
      );
    }
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + 4 * size] };
    offset += 4 * size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  if (padded !== json.byteLength) {
    json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padded - json.byteLength));
  }
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, padded, true); // headers beyond 4 GiB are refused by readers anyway
  out.set(json, 8);
  let at = 8 + padded;
  for (const name of names) {
    const { data } = arrays[name] as NamedArrays[string];
    for (let i = 0; i < data.length; i++) view.setFloat32(at + 4 * i, data[i] as number, true);
    at += 4 * data.length;
  }
  return out;
}
