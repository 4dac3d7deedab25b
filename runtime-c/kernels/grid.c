/*
 * grid.c -- AffineGrid: sampling grids from affine matrices.
 *
 *     aotc_affine_grid_<t>(const T *theta, T *grid, int32_t n, int32_t d,
 *                          int32_t h, int32_t w, int32_t dims, int32_t align_corners)
 * dims 2: theta [n, 2, 3], grid [n, h, w, 2] (d is 1); dims 3: theta
 * [n, 3, 4], grid [n, d, h, w, 3]. Grid point (z, y, x) is theta times the
 * normalised coordinates (x, y[, z], 1) in [-1, 1]: pixel centres
 * (2 i + 1) / S - 1, or with align_corners the corner pixels at -1 and 1.
 */
#include "kernel_common.h"

/* Normalised coordinate of pixel i of s. */
static AOTC_UNUSED double aotc_grid_coord(int32_t i, int32_t s, int32_t align_corners) {
  if (align_corners) return s > 1 ? -1.0 + 2.0 * (double)i / (double)(s - 1) : 0.0;
  return (2.0 * (double)i + 1.0) / (double)s - 1.0;
}

#define AOTC_AFFINE_GRID(SFX, T)                                                                             \
  AOTC_KERNEL void aotc_affine_grid_##SFX(const T *theta, T *grid, int32_t n, int32_t d, int32_t h, int32_t w, \
                                          int32_t dims, int32_t align_corners) {                             \
    int32_t b, z, y, x, r, c;                                                                                \
    for (b = 0; b < n; ++b) {                                                                                \
      const T *t = theta + (ptrdiff_t)b * dims * (dims + 1);                                                 \
      for (z = 0; z < d; ++z)                                                                                \
        for (y = 0; y < h; ++y)                                                                              \
          for (x = 0; x < w; ++x) {                                                                          \
            double p[4];                                                                                     \
            p[0] = aotc_grid_coord(x, w, align_corners);                                                     \
            p[1] = aotc_grid_coord(y, h, align_corners);                                                     \
            p[2] = dims == 3 ? aotc_grid_coord(z, d, align_corners) : 1.0;                                   \
            p[3] = 1.0;                                                                                      \
            for (r = 0; r < dims; ++r) {                                                                     \
              double acc = 0.0;                                                                              \
              for (c = 0; c <= dims; ++c) acc += (double)t[r * (dims + 1) + c] * p[c];                       \
              *grid++ = (T)acc;                                                                              \
            }                                                                                                \
          }                                                                                                  \
    }                                                                                                        \
  }
AOTC_AFFINE_GRID(f32, float)
AOTC_AFFINE_GRID(f64, double)
