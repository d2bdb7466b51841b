/**
 * Converts a mean cross-entropy in nats per character to bits per character:
 * `bpc = nats / ln 2`. A uniform guess over V characters scores `log2(V)`.
 *
 * @example
 * ```ts
 * bitsPerChar(Math.log(5)); // 2.3219…, a uniform guess over "helo " (5 characters)
 * ```
 */
export function bitsPerChar(lossNats: number): number {
  return lossNats / Math.LN2;
}
