/*
 * topk.c -- TopK along one axis.
 *
 *     aotc_topk_<t>(const T *x, T *values, int64_t *indices, int32_t outer,
 *                   int32_t n, int32_t inner, int32_t k, int32_t largest,
 *                   void *scratch)
 * x is seen as [outer, n, inner], values and indices as [outer, k, inner].
 * The k largest (smallest) elements of each row along n, best first; equal
 * elements keep their order (lower index first, as ONNX specifies). NaN is
 * never better than a number, so NaNs come last. scratch: k int32 indices.
 * Insertion into the running best k: O(n k) per row, fine for the small k
 * of embedded models, and deterministic.
 */
#include "kernel_common.h"

#define AOTC_TOPK_ID(v) (v)

#define AOTC_TOPK(SFX, T, CT, LOAD)                                                                          \
  AOTC_KERNEL void aotc_topk_##SFX(const T *x, T *values, int64_t *indices, int32_t outer, int32_t n,       \
                                   int32_t inner, int32_t k, int32_t largest, void *scratch) {              \
    int32_t *best = (int32_t *)scratch;                                                                      \
    int32_t o, i, j, p, count;                                                                               \
    for (o = 0; o < outer; ++o)                                                                              \
      for (i = 0; i < inner; ++i) {                                                                          \
        const T *row = x + (ptrdiff_t)o * n * inner + i;                                                     \
        count = 0;                                                                                           \
        for (j = 0; j < n; ++j) {                                                                            \
          CT v = LOAD(row[(ptrdiff_t)j * inner]);                                                            \
          /* p: first kept element that v beats strictly (ties stay ahead of v). */                          \
          for (p = count; p > 0; --p) {                                                                      \
            CT w = LOAD(row[(ptrdiff_t)best[p - 1] * inner]);                                                \
            int beats = largest ? (v > w || (w != w && v == v)) : (v < w || (w != w && v == v));             \
            if (!beats) break;                                                                               \
          }                                                                                                  \
          if (p >= k) continue;                                                                              \
          if (count < k) ++count;                                                                            \
          memmove(best + p + 1, best + p, (size_t)(count - 1 - p) * sizeof *best);                           \
          best[p] = j;                                                                                       \
        }                                                                                                    \
        for (p = 0; p < k; ++p) {                                                                            \
          ptrdiff_t at = ((ptrdiff_t)o * k + p) * inner + i;                                                 \
          values[at] = row[(ptrdiff_t)best[p] * inner];                                                      \
          indices[at] = best[p];                                                                             \
        }                                                                                                    \
      }                                                                                                      \
  }

AOTC_TOPK(f32, float, float, AOTC_TOPK_ID)
AOTC_TOPK(f64, double, double, AOTC_TOPK_ID)
AOTC_TOPK(f16, uint16_t, float, aotc_half_to_float)
AOTC_TOPK(bf16, uint16_t, float, aotc_bfloat16_to_float)
AOTC_TOPK(i8, int8_t, int8_t, AOTC_TOPK_ID)
AOTC_TOPK(i16, int16_t, int16_t, AOTC_TOPK_ID)
AOTC_TOPK(i32, int32_t, int32_t, AOTC_TOPK_ID)
AOTC_TOPK(i64, int64_t, int64_t, AOTC_TOPK_ID)
AOTC_TOPK(u8, uint8_t, uint8_t, AOTC_TOPK_ID)
AOTC_TOPK(u16, uint16_t, uint16_t, AOTC_TOPK_ID)
AOTC_TOPK(u32, uint32_t, uint32_t, AOTC_TOPK_ID)
AOTC_TOPK(u64, uint64_t, uint64_t, AOTC_TOPK_ID)
