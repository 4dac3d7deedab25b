/*
 * grid.c -- AffineGrid (sampling grids from affine matrices) and RoiAlign.
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

/*
 * RoiAlign (as ONNX Runtime computes it, which ONNX's reference follows):
 *     aotc_roi_align_<t>(const T *x, const T *rois, const int64_t *batch_indices,
 *                        T *y, int32_t n, int32_t c, int32_t h, int32_t w,
 *                        int32_t r, int32_t oh, int32_t ow, int32_t sampling_ratio,
 *                        float spatial_scale, int32_t half_pixel, int32_t max_mode)
 * x [n, c, h, w], rois [r, 4] as (x1, y1, x2, y2), y [r, c, oh, ow]. Each
 * output bin averages (or, max_mode, takes the largest weighted corner of)
 * bilinear samples on a grid of sampling_ratio^2 points per bin (0: adaptive,
 * ceil(roi size / bins)). An out-of-range batch index gives zeros.
 */
/* Adaptive samples per bin, ceil(v), kept in 0..1024 (NaN: 0) so that rois read at run time cannot overflow it. */
static AOTC_UNUSED int32_t aotc_roi_grid(double v) {
  double g = ceil(v);
  if (!(g > 0.0)) return 0;
  return g > 1024.0 ? 1024 : (int32_t)g;
}

#define AOTC_ROI_ALIGN(SFX, T)                                                                                  \
  AOTC_KERNEL void aotc_roi_align_##SFX(const T *x, const T *rois, const int64_t *batch_indices, T *y,          \
                                        int32_t n, int32_t c, int32_t h, int32_t w, int32_t r, int32_t oh,      \
                                        int32_t ow, int32_t sampling_ratio, float spatial_scale,                \
                                        int32_t half_pixel, int32_t max_mode) {                                 \
    int32_t i, ch, ph, pw, iy, ix;                                                                              \
    T offset = half_pixel ? (T)0.5 : (T)0;                                                                      \
    for (i = 0; i < r; ++i) {                                                                                   \
      const T *roi = rois + (ptrdiff_t)i * 4;                                                                   \
      int64_t b = batch_indices[i];                                                                             \
      T start_w = roi[0] * (T)spatial_scale - offset, start_h = roi[1] * (T)spatial_scale - offset;            \
      T roi_w = roi[2] * (T)spatial_scale - offset - start_w, roi_h = roi[3] * (T)spatial_scale - offset - start_h; \
      T bin_h, bin_w;                                                                                           \
      int32_t grid_h, grid_w;                                                                                   \
      T count;                                                                                                  \
      if (!half_pixel) {                                                                                        \
        if (roi_w < (T)1) roi_w = (T)1;                                                                         \
        if (roi_h < (T)1) roi_h = (T)1;                                                                         \
      }                                                                                                         \
      bin_h = roi_h / (T)oh;                                                                                    \
      bin_w = roi_w / (T)ow;                                                                                    \
      grid_h = sampling_ratio > 0 ? sampling_ratio : aotc_roi_grid((double)roi_h / (double)oh);                 \
      grid_w = sampling_ratio > 0 ? sampling_ratio : aotc_roi_grid((double)roi_w / (double)ow);                 \
      count = (T)(grid_h * grid_w > 1 ? grid_h * grid_w : 1);                                                   \
      for (ch = 0; ch < c; ++ch) {                                                                              \
        const T *plane = x + ((ptrdiff_t)(b >= 0 && b < n ? b : 0) * c + ch) * h * w;                           \
        T *out = y + ((ptrdiff_t)i * c + ch) * oh * ow;                                                         \
        for (ph = 0; ph < oh; ++ph)                                                                             \
          for (pw = 0; pw < ow; ++pw) {                                                                         \
            T acc = (T)0;                                                                                       \
            int have = 0;                                                                                       \
            if (b < 0 || b >= n) {                                                                              \
              out[ph * ow + pw] = (T)0;                                                                         \
              continue;                                                                                         \
            }                                                                                                   \
            for (iy = 0; iy < grid_h; ++iy)                                                                     \
              for (ix = 0; ix < grid_w; ++ix) {                                                                 \
                T yy = start_h + (T)ph * bin_h + ((T)iy + (T)0.5) * bin_h / (T)grid_h;                          \
                T xx = start_w + (T)pw * bin_w + ((T)ix + (T)0.5) * bin_w / (T)grid_w;                          \
                T v = (T)0, ly, lx, hy, hx, v1 = 0, v2 = 0, v3 = 0, v4 = 0;                                     \
                int32_t y0, x0, y1, x1;                                                                         \
                if (yy >= (T)-1 && yy <= (T)h && xx >= (T)-1 && xx <= (T)w) { /* (NaN fails) */                                    \
                  if (yy <= (T)0) yy = (T)0;                                                                    \
                  if (xx <= (T)0) xx = (T)0;                                                                    \
                  y0 = (int32_t)yy;                                                                             \
                  x0 = (int32_t)xx;                                                                             \
                  if (y0 >= h - 1) { y1 = y0 = h - 1; yy = (T)y0; } else y1 = y0 + 1;                           \
                  if (x0 >= w - 1) { x1 = x0 = w - 1; xx = (T)x0; } else x1 = x0 + 1;                           \
                  ly = yy - (T)y0;                                                                              \
                  lx = xx - (T)x0;                                                                              \
                  hy = (T)1 - ly;                                                                               \
                  hx = (T)1 - lx;                                                                               \
                  v1 = hy * hx * plane[y0 * w + x0];                                                            \
                  v2 = hy * lx * plane[y0 * w + x1];                                                            \
                  v3 = ly * hx * plane[y1 * w + x0];                                                            \
                  v4 = ly * lx * plane[y1 * w + x1];                                                            \
                }                                                                                               \
                if (max_mode) {                                                                                 \
                  v = v1 > v2 ? v1 : v2;                                                                        \
                  v = v > v3 ? v : v3;                                                                          \
                  v = v > v4 ? v : v4;                                                                          \
                  acc = have && acc > v ? acc : v;                                                              \
                  have = 1;                                                                                     \
                } else {                                                                                        \
                  acc += v1 + v2 + v3 + v4;                                                                     \
                }                                                                                               \
              }                                                                                                 \
            out[ph * ow + pw] = max_mode ? acc : acc / count;                                                   \
          }                                                                                                     \
      }                                                                                                         \
    }                                                                                                           \
  }
AOTC_ROI_ALIGN(f32, float)
AOTC_ROI_ALIGN(f64, double)
