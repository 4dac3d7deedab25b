/*
 * conv_depthwise.c -- float32 depthwise convolution (aotc_conv_depthwise_f32):
 * one input channel per group, 2D (KD = OD = 1), any channel multiplier Mg,
 * computed directly on the NCHW planes. Geometry (geo) and the fused activation
 * as for aotc_conv_f32 (conv.c); conv_common.h provides aotc_conv_act, the
 * vector types and AOTC_CONV_ACTIVATE.
 *
 *   - 3x3, stride 1, pads 1 and output the size of the input (the usual
 *     "same" depthwise conv): the plane is copied once between two zero rows,
 *     and every output pixel q = oh*OW + ow is then flat index q of a 1D
 *     convolution with 9 constant tap offsets; the taps left and right of
 *     the centre column are masked off at the image's first and last
 *     column. One contiguous loop per plane, any width. 3x3, stride 2,
 *     pads 1, even input: the same on the input's row and column phases.
 *     (Vector builds take these for no activation or a clamp only.)
 *   - anything else (any kernel, strides, dilations, pads): the input
 *     plane is copied once per channel into its zero-padded stride phases
 *     (as aotc_conv_f32 does), on which every tap is a constant offset from
 *     the output's flat index oh*Wph + ow. Vector code computes blocks of 4
 *     output rows by one vector straight into the output (the last vector
 *     of a row overlapping the one before it); 3x3 and 5x5 kernels with
 *     stride 1 or 2 have their own blocks that load each input row's vector
 *     once for all the block's rows using it (AOTC_CONV_DW_SQUARE below
 *     says which are compiled). Vectors are 16 floats wide
 *     with AVX-512 (rows wider than 8), else 8 with AVX, else 4; generic
 *     x86-64 builds pick AVX-512 or AVX2+FMA copies at run time as conv.c
 *     does. Plain C adds one tap at a time over the flat plane (computing
 *     the few columns past OW in each row and dropping them).
 *   - aotc_conv_dw_blocked_f32 (at the end): nchw16c in and out, vectors
 *     over 16 channels, for small planes between kernels that vectorise over
 *     channels.
 * The fused activation runs on each finished vector or plane.
 * scratch: max((IH + 2)*IW + 2*OH*OW + IW + 144,
 *              SH*SW*Hph*Wph + OH*Wph + KH*KW + 384) floats (ops/conv.cpp),
 * Hph = OH + (KH - 1)*DH/SH, Wph = OW + (KW - 1)*DW/SW.
 */
#include "conv_common.h"

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
  } else if (act->kind == AOTC_CONV_ACT_SILU) {
    aotc_conv_silu_f32(v, n);
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

/* Floats of a band's copy of the input (its rows and their zero rows, or its stride phases): small
   enough for L1 with the band's output, so that the flat loops read it there. A whole 112x112 plane
   copied at once went out to L2 and back (16 channels of it at stride 2: 60 -> 20 us on AVX-512). */
#define AOTC_CONV_DW_BAND_FLOATS 4096

/* The 3x3 "same" convs: stride 1 (s2 = 0; OH x OW = IH x IW) or 2 (s2 = 1;
 * IH x IW = 2*OH x 2*OW), pads 1. N x G input channels, Mg outputs each.
 * Each channel goes in bands of up to RB output rows: the band's input rows
 * are copied (s1: between zero rows at the plane's edges; s2: split into
 * the stride phases) and the flat loops compute the band. */
static AOTC_UNUSED void aotc_conv_dw_flat_f32(const float *x, const float *w, const float *bias, float *y, float *buf,
                                             int32_t N, int32_t G, int32_t Mg, int32_t IH, int32_t IW, int32_t OH,
                                             int32_t OW, int32_t s2, const aotc_conv_act *act) {
  const int32_t P = OH * OW;
  float *mask_l, *mask_r;
  /* The flat loops clamp (a fused Relu or Clip; else -inf..inf); other activations run after them. */
  const int32_t clamp = act && act->kind == AOTC_CONV_ACT_CLAMP;
  const float lo_c = clamp ? act->a : -INFINITY, hi_c = clamp ? act->b : INFINITY;
  const aotc_conv_act *act_after = clamp ? NULL : act;
  /* Output rows per band: s1 copies RB + 2 rows of IW, s2 4 phases of RB + 1 rows of OW. */
  int32_t RB = s2 ? AOTC_CONV_DW_BAND_FLOATS / (4 * OW) - 1 : AOTC_CONV_DW_BAND_FLOATS / IW - 2;
  const ptrdiff_t total = (ptrdiff_t)N * G * Mg * P; /* outputs of every channel */
  float *oo, *eo, *oe, *ee, *p;
  int32_t n, gi, mm, oh, ow, i, o0, R;
  if (RB < 1) RB = 1;
  if (RB > OH) RB = OH;
  /* The band's rows (s1) and the masks start on a 64-byte boundary (up to 45 floats of scratch): fewer of
     the flat loops' vector loads split across cache lines (8 x 48x48: 1.25x, 64 x 12x12: 1.1x on AVX-512). */
  buf += (16 - (int32_t)(((uintptr_t)(buf + 1 + IW) / sizeof(float)) % 16)) % 16;
  mask_l = buf + (ptrdiff_t)(IH + 2) * IW + 18;
  mask_l += (16 - (int32_t)(((uintptr_t)mask_l / sizeof(float)) % 16)) % 16;
  mask_r = mask_l + (P + 31) / 16 * 16;
  /* s1: the band's rows at p, row -1 above; s2: its row and column phases (see aotc_conv_dw3s2_plane_f32),
     each after one float of slack. Reads past a band's rows (up to 16 pixels computed beyond it) stay in
     this zeroed buffer, whose size is at most the whole plane's copy that scratch holds. */
  p = buf + 1 + IW;
  oo = buf + 1, eo = oo + (ptrdiff_t)(RB + 1) * OW, oe = eo + (ptrdiff_t)(RB + 1) * OW + 1;
  ee = oe + (ptrdiff_t)RB * OW;
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
      for (o0 = 0; o0 < OH; o0 += R) {
        int32_t Q;
        R = OH - o0 < RB ? OH - o0 : RB;
        /* s1: the first two and the last two rows make bands of their own, so that the rows between are
           read in place even where one band would hold the whole plane (56x56 and smaller): on AMD Zen 4,
           bench/depthwise_kernel_bench.c with ReLU6, 48 x 56x56 57 -> 49 us, 144 x 56x56 168 -> 148 us;
           MnasNet 0.5's 56x56 convs 1.15x in the model (bench/profile_ops.py --against). */
        if (!s2 && OH > 4 && o0 < 2 && o0 + R > 2) R = 2 - o0;
        if (!s2 && OH > 4 && o0 >= 2 && o0 < OH - 2 && o0 + R > OH - 2) R = OH - 2 - o0;
        Q = R * OW;
        /* s1 bands inside the plane read the input in place, without the copy: each row reaches L1 once
           either way (bench/depthwise_kernel_bench.c, 32 x 112x112 with ReLU6: 181-183 -> 168 us). Inside:
           the pixel before the row above the band (o0 >= 2) and the 16 pixels past the row below it (read
           by the loops' last vector) exist. */
        const int32_t in_place = !s2 && o0 >= 2 && (ptrdiff_t)(o0 + R + 1) * IW + 16 <= (ptrdiff_t)IH * IW;
        const float *pb = in_place ? xc + (ptrdiff_t)o0 * IW : p;
        if (in_place) {
          /* (nothing to copy) */
        } else if (!s2) {
          /* Input rows o0 - 1 .. o0 + R, zero outside the plane. */
          const int32_t first = o0 == 0 ? 0 : o0 - 1, last_row = o0 + R < IH ? o0 + R : IH - 1;
          if (o0 == 0) memset(p - IW, 0, (size_t)IW * sizeof(float));
          memcpy(p + (ptrdiff_t)(first - o0) * IW, xc + (ptrdiff_t)first * IW,
                 (size_t)(last_row - first + 1) * IW * sizeof(float));
          if (o0 + R == IH) memset(p + (ptrdiff_t)R * IW, 0, (size_t)IW * sizeof(float));
        } else {
          /* Phase rows j = 0 .. R: odd input row 2(o0 + j) - 1 into eo/oo (zero above the plane), even
             input row 2(o0 + j) into ee/oe (j < R). */
          int32_t j;
          for (j = 0; j <= R; ++j) {
            const int32_t r_odd = 2 * (o0 + j) - 1, r_even = 2 * (o0 + j);
            float *de = eo + (ptrdiff_t)j * OW, *dodd = oo + (ptrdiff_t)j * OW;
            if (r_odd < 0) {
              memset(de, 0, (size_t)OW * sizeof(float));
              memset(dodd, 0, (size_t)OW * sizeof(float));
            } else {
              aotc_conv_split2_f32(xc + (ptrdiff_t)r_odd * IW, de, dodd, IW);
            }
            if (j < R)
              aotc_conv_split2_f32(xc + (ptrdiff_t)r_even * IW, ee + (ptrdiff_t)j * OW, oe + (ptrdiff_t)j * OW, IW);
          }
        }
        for (mm = 0; mm < Mg; ++mm) {
          const int32_t m = gi * Mg + mm;
          const float *wk = w + (ptrdiff_t)m * 9, b = bias ? bias[m] : 0.0f;
          float *yb = y + ((ptrdiff_t)n * G * Mg + m) * P + (ptrdiff_t)o0 * OW;
          /* The flat loops run up to a multiple of 16 pixels past the band (so they need no scalar
             remainder loop) where that lands in outputs computed later: this channel's later bands, or
             after its plane, the next group's channels (those of this group have their first bands done
             already); else they stop at the band's end. */
          const int32_t Q16 = (Q + 15) / 16 * 16;
          const ptrdiff_t end = (yb - y) + Q16, plane_end = ((ptrdiff_t)n * G * Mg + m + 1) * P;
          const int32_t cnt = end <= plane_end || (mm == Mg - 1 && end <= total) ? Q16 : Q;
          if (!s2)
            aotc_conv_dw3s1_plane_f32(pb, IW, cnt, wk, b, mask_l, mask_r, lo_c, hi_c, yb);
          else
            aotc_conv_dw3s2_plane_f32(eo, oo, ee, oe, OW, cnt, wk, b, mask_l, lo_c, hi_c, yb);
          aotc_conv_dw_act_f32(yb, Q, act_after);
        }
      }
    }
}

/* ---- any other conv: flat blocks on the stride phases ------------------- */

/*
 * The input channel is copied into its SH*SW stride phases, each Hph x Wph
 * (Hph = OH + (KH-1)*DH/SH, Wph = OW + (KW-1)*DW/SW), phase (ph, pw) at (j, l)
 * holding the zero-padded input at (j*SH + ph - PH, l*SW + pw - PW), as for
 * aotc_conv_f32. Output pixel (oh, ow) is then flat index q = oh*Wph + ow of
 * a 1D convolution: under tap t it reads phases[off[t] + q], off[t] a
 * constant. The kernel computes every q < (OH - 1)*Wph + OW (the columns
 * ow >= OW are discarded) into a flat buffer, then copies the OW real
 * columns of each row out.
 */
#ifdef AOTC_CONV_VEC
/*
 * Vector code computes the output rows directly from the phases: output vector
 * (oh, ow..ow+VW) under tap t reads VW consecutive floats at
 * off[t] + oh*Wph + ow, so there is no flat plane to copy out. Blocks of 4
 * rows keep 4 independent accumulators; the last vector of a row ends at OW
 * (overlapping the one before it, which computes the same values) or, for
 * OW < VW, runs past the row into the next one (which overwrites it later).
 */
#define AOTC_CONV_DW_ROWS4(X) X(0) X(1) X(2) X(3)
#define AOTC_CONV_DW_ROWS1(X) X(0)
#define AOTC_CONV_DW_INIT(r) acc[r] = bv;
#define AOTC_CONV_DW_FMA(r)                          \
  memcpy(&v, q + (ptrdiff_t)(r)*Wph, sizeof v);      \
  acc[r] += wt * v;
/* NAME##_r##NR: out[r*OW + j] = act(b + sum_t wk[t] * p[off[t] + r*Wph + j]) for r < NR, j < VW
 * (ROWS: AOTC_CONV_DW_ROWS##NR; written out, so that -O2 keeps the accumulators in registers too). */
#define AOTC_CONV_DW_BLOCK(NAME, VT, VI, ATTR, NR, ROWS)                                                         \
  static AOTC_UNUSED ATTR void NAME##_r##NR(const float *AOTC_RESTRICT p, int32_t Wph, const int32_t *off,      \
                                            int32_t T, const float *wk, float b, const aotc_conv_act *act,     \
                                            float *AOTC_RESTRICT out, int32_t OW) {                            \
    VT acc[NR], v, zero, bv;                                                                                      \
    int32_t t;                                                                                                    \
    memset(&zero, 0, sizeof zero);                                                                                \
    bv = zero + b;                                                                                                \
    ROWS(AOTC_CONV_DW_INIT)                                                                                       \
    for (t = 0; t < T; ++t) {                                                                                     \
      const float *q = p + off[t];                                                                                \
      const VT wt = zero + wk[t];                                                                                 \
      ROWS(AOTC_CONV_DW_FMA)                                                                                      \
    }                                                                                                             \
    for (t = 0; t < NR; ++t) {                                                                                    \
      if (act) AOTC_CONV_ACTIVATE(VT, VI, acc[t], act, zero);                                                     \
      memcpy(out + (ptrdiff_t)t * OW, &acc[t], sizeof v);                                                         \
    }                                                                                                             \
  }

/*
 * Square 3x3 and 5x5 kernels, strides 1 and 2, no dilation: the same blocks
 * of 4 rows, but each input row's vector is loaded once for every output row
 * of the block that uses it ((3*S + K)*K loads for 4*K*K multiply-adds
 * instead of 4*K*K). Input row i of a block starting at output row 0 is row
 * i/S of row phase i%S; tap column kw is at column kw/S of column phase kw%S.
 * nr_, k_, s_ are constants, so the conditions below fold away.
 */
#define AOTC_CONV_DW_KFMA(i, r)                                     \
  if ((r) < nr_ && (i) - (r)*s_ >= 0 && (i) - (r)*s_ < k_)          \
    acc[r] += wk[((i) - (r)*s_) * k_ + kw] * v;
#define AOTC_CONV_DW_KROW(i)                                                                  \
  if ((i) < (nr_ - 1) * s_ + k_) {                                                            \
    const float *row_ = p + (ptrdiff_t)((i) % s_ * s_) * plane + (ptrdiff_t)((i) / s_) * Wph; \
    for (kw = 0; kw < k_; ++kw) {                                                             \
      memcpy(&v, row_ + (ptrdiff_t)(kw % s_) * plane + kw / s_, sizeof v);                    \
      AOTC_CONV_DW_KFMA(i, 0) AOTC_CONV_DW_KFMA(i, 1) AOTC_CONV_DW_KFMA(i, 2) AOTC_CONV_DW_KFMA(i, 3) \
    }                                                                                         \
  }
#define AOTC_CONV_DW_KSTORE(VT, VI, r)                     \
  if ((r) < nr_) {                                         \
    if (act) AOTC_CONV_ACTIVATE(VT, VI, acc[r], act, zero); \
    memcpy(out + (ptrdiff_t)(r)*OW, &acc[r], sizeof v);    \
  }
/* NAME##_k##K##s##S##_r##NR: as NAME##_r##NR for that kernel and stride (p: output row 0's phases). */
#define AOTC_CONV_DW_KBLOCK(NAME, VT, VI, ATTR, K, S, NR)                                                         \
  static AOTC_UNUSED ATTR void NAME##_k##K##s##S##_r##NR(const float *AOTC_RESTRICT p, int32_t Wph,              \
                                                          ptrdiff_t plane, const float *wk, float b,            \
                                                          const aotc_conv_act *act, float *AOTC_RESTRICT out,   \
                                                          int32_t OW) {                                         \
    const int32_t nr_ = NR, k_ = K, s_ = S;                                                                       \
    VT acc[4], v, zero, bv;                                                                                       \
    int32_t kw;                                                                                                   \
    memset(&zero, 0, sizeof zero);                                                                                \
    bv = zero + b;                                                                                                \
    acc[0] = acc[1] = acc[2] = acc[3] = bv;                                                                       \
    AOTC_CONV_DW_KROW(0) AOTC_CONV_DW_KROW(1) AOTC_CONV_DW_KROW(2) AOTC_CONV_DW_KROW(3) AOTC_CONV_DW_KROW(4)       \
    AOTC_CONV_DW_KROW(5) AOTC_CONV_DW_KROW(6) AOTC_CONV_DW_KROW(7) AOTC_CONV_DW_KROW(8) AOTC_CONV_DW_KROW(9)       \
    AOTC_CONV_DW_KROW(10)                                                                                         \
    AOTC_CONV_DW_KSTORE(VT, VI, 0) AOTC_CONV_DW_KSTORE(VT, VI, 1)                                                 \
    AOTC_CONV_DW_KSTORE(VT, VI, 2) AOTC_CONV_DW_KSTORE(VT, VI, 3)                                                 \
  }
/* NAME##_k##K##s##S: the OH x OW output plane y from the phases p (see NAME##_rows). */
#define AOTC_CONV_DW_KS(NAME, VT, VI, VW, ATTR, K, S)                                                             \
  AOTC_CONV_DW_KBLOCK(NAME, VT, VI, ATTR, K, S, 4)                                                                \
  AOTC_CONV_DW_KBLOCK(NAME, VT, VI, ATTR, K, S, 1)                                                                \
  static AOTC_UNUSED ATTR void NAME##_k##K##s##S(const float *p, int32_t Wph, ptrdiff_t plane, const float *wk,  \
                                                 float b, const aotc_conv_act *act, float *y, int32_t OH,        \
                                                 int32_t OW) {                                                    \
    int32_t oh = 0, ow;                                                                                           \
    for (; oh < OH; oh += 4) {                                                                                    \
      const int32_t four = oh + 4 <= OH;                                                                          \
      for (ow = 0;;) {                                                                                            \
        const float *pr = p + (ptrdiff_t)oh * Wph + ow;                                                           \
        float *yr = y + (ptrdiff_t)oh * OW + ow;                                                                  \
        if (four) {                                                                                               \
          NAME##_k##K##s##S##_r4(pr, Wph, plane, wk, b, act, yr, OW);                                             \
        } else {                                                                                                  \
          int32_t r;                                                                                              \
          for (r = 0; oh + r < OH; ++r)                                                                           \
            NAME##_k##K##s##S##_r1(pr + (ptrdiff_t)r * Wph, Wph, plane, wk, b, act, yr + (ptrdiff_t)r * OW, OW);  \
        }                                                                                                         \
        ow += VW;                                                                                                 \
        if (ow >= OW) break;                                                                                      \
        if (ow > OW - VW) ow = OW - VW;                                                                           \
      }                                                                                                           \
    }                                                                                                             \
  }

/*
 * 5x5, stride 1, 16-float vectors: a strip of one vector's width of outputs walks down the rows. Each
 * input row's five shifted vectors are loaded once for the five output rows that use it (5 loads for 25
 * multiply-adds, against 10 in the blocks of 4 rows above); accumulators A0..A4 hold output rows i..i-4,
 * and A4's row is complete after input row i, so it is stored and starts over as row i+1. The names
 * rotate through five unrolled steps. Each output adds its taps in the blocks' order, so the results are
 * the same bit for bit. bench/depthwise_kernel_bench.c on Zen 5: MnasNet's and EfficientNet-B0's 5x5 convs
 * over 28x28 and 14x14 1.3-1.6x faster; with 8-float vectors (AVX2) 0.7-0.8x, so those keep the blocks.
 */
#define AOTC_CONV_DW_S5_STEP(VT, VI, A0, A1, A2, A3, A4)                                                   \
  {                                                                                                        \
    int32_t kw;                                                                                            \
    for (kw = 0; kw < 5; ++kw) {                                                                           \
      memcpy(&v, row + kw, sizeof v);                                                                      \
      A0 += wk[kw] * v, A1 += wk[5 + kw] * v, A2 += wk[10 + kw] * v, A3 += wk[15 + kw] * v;                \
      A4 += wk[20 + kw] * v;                                                                               \
    }                                                                                                      \
    if (i >= 4) {                                                                                          \
      if (act) AOTC_CONV_ACTIVATE(VT, VI, A4, act, zero);                                                  \
      memcpy(y + (ptrdiff_t)(i - 4) * OW + ow, &A4, sizeof v);                                             \
    }                                                                                                      \
    A4 = bv, row += Wph, ++i;                                                                              \
  }
#define AOTC_CONV_DW_S5(NAME, VT, VI, VW, ATTR)                                                                 \
  static AOTC_UNUSED ATTR void NAME##_k5s1(const float *p, int32_t Wph, ptrdiff_t plane, const float *wk,      \
                                           float b, const aotc_conv_act *act, float *y, int32_t OH,           \
                                           int32_t OW) {                                                       \
    const int32_t Hph = OH + 4;                                                                                \
    int32_t ow = 0;                                                                                            \
    VT zero, bv, v, a, c, d, e, f;                                                                             \
    (void)plane;                                                                                               \
    memset(&zero, 0, sizeof zero);                                                                             \
    bv = zero + b;                                                                                             \
    for (;;) {                                                                                                 \
      const float *row = p + ow;                                                                               \
      int32_t i = 0;                                                                                           \
      a = c = d = e = f = bv;                                                                                  \
      while (i + 5 <= Hph) {                                                                                   \
        AOTC_CONV_DW_S5_STEP(VT, VI, a, c, d, e, f) AOTC_CONV_DW_S5_STEP(VT, VI, f, a, c, d, e)                \
        AOTC_CONV_DW_S5_STEP(VT, VI, e, f, a, c, d) AOTC_CONV_DW_S5_STEP(VT, VI, d, e, f, a, c)                \
        AOTC_CONV_DW_S5_STEP(VT, VI, c, d, e, f, a)                                                            \
      }                                                                                                        \
      if (i < Hph) AOTC_CONV_DW_S5_STEP(VT, VI, a, c, d, e, f)                                                 \
      if (i < Hph) AOTC_CONV_DW_S5_STEP(VT, VI, f, a, c, d, e)                                                 \
      if (i < Hph) AOTC_CONV_DW_S5_STEP(VT, VI, e, f, a, c, d)                                                 \
      if (i < Hph) AOTC_CONV_DW_S5_STEP(VT, VI, d, e, f, a, c)                                                 \
      ow += VW;                                                                                                \
      if (ow >= OW) break;                                                                                     \
      if (ow > OW - VW) ow = OW - VW;                                                                          \
    }                                                                                                          \
  }

/*
 * Which square kernels have the code above, as bits: 1 3x3 stride 1, 2 3x3/2, 4 5x5/1, 8 5x5/2; the others
 * take the general blocks. All four unless the includer says: aotc's generated C defines it to the ones its
 * convs use (ops/conv.cpp), since these blocks, in up to three vector widths, are most of this file's code:
 * compilers compile every static function at -O0, used or not (20 s of a sanitized -O0 build of a model
 * with one 1x4 depthwise conv, 2 s without them).
 */
#ifndef AOTC_CONV_DW_SQUARE
#define AOTC_CONV_DW_SQUARE 15
#endif
#if AOTC_CONV_DW_SQUARE & 1
#define AOTC_CONV_DW_IF_K3S1(...) __VA_ARGS__
#else
#define AOTC_CONV_DW_IF_K3S1(...)
#endif
#if AOTC_CONV_DW_SQUARE & 2
#define AOTC_CONV_DW_IF_K3S2(...) __VA_ARGS__
#else
#define AOTC_CONV_DW_IF_K3S2(...)
#endif
#if AOTC_CONV_DW_SQUARE & 4
#define AOTC_CONV_DW_IF_K5S1(...) __VA_ARGS__
#else
#define AOTC_CONV_DW_IF_K5S1(...)
#endif
#if AOTC_CONV_DW_SQUARE & 8
#define AOTC_CONV_DW_IF_K5S2(...) __VA_ARGS__
#else
#define AOTC_CONV_DW_IF_K5S2(...)
#endif

/* NAME##_rows: the OH x OW output plane y from the phases p (row pitch Wph, planes of plane floats), VW
 * floats a vector; ks = 10*K + S for the square kernels above, else 0 (any taps off[0..T)); K5S1 defines
 * NAME##_k5s1 (AOTC_CONV_DW_S5 or AOTC_CONV_DW_K5S1_BLOCKS). */
#define AOTC_CONV_DW_ROWS(NAME, VT, VI, VW, ATTR, K5S1)                                                           \
  AOTC_CONV_DW_BLOCK(NAME, VT, VI, ATTR, 4, AOTC_CONV_DW_ROWS4)                                                   \
  AOTC_CONV_DW_BLOCK(NAME, VT, VI, ATTR, 1, AOTC_CONV_DW_ROWS1)                                                   \
  AOTC_CONV_DW_IF_K3S1(AOTC_CONV_DW_KS(NAME, VT, VI, VW, ATTR, 3, 1))                                             \
  AOTC_CONV_DW_IF_K3S2(AOTC_CONV_DW_KS(NAME, VT, VI, VW, ATTR, 3, 2))                                             \
  AOTC_CONV_DW_IF_K5S1(K5S1(NAME, VT, VI, VW, ATTR))                                                              \
  AOTC_CONV_DW_IF_K5S2(AOTC_CONV_DW_KS(NAME, VT, VI, VW, ATTR, 5, 2))                                             \
  static AOTC_UNUSED ATTR void NAME##_rows(const float *p, int32_t Wph, ptrdiff_t plane, int32_t ks,             \
                                           const int32_t *off, int32_t T, const float *wk, float b,            \
                                           const aotc_conv_act *act, float *y, int32_t OH, int32_t OW) {       \
    (void)plane; /* (read by the square kernels' code only) */                                                    \
    switch (ks) {                                                                                                 \
      AOTC_CONV_DW_IF_K3S1(case 31: NAME##_k3s1(p, Wph, plane, wk, b, act, y, OH, OW); return;)                   \
      AOTC_CONV_DW_IF_K3S2(case 32: NAME##_k3s2(p, Wph, plane, wk, b, act, y, OH, OW); return;)                   \
      AOTC_CONV_DW_IF_K5S1(case 51: NAME##_k5s1(p, Wph, plane, wk, b, act, y, OH, OW); return;)                   \
      AOTC_CONV_DW_IF_K5S2(case 52: NAME##_k5s2(p, Wph, plane, wk, b, act, y, OH, OW); return;)                   \
      default: break;                                                                                             \
    }                                                                                                             \
    int32_t oh = 0, ow;                                                                                           \
    for (; oh < OH; oh += 4) {                                                                                    \
      const int32_t four = oh + 4 <= OH;                                                                          \
      for (ow = 0;;) {                                                                                            \
        const float *pr = p + (ptrdiff_t)oh * Wph + ow;                                                           \
        float *yr = y + (ptrdiff_t)oh * OW + ow;                                                                  \
        if (four) {                                                                                               \
          NAME##_r4(pr, Wph, off, T, wk, b, act, yr, OW);                                                         \
        } else {                                                                                                  \
          int32_t r;                                                                                              \
          for (r = 0; oh + r < OH; ++r)                                                                           \
            NAME##_r1(pr + (ptrdiff_t)r * Wph, Wph, off, T, wk, b, act, yr + (ptrdiff_t)r * OW, OW);             \
        }                                                                                                         \
        ow += VW;                                                                                                 \
        if (ow >= OW) break;                                                                                      \
        if (ow > OW - VW) ow = OW - VW;                                                                           \
      }                                                                                                           \
    }                                                                                                             \
  }

/* (the 5x5 stride-1 blocks of 4 rows, for AOTC_CONV_DW_ROWS) */
#define AOTC_CONV_DW_K5S1_BLOCKS(NAME, VT, VI, VW, ATTR) AOTC_CONV_DW_KS(NAME, VT, VI, VW, ATTR, 5, 1)
AOTC_CONV_DW_ROWS(aotc_conv_dwn, aotc_conv_vn, aotc_conv_in, AOTC_CONV_VWN, AOTC_CONV_DW_ATTR, AOTC_CONV_DW_K5S1_BLOCKS)
#ifdef __AVX512F__
AOTC_CONV_DW_ROWS(aotc_conv_dww, aotc_conv_v16, aotc_conv_i16, 16, AOTC_CONV_DW_ATTR AOTC_CONV_ZMM, AOTC_CONV_DW_S5)
#endif
#ifdef AOTC_CONV_DISPATCH
AOTC_CONV_DW_ROWS(aotc_conv_dwa2, aotc_conv_v8, aotc_conv_i8, 8, AOTC_CONV_AVX2, AOTC_CONV_DW_K5S1_BLOCKS)
AOTC_CONV_DW_ROWS(aotc_conv_dwa5, aotc_conv_v16, aotc_conv_i16, 16, AOTC_CONV_AVX512, AOTC_CONV_DW_S5)
#endif

/* The OH x OW plane y (see NAME##_rows) with the widest vectors the target allows: 16 floats for rows
 * wider than 8. Returns the vector width (y's last row may be written up to that many floats past OW). */
static AOTC_UNUSED int32_t aotc_conv_dw_rows_f32(const float *p, int32_t Wph, ptrdiff_t plane, int32_t ks,
                                                const int32_t *off, int32_t T, const float *wk, float b,
                                                const aotc_conv_act *act, float *y, int32_t OH, int32_t OW) {
#ifdef __AVX512F__
  if (OW > 8) {
    aotc_conv_dww_rows(p, Wph, plane, ks, off, T, wk, b, act, y, OH, OW);
    return 16;
  }
#endif
#ifdef AOTC_CONV_DISPATCH
  if (OW > 8 && AOTC_CONV_HAVE_AVX512()) {
    aotc_conv_dwa5_rows(p, Wph, plane, ks, off, T, wk, b, act, y, OH, OW);
    return 16;
  }
  if (AOTC_CONV_HAVE_AVX2()) {
    aotc_conv_dwa2_rows(p, Wph, plane, ks, off, T, wk, b, act, y, OH, OW);
    return 8;
  }
#endif
  aotc_conv_dwn_rows(p, Wph, plane, ks, off, T, wk, b, act, y, OH, OW);
  return AOTC_CONV_VWN;
}
#else
/* out[q] = act(b + sum_t wk[t] * p[off[t] + q]) for q < Q: one tap at a time over the flat plane. */
static AOTC_UNUSED AOTC_CONV_DW_ATTR void aotc_conv_dw_flat_taps_f32(const float *p, const int32_t *off,
                                                                    int32_t T, const float *wk, float b,
                                                                    const aotc_conv_act *act, float *out,
                                                                    int32_t Q) {
  int32_t q, t;
  for (q = 0; q < Q; ++q) out[q] = b;
  for (t = 0; t < T; ++t) {
    const float *AOTC_RESTRICT pt = p + off[t];
    const float wt = wk[t];
    for (q = 0; q < Q; ++q) out[q] += wt * pt[q];
  }
  aotc_conv_dw_act_f32(out, Q, act);
}
#endif /* AOTC_CONV_VEC */

/* Any kernel, strides and dilations. scratch (floats): the phases (SH*SW*Hph*Wph) and 192 zeros,
 * the flat output (OH*Wph + 192), the T tap offsets (as int32). */
static AOTC_UNUSED void aotc_conv_dw_phases_f32(const float *x, const float *w, const float *bias, float *y,
                                               float *buf, int32_t N, int32_t G, int32_t Mg, int32_t IH, int32_t IW,
                                               int32_t OH, int32_t OW, int32_t KH, int32_t KW, int32_t SH,
                                               int32_t SW, int32_t DH, int32_t DW, int32_t PH, int32_t PW,
                                               const aotc_conv_act *act) {
  const int32_t Hph = OH + (KH - 1) * DH / SH, Wph = OW + (KW - 1) * DW / SW;
  const ptrdiff_t plane = (ptrdiff_t)Hph * Wph, phases = SH * SW * plane;
  const int32_t T = KH * KW, P = OH * OW, last = N * G * Mg - 1;
  /* 10*K + S for the square kernels with their own code (aotc_conv_dw_rows_f32), else 0. */
  const int32_t ks = KH == KW && SH == SW && DH == 1 && DW == 1 && (KH == 3 || KH == 5) && (SH == 1 || SH == 2)
                         ? 10 * KH + SH
                         : 0;
  float *out = buf + phases + 192;
  int32_t *off = (int32_t *)(void *)(out + (ptrdiff_t)OH * Wph + 192);
  int32_t n, gi, mm, ph, pw, j, l, kh, kw;
  for (kh = 0; kh < KH; ++kh)
    for (kw = 0; kw < KW; ++kw) {
      const int32_t th = kh * DH, tw = kw * DW;
      off[kh * KW + kw] = (int32_t)(((th % SH) * SW + tw % SW) * plane + (th / SH) * Wph + tw / SW);
    }
  /* Zero once; every channel then writes the same (in-image) places. */
  memset(buf, 0, (size_t)(phases + 192) * sizeof(float));
  for (n = 0; n < N; ++n)
    for (gi = 0; gi < G; ++gi) {
      const float *xc = x + ((ptrdiff_t)n * G + gi) * IH * IW;
      if (SW <= 2) {
        /* Each input row once: into row j of row phase ph, split into the column phases. */
        const int32_t n_in = IW < SW * Wph - PW ? IW : SW * Wph - PW, e = PW / SW; /* columns; first one's */
        int32_t ih;
        ph = PH % SH;
        j = PH / SH;
        for (ih = 0; ih < IH && j < Hph; ++ih) {
          const float *src = xc + (ptrdiff_t)ih * IW;
          float *d0 = buf + ph * SW * plane + (ptrdiff_t)j * Wph;
          if (n_in > 0 && SW == 1) {
            aotc_conv_copy_f32(d0 + PW, src, n_in);
          } else if (n_in > 0) {
            /* Input column iw goes to column phase (iw + PW) & 1 at column (iw + PW) >> 1. */
            aotc_conv_split2_f32(src, (PW & 1 ? d0 + plane : d0) + e, (PW & 1 ? d0 + 1 : d0 + plane) + e, n_in);
          }
          if (++ph == SH) {
            ph = 0;
            ++j;
          }
        }
      } else {
        float *dst = buf;
        for (ph = 0; ph < SH; ++ph)
          for (pw = 0; pw < SW; ++pw) {
            /* Columns l whose input column l*SW + pw - PW is inside the image. */
            const int32_t t = PW - pw, u = IW - 1 + PW - pw;
            const int32_t lo = t <= 0 ? 0 : (t + SW - 1) / SW;
            int32_t hi = u < 0 ? 0 : u / SW + 1;
            if (hi > Wph) hi = Wph;
            for (j = 0; j < Hph; ++j, dst += Wph) {
              const int32_t ih = j * SH + ph - PH;
              const float *src;
              if (ih < 0 || ih >= IH || lo >= hi) continue;
              src = xc + (ptrdiff_t)ih * IW + (lo * SW + pw - PW);
              for (l = lo; l < hi; ++l) dst[l] = src[(ptrdiff_t)(l - lo) * SW];
            }
          }
      }
      for (mm = 0; mm < Mg; ++mm) {
        const int32_t m = gi * Mg + mm;
        float *ym = y + ((ptrdiff_t)n * G * Mg + m) * P;
#ifdef AOTC_CONV_VEC
        /* Rows narrower than a vector spill up to 16 floats into the next channels' outputs (computed
           later); the last channels' go through out. */
        if ((ptrdiff_t)(last - (n * G * Mg + m)) * P < 16) {
          aotc_conv_dw_rows_f32(buf, Wph, plane, ks, off, T, w + (ptrdiff_t)m * T, bias ? bias[m] : 0.0f, act, out, OH, OW);
          memcpy(ym, out, (size_t)P * sizeof(float));
        } else {
          aotc_conv_dw_rows_f32(buf, Wph, plane, ks, off, T, w + (ptrdiff_t)m * T, bias ? bias[m] : 0.0f, act, ym, OH, OW);
        }
#else
        int32_t oh;
        (void)ks;
        (void)last;
        aotc_conv_dw_flat_taps_f32(buf, off, T, w + (ptrdiff_t)m * T, bias ? bias[m] : 0.0f, act, out,
                                   (OH - 1) * Wph + OW);
        for (oh = 0; oh < OH; ++oh) aotc_conv_copy_f32(ym + (ptrdiff_t)oh * OW, out + (ptrdiff_t)oh * Wph, OW);
#endif
      }
    }
}

/* ---- the kernel ----------------------------------------------------------- */

/* Outputs per channel up to which aotc_conv_depthwise_f32 runs convs with one output per channel over 16 or
   more channels through aotc_conv_dw_small_f32 on AVX-512 (ops/conv.cpp's kDepthwiseSmallPixels must agree).
   bench/depthwise_kernel_bench.c: EfficientNet-B0's 5x5 convs to 7x7 1.7-2.2x, its 3x3 on 7x7 1.6x; over
   14x14 outputs (MnasNet's, EfficientNet-B0's) no faster: the transposes cost what the full vectors save. */
#define AOTC_CONV_DW_SMALL_PIXELS 49
#if defined(AOTC_CONV_SIMD) && defined(__AVX512F__)
#define AOTC_CONV_DW_SMALL 1
static void aotc_conv_dw_small_f32(const float *x, const float *w, const float *bias, float *y, float *buf,
                                   int32_t N, int32_t G, int32_t IH, int32_t IW, int32_t OH, int32_t OW, int32_t KH,
                                   int32_t KW, int32_t SH, int32_t SW, int32_t DH, int32_t DW, int32_t PH, int32_t PW,
                                   const aotc_conv_act *act);
#endif

AOTC_KERNEL void aotc_conv_depthwise_f32(const float *x, const float *w, const float *bias, float *y, void *scratch,
                                         const aotc_conv_params *geo, const int32_t *koff, int32_t act_kind,
                                         float act_a, float act_b) {
  /* The geometry (see conv.c); the helpers above take these as plain ints. */
  const int32_t N = geo->n, G = geo->groups, Mg = geo->mg, IH = geo->in[1], IW = geo->in[2], OH = geo->out[1];
  const int32_t OW = geo->out[2];
  const int32_t KH = geo->kernel[1], KW = geo->kernel[2], SH = geo->stride[1], SW = geo->stride[2];
  const int32_t DH = geo->dilation[1], DW = geo->dilation[2];
  const int32_t PH = geo->pad[1], PW = geo->pad[2];
  const int32_t k3p1 = KH == 3 && KW == 3 && DH == 1 && DW == 1 && PH == 1 && PW == 1;
  float *buf = (float *)scratch;
  aotc_conv_act act_s;
  const aotc_conv_act *act = aotc_conv_act_init(&act_s, act_kind, act_a, act_b);
#ifdef AOTC_CONV_VEC
  /* The flat 3x3 loops are the fastest with a clamp or no activation; a SiLU or hard swish they apply
     in a second pass over the plane, where the vector rows, which keep it in registers, are faster
     (EfficientNet's 112x112 and 56x56 depthwise convs 1.15-1.25x, even with the pass in pieces of
     1024 outputs still in L1 and on 16-float vectors). */
  const int32_t flat = !act || act->kind == AOTC_CONV_ACT_CLAMP;
#else
  const int32_t flat = 1;
#endif
  (void)koff;
  if (N <= 0 || G <= 0 || Mg <= 0 || OH <= 0 || OW <= 0) return;
  if (flat && k3p1 && SH == 1 && SW == 1 && OH == IH && OW == IW)
    aotc_conv_dw_flat_f32(x, w, bias, y, buf, N, G, Mg, IH, IW, OH, OW, 0, act);
  else if (flat && k3p1 && SH == 2 && SW == 2 && IH == 2 * OH && IW == 2 * OW)
    aotc_conv_dw_flat_f32(x, w, bias, y, buf, N, G, Mg, IH, IW, OH, OW, 1, act);
#ifdef AOTC_CONV_DW_SMALL
  else if (Mg == 1 && G >= 16 && OH * OW <= AOTC_CONV_DW_SMALL_PIXELS)
    aotc_conv_dw_small_f32(x, w, bias, y, buf, N, G, IH, IW, OH, OW, KH, KW, SH, SW, DH, DW, PH, PW, act);
#endif
  else
    aotc_conv_dw_phases_f32(x, w, bias, y, buf, N, G, Mg, IH, IW, OH, OW, KH, KW, SH, SW, DH, DW, PH, PW, act);
}

/* ---- nchw16c: vectorised over channels ------------------------------------ */

/*
 * aotc_conv_dw_blocked_f32: a 2D depthwise conv with one output per channel
 * (any kernel, strides, dilations and pads) from an nchw16c input to an
 * nchw16c output (N, C/16, H, W, 16: a pixel's 16 channels are contiguous).
 * ops/conv.cpp runs it where choose-layouts blocked both sides, between
 * kernels that vectorise over channels: on small planes a vector over
 * channels is full where one over a row of pixels is not. wpacked: the
 * weights as conv_mr16 of one group of C rows x T = KH*KW taps, so tap t of
 * block b is the 16 floats at (b*T + t)*16. Each block is copied into scratch
 * with its zero padding (Hp x Wp pixels x 16, Hp = (OH - 1)*SH + (KH - 1)*DH
 * + 1, Wp likewise), so every tap is an unconditional load.
 */
#ifdef AOTC_CONV_VEC
#define AOTC_CONV_DWB_EACH(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#define AOTC_CONV_DWB_INIT(j) acc[j] = bv;
/* Output pixel j of the group: acc[j] += the tap's weights * its input. */
#define AOTC_CONV_DWB_FMA(j)                       \
  memcpy(&v, p + at[j] + tap, sizeof v);           \
  acc[j] += wt * v;
#define AOTC_CONV_DWB_STORE(j)                                     \
  if ((j) < np) {                                                  \
    if (act) AOTC_CONV_ACTIVATE(VT_, VI_, acc[j], act, zero);      \
    memcpy(yb + (ptrdiff_t)(q + (j)) * 16 + s, &acc[j], sizeof v); \
  }
/* NAME: one block's OH x OW x 16 output yb from its padded plane p, VW channels at a time. Output
 * pixels go 8 at a time in row-major order, across rows (8 independent sums hide the FMA latency on
 * planes a few pixels wide); the last 8 are the plane's last, recomputing some. The kernel extent and
 * dilation are KH_, KW_, DH_, DW_: the parameters, or constants for a copy whose tap loops unroll. */
#define AOTC_CONV_DWB(NAME, VT, VI, VW, ATTR, KH_, KW_, DH_, DW_)                                             \
  static AOTC_UNUSED ATTR void NAME(const float *p, const float *wb, const float *bias16, float *yb,         \
                                    int32_t Wp, int32_t OH, int32_t OW, int32_t KH, int32_t KW, int32_t SH,  \
                                    int32_t SW, int32_t DH, int32_t DW, const aotc_conv_act *act) {          \
    typedef VT VT_;                                                                                           \
    typedef VI VI_;                                                                                           \
    const int32_t kh_n = (KH_), kw_n = (KW_), dh = (DH_), dw = (DW_), P = OH * OW;                            \
    int32_t s, q0, j, kh, kw, oh, ow;                                                                         \
    VT zero;                                                                                                  \
    (void)KH, (void)KW, (void)DH, (void)DW;                                                                   \
    memset(&zero, 0, sizeof zero);                                                                            \
    for (s = 0; s < 16; s += (VW))                                                                            \
      for (q0 = 0; q0 < P; q0 += 8) {                                                                         \
        const int32_t q = q0 + 8 <= P || P < 8 ? q0 : P - 8, np = P - q < 8 ? P - q : 8;                      \
        ptrdiff_t at[8]; /* pixel j's window in p (pixels past np repeat the last) */                         \
        VT acc[8], v, wt, bv = zero;                                                                          \
        if (bias16) memcpy(&bv, bias16 + s, sizeof bv);                                                       \
        for (j = 0, oh = q / OW, ow = q % OW; j < 8; ++j) { /* (no division per pixel) */                    \
          at[j] = ((ptrdiff_t)oh * SH * Wp + (ptrdiff_t)ow * SW) * 16 + s;                                    \
          if (j + 1 < np && ++ow == OW) ow = 0, ++oh;                                                         \
        }                                                                                                     \
        AOTC_CONV_DWB_EACH(AOTC_CONV_DWB_INIT)                                                                \
        for (kh = 0; kh < kh_n; ++kh)                                                                         \
          for (kw = 0; kw < kw_n; ++kw) {                                                                     \
            const ptrdiff_t tap = ((ptrdiff_t)kh * dh * Wp + kw * dw) * 16;                                   \
            memcpy(&wt, wb + (ptrdiff_t)(kh * kw_n + kw) * 16 + s, sizeof wt);                                \
            AOTC_CONV_DWB_EACH(AOTC_CONV_DWB_FMA)                                                             \
          }                                                                                                   \
        AOTC_CONV_DWB_EACH(AOTC_CONV_DWB_STORE)                                                               \
        if (q != q0) break; /* the shifted last group */                                                      \
      }                                                                                                       \
  }
#ifdef __AVX512F__
AOTC_CONV_DWB(aotc_conv_dwb_block_f32, aotc_conv_v16, aotc_conv_i16, 16, AOTC_CONV_DW_ATTR AOTC_CONV_ZMM, KH, KW, DH, DW)
AOTC_CONV_DWB(aotc_conv_dwb_block3x3_f32, aotc_conv_v16, aotc_conv_i16, 16, AOTC_CONV_DW_ATTR AOTC_CONV_ZMM, 3, 3, 1, 1)
AOTC_CONV_DWB(aotc_conv_dwb_block5x5_f32, aotc_conv_v16, aotc_conv_i16, 16, AOTC_CONV_DW_ATTR AOTC_CONV_ZMM, 5, 5, 1, 1)
#else
AOTC_CONV_DWB(aotc_conv_dwb_block_f32, aotc_conv_vn, aotc_conv_in, AOTC_CONV_VWN, AOTC_CONV_DW_ATTR, KH, KW, DH, DW)
AOTC_CONV_DWB(aotc_conv_dwb_block3x3_f32, aotc_conv_vn, aotc_conv_in, AOTC_CONV_VWN, AOTC_CONV_DW_ATTR, 3, 3, 1, 1)
AOTC_CONV_DWB(aotc_conv_dwb_block5x5_f32, aotc_conv_vn, aotc_conv_in, AOTC_CONV_VWN, AOTC_CONV_DW_ATTR, 5, 5, 1, 1)
#endif
#else /* no vector extensions: plain C */
static AOTC_UNUSED void aotc_conv_dwb_block_f32(const float *p, const float *wb, const float *bias16, float *yb,
                                               int32_t Wp, int32_t OH, int32_t OW, int32_t KH, int32_t KW,
                                               int32_t SH, int32_t SW, int32_t DH, int32_t DW,
                                               const aotc_conv_act *act) {
  int32_t oh, ow, kh, kw, r;
  for (oh = 0; oh < OH; ++oh)
    for (ow = 0; ow < OW; ++ow)
      for (r = 0; r < 16; ++r) {
        float acc = bias16 ? bias16[r] : 0.0f;
        for (kh = 0; kh < KH; ++kh)
          for (kw = 0; kw < KW; ++kw)
            acc += wb[(kh * KW + kw) * 16 + r] * p[(((ptrdiff_t)oh * SH + kh * DH) * Wp + ow * SW + kw * DW) * 16 + r];
        yb[((ptrdiff_t)oh * OW + ow) * 16 + r] = aotc_conv_activate(acc, act);
      }
}
#endif

/* One block's output yb from its padded plane p (see NAME above). */
static AOTC_UNUSED void aotc_conv_dwb_any_f32(const float *p, const float *wb, const float *bias16, float *yb,
                                             int32_t Wp, int32_t OH, int32_t OW, int32_t KH, int32_t KW, int32_t SH,
                                             int32_t SW, int32_t DH, int32_t DW, const aotc_conv_act *act) {
#ifdef AOTC_CONV_VEC
  /* (3x3 and 5x5 without dilation: copies with constant tap loops, unrolled.) */
  if (KH == 3 && KW == 3 && DH == 1 && DW == 1) {
    aotc_conv_dwb_block3x3_f32(p, wb, bias16, yb, Wp, OH, OW, KH, KW, SH, SW, DH, DW, act);
    return;
  }
  if (KH == 5 && KW == 5 && DH == 1 && DW == 1) {
    aotc_conv_dwb_block5x5_f32(p, wb, bias16, yb, Wp, OH, OW, KH, KW, SH, SW, DH, DW, act);
    return;
  }
#endif
  aotc_conv_dwb_block_f32(p, wb, bias16, yb, Wp, OH, OW, KH, KW, SH, SW, DH, DW, act);
}

/* scratch: Hp*Wp*16 floats (see above); geo: groups = C (a multiple of 16), cg = mg = 1, 2D. */
AOTC_KERNEL void aotc_conv_dw_blocked_f32(const float *x, const float *wpacked, const float *bias, float *y,
                                          void *scratch, const aotc_conv_params *geo, int32_t act_kind, float act_a,
                                          float act_b) {
  const int32_t N = geo->n, C = geo->groups, IH = geo->in[1], IW = geo->in[2], OH = geo->out[1], OW = geo->out[2];
  const int32_t KH = geo->kernel[1], KW = geo->kernel[2], SH = geo->stride[1], SW = geo->stride[2];
  const int32_t DH = geo->dilation[1], DW = geo->dilation[2], PH = geo->pad[1], PW = geo->pad[2];
  const int32_t Hp = (OH - 1) * SH + (KH - 1) * DH + 1, Wp = (OW - 1) * SW + (KW - 1) * DW + 1, T = KH * KW;
  /* Input columns that land inside the padded plane (columns past Wp are never read). */
  const int32_t cols = IW < Wp - PW ? IW : Wp - PW;
  float *p = (float *)scratch;
  aotc_conv_act act_s;
  const aotc_conv_act *act = aotc_conv_act_init(&act_s, act_kind, act_a, act_b);
  int32_t n, b, ih, iw;
  if (N <= 0 || C <= 0 || OH <= 0 || OW <= 0) return;
  /* The padding is zeroed once: every block then writes the same (in-image) pixels. */
  memset(p, 0, (size_t)Hp * Wp * 16 * sizeof(float));
  for (n = 0; n < N; ++n)
    for (b = 0; b < C / 16; ++b) {
      const float *xb = x + ((ptrdiff_t)n * C + b * 16) * IH * IW;
      /* A pixel (64 bytes) per move: rows of a few pixels, too short for a memcpy call to pay. */
      for (ih = 0; ih < IH && ih + PH < Hp; ++ih)
        for (iw = 0; iw < cols; ++iw)
          memcpy(p + ((ptrdiff_t)(ih + PH) * Wp + PW + iw) * 16, xb + ((ptrdiff_t)ih * IW + iw) * 16,
                 16 * sizeof(float));
      const float *wb = wpacked + (ptrdiff_t)b * T * 16, *bias16 = bias ? bias + b * 16 : NULL;
      float *yb = y + ((ptrdiff_t)n * C + b * 16) * OH * OW;
      aotc_conv_dwb_any_f32(p, wb, bias16, yb, Wp, OH, OW, KH, KW, SH, SW, DH, DW, act);
    }
}

#ifdef AOTC_CONV_DW_SMALL
/* The 16 x 16 floats r[0..15] transposed in place: four rounds of splitting each pair of rows into its even
   and odd floats (a round rotates the bits of an element's row and column index right by one). */
static AOTC_CONV_DW_ATTR AOTC_CONV_ZMM void aotc_conv_transpose16_f32(aotc_conv_v16 *r) {
  aotc_conv_v16 t[16];
  int32_t round, i;
  for (round = 0; round < 4; ++round) {
    for (i = 0; i < 8; ++i) AOTC_CONV_EVEN_ODD16(t[i], t[8 + i], r[2 * i], r[2 * i + 1]);
    for (i = 0; i < 16; ++i) r[i] = t[i];
  }
}

/*
 * aotc_conv_dw_small_f32: an NCHW depthwise conv with one output per channel over a small plane (at most
 * AOTC_CONV_DW_SMALL_PIXELS outputs), 16 channels at a time through the block functions of
 * aotc_conv_dw_blocked_f32: the block's planes are transposed into a zero-padded nchw16c plane in scratch,
 * its weights into conv_mr16 order (tap t: 16 floats), and the block's output transposed back, 16 x 16
 * floats at a time (each plane taken as one row of pixels). On such planes a vector along a row is partly
 * idle or recomputes its neighbour, where one over 16 channels is full. A last block of fewer channels
 * computes zero-weight lanes it does not store. scratch (floats): the padded plane Hp*Wp*16 (Hp = (OH - 1)*SH
 * + (KH - 1)*DH + 1, Wp likewise), the output OH*OW*16, the weights KH*KW*16 and the bias 16.
 */
static void aotc_conv_dw_small_f32(const float *x, const float *w, const float *bias, float *y, float *buf,
                                   int32_t N, int32_t G, int32_t IH, int32_t IW, int32_t OH, int32_t OW, int32_t KH,
                                   int32_t KW, int32_t SH, int32_t SW, int32_t DH, int32_t DW, int32_t PH, int32_t PW,
                                   const aotc_conv_act *act) {
  const int32_t Hp = (OH - 1) * SH + (KH - 1) * DH + 1, Wp = (OW - 1) * SW + (KW - 1) * DW + 1, T = KH * KW;
  const int32_t P = OH * OW;
  /* Input rows and columns that land inside the padded plane (the others are never read). */
  const int32_t rows = IH < Hp - PH ? IH : Hp - PH, cols = IW < Wp - PW ? IW : Wp - PW;
  float *p = buf, *yb = p + (ptrdiff_t)Hp * Wp * 16, *wb = yb + (ptrdiff_t)P * 16, *b16 = wb + (ptrdiff_t)T * 16;
  aotc_conv_v16 r[16];
  int32_t n, c0, l, t, ih, iw, k0, j;
  /* The padding is zeroed once: every block then writes the same (in-image) pixels. */
  memset(p, 0, (size_t)Hp * Wp * 16 * sizeof(float));
  for (n = 0; n < N; ++n)
    for (c0 = 0; c0 < G; c0 += 16) {
      const int32_t nc = G - c0 < 16 ? G - c0 : 16;
      const float *xb = x + ((ptrdiff_t)n * G + c0) * IH * IW;
      float *yo = y + ((ptrdiff_t)n * G + c0) * P;
      /* In: 16 pixels of the block's nc planes at a time (the plane as one row), each pixel's 16 channels
         to its place in p; the last IH*IW % 16 pixels one float at a time. */
      for (k0 = 0, ih = 0, iw = 0; k0 < IH * IW; k0 += 16) {
        if (k0 + 16 <= IH * IW) {
          for (l = 0; l < 16; ++l) {
            if (l < nc)
              memcpy(&r[l], xb + (ptrdiff_t)l * IH * IW + k0, sizeof r[l]);
            else
              memset(&r[l], 0, sizeof r[l]);
          }
          aotc_conv_transpose16_f32(r);
        }
        for (j = 0; j < 16 && k0 + j < IH * IW; ++j) {
          if (ih < rows && iw < cols) {
            float *dst = p + ((ptrdiff_t)(ih + PH) * Wp + PW + iw) * 16;
            if (k0 + 16 <= IH * IW)
              memcpy(dst, &r[j], sizeof r[j]);
            else
              for (l = 0; l < nc; ++l) dst[l] = xb[(ptrdiff_t)l * IH * IW + k0 + j];
          }
          if (++iw == IW) iw = 0, ++ih;
        }
      }
      for (l = 0; l < 16; ++l) {
        for (t = 0; t < T; ++t) wb[t * 16 + l] = l < nc ? w[(ptrdiff_t)(c0 + l) * T + t] : 0.0f;
        b16[l] = bias && l < nc ? bias[c0 + l] : 0.0f;
      }
      aotc_conv_dwb_any_f32(p, wb, b16, yb, Wp, OH, OW, KH, KW, SH, SW, DH, DW, act);
      /* Out: 16 pixels of the block's output at a time; the last P % 16 one float at a time. */
      for (k0 = 0; k0 < P; k0 += 16) {
        if (k0 + 16 <= P) {
          for (j = 0; j < 16; ++j) memcpy(&r[j], yb + (ptrdiff_t)(k0 + j) * 16, sizeof r[j]);
          aotc_conv_transpose16_f32(r);
          for (l = 0; l < nc; ++l) memcpy(yo + (ptrdiff_t)l * P + k0, &r[l], sizeof r[l]);
        } else {
          for (l = 0; l < nc; ++l)
            for (j = k0; j < P; ++j) yo[(ptrdiff_t)l * P + j] = yb[(ptrdiff_t)j * 16 + l];
        }
      }
    }
}
#endif
