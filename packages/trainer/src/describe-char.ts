/** `'a' (U+0061)`: readable even for invisible or look-alike characters. */
export function describeCharacterCode(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const hex = code.toString(16).toUpperCase().padStart(4, '0');
  return `${JSON.stringify(char)} (U+${hex})`;
}
