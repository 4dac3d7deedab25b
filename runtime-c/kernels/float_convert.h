/*
 * float_convert.h -- exact scalar conversions to the narrow float formats,
 * shared by cast.c (Cast) and quantize.c (QuantizeLinear, DequantizeLinear):
 * double to float16/bfloat16 with one rounding to nearest even, and the
 * float8 (e4m3fn, e4m3fnuz, e5m2, e5m2fnuz) and float4e2m1 bit patterns to and
 * from double. Types are named by their ONNX TensorProto numbers.
 */
#ifndef AOTC_FLOAT_CONVERT_H
#define AOTC_FLOAT_CONVERT_H

#include "kernel_common.h"

/* ---- scalar conversions --------------------------------------------------- */

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

/* The value of a float8/float4 bit pattern `b` of ONNX type `t`. */
static AOTC_UNUSED double aotc_cast_mini2d(uint32_t b, int32_t t) {
  int ebits, mbits, bias;
  uint32_t mant, exp;
  double v;
  switch (t) {
    case 17: /* e4m3fn: no infinities; S.1111.111 is NaN */
      if ((b & 0x7Fu) == 0x7Fu) return (double)NAN;
      ebits = 4, mbits = 3, bias = 7;
      break;
    case 18: /* e4m3fnuz: no infinities, no -0; 0x80 is NaN */
      if (b == 0x80u) return (double)NAN;
      ebits = 4, mbits = 3, bias = 8;
      break;
    case 19: /* e5m2: IEEE-like */
      if ((b & 0x7Cu) == 0x7Cu) return (b & 3u) ? (double)NAN : ((b & 0x80u) ? -HUGE_VAL : HUGE_VAL);
      ebits = 5, mbits = 2, bias = 15;
      break;
    case 20: /* e5m2fnuz */
      if (b == 0x80u) return (double)NAN;
      ebits = 5, mbits = 2, bias = 16;
      break;
    case 24: /* e8m0: 2^(b - 127); 0xFF is NaN */
      return b == 0xFFu ? (double)NAN : ldexp(1.0, (int)b - 127);
    default: /* 23, float4e2m1: every code is finite */
      b &= 0xFu;
      ebits = 2, mbits = 1, bias = 1;
      break;
  }
  mant = b & ((1u << mbits) - 1u);
  exp = (b >> mbits) & ((1u << ebits) - 1u);
  v = exp == 0 ? ldexp((double)mant, 1 - bias - mbits)
               : ldexp((double)(mant | (1u << mbits)), (int)exp - bias - mbits);
  return ((b >> (ebits + mbits)) & 1u) ? -v : v;
}

/*
 * Encodes x as float8 e4m3fn/e4m3fnuz/e5m2/e5m2fnuz or float4e2m1 (type `t`),
 * rounding to nearest even. Out of range values and infinities become the
 * largest finite value if `saturate`, else infinity (e5m2) or NaN (ONNX Cast's
 * tables). The FNUZ types have no -0; float4e2m1 has no NaN or infinity and
 * always saturates (NaN gives 0x8, as ONNX's reference does).
 */
static AOTC_UNUSED uint8_t aotc_cast_d2mini(double x, int32_t t, int32_t saturate) {
  int mbits, bias, e, uz = 0, has_inf = 0;
  uint32_t sign_bit = 0x80u, max_code, nan_code, sign, code;
  double maxv, a, q, r;
  switch (t) {
    case 17: mbits = 3, bias = 7, maxv = 448.0, max_code = 0x7Eu, nan_code = 0x7Fu; break;
    case 18: mbits = 3, bias = 8, maxv = 240.0, max_code = 0x7Fu, nan_code = 0x80u, uz = 1; break;
    case 19: mbits = 2, bias = 15, maxv = 57344.0, max_code = 0x7Bu, nan_code = 0x7Eu, has_inf = 1; break;
    case 20: mbits = 2, bias = 16, maxv = 57344.0, max_code = 0x7Fu, nan_code = 0x80u, uz = 1; break;
    default: /* 23, float4e2m1 */
      mbits = 1, bias = 1, maxv = 6.0, max_code = 0x7u, nan_code = 0x8u, sign_bit = 0x8u, saturate = 1;
      break;
  }
  if (x != x) return (uint8_t)(uz || t == 23 ? nan_code : nan_code | (signbit(x) ? sign_bit : 0u));
  sign = signbit(x) ? sign_bit : 0u;
  a = fabs(x);
  /* Spacing of representable values around a (subnormals share the smallest exponent's). */
  if (a > maxv * 2.0) {
    r = a; /* certainly out of range (also infinity) */
  } else {
    (void)frexp(a, &e); /* a = m * 2^e with m in [0.5, 1) */
    if (e - 1 < 1 - bias) e = 2 - bias;
    q = ldexp(1.0, e - 1 - mbits);
    r = rint(a / q) * q; /* exact scaling; rint rounds half to even */
  }
  if (r > maxv) {
    if (saturate) return (uint8_t)(max_code | sign);
    if (has_inf) return (uint8_t)(0x7Cu | sign);
    return (uint8_t)(uz ? nan_code : nan_code | sign);
  }
  if (r == 0.0) return (uint8_t)(uz ? 0u : sign);
  (void)frexp(r, &e);
  if (e - 1 < 1 - bias) {
    code = (uint32_t)ldexp(r, bias - 1 + mbits); /* subnormal: r / 2^(1 - bias - mbits) */
  } else {
    code = ((uint32_t)(e - 1 + bias) << mbits) | ((uint32_t)ldexp(r, mbits - (e - 1)) - (1u << mbits));
  }
  return (uint8_t)(code | sign);
}

#endif /* AOTC_FLOAT_CONVERT_H */
