/*
 * pool.c -- pooling kernels: MaxPool (optionally with Indices), AveragePool,
 * LpPool, and their global variants.
 *
 * Windowed pools work on 3 spatial dims (aotc pads 1D/2D pools with leading
 * size-1 dims) and take the geometry as an aotc_pool_params (kernel_params.h),
 * `geo`, filled by ops/pool.cpp.
 * For each output the valid kernel taps of every dim are computed up front,
 * so the tap loops have no bounds checks.
 */
#include "kernel_common.h"
#include "conv_common.h" /* aotc_conv_split2_f32, aotc_conv_copy_f32 */
#include "pool_common.h" /* aotc_maxpool2d_f32 and its row loops */

/*
 * Taps [lo, hi) of a window of k taps (dilation d) starting at input index
 * `start` that land inside [0, in); *npad counts the taps inside
 * [start, in + pad_end), i.e. including the padding (AveragePool's
 * count_include_pad divisor).
 */
static AOTC_UNUSED void aotc_pool_taps(int32_t start, int32_t k, int32_t d, int32_t in, int32_t pad_end, int32_t *lo,
                                       int32_t *hi, int32_t *npad) {
  int32_t l = start >= 0 ? 0 : (-start + d - 1) / d;
  int32_t h = in - start > 0 ? (in - start + d - 1) / d : 0;
  int32_t p = in + pad_end - start > 0 ? (in + pad_end - start + d - 1) / d : 0;
  if (h > k) h = k;
  if (p > k) p = k;
  if (l > h) l = h;
  *lo = l;
  *hi = h;
  *npad = p;
}

/*
 * Iterates over every output of a windowed pool. For each one, BODY runs with
 * x_c (the channel's input), the tap ranges [d0,d1) x [h0,h1) x [w0,w1), the
 * window origin (sd, sh, sw), `pad_count` (taps incl. padding) and `out`
 * (flat index of the output).
 */
#define AOTC_POOL_LOOP(T, ...)                                                                                         \
  const int32_t NC = geo->channels, ID = geo->in[0], IH = geo->in[1], IW = geo->in[2];                                \
  const int32_t OD = geo->out[0], OH = geo->out[1], OW = geo->out[2];                                                  \
  const int32_t KD = geo->kernel[0], KH = geo->kernel[1], KW = geo->kernel[2];                                         \
  const int32_t SD = geo->stride[0], SH = geo->stride[1], SW = geo->stride[2];                                         \
  const int32_t DD = geo->dilation[0], DH = geo->dilation[1], DW = geo->dilation[2];                                   \
  const int32_t PD = geo->pad[0], PH = geo->pad[1], PW = geo->pad[2];                                                  \
  const int32_t ED = geo->pad_end[0], EH = geo->pad_end[1], EW = geo->pad_end[2];                                      \
  int32_t c, od, oh, ow;                                                                                               \
  ptrdiff_t out = 0;                                                                                                   \
  for (c = 0; c < NC; ++c) {                                                                                           \
    const T *x_c = x + (ptrdiff_t)c * ID * IH * IW;                                                                    \
    for (od = 0; od < OD; ++od) {                                                                                      \
      int32_t sd = od * SD - PD, d0, d1, nd;                                                                           \
      aotc_pool_taps(sd, KD, DD, ID, ED, &d0, &d1, &nd);                                                               \
      for (oh = 0; oh < OH; ++oh) {                                                                                    \
        int32_t sh = oh * SH - PH, h0, h1, nh;                                                                         \
        aotc_pool_taps(sh, KH, DH, IH, EH, &h0, &h1, &nh);                                                             \
        for (ow = 0; ow < OW; ++ow, ++out) {                                                                           \
          int32_t sw = ow * SW - PW, w0, w1, nw;                                                                       \
          int32_t pad_count;                                                                                           \
          aotc_pool_taps(sw, KW, DW, IW, EW, &w0, &w1, &nw);                                                           \
          pad_count = nd * nh * nw;                                                                                    \
          (void)pad_count;                                                                                             \
          __VA_ARGS__                                                                                                  \
        }                                                                                                              \
      }                                                                                                                \
    }                                                                                                                  \
  }


/* acc[q] = the max over taps t < T (4 or 9: 2x2 and 3x3 windows) of p[off[t] + q], folded in tap order, for
 * q < Q: the running max stays in a register, one store per output (a pass per tap stored and reloaded it). */
#define AOTC_MAXPOOL_TAP(t) \
  v = p##t[q];              \
  m = v > m ? v : m;
static AOTC_UNUSED void aotc_maxpool_flat_taps_f32(const float *p, const ptrdiff_t *off, int32_t T,
                                                   float *AOTC_RESTRICT acc, ptrdiff_t Q) {
  const float *p0 = p + off[0], *p1 = p + off[1], *p2 = p + off[2], *p3 = p + off[3];
  ptrdiff_t q;
  float m, v;
  if (T == 4) {
    for (q = 0; q < Q; ++q) {
      m = p0[q];
      AOTC_MAXPOOL_TAP(1) AOTC_MAXPOOL_TAP(2) AOTC_MAXPOOL_TAP(3)
      acc[q] = m;
    }
  } else {
    const float *p4 = p + off[4], *p5 = p + off[5], *p6 = p + off[6], *p7 = p + off[7], *p8 = p + off[8];
    for (q = 0; q < Q; ++q) {
      m = p0[q];
      AOTC_MAXPOOL_TAP(1) AOTC_MAXPOOL_TAP(2) AOTC_MAXPOOL_TAP(3) AOTC_MAXPOOL_TAP(4)
      AOTC_MAXPOOL_TAP(5) AOTC_MAXPOOL_TAP(6) AOTC_MAXPOOL_TAP(7) AOTC_MAXPOOL_TAP(8)
      acc[q] = m;
    }
  }
}

/*
 * aotc_maxpool2d_phases_f32: float MaxPool without Indices over 2D windows
 * (no dilation) that all lie inside the input: no padding is read, as in
 * SqueezeNet's 3x3/2 ceil-mode pools. Each plane is copied into its SH*SW
 * stride phases in scratch (phase (ph, pw) at (j, l) holds x at (j*SH + ph,
 * l*SW + pw); SW = 2 splits each row in one pass), on which tap (kh, kw) of
 * output (oh, ow) is a constant offset from the flat index q = oh*Wph + ow:
 * each tap is then one contiguous loop over the whole plane, where
 * aotc_maxpool2d_f32's loops run per output row (13 outputs a row in
 * SqueezeNet's last pool). The columns ow >= OW of the flat result are
 * dropped. Taps in the same order (rows, then columns) with the same
 * comparison as the general path: identical results, NaN and -0 included.
 * scratch: SH*SW*Hph*Wph + (OH - 1)*Wph + OW floats, Hph = OH + (KH - 1)/SH,
 * Wph = OW + (KW - 1)/SW (ops/pool.cpp).
 */
AOTC_KERNEL void aotc_maxpool2d_phases_f32(const float *x, float *y, void *scratch, const aotc_pool_params *geo) {
  const int32_t NC = geo->channels, IH = geo->in[1], IW = geo->in[2], OH = geo->out[1], OW = geo->out[2];
  const int32_t KH = geo->kernel[1], KW = geo->kernel[2], SH = geo->stride[1], SW = geo->stride[2];
  const int32_t Hph = OH + (KH - 1) / SH, Wph = OW + (KW - 1) / SW;
  const ptrdiff_t plane = (ptrdiff_t)Hph * Wph, Q = (ptrdiff_t)(OH - 1) * Wph + OW;
  const int32_t T = KH * KW;
  float *ph_buf = (float *)scratch, *acc = ph_buf + SH * SW * plane;
  ptrdiff_t off[9], q;
  int32_t c, ih, pw, l, t, oh;
  if (NC <= 0 || OH <= 0 || OW <= 0) return;
  /* Tap t = (kh, kw) reads phase (kh % SH, kw % SW) at row kh / SH, column kw / SW. */
#define AOTC_MAXPOOL_TAP_OFFSET(t)                                                            \
  ((ptrdiff_t)(((t) / KW % SH) * SW + (t) % KW % SW) * plane + (ptrdiff_t)((t) / KW / SH) * Wph + \
   (t) % KW / SW)
  for (t = 0; t < T && t < 9; ++t) off[t] = AOTC_MAXPOOL_TAP_OFFSET(t);
  /* The phase entries past the input (read only for the dropped columns) stay zero. */
  memset(ph_buf, 0, (size_t)(SH * SW * plane) * sizeof(float));
  for (c = 0; c < NC; ++c) {
    const float *xc = x + (ptrdiff_t)c * IH * IW;
    float *yc = y + (ptrdiff_t)c * OH * OW;
    /* Input rows in order (the hardware prefetchers follow them), each to row ih / SH of phase ih % SH. */
    for (ih = 0; ih < IH && ih / SH < Hph; ++ih) {
      const float *src = xc + (ptrdiff_t)ih * IW;
      float *d0 = ph_buf + (ptrdiff_t)(ih % SH) * SW * plane + (ptrdiff_t)(ih / SH) * Wph;
      const int32_t n_in = IW < SW * Wph ? IW : SW * Wph; /* input columns some phase holds */
      if (SW == 1) {
        aotc_conv_copy_f32(d0, src, n_in);
      } else if (SW == 2) {
        aotc_conv_split2_f32(src, d0, d0 + plane, n_in);
      } else {
        for (pw = 0; pw < SW; ++pw)
          for (l = 0; l < Wph && l * SW + pw < IW; ++l) d0[pw * plane + l] = src[l * SW + pw];
      }
    }
    if (T == 9 || T == 4) {
      aotc_maxpool_flat_taps_f32(ph_buf, off, T, acc, Q);
    } else {
      /* Any other window: a pass per tap over the running max. */
      for (t = 0; t < T; ++t) {
        const float *AOTC_RESTRICT pt = ph_buf + AOTC_MAXPOOL_TAP_OFFSET(t);
        if (t == 0)
          for (q = 0; q < Q; ++q) acc[q] = pt[q];
        else
          for (q = 0; q < Q; ++q) {
            const float v = pt[q], m = acc[q];
            acc[q] = v > m ? v : m;
          }
      }
    }
    for (oh = 0; oh < OH; ++oh) aotc_conv_copy_f32(yc + (ptrdiff_t)oh * OW, acc + (ptrdiff_t)oh * Wph, OW);
  }
#undef AOTC_MAXPOOL_TAP_OFFSET
}

/*
 * MaxPool. `indices` (may be NULL) receives the flat input index of each max:
 * (n*C + c) * D*H*W + spatial offset, the spatial offset row-major, or
 * column-major if storage_order is 1. Windows entirely in padding give LOWEST.
 * FAST: a fast path for the geometry, or 0 (see aotc_maxpool2d_f32).
 */
#define AOTC_MAXPOOL(SFX, T, LOWEST, FAST)                                                              \
  AOTC_KERNEL void aotc_maxpool_##SFX(const T *x, T *y, int64_t *indices, const aotc_pool_params *geo,             \
                                      int32_t storage_order) {                                          \
    if (!indices && FAST) return;                                                                       \
    AOTC_POOL_LOOP(T, {                                                                                 \
      T best = LOWEST;                                                                                  \
      int32_t bd = -1, bh = 0, bw = 0, kd, kh, kw;                                                      \
      for (kd = d0; kd < d1; ++kd)                                                                      \
        for (kh = h0; kh < h1; ++kh) {                                                                  \
          const T *row = x_c + ((ptrdiff_t)(sd + kd * DD) * IH + (sh + kh * DH)) * IW + sw;             \
          for (kw = w0; kw < w1; ++kw) {                                                                \
            T v = row[kw * DW];                                                                         \
            if (v > best || bd < 0) {                                                                   \
              best = v;                                                                                 \
              bd = sd + kd * DD;                                                                        \
              bh = sh + kh * DH;                                                                        \
              bw = sw + kw * DW;                                                                        \
            }                                                                                           \
          }                                                                                             \
        }                                                                                               \
      y[out] = best;                                                                                    \
      if (indices) {                                                                                    \
        ptrdiff_t sp = 0;                                                                               \
        if (bd >= 0)                                                                                    \
          sp = storage_order ? bd + (ptrdiff_t)ID * (bh + (ptrdiff_t)IH * bw)                           \
                             : ((ptrdiff_t)bd * IH + bh) * IW + bw;                                     \
        indices[out] = (int64_t)c * ID * IH * IW + sp;                                                  \
      }                                                                                                 \
    })                                                                                                  \
  }
AOTC_MAXPOOL(f32, float, -FLT_MAX, aotc_maxpool2d_f32(x, y, geo))
AOTC_MAXPOOL(f64, double, -DBL_MAX, 0)
AOTC_MAXPOOL(i8, int8_t, INT8_MIN, 0)
AOTC_MAXPOOL(u8, uint8_t, 0, 0)

/*
 * AveragePool: the mean of the window's taps inside the input, or with
 * count_include_pad the sum divided by the taps inside input + padding.
 */
#define AOTC_AVGPOOL(SFX, T)                                                                            \
  AOTC_KERNEL void aotc_avgpool_##SFX(const T *x, T *y, const aotc_pool_params *geo, int32_t count_include_pad) { \
    AOTC_POOL_LOOP(T, {                                                                                 \
      T sum = 0;                                                                                        \
      int32_t kd, kh, kw, n;                                                                            \
      for (kd = d0; kd < d1; ++kd)                                                                      \
        for (kh = h0; kh < h1; ++kh) {                                                                  \
          const T *row = x_c + ((ptrdiff_t)(sd + kd * DD) * IH + (sh + kh * DH)) * IW + sw;             \
          for (kw = w0; kw < w1; ++kw) sum += row[kw * DW];                                             \
        }                                                                                               \
      n = count_include_pad ? pad_count : (d1 - d0) * (h1 - h0) * (w1 - w0);                            \
      y[out] = n > 0 ? sum / (T)n : (T)0;                                                               \
    })                                                                                                  \
  }
AOTC_AVGPOOL(f32, float)
AOTC_AVGPOOL(f64, double)

/* LpPool: (sum of |x|^p over the window)^(1/p); padding contributes zeros. */
#define AOTC_LPPOOL(SFX, T, POW, FABS)                                                                  \
  AOTC_KERNEL void aotc_lppool_##SFX(const T *x, T *y, const aotc_pool_params *geo, float p) {                     \
    const T pp = (T)p, inv = (T)1 / (T)p;                                                               \
    AOTC_POOL_LOOP(T, {                                                                                 \
      T sum = 0;                                                                                        \
      int32_t kd, kh, kw;                                                                               \
      for (kd = d0; kd < d1; ++kd)                                                                      \
        for (kh = h0; kh < h1; ++kh) {                                                                  \
          const T *row = x_c + ((ptrdiff_t)(sd + kd * DD) * IH + (sh + kh * DH)) * IW + sw;             \
          for (kw = w0; kw < w1; ++kw) sum += POW(FABS(row[kw * DW]), pp);                              \
        }                                                                                               \
      y[out] = POW(sum, inv);                                                                           \
    })                                                                                                  \
  }
AOTC_LPPOOL(f32, float, powf, fabsf)
AOTC_LPPOOL(f64, double, pow, fabs)

/* ---- global pools: one value per (n, c) over `size` spatial elements ---- */

#define AOTC_GLOBAL_POOLS(SFX, T, LOWEST, POW, FABS)                                                   \
  AOTC_KERNEL void aotc_global_avgpool_##SFX(const T *x, T *y, int32_t nc, int32_t size) {              \
    int32_t c, i, j;                                                                                    \
    for (c = 0; c < nc; ++c) {                                                                          \
      /* 16 running sums (lane j adds elements j, j + 16, ...), which compilers   */                  \
      /* vectorize without reordering a single sum; then a fixed pairwise tree.   */                  \
      const T *xc = x + (ptrdiff_t)c * size;                                                            \
      T lane[16] = {0};                                                                                 \
      for (i = 0; i + 16 <= size; i += 16)                                                              \
        for (j = 0; j < 16; ++j) lane[j] += xc[i + j];                                                  \
      for (j = 0; j < 16 && i + j < size; ++j) lane[j] += xc[i + j];                                    \
      for (j = 8; j >= 1; j /= 2)                                                                       \
        for (i = 0; i < j; ++i) lane[i] += lane[i + j];                                                 \
      y[c] = lane[0] / (T)size;                                                                         \
    }                                                                                                   \
  }                                                                                                     \
  AOTC_KERNEL void aotc_global_maxpool_##SFX(const T *x, T *y, int32_t nc, int32_t size) {              \
    int32_t c, i;                                                                                       \
    for (c = 0; c < nc; ++c) {                                                                          \
      const T *xc = x + (ptrdiff_t)c * size;                                                            \
      T best = size > 0 ? xc[0] : LOWEST;                                                               \
      for (i = 1; i < size; ++i)                                                                        \
        if (xc[i] > best) best = xc[i];                                                                 \
      y[c] = best;                                                                                      \
    }                                                                                                   \
  }                                                                                                     \
  AOTC_KERNEL void aotc_global_lppool_##SFX(const T *x, T *y, int32_t nc, int32_t size, float p) {      \
    const T pp = (T)p, inv = (T)1 / (T)p;                                                               \
    int32_t c, i;                                                                                       \
    for (c = 0; c < nc; ++c) {                                                                          \
      const T *xc = x + (ptrdiff_t)c * size;                                                            \
      T sum = 0;                                                                                        \
      for (i = 0; i < size; ++i) sum += POW(FABS(xc[i]), pp);                                           \
      y[c] = POW(sum, inv);                                                                             \
    }                                                                                                   \
  }
AOTC_GLOBAL_POOLS(f32, float, -FLT_MAX, powf, fabsf)
AOTC_GLOBAL_POOLS(f64, double, -DBL_MAX, pow, fabs)

/*
 * GlobalAveragePool of an nchw16c input (N*C/16 = `blocks` blocks of `size`
 * pixels x 16 channels): y[b*16 + r] = mean over the pixels of channel r of
 * block b, the 16 channels summed side by side (one vector), pixel by pixel.
 */
AOTC_KERNEL void aotc_global_avgpool_blocked_f32(const float *x, float *y, int32_t blocks, int32_t size) {
  int32_t b, i, r;
  for (b = 0; b < blocks; ++b) {
    const float *xb = x + (ptrdiff_t)b * size * 16;
    float sum[16] = {0};
    for (i = 0; i < size; ++i)
      for (r = 0; r < 16; ++r) sum[r] += xb[(ptrdiff_t)i * 16 + r];
    for (r = 0; r < 16; ++r) y[(ptrdiff_t)b * 16 + r] = sum[r] / (float)size;
  }
}

/*
 * MaxUnpool: y (y_count elements of elem_size bytes) is zero except
 * y[indices[i]] = x[i] for i < n (flat indices as MaxPool produces them;
 * out-of-range indices are ignored).
 */
AOTC_KERNEL void aotc_maxunpool(const void *x, const int64_t *indices, void *y, int32_t n, int32_t y_count,
                                int32_t elem_size) {
  const unsigned char *src = (const unsigned char *)x;
  unsigned char *dst = (unsigned char *)y;
  int32_t i;
  memset(dst, 0, (size_t)y_count * (size_t)elem_size);
  for (i = 0; i < n; ++i) {
    const int64_t j = indices[i];
    if (j >= 0 && j < y_count)
      memcpy(dst + (size_t)j * (size_t)elem_size, src + (size_t)i * (size_t)elem_size, (size_t)elem_size);
  }
}

/*
 * MaxUnpool into a larger output_shape: index j addresses a tensor of dims
 * `from`; the value goes to the same multi-index in a tensor of dims `to`.
 */
AOTC_KERNEL void aotc_maxunpool_remap(const void *x, const int64_t *indices, void *y, int32_t n, int32_t y_count,
                                      int32_t elem_size, int32_t rank, const int32_t *from, const int32_t *to) {
  const unsigned char *src = (const unsigned char *)x;
  unsigned char *dst = (unsigned char *)y;
  int32_t i, d;
  memset(dst, 0, (size_t)y_count * (size_t)elem_size);
  for (i = 0; i < n; ++i) {
    int64_t j = indices[i], target = 0, scale = 1;
    for (d = rank - 1; d >= 0; --d) {
      target += (j % from[d]) * scale;
      j /= from[d];
      scale *= to[d];
    }
    if (indices[i] >= 0 && target < y_count)
      memcpy(dst + (size_t)target * (size_t)elem_size, src + (size_t)i * (size_t)elem_size, (size_t)elem_size);
  }
}
