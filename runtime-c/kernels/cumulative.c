/*
 * cumulative.c -- CumSum and CumProd along one axis.
 *
 *     aotc_cumsum_<t>(const T *x, T *y, int32_t outer, int32_t n, int32_t inner,
 *                     int32_t exclusive, int32_t reverse)
 * x and y are seen as [outer, n, inner] with the scan along n. exclusive: y
 * at step j is the scan of the steps before it (the identity, 0 or 1, at the
 * first); reverse: the scan runs from the last step to the first. Integers
 * wrap around (computed in the unsigned type of the same width); float16 and
 * bfloat16 accumulate in float, rounding each output.
 */
#include "kernel_common.h"

#define AOTC_CUM_ID(v) (v)

/* NAME scans with ACC = ACC OP v, in the accumulator type CT, starting at IDENT. */
#define AOTC_CUMULATIVE(NAME, T, CT, LOAD, STORE, IDENT, COMBINE)                                              \
  AOTC_KERNEL void NAME(const T *x, T *y, int32_t outer, int32_t n, int32_t inner, int32_t exclusive,           \
                        int32_t reverse) {                                                                      \
    int32_t o, j, i;                                                                                            \
    for (o = 0; o < outer; ++o) {                                                                               \
      for (i = 0; i < inner; ++i) {                                                                             \
        CT acc = IDENT;                                                                                         \
        for (j = 0; j < n; ++j) {                                                                               \
          ptrdiff_t at = ((ptrdiff_t)o * n + (reverse ? n - 1 - j : j)) * inner + i;                            \
          CT v = LOAD(x[at]);                                                                                   \
          if (exclusive) {                                                                                      \
            y[at] = STORE(acc);                                                                                 \
            acc = COMBINE(acc, v);                                                                              \
          } else {                                                                                              \
            acc = COMBINE(acc, v);                                                                              \
            y[at] = STORE(acc);                                                                                 \
          }                                                                                                     \
        }                                                                                                       \
      }                                                                                                         \
    }                                                                                                           \
  }

#define AOTC_CUM_ADD(a, b) ((a) + (b))
#define AOTC_CUM_MUL(a, b) ((a) * (b))

/* X(suffix, T, accumulator, load, store) for every type. */
#define AOTC_CUM_TYPES(X)                                                          \
  X(f32, float, float, AOTC_CUM_ID, AOTC_CUM_ID)                                   \
  X(f64, double, double, AOTC_CUM_ID, AOTC_CUM_ID)                                 \
  X(f16, uint16_t, float, aotc_half_to_float, aotc_float_to_half)                  \
  X(bf16, uint16_t, float, aotc_bfloat16_to_float, aotc_float_to_bfloat16)         \
  X(i8, int8_t, uint32_t, (uint32_t), (int8_t))                                    \
  X(i16, int16_t, uint32_t, (uint32_t), (int16_t))                                 \
  X(i32, int32_t, uint32_t, (uint32_t), (int32_t))                                 \
  X(i64, int64_t, uint64_t, (uint64_t), (int64_t))                                 \
  X(u8, uint8_t, uint32_t, (uint32_t), (uint8_t))                                  \
  X(u16, uint16_t, uint32_t, (uint32_t), (uint16_t))                               \
  X(u32, uint32_t, uint32_t, AOTC_CUM_ID, AOTC_CUM_ID)                             \
  X(u64, uint64_t, uint64_t, AOTC_CUM_ID, AOTC_CUM_ID)

#define AOTC_CUMSUM(SFX, T, CT, LOAD, STORE) AOTC_CUMULATIVE(aotc_cumsum_##SFX, T, CT, LOAD, STORE, (CT)0, AOTC_CUM_ADD)
#define AOTC_CUMPROD(SFX, T, CT, LOAD, STORE) AOTC_CUMULATIVE(aotc_cumprod_##SFX, T, CT, LOAD, STORE, (CT)1, AOTC_CUM_MUL)
AOTC_CUM_TYPES(AOTC_CUMSUM)
AOTC_CUM_TYPES(AOTC_CUMPROD)
