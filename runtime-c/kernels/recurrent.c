/*
 * recurrent.c -- RNN, GRU and LSTM layers as real loops over time steps.
 */
#include "kernel_common.h"

#define AOTC_RNN_CELL_SIMPLE 0
#define AOTC_RNN_CELL_GRU 1
#define AOTC_RNN_CELL_LSTM 2

/* The activation functions ONNX's recurrent ops may name. */
#define AOTC_RNN_ACT_RELU 0
#define AOTC_RNN_ACT_TANH 1
#define AOTC_RNN_ACT_SIGMOID 2
#define AOTC_RNN_ACT_AFFINE 3
#define AOTC_RNN_ACT_LEAKY_RELU 4
#define AOTC_RNN_ACT_THRESHOLDED_RELU 5
#define AOTC_RNN_ACT_SCALED_TANH 6
#define AOTC_RNN_ACT_HARD_SIGMOID 7
#define AOTC_RNN_ACT_ELU 8
#define AOTC_RNN_ACT_SOFTSIGN 9
#define AOTC_RNN_ACT_SOFTPLUS 10

static AOTC_UNUSED float aotc_rnn_activate(int32_t kind, float alpha, float beta, float x) {
  switch (kind) {
    case AOTC_RNN_ACT_RELU: return x > 0.0f ? x : 0.0f;
    case AOTC_RNN_ACT_TANH: return tanhf(x);
    case AOTC_RNN_ACT_SIGMOID: return aotc_sigmoidf(x);
    case AOTC_RNN_ACT_AFFINE: return alpha * x + beta;
    case AOTC_RNN_ACT_LEAKY_RELU: return x >= 0.0f ? x : alpha * x;
    case AOTC_RNN_ACT_THRESHOLDED_RELU: return x > alpha ? x : 0.0f;
    case AOTC_RNN_ACT_SCALED_TANH: return alpha * tanhf(beta * x);
    case AOTC_RNN_ACT_HARD_SIGMOID: {
      float y = alpha * x + beta;
      return y < 0.0f ? 0.0f : y > 1.0f ? 1.0f : y;
    }
    case AOTC_RNN_ACT_ELU: return x >= 0.0f ? x : alpha * (expf(x) - 1.0f);
    case AOTC_RNN_ACT_SOFTSIGN: return x / (1.0f + fabsf(x));
    default: return x > 0.0f ? x + log1pf(expf(-x)) : log1pf(expf(x)); /* softplus */
  }
}

/* Cores without SIMD (Cortex-M) keep one running sum: 16 partial sums there
   live in memory (lstm_kws on a Cortex-M4: 7.3 M instructions, 12.7 M with them). */
#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
#define AOTC_RNN_LANES 1
#else
#define AOTC_RNN_LANES 16
/* As a vector type under clang, whose SLP vectorizer leaves the array of
   partial sums scalar once a constant `cols` unrolls the loop. (GCC
   vectorizes the array better than the vector type: lstm_kws on AVX-512,
   gcc 275 us with the array, 372 with the vector; clang 378 and 242.) */
#if defined(__clang__) && !defined(AOTC_NO_VECTOR_EXT)
typedef float aotc_rnn_vec __attribute__((vector_size(AOTC_RNN_LANES * sizeof(float))));
#define AOTC_RNN_VEC 1
#endif
#endif

/* y[j] = b[j] + sum_k m[j, k] * v[k] for j < rows: one gate GEMV over all gates. */
static AOTC_UNUSED void aotc_rnn_gemv(const float *m, const float *v, const float *b, float *y, int32_t rows,
                                      int32_t cols) {
  int32_t j, k, l;
  for (j = 0; j < rows; ++j) {
    const float *row = m + (size_t)j * (size_t)cols;
    /* AOTC_RNN_LANES partial sums: a vector the compiler keeps in registers
       (one running sum is a chain of dependent adds it may not reorder). */
    float acc = b ? b[j] : 0.0f;
#ifdef AOTC_RNN_VEC
    aotc_rnn_vec part, r, x;
    memset(&part, 0, sizeof part);
    for (k = 0; k + AOTC_RNN_LANES <= cols; k += AOTC_RNN_LANES) {
      memcpy(&r, row + k, sizeof r);
      memcpy(&x, v + k, sizeof x);
      part += r * x;
    }
#else
    float part[AOTC_RNN_LANES] = {0.0f};
    for (k = 0; k + AOTC_RNN_LANES <= cols; k += AOTC_RNN_LANES)
      for (l = 0; l < AOTC_RNN_LANES; ++l) part[l] += row[k + l] * v[k + l];
#endif
    for (; k < cols; ++k) acc += row[k] * v[k];
    for (l = 0; l < AOTC_RNN_LANES; ++l) acc += part[l];
    y[j] = acc;
  }
}

static AOTC_UNUSED float aotc_rnn_clip(const aotc_rnn_params *p, float clip, float v) {
  if (!p->has_clip) return v;
  return v < -clip ? -clip : v > clip ? clip : v;
}

/* Where the hidden vector of (step t, direction d, batch entry n) lives in Y. */
static AOTC_UNUSED size_t aotc_rnn_y_at(const aotc_rnn_params *p, int32_t t, int32_t d, int32_t n) {
  size_t S = (size_t)p->seq, D = (size_t)p->directions, N = (size_t)p->batch;
  return (p->batch_major ? ((size_t)n * S + (size_t)t) * D + (size_t)d : ((size_t)t * D + (size_t)d) * N + (size_t)n) *
         (size_t)p->hidden;
}

/*
 * One layer, see aotc_rnn_params (kernel_params.h). Gates are ONNX's order:
 * LSTM i o f c, GRU z r h, RNN one. act holds an (alpha, beta) pair for each
 * of p->activation's six entries. Optional tensors are NULL when absent:
 * b, seq_lens (int32 [batch]), initial_h, initial_c, peephole ([dirs, 3 *
 * hidden]: i o f), y, y_h, y_c. clip (if p->has_clip) bounds every gate's
 * input before its activation. Batch entries run one at a time: each step is
 * one GEMV for W x and one for R h over all gates at once. Past an entry's
 * sequence length its Y rows are 0 and its state stays.
 * scratch: (2 * gates + 3) * hidden floats.
 */
AOTC_KERNEL void aotc_rnn_f32(const aotc_rnn_params *p, const float *act, const float *x, const float *w,
                              const float *r, const float *b, const int32_t *seq_lens, const float *initial_h,
                              const float *initial_c, const float *peephole, float *y, float *y_h, float *y_c,
                              float clip, float *scratch) {
  const int32_t H = p->hidden, I = p->input, S = p->seq, N = p->batch, D = p->directions;
  const int32_t G = p->cell == AOTC_RNN_CELL_LSTM ? 4 : p->cell == AOTC_RNN_CELL_GRU ? 3 : 1;
  const size_t GH = (size_t)G * (size_t)H;
  float *gx = scratch, *gh = gx + GH; /* W x + Wb and R h + Rb, every gate */
  float *h = gh + GH, *c = h + H, *next = c + H;
  int32_t d, n, s, j;
  for (d = 0; d < D; ++d) {
    const float *wd = w + (size_t)d * GH * (size_t)I;
    const float *rd = r + (size_t)d * GH * (size_t)H;
    const float *wb = b ? b + (size_t)d * 2u * GH : NULL;
    const float *rb = wb ? wb + GH : NULL;
    const float *pd = peephole ? peephole + (size_t)d * 3u * (size_t)H : NULL;
    const int32_t *kind = p->activation + 3 * d;
    const float *ab = act + 6 * d;
    const int32_t backwards = d == 1 || p->reverse;
    for (n = 0; n < N; ++n) {
      const int32_t len = seq_lens ? (seq_lens[n] < 0 ? 0 : seq_lens[n] > S ? S : seq_lens[n]) : S;
      const size_t state_at = (p->batch_major ? (size_t)n * (size_t)D + (size_t)d : (size_t)d * (size_t)N + (size_t)n) *
                              (size_t)H;
      for (j = 0; j < H; ++j) {
        h[j] = initial_h ? initial_h[state_at + (size_t)j] : 0.0f;
        c[j] = initial_c ? initial_c[state_at + (size_t)j] : 0.0f;
      }
      for (s = 0; s < S; ++s) {
        const int32_t t = backwards ? len - 1 - s : s;
        if (s >= len) {
          if (y) memset(y + aotc_rnn_y_at(p, s, d, n), 0, (size_t)H * sizeof(float));
          continue;
        }
        aotc_rnn_gemv(wd, x + (p->batch_major ? (size_t)n * (size_t)S + (size_t)t : (size_t)t * (size_t)N + (size_t)n) *
                                  (size_t)I,
                      wb, gx, G * H, I);
        aotc_rnn_gemv(rd, h, rb, gh, G * H, H);
        if (p->cell == AOTC_RNN_CELL_GRU && !p->linear_before_reset) {
          /* The h gate takes R_h (r * h) + Rb_h, so it waits for the reset gate r. */
          for (j = 0; j < H; ++j)
            next[j] = aotc_rnn_activate(kind[0], ab[0], ab[1], aotc_rnn_clip(p, clip, gx[H + j] + gh[H + j])) * h[j];
          aotc_rnn_gemv(rd + 2u * (size_t)H * (size_t)H, next, rb ? rb + 2 * H : NULL, gh + 2 * H, H, H);
        }
        for (j = 0; j < H; ++j) {
          if (p->cell == AOTC_RNN_CELL_SIMPLE) {
            next[j] = aotc_rnn_activate(kind[0], ab[0], ab[1], aotc_rnn_clip(p, clip, gx[j] + gh[j]));
          } else if (p->cell == AOTC_RNN_CELL_GRU) {
            float z = aotc_rnn_activate(kind[0], ab[0], ab[1], aotc_rnn_clip(p, clip, gx[j] + gh[j]));
            float hidden_in = gx[2 * H + j] + gh[2 * H + j];
            if (p->linear_before_reset) {
              float reset = aotc_rnn_activate(kind[0], ab[0], ab[1], aotc_rnn_clip(p, clip, gx[H + j] + gh[H + j]));
              hidden_in = gx[2 * H + j] + reset * gh[2 * H + j];
            }
            next[j] = (1.0f - z) * aotc_rnn_activate(kind[1], ab[2], ab[3], aotc_rnn_clip(p, clip, hidden_in)) + z * h[j];
          } else {
            float in = aotc_rnn_activate(kind[0], ab[0], ab[1],
                                         aotc_rnn_clip(p, clip, gx[j] + gh[j] + (pd ? pd[j] * c[j] : 0.0f)));
            float forget =
                p->input_forget ? 1.0f - in
                                : aotc_rnn_activate(kind[0], ab[0], ab[1],
                                                    aotc_rnn_clip(p, clip, gx[2 * H + j] + gh[2 * H + j] +
                                                                               (pd ? pd[2 * H + j] * c[j] : 0.0f)));
            float cell = aotc_rnn_activate(kind[1], ab[2], ab[3], aotc_rnn_clip(p, clip, gx[3 * H + j] + gh[3 * H + j]));
            float out;
            c[j] = forget * c[j] + in * cell;
            out = aotc_rnn_activate(kind[0], ab[0], ab[1],
                                    aotc_rnn_clip(p, clip, gx[H + j] + gh[H + j] + (pd ? pd[H + j] * c[j] : 0.0f)));
            next[j] = out * aotc_rnn_activate(kind[2], ab[4], ab[5], c[j]);
          }
        }
        memcpy(h, next, (size_t)H * sizeof(float));
        if (y) memcpy(y + aotc_rnn_y_at(p, t, d, n), h, (size_t)H * sizeof(float));
      }
      if (y_h) memcpy(y_h + state_at, h, (size_t)H * sizeof(float));
      if (y_c) memcpy(y_c + state_at, c, (size_t)H * sizeof(float));
    }
  }
}
