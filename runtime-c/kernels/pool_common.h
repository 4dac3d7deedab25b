/*
 * pool_common.h -- the float MaxPool's fast row loops (pool.c), which conv.c's
 * aotc_conv_maxpool_f32 also runs on the rows of a conv it has just computed.
 */
#ifndef AOTC_POOL_COMMON_H
#define AOTC_POOL_COMMON_H

#include "kernel_common.h"
#include "conv_common.h" /* aotc_conv_split2_f32, the vector types */

/* aotc_maxpool_row_f32 is out of line on 64-bit hosts: inlined into aotc_maxpool2d_f32 (as in
   ResNet-18's generated C, not in SqueezeNet's), GCC left its strided loops scalar (ResNet-18's
   64 x 112x112 pool: 398 -> 217 us). */
#if defined(__x86_64__) || defined(__aarch64__)
#define AOTC_MAXPOOL_ROW_ATTR AOTC_NOINLINE
#else
#define AOTC_MAXPOOL_ROW_ATTR
#endif

/*
 * Fast float MaxPool for windows that are 2D (or 1D): no Indices output, no
 * dilation, a depth window of 1 without depth padding. Per output row, the
 * outputs whose window lies inside the input columns take the max tap by tap
 * over the whole row (vectorisable loops, the row of outputs as the running
 * max); the few border outputs go tap by tap as in the general loop. Taps are
 * visited in the same order (rows, then columns) with the same comparison as
 * the general path, so results are identical, NaN and -0 included. Returns 0
 * (nothing written) for other geometries.
 */

/*
 * acc[i] = max over the taps r[i * s + k], k < kw, in order, folded into acc
 * (unless `first`: then the first tap starts it). Strided-2 windows of 2 and
 * 3 taps (the usual 2x2/s2 and 3x3/s2 pools) get one pass with constant
 * strides; others a pass per tap.
 */
static AOTC_UNUSED AOTC_MAXPOOL_ROW_ATTR void aotc_maxpool_row_f32(float *AOTC_RESTRICT acc,
                                                                   const float *AOTC_RESTRICT r, int32_t n,
                                                                   int32_t kw, int32_t s, int first) {
  int32_t i, k;
  float m, v;
  if (kw == 3 && s == 2) {
    if (first)
      for (i = 0; i < n; ++i) {
        m = r[2 * i];
        v = r[2 * i + 1];
        m = v > m ? v : m;
        v = r[2 * i + 2];
        acc[i] = v > m ? v : m;
      }
    else
      for (i = 0; i < n; ++i) {
        m = acc[i];
        v = r[2 * i];
        m = v > m ? v : m;
        v = r[2 * i + 1];
        m = v > m ? v : m;
        v = r[2 * i + 2];
        acc[i] = v > m ? v : m;
      }
    return;
  }
  if (kw == 2 && s == 2) {
    if (first)
      for (i = 0; i < n; ++i) {
        m = r[2 * i];
        v = r[2 * i + 1];
        acc[i] = v > m ? v : m;
      }
    else
      for (i = 0; i < n; ++i) {
        m = acc[i];
        v = r[2 * i];
        m = v > m ? v : m;
        v = r[2 * i + 1];
        acc[i] = v > m ? v : m;
      }
    return;
  }
  for (k = 0; k < kw; ++k) {
    const float *rk = r + k;
    if (first && k == 0)
      for (i = 0; i < n; ++i) acc[i] = rk[(ptrdiff_t)i * s];
    else if (s == 1)
      for (i = 0; i < n; ++i) {
        v = rk[i];
        acc[i] = v > acc[i] ? v : acc[i];
      }
    else
      for (i = 0; i < n; ++i) {
        v = rk[(ptrdiff_t)i * s];
        acc[i] = v > acc[i] ? v : acc[i];
      }
  }
}

#ifdef AOTC_CONV_SIMD
/* m = v > m ? v : m on float vectors of type VT (VI: same-size ints), the scalar loops' comparison:
   a NaN tap after the first is passed over, and of -0 and +0 the first stays. x86's max instructions
   compute exactly that (their first operand if it is greater, else the second) in one step, where
   compilers make a compare and a blend of the select. */
#if defined(__SSE__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#endif
#define AOTC_MAXPOOL_VSELECT(VT, VI, m, v)      \
  do {                                          \
    const VI k_ = (VI)((v) > (m));              \
    (m) = (VT)(((VI)(m) & ~k_) | ((VI)(v)&k_)); \
  } while (0)
#if defined(__AVX512F__)
#define AOTC_MAXPOOL_VMAX16(m, v) ((m) = (aotc_conv_v16)_mm512_max_ps((__m512)(v), (__m512)(m)))
#endif
#if AOTC_CONV_VWN == 8 && defined(__AVX__)
#define AOTC_MAXPOOL_VMAXN(m, v) ((m) = (aotc_conv_vn)_mm256_max_ps((__m256)(v), (__m256)(m)))
#elif AOTC_CONV_VWN == 4 && defined(__SSE__) && (defined(__GNUC__) || defined(__clang__))
#define AOTC_MAXPOOL_VMAXN(m, v) ((m) = (aotc_conv_vn)_mm_max_ps((__m128)(v), (__m128)(m)))
#else
#define AOTC_MAXPOOL_VMAXN(m, v) AOTC_MAXPOOL_VSELECT(aotc_conv_vn, aotc_conv_in, m, v)
#endif
/* A row's taps for W outputs (VT) of 2- and 3-column windows with stride 2 from rk: e and o, the even
   and odd columns of the 2W floats there (EO); e2, the even ones one further, taken as the odd floats of
   the 2W from column 1, so that no read goes past column 2W (E2). */
#define AOTC_MAXPOOL_EO(VT, W, EVEN_ODD, e, o, rk) \
  do {                                             \
    VT a_, b_;                                     \
    memcpy(&a_, (rk), sizeof a_);                  \
    memcpy(&b_, (rk) + (W), sizeof b_);            \
    EVEN_ODD(e, o, a_, b_);                        \
  } while (0)
#define AOTC_MAXPOOL_E2(VT, W, EVEN_ODD, e2, rk) \
  do {                                           \
    VT a_, b_, e1_;                              \
    memcpy(&a_, (rk) + 1, sizeof a_);            \
    memcpy(&b_, (rk) + 1 + (W), sizeof b_);      \
    EVEN_ODD(e1_, e2, a_, b_);                   \
    (void)e1_;                                   \
  } while (0)
/* aotc_maxpool_rows_f32's vector loop, W outputs (VT) at a time, the last step ending at n. */
#define AOTC_MAXPOOL_S2_LOOP(VT, W, EVEN_ODD, VMAX)                                       \
  do {                                                                                    \
    int32_t i0 = 0, k;                                                                    \
    for (;;) {                                                                            \
      VT m, e, o, e2;                                                                     \
      AOTC_MAXPOOL_EO(VT, W, EVEN_ODD, m, o, r + 2 * i0); /* m starts as the first tap */ \
      for (k = 0; k < nrows; ++k) {                                                       \
        const float *rk = r + (ptrdiff_t)k * row_stride + 2 * i0;                         \
        AOTC_MAXPOOL_EO(VT, W, EVEN_ODD, e, o, rk);                                       \
        if (k > 0) VMAX(m, e);                                                            \
        VMAX(m, o);                                                                       \
        if (kw == 3) {                                                                    \
          AOTC_MAXPOOL_E2(VT, W, EVEN_ODD, e2, rk);                                       \
          VMAX(m, e2);                                                                    \
        }                                                                                 \
      }                                                                                   \
      memcpy(acc + i0, &m, sizeof m);                                                     \
      if (i0 + (W) >= n) break;                                                           \
      i0 += (W);                                                                          \
      if (i0 > n - (W)) i0 = n - (W);                                                     \
    }                                                                                     \
  } while (0)
#endif

/*
 * acc[i] = max over the nrows x kw taps r[k * row_stride + i * s + j], in order (rows, then columns),
 * for i < n: one output row's outputs whose windows lie inside the input columns. On SIMD cores,
 * windows of 2 and 3 columns with stride 2 (the usual 2x2/2 and 3x3/2 pools) take all rows' taps per
 * vector of outputs, keeping the running max in a register (bench/pool_bench.c, AVX-512: MNIST's
 * 16 x 28x28 2x2/2 3.4 -> 1.7 us); others a pass per row.
 */
static AOTC_UNUSED AOTC_CONV_SPLIT2_ATTR void aotc_maxpool_rows_f32(float *AOTC_RESTRICT acc,
                                                                    const float *AOTC_RESTRICT r,
                                                                    ptrdiff_t row_stride, int32_t nrows, int32_t n,
                                                                    int32_t kw, int32_t s) {
  int32_t k;
#ifdef AOTC_CONV_SIMD
  if (s == 2 && (kw == 2 || kw == 3)) {
#if defined(__AVX512F__)
    if (n >= 16) {
      AOTC_MAXPOOL_S2_LOOP(aotc_conv_v16, 16, AOTC_CONV_EVEN_ODD16, AOTC_MAXPOOL_VMAX16);
      return;
    }
#endif
    if (n >= AOTC_CONV_VWN) {
      AOTC_MAXPOOL_S2_LOOP(aotc_conv_vn, AOTC_CONV_VWN, AOTC_CONV_EVEN_ODD, AOTC_MAXPOOL_VMAXN);
      return;
    }
  }
#endif
  for (k = 0; k < nrows; ++k) aotc_maxpool_row_f32(acc, r + (ptrdiff_t)k * row_stride, n, kw, s, k == 0);
}

#ifdef AOTC_CONV_SIMD
/* aotc_maxpool_3x3s2_f32's loop over a strip of W columns (VT), the last strip ending at n. H(f, l, rk):
   the row's three taps folded in order (f) and folded from -inf (l, which passes over a NaN first tap). */
#define AOTC_MAXPOOL_H(VT, W, EVEN_ODD, VMAX, ninf, f, l, rk) \
  do {                                                        \
    VT e, o, e2;                                              \
    AOTC_MAXPOOL_EO(VT, W, EVEN_ODD, e, o, rk);               \
    AOTC_MAXPOOL_E2(VT, W, EVEN_ODD, e2, rk);                 \
    (f) = e;                                                  \
    VMAX(f, o);                                               \
    VMAX(f, e2);                                              \
    (l) = ninf;                                               \
    VMAX(l, e);                                               \
    VMAX(l, o);                                               \
    VMAX(l, e2);                                              \
  } while (0)
#define AOTC_MAXPOOL_3X3S2_LOOP(VT, W, EVEN_ODD, VMAX)                               \
  do {                                                                               \
    VT ninf, top, mid, bot, next_top;                                                \
    int32_t i0 = 0, oh, j;                                                           \
    for (j = 0; j < (W); ++j) ninf[j] = -INFINITY;                                   \
    for (;;) {                                                                       \
      AOTC_MAXPOOL_H(VT, W, EVEN_ODD, VMAX, ninf, top, next_top, r + 2 * i0);        \
      for (oh = 0; oh < rows; ++oh) {                                                \
        const float *r1 = r + (ptrdiff_t)(2 * oh + 1) * row_stride + 2 * i0;         \
        AOTC_MAXPOOL_H(VT, W, EVEN_ODD, VMAX, ninf, next_top, mid, r1);              \
        VMAX(top, mid);                                                              \
        AOTC_MAXPOOL_H(VT, W, EVEN_ODD, VMAX, ninf, next_top, bot, r1 + row_stride); \
        VMAX(top, bot);                                                              \
        memcpy(y + (ptrdiff_t)oh * y_stride + i0, &top, sizeof top);                 \
        top = next_top;                                                              \
      }                                                                              \
      if (i0 + (W) >= n) break;                                                      \
      i0 += (W);                                                                     \
      if (i0 > n - (W)) i0 = n - (W);                                                \
    }                                                                                \
  } while (0)

/*
 * A 3x3 window with stride 2 both ways, for `rows` output rows of n (>= the vector width) outputs whose
 * windows lie inside the input: y[oh * y_stride + i] = max over the taps r[(2 oh + k) * row_stride + 2 i + j],
 * k, j < 3, in order. Strips of a vector's width of outputs, down the rows: each input row's three
 * taps are folded once, and the fold of an output's last row is the next output's first. Bit for bit
 * as in order: a row after the first folds from -inf, which passes over a NaN first tap as the
 * running max would (bench/pool_bench.c, AVX-512, against the row loops before: SqueezeNet's 64 x
 * 111x111 138 -> 93 us and 128 x 55x55 80 -> 49 us, ResNet-18's 64 x 112x112 166 -> 118 us).
 */
static AOTC_UNUSED AOTC_CONV_SPLIT2_ATTR void aotc_maxpool_3x3s2_f32(float *AOTC_RESTRICT y, ptrdiff_t y_stride,
                                                                     const float *AOTC_RESTRICT r,
                                                                     ptrdiff_t row_stride, int32_t rows, int32_t n) {
#if defined(__AVX512F__)
  if (n >= 16) {
    AOTC_MAXPOOL_3X3S2_LOOP(aotc_conv_v16, 16, AOTC_CONV_EVEN_ODD16, AOTC_MAXPOOL_VMAX16);
    return;
  }
#endif
  AOTC_MAXPOOL_3X3S2_LOOP(aotc_conv_vn, AOTC_CONV_VWN, AOTC_CONV_EVEN_ODD, AOTC_MAXPOOL_VMAXN);
}
#endif

/* Outputs [*a, *b) of `out` along one dim (window of k taps, stride st, `pad` before) whose taps all lie
   inside the `in` inputs. */
static AOTC_UNUSED void aotc_pool_inside(int32_t pad, int32_t st, int32_t k, int32_t in, int32_t out, int32_t *a,
                                         int32_t *b) {
  const int32_t lim = in - k + pad;
  *a = (pad + st - 1) / st;
  *b = lim >= 0 ? lim / st + 1 : 0;
  if (*a > out) *a = out;
  if (*b > out) *b = out;
  if (*b < *a) *b = *a;
}

/*
 * Output rows [oh0, oh1) of one plane of the fast float MaxPool below: y, the
 * plane's output; x, input row x_row0 of the plane (row h at x + (h - x_row0)
 * * IW), whose windows read no row above x_row0. [wa, wb):
 * the outputs whose windows lie inside the input columns; [ha, hb): the rows
 * aotc_maxpool_3x3s2_f32 takes (empty if none), both from
 * aotc_maxpool2d_bounds.
 */
static AOTC_UNUSED void aotc_maxpool2d_rows_f32(const float *x, int32_t x_row0, float *y, int32_t oh0, int32_t oh1,
                                                const aotc_pool_params *geo, int32_t wa, int32_t wb, int32_t ha,
                                                int32_t hb) {
  const int32_t IH = geo->in[1], IW = geo->in[2], OW = geo->out[2];
  const int32_t KH = geo->kernel[1], KW = geo->kernel[2], SH = geo->stride[1], SW = geo->stride[2];
  const int32_t PH = geo->pad[1], PW = geo->pad[2];
  int32_t oh, ow, kh, kw;
#ifdef AOTC_CONV_SIMD
  if (ha < oh0) ha = oh0;
  if (hb > oh1) hb = oh1;
  if (ha < hb)
    aotc_maxpool_3x3s2_f32(y + (ptrdiff_t)ha * OW + wa, OW,
                           x + (ptrdiff_t)(ha * SH - PH - x_row0) * IW + wa * SW - PW, IW, hb - ha, wb - wa);
#endif
  for (oh = oh0; oh < oh1; ++oh) {
    const int32_t sh = oh * SH - PH;
    const int32_t h0 = sh < 0 ? -sh : 0, h1 = IH - sh < KH ? IH - sh : KH;
    float *yr = y + (ptrdiff_t)oh * OW;
    const float *xr; /* input row sh + h0, the window's first */
    if (h1 <= h0) { /* the window lies in the padding */
      for (ow = 0; ow < OW; ++ow) yr[ow] = -FLT_MAX;
      continue;
    }
    xr = x + (ptrdiff_t)(sh + h0 - x_row0) * IW;
    if (wa < wb && (oh < ha || oh >= hb))
      aotc_maxpool_rows_f32(yr + wa, xr + (ptrdiff_t)wa * SW - PW, IW, h1 - h0, wb - wa, KW, SW);
    for (ow = wa > 0 ? 0 : wb; ow < OW; ow = ow + 1 == wa ? wb : ow + 1) { /* the borders */
      const int32_t sw = ow * SW - PW;
      const int32_t w0 = sw < 0 ? -sw : 0, w1 = IW - sw < KW ? IW - sw : KW;
      float best = -FLT_MAX;
      int first = 1;
      for (kh = h0; kh < h1; ++kh) {
        const float *row = xr + (ptrdiff_t)(kh - h0) * IW + sw;
        for (kw = w0; kw < w1; ++kw)
          if (row[kw] > best || first) {
            best = row[kw];
            first = 0;
          }
      }
      yr[ow] = best;
    }
  }
}

/* The column and row bounds aotc_maxpool2d_rows_f32 takes; 0 for a geometry the fast MaxPool does not take. */
static AOTC_UNUSED int aotc_maxpool2d_bounds(const aotc_pool_params *geo, int32_t *wa, int32_t *wb, int32_t *ha,
                                             int32_t *hb) {
  if (geo->kernel[0] != 1 || geo->dilation[0] != 1 || geo->dilation[1] != 1 || geo->dilation[2] != 1 ||
      geo->pad[0] != 0 || geo->pad_end[0] != 0)
    return 0;
  /* Outputs [wa, wb) have all KW taps inside the row. */
  aotc_pool_inside(geo->pad[2], geo->stride[2], geo->kernel[2], geo->in[2], geo->out[2], wa, wb);
  /* Of 3x3/2 windows, aotc_maxpool_3x3s2_f32 takes the outputs [wa, wb) of the output rows [ha, hb), whose
     windows lie inside the input, when these are a vector or more. */
  *ha = *hb = 0;
#ifdef AOTC_CONV_SIMD
  if (geo->kernel[1] == 3 && geo->kernel[2] == 3 && geo->stride[1] == 2 && geo->stride[2] == 2 &&
      *wb - *wa >= AOTC_CONV_VWN)
    aotc_pool_inside(geo->pad[1], geo->stride[1], geo->kernel[1], geo->in[1], geo->out[1], ha, hb);
#endif
  return 1;
}

static AOTC_UNUSED int aotc_maxpool2d_f32(const float *x, float *y, const aotc_pool_params *geo) {
  const int32_t ID = geo->in[0], IH = geo->in[1], IW = geo->in[2], OD = geo->out[0], OH = geo->out[1];
  int32_t p, wa, wb, ha, hb;
  if (!aotc_maxpool2d_bounds(geo, &wa, &wb, &ha, &hb)) return 0;
  for (p = 0; p < geo->channels * OD; ++p)
    aotc_maxpool2d_rows_f32(x + ((ptrdiff_t)(p / OD) * ID + (ptrdiff_t)(p % OD) * geo->stride[0]) * IH * IW, 0,
                            y + (ptrdiff_t)p * OH * geo->out[2], 0, OH, geo, wa, wb, ha, hb);
  return 1;
}

#endif
