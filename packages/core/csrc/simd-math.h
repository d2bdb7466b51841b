// Shared helpers of rnnkit's SIMD kernels: offsets to pointers, partial-vector loads and
// stores for the last H % 4 units (built from lanes, never through a stack buffer), float64
// row sums, and float32 exp / sigmoid / tanh.
#ifndef RNNKIT_SIMD_MATH_H
#define RNNKIT_SIMD_MATH_H

#include <stdint.h>
#include <wasm_simd128.h>

typedef v128_t V;

#define EXPORT(name) __attribute__((export_name(#name)))

#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul
#define DIV wasm_f32x4_div
#define SPLAT wasm_f32x4_splat
#define ONE SPLAT(1.0f)
#define ZERO SPLAT(0.0f)

// Offsets are in 4-byte units (a tfjs wasm tensor's memoryOffset >>> 2, a JS Buf.off).
static inline float *F(uint32_t off) { return (float *)(uintptr_t)(off << 2); }
static inline double *D(uint32_t off) { return (double *)(uintptr_t)(off << 2); }

static inline int row_valid(uint32_t on, uint32_t b) { return on == 0 || F(on)[b] != 0.0f; }

// n lanes (1..4) of p; the others 0.
static inline V ld(const float *p, int n) {
  if (n == 4) return wasm_v128_load(p);
  V v = wasm_f32x4_make(p[0], 0.0f, 0.0f, 0.0f);
  if (n > 1) v = wasm_f32x4_replace_lane(v, 1, p[1]);
  if (n > 2) v = wasm_f32x4_replace_lane(v, 2, p[2]);
  return v;
}

// Stores the first n lanes (1..4) of v at p.
static inline void st(float *p, V v, int n) {
  if (n == 4) {
    wasm_v128_store(p, v);
    return;
  }
  p[0] = wasm_f32x4_extract_lane(v, 0);
  if (n > 1) p[1] = wasm_f32x4_extract_lane(v, 1);
  if (n > 2) p[2] = wasm_f32x4_extract_lane(v, 2);
}

static inline void zero(float *p, uint32_t n) {
  uint32_t i = 0;
  for (; i + 4 <= n; i += 4) st(p + i, ZERO, 4);
  for (; i < n; i++) p[i] = 0.0f;
}

// s[0..n) += the first n lanes of v, in float64 (exact promotion, one rounding per add).
static inline void add_sum(double *s, V v, int n) {
  V lo = wasm_f64x2_promote_low_f32x4(v);
  if (n == 4) {
    V hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 2, 3));
    wasm_v128_store(s, wasm_f64x2_add(wasm_v128_load(s), lo));
    wasm_v128_store(s + 2, wasm_f64x2_add(wasm_v128_load(s + 2), hi));
    return;
  }
  s[0] += wasm_f64x2_extract_lane(lo, 0);
  if (n > 1) s[1] += wasm_f64x2_extract_lane(lo, 1);
  if (n > 2) s[2] += (double)wasm_f32x4_extract_lane(v, 2);
}

// e^x in float32, Cephes expf: x = n ln2 + r (ln2 split in two so n*C1 is exact),
// e^r by a degree-6 polynomial on |r| <= ln2/2, 2^n through the exponent bits. Max error
// ~1 ulp on [-87.3, 88.4]; the argument is clamped to that range (sigmoid and tanh only
// need e^x to saturate there), NaN stays NaN.
static inline V v_exp(V x) {
  // pmin/pmax (one x86 instruction each, unlike min/max); NaN in x comes out as x
  x = wasm_f32x4_pmin(x, SPLAT(88.3762626647949f));
  x = wasm_f32x4_pmax(x, SPLAT(-87.3365447504f));
  // n = round(x log2 e): adding 1.5·2^23 rounds to an integer (ties to even) and leaves
  // n in the low mantissa bits, where the shift below turns it into 2^n (no float-to-int
  // conversion, which costs a long sequence on x86).
  V fx = ADD(MUL(x, SPLAT(1.44269504088896341f)), SPLAT(12582912.0f));
  V n = SUB(fx, SPLAT(12582912.0f));
  V r = SUB(x, MUL(n, SPLAT(0.693359375f)));
  r = SUB(r, MUL(n, SPLAT(-2.12194440e-4f)));
  V r2 = MUL(r, r);
  V y = SPLAT(1.9875691500e-4f);
  y = ADD(MUL(y, r), SPLAT(1.3981999507e-3f));
  y = ADD(MUL(y, r), SPLAT(8.3334519073e-3f));
  y = ADD(MUL(y, r), SPLAT(4.1665795894e-2f));
  y = ADD(MUL(y, r), SPLAT(1.6666665459e-1f));
  y = ADD(MUL(y, r), SPLAT(5.0000001201e-1f));
  y = ADD(ADD(MUL(y, r2), r), ONE);
  V e = wasm_i32x4_add(wasm_i32x4_shl(fx, 23), wasm_i32x4_splat(0x3f800000));
  return MUL(y, e);
}

// 1 / (1 + e^-x), as fused-cell.ts: accurate to a few ulp relative over the whole range.
static inline V v_sigmoid(V x) { return DIV(ONE, ADD(ONE, v_exp(wasm_f32x4_neg(x)))); }

// Cephes tanhf: x + x^3 P(x^2) below |x| = 0.625 (where 1 - 2/(e^2x + 1) would cancel in
// float32), sign(x) (1 - 2/(e^2|x| + 1)) above; ~2 ulp. ±1 at the ends, NaN stays NaN.
static inline V v_tanh(V x) {
  V ax = wasm_f32x4_abs(x);
  V e = v_exp(ADD(ax, ax));
  V big = SUB(ONE, DIV(SPLAT(2.0f), ADD(e, ONE)));
  big = wasm_v128_or(big, wasm_v128_and(x, wasm_i32x4_splat((int32_t)0x80000000u)));
  V s = MUL(x, x);
  V p = SPLAT(-5.70498872745e-3f);
  p = ADD(MUL(p, s), SPLAT(2.06390887954e-2f));
  p = ADD(MUL(p, s), SPLAT(-5.37397155531e-2f));
  p = ADD(MUL(p, s), SPLAT(1.33314422036e-1f));
  p = ADD(MUL(p, s), SPLAT(-3.33332819422e-1f));
  V small = ADD(MUL(MUL(p, s), x), x);
  return wasm_v128_bitselect(small, big, wasm_f32x4_lt(ax, SPLAT(0.625f)));
}

#endif
