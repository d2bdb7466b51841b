/** The scalar activations of the fused cell steps (float64 on plain numbers). */
export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * tanh through one exp: V8's Math.tanh costs ~1.5× Math.exp and the LSTM step takes two per
 * unit. Exact to ~1e-16 absolute (1 - 2/(e^2x + 1)); ±1 and NaN come out right at the ends.
 */
export const tanh = (x: number): number => 1 - 2 / (Math.exp(2 * x) + 1);

/**
 * The activations a cell can use (Keras `activation` / `recurrent_activation`):
 * - `'hardSigmoid'`: Keras 2's and tfjs-layers' `hard_sigmoid`, `clip(0.2x + 0.5, 0, 1)` (the
 *   default `recurrentActivation` of tfjs-layers' LSTM and GRU);
 * - `'hardSigmoidKeras3'`: Keras 3's `hard_sigmoid`, `clip(x/6 + 0.5, 0, 1)` (= relu6(x+3)/6).
 *   Keras 3 files call it `hard_sigmoid` too: the two differ, so rnnkit names them apart.
 */
export const ACTIVATIONS = [
  'tanh',
  'sigmoid',
  'relu',
  'linear',
  'hardSigmoid',
  'hardSigmoidKeras3',
] as const;

export type Activation = (typeof ACTIVATIONS)[number];

export function isActivation(value: unknown): value is Activation {
  return (ACTIVATIONS as readonly unknown[]).includes(value);
}

/** A scalar activation and its derivative written in terms of its output y = f(a). */
export interface ScalarActivation {
  f(a: number): number;
  df(y: number): number;
}

const SCALAR: Record<Activation, ScalarActivation> = {
  tanh: { f: tanh, df: (y) => 1 - y * y },
  sigmoid: { f: sigmoid, df: (y) => y * (1 - y) },
  relu: { f: (a) => (a > 0 ? a : 0), df: (y) => (y > 0 ? 1 : 0) },
  linear: { f: (a) => a, df: () => 1 },
  hardSigmoid: {
    f: (a) => Math.min(1, Math.max(0, 0.2 * a + 0.5)),
    df: (y) => (y > 0 && y < 1 ? 0.2 : 0),
  },
  hardSigmoidKeras3: {
    f: (a) => Math.min(1, Math.max(0, a / 6 + 0.5)),
    df: (y) => (y > 0 && y < 1 ? 1 / 6 : 0),
  },
};

export function scalarActivation(name: Activation): ScalarActivation {
  return SCALAR[name];
}

/** A cell's two activations, or undefined when they are the defaults (tanh, sigmoid). */
export interface CellActivations {
  act: ScalarActivation;
  rec: ScalarActivation;
}

export function cellActivations(
  activation: Activation,
  recurrentActivation: Activation,
): CellActivations | undefined {
  if (activation === 'tanh' && recurrentActivation === 'sigmoid') return undefined;
  return { act: SCALAR[activation], rec: SCALAR[recurrentActivation] };
}

/** The default pair as scalars, for the activated steps when only `carry` sends them there. */
export const DEFAULT_ACTIVATIONS: CellActivations = {
  act: SCALAR.tanh,
  rec: SCALAR.sigmoid,
};
