// safetensors reading and writing: byte-exact layout, dtypes, and one named error per defect.
import { describe, expect, it } from 'vitest';
import { SafetensorsError } from '../../errors.js';
import type { NamedArrays } from '../named-arrays.js';
import { parseSafetensors } from './parse.js';
import { readSafetensors } from './read.js';
import { writeSafetensors } from './write.js';

const weights: NamedArrays = {
  'rnn.weight_ih_l0': { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, -6.5]) },
  'fc.bias': { shape: [2], data: Float32Array.from([0.25, -1e-8]) },
  empty: { shape: [0, 4], data: new Float32Array(0) },
};

/** A file from a raw header object and data bytes, as another writer might produce it. */
function build(header: unknown, data: Uint8Array, headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, headerLength ?? json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SafetensorsError);
    expect((e as Error).message).toMatch(/Invalid safetensors file|rnnkit reads/);
    return (e as SafetensorsError).code;
  }
  throw new Error('expected a SafetensorsError');
}

const f32 = (...v: number[]) => new Uint8Array(Float32Array.from(v).buffer);

describe('safetensors', () => {
  it('round-trips names, shapes and exact float32 values, with metadata', () => {
    const bytes = writeSafetensors(weights, { format: 'pt' });
    const { arrays, metadata, dtypes } = readSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect(Object.keys(arrays).sort()).toEqual(Object.keys(weights).sort());
    for (const [name, a] of Object.entries(weights)) {
      expect(arrays[name]?.shape).toEqual(a.shape);
      expect(arrays[name]?.data).toEqual(a.data);
      expect(dtypes[name]).toBe('F32');
    }
  });

  it('writes the documented layout: u64 LE header length, space-padded JSON, sorted data', () => {
    const bytes = writeSafetensors(weights);
    const view = new DataView(bytes.buffer);
    const n = view.getUint32(0, true);
    expect(view.getUint32(4, true)).toBe(0);
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header['fc.bias']).toEqual({ dtype: 'F32', shape: [2], data_offsets: [0, 8] });
    expect(header['rnn.weight_ih_l0'].data_offsets).toEqual([8, 32]);
    expect(view.getFloat32(8 + n + 8 + 20, true)).toBe(-6.5);
  });

  it('reads F64, F16 and BF16 as float32, and refuses integer tensors', () => {
    const data = new Uint8Array(8 + 2 + 2);
    new DataView(data.buffer).setFloat64(0, 0.1, true);
    new DataView(data.buffer).setUint16(8, 0x3c00, true); // 1.0 in half precision
    new DataView(data.buffer).setUint16(10, 0xc040, true); // -3.0 in bfloat16
    const file = build(
      {
        a: { dtype: 'F64', shape: [1], data_offsets: [0, 8] },
        b: { dtype: 'F16', shape: [1], data_offsets: [8, 10] },
        c: { dtype: 'BF16', shape: [], data_offsets: [10, 12] },
      },
      data,
    );
    const { arrays, dtypes } = readSafetensors(file);
    expect(arrays.a?.data[0]).toBe(Math.fround(0.1));
    expect(arrays.b?.data[0]).toBe(1);
    expect(arrays.c).toEqual({ shape: [], data: Float32Array.from([-3]) });
    expect(dtypes).toEqual({ a: 'F64', b: 'F16', c: 'BF16' });
    const ints = build(
      { steps: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } },
      new Uint8Array(8),
    );
    expect(codeOf(() => readSafetensors(ints))).toBe('dtype');
    expect(parseSafetensors(ints).tensors.steps?.dtype).toBe('I64');
  });

  it('names each defect', () => {
    const ok = { x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    const cases: [string, Uint8Array][] = [
      ['truncated', new Uint8Array(5)],
      ['header-length', build(ok, f32(1, 2), 1000)],
      ['header-json', build([1, 2], new Uint8Array(0))],
      ['header-json', Uint8Array.from([2, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0xff])],
      ['header-json', build({ __metadata__: { epochs: 3 } }, new Uint8Array(0))],
      ['dtype', build({ x: { dtype: 'F33', shape: [2], data_offsets: [0, 8] } }, f32(1, 2))],
      ['tensor-info', build({ x: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, f32(1, 2))],
      ['offsets', build({ x: { dtype: 'F32', shape: [2], data_offsets: [0] } }, f32(1, 2))],
      [
        'size-mismatch',
        build({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(1, 2)),
      ],
      ['truncated', build(ok, f32(1))],
      ['trailing-bytes', build(ok, f32(1, 2, 3))],
      [
        'overlap',
        build({ ...ok, y: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(1, 2)),
      ],
      ['gap', build({ x: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(1, 2))],
    ];
    for (const [code, file] of cases)
      expect([code, codeOf(() => parseSafetensors(file))]).toEqual([code, code]);
  });

  it('refuses a header length beyond 2^32 without allocating it', () => {
    const file = build({}, new Uint8Array(0));
    new DataView(file.buffer).setUint32(4, 1, true);
    expect(codeOf(() => parseSafetensors(file))).toBe('header-length');
  });

  it('accepts views into a larger buffer', () => {
    const bytes = writeSafetensors(weights);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(readSafetensors(padded.subarray(3)).arrays['fc.bias']?.data).toEqual(
      weights['fc.bias']?.data,
    );
  });
});
