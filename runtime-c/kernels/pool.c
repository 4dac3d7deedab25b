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

static AOTC_UNUSED int aotc_maxpool2d_f32(const float *x, float *y, const aotc_pool_params *geo) {
  const int32_t NC = geo->channels, ID = geo->in[0], IH = geo->in[1], IW = geo->in[2];
  const int32_t OD = geo->out[0], OH = geo->out[1], OW = geo->out[2];
  const int32_t KD = geo->kernel[0], KH = geo->kernel[1], KW = geo->kernel[2];
  const int32_t SD = geo->stride[0], SH = geo->stride[1], SW = geo->stride[2];
  const int32_t PH = geo->pad[1], PW = geo->pad[2];
  int32_t p, oh, ow, kh, kw, wa, wb, ha, hb;
  if (KD != 1 || geo->dilation[0] != 1 || geo->dilation[1] != 1 || geo->dilation[2] != 1 || geo->pad[0] != 0 ||
      geo->pad_end[0] != 0)
    return 0;
  /* Outputs [wa, wb) have all KW taps inside the row. */
  aotc_pool_inside(PW, SW, KW, IW, OW, &wa, &wb);
  /* Of 3x3/2 windows, aotc_maxpool_3x3s2_f32 takes the outputs [wa, wb) of the output rows [ha, hb), whose
     windows lie inside the input, when these are a vector or more. */
  ha = hb = 0;
#ifdef AOTC_CONV_SIMD
  if (KH == 3 && KW == 3 && SH == 2 && SW == 2 && wb - wa >= AOTC_CONV_VWN)
    aotc_pool_inside(PH, SH, KH, IH, OH, &ha, &hb);
#endif
  for (p = 0; p < NC * OD; ++p) {
    const float *xp = x + ((ptrdiff_t)(p / OD) * ID + (ptrdiff_t)(p % OD) * SD) * IH * IW;
    float *yp = y + (ptrdiff_t)p * OH * OW;
#ifdef AOTC_CONV_SIMD
    if (ha < hb)
      aotc_maxpool_3x3s2_f32(yp + (ptrdiff_t)ha * OW + wa, OW, xp + (ptrdiff_t)(ha * SH - PH) * IW + wa * SW - PW, IW,
                             hb - ha, wb - wa);
#endif
    for (oh = 0; oh < OH; ++oh) {
      const int32_t sh = oh * SH - PH;
      const int32_t h0 = sh < 0 ? -sh : 0, h1 = IH - sh < KH ? IH - sh : KH;
      float *yr = yp + (ptrdiff_t)oh * OW;
      if (h1 <= h0) { /* the window lies in the padding */
        for (ow = 0; ow < OW; ++ow) yr[ow] = -FLT_MAX;
        continue;
      }
      if (wa < wb && (oh < ha || oh >= hb))
        aotc_maxpool_rows_f32(yr + wa, xp + (ptrdiff_t)(sh + h0) * IW + (ptrdiff_t)wa * SW - PW, IW, h1 - h0, wb - wa,
                              KW, SW);
      for (ow = wa > 0 ? 0 : wb; ow < OW; ow = ow + 1 == wa ? wb : ow + 1) { /* the borders */
        const int32_t sw = ow * SW - PW;
        const int32_t w0 = sw < 0 ? -sw : 0, w1 = IW - sw < KW ? IW - sw : KW;
        float best = -FLT_MAX;
        int first = 1;
        for (kh = h0; kh < h1; ++kh) {
          const float *row = xp + (ptrdiff_t)(sh + kh) * IW + sw;
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
  return 1;
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
