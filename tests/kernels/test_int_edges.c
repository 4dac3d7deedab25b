/*
 * The edge cases of issue 9's integer kernels, where C would trap or be
 * undefined (run it under -fsanitize=undefined too): Mod with a zero divisor
 * and MIN % -1, the sign of Mod's result for fmod = 0 and 1; BitShift by the
 * width or more; CumSum/CumProd wrapping around; Trilu's k at its clamped
 * extremes; OneHot's negative, out-of-range and NaN indices. Exit status 1
 * on any mismatch.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kernel_common.h"
#include "elementwise.c"
#include "bitwise.c"
#include "cumulative.c"
#include "matrix.c"
#include "kernel_test.h"

static void expect_i64(const char *what, int64_t got, int64_t want) {
  ++cases;
  if (got != want && ++failures <= 20)
    fprintf(stderr, "MISMATCH %s: got %lld want %lld\n", what, (long long)got, (long long)want);
}

static const int32_t unit[1] = {1};

static void test_mod(void) {
  const int32_t a[] = {INT32_MIN, INT32_MIN, 7, -7, 7, -7, 5, 0};
  const int32_t b[] = {-1, 0, -3, 3, 3, -3, 5, -2};
  const int32_t want_mod[] = {0, 0, -2, 2, 1, -1, 0, 0};
  const int32_t want_fmod[] = {0, 0, 1, -1, 1, -1, 0, 0};
  const int8_t a8[] = {-128, -128, 100, -100}, b8[] = {-1, 7, -7, 7}, want8[] = {0, 5, -5, 5};
  const int64_t a64[] = {INT64_MIN, INT64_MIN, -1}, b64[] = {-1, INT64_MAX, INT64_MIN};
  const int64_t want64[] = {0, INT64_MAX - 1, -1};
  const uint8_t au[] = {200, 7}, bu[] = {0, 3}, wantu[] = {0, 1};
  const float af[] = {-4.0f, 4.0f}, bf[] = {3.0f, -3.0f};
  int32_t dims[1], y[8];
  int8_t y8[4];
  int64_t y64[3];
  uint8_t yu[2];
  float yf[2];
  int i;
  dims[0] = 8;
  aotc_mod_i32(a, b, y, 1, dims, unit, unit);
  for (i = 0; i < 8; ++i) expect_i64("mod_i32", y[i], want_mod[i]);
  aotc_fmod_i32(a, b, y, 1, dims, unit, unit);
  for (i = 0; i < 8; ++i) expect_i64("fmod_i32", y[i], want_fmod[i]);
  dims[0] = 4;
  aotc_mod_i8(a8, b8, y8, 1, dims, unit, unit);
  for (i = 0; i < 4; ++i) expect_i64("mod_i8", y8[i], want8[i]);
  dims[0] = 3;
  aotc_mod_i64(a64, b64, y64, 1, dims, unit, unit);
  for (i = 0; i < 3; ++i) expect_i64("mod_i64", y64[i], want64[i]);
  dims[0] = 2;
  aotc_mod_u8(au, bu, yu, 1, dims, unit, unit);
  for (i = 0; i < 2; ++i) expect_i64("mod_u8", yu[i], wantu[i]);
  aotc_mod_f32(af, bf, yf, 1, dims, unit, unit);
  expect_i64("mod_f32 -4 % 3", (int64_t)yf[0], 2);
  expect_i64("mod_f32 4 % -3", (int64_t)yf[1], -2);
  aotc_fmod_f32(af, bf, yf, 1, dims, unit, unit);
  expect_i64("fmod_f32 -4 % 3", (int64_t)yf[0], -1);
  expect_i64("fmod_f32 4 % -3", (int64_t)yf[1], 1);
}

static void test_bitshift(void) {
  const uint8_t x8[] = {0xFF, 0xFF, 0xFF, 1}, s8[] = {7, 8, 255, 0};
  const uint64_t x64[] = {1, 1, 1}, s64[] = {63, 64, 1000};
  uint8_t y8[4];
  uint64_t y64[3];
  int32_t dims[1] = {4};
  aotc_bitshift_left_u8(x8, s8, y8, 1, dims, unit, unit);
  expect_i64("shl_u8 by 7", y8[0], 0x80);
  expect_i64("shl_u8 by 8", y8[1], 0);
  expect_i64("shl_u8 by 255", y8[2], 0);
  expect_i64("shl_u8 by 0", y8[3], 1);
  aotc_bitshift_right_u8(x8, s8, y8, 1, dims, unit, unit);
  expect_i64("shr_u8 by 7", y8[0], 1);
  expect_i64("shr_u8 by 8", y8[1], 0);
  dims[0] = 3;
  aotc_bitshift_left_u64(x64, s64, y64, 1, dims, unit, unit);
  expect_i64("shl_u64 by 63", (int64_t)(y64[0] >> 63), 1);
  expect_i64("shl_u64 by 64", (int64_t)y64[1], 0);
  expect_i64("shl_u64 by 1000", (int64_t)y64[2], 0);
}

static void test_cumulative(void) {
  const int32_t x[] = {INT32_MAX, 1, 1};
  const int8_t p[] = {100, 100, 3};
  int32_t y[3];
  int8_t yp[3];
  aotc_cumsum_i32(x, y, 1, 3, 1, 0, 0);
  expect_i64("cumsum_i32 wraps", y[1], INT32_MIN);
  expect_i64("cumsum_i32 wraps on", y[2], INT32_MIN + 1);
  aotc_cumsum_i32(x, y, 1, 3, 1, 1, 1);
  expect_i64("cumsum exclusive reverse [0]", y[0], 2);
  expect_i64("cumsum exclusive reverse [2]", y[2], 0);
  aotc_cumprod_i8(p, yp, 1, 3, 1, 0, 0);
  expect_i64("cumprod_i8 wraps", yp[1], (int8_t)(uint8_t)(10000 & 0xFF));
}

static void test_trilu_onehot(void) {
  const int32_t x[6] = {1, 2, 3, 4, 5, 6}; /* [2, 3] */
  int32_t y[6];
  const float idx[] = {-1.0f, 3.0f, NAN, 1.9f, -4.0f, 1e30f};
  const int32_t values[2] = {0, 9};
  int32_t oh[18];
  const int32_t want_oh[6] = {2, -1, -1, 1, -1, -1}; /* the hot position of each index, depth 3 */
  int i, d;
  aotc_trilu(x, y, 4, 1, 2, 3, 3, 1); /* upper, k = cols: all zero */
  for (i = 0; i < 6; ++i) expect_i64("triu k=cols", y[i], 0);
  aotc_trilu(x, y, 4, 1, 2, 3, -2, 1); /* upper, k = -rows: all kept */
  for (i = 0; i < 6; ++i) expect_i64("triu k=-rows", y[i], x[i]);
  aotc_trilu(x, y, 4, 1, 2, 3, -2, 0); /* lower, k = -rows: all zero */
  for (i = 0; i < 6; ++i) expect_i64("tril k=-rows", y[i], 0);
  aotc_trilu(x, y, 4, 1, 2, 3, 0, 0);
  expect_i64("tril [0][1]", y[1], 0);
  expect_i64("tril [1][1]", y[4], 5);
  aotc_onehot_f32(idx, values, oh, 4, 6, 3, 1);
  for (i = 0; i < 6; ++i)
    for (d = 0; d < 3; ++d) expect_i64("onehot", oh[i * 3 + d], d == want_oh[i] ? 9 : 0);
}

int main(void) {
  test_mod();
  test_bitshift();
  test_cumulative();
  test_trilu_onehot();
  if (failures) {
    fprintf(stderr, "%d of %d checks failed\n", failures, cases);
    return 1;
  }
  printf("int edges: %d checks passed\n", cases);
  return 0;
}
