import * as tf from '@tensorflow/tfjs-core';
import { OptimizerStateError } from '../errors.js';
import { checkGradients } from './check-gradients.js';
import type { Optimizer, OptimizerConfig, OptimizerState } from './optimizer.js';
import { parseOptimizerState } from './parse-optimizer-state.js';
import type { SlotVariables as Slots, UpdateRule } from './update-rule.js';

/**
 * Builds an {@link Optimizer} from an update rule: validates gradients against parameters,
 * creates each parameter's slots lazily as non-trainable zero variables, runs one step inside
 * a single `tf.tidy` and writes results back with `assign`, so a step leaves no tensors behind.
 */
export function createSlotOptimizer<C extends OptimizerConfig>(
  rule: UpdateRule<C>,
  options: object,
): Optimizer {
  let config = rule.parse(options);
  let iterations = 0;
  let slots = new Map<string, Slots>();
  let disposed = false;

  const alive = (method: string): void => {
    if (disposed) {
      throw new OptimizerStateError(
        `${rule.name}.${method}: the optimizer was disposed. ` +
          'Create a new one (and setState to resume).',
      );
    }
  };

  return {
    name: rule.name,
    get learningRate() {
      return config.learningRate;
    },
    set learningRate(value: number) {
      config = rule.parse({ ...config, learningRate: value });
    },
    get iterations() {
      return iterations;
    },

    applyGradients(params, grads) {
      alive('applyGradients');
      const names = checkGradients(rule.name, params, grads, slots);
      const wanted = rule.slotNames(config);
      for (const name of names) {
        if (!slots.has(name) && wanted.length > 0) {
          slots.set(name, zeroSlots(params[name] as tf.Variable, wanted));
        }
      }
      const t = iterations + 1;
      tf.tidy(() => {
        const update = rule.step(config, t);
        for (const name of names) {
          const param = params[name] as tf.Variable;
          const current = slots.get(name) ?? {};
          const next = update(param, grads[name] as tf.Tensor, current);
          param.assign(next.param);
          for (const [slot, variable] of Object.entries(current)) {
            variable.assign(next.slots[slot] as tf.Tensor);
          }
        }
      });
      iterations = t;
    },

    getState(): OptimizerState {
      alive('getState');
      const state: OptimizerState = {
        name: rule.name,
        iterations,
        config: { ...config },
        slots: {},
        shapes: {},
      };
      for (const [name, byName] of slots) {
        const entries = Object.entries(byName);
        // dataSync may hand back the backend's own buffer: copy so the state stays a snapshot.
        state.slots[name] = Object.fromEntries(
          entries.map(([slot, v]) => [slot, new Float32Array(v.dataSync())]),
        );
        state.shapes[name] = [...(entries[0]?.[1].shape ?? [])];
      }
      return state;
    },

    setState(state) {
      alive('setState');
      const parsed = parseOptimizerState(rule, state);
      const restored = new Map<string, Slots>();
      for (const [name, { shape, values }] of parsed.slots) {
        const byName: Slots = {};
        for (const [slot, v] of Object.entries(values)) {
          byName[slot] = tf.tidy(() => tf.variable(tf.tensor(v, shape, 'float32'), false));
        }
        restored.set(name, byName);
      }
      disposeSlots(slots);
      slots = restored;
      config = parsed.config;
      iterations = parsed.iterations;
    },

    dispose() {
      disposeSlots(slots);
      slots = new Map();
      disposed = true;
    },
  };
}

function zeroSlots(param: tf.Variable, names: readonly string[]): Slots {
  return Object.fromEntries(
    names.map((slot) => [slot, tf.tidy(() => tf.variable(tf.zerosLike(param), false))]),
  );
}

function disposeSlots(slots: Map<string, Slots>): void {
  for (const byName of slots.values()) tf.dispose(Object.values(byName));
}
