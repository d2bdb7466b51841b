import { SafetensorsError } from '../../errors.js';
import { DTYPE_SIZE, isDtype, type SafetensorsDtype } from './dtype.js';

/** One tensor of a parsed safetensors file: its raw little-endian bytes, not yet decoded. */
export interface SafetensorsTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  /** A view into the file's bytes (no copy). */
  bytes: Uint8Array;
}

/** A parsed safetensors file: tensors by name and the `__metadata__` strings. */
export interface SafetensorsFile {
  tensors: Record<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

// The reference implementation (huggingface/safetensors) refuses larger headers too.
const MAX_HEADER = 100_000_000;
const HINT = 'Re-export the file, or check that it is safetensors and was copied completely.';

/**
 * Parses and validates a safetensors file: an 8-byte little-endian header length N, N bytes of
 * JSON header (`{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {...} }`),
 * then the data, whose byte ranges must tile it exactly (no overlap, no hole, nothing after).
 * Every violation throws a `SafetensorsError` with a `code`; nothing is decoded yet.
 *
 * @example
 * ```ts
 * const { tensors, metadata } = parseSafetensors(new Uint8Array(await file.arrayBuffer()));
 * tensors['fc.weight'].shape; // [65, 128]
 * ```
 */
export function parseSafetensors(input: ArrayBuffer | ArrayBufferView): SafetensorsFile {
  const bytes = ArrayBuffer.isView(input)
    ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
    : new Uint8Array(input);
  if (bytes.byteLength < 8) {
    fail(
      'truncated',
      `The file has ${bytes.byteLength} bytes, fewer than the 8-byte header length.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const n = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  if (n > bytes.byteLength - 8 || n > MAX_HEADER) {
    fail(
      'header-length',
      `The header length is ${n} bytes, but the file has only ${bytes.byteLength - 8} bytes ` +
        `after the length field${n > MAX_HEADER ? ` (and at most ${MAX_HEADER} are allowed)` : ''}.`,
    );
  }
  const header = parseHeader(bytes.subarray(8, 8 + n));
  const data = bytes.subarray(8 + n);
  const tensors: Record<string, SafetensorsTensor> = {};
  const ranges: [number, number, string][] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, begin, end } = checkInfo(name, info);
    const size = shape.reduce((a, b) => a * b, 1) * DTYPE_SIZE[dtype];
    if (end - begin !== size) {
      fail(
        'size-mismatch',
        `Tensor '${name}' (${dtype}, shape [${shape.join(', ')}]) needs ${size} bytes, but its ` +
          `data_offsets [${begin}, ${end}] hold ${end - begin}.`,
      );
    }
    if (end > data.byteLength) {
      fail(
        'truncated',
        `Tensor '${name}' ends at data byte ${end}, but the file holds only ` +
          `${data.byteLength} data bytes: it is truncated.`,
      );
    }
    ranges.push([begin, end, name]);
    tensors[name] = { dtype, shape, bytes: data.subarray(begin, end) };
  }
  checkTiling(ranges, data.byteLength);
  return { tensors, metadata: checkMetadata(header.__metadata__) };
}

function fail(code: ConstructorParameters<typeof SafetensorsError>[0], message: string): never {
  throw new SafetensorsError(code, `Invalid safetensors file: ${message} ${HINT}`);
}

function parseHeader(raw: Uint8Array): Record<string, unknown> {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (error) {
    fail('header-json', `the header is not UTF-8 JSON (${(error as Error).message}).`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    fail('header-json', 'the header is not a JSON object.');
  }
  return header as Record<string, unknown>;
}

function checkInfo(name: string, info: unknown) {
  const { dtype, shape, data_offsets: offsets } = (info ?? {}) as Record<string, unknown>;
  const isSize = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  if (name === '' || info === null || typeof info !== 'object') {
    fail('tensor-info', `the header entry '${name}' is not a tensor description.`);
  }
  if (!isDtype(dtype))
    fail('dtype', `tensor '${name}' has unknown dtype ${JSON.stringify(dtype)}.`);
  if (!Array.isArray(shape) || !shape.every(isSize)) {
    fail(
      'tensor-info',
      `tensor '${name}' has shape ${JSON.stringify(shape)}, not a list of sizes.`,
    );
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isSize)) {
    fail('offsets', `tensor '${name}' has data_offsets ${JSON.stringify(offsets)}.`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin)
    fail('offsets', `tensor '${name}' has data_offsets [${begin}, ${end}], end < begin.`);
  return { dtype, shape: [...shape] as number[], begin, end };
}

function checkTiling(ranges: [number, number, string][], length: number): void {
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let at = 0;
  let last = '(the start of the data)';
  for (const [begin, end, name] of ranges) {
    if (begin < at)
      fail('overlap', `tensor '${name}' starts at data byte ${begin}, inside ${last}.`);
    if (begin > at)
      fail('gap', `data bytes ${at} to ${begin} (before '${name}') belong to no tensor.`);
    at = end;
    last = `'${name}'`;
  }
  if (at !== length) {
    fail('trailing-bytes', `the data section has ${length - at} bytes after the last tensor.`);
  }
}

function checkMetadata(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (
    value === null ||
    typeof value !== 'object' ||
    Array.isArray(value) ||
    !Object.values(value).every((v) => typeof v === 'string')
  ) {
    fail('header-json', '__metadata__ must be an object of strings.');
  }
  return { ...(value as Record<string, string>) };
}
