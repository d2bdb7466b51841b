/**
 * Calls `visit` with each code point of `chunk`, as `for (const char of text)` would see them in
 * the whole text: a surrogate pair is one code point, a lone surrogate is its own. A high
 * surrogate at the end of a chunk may pair with the next chunk's first unit, so it is not
 * visited but returned (`pending`, else -1) for the next call to finish; pass -1 first and call
 * with an empty chunk to flush it at the end (`flushCodePoints`).
 *
 * @example
 * ```ts
 * let pending = visitCodePoints('a\uD83D', -1, (cp) => seen.push(cp)); // visits 0x61
 * pending = visitCodePoints('\uDE00', pending, (cp) => seen.push(cp)); // visits 0x1F600
 * ```
 */
export function visitCodePoints(
  chunk: string,
  pending: number,
  visit: (codePoint: number) => void,
): number {
  const n = chunk.length;
  let i = 0;
  if (pending >= 0) {
    if (n === 0) return pending;
    const low = chunk.charCodeAt(0);
    if (isLowSurrogate(low)) {
      visit(pairCodePoint(pending, low));
      i = 1;
    } else {
      visit(pending);
    }
  }
  for (; i < n; i++) {
    const unit = chunk.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      if (i + 1 === n) return unit;
      const low = chunk.charCodeAt(i + 1);
      if (isLowSurrogate(low)) {
        visit(pairCodePoint(unit, low));
        i += 1;
        continue;
      }
    }
    visit(unit);
  }
  return -1;
}

/** Visits a high surrogate left pending at the end of the text (it stays a lone surrogate). */
export function flushCodePoints(pending: number, visit: (codePoint: number) => void): void {
  if (pending >= 0) visit(pending);
}

const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;
const pairCodePoint = (high: number, low: number) =>
  ((high - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
