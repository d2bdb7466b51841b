// Independent float64 implementations of the SGD and RMSProp updates, written from the
// published formulas (PyTorch SGD; TF/Keras RMSprop), elementwise over plain arrays.

export interface Float64Run {
  params: number[];
  step(grad: number[], lr: number): void;
}

export function sgdFloat64(p0: number[], momentum: number, nesterov: boolean): Float64Run {
  const params = [...p0];
  const buf = p0.map(() => 0);
  return {
    params,
    step(g, lr) {
      params.forEach((p, i) => {
        const gi = g[i] as number;
        if (momentum === 0) {
          params[i] = p - lr * gi;
          return;
        }
        buf[i] = momentum * (buf[i] as number) + gi;
        const d = nesterov ? gi + momentum * (buf[i] as number) : (buf[i] as number);
        params[i] = p - lr * d;
      });
    },
  };
}

export function rmspropFloat64(
  p0: number[],
  o: { decay: number; momentum: number; epsilon: number; centered: boolean },
): Float64Run {
  const params = [...p0];
  const ms = p0.map(() => 0);
  const mg = p0.map(() => 0);
  const mom = p0.map(() => 0);
  return {
    params,
    step(g, lr) {
      params.forEach((p, i) => {
        const gi = g[i] as number;
        ms[i] = o.decay * (ms[i] as number) + (1 - o.decay) * gi * gi;
        mg[i] = o.decay * (mg[i] as number) + (1 - o.decay) * gi;
        const variance = o.centered
          ? (ms[i] as number) - (mg[i] as number) ** 2
          : (ms[i] as number);
        const inc = (lr * gi) / Math.sqrt(variance + o.epsilon);
        mom[i] = o.momentum * (mom[i] as number) + inc;
        params[i] = p - (o.momentum > 0 ? (mom[i] as number) : inc);
      });
    },
  };
}

/** A reproducible gradient sequence with mixed signs and magnitudes. */
export function gradAt(step: number, size: number): number[] {
  return Array.from({ length: size }, (_, i) => Math.sin(1.3 * step + 0.7 * i) * (1 + (i % 3)));
}
