import { ConfigError } from '../errors.js';

/** How the next character is drawn from the model's distribution. */
export interface SamplingOptions {
  /** Divides the logits: below 1 is more conservative, above 1 more varied. Default 1. */
  temperature?: number;
  /** Draw only among the k most likely characters. */
  topK?: number;
  /** Draw only from the smallest set of characters whose probability reaches p (nucleus). */
  topP?: number;
  /** Always take the most likely character (ignores the options above). */
  greedy?: boolean;
}

/** Validates sampling options, naming the bad one. */
export function checkSamplingOptions(o: SamplingOptions): void {
  if (o.temperature != null && !(o.temperature > 0 && Number.isFinite(o.temperature))) {
    throw new ConfigError(`temperature must be a positive number, got ${o.temperature}.`);
  }
  if (o.topK != null && !(Number.isInteger(o.topK) && o.topK >= 1)) {
    throw new ConfigError(`topK must be an integer >= 1, got ${o.topK}.`);
  }
  if (o.topP != null && !(o.topP > 0 && o.topP <= 1)) {
    throw new ConfigError(`topP must be in (0, 1], got ${o.topP}.`);
  }
}

/**
 * Picks an id from one row of logits. Computed in float64 in JS, so the same seed draws the
 * same text on every backend.
 */
export function drawFromLogits(
  logits: ArrayLike<number>,
  options: SamplingOptions,
  random: () => number,
): number {
  const n = logits.length;
  if (options.greedy) {
    let best = 0;
    for (let i = 1; i < n; i++) if ((logits[i] as number) > (logits[best] as number)) best = i;
    return best;
  }
  const t = options.temperature ?? 1;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) max = Math.max(max, (logits[i] as number) / t);
  const probs = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    probs[i] = Math.exp((logits[i] as number) / t - max);
    total += probs[i] as number;
  }
  for (let i = 0; i < n; i++) probs[i] = (probs[i] as number) / total;
  let order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (probs[b] as number) - (probs[a] as number) || a - b,
  );
  if (options.topK != null) order = order.slice(0, options.topK);
  if (options.topP != null && options.topP < 1) {
    // The summed float64 probabilities can fall short of p by a few ulps where the exact mass
    // reaches it (0.5 + 0.3 < 0.8): allow for that, or p = 0.8 would keep a third character.
    const p = options.topP - 1e-12;
    let mass = 0;
    let keep = 0;
    while (keep < order.length && mass < p) mass += probs[order[keep++] as number] as number;
    order = order.slice(0, keep);
  }
  let kept = 0;
  for (const i of order) kept += probs[i] as number;
  let u = random() * kept;
  for (const i of order) {
    u -= probs[i] as number;
    if (u < 0) return i;
  }
  return order[order.length - 1] as number;
}
