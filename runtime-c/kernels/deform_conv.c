/*
 * deform_conv.c -- DeformConv (2-D), a reference loop.
 *
 *     aotc_deform_conv_<t>(const T *x, const T *w, const T *offset, const T *bias,
 *                          const T *mask, T *y, const int32_t *g)
 * g: n, c, ih, iw, oc, oh, ow, kh, kw, stride h/w, pad h/w, dilation h/w,
 * group, offset_group. x [n, c, ih, iw], w [oc, c / group, kh, kw], offset
 * [n, offset_group * kh * kw * 2, oh, ow] as (dh, dw) pairs, mask (or NULL: 1)
 * [n, offset_group * kh * kw, oh, ow], bias (or NULL) [oc]. Each tap reads x
 * bilinearly at its shifted position; corners outside the image read 0, and
 * positions at or past a pixel beyond the border read 0 (as torchvision does).
 */
#include "kernel_common.h"

/*
 * The bilinear taps of position (py, px) in an [ih, iw] plane: 4 element
 * indices and weights, weight 0 (index 0) for corners outside the image.
 */
static AOTC_UNUSED void aotc_deform_taps(int32_t ih, int32_t iw, double py, double px, int32_t *idx, double *wt) {
  double fy, fx, ly, lx;
  int32_t y0, x0, i;
  for (i = 0; i < 4; ++i) {
    idx[i] = 0;
    wt[i] = 0.0;
  }
  if (!(py > -1.0 && py < (double)ih && px > -1.0 && px < (double)iw)) return; /* (NaN too) */
  fy = floor(py);
  fx = floor(px);
  y0 = (int32_t)fy;
  x0 = (int32_t)fx;
  ly = py - fy;
  lx = px - fx;
  if (y0 >= 0 && x0 >= 0) idx[0] = y0 * iw + x0, wt[0] = (1.0 - ly) * (1.0 - lx);
  if (y0 >= 0 && x0 + 1 < iw) idx[1] = y0 * iw + x0 + 1, wt[1] = (1.0 - ly) * lx;
  if (y0 + 1 < ih && x0 >= 0) idx[2] = (y0 + 1) * iw + x0, wt[2] = ly * (1.0 - lx);
  if (y0 + 1 < ih && x0 + 1 < iw) idx[3] = (y0 + 1) * iw + x0 + 1, wt[3] = ly * lx;
}

#define AOTC_DEFORM_CONV(SFX, T)                                                                               \
  AOTC_KERNEL void aotc_deform_conv_##SFX(const T *x, const T *w, const T *offset, const T *bias,              \
                                          const T *mask, T *y, const int32_t *g) {                             \
    int32_t n = g[0], c = g[1], ih = g[2], iw = g[3], oc = g[4], oh = g[5], ow = g[6], kh = g[7], kw = g[8];   \
    int32_t sh = g[9], sw = g[10], ph = g[11], pw = g[12], dh = g[13], dw = g[14], group = g[15];              \
    int32_t offset_group = g[16];                                                                              \
    int32_t cg = c / group, mg = oc / group, c_per_off = c / offset_group, k = kh * kw;                        \
    int32_t b, m, oy, ox, ci, ky, kx;                                                                          \
    for (b = 0; b < n; ++b)                                                                                    \
      for (m = 0; m < oc; ++m)                                                                                 \
        for (oy = 0; oy < oh; ++oy)                                                                            \
          for (ox = 0; ox < ow; ++ox) {                                                                        \
            double acc = bias ? (double)bias[m] : 0.0;                                                         \
            int32_t grp = m / mg;                                                                              \
            for (ci = 0; ci < cg; ++ci) {                                                                      \
              int32_t ch = grp * cg + ci, og = ch / c_per_off;                                                 \
              const T *plane = x + ((ptrdiff_t)b * c + ch) * ih * iw;                                          \
              for (ky = 0; ky < kh; ++ky)                                                                      \
                for (kx = 0; kx < kw; ++kx) {                                                                  \
                  int32_t tap = ky * kw + kx;                                                                  \
                  ptrdiff_t at = (ptrdiff_t)oy * ow + ox;                                                      \
                  const T *off = offset + ((ptrdiff_t)b * offset_group * k * 2 + ((ptrdiff_t)og * k + tap) * 2) * oh * ow; \
                  double py = (double)(oy * sh - ph + ky * dh) + (double)off[at];                              \
                  double px = (double)(ox * sw - pw + kx * dw) + (double)off[(ptrdiff_t)oh * ow + at];         \
                  int32_t ti[4];                                                                               \
                  double tw[4], v;                                                                             \
                  aotc_deform_taps(ih, iw, py, px, ti, tw);                                                    \
                  v = tw[0] * (double)plane[ti[0]] + tw[1] * (double)plane[ti[1]] + tw[2] * (double)plane[ti[2]] + \
                      tw[3] * (double)plane[ti[3]];                                                            \
                  if (mask) v *= (double)mask[((ptrdiff_t)b * offset_group * k + (ptrdiff_t)og * k + tap) * oh * ow + at]; \
                  acc += v * (double)w[(((ptrdiff_t)m * cg + ci) * kh + ky) * kw + kx];                        \
                }                                                                                              \
            }                                                                                                  \
            y[(((ptrdiff_t)b * oc + m) * oh + oy) * ow + ox] = (T)acc;                                         \
          }                                                                                                    \
  }
AOTC_DEFORM_CONV(f32, float)
AOTC_DEFORM_CONV(f64, double)
