/*
 * grid.c -- AffineGrid (sampling grids from affine matrices) and RoiAlign.
 *
 *     aotc_affine_grid_<t>(const T *theta, T *grid, int32_t n, int32_t d,
 *                          int32_t h, int32_t w, int32_t dims, int32_t align_corners)
 * dims 2: theta [n, 2, 3], grid [n, h, w, 2] (d is 1); dims 3: theta
 * [n, 3, 4], grid [n, d, h, w, 3]. Grid point (z, y, x) is theta times the
 * normalised coordinates (x, y[, z], 1) in [-1, 1]: pixel centres
 * (2 i + 1) / S - 1, or with align_corners the corner pixels at -1 and 1.
 *
 *     aotc_grid_sample_<t>(const T *x, const T *grid, T *y, int32_t n, int32_t c,
 *                          int32_t rank, const int32_t *dims, int32_t points,
 *                          int32_t mode, int32_t padding, int32_t align_corners)
 * GridSample: x [n, c, dims[0..rank)], grid [n, points, rank] with the
 * coordinates of the last spatial axis first, y [n, c, points]. mode 0
 * nearest, 1 linear, 2 cubic (Keys, a = -0.75); padding 0 zeros, 1 border,
 * 2 reflection; both as ONNX's reference does them (nearest rounds half to
 * even at every rank, as the node tests expect).
 */
#include "kernel_common.h"

#define AOTC_GS_MAX_RANK 8

/* v reflected off lo and hi until it lies between them. */
static AOTC_UNUSED double aotc_gs_reflect(double v, double lo, double hi) {
  double range = hi - lo, dx, k, rest;
  if (!(v == v) || v - v != 0.0 || range <= 0.0) return lo; /* NaN, infinite, or one pixel */
  if (v >= lo && v <= hi) return v;
  dx = v < lo ? lo - v : v - hi;
  k = floor(dx / range);
  rest = dx - k * range;
  if (fmod(k, 2.0) == 0.0) return v < lo ? lo + rest : hi - rest;
  return v < lo ? hi - rest : lo + rest;
}

/* Index i of an axis of size d under the padding mode; -1 reads zero. */
static AOTC_UNUSED int32_t aotc_gs_index(int32_t i, int32_t d, int32_t padding, double lo, double hi) {
  if (padding == 1) return i < 0 ? 0 : i >= d ? d - 1 : i;
  if (padding == 2) {
    i = (int32_t)aotc_gs_reflect((double)i, lo, hi);
    return i < 0 ? 0 : i >= d ? d - 1 : i;
  }
  return i >= 0 && i < d ? i : -1;
}

/* Keys' cubic convolution weights for taps at offsets -1, 0, 1, 2 from floor(x), t = x - floor(x). */
static AOTC_UNUSED void aotc_gs_cubic_weights(double t, double *w) {
  const double a = -0.75;
  double t1 = t + 1.0, u = 1.0 - t, u1 = 2.0 - t;
  w[0] = ((a * t1 - 5.0 * a) * t1 + 8.0 * a) * t1 - 4.0 * a;
  w[1] = ((a + 2.0) * t - (a + 3.0)) * t * t + 1.0;
  w[2] = ((a + 2.0) * u - (a + 3.0)) * u * u + 1.0;
  w[3] = ((a * u1 - 5.0 * a) * u1 + 8.0 * a) * u1 - 4.0 * a;
}

/* The taps of one axis: indices (-1: zero) and weights; returns their number. */
static AOTC_UNUSED int aotc_gs_axis_taps(double g, int32_t d, int32_t mode, int32_t padding,
                                         int32_t align_corners, int32_t *index, double *weight) {
  double lo = align_corners ? 0.0 : -0.5, hi = align_corners ? (double)d - 1.0 : (double)d - 0.5;
  double x = align_corners ? (g + 1.0) / 2.0 * ((double)d - 1.0) : ((g + 1.0) * (double)d - 1.0) / 2.0, f;
  int k, taps;
  int32_t base;
  if (mode == 0) x = nearbyint(x); /* half to even */
  if (x < lo || x > hi) {
    if (padding == 1) x = x < 0.0 ? 0.0 : x > (double)d - 1.0 ? (double)d - 1.0 : x;
    else if (padding == 2) x = aotc_gs_reflect(x, lo, hi);
  }
  /* Far outside (or NaN), every tap reads zero: keep the int conversion defined. */
  if (!(x >= -8.0 && x <= (double)d + 8.0)) x = -8.0;
  if (mode == 0) {
    index[0] = aotc_gs_index((int32_t)x, d, padding, lo, hi);
    weight[0] = 1.0;
    return 1;
  }
  f = floor(x);
  base = (int32_t)f;
  if (mode == 1) {
    weight[0] = 1.0 - (x - f);
    weight[1] = x - f;
    taps = 2;
  } else {
    aotc_gs_cubic_weights(x - f, weight);
    base -= 1;
    taps = 4;
  }
  for (k = 0; k < taps; ++k) index[k] = aotc_gs_index(base + k, d, padding, lo, hi);
  return taps;
}

#define AOTC_GRID_SAMPLE(SFX, T)                                                                             \
  AOTC_KERNEL void aotc_grid_sample_##SFX(const T *x, const T *grid, T *y, int32_t n, int32_t c,            \
                                          int32_t rank, const int32_t *dims, int32_t points, int32_t mode,   \
                                          int32_t padding, int32_t align_corners) {                          \
    int32_t index[AOTC_GS_MAX_RANK][4], b, ch, p, r;                                                         \
    double weight[AOTC_GS_MAX_RANK][4];                                                                      \
    int taps[AOTC_GS_MAX_RANK], at[AOTC_GS_MAX_RANK];                                                        \
    ptrdiff_t plane = 1;                                                                                     \
    for (r = 0; r < rank; ++r) plane *= dims[r];                                                             \
    for (b = 0; b < n; ++b)                                                                                  \
      for (p = 0; p < points; ++p) {                                                                         \
        const T *g = grid + ((ptrdiff_t)b * points + p) * rank;                                              \
        for (r = 0; r < rank; ++r)                                                                           \
          taps[r] = aotc_gs_axis_taps((double)g[rank - 1 - r], dims[r], mode, padding, align_corners,        \
                                      index[r], weight[r]);                                                  \
        for (ch = 0; ch < c; ++ch) {                                                                         \
          const T *xc = x + ((ptrdiff_t)b * c + ch) * plane;                                                 \
          double acc = 0.0;                                                                                  \
          for (r = 0; r < rank; ++r) at[r] = 0;                                                              \
          for (;;) { /* every combination of the axes' taps */                                               \
            ptrdiff_t off = 0;                                                                               \
            double w = 1.0;                                                                                  \
            for (r = 0; r < rank && off >= 0; ++r) {                                                         \
              int32_t i = index[r][at[r]];                                                                   \
              off = i < 0 ? -1 : off * dims[r] + i;                                                          \
              w *= weight[r][at[r]];                                                                         \
            }                                                                                                \
            if (off >= 0) acc += w * (double)xc[off];                                                        \
            for (r = rank - 1; r >= 0 && ++at[r] == taps[r]; --r) at[r] = 0;                                 \
            if (r < 0) break;                                                                                \
          }                                                                                                  \
          y[((ptrdiff_t)b * c + ch) * points + p] = (T)acc;                                                  \
        }                                                                                                    \
      }                                                                                                      \
  }

AOTC_GRID_SAMPLE(f32, float)
AOTC_GRID_SAMPLE(f64, double)

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
