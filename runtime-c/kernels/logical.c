/*
 * logical.c -- comparisons (Equal, Less, LessOrEqual, Greater, GreaterOrEqual),
 * boolean logic (Not, And, Or, Xor), Where, IsNaN and IsInf.
 *
 * Booleans are stored as uint8_t holding 0 or 1. Binary kernels broadcast
 * with per-input element strides (0 on broadcast dims), as in elementwise.c:
 *     aotc_<op>_<t>(const T *a, const T *b, uint8_t *y, int32_t rank,
 *                   const int32_t *dims, const int32_t *a_strides, const int32_t *b_strides)
 * aotc collapses dims at compile time, so most calls have rank 1 or 2.
 */
#include "kernel_common.h"

/* Comparisons and boolean logic: the common broadcasting kernel with a uint8_t result. */
#define AOTC_LG_BINARY(NAME, TA, EXPR) AOTC_BINARY(NAME, TA, uint8_t, (uint8_t)(EXPR))

#define AOTC_LG_COMPARE(SFX, T)                             \
  AOTC_LG_BINARY(aotc_equal_##SFX, T, xa == xb)             \
  AOTC_LG_BINARY(aotc_less_##SFX, T, xa < xb)               \
  AOTC_LG_BINARY(aotc_less_equal_##SFX, T, xa <= xb)        \
  AOTC_LG_BINARY(aotc_greater_##SFX, T, xa > xb)            \
  AOTC_LG_BINARY(aotc_greater_equal_##SFX, T, xa >= xb)
AOTC_LG_COMPARE(f32, float)
AOTC_LG_COMPARE(f64, double)
AOTC_LG_COMPARE(i8, int8_t)
AOTC_LG_COMPARE(i16, int16_t)
AOTC_LG_COMPARE(i32, int32_t)
AOTC_LG_COMPARE(i64, int64_t)
AOTC_LG_COMPARE(u8, uint8_t)
AOTC_LG_COMPARE(u16, uint16_t)
AOTC_LG_COMPARE(u32, uint32_t)
AOTC_LG_COMPARE(u64, uint64_t)
/* float16 / bfloat16 (uint16_t bit patterns): compared as floats (exact conversions). */
#define AOTC_LG_COMPARE_HALF(SFX, CVT)                                     \
  AOTC_LG_BINARY(aotc_equal_##SFX, uint16_t, CVT(xa) == CVT(xb))           \
  AOTC_LG_BINARY(aotc_less_##SFX, uint16_t, CVT(xa) < CVT(xb))             \
  AOTC_LG_BINARY(aotc_less_equal_##SFX, uint16_t, CVT(xa) <= CVT(xb))      \
  AOTC_LG_BINARY(aotc_greater_##SFX, uint16_t, CVT(xa) > CVT(xb))          \
  AOTC_LG_BINARY(aotc_greater_equal_##SFX, uint16_t, CVT(xa) >= CVT(xb))
AOTC_LG_COMPARE_HALF(f16, aotc_half_to_float)
AOTC_LG_COMPARE_HALF(bf16, aotc_bfloat16_to_float)

/* Equal on booleans: any nonzero byte is true. */
AOTC_LG_BINARY(aotc_equal_bool, uint8_t, (xa != 0) == (xb != 0))

AOTC_LG_BINARY(aotc_and_bool, uint8_t, (xa != 0) & (xb != 0))
AOTC_LG_BINARY(aotc_or_bool, uint8_t, (xa != 0) | (xb != 0))
AOTC_LG_BINARY(aotc_xor_bool, uint8_t, (xa != 0) ^ (xb != 0))

AOTC_KERNEL void aotc_not_bool(const uint8_t *x, uint8_t *y, int32_t n) {
  int32_t i;
  for (i = 0; i < n; ++i) y[i] = (uint8_t)(x[i] == 0);
}

/*
 * Where: y = cond ? a : b, all three broadcast to y (strides 0 on broadcast
 * dims). Dtype agnostic: a, b and y hold elements of `elem` bytes.
 */
#define AOTC_LG_WHERE_LOOP(T)                                                      \
  {                                                                                \
    const T *pa = (const T *)a + off[1];                                           \
    const T *pb = (const T *)b + off[2];                                           \
    T *py = (T *)yb;                                                               \
    if (sc == 1 && sa == 1 && sb == 1) {                                           \
      for (i = 0; i < n; ++i) py[i] = pc[i] ? pa[i] : pb[i];                       \
    } else {                                                                       \
      for (i = 0; i < n; ++i)                                                      \
        py[i] = pc[(ptrdiff_t)i * sc] ? pa[(ptrdiff_t)i * sa] : pb[(ptrdiff_t)i * sb]; \
    }                                                                              \
  }

AOTC_KERNEL void aotc_where(const uint8_t *cond, const void *a, const void *b, void *y, int32_t elem, int32_t rank,
                            const int32_t *dims, const int32_t *c_strides, const int32_t *a_strides,
                            const int32_t *b_strides) {
  int32_t idx[AOTC_MAX_RANK] = {0};
  int32_t off[3] = {0, 0, 0};
  const int32_t *strides[3];
  int32_t n = rank > 0 ? dims[rank - 1] : 1;
  int32_t sc = rank > 0 ? c_strides[rank - 1] : 0;
  int32_t sa = rank > 0 ? a_strides[rank - 1] : 0;
  int32_t sb = rank > 0 ? b_strides[rank - 1] : 0;
  uint8_t *yb = (uint8_t *)y;
  strides[0] = c_strides;
  strides[1] = a_strides;
  strides[2] = b_strides;
  do {
    const uint8_t *pc = cond + off[0];
    int32_t i;
    switch (elem) {
      case 1: AOTC_LG_WHERE_LOOP(uint8_t) break;
      case 2: AOTC_LG_WHERE_LOOP(aotc_bits16) break;
      case 4: AOTC_LG_WHERE_LOOP(aotc_bits32) break;
      case 8: AOTC_LG_WHERE_LOOP(aotc_bits64) break;
      default:
        for (i = 0; i < n; ++i) {
          const uint8_t *src = pc[(ptrdiff_t)i * sc] ? (const uint8_t *)a + ((ptrdiff_t)off[1] + (ptrdiff_t)i * sa) * elem
                                                     : (const uint8_t *)b + ((ptrdiff_t)off[2] + (ptrdiff_t)i * sb) * elem;
          memcpy(yb + (ptrdiff_t)i * elem, src, (size_t)elem);
        }
    }
    yb += (ptrdiff_t)n * elem;
  } while (aotc_next_index(rank, 1, dims, idx, 3, off, strides));
}

/*
 * IsNaN and IsInf (detect_positive / detect_negative select the infinities
 * reported):
 *     aotc_isnan_<t>(const T *x, uint8_t *y, int32_t n)
 *     aotc_isinf_<t>(const T *x, uint8_t *y, int32_t n, int32_t positive, int32_t negative)
 * float16 and bfloat16 are converted to float (exactly).
 */
#define AOTC_LG_ID(v) (v)
#define AOTC_LG_CLASSIFY(SFX, T, CT, TO_F, MAX)                                                                 \
  AOTC_KERNEL void aotc_isnan_##SFX(const T *x, uint8_t *y, int32_t n) {                                     \
    int32_t i;                                                                                               \
    for (i = 0; i < n; ++i) {                                                                                \
      CT v = TO_F(x[i]);                                                                                     \
      y[i] = (uint8_t)(v != v);                                                                              \
    }                                                                                                        \
  }                                                                                                          \
  AOTC_KERNEL void aotc_isinf_##SFX(const T *x, uint8_t *y, int32_t n, int32_t positive, int32_t negative) { \
    int32_t i;                                                                                               \
    for (i = 0; i < n; ++i) {                                                                                \
      CT v = TO_F(x[i]);                                                                                     \
      y[i] = (uint8_t)((positive && v > MAX) || (negative && v < -MAX));                                    \
    }                                                                                                        \
  }
AOTC_LG_CLASSIFY(f32, float, float, AOTC_LG_ID, FLT_MAX)
AOTC_LG_CLASSIFY(f64, double, double, AOTC_LG_ID, DBL_MAX)
AOTC_LG_CLASSIFY(f16, uint16_t, float, aotc_half_to_float, FLT_MAX)
AOTC_LG_CLASSIFY(bf16, uint16_t, float, aotc_bfloat16_to_float, FLT_MAX)
