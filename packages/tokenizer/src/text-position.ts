/** A 1-based line and column, both counted in code points, as editors show them. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/**
 * Line and column of the code point at `index` (0-based, in code points) in `text`.
 * Only `\n` starts a line, so `\r\n` files count the same as `\n` files.
 *
 * @example
 * ```ts
 * textPosition('ab\ncd', 4); // { line: 2, column: 2 }
 * ```
 */
export function textPosition(text: string, index: number): TextPosition {
  let line = 1;
  let column = 1;
  let i = 0;
  for (const char of text) {
    if (i === index) break;
    if (char === '\n') {
      line += 1;
      column = 1;
    } else {
      column += 1;
    }
    i += 1;
  }
  return { line, column };
}
