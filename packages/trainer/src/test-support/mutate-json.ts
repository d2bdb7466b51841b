// Test support: seeded structural mutations of JSON values, for the fuzz tests of every parser
// of untrusted files. One call changes one place: a value replaced by junk of another type or
// size, a key deleted or added (prototype keys included), an array grown or cut, a number
// nudged, a string changed.

const JUNK: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 31,
  2 ** 53,
  'abc',
  '',
  '../../../../etc/passwd',
  '/dev/zero',
  [],
  [1, 2],
  ['a'],
  {},
  { __proto__: { polluted: true } },
  'x'.repeat(10_000),
];

type Path = (string | number)[];

function paths(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(value)) {
    // Sample long arrays (vocabularies, histories) rather than list every element.
    const n = value.length;
    for (const i of n > 8 ? [0, 1, n - 1] : value.keys()) paths(value[i], [...at, i], out);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out);
  }
  return out;
}

/** A deep copy of `value` with one seeded mutation; `rng` returns floats in [0, 1). */
export function mutateJson(value: unknown, rng: () => number): unknown {
  const copy = structuredClone(value);
  const all = paths(copy);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
  const path = pick(all);
  if (path.length === 0) return pick(JUNK);
  let parent = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const key = path.at(-1) as string | number;
  const old = parent[key];
  switch (Math.floor(rng() * 8)) {
    case 0:
    case 1:
      parent[key] = structuredClone(pick(JUNK));
      break;
    case 2:
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      break;
    case 3:
      if (typeof old === 'number')
        parent[key] = pick([old + 1, old - 1, old * 2, -old, old / 3, 0]);
      else if (typeof old === 'string')
        parent[key] = pick([`${old}x`, old.slice(1), old.toUpperCase(), `${old}/..`]);
      else parent[key] = structuredClone(pick(JUNK));
      break;
    case 4:
      if (Array.isArray(old)) old.push(structuredClone(old[0] ?? pick(JUNK)));
      else if (old !== null && typeof old === 'object') {
        Object.defineProperty(old, pick(['__proto__', 'constructor', 'extra', 'prototype']), {
          value: structuredClone(pick(JUNK)),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      } else parent[key] = [old];
      break;
    case 5:
      if (Array.isArray(old)) old.length = Math.floor(old.length / 2);
      else parent[key] = String(old);
      break;
    case 6:
      parent[key] = { value: old };
      break;
    default:
      if (typeof old === 'number')
        parent[key] = pick([Number.NaN, Number.POSITIVE_INFINITY, -0, 1e-320]);
      else parent[key] = structuredClone(pick(JUNK));
  }
  return copy;
}

/** `value` as JSON text, sometimes cut short or with a byte changed (as a damaged file is). */
export function mutateJsonText(text: string, rng: () => number): string {
  const at = Math.floor(rng() * text.length);
  switch (Math.floor(rng() * 3)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return `${text.slice(0, at)}${String.fromCharCode(32 + Math.floor(rng() * 95))}${text.slice(at + 1)}`;
    default:
      return `${text.slice(0, at)}"__proto__":{"polluted":1},${text.slice(at)}`;
  }
}
