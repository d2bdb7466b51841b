// Adam's update (and the gradients' sum of squares, for their global norm) as WebAssembly SIMD
// kernels. Computed in float64 lanes (two at a time),
// operation for operation as the fused JS kernel (packages/optim/src/fused-adam.ts), so its
// results are bit-identical to it: the update is memory-bound, so the narrower lanes cost
// little, and training runs stay reproducible across the JS and SIMD paths.

#include "simd-math.h"

static inline V ld2(const float *p) { return wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(p)); }

static inline void st2(float *p, V v) {
  wasm_v128_store64_lane(p, wasm_f32x4_demote_f64x2_zero(v), 0);
}

// float64 -> float32 -> float64: the JS kernel's Math.fround
static inline V round32(V d) {
  return wasm_f64x2_promote_low_f32x4(wasm_f32x4_demote_f64x2_zero(d));
}

static inline double adam1(float p, float g, float m, float v, float *m1, float *v1, double a,
                           double s, double b1, double b2, double k1, double k2, double eps) {
  float mi = (float)(b1 * m + k1 * g);
  float vi = (float)(b2 * v + k2 * g * g);
  *m1 = mi;
  *v1 = vi;
  return p - (a * mi) / (s * __builtin_sqrt((double)vi) + eps);
}

// p1 = p - a·m1 / (s·sqrt(v1) + eps), m1 = b1·m + (1-b1)·g, v1 = b2·v + (1-b2)·g², over n
// floats. Outputs may be the inputs themselves (elementwise, read before written).
EXPORT(adam_step)
void adam_step(uint32_t p, uint32_t g, uint32_t m, uint32_t v, uint32_t pOut, uint32_t mOut,
               uint32_t vOut, uint32_t n, double a, double s, double beta1, double beta2,
               double eps) {
  const float *P = F(p), *G = F(g), *M = F(m), *Vv = F(v);
  float *P1 = F(pOut), *M1 = F(mOut), *V1 = F(vOut);
  double k1 = 1 - beta1, k2 = 1 - beta2;
  V A = wasm_f64x2_splat(a), S = wasm_f64x2_splat(s), B1 = wasm_f64x2_splat(beta1),
    B2 = wasm_f64x2_splat(beta2), K1 = wasm_f64x2_splat(k1), K2 = wasm_f64x2_splat(k2),
    E = wasm_f64x2_splat(eps);
  uint32_t i = 0;
  for (; i + 2 <= n; i += 2) {
    V gi = ld2(G + i);
    // round m1, v1 to float32 before the update uses them, as the JS kernel does
    V mi = round32(wasm_f64x2_add(wasm_f64x2_mul(B1, ld2(M + i)), wasm_f64x2_mul(K1, gi)));
    V vi = round32(wasm_f64x2_add(wasm_f64x2_mul(B2, ld2(Vv + i)),
                               wasm_f64x2_mul(wasm_f64x2_mul(K2, gi), gi)));
    V den = wasm_f64x2_add(wasm_f64x2_mul(S, wasm_f64x2_sqrt(vi)), E);
    V pi = wasm_f64x2_sub(ld2(P + i), wasm_f64x2_div(wasm_f64x2_mul(A, mi), den));
    st2(M1 + i, mi);
    st2(V1 + i, vi);
    st2(P1 + i, pi);
  }
  if (i < n) P1[i] = (float)adam1(P[i], G[i], M[i], Vv[i], M1 + i, V1 + i, a, s, beta1, beta2, k1, k2, eps);
}

// Σ x² over n floats in float64 lanes (two at a time, then the two lanes added): the squared
// global norm of the gradients, summed tensor by tensor by the caller.
EXPORT(sum_squares)
double sum_squares(uint32_t x, uint32_t n) {
  const float *p = F(x);
  V acc = wasm_f64x2_splat(0.0);
  uint32_t i = 0;
  for (; i + 2 <= n; i += 2) {
    V d = ld2(p + i);
    acc = wasm_f64x2_add(acc, wasm_f64x2_mul(d, d));
  }
  double s = wasm_f64x2_extract_lane(acc, 0) + wasm_f64x2_extract_lane(acc, 1);
  if (i < n) s += (double)p[i] * (double)p[i];
  return s;
}
