/** Bytes as callers hold them: an ArrayBuffer, or a view of one (a Uint8Array; in Node, what readFile returns). */
export type Bytes = ArrayBuffer | ArrayBufferView;

/**
 * The bytes a value holds, as an ArrayBuffer of exactly those bytes. A view (what Node's
 * `readFile` returns is a Uint8Array over a shared pool) is copied out of its underlying buffer:
 * reading it with `new Float32Array(view)` would turn every byte into one value instead.
 */
export function toArrayBuffer(bytes: Bytes, what = 'weightData'): ArrayBuffer {
  if (ArrayBuffer.isView(bytes)) {
    const { buffer, byteOffset, byteLength } = bytes;
    return buffer.slice(byteOffset, byteOffset + byteLength) as ArrayBuffer;
  }
  if (Object.prototype.toString.call(bytes) === '[object ArrayBuffer]') return bytes;
  throw new TypeError(
    `${what} must be an ArrayBuffer or a Uint8Array, got ${Object.prototype.toString.call(bytes)}.`,
  );
}
