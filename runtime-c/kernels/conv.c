/*
 * conv.c -- convolution kernels (Conv, ConvTranspose).
 *
 * Every kernel works on 3 spatial dims; aotc pads 1D/2D convs with leading
 * size-1 dims. The geometry comes in one int array `g`, filled by ops/conv.cpp:
 *   g[0..3]   N, groups, input channels per group Cg, output channels per group Mg
 *   g[4..6]   input  D, H, W        g[7..9]   output D, H, W
 *   g[10..12] kernel D, H, W        g[13..15] strides D, H, W
 *   g[16..18] dilations D, H, W     g[19..21] begin pads D, H, W
 *   g[22]     method: AOTC_CONV_SHIFTED or AOTC_CONV_POINTWISE
 * Weights are ONNX's [M, Cg, KD, KH, KW]; bias may be NULL.
 *
 * aotc_conv_f32 is a GEMM per group: output (Mg x pixels) = weights (Mg x K)
 * * B (K x pixels), K = Cg*KD*KH*KW, where row k of B holds the input under
 * kernel tap k for every output pixel. A register-blocked micro-kernel
 * computes MR output channels x 2 vectors of pixels; it finds row k of B at
 * `koff[k]` floats from the tile's base pointer (koff is precomputed by
 * aotc), so B never has to be materialized (no im2col):
 *   - POINTWISE (1x1 kernel, stride 1, no pads): B is the input itself.
 *   - SHIFTED (everything else): the group's input is copied once into
 *     scratch, zero padded and split into stride phases (phase (a, b) holds
 *     padded rows a, a+SH, ... and columns b, b+SW, ...). Output pixel
 *     (oh, ow) under tap (kh, kw) then reads phase ((kh*DH) % SH, (kw*DW) % SW)
 *     at (oh + kh*DH/SH, ow + kw*DW/SW): for every tap, B's row is one phase
 *     plane shifted by a constant, which is koff[k].
 * aotc_conv_depthwise_f32 handles one input channel per group (2D) directly,
 * also on a zero-padded copy of each plane, so no tap needs a bounds check.
 *
 * Speed: the inner loops use GCC/Clang vector extensions, as wide as the
 * target allows (8 floats with AVX, else 4), with plain C for other
 * compilers, and fused multiply-adds where the target has them. On x86-64
 * built without AVX (plain -O2), the hot loops also get an AVX2+FMA copy
 * chosen at run time, so generic builds run at AVX2 speed on CPUs that have
 * it (define AOTC_NO_CPU_DISPATCH to turn this off).
 */
#include "kernel_common.h"

/* Values of g[22]. */
#define AOTC_CONV_SHIFTED 0
#define AOTC_CONV_POINTWISE 1

/* Output channels per micro-kernel tile. ops/conv.cpp packs weights in blocks
 * of this many rows (kConvMR) and must agree. */
#define AOTC_CONV_MR 4
/* Widest micro-kernel tile in pixels (NR = 2 vectors); scratch is sized for it. */
#define AOTC_CONV_NR_MAX 16

#if defined(__GNUC__) || defined(__clang__)
#define AOTC_CONV_VEC 1
typedef float aotc_conv_v4 __attribute__((vector_size(16)));
typedef float aotc_conv_v8 __attribute__((vector_size(32)));
/* GCC only fuses a*b + c into FMA instructions with fp-contract=fast (ISO C
 * modes turn it off); clang fuses within an expression by default. */
#if defined(__clang__)
#define AOTC_CONV_CONTRACT
#else
#define AOTC_CONV_CONTRACT optimize("fp-contract=fast")
#endif
#if defined(__AVX__)
typedef aotc_conv_v8 aotc_conv_vn;
#define AOTC_CONV_VWN 8
#else
typedef aotc_conv_v4 aotc_conv_vn;
#define AOTC_CONV_VWN 4
#if defined(__x86_64__) && !defined(AOTC_NO_CPU_DISPATCH)
#define AOTC_CONV_DISPATCH 1
#define AOTC_CONV_AVX2 __attribute__((target("avx2,fma"), AOTC_CONV_CONTRACT))
#define AOTC_CONV_HAVE_AVX2() (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
#endif
#endif
#if defined(__FMA__) || defined(__ARM_FEATURE_FMA)
#define AOTC_CONV_NATIVE __attribute__((AOTC_CONV_CONTRACT))
#else
#define AOTC_CONV_NATIVE
#endif
#endif

/*
 * dst[i] = src[i], i < n: inline copies of 4 floats (rows here are short, so a
 * memcpy call per row would cost more than the copy).
 */
static AOTC_UNUSED void aotc_conv_copy_f32(float *AOTC_RESTRICT dst, const float *AOTC_RESTRICT src, int32_t n) {
  int32_t i;
  if (n < 4) {
    for (i = 0; i < n; ++i) dst[i] = src[i];
    return;
  }
  for (i = 0; i + 4 <= n; i += 4) memcpy(dst + i, src + i, 4 * sizeof(float));
  if (i < n) memcpy(dst + n - 4, src + n - 4, 4 * sizeof(float)); /* overlapping last block */
}

/*
 * Copies one input channel x (ID x IH x IW) into its SD*SH*SW stride phases
 * (each Dph x Hph x Wph, phase-major): phase (pd, ph, pw) at (i, j, l) is the
 * zero-padded input at (i*SD + pd - PD, j*SH + ph - PH, l*SW + pw - PW).
 */
static AOTC_UNUSED void aotc_conv_phase_copy_f32(const float *x, float *dst, const int32_t *g, int32_t Dph,
                                                int32_t Hph, int32_t Wph) {
  const int32_t ID = g[4], IH = g[5], IW = g[6], SD = g[13], SH = g[14], SW = g[15];
  const int32_t PD = g[19], PH = g[20], PW = g[21];
  int32_t pd, ph, pw, i, j, l;
  /* Zero everything once, then copy the parts of the rows inside the image. */
  memset(dst, 0, (size_t)SD * SH * SW * Dph * Hph * Wph * sizeof(float));
  for (pd = 0; pd < SD; ++pd)
    for (ph = 0; ph < SH; ++ph)
      for (pw = 0; pw < SW; ++pw) {
        /* Columns l whose input column l*SW + pw - PW is inside the image. */
        const int32_t t = PW - pw, u = IW - 1 + PW - pw;
        int32_t lo = t <= 0 ? 0 : (t + SW - 1) / SW;
        int32_t hi = u < 0 ? 0 : u / SW + 1;
        if (hi > Wph) hi = Wph;
        for (i = 0; i < Dph; ++i)
          for (j = 0; j < Hph; ++j, dst += Wph) {
            const int32_t id = i * SD + pd - PD, ih = j * SH + ph - PH;
            const float *src;
            if (id < 0 || id >= ID || ih < 0 || ih >= IH || lo >= hi) continue;
            src = x + ((ptrdiff_t)id * IH + ih) * IW + (lo * SW + pw - PW);
            if (SW == 1)
              aotc_conv_copy_f32(dst + lo, src, hi - lo);
            else
              for (l = lo; l < hi; ++l) dst[l] = src[(ptrdiff_t)(l - lo) * SW];
          }
      }
}

#ifdef AOTC_CONV_VEC
/* Expands X(r) for every micro-kernel row r < AOTC_CONV_MR. */
#define AOTC_CONV_ROWS(X) X(0) X(1) X(2) X(3)
#define AOTC_CONV_ROW_FMA(r) \
  a = Ak[r];                 \
  c[r][0] += a * b0;         \
  c[r][1] += a * b1;

/*
 * Defines, for vector type VT of VW floats and function attributes ATTR:
 *
 * NAME##_ukernel: a tile of mr (<= MR) output channels x 2 vectors of VW
 *   pixels: for j < VW,
 *     C0[r*ldc + j] = bias[r] + sum_k A[k*MR + r] * B0[koff[k] + j]
 *     C1[r*ldc + j] = bias[r] + sum_k A[k*MR + r] * B1[koff[k] + j]
 *   (the two vectors can come from different image rows). A is a block of MR
 *   weight rows packed by aotc_conv_pack_f32. With nr < 2*VW only the first
 *   nr pixels are stored (then C1 must be C0 + VW).
 * NAME##_gemm: y (Mg x cols, rows P apart) = w (Mg x K, packed) * B + bias, B's
 *   pixels contiguous (the input of a pointwise conv), B rows readable up
 *   to a multiple of 2*VW columns.
 * NAME##_shifted: the SHIFTED method over one group's input phases xp
 *   (planes of Dph x Hph x Wph): output pixel (od, oh, ow) reads B at
 *   xp + (od*Hph + oh)*Wph + ow. Each
 *   output row is cut into vectors of VW pixels (the last one shifted left to
 *   stay full, recomputing a few pixels), and vectors are paired into tiles,
 *   also across rows, so narrow images waste nothing. Rows narrower than VW
 *   are tiled over the flat padded index and scattered.
 */
#define AOTC_CONV_GEMM(NAME, VT, VW, ATTR)                                                                      \
  static AOTC_UNUSED ATTR void NAME##_ukernel(int32_t K, const float *A, int32_t mr,                                   \
                                              const float *B0, const float *B1, const int32_t *koff,           \
                                              const float *bias, float *C0, float *C1, int32_t ldc, int32_t nr) { \
    VT c[AOTC_CONV_MR][2], zero;                                                                                \
    float acc[2 * VW];                                                                                          \
    int32_t k, r, j;                                                                                            \
    memset(&zero, 0, sizeof zero);                                                                              \
    for (r = 0; r < AOTC_CONV_MR; ++r) c[r][0] = c[r][1] = zero + (bias ? bias[r < mr ? r : mr - 1] : 0.0f);    \
    for (k = 0; k < K; ++k) {                                                                                   \
      VT b0, b1;                                                                                                \
      const float *Ak = A + (ptrdiff_t)k * AOTC_CONV_MR;                                                       \
      float a;                                                                                                  \
      memcpy(&b0, B0 + koff[k], sizeof b0);                                                                     \
      memcpy(&b1, B1 + koff[k], sizeof b1);                                                                     \
      AOTC_CONV_ROWS(AOTC_CONV_ROW_FMA)                                                                         \
    }                                                                                                           \
    for (r = 0; r < mr; ++r) {                                                                                  \
      if (nr == 2 * VW) {                                                                                       \
        memcpy(C0 + (ptrdiff_t)r * ldc, &c[r][0], sizeof(VT));                                                  \
        memcpy(C1 + (ptrdiff_t)r * ldc, &c[r][1], sizeof(VT));                                                  \
      } else {                                                                                                  \
        memcpy(acc, &c[r][0], sizeof(VT));                                                                      \
        memcpy(acc + VW, &c[r][1], sizeof(VT));                                                                 \
        for (j = 0; j < nr; ++j) C0[(ptrdiff_t)r * ldc + j] = acc[j];                                           \
      }                                                                                                         \
    }                                                                                                           \
  }                                                                                                             \
  static AOTC_UNUSED ATTR void NAME##_gemm(int32_t Mg, int32_t K, int32_t cols, const float *w, const float *B,  \
                                           const int32_t *koff, const float *bias, float *y, int32_t P) {       \
    int32_t q, m;                                                                                               \
    for (q = 0; q < cols; q += 2 * VW) {                                                                        \
      const int32_t nr = cols - q < 2 * VW ? cols - q : 2 * VW;                                                 \
      for (m = 0; m < Mg; m += AOTC_CONV_MR) {                                                                  \
        float *yt = y + (ptrdiff_t)m * P + q;                                                                   \
        NAME##_ukernel(K, w + (ptrdiff_t)m * K, Mg - m < AOTC_CONV_MR ? Mg - m : AOTC_CONV_MR, B + q,         \
                       B + q + VW, koff, bias ? bias + m : NULL, yt, yt + VW, P, nr);                           \
      }                                                                                                         \
    }                                                                                                           \
  }                                                                                                             \
  static AOTC_UNUSED ATTR void NAME##_shifted(int32_t Mg, int32_t K, const float *w, const float *xp,           \
                                              const int32_t *koff, const float *bias, float *y, int32_t OD,     \
                                              int32_t OH, int32_t OW, int32_t Hph, int32_t Wph) {               \
    const int32_t P = OD * OH * OW;                                                                             \
    int32_t m, r, j;                                                                                            \
    if (OW >= VW) {                                                                                             \
      /* Vector slot v: row v / per_row, pixel min((v % per_row) * VW, OW - VW) in it. */                       \
      const int32_t per_row = (OW + VW - 1) / VW, slots = OD * OH * per_row;                                    \
      int32_t v;                                                                                                \
      for (v = 0; v < slots; v += 2) {                                                                          \
        const int32_t v1 = v + 1 < slots ? v + 1 : v; /* an odd last slot pairs with itself */                 \
        const int32_t row0 = v / per_row, row1 = v1 / per_row;                                                 \
        const int32_t s0 = (v % per_row) * VW < OW - VW ? (v % per_row) * VW : OW - VW;                         \
        const int32_t s1 = (v1 % per_row) * VW < OW - VW ? (v1 % per_row) * VW : OW - VW;                       \
        const float *b0 = xp + ((ptrdiff_t)(row0 / OH) * Hph + row0 % OH) * Wph + s0;                           \
        const float *b1 = xp + ((ptrdiff_t)(row1 / OH) * Hph + row1 % OH) * Wph + s1;                           \
        float *y0 = y + (ptrdiff_t)row0 * OW + s0, *y1 = y + (ptrdiff_t)row1 * OW + s1;                         \
        for (m = 0; m < Mg; m += AOTC_CONV_MR)                                                                  \
          NAME##_ukernel(K, w + (ptrdiff_t)m * K, Mg - m < AOTC_CONV_MR ? Mg - m : AOTC_CONV_MR, b0, b1,      \
                         koff, bias ? bias + m : NULL, y0 + (ptrdiff_t)m * P, y1 + (ptrdiff_t)m * P, P, 2 * VW); \
      }                                                                                                         \
    } else {                                                                                                    \
      /* Flat phase index q = (od*Hph + oh)*Wph + ow; the last valid one is below nq. */                       \
      const int32_t nq = (((OD - 1) * Hph) + OH - 1) * Wph + OW;                                                \
      float tile[AOTC_CONV_MR * 2 * VW];                                                                        \
      int32_t q0;                                                                                               \
      for (q0 = 0; q0 < nq; q0 += 2 * VW)                                                                       \
        for (m = 0; m < Mg; m += AOTC_CONV_MR) {                                                                \
          const int32_t mr = Mg - m < AOTC_CONV_MR ? Mg - m : AOTC_CONV_MR;                                     \
          NAME##_ukernel(K, w + (ptrdiff_t)m * K, mr, xp + q0, xp + q0 + VW, koff, bias ? bias + m : NULL,    \
                         tile, tile + VW, 2 * VW, 2 * VW);                                                      \
          for (j = 0; j < 2 * VW && q0 + j < nq; ++j) {                                                         \
            const int32_t q = q0 + j, ow = q % Wph, oh = (q / Wph) % Hph, od = q / Wph / Hph;                   \
            if (ow >= OW || oh >= OH) continue;                                                                 \
            for (r = 0; r < mr; ++r)                                                                            \
              y[(ptrdiff_t)(m + r) * P + ((ptrdiff_t)od * OH + oh) * OW + ow] = tile[r * 2 * VW + j];           \
          }                                                                                                     \
        }                                                                                                       \
    }                                                                                                           \
  }
AOTC_CONV_GEMM(aotc_conv_native, aotc_conv_vn, AOTC_CONV_VWN, AOTC_CONV_NATIVE)
#ifdef AOTC_CONV_DISPATCH
AOTC_CONV_GEMM(aotc_conv_avx2, aotc_conv_v8, 8, AOTC_CONV_AVX2)
#endif

#else /* no vector extensions: plain C */
static AOTC_UNUSED void aotc_conv_native_gemm(int32_t Mg, int32_t K, int32_t cols, const float *w, const float *B,
                                              const int32_t *koff, const float *bias, float *y, int32_t P) {
  int32_t q, m, r, j, k;
  for (q = 0; q < cols; q += 8)
    for (m = 0; m < Mg; m += 4) {
      float acc[4][8];
      const int32_t mr = Mg - m < 4 ? Mg - m : 4, nr = cols - q < 8 ? cols - q : 8;
      for (r = 0; r < mr; ++r)
        for (j = 0; j < 8; ++j) acc[r][j] = bias ? bias[m + r] : 0.0f;
      for (k = 0; k < K; ++k) {
        const float *b = B + koff[k] + q;
        for (r = 0; r < mr; ++r) {
          const float a = w[(ptrdiff_t)m * K + k * 4 + r]; /* packed, MR = 4 */
          for (j = 0; j < nr; ++j) acc[r][j] += a * b[j];
        }
      }
      for (r = 0; r < mr; ++r)
        for (j = 0; j < nr; ++j) y[(ptrdiff_t)(m + r) * P + q + j] = acc[r][j];
    }
}
static AOTC_UNUSED void aotc_conv_native_shifted(int32_t Mg, int32_t K, const float *w, const float *xp,
                                                 const int32_t *koff, const float *bias, float *y, int32_t OD,
                                                 int32_t OH, int32_t OW, int32_t Hph, int32_t Wph) {
  const int32_t P = OD * OH * OW;
  int32_t od, oh, ow, m, k;
  for (m = 0; m < Mg; ++m)
    for (od = 0; od < OD; ++od)
      for (oh = 0; oh < OH; ++oh)
        for (ow = 0; ow < OW; ++ow) {
          const float *b = xp + ((ptrdiff_t)od * Hph + oh) * Wph + ow;
          float acc = bias ? bias[m] : 0.0f;
          for (k = 0; k < K; ++k) acc += w[(ptrdiff_t)(m / 4 * 4) * K + k * 4 + m % 4] * b[koff[k]]; /* packed */
          y[(ptrdiff_t)m * P + ((ptrdiff_t)od * OH + oh) * OW + ow] = acc;
        }
}
#endif

/*
 * Packs weights w (Mg x K) for the micro-kernel: blocks of MR rows, each
 * stored k-major (wp[block*MR*K + k*MR + r]); rows past Mg repeat the last.
 */
static AOTC_UNUSED void aotc_conv_pack_f32(const float *w, int32_t Mg, int32_t K, float *wp) {
  int32_t m, k, r;
  for (m = 0; m < Mg; m += AOTC_CONV_MR)
    for (k = 0; k < K; ++k)
      for (r = 0; r < AOTC_CONV_MR; ++r) *wp++ = w[(ptrdiff_t)(m + r < Mg ? m + r : Mg - 1) * K + k];
}

/* The GEMMs of aotc_conv_f32, on the best code path for this CPU. */
static AOTC_UNUSED void aotc_conv_gemm_f32(int32_t Mg, int32_t K, int32_t cols, const float *w, const float *B,
                                          const int32_t *koff, const float *bias, float *y, int32_t P) {
#ifdef AOTC_CONV_DISPATCH
  if (AOTC_CONV_HAVE_AVX2()) {
    aotc_conv_avx2_gemm(Mg, K, cols, w, B, koff, bias, y, P);
    return;
  }
#endif
  aotc_conv_native_gemm(Mg, K, cols, w, B, koff, bias, y, P);
}

static AOTC_UNUSED void aotc_conv_shifted_f32(int32_t Mg, int32_t K, const float *w, const float *xp,
                                             const int32_t *koff, const float *bias, float *y, int32_t OD,
                                             int32_t OH, int32_t OW, int32_t Hph, int32_t Wph) {
#ifdef AOTC_CONV_DISPATCH
  if (AOTC_CONV_HAVE_AVX2()) {
    aotc_conv_avx2_shifted(Mg, K, w, xp, koff, bias, y, OD, OH, OW, Hph, Wph);
    return;
  }
#endif
  aotc_conv_native_shifted(Mg, K, w, xp, koff, bias, y, OD, OH, OW, Hph, Wph);
}

/*
 * Weights come either packed by aotc at compile time (wpacked, per group
 * roundup(Mg, MR) x K floats; w unused) or as the ONNX tensor w (wpacked NULL),
 * then packed into scratch. koff: K offsets, row k of B (see the file
 * comment). scratch: without wpacked, room for packed weights ((Mg + MR) x K
 * floats); then the
 * phases of one group's input (SHIFTED) or a zero-padded copy of the
 * pointwise input's ragged last columns.
 */
AOTC_KERNEL void aotc_conv_f32(const float *x, const float *w, const float *wpacked, const float *bias, float *y,
                               void *scratch, const int32_t *g, const int32_t *koff) {
  const int32_t N = g[0], G = g[1], Cg = g[2], Mg = g[3], ID = g[4], IH = g[5], IW = g[6];
  const int32_t OD = g[7], OH = g[8], OW = g[9], P = OD * OH * OW;
  const int32_t K = Cg * g[10] * g[11] * g[12];
  const int32_t SD = g[13], SH = g[14], SW = g[15], method = g[22];
  /* Phase extents: output extent plus the largest tap shift. */
  const int32_t Dph = OD + (g[10] - 1) * g[16] / SD, Hph = OH + (g[11] - 1) * g[17] / SH;
  const int32_t Wph = OW + (g[12] - 1) * g[18] / SW;
  const ptrdiff_t chan = (ptrdiff_t)SD * SH * SW * Dph * Hph * Wph; /* floats per input channel */
  float *wp = (float *)scratch;
  float *buf = wpacked ? wp : wp + (ptrdiff_t)(Mg + AOTC_CONV_MR) * K;
  const ptrdiff_t packed_group = (ptrdiff_t)(Mg + AOTC_CONV_MR - 1) / AOTC_CONV_MR * AOTC_CONV_MR * K;
  int32_t n, gi, c, i;
  for (n = 0; n < N; ++n)
    for (gi = 0; gi < G; ++gi) {
      const float *xg = x + ((ptrdiff_t)n * G + gi) * Cg * ID * IH * IW;
      const float *wg = wpacked ? wpacked + gi * packed_group : wp;
      const float *bg = bias ? bias + (ptrdiff_t)gi * Mg : NULL;
      float *yg = y + ((ptrdiff_t)n * G + gi) * Mg * P;
      if (!wpacked) aotc_conv_pack_f32(w + (ptrdiff_t)gi * Mg * K, Mg, K, wp);
      if (method == AOTC_CONV_POINTWISE) {
        /* B = the input itself (K x P); the ragged last columns go through a zero-padded copy. */
        const int32_t full = P / AOTC_CONV_NR_MAX * AOTC_CONV_NR_MAX;
        aotc_conv_gemm_f32(Mg, K, full, wg, xg, koff, bg, yg, P);
        if (full < P) {
          int32_t k, j;
          int32_t *koff_tail = (int32_t *)(void *)(buf + (ptrdiff_t)K * AOTC_CONV_NR_MAX);
          for (k = 0; k < K; ++k) {
            for (j = 0; j < AOTC_CONV_NR_MAX; ++j)
              buf[(ptrdiff_t)k * AOTC_CONV_NR_MAX + j] = full + j < P ? xg[(ptrdiff_t)k * P + full + j] : 0.0f;
            koff_tail[k] = k * AOTC_CONV_NR_MAX;
          }
          aotc_conv_gemm_f32(Mg, K, P - full, wg, buf, koff_tail, bg, yg + full, P);
        }
      } else {
        for (c = 0; c < Cg; ++c)
          aotc_conv_phase_copy_f32(xg + (ptrdiff_t)c * ID * IH * IW, buf + c * chan, g, Dph, Hph, Wph);
        for (i = 0; i < AOTC_CONV_NR_MAX; ++i) buf[Cg * chan + i] = 0.0f; /* read past the end by the last tile */
        aotc_conv_shifted_f32(Mg, K, wg, buf, koff, bg, yg, OD, OH, OW, Hph, Wph);
      }
    }
}

/* ---- depthwise ----------------------------------------------------------- */

#ifdef AOTC_CONV_VEC
/*
 * out[q] = bias + sum over taps t < T of wk[t] * xp[q + koff[t]], q < nq,
 * 2*VW outputs at a time (out and xp have slack for the last block).
 */
#define AOTC_CONV_DW_FLAT(NAME, VT, VW, ATTR)                                                                \
  static AOTC_UNUSED ATTR void NAME(const float *xp, const float *wk, const int32_t *koff, int32_t T,        \
                                    float bias, float *out, int32_t nq) {                                    \
    int32_t q, t;                                                                                            \
    VT zero;                                                                                                 \
    memset(&zero, 0, sizeof zero);                                                                           \
    for (q = 0; q < nq; q += 2 * VW) {                                                                       \
      VT acc0 = zero + bias, acc1 = zero + bias, v0, v1;                                                     \
      for (t = 0; t < T; ++t) {                                                                              \
        const float *xt = xp + q + koff[t];                                                                  \
        memcpy(&v0, xt, sizeof v0);                                                                          \
        memcpy(&v1, xt + VW, sizeof v1);                                                                     \
        acc0 += wk[t] * v0;                                                                                  \
        acc1 += wk[t] * v1;                                                                                  \
      }                                                                                                      \
      memcpy(out + q, &acc0, sizeof acc0);                                                                   \
      memcpy(out + q + VW, &acc1, sizeof acc1);                                                              \
    }                                                                                                        \
  }
AOTC_CONV_DW_FLAT(aotc_conv_dw_flat_native, aotc_conv_vn, AOTC_CONV_VWN, AOTC_CONV_NATIVE)
#ifdef AOTC_CONV_DISPATCH
AOTC_CONV_DW_FLAT(aotc_conv_dw_flat_avx2, aotc_conv_v8, 8, AOTC_CONV_AVX2)
#endif
#endif

static AOTC_UNUSED void aotc_conv_dw_flat_f32(const float *xp, const float *wk, const int32_t *koff, int32_t T,
                                             float bias, float *out, int32_t nq) {
#ifdef AOTC_CONV_VEC
#ifdef AOTC_CONV_DISPATCH
  if (AOTC_CONV_HAVE_AVX2()) {
    aotc_conv_dw_flat_avx2(xp, wk, koff, T, bias, out, nq);
    return;
  }
#endif
  aotc_conv_dw_flat_native(xp, wk, koff, T, bias, out, nq);
#else
  int32_t q, t;
  for (q = 0; q < nq; ++q) {
    float acc = bias;
    for (t = 0; t < T; ++t) acc += wk[t] * xp[q + koff[t]];
    out[q] = acc;
  }
#endif
}

/*
 * Depthwise conv: one input channel per group, 2D (KD = OD = 1), any channel
 * multiplier Mg. Each input plane is split into its zero-padded stride phases
 * once (as in aotc_conv_f32, koff the same tap offsets), which turns the conv
 * into a flat 1D convolution over the phase planes: output (oh, ow) is flat
 * index oh*Wph + ow, and tap t adds wk[t] * phases[index + koff[t]]. The
 * Wph - OW columns past each output row are computed and dropped; in exchange
 * the loop vectorizes even for narrow images.
 * scratch: SH*SW*Hph*Wph + OH*Wph + 64 floats (see ops/conv.cpp).
 */
AOTC_KERNEL void aotc_conv_depthwise_f32(const float *x, const float *w, const float *bias, float *y, void *scratch,
                                         const int32_t *g, const int32_t *koff) {
  const int32_t N = g[0], G = g[1], Mg = g[3], IH = g[5], IW = g[6], OH = g[8], OW = g[9];
  const int32_t KH = g[11], KW = g[12], SH = g[14], SW = g[15];
  const int32_t Hph = OH + (KH - 1) * g[17] / SH, Wph = OW + (KW - 1) * g[18] / SW;
  const ptrdiff_t chan = (ptrdiff_t)SH * SW * Hph * Wph;
  const int32_t T = KH * KW, nq = (OH - 1) * Wph + OW;
  float *xp = (float *)scratch;
  float *flat = xp + chan + 32;
  int32_t n, gi, mm, oh, i;
  for (i = 0; i < 32; ++i) xp[chan + i] = 0.0f;
  for (n = 0; n < N; ++n)
    for (gi = 0; gi < G; ++gi) {
      aotc_conv_phase_copy_f32(x + ((ptrdiff_t)n * G + gi) * IH * IW, xp, g, 1, Hph, Wph);
      for (mm = 0; mm < Mg; ++mm) {
        const int32_t m = gi * Mg + mm;
        float *yout = y + ((ptrdiff_t)n * G * Mg + m) * OH * OW;
        aotc_conv_dw_flat_f32(xp, w + (ptrdiff_t)m * T, koff, T, bias ? bias[m] : 0.0f, flat, nq);
        for (oh = 0; oh < OH; ++oh) aotc_conv_copy_f32(yout + (ptrdiff_t)oh * OW, flat + (ptrdiff_t)oh * Wph, OW);
      }
    }
}

/*
 * Direct convolution for any geometry: the simple reference path, used for
 * double precision. Same arguments as aotc_conv_f32 minus scratch.
 */
#define AOTC_CONV_DIRECT(SFX, T)                                                                              \
  AOTC_KERNEL void aotc_conv_direct_##SFX(const T *x, const T *w, const T *bias, T *y, const int32_t *g) {   \
    const int32_t N = g[0], G = g[1], Cg = g[2], Mg = g[3], ID = g[4], IH = g[5], IW = g[6];                  \
    const int32_t OD = g[7], OH = g[8], OW = g[9], KD = g[10], KH = g[11], KW = g[12];                        \
    const int32_t SD = g[13], SH = g[14], SW = g[15], DD = g[16], DH = g[17], DW = g[18];                     \
    const int32_t PD = g[19], PH = g[20], PW = g[21];                                                         \
    int32_t n, gi, m, od, oh, ow, c, kd, kh, kw;                                                               \
    for (n = 0; n < N; ++n)                                                                                    \
      for (gi = 0; gi < G; ++gi)                                                                               \
        for (m = 0; m < Mg; ++m) {                                                                             \
          const T *wm = w + (ptrdiff_t)(gi * Mg + m) * Cg * KD * KH * KW;                                      \
          T *ym = y + ((ptrdiff_t)n * G * Mg + gi * Mg + m) * OD * OH * OW;                                    \
          for (od = 0; od < OD; ++od)                                                                          \
            for (oh = 0; oh < OH; ++oh)                                                                        \
              for (ow = 0; ow < OW; ++ow) {                                                                    \
                T acc = bias ? bias[gi * Mg + m] : (T)0;                                                       \
                for (c = 0; c < Cg; ++c) {                                                                     \
                  const T *xc = x + ((ptrdiff_t)n * G * Cg + gi * Cg + c) * ID * IH * IW;                      \
                  const T *wc = wm + (ptrdiff_t)c * KD * KH * KW;                                              \
                  for (kd = 0; kd < KD; ++kd) {                                                                \
                    int32_t id = od * SD - PD + kd * DD;                                                       \
                    if (id < 0 || id >= ID) continue;                                                          \
                    for (kh = 0; kh < KH; ++kh) {                                                              \
                      int32_t ih = oh * SH - PH + kh * DH;                                                     \
                      if (ih < 0 || ih >= IH) continue;                                                        \
                      for (kw = 0; kw < KW; ++kw) {                                                            \
                        int32_t iw = ow * SW - PW + kw * DW;                                                   \
                        if (iw < 0 || iw >= IW) continue;                                                      \
                        acc += wc[(kd * KH + kh) * KW + kw] * xc[((ptrdiff_t)id * IH + ih) * IW + iw];         \
                      }                                                                                        \
                    }                                                                                          \
                  }                                                                                            \
                }                                                                                              \
                ym[((ptrdiff_t)od * OH + oh) * OW + ow] = acc;                                                 \
              }                                                                                                \
        }                                                                                                      \
  }
AOTC_CONV_DIRECT(f32, float)
AOTC_CONV_DIRECT(f64, double)
