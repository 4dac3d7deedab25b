/*
 * softmax.c -- Softmax, LogSoftmax and Hardmax.
 *
 * Kernels see x as [outer, n, inner] and normalise along n:
 *     aotc_<op>_<t>(const T *x, T *y, int32_t outer, int32_t n, int32_t inner, void *scratch)
 * (aotc maps both the opset < 13 "coerce to 2-D at axis" and the opset >= 13
 * "single axis" semantics onto this). They are numerically stable: the row
 * maximum m is subtracted before exponentiating, so exp never overflows:
 *     softmax(x)_i = exp(x_i - m) / sum_k exp(x_k - m)
 *     logsoftmax(x)_i = x_i - m - log(sum_k exp(x_k - m)).
 * With inner == 1 rows are contiguous; otherwise the reduction runs across
 * rows with per-column maxima and sums in scratch (2 * inner elements).
 *
 * float32 uses its own exp (aotc_expf_fast), written so that compilers can
 * vectorize loops of it: glibc's expf cannot be, and exp dominates softmax.
 * Loops over rows are blocked by 8 with a constant inner trip count, which gcc
 * vectorizes even at -O2.
 */
#include "kernel_common.h"

/*
 * exp(x) in float32 for use in vectorized loops, within 2 ulp of expf:
 * x = n ln2 + r with |r| <= ln2/2, exp(r) by Cephes' degree-6 polynomial,
 * times 2^n built in the exponent bits. n is found by adding 1.5 * 2^23, which
 * rounds x log2(e) to an integer in the low mantissa bits, so there is no
 * float-to-int conversion. Valid for x <= 88.37 (softmax only exponentiates
 * x - max <= 0); below -87.5 the result is 0; NaN stays NaN.
 * AOTC_SM_EXP_BODY (p = exp(xc), given t, nf, r, p) serves the scalar and the
 * vector version.
 */
#define AOTC_SM_EXP_BODY(xc)                                                         \
  t = xc * 1.44269504088896341f + 12582912.0f; /* 12582912 = 1.5 * 2^23 */         \
  nf = t - 12582912.0f;                                                           \
  r = xc - nf * 0.693359375f;                                                     \
  r = r - nf * -2.12194440e-4f;                                                   \
  p = r * 1.9875691500E-4f + 1.3981999507E-3f;                                    \
  p = p * r + 8.3334519073E-3f;                                                   \
  p = p * r + 4.1665795894E-2f;                                                   \
  p = p * r + 1.6666665459E-1f;                                                   \
  p = p * r + 5.0000001201E-1f;                                                   \
  p = p * r * r + r + 1.0f

static AOTC_UNUSED float aotc_expf_fast(float x) {
  float xc = x < -87.5f ? -87.5f : x, t, nf, r, p, scale;
  uint32_t bits;
  AOTC_SM_EXP_BODY(xc);
  memcpy(&bits, &t, sizeof bits);
  /* bits - bits(1.5 * 2^23) = n; 2^n = (n + 127) << 23. Unsigned: wraps, never UB. */
  bits = (bits - 0x4B400000u + 127u) << 23;
  memcpy(&scale, &bits, sizeof scale);
  return x < -87.5f ? 0.0f : p * scale;
}

/*
 * The same on GNU vectors (gcc, clang): compilers do not reliably vectorize
 * the scalar version (gcc turns its clamp into a branch), so float32 softmax
 * rows are processed AOTC_SM_VW lanes at a time explicitly.
 */
#if defined(AOTC_NO_VECTOR_EXT)
#define AOTC_SM_VW 1
#elif defined(__GNUC__) && defined(__AVX__)
#define AOTC_SM_VW 8
#elif defined(__GNUC__) && (defined(__SSE2__) || defined(__ARM_NEON) || defined(__wasm_simd128__))
#define AOTC_SM_VW 4
#else
#define AOTC_SM_VW 1
#endif
#if AOTC_SM_VW > 1
typedef float aotc_sm_vf __attribute__((vector_size(AOTC_SM_VW * 4)));
typedef int32_t aotc_sm_vi __attribute__((vector_size(AOTC_SM_VW * 4)));
typedef uint32_t aotc_sm_vu __attribute__((vector_size(AOTC_SM_VW * 4)));
typedef float aotc_sm_vfu __attribute__((vector_size(AOTC_SM_VW * 4), aligned(4), may_alias));

static AOTC_UNUSED aotc_sm_vf aotc_sm_vexp(aotc_sm_vf x) {
  aotc_sm_vf zero = {0};
  aotc_sm_vf lo = zero - 87.5f;
  aotc_sm_vi under = x < -87.5f; /* lanes of -1 where x < -87.5 */
  aotc_sm_vf xc = (aotc_sm_vf)(((aotc_sm_vi)x & ~under) | ((aotc_sm_vi)lo & under));
  aotc_sm_vf t, nf, r, p;
  aotc_sm_vu bits;
  AOTC_SM_EXP_BODY(xc);
  bits = (((aotc_sm_vu)t - 0x4B400000u + 127u) << 23) & (aotc_sm_vu)~under;
  return p * (aotc_sm_vf)bits;
}

/* y[i] = exp(x[i] - m) for i < n; returns their sum. */
static AOTC_UNUSED float aotc_row_exp_f32(const float *x, float *y, int32_t n, float m) {
  aotc_sm_vf acc = {0};
  float s = 0.0f;
  int32_t i;
  for (i = 0; i + AOTC_SM_VW <= n; i += AOTC_SM_VW) {
    aotc_sm_vf e = aotc_sm_vexp(*(const aotc_sm_vfu *)(x + i) - m);
    *(aotc_sm_vfu *)(y + i) = e;
    acc += e;
  }
  for (; i < n; ++i) {
    float e = aotc_expf_fast(x[i] - m);
    y[i] = e;
    s += e;
  }
  for (i = 0; i < AOTC_SM_VW; ++i) s += acc[i];
  return s;
}

/* Largest of x[0..n), n >= 1. */
static AOTC_UNUSED float aotc_row_max_f32(const float *x, int32_t n) {
  aotc_sm_vf acc = {0};
  float m = x[0];
  int32_t i;
  acc += m;
  for (i = 0; i + AOTC_SM_VW <= n; i += AOTC_SM_VW) {
    aotc_sm_vf v = *(const aotc_sm_vfu *)(x + i);
    aotc_sm_vi gt = v > acc;
    acc = (aotc_sm_vf)(((aotc_sm_vi)v & gt) | ((aotc_sm_vi)acc & ~gt));
  }
  for (; i < n; ++i) m = x[i] > m ? x[i] : m;
  for (i = 0; i < AOTC_SM_VW; ++i) m = acc[i] > m ? acc[i] : m;
  return m;
}

/* y[i] = (x[i] - sub) * mul + add for i < n. */
static AOTC_UNUSED void aotc_row_affine_f32(const float *x, float *y, int32_t n, float sub, float mul, float add) {
  int32_t i;
  for (i = 0; i + AOTC_SM_VW <= n; i += AOTC_SM_VW)
    *(aotc_sm_vfu *)(y + i) = (*(const aotc_sm_vfu *)(x + i) - sub) * mul + add;
  for (; i < n; ++i) y[i] = (x[i] - sub) * mul + add;
}
#define AOTC_SM_HAVE_ROWS_F32 1
#endif

/* Scalar row helpers (see the vector versions above), for double and targets without vectors. */
#define AOTC_SOFTMAX_ROWS(SFX, T, EXP)                                                                     \
  static AOTC_UNUSED T aotc_row_max_##SFX(const T *x, int32_t n) {                                       \
    T m = x[0];                                                                                          \
    int32_t i;                                                                                           \
    for (i = 1; i < n; ++i) m = x[i] > m ? x[i] : m;                                                     \
    return m;                                                                                            \
  }                                                                                                      \
  static AOTC_UNUSED T aotc_row_exp_##SFX(const T *x, T *y, int32_t n, T m) {                            \
    T s = 0;                                                                                             \
    int32_t i;                                                                                           \
    for (i = 0; i < n; ++i) {                                                                            \
      y[i] = EXP(x[i] - m);                                                                              \
      s += y[i];                                                                                         \
    }                                                                                                    \
    return s;                                                                                            \
  }                                                                                                      \
  static AOTC_UNUSED void aotc_row_affine_##SFX(const T *x, T *y, int32_t n, T sub, T mul, T add) {      \
    int32_t i;                                                                                           \
    for (i = 0; i < n; ++i) y[i] = (x[i] - sub) * mul + add;                                             \
  }

/*
 * The kernels for one element type T with exp EXP and log LOG, given its row
 * helpers aotc_row_max/exp/affine_<SFX>.
 */
#define AOTC_SOFTMAX_FAMILY(SFX, T, EXP, LOG)                                                              \
  /* Strided case: per column j < inner, m[j] = max over rows and s[j] = sum of exp(x - m[j]), y = exp. */ \
  static AOTC_UNUSED void aotc_cols_exp_##SFX(const T *x, T *y, int32_t n, int32_t inner, T *m, T *s) {  \
    int32_t j, k;                                                                                        \
    for (j = 0; j < inner; ++j) {                                                                        \
      m[j] = x[j];                                                                                       \
      s[j] = 0;                                                                                          \
    }                                                                                                    \
    for (k = 1; k < n; ++k) {                                                                            \
      const T *xk = x + (ptrdiff_t)k * inner;                                                            \
      for (j = 0; j < inner; ++j) m[j] = xk[j] > m[j] ? xk[j] : m[j];                                    \
    }                                                                                                    \
    for (k = 0; k < n; ++k) {                                                                            \
      const T *xk = x + (ptrdiff_t)k * inner;                                                            \
      T *yk = y + (ptrdiff_t)k * inner;                                                                  \
      for (j = 0; j < inner; ++j) {                                                                      \
        T e = EXP(xk[j] - m[j]);                                                                         \
        yk[j] = e;                                                                                       \
        s[j] += e;                                                                                       \
      }                                                                                                  \
    }                                                                                                    \
  }                                                                                                      \
                                                                                                         \
  AOTC_KERNEL void aotc_softmax_##SFX(const T *x, T *y, int32_t outer, int32_t n, int32_t inner,         \
                                      void *scratch) {                                                   \
    int32_t o, j, k;                                                                                     \
    ptrdiff_t block = (ptrdiff_t)n * inner;                                                              \
    if (n <= 0) return;                                                                                  \
    for (o = 0; o < outer; ++o, x += block, y += block) {                                                \
      if (inner == 1) {                                                                                  \
        T inv = 1 / aotc_row_exp_##SFX(x, y, n, aotc_row_max_##SFX(x, n));                               \
        aotc_row_affine_##SFX(y, y, n, 0, inv, 0);                                                       \
      } else {                                                                                           \
        T *m = (T *)scratch, *s = m + inner;                                                             \
        aotc_cols_exp_##SFX(x, y, n, inner, m, s);                                                       \
        for (j = 0; j < inner; ++j) s[j] = 1 / s[j];                                                     \
        for (k = 0; k < n; ++k)                                                                          \
          for (j = 0; j < inner; ++j) y[(ptrdiff_t)k * inner + j] *= s[j];                               \
      }                                                                                                  \
    }                                                                                                    \
  }                                                                                                      \
                                                                                                         \
  AOTC_KERNEL void aotc_log_softmax_##SFX(const T *x, T *y, int32_t outer, int32_t n, int32_t inner,     \
                                          void *scratch) {                                               \
    int32_t o, j, k;                                                                                     \
    ptrdiff_t block = (ptrdiff_t)n * inner;                                                              \
    if (n <= 0) return;                                                                                  \
    for (o = 0; o < outer; ++o, x += block, y += block) {                                                \
      if (inner == 1) {                                                                                  \
        T m = aotc_row_max_##SFX(x, n);                                                                  \
        /* (x - m) - log(s), not x - (m + log(s)): exact where x and m are large. */                     \
        T log_sum = LOG(aotc_row_exp_##SFX(x, y, n, m));                                                 \
        aotc_row_affine_##SFX(x, y, n, m, 1, -log_sum);                                                  \
      } else {                                                                                           \
        T *m = (T *)scratch, *s = m + inner;                                                             \
        aotc_cols_exp_##SFX(x, y, n, inner, m, s);                                                       \
        for (j = 0; j < inner; ++j) s[j] = LOG(s[j]);                                                    \
        for (k = 0; k < n; ++k)                                                                          \
          for (j = 0; j < inner; ++j) {                                                                  \
            ptrdiff_t at = (ptrdiff_t)k * inner + j;                                                     \
            y[at] = (x[at] - m[j]) - s[j];                                                               \
          }                                                                                              \
      }                                                                                                  \
    }                                                                                                    \
  }                                                                                                      \
                                                                                                         \
  /* 1 at the first maximum along n, 0 elsewhere. */                                                     \
  AOTC_KERNEL void aotc_hardmax_##SFX(const T *x, T *y, int32_t outer, int32_t n, int32_t inner,         \
                                      void *scratch) {                                                   \
    int32_t o, j, k;                                                                                     \
    ptrdiff_t block = (ptrdiff_t)n * inner;                                                              \
    (void)scratch;                                                                                       \
    if (n <= 0) return;                                                                                  \
    for (o = 0; o < outer; ++o, x += block, y += block) {                                                \
      for (k = 0; k < n * inner; ++k) y[k] = 0;                                                          \
      for (j = 0; j < inner; ++j) {                                                                      \
        int32_t at = 0;                                                                                  \
        for (k = 1; k < n; ++k)                                                                          \
          if (x[(ptrdiff_t)k * inner + j] > x[(ptrdiff_t)at * inner + j]) at = k;                        \
        y[(ptrdiff_t)at * inner + j] = 1;                                                                \
      }                                                                                                  \
    }                                                                                                    \
  }

#ifndef AOTC_SM_HAVE_ROWS_F32
AOTC_SOFTMAX_ROWS(f32, float, aotc_expf_fast)
#endif
AOTC_SOFTMAX_ROWS(f64, double, exp)
AOTC_SOFTMAX_FAMILY(f32, float, aotc_expf_fast, logf)
AOTC_SOFTMAX_FAMILY(f64, double, exp, log)
