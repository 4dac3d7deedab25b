/*
 * recurrent.c -- RNN, GRU and LSTM layers as real loops over time steps.
 */
#include "kernel_common.h"

/* GCC fuses a*b + c into FMA instructions only with fp-contract=fast (ISO C
   modes turn it off); clang fuses within an expression by default. */
#if defined(__GNUC__) && !defined(__clang__) && (defined(__FMA__) || defined(__ARM_FEATURE_FMA))
#define AOTC_RNN_ATTR __attribute__((optimize("fp-contract=fast")))
#else
#define AOTC_RNN_ATTR
#endif

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

/* The activations but sigmoid and tanh (aotc_rnn_sigmoid_tanh_n below). */
static AOTC_UNUSED float aotc_rnn_activate(int32_t kind, float alpha, float beta, float x) {
  switch (kind) {
    case AOTC_RNN_ACT_RELU: return x > 0.0f ? x : 0.0f;
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

/* SIMD width in floats of the GCC/Clang vector types below: 1 (plain floats)
   on cores without SIMD (Cortex-M), for other compilers and with
   AOTC_NO_VECTOR_EXT (--target generic). */
#if defined(AOTC_NO_VECTOR_EXT) || !defined(__GNUC__) || (defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M')
#define AOTC_RNN_VW 1
#elif defined(__AVX512F__)
#define AOTC_RNN_VW 16
#elif defined(__AVX__)
#define AOTC_RNN_VW 8
#elif defined(__SSE2__) || defined(__ARM_NEON) || defined(__wasm_simd128__)
#define AOTC_RNN_VW 4
#else
#define AOTC_RNN_VW 1
#endif
#if AOTC_RNN_VW > 1
typedef float aotc_rnn_v __attribute__((vector_size(AOTC_RNN_VW * 4)));
typedef float aotc_rnn_vu __attribute__((vector_size(AOTC_RNN_VW * 4), aligned(4), may_alias));
typedef int32_t aotc_rnn_vi __attribute__((vector_size(AOTC_RNN_VW * 4)));
#else
typedef float aotc_rnn_v;
typedef float aotc_rnn_vu;
#endif

/*
 * v[i] = sigmoid(v[i]), or tanh(v[i]) if tanh_mode, for i < n, branch-free
 * (libm's tanhf is a call per element). sigmoid is aotc_sigmoidf
 * (kernel_common.h); tanh is Cephes' odd polynomial for |x| < 0.625, else
 * sign(x) (1 - 2 sigmoid(-2|x|)), which has no cancellation. Relative error
 * below 3e-7 on [-20, 20]; NaN stays NaN. With SIMD, branch-free on
 * vectors (gcc if-converts aotc_sigmoidf's selects only with AVX-512's
 * masks: with AVX2 or SSE a plain loop stays scalar); the plain loop takes
 * the rest. Out of line, and in FMAs where there are some (lstm_kws's
 * activations, AVX-512: 250 ns a step, 170 with them).
 */
#if AOTC_RNN_VW > 1
static AOTC_UNUSED AOTC_RNN_ATTR aotc_rnn_v aotc_rnn_sigmoid_tanh_v(aotc_rnn_v x, int32_t tanh_mode) {
  const aotc_rnn_vi sign = (aotc_rnn_vi)x & ~0x7FFFFFFF;
  const aotc_rnn_v a = (aotc_rnn_v)((aotc_rnn_vi)x & 0x7FFFFFFF), arg = tanh_mode ? a * -2.0f : x;
  aotc_rnn_v zero, t, fn, r, p, e, s, z;
  aotc_rnn_vi izero, cap, b, m, n, n1;
  memset(&zero, 0, sizeof zero);
  memset(&izero, 0, sizeof izero);
  /* e = e^-|arg| as aotc_exp_neg_absf computes it */
  cap = izero + 0x42D00000; /* 104.0f */
  b = (aotc_rnn_vi)arg & 0x7FFFFFFF;
  m = (aotc_rnn_vi)(b < cap);
  b = (b & m) | (cap & ~m);
  t = -(aotc_rnn_v)b;
  n = __builtin_convertvector(t * 1.44269504088896341f - 0.5f, aotc_rnn_vi);
  n1 = n / 2;
  fn = __builtin_convertvector(n, aotc_rnn_v);
  AOTC_EXPF_REDUCED(p, r, t, fn, zero);
  e = p * (aotc_rnn_v)((n1 + 127) << 23) * (aotc_rnn_v)((n - n1 + 127) << 23);
  /* sigmoid(arg): 1 / (1 + e) for arg >= 0, e / (1 + e) below */
  r = 1.0f / (1.0f + e);
  s = e * r;
  m = (aotc_rnn_vi)(arg >= zero);
  s = (aotc_rnn_v)(((aotc_rnn_vi)r & m) | ((aotc_rnn_vi)s & ~m));
  if (tanh_mode) {
    /* s = sigmoid(-2|x|) <= 1/2: tanh|x| = 1 - 2 s, with x's sign; below 0.625 the polynomial */
    const aotc_rnn_v big = (aotc_rnn_v)((aotc_rnn_vi)(1.0f - 2.0f * s) | sign);
    z = x * x;
    p = zero - 5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    p = p * z * x + x;
    m = (aotc_rnn_vi)(a < zero + 0.625f);
    s = (aotc_rnn_v)(((aotc_rnn_vi)p & m) | ((aotc_rnn_vi)big & ~m));
  }
  m = (aotc_rnn_vi)(x == x);
  return (aotc_rnn_v)(((aotc_rnn_vi)s & m) | ((aotc_rnn_vi)x & ~m));
}
#endif

/* flatten: aotc_sigmoidf inlined into both scalar loops below (gcc inlines
   a function called twice only if told). */
#if defined(__GNUC__)
#define AOTC_RNN_FLATTEN __attribute__((flatten))
#else
#define AOTC_RNN_FLATTEN
#endif

static AOTC_UNUSED AOTC_NOINLINE AOTC_RNN_FLATTEN AOTC_RNN_ATTR void aotc_rnn_sigmoid_tanh_n(float *v, int32_t n,
                                                                                          int32_t tanh_mode) {
  int32_t i = 0;
#if AOTC_RNN_VW > 1
  for (; i + AOTC_RNN_VW <= n; i += AOTC_RNN_VW)
    *(aotc_rnn_vu *)(v + i) = aotc_rnn_sigmoid_tanh_v(*(const aotc_rnn_vu *)(v + i), tanh_mode);
#endif
  /* A loop for each function: one for both (tanh_mode tested per element,
     or selects) costs Clang 9 instructions an element on Cortex-M4
     (lstm_kws). Branches in the tanh loop: the sums a branch-free loop would
     also compute are soft-float calls on cores without an FPU (Cortex-M0). */
  if (!tanh_mode) {
    for (; i < n; ++i) v[i] = aotc_sigmoidf(v[i]);
    return;
  }
  for (; i < n; ++i) {
    const float x = v[i], a = fabsf(x);
    if (a < 0.625f) {
      const float z = x * x;
      float p = -5.70498872745e-3f;
      p = p * z + 2.06390887954e-2f;
      p = p * z - 5.37397155531e-2f;
      p = p * z + 1.33314422036e-1f;
      p = p * z - 3.33332819422e-1f;
      v[i] = p * z * x + x;
    } else {
      const float s = aotc_sigmoidf(-2.0f * a);
      v[i] = x < 0.0f ? 2.0f * s - 1.0f : 1.0f - 2.0f * s;
    }
  }
}

/* v[i] = activation(v[i]) for i < n, with the kind's loop outside the switch
   so that sigmoid and tanh loops vectorise. */
static AOTC_UNUSED void aotc_rnn_activate_n(int32_t kind, float alpha, float beta, float *v, int32_t n) {
  int32_t i;
  if (kind == AOTC_RNN_ACT_SIGMOID || kind == AOTC_RNN_ACT_TANH) {
    aotc_rnn_sigmoid_tanh_n(v, n, kind == AOTC_RNN_ACT_TANH);
  } else {
    for (i = 0; i < n; ++i) v[i] = aotc_rnn_activate(kind, alpha, beta, v[i]);
  }
}

/*
 * The gate GEMVs read W and R transposed, [dirs, cols, gates * hidden] (one
 * row per input or hidden element k, the gate outputs it feeds contiguous):
 * y += v[k] * row k is an AXPY over the outputs, whose sums stay in
 * registers across k, with no horizontal reduction per output. Blocks of
 * 8 vectors of AOTC_RNN_VW floats, 16 where there are 32 registers for
 * them (AVX-512, and the scalar sums of Cortex-M cores with an FPU), then
 * narrower blocks. A block as wide as W's rows (LSTM with hidden 64 on
 * AVX-512) reads each row of W and R whole, once a step: R outgrows L1
 * there, and the step is bound by reading it from L2 (lstm_kws: 16 vectors
 * 38 us, 8: 54).
 */
#if defined(__GNUC__)
/* gcc only keeps the sums in registers at -O2 if their loops are unrolled. */
#define AOTC_RNN_UNROLL _Pragma("GCC unroll 16")
#else
#define AOTC_RNN_UNROLL
#endif

/* acc += a * b. Scalar sums take fmaf where the FPU has it: the LLVM backend
   otherwise splits the contracted multiply-add in two on Cortex-M4 (lstm_kws
   4.8 M instructions, 4.0 M with fmaf). */
#if AOTC_RNN_VW == 1 && (defined(__ARM_FEATURE_FMA) || defined(__FMA__))
#define AOTC_RNN_MAC(acc, a, b) ((acc) = fmaf((a), (b), (acc)))
#else
#define AOTC_RNN_MAC(acc, a, b) ((acc) += (a) * (b))
#endif

/*
 * AOTC_RNN_BLOCK defines NAME, NV vectors of outputs:
 *     y[j] = b1[j] + b2[j] + sum_k<k1 v1[k] m1[k * ld + j] + sum_k<k2 v2[k] m2[k * ld + j]
 * for j < NV * AOTC_RNN_VW; b1, b2 may be NULL (0), k1, k2 may be 0. back2
 * sums m2's rows last to first (with SIMD; cores without keep one loop):
 * the time loop alternates, so that each step starts on the rows of R the
 * step before read last, still in L1 when R is not. lstm_kws on AVX-512 (R
 * 64 KB): 28 us a run, 35 one way, when R is 64-byte aligned; when it is
 * not (aotc asks for at most 16, compilers often give 32), every vector
 * load splits two cache lines, and both are 35.
 */
#if AOTC_RNN_VW > 1
#define AOTC_RNN_BACK 1
#else
#define AOTC_RNN_BACK 0
#endif
/* acc[l] += vk * row[l] for l < NV. */
#define AOTC_RNN_ROW_MACS(NV) \
  AOTC_RNN_UNROLL for (l = 0; l < NV; ++l) AOTC_RNN_MAC(acc[l], vk, *(const aotc_rnn_vu *)(row + l * AOTC_RNN_VW))
/* The rows k < K of M (ld apart), times V[k]. */
#define AOTC_RNN_ROWS_INDEXED(V, M, K, NV)                                        \
  for (k = 0; k < (K); ++k) {                                                     \
    const float vk = (V)[k], *row = (M) + (size_t)k * ld;                         \
    AOTC_RNN_ROW_MACS(NV);                                                        \
  }
/* Clang on Cortex-M (ld is a constant there once the LLVM backend inlined the
   kernel): it unrolls the loop 4x and reads an iteration's rows from one
   base, which is good (34 instructions a row, gcc 36) while they are within
   VLDR's +-1020-byte offsets of it (gru_tagger: rows 384 bytes apart). Rows
   further apart (lstm_kws: 1 KB) got an ADD for every load, 41 instructions
   a row: there one row an iteration, by pointers hidden from Clang's loop
   strength reduction (an empty asm; from an index it adds two ADDs a row),
   37 a row. */
#if defined(__clang__) && defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
#define AOTC_RNN_ROWS(V, M, K, NV)                                                \
  if (ld <= 128) {                                                                \
    AOTC_RNN_ROWS_INDEXED(V, M, K, NV)                                            \
  } else if ((K) > 0) {                                                           \
    const float *vp = (V), *row = (M), *const vend = (V) + (K)-1;                 \
    _Pragma("clang loop unroll(disable)") for (;;) {                              \
      const float vk = *vp;                                                       \
      __asm__("" : "+r"(vp), "+r"(row));                                          \
      AOTC_RNN_ROW_MACS(NV);                                                      \
      if (vp == vend) break;                                                      \
      ++vp;                                                                       \
      row += ld;                                                                  \
    }                                                                             \
  }
#else
#define AOTC_RNN_ROWS(V, M, K, NV) AOTC_RNN_ROWS_INDEXED(V, M, K, NV)
#endif
#define AOTC_RNN_BLOCK(NAME, NV)                                                                                  \
  static AOTC_UNUSED AOTC_RNN_ATTR void NAME(float *y, size_t ld, const float *b1, const float *b2,               \
                                             const float *m1, const float *v1, int32_t k1, const float *m2,        \
                                             const float *v2, int32_t k2, int32_t back2) {                         \
    aotc_rnn_v acc[NV], zero;                                                                                     \
    int32_t k, l;                                                                                                 \
    memset(&zero, 0, sizeof zero);                                                                                \
    AOTC_RNN_UNROLL for (l = 0; l < NV; ++l) acc[l] = zero;                                                       \
    if (b1) {                                                                                                     \
      AOTC_RNN_UNROLL for (l = 0; l < NV; ++l) acc[l] = *(const aotc_rnn_vu *)(b1 + l * AOTC_RNN_VW);             \
    }                                                                                                             \
    if (b2) {                                                                                                     \
      AOTC_RNN_UNROLL for (l = 0; l < NV; ++l) acc[l] += *(const aotc_rnn_vu *)(b2 + l * AOTC_RNN_VW);            \
    }                                                                                                             \
    AOTC_RNN_ROWS(v1, m1, k1, NV)                                                                                 \
    if (AOTC_RNN_BACK && back2) {                                                                                 \
      for (k = k2 - 1; k >= 0; --k) {                                                                             \
        const float vk = v2[k], *row = m2 + (size_t)k * ld;                                                       \
        AOTC_RNN_UNROLL for (l = 0; l < NV; ++l) AOTC_RNN_MAC(acc[l], vk, *(const aotc_rnn_vu *)(row + l * AOTC_RNN_VW)); \
      }                                                                                                           \
    } else {                                                                                                      \
      AOTC_RNN_ROWS(v2, m2, k2, NV)                                                                               \
    }                                                                                                             \
    AOTC_RNN_UNROLL for (l = 0; l < NV; ++l) * (aotc_rnn_vu *)(y + l * AOTC_RNN_VW) = acc[l];                     \
  }
#if AOTC_RNN_VW == 16 || (AOTC_RNN_VW == 1 && defined(__ARM_FP))
#define AOTC_RNN_WIDE 1
AOTC_RNN_BLOCK(aotc_rnn_block16, 16)
#endif
/* Cortex-M cores without an FPU (M0): one sum at a time, in a register
   across the soft-float calls (several would live on the stack). */
#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M' && !defined(__ARM_FP)
#define AOTC_RNN_SOFT_FP 1
#else
AOTC_RNN_BLOCK(aotc_rnn_block8, 8)
AOTC_RNN_BLOCK(aotc_rnn_block4, 4)
AOTC_RNN_BLOCK(aotc_rnn_block2, 2)
#endif
AOTC_RNN_BLOCK(aotc_rnn_block1, 1)

/* y[j] for j < n as AOTC_RNN_BLOCK defines it (columns j of m1, m2 with rows ld apart). */
static AOTC_UNUSED void aotc_rnn_gemv(float *y, int32_t n, size_t ld, const float *b1, const float *b2,
                                      const float *m1, const float *v1, int32_t k1, const float *m2, const float *v2,
                                      int32_t k2, int32_t back2) {
  int32_t j = 0, w, k;
#define AOTC_RNN_RUN(BLOCK, NV)                                                                    \
  for (w = (NV)*AOTC_RNN_VW; j + w <= n; j += w)                                                   \
    BLOCK(y + j, ld, b1 ? b1 + j : NULL, b2 ? b2 + j : NULL, m1 + j, v1, k1, m2 ? m2 + j : NULL, v2, k2, back2);
#ifdef AOTC_RNN_WIDE
  AOTC_RNN_RUN(aotc_rnn_block16, 16)
#endif
#ifndef AOTC_RNN_SOFT_FP
  AOTC_RNN_RUN(aotc_rnn_block8, 8)
  AOTC_RNN_RUN(aotc_rnn_block4, 4)
  AOTC_RNN_RUN(aotc_rnn_block2, 2)
#endif
  AOTC_RNN_RUN(aotc_rnn_block1, 1)
#undef AOTC_RNN_RUN
  for (; j < n; ++j) {
    float acc = (b1 ? b1[j] : 0.0f) + (b2 ? b2[j] : 0.0f);
    for (k = 0; k < k1; ++k) acc += v1[k] * m1[(size_t)k * ld + (size_t)j];
    for (k = 0; k < k2; ++k) acc += v2[k] * m2[(size_t)k * ld + (size_t)j];
    y[j] = acc;
  }
}

#if AOTC_RNN_VW > 1
/*
 * next[j] = (1 - z[j]) hid[j] + z[j] h[j], GRU's new state, in vectors for
 * j below the multiple of AOTC_RNN_VW it returns; the plain loop after it
 * takes the rest. For Clang: once the LLVM backend has inlined the kernel, H
 * is a constant and Clang unrolls the plain loop whole before its
 * vectoriser sees it; next and h swap each step, so it cannot tell them
 * apart, and the loop stayed scalar (gru_tagger, AVX-512: 160 scalar
 * instructions a step, 9.4 us a run, 8.1 in vectors).
 */
static AOTC_UNUSED int32_t aotc_rnn_gru_update_v(float *next, const float *z, const float *hid, const float *h,
                                                 int32_t n) {
  int32_t j;
  for (j = 0; j + AOTC_RNN_VW <= n; j += AOTC_RNN_VW) {
    const aotc_rnn_v zj = *(const aotc_rnn_vu *)(z + j);
    *(aotc_rnn_vu *)(next + j) = (1.0f - zj) * *(const aotc_rnn_vu *)(hid + j) + zj * *(const aotc_rnn_vu *)(h + j);
  }
  return j;
}
#endif

/* wt[d, k, j] = w[d, j, k]: each of dirs [rows, cols] matrices transposed,
   the layout the gate GEMVs read (see above). */
static AOTC_UNUSED void aotc_rnn_transpose(const float *w, float *wt, int32_t dirs, int32_t rows, int32_t cols) {
  const size_t per = (size_t)rows * (size_t)cols;
  int32_t d, j, k;
  for (d = 0; d < dirs; ++d)
    for (k = 0; k < cols; ++k)
      for (j = 0; j < rows; ++j) wt[d * per + (size_t)k * (size_t)rows + (size_t)j] = w[d * per + (size_t)j * (size_t)cols + (size_t)k];
}

/*
 * aotc.PackRnnWeights (ops/recurrent.cpp): constant W [dirs, gates * hidden,
 * input] or R [dirs, gates * hidden, hidden] in the layout aotc_rnn_f32
 * reads, format rnn_t, computed at compile time.
 */
AOTC_KERNEL void aotc_rnn_pack_weights_f32(const float *w, float *wt, int32_t dirs, int32_t rows, int32_t cols) {
  aotc_rnn_transpose(w, wt, dirs, rows, cols);
}

static AOTC_UNUSED void aotc_rnn_clip_n(const aotc_rnn_params *p, float clip, float *v, int32_t n) {
  int32_t i;
  if (!p->has_clip) return;
  for (i = 0; i < n; ++i) v[i] = v[i] < -clip ? -clip : v[i] > clip ? clip : v[i];
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
 * of p->activation's six entries. W and R come either in ONNX's layout (w,
 * r) or packed (wt, rt: aotc_rnn_pack_weights_f32, done at compile time for
 * constant weights); the other pointer is NULL. Optional tensors are NULL
 * when absent: b, seq_lens (int32 [batch]), initial_h, initial_c, peephole
 * ([dirs, 3 * hidden]: i o f), y, y_h, y_c. clip (if p->has_clip) bounds
 * every gate's input before its activation. Batch entries run one at a time:
 * each step is one pass over W and R for all gates at once (GRU: the h gate
 * apart), then each activation over its gates' whole vector. Past an entry's
 * sequence length its Y rows are 0 and its state stays.
 * scratch: (2 * gates + 3) * hidden floats, plus dirs * gates * hidden *
 * input for an unpacked w and dirs * gates * hidden^2 for an unpacked r.
 */
AOTC_KERNEL void aotc_rnn_f32(const aotc_rnn_params *p, const float *act, const float *x, const float *w,
                              const float *wt, const float *r, const float *rt, const float *b,
                              const int32_t *seq_lens, const float *initial_h, const float *initial_c,
                              const float *peephole, float *y, float *y_h, float *y_c, float clip, float *scratch) {
  const int32_t H = p->hidden, I = p->input, S = p->seq, N = p->batch, D = p->directions;
  const int32_t G = p->cell == AOTC_RNN_CELL_LSTM ? 4 : p->cell == AOTC_RNN_CELL_GRU ? 3 : 1;
  const int32_t GH = G * H;
  /* g: every gate's pre-activation, then activation; gh: GRU's R_h h + Rb_h */
  float *g = scratch, *gh = g + GH;
  float *h = gh + GH, *c = h + H, *next = c + H, *packed = next + H;
  int32_t d, n, s, j;
  if (!wt) {
    aotc_rnn_transpose(w, packed, D, GH, I);
    wt = packed;
    packed += (size_t)D * (size_t)GH * (size_t)I;
  }
  if (!rt) {
    aotc_rnn_transpose(r, packed, D, GH, H);
    rt = packed;
  }
  for (d = 0; d < D; ++d) {
    const float *wd = wt + (size_t)d * (size_t)GH * (size_t)I;
    const float *rd = rt + (size_t)d * (size_t)GH * (size_t)H;
    const float *wb = b ? b + (size_t)d * 2u * (size_t)GH : NULL;
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
        const float *xt;
        if (s >= len) {
          if (y) memset(y + aotc_rnn_y_at(p, s, d, n), 0, (size_t)H * sizeof(float));
          continue;
        }
        xt = x + (p->batch_major ? (size_t)n * (size_t)S + (size_t)t : (size_t)t * (size_t)N + (size_t)n) * (size_t)I;
        if (p->cell == AOTC_RNN_CELL_GRU) {
          float *z = g, *reset = g + H, *hid = g + 2 * H;
          /* z and r: W x + R h + Wb + Rb; h: W_h x + Wb_h, and R_h h + Rb_h
             (linear_before_reset) or R_h (r * h) + Rb_h. */
          aotc_rnn_gemv(g, 2 * H, (size_t)GH, wb, rb, wd, xt, I, rd, h, H, s & 1);
          aotc_rnn_gemv(hid, H, (size_t)GH, wb ? wb + 2 * H : NULL, NULL, wd + 2 * H, xt, I, NULL, NULL, 0, 0);
          aotc_rnn_clip_n(p, clip, g, 2 * H);
          aotc_rnn_activate_n(kind[0], ab[0], ab[1], g, 2 * H);
          if (p->linear_before_reset) {
            aotc_rnn_gemv(gh, H, (size_t)GH, rb ? rb + 2 * H : NULL, NULL, rd + 2 * H, h, H, NULL, NULL, 0, 0);
            for (j = 0; j < H; ++j) hid[j] += reset[j] * gh[j];
          } else {
            for (j = 0; j < H; ++j) next[j] = reset[j] * h[j];
            aotc_rnn_gemv(gh, H, (size_t)GH, rb ? rb + 2 * H : NULL, NULL, rd + 2 * H, next, H, NULL, NULL, 0, 0);
            for (j = 0; j < H; ++j) hid[j] += gh[j];
          }
          aotc_rnn_clip_n(p, clip, hid, H);
          aotc_rnn_activate_n(kind[1], ab[2], ab[3], hid, H);
          j = 0;
#if AOTC_RNN_VW > 1
          j = aotc_rnn_gru_update_v(next, z, hid, h, H);
#endif
          for (; j < H; ++j) next[j] = (1.0f - z[j]) * hid[j] + z[j] * h[j];
        } else if (p->cell == AOTC_RNN_CELL_LSTM) {
          float *in = g, *out = g + H, *forget = g + 2 * H, *cell = g + 3 * H;
          aotc_rnn_gemv(g, GH, (size_t)GH, wb, rb, wd, xt, I, rd, h, H, s & 1);
          if (pd) {
            /* The peepholes of i and f see the old c; o's sees the new one, after. */
            for (j = 0; j < H; ++j) {
              in[j] += pd[j] * c[j];
              forget[j] += pd[2 * H + j] * c[j];
            }
            aotc_rnn_clip_n(p, clip, in, H);
            aotc_rnn_clip_n(p, clip, forget, 2 * H);
            aotc_rnn_activate_n(kind[0], ab[0], ab[1], in, H);
            aotc_rnn_activate_n(kind[0], ab[0], ab[1], forget, H);
          } else {
            aotc_rnn_clip_n(p, clip, g, GH);
            aotc_rnn_activate_n(kind[0], ab[0], ab[1], g, 3 * H); /* i o f */
          }
          if (p->input_forget)
            for (j = 0; j < H; ++j) forget[j] = 1.0f - in[j];
          aotc_rnn_activate_n(kind[1], ab[2], ab[3], cell, H);
          for (j = 0; j < H; ++j) c[j] = forget[j] * c[j] + in[j] * cell[j];
          if (pd) {
            for (j = 0; j < H; ++j) out[j] += pd[H + j] * c[j];
            aotc_rnn_clip_n(p, clip, out, H);
            aotc_rnn_activate_n(kind[0], ab[0], ab[1], out, H);
          }
          memcpy(next, c, (size_t)H * sizeof(float));
          aotc_rnn_activate_n(kind[2], ab[4], ab[5], next, H);
          for (j = 0; j < H; ++j) next[j] *= out[j];
        } else {
          aotc_rnn_gemv(next, H, (size_t)H, wb, rb, wd, xt, I, rd, h, H, s & 1);
          aotc_rnn_clip_n(p, clip, next, H);
          aotc_rnn_activate_n(kind[0], ab[0], ab[1], next, H);
        }
        /* next is the new state: the two buffers swap roles (no copy). */
        {
          float *old = h;
          h = next;
          next = old;
        }
        if (y) memcpy(y + aotc_rnn_y_at(p, t, d, n), h, (size_t)H * sizeof(float));
      }
      if (y_h) memcpy(y_h + state_at, h, (size_t)H * sizeof(float));
      if (y_c) memcpy(y_c + state_at, c, (size_t)H * sizeof(float));
    }
  }
}
