/**
 * Token ids in the smallest array that holds them: `Uint8Array` for a vocabulary of at most
 * 256 tokens, `Uint16Array` up to 65,536, else `Int32Array` (what `encode` returns).
 */
export type TokenIds = Uint8Array | Uint16Array | Int32Array;

/**
 * A zeroed id array of `length` ids, of the smallest type that holds ids below `vocabSize`.
 *
 * @example
 * ```ts
 * allocateTokenIds(65, 1_000_000); // Uint8Array(1000000): 1 byte per character
 * ```
 */
export function allocateTokenIds(vocabSize: number, length: number): TokenIds {
  if (vocabSize <= 0x100) return new Uint8Array(length);
  if (vocabSize <= 0x10000) return new Uint16Array(length);
  return new Int32Array(length);
}
