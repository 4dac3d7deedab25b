/*
 * elementwise.c -- unary maps and broadcasting binary operations.
 *
 * Unary kernels share one signature so that ops map onto them by a table:
 *     aotc_<op>_<t>(const T *x, T *y, int32_t n, float alpha, float beta)
 * (alpha/beta carry the op's attributes, e.g. LeakyRelu's alpha, Clip's min/max),
 * for f32, f64, f16 and bf16 (computed in float), and Neg/Abs/Sign/Relu for
 * integers.
 *
 * Binary kernels broadcast with per-input element strides (0 on broadcast dims):
 *     aotc_<op>_<t>(const T *a, const T *b, T *y, int32_t rank, const int32_t *dims,
 *                   const int32_t *a_strides, const int32_t *b_strides)
 * aotc collapses dims at compile time, so most calls have rank 1 or 2 and the
 * inner loop is a plain contiguous or scalar-broadcast loop. Pow also has
 * aotc_pow_<t>_<exponent t> for an exponent of another type.
 */
#include "kernel_common.h"

#define AOTC_EW_ID(v) (v)

/* ---- unary ------------------------------------------------------------- */

/* Defines NAME(x, y, n, alpha, beta): y[i] = STORE(EXPR) with x = LOAD(x_[i]) of type CT. */
#define AOTC_UNARY(NAME, T, CT, LOAD, STORE, EXPR)                                      \
  AOTC_KERNEL void NAME(const T *x_, T *y, int32_t n, /* y may be x_ (in place) */    \
                        float alpha, float beta) {                                      \
    int32_t i;                                                                          \
    (void)alpha;                                                                        \
    (void)beta;                                                                         \
    for (i = 0; i < n; ++i) {                                                           \
      CT x = LOAD(x_[i]);                                                               \
      y[i] = (T)STORE(EXPR);                                                            \
    }                                                                                   \
  }

/*
 * Float unary ops, computed in float: X(op, expression of x, alpha, beta).
 * Instantiated for f32 and, through float, for f16 and bf16.
 */
#define AOTC_UNARY_FLOAT_OPS(X)                                                    \
  X(relu, x > 0.0f ? x : 0.0f)                                                     \
  X(leaky_relu, x >= 0.0f ? x : alpha * x)                                         \
  X(sigmoid, aotc_sigmoidf(x))                                                     \
  /* aotc.Silu (x * Sigmoid(x), fused): the same bits as Sigmoid then Mul. */      \
  X(silu, x * aotc_sigmoidf(x))                                                    \
  X(tanh, tanhf(x))                                                                \
  X(hard_sigmoid, aotc_clamp01f(alpha * x + beta))                                 \
  X(hard_swish, x * aotc_clamp01f(x * (1.0f / 6.0f) + 0.5f))                       \
  /* Clip: alpha = min, beta = max. NaN passes through, as in ONNX Runtime. */     \
  X(clip, x < alpha ? alpha : (x > beta ? beta : x))                               \
  X(neg, -x)                                                                       \
  X(abs, fabsf(x))                                                                 \
  X(exp, expf(x))                                                                  \
  X(log, logf(x))                                                                  \
  X(sqrt, sqrtf(x))                                                                \
  X(reciprocal, 1.0f / x)                                                          \
  X(floor, floorf(x))                                                              \
  X(ceil, ceilf(x))                                                                \
  X(round, rintf(x))                                                               \
  X(erf, erff(x))                                                                  \
  X(elu, x >= 0.0f ? x : alpha * (expf(x) - 1.0f))                                 \
  /* Selu: alpha = alpha, beta = gamma. */                                         \
  X(selu, x > 0.0f ? beta * x : beta * (alpha * expf(x) - alpha))                  \
  X(celu, fmaxf(0.0f, x) + fminf(0.0f, alpha * (expf(x / alpha) - 1.0f)))          \
  X(thresholded_relu, x > alpha ? x : 0.0f)                                        \
  X(softplus, x > 0.0f ? x + log1pf(expf(-x)) : log1pf(expf(x)))                   \
  X(softsign, x / (1.0f + fabsf(x)))                                               \
  X(sign, x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x))                                \
  X(sin, sinf(x))                                                                  \
  X(cos, cosf(x))                                                                  \
  X(tan, tanf(x))                                                                  \
  X(asin, asinf(x))                                                                \
  X(acos, acosf(x))                                                                \
  X(atan, atanf(x))                                                                \
  X(sinh, sinhf(x))                                                                \
  X(cosh, coshf(x))                                                                \
  X(asinh, asinhf(x))                                                              \
  X(acosh, acoshf(x))                                                              \
  X(atanh, atanhf(x))                                                              \
  X(mish, x * tanhf(x > 0.0f ? x + log1pf(expf(-x)) : log1pf(expf(x))))          \
  /* Shrink: alpha = bias, beta = lambd. */                                        \
  X(shrink, x < -beta ? x + alpha : (x > beta ? x - alpha : 0.0f))                 \
  X(swish, x * aotc_sigmoidf(alpha * x))                                           \
  X(gelu, 0.5f * x * (1.0f + erff(x * 0.707106781186547524f)))                     \
  X(gelu_tanh, 0.5f * x * (1.0f + tanhf(0.797884560802865356f * (x + 0.044715f * x * x * x))))

#define AOTC_UNARY_F32(OP, EXPR) AOTC_UNARY(aotc_##OP##_f32, float, float, AOTC_EW_ID, AOTC_EW_ID, EXPR)
#define AOTC_UNARY_F16(OP, EXPR) AOTC_UNARY(aotc_##OP##_f16, uint16_t, float, aotc_half_to_float, aotc_float_to_half, EXPR)
#define AOTC_UNARY_BF16(OP, EXPR) AOTC_UNARY(aotc_##OP##_bf16, uint16_t, float, aotc_bfloat16_to_float, aotc_float_to_bfloat16, EXPR)
AOTC_UNARY_FLOAT_OPS(AOTC_UNARY_F32)
AOTC_UNARY_FLOAT_OPS(AOTC_UNARY_F16)
AOTC_UNARY_FLOAT_OPS(AOTC_UNARY_BF16)

/* The same ops in double precision (alpha and beta widen to double). */
#define AOTC_UNARY_F64(OP, EXPR) AOTC_UNARY(aotc_##OP##_f64, double, double, AOTC_EW_ID, AOTC_EW_ID, EXPR)
AOTC_UNARY_F64(relu, x > 0.0 ? x : 0.0)
AOTC_UNARY_F64(leaky_relu, x >= 0.0 ? x : alpha * x)
AOTC_UNARY_F64(sigmoid, x >= 0.0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x)))
AOTC_UNARY_F64(tanh, tanh(x))
AOTC_UNARY_F64(hard_sigmoid, fmax(0.0, fmin(1.0, alpha * x + beta)))
AOTC_UNARY_F64(hard_swish, x * fmax(0.0, fmin(1.0, x * (1.0 / 6.0) + 0.5)))
AOTC_UNARY_F64(clip, x < alpha ? alpha : (x > beta ? beta : x))
AOTC_UNARY_F64(neg, -x)
AOTC_UNARY_F64(abs, fabs(x))
AOTC_UNARY_F64(exp, exp(x))
AOTC_UNARY_F64(log, log(x))
AOTC_UNARY_F64(sqrt, sqrt(x))
AOTC_UNARY_F64(reciprocal, 1.0 / x)
AOTC_UNARY_F64(floor, floor(x))
AOTC_UNARY_F64(ceil, ceil(x))
AOTC_UNARY_F64(round, rint(x))
AOTC_UNARY_F64(erf, erf(x))
AOTC_UNARY_F64(elu, x >= 0.0 ? x : alpha * (exp(x) - 1.0))
AOTC_UNARY_F64(selu, x > 0.0 ? beta * x : beta * (alpha * exp(x) - alpha))
AOTC_UNARY_F64(celu, fmax(0.0, x) + fmin(0.0, alpha * (exp(x / alpha) - 1.0)))
AOTC_UNARY_F64(thresholded_relu, x > alpha ? x : 0.0)
AOTC_UNARY_F64(softplus, x > 0.0 ? x + log1p(exp(-x)) : log1p(exp(x)))
AOTC_UNARY_F64(softsign, x / (1.0 + fabs(x)))
AOTC_UNARY_F64(sign, x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : x))
AOTC_UNARY_F64(sin, sin(x))
AOTC_UNARY_F64(cos, cos(x))
AOTC_UNARY_F64(tan, tan(x))
AOTC_UNARY_F64(asin, asin(x))
AOTC_UNARY_F64(acos, acos(x))
AOTC_UNARY_F64(atan, atan(x))
AOTC_UNARY_F64(sinh, sinh(x))
AOTC_UNARY_F64(cosh, cosh(x))
AOTC_UNARY_F64(asinh, asinh(x))
AOTC_UNARY_F64(acosh, acosh(x))
AOTC_UNARY_F64(atanh, atanh(x))
AOTC_UNARY_F64(mish, x * tanh(x > 0.0 ? x + log1p(exp(-x)) : log1p(exp(x))))
AOTC_UNARY_F64(shrink, x < -beta ? x + alpha : (x > beta ? x - alpha : 0.0))
AOTC_UNARY_F64(swish, x * (alpha * x >= 0.0 ? 1.0 / (1.0 + exp(-alpha * x)) : exp(alpha * x) / (1.0 + exp(alpha * x))))
AOTC_UNARY_F64(gelu, 0.5 * x * (1.0 + erf(x * 0.707106781186547524)))
AOTC_UNARY_F64(gelu_tanh, 0.5 * x * (1.0 + tanh(0.797884560802865356 * (x + 0.044715 * x * x * x))))

/*
 * Integer Neg, Abs, Sign and Relu. Negation wraps like ONNX Runtime's
 * (-INT_MIN == INT_MIN): it is done in the unsigned type U, which is defined
 * behaviour in C.
 */
#define AOTC_UNARY_SINT(SFX, T, U)                                                        \
  AOTC_UNARY(aotc_neg_##SFX, T, T, AOTC_EW_ID, AOTC_EW_ID, 0u - (U)x)                      \
  AOTC_UNARY(aotc_abs_##SFX, T, T, AOTC_EW_ID, AOTC_EW_ID, x < 0 ? (T)(0u - (U)x) : x)     \
  AOTC_UNARY(aotc_sign_##SFX, T, T, AOTC_EW_ID, AOTC_EW_ID, (x > 0) - (x < 0))             \
  AOTC_UNARY(aotc_relu_##SFX, T, T, AOTC_EW_ID, AOTC_EW_ID, x > 0 ? x : 0)
AOTC_UNARY_SINT(i8, int8_t, uint32_t)
AOTC_UNARY_SINT(i16, int16_t, uint32_t)
AOTC_UNARY_SINT(i32, int32_t, uint32_t)
AOTC_UNARY_SINT(i64, int64_t, uint64_t)
#define AOTC_UNARY_UINT(SFX, T)                                          \
  AOTC_UNARY(aotc_abs_##SFX, T, T, AOTC_EW_ID, AOTC_EW_ID, x)            \
  AOTC_UNARY(aotc_sign_##SFX, T, T, AOTC_EW_ID, AOTC_EW_ID, x > 0)
AOTC_UNARY_UINT(u8, uint8_t)
AOTC_UNARY_UINT(u16, uint16_t)
AOTC_UNARY_UINT(u32, uint32_t)
AOTC_UNARY_UINT(u64, uint64_t)

/* ---- binary, broadcasting ---------------------------------------------- */

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

/* float16 / bfloat16: computed in float, rounded back to nearest even. */
#define AOTC_BINARY_HALF_ARITH(SFX, TO_F, FROM_F)                                              \
  AOTC_BINARY(aotc_add_##SFX, uint16_t, uint16_t, FROM_F(TO_F(xa) + TO_F(xb)))                  \
  AOTC_BINARY(aotc_sub_##SFX, uint16_t, uint16_t, FROM_F(TO_F(xa) - TO_F(xb)))                  \
  AOTC_BINARY(aotc_mul_##SFX, uint16_t, uint16_t, FROM_F(TO_F(xa) * TO_F(xb)))                  \
  AOTC_BINARY(aotc_div_##SFX, uint16_t, uint16_t, FROM_F(TO_F(xa) / TO_F(xb)))                  \
  AOTC_BINARY(aotc_prelu_##SFX, uint16_t, uint16_t, TO_F(xa) < 0 ? FROM_F(TO_F(xa) * TO_F(xb)) : xa) \
  AOTC_BINARY(aotc_max_##SFX, uint16_t, uint16_t, (TO_F(xa) != TO_F(xa) || TO_F(xa) > TO_F(xb)) ? xa : xb) \
  AOTC_BINARY(aotc_min_##SFX, uint16_t, uint16_t, (TO_F(xa) != TO_F(xa) || TO_F(xa) < TO_F(xb)) ? xa : xb) \
  AOTC_BINARY(aotc_pow_##SFX, uint16_t, uint16_t, FROM_F(powf(TO_F(xa), TO_F(xb))))
AOTC_BINARY_HALF_ARITH(f16, aotc_half_to_float, aotc_float_to_half)
AOTC_BINARY_HALF_ARITH(bf16, aotc_bfloat16_to_float, aotc_float_to_bfloat16)

/*
 * Integer arithmetic wraps around like ONNX Runtime's: it is done in the
 * unsigned type of the same width, which is defined behaviour in C. Division
 * by 0 gives 0; signed MIN / -1 wraps to MIN (the CPU would trap).
 */
#define AOTC_BINARY_INT_ARITH(SFX, T, U)                                 \
  AOTC_BINARY(aotc_add_##SFX, T, T, (T)((U)xa + (U)xb))                  \
  AOTC_BINARY(aotc_sub_##SFX, T, T, (T)((U)xa - (U)xb))                  \
  AOTC_BINARY(aotc_mul_##SFX, T, T, (T)((U)xa * (U)xb))                  \
  AOTC_BINARY(aotc_max_##SFX, T, T, xa > xb ? xa : xb)                   \
  AOTC_BINARY(aotc_min_##SFX, T, T, xa < xb ? xa : xb)
#define AOTC_BINARY_SINT_DIV(SFX, T, U) \
  AOTC_BINARY(aotc_div_##SFX, T, T, xb == -1 ? (T)(0 - (U)xa) : xb != 0 ? (T)(xa / xb) : (T)0)
#define AOTC_BINARY_UINT_DIV(SFX, T) AOTC_BINARY(aotc_div_##SFX, T, T, xb != 0 ? (T)(xa / xb) : (T)0)
AOTC_BINARY_INT_ARITH(i8, int8_t, uint32_t)
AOTC_BINARY_INT_ARITH(i16, int16_t, uint32_t)
AOTC_BINARY_INT_ARITH(i32, int32_t, uint32_t)
AOTC_BINARY_INT_ARITH(i64, int64_t, uint64_t)
AOTC_BINARY_INT_ARITH(u8, uint8_t, uint32_t)
AOTC_BINARY_INT_ARITH(u16, uint16_t, uint32_t)
AOTC_BINARY_INT_ARITH(u32, uint32_t, uint32_t)
AOTC_BINARY_INT_ARITH(u64, uint64_t, uint64_t)
AOTC_BINARY_SINT_DIV(i8, int8_t, uint32_t)
AOTC_BINARY_SINT_DIV(i16, int16_t, uint32_t)
AOTC_BINARY_SINT_DIV(i32, int32_t, uint32_t)
AOTC_BINARY_SINT_DIV(i64, int64_t, uint64_t)
AOTC_BINARY_UINT_DIV(u8, uint8_t)
AOTC_BINARY_UINT_DIV(u16, uint16_t)
AOTC_BINARY_UINT_DIV(u32, uint32_t)
AOTC_BINARY_UINT_DIV(u64, uint64_t)
AOTC_BINARY(aotc_prelu_i32, int32_t, int32_t, xa < 0 ? (int32_t)((uint32_t)xa * (uint32_t)xb) : xa)
AOTC_BINARY(aotc_prelu_i64, int64_t, int64_t, xa < 0 ? (int64_t)((uint64_t)xa * (uint64_t)xb) : xa)

/*
 * Mod. aotc_mod_<t> (fmod = 0): the remainder takes the divisor's sign, as
 * Python's %; aotc_fmod_<t> (fmod = 1): C's, the dividend's sign. A zero
 * divisor gives 0 for integers (no trap) and NaN for floats (as fmod does).
 * MIN % -1 is 0 (the CPU would trap): b == -1 is handled first. Fixing up a
 * Python-style remainder (r + b, signs differ, |r| < |b|) cannot overflow.
 */
#define AOTC_EW_SMOD(T, xa, xb) \
  (xb == 0 || xb == -1 ? (T)0 : (xa % xb != 0 && ((xa % xb < 0) != (xb < 0))) ? (T)(xa % xb + xb) : (T)(xa % xb))
#define AOTC_BINARY_SINT_MOD(SFX, T)                              \
  AOTC_BINARY(aotc_mod_##SFX, T, T, AOTC_EW_SMOD(T, xa, xb))      \
  AOTC_BINARY(aotc_fmod_##SFX, T, T, xb == 0 || xb == -1 ? (T)0 : (T)(xa % xb))
#define AOTC_BINARY_UINT_MOD(SFX, T)                              \
  AOTC_BINARY(aotc_mod_##SFX, T, T, xb != 0 ? (T)(xa % xb) : (T)0) \
  AOTC_BINARY(aotc_fmod_##SFX, T, T, xb != 0 ? (T)(xa % xb) : (T)0)
AOTC_BINARY_SINT_MOD(i8, int8_t)
AOTC_BINARY_SINT_MOD(i16, int16_t)
AOTC_BINARY_SINT_MOD(i32, int32_t)
AOTC_BINARY_SINT_MOD(i64, int64_t)
AOTC_BINARY_UINT_MOD(u8, uint8_t)
AOTC_BINARY_UINT_MOD(u16, uint16_t)
AOTC_BINARY_UINT_MOD(u32, uint32_t)
AOTC_BINARY_UINT_MOD(u64, uint64_t)

/* Floats: fmod is exact, so f16/bf16 computed through float round-trip exactly. */
static AOTC_UNUSED float aotc_ew_pymodf(float a, float b) {
  float r = fmodf(a, b);
  return (r != 0.0f && ((r < 0.0f) != (b < 0.0f))) ? r + b : r;
}
static AOTC_UNUSED double aotc_ew_pymod(double a, double b) {
  double r = fmod(a, b);
  return (r != 0.0 && ((r < 0.0) != (b < 0.0))) ? r + b : r;
}
AOTC_BINARY(aotc_mod_f32, float, float, aotc_ew_pymodf(xa, xb))
AOTC_BINARY(aotc_fmod_f32, float, float, fmodf(xa, xb))
AOTC_BINARY(aotc_mod_f64, double, double, aotc_ew_pymod(xa, xb))
AOTC_BINARY(aotc_fmod_f64, double, double, fmod(xa, xb))
AOTC_BINARY(aotc_mod_f16, uint16_t, uint16_t, aotc_float_to_half(aotc_ew_pymodf(aotc_half_to_float(xa), aotc_half_to_float(xb))))
AOTC_BINARY(aotc_fmod_f16, uint16_t, uint16_t, aotc_float_to_half(fmodf(aotc_half_to_float(xa), aotc_half_to_float(xb))))
AOTC_BINARY(aotc_mod_bf16, uint16_t, uint16_t,
            aotc_float_to_bfloat16(aotc_ew_pymodf(aotc_bfloat16_to_float(xa), aotc_bfloat16_to_float(xb))))
AOTC_BINARY(aotc_fmod_bf16, uint16_t, uint16_t,
            aotc_float_to_bfloat16(fmodf(aotc_bfloat16_to_float(xa), aotc_bfloat16_to_float(xb))))

/* ---- Pow with a different exponent type (opset >= 12) --------------------- */

/*
 * aotc_pow_<base>_<exponent>: the output has the base's type. Float bases are
 * computed in double (f32, f64) or float (f16, bf16); integer bases take float
 * exponents through double, truncated toward zero, and integer exponents
 * exactly, wrapping around on overflow.
 */
#define AOTC_BINARY_MIXED(NAME, TA, TB, TY, EXPR) AOTC_BINARY_AB(NAME, TA, TB, TY, (TY)(EXPR))

/* Float to int64 truncating toward zero; NaN gives 0, out of range saturates. */
static AOTC_UNUSED int64_t aotc_ew_d2i64(double d) {
  if (d != d) return 0;
  if (d >= 9223372036854775808.0) return INT64_MAX;
  if (d <= -9223372036854775808.0) return INT64_MIN;
  return (int64_t)d;
}

/* base^e by squaring, wrapping around (in uint64_t, so without overflow UB). */
static AOTC_UNUSED int64_t aotc_ew_upow(int64_t base, uint64_t e) {
  uint64_t r = 1, b = (uint64_t)base;
  while (e) {
    if (e & 1u) r *= b;
    b *= b;
    e >>= 1;
  }
  return (int64_t)r;
}

/* As above; a negative exponent gives the truncated 1 / base^-e: 0 unless |base| == 1. */
static AOTC_UNUSED int64_t aotc_ew_ipow(int64_t base, int64_t e) {
  if (e >= 0) return aotc_ew_upow(base, (uint64_t)e);
  if (base == 1) return 1;
  if (base == -1) return e % 2 != 0 ? -1 : 1;
  return 0;
}

/* How an integer base is raised to an exponent of each kind: Float, Signed, Unsigned. */
#define AOTC_EW_IPOW_F(A, B, TO_D) aotc_ew_d2i64(pow((double)(A), TO_D(B)))
#define AOTC_EW_IPOW_S(A, B, TO_D) aotc_ew_ipow((int64_t)(A), (int64_t)(B))
#define AOTC_EW_IPOW_U(A, B, TO_D) aotc_ew_upow((int64_t)(A), (uint64_t)(B))

/* X(exponent suffix, C type, conversion to double, kind) for every exponent type. */
#define AOTC_POW_EXPONENTS(X)                                                    \
  X(f32, float, (double), F)                                                     \
  X(f64, double, (double), F)                                                    \
  X(f16, uint16_t, (double)aotc_half_to_float, F)                                       \
  X(bf16, uint16_t, (double)aotc_bfloat16_to_float, F)                                      \
  X(i8, int8_t, (double), S)                                                     \
  X(i16, int16_t, (double), S)                                                   \
  X(i32, int32_t, (double), S)                                                   \
  X(i64, int64_t, (double), S)                                                   \
  X(u8, uint8_t, (double), U)                                                    \
  X(u16, uint16_t, (double), U)                                                  \
  X(u32, uint32_t, (double), U)                                                  \
  X(u64, uint64_t, (double), U)

#define AOTC_POW_F32(E, TE, TO_D, KIND) \
  AOTC_BINARY_MIXED(aotc_pow_f32_##E, float, TE, float, pow((double)xa, TO_D(xb)))
#define AOTC_POW_F64(E, TE, TO_D, KIND) \
  AOTC_BINARY_MIXED(aotc_pow_f64_##E, double, TE, double, pow(xa, TO_D(xb)))
#define AOTC_POW_F16(E, TE, TO_D, KIND) \
  AOTC_BINARY_MIXED(aotc_pow_f16_##E, uint16_t, TE, uint16_t, aotc_float_to_half(powf(aotc_half_to_float(xa), (float)TO_D(xb))))
#define AOTC_POW_BF16(E, TE, TO_D, KIND) \
  AOTC_BINARY_MIXED(aotc_pow_bf16_##E, uint16_t, TE, uint16_t, aotc_float_to_bfloat16(powf(aotc_bfloat16_to_float(xa), (float)TO_D(xb))))
#define AOTC_POW_I32(E, TE, TO_D, KIND) \
  AOTC_BINARY_MIXED(aotc_pow_i32_##E, int32_t, TE, int32_t, AOTC_EW_IPOW_##KIND(xa, xb, TO_D))
#define AOTC_POW_I64(E, TE, TO_D, KIND) \
  AOTC_BINARY_MIXED(aotc_pow_i64_##E, int64_t, TE, int64_t, AOTC_EW_IPOW_##KIND(xa, xb, TO_D))
AOTC_POW_EXPONENTS(AOTC_POW_F32)
AOTC_POW_EXPONENTS(AOTC_POW_F64)
AOTC_POW_EXPONENTS(AOTC_POW_F16)
AOTC_POW_EXPONENTS(AOTC_POW_BF16)
AOTC_POW_EXPONENTS(AOTC_POW_I32)
AOTC_POW_EXPONENTS(AOTC_POW_I64)

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
AOTC_KERNEL void aotc_scale_f16(const uint16_t *x, uint16_t *y, int32_t n, float s) {
  int32_t i;
  for (i = 0; i < n; ++i) y[i] = aotc_float_to_half(aotc_half_to_float(x[i]) * s);
}
AOTC_KERNEL void aotc_scale_bf16(const uint16_t *x, uint16_t *y, int32_t n, float s) {
  int32_t i;
  for (i = 0; i < n; ++i) y[i] = aotc_float_to_bfloat16(aotc_bfloat16_to_float(x[i]) * s);
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

/* float16 / bfloat16 bounds compare as floats. */
#define AOTC_CLIP_BOUNDS_HALF(SFX, TO_F)                                                                           \
  AOTC_KERNEL void aotc_clip_bounds_##SFX(const uint16_t *x, const uint16_t *lo, const uint16_t *hi, uint16_t *y, \
                                          int32_t n) {                                                             \
    int32_t i;                                                                                                     \
    for (i = 0; i < n; ++i) {                                                                                      \
      uint16_t v = x[i];                                                                                           \
      if (lo && TO_F(v) < TO_F(*lo)) v = *lo;                                                                      \
      if (hi && TO_F(v) > TO_F(*hi)) v = *hi;                                                                      \
      y[i] = v;                                                                                                    \
    }                                                                                                              \
  }
AOTC_CLIP_BOUNDS_HALF(f16, aotc_half_to_float)
AOTC_CLIP_BOUNDS_HALF(bf16, aotc_bfloat16_to_float)

/*
 * y = x * scale for an nchw16c activation x (`blocks` = N*C/16 blocks of
 * `size` pixels x 16 channels) and one scale per channel ([N, C, 1, ...]: a
 * squeeze-and-excitation gate). y may be x (each element is read, then
 * written).
 */
AOTC_KERNEL void aotc_mul_channel_blocked_f32(const float *x, const float *scale, float *y, int32_t blocks,
                                              int32_t size) {
  int32_t b, i, r;
  for (b = 0; b < blocks; ++b) {
    float s[16];
    for (r = 0; r < 16; ++r) s[r] = scale[(ptrdiff_t)b * 16 + r];
    for (i = 0; i < size; ++i) {
      const ptrdiff_t at = ((ptrdiff_t)b * size + i) * 16;
      for (r = 0; r < 16; ++r) y[at + r] = x[at + r] * s[r];
    }
  }
}
