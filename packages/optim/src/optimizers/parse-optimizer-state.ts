import { OptimizerStateError, OptionError } from '../errors.js';
import type { OptimizerConfig } from './optimizer.js';
import type { UpdateRule } from './update-rule.js';

/** A parameter's restored slots: its shape and one copied Float32Array per slot. */
export interface RestoredSlots {
  shape: number[];
  values: Record<string, Float32Array>;
}

/**
 * Validates a state object (possibly read back from a checkpoint file) against `rule`, all of
 * it before anything is changed, and returns copies of its contents.
 */
export function parseOptimizerState<C extends OptimizerConfig>(
  rule: UpdateRule<C>,
  state: unknown,
): { config: C; iterations: number; slots: Map<string, RestoredSlots> } {
  const fail = (problem: string): never => {
    throw new OptimizerStateError(`${rule.name}.setState: ${problem}`);
  };
  if (!isRecord(state)) return fail('expected the object returned by getState().');
  if (state.name !== rule.name) {
    fail(
      `the state was saved by '${String(state.name)}', not '${rule.name}'. ` +
        'Create the optimizer with createOptimizer(state.name) before restoring it.',
    );
  }
  const { iterations } = state;
  if (typeof iterations !== 'number' || !Number.isSafeInteger(iterations) || iterations < 0) {
    fail(`iterations must be an integer >= 0; got ${String(iterations)}.`);
  }
  let config: C;
  try {
    config = rule.parse(isRecord(state.config) ? state.config : {});
  } catch (error) {
    if (error instanceof OptionError) return fail(`config is invalid: ${error.message}`);
    throw error;
  }
  const { slots, shapes } = state;
  if (!isRecord(slots) || !isRecord(shapes)) {
    return fail('slots and shapes must be objects keyed by parameter name.');
  }
  if (!sameKeys(Object.keys(slots), Object.keys(shapes))) {
    fail(
      `slots and shapes must name the same parameters; got slots for [${Object.keys(slots)}] ` +
        `and shapes for [${Object.keys(shapes)}].`,
    );
  }
  const want = [...rule.slotNames(config)].sort();
  const restored = new Map<string, RestoredSlots>();
  for (const [name, entry] of Object.entries(slots)) {
    const shape = shapes[name];
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      return fail(`shapes['${name}'] must be an array of integers >= 0; got ${String(shape)}.`);
    }
    const have = isRecord(entry) ? Object.keys(entry).sort() : [];
    if (!isRecord(entry) || !sameKeys(have, want)) {
      return fail(
        `parameter '${name}' has slots [${have}], but ${rule.name} with this config keeps ` +
          `[${want}].`,
      );
    }
    const size = shape.reduce((a: number, b: number) => a * b, 1);
    const values: Record<string, Float32Array> = {};
    for (const slot of want) {
      const v = entry[slot];
      if (!(v instanceof Float32Array || Array.isArray(v)) || v.length !== size) {
        fail(
          `slot '${slot}' of '${name}' must hold ${size} numbers for shape [${shape}]; ` +
            `got ${describeValues(v)}.`,
        );
      }
      values[slot] = Float32Array.from(v as ArrayLike<number>);
    }
    if (want.length > 0) restored.set(name, { shape: [...shape], values });
  }
  return { config, iterations: iterations as number, slots: restored };
}

function sameKeys(a: string[], b: string[]): boolean {
  return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function describeValues(v: unknown): string {
  if (v instanceof Float32Array || Array.isArray(v)) return `${v.length} values`;
  return v === null ? 'null' : typeof v;
}
