/** The scalar activations of the fused cell steps (float64 on plain numbers). */
export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * tanh through one exp: V8's Math.tanh costs ~1.5× Math.exp and the LSTM step takes two per
 * unit. Exact to ~1e-16 absolute (1 - 2/(e^2x + 1)); ±1 and NaN come out right at the ends.
 */
export const tanh = (x: number): number => 1 - 2 / (Math.exp(2 * x) + 1);
