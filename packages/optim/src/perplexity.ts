/**
 * Converts a mean cross-entropy in nats per character to perplexity, `exp(nats)`: the size of
 * a uniform choice that would be as uncertain as the model.
 *
 * @example
 * ```ts
 * perplexity(Math.log(5)); // 5
 * ```
 */
export function perplexity(lossNats: number): number {
  return Math.exp(lossNats);
}
