/*
 * elementwise.c -- unary maps and broadcasting binary operations.
 *
 * Unary kernels share one signature so that ops map onto them by a table:
 *     aotc_<op>_f32(const float *x, float *y, int32_t n, float alpha, float beta)
 * (alpha/beta carry the op's attributes, e.g. LeakyRelu's alpha, Clip's min/max).
 *
 * Binary kernels broadcast with per-input element strides (0 on broadcast dims):
 *     aotc_<op>_<t>(const T *a, const T *b, T *y, int32_t rank, const int32_t *dims,
 *                   const int32_t *a_strides, const int32_t *b_strides)
 * aotc collapses dims at compile time, so most calls have rank 1 or 2 and the
 * inner loop is a plain contiguous or scalar-broadcast loop.
 */
#include "kernel_common.h"

/* ---- unary, float32 ---------------------------------------------------- */

#define AOTC_UNARY_F32(NAME, EXPR)                                                         \
  AOTC_KERNEL void NAME(const float *AOTC_RESTRICT x_, float *AOTC_RESTRICT y, int32_t n, \
                        float alpha, float beta) {                                         \
    int32_t i;                                                                             \
    (void)alpha;                                                                           \
    (void)beta;                                                                            \
    for (i = 0; i < n; ++i) {                                                              \
      float x = x_[i];                                                                     \
      y[i] = (EXPR);                                                                       \
    }                                                                                      \
  }

AOTC_UNARY_F32(aotc_relu_f32, x > 0.0f ? x : 0.0f)
AOTC_UNARY_F32(aotc_leaky_relu_f32, x >= 0.0f ? x : alpha * x)
AOTC_UNARY_F32(aotc_sigmoid_f32, aotc_sigmoidf(x))
AOTC_UNARY_F32(aotc_tanh_f32, tanhf(x))
AOTC_UNARY_F32(aotc_hard_sigmoid_f32, fmaxf(0.0f, fminf(1.0f, alpha * x + beta)))
AOTC_UNARY_F32(aotc_hard_swish_f32, x * fmaxf(0.0f, fminf(1.0f, x * (1.0f / 6.0f) + 0.5f)))
/* Clip: alpha = min, beta = max. NaN passes through, as in ONNX Runtime. */
AOTC_UNARY_F32(aotc_clip_f32, x < alpha ? alpha : (x > beta ? beta : x))
AOTC_UNARY_F32(aotc_neg_f32, -x)
AOTC_UNARY_F32(aotc_abs_f32, fabsf(x))
AOTC_UNARY_F32(aotc_exp_f32, expf(x))
AOTC_UNARY_F32(aotc_log_f32, logf(x))
AOTC_UNARY_F32(aotc_sqrt_f32, sqrtf(x))
AOTC_UNARY_F32(aotc_reciprocal_f32, 1.0f / x)
AOTC_UNARY_F32(aotc_floor_f32, floorf(x))
AOTC_UNARY_F32(aotc_ceil_f32, ceilf(x))
AOTC_UNARY_F32(aotc_round_f32, rintf(x))
AOTC_UNARY_F32(aotc_erf_f32, erff(x))
AOTC_UNARY_F32(aotc_elu_f32, x >= 0.0f ? x : alpha * (expf(x) - 1.0f))
/* Selu: alpha = alpha, beta = gamma. */
AOTC_UNARY_F32(aotc_selu_f32, x > 0.0f ? beta * x : beta * (alpha * expf(x) - alpha))
AOTC_UNARY_F32(aotc_celu_f32, fmaxf(0.0f, x) + fminf(0.0f, alpha * (expf(x / alpha) - 1.0f)))
AOTC_UNARY_F32(aotc_thresholded_relu_f32, x > alpha ? x : 0.0f)
AOTC_UNARY_F32(aotc_softplus_f32, x > 0.0f ? x + log1pf(expf(-x)) : log1pf(expf(x)))
AOTC_UNARY_F32(aotc_softsign_f32, x / (1.0f + fabsf(x)))
AOTC_UNARY_F32(aotc_sign_f32, x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x))
AOTC_UNARY_F32(aotc_sin_f32, sinf(x))
AOTC_UNARY_F32(aotc_cos_f32, cosf(x))
AOTC_UNARY_F32(aotc_tan_f32, tanf(x))
AOTC_UNARY_F32(aotc_asin_f32, asinf(x))
AOTC_UNARY_F32(aotc_acos_f32, acosf(x))
AOTC_UNARY_F32(aotc_atan_f32, atanf(x))
AOTC_UNARY_F32(aotc_sinh_f32, sinhf(x))
AOTC_UNARY_F32(aotc_cosh_f32, coshf(x))
AOTC_UNARY_F32(aotc_asinh_f32, asinhf(x))
AOTC_UNARY_F32(aotc_acosh_f32, acoshf(x))
AOTC_UNARY_F32(aotc_atanh_f32, atanhf(x))
AOTC_UNARY_F32(aotc_mish_f32, x * tanhf(x > 0.0f ? x + log1pf(expf(-x)) : log1pf(expf(x))))

/* ---- binary, broadcasting ---------------------------------------------- */

/* Defines NAME(a, b, y, rank, dims, a_strides, b_strides) computing y = EXPR(xa, xb). */
#define AOTC_BINARY(NAME, TA, TY, EXPR)                                                                  \
  AOTC_KERNEL void NAME(const TA *a, const TA *b, TY *y, int32_t rank, const int32_t *dims,             \
                        const int32_t *a_strides, const int32_t *b_strides) {                           \
    int32_t idx[AOTC_MAX_RANK] = {0};                                                                    \
    int32_t off[2] = {0, 0};                                                                             \
    const int32_t *strides[2];                                                                           \
    int32_t n = rank > 0 ? dims[rank - 1] : 1;                                                           \
    int32_t sa = rank > 0 ? a_strides[rank - 1] : 0;                                                     \
    int32_t sb = rank > 0 ? b_strides[rank - 1] : 0;                                                     \
    strides[0] = a_strides;                                                                              \
    strides[1] = b_strides;                                                                              \
    do {                                                                                                 \
      const TA *pa = a + off[0];                                                                         \
      const TA *pb = b + off[1];                                                                         \
      int32_t i;                                                                                         \
      if (sa == 1 && sb == 1) {                                                                          \
        for (i = 0; i < n; ++i) {                                                                        \
          TA xa = pa[i], xb = pb[i];                                                                     \
          y[i] = (EXPR);                                                                                 \
        }                                                                                                \
      } else if (sa == 1 && sb == 0) {                                                                   \
        TA xb = pb[0];                                                                                   \
        for (i = 0; i < n; ++i) {                                                                        \
          TA xa = pa[i];                                                                                 \
          y[i] = (EXPR);                                                                                 \
        }                                                                                                \
      } else if (sa == 0 && sb == 1) {                                                                   \
        TA xa = pa[0];                                                                                   \
        for (i = 0; i < n; ++i) {                                                                        \
          TA xb = pb[i];                                                                                 \
          y[i] = (EXPR);                                                                                 \
        }                                                                                                \
      } else {                                                                                           \
        for (i = 0; i < n; ++i) {                                                                        \
          TA xa = pa[(ptrdiff_t)i * sa], xb = pb[(ptrdiff_t)i * sb];                                     \
          y[i] = (EXPR);                                                                                 \
        }                                                                                                \
      }                                                                                                  \
      y += n;                                                                                            \
    } while (aotc_next_index(rank, 1, dims, idx, 2, off, strides));                                      \
  }

/* Float arithmetic. */
#define AOTC_BINARY_FLOAT_ARITH(SFX, T)                       \
  AOTC_BINARY(aotc_add_##SFX, T, T, xa + xb)                  \
  AOTC_BINARY(aotc_sub_##SFX, T, T, xa - xb)                  \
  AOTC_BINARY(aotc_mul_##SFX, T, T, xa * xb)                  \
  AOTC_BINARY(aotc_div_##SFX, T, T, xa / xb)                  \
  AOTC_BINARY(aotc_prelu_##SFX, T, T, xa < 0 ? xa * xb : xa)  \
  AOTC_BINARY(aotc_max_##SFX, T, T, (xa != xa || xa > xb) ? xa : xb) \
  AOTC_BINARY(aotc_min_##SFX, T, T, (xa != xa || xa < xb) ? xa : xb)
AOTC_BINARY_FLOAT_ARITH(f32, float)
AOTC_BINARY_FLOAT_ARITH(f64, double)
AOTC_BINARY(aotc_pow_f32, float, float, powf(xa, xb))
AOTC_BINARY(aotc_pow_f64, double, double, pow(xa, xb))

/*
 * Integer arithmetic wraps around like ONNX Runtime's: it is done in the
 * unsigned type of the same width, which is defined behaviour in C.
 */
#define AOTC_BINARY_INT_ARITH(SFX, T, U)                                 \
  AOTC_BINARY(aotc_add_##SFX, T, T, (T)((U)xa + (U)xb))                  \
  AOTC_BINARY(aotc_sub_##SFX, T, T, (T)((U)xa - (U)xb))                  \
  AOTC_BINARY(aotc_mul_##SFX, T, T, (T)((U)xa * (U)xb))                  \
  AOTC_BINARY(aotc_div_##SFX, T, T, xb != 0 ? (T)(xa / xb) : (T)0)       \
  AOTC_BINARY(aotc_max_##SFX, T, T, xa > xb ? xa : xb)                   \
  AOTC_BINARY(aotc_min_##SFX, T, T, xa < xb ? xa : xb)
AOTC_BINARY_INT_ARITH(i8, int8_t, uint32_t)
AOTC_BINARY_INT_ARITH(i16, int16_t, uint32_t)
AOTC_BINARY_INT_ARITH(i32, int32_t, uint32_t)
AOTC_BINARY_INT_ARITH(i64, int64_t, uint64_t)
AOTC_BINARY_INT_ARITH(u8, uint8_t, uint32_t)
AOTC_BINARY_INT_ARITH(u16, uint16_t, uint32_t)
AOTC_BINARY_INT_ARITH(u32, uint32_t, uint32_t)
AOTC_BINARY_INT_ARITH(u64, uint64_t, uint64_t)
AOTC_BINARY(aotc_prelu_i32, int32_t, int32_t, xa < 0 ? (int32_t)((uint32_t)xa * (uint32_t)xb) : xa)
AOTC_BINARY(aotc_prelu_i64, int64_t, int64_t, xa < 0 ? (int64_t)((uint64_t)xa * (uint64_t)xb) : xa)

/* ---- helpers used by several ops ---------------------------------------- */

/* y = x * s (Mean's final scaling). In place is allowed. */
AOTC_KERNEL void aotc_scale_f32(const float *x, float *y, int32_t n, float s) {
  int32_t i;
  for (i = 0; i < n; ++i) y[i] = x[i] * s;
}
AOTC_KERNEL void aotc_scale_f64(const double *x, double *y, int32_t n, float s) {
  int32_t i;
  for (i = 0; i < n; ++i) y[i] = x[i] * (double)s;
}

/*
 * Clip with bounds given as (optional) one-element tensors, as in opset >= 11.
 * A NULL bound is absent. NaN inputs pass through.
 */
#define AOTC_CLIP_BOUNDS(SFX, T)                                                                    \
  AOTC_KERNEL void aotc_clip_bounds_##SFX(const T *x, const T *lo, const T *hi, T *y, int32_t n) { \
    int32_t i;                                                                                      \
    for (i = 0; i < n; ++i) {                                                                       \
      T v = x[i];                                                                                   \
      if (lo && v < *lo) v = *lo;                                                                   \
      if (hi && v > *hi) v = *hi;                                                                   \
      y[i] = v;                                                                                     \
    }                                                                                               \
  }
AOTC_CLIP_BOUNDS(f32, float)
AOTC_CLIP_BOUNDS(f64, double)
AOTC_CLIP_BOUNDS(i8, int8_t)
AOTC_CLIP_BOUNDS(i16, int16_t)
AOTC_CLIP_BOUNDS(i32, int32_t)
AOTC_CLIP_BOUNDS(i64, int64_t)
AOTC_CLIP_BOUNDS(u8, uint8_t)
AOTC_CLIP_BOUNDS(u16, uint16_t)
AOTC_CLIP_BOUNDS(u32, uint32_t)
AOTC_CLIP_BOUNDS(u64, uint64_t)
