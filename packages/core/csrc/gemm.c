// A dense float32 gemm, out [m, n] (= | +=) a [m, k] · b [k, n], all row-major, as
// WebAssembly SIMD128: b is first packed into panels of 8 columns (gemm_pack_b), then each
// 4 x 8 tile of out is accumulated in eight vector registers, one splat of a per row and
// two vector loads of the panel per step of k (the register blocking of XNNPACK's wasmsimd
// "splat" kernels). Each block of 64 rows x 256 steps of a is first copied, 4 rows
// interleaved by step, into the room after the panels (pack_a), so a step's loads are
// fixed offsets from two pointers: V8 then spends ~27 x64 instructions on a step of the
// 4 x 8 tile instead of ~33 (one add per row of a). Taller or wider tiles (5 or 6 x 8,
// 4 x 12, 3 x 16) measured slower: V8 spills their accumulators. Same memory contract as
// cell-kernels.c: offsets in 4-byte units, no static data, no stack.
//
// Numerics: every out[i, j] is Σ_q a[i, q] b[q, j] summed in float32 in increasing q, one
// rounding per multiply and per add (no FMA: -ffp-contract=off), within blocks of KC
// steps of k; with `acc` the sum starts from out[i, j], otherwise from the first product.
// The order does not depend on m, n, the tile a value falls in or the engine, so a result
// is the same run to run and on every engine. With FMA (GEMM_FMA, the relaxed-SIMD build)
// each step is one rounding and the engine decides whether it fuses, so results may differ
// between engines.

#include "simd-math.h"

#ifdef GEMM_FMA
// clang 14 knows only the prototype opcode (f32x4.fma, 0xfd 0xaf 0x01, a + b c); the bench
// patches it to the final f32x4.relaxed_madd (0xfd 0x85 0x02, a b + c): arguments in that order.
#define MADD(acc, x, y) __builtin_wasm_fma_f32x4((x), (y), (acc))
#else
#define MADD(acc, x, y) ADD((acc), MUL((x), (y)))
#endif

#define NR 8    // columns per panel and tile
#define MR 4    // rows per tile
#define KC 256  // steps of k per pass over out: a panel block of KC x 8 floats (8 KiB)
#define MC 64   // rows of a per block (64 x 256 floats = 64 KiB, L2-resident)

// bp [ceil(n/8), k, 8] = b [k, n] in panels of 8 columns, zero past column n. The MC x
// min(k, KC) floats after the panels are gemm_packed's room for a block of a.
EXPORT(gemm_pack_b)
void gemm_pack_b(uint32_t k, uint32_t n, uint32_t b, uint32_t bp) {
  const float *src = F(b);
  float *dst = F(bp);
  for (uint32_t j0 = 0; j0 < n; j0 += NR) {
    uint32_t w = n - j0 < NR ? n - j0 : NR;
    for (uint32_t q = 0; q < k; q++) {
      const float *s = src + q * n + j0;
      if (w == NR) {
        wasm_v128_store(dst, wasm_v128_load(s));
        wasm_v128_store(dst + 4, wasm_v128_load(s + 4));
      } else {
        for (uint32_t c = 0; c < NR; c++) dst[c] = c < w ? s[c] : 0.0f;
      }
      dst += NR;
    }
  }
}

// ap [ceil(rows/4), kc, 4] = a [rows, kc] (row stride lda) in groups of 4 rows, interleaved by
// step of k, so a tile reads its rows' values of one step at fixed offsets from one pointer
// (the lanes past `rows` in the last group are not written and not read).
static void pack_a(const float *a, uint32_t lda, uint32_t rows, uint32_t kc, float *ap) {
  for (uint32_t i = 0; i < rows; i += MR, a += MR * lda, ap += MR * kc) {
    const uint32_t mr = rows - i < MR ? rows - i : MR;
    for (uint32_t r = 0; r < mr; r++)
      for (uint32_t q = 0; q < kc; q++) ap[q * MR + r] = a[r * lda + q];
  }
}

// One tile: rows [0, mr) of c (row stride ldc) and its first w columns (1..8) get
// Σ_{q<kc} a[r, q] p[q, 0..8), a packed by pack_a; `acc`: add to what c holds. mr is a
// constant at every call, so the row loops unroll and the accumulators live in registers.
static inline __attribute__((always_inline)) void tile(int mr, uint32_t kc, const float *a,
                                                       const float *p, float *c, uint32_t ldc,
                                                       uint32_t w, int acc) {
  V lo[MR], hi[MR];
  const int nlo = w > 4 ? 4 : (int)w, nhi = (int)w - 4;
  const float *end = a + kc * MR;
  if (acc) {
    for (int r = 0; r < mr; r++) {
      lo[r] = ld(c + r * ldc, nlo);
      hi[r] = nhi > 0 ? ld(c + r * ldc + 4, nhi) : ZERO;
    }
  } else {
    // The first step is a product, not 0 + product (the same value, one add fewer).
    V b0 = wasm_v128_load(p), b1 = wasm_v128_load(p + 4);
    for (int r = 0; r < mr; r++) {
      V s = wasm_v128_load32_splat(a + r);
      lo[r] = MUL(s, b0);
      hi[r] = MUL(s, b1);
    }
    a += MR;
    p += NR;
  }
  while (a != end) {
    // An empty asm that "changes" a and p: clang then addresses this step's loads as fixed
    // offsets from them (which V8 folds into each load) instead of one add per load.
    __asm__("" : "+r"(a), "+r"(p));
    V b0 = wasm_v128_load(p), b1 = wasm_v128_load(p + 4);
    for (int r = 0; r < mr; r++) {
      V s = wasm_v128_load32_splat(a + r);
      lo[r] = MADD(lo[r], s, b0);
      hi[r] = MADD(hi[r], s, b1);
    }
    a += MR;
    p += NR;
  }
  for (int r = 0; r < mr; r++) {
    if (w == NR) {
      wasm_v128_store(c + r * ldc, lo[r]);
      wasm_v128_store(c + r * ldc + 4, hi[r]);
    } else {
      st(c + r * ldc, lo[r], nlo);
      if (nhi > 0) st(c + r * ldc + 4, hi[r], nhi);
    }
  }
}

// out [m, n] (= or, with acc != 0, +=) a [m, k] · b, b packed by gemm_pack_b(k, n, b, bp)
// into gemm_packed_size(k, n) floats (the room after the panels gets blocks of a).
EXPORT(gemm_packed)
void gemm_packed(uint32_t m, uint32_t k, uint32_t n, uint32_t a, uint32_t bp, uint32_t out,
                 uint32_t acc) {
  const float *A = F(a), *P = F(bp);
  float *C = F(out);
  const uint32_t panels = (n + NR - 1) / NR;
  float *ap = F(bp) + panels * NR * k;
  if (k == 0) {
    if (!acc) zero(C, m * n);
    return;
  }
  for (uint32_t k0 = 0; k0 < k; k0 += KC) {
    const uint32_t kc = k - k0 < KC ? k - k0 : KC;
    const int add = acc || k0 > 0;
    for (uint32_t i0 = 0; i0 < m; i0 += MC) {
      const uint32_t i1 = m - i0 < MC ? m : i0 + MC;
      pack_a(A + i0 * k + k0, k, i1 - i0, kc, ap);
      for (uint32_t pj = 0; pj < panels; pj++) {
        const float *p = P + (pj * k + k0) * NR;
        const uint32_t j = pj * NR, w = n - j < NR ? n - j : NR;
        uint32_t i = i0;
        for (; i + MR <= i1; i += MR) tile(4, kc, ap + (i - i0) * kc, p, C + i * n + j, n, w, add);
        const float *at = ap + (i - i0) * kc;
        switch (i1 - i) {
        case 3: tile(3, kc, at, p, C + i * n + j, n, w, add); break;
        case 2: tile(2, kc, at, p, C + i * n + j, n, w, add); break;
        case 1: tile(1, kc, at, p, C + i * n + j, n, w, add); break;
        default: break;
        }
      }
    }
  }
}
