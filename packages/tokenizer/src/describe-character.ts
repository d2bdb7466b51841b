// Controls, format characters and separators other than the plain space print as nothing (or
// break the message), so they are shown as escapes; the U+ code is always given as well.
const INVISIBLE = /^(?! )[\p{C}\p{Z}]$/u;
// A lone combining mark would stack onto the quote; Unicode charts show it on a dotted circle.
const COMBINING = /^\p{M}$/u;

/** `U+0041`, `U+1F642`: the conventional name of a code point, at least four hex digits. */
export function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * A readable description of one code point for error messages.
 *
 * @example
 * ```ts
 * describeCharacter('é'); // "'é' (U+00E9)"
 * describeCharacter('\n'); // "'\u{A}' (U+000A)"
 * ```
 */
export function describeCharacter(char: string): string {
  const codePoint = char.codePointAt(0) ?? 0;
  let shown = char;
  if (INVISIBLE.test(char)) shown = `\\u{${codePoint.toString(16).toUpperCase()}}`;
  else if (COMBINING.test(char)) shown = `\u25CC${char}`;
  return `'${shown}' (${codePointLabel(codePoint)})`;
}
