/*
 * reverse_sequence.c -- ReverseSequence.
 *
 *     aotc_reverse_sequence(const void *x, const int64_t *lens, void *y, int32_t elem,
 *                           int32_t batch, int32_t time, int32_t inner,
 *                           int32_t batch_stride, int32_t time_stride)
 * For batch entry b, the first lens[b] time steps (each `inner` elements of
 * `elem` bytes) are reversed, the rest copied. Lengths outside 0..time are
 * clamped to it (aotc rejects constant ones at compile time).
 */
#include "kernel_common.h"

AOTC_KERNEL void aotc_reverse_sequence(const void *x, const int64_t *lens, void *y, int32_t elem, int32_t batch,
                                       int32_t time, int32_t inner, int32_t batch_stride, int32_t time_stride) {
  const uint8_t *xb = (const uint8_t *)x;
  uint8_t *yb = (uint8_t *)y;
  size_t row = (size_t)inner * (size_t)elem;
  int32_t b, t;
  for (b = 0; b < batch; ++b) {
    int64_t n = lens[b] < 0 ? 0 : (lens[b] > time ? time : lens[b]);
    for (t = 0; t < time; ++t) {
      int32_t from = t < n ? (int32_t)(n - 1 - t) : t;
      memcpy(yb + ((ptrdiff_t)b * batch_stride + (ptrdiff_t)t * time_stride) * elem,
             xb + ((ptrdiff_t)b * batch_stride + (ptrdiff_t)from * time_stride) * elem, row);
    }
  }
}
