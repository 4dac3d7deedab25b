/*
 * quantize.c -- the ONNX quantization ops: QuantizeLinear, DequantizeLinear,
 * DynamicQuantizeLinear, MatMulInteger and QLinearMatMul (ConvInteger and
 * QLinearConv are in conv.c). Portable C99 reference kernels; exact, with the
 * ONNX reference's rounding (half to even) and saturation.
 *
 * Element types are named by their ONNX TensorProto numbers where a kernel
 * takes several (1 float, 2 uint8, 3 int8, 4 uint16, 5 int16, 6 int32,
 * 10 float16, 16 bfloat16, 17..20 float8, 21 uint4, 22 int4, 23 float4e2m1,
 * 24 float8e8m0, 25 uint2, 26 int2). Storage as in aotc.h: float16/bfloat16
 * and the float8/float4 types are bit patterns, 4-bit and 2-bit integers one
 * per byte (int4/int2 sign-extended in int8_t).
 *
 * Quantization granularity (QuantizeLinear, DequantizeLinear) is an
 * aotc_quant_params (kernel_params.h): which scale and zero point each
 * element of x uses.
 */
#include "kernel_common.h"
#include "float_convert.h"

/* ---- scalar helpers ----------------------------------------------------------- */

/* Element k of x, of ONNX type t, as a double (exact for every type here). */
static AOTC_UNUSED double aotc_q_load(const void *x, int32_t t, ptrdiff_t k) {
  switch (t) {
    case 1: return (double)((const float *)x)[k];
    case 10: return (double)aotc_half_to_float(((const uint16_t *)x)[k]);
    case 16: return (double)aotc_bfloat16_to_float(((const uint16_t *)x)[k]);
    case 2: case 21: case 25: return (double)((const uint8_t *)x)[k];
    case 3: case 22: case 26: return (double)((const int8_t *)x)[k];
    case 4: return (double)((const uint16_t *)x)[k];
    case 5: return (double)((const int16_t *)x)[k];
    case 6: return (double)((const int32_t *)x)[k];
    default: return aotc_cast_mini2d(((const uint8_t *)x)[k], t); /* float8, float4e2m1, float8e8m0 */
  }
}

/* v rounded (to nearest even) to the float type t (float, float16, bfloat16); other t: v. */
static AOTC_UNUSED double aotc_q_round(double v, int32_t t) {
  switch (t) {
    case 1: return (double)(float)v;
    case 10: return (double)aotc_half_to_float(aotc_cast_d2h(v));
    case 16: return (double)aotc_bfloat16_to_float(aotc_cast_d2b(v));
    default: return v;
  }
}

/* The saturation range of integer type t in *lo, *hi; returns 0 for non-integer types. */
static AOTC_UNUSED int aotc_q_range(int32_t t, double *lo, double *hi) {
  switch (t) {
    case 2: *lo = 0.0, *hi = 255.0; return 1;
    case 3: *lo = -128.0, *hi = 127.0; return 1;
    case 4: *lo = 0.0, *hi = 65535.0; return 1;
    case 5: *lo = -32768.0, *hi = 32767.0; return 1;
    case 21: *lo = 0.0, *hi = 15.0; return 1;
    case 22: *lo = -8.0, *hi = 7.0; return 1;
    case 25: *lo = 0.0, *hi = 3.0; return 1;
    case 26: *lo = -2.0, *hi = 1.0; return 1;
    default: return 0;
  }
}

/*
 * rint(v) + z saturated to [lo, hi]. NaN gives lo (as ONNX's reference and
 * ONNX Runtime do on x86), infinities the nearest bound.
 */
static AOTC_UNUSED double aotc_q_saturate(double v, double z, double lo, double hi) {
  double r = rint(v) + z;
  return r >= lo ? (r <= hi ? r : hi) : lo;
}

/* Stores the integer value v (already in range) as element k of y of integer type t. */
static AOTC_UNUSED void aotc_q_store_int(void *y, int32_t t, ptrdiff_t k, double v) {
  int32_t i = (int32_t)v;
  switch (t) {
    case 2: case 21: case 25: ((uint8_t *)y)[k] = (uint8_t)i; break;
    case 3: case 22: case 26: ((int8_t *)y)[k] = (int8_t)i; break;
    case 4: ((uint16_t *)y)[k] = (uint16_t)i; break;
    default: ((int16_t *)y)[k] = (int16_t)i; break; /* 5 */
  }
}

/*
 * Runs the statements (...) for every element k of x, in order, with j the number of its
 * scale and zero point (see aotc_quant_params). Declares o, a, i, k, j.
 */
#define AOTC_QUANT_FOR_EACH(P, ...)                                                                         \
  do {                                                                                                     \
    ptrdiff_t k = 0;                                                                                       \
    int32_t o, a, i;                                                                                       \
    for (o = 0; o < (P)->outer; ++o)                                                                       \
      for (a = 0; a < (P)->d; ++a) {                                                                       \
        const ptrdiff_t base = (ptrdiff_t)o * (P)->scale_outer + (ptrdiff_t)(a / (P)->block) * (P)->scale_axis; \
        for (i = 0; i < (P)->inner; ++i, ++k) {                                                            \
          const ptrdiff_t j = base + (ptrdiff_t)i * (P)->scale_inner;                                      \
          __VA_ARGS__                                                                                      \
        }                                                                                                  \
      }                                                                                                    \
  } while (0)

/* ---- QuantizeLinear ------------------------------------------------------------ */

/*
 * y = saturate(round_half_even(x / scale) + zero_point) for every combination
 * of types: x (x_type float, float16, bfloat16 or int32), scale (s_type float,
 * float16, bfloat16 or float8e8m0), y (y_type int8..uint16, int4, uint4,
 * int2, uint2, a float8 or float4e2m1). The division runs in the precision of
 * p_type (float, float16 or bfloat16): both operands and the quotient are
 * rounded to it, as ONNX's "precision" (default: the scale's type) says.
 * Float targets add a nonzero zero point and encode to nearest even,
 * saturating to the largest finite value if `saturate` (else infinity or
 * NaN, per ONNX's float8 tables; float4e2m1 always saturates). zp may be NULL.
 */
AOTC_KERNEL void aotc_quantize_linear_any(const void *x, const void *scale, const void *zp, void *y,
                                          const aotc_quant_params *geo, int32_t x_type, int32_t s_type,
                                          int32_t y_type, int32_t p_type, int32_t saturate) {
  double lo = 0.0, hi = 0.0;
  const int is_int = aotc_q_range(y_type, &lo, &hi);
  AOTC_QUANT_FOR_EACH(geo, {
    const double s = aotc_q_round(aotc_q_load(scale, s_type, j), p_type);
    const double v = aotc_q_round(aotc_q_round(aotc_q_load(x, x_type, k), p_type) / s, p_type);
    const double z = zp ? aotc_q_load(zp, y_type, j) : 0.0;
    if (is_int)
      aotc_q_store_int(y, y_type, k, aotc_q_saturate(v, z, lo, hi));
    else
      ((uint8_t *)y)[k] = aotc_cast_d2mini(z != 0.0 ? aotc_q_round(v + z, p_type) : v, y_type, saturate);
  });
}

/*
 * The common case, float x and float scale to an integer type, in float
 * arithmetic: the same results as aotc_quantize_linear_any (the quotient is
 * rounded once to float either way; adding the zero point in float is exact
 * for every value that does not saturate). The 4-bit and 2-bit types use the
 * 8-bit storage types.
 */
#define AOTC_QUANTIZE_F32(SFX, T, LO, HI)                                                                     \
  AOTC_KERNEL void aotc_quantize_linear_f32_##SFX(const float *x, const float *scale, const T *zp, T *y,     \
                                                  const aotc_quant_params *geo) {                            \
    AOTC_QUANT_FOR_EACH(geo, {                                                                               \
      const float z = zp ? (float)zp[j] : 0.0f;                                                              \
      float v = aotc_rintf_z(x[k] / scale[j]) + z;                                                           \
      v = v >= (float)(LO) ? (v <= (float)(HI) ? v : (float)(HI)) : (float)(LO);                             \
      y[k] = (T)(int32_t)v;                                                                                  \
    });                                                                                                      \
  }
AOTC_QUANTIZE_F32(u8, uint8_t, 0, 255)
AOTC_QUANTIZE_F32(i8, int8_t, -128, 127)
AOTC_QUANTIZE_F32(u16, uint16_t, 0, 65535)
AOTC_QUANTIZE_F32(i16, int16_t, -32768, 32767)
AOTC_QUANTIZE_F32(u4, uint8_t, 0, 15)
AOTC_QUANTIZE_F32(i4, int8_t, -8, 7)
AOTC_QUANTIZE_F32(u2, uint8_t, 0, 3)
AOTC_QUANTIZE_F32(i2, int8_t, -2, 1)

/* ---- DequantizeLinear ------------------------------------------------------------ */

/*
 * y = (x - zero_point) * scale in the precision of the output type y_type
 * (float, float16 or bfloat16): x - zero_point (exact) and the scale are
 * rounded to it, then their product. x (x_type) is any quantized type or
 * int32, the scale (s_type) float, float16, bfloat16 or float8e8m0. zp may be NULL.
 */
AOTC_KERNEL void aotc_dequantize_linear_any(const void *x, const void *scale, const void *zp, void *y,
                                            const aotc_quant_params *geo, int32_t x_type, int32_t s_type,
                                            int32_t y_type) {
  AOTC_QUANT_FOR_EACH(geo, {
    const double xv = aotc_q_load(x, x_type, k);
    const double diff = zp ? aotc_q_round(xv - aotc_q_load(zp, x_type, j), y_type) : aotc_q_round(xv, y_type);
    const double v = diff * aotc_q_round(aotc_q_load(scale, s_type, j), y_type);
    switch (y_type) {
      case 10: ((uint16_t *)y)[k] = aotc_cast_d2h(v); break;
      case 16: ((uint16_t *)y)[k] = aotc_cast_d2b(v); break;
      default: ((float *)y)[k] = (float)v; break;
    }
  });
}

/*
 * Integer x, float scale, float y (the common case): (float)(x - zp) * scale,
 * the same results as aotc_dequantize_linear_any. The difference is computed
 * in D: int32 for types of up to 16 bits, int64 for int32 x, so it cannot
 * overflow. (An int64 difference of 8-bit values cost 32-bit Arm a library
 * call per element under Clang, __aeabi_l2f, which GCC narrowed away.)
 */
#define AOTC_DEQUANTIZE_F32(SFX, T, D)                                                                        \
  AOTC_KERNEL void aotc_dequantize_linear_##SFX##_f32(const T *x, const float *scale, const T *zp, float *y, \
                                                      const aotc_quant_params *geo) {                        \
    AOTC_QUANT_FOR_EACH(geo, {                                                                               \
      const D z = zp ? (D)zp[j] : 0;                                                                         \
      y[k] = (float)((D)x[k] - z) * scale[j];                                                                \
    });                                                                                                      \
  }
AOTC_DEQUANTIZE_F32(u8, uint8_t, int32_t)
AOTC_DEQUANTIZE_F32(i8, int8_t, int32_t)
AOTC_DEQUANTIZE_F32(u16, uint16_t, int32_t)
AOTC_DEQUANTIZE_F32(i16, int16_t, int32_t)
AOTC_DEQUANTIZE_F32(i32, int32_t, int64_t)
AOTC_DEQUANTIZE_F32(u4, uint8_t, int32_t)
AOTC_DEQUANTIZE_F32(i4, int8_t, int32_t)
AOTC_DEQUANTIZE_F32(u2, uint8_t, int32_t)
AOTC_DEQUANTIZE_F32(i2, int8_t, int32_t)

/* ---- DynamicQuantizeLinear ------------------------------------------------------ */

/*
 * ONNX DynamicQuantizeLinear (uint8), in float as ONNX's reference:
 *     lo = min(0, min(x)), hi = max(0, max(x)), scale = (hi - lo) / 255,
 *     zero_point = saturate(round_half_even(0 - lo / scale)),
 *     y = saturate(round_half_even(x / scale) + zero_point).
 * NaN elements are left out of the min and max (and quantize to 0). An
 * all-zero (or empty) x has scale 0: zero point 0 and y all 0.
 */
AOTC_KERNEL void aotc_dynamic_quantize_linear_f32(const float *x, uint8_t *y, float *y_scale, uint8_t *y_zp,
                                                  int32_t n) {
  float lo = 0.0f, hi = 0.0f, scale, zf, v;
  int32_t i;
  for (i = 0; i < n; ++i) {
    lo = x[i] < lo ? x[i] : lo;
    hi = x[i] > hi ? x[i] : hi;
  }
  scale = (hi - lo) / 255.0f;
  y_scale[0] = scale;
  if (!(scale > 0.0f)) {
    y_zp[0] = 0;
    for (i = 0; i < n; ++i) y[i] = 0;
    return;
  }
  zf = rintf(0.0f - lo / scale);
  zf = zf >= 0.0f ? (zf <= 255.0f ? zf : 255.0f) : 0.0f;
  y_zp[0] = (uint8_t)(int32_t)zf;
  for (i = 0; i < n; ++i) {
    v = rintf(x[i] / scale) + zf;
    v = v >= 0.0f ? (v <= 255.0f ? v : 255.0f) : 0.0f;
    y[i] = (uint8_t)(int32_t)v;
  }
}

/* ---- MatMulInteger and QLinearMatMul --------------------------------------------- */

/*
 * Batched integer matrix products Y[..., M, N] = A[..., M, K] * B[..., K, N]
 * (batch broadcasting as aotc_matmul_f32's: `rank` dims `dims`, operand
 * strides per batch dim, 0 where one broadcasts). Zero points: a_zp is one
 * value or, if a_zp_rows, one per row of A; b_zp one or, if b_zp_cols, one per
 * column of B; either may be NULL (0). The sum of (a - a_zp) * (b - b_zp)
 * accumulates in uint32_t, so it wraps like int32 two's complement arithmetic
 * instead of overflowing (each product fits int32 for 8-bit operands).
 */
#define AOTC_QMM_LOOP(TA, TB, STORE)                                                                          \
  int32_t idx[AOTC_MAX_RANK] = {0};                                                                           \
  int32_t off[2] = {0, 0};                                                                                    \
  const int32_t *strides[2];                                                                                  \
  int32_t r, c, kk;                                                                                           \
  strides[0] = a_strides;                                                                                     \
  strides[1] = b_strides;                                                                                     \
  for (r = 0; r < rank; ++r)                                                                                  \
    if (dims[r] == 0) return;                                                                                 \
  do {                                                                                                        \
    const TA *pa = a + off[0];                                                                                \
    const TB *pb = b + off[1];                                                                                \
    for (r = 0; r < M; ++r) {                                                                                 \
      const int32_t az = a_zp ? (int32_t)a_zp[a_zp_rows ? r : 0] : 0;                                         \
      for (c = 0; c < N; ++c) {                                                                               \
        const int32_t bz = b_zp ? (int32_t)b_zp[b_zp_cols ? c : 0] : 0;                                       \
        uint32_t acc = 0;                                                                                     \
        int32_t sum;                                                                                          \
        for (kk = 0; kk < K; ++kk)                                                                            \
          acc += (uint32_t)(((int32_t)pa[(ptrdiff_t)r * K + kk] - az) * ((int32_t)pb[(ptrdiff_t)kk * N + c] - bz)); \
        sum = acc <= 0x7FFFFFFFu ? (int32_t)acc : -(int32_t)(~acc) - 1;                                      \
        STORE;                                                                                                \
      }                                                                                                       \
    }                                                                                                         \
    y += (ptrdiff_t)M * N;                                                                                    \
  } while (rank > 0 && aotc_next_index(rank, 0, dims, idx, 2, off, strides));

#define AOTC_MATMUL_INTEGER(SFX, TA, TB)                                                                      \
  AOTC_KERNEL void aotc_matmul_integer_##SFX(const TA *a, const TB *b, const TA *a_zp, const TB *b_zp,       \
                                             int32_t *y, int32_t M, int32_t N, int32_t K, int32_t a_zp_rows, \
                                             int32_t b_zp_cols, int32_t rank, const int32_t *dims,           \
                                             const int32_t *a_strides, const int32_t *b_strides) {           \
    AOTC_QMM_LOOP(TA, TB, y[(ptrdiff_t)r * N + c] = sum)                                                      \
  }
AOTC_MATMUL_INTEGER(u8_u8, uint8_t, uint8_t)
AOTC_MATMUL_INTEGER(u8_i8, uint8_t, int8_t)
AOTC_MATMUL_INTEGER(i8_u8, int8_t, uint8_t)
AOTC_MATMUL_INTEGER(i8_i8, int8_t, int8_t)

/*
 * The requantization multiplier of QLinearMatMul, a_scale * b_scale / y_scale
 * computed in the scales' type s_type (float, float16 or bfloat16), each
 * operation rounded to it, as ONNX's reference computes it.
 */
static AOTC_UNUSED double aotc_qmm_multiplier(const void *a_scale, const void *b_scale, const void *y_scale,
                                              int32_t s_type, ptrdiff_t ia, ptrdiff_t ib, ptrdiff_t iy) {
  const double as = aotc_q_load(a_scale, s_type, ia), bs = aotc_q_load(b_scale, s_type, ib);
  return aotc_q_round(aotc_q_round(as * bs, s_type) / aotc_q_load(y_scale, s_type, iy), s_type);
}

/*
 * QLinearMatMul: the zero-point-corrected int32 sum as MatMulInteger's, then
 * y = saturate(round_half_even(sum * multiplier) + y_zp), the product in float
 * as ONNX Runtime and QLinearConv (conv.c) compute it (ONNX's reference uses
 * float64 there; the two differ only where a product lands within a float
 * rounding of a tie). Scales of type s_type, with their zero points: a's one
 * or (a_zp_rows) one per row, b's one or (b_zp_cols) one per column, y's one.
 * A NULL zero point is 0.
 */
#define AOTC_QLINEAR_MATMUL(SFX, TA, TB, TY, YLO, YHI)                                                         \
  AOTC_KERNEL void aotc_qlinear_matmul_##SFX(const TA *a, const void *a_scale, const TA *a_zp, const TB *b,    \
                                             const void *b_scale, const TB *b_zp, const void *y_scale,         \
                                             const TY *y_zp, TY *y, int32_t M, int32_t N, int32_t K,           \
                                             int32_t a_zp_rows, int32_t b_zp_cols, int32_t s_type,             \
                                             int32_t rank, const int32_t *dims,                               \
                                             const int32_t *a_strides, const int32_t *b_strides) {             \
    AOTC_QMM_LOOP(TA, TB, {                                                                                    \
      const double mult = aotc_qmm_multiplier(a_scale, b_scale, y_scale, s_type, a_zp_rows ? r : 0,           \
                                              b_zp_cols ? c : 0, 0);                                           \
      const double v = aotc_q_saturate((double)((float)sum * (float)mult), y_zp ? (double)y_zp[0] : 0.0, YLO, YHI); \
      y[(ptrdiff_t)r * N + c] = (TY)(int32_t)v;                                                                \
    })                                                                                                         \
  }
#define AOTC_QLINEAR_MATMUL_Y(SFX, TA, TB)                                                                     \
  AOTC_QLINEAR_MATMUL(SFX##_u8, TA, TB, uint8_t, 0.0, 255.0)                                                   \
  AOTC_QLINEAR_MATMUL(SFX##_i8, TA, TB, int8_t, -128.0, 127.0)
AOTC_QLINEAR_MATMUL_Y(u8_u8, uint8_t, uint8_t)
AOTC_QLINEAR_MATMUL_Y(u8_i8, uint8_t, int8_t)
AOTC_QLINEAR_MATMUL_Y(i8_u8, int8_t, uint8_t)
AOTC_QLINEAR_MATMUL_Y(i8_i8, int8_t, int8_t)
