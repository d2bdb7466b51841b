/**
 * Keys that `parseJsonSafely` drops: on a plain object they reach (or, through `Object.assign`
 * and spreads into class instances, replace) the prototype chain.
 */
export const UNSAFE_JSON_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

const UNSAFE = new Set(UNSAFE_JSON_KEYS);

/**
 * `JSON.parse` for files rnnkit did not necessarily write: object keys named `__proto__`,
 * `constructor` or `prototype` are dropped at every depth, so no later merge, spread or lookup
 * of the parsed data can reach `Object.prototype`. A syntax error is passed to `onError` (which
 * must throw the caller's own named error). Nothing is ever evaluated.
 *
 * @example
 * ```ts
 * parseJsonSafely('{"__proto__": {"polluted": 1}, "a": 2}', (e) => { throw new MyError(e.message); });
 * // { a: 2 }
 * ```
 */
export function parseJsonSafely(text: string, onError: (error: SyntaxError) => never): unknown {
  try {
    return JSON.parse(text, (key, value) => (UNSAFE.has(key) ? undefined : value));
  } catch (error) {
    return onError(error as SyntaxError);
  }
}
