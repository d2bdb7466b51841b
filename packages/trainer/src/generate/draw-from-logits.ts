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

// Scratch of the draw, grown to the largest vocabulary seen: a draw allocates nothing.
let exps = new Float64Array(0);
let ranked = new Float64Array(0); // probabilities, most likely first
let ids = new Int32Array(0); // their ids
let buckets = new Int32Array(0);
let starts = new Int32Array(1);
let order = new Int32Array(0);

/**
 * Picks an id from one row of logits. Computed in float64 in JS, so the same seed draws the
 * same text on every backend. The characters are ranked by probability (ties by id) and `u`
 * in [0, kept mass) walks down the ranking: u near 0 draws the most likely kept character,
 * u near 1 the least likely.
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
  const r = random();
  const t = options.temperature ?? 1;
  if (exps.length < n) {
    [exps, ranked, ids] = [new Float64Array(n), new Float64Array(n), new Int32Array(n)];
    [buckets, starts, order] = [new Int32Array(n), new Int32Array(n + 1), new Int32Array(n)];
  }
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) max = Math.max(max, (logits[i] as number) / t);
  let low = 0;
  for (let i = 0; i < n; i++) {
    const z = (logits[i] as number) / t - max; // <= 0
    exps[i] = z;
    low = Math.min(low, z);
  }
  // The ranking is a sort by (probability desc, id asc): an insertion sort, after a bucket pass
  // by z = l/t - max (n buckets over [low, 0], most likely first) has put the ids nearly in
  // order, so it moves each id a step or two instead of ~n/4 (a draw is per character).
  const scale = low < 0 && low > Number.NEGATIVE_INFINITY ? (n - 1) / -low : 0;
  starts.fill(0, 0, n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const z = exps[i] as number;
    const b = Math.min(n - 1, (-z * scale) | 0);
    buckets[i] = b;
    starts[b + 1] = (starts[b + 1] as number) + 1;
    const e = Math.exp(z);
    exps[i] = e;
    total += e;
  }
  for (let b = 1; b <= n; b++) starts[b] = (starts[b] as number) + (starts[b - 1] as number);
  for (let i = 0; i < n; i++) {
    const b = buckets[i] as number;
    order[starts[b] as number] = i;
    starts[b] = (starts[b] as number) + 1;
  }
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    const p = (exps[i] as number) / total;
    let j = k - 1;
    for (; j >= 0; j--) {
      const q = ranked[j] as number;
      if (!(q < p || (q === p && (ids[j] as number) > i))) break;
      ranked[j + 1] = q;
      ids[j + 1] = ids[j] as number;
    }
    ranked[j + 1] = p;
    ids[j + 1] = i;
  }
  let keep = options.topK != null ? Math.min(options.topK, n) : n;
  if (options.topP != null && options.topP < 1) {
    // The summed float64 probabilities can fall short of p by a few ulps where the exact mass
    // reaches it (0.5 + 0.3 < 0.8): allow for that, or p = 0.8 would keep a third character.
    const p = options.topP - 1e-12;
    let mass = 0;
    let k = 0;
    while (k < keep && mass < p) mass += ranked[k++] as number;
    keep = k;
  }
  let kept = 0;
  for (let k = 0; k < keep; k++) kept += ranked[k] as number;
  let u = r * kept;
  for (let k = 0; k < keep; k++) {
    u -= ranked[k] as number;
    if (u < 0) return ids[k] as number;
  }
  return ids[keep - 1] as number;
}
