/*
 * The quantization kernels (runtime-c/kernels/quantize.c) on hand-checked
 * values: QuantizeLinear's round half to even (2.5 -> 2, 3.5 -> 4, -2.5 -> -2),
 * saturation of out-of-range values, infinities and NaN (to the type's
 * minimum), zero points, per-axis and blocked scales, float16 precision and
 * float8; the typed float kernels against the generic one on random data;
 * DequantizeLinear; DynamicQuantizeLinear; MatMulInteger's wrap-around int32
 * accumulation; QLinearMatMul's requantization. Exit status 1 on any mismatch.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kernel_common.h"
#include "quantize.c"
#include "kernel_test.h"

static void expect_int(const char *what, int32_t got, int32_t want) {
  ++cases;
  if (got != want && ++failures <= 20) fprintf(stderr, "MISMATCH %s: got %d want %d\n", what, (int)got, (int)want);
}

static void expect_float(const char *what, float got, float want) {
  ++cases;
  if (!(got == want) && ++failures <= 20) fprintf(stderr, "MISMATCH %s: got %g want %g\n", what, (double)got, (double)want);
}

static const aotc_quant_params per_tensor = {1, 1, 0, 1, 0, 0, 0};

static void test_rounding_and_saturation(void) {
  const float x[] = {2.5f, 3.5f, -2.5f, -3.5f, 0.5f, 1.5f, -0.5f, 2.4999998f, 1000.0f, -1000.0f, HUGE_VALF, -HUGE_VALF,
                     NAN};
  const int32_t n = (int32_t)(sizeof x / sizeof x[0]);
  const int8_t want_i8[] = {2, 4, -2, -4, 0, 2, 0, 2, 127, -128, 127, -128, -128};
  const uint8_t want_u8_zp10[] = {12, 14, 8, 6, 10, 12, 10, 12, 255, 0, 255, 0, 0};
  const int8_t want_i4[] = {2, 4, -2, -4, 0, 2, 0, 2, 7, -8, 7, -8, -8};
  int8_t y8[16], g8[16];
  uint8_t yu[16], gu[16];
  const float one = 1.0f;
  const uint8_t zp10 = 10;
  aotc_quant_params geo;
  int32_t i;
  char what[64];
  geo = per_tensor;
  geo.inner = n;
  aotc_quantize_linear_f32_i8(x, &one, NULL, y8, &geo);
  aotc_quantize_linear_any(x, &one, NULL, g8, &geo, 1, 1, 3, 1, 1);
  for (i = 0; i < n; ++i) {
    sprintf(what, "quantize i8 x[%d]", (int)i);
    expect_int(what, y8[i], want_i8[i]);
    sprintf(what, "quantize_any i8 x[%d]", (int)i);
    expect_int(what, g8[i], want_i8[i]);
  }
  aotc_quantize_linear_f32_u8(x, &one, &zp10, yu, &geo);
  aotc_quantize_linear_any(x, &one, &zp10, gu, &geo, 1, 1, 2, 1, 1);
  for (i = 0; i < n; ++i) {
    sprintf(what, "quantize u8 zp 10 x[%d]", (int)i);
    expect_int(what, yu[i], want_u8_zp10[i]);
    sprintf(what, "quantize_any u8 zp 10 x[%d]", (int)i);
    expect_int(what, gu[i], want_u8_zp10[i]);
  }
  aotc_quantize_linear_f32_i4(x, &one, NULL, y8, &geo);
  aotc_quantize_linear_any(x, &one, NULL, g8, &geo, 1, 1, 22, 1, 1);
  for (i = 0; i < n; ++i) {
    sprintf(what, "quantize i4 x[%d]", (int)i);
    expect_int(what, y8[i], want_i4[i]);
    sprintf(what, "quantize_any i4 x[%d]", (int)i);
    expect_int(what, g8[i], want_i4[i]);
  }
  {
    /* x / scale rounds to float before rint: 0.3 / 0.1 is 3.0000002 in float, 3 in any case;
       7 / 2 = 3.5 -> 4, 5 / 2 = 2.5 -> 2 */
    const float xs[] = {0.3f, 7.0f, 5.0f, -7.0f};
    const float s[] = {0.1f, 2.0f, 2.0f, 2.0f};
    const int8_t want[] = {3, 4, 2, -4};
    for (i = 0; i < 4; ++i) {
      aotc_quant_params g1 = per_tensor;
      g1.inner = 1;
      aotc_quantize_linear_f32_i8(xs + i, s + i, NULL, y8, &g1);
      sprintf(what, "quantize %g / %g", (double)xs[i], (double)s[i]);
      expect_int(what, y8[0], want[i]);
    }
  }
}

static void test_granularity(void) {
  /* x [2, 3, 2], axis 1: per-axis scales {1, 2, 4}, zero points {0, 1, -1} */
  float x[12];
  const float s_axis[3] = {1.0f, 2.0f, 4.0f};
  const int8_t z_axis[3] = {0, 1, -1};
  const aotc_quant_params geo_axis = {2, 3, 2, 1, 0, 1, 0};
  /* blocked along axis 1 with block 2 (ceil(3 / 2) = 2 blocks): scale [2, 2, 2] */
  const float s_block[8] = {1, 2, 4, 8, 16, 32, 64, 128};
  const aotc_quant_params geo_block = {2, 3, 2, 2, 4, 2, 1};
  int8_t y[12], g[12];
  int32_t i, o, a, k;
  char what[64];
  for (i = 0; i < 12; ++i) x[i] = (float)(i * 10);
  aotc_quantize_linear_f32_i8(x, s_axis, z_axis, y, &geo_axis);
  aotc_quantize_linear_any(x, s_axis, z_axis, g, &geo_axis, 1, 1, 3, 1, 1);
  for (o = 0; o < 2; ++o)
    for (a = 0; a < 3; ++a)
      for (k = 0; k < 2; ++k) {
        const int32_t e = (o * 3 + a) * 2 + k;
        double v = rint((double)x[e] / s_axis[a]) + z_axis[a];
        v = v > 127 ? 127 : (v < -128 ? -128 : v);
        sprintf(what, "per-axis y[%d]", (int)e);
        expect_int(what, y[e], (int32_t)v);
        expect_int(what, g[e], (int32_t)v);
      }
  aotc_quantize_linear_f32_i8(x, s_block, NULL, y, &geo_block);
  aotc_quantize_linear_any(x, s_block, NULL, g, &geo_block, 1, 1, 3, 1, 1);
  for (o = 0; o < 2; ++o)
    for (a = 0; a < 3; ++a)
      for (k = 0; k < 2; ++k) {
        const int32_t e = (o * 3 + a) * 2 + k;
        const float s = s_block[(o * 2 + a / 2) * 2 + k];
        double v = rint((double)(x[e] / s));
        v = v > 127 ? 127 : (v < -128 ? -128 : v);
        sprintf(what, "blocked y[%d]", (int)e);
        expect_int(what, y[e], (int32_t)v);
        expect_int(what, g[e], (int32_t)v);
      }
}

static void test_typed_matches_generic(void) {
  aotc_quant_params geo;
  int32_t i, t;
  float x[256], s = 0.0371f;
  uint16_t y16[256], g16[256];
  int16_t z = -1234;
  geo = per_tensor;
  geo.inner = 256;
  for (t = 0; t < 20; ++t) {
    for (i = 0; i < 256; ++i) x[i] = rndf() * (float)(1 << (t % 16));
    aotc_quantize_linear_f32_i16(x, &s, &z, (int16_t *)y16, &geo);
    aotc_quantize_linear_any(x, &s, &z, g16, &geo, 1, 1, 5, 1, 1);
    for (i = 0; i < 256; ++i) expect_int("typed i16 vs generic", y16[i], g16[i]);
  }
}

static void test_precision_and_float8(void) {
  /* float16 precision: 1 / 3 in float16 is 0.33325195, times... x = 1000, s = 3 (f16): 1000 / 3 = 333.25 in
     float16 (333.33 rounds to 333.25 with 11 bits), rint -> 333 */
  const uint16_t x16 = aotc_float_to_half(1000.0f), s16 = aotc_float_to_half(3.0f);
  const uint16_t half_x = aotc_float_to_half(5.0f), half_s = aotc_float_to_half(2.0f);
  int16_t y;
  uint8_t f8[4];
  const float xf[4] = {1.0f, 500.0f, -1000.0f, 0.3f};
  const float one = 1.0f;
  aotc_quant_params geo;;
  geo = per_tensor;
  geo.inner = 1;
  aotc_quantize_linear_any(&x16, &s16, NULL, &y, &geo, 10, 10, 5, 10, 1);
  expect_int("float16 1000 / 3", y, 333);
  aotc_quantize_linear_any(&half_x, &half_s, NULL, &y, &geo, 10, 10, 5, 10, 1);
  expect_int("float16 5 / 2", y, 2);
  {
    /* float x and scale with precision float16: 2049 rounds to 2048 (even) in float16 first */
    const float x2049 = 2049.0f;
    aotc_quantize_linear_any(&x2049, &one, NULL, &y, &geo, 1, 1, 5, 10, 1);
    expect_int("precision float16 2049", y, 2048);
    aotc_quantize_linear_any(&x2049, &one, NULL, &y, &geo, 1, 1, 5, 1, 1);
    expect_int("precision float 2049", y, 2049);
  }
  /* float8e4m3fn: 1 -> 0x38, 500 saturates to 448 (0x7E) or, unsaturated, NaN (0x7F); -1000 -> 0xFE / 0xFF;
     0.3 -> 0.3125 = 0x2A (nearest of 0.28125 and 0.3125) */
  geo.inner = 4;
  aotc_quantize_linear_any(xf, &one, NULL, f8, &geo, 1, 1, 17, 1, 1);
  expect_int("e4m3fn 1", f8[0], 0x38);
  expect_int("e4m3fn 500 saturated", f8[1], 0x7E);
  expect_int("e4m3fn -1000 saturated", f8[2], 0xFE);
  expect_int("e4m3fn 0.3", f8[3], 0x2A);
  aotc_quantize_linear_any(xf, &one, NULL, f8, &geo, 1, 1, 17, 1, 0);
  expect_int("e4m3fn 500 unsaturated", f8[1], 0x7F);
  expect_int("e4m3fn -1000 unsaturated", f8[2], 0xFF);
}

static void test_dequantize(void) {
  const uint8_t x[4] = {0, 3, 128, 255};
  const uint8_t zp = 128;
  const float s = 2.0f;
  const float want[4] = {-256.0f, -250.0f, 0.0f, 254.0f};
  const int32_t xi[3] = {INT32_MAX, INT32_MIN, 7};
  float y[4], g[4];
  aotc_quant_params geo;
  int32_t i;
  geo = per_tensor;
  geo.inner = 4;
  aotc_dequantize_linear_u8_f32(x, &s, &zp, y, &geo);
  aotc_dequantize_linear_any(x, &s, &zp, g, &geo, 2, 1, 1);
  for (i = 0; i < 4; ++i) {
    expect_float("dequantize u8", y[i], want[i]);
    expect_float("dequantize_any u8", g[i], want[i]);
  }
  geo.inner = 3;
  aotc_dequantize_linear_i32_f32(xi, &s, NULL, y, &geo);
  expect_float("dequantize i32 max", y[0], 4294967296.0f);
  expect_float("dequantize i32 min", y[1], -4294967296.0f);
  expect_float("dequantize i32 7", y[2], 14.0f);
}

static void test_dynamic(void) {
  /* ONNX's example: x = [0, 2, -3, -2.5, 1.34, 0.5]: scale 5 / 255 = 0.019607844, zero point 153 */
  const float x[6] = {0.0f, 2.0f, -3.0f, -2.5f, 1.34f, 0.5f};
  const uint8_t want[6] = {153, 255, 0, 26, 221, 179};
  const float zeros[3] = {0.0f, 0.0f, 0.0f};
  uint8_t y[6], zp;
  float scale;
  int32_t i;
  aotc_dynamic_quantize_linear_f32(x, y, &scale, &zp, 6);
  expect_float("dynamic scale", scale, 5.0f / 255.0f);
  expect_int("dynamic zero point", zp, 153);
  for (i = 0; i < 6; ++i) expect_int("dynamic y", y[i], want[i]);
  aotc_dynamic_quantize_linear_f32(zeros, y, &scale, &zp, 3);
  expect_float("dynamic all-zero scale", scale, 0.0f);
  expect_int("dynamic all-zero zero point", zp, 0);
  expect_int("dynamic all-zero y", y[0], 0);
}

static void test_matmul(void) {
  /* [1, K] x [K, 1] with K = 70000: 70000 * (-128 * -128) = 1146880000 fits; 140000 * 16384 wraps */
  enum { K = 140000 };
  int8_t *a = (int8_t *)malloc(K), *b = (int8_t *)malloc(K);
  int32_t y = 0, i;
  uint8_t yq;
  const float as = 0.5f, bs = 0.25f, ys = 3.0f;
  const uint8_t yz = 100;
  const int8_t az = 0, bz = 0;
  if (!a || !b) exit(2);
  for (i = 0; i < K; ++i) a[i] = b[i] = -128;
  aotc_matmul_integer_i8_i8(a, b, NULL, NULL, &y, 1, 1, K / 2, 0, 0, 0, NULL, NULL, NULL);
  expect_int("matmul_integer K=70000", y, 1146880000);
  aotc_matmul_integer_i8_i8(a, b, NULL, NULL, &y, 1, 1, K, 0, 0, 0, NULL, NULL, NULL);
  expect_int("matmul_integer wraps", y, -2001207296); /* 2293760000 - 2^32 */
  /* a = [1, 2, 3] (zero point 1), b = [4, 5, 6]^T (zero point 2): (0*2 + 1*3 + 2*4) = 11;
     11 * 0.5 * 0.25 / 3 = 0.4583 -> 0 + 100 */
  {
    const int8_t qa[3] = {1, 2, 3}, qb[3] = {4, 5, 6}, qaz = 1, qbz = 2;
    aotc_matmul_integer_i8_i8(qa, qb, &qaz, &qbz, &y, 1, 1, 3, 0, 0, 0, NULL, NULL, NULL);
    expect_int("matmul_integer zero points", y, 11);
    aotc_qlinear_matmul_i8_i8_u8(qa, &as, &qaz, qb, &bs, &qbz, &ys, &yz, &yq, 1, 1, 3, 0, 0, 1, 0, NULL, NULL, NULL);
    expect_int("qlinear_matmul", yq, 100);
    aotc_qlinear_matmul_i8_i8_u8(a, &as, &az, b, &bs, &bz, &ys, &yz, &yq, 1, 1, 24, 0, 0, 1, 0, NULL, NULL, NULL);
    expect_int("qlinear_matmul saturates", yq, 255);
  }
  free(a);
  free(b);
}

int main(void) {
  rng_state = 12345u;
  test_rounding_and_saturation();
  test_granularity();
  test_typed_matches_generic();
  test_precision_and_float8();
  test_dequantize();
  test_dynamic();
  test_matmul();
  printf("quantize kernels: %d checks, %d failures\n", cases, failures);
  return failures ? 1 : 0;
}
