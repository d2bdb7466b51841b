// One recurrent layer over a whole time-major sequence in one call, forward and backprop
// through time: per step the recurrent product by the gemm of gemm.c and the cell pass of
// cell-kernels.c, exactly the calls packages/cells/src/kernels/recurrent-{forward,backward}.ts
// otherwise makes from JS step by step, so the results are the same bits. Same memory
// contract as cell-kernels.c: offsets in 4-byte units, no static data, no stack.
//
// Cells: 0 LSTM (G = 4 gates, cache width K = 5), 1 GRU reset-after (3, 4), 2 tanh RNN (1, 1).

#include "simd-math.h"

void gemm_pack_b(uint32_t k, uint32_t n, uint32_t b, uint32_t bp);
void gemm_packed(uint32_t m, uint32_t k, uint32_t n, uint32_t a, uint32_t bp, uint32_t out,
                 uint32_t acc);
void lstm_forward(uint32_t B, uint32_t H, uint32_t mm, uint32_t xp, uint32_t h, uint32_t c,
                  uint32_t hNext, uint32_t cNext, uint32_t out, uint32_t cache, uint32_t on);
void lstm_backward(uint32_t B, uint32_t H, uint32_t dh, uint32_t dc, uint32_t dOut, uint32_t cache,
                   uint32_t c, uint32_t on, uint32_t dGx, uint32_t dGh, uint32_t sumX);
void gru_forward(uint32_t B, uint32_t H, uint32_t mm, uint32_t xp, uint32_t bias, uint32_t h,
                 uint32_t hNext, uint32_t out, uint32_t cache, uint32_t on);
void gru_backward(uint32_t B, uint32_t H, uint32_t dh, uint32_t dOut, uint32_t cache, uint32_t h,
                  uint32_t on, uint32_t dGx, uint32_t dGh, uint32_t rows, uint32_t sumX,
                  uint32_t sumH);
void rnn_forward(uint32_t B, uint32_t H, uint32_t mm, uint32_t xp, uint32_t h, uint32_t hNext,
                 uint32_t out, uint32_t cache, uint32_t on);
void rnn_backward(uint32_t B, uint32_t H, uint32_t dh, uint32_t dOut, uint32_t cache, uint32_t on,
                  uint32_t dGx, uint32_t dGh, uint32_t sumX);
void add_f32(uint32_t dst, uint32_t src, uint32_t n);

static inline uint32_t gates(uint32_t cell) { return cell == 0 ? 4 : cell == 1 ? 3 : 1; }
static inline uint32_t cache_width(uint32_t cell) { return cell == 0 ? 5 : cell == 1 ? 4 : 1; }

// Forward over T steps. xp [T*B, G*H]; wHhT [H, G*H], packed into `packed`
// (ceil(G*H / 8) * 8 * H floats) first; mm [B, G*H] scratch; bias b_hh [G*H] (GRU);
// hs [T*B, H] holds h_0 in its first rows and gets h_1..h_{T-1} (the state each step starts
// from), hLast [B, H] h_T; cs, cLast likewise for the LSTM's c; cache [T*B, K*H]; outs
// [T*B, H]; on [T*B] or 0.
EXPORT(recurrent_forward)
void recurrent_forward(uint32_t cell, uint32_t T, uint32_t B, uint32_t H, uint32_t xp,
                       uint32_t wHhT, uint32_t packed, uint32_t mm, uint32_t bias, uint32_t hs,
                       uint32_t hLast, uint32_t cs, uint32_t cLast, uint32_t cache, uint32_t outs,
                       uint32_t on) {
  const uint32_t GH = gates(cell) * H, KH = cache_width(cell) * H, BH = B * H;
  gemm_pack_b(H, GH, wHhT, packed);
  for (uint32_t t = 0; t < T; t++) {
    const uint32_t h = hs + t * BH, hNext = t + 1 < T ? h + BH : hLast;
    const uint32_t x = xp + t * B * GH, out = outs + t * BH, k = cache + t * B * KH;
    const uint32_t o = on ? on + t * B : 0;
    gemm_packed(B, H, GH, h, packed, mm, 0);
    if (cell == 0) {
      const uint32_t c = cs + t * BH, cNext = t + 1 < T ? c + BH : cLast;
      lstm_forward(B, H, mm, x, h, c, hNext, cNext, out, k, o);
    } else if (cell == 1) {
      gru_forward(B, H, mm, x, bias, h, hNext, out, k, o);
    } else {
      rnn_forward(B, H, mm, x, h, hNext, out, k, o);
    }
  }
}

// Backprop through T steps, last to first. dOut [T*B, H]; dh [B, H] (and dc, LSTM) hold
// d/d(h_T) on entry and d/d(h_0) on return; hs, cs, cache from the forward call; weightHh
// [G*H, H], packed into `packed` (ceil(H / 8) * 8 * G*H floats) first; res [B, H] scratch;
// dGx [T*B, G*H] gets the gate gradients; rows [T*B, G*H] the GRU's dG_h (else 0); sumX,
// sumH float64 [G*H] += their sums over rows (GRU: sumH; else 0). Per step dh += dG_h W_hh
// as a product into res and one add, as the JS loop does.
EXPORT(recurrent_backward)
void recurrent_backward(uint32_t cell, uint32_t T, uint32_t B, uint32_t H, uint32_t dOut,
                        uint32_t dh, uint32_t dc, uint32_t hs, uint32_t cs, uint32_t cache,
                        uint32_t weightHh, uint32_t packed, uint32_t res, uint32_t on,
                        uint32_t dGx, uint32_t rows, uint32_t sumX, uint32_t sumH) {
  const uint32_t GH = gates(cell) * H, KH = cache_width(cell) * H, BH = B * H;
  gemm_pack_b(GH, H, weightHh, packed);
  for (uint32_t t = T; t-- > 0;) {
    const uint32_t d = dOut + t * BH, k = cache + t * B * KH, gx = dGx + t * B * GH;
    const uint32_t o = on ? on + t * B : 0;
    uint32_t gh = gx; // dG_h: the LSTM's and the RNN's equal dG_x
    if (cell == 0) {
      lstm_backward(B, H, dh, dc, d, k, cs + t * BH, o, gx, gx, sumX);
    } else if (cell == 1) {
      gh = rows + t * B * GH;
      gru_backward(B, H, dh, d, k, hs + t * BH, o, gx, gh, 0, sumX, sumH);
    } else {
      rnn_backward(B, H, dh, d, k, o, gx, gx, sumX);
    }
    gemm_packed(B, GH, H, gh, packed, res, 0);
    add_f32(dh, res, BH);
  }
}
