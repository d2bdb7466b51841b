/** `|actual - expected| <= atol + rtol * |expected|`, the reference vectors' float32 criterion. */
export interface Tolerance {
  atol: number;
  rtol: number;
}

/** The tolerances of the reference vectors' README, by quantity. */
export const TOLERANCES = {
  state: { atol: 1e-5, rtol: 1e-5 },
  grad: { atol: 1e-5, rtol: 1e-4 },
  seqloss: { atol: 1e-6, rtol: 1e-5 },
  params: { atol: 2e-5, rtol: 1e-5 },
  trainerLoss: { atol: 1e-5, rtol: 1e-5 },
  clip: { atol: 1e-6, rtol: 1e-5 },
  exact: { atol: 0, rtol: 0 },
} as const satisfies Record<string, Tolerance>;

/** How one quantity of a reference file compared. */
export interface Check {
  quantity: string;
  count: number;
  /** Largest `|actual - expected|`. */
  worstAbs: number;
  /** Largest `|actual - expected| / max(|expected|, atol)`; near-zero references use atol. */
  worstRel: number;
  tolerance: Tolerance;
  passed: boolean;
  /** Why it failed when the values could not be compared (e.g. a size mismatch). */
  problem?: string;
}

type Nested = number | boolean | Nested[];

/** Flattens a nested JSON array (row-major). */
export function flatten(x: unknown): number[] {
  if (Array.isArray(x)) return x.flatMap((v) => flatten(v));
  if (typeof x === 'number') return [x];
  if (typeof x === 'boolean') return [x ? 1 : 0];
  throw new TypeError(`expected a number or nested arrays of numbers, got ${JSON.stringify(x)}`);
}

/** The shape of a nested JSON array, `[]` for a number. */
export function shapeOf(x: unknown): number[] {
  const shape: number[] = [];
  let cur = x as Nested;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0] as Nested;
  }
  return shape;
}

/** Compares computed values with a reference quantity. */
export function compare(
  quantity: string,
  actual: ArrayLike<number>,
  expected: unknown,
  tolerance: Tolerance,
): Check {
  const want = flatten(expected);
  const check: Check = {
    quantity,
    count: want.length,
    worstAbs: 0,
    worstRel: 0,
    tolerance,
    passed: true,
  };
  if (actual.length !== want.length) {
    return {
      ...check,
      passed: false,
      worstAbs: Number.NaN,
      worstRel: Number.NaN,
      problem: `computed ${actual.length} values, the reference has ${want.length}`,
    };
  }
  for (let i = 0; i < want.length; i++) {
    const a = actual[i] as number;
    const b = want[i] as number;
    const err = Math.abs(a - b);
    // NaN never passes: the comparison below is false for it.
    if (!(err <= tolerance.atol + tolerance.rtol * Math.abs(b))) check.passed = false;
    check.worstAbs = Math.max(check.worstAbs, Number.isNaN(err) ? Number.POSITIVE_INFINITY : err);
    const rel = err / Math.max(Math.abs(b), tolerance.atol || Number.MIN_VALUE);
    check.worstRel = Math.max(check.worstRel, Number.isNaN(rel) ? Number.POSITIVE_INFINITY : rel);
  }
  return check;
}
