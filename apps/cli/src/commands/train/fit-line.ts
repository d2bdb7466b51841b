/** One field of a status line; fields with a higher `drop` go first when the line is too long. */
export interface Field {
  text: string;
  drop: number;
}

/**
 * The fields joined by spaces, dropping the least important ones (then cutting the end) until
 * the line fits in `width` columns. A line as long as the terminal is wide makes some terminals
 * wrap, and a wrapped live line cannot be redrawn in place, so the result is at most width - 1.
 */
export function fitLine(fields: Field[], width: number): string {
  const limit = Math.max(10, width - 1);
  let kept = fields;
  let line = kept.map((f) => f.text).join(' ');
  while (line.length > limit && kept.length > 1) {
    const worst = kept.reduce((a, b) => (b.drop > a.drop ? b : a));
    kept = kept.filter((f) => f !== worst);
    line = kept.map((f) => f.text).join(' ');
  }
  return line.length > limit ? `${line.slice(0, limit - 1)}…` : line;
}
