// rnnkit's per-step cell arithmetic (LSTM, GRU reset-after, tanh RNN; forward and BPTT) as
// WebAssembly SIMD128 kernels. The equations and their order are those of
// packages/cells/src/fused-{lstm,gru,rnn}.ts, evaluated in float32 four units at a time
// instead of float64 one at a time; the bias-gradient row sums stay float64, in the same
// order as the JS kernel's, so they are bit-identical to it.
//
// Memory contract (what lets the module run in place on tfjs-backend-wasm's heap):
// - every pointer argument is an offset in 4-byte units into the imported memory, i.e. a
//   `Buf.off` (tfjs `memoryOffset >>> 2`); a kernel reads and writes only the ranges its
//   arguments name;
// - no static data, no stack: every intermediate lives in wasm locals. build.sh refuses an
//   artifact with a data section or any use of a global (the linker's __stack_pointer).
//
// Row layout per batch row b: mm/xp/dGx/dGh [G*H] gate-major (gate q of unit j at q*H + j),
// cache [K*H] likewise, states [H]; `on` is [B] float (0 past a sequence's length) or 0 for
// "every row valid".

#include "simd-math.h"

// ---------------------------------------------------------------------------------------
// LSTM (gates i, f, g, o; cache row i, f, g, o, tanh(c'))

static inline void lstm_fwd4(const float *a, const float *x, const float *hp, const float *cp,
                             float *hn, float *cn, float *out, float *k, uint32_t H, int valid,
                             int n) {
  V i = v_sigmoid(ADD(ld(a, n), ld(x, n)));
  V f = v_sigmoid(ADD(ld(a + H, n), ld(x + H, n)));
  V g = v_tanh(ADD(ld(a + 2 * H, n), ld(x + 2 * H, n)));
  V o = v_sigmoid(ADD(ld(a + 3 * H, n), ld(x + 3 * H, n)));
  V cPrev = ld(cp, n);
  V cNew = ADD(MUL(f, cPrev), MUL(i, g));
  V tc = v_tanh(cNew);
  st(k, i, n);
  st(k + H, f, n);
  st(k + 2 * H, g, n);
  st(k + 3 * H, o, n);
  st(k + 4 * H, tc, n);
  if (valid) {
    V h = MUL(o, tc);
    st(out, h, n);
    st(hn, h, n);
    st(cn, cNew, n);
  } else {
    st(out, ZERO, n);
    st(hn, ld(hp, n), n);
    st(cn, cPrev, n);
  }
}

EXPORT(lstm_forward)
void lstm_forward(uint32_t B, uint32_t H, uint32_t mm, uint32_t xp, uint32_t h, uint32_t c,
                  uint32_t hNext, uint32_t cNext, uint32_t out, uint32_t cache, uint32_t on) {
  for (uint32_t b = 0; b < B; b++) {
    int valid = row_valid(on, b);
    const float *a = F(mm) + b * 4 * H, *x = F(xp) + b * 4 * H;
    const float *hp = F(h) + b * H, *cp = F(c) + b * H;
    float *hn = F(hNext) + b * H, *cn = F(cNext) + b * H, *o = F(out) + b * H;
    float *k = F(cache) + b * 5 * H;
    uint32_t j = 0;
    for (; j + 4 <= H; j += 4)
      lstm_fwd4(a + j, x + j, hp + j, cp + j, hn + j, cn + j, o + j, k + j, H, valid, 4);
    if (j < H)
      lstm_fwd4(a + j, x + j, hp + j, cp + j, hn + j, cn + j, o + j, k + j, H, valid, H - j);
  }
}

static inline void lstm_bwd4(float *dh, float *dc, const float *dOut, const float *k,
                             const float *cp, float *gx, float *gh, double *sum, uint32_t H,
                             int n) {
  V dhNew = ADD(ld(dh, n), ld(dOut, n));
  V i = ld(k, n), f = ld(k + H, n), g = ld(k + 2 * H, n), o = ld(k + 3 * H, n);
  V tc = ld(k + 4 * H, n);
  V dcAll = ADD(ld(dc, n), MUL(MUL(dhNew, o), SUB(ONE, MUL(tc, tc))));
  V dai = MUL(MUL(dcAll, g), MUL(i, SUB(ONE, i)));
  V daf = MUL(MUL(dcAll, ld(cp, n)), MUL(f, SUB(ONE, f)));
  V dag = MUL(MUL(dcAll, i), SUB(ONE, MUL(g, g)));
  V dao = MUL(MUL(dhNew, tc), MUL(o, SUB(ONE, o)));
  st(gx, dai, n);
  st(gx + H, daf, n);
  st(gx + 2 * H, dag, n);
  st(gx + 3 * H, dao, n);
  if (gh != gx) {
    st(gh, dai, n);
    st(gh + H, daf, n);
    st(gh + 2 * H, dag, n);
    st(gh + 3 * H, dao, n);
  }
  if (sum) {
    add_sum(sum, dai, n);
    add_sum(sum + H, daf, n);
    add_sum(sum + 2 * H, dag, n);
    add_sum(sum + 3 * H, dao, n);
  }
  st(dc, MUL(dcAll, f), n);
  st(dh, ZERO, n); // all of dh_prev flows through W_hh
}

// dh, dc: in d/d(state after the step), out d/d(state before) minus what flows through W_hh.
// dGh may equal dGx (written once). sumX: float64 [4H] += Σ_b dGx rows, or 0.
EXPORT(lstm_backward)
void lstm_backward(uint32_t B, uint32_t H, uint32_t dh, uint32_t dc, uint32_t dOut, uint32_t cache,
                   uint32_t c, uint32_t on, uint32_t dGx, uint32_t dGh, uint32_t sumX) {
  double *sum = sumX ? D(sumX) : 0;
  for (uint32_t b = 0; b < B; b++) {
    float *gx = F(dGx) + b * 4 * H, *gh = F(dGh) + b * 4 * H;
    if (!row_valid(on, b)) {
      zero(gx, 4 * H);
      if (gh != gx) zero(gh, 4 * H);
      continue; // dh, dc pass through unchanged
    }
    float *dhr = F(dh) + b * H, *dcr = F(dc) + b * H;
    const float *dor = F(dOut) + b * H, *k = F(cache) + b * 5 * H, *cp = F(c) + b * H;
    uint32_t j = 0;
    for (; j + 4 <= H; j += 4)
      lstm_bwd4(dhr + j, dcr + j, dor + j, k + j, cp + j, gx + j, gh + j, sum ? sum + j : 0, H, 4);
    if (j < H)
      lstm_bwd4(dhr + j, dcr + j, dor + j, k + j, cp + j, gx + j, gh + j, sum ? sum + j : 0, H,
                H - j);
  }
}

// ---------------------------------------------------------------------------------------
// GRU, reset after the recurrent matmul (gates r, z, n; cache row r, z, n, hn)

static inline void gru_fwd4(const float *a, const float *x, const float *bh, const float *hp,
                            float *hnx, float *out, float *k, uint32_t H, int valid, int n) {
  // float32 roundings where the op-by-op version stores an intermediate tensor
  V hr = ADD(ld(a, n), ld(bh, n));
  V hz = ADD(ld(a + H, n), ld(bh + H, n));
  V hn = ADD(ld(a + 2 * H, n), ld(bh + 2 * H, n));
  V r = v_sigmoid(ADD(ld(x, n), hr));
  V z = v_sigmoid(ADD(ld(x + H, n), hz));
  V nn = v_tanh(ADD(ld(x + 2 * H, n), MUL(r, hn)));
  V hPrev = ld(hp, n);
  V hNew = ADD(nn, MUL(z, SUB(hPrev, nn)));
  st(k, r, n);
  st(k + H, z, n);
  st(k + 2 * H, nn, n);
  st(k + 3 * H, hn, n);
  st(out, valid ? hNew : ZERO, n);
  st(hnx, valid ? hNew : hPrev, n);
}

EXPORT(gru_forward)
void gru_forward(uint32_t B, uint32_t H, uint32_t mm, uint32_t xp, uint32_t bias, uint32_t h,
                 uint32_t hNext, uint32_t out, uint32_t cache, uint32_t on) {
  const float *bh = F(bias);
  for (uint32_t b = 0; b < B; b++) {
    int valid = row_valid(on, b);
    const float *a = F(mm) + b * 3 * H, *x = F(xp) + b * 3 * H, *hp = F(h) + b * H;
    float *hn = F(hNext) + b * H, *o = F(out) + b * H, *k = F(cache) + b * 4 * H;
    uint32_t j = 0;
    for (; j + 4 <= H; j += 4)
      gru_fwd4(a + j, x + j, bh + j, hp + j, hn + j, o + j, k + j, H, valid, 4);
    if (j < H) gru_fwd4(a + j, x + j, bh + j, hp + j, hn + j, o + j, k + j, H, valid, H - j);
  }
}

static inline void gru_bwd4(float *dh, const float *dOut, const float *k, const float *hp,
                            float *gx, float *gh, float *rows, double *sx, double *sh, uint32_t H,
                            int n) {
  V dhNew = ADD(ld(dh, n), ld(dOut, n));
  V r = ld(k, n), z = ld(k + H, n), nn = ld(k + 2 * H, n), hn = ld(k + 3 * H, n);
  V dan = MUL(MUL(dhNew, SUB(ONE, z)), SUB(ONE, MUL(nn, nn)));
  V daz = MUL(MUL(dhNew, SUB(ld(hp, n), nn)), MUL(z, SUB(ONE, z)));
  V dar = MUL(MUL(dan, hn), MUL(r, SUB(ONE, r)));
  V danr = MUL(dan, r);
  st(gx, dar, n);
  st(gx + H, daz, n);
  st(gx + 2 * H, dan, n);
  st(gh, dar, n);
  st(gh + H, daz, n);
  st(gh + 2 * H, danr, n);
  if (rows) {
    st(rows, dar, n);
    st(rows + H, daz, n);
    st(rows + 2 * H, danr, n);
  }
  if (sx) {
    add_sum(sx, dar, n);
    add_sum(sx + H, daz, n);
    add_sum(sx + 2 * H, dan, n);
  }
  if (sh) {
    add_sum(sh, dar, n);
    add_sum(sh + H, daz, n);
    add_sum(sh + 2 * H, danr, n);
  }
  st(dh, MUL(dhNew, z), n); // the part of dh_prev that skips W_hh
}

// dGh: the recurrent matMul's left operand; rows: dGh kept for dW_hh (or 0). sumX, sumH:
// float64 [3H] += Σ_b dGx rows and Σ_b dGh rows, or 0.
EXPORT(gru_backward)
void gru_backward(uint32_t B, uint32_t H, uint32_t dh, uint32_t dOut, uint32_t cache, uint32_t h,
                  uint32_t on, uint32_t dGx, uint32_t dGh, uint32_t rows, uint32_t sumX,
                  uint32_t sumH) {
  double *sx = sumX ? D(sumX) : 0, *sh = sumH ? D(sumH) : 0;
  for (uint32_t b = 0; b < B; b++) {
    float *gx = F(dGx) + b * 3 * H, *gh = F(dGh) + b * 3 * H;
    float *rw = rows ? F(rows) + b * 3 * H : 0;
    if (!row_valid(on, b)) {
      zero(gx, 3 * H);
      zero(gh, 3 * H);
      if (rw) zero(rw, 3 * H);
      continue; // dh passes through unchanged
    }
    float *dhr = F(dh) + b * H;
    const float *dor = F(dOut) + b * H, *k = F(cache) + b * 4 * H, *hp = F(h) + b * H;
    uint32_t j = 0;
    for (; j + 4 <= H; j += 4)
      gru_bwd4(dhr + j, dor + j, k + j, hp + j, gx + j, gh + j, rw ? rw + j : 0, sx ? sx + j : 0,
               sh ? sh + j : 0, H, 4);
    if (j < H)
      gru_bwd4(dhr + j, dor + j, k + j, hp + j, gx + j, gh + j, rw ? rw + j : 0, sx ? sx + j : 0,
               sh ? sh + j : 0, H, H - j);
  }
}

// ---------------------------------------------------------------------------------------
// tanh RNN (cache row h' before masking)

static inline void rnn_fwd4(const float *a, const float *x, const float *hp, float *hnx,
                            float *out, float *k, int valid, int n) {
  V hNew = v_tanh(ADD(ld(a, n), ld(x, n)));
  st(k, hNew, n);
  st(out, valid ? hNew : ZERO, n);
  st(hnx, valid ? hNew : ld(hp, n), n);
}

EXPORT(rnn_forward)
void rnn_forward(uint32_t B, uint32_t H, uint32_t mm, uint32_t xp, uint32_t h, uint32_t hNext,
                 uint32_t out, uint32_t cache, uint32_t on) {
  for (uint32_t b = 0; b < B; b++) {
    int valid = row_valid(on, b);
    uint32_t s = b * H, j = 0;
    const float *a = F(mm) + s, *x = F(xp) + s, *hp = F(h) + s;
    float *hn = F(hNext) + s, *o = F(out) + s, *k = F(cache) + s;
    for (; j + 4 <= H; j += 4) rnn_fwd4(a + j, x + j, hp + j, hn + j, o + j, k + j, valid, 4);
    if (j < H) rnn_fwd4(a + j, x + j, hp + j, hn + j, o + j, k + j, valid, H - j);
  }
}

static inline void rnn_bwd4(float *dh, const float *dOut, const float *k, float *gx, float *gh,
                            double *sum, int n) {
  V hNew = ld(k, n);
  V dhNew = ADD(ld(dh, n), ld(dOut, n));
  V da = MUL(dhNew, SUB(ONE, MUL(hNew, hNew)));
  st(gx, da, n);
  if (gh != gx) st(gh, da, n);
  if (sum) add_sum(sum, da, n);
  st(dh, ZERO, n);
}

// dGh may equal dGx. sumX: float64 [H] += Σ_b dGx rows, or 0.
EXPORT(rnn_backward)
void rnn_backward(uint32_t B, uint32_t H, uint32_t dh, uint32_t dOut, uint32_t cache, uint32_t on,
                  uint32_t dGx, uint32_t dGh, uint32_t sumX) {
  double *sum = sumX ? D(sumX) : 0;
  for (uint32_t b = 0; b < B; b++) {
    uint32_t s = b * H, j = 0;
    float *gx = F(dGx) + s, *gh = F(dGh) + s;
    if (!row_valid(on, b)) {
      zero(gx, H);
      if (gh != gx) zero(gh, H);
      continue; // dh passes through unchanged
    }
    float *dhr = F(dh) + s;
    const float *dor = F(dOut) + s, *k = F(cache) + s;
    for (; j + 4 <= H; j += 4)
      rnn_bwd4(dhr + j, dor + j, k + j, gx + j, gh + j, sum ? sum + j : 0, 4);
    if (j < H) rnn_bwd4(dhr + j, dor + j, k + j, gx + j, gh + j, sum ? sum + j : 0, H - j);
  }
}

// ---------------------------------------------------------------------------------------
// BPTT glue: dh += dG_h W_hh after each step's matMul (float32, as the JS loop stores it).

EXPORT(add_f32)
void add_f32(uint32_t dst, uint32_t src, uint32_t n) {
  float *d = F(dst);
  const float *s = F(src);
  uint32_t i = 0;
  for (; i + 4 <= n; i += 4) st(d + i, ADD(ld(d + i, 4), ld(s + i, 4)), 4);
  if (i < n) st(d + i, ADD(ld(d + i, n - i), ld(s + i, n - i)), n - i);
}
