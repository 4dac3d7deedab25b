/*
 * conv_depthwise.c -- float32 depthwise convolution (aotc_conv_depthwise_f32):
 * one input channel per group, 2D (KD = OD = 1), any channel multiplier Mg,
 * computed directly on the NCHW planes. Geometry g and the fused activation
 * as for aotc_conv_f32 (conv.c, which comes before this file and provides
 * aotc_conv_act, the vector types and AOTC_CONV_ACTIVATE).
 *
 *   - 3x3, stride 1, pads 1 and output the size of the input (the usual
 *     "same" depthwise conv): the plane is copied once between two zero rows,
 *     and every output pixel q = oh*OW + ow is then flat index q of a 1D
 *     convolution with 9 constant tap offsets; the taps left and right of
 *     the centre column are masked off at the image's first and last
 *     column. One contiguous loop per plane, any width. 3x3, stride 2,
 *     pads 1, even input: the same on the input's row and column phases.
 *   - any other kernel with strides 1 or 2 and dilation 1 ("padded"): the
 *     input plane is copied once per channel into a zero-padded plane whose
 *     rows hold, for stride 2 across, the even padded columns and then the
 *     odd ones, so output column ow under tap kw reads a fixed offset plus ow
 *     (the column phase of kw). Blocks of 4 output rows x 2 vectors of
 *     output columns keep 8 accumulators in registers over all KH*KW taps;
 *     the last vector of a row overlaps the one before it (rows narrower
 *     than a vector go through a small buffer). Vectors are 16 floats wide
 *     with AVX-512 (rows of at least 16), else 8 with AVX, else 4; generic
 *     x86-64 builds pick AVX-512 or AVX2+FMA copies at run time as conv.c
 *     does. Plain C adds one tap at a time over each output row.
 *   - anything else (dilations, strides above 2): output row by row, one tap
 *     at a time over the columns it covers; rows outside the image are skipped.
 * The fused activation runs on each finished vector, row or plane.
 * scratch: max((IH + 2)*IW + 2*OH*OW + IW + 96, Hp*Wp) floats (ops/conv.cpp),
 * Hp*Wp the padded plane: Hp = (OH - 1)*SH + KH rows of
 * Wp = OW16 + KW - 1 (SW = 1) or 2*(OW16 + KW/2) (SW = 2) floats,
 * OW16 = OW rounded up to a multiple of 16.
 */
#include "kernel_common.h"

/* v[0..n) = act(v[0..n)) (see aotc_conv_act); NaN stays. */
static AOTC_UNUSED AOTC_CONV_DW_ATTR void aotc_conv_dw_act_f32(float *AOTC_RESTRICT v, int32_t n,
                                                              const aotc_conv_act *act) {
  int32_t i;
  if (!act) return;
  if (act->kind == AOTC_CONV_ACT_CLAMP) {
    const float lo = act->a, hi = act->b;
    for (i = 0; i < n; ++i) {
      float t = v[i];
      t = t < lo ? lo : t;
      v[i] = t > hi ? hi : t;
    }
  } else {
    const float a = act->a, b = act->b;
    for (i = 0; i < n; ++i) {
      float t = a * v[i] + b;
      t = t < 0.0f ? 0.0f : t;
      t = t > 1.0f ? 1.0f : t;
      v[i] = v[i] * t;
    }
  }
}

/* ---- 3x3 "same" convs, stride 1 and 2: flat loops over the whole plane ---- */

/* 3x3, stride 1, pads 1, OH x OW = IH x IW: p is the plane's first pixel with a
 * zero row above and below; mask_l/mask_r are 0 at the first/last column. */
static AOTC_UNUSED AOTC_CONV_DW_ATTR void aotc_conv_dw3s1_plane_f32(const float *AOTC_RESTRICT p, int32_t W,
                                                                   int32_t P, const float *wk, float bias,
                                                                   const float *AOTC_RESTRICT mask_l,
                                                                   const float *AOTC_RESTRICT mask_r, float lo,
                                                                   float hi, float *AOTC_RESTRICT y) {
  const float w0 = wk[0], w1 = wk[1], w2 = wk[2], w3 = wk[3], w4 = wk[4], w5 = wk[5], w6 = wk[6], w7 = wk[7];
  const float w8 = wk[8];
  const float *a = p - W, *c = p + W;
  int32_t q;
  for (q = 0; q < P; ++q) {
    float mid = bias + w1 * a[q] + w4 * p[q] + w7 * c[q];
    const float l = w0 * a[q - 1] + w3 * p[q - 1] + w6 * c[q - 1];
    const float r = w2 * a[q + 1] + w5 * p[q + 1] + w8 * c[q + 1];
    mid += mask_l[q] != 0.0f ? l : 0.0f;
    mid += mask_r[q] != 0.0f ? r : 0.0f;
    mid = mid < lo ? lo : mid;
    y[q] = mid > hi ? hi : mid;
  }
}

/* 3x3, stride 2, pads 1, IH x IW = 2*OH x 2*OW: the input split into its even
 * (ee, oe: rows 0, 2, ...) and odd rows (eo, oo: a zero row, then rows 1, 3,
 * ...), each into its even (e*) and odd (o*) columns, OW wide; mask_l is 0
 * at the first column. */
static AOTC_UNUSED AOTC_CONV_DW_ATTR void aotc_conv_dw3s2_plane_f32(const float *AOTC_RESTRICT eo,
                                                                   const float *AOTC_RESTRICT oo,
                                                                   const float *AOTC_RESTRICT ee,
                                                                   const float *AOTC_RESTRICT oe, int32_t OW,
                                                                   int32_t P, const float *wk, float bias,
                                                                   const float *AOTC_RESTRICT mask_l, float lo,
                                                                   float hi, float *AOTC_RESTRICT y) {
  const float w0 = wk[0], w1 = wk[1], w2 = wk[2], w3 = wk[3], w4 = wk[4], w5 = wk[5], w6 = wk[6], w7 = wk[7];
  const float w8 = wk[8];
  const float *eb = eo + OW, *ob = oo + OW;
  int32_t q;
  for (q = 0; q < P; ++q) {
    float v = bias + w1 * eo[q] + w2 * oo[q] + w4 * ee[q] + w5 * oe[q] + w7 * eb[q] + w8 * ob[q];
    const float l = w0 * oo[q - 1] + w3 * oe[q - 1] + w6 * ob[q - 1];
    v += mask_l[q] != 0.0f ? l : 0.0f;
    v = v < lo ? lo : v;
    y[q] = v > hi ? hi : v;
  }
}

/* The 3x3 "same" convs: stride 1 (s2 = 0; OH x OW = IH x IW) or 2 (s2 = 1;
 * IH x IW = 2*OH x 2*OW), pads 1. N x G input channels, Mg outputs each. */
static AOTC_UNUSED void aotc_conv_dw_flat_f32(const float *x, const float *w, const float *bias, float *y, float *buf,
                                             int32_t N, int32_t G, int32_t Mg, int32_t IH, int32_t IW, int32_t OH,
                                             int32_t OW, int32_t s2, const aotc_conv_act *act) {
  const int32_t P = OH * OW;
  float *mask_l = buf + (ptrdiff_t)(IH + 2) * IW + 18, *mask_r = mask_l + P + 16;
  /* The flat loops clamp (a fused Relu or Clip; else -inf..inf); other activations run after them. */
  const int32_t clamp = act && act->kind == AOTC_CONV_ACT_CLAMP;
  const float lo_c = clamp ? act->a : -INFINITY, hi_c = clamp ? act->b : INFINITY;
  const aotc_conv_act *act_after = clamp ? NULL : act;
  /* The flat loops run up to a multiple of 16 pixels into the next channel's output (which overwrites
     it later), so they need no scalar remainder loop; the last channels stop at P. */
  const int32_t P16 = (P + 15) / 16 * 16, last = N * G * Mg - 1;
  /* s2: the row and column phases (see aotc_conv_dw3s2_plane_f32), each after one float of slack. */
  float *oo = buf + 1, *eo = oo + (ptrdiff_t)(OH + 1) * OW, *oe = eo + (ptrdiff_t)(OH + 1) * OW + 1;
  float *ee = oe + P;
  int32_t n, gi, mm, oh, ow, i;
  memset(buf, 0, ((size_t)(IH + 2) * IW + 18) * sizeof(float));
  for (i = P; i < P + 16; ++i) mask_l[i] = mask_r[i] = 0.0f;
  for (oh = 0; oh < OH; ++oh)
    for (ow = 0; ow < OW; ++ow) {
      mask_l[oh * OW + ow] = ow != 0 ? 1.0f : 0.0f;
      mask_r[oh * OW + ow] = ow != OW - 1 ? 1.0f : 0.0f;
    }
  for (n = 0; n < N; ++n)
    for (gi = 0; gi < G; ++gi) {
      const float *xc = x + ((ptrdiff_t)n * G + gi) * IH * IW;
      if (!s2)
        memcpy(buf + 1 + IW, xc, (size_t)IH * IW * sizeof(float));
      else
        for (i = 0; i < IH; ++i) {
          const float *xr = xc + (ptrdiff_t)i * IW;
          float *de = (i & 1 ? eo + (ptrdiff_t)(i + 1) / 2 * OW : ee + (ptrdiff_t)i / 2 * OW);
          float *dodd = (i & 1 ? oo + (ptrdiff_t)(i + 1) / 2 * OW : oe + (ptrdiff_t)i / 2 * OW);
          for (ow = 0; ow < OW; ++ow) {
            de[ow] = xr[2 * ow];
            dodd[ow] = xr[2 * ow + 1];
          }
        }
      for (mm = 0; mm < Mg; ++mm) {
        const int32_t m = gi * Mg + mm;
        const float *wk = w + (ptrdiff_t)m * 9, b = bias ? bias[m] : 0.0f;
        float *ym = y + ((ptrdiff_t)n * G * Mg + m) * P;
        const int32_t cnt = (last - n * G * Mg - m) * P >= P16 - P ? P16 : P; /* pixels the flat loops compute */
        if (!s2)
          aotc_conv_dw3s1_plane_f32(buf + 1 + IW, IW, cnt, wk, b, mask_l, mask_r, lo_c, hi_c, ym);
        else
          aotc_conv_dw3s2_plane_f32(eo, oo, ee, oe, OW, cnt, wk, b, mask_l, lo_c, hi_c, ym);
        aotc_conv_dw_act_f32(ym, P, act_after);
      }
    }
}

/* ---- any kernel, strides 1 and 2: register blocks on a padded plane ------- */

/*
 * The padded plane p: row r is padded input row r (input row r - PH), Wp floats
 * (ld) apart; in it, column phase ph (ph < SW) starts at ph*We and holds padded
 * columns ph, ph + SW, ph + 2*SW, ... Output (oh, ow) under tap (kh, kw) reads
 * p[(oh*SH + kh)*ld + (kw % SW)*We + kw / SW + ow].
 */
#ifdef AOTC_CONV_VEC
/*
 * NAME##_RxC: output rows 0..R-1 (SH*ld floats apart in p: rs), C vectors of
 * VW columns from column 0 (p and y point at the block's first column):
 *   y[r*ldy + j] = act(b + sum_{kh,kw} wk[kh*KW + kw] * p[r*rs + kh*ld + (kw % SW)*We + kw / SW + j]).
 */
#define AOTC_CONV_DW_BLOCK(NAME, VT, VI, VW, ATTR, R, C)                                                         \
  static AOTC_UNUSED ATTR void NAME##_##R##x##C(const float *AOTC_RESTRICT p, ptrdiff_t rs, ptrdiff_t ld,        \
                                                int32_t SW, int32_t We, int32_t KH, int32_t KW, const float *wk, \
                                                float b, const aotc_conv_act *act, float *AOTC_RESTRICT y,       \
                                                ptrdiff_t ldy) {                                                  \
    VT acc[R][C], v, zero;                                                                                        \
    int32_t kh, ph, j, r, c;                                                                                      \
    memset(&zero, 0, sizeof zero);                                                                                \
    for (r = 0; r < R; ++r)                                                                                       \
      for (c = 0; c < C; ++c) acc[r][c] = zero + b;                                                               \
    for (kh = 0; kh < KH; ++kh)                                                                                   \
      for (ph = 0; ph < SW; ++ph) {                                                                               \
        const float *q = p + (ptrdiff_t)kh * ld + (ptrdiff_t)ph * We;                                             \
        const float *wr = wk + (ptrdiff_t)kh * KW + ph;                                                           \
        for (j = 0; ph + j * SW < KW; ++j) {                                                                      \
          const float wt = wr[j * SW];                                                                            \
          for (r = 0; r < R; ++r)                                                                                 \
            for (c = 0; c < C; ++c) {                                                                             \
              memcpy(&v, q + r * rs + j + c * VW, sizeof v);                                                      \
              acc[r][c] += wt * v;                                                                                \
            }                                                                                                     \
        }                                                                                                         \
      }                                                                                                           \
    for (r = 0; r < R; ++r)                                                                                       \
      for (c = 0; c < C; ++c) {                                                                                   \
        if (act) AOTC_CONV_ACTIVATE(VT, VI, acc[r][c], act, zero);                                                \
        memcpy(y + r * ldy + c * VW, &acc[r][c], sizeof v);                                                       \
      }                                                                                                           \
  }

/* NAME##_plane: the whole OH x OW output plane y of one channel from padded plane p. */
#define AOTC_CONV_DW_PADDED(NAME, VT, VI, VW, ATTR)                                                               \
  AOTC_CONV_DW_BLOCK(NAME, VT, VI, VW, ATTR, 4, 2)                                                                \
  AOTC_CONV_DW_BLOCK(NAME, VT, VI, VW, ATTR, 4, 1)                                                                \
  AOTC_CONV_DW_BLOCK(NAME, VT, VI, VW, ATTR, 1, 2)                                                                \
  AOTC_CONV_DW_BLOCK(NAME, VT, VI, VW, ATTR, 1, 1)                                                                \
  static AOTC_UNUSED ATTR void NAME##_plane(const float *p, int32_t ld, int32_t SH, int32_t SW, int32_t We,       \
                                            int32_t KH, int32_t KW, const float *wk, float b,                   \
                                            const aotc_conv_act *act, float *y, int32_t OH, int32_t OW) {       \
    const ptrdiff_t rs = (ptrdiff_t)SH * ld;                                                                      \
    float tmp[4 * VW];                                                                                            \
    int32_t oh, ow, r, R = 1;                                                                                     \
    for (oh = 0; oh < OH; oh += R) {                                                                              \
      const float *pr = p + oh * rs;                                                                              \
      float *yr = y + (ptrdiff_t)oh * OW;                                                                         \
      R = OH - oh >= 4 ? 4 : 1;                                                                                   \
      if (OW < VW) { /* narrower than a vector: through tmp */                                                    \
        if (R == 4)                                                                                               \
          NAME##_4x1(pr, rs, ld, SW, We, KH, KW, wk, b, act, tmp, VW);                                            \
        else                                                                                                      \
          NAME##_1x1(pr, rs, ld, SW, We, KH, KW, wk, b, act, tmp, VW);                                            \
        for (r = 0; r < R; ++r) memcpy(yr + (ptrdiff_t)r * OW, tmp + r * VW, (size_t)OW * sizeof(float));          \
        continue;                                                                                                 \
      }                                                                                                           \
      for (ow = 0; ow + 2 * VW <= OW; ow += 2 * VW) {                                                             \
        if (R == 4)                                                                                               \
          NAME##_4x2(pr + ow, rs, ld, SW, We, KH, KW, wk, b, act, yr + ow, OW);                                   \
        else                                                                                                      \
          NAME##_1x2(pr + ow, rs, ld, SW, We, KH, KW, wk, b, act, yr + ow, OW);                                   \
      }                                                                                                           \
      for (;;) { /* the rest, one vector at a time; the last one ends at OW */                                    \
        if (ow >= OW) break;                                                                                      \
        if (ow + VW > OW) ow = OW - VW;                                                                           \
        if (R == 4)                                                                                               \
          NAME##_4x1(pr + ow, rs, ld, SW, We, KH, KW, wk, b, act, yr + ow, OW);                                   \
        else                                                                                                      \
          NAME##_1x1(pr + ow, rs, ld, SW, We, KH, KW, wk, b, act, yr + ow, OW);                                   \
        ow += VW;                                                                                                 \
      }                                                                                                           \
    }                                                                                                             \
  }

AOTC_CONV_DW_PADDED(aotc_conv_dwn, aotc_conv_vn, aotc_conv_in, AOTC_CONV_VWN, AOTC_CONV_DW_ATTR)
#ifdef __AVX512F__
AOTC_CONV_DW_PADDED(aotc_conv_dww, aotc_conv_v16, aotc_conv_i16, 16, AOTC_CONV_DW_ATTR)
#endif
#ifdef AOTC_CONV_DISPATCH
AOTC_CONV_DW_PADDED(aotc_conv_dwa2, aotc_conv_v8, aotc_conv_i8, 8, AOTC_CONV_AVX2)
AOTC_CONV_DW_PADDED(aotc_conv_dwa5, aotc_conv_v16, aotc_conv_i16, 16, AOTC_CONV_AVX512)
#endif
#endif /* AOTC_CONV_VEC */

/* One output plane from padded plane p (see above), with the widest vectors the target allows. */
static AOTC_UNUSED AOTC_CONV_DW_ATTR void aotc_conv_dw_padded_plane_f32(const float *p, int32_t ld, int32_t SH,
                                                                       int32_t SW, int32_t We, int32_t KH,
                                                                       int32_t KW, const float *wk, float b,
                                                                       const aotc_conv_act *act, float *y,
                                                                       int32_t OH, int32_t OW) {
#ifdef AOTC_CONV_VEC
#ifdef __AVX512F__
  if (OW >= 16) {
    aotc_conv_dww_plane(p, ld, SH, SW, We, KH, KW, wk, b, act, y, OH, OW);
    return;
  }
#endif
#ifdef AOTC_CONV_DISPATCH
  if (OW >= 16 && AOTC_CONV_HAVE_AVX512()) {
    aotc_conv_dwa5_plane(p, ld, SH, SW, We, KH, KW, wk, b, act, y, OH, OW);
    return;
  }
  if (AOTC_CONV_HAVE_AVX2()) {
    aotc_conv_dwa2_plane(p, ld, SH, SW, We, KH, KW, wk, b, act, y, OH, OW);
    return;
  }
#endif
  aotc_conv_dwn_plane(p, ld, SH, SW, We, KH, KW, wk, b, act, y, OH, OW);
#else
  int32_t oh, ow, kh, kw;
  for (oh = 0; oh < OH; ++oh) {
    float *AOTC_RESTRICT yr = y + (ptrdiff_t)oh * OW;
    for (ow = 0; ow < OW; ++ow) yr[ow] = b;
    for (kh = 0; kh < KH; ++kh)
      for (kw = 0; kw < KW; ++kw) {
        const float *AOTC_RESTRICT q = p + ((ptrdiff_t)oh * SH + kh) * ld + (ptrdiff_t)(kw % SW) * We + kw / SW;
        const float wt = wk[kh * KW + kw];
        for (ow = 0; ow < OW; ++ow) yr[ow] += wt * q[ow];
      }
    aotc_conv_dw_act_f32(yr, OW, act);
  }
#endif
}

/* Strides SH, SW in {1, 2}, dilation 1: the padded plane (Hp x ld floats, see
 * the file comment) in buf, refilled per input channel. */
static AOTC_UNUSED void aotc_conv_dw_padded_f32(const float *x, const float *w, const float *bias, float *y,
                                               float *buf, int32_t N, int32_t G, int32_t Mg, int32_t IH, int32_t IW,
                                               int32_t OH, int32_t OW, int32_t KH, int32_t KW, int32_t SH,
                                               int32_t SW, int32_t PH, int32_t PW, const aotc_conv_act *act) {
  const int32_t OW16 = (OW + 15) / 16 * 16, Hp = (OH - 1) * SH + KH;
  const int32_t We = SW == 1 ? OW16 + KW - 1 : OW16 + KW / 2, ld = SW * We;
  const int32_t T = KH * KW, P = OH * OW;
  /* The input rows and columns that land inside the padded plane. */
  const int32_t ih_end = IH < Hp - PH ? IH : Hp - PH, iw_end = IW < SW * We - PW ? IW : SW * We - PW;
  int32_t n, gi, mm, ih, iw;
  memset(buf, 0, (size_t)Hp * ld * sizeof(float));
  for (n = 0; n < N; ++n)
    for (gi = 0; gi < G; ++gi) {
      const float *xc = x + ((ptrdiff_t)n * G + gi) * IH * IW;
      for (ih = 0; ih < ih_end; ++ih) {
        const float *xr = xc + (ptrdiff_t)ih * IW;
        float *row = buf + (ptrdiff_t)(ih + PH) * ld;
        if (SW == 1) {
          if (iw_end > 0) memcpy(row + PW, xr, (size_t)iw_end * sizeof(float));
        } else {
          for (iw = 0; iw < iw_end; ++iw) {
            const int32_t pc = iw + PW;
            row[(pc & 1) * We + (pc >> 1)] = xr[iw];
          }
        }
      }
      for (mm = 0; mm < Mg; ++mm) {
        const int32_t m = gi * Mg + mm;
        aotc_conv_dw_padded_plane_f32(buf, ld, SH, SW, We, KH, KW, w + (ptrdiff_t)m * T, bias ? bias[m] : 0.0f,
                                      act, y + ((ptrdiff_t)n * G * Mg + m) * P, OH, OW);
      }
    }
}

/* ---- anything else: one tap at a time ------------------------------------ */

/* y[ow] += wt * r[ow*SW + off] for ow in [lo, hi). */
static AOTC_UNUSED AOTC_CONV_DW_ATTR void aotc_conv_dw_tap_row_f32(const float *AOTC_RESTRICT r, float wt,
                                                                  int32_t SW, int32_t off, int32_t lo, int32_t hi,
                                                                  float *AOTC_RESTRICT y) {
  int32_t ow;
  if (SW == 1)
    for (ow = lo; ow < hi; ++ow) y[ow] += wt * r[ow + off];
  else
    for (ow = lo; ow < hi; ++ow) y[ow] += wt * r[(ptrdiff_t)ow * SW + off];
}

/* The output columns [lo, hi) whose input column ow*SW + off is inside 0..IW-1. */
static AOTC_UNUSED void aotc_conv_dw_cols(int32_t off, int32_t SW, int32_t IW, int32_t OW, int32_t *lo,
                                          int32_t *hi) {
  int32_t l = off >= 0 ? 0 : (-off + SW - 1) / SW;
  int32_t h = IW - 1 - off < 0 ? 0 : (IW - 1 - off) / SW + 1;
  if (h > OW) h = OW;
  if (l > h) l = h;
  *lo = l;
  *hi = h;
}

/* Any strides and dilations, directly on the input planes. */
static AOTC_UNUSED void aotc_conv_dw_taps_f32(const float *x, const float *w, const float *bias, float *y,
                                             int32_t N, int32_t G, int32_t Mg, int32_t IH, int32_t IW, int32_t OH,
                                             int32_t OW, int32_t KH, int32_t KW, int32_t SH, int32_t SW,
                                             int32_t DH, int32_t DW, int32_t PH, int32_t PW,
                                             const aotc_conv_act *act) {
  const int32_t T = KH * KW, P = OH * OW;
  int32_t n, gi, mm, oh, ow, kh, kw;
  for (n = 0; n < N; ++n)
    for (gi = 0; gi < G; ++gi) {
      const float *xc = x + ((ptrdiff_t)n * G + gi) * IH * IW;
      for (mm = 0; mm < Mg; ++mm) {
        const int32_t m = gi * Mg + mm;
        const float *wk = w + (ptrdiff_t)m * T, b = bias ? bias[m] : 0.0f;
        float *ym = y + ((ptrdiff_t)n * G * Mg + m) * P;
        for (oh = 0; oh < OH; ++oh) {
          float *yr = ym + (ptrdiff_t)oh * OW;
          for (ow = 0; ow < OW; ++ow) yr[ow] = b;
          for (kh = 0; kh < KH; ++kh) {
            const int32_t ih = oh * SH - PH + kh * DH;
            if (ih < 0 || ih >= IH) continue;
            for (kw = 0; kw < KW; ++kw) {
              const int32_t off = kw * DW - PW;
              int32_t lo, hi;
              aotc_conv_dw_cols(off, SW, IW, OW, &lo, &hi);
              aotc_conv_dw_tap_row_f32(xc + (ptrdiff_t)ih * IW, wk[kh * KW + kw], SW, off, lo, hi, yr);
            }
          }
          aotc_conv_dw_act_f32(yr, OW, act);
        }
      }
    }
}

/* ---- the kernel ----------------------------------------------------------- */

AOTC_KERNEL void aotc_conv_depthwise_f32(const float *x, const float *w, const float *bias, float *y, void *scratch,
                                         const int32_t *g, const int32_t *koff, int32_t act_kind, float act_a,
                                         float act_b) {
  /* The geometry (see conv.c); the helpers above take these as plain ints. */
  const int32_t N = g[0], G = g[1], Mg = g[3], IH = g[5], IW = g[6], OH = g[8], OW = g[9];
  const int32_t KH = g[11], KW = g[12], SH = g[14], SW = g[15], DH = g[17], DW = g[18];
  const int32_t PH = g[20], PW = g[21];
  const int32_t k3p1 = KH == 3 && KW == 3 && DH == 1 && DW == 1 && PH == 1 && PW == 1;
  float *buf = (float *)scratch;
  aotc_conv_act act_s;
  const aotc_conv_act *act = act_kind ? &act_s : NULL;
  (void)koff;
  act_s.kind = act_kind;
  act_s.a = act_a;
  act_s.b = act_b;
  if (N <= 0 || G <= 0 || Mg <= 0 || OH <= 0 || OW <= 0) return;
  if (k3p1 && SH == 1 && SW == 1 && OH == IH && OW == IW)
    aotc_conv_dw_flat_f32(x, w, bias, y, buf, N, G, Mg, IH, IW, OH, OW, 0, act);
  else if (k3p1 && SH == 2 && SW == 2 && IH == 2 * OH && IW == 2 * OW)
    aotc_conv_dw_flat_f32(x, w, bias, y, buf, N, G, Mg, IH, IW, OH, OW, 1, act);
  else if (DH == 1 && DW == 1 && (SH == 1 || SH == 2) && (SW == 1 || SW == 2))
    aotc_conv_dw_padded_f32(x, w, bias, y, buf, N, G, Mg, IH, IW, OH, OW, KH, KW, SH, SW, PH, PW, act);
  else
    aotc_conv_dw_taps_f32(x, w, bias, y, N, G, Mg, IH, IW, OH, OW, KH, KW, SH, SW, DH, DW, PH, PW, act);
}
