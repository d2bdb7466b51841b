import { flushCodePoints, visitCodePoints } from './code-points.js';
import { UnknownCharacterError } from './errors.js';
import type { TokenIds } from './token-ids.js';

/**
 * Encodes a text given in chunks into an id array allocated beforehand (its length is the
 * text's code point count, from a `CharacterScan`), one code point at a time like
 * `CharTokenizer.encode`: the ids are the same as for the chunks joined. Made by
 * `CharTokenizer.chunkEncoder`.
 */
export interface ChunkEncoder {
  /** Encodes the next chunk. Throws `UnknownCharacterError` as `encode` does, with its place in the whole text. */
  write(chunk: string): void;
  /** Ends the text; returns the number of ids written. */
  end(): number;
}

/**
 * The encoder over `vocabulary` (id order) writing into `target`; `unkId` is 0 with an unk
 * token, else `undefined` (unknown characters throw). Writing past `target`'s end throws a
 * `RangeError`: the text is longer than the count it was allocated for.
 */
export function createChunkEncoder(
  vocabulary: readonly string[],
  unkId: number | undefined,
  target: TokenIds,
): ChunkEncoder {
  // A table for the Basic Multilingual Plane and a map beyond it: no string per character.
  const bmp = new Int32Array(0x10000).fill(-1);
  const astral = new Map<number, number>();
  vocabulary.forEach((token, id) => {
    if (unkId !== undefined && id === unkId) return;
    const codePoint = token.codePointAt(0) as number;
    if (codePoint < 0x10000) bmp[codePoint] = id;
    else astral.set(codePoint, id);
  });
  let n = 0;
  let line = 1;
  let lineStart = 0;
  let pending = -1;
  const visit = (codePoint: number): void => {
    const known = codePoint < 0x10000 ? (bmp[codePoint] as number) : (astral.get(codePoint) ?? -1);
    const id = known >= 0 ? known : unknown(codePoint);
    if (n >= target.length) {
      throw new RangeError(`The text has more than the ${target.length} characters counted.`);
    }
    target[n] = id;
    n += 1;
    if (codePoint === 10) {
      line += 1;
      lineStart = n;
    }
  };
  const unknown = (codePoint: number): number => {
    if (unkId !== undefined) return unkId;
    throw new UnknownCharacterError({
      character: String.fromCodePoint(codePoint),
      index: n,
      line,
      column: n - lineStart + 1,
      vocabSize: vocabulary.length,
    });
  };
  return {
    write(chunk) {
      pending = visitCodePoints(chunk, pending, visit);
    },
    end() {
      flushCodePoints(pending, visit);
      pending = -1;
      return n;
    },
  };
}
