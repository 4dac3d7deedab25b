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
 * their uint16_t bit patterns. Casts involving the types newer than ONNX 1.12
 * (float8, float4, int4, int2) use aotc_cast_any, below.
 *
 * Range lives here too because its float16/bfloat16 variants need the same
 * half-precision rounding.
 */
#include "kernel_common.h"
#include "float_convert.h"

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
AOTC_CAST(f16, f32, uint16_t, float, (float)aotc_half_to_float(v))
AOTC_CAST(f16, f64, uint16_t, double, (double)aotc_half_to_float(v))
AOTC_CAST(f16, f16, uint16_t, uint16_t, v)
AOTC_CAST(f16, bf16, uint16_t, uint16_t, aotc_cast_d2b((double)aotc_half_to_float(v)))
AOTC_CAST(f16, i8, uint16_t, int8_t, (int8_t)aotc_cast_d2i64((double)aotc_half_to_float(v)))
AOTC_CAST(f16, i16, uint16_t, int16_t, (int16_t)aotc_cast_d2i64((double)aotc_half_to_float(v)))
AOTC_CAST(f16, i32, uint16_t, int32_t, (int32_t)aotc_cast_d2i64((double)aotc_half_to_float(v)))
AOTC_CAST(f16, i64, uint16_t, int64_t, (int64_t)aotc_cast_d2i64((double)aotc_half_to_float(v)))
AOTC_CAST(f16, u8, uint16_t, uint8_t, (uint8_t)aotc_cast_d2i64((double)aotc_half_to_float(v)))
AOTC_CAST(f16, u16, uint16_t, uint16_t, (uint16_t)aotc_cast_d2i64((double)aotc_half_to_float(v)))
AOTC_CAST(f16, u32, uint16_t, uint32_t, (uint32_t)aotc_cast_d2i64((double)aotc_half_to_float(v)))
AOTC_CAST(f16, u64, uint16_t, uint64_t, (uint64_t)aotc_cast_d2u64((double)aotc_half_to_float(v)))
AOTC_CAST(f16, bool, uint16_t, uint8_t, (uint8_t)(aotc_half_to_float(v) != 0))
AOTC_CAST(bf16, f32, uint16_t, float, (float)aotc_bfloat16_to_float(v))
AOTC_CAST(bf16, f64, uint16_t, double, (double)aotc_bfloat16_to_float(v))
AOTC_CAST(bf16, f16, uint16_t, uint16_t, aotc_cast_d2h((double)aotc_bfloat16_to_float(v)))
AOTC_CAST(bf16, bf16, uint16_t, uint16_t, v)
AOTC_CAST(bf16, i8, uint16_t, int8_t, (int8_t)aotc_cast_d2i64((double)aotc_bfloat16_to_float(v)))
AOTC_CAST(bf16, i16, uint16_t, int16_t, (int16_t)aotc_cast_d2i64((double)aotc_bfloat16_to_float(v)))
AOTC_CAST(bf16, i32, uint16_t, int32_t, (int32_t)aotc_cast_d2i64((double)aotc_bfloat16_to_float(v)))
AOTC_CAST(bf16, i64, uint16_t, int64_t, (int64_t)aotc_cast_d2i64((double)aotc_bfloat16_to_float(v)))
AOTC_CAST(bf16, u8, uint16_t, uint8_t, (uint8_t)aotc_cast_d2i64((double)aotc_bfloat16_to_float(v)))
AOTC_CAST(bf16, u16, uint16_t, uint16_t, (uint16_t)aotc_cast_d2i64((double)aotc_bfloat16_to_float(v)))
AOTC_CAST(bf16, u32, uint16_t, uint32_t, (uint32_t)aotc_cast_d2i64((double)aotc_bfloat16_to_float(v)))
AOTC_CAST(bf16, u64, uint16_t, uint64_t, (uint64_t)aotc_cast_d2u64((double)aotc_bfloat16_to_float(v)))
AOTC_CAST(bf16, bool, uint16_t, uint8_t, (uint8_t)(aotc_bfloat16_to_float(v) != 0))
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

/* ---- types newer than ONNX 1.12 ---------------------------------------------- */

/*
 * Casts from or to float8 (e4m3fn, e4m3fnuz, e5m2, e5m2fnuz, e8m0), float4e2m1,
 * int4/uint4 and int2/uint2 go through one kernel that dispatches on the ONNX
 * type numbers, as these types are rare and a typed kernel per pair would
 * multiply this file. Storage is one element per byte (see aotc.h): float8 and
 * float4 bit patterns in uint8_t, uint4/uint2 in uint8_t, int4/int2
 * sign-extended in int8_t. An element travels as a double (exact for every
 * value of these types) plus, for integer sources, the exact int64 value.
 */
typedef struct aotc_cast_value {
  double f;    /* the value as a double (rounded for large 64-bit integers) */
  int64_t i;   /* the exact value for integer and bool sources (u64 as its bit pattern) */
  int is_int;  /* nonzero for integer and bool sources */
} aotc_cast_value;

/*
 * float -> float8e8m0 (a power of two, 2^(code - 127)) from the float's
 * exponent bits, as ONNX's reference: round_mode 0 "up" rounds any fraction
 * up, 1 "down" drops it, 2 "nearest" rounds up from half (ties up). Rounding
 * up from the largest exponent gives NaN unless `saturate`; infinity gives
 * the largest value if `saturate`, else NaN. The sign is ignored (negative
 * inputs are undefined in ONNX).
 */
static AOTC_UNUSED uint8_t aotc_cast_f2e8m0(float f, int32_t saturate, int32_t round_mode) {
  uint32_t b, e, m;
  int up;
  memcpy(&b, &f, sizeof b);
  e = (b >> 23) & 0xFFu;
  m = b & 0x7FFFFFu;
  if (e == 0xFFu) return (uint8_t)(m == 0 && saturate ? 0xFEu : 0xFFu);
  if (e == 0) {
    /* A float subnormal m * 2^-149 lies between 0 and 2^-126 (code 1); code 0 is
       2^-127 (m = 0x400000), the smallest value, which smaller inputs saturate to. */
    if (round_mode == 0) return (uint8_t)(m > 0x400000u);
    if (round_mode == 2) return (uint8_t)(m >= 0x600000u);
    return 0;
  }
  if (round_mode == 0)
    up = m != 0;
  else if (round_mode == 2)
    up = (m & 0x400000u) != 0;
  else
    up = 0;
  if (up) {
    if (e < 0xFEu)
      ++e;
    else if (!saturate)
      e = 0xFFu;
  }
  return (uint8_t)e;
}

static AOTC_UNUSED aotc_cast_value aotc_cast_load(const void *x, int32_t t, int32_t k) {
  aotc_cast_value v;
  v.is_int = 1;
  v.i = 0;
  v.f = 0.0;
  switch (t) {
    case 1: v.f = (double)((const float *)x)[k]; v.is_int = 0; return v;
    case 11: v.f = ((const double *)x)[k]; v.is_int = 0; return v;
    case 10: v.f = (double)aotc_half_to_float(((const uint16_t *)x)[k]); v.is_int = 0; return v;
    case 16: v.f = (double)aotc_bfloat16_to_float(((const uint16_t *)x)[k]); v.is_int = 0; return v;
    case 17: case 18: case 19: case 20: case 23: case 24:
      v.f = aotc_cast_mini2d(((const uint8_t *)x)[k], t);
      v.is_int = 0;
      return v;
    case 2: case 21: case 25: v.i = ((const uint8_t *)x)[k]; break;
    case 9: v.i = ((const uint8_t *)x)[k] != 0; break;
    case 3: case 22: case 26: v.i = ((const int8_t *)x)[k]; break;
    case 4: v.i = ((const uint16_t *)x)[k]; break;
    case 5: v.i = ((const int16_t *)x)[k]; break;
    case 6: v.i = ((const int32_t *)x)[k]; break;
    case 7: v.i = ((const int64_t *)x)[k]; break;
    case 12: v.i = ((const uint32_t *)x)[k]; break;
    case 13: {
      uint64_t u = ((const uint64_t *)x)[k];
      v.i = (int64_t)u; /* wraps above INT64_MAX; only the low bits matter to integer targets */
      v.f = (double)u;
      return v;
    }
    default: break;
  }
  v.f = (double)v.i;
  return v;
}

static AOTC_UNUSED void aotc_cast_store(void *y, int32_t t, int32_t k, aotc_cast_value v, int32_t saturate,
                                        int32_t round_mode) {
  uint64_t bits; /* integer targets: the value's low bits */
  switch (t) {
    case 1: ((float *)y)[k] = (float)v.f; return;
    case 11: ((double *)y)[k] = v.f; return;
    case 10: ((uint16_t *)y)[k] = aotc_cast_d2h(v.f); return;
    case 16: ((uint16_t *)y)[k] = aotc_cast_d2b(v.f); return;
    case 17: case 18: case 19: case 20: case 23:
      ((uint8_t *)y)[k] = aotc_cast_d2mini(v.f, t, saturate);
      return;
    case 24: ((uint8_t *)y)[k] = aotc_cast_f2e8m0((float)v.f, saturate, round_mode); return;
    case 9: ((uint8_t *)y)[k] = (uint8_t)(v.is_int ? v.i != 0 : v.f != 0.0); return;
    default: break;
  }
  /* Integers keep the low bits of the source integer, or of the float truncated toward zero. */
  bits = v.is_int ? (uint64_t)v.i : (t == 13 ? aotc_cast_d2u64(v.f) : (uint64_t)aotc_cast_d2i64(v.f));
  switch (t) {
    case 2: ((uint8_t *)y)[k] = (uint8_t)bits; break;
    case 3: ((int8_t *)y)[k] = (int8_t)bits; break;
    case 4: ((uint16_t *)y)[k] = (uint16_t)bits; break;
    case 5: ((int16_t *)y)[k] = (int16_t)bits; break;
    case 6: ((int32_t *)y)[k] = (int32_t)bits; break;
    case 7: ((int64_t *)y)[k] = (int64_t)bits; break;
    case 12: ((uint32_t *)y)[k] = (uint32_t)bits; break;
    case 13: ((uint64_t *)y)[k] = bits; break;
    case 21: ((uint8_t *)y)[k] = (uint8_t)(bits & 0xFu); break;
    case 25: ((uint8_t *)y)[k] = (uint8_t)(bits & 0x3u); break;
    case 22: ((int8_t *)y)[k] = (int8_t)((int)(bits & 0xFu) - (int)((bits & 0x8u) << 1)); break;
    case 26: ((int8_t *)y)[k] = (int8_t)((int)(bits & 0x3u) - (int)((bits & 0x2u) << 1)); break;
    default: break;
  }
}

/*
 * y = Cast(x) where x has ONNX type `from` and y type `to`, one of them a type
 * newer than ONNX 1.12. `saturate` applies to float8 targets; round_mode
 * (0 up, 1 down, 2 nearest) to float8e8m0.
 */
AOTC_KERNEL void aotc_cast_any(const void *x, void *y, int32_t n, int32_t from, int32_t to, int32_t saturate,
                               int32_t round_mode) {
  int32_t k;
  for (k = 0; k < n; ++k) aotc_cast_store(y, to, k, aotc_cast_load(x, from, k), saturate, round_mode);
}

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
  float s = aotc_half_to_float(start[0]), d = aotc_half_to_float(delta[0]);
  for (i = 0; i < n; ++i) y[i] = aotc_cast_d2h((double)(s + (float)i * d));
}
AOTC_KERNEL void aotc_range_bf16(const uint16_t *start, const uint16_t *delta, uint16_t *y, int32_t n) {
  int32_t i;
  float s = aotc_bfloat16_to_float(start[0]), d = aotc_bfloat16_to_float(delta[0]);
  for (i = 0; i < n; ++i) y[i] = aotc_cast_d2b((double)(s + (float)i * d));
}
