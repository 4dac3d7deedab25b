/*
 * resize.c -- Resize and Upsample. ops/resize.cpp works out, at compile time,
 * which source elements and weights make each output coordinate along each
 * resized axis; these kernels only gather and weigh.
 */
#include "kernel_common.h"

/*
 * Nearest (any element type of `elem` bytes): y at output index
 * (i0, ..., i{rank-1}) (dims: Y's shape) is the x element at offset
 * sum_d table[starts[d] + i_d], or the element `fill` where one of those
 * offsets is -1 (tf_crop_and_resize outside the crop box).
 */
#define AOTC_RESIZE_NEAREST_ROW(SIZE)                                      \
  for (i = 0; i < n; ++i) {                                                \
    const int32_t o = last[i];                                             \
    if (b < 0 || o < 0)                                                    \
      memcpy(ys, fill, SIZE);                                              \
    else                                                                   \
      memcpy(ys, xs + (ptrdiff_t)(b + o) * (SIZE), SIZE);                  \
    ys += (SIZE);                                                          \
  }

AOTC_KERNEL void aotc_resize_nearest(const void *x, void *y, int32_t elem, int32_t rank, const int32_t *dims,
                                     const int32_t *starts, const int32_t *table, const int32_t *fill) {
  const unsigned char *xs = (const unsigned char *)x;
  unsigned char *ys = (unsigned char *)y;
  int32_t idx[AOTC_MAX_RANK] = {0};
  const int32_t n = dims[rank - 1];
  const int32_t *last = table + starts[rank - 1];
  int32_t d, i;
  for (d = 0; d < rank; ++d)
    if (dims[d] == 0) return;
  for (;;) {
    int32_t b = 0; /* offset of the row from the outer dims, -1 if outside */
    for (d = 0; d < rank - 1; ++d) {
      const int32_t o = table[starts[d] + idx[d]];
      if (o < 0) {
        b = -1;
        break;
      }
      b += o;
    }
    switch (elem) {
      case 1: AOTC_RESIZE_NEAREST_ROW(1) break;
      case 2: AOTC_RESIZE_NEAREST_ROW(2) break;
      case 4: AOTC_RESIZE_NEAREST_ROW(4) break;
      case 8: AOTC_RESIZE_NEAREST_ROW(8) break;
      default: AOTC_RESIZE_NEAREST_ROW((size_t)elem) break;
    }
    for (d = rank - 2; d >= 0; --d) {
      if (++idx[d] < dims[d]) break;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/*
 * Linear and cubic (and their antialiased forms): npass separable passes,
 * pass p described by pass[6p .. 6p+5] = outer, in_d, out_d, inner, taps, off:
 * its source is seen as [outer, in_d, inner] and its result as
 * [outer, out_d, inner], where
 *     dst[o, j, i] = sum over t < taps of w[off + j*taps + t] * src[o, idx[off + j*taps + t], i],
 * or `extrapolation` where idx[off + j*taps] is -1. Pass 0 reads x, the last
 * pass writes y; in between, pass p writes scratch buffer p % 2 (buffer 0 at
 * scratch, buffer 1 `second` floats further). scratch is NULL for one pass.
 */
AOTC_KERNEL void aotc_resize_f32(const float *x, float *y, void *scratch, int32_t npass, int32_t second,
                                 const int32_t *pass, const int32_t *idx, const float *w, float extrapolation) {
  float *buf[2];
  int32_t p;
  buf[0] = (float *)scratch;
  buf[1] = scratch ? (float *)scratch + second : NULL;
  for (p = 0; p < npass; ++p) {
    const int32_t *q = pass + 6 * p;
    const int32_t outer = q[0], in_d = q[1], out_d = q[2], inner = q[3], taps = q[4];
    const int32_t *pi = idx + q[5];
    const float *pw = w + q[5];
    const float *src = p == 0 ? x : buf[(p - 1) % 2];
    float *dst = p == npass - 1 ? y : buf[p % 2];
    int32_t o, j, t, i;
    for (o = 0; o < outer; ++o) {
      const float *s = src + (ptrdiff_t)o * in_d * inner;
      for (j = 0; j < out_d; ++j) {
        float *row = dst + ((ptrdiff_t)o * out_d + j) * inner;
        const int32_t *ji = pi + (ptrdiff_t)j * taps;
        const float *jw = pw + (ptrdiff_t)j * taps;
        if (ji[0] < 0) {
          for (i = 0; i < inner; ++i) row[i] = extrapolation;
        } else if (inner == 1) {
          float acc = 0.0f;
          for (t = 0; t < taps; ++t) acc += jw[t] * s[ji[t]];
          row[0] = acc;
        } else {
          const float *r0 = s + (ptrdiff_t)ji[0] * inner;
          const float w0 = jw[0];
          for (i = 0; i < inner; ++i) row[i] = w0 * r0[i];
          for (t = 1; t < taps; ++t) {
            const float *rt = s + (ptrdiff_t)ji[t] * inner;
            const float wt = jw[t];
            for (i = 0; i < inner; ++i) row[i] += wt * rt[i];
          }
        }
      }
    }
  }
}

/*
 * Linear and cubic over the last two axes only (the common case: images),
 * with a few rows of scratch instead of a whole intermediate tensor. x is
 * seen as [planes, in_h, in_w], y as [planes, out_h, out_w]; output row j
 * weighs taps_h source rows, each first resampled along the row with taps_w
 * taps, as aotc_resize_f32 does in two passes (in the same order, so the
 * results are the same). idx_h / w_h: taps_h per output row, idx_w / w_w:
 * taps_w per output column; an index of -1 (first tap) makes that row or
 * column `extrapolation`. The resampled rows are cached in scratch: taps_h
 * rows of out_w floats, then taps_h int32 tags (which source row a slot
 * holds); source row i goes to slot i % taps_h, and the taps of one output
 * row span fewer than taps_h rows, so they never evict each other.
 */
AOTC_KERNEL void aotc_resize2d_f32(const float *x, float *y, void *scratch, int32_t planes, int32_t in_h,
                                   int32_t in_w, int32_t out_h, int32_t out_w, int32_t taps_h, const int32_t *idx_h,
                                   const float *w_h, int32_t taps_w, const int32_t *idx_w, const float *w_w,
                                   float extrapolation) {
  float *rows = (float *)scratch;
  int32_t *tags = (int32_t *)(void *)(rows + (ptrdiff_t)taps_h * out_w);
  int32_t p, j, t, k, u;
  for (p = 0; p < planes; ++p) {
    const float *xp = x + (ptrdiff_t)p * in_h * in_w;
    for (t = 0; t < taps_h; ++t) tags[t] = -1;
    for (j = 0; j < out_h; ++j) {
      float *row = y + ((ptrdiff_t)p * out_h + j) * out_w;
      const int32_t *jh = idx_h + (ptrdiff_t)j * taps_h;
      const float *jw = w_h + (ptrdiff_t)j * taps_h;
      if (jh[0] < 0) {
        for (k = 0; k < out_w; ++k) row[k] = extrapolation;
        continue;
      }
      for (t = 0; t < taps_h; ++t) {
        const int32_t i = jh[t], slot = i % taps_h;
        float *h = rows + (ptrdiff_t)slot * out_w;
        const float wt = jw[t];
        if (tags[slot] != i) {
          const float *src = xp + (ptrdiff_t)i * in_w;
          for (k = 0; k < out_w; ++k) {
            const int32_t *ki = idx_w + (ptrdiff_t)k * taps_w;
            const float *kw = w_w + (ptrdiff_t)k * taps_w;
            float acc = 0.0f;
            if (ki[0] < 0) {
              acc = extrapolation;
            } else {
              for (u = 0; u < taps_w; ++u) acc += kw[u] * src[ki[u]];
            }
            h[k] = acc;
          }
          tags[slot] = i;
        }
        if (t == 0)
          for (k = 0; k < out_w; ++k) row[k] = wt * h[k];
        else
          for (k = 0; k < out_w; ++k) row[k] += wt * h[k];
      }
    }
  }
}
