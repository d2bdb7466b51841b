import { SafetensorsError } from '../../errors.js';

/** The dtypes of the safetensors format (the `dtype` field of each header entry). */
export type SafetensorsDtype =
  | 'F64'
  | 'F32'
  | 'F16'
  | 'BF16'
  | 'I64'
  | 'I32'
  | 'I16'
  | 'I8'
  | 'U64'
  | 'U32'
  | 'U16'
  | 'U8'
  | 'BOOL'
  | 'F8_E4M3'
  | 'F8_E5M2';

/** Bytes per element of every dtype the format defines. */
export const DTYPE_SIZE: Readonly<Record<SafetensorsDtype, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
};

/** The float dtypes rnnkit reads into float32 weights (as PyTorch's `load_state_dict` casts). */
export const FLOAT_DTYPES: readonly SafetensorsDtype[] = ['F32', 'F64', 'F16', 'BF16'];

export function isDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.hasOwn(DTYPE_SIZE, value);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes little-endian float data to float32: F32 as is, F64 rounded, F16 and BF16 exactly.
 * Copies, so the result never aliases (or keeps alive) the file's buffer.
 */
export function decodeFloats(
  name: string,
  dtype: SafetensorsDtype,
  bytes: Uint8Array,
): Float32Array {
  const n = bytes.byteLength / DTYPE_SIZE[dtype];
  if (dtype === 'F32' && LITTLE_ENDIAN) return new Float32Array(bytes.slice().buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  if (dtype === 'F32') for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
  else if (dtype === 'F64') for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
  else if (dtype === 'F16')
    for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
  else if (dtype === 'BF16') {
    // bfloat16 is the top half of a float32.
    const word = new DataView(new ArrayBuffer(4));
    for (let i = 0; i < n; i++) {
      word.setUint32(0, view.getUint16(2 * i, true) << 16);
      out[i] = word.getFloat32(0);
    }
  } else {
    throw new SafetensorsError(
      'dtype',
      `Tensor '${name}' has dtype ${dtype}; rnnkit weights are floating point ` +
        `(${FLOAT_DTYPES.join(', ')}). Save float weights, e.g. with tensor.float() in PyTorch.`,
    );
  }
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
