/*
 * cast.c -- element type conversions (Cast, CastLike) and Range.
 *
 * One kernel per (source, destination) pair:
 *     aotc_cast_<from>_<to>(const TF *x, TT *y, int32_t n)
 * over f32, f64, f16, bf16, i8..i64, u8..u64 and bool (uint8_t 0/1).
 * Rules (ONNX Cast): float to float rounds to nearest even, overflowing to
 * +/-inf; float to integer truncates toward zero (out of range values, which
 * ONNX leaves undefined, saturate to the 64-bit range and then wrap like an
 * integer cast; NaN gives 0); integer to integer keeps the low bits; anything
 * to bool is "nonzero"; bool reads as 0/1. float16 and bfloat16 are stored as
 * their uint16_t bit patterns.
 *
 * Range lives here too because its float16/bfloat16 variants need the same
 * half-precision rounding.
 */
#include "kernel_common.h"

/* ---- scalar conversions --------------------------------------------------- */

/* float16 bits -> float (exact). */
static AOTC_UNUSED float aotc_cast_h2f(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t e = (h >> 10) & 0x1Fu, m = h & 0x3FFu, bits;
  float f;
  if (e == 0) {
    /* zero or subnormal: m * 2^-24, exact in float */
    f = (float)m * 5.9604644775390625e-8f;
    return sign ? -f : f;
  }
  if (e == 31)
    bits = sign | 0x7F800000u | (m << 13);
  else
    bits = sign | ((e + 112u) << 23) | (m << 13);
  memcpy(&f, &bits, sizeof f);
  return f;
}

/* bfloat16 bits -> float (exact: the top half of a float). */
static AOTC_UNUSED float aotc_cast_b2f(uint16_t b) {
  uint32_t bits = (uint32_t)b << 16;
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

/*
 * Rounds a double to a narrower IEEE binary format with `mbits` mantissa bits
 * and `ebits` exponent bits (float16: 10/5, bfloat16: 7/8), to nearest even,
 * with overflow to infinity and gradual underflow. Returns the bit pattern.
 */
static AOTC_UNUSED uint16_t aotc_cast_round_narrow(double x, int mbits, int ebits) {
  uint64_t b, full, m, rem, half;
  int e, bias = (1 << (ebits - 1)) - 1, shift;
  uint32_t sign, inf, exp_field;
  memcpy(&b, &x, sizeof b);
  sign = (uint32_t)(b >> 63) << (mbits + ebits);
  inf = ((1u << ebits) - 1u) << mbits;
  e = (int)((b >> 52) & 0x7FF);
  full = b & (((uint64_t)1 << 52) - 1);
  if (e == 0x7FF) return (uint16_t)(sign | inf | (full ? (1u << (mbits - 1)) : 0u)); /* inf, NaN */
  if (e == 0) return (uint16_t)sign; /* zero, or a double subnormal: far below any target's range */
  e -= 1023;
  full |= (uint64_t)1 << 52;
  if (e > bias) return (uint16_t)(sign | inf);
  /* Keep mbits fraction bits for a normal result, fewer for a subnormal one. */
  shift = 52 - mbits;
  if (e < 1 - bias) shift += (1 - bias) - e;
  if (shift > 63) return (uint16_t)sign;
  m = full >> shift;
  rem = full & (((uint64_t)1 << shift) - 1);
  half = (uint64_t)1 << (shift - 1);
  if (rem > half || (rem == half && (m & 1))) ++m;
  if (e < 1 - bias) return (uint16_t)(sign | (uint32_t)m); /* subnormal (m may carry into the min normal) */
  if (m >> (mbits + 1)) { /* rounding carried into a new binade */
    m >>= 1;
    ++e;
    if (e > bias) return (uint16_t)(sign | inf);
  }
  exp_field = (uint32_t)(e + bias) << mbits;
  return (uint16_t)(sign | exp_field | ((uint32_t)m & ((1u << mbits) - 1u)));
}

static AOTC_UNUSED uint16_t aotc_cast_d2h(double x) { return aotc_cast_round_narrow(x, 10, 5); }
static AOTC_UNUSED uint16_t aotc_cast_d2b(double x) { return aotc_cast_round_narrow(x, 7, 8); }

/* Float to int64 truncating toward zero; NaN gives 0, out of range saturates. */
static AOTC_UNUSED int64_t aotc_cast_d2i64(double d) {
  if (d != d) return 0;
  if (d >= 9223372036854775808.0) return INT64_MAX;
  if (d <= -9223372036854775808.0) return INT64_MIN;
  return (int64_t)d;
}

/* Float to uint64: as above above 2^63; negative values wrap like numpy's. */
static AOTC_UNUSED uint64_t aotc_cast_d2u64(double d) {
  if (d != d) return 0;
  if (d >= 18446744073709551616.0) return UINT64_MAX;
  if (d >= 9223372036854775808.0) return (uint64_t)(d - 9223372036854775808.0) + ((uint64_t)1 << 63);
  return (uint64_t)aotc_cast_d2i64(d);
}

/* ---- Cast kernels --------------------------------------------------------- */

#define AOTC_CAST(FROM, TO, TF, TT, EXPR)                                                  \
  AOTC_KERNEL void aotc_cast_##FROM##_##TO(const TF *AOTC_RESTRICT x, TT *AOTC_RESTRICT y, \
                                           int32_t n) {                                    \
    int32_t i;                                                                             \
    for (i = 0; i < n; ++i) {                                                              \
      TF v = x[i];                                                                         \
      y[i] = (TT)(EXPR);                                                                   \
    }                                                                                      \
  }

AOTC_CAST(f32, f32, float, float, v)
AOTC_CAST(f32, f64, float, double, (double)v)
AOTC_CAST(f32, f16, float, uint16_t, aotc_cast_d2h((double)v))
AOTC_CAST(f32, bf16, float, uint16_t, aotc_cast_d2b((double)v))
AOTC_CAST(f32, i8, float, int8_t, (int8_t)aotc_cast_d2i64((double)v))
AOTC_CAST(f32, i16, float, int16_t, (int16_t)aotc_cast_d2i64((double)v))
AOTC_CAST(f32, i32, float, int32_t, (int32_t)aotc_cast_d2i64((double)v))
AOTC_CAST(f32, i64, float, int64_t, (int64_t)aotc_cast_d2i64((double)v))
AOTC_CAST(f32, u8, float, uint8_t, (uint8_t)aotc_cast_d2i64((double)v))
AOTC_CAST(f32, u16, float, uint16_t, (uint16_t)aotc_cast_d2i64((double)v))
AOTC_CAST(f32, u32, float, uint32_t, (uint32_t)aotc_cast_d2i64((double)v))
AOTC_CAST(f32, u64, float, uint64_t, (uint64_t)aotc_cast_d2u64((double)v))
AOTC_CAST(f32, bool, float, uint8_t, (uint8_t)(v != 0))
AOTC_CAST(f64, f32, double, float, (float)v)
AOTC_CAST(f64, f64, double, double, v)
AOTC_CAST(f64, f16, double, uint16_t, aotc_cast_d2h((double)v))
AOTC_CAST(f64, bf16, double, uint16_t, aotc_cast_d2b((double)v))
AOTC_CAST(f64, i8, double, int8_t, (int8_t)aotc_cast_d2i64((double)v))
AOTC_CAST(f64, i16, double, int16_t, (int16_t)aotc_cast_d2i64((double)v))
AOTC_CAST(f64, i32, double, int32_t, (int32_t)aotc_cast_d2i64((double)v))
AOTC_CAST(f64, i64, double, int64_t, (int64_t)aotc_cast_d2i64((double)v))
AOTC_CAST(f64, u8, double, uint8_t, (uint8_t)aotc_cast_d2i64((double)v))
AOTC_CAST(f64, u16, double, uint16_t, (uint16_t)aotc_cast_d2i64((double)v))
AOTC_CAST(f64, u32, double, uint32_t, (uint32_t)aotc_cast_d2i64((double)v))
AOTC_CAST(f64, u64, double, uint64_t, (uint64_t)aotc_cast_d2u64((double)v))
AOTC_CAST(f64, bool, double, uint8_t, (uint8_t)(v != 0))
AOTC_CAST(f16, f32, uint16_t, float, (float)aotc_cast_h2f(v))
AOTC_CAST(f16, f64, uint16_t, double, (double)aotc_cast_h2f(v))
AOTC_CAST(f16, f16, uint16_t, uint16_t, v)
AOTC_CAST(f16, bf16, uint16_t, uint16_t, aotc_cast_d2b((double)aotc_cast_h2f(v)))
AOTC_CAST(f16, i8, uint16_t, int8_t, (int8_t)aotc_cast_d2i64((double)aotc_cast_h2f(v)))
AOTC_CAST(f16, i16, uint16_t, int16_t, (int16_t)aotc_cast_d2i64((double)aotc_cast_h2f(v)))
AOTC_CAST(f16, i32, uint16_t, int32_t, (int32_t)aotc_cast_d2i64((double)aotc_cast_h2f(v)))
AOTC_CAST(f16, i64, uint16_t, int64_t, (int64_t)aotc_cast_d2i64((double)aotc_cast_h2f(v)))
AOTC_CAST(f16, u8, uint16_t, uint8_t, (uint8_t)aotc_cast_d2i64((double)aotc_cast_h2f(v)))
AOTC_CAST(f16, u16, uint16_t, uint16_t, (uint16_t)aotc_cast_d2i64((double)aotc_cast_h2f(v)))
AOTC_CAST(f16, u32, uint16_t, uint32_t, (uint32_t)aotc_cast_d2i64((double)aotc_cast_h2f(v)))
AOTC_CAST(f16, u64, uint16_t, uint64_t, (uint64_t)aotc_cast_d2u64((double)aotc_cast_h2f(v)))
AOTC_CAST(f16, bool, uint16_t, uint8_t, (uint8_t)(aotc_cast_h2f(v) != 0))
AOTC_CAST(bf16, f32, uint16_t, float, (float)aotc_cast_b2f(v))
AOTC_CAST(bf16, f64, uint16_t, double, (double)aotc_cast_b2f(v))
AOTC_CAST(bf16, f16, uint16_t, uint16_t, aotc_cast_d2h((double)aotc_cast_b2f(v)))
AOTC_CAST(bf16, bf16, uint16_t, uint16_t, v)
AOTC_CAST(bf16, i8, uint16_t, int8_t, (int8_t)aotc_cast_d2i64((double)aotc_cast_b2f(v)))
AOTC_CAST(bf16, i16, uint16_t, int16_t, (int16_t)aotc_cast_d2i64((double)aotc_cast_b2f(v)))
AOTC_CAST(bf16, i32, uint16_t, int32_t, (int32_t)aotc_cast_d2i64((double)aotc_cast_b2f(v)))
AOTC_CAST(bf16, i64, uint16_t, int64_t, (int64_t)aotc_cast_d2i64((double)aotc_cast_b2f(v)))
AOTC_CAST(bf16, u8, uint16_t, uint8_t, (uint8_t)aotc_cast_d2i64((double)aotc_cast_b2f(v)))
AOTC_CAST(bf16, u16, uint16_t, uint16_t, (uint16_t)aotc_cast_d2i64((double)aotc_cast_b2f(v)))
AOTC_CAST(bf16, u32, uint16_t, uint32_t, (uint32_t)aotc_cast_d2i64((double)aotc_cast_b2f(v)))
AOTC_CAST(bf16, u64, uint16_t, uint64_t, (uint64_t)aotc_cast_d2u64((double)aotc_cast_b2f(v)))
AOTC_CAST(bf16, bool, uint16_t, uint8_t, (uint8_t)(aotc_cast_b2f(v) != 0))
AOTC_CAST(i8, f32, int8_t, float, (float)v)
AOTC_CAST(i8, f64, int8_t, double, (double)v)
AOTC_CAST(i8, f16, int8_t, uint16_t, aotc_cast_d2h((double)v))
AOTC_CAST(i8, bf16, int8_t, uint16_t, aotc_cast_d2b((double)v))
AOTC_CAST(i8, i8, int8_t, int8_t, v)
AOTC_CAST(i8, i16, int8_t, int16_t, (int16_t)v)
AOTC_CAST(i8, i32, int8_t, int32_t, (int32_t)v)
AOTC_CAST(i8, i64, int8_t, int64_t, (int64_t)v)
AOTC_CAST(i8, u8, int8_t, uint8_t, (uint8_t)v)
AOTC_CAST(i8, u16, int8_t, uint16_t, (uint16_t)v)
AOTC_CAST(i8, u32, int8_t, uint32_t, (uint32_t)v)
AOTC_CAST(i8, u64, int8_t, uint64_t, (uint64_t)v)
AOTC_CAST(i8, bool, int8_t, uint8_t, (uint8_t)(v != 0))
AOTC_CAST(i16, f32, int16_t, float, (float)v)
AOTC_CAST(i16, f64, int16_t, double, (double)v)
AOTC_CAST(i16, f16, int16_t, uint16_t, aotc_cast_d2h((double)v))
AOTC_CAST(i16, bf16, int16_t, uint16_t, aotc_cast_d2b((double)v))
AOTC_CAST(i16, i8, int16_t, int8_t, (int8_t)v)
AOTC_CAST(i16, i16, int16_t, int16_t, v)
AOTC_CAST(i16, i32, int16_t, int32_t, (int32_t)v)
AOTC_CAST(i16, i64, int16_t, int64_t, (int64_t)v)
AOTC_CAST(i16, u8, int16_t, uint8_t, (uint8_t)v)
AOTC_CAST(i16, u16, int16_t, uint16_t, (uint16_t)v)
AOTC_CAST(i16, u32, int16_t, uint32_t, (uint32_t)v)
AOTC_CAST(i16, u64, int16_t, uint64_t, (uint64_t)v)
AOTC_CAST(i16, bool, int16_t, uint8_t, (uint8_t)(v != 0))
AOTC_CAST(i32, f32, int32_t, float, (float)v)
AOTC_CAST(i32, f64, int32_t, double, (double)v)
AOTC_CAST(i32, f16, int32_t, uint16_t, aotc_cast_d2h((double)v))
AOTC_CAST(i32, bf16, int32_t, uint16_t, aotc_cast_d2b((double)v))
AOTC_CAST(i32, i8, int32_t, int8_t, (int8_t)v)
AOTC_CAST(i32, i16, int32_t, int16_t, (int16_t)v)
AOTC_CAST(i32, i32, int32_t, int32_t, v)
AOTC_CAST(i32, i64, int32_t, int64_t, (int64_t)v)
AOTC_CAST(i32, u8, int32_t, uint8_t, (uint8_t)v)
AOTC_CAST(i32, u16, int32_t, uint16_t, (uint16_t)v)
AOTC_CAST(i32, u32, int32_t, uint32_t, (uint32_t)v)
AOTC_CAST(i32, u64, int32_t, uint64_t, (uint64_t)v)
AOTC_CAST(i32, bool, int32_t, uint8_t, (uint8_t)(v != 0))
AOTC_CAST(i64, f32, int64_t, float, (float)v)
AOTC_CAST(i64, f64, int64_t, double, (double)v)
AOTC_CAST(i64, f16, int64_t, uint16_t, aotc_cast_d2h((double)v))
AOTC_CAST(i64, bf16, int64_t, uint16_t, aotc_cast_d2b((double)v))
AOTC_CAST(i64, i8, int64_t, int8_t, (int8_t)v)
AOTC_CAST(i64, i16, int64_t, int16_t, (int16_t)v)
AOTC_CAST(i64, i32, int64_t, int32_t, (int32_t)v)
AOTC_CAST(i64, i64, int64_t, int64_t, v)
AOTC_CAST(i64, u8, int64_t, uint8_t, (uint8_t)v)
AOTC_CAST(i64, u16, int64_t, uint16_t, (uint16_t)v)
AOTC_CAST(i64, u32, int64_t, uint32_t, (uint32_t)v)
AOTC_CAST(i64, u64, int64_t, uint64_t, (uint64_t)v)
AOTC_CAST(i64, bool, int64_t, uint8_t, (uint8_t)(v != 0))
AOTC_CAST(u8, f32, uint8_t, float, (float)v)
AOTC_CAST(u8, f64, uint8_t, double, (double)v)
AOTC_CAST(u8, f16, uint8_t, uint16_t, aotc_cast_d2h((double)v))
AOTC_CAST(u8, bf16, uint8_t, uint16_t, aotc_cast_d2b((double)v))
AOTC_CAST(u8, i8, uint8_t, int8_t, (int8_t)v)
AOTC_CAST(u8, i16, uint8_t, int16_t, (int16_t)v)
AOTC_CAST(u8, i32, uint8_t, int32_t, (int32_t)v)
AOTC_CAST(u8, i64, uint8_t, int64_t, (int64_t)v)
AOTC_CAST(u8, u8, uint8_t, uint8_t, v)
AOTC_CAST(u8, u16, uint8_t, uint16_t, (uint16_t)v)
AOTC_CAST(u8, u32, uint8_t, uint32_t, (uint32_t)v)
AOTC_CAST(u8, u64, uint8_t, uint64_t, (uint64_t)v)
AOTC_CAST(u8, bool, uint8_t, uint8_t, (uint8_t)(v != 0))
AOTC_CAST(u16, f32, uint16_t, float, (float)v)
AOTC_CAST(u16, f64, uint16_t, double, (double)v)
AOTC_CAST(u16, f16, uint16_t, uint16_t, aotc_cast_d2h((double)v))
AOTC_CAST(u16, bf16, uint16_t, uint16_t, aotc_cast_d2b((double)v))
AOTC_CAST(u16, i8, uint16_t, int8_t, (int8_t)v)
AOTC_CAST(u16, i16, uint16_t, int16_t, (int16_t)v)
AOTC_CAST(u16, i32, uint16_t, int32_t, (int32_t)v)
AOTC_CAST(u16, i64, uint16_t, int64_t, (int64_t)v)
AOTC_CAST(u16, u8, uint16_t, uint8_t, (uint8_t)v)
AOTC_CAST(u16, u16, uint16_t, uint16_t, v)
AOTC_CAST(u16, u32, uint16_t, uint32_t, (uint32_t)v)
AOTC_CAST(u16, u64, uint16_t, uint64_t, (uint64_t)v)
AOTC_CAST(u16, bool, uint16_t, uint8_t, (uint8_t)(v != 0))
AOTC_CAST(u32, f32, uint32_t, float, (float)v)
AOTC_CAST(u32, f64, uint32_t, double, (double)v)
AOTC_CAST(u32, f16, uint32_t, uint16_t, aotc_cast_d2h((double)v))
AOTC_CAST(u32, bf16, uint32_t, uint16_t, aotc_cast_d2b((double)v))
AOTC_CAST(u32, i8, uint32_t, int8_t, (int8_t)v)
AOTC_CAST(u32, i16, uint32_t, int16_t, (int16_t)v)
AOTC_CAST(u32, i32, uint32_t, int32_t, (int32_t)v)
AOTC_CAST(u32, i64, uint32_t, int64_t, (int64_t)v)
AOTC_CAST(u32, u8, uint32_t, uint8_t, (uint8_t)v)
AOTC_CAST(u32, u16, uint32_t, uint16_t, (uint16_t)v)
AOTC_CAST(u32, u32, uint32_t, uint32_t, v)
AOTC_CAST(u32, u64, uint32_t, uint64_t, (uint64_t)v)
AOTC_CAST(u32, bool, uint32_t, uint8_t, (uint8_t)(v != 0))
AOTC_CAST(u64, f32, uint64_t, float, (float)v)
AOTC_CAST(u64, f64, uint64_t, double, (double)v)
AOTC_CAST(u64, f16, uint64_t, uint16_t, aotc_cast_d2h((double)v))
AOTC_CAST(u64, bf16, uint64_t, uint16_t, aotc_cast_d2b((double)v))
AOTC_CAST(u64, i8, uint64_t, int8_t, (int8_t)v)
AOTC_CAST(u64, i16, uint64_t, int16_t, (int16_t)v)
AOTC_CAST(u64, i32, uint64_t, int32_t, (int32_t)v)
AOTC_CAST(u64, i64, uint64_t, int64_t, (int64_t)v)
AOTC_CAST(u64, u8, uint64_t, uint8_t, (uint8_t)v)
AOTC_CAST(u64, u16, uint64_t, uint16_t, (uint16_t)v)
AOTC_CAST(u64, u32, uint64_t, uint32_t, (uint32_t)v)
AOTC_CAST(u64, u64, uint64_t, uint64_t, v)
AOTC_CAST(u64, bool, uint64_t, uint8_t, (uint8_t)(v != 0))
AOTC_CAST(bool, f32, uint8_t, float, (float)(v != 0))
AOTC_CAST(bool, f64, uint8_t, double, (double)(v != 0))
AOTC_CAST(bool, f16, uint8_t, uint16_t, (uint16_t)(v ? 0x3C00 : 0))
AOTC_CAST(bool, bf16, uint8_t, uint16_t, (uint16_t)(v ? 0x3F80 : 0))
AOTC_CAST(bool, i8, uint8_t, int8_t, (int8_t)(v != 0))
AOTC_CAST(bool, i16, uint8_t, int16_t, (int16_t)(v != 0))
AOTC_CAST(bool, i32, uint8_t, int32_t, (int32_t)(v != 0))
AOTC_CAST(bool, i64, uint8_t, int64_t, (int64_t)(v != 0))
AOTC_CAST(bool, u8, uint8_t, uint8_t, (uint8_t)(v != 0))
AOTC_CAST(bool, u16, uint8_t, uint16_t, (uint16_t)(v != 0))
AOTC_CAST(bool, u32, uint8_t, uint32_t, (uint32_t)(v != 0))
AOTC_CAST(bool, u64, uint8_t, uint64_t, (uint64_t)(v != 0))
AOTC_CAST(bool, bool, uint8_t, uint8_t, v)

/* ---- Range ---------------------------------------------------------------- */

/*
 * y[i] = start + i * delta for i < n (n computed by aotc from the constant
 * start/limit/delta). Integers wrap around (computed unsigned, no overflow UB).
 */
#define AOTC_RANGE_FLOAT(SFX, T)                                                          \
  AOTC_KERNEL void aotc_range_##SFX(const T *start, const T *delta, T *y, int32_t n) {   \
    int32_t i;                                                                            \
    for (i = 0; i < n; ++i) y[i] = start[0] + (T)i * delta[0];                            \
  }
AOTC_RANGE_FLOAT(f32, float)
AOTC_RANGE_FLOAT(f64, double)

#define AOTC_RANGE_INT(SFX, T, U)                                                         \
  AOTC_KERNEL void aotc_range_##SFX(const T *start, const T *delta, T *y, int32_t n) {   \
    int32_t i;                                                                            \
    for (i = 0; i < n; ++i) y[i] = (T)((U)start[0] + (U)i * (U)delta[0]);                 \
  }
AOTC_RANGE_INT(i16, int16_t, uint32_t)
AOTC_RANGE_INT(i32, int32_t, uint32_t)
AOTC_RANGE_INT(i64, int64_t, uint64_t)

/* float16/bfloat16: computed in float, rounded to the storage type. */
AOTC_KERNEL void aotc_range_f16(const uint16_t *start, const uint16_t *delta, uint16_t *y, int32_t n) {
  int32_t i;
  float s = aotc_cast_h2f(start[0]), d = aotc_cast_h2f(delta[0]);
  for (i = 0; i < n; ++i) y[i] = aotc_cast_d2h((double)(s + (float)i * d));
}
AOTC_KERNEL void aotc_range_bf16(const uint16_t *start, const uint16_t *delta, uint16_t *y, int32_t n) {
  int32_t i;
  float s = aotc_cast_b2f(start[0]), d = aotc_cast_b2f(delta[0]);
  for (i = 0; i < n; ++i) y[i] = aotc_cast_d2b((double)(s + (float)i * d));
}
