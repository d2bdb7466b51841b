// Batch-1 inference of a stacked RNN / LSTM / GRU and its dense head, one whole step per call:
// per layer the input product (a row gather for a one-hot id), the recurrent mat-vec and the
// cell, then the logits. The equations are those of packages/cells/src/cell/{rnn,lstm,gru}.ts
// (PyTorch gate order: LSTM i, f, g, o; GRU r, z, n with the reset applied after the
// recurrent product, b_hh included), in float32 four units at a time.
//
// Memory contract: the module imports a memory of its own (never tfjs's heap: the weights
// are a copy) and every pointer is an offset in 4-byte units into it, as in cell-kernels.c.
// No static data, no stack (build.sh checks both). What a step reads and writes is named by
// a plan that the JS side (packages/core/src/simd/simd-stepper.ts) lays out:
//
//   plan words: [0] L, [1] V (logits; 0 = no head), [2] head weights, [3] head bias,
//               [4] logits, [5] x (the dense input of layer 0), then 16 words per layer:
//   layer words: [0] cell (0 rnn, 1 lstm, 2 gru), [1] I, [2] H, [3] HP = H rounded up to 4,
//               [4] N = G*HP rounded up to 24, [5] W_ih, [6] W_hh, [7] bias of the input
//               product (b_ih + b_hh; b_ih for GRU), [8] b_hh (GRU), [9] h, [10] c (LSTM),
//               [11] the input product [N], [12] the recurrent product [N] (GRU).
//
// Gate q of unit j sits at q*HP + j, so every gate block starts 16-byte aligned; rows past
// G*HP and units past H have zero weights and biases, which keeps their h and c at 0.
// A weight matrix W [rows, K] is packed in tiles of 24 rows: tile t holds, for each k in
// [0, K), the 24 floats W[24t .. 24t+23][k], so a mat-vec streams it front to back and keeps
// the tile's 24 sums in six registers; the one-hot gather reads 24 floats per tile.

#include "simd-math.h"

// Six registers of sums: V8 keeps them, the splat and six loaded rows in x64's fifteen
// allocatable xmm registers (eight sums spilled two to the stack every iteration, ~25% slower).
#define TILE 24

static inline uint32_t *U(uint32_t off) { return (uint32_t *)(uintptr_t)(off << 2); }

// y[0..n) = init[0..n) + W x over k inputs (y may be init; n a multiple of TILE).
static void matvec(float *y, const float *init, const float *w, const float *x, uint32_t k,
                   uint32_t n) {
  for (uint32_t t = 0; t < n; t += TILE) {
    V a0 = wasm_v128_load(init + t), a1 = wasm_v128_load(init + t + 4);
    V a2 = wasm_v128_load(init + t + 8), a3 = wasm_v128_load(init + t + 12);
    V a4 = wasm_v128_load(init + t + 16), a5 = wasm_v128_load(init + t + 20);
    const float *r = w + t * k;
    for (uint32_t p = 0; p < k; p++, r += TILE) {
      V s = wasm_v128_load32_splat(x + p);
      // Opaque to the optimizer, so the loads below stay r + constant (v128.load's offset
      // field, folded into the x86 address) instead of separate additions.
      __asm__("" : "+r"(r));
      a0 = ADD(a0, MUL(s, wasm_v128_load(r)));
      a1 = ADD(a1, MUL(s, wasm_v128_load(r + 4)));
      a2 = ADD(a2, MUL(s, wasm_v128_load(r + 8)));
      a3 = ADD(a3, MUL(s, wasm_v128_load(r + 12)));
      a4 = ADD(a4, MUL(s, wasm_v128_load(r + 16)));
      a5 = ADD(a5, MUL(s, wasm_v128_load(r + 20)));
    }
    wasm_v128_store(y + t, a0);
    wasm_v128_store(y + t + 4, a1);
    wasm_v128_store(y + t + 8, a2);
    wasm_v128_store(y + t + 12, a3);
    wasm_v128_store(y + t + 16, a4);
    wasm_v128_store(y + t + 20, a5);
  }
}

// y[0..n) = init[0..n) + W[:, id]: the product by the one-hot row of id.
static void gather(float *y, const float *init, const float *w, uint32_t id, uint32_t k,
                   uint32_t n) {
  for (uint32_t t = 0; t < n; t += TILE) {
    const float *r = w + t * k + id * TILE;
    for (uint32_t q = 0; q < TILE; q += 4)
      wasm_v128_store(y + t + q, ADD(wasm_v128_load(init + t + q), wasm_v128_load(r + q)));
  }
}

// LSTM: i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o); c' = f c + i g; h' = o tanh(c').
static void lstm(const float *a, float *h, float *c, uint32_t hp) {
  for (uint32_t j = 0; j < hp; j += 4) {
    V i = v_sigmoid(wasm_v128_load(a + j));
    V f = v_sigmoid(wasm_v128_load(a + hp + j));
    V g = v_tanh(wasm_v128_load(a + 2 * hp + j));
    V o = v_sigmoid(wasm_v128_load(a + 3 * hp + j));
    V cNew = ADD(MUL(f, wasm_v128_load(c + j)), MUL(i, g));
    wasm_v128_store(c + j, cNew);
    wasm_v128_store(h + j, MUL(o, v_tanh(cNew)));
  }
}

// GRU, reset after the recurrent product: with gi = x W_ih^T + b_ih, gh = h W_hh^T + b_hh,
// r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r gh_n), h' = n + z (h - n).
static void gru(const float *gi, const float *gh, float *h, uint32_t hp) {
  for (uint32_t j = 0; j < hp; j += 4) {
    V r = v_sigmoid(ADD(wasm_v128_load(gi + j), wasm_v128_load(gh + j)));
    V z = v_sigmoid(ADD(wasm_v128_load(gi + hp + j), wasm_v128_load(gh + hp + j)));
    V n = v_tanh(ADD(wasm_v128_load(gi + 2 * hp + j), MUL(r, wasm_v128_load(gh + 2 * hp + j))));
    V hPrev = wasm_v128_load(h + j);
    wasm_v128_store(h + j, ADD(n, MUL(z, SUB(hPrev, n))));
  }
}

// tanh RNN: h' = tanh(a).
static void rnn(const float *a, float *h, uint32_t hp) {
  for (uint32_t j = 0; j < hp; j += 4) wasm_v128_store(h + j, v_tanh(wasm_v128_load(a + j)));
}

enum { P_LAYERS, P_VOCAB, P_HEAD_W, P_HEAD_B, P_LOGITS, P_X, P_FIRST_LAYER = 8 };
enum { L_CELL, L_IN, L_H, L_HP, L_N, L_WIH, L_WHH, L_BX, L_BH, L_STATE_H, L_STATE_C, L_GX, L_GH };
enum { LAYER_WORDS = 16, CELL_RNN = 0, CELL_LSTM = 1, CELL_GRU = 2 };

// One step: layer 0 reads the one-hot row of `id` when id >= 0, else the plan's x [I].
EXPORT(stepper_step)
void stepper_step(uint32_t plan, int32_t id) {
  const uint32_t *p = U(plan);
  const float *x = F(p[P_X]);
  uint32_t h = 0;
  for (uint32_t l = 0; l < p[P_LAYERS]; l++) {
    const uint32_t *d = p + P_FIRST_LAYER + l * LAYER_WORDS;
    uint32_t n = d[L_N];
    float *gx = F(d[L_GX]), *state = F(d[L_STATE_H]);
    h = d[L_H];
    if (l == 0 && id >= 0)
      gather(gx, F(d[L_BX]), F(d[L_WIH]), (uint32_t)id, d[L_IN], n);
    else
      matvec(gx, F(d[L_BX]), F(d[L_WIH]), x, d[L_IN], n);
    if (d[L_CELL] == CELL_GRU) {
      float *gh = F(d[L_GH]);
      matvec(gh, F(d[L_BH]), F(d[L_WHH]), state, h, n);
      gru(gx, gh, state, d[L_HP]);
    } else {
      matvec(gx, gx, F(d[L_WHH]), state, h, n);
      if (d[L_CELL] == CELL_LSTM)
        lstm(gx, state, F(d[L_STATE_C]), d[L_HP]);
      else
        rnn(gx, state, d[L_HP]);
    }
    x = state;
  }
  if (p[P_VOCAB] != 0) {
    uint32_t n = (p[P_VOCAB] + TILE - 1) / TILE * TILE;
    matvec(F(p[P_LOGITS]), F(p[P_HEAD_B]), F(p[P_HEAD_W]), x, h, n);
  }
}
