// The output head's row passes (softmax cross-entropy forward and gradient, for
// packages/cells/src/kernels/linear-loss.ts), a 2-D transpose and the swap of a sequence's
// two leading axes (packages/cells/src/kernels/transpose.ts), as WebAssembly SIMD128
// kernels on tfjs's heap in place. Same memory contract as cell-kernels.c: offsets in 4-byte
// units, no static data, no stack. The softmax exponentials are float32 (v_exp); the sums
// over a row and over the batch are float64, as in the JS passes.

#include "simd-math.h"

// Horizontal max of a vector.
static inline float hmax(V v) {
  V s = wasm_f32x4_max(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  s = wasm_f32x4_max(s, wasm_i32x4_shuffle(s, s, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(s, 0);
}

// Row r of p [N, V] holds x W^T on entry. Adds the bias, turns the row into its softmax, and
// writes stats[2r] = Σ exp(z - max) and stats[2r + 1] = z[y] - max (NaN for an id outside
// [0, V)), float64: the caller's cross-entropy is log(stats[2r]) - stats[2r + 1].
EXPORT(softmax_rows)
void softmax_rows(uint32_t N, uint32_t Vn, uint32_t p, uint32_t bias, uint32_t targets,
                  uint32_t stats) {
  const float *b = F(bias);
  const int32_t *y = (const int32_t *)F(targets);
  double *st_ = D(stats);
  const uint32_t V4 = Vn & ~3u;
  const int tail = (int)(Vn - V4);
  for (uint32_t r = 0; r < N; r++) {
    float *z = F(p) + r * Vn;
    V mv = SPLAT(-__builtin_inff());
    for (uint32_t j = 0; j < V4; j += 4) {
      V v = ADD(ld(z + j, 4), ld(b + j, 4));
      st(z + j, v, 4);
      mv = wasm_f32x4_max(mv, v);
    }
    float max = hmax(mv);
    for (uint32_t j = V4; j < Vn; j++) {
      z[j] += b[j];
      if (z[j] > max || z[j] != z[j]) max = z[j];
    }
    int32_t id = y[r];
    st_[2 * r + 1] = id >= 0 && (uint32_t)id < Vn ? (double)z[id] - (double)max : __builtin_nan("");
    V m = SPLAT(max);
    V lo = wasm_f64x2_splat(0.0), hi = wasm_f64x2_splat(0.0);
    for (uint32_t j = 0; j < Vn; j += 4) {
      int n = j < V4 ? 4 : tail;
      // Lanes past the row's end are zeroed before they are summed.
      V keep = wasm_i32x4_lt(wasm_i32x4_make(0, 1, 2, 3), wasm_i32x4_splat(n));
      V e = wasm_v128_and(v_exp(SUB(ld(z + j, n), m)), keep);
      st(z + j, e, n);
      lo = wasm_f64x2_add(lo, wasm_f64x2_promote_low_f32x4(e));
      hi = wasm_f64x2_add(hi, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(e, e, 2, 3, 2, 3)));
    }
    V both = wasm_f64x2_add(lo, hi);
    double sum = wasm_f64x2_extract_lane(both, 0) + wasm_f64x2_extract_lane(both, 1);
    st_[2 * r] = sum;
    V s = SPLAT((float)sum);
    for (uint32_t j = 0; j < V4; j += 4) st(z + j, DIV(ld(z + j, 4), s), 4);
    if (tail) st(z + V4, DIV(ld(z + V4, tail), s), tail);
  }
}

// dst [cols, rows] = src [rows, cols]^T, in 4x4 blocks of four vector loads and stores.
EXPORT(transpose_f32)
void transpose_f32(uint32_t src, uint32_t dst, uint32_t rows, uint32_t cols) {
  const float *a = F(src);
  float *t = F(dst);
  const uint32_t R4 = rows & ~3u, C4 = cols & ~3u;
  for (uint32_t i = 0; i < R4; i += 4) {
    for (uint32_t j = 0; j < C4; j += 4) {
      V r0 = wasm_v128_load(a + i * cols + j), r1 = wasm_v128_load(a + (i + 1) * cols + j);
      V r2 = wasm_v128_load(a + (i + 2) * cols + j), r3 = wasm_v128_load(a + (i + 3) * cols + j);
      V t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
      V t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
      wasm_v128_store(t + j * rows + i, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
      wasm_v128_store(t + (j + 1) * rows + i, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
      wasm_v128_store(t + (j + 2) * rows + i, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
      wasm_v128_store(t + (j + 3) * rows + i, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
    }
    for (uint32_t q = i; q < i + 4; q++)
      for (uint32_t j = C4; j < cols; j++) t[j * rows + q] = a[q * cols + j];
  }
  for (uint32_t i = R4; i < rows; i++)
    for (uint32_t j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
}

// dz[r, j] = (p[r, j] - [j == y[r]]) * coef[r], coef[r] = w[r] * scale (w = 1 when weights is
// 0), written to dz [N, V] and then, transposed in 4x4 blocks, to dzT [V, N]; sums[j] +=
// dz[r, j] in float64, rows in order.
EXPORT(softmax_xent_grad)
void softmax_xent_grad(uint32_t N, uint32_t Vn, uint32_t p, uint32_t targets, uint32_t weights,
                       float scale, uint32_t dz, uint32_t dzT, uint32_t sums) {
  const int32_t *y = (const int32_t *)F(targets);
  const float *w = weights ? F(weights) : 0;
  double *s = D(sums);
  const uint32_t V4 = Vn & ~3u;
  const int tail = (int)(Vn - V4);
  for (uint32_t r = 0; r < N; r++) {
    const float *pr = F(p) + r * Vn;
    float *g = F(dz) + r * Vn;
    V c = SPLAT(w ? w[r] * scale : scale);
    for (uint32_t j = 0; j < Vn; j += 4) {
      int n = j < V4 ? 4 : tail;
      V d = MUL(ld(pr + j, n), c);
      st(g + j, d, n);
    }
    int32_t id = y[r];
    if (id >= 0 && (uint32_t)id < Vn) g[id] = (pr[id] - 1.0f) * (w ? w[r] * scale : scale);
    for (uint32_t j = 0; j < Vn; j += 4) {
      int n = j < V4 ? 4 : tail;
      add_sum(s + j, ld(g + j, n), n);
    }
  }
  transpose_f32(dz, dzT, N, Vn);
}

// dst [s1, s0, s2] = src [s0, s1, s2] with the two leading axes swapped (batch-major <->
// time-major sequences): one vector copy of each s2-float row.
EXPORT(swap_lead_f32)
void swap_lead_f32(uint32_t src, uint32_t dst, uint32_t s0, uint32_t s1, uint32_t s2) {
  const uint32_t W4 = s2 & ~3u;
  for (uint32_t i = 0; i < s0; i++) {
    for (uint32_t j = 0; j < s1; j++) {
      const float *from = F(src) + (i * s1 + j) * s2;
      float *to = F(dst) + (j * s0 + i) * s2;
      uint32_t q = 0;
      for (; q < W4; q += 4) wasm_v128_store(to + q, wasm_v128_load(from + q));
      for (; q < s2; q++) to[q] = from[q];
    }
  }
}
