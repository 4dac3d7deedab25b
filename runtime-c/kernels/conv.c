/*
 * conv.c -- convolution kernels: Conv (float32 fast paths, and a direct
 * reference kernel), ConvTranspose, ConvInteger and QLinearConv.
 *
 * Every kernel works on 3 spatial dims; aotc pads 1D/2D convs with leading
 * size-1 dims. The geometry comes in `geo`, an aotc_conv_params
 * (kernel_params.h) filled by ops/conv.cpp; geo->method picks
 * aotc_conv_f32's method, AOTC_CONV_SHIFTED or AOTC_CONV_POINTWISE.
 * Weights are ONNX's [M, Cg, KD, KH, KW]; bias may be NULL.
 *
 * aotc_conv_f32 is a GEMM per group: output (Mg x pixels) = weights (Mg x K)
 * * B (K x pixels), K = Cg*KD*KH*KW, where row k of B holds the input under
 * kernel tap k for every output pixel. A register-blocked micro-kernel
 * computes 4 or 8 output channels x 2 vectors of pixels; it finds row k of B at
 * `koff[k]` floats from the tile's base pointer (koff is precomputed by
 * aotc), so B never has to be materialized (no im2col):
 *   - POINTWISE (1x1 kernel, stride 1, no pads): B is the input itself.
 *   - SHIFTED (everything else): the group's input is copied once into
 *     scratch, zero padded and split into stride phases (phase (a, b) holds
 *     padded rows a, a+SH, ... and columns b, b+SW, ...). Output pixel
 *     (oh, ow) under tap (kh, kw) then reads phase ((kh*DH) % SH, (kw*DW) % SW)
 *     at (oh + kh*DH/SH, ow + kw*DW/SW): for every tap, B's row is one phase
 *     plane shifted by a constant, which is koff[k]. With geo->band > 0 the
 *     phases hold that many output rows' input at a time (aotc_conv_banded_f32).
 * aotc_conv_depthwise_f32 (conv_depthwise.c, pasted after this file) handles
 * one input channel per group (2D) directly on zero-padded planes, so no tap
 * needs a bounds check. Both can clamp their results (an activation fused by
 * ops/conv.cpp's fuse_conv_activation).
 *
 * Speed: the inner loops use GCC/Clang vector extensions, as wide as the
 * target allows (8 floats with AVX, else 4), with plain C for other
 * compilers, and fused multiply-adds where the target has them. On x86-64
 * built without AVX (plain -O2), the hot loops also get AVX2+FMA and AVX-512
 * copies chosen at run time, so generic builds run at full speed on CPUs that
 * have them (define AOTC_NO_CPU_DISPATCH to turn this off; AOTC_NO_VECTOR_EXT
 * forces the plain C code).
 */
#include "kernel_common.h"
#include "conv_common.h"
#include "pool_common.h" /* aotc_conv_maxpool_f32's pool */

/* Extent of the stride phases along dim d (0..2 = D, H, W): the output
 * extent plus the largest tap shift. */
static AOTC_UNUSED int32_t aotc_conv_phase_extent(const aotc_conv_params *geo, int d) {
  return geo->out[d] + (geo->kernel[d] - 1) * geo->dilation[d] / geo->stride[d];
}

/* Whether some tap of dimension d (0: depth, 1: rows, 2: columns) reads stride phase p. */
static AOTC_UNUSED int aotc_conv_phase_read(const aotc_conv_params *geo, int d, int32_t p) {
  int32_t k;
  for (k = 0; k < geo->kernel[d]; ++k)
    if (k * geo->dilation[d] % geo->stride[d] == p) return 1;
  return 0;
}

/*
 * Copies one input channel x (ID x IH x IW) into its SD*SH*SW stride phases
 * (each Dph x Hph x Wph, phase-major): phase (pd, ph, pw) at (i, j, l) is the
 * zero-padded input at (i*SD + pd - PD, j*SH + ph - PH, l*SW + pw - PW).
 * Always inlined on 64-bit hosts, so that each conv's constant geometry
 * folds into its copy loops (ResNet-8: out of line, the copy was 14% of the
 * run through the LLVM backend, and 8% through GCC, which had inlined it on
 * its own until aotc_conv_cv_f32 grew a second tile).
 */
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__aarch64__))
#define AOTC_CONV_PHASE_COPY_INLINE __attribute__((always_inline)) inline
#else
#define AOTC_CONV_PHASE_COPY_INLINE
#endif
static AOTC_UNUSED AOTC_CONV_PHASE_COPY_INLINE void aotc_conv_phase_copy_f32(const float *x, float *dst,
                                                                            const aotc_conv_params *geo,
                                                                            int32_t Dph, int32_t Hph, int32_t Wph) {
  const int32_t ID = geo->in[0], IH = geo->in[1], IW = geo->in[2], SD = geo->stride[0], SH = geo->stride[1];
  const int32_t SW = geo->stride[2];
  const int32_t PD = geo->pad[0], PH = geo->pad[1], PW = geo->pad[2];
  int32_t pd, ph, pw, i, j, l;
  /* Zero everything once, then copy the parts of the rows inside the image,
     in the phases some tap reads (a 1x1 window with stride 2 reads one of 4). */
  memset(dst, 0, (size_t)SD * SH * SW * Dph * Hph * Wph * sizeof(float));
  if (SW == 2 && aotc_conv_phase_read(geo, 2, 0) && aotc_conv_phase_read(geo, 2, 1)) {
    /* Both column phases read: each input row is split into them at once (aotc_conv_split2_f32,
       vectors of even and odd columns) rather than read once per phase by a strided loop, whose
       scalar steps and remainders over rows of 16 or 17 floats were a quarter of ResNet-8's
       strided 3x3 convs. Input column iw goes to column phase (iw + PW) & 1, column (iw + PW) / 2. */
    const ptrdiff_t phase = (ptrdiff_t)Dph * Hph * Wph;
    const int32_t n_in = IW < 2 * Wph - PW ? IW : 2 * Wph - PW, e = PW / 2;
    for (pd = 0; pd < SD && n_in > 0; ++pd)
      for (ph = 0; ph < SH; ++ph) {
        float *d0 = dst + (ptrdiff_t)(pd * SH + ph) * 2 * phase, *d1 = d0 + phase;
        if (!aotc_conv_phase_read(geo, 0, pd) || !aotc_conv_phase_read(geo, 1, ph)) continue;
        for (i = 0; i < Dph; ++i)
          for (j = 0; j < Hph; ++j) {
            const int32_t id = i * SD + pd - PD, ih = j * SH + ph - PH;
            const ptrdiff_t row = ((ptrdiff_t)i * Hph + j) * Wph + e;
            if (id < 0 || id >= ID || ih < 0 || ih >= IH) continue;
            aotc_conv_split2_f32(x + ((ptrdiff_t)id * IH + ih) * IW, (PW & 1 ? d1 : d0) + row,
                                 (PW & 1 ? d0 + 1 : d1) + row, n_in);
          }
      }
    return;
  }
  for (pd = 0; pd < SD; ++pd)
    for (ph = 0; ph < SH; ++ph)
      for (pw = 0; pw < SW; ++pw) {
        /* Columns l whose input column l*SW + pw - PW is inside the image. */
        const int32_t t = PW - pw, u = IW - 1 + PW - pw;
        int32_t lo = t <= 0 ? 0 : (t + SW - 1) / SW;
        int32_t hi = u < 0 ? 0 : u / SW + 1;
        if (!aotc_conv_phase_read(geo, 0, pd) || !aotc_conv_phase_read(geo, 1, ph) ||
            !aotc_conv_phase_read(geo, 2, pw)) {
          dst += (ptrdiff_t)Dph * Hph * Wph;
          continue;
        }
        if (hi > Wph) hi = Wph;
        for (i = 0; i < Dph; ++i)
          for (j = 0; j < Hph; ++j, dst += Wph) {
            const int32_t id = i * SD + pd - PD, ih = j * SH + ph - PH;
            const float *src;
            if (id < 0 || id >= ID || ih < 0 || ih >= IH || lo >= hi) continue;
            src = x + ((ptrdiff_t)id * IH + ih) * IW + (lo * SW + pw - PW);
            if (SW == 1)
              aotc_conv_copy_f32(dst + lo, src, hi - lo);
            else if (SW == 2) /* a constant stride, which compilers vectorize */
              for (l = lo; l < hi; ++l) dst[l] = src[(ptrdiff_t)(l - lo) * 2];
            else
              for (l = lo; l < hi; ++l) dst[l] = src[(ptrdiff_t)(l - lo) * SW];
          }
      }
}

#ifdef AOTC_CONV_VEC
/* Expands X(r) for every micro-kernel row r (4- and 8-row kernels). */
#define AOTC_CONV_ROWS4(X) X(0) X(1) X(2) X(3)
#define AOTC_CONV_ROWS8(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
/* Row r's weight: rows 0-3 from the first packed block, 4-7 from the next. */
#define AOTC_CONV_ROW_FMA(r)                \
  a = (r) < 4 ? Ak[(r) & 3] : Ak2[(r) & 3]; \
  c[r][0] += a * b0;                        \
  c[r][1] += a * b1;
/* Row r of a full tile: activation, then both vectors stored, through copies (constant r, and no address
   of c taken, keep c in registers). */
#define AOTC_CONV_ROW_STORE(r)                                     \
  {                                                                \
    aotc_cv_vt_ st0_ = c[r][0], st1_ = c[r][1];                    \
    if (act) {                                                     \
      AOTC_CONV_ACTIVATE(aotc_cv_vt_, aotc_cv_vi_, st0_, act, zero); \
      AOTC_CONV_ACTIVATE(aotc_cv_vt_, aotc_cv_vi_, st1_, act, zero); \
    }                                                              \
    memcpy(C0 + (ptrdiff_t)(r)*ldc, &st0_, sizeof st0_);           \
    memcpy(C1 + (ptrdiff_t)(r)*ldc1, &st1_, sizeof st1_);          \
  }
/* The micro-kernels' k loop: per k, the two input vectors at B0 and B1 + koff[k] times each row's weight. */
#define AOTC_CONV_GEMM_KLOOP(VT, ROWS)                                    \
  for (k = 0; k < K; ++k) {                                               \
    const float *Ak = A + (ptrdiff_t)k * 4, *Ak2 = A2 + (ptrdiff_t)k * 4; \
    VT b0, b1;                                                            \
    float a;                                                              \
    memcpy(&b0, B0 + koff[k], sizeof b0);                                 \
    memcpy(&b1, B1 + koff[k], sizeof b1);                                 \
    ROWS(AOTC_CONV_ROW_FMA)                                               \
    (void)Ak2;                                                            \
  }
/* Row r's accumulators start at its bias (or zero). */
#define AOTC_CONV_ROW_INIT(r) c[r][0] = c[r][1] = bias ? zero + bias[r] : zero;
/*
 * Defines, for vector type VT of VW floats (VI: ints of the same size), KR
 * output channels per tile (4 or 8, ROWS the matching AOTC_CONV_ROWS*) and
 * function attributes ATTR:
 *
 * NAME##_ukernel: a tile of mr (<= KR) output channels x 2 vectors of VW
 *   pixels: for j < VW,
 *     C0[r*ldc + j] = bias[r] + sum_k A(r, k) * B0[koff[k] + j]
 *     C1[r*ldc + j] = bias[r] + sum_k A(r, k) * B1[koff[k] + j]
 *   then the fused activation act (if not NULL). The two vectors can come from
 *   different image rows. A holds weight rows packed by aotc_conv_pack_f32 in
 *   blocks of 4 (A(r, k) = A[(r/4)*4*K + k*4 + r%4]). With nr < 2*VW only the
 *   first nr pixels are stored (then C1 must be C0 + VW). Full tiles (mr = KR,
 *   nr = 2*VW) go through NAME##_tile instead.
 * NAME##_gemm: y (Mg x cols, rows P apart) = w * B + bias, B's pixels
 *   contiguous (the input of a pointwise conv), B rows readable up to a
 *   multiple of 2*VW columns.
 * NAME##_shifted: the SHIFTED method over one group's input phases xp
 *   (planes of Dph x Hph x Wph): output pixel (od, oh, ow) reads B at
 *   xp + (od*Hph + oh)*Wph + ow; output channels are P floats apart in y.
 *   Where rows are a multiple of VW pixels (or nearly), each output row is
 *   cut into vectors of VW pixels (the last one shifted left to stay full,
 *   recomputing a few pixels), and vectors are paired into tiles, also
 *   across rows. Other rows (56 pixels: 64 computed that way) are tiled over
 *   the flat phase index, which computes only the Wph - OW padding columns of
 *   each row in vain (58 for 56).
 */
#define AOTC_CONV_GEMM(NAME, VT, VI, VW, KR, ROWS, ATTR)                                                        \
  static AOTC_UNUSED ATTR void NAME##_ukernel(int32_t K, const float *A, int32_t mr, const float *B0,           \
                                              const float *B1, const int32_t *koff, const float *bias,         \
                                              const aotc_conv_act *act, float *C0, float *C1, int32_t ldc,            \
                                              int32_t ldc1, int32_t nr) {                                      \
    /* Rows past mr repeat valid weights (computed, never stored). */                                          \
    const float *A2 = mr > 4 ? A + (ptrdiff_t)4 * K : A;                                                        \
    VT c[KR][2], zero;                                                                                          \
    float acc[2 * VW];                                                                                          \
    int32_t k, r, j;                                                                                            \
    memset(&zero, 0, sizeof zero);                                                                              \
    for (r = 0; r < KR; ++r) c[r][0] = c[r][1] = zero + (bias ? bias[r < mr ? r : mr - 1] : 0.0f);              \
    AOTC_CONV_GEMM_KLOOP(VT, ROWS)                                                                              \
    if (act)                                                                                                    \
      for (r = 0; r < mr; ++r) {                                                                                \
        AOTC_CONV_ACTIVATE(VT, VI, c[r][0], act, zero);                                                         \
        AOTC_CONV_ACTIVATE(VT, VI, c[r][1], act, zero);                                                         \
      }                                                                                                         \
    for (r = 0; r < mr; ++r) {                                                                                  \
      if (nr == 2 * VW) {                                                                                       \
        memcpy(C0 + (ptrdiff_t)r * ldc, &c[r][0], sizeof(VT));                                                  \
        memcpy(C1 + (ptrdiff_t)r * ldc1, &c[r][1], sizeof(VT));                                                 \
      } else {                                                                                                  \
        memcpy(acc, &c[r][0], sizeof(VT));                                                                      \
        memcpy(acc + VW, &c[r][1], sizeof(VT));                                                                 \
        for (j = 0; j < nr; ++j) C0[(ptrdiff_t)r * ldc + j] = acc[j];                                           \
      }                                                                                                         \
    }                                                                                                           \
  }                                                                                                             \
  /* A full tile (KR channels, 2*VW pixels) of NAME##_ukernel without its code for ragged tiles, whose loops    \
     over rows made GCC keep the accumulators in memory around the k loop (the cost showed with few k steps). */  \
  static AOTC_UNUSED ATTR void NAME##_tile(int32_t K, const float *A, const float *B0, const float *B1,          \
                                           const int32_t *koff, const float *bias, const aotc_conv_act *act,    \
                                           float *C0, float *C1, int32_t ldc, int32_t ldc1) {                   \
    const float *A2 = A + (ptrdiff_t)4 * K; /* (KR = 8: the second block; 4: never read) */                     \
    VT c[KR][2], zero;                                                                                          \
    int32_t k;                                                                                                  \
    memset(&zero, 0, sizeof zero);                                                                              \
    ROWS(AOTC_CONV_ROW_INIT)                                                                                    \
    AOTC_CONV_GEMM_KLOOP(VT, ROWS)                                                                              \
    {                                                                                                           \
      typedef VT aotc_cv_vt_;                                                                                   \
      typedef VI aotc_cv_vi_;                                                                                   \
      ROWS(AOTC_CONV_ROW_STORE)                                                                                 \
    }                                                                                                           \
  }                                                                                                             \
  static AOTC_UNUSED ATTR void NAME##_gemm(int32_t Mg, int32_t K, int32_t cols, const float *w, const float *B,  \
                                           const int32_t *koff, const float *bias, const aotc_conv_act *act, float *y, \
                                           int32_t P) {                                                         \
    int32_t q, m;                                                                                               \
    for (q = 0; q < cols; q += 2 * VW) {                                                                        \
      const int32_t nr = cols - q < 2 * VW ? cols - q : 2 * VW;                                                 \
      for (m = 0; m < Mg; m += KR) {                                                                            \
        float *yt = y + (ptrdiff_t)m * P + q;                                                                   \
        if (nr == 2 * VW && Mg - m >= KR)                                                                       \
          NAME##_tile(K, w + (ptrdiff_t)m * K, B + q, B + q + VW, koff, bias ? bias + m : NULL, act, yt,        \
                      yt + VW, P, P);                                                                           \
        else                                                                                                    \
          NAME##_ukernel(K, w + (ptrdiff_t)m * K, Mg - m < KR ? Mg - m : KR, B + q, B + q + VW, koff,           \
                         bias ? bias + m : NULL, act, yt, yt + VW, P, P, nr);                                  \
      }                                                                                                         \
    }                                                                                                           \
  }                                                                                                             \
  static AOTC_UNUSED ATTR void NAME##_shifted(int32_t Mg, int32_t K, const float *w, const float *xp,           \
                                              const int32_t *koff, const float *bias, const aotc_conv_act *act,        \
                                              float *y, int32_t OD, int32_t OH, int32_t OW, int32_t Hph,        \
                                              int32_t Wph, int32_t P) {                                         \
    int32_t m, r, j;                                                                                            \
    if (OW >= VW && (OW + VW - 1) / VW * VW <= Wph) {                                                           \
      /* (Rows cut into vectors waste no more here than the flat phase index below.) */                         \
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
        for (m = 0; m < Mg; m += KR)                                                                            \
          if (Mg - m >= KR)                                                                                     \
            NAME##_tile(K, w + (ptrdiff_t)m * K, b0, b1, koff, bias ? bias + m : NULL, act,                     \
                        y0 + (ptrdiff_t)m * P, y1 + (ptrdiff_t)m * P, P, P);                                    \
          else                                                                                                  \
            NAME##_ukernel(K, w + (ptrdiff_t)m * K, Mg - m, b0, b1, koff, bias ? bias + m : NULL, act,          \
                           y0 + (ptrdiff_t)m * P, y1 + (ptrdiff_t)m * P, P, P, 2 * VW);                         \
      }                                                                                                         \
    } else {                                                                                                    \
      /* Per depth plane, flat phase index q = oh*Wph + ow (the last valid one is below nq), 2*VW at a          \
         time: the columns past OW are computed and dropped. A vector inside one row's outputs is               \
         stored in place, others go through `tile` and are copied out row piece by row piece. */                \
      const int32_t nq = (OH - 1) * Wph + OW;                                                                   \
      float tile[KR * 2 * VW];                                                                                  \
      int32_t od, q0, v;                                                                                        \
      for (od = 0; od < OD; ++od) {                                                                             \
        const float *xd = xp + (ptrdiff_t)od * Hph * Wph;                                                       \
        float *yd = y + (ptrdiff_t)od * OH * OW;                                                                \
        for (q0 = 0; q0 < nq; q0 += 2 * VW) {                                                                   \
          int32_t at[2]; /* output offset of a vector stored in place, else -1 */                               \
          /* The other vectors' pieces inside output rows: `len` floats from lane `lane` of the tile to         \
             output offset `to`, found once for all blocks of output channels. */                               \
          int32_t to[2 * VW], lane[2 * VW], len[2 * VW], pieces = 0, i;                                         \
          for (v = 0; v < 2; ++v) {                                                                             \
            const int32_t q = q0 + v * VW;                                                                      \
            at[v] = q / Wph < OH && q % Wph + VW <= OW ? q / Wph * OW + q % Wph : -1;                           \
            for (j = 0; at[v] < 0 && j < VW;) {                                                                 \
              const int32_t qj = q + j, oh = qj / Wph, ow = qj % Wph;                                           \
              const int32_t run = Wph - ow < VW - j ? Wph - ow : VW - j, n = OW - ow < run ? OW - ow : run;     \
              if (oh >= OH) break;                                                                              \
              if (n > 0) to[pieces] = oh * OW + ow, lane[pieces] = v * VW + j, len[pieces++] = n;               \
              j += run;                                                                                         \
            }                                                                                                   \
          }                                                                                                     \
          for (m = 0; m < Mg; m += KR) {                                                                        \
            const int32_t mr = Mg - m < KR ? Mg - m : KR;                                                       \
            float *ym = yd + (ptrdiff_t)m * P;                                                                  \
            float *c0 = at[0] >= 0 ? ym + at[0] : tile, *c1 = at[1] >= 0 ? ym + at[1] : tile + VW;              \
            const int32_t ldc0 = at[0] >= 0 ? P : 2 * VW, ldc1 = at[1] >= 0 ? P : 2 * VW;                       \
            if (mr == KR)                                                                                       \
              NAME##_tile(K, w + (ptrdiff_t)m * K, xd + q0, xd + q0 + VW, koff, bias ? bias + m : NULL, act, c0, \
                          c1, ldc0, ldc1);                                                                      \
            else                                                                                                \
              NAME##_ukernel(K, w + (ptrdiff_t)m * K, mr, xd + q0, xd + q0 + VW, koff, bias ? bias + m : NULL,  \
                             act, c0, c1, ldc0, ldc1, 2 * VW);                                                  \
            for (i = 0; i < pieces; ++i)                                                                        \
              for (r = 0; r < mr; ++r)                                                                          \
                aotc_conv_copy16_f32(ym + (ptrdiff_t)r * P + to[i], tile + r * 2 * VW + lane[i], len[i]);       \
          }                                                                                                     \
        }                                                                                                       \
      }                                                                                                         \
    }                                                                                                           \
  }
AOTC_CONV_GEMM(aotc_conv_native, aotc_conv_vn, aotc_conv_in, AOTC_CONV_VWN, 4, AOTC_CONV_ROWS4, AOTC_CONV_NATIVE)
#ifdef __AVX512F__
/* Built for AVX-512: 16-wide, 8-channel tiles for images at least 16 pixels wide. */
AOTC_CONV_GEMM(aotc_conv_wide, aotc_conv_v16, aotc_conv_i16, 16, 8, AOTC_CONV_ROWS8, AOTC_CONV_NATIVE AOTC_CONV_ZMM)
#endif
#ifdef AOTC_CONV_DISPATCH
AOTC_CONV_GEMM(aotc_conv_avx2, aotc_conv_v8, aotc_conv_i8, 8, 4, AOTC_CONV_ROWS4, AOTC_CONV_AVX2)
AOTC_CONV_GEMM(aotc_conv_avx512, aotc_conv_v16, aotc_conv_i16, 16, 8, AOTC_CONV_ROWS8, AOTC_CONV_AVX512)
#endif

#else /* no vector extensions: plain C */
static AOTC_UNUSED void aotc_conv_native_gemm(int32_t Mg, int32_t K, int32_t cols, const float *w, const float *B,
                                              const int32_t *koff, const float *bias, const aotc_conv_act *act, float *y,
                                              int32_t P) {
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
        for (j = 0; j < nr; ++j) y[(ptrdiff_t)(m + r) * P + q + j] = aotc_conv_activate(acc[r][j], act);
    }
}
static AOTC_UNUSED void aotc_conv_native_shifted(int32_t Mg, int32_t K, const float *w, const float *xp,
                                                 const int32_t *koff, const float *bias, const aotc_conv_act *act,
                                                 float *y, int32_t OD, int32_t OH, int32_t OW, int32_t Hph,
                                                 int32_t Wph, int32_t P) {
  int32_t od, oh, ow, m, k;
  for (m = 0; m < Mg; ++m)
    for (od = 0; od < OD; ++od)
      for (oh = 0; oh < OH; ++oh)
        for (ow = 0; ow < OW; ++ow) {
          const float *b = xp + ((ptrdiff_t)od * Hph + oh) * Wph + ow;
          float acc = bias ? bias[m] : 0.0f;
          for (k = 0; k < K; ++k) acc += w[(ptrdiff_t)(m / 4 * 4) * K + k * 4 + m % 4] * b[koff[k]]; /* packed */
          y[(ptrdiff_t)m * P + ((ptrdiff_t)od * OH + oh) * OW + ow] = aotc_conv_activate(acc, act);
        }
}
#endif

/*
 * The packed weight formats conv_mr4 and conv_mr16 (MR = 4 or 16), defined
 * here once: weights w (Mg x K, one group) in blocks of MR rows, each block
 * stored k-major (wp[block*MR*K + k*MR + r]); rows past Mg repeat the last.
 * aotc_conv_f32 and aotc_sconv_f32 read conv_mr4, aotc_conv_cv_f32 conv_mr16.
 */
static AOTC_UNUSED void aotc_conv_pack_f32(const float *w, int32_t Mg, int32_t K, int32_t MR, float *wp) {
  int32_t m, k, r;
  for (m = 0; m < Mg; m += MR)
    for (k = 0; k < K; ++k)
      for (r = 0; r < MR; ++r) *wp++ = w[(ptrdiff_t)(m + r < Mg ? m + r : Mg - 1) * K + k];
}

/*
 * Packs ONNX weights w (G groups of Mg x K) into conv_mr<MR>, group after
 * group: G x ceil(Mg / MR) x K x MR floats. aotc runs it at compile time
 * (aotc.PackConvWeights, ops/conv.cpp), so constant weights are stored packed.
 */
AOTC_KERNEL void aotc_conv_pack_weights_f32(const float *w, float *wp, int32_t G, int32_t Mg, int32_t K,
                                            int32_t MR) {
  const ptrdiff_t packed_group = (ptrdiff_t)(Mg + MR - 1) / MR * MR * K;
  int32_t gi;
  for (gi = 0; gi < G; ++gi) aotc_conv_pack_f32(w + (ptrdiff_t)gi * Mg * K, Mg, K, MR, wp + gi * packed_group);
}

/* The GEMMs of aotc_conv_f32, on the best code path for this CPU. */
static AOTC_UNUSED void aotc_conv_gemm_f32(int32_t Mg, int32_t K, int32_t cols, const float *w, const float *B,
                                          const int32_t *koff, const float *bias, const aotc_conv_act *act, float *y,
                                          int32_t P) {
#if defined(AOTC_CONV_VEC) && defined(__AVX512F__)
  aotc_conv_wide_gemm(Mg, K, cols, w, B, koff, bias, act, y, P);
  return;
#endif
#ifdef AOTC_CONV_DISPATCH
  if (AOTC_CONV_HAVE_AVX512()) {
    aotc_conv_avx512_gemm(Mg, K, cols, w, B, koff, bias, act, y, P);
    return;
  }
  if (AOTC_CONV_HAVE_AVX2()) {
    aotc_conv_avx2_gemm(Mg, K, cols, w, B, koff, bias, act, y, P);
    return;
  }
#endif
  aotc_conv_native_gemm(Mg, K, cols, w, B, koff, bias, act, y, P);
}

static AOTC_UNUSED void aotc_conv_shifted_f32(int32_t Mg, int32_t K, const float *w, const float *xp,
                                             const int32_t *koff, const float *bias, const aotc_conv_act *act, float *y,
                                             int32_t OD, int32_t OH, int32_t OW, int32_t Hph, int32_t Wph,
                                             int32_t P) {
#if defined(AOTC_CONV_VEC) && defined(__AVX512F__)
  if (OW >= 16) {
    aotc_conv_wide_shifted(Mg, K, w, xp, koff, bias, act, y, OD, OH, OW, Hph, Wph, P);
    return;
  }
#endif
#ifdef AOTC_CONV_DISPATCH
  /* The 16-wide kernel needs rows of 16 pixels; narrower images use AVX2's 8. */
  if (OW >= 16 && AOTC_CONV_HAVE_AVX512()) {
    aotc_conv_avx512_shifted(Mg, K, w, xp, koff, bias, act, y, OD, OH, OW, Hph, Wph, P);
    return;
  }
  if (AOTC_CONV_HAVE_AVX2()) {
    aotc_conv_avx2_shifted(Mg, K, w, xp, koff, bias, act, y, OD, OH, OW, Hph, Wph, P);
    return;
  }
#endif
  aotc_conv_native_shifted(Mg, K, w, xp, koff, bias, act, y, OD, OH, OW, Hph, Wph, P);
}

/*
 * One group of a 2D SHIFTED conv with geo->band > 0 (ops/conv.cpp's
 * conv_band: a network's stem, whose phases for the whole image would not
 * stay in the L1 cache): the input is copied into
 * phases geo->band output rows at a time (koff was computed for phases of
 * band + (KH-1)*DH/SH rows), which the GEMM then reads from the cache they
 * were just written to. Output rows [oh0, oh0 + rows) read padded input rows
 * from oh0*SH - PH on: the band's geometry is the conv's with its top pad
 * moved up by oh0*SH.
 */
static AOTC_UNUSED void aotc_conv_banded_f32(const float *xg, const float *wg, const float *bg, float *yg, float *buf,
                                             const aotc_conv_params *geo, const int32_t *koff,
                                             const aotc_conv_act *act) {
  const int32_t Cg = geo->cg, Mg = geo->mg, IH = geo->in[1], IW = geo->in[2], OH = geo->out[1], OW = geo->out[2];
  const int32_t K = Cg * geo->kernel[1] * geo->kernel[2];
  aotc_conv_params band = *geo;
  int32_t Hph, Wph, oh0, c, i;
  ptrdiff_t chan;
  band.out[1] = geo->band; /* every band's phases have the same shape, matching koff */
  Hph = aotc_conv_phase_extent(&band, 1);
  Wph = aotc_conv_phase_extent(&band, 2);
  chan = (ptrdiff_t)geo->stride[1] * geo->stride[2] * Hph * Wph;
  for (i = 0; i < AOTC_CONV_NR_MAX; ++i) buf[Cg * chan + i] = 0.0f; /* read past the end by the last tile */
  for (oh0 = 0; oh0 < OH; oh0 += geo->band) {
    const int32_t rows = OH - oh0 < geo->band ? OH - oh0 : geo->band;
    band.pad[1] = geo->pad[1] - oh0 * geo->stride[1];
    for (c = 0; c < Cg; ++c)
      aotc_conv_phase_copy_f32(xg + (ptrdiff_t)c * IH * IW, buf + c * chan, &band, 1, Hph, Wph);
    aotc_conv_shifted_f32(Mg, K, wg, buf, koff, bg, act, yg + (ptrdiff_t)oh0 * OW, 1, rows, OW, Hph, Wph, OH * OW);
  }
}

/*
 * y = act(y + res) over pixels [p0, p1) of `rows` planes of P pixels, each
 * pixel `lanes` floats: an NCHW output's channels (lanes 1), or an nchw16c
 * one's blocks (lanes 16).
 */
static AOTC_UNUSED void aotc_conv_residual_f32(float *y, const float *res, int32_t rows, int32_t P, int32_t p0,
                                               int32_t p1, int32_t lanes, const aotc_conv_act *act) {
  const ptrdiff_t n = (ptrdiff_t)(p1 - p0) * lanes;
  int32_t r;
  ptrdiff_t i;
  for (r = 0; r < rows; ++r) {
    float *yr = y + ((ptrdiff_t)r * P + p0) * lanes;
    const float *rr = res + ((ptrdiff_t)r * P + p0) * lanes;
    if (!act)
      for (i = 0; i < n; ++i) yr[i] += rr[i];
    else if (act->kind == AOTC_CONV_ACT_CLAMP)
      for (i = 0; i < n; ++i) {
        const float v = yr[i] + rr[i];
        yr[i] = v < act->a ? act->a : (v > act->b ? act->b : v);
      }
    else
      for (i = 0; i < n; ++i) yr[i] = aotc_conv_activate(yr[i] + rr[i], act);
  }
}

/*
 * y = act(y + residual) over n floats: the residual Add of an aotc.FusedConv
 * whose conv kernel takes no residual (ops/conv.cpp), run on its output.
 */
AOTC_KERNEL void aotc_conv_add_residual_f32(const float *residual, float *y, int32_t n, int32_t act_kind, float act_a,
                                            float act_b) {
  aotc_conv_act act_s;
  aotc_conv_residual_f32(y, residual, 1, n, 0, n, 1, aotc_conv_act_init(&act_s, act_kind, act_a, act_b));
}

/*
 * Weights come either packed by aotc at compile time (wpacked, conv_mr4:
 * per group roundup(Mg, MR) x K floats; w unused) or as the ONNX tensor w (wpacked NULL),
 * then packed into scratch. koff: K offsets, row k of B (see the file
 * comment). scratch: without wpacked, room for packed weights ((Mg + MR) x K
 * floats); then the
 * phases of one group's input (SHIFTED) or a zero-padded copy of the
 * pointwise input's ragged last columns.
 */
AOTC_KERNEL void aotc_conv_f32(const float *x, const float *w, const float *wpacked, const float *bias, float *y,
                               void *scratch, const aotc_conv_params *geo, const int32_t *koff, int32_t act_kind,
                               float act_a, float act_b) {
  const int32_t N = geo->n, G = geo->groups, Cg = geo->cg, Mg = geo->mg;
  const int32_t ID = geo->in[0], IH = geo->in[1], IW = geo->in[2];
  const int32_t OD = geo->out[0], OH = geo->out[1], OW = geo->out[2], P = OD * OH * OW;
  const int32_t K = Cg * geo->kernel[0] * geo->kernel[1] * geo->kernel[2], method = geo->method;
  const int32_t Dph = aotc_conv_phase_extent(geo, 0), Hph = aotc_conv_phase_extent(geo, 1);
  const int32_t Wph = aotc_conv_phase_extent(geo, 2);
  /* floats per input channel */
  const ptrdiff_t chan = (ptrdiff_t)geo->stride[0] * geo->stride[1] * geo->stride[2] * Dph * Hph * Wph;
  float *wp = (float *)scratch;
  float *buf = wpacked ? wp : wp + (ptrdiff_t)(Mg + AOTC_CONV_MR) * K;
  aotc_conv_act act_s;
  const aotc_conv_act *act = aotc_conv_act_init(&act_s, act_kind, act_a, act_b);
  const ptrdiff_t packed_group = (ptrdiff_t)(Mg + AOTC_CONV_MR - 1) / AOTC_CONV_MR * AOTC_CONV_MR * K;
  int32_t n, gi, c, i;
  for (n = 0; n < N; ++n)
    for (gi = 0; gi < G; ++gi) {
      const float *xg = x + ((ptrdiff_t)n * G + gi) * Cg * ID * IH * IW;
      const float *wg = wpacked ? wpacked + gi * packed_group : wp;
      const float *bg = bias ? bias + (ptrdiff_t)gi * Mg : NULL;
      float *yg = y + ((ptrdiff_t)n * G + gi) * Mg * P;
      if (!wpacked) aotc_conv_pack_f32(w + (ptrdiff_t)gi * Mg * K, Mg, K, AOTC_CONV_MR, wp);
      if (method == AOTC_CONV_POINTWISE) {
        /* B = the input itself (K x P); the ragged last columns go through a zero-padded copy. */
        const int32_t full = P / AOTC_CONV_NR_MAX * AOTC_CONV_NR_MAX;
        aotc_conv_gemm_f32(Mg, K, full, wg, xg, koff, bg, act, yg, P);
        if (full < P) {
          int32_t k, j;
          int32_t *koff_tail = (int32_t *)(void *)(buf + (ptrdiff_t)K * AOTC_CONV_NR_MAX);
          for (k = 0; k < K; ++k) {
            for (j = 0; j < AOTC_CONV_NR_MAX; ++j)
              buf[(ptrdiff_t)k * AOTC_CONV_NR_MAX + j] = full + j < P ? xg[(ptrdiff_t)k * P + full + j] : 0.0f;
            koff_tail[k] = k * AOTC_CONV_NR_MAX;
          }
          aotc_conv_gemm_f32(Mg, K, P - full, wg, buf, koff_tail, bg, act, yg + full, P);
        }
      } else if (geo->band > 0) {
        aotc_conv_banded_f32(xg, wg, bg, yg, buf, geo, koff, act);
      } else {
        for (c = 0; c < Cg; ++c)
          aotc_conv_phase_copy_f32(xg + (ptrdiff_t)c * ID * IH * IW, buf + c * chan, geo, Dph, Hph, Wph);
        for (i = 0; i < AOTC_CONV_NR_MAX; ++i) buf[Cg * chan + i] = 0.0f; /* read past the end by the last tile */
        aotc_conv_shifted_f32(Mg, K, wg, buf, koff, bg, act, yg, OD, OH, OW, Hph, Wph, P);
      }
    }
}

/*
 * aotc_conv_maxpool_f32's conv tile with geo->blocked (see there): nb (1..4)
 * blocks of 16 output channels x AOTC_CONV_MP_NP pixels of one output row, y
 * nchw16c: for j < NP and r < 16*nb,
 *   y[(r/16)*ystride + 16*j + r%16] = act(bias[r] + sum_k w(r, k) * xp[koff[k] + j])
 * with weights conv_mr16 (block b at wb + b*wstride, k-major). A k step loads
 * nb weight vectors and broadcasts NP inputs for nb*NP FMAs, and the tile's
 * stores are whole 64-byte pixels: with a stem's few k steps (SqueezeNet's
 * K = 27), aotc_conv_f32's tile of 8 channels x 32 pixels spends about 30% of
 * its time (perf annotate) outside its k loop, on its 16 stores into 8 planes
 * and setting up; in that stem this tile took 216 us where it took 258.
 */
#define AOTC_CONV_MP_NP 6
typedef void (*aotc_conv_mp_tile_fn)(const float *xp, const int32_t *koff, int32_t K, const float *wb,
                                     ptrdiff_t wstride, int32_t nb, const float *bias, const aotc_conv_act *act,
                                     float *y, ptrdiff_t ystride);
#if defined(AOTC_CONV_VEC)
#define AOTC_CONV_MP_EACHV(X) X(0) X(1) X(2) X(3)
#define AOTC_CONV_MP_EACHJ(X) X(0) X(1) X(2) X(3) X(4) X(5)
#define AOTC_CONV_MP_LOADW(v) \
  if ((v) < nb_) memcpy(&w[v], wb + (v)*wstride + (ptrdiff_t)k * 16, sizeof w[v]);
#define AOTC_CONV_MP_FMAV(v) \
  if ((v) < nb_) acc[v][j_] += w[v] * b_;
#define AOTC_CONV_MP_FMA(j)         \
  {                                 \
    const int32_t j_ = (j);         \
    const float b_ = bk[j];         \
    AOTC_CONV_MP_EACHV(AOTC_CONV_MP_FMAV) \
  }
/* Block v's accumulators: its bias (zero past nb, never stored). */
#define AOTC_CONV_MP_INITJ(j) acc[v_][j] = bv_;
#define AOTC_CONV_MP_INIT(v)                                                   \
  {                                                                            \
    const int32_t v_ = (v);                                                    \
    aotc_conv_v16 bv_ = zero;                                                  \
    if (bias && (v) < nb) memcpy(&bv_, bias + 16 * (v), sizeof bv_);          \
    AOTC_CONV_MP_EACHJ(AOTC_CONV_MP_INITJ)                                     \
  }
/* Block v's pixels, activated, to y (constant indices keep the accumulators in registers). */
#define AOTC_CONV_MP_STOREJ(j)                                                          \
  if (act) AOTC_CONV_ACTIVATE(aotc_conv_v16, aotc_conv_i16, acc[v_][j], act, zero);     \
  memcpy(y + (ptrdiff_t)v_ * ystride + 16 * (j), &acc[v_][j], sizeof acc[v_][j]);
#define AOTC_CONV_MP_STOREV(v)               \
  if ((v) < nb) {                            \
    const int32_t v_ = (v);                  \
    AOTC_CONV_MP_EACHJ(AOTC_CONV_MP_STOREJ)  \
  }
#define AOTC_CONV_MP_KLOOP(NB)                         \
  for (k = 0; k < K; ++k) {                            \
    const int32_t nb_ = (NB);                          \
    const float *bk = xp + koff[k];                    \
    aotc_conv_v16 w[4];                                \
    AOTC_CONV_MP_EACHV(AOTC_CONV_MP_LOADW)             \
    AOTC_CONV_MP_EACHJ(AOTC_CONV_MP_FMA)               \
  }
#define AOTC_CONV_MP_TILE(NAME, ATTR)                                                                             \
  static AOTC_UNUSED ATTR void NAME(const float *xp, const int32_t *koff, int32_t K, const float *wb,              \
                                    ptrdiff_t wstride, int32_t nb, const float *bias, const aotc_conv_act *act,   \
                                    float *y, ptrdiff_t ystride) {                                              \
    aotc_conv_v16 acc[4][AOTC_CONV_MP_NP], zero;                                                                 \
    int32_t k;                                                                                                   \
    memset(&zero, 0, sizeof zero);                                                                               \
    AOTC_CONV_MP_EACHV(AOTC_CONV_MP_INIT)                                                                        \
    if (nb >= 4)                                                                                                 \
      AOTC_CONV_MP_KLOOP(4)                                                                                      \
    else if (nb == 3)                                                                                            \
      AOTC_CONV_MP_KLOOP(3)                                                                                      \
    else if (nb == 2)                                                                                            \
      AOTC_CONV_MP_KLOOP(2)                                                                                      \
    else                                                                                                         \
      AOTC_CONV_MP_KLOOP(1)                                                                                      \
    AOTC_CONV_MP_EACHV(AOTC_CONV_MP_STOREV)                                                                      \
  }
#if defined(__AVX512F__)
AOTC_CONV_MP_TILE(aotc_conv_mp_tile_native, AOTC_CONV_NATIVE AOTC_CONV_ZMM)
#endif
#ifdef AOTC_CONV_DISPATCH
AOTC_CONV_MP_TILE(aotc_conv_mp_tile_avx512, AOTC_CONV_AVX512)
#endif
#define AOTC_CONV_MP_ATTR AOTC_CONV_NATIVE
#else
#define AOTC_CONV_MP_ATTR
#endif
/* The same in plain C (cores without 512-bit vectors, where ops/conv.cpp does not pick it). */
static AOTC_UNUSED AOTC_CONV_MP_ATTR void aotc_conv_mp_tile_c(const float *xp, const int32_t *koff, int32_t K,
                                                              const float *wb, ptrdiff_t wstride, int32_t nb,
                                                              const float *bias, const aotc_conv_act *act, float *y,
                                                              ptrdiff_t ystride) {
  float acc[AOTC_CONV_MP_NP][16];
  int32_t b, k, j, r;
  for (b = 0; b < nb; ++b) {
    for (j = 0; j < AOTC_CONV_MP_NP; ++j)
      for (r = 0; r < 16; ++r) acc[j][r] = bias ? bias[16 * b + r] : 0.0f;
    for (k = 0; k < K; ++k)
      for (j = 0; j < AOTC_CONV_MP_NP; ++j) {
        const float xv = xp[koff[k] + j];
        for (r = 0; r < 16; ++r) acc[j][r] += wb[b * wstride + (ptrdiff_t)k * 16 + r] * xv;
      }
    for (j = 0; j < AOTC_CONV_MP_NP; ++j)
      for (r = 0; r < 16; ++r) y[b * ystride + 16 * j + r] = aotc_conv_activate(acc[j][r], act);
  }
}
static AOTC_UNUSED aotc_conv_mp_tile_fn aotc_conv_mp_pick(void) {
#if defined(AOTC_CONV_VEC) && defined(__AVX512F__)
  return aotc_conv_mp_tile_native;
#else
#ifdef AOTC_CONV_DISPATCH
  if (AOTC_CONV_HAVE_AVX512()) return aotc_conv_mp_tile_avx512;
#endif
  return aotc_conv_mp_tile_c;
#endif
}

#if defined(AOTC_CONV_VEC) && defined(__AVX512F__)
/* m = v > m ? v : m for the pixel at p (16 floats). */
#define AOTC_CONV_MP_TAP(m, p)           \
  do {                                   \
    aotc_conv_v16 t_;                    \
    memcpy(&t_, p, sizeof t_);           \
    AOTC_MAXPOOL_VMAX16(m, t_);          \
  } while (0)
/* Channel c's n (<= 16) pixels from 16 pixels' vectors p[0..15] (16 channels each): a 16 x 16 transpose
   (unpacks within 128-bit lanes, then lane shuffles), then row c to y + c*ystride. */
static AOTC_UNUSED void aotc_conv_mp_transpose16(const float *p, float *y, ptrdiff_t ystride, int32_t n) {
  __m512 r[16], t[16];
  const __mmask16 mask = (__mmask16)((1u << n) - 1u);
  int i;
  for (i = 0; i < 16; ++i) r[i] = _mm512_loadu_ps(p + 16 * i);
  for (i = 0; i < 16; i += 2) { /* per lane L: pixels i, i+1 of channels 4L..4L+3, interleaved */
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (i = 0; i < 16; i += 4) { /* r[i + j]: per lane L, channel 4L + j of pixels i..i+3 */
    r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
    r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
    r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
    r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
  }
  for (i = 0; i < 4; ++i) { /* lanes 0 and 2, then 1 and 3, of pixels 0-3 and 4-7 (8-11 and 12-15) */
    t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);
    t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xdd);
    t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
    t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xdd);
  }
  for (i = 0; i < 8; ++i) { /* channel i (lanes 0 and 2 of both halves), then channel i + 8 */
    _mm512_mask_storeu_ps(y + i * ystride, mask, _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88));
    _mm512_mask_storeu_ps(y + (i + 8) * ystride, mask, _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd));
  }
}
#endif

/*
 * Pool rows [oh0, oh1) of the 16 channels of one nchw16c plane of conv rows
 * (x: conv row x_row0's first pixel, rows CW pixels apart) into NCHW planes y
 * (16 planes OP floats apart): each output pixel's 16 channels are the taps'
 * vector max in order (rows, then columns; a window inside the padding gives
 * -FLT_MAX, as aotc_maxpool_f32), into tr (16 x OW rounded up to 16 floats),
 * then transposed out channel by channel.
 */
static AOTC_UNUSED void aotc_conv_mp_pool_f32(const float *x, int32_t x_row0, int32_t CH, int32_t CW, float *y,
                                             ptrdiff_t OP, int32_t oh0, int32_t oh1, const aotc_pool_params *pool,
                                             float *tr) {
  const int32_t KH = pool->kernel[1], KW = pool->kernel[2], SH = pool->stride[1], SW = pool->stride[2];
  const int32_t PH = pool->pad[1], PW = pool->pad[2], OW = pool->out[2];
  int32_t oh, ow, h, w, c;
  for (oh = oh0; oh < oh1; ++oh) {
    const int32_t sh = oh * SH - PH, h0 = sh < 0 ? 0 : sh, h1 = sh + KH < CH ? sh + KH : CH;
    float *yr = y + (ptrdiff_t)oh * OW;
    for (ow = 0; ow < OW; ++ow) {
      const int32_t sw = ow * SW - PW, w0 = sw < 0 ? 0 : sw, w1 = sw + KW < CW ? sw + KW : CW;
      const float *x0 = x + ((ptrdiff_t)(h0 - x_row0) * CW + w0) * 16;
      float *t = tr + 16 * ow;
      if (h1 <= h0 || w1 <= w0) {
        for (c = 0; c < 16; ++c) t[c] = -FLT_MAX;
        continue;
      }
#if defined(AOTC_CONV_VEC) && defined(__AVX512F__)
      {
        aotc_conv_v16 best;
        memcpy(&best, x0, sizeof best);
        if (h1 - h0 == 3 && w1 - w0 == 3) { /* a whole 3x3 window, unrolled */
          const ptrdiff_t rs = (ptrdiff_t)CW * 16;
          AOTC_CONV_MP_TAP(best, x0 + 16);
          AOTC_CONV_MP_TAP(best, x0 + 32);
          AOTC_CONV_MP_TAP(best, x0 + rs);
          AOTC_CONV_MP_TAP(best, x0 + rs + 16);
          AOTC_CONV_MP_TAP(best, x0 + rs + 32);
          AOTC_CONV_MP_TAP(best, x0 + 2 * rs);
          AOTC_CONV_MP_TAP(best, x0 + 2 * rs + 16);
          AOTC_CONV_MP_TAP(best, x0 + 2 * rs + 32);
        } else {
          for (h = h0; h < h1; ++h)
            for (w = h == h0 ? w0 + 1 : w0; w < w1; ++w)
              AOTC_CONV_MP_TAP(best, x + ((ptrdiff_t)(h - x_row0) * CW + w) * 16);
        }
        memcpy(t, &best, sizeof best);
      }
#else
      for (c = 0; c < 16; ++c) t[c] = x0[c];
      for (h = h0; h < h1; ++h)
        for (w = h == h0 ? w0 + 1 : w0; w < w1; ++w) {
          const float *v = x + ((ptrdiff_t)(h - x_row0) * CW + w) * 16;
          for (c = 0; c < 16; ++c)
            if (v[c] > t[c]) t[c] = v[c];
        }
#endif
    }
#if defined(AOTC_CONV_VEC) && defined(__AVX512F__)
    for (ow = 0; ow < OW; ow += 16)
      aotc_conv_mp_transpose16(tr + 16 * ow, yr + ow, OP, OW - ow < 16 ? OW - ow : 16);
#else
    for (c = 0; c < 16; ++c)
      for (ow = 0; ow < OW; ++ow) yr[c * OP + ow] = tr[16 * ow + c];
#endif
  }
}

/*
 * aotc_conv_maxpool_f32 (aotc.FusedConvMaxPool, ops/conv.cpp): a float
 * MaxPool (2D, no dilation) over the output of a one-group 2D SHIFTED conv,
 * without that output in memory: the conv's rows are computed geo->band at a
 * time (koff for phases of that many rows, as aotc_conv_banded_f32) into
 * scratch, and the pool's output rows whose windows they complete are pooled
 * from there while they are still in the cache. A network's stem
 * (SqueezeNet's and ResNet-18's: 3 MB of conv output, pooled to a quarter)
 * then writes and reads back a few rows at a time. Results are those of
 * aotc_conv_f32 and aotc_maxpool_f32 in turn.
 * With geo->blocked (AOTC_CONV_BLOCKED_OUT: output channels a multiple of 16,
 * rows of at least AOTC_CONV_MP_NP pixels), the rows are kept nchw16c, written
 * by aotc_conv_mp_tile_* and pooled by aotc_conv_mp_pool_f32.
 * wpacked: conv_mr4 weights, or conv_mr16 with geo->blocked. pool: the MaxPool
 * over the conv's output (pool->in = geo->out). scratch: the phases of a band
 * and 32 floats of slack (the plan's scratch), then geo->mg planes of
 * geo->band + KH - 1 conv rows, then (geo->blocked) 16 x pool->out[2] rounded up to 16 floats.
 */
AOTC_KERNEL void aotc_conv_maxpool_f32(const float *x, const float *wpacked, const float *bias, float *y,
                                       void *scratch, const aotc_conv_params *geo, const aotc_pool_params *pool,
                                       const int32_t *koff, int32_t act_kind, float act_a, float act_b) {
  const int32_t N = geo->n, Cg = geo->cg, Mg = geo->mg, IH = geo->in[1], IW = geo->in[2];
  const int32_t CH = geo->out[1], CW = geo->out[2]; /* the conv's output rows, the pool's input */
  const int32_t K = Cg * geo->kernel[1] * geo->kernel[2];
  const int32_t KH = pool->kernel[1], SH = pool->stride[1], PH = pool->pad[1], OH = pool->out[1];
  const ptrdiff_t OP = (ptrdiff_t)OH * pool->out[2];
  /* conv rows kept: at most KH - 1 a finished pool row leaves for the next, then a band */
  const ptrdiff_t rows_plane = (ptrdiff_t)(geo->band + KH - 1) * CW;
  const int32_t blocked = (geo->blocked & AOTC_CONV_BLOCKED_OUT) != 0, blocks = Mg / 16;
  /* Floats from one channel's (or, blocked, one block's) plane of rows to the next, and per pixel. */
  const ptrdiff_t plane = blocked ? 16 * rows_plane : rows_plane, lanes = blocked ? 16 : 1;
  const int32_t planes = blocked ? blocks : Mg;
  const aotc_conv_mp_tile_fn tile = aotc_conv_mp_pick();
  aotc_conv_params band = *geo;
  aotc_conv_act act_s;
  const aotc_conv_act *act = aotc_conv_act_init(&act_s, act_kind, act_a, act_b);
  float *buf = (float *)scratch, *rows, *tr;
  int32_t Hph, Wph, n, c, m, i, wa, wb, ha, hb;
  ptrdiff_t chan;
  if (!aotc_maxpool2d_bounds(pool, &wa, &wb, &ha, &hb)) return; /* (never lowered so) */
  band.out[1] = geo->band; /* every band's phases have the same shape, matching koff */
  Hph = aotc_conv_phase_extent(&band, 1);
  Wph = aotc_conv_phase_extent(&band, 2);
  chan = (ptrdiff_t)geo->stride[1] * geo->stride[2] * Hph * Wph;
  rows = buf + Cg * chan + AOTC_CONV_NR_MAX;
  tr = rows + (ptrdiff_t)Mg * rows_plane;
  for (i = 0; i < AOTC_CONV_NR_MAX; ++i) buf[Cg * chan + i] = 0.0f; /* read past the end by the last tile */
  for (n = 0; n < N; ++n) {
    const float *xn = x + (ptrdiff_t)n * Cg * IH * IW;
    float *yn = y + (ptrdiff_t)n * Mg * OP;
    int32_t lo = 0, hi = 0; /* rows holds conv rows [lo, hi) */
    int32_t oh = 0;         /* the next pool row to store */
    while (oh < OH) {
      const int32_t sh = oh * SH - PH, need_lo = sh < 0 ? 0 : sh, need_hi = sh + KH < CH ? sh + KH : CH;
      int32_t oh_end = oh + 1;
      if (need_hi > hi) {
        /* Keep the rows from need_lo on, then compute the next band of rows after them. */
        const int32_t start = need_lo > hi ? need_lo : hi, count = CH - start < geo->band ? CH - start : geo->band;
        if (need_lo > lo && need_lo < hi)
          for (m = 0; m < planes; ++m)
            memmove(rows + m * plane, rows + m * plane + (ptrdiff_t)(need_lo - lo) * CW * lanes,
                    (size_t)(hi - need_lo) * (size_t)CW * (size_t)lanes * sizeof(float));
        lo = need_lo < hi ? (need_lo > lo ? need_lo : lo) : start;
        band.pad[1] = geo->pad[1] - start * geo->stride[1];
        for (c = 0; c < Cg; ++c)
          aotc_conv_phase_copy_f32(xn + (ptrdiff_t)c * IH * IW, buf + c * chan, &band, 1, Hph, Wph);
        if (!blocked) {
          aotc_conv_shifted_f32(Mg, K, wpacked, buf, koff, bias, act, rows + (ptrdiff_t)(start - lo) * CW, 1, count,
                                CW, Hph, Wph, rows_plane);
        } else {
          /* Tiles of NP pixels along each row (the last shifted left to stay whole) x up to 4 blocks. */
          int32_t r, ow, b0;
          for (r = 0; r < count; ++r)
            for (ow = 0; ow < CW; ow += AOTC_CONV_MP_NP) {
              const int32_t s = ow + AOTC_CONV_MP_NP <= CW ? ow : CW - AOTC_CONV_MP_NP;
              for (b0 = 0; b0 < blocks; b0 += 4)
                tile(buf + (ptrdiff_t)r * Wph + s, koff, K, wpacked + (ptrdiff_t)b0 * K * 16, (ptrdiff_t)K * 16,
                     blocks - b0 < 4 ? blocks - b0 : 4, bias ? bias + 16 * b0 : NULL, act,
                     rows + b0 * plane + ((ptrdiff_t)(start - lo + r) * CW + s) * 16, plane);
            }
        }
        hi = start + count;
        continue;
      }
      /* Every pool row whose window the rows held complete. */
      while (oh_end < OH && (oh_end * SH - PH + KH < CH ? oh_end * SH - PH + KH : CH) <= hi) ++oh_end;
      for (m = 0; m < planes; ++m)
        if (blocked)
          aotc_conv_mp_pool_f32(rows + m * plane, lo, CH, CW, yn + 16 * m * OP, OP, oh, oh_end, pool, tr);
        else
          aotc_maxpool2d_rows_f32(rows + m * plane, lo, yn + m * OP, oh, oh_end, pool, wa, wb, ha, hb);
      oh = oh_end;
    }
  }
}

/* ---- small planes: vectorized over output channels ------------------------ */

/*
 * aotc_conv_cv_f32: the same convolutions as aotc_conv_f32 (either method,
 * same koff and scratch), vectorized over output channels instead of pixels,
 * for images too small for aotc_conv_f32's tiles of 2 vectors of pixels
 * (those compute padding columns and ragged tails, and reread all weights per
 * tile). A tile is MB blocks of AOTC_CONV_CV_MR output channels x NP output
 * pixels: per k, MB weight vectors and NP broadcast inputs, at any pixel
 * offsets, so no padding column is computed. The weight blocks of a tile are
 * reused over all its pixel tiles while they sit in cache.
 * Weights come packed by aotc (ops/conv.cpp) as conv_mr16: blocks of
 * AOTC_CONV_CV_MR output channels stored k-major, per group:
 *   wp[(block*K + k)*MR + r] = w[block*MR + r][k], rows past Mg repeating the last.
 */
#define AOTC_CONV_CV_MR 16
/* Pixels per tile at most (the widest variant's NP). */
#define AOTC_CONV_CV_NP_MAX 14
/*
 * A tile function: nb (1..MB) weight blocks wb, wb + wstride, ... x NP pixels;
 * pixel j reads B at xp + pix[j] + koff[k] and writes y[r*P + yoff + j] for
 * r < mr (mr <= nb*MR) and j < npt (pix repeats a valid pixel past npt); with
 * `blocked` (an nchw16c output, mr a multiple of MR) y[(r/MR*P + yoff + j)*MR + r%MR].
 * pf: K*MR floats of weights to prefetch into L2 while the tile runs, one
 * cache line per k (the caller's next weight block, see aotc_conv_cv_f32).
 */
typedef void (*aotc_conv_cv_tile_fn)(const float *xp, const int32_t *koff, const int32_t *pix, int32_t yoff,
                                     int32_t npt, const float *wb, ptrdiff_t wstride, int32_t nb, const float *bias,
                                     int32_t mr, float *y, int32_t P, int32_t K, const aotc_conv_act *act,
                                     int32_t blocked, const float *pf);
#if defined(AOTC_CONV_VEC)
/*
 * A tile's registers: V vectors of VW output channels (V*VW = MB*MR) x NP
 * pixels. Everything below is expanded for constant indices (v < 4, j < 14,
 * skipped past the tile's nv_ and npc_), so that even -O2 keeps accumulators
 * in registers and vector types are never wider than the target's (gcc
 * lowers wider generic vectors through memory).
 */
#define AOTC_CONV_CV_EACH(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13)
#define AOTC_CONV_CV_EACHV(X) X(0) X(1) X(2) X(3)
/* Vector v of the tile's weights at k: block v*VW/MR, channels (v*VW) % MR on. */
#define AOTC_CONV_CV_LOADW(v) \
  if ((v) < nv_) memcpy(&w[v], wk + (ptrdiff_t)((v)*vw_ / AOTC_CONV_CV_MR) * wstride + (v)*vw_ % AOTC_CONV_CV_MR, sizeof w[v]);
#define AOTC_CONV_CV_FMAV(v) \
  if ((v) < nv_) acc[v][j_] += w[v] * b_;
/* b_ stays a scalar: as zero + b_ (a vector), gcc added 0.0f to every input
   before broadcasting it (-0.0f + 0.0f is +0.0f), 1.25x slower on AVX-512. */
#define AOTC_CONV_CV_FMA(j)                                \
  if ((j) < npc_) {                                        \
    const int32_t j_ = (j);                                \
    const float b_ = cs_ ? bk[(j) * cs_] : bk[pj[j]];      \
    AOTC_CONV_CV_EACHV(AOTC_CONV_CV_FMAV)                  \
  }
/* The k loop of a tile over NV vectors of channels and NPC pixels (constants). CS (a constant) > 0: the
   pixels are CS floats apart from pixel 0 (pointwise convs, and other convs' tiles within one output row),
   so each input is at a constant offset from one pointer per k; 0: at the offsets pj[]. */
#define AOTC_CONV_CV_KLOOP(NV, NPC, CS)                                           \
  for (k = 0; k < K; ++k) {                                                       \
    const int32_t nv_ = (NV), npc_ = (NPC), cs_ = (CS);                           \
    const float *bk = xp + koff[k] + (cs_ ? pj[0] : 0);                           \
    const float *wk = wb + (ptrdiff_t)k * AOTC_CONV_CV_MR;                        \
    cv_vt w[4];                                                                   \
    if (prefetch_) __builtin_prefetch(pf + (ptrdiff_t)k * AOTC_CONV_CV_MR, 0, 2); \
    AOTC_CONV_CV_EACHV(AOTC_CONV_CV_LOADW)                                        \
    AOTC_CONV_CV_EACH(AOTC_CONV_CV_FMA)                                           \
  }
/* NV vectors of channels; narrow tails run NP/2 or NP/4 (at least 1) pixels. */
#define AOTC_CONV_CV_KLOOPS_NV(NV, NP)                                                    \
  do {                                                                                    \
    if (npt > (NP) / 2) AOTC_CONV_CV_KLOOP(NV, NP, 0)                                     \
    else if (npt > (NP) / 4) AOTC_CONV_CV_KLOOP(NV, (NP) / 2, 0)                          \
    else AOTC_CONV_CV_KLOOP(NV, (NP) / 4 > 0 ? (NP) / 4 : 1, 0)                           \
  } while (0)
/* All V vectors, or (nb < MB) only the nb blocks' vectors (a constant count in each branch). */
#define AOTC_CONV_CV_KLOOPS(V, NP)                                                        \
  do {                                                                                    \
    const int32_t nvec_ = nb * AOTC_CONV_CV_MR / vw_;                                     \
    if (nvec_ >= (V) && npt == (NP) && contig == 1) AOTC_CONV_CV_KLOOP(V, NP, 1)          \
    else if (nvec_ >= (V) && npt == (NP) && contig == 16) AOTC_CONV_CV_KLOOP(V, NP, 16)   \
    else if (nvec_ >= (V)) AOTC_CONV_CV_KLOOPS_NV(V, NP);                                 \
    else if ((V) > 3 && nvec_ == 3) AOTC_CONV_CV_KLOOPS_NV((V) > 3 ? 3 : 1, NP);          \
    else if ((V) > 2 && nvec_ == 2) AOTC_CONV_CV_KLOOPS_NV((V) > 2 ? 2 : 1, NP);          \
    else AOTC_CONV_CV_KLOOPS_NV(1, NP);                                                   \
  } while (0)
/*
 * Defines tile function NAME (see aotc_conv_cv_tile_fn) for V (<= 4) vectors
 * of type VT (VI: same-size ints) holding VW floats, x NP (<= 14) pixels, with
 * function attributes ATTR. V*NP accumulators must fit the target's registers.
 * The narrow tiles are not cloned (AOTC_NOCLONE in ATTR): GCC's copies of them
 * for constant arguments took the budget that had specialised aotc_conv_f32's
 * row loops for ResNet-8's geometry (ResNet-8 184 -> 196 us once there were
 * two narrow tiles); the wide tile's copies stay (ResNet-18 1% faster).
 */
#define AOTC_CONV_CV_TILE(NAME, VT, VI, VW, V, NP, ATTR)                                                           \
  static AOTC_UNUSED ATTR void NAME(const float *xp, const int32_t *koff, const int32_t *pix, int32_t yoff,      \
                                    int32_t npt, const float *wb, ptrdiff_t wstride, int32_t nb, const float *bias, \
                                    int32_t mr, float *y, int32_t P, int32_t K, const aotc_conv_act *act,           \
                                    int32_t blocked, const float *pf) {                                           \
    typedef VT cv_vt;                                                                                             \
    const int32_t vw_ = (VW);                                                                                     \
    /* Only wide tiles prefetch: the narrow one's 12 pixel offsets already spill general registers, and one       \
       more pointer in the k loop cost KWS DS-CNN's pointwise convs 8%. */                                         \
    const int prefetch_ = (V) > 2;                                                                                \
    cv_vt acc[4][AOTC_CONV_CV_NP_MAX], zero;                                                                      \
    float out[VW], tr_[(NP) * (VW)];                                                                              \
    int32_t pj[AOTC_CONV_CV_NP_MAX];                                                                              \
    int32_t k, j, r, v, contig;                                                                                   \
    memset(&zero, 0, sizeof zero);                                                                                \
    for (j = 0; j < (NP); ++j) pj[j] = pix[j];                                                                    \
    /* The pixels' spacing if they are evenly spaced 1 or 16 floats apart (a full tile only), else 0. */        \
    contig = (NP) > 1 && (pj[1] - pj[0] == 1 || pj[1] - pj[0] == 16) ? pj[1] - pj[0] : 0;                       \
    for (j = 2; j < (NP) && contig; ++j)                                                                          \
      if (pj[j] - pj[j - 1] != contig) contig = 0;                                                                \
    for (v = 0; v < (V); ++v) {                                                                                   \
      cv_vt bv = zero;                                                                                            \
      if (bias && (v + 1) * (VW) <= mr) {                                                                         \
        /* Straight from the bias: a vector load of the floats just stored to out[] below cannot take them        \
           from the store buffer, and waited for every store before them (the last tile's outputs) to            \
           reach the cache: 20% of a pointwise conv's time over 14x14 pixels (bench/conv_kernel_bench.c). */    \
        memcpy(&bv, bias + v * (VW), sizeof bv);                                                                  \
      } else if (bias) {                                                                                          \
        for (r = 0; r < (VW); ++r) {                                                                              \
          const int32_t row = v * (VW) + r;                                                                       \
          out[r] = bias[row < mr ? row : mr - 1];                                                                 \
        }                                                                                                         \
        memcpy(&bv, out, sizeof bv);                                                                              \
      }                                                                                                           \
      for (j = 0; j < (NP); ++j) acc[v][j] = bv;                                                                  \
    }                                                                                                             \
    AOTC_CONV_CV_KLOOPS(V, NP);                                                                                   \
    if (blocked) {                                                                                                \
      /* nchw16c: vector v of pixel j is (part of) one block's pixel, stored as it is. */                          \
      for (v = 0; v < (V) && v * (VW) < mr; ++v) {                                                                \
        const int32_t row = v * (VW);                                                                             \
        float *yv = y + ((ptrdiff_t)(row / AOTC_CONV_CV_MR) * P + yoff) * AOTC_CONV_CV_MR + row % AOTC_CONV_CV_MR; \
        for (j = 0; j < npt; ++j) {                                                                               \
          if (act) AOTC_CONV_ACTIVATE(VT, VI, acc[v][j], act, zero);                                              \
          memcpy(yv + (ptrdiff_t)j * AOTC_CONV_CV_MR, &acc[v][j], sizeof acc[v][j]);                               \
        }                                                                                                         \
      }                                                                                                           \
      return;                                                                                                     \
    }                                                                                                             \
    /* Per vector of channels: its NP pixels' vectors (activated) into tr_, then each output row's npt pixels     \
       (contiguous in y) out of tr_: a store loop per row, not 16 scalar stores per pixel (1.2-1.5x on            \
       AVX-512 for pointwise convs over 6x6 and 3x3 planes and KWS's stem). */                                    \
    for (v = 0; v < (V) && v * (VW) < mr; ++v) {                                                                  \
      const int32_t rows = mr - v * (VW) < (VW) ? mr - v * (VW) : (VW);                                           \
      float *yv = y + (ptrdiff_t)v * (VW) * P + yoff;                                                             \
      for (j = 0; j < (NP); ++j) {                                                                                \
        if (act) AOTC_CONV_ACTIVATE(VT, VI, acc[v][j], act, zero);                                                \
        memcpy(tr_ + j * (VW), &acc[v][j], sizeof acc[v][j]);                                                     \
      }                                                                                                           \
      for (r = 0; r < rows; ++r) {                                                                                \
        float *yr = yv + (ptrdiff_t)r * P;                                                                        \
        for (j = 0; j < npt; ++j) yr[j] = tr_[j * (VW) + r];                                                      \
      }                                                                                                           \
    }                                                                                                             \
  }
/* Native: 2 x 12 of AVX-512's 32 registers, 2 x 6 of AVX's 16, 4 x 3 of SSE's or NEON's.
   Clang loads all 12 broadcast inputs of a k step before the FMAs (GCC folds
   them into the FMAs): 24 + 12 + 2 registers spill, so 2 x 8 there.
   On AVX-512, convs of more than 2 blocks run a wide tile, 4 blocks x 7
   pixels (one accumulator spills): a k step loads 11 operands for 28 FMAs
   instead of 14 (+4 spilled pixel offsets) for 24, and ImageNet planes (7x7,
   14x14, 28x28) are multiples of 7 pixels. It measured 1.19x on ResNet-18's
   7x7 convs and 1.1-1.25x on its 14x14 and 28x28 ones (bench/conv_kernel_bench.c,
   GCC; Clang with -mprefer-vector-width=512, as the LLVM backend builds, alike);
   with 1 or 2 blocks, its 7 or 14 accumulators were slower than 12 or 24. */
#if defined(__AVX512F__) && defined(__clang__)
AOTC_CONV_CV_TILE(aotc_conv_cv_native, aotc_conv_v16, aotc_conv_i16, 16, 2, 8, AOTC_CONV_NATIVE AOTC_CONV_ZMM)
#define AOTC_CONV_CV_NATIVE_MB 2
#define AOTC_CONV_CV_NATIVE_NP 8
#elif defined(__AVX512F__)
AOTC_CONV_CV_TILE(aotc_conv_cv_native, aotc_conv_v16, aotc_conv_i16, 16, 2, 12,
                  AOTC_CONV_NATIVE AOTC_CONV_ZMM AOTC_NOCLONE)
#define AOTC_CONV_CV_NATIVE_MB 2
#define AOTC_CONV_CV_NATIVE_NP 12
/* 2 x 14 where the tiles' pixels are evenly spaced (see AOTC_CONV_CV_KLOOP), so that no general registers
   hold their offsets: 28 accumulators, 2 weight vectors and the broadcast input. */
AOTC_CONV_CV_TILE(aotc_conv_cv_native14, aotc_conv_v16, aotc_conv_i16, 16, 2, 14,
                  AOTC_CONV_NATIVE AOTC_CONV_ZMM AOTC_NOCLONE)
#define AOTC_CONV_CV_NATIVE_14 1
/* 2 x 8 for planes of whole 8-pixel rows that 12 does not divide (ResNet-8's 8x8 convs). */
AOTC_CONV_CV_TILE(aotc_conv_cv_native8, aotc_conv_v16, aotc_conv_i16, 16, 2, 8,
                  AOTC_CONV_NATIVE AOTC_CONV_ZMM AOTC_NOCLONE)
#define AOTC_CONV_CV_NATIVE_8 1
#elif defined(__AVX__)
AOTC_CONV_CV_TILE(aotc_conv_cv_native, aotc_conv_v8, aotc_conv_i8, 8, 2, 6, AOTC_CONV_NATIVE)
#define AOTC_CONV_CV_NATIVE_MB 1
#define AOTC_CONV_CV_NATIVE_NP 6
#else
AOTC_CONV_CV_TILE(aotc_conv_cv_native, aotc_conv_v4, aotc_conv_i4, 4, 4, 3, AOTC_CONV_NATIVE)
#define AOTC_CONV_CV_NATIVE_MB 1
#define AOTC_CONV_CV_NATIVE_NP 3
#endif
#if defined(__AVX512F__)
AOTC_CONV_CV_TILE(aotc_conv_cv_native_wide, aotc_conv_v16, aotc_conv_i16, 16, 4, 7, AOTC_CONV_NATIVE AOTC_CONV_ZMM)
#define AOTC_CONV_CV_NATIVE_WIDE 1
#endif
#ifdef AOTC_CONV_DISPATCH
AOTC_CONV_CV_TILE(aotc_conv_cv_avx2, aotc_conv_v8, aotc_conv_i8, 8, 2, 6, AOTC_CONV_AVX2)
#if defined(__clang__) /* (see the native tile) */
#define AOTC_CONV_CV_AVX512_NP 8
#else
#define AOTC_CONV_CV_AVX512_NP 12
#endif
AOTC_CONV_CV_TILE(aotc_conv_cv_avx512_wide, aotc_conv_v16, aotc_conv_i16, 16, 4, 7, AOTC_CONV_AVX512)
AOTC_CONV_CV_TILE(aotc_conv_cv_avx512, aotc_conv_v16, aotc_conv_i16, 16, 2, AOTC_CONV_CV_AVX512_NP,
                  AOTC_CONV_AVX512 AOTC_NOCLONE)
#if !defined(__clang__)
AOTC_CONV_CV_TILE(aotc_conv_cv_avx512_14, aotc_conv_v16, aotc_conv_i16, 16, 2, 14, AOTC_CONV_AVX512 AOTC_NOCLONE)
#endif
#endif
#else /* no vector extensions: plain C */
#define AOTC_CONV_CV_NATIVE_MB 1
#define AOTC_CONV_CV_NATIVE_NP 4
static AOTC_UNUSED void aotc_conv_cv_native(const float *xp, const int32_t *koff, const int32_t *pix,
                                           int32_t yoff, int32_t npt, const float *wb, ptrdiff_t wstride,
                                           int32_t nb, const float *bias, int32_t mr, float *y, int32_t P, int32_t K,
                                           const aotc_conv_act *act, int32_t blocked, const float *pf) {
  float acc[AOTC_CONV_CV_NATIVE_NP][AOTC_CONV_CV_MR];
  int32_t k, j, r;
  (void)wstride, (void)nb, (void)pf;
  for (j = 0; j < npt; ++j)
    for (r = 0; r < AOTC_CONV_CV_MR; ++r) acc[j][r] = bias ? bias[r < mr ? r : mr - 1] : 0.0f;
  for (k = 0; k < K; ++k)
    for (j = 0; j < npt; ++j) {
      const float xv = xp[koff[k] + pix[j]];
      for (r = 0; r < AOTC_CONV_CV_MR; ++r) acc[j][r] += wb[(ptrdiff_t)k * AOTC_CONV_CV_MR + r] * xv;
    }
  for (j = 0; j < npt; ++j)
    for (r = 0; r < mr; ++r) {
      const ptrdiff_t at = blocked ? ((ptrdiff_t)(r / AOTC_CONV_CV_MR) * P + yoff + j) * AOTC_CONV_CV_MR + r % AOTC_CONV_CV_MR
                                   : (ptrdiff_t)r * P + yoff + j;
      y[at] = aotc_conv_activate(acc[j][r], act);
    }
}
#endif

/* Convs with more than 2 blocks of outputs and at least this many taps x input channels (K) run the wide
   tile: with fewer (KWS DS-CNN's and VWW's pointwise convs, K = 64) its fixed costs per tile made the
   model 2-5% slower than the narrow tile. ops/conv.cpp's kCvWideMinK agrees. So do planes of P pixels
   that are multiples of 7 or at least 128 pixels: on 8x8 (ResNet-8's last convs) the 7-pixel tiles left
   one pixel over, and through the LLVM backend ResNet-8 took 1.03x the C backend's time; on SqueezeNet's
   13x13 planes (169 pixels: 25 tiles, the last of one pixel) the wide tile ran 1.2x the narrow one. */
#define AOTC_CONV_CV_WIDE_MIN_K 256
/* The tile function for this CPU, Mg x K weights per group and P output pixels, with its blocks (MB) and
   pixels (NP) per tile. rows14: every tile of 14 pixels would lie in one output row, or the conv is
   pointwise (its pixels are consecutive). There, on planes of a multiple of 7 or 128+ pixels that are not
   a multiple of 12, the narrow tile on AVX-512 (GCC) takes 14 pixels instead of 12
   (bench/conv_kernel_bench.c: pointwise convs over 7x7 1.15-1.2x, over 14x14 1.02-1.04x); on planes
   of 6x6, 12x12 or 24x24 (whole 12-pixel tiles) and 3x3 it measured 0.85-0.95x, and where tiles wrap rows
   (their 14 pixel offsets then spill general registers) 0.95x. rows8: the same for tiles of 8 pixels,
   which take planes of whole 8-pixel rows that 12 does not divide (ResNet-8's 8x8 convs: no tile computes
   pixels in vain; its 8x8 64 -> 64 conv 1.03x, the whole net 1.015x, bench/ab.sh both ways round). */
static AOTC_UNUSED aotc_conv_cv_tile_fn aotc_conv_cv_pick(int32_t Mg, int32_t K, int32_t P, int rows14,
                                                          int rows8, int32_t *mb, int32_t *np) {
  const int wide = Mg > 2 * AOTC_CONV_CV_MR && K >= AOTC_CONV_CV_WIDE_MIN_K && (P % 7 == 0 || P >= 128);
  const int np14 = rows14 && P % 12 != 0 && (P % 7 == 0 || P >= 128);
  const int np8 = rows8 && !np14 && P % 12 != 0 && P % 8 == 0;
  (void)wide, (void)np14, (void)np8;
#ifdef AOTC_CONV_DISPATCH
  if (AOTC_CONV_HAVE_AVX512()) {
    if (wide) {
      *mb = 4, *np = 7;
      return aotc_conv_cv_avx512_wide;
    }
#if !defined(__clang__)
    if (np14) {
      *mb = 2, *np = 14;
      return aotc_conv_cv_avx512_14;
    }
#endif
    *mb = 2, *np = AOTC_CONV_CV_AVX512_NP;
    return aotc_conv_cv_avx512;
  }
  if (AOTC_CONV_HAVE_AVX2()) {
    *mb = 1, *np = 6;
    return aotc_conv_cv_avx2;
  }
#endif
#ifdef AOTC_CONV_CV_NATIVE_WIDE
  if (wide) {
    *mb = 4, *np = 7;
    return aotc_conv_cv_native_wide;
  }
#endif
#ifdef AOTC_CONV_CV_NATIVE_14
  if (np14) {
    *mb = 2, *np = 14;
    return aotc_conv_cv_native14;
  }
#endif
#ifdef AOTC_CONV_CV_NATIVE_8
  if (np8) {
    *mb = 2, *np = 8;
    return aotc_conv_cv_native8;
  }
#endif
  *mb = AOTC_CONV_CV_NATIVE_MB, *np = AOTC_CONV_CV_NATIVE_NP;
  return aotc_conv_cv_native;
}

/*
 * x, bias, y, scratch, geo, koff and the activation as for aotc_conv_f32;
 * wpacked: conv_mr16 (see above); residual (or NULL): a tensor laid out as y,
 * added to the outputs before the activation (aotc.FusedConv's residual Add),
 * every few tiles over the pixels they finished, still in cache. Scratch: the stride phases of one group
 * (method SHIFTED; POINTWISE reads the input in place). geo->blocked: an
 * nchw16c output (one group), or input (one group, POINTWISE: koff then
 * addresses input channel k at (k/16)*16*P + k%16, and pixel p at 16*p).
 */
AOTC_KERNEL void aotc_conv_cv_f32(const float *x, const float *wpacked, const float *bias, const float *residual,
                                  float *y, void *scratch, const aotc_conv_params *geo, const int32_t *koff,
                                  int32_t act_kind, float act_a, float act_b) {
  const int32_t N = geo->n, G = geo->groups, Cg = geo->cg, Mg = geo->mg;
  const int32_t ID = geo->in[0], IH = geo->in[1], IW = geo->in[2];
  const int32_t OD = geo->out[0], OH = geo->out[1], OW = geo->out[2], P = OD * OH * OW;
  const int32_t K = Cg * geo->kernel[0] * geo->kernel[1] * geo->kernel[2];
  const int32_t Dph = aotc_conv_phase_extent(geo, 0), Hph = aotc_conv_phase_extent(geo, 1);
  const int32_t Wph = aotc_conv_phase_extent(geo, 2);
  const ptrdiff_t chan = (ptrdiff_t)geo->stride[0] * geo->stride[1] * geo->stride[2] * Dph * Hph * Wph;
  const int32_t blocks = (Mg + AOTC_CONV_CV_MR - 1) / AOTC_CONV_CV_MR;
  int32_t mb, np;
  const aotc_conv_cv_tile_fn tile =
      aotc_conv_cv_pick(Mg, K, P, geo->method == AOTC_CONV_POINTWISE || OW % 14 == 0,
                        geo->method == AOTC_CONV_POINTWISE || OW % 8 == 0, &mb, &np);
#ifdef AOTC_CONV_CV_NATIVE_WIDE
  (void)tile;
#endif
  const int32_t step = mb * AOTC_CONV_CV_MR;
  const ptrdiff_t wstride = (ptrdiff_t)K * AOTC_CONV_CV_MR; /* floats per packed block */
  const int32_t pix_step = geo->blocked & AOTC_CONV_BLOCKED_IN ? AOTC_CONV_CV_MR : 1;
  float *buf = (float *)scratch;
  aotc_conv_act act_s;
  const aotc_conv_act *act = aotc_conv_act_init(&act_s, act_kind, act_a, act_b);
  /* With a residual the tiles store raw sums; aotc_conv_residual_f32 activates them. */
  const aotc_conv_act *tile_act = residual ? NULL : act;
  int32_t n, gi, c, m, p, j, p_done;
  for (n = 0; n < N; ++n)
    for (gi = 0; gi < G; ++gi) {
      const float *xg = x + ((ptrdiff_t)n * G + gi) * Cg * ID * IH * IW;
      const float *bg = bias ? bias + (ptrdiff_t)gi * Mg : NULL;
      float *yg = y + ((ptrdiff_t)n * G + gi) * Mg * P;
      const float *rg = residual ? residual + ((ptrdiff_t)n * G + gi) * Mg * P : NULL;
      const float *xp = xg;
      if (geo->method == AOTC_CONV_SHIFTED) {
        for (c = 0; c < Cg; ++c)
          aotc_conv_phase_copy_f32(xg + (ptrdiff_t)c * ID * IH * IW, buf + c * chan, geo, Dph, Hph, Wph);
        xp = buf;
      }
      for (m = 0; m < Mg; m += step) {
        const int32_t mr = Mg - m < step ? Mg - m : step;
        const int32_t nb = (mr + AOTC_CONV_CV_MR - 1) / AOTC_CONV_CV_MR;
        const float *wb = wpacked + ((ptrdiff_t)gi * blocks + m / AOTC_CONV_CV_MR) * wstride;
        /* Output pixel p = (od*OH + oh)*OW + ow reads phase offset (od*Hph + oh)*Wph + ow. */
        int32_t od = 0, oh = 0, ow = 0;
        /* Tile t prefetches block t of the next output channels' weights (if there is one; else its own):
           where a conv's weights come from memory (ResNet-18's 7x7 convs: 9.4 MB each), the first tile of
           every block otherwise waits on memory instead of computing. */
        int64_t pf_block = (int64_t)gi * blocks + m / AOTC_CONV_CV_MR + nb;
        p_done = 0;
        for (p = 0; p < P; p += np, ++pf_block) {
          const float *pf = pf_block < (int64_t)G * blocks ? wpacked + pf_block * wstride : wb;
          int32_t pix[AOTC_CONV_CV_NP_MAX];
          const int32_t npt = P - p < np ? P - p : np;
          /* One loop, padding the tile's unused slots with its last pixel: as two
             loops (fill, then pad from j = npt), gcc 12 -O2 warned (a false
             aggressive-loop-optimizations error under -Werror) once it
             const-propagated a model's geometry (models/digits, --target generic). */
          for (j = 0; j < np; ++j) {
            if (j >= npt && j > 0) { /* (j > 0: else gcc 12 warns of pix[-1], npt being >= 1) */
              pix[j] = pix[j - 1];
              continue;
            }
            pix[j] = geo->method == AOTC_CONV_SHIFTED ? (od * Hph + oh) * Wph + ow : (p + j) * pix_step;
            if (++ow == OW) {
              ow = 0;
              if (++oh == OH) oh = 0, ++od;
            }
          }
#define AOTC_CONV_CV_TILE_ARGS \
  xp, koff, pix, p, npt, wb, wstride, nb, bg ? bg + m : NULL, mr, yg + (ptrdiff_t)m * P, P, K, tile_act, \
      geo->blocked & AOTC_CONV_BLOCKED_OUT, pf
#ifdef AOTC_CONV_CV_NATIVE_WIDE
          /* Direct calls, which GCC inlines: through the pointer, the narrow tile's small convs ran 1.1-1.4x slower. */
          if (mb == 4)
            aotc_conv_cv_native_wide(AOTC_CONV_CV_TILE_ARGS);
#ifdef AOTC_CONV_CV_NATIVE_14
          else if (np == 14)
            aotc_conv_cv_native14(AOTC_CONV_CV_TILE_ARGS);
#endif
#ifdef AOTC_CONV_CV_NATIVE_8
          else if (np == 8)
            aotc_conv_cv_native8(AOTC_CONV_CV_TILE_ARGS);
#endif
          else
            aotc_conv_cv_native(AOTC_CONV_CV_TILE_ARGS);
#else
          tile(AOTC_CONV_CV_TILE_ARGS);
#endif
#undef AOTC_CONV_CV_TILE_ARGS
          /* Every 64 pixels or so (16 KB for 64 channels), and at the end. */
          if (rg && (p + npt - p_done >= 64 || p + npt == P)) {
            const int32_t blocked_out = geo->blocked & AOTC_CONV_BLOCKED_OUT;
            aotc_conv_residual_f32(yg + (ptrdiff_t)m * P, rg + (ptrdiff_t)m * P, blocked_out ? mr / AOTC_CONV_CV_MR : mr,
                                   P, p_done, p + npt, blocked_out ? AOTC_CONV_CV_MR : 1, act);
            p_done = p + npt;
          }
        }
      }
    }
}

/* ---- Winograd F(2x2, 3x3) ------------------------------------------------ */

/*
 * aotc_conv_wino23_f32: a 3x3 conv with stride 1, no dilation and one group
 * (ops/conv.cpp's uses_winograd), as Winograd's F(2x2, 3x3) (Lavin and Gray,
 * 2016): each 2x2 tile of outputs comes from a 4x4 tile of inputs with 16
 * multiply-adds per input and output channel instead of 36. With
 *   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],
 *   G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1],  A^T = [1 1 1 0; 0 1 -1 -1],
 * for each block of tile rows:
 *   V[xi][c][t] = (B^T d B)[xi] for the 4x4 input tile d of channel c, tile t;
 *   M[xi] = U[xi] V[xi]: 16 GEMMs (M x C times C x tiles), each one
 *     aotc_conv_cv_f32 as a pointwise conv with an nchw16c output;
 *   each 2x2 output tile of channel m = A^T M[.][m][t] A + bias, then the
 *     residual (if any) and the activation.
 * u: U[xi] = (G g G^T)[xi] for every xi, each M x C matrix packed as
 * conv_mr16 (conv_wino23, aotc_conv_wino_pack_f32). Scratch:
 * aotc_conv_wino23_scratch_floats(geo) floats.
 */
/* Tiles per block (whole tile rows, at least one): enough for the GEMMs'
   pixel tiles, few enough that V and M stay in L2. */
#define AOTC_CONV_WINO_TILES 32

static AOTC_UNUSED int32_t aotc_conv_wino23_rows(const aotc_conv_params *geo) {
  const int32_t TW = (geo->out[2] + 1) / 2, TH = (geo->out[1] + 1) / 2;
  const int32_t R = AOTC_CONV_WINO_TILES / TW > 1 ? AOTC_CONV_WINO_TILES / TW : 1;
  return R < TH ? R : TH;
}

/* Scratch floats: V and M of one block of tile rows, the GEMMs' koff, the input transform's 16 rows of TW + 1,
   a row of zeros. */
static AOTC_UNUSED ptrdiff_t aotc_conv_wino23_scratch_floats(const aotc_conv_params *geo) {
  const ptrdiff_t TW = (geo->out[2] + 1) / 2, tiles = aotc_conv_wino23_rows(geo) * TW;
  const ptrdiff_t Mpad = (geo->mg + AOTC_CONV_CV_MR - 1) / AOTC_CONV_CV_MR * AOTC_CONV_CV_MR;
  return 16 * ((ptrdiff_t)geo->cg + Mpad) * tiles + geo->cg + 16 * (TW + 1) + geo->in[2] + 64;
}

/* Packs weights w [M, C, 3, 3] as conv_wino23 (MR = 16: 16 x ceil(M/16) x C x 16 floats, see above) or
   conv_wino23_mr4 (MR = 4, for aotc_conv_wino23_mr4_f32): U[xi] in blocks of MR output channels, k-major. */
AOTC_KERNEL void aotc_conv_wino_pack_f32(const float *w, float *wp, int32_t M, int32_t C, int32_t MR) {
  static const float G[4][3] = {{1.0f, 0.0f, 0.0f}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0.0f, 0.0f, 1.0f}};
  const int32_t blocks = (M + MR - 1) / MR;
  const ptrdiff_t per_xi = (ptrdiff_t)blocks * MR * C;
  int32_t m, c, i, j, k, l;
  for (m = 0; m < blocks * MR; ++m)
    for (c = 0; c < C; ++c) {
      const float *g = w + ((ptrdiff_t)(m < M ? m : M - 1) * C + c) * 9;
      float t[4][3];
      for (i = 0; i < 4; ++i)
        for (k = 0; k < 3; ++k) {
          float s = 0.0f;
          for (l = 0; l < 3; ++l) s += G[i][l] * g[l * 3 + k];
          t[i][k] = s;
        }
      float *at = wp + ((ptrdiff_t)(m / MR) * C + c) * MR + m % MR;
      for (i = 0; i < 4; ++i)
        for (j = 0; j < 4; ++j) {
          float s = 0.0f;
          for (k = 0; k < 3; ++k) s += t[i][k] * G[j][k];
          at[(i * 4 + j) * per_xi] = s;
        }
    }
}

/* V of channel plane xc for tile rows [th0, th0 + R): v[xi * vstride + t], t = (th - th0) * TW + tw.
   buf: 16 * (TW + 1) floats; zeros: IW zeros (the rows above and below the input). */
static AOTC_UNUSED void aotc_conv_wino23_input(const float *xc, float *AOTC_RESTRICT v, ptrdiff_t vstride,
                                               float *AOTC_RESTRICT buf, const float *zeros,
                                               const aotc_conv_params *geo, int32_t th0, int32_t R) {
  const int32_t IH = geo->in[1], IW = geo->in[2], TW = (geo->out[2] + 1) / 2, Wp = 2 * (TW + 1), h = TW + 1;
  const int32_t PW = geo->pad[2] < Wp ? geo->pad[2] : Wp;
  const int32_t n = IW < Wp - PW ? IW : Wp - PW; /* input columns inside the padded row */
  float *AOTC_RESTRICT eo = buf, *AOTC_RESTRICT tr = buf + 4 * Wp;
  int32_t th, i, k, t;
  for (th = th0; th < th0 + R; ++th) {
    float *vt = v + (ptrdiff_t)(th - th0) * TW;
    const float *x0, *x1, *x2, *x3;
    const float *xr[4];
    for (i = 0; i < 4; ++i) {
      const int32_t ih = 2 * th - geo->pad[1] + i;
      xr[i] = ih >= 0 && ih < IH ? xc + (ptrdiff_t)ih * IW : zeros;
    }
    x0 = xr[0], x1 = xr[1], x2 = xr[2], x3 = xr[3];
    /* Rows: B^T d over the padded row (column k reads input column k - PW), zero outside the input. */
    for (i = 0; i < 4; ++i) {
      for (k = 0; k < PW; ++k) tr[i * Wp + k] = 0.0f;
      for (k = PW + n; k < Wp; ++k) tr[i * Wp + k] = 0.0f;
    }
    for (k = 0; k < n; ++k) {
      const float r0 = x0[k], r1 = x1[k], r2 = x2[k], r3 = x3[k];
      tr[PW + k] = r0 - r2, tr[Wp + PW + k] = r1 + r2, tr[2 * Wp + PW + k] = r2 - r1, tr[3 * Wp + PW + k] = r1 - r3;
    }
    /* Each transformed row split into its even and odd columns. */
    for (i = 0; i < 4; ++i) aotc_conv_split2_f32(tr + i * Wp, eo + 2 * i * h, eo + (2 * i + 1) * h, Wp);
    /* Columns: (.) B; tile tw's columns 2tw..2tw+3 are e[tw], o[tw], e[tw+1], o[tw+1]. */
    for (i = 0; i < 4; ++i) {
      const float *AOTC_RESTRICT e = eo + 2 * i * h, *AOTC_RESTRICT o = eo + (2 * i + 1) * h;
      float *AOTC_RESTRICT v0 = vt + (ptrdiff_t)(i * 4) * vstride;
      float *AOTC_RESTRICT v1 = v0 + vstride, *AOTC_RESTRICT v2 = v1 + vstride, *AOTC_RESTRICT v3 = v2 + vstride;
      for (t = 0; t < TW; ++t) {
        v0[t] = e[t] - e[t + 1];
        v1[t] = o[t] + e[t + 1];
        v2[t] = e[t + 1] - o[t];
        v3[t] = o[t] - o[t + 1];
      }
    }
  }
}

AOTC_KERNEL void aotc_conv_wino23_f32(const float *x, const float *u, const float *bias, const float *residual,
                                      float *y, void *scratch, const aotc_conv_params *geo, int32_t act_kind,
                                      float act_a, float act_b) {
  const int32_t N = geo->n, C = geo->cg, M = geo->mg, IH = geo->in[1], IW = geo->in[2];
  const int32_t OH = geo->out[1], OW = geo->out[2], P = OH * OW;
  const int32_t TH = (OH + 1) / 2, TW = (OW + 1) / 2, R = aotc_conv_wino23_rows(geo);
  const int32_t blocks = (M + AOTC_CONV_CV_MR - 1) / AOTC_CONV_CV_MR, Mpad = blocks * AOTC_CONV_CV_MR;
  const ptrdiff_t vstride = (ptrdiff_t)C * R * TW, mstride = (ptrdiff_t)Mpad * R * TW;
  float *V = (float *)scratch, *Mb = V + 16 * vstride, *buf = Mb + 16 * mstride + C, *zeros = buf + 16 * (TW + 1);
  int32_t *koff = (int32_t *)(void *)(Mb + 16 * mstride);
  aotc_conv_act act_s;
  const aotc_conv_act *act = aotc_conv_act_init(&act_s, act_kind, act_a, act_b);
  const aotc_conv_act *store_act = residual ? NULL : act;
  aotc_conv_params g;
  int32_t n, th0, c, xi, mb, t, r;
  memset(&g, 0, sizeof g);
  g.n = g.groups = 1, g.cg = C, g.mg = M;
  g.in[0] = g.in[1] = g.out[0] = g.out[1] = 1;
  g.kernel[0] = g.kernel[1] = g.kernel[2] = g.stride[0] = g.stride[1] = g.stride[2] = 1;
  g.dilation[0] = g.dilation[1] = g.dilation[2] = 1;
  g.method = AOTC_CONV_POINTWISE, g.blocked = AOTC_CONV_BLOCKED_OUT;
  for (c = 0; c < C; ++c) koff[c] = c * R * TW;
  for (c = 0; c < IW; ++c) zeros[c] = 0.0f;
  for (n = 0; n < N; ++n) {
    const float *xn = x + (ptrdiff_t)n * C * IH * IW;
    float *yn = y + (ptrdiff_t)n * M * P;
    for (th0 = 0; th0 < TH; th0 += R) {
      const int32_t rows = TH - th0 < R ? TH - th0 : R, tiles = rows * TW;
      const int32_t oh0 = 2 * th0, oh1 = 2 * (th0 + rows) < OH ? 2 * (th0 + rows) : OH;
      for (c = 0; c < C; ++c)
        aotc_conv_wino23_input(xn + (ptrdiff_t)c * IH * IW, V + (ptrdiff_t)c * R * TW, vstride, buf, zeros, geo, th0,
                               rows);
      g.in[2] = g.out[2] = tiles;
      for (xi = 0; xi < 16; ++xi)
        aotc_conv_cv_f32(V + xi * vstride, u + (ptrdiff_t)xi * Mpad * C, NULL, NULL, Mb + xi * mstride, scratch, &g,
                         koff, 0, 0.0f, 0.0f);
      /* Outputs: per block of 16 channels and tile, A^T M A from M[xi] (nchw16c over the block's tiles). */
      for (mb = 0; mb < blocks; ++mb) {
        const int32_t m0 = mb * AOTC_CONV_CV_MR, mr = M - m0 < AOTC_CONV_CV_MR ? M - m0 : AOTC_CONV_CV_MR;
        for (t = 0; t < tiles; ++t) {
          const ptrdiff_t at = ((ptrdiff_t)mb * tiles + t) * AOTC_CONV_CV_MR;
          const int32_t oh = oh0 + 2 * (t / TW), ow = 2 * (t % TW);
          float out[4][AOTC_CONV_CV_MR];
          for (r = 0; r < AOTC_CONV_CV_MR; ++r) {
            const float *m_ = Mb + at + r;
            const float b = bias ? bias[m0 + (r < mr ? r : 0)] : 0.0f;
            float s0[4], s1[4];
            int32_t j;
            for (j = 0; j < 4; ++j) {
              const float m0j = m_[j * mstride], m1j = m_[(4 + j) * mstride], m2j = m_[(8 + j) * mstride];
              const float m3j = m_[(12 + j) * mstride];
              s0[j] = m0j + m1j + m2j;
              s1[j] = m1j - m2j - m3j;
            }
            out[0][r] = b + (s0[0] + s0[1] + s0[2]);
            out[1][r] = b + (s0[1] - s0[2] - s0[3]);
            out[2][r] = b + (s1[0] + s1[1] + s1[2]);
            out[3][r] = b + (s1[1] - s1[2] - s1[3]);
          }
          if (store_act) {
            float *o = &out[0][0];
            if (store_act->kind == AOTC_CONV_ACT_CLAMP) {
              const float lo = store_act->a, hi = store_act->b;
              for (r = 0; r < 4 * AOTC_CONV_CV_MR; ++r) o[r] = o[r] < lo ? lo : (o[r] > hi ? hi : o[r]);
            } else {
              for (r = 0; r < 4 * AOTC_CONV_CV_MR; ++r) o[r] = aotc_conv_activate(o[r], store_act);
            }
          }
          if (ow + 1 < OW && oh + 1 < OH) {
            float *ym = yn + (ptrdiff_t)m0 * P + (ptrdiff_t)oh * OW + ow;
            for (r = 0; r < mr; ++r, ym += P) {
              ym[0] = out[0][r], ym[1] = out[1][r];
              ym[OW] = out[2][r], ym[OW + 1] = out[3][r];
            }
          } else {
            for (r = 0; r < mr; ++r) {
              float *ym = yn + (ptrdiff_t)(m0 + r) * P + (ptrdiff_t)oh * OW + ow;
              ym[0] = out[0][r];
              if (ow + 1 < OW) ym[1] = out[1][r];
              if (oh + 1 < OH) {
                ym[OW] = out[2][r];
                if (ow + 1 < OW) ym[OW + 1] = out[3][r];
              }
            }
          }
        }
      }
      if (residual)
        aotc_conv_residual_f32(yn, residual + (ptrdiff_t)n * M * P, M, P, oh0 * OW, oh1 * OW, 1, act);
    }
  }
}

/*
 * aotc_conv_wino23_mr4_f32: the same Winograd F(2x2, 3x3) convs, for few
 * channels (ResNet-8's 16 and 32), where aotc_conv_wino23_f32's GEMMs
 * (vectorized over output channels) and its per-tile transforms cost more
 * than the multiplies saved. Here every step runs over vectors of tiles:
 * - the input rows under a block of tile rows, split into their two column
 *   phases (tile tw's 4 columns are even[tw], odd[tw], even[tw + 1],
 *   odd[tw + 1]), are transformed a tile row of one channel at a time
 *   (aotc_conv_wino23_tile_row);
 * - the 16 GEMMs M[xi] = U[xi] V[xi], 8 output channels at a time, are
 *   pixel-vectorized like aotc_conv_f32's, with the block's tiles as their
 *   pixels (a micro-kernel tile: 8 output channels x 32 tiles; per input
 *   channel 8 broadcast weights and 2 vectors of V), so M[xi] comes out
 *   channel-major with tiles contiguous;
 * - the output transform reads those 8 channels' M a vector of tiles at a
 *   time, and interleaves its even and odd output columns into output rows.
 * u: U[xi] for every xi, each M x C matrix packed as conv_mr4
 * (conv_wino23_mr4: aotc_conv_wino_pack_f32 with MR = 4). Scratch:
 * aotc_conv_wino23_mr4_scratch_floats(geo) floats.
 */
static AOTC_UNUSED ptrdiff_t aotc_conv_wino23_mr4_scratch_floats(const aotc_conv_params *geo) {
  const ptrdiff_t R = aotc_conv_wino23_rows(geo), TW = (geo->out[2] + 1) / 2, tiles = R * TW;
  const ptrdiff_t phases = 2 * (2 * R + 2) * (TW + 1);
  return (ptrdiff_t)geo->cg * phases + 16 * ((ptrdiff_t)geo->cg + 8) * tiles + AOTC_CONV_NR_MAX + geo->cg;
}

/* The tile row step of aotc_conv_wino23_tile_row for the tiles t.. of one VT (a vector type, or float). */
#define AOTC_CONV_WINO_TILE_ROW_STEP(VT)                                                                   \
  {                                                                                                         \
    VT de[4][2], dn[4][2], te[4][2], tn[4][2], r_; /* even and odd (n) columns at t and t + 1 */            \
    for (i = 0; i < 4; ++i) {                                                                               \
      memcpy(&de[i][0], e + i * row + t, sizeof r_), memcpy(&de[i][1], e + i * row + t + 1, sizeof r_);    \
      memcpy(&dn[i][0], o + i * row + t, sizeof r_), memcpy(&dn[i][1], o + i * row + t + 1, sizeof r_);    \
    }                                                                                                       \
    /* B^T d (rows), then (.) B (columns: e[t], o[t], e[t + 1], o[t + 1]). */                               \
    for (i = 0; i < 2; ++i) {                                                                               \
      te[0][i] = de[0][i] - de[2][i], te[1][i] = de[1][i] + de[2][i];                                       \
      te[2][i] = de[2][i] - de[1][i], te[3][i] = de[1][i] - de[3][i];                                       \
      tn[0][i] = dn[0][i] - dn[2][i], tn[1][i] = dn[1][i] + dn[2][i];                                       \
      tn[2][i] = dn[2][i] - dn[1][i], tn[3][i] = dn[1][i] - dn[3][i];                                       \
    }                                                                                                       \
    for (i = 0; i < 4; ++i) {                                                                               \
      r_ = te[i][0] - te[i][1], memcpy(v + (4 * i) * vstride + t, &r_, sizeof r_);                          \
      r_ = tn[i][0] + te[i][1], memcpy(v + (4 * i + 1) * vstride + t, &r_, sizeof r_);                      \
      r_ = te[i][1] - tn[i][0], memcpy(v + (4 * i + 2) * vstride + t, &r_, sizeof r_);                      \
      r_ = tn[i][0] - tn[i][1], memcpy(v + (4 * i + 3) * vstride + t, &r_, sizeof r_);                      \
    }                                                                                                       \
  }

/* V[xi * vstride + t] (xi = 4i + j) for the tiles t < TW of one tile row of one channel, from the 4 input rows
   under it split into column phases: even columns e (rows `row` floats apart), odd columns o. */
static AOTC_UNUSED AOTC_CONV_SPLIT2_ATTR void aotc_conv_wino23_tile_row(const float *AOTC_RESTRICT e,
                                                                        const float *AOTC_RESTRICT o, ptrdiff_t row,
                                                                        float *AOTC_RESTRICT v, ptrdiff_t vstride,
                                                                        int32_t TW) {
  int32_t t = 0, i;
#if defined(AOTC_CONV_SIMD) && defined(__AVX512F__)
  for (; t + 16 <= TW; t += 16) AOTC_CONV_WINO_TILE_ROW_STEP(aotc_conv_v16)
#endif
#ifdef AOTC_CONV_SIMD
  for (; t + AOTC_CONV_VWN <= TW; t += AOTC_CONV_VWN) AOTC_CONV_WINO_TILE_ROW_STEP(aotc_conv_vn)
#endif
  for (; t < TW; ++t) AOTC_CONV_WINO_TILE_ROW_STEP(float)
}

#ifdef AOTC_CONV_SIMD
/* lo, hi = e[0], o[0], e[1], o[1], ... (the two vectors' floats interleaved) */
#if defined(__clang__)
#define AOTC_CONV_INTERLEAVE16(lo, hi, e, o)                                                         \
  ((lo) = __builtin_shufflevector(e, o, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23),    \
   (hi) = __builtin_shufflevector(e, o, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31))
#if AOTC_CONV_VWN == 8
#define AOTC_CONV_INTERLEAVE(lo, hi, e, o)                                \
  ((lo) = __builtin_shufflevector(e, o, 0, 8, 1, 9, 2, 10, 3, 11),        \
   (hi) = __builtin_shufflevector(e, o, 4, 12, 5, 13, 6, 14, 7, 15))
#else
#define AOTC_CONV_INTERLEAVE(lo, hi, e, o) \
  ((lo) = __builtin_shufflevector(e, o, 0, 4, 1, 5), (hi) = __builtin_shufflevector(e, o, 2, 6, 3, 7))
#endif
#else
#define AOTC_CONV_INTERLEAVE16(lo, hi, e, o)                                                                    \
  ((lo) = __builtin_shuffle(e, o, (aotc_conv_i16){0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23}),    \
   (hi) = __builtin_shuffle(e, o, (aotc_conv_i16){8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31}))
#if AOTC_CONV_VWN == 8
#define AOTC_CONV_INTERLEAVE(lo, hi, e, o)                                   \
  ((lo) = __builtin_shuffle(e, o, (aotc_conv_in){0, 8, 1, 9, 2, 10, 3, 11}), \
   (hi) = __builtin_shuffle(e, o, (aotc_conv_in){4, 12, 5, 13, 6, 14, 7, 15}))
#else
#define AOTC_CONV_INTERLEAVE(lo, hi, e, o) \
  ((lo) = __builtin_shuffle(e, o, (aotc_conv_in){0, 4, 1, 5}), (hi) = __builtin_shuffle(e, o, (aotc_conv_in){2, 6, 3, 7}))
#endif
#endif

/* The output transform's step for the W tiles t.. (VT of W floats): A^T M A + b, each output row's even and
   odd columns interleaved, plus the residual, activated, stored. */
#define AOTC_CONV_WINO_OUTPUT_STEP(VT, VI, W, INTERLEAVE)                 \
  {                                                                       \
    VT s0[4], s1[4], r_[4], wl_, wh_, q_, zero_;                          \
    memset(&zero_, 0, sizeof zero_);                                      \
    for (j = 0; j < 4; ++j) {                                             \
      VT m0j, m1j, m2j, m3j;                                              \
      memcpy(&m0j, mt + j * mstride + t, sizeof q_);                      \
      memcpy(&m1j, mt + (4 + j) * mstride + t, sizeof q_);                \
      memcpy(&m2j, mt + (8 + j) * mstride + t, sizeof q_);                \
      memcpy(&m3j, mt + (12 + j) * mstride + t, sizeof q_);               \
      s0[j] = m0j + m1j + m2j;                                            \
      s1[j] = m1j - m2j - m3j;                                            \
    }                                                                     \
    r_[0] = s0[0] + s0[1] + s0[2] + b, r_[1] = s0[1] - s0[2] - s0[3] + b; \
    r_[2] = s1[0] + s1[1] + s1[2] + b, r_[3] = s1[1] - s1[2] - s1[3] + b; \
    for (h = 0; h < 2 && y[h]; ++h) {                                     \
      INTERLEAVE(wl_, wh_, r_[2 * h], r_[2 * h + 1]);                     \
      if (res[h]) {                                                       \
        memcpy(&q_, res[h] + 2 * t, sizeof q_), wl_ += q_;                \
        memcpy(&q_, res[h] + 2 * t + (W), sizeof q_), wh_ += q_;          \
      }                                                                   \
      if (act) {                                                          \
        AOTC_CONV_ACTIVATE(VT, VI, wl_, act, zero_);                      \
        AOTC_CONV_ACTIVATE(VT, VI, wh_, act, zero_);                      \
      }                                                                   \
      memcpy(y[h] + 2 * t, &wl_, sizeof wl_);                             \
      memcpy(y[h] + 2 * t + (W), &wh_, sizeof wh_);                       \
    }                                                                     \
  }
#endif

/* Output rows y0 (2a) and y1 (2a + 1, or NULL past the output) of OW floats, from the TW tiles of tile row a
   in M[xi] at mt + xi*mstride: act(A^T M A + b + res), res0 and res1 the residual's rows (or NULL). */
static AOTC_UNUSED AOTC_CONV_SPLIT2_ATTR AOTC_CONV_DW_ATTR void aotc_conv_wino23_output(
    const float *AOTC_RESTRICT mt, ptrdiff_t mstride, float *y0, float *y1, const float *res0, const float *res1,
    float b, int32_t OW, int32_t TW, const aotc_conv_act *act) {
  float *y[2];
  const float *res[2];
  int32_t t = 0, j, h;
  y[0] = y0, y[1] = y1, res[0] = res0, res[1] = res1;
#if defined(AOTC_CONV_SIMD) && defined(__AVX512F__)
  for (; t + 16 <= TW && 2 * (t + 16) <= OW; t += 16)
    AOTC_CONV_WINO_OUTPUT_STEP(aotc_conv_v16, aotc_conv_i16, 16, AOTC_CONV_INTERLEAVE16)
#endif
#ifdef AOTC_CONV_SIMD
  for (; t + AOTC_CONV_VWN <= TW && 2 * (t + AOTC_CONV_VWN) <= OW; t += AOTC_CONV_VWN)
    AOTC_CONV_WINO_OUTPUT_STEP(aotc_conv_vn, aotc_conv_in, AOTC_CONV_VWN, AOTC_CONV_INTERLEAVE)
#endif
  for (; t < TW; ++t) {
    float s0[4], s1[4], r[4];
    for (j = 0; j < 4; ++j) {
      const float m0j = mt[j * mstride + t], m1j = mt[(4 + j) * mstride + t];
      const float m2j = mt[(8 + j) * mstride + t], m3j = mt[(12 + j) * mstride + t];
      s0[j] = m0j + m1j + m2j;
      s1[j] = m1j - m2j - m3j;
    }
    r[0] = s0[0] + s0[1] + s0[2] + b, r[1] = s0[1] - s0[2] - s0[3] + b;
    r[2] = s1[0] + s1[1] + s1[2] + b, r[3] = s1[1] - s1[2] - s1[3] + b;
    for (h = 0; h < 2 && y[h]; ++h)
      for (j = 0; j < 2 && 2 * t + j < OW; ++j) {
        const float v = r[2 * h + j] + (res[h] ? res[h][2 * t + j] : 0.0f);
        y[h][2 * t + j] = act ? aotc_conv_activate(v, act) : v;
      }
  }
}

#if defined(AOTC_CONV_VEC) && defined(__AVX512F__)
#define AOTC_CONV_WINO_STORE(r)                                  \
  {                                                              \
    const aotc_conv_v16 lo_ = c[r][0], hi_ = c[r][1];            \
    memcpy(Cm + (ptrdiff_t)(r)*cstride, &lo_, sizeof lo_);       \
    memcpy(Cm + (ptrdiff_t)(r)*cstride + 16, &hi_, sizeof hi_);  \
  }
#define AOTC_CONV_WINO_ZERO(r) c[r][0] = c[r][1] = zero;
/* Cm[r * cstride + j] = sum_k A(r, k) * B[k * bstride + j] for r < 8, j < 32: one micro-kernel tile of a
   Winograd GEMM, A two conv_mr4 blocks. No bias, activation or ragged edges, so all 16 accumulators stay
   in registers (aotc_conv_wide_ukernel's general tile spilled some around its k loop, which with K = 16
   doubled its time). */
static AOTC_UNUSED AOTC_CONV_NATIVE AOTC_CONV_ZMM void aotc_conv_wino23_gemm_tile(int32_t K, const float *A,
                                                                               const float *B, ptrdiff_t bstride,
                                                                               float *Cm, ptrdiff_t cstride) {
  const float *A2 = A + (ptrdiff_t)4 * K;
  aotc_conv_v16 c[8][2], zero;
  int32_t k;
  memset(&zero, 0, sizeof zero);
  AOTC_CONV_ROWS8(AOTC_CONV_WINO_ZERO)
  for (k = 0; k < K; ++k) {
    const float *Ak = A + (ptrdiff_t)k * 4, *Ak2 = A2 + (ptrdiff_t)k * 4;
    aotc_conv_v16 b0, b1;
    float a;
    memcpy(&b0, B + (ptrdiff_t)k * bstride, sizeof b0);
    memcpy(&b1, B + (ptrdiff_t)k * bstride + 16, sizeof b1);
    AOTC_CONV_ROWS8(AOTC_CONV_ROW_FMA)
  }
  AOTC_CONV_ROWS8(AOTC_CONV_WINO_STORE)
}
#endif

/* M[xi] (mr <= 8 output channels x cols tiles, rows T apart) = those rows of U[xi] (conv_mr4, from u) times
   V[xi] (C x cols, rows T apart). */
static AOTC_UNUSED void aotc_conv_wino23_gemm(int32_t mr, int32_t C, int32_t cols, int32_t T, const float *u,
                                              const float *v, const int32_t *koff, float *mxi) {
  int32_t q = 0;
#if defined(AOTC_CONV_VEC) && defined(__AVX512F__)
  if (mr == 8)
    for (; q + 32 <= cols; q += 32) aotc_conv_wino23_gemm_tile(C, u, v + q, T, mxi + q, T);
#endif
  if (q < cols) aotc_conv_gemm_f32(mr, C, cols - q, u, v + q, koff, NULL, NULL, mxi + q, T);
}

AOTC_KERNEL void aotc_conv_wino23_mr4_f32(const float *x, const float *u, const float *bias, const float *residual,
                                          float *y, void *scratch, const aotc_conv_params *geo, int32_t act_kind,
                                          float act_a, float act_b) {
  const int32_t N = geo->n, C = geo->cg, M = geo->mg, IH = geo->in[1], IW = geo->in[2];
  const int32_t OH = geo->out[1], OW = geo->out[2], P = OH * OW;
  const int32_t TH = (OH + 1) / 2, TW = (OW + 1) / 2, R = aotc_conv_wino23_rows(geo), T = R * TW;
  /* A block's input rows split into column phases: 2*R + 2 rows (the last tile row's 4) of TW + 1, zero-padded. */
  const int32_t Hph = 2 * R + 2, Wph = TW + 1;
  /* (M holds the 16 GEMMs' products for 8 output channels at a time.) */
  const ptrdiff_t chan = (ptrdiff_t)2 * Hph * Wph, vstride = (ptrdiff_t)C * T, mstride = (ptrdiff_t)8 * T;
  const ptrdiff_t per_xi = (ptrdiff_t)(M + AOTC_CONV_MR - 1) / AOTC_CONV_MR * AOTC_CONV_MR * C;
  /* Phases, V (read up to a whole GEMM tile past its end), M, the GEMMs' koff. */
  float *ph = (float *)scratch, *V = ph + C * chan, *Mb = V + 16 * vstride + AOTC_CONV_NR_MAX;
  int32_t *koff = (int32_t *)(void *)(Mb + 16 * mstride);
  aotc_conv_params pg = *geo; /* a block's phase split: stride 2 along columns only, its rows' top pad */
  aotc_conv_act act_s;
  const aotc_conv_act *act = aotc_conv_act_init(&act_s, act_kind, act_a, act_b);
  int32_t n, th0, c, xi, m0, m, a;
  pg.stride[0] = pg.stride[1] = 1, pg.stride[2] = 2;
  pg.out[1] = 2 * R, pg.out[2] = TW;
  for (c = 0; c < C; ++c) koff[c] = c * T;
  for (n = 0; n < N; ++n) {
    const float *xn = x + (ptrdiff_t)n * C * IH * IW;
    float *yn = y + (ptrdiff_t)n * M * P;
    const float *resn = residual ? residual + (ptrdiff_t)n * M * P : NULL;
    for (th0 = 0; th0 < TH; th0 += R) {
      const int32_t rows = TH - th0 < R ? TH - th0 : R;
      pg.pad[1] = geo->pad[1] - 2 * th0;
      for (c = 0; c < C; ++c) aotc_conv_phase_copy_f32(xn + (ptrdiff_t)c * IH * IW, ph + c * chan, &pg, 1, Hph, Wph);
      for (c = 0; c < C; ++c)
        for (a = 0; a < rows; ++a) {
          const float *pe = ph + c * chan + (ptrdiff_t)2 * a * Wph;
          aotc_conv_wino23_tile_row(pe, pe + (ptrdiff_t)Hph * Wph, Wph, V + (ptrdiff_t)c * T + (ptrdiff_t)a * TW,
                                    vstride, TW);
        }
      for (m0 = 0; m0 < M; m0 += 8) {
        const int32_t mr = M - m0 < 8 ? M - m0 : 8;
        for (xi = 0; xi < 16; ++xi)
          aotc_conv_wino23_gemm(mr, C, rows * TW, T, u + xi * per_xi + (ptrdiff_t)m0 * C, V + xi * vstride, koff,
                                Mb + xi * mstride);
        /* A^T M A, tile row by tile row: tile t's four outputs go to columns 2t and 2t + 1 of two output rows. */
        for (m = 0; m < mr; ++m)
          for (a = 0; a < rows; ++a) {
            const int32_t oh = 2 * (th0 + a);
            const ptrdiff_t at = (ptrdiff_t)(m0 + m) * P + (ptrdiff_t)oh * OW;
            const int more = oh + 1 < OH;
            aotc_conv_wino23_output(Mb + (ptrdiff_t)m * T + (ptrdiff_t)a * TW, mstride, yn + at,
                                    more ? yn + at + OW : NULL, resn ? resn + at : NULL,
                                    resn && more ? resn + at + OW : NULL, bias ? bias[m0 + m] : 0.0f, OW, TW, act);
          }
      }
    }
  }
}

/*
 * Direct convolution for any geometry: the simple reference path, used for
 * double precision. geo as above (geo->method unused).
 */
#define AOTC_CONV_DIRECT(SFX, T)                                                                                       \
  AOTC_KERNEL void aotc_conv_direct_##SFX(const T *x, const T *w, const T *bias, T *y, const aotc_conv_params *geo) {  \
    const int32_t N = geo->n, G = geo->groups, Cg = geo->cg, Mg = geo->mg, ID = geo->in[0], IH = geo->in[1];           \
    const int32_t IW = geo->in[2];                                                                                     \
    const int32_t OD = geo->out[0], OH = geo->out[1], OW = geo->out[2], KD = geo->kernel[0], KH = geo->kernel[1];      \
    const int32_t KW = geo->kernel[2];                                                                                 \
    const int32_t SD = geo->stride[0], SH = geo->stride[1], SW = geo->stride[2], DD = geo->dilation[0];                \
    const int32_t DH = geo->dilation[1], DW = geo->dilation[2];                                                        \
    const int32_t PD = geo->pad[0], PH = geo->pad[1], PW = geo->pad[2];                                                \
    int32_t n, gi, m, od, oh, ow, c, kd, kh, kw;                                                                       \
    for (n = 0; n < N; ++n)                                                                                            \
      for (gi = 0; gi < G; ++gi)                                                                                       \
        for (m = 0; m < Mg; ++m) {                                                                                     \
          const T *wm = w + (ptrdiff_t)(gi * Mg + m) * Cg * KD * KH * KW;                                              \
          T *ym = y + ((ptrdiff_t)n * G * Mg + gi * Mg + m) * OD * OH * OW;                                            \
          for (od = 0; od < OD; ++od)                                                                                  \
            for (oh = 0; oh < OH; ++oh)                                                                                \
              for (ow = 0; ow < OW; ++ow) {                                                                            \
                T acc = bias ? bias[gi * Mg + m] : (T)0;                                                               \
                for (c = 0; c < Cg; ++c) {                                                                             \
                  const T *xc = x + ((ptrdiff_t)n * G * Cg + gi * Cg + c) * ID * IH * IW;                              \
                  const T *wc = wm + (ptrdiff_t)c * KD * KH * KW;                                                      \
                  for (kd = 0; kd < KD; ++kd) {                                                                        \
                    int32_t id = od * SD - PD + kd * DD;                                                               \
                    if (id < 0 || id >= ID) continue;                                                                  \
                    for (kh = 0; kh < KH; ++kh) {                                                                      \
                      int32_t ih = oh * SH - PH + kh * DH;                                                             \
                      if (ih < 0 || ih >= IH) continue;                                                                \
                      for (kw = 0; kw < KW; ++kw) {                                                                    \
                        int32_t iw = ow * SW - PW + kw * DW;                                                           \
                        if (iw < 0 || iw >= IW) continue;                                                              \
                        acc += wc[(kd * KH + kh) * KW + kw] * xc[((ptrdiff_t)id * IH + ih) * IW + iw];                 \
                      }                                                                                                \
                    }                                                                                                  \
                  }                                                                                                    \
                }                                                                                                      \
                ym[((ptrdiff_t)od * OH + oh) * OW + ow] = acc;                                                         \
              }                                                                                                        \
        }                                                                                                              \
  }
AOTC_CONV_DIRECT(f32, float)
AOTC_CONV_DIRECT(f64, double)

/*
 * ConvTranspose, direct: every input pixel scatters x * w[tap] to output
 * pixel i*S - P + tap*D. geo is filled like Conv's, with Cg the input channels
 * per group, Mg the output channels per group, and w ONNX's [C, Mg, KD, KH, KW].
 */
#define AOTC_CONV_TRANSPOSE(SFX, T)                                                                                    \
  AOTC_KERNEL void aotc_conv_transpose_##SFX(const T *x, const T *w, const T *bias, T *y,                              \
                                             const aotc_conv_params *geo) {                                            \
    const int32_t N = geo->n, G = geo->groups, Cg = geo->cg, Mg = geo->mg, ID = geo->in[0], IH = geo->in[1];           \
    const int32_t IW = geo->in[2];                                                                                     \
    const int32_t OD = geo->out[0], OH = geo->out[1], OW = geo->out[2], KD = geo->kernel[0], KH = geo->kernel[1];      \
    const int32_t KW = geo->kernel[2];                                                                                 \
    const int32_t SD = geo->stride[0], SH = geo->stride[1], SW = geo->stride[2], DD = geo->dilation[0];                \
    const int32_t DH = geo->dilation[1], DW = geo->dilation[2];                                                        \
    const int32_t PD = geo->pad[0], PH = geo->pad[1], PW = geo->pad[2];                                                \
    const ptrdiff_t out_plane = (ptrdiff_t)OD * OH * OW, in_plane = (ptrdiff_t)ID * IH * IW;                           \
    int32_t n, gi, m, c, kd, kh, kw, id, ih, iw;                                                                       \
    ptrdiff_t i;                                                                                                       \
    for (n = 0; n < N; ++n)                                                                                            \
      for (gi = 0; gi < G; ++gi)                                                                                       \
        for (m = 0; m < Mg; ++m) {                                                                                     \
          T *ym = y + ((ptrdiff_t)n * G * Mg + gi * Mg + m) * out_plane;                                               \
          const T b = bias ? bias[gi * Mg + m] : (T)0;                                                                 \
          for (i = 0; i < out_plane; ++i) ym[i] = b;                                                                   \
          for (c = 0; c < Cg; ++c) {                                                                                   \
            const T *xc = x + ((ptrdiff_t)n * G * Cg + gi * Cg + c) * in_plane;                                        \
            const T *wc = w + ((ptrdiff_t)(gi * Cg + c) * Mg + m) * KD * KH * KW;                                      \
            for (kd = 0; kd < KD; ++kd)                                                                                \
              for (kh = 0; kh < KH; ++kh)                                                                              \
                for (kw = 0; kw < KW; ++kw) {                                                                          \
                  const T wv = wc[(kd * KH + kh) * KW + kw];                                                           \
                  for (id = 0; id < ID; ++id) {                                                                        \
                    const int32_t od = id * SD - PD + kd * DD;                                                         \
                    if (od < 0 || od >= OD) continue;                                                                  \
                    for (ih = 0; ih < IH; ++ih) {                                                                      \
                      const int32_t oh = ih * SH - PH + kh * DH;                                                       \
                      const T *xr = xc + ((ptrdiff_t)id * IH + ih) * IW;                                               \
                      T *yr;                                                                                           \
                      if (oh < 0 || oh >= OH) continue;                                                                \
                      yr = ym + ((ptrdiff_t)od * OH + oh) * OW;                                                        \
                      for (iw = 0; iw < IW; ++iw) {                                                                    \
                        const int32_t ow = iw * SW - PW + kw * DW;                                                     \
                        if (ow >= 0 && ow < OW) yr[ow] += xr[iw] * wv;                                                 \
                      }                                                                                                \
                    }                                                                                                  \
                  }                                                                                                    \
                }                                                                                                      \
          }                                                                                                            \
        }                                                                                                              \
  }
AOTC_CONV_TRANSPOSE(f32, float)
AOTC_CONV_TRANSPOSE(f64, double)

/* ---- quantized: ConvInteger and QLinearConv (direct) -------------------- */

/*
 * Accumulates sum over the window of (x - xz) * (w - wz) for output pixel
 * (od, oh, ow) of output channel m (group gi) into ACC, in int32 (exact for
 * 8-bit operands up to 2^15 taps). Shared by the two kernels below.
 */
#define AOTC_CONV_INT_DOT(ACC, XT, WT)                                                                                 \
  for (c = 0; c < Cg; ++c) {                                                                                           \
    const XT *xc = x + ((ptrdiff_t)n * G * Cg + gi * Cg + c) * ID * IH * IW;                                           \
    const WT *wc = w + ((ptrdiff_t)(gi * Mg + m) * Cg + c) * KD * KH * KW;                                             \
    for (kd = 0; kd < KD; ++kd) {                                                                                      \
      const int32_t id = od * SD - PD + kd * DD;                                                                       \
      if (id < 0 || id >= ID) continue;                                                                                \
      for (kh = 0; kh < KH; ++kh) {                                                                                    \
        const int32_t ih = oh * SH - PH + kh * DH;                                                                     \
        if (ih < 0 || ih >= IH) continue;                                                                              \
        for (kw = 0; kw < KW; ++kw) {                                                                                  \
          const int32_t iw = ow * SW - PW + kw * DW;                                                                   \
          if (iw < 0 || iw >= IW) continue;                                                                            \
          /* wraps instead of overflowing (no UB), like int32 arithmetic elsewhere */                                  \
          ACC = (int32_t)((uint32_t)ACC + (uint32_t)(((int32_t)xc[((ptrdiff_t)id * IH + ih) * IW + iw] - xz) *         \
                                                     ((int32_t)wc[(kd * KH + kh) * KW + kw] - wz)));                   \
        }                                                                                                              \
      }                                                                                                                \
    }                                                                                                                  \
  }

#define AOTC_CONV_INT_GEOMETRY                                                                                         \
  const int32_t N = geo->n, G = geo->groups, Cg = geo->cg, Mg = geo->mg, ID = geo->in[0], IH = geo->in[1];             \
  const int32_t IW = geo->in[2];                                                                                       \
  const int32_t OD = geo->out[0], OH = geo->out[1], OW = geo->out[2], KD = geo->kernel[0], KH = geo->kernel[1];        \
  const int32_t KW = geo->kernel[2];                                                                                   \
  const int32_t SD = geo->stride[0], SH = geo->stride[1], SW = geo->stride[2], DD = geo->dilation[0];                  \
  const int32_t DH = geo->dilation[1], DW = geo->dilation[2];                                                          \
  const int32_t PD = geo->pad[0], PH = geo->pad[1], PW = geo->pad[2];                                                  \
  int32_t n, gi, m, od, oh, ow, c, kd, kh, kw;

/*
 * ConvInteger: y = sum (x - x_zp) * (w - w_zp) in int32. x_zp (a scalar) and
 * w_zp (w_zp_count = 1 or M values, one per output channel) may be NULL.
 * QLinearConv: the same sum plus bias (int32, may be NULL), requantized:
 * y = saturate(round_half_even(acc * x_scale * w_scale[m] / y_scale) + y_zp),
 * with w_scale and w_zp per output channel if per_channel, else scalars.
 */
#define AOTC_CONV_QUANT(SFX, XT, WT, YMIN, YMAX)                                                                       \
  AOTC_KERNEL void aotc_conv_integer_##SFX(const XT *x, const WT *w, const XT *x_zp, const WT *w_zp,                   \
                                           int32_t *y, const aotc_conv_params *geo, int32_t w_zp_count) {              \
    AOTC_CONV_INT_GEOMETRY                                                                                             \
    const int32_t xz = x_zp ? (int32_t)x_zp[0] : 0;                                                                    \
    for (n = 0; n < N; ++n)                                                                                            \
      for (gi = 0; gi < G; ++gi)                                                                                       \
        for (m = 0; m < Mg; ++m) {                                                                                     \
          const int32_t wz = w_zp ? (int32_t)w_zp[w_zp_count > 1 ? gi * Mg + m : 0] : 0;                               \
          for (od = 0; od < OD; ++od)                                                                                  \
            for (oh = 0; oh < OH; ++oh)                                                                                \
              for (ow = 0; ow < OW; ++ow) {                                                                            \
                int32_t acc = 0;                                                                                       \
                AOTC_CONV_INT_DOT(acc, XT, WT)                                                                         \
                y[(((ptrdiff_t)n * G * Mg + gi * Mg + m) * OD + od) * OH * OW + (ptrdiff_t)oh * OW + ow] = acc;        \
              }                                                                                                        \
        }                                                                                                              \
  }                                                                                                                    \
  AOTC_KERNEL void aotc_qlinearconv_##SFX(const XT *x, const float *x_scale, const XT *x_zp, const WT *w,              \
                                          const float *w_scale, const WT *w_zp, const float *y_scale,                  \
                                          const XT *y_zp, const int32_t *bias, XT *y, const aotc_conv_params *geo,     \
                                          int32_t per_channel) {                                                       \
    AOTC_CONV_INT_GEOMETRY                                                                                             \
    const int32_t xz = (int32_t)x_zp[0], yz = (int32_t)y_zp[0];                                                        \
    for (n = 0; n < N; ++n)                                                                                            \
      for (gi = 0; gi < G; ++gi)                                                                                       \
        for (m = 0; m < Mg; ++m) {                                                                                     \
          const int32_t mm = gi * Mg + m;                                                                              \
          const int32_t wz = (int32_t)w_zp[per_channel ? mm : 0];                                                      \
          const float scale = x_scale[0] * w_scale[per_channel ? mm : 0] / y_scale[0];                                 \
          for (od = 0; od < OD; ++od)                                                                                  \
            for (oh = 0; oh < OH; ++oh)                                                                                \
              for (ow = 0; ow < OW; ++ow) {                                                                            \
                int32_t acc = bias ? bias[mm] : 0;                                                                     \
                float v;                                                                                               \
                AOTC_CONV_INT_DOT(acc, XT, WT)                                                                         \
                v = rintf((float)acc * scale) + (float)yz;                                                             \
                v = v < (float)(YMIN) ? (float)(YMIN) : (v > (float)(YMAX) ? (float)(YMAX) : v);                       \
                y[(((ptrdiff_t)n * G * Mg + mm) * OD + od) * OH * OW + (ptrdiff_t)oh * OW + ow] = (XT)v;               \
              }                                                                                                        \
        }                                                                                                              \
  }
#define AOTC_CONV_QUANT_W(XS, XT, YMIN, YMAX)                                                                          \
  AOTC_CONV_QUANT(XS##_u8, XT, uint8_t, YMIN, YMAX)                                                                    \
  AOTC_CONV_QUANT(XS##_i8, XT, int8_t, YMIN, YMAX)
AOTC_CONV_QUANT_W(u8, uint8_t, 0, 255)
AOTC_CONV_QUANT_W(i8, int8_t, -128, 127)

/* ---- scalar-FPU kernels (Cortex-M) --------------------------------------- */

/*
 * For cores whose FPU has no float SIMD but 32 single-precision registers and
 * a fused multiply-add (Cortex-M4F's FPv4-SP, M7, M33); ops/conv.cpp chooses
 * them for those targets. Plain C99 with scalar accumulators: 4 output
 * channels x 4 output pixels (16 accumulators, 4 weights and 4 inputs: 24 of
 * the 32 registers). fmaf becomes one VFMA where the FPU has it
 * (__ARM_FEATURE_FMA); elsewhere it is a*b + c.
 *
 * aotc_sconv_f32 takes the arguments of aotc_conv_f32 (the same geometry, tap
 * offsets koff, packed weights and scratch) and aotc_sconv_depthwise_f32
 * those of aotc_conv_depthwise_f32. Output pixels are computed in tiles of 4
 * that are consecutive in the (phase) plane: along one output row (the last
 * tile of a row shifted left to stay full) when rows are at least 4 wide and
 * that wastes no more than the flat order; otherwise over the flat phase index
 * (oh*Wph + ow), dropping the Wph - OW columns past each row.
 */
#if defined(__ARM_FEATURE_FMA) || defined(FP_FAST_FMAF)
#define AOTC_SCONV_FMA(a, b, c) fmaf((a), (b), (c))
#else
#define AOTC_SCONV_FMA(a, b, c) ((a) * (b) + (c))
#endif

/* How output pixels are cut into tiles of 4 (see above). */
typedef struct aotc_sconv_tiling_s {
  int32_t OD, OH, OW, Hph, Wph;
  int32_t rowwise; /* 1: along output rows; 0: over the flat phase index */
  int32_t nq;      /* flat phase indices up to the last output pixel */
} aotc_sconv_tiling;

static AOTC_UNUSED aotc_sconv_tiling aotc_sconv_tiles(int32_t OD, int32_t OH, int32_t OW, int32_t Hph, int32_t Wph,
                                                     int32_t force_rows) {
  aotc_sconv_tiling t;
  t.OD = OD;
  t.OH = OH;
  t.OW = OW;
  t.Hph = Hph;
  t.Wph = Wph;
  t.nq = ((OD - 1) * Hph + OH - 1) * Wph + OW;
  t.rowwise = OW >= 4 && (force_rows || (OW + 3) / 4 * 4 <= Wph);
  return t;
}

/* A walk over the tiles: q is the tile's first flat phase index, pos[j] the
 * output index of its pixel j (-1: none), contig says pos[j] = pos[0] + j. */
typedef struct aotc_sconv_walk_s {
  int32_t q, pos[4], contig, step; /* contig: pixel j at pos[0] + j*step */
  int32_t row, s0, ow, oh, od; /* next tile: rowwise (row, s0); flat (od, oh, ow) of q */
} aotc_sconv_walk;

static AOTC_UNUSED void aotc_sconv_walk_start(aotc_sconv_walk *it) {
  it->row = it->s0 = it->ow = it->oh = it->od = 0;
  it->q = -4;
  it->step = 1;
  it->contig = 0;
  it->pos[0] = it->pos[1] = it->pos[2] = it->pos[3] = -1;
}

/* Moves to the next tile; 0 when there is none. */
static AOTC_UNUSED int aotc_sconv_walk_next(const aotc_sconv_tiling *t, aotc_sconv_walk *it) {
  int32_t j;
  if (t->rowwise) {
    int32_t s;
    if (it->s0 >= t->OW) {
      it->s0 = 0;
      ++it->row;
    }
    if (it->row >= t->OD * t->OH) return 0;
    s = it->s0 < t->OW - 4 ? it->s0 : t->OW - 4;
    it->q = ((it->row / t->OH) * t->Hph + it->row % t->OH) * t->Wph + s;
    it->pos[0] = it->row * t->OW + s;
    it->pos[1] = it->pos[0] + 1;
    it->pos[2] = it->pos[0] + 2;
    it->pos[3] = it->pos[0] + 3;
    it->contig = 1;
    it->s0 += 4;
    return 1;
  }
  it->q += 4;
  if (it->q >= t->nq) return 0;
  it->contig = 1;
  for (j = 0; j < 4; ++j) {
    it->pos[j] = it->ow < t->OW && it->oh < t->OH && it->od < t->OD ? (it->od * t->OH + it->oh) * t->OW + it->ow : -1;
    if (it->pos[j] < 0 || it->pos[j] != it->pos[0] + j) it->contig = 0;
    if (++it->ow == t->Wph) {
      it->ow = 0;
      if (++it->oh == t->Hph) {
        it->oh = 0;
        ++it->od;
      }
    }
  }
  return 1;
}

/* v = min(max(v, lo), hi); NaN stays (as aotc_conv_activate). */
#define AOTC_SCONV_CLAMP(v) (v) = (v) < lo ? lo : ((v) > hi ? hi : (v))

/* Stores 4 values of one output channel (row r of a tile) at y + pos[j]. */
static AOTC_UNUSED void aotc_sconv_put4(float *y, const aotc_sconv_walk *it, float v0, float v1, float v2, float v3,
                                        const aotc_conv_act *act) {
  if (act && act->kind == AOTC_CONV_ACT_CLAMP) {
    const float lo = act->a, hi = act->b;
    AOTC_SCONV_CLAMP(v0);
    AOTC_SCONV_CLAMP(v1);
    AOTC_SCONV_CLAMP(v2);
    AOTC_SCONV_CLAMP(v3);
  } else if (act) {
    v0 = aotc_conv_activate(v0, act);
    v1 = aotc_conv_activate(v1, act);
    v2 = aotc_conv_activate(v2, act);
    v3 = aotc_conv_activate(v3, act);
  }
  if (it->contig) {
    y += it->pos[0];
    y[0] = v0;
    y[it->step] = v1;
    y[2 * it->step] = v2;
    y[3 * it->step] = v3;
  } else {
    if (it->pos[0] >= 0) y[it->pos[0]] = v0;
    if (it->pos[1] >= 0) y[it->pos[1]] = v1;
    if (it->pos[2] >= 0) y[it->pos[2]] = v2;
    if (it->pos[3] >= 0) y[it->pos[3]] = v3;
  }
}

/*
 * One tile: for 4 channels r (mr valid) and its 4 pixels j, stores
 * act(bias[r] + sum_k A(r, k) * b[koff[k] + j]) at y + r*ldc + pos[j]; A is one
 * block of 4 packed rows (A(r, k) = A[k*4 + r]); rows past mr repeat valid ones.
 */
static AOTC_UNUSED void aotc_sconv_4x4(int32_t K, const float *A, const float *b, const int32_t *koff,
                                       const float *bias, int32_t mr, float *y, ptrdiff_t ldc,
                                       const aotc_sconv_walk *it, const aotc_conv_act *act) {
  float c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
  int32_t k;
  c00 = c01 = c02 = c03 = bias ? bias[0] : 0.0f;
  c10 = c11 = c12 = c13 = bias ? bias[mr > 1 ? 1 : 0] : 0.0f;
  c20 = c21 = c22 = c23 = bias ? bias[mr > 2 ? 2 : 0] : 0.0f;
  c30 = c31 = c32 = c33 = bias ? bias[mr > 3 ? 3 : 0] : 0.0f;
  for (k = 0; k < K; ++k, A += 4) {
    const float *bk = b + koff[k];
    const float b0 = bk[0], b1 = bk[1], b2 = bk[2], b3 = bk[3];
    const float a0 = A[0], a1 = A[1], a2 = A[2], a3 = A[3];
    c00 = AOTC_SCONV_FMA(a0, b0, c00);
    c01 = AOTC_SCONV_FMA(a0, b1, c01);
    c02 = AOTC_SCONV_FMA(a0, b2, c02);
    c03 = AOTC_SCONV_FMA(a0, b3, c03);
    c10 = AOTC_SCONV_FMA(a1, b0, c10);
    c11 = AOTC_SCONV_FMA(a1, b1, c11);
    c12 = AOTC_SCONV_FMA(a1, b2, c12);
    c13 = AOTC_SCONV_FMA(a1, b3, c13);
    c20 = AOTC_SCONV_FMA(a2, b0, c20);
    c21 = AOTC_SCONV_FMA(a2, b1, c21);
    c22 = AOTC_SCONV_FMA(a2, b2, c22);
    c23 = AOTC_SCONV_FMA(a2, b3, c23);
    c30 = AOTC_SCONV_FMA(a3, b0, c30);
    c31 = AOTC_SCONV_FMA(a3, b1, c31);
    c32 = AOTC_SCONV_FMA(a3, b2, c32);
    c33 = AOTC_SCONV_FMA(a3, b3, c33);
  }
  aotc_sconv_put4(y, it, c00, c01, c02, c03, act);
  if (mr > 1) aotc_sconv_put4(y + ldc, it, c10, c11, c12, c13, act);
  if (mr > 2) aotc_sconv_put4(y + 2 * ldc, it, c20, c21, c22, c23, act);
  if (mr > 3) aotc_sconv_put4(y + 3 * ldc, it, c30, c31, c32, c33, act);
}

/* One output pixel y[0] (and y[r*ldc]) of 4 channels: pointwise convs of fewer than 4 pixels. */
static AOTC_UNUSED void aotc_sconv_4x1(int32_t K, const float *A, const float *b, const int32_t *koff,
                                       const float *bias, int32_t mr, float *y, ptrdiff_t ldc,
                                       const aotc_conv_act *act) {
  float c[4];
  int32_t k, r;
  for (r = 0; r < 4; ++r) c[r] = bias ? bias[r < mr ? r : 0] : 0.0f;
  for (k = 0; k < K; ++k, A += 4) {
    const float bk = b[koff[k]];
    c[0] = AOTC_SCONV_FMA(A[0], bk, c[0]);
    c[1] = AOTC_SCONV_FMA(A[1], bk, c[1]);
    c[2] = AOTC_SCONV_FMA(A[2], bk, c[2]);
    c[3] = AOTC_SCONV_FMA(A[3], bk, c[3]);
  }
  for (r = 0; r < mr; ++r) y[(ptrdiff_t)r * ldc] = aotc_conv_activate(c[r], act);
}

/*
 * One group of a 2D SHIFTED conv with geo->band > 0: the input is copied into
 * phases geo->band output rows at a time (koff was computed for phases of
 * band + (KH-1)*DH/SH rows), so scratch holds a few rows, not the image.
 * Output rows [oh0, oh0 + rows) read padded input rows from oh0*SH - PH on:
 * the band's geometry is the conv's with its top pad moved up by oh0*SH.
 *
 * In place (yg == xg; ops/conv.cpp allows it for one group, stride 1 down
 * the rows and an output as tall and wide as the input): output row r of
 * channel m lands on input row r of channel m, or past the input. A band's
 * outputs then destroy input rows [oh0, oh0 + rows), of which the next band
 * still needs the last PH: those are taken from this band's copy (its rows
 * [rows, rows + PH)) instead of from the input.
 */
static AOTC_UNUSED void aotc_sconv_banded_f32(const float *xg, const float *wg, const float *bg, float *yg, float *buf,
                                              const aotc_conv_params *geo, const int32_t *koff,
                                              const aotc_conv_act *act) {
  const int32_t Cg = geo->cg, Mg = geo->mg, IH = geo->in[1], IW = geo->in[2], OH = geo->out[1], OW = geo->out[2];
  const int32_t P = OH * OW, K = Cg * geo->kernel[1] * geo->kernel[2], PH = geo->pad[1];
  const int in_place = (const float *)yg == xg;
  aotc_conv_params band = *geo;
  int32_t Hph, Wph, oh0, c, i, m;
  ptrdiff_t chan;
  band.out[1] = geo->band; /* every band's phases have the same shape, matching koff */
  Hph = aotc_conv_phase_extent(&band, 1);
  Wph = aotc_conv_phase_extent(&band, 2);
  chan = (ptrdiff_t)geo->stride[1] * geo->stride[2] * Hph * Wph;
  for (oh0 = 0; oh0 < OH; oh0 += geo->band) {
    const int32_t rows = OH - oh0 < geo->band ? OH - oh0 : geo->band;
    aotc_sconv_tiling tl = aotc_sconv_tiles(1, rows, OW, Hph, Wph, 0);
    aotc_sconv_walk it;
    band.pad[1] = geo->pad[1] - oh0 * geo->stride[1];
    if (in_place && oh0 > 0 && PH > 0) {
      /* In each phase plane (SH == 1: SW planes per channel, SW > 1 when the pads keep OW == IW), rows [0, PH)
         from the previous band's rows [band, band + PH), the rest (input rows oh0 on) from the input. */
      const int32_t SW = geo->stride[2], PW = geo->pad[2];
      int32_t j, l;
      for (c = 0; c < Cg * SW; ++c) {
        float *dst = buf + (ptrdiff_t)c * Hph * Wph;
        const float *src = xg + (ptrdiff_t)(c / SW) * IH * IW;
        memmove(dst, dst + (ptrdiff_t)geo->band * Wph, (size_t)PH * Wph * sizeof(float));
        for (j = PH; j < Hph; ++j)
          for (l = 0; l < Wph; ++l) {
            const int32_t ih = oh0 + j - PH, iw = l * SW + c % SW - PW;
            dst[(ptrdiff_t)j * Wph + l] = ih < IH && iw >= 0 && iw < IW ? src[(ptrdiff_t)ih * IW + iw] : 0.0f;
          }
      }
    } else {
      for (c = 0; c < Cg; ++c)
        aotc_conv_phase_copy_f32(xg + (ptrdiff_t)c * IH * IW, buf + c * chan, &band, 1, Hph, Wph);
    }
    for (i = 0; i < AOTC_CONV_NR_MAX; ++i) buf[Cg * chan + i] = 0.0f; /* read past the end by the last tile */
    aotc_sconv_walk_start(&it);
    while (aotc_sconv_walk_next(&tl, &it))
      for (m = 0; m < Mg; m += AOTC_CONV_MR) {
        const int32_t mr = Mg - m < AOTC_CONV_MR ? Mg - m : AOTC_CONV_MR;
        aotc_sconv_4x4(K, wg + (ptrdiff_t)m * K, buf + it.q, koff, bg ? bg + m : NULL, mr,
                       yg + (ptrdiff_t)m * P + (ptrdiff_t)oh0 * OW, P, &it, act);
      }
  }
}

/*
 * One group of a pointwise conv (K input channels, Mg outputs, P pixels):
 * each tile of 4 pixels (then each last pixel) is copied into buf (K x 4
 * floats, then K tap offsets) before any output of it is written, so the conv
 * may run in place (y == x, one group, one batch: ops/conv.cpp): output
 * channel m of the tile overwrites input channel m of the same pixels, or
 * lands past the input.
 */
static AOTC_UNUSED void aotc_sconv_pointwise_f32(const float *xg, const float *wg, const float *bg, float *yg,
                                                 float *buf, int32_t K, int32_t Mg, int32_t P,
                                                 const aotc_conv_act *act) {
  int32_t *koff_tile = (int32_t *)(void *)(buf + (ptrdiff_t)4 * K);
  aotc_sconv_walk it;
  int32_t p, k, j, m;
  for (k = 0; k < K; ++k) koff_tile[k] = 4 * k;
  it.contig = 1;
  it.step = 1;
  for (p = 0; p < P; p += 4) {
    const int32_t np = P - p < 4 ? P - p : 4;
    for (k = 0; k < K; ++k)
      for (j = 0; j < np; ++j) buf[4 * k + j] = xg[(ptrdiff_t)k * P + p + j];
    it.pos[0] = p;
    for (m = 0; m < Mg; m += AOTC_CONV_MR) {
      const int32_t mr = Mg - m < AOTC_CONV_MR ? Mg - m : AOTC_CONV_MR;
      const float *wm = wg + (ptrdiff_t)m * K, *bm = bg ? bg + m : NULL;
      float *ym = yg + (ptrdiff_t)m * P;
      if (np == 4) {
        aotc_sconv_4x4(K, wm, buf, koff_tile, bm, mr, ym, P, &it, act);
      } else {
        for (j = 0; j < np; ++j) aotc_sconv_4x1(K, wm, buf + j, koff_tile, bm, mr, ym + p + j, P, act);
      }
    }
  }
}

/* Conv with aotc_conv_f32's arguments (see there) on scalar accumulators. */
AOTC_KERNEL void aotc_sconv_f32(const float *x, const float *w, const float *wpacked, const float *bias, float *y,
                                void *scratch, const aotc_conv_params *geo, const int32_t *koff, int32_t act_kind,
                                float act_a, float act_b) {
  const int32_t N = geo->n, G = geo->groups, Cg = geo->cg, Mg = geo->mg;
  const int32_t ID = geo->in[0], IH = geo->in[1], IW = geo->in[2];
  const int32_t OD = geo->out[0], OH = geo->out[1], OW = geo->out[2], P = OD * OH * OW;
  const int32_t K = Cg * geo->kernel[0] * geo->kernel[1] * geo->kernel[2], method = geo->method;
  const int32_t Dph = aotc_conv_phase_extent(geo, 0), Hph = aotc_conv_phase_extent(geo, 1);
  const int32_t Wph = aotc_conv_phase_extent(geo, 2);
  const ptrdiff_t chan = (ptrdiff_t)geo->stride[0] * geo->stride[1] * geo->stride[2] * Dph * Hph * Wph;
  const ptrdiff_t packed_group = (ptrdiff_t)(Mg + AOTC_CONV_MR - 1) / AOTC_CONV_MR * AOTC_CONV_MR * K;
  float *wp = (float *)scratch;
  float *buf = wpacked ? wp : wp + (ptrdiff_t)(Mg + AOTC_CONV_MR) * K;
  aotc_conv_act act_s;
  const aotc_conv_act *act = aotc_conv_act_init(&act_s, act_kind, act_a, act_b);
  aotc_sconv_tiling tl;
  aotc_sconv_walk it;
  int32_t n, gi, c, i, m;
  /* Pointwise: one row of P pixels read from the input itself; else the phases. */
  tl = method == AOTC_CONV_POINTWISE ? aotc_sconv_tiles(1, 1, P, 1, P, 1)
                                         : aotc_sconv_tiles(OD, OH, OW, Hph, Wph, 0);
  for (n = 0; n < N; ++n)
    for (gi = 0; gi < G; ++gi) {
      const float *xg = x + ((ptrdiff_t)n * G + gi) * Cg * ID * IH * IW, *b = buf;
      const float *wg = wpacked ? wpacked + gi * packed_group : wp;
      const float *bg = bias ? bias + (ptrdiff_t)gi * Mg : NULL;
      float *yg = y + ((ptrdiff_t)n * G + gi) * Mg * P;
      if (!wpacked) aotc_conv_pack_f32(w + (ptrdiff_t)gi * Mg * K, Mg, K, AOTC_CONV_MR, wp);
      if (geo->band > 0) {
        aotc_sconv_banded_f32(xg, wg, bg, yg, buf, geo, koff, act);
        continue;
      }
      if (method == AOTC_CONV_POINTWISE && (const float *)y == x) { /* in place (ops/conv.cpp) */
        aotc_sconv_pointwise_f32(xg, wg, bg, yg, buf, K, Mg, P, act);
        continue;
      }
      if (method != AOTC_CONV_POINTWISE) {
        for (c = 0; c < Cg; ++c)
          aotc_conv_phase_copy_f32(xg + (ptrdiff_t)c * ID * IH * IW, buf + c * chan, geo, Dph, Hph, Wph);
        for (i = 0; i < AOTC_CONV_NR_MAX; ++i) buf[Cg * chan + i] = 0.0f; /* read past the end by the last tile */
      } else if (P < 4) {
        for (i = 0; i < P; ++i)
          for (m = 0; m < Mg; m += AOTC_CONV_MR) {
            const int32_t mr = Mg - m < AOTC_CONV_MR ? Mg - m : AOTC_CONV_MR;
            aotc_sconv_4x1(K, wg + (ptrdiff_t)m * K, xg + i, koff, bg ? bg + m : NULL, mr, yg + (ptrdiff_t)m * P + i,
                           P, act);
          }
        continue;
      } else {
        b = xg; /* pointwise, not in place: tiles read the input where it is */
      }
      aotc_sconv_walk_start(&it);
      while (aotc_sconv_walk_next(&tl, &it))
        for (m = 0; m < Mg; m += AOTC_CONV_MR) {
          const int32_t mr = Mg - m < AOTC_CONV_MR ? Mg - m : AOTC_CONV_MR;
          aotc_sconv_4x4(K, wg + (ptrdiff_t)m * K, b + it.q, koff, bg ? bg + m : NULL, mr, yg + (ptrdiff_t)m * P, P,
                         &it, act);
        }
    }
}

/* Depthwise conv with aotc_conv_depthwise_f32's arguments (see there), 4 output
 * pixels at a time with the tap loop innermost. */
AOTC_KERNEL void aotc_sconv_depthwise_f32(const float *x, const float *w, const float *bias, float *y, void *scratch,
                                          const aotc_conv_params *geo, const int32_t *koff, int32_t act_kind,
                                          float act_a, float act_b) {
  const int32_t N = geo->n, G = geo->groups, Mg = geo->mg, IH = geo->in[1], IW = geo->in[2], OH = geo->out[1];
  const int32_t OW = geo->out[2];
  const int32_t KH = geo->kernel[1], KW = geo->kernel[2], SH = geo->stride[1], SW = geo->stride[2];
  const int32_t Hph = OH + (KH - 1) * geo->dilation[1] / SH, Wph = OW + (KW - 1) * geo->dilation[2] / SW;
  const ptrdiff_t chan = (ptrdiff_t)SH * SW * Hph * Wph;
  const int32_t T = KH * KW;
  const aotc_sconv_tiling tl = aotc_sconv_tiles(1, OH, OW, Hph, Wph, 0);
  /* 3x3 tap offsets (koff has T entries). */
  const int32_t o0 = koff[0], o1 = T == 9 ? koff[1] : 0, o2 = T == 9 ? koff[2] : 0, o3 = T == 9 ? koff[3] : 0;
  const int32_t o4 = T == 9 ? koff[4] : 0, o5 = T == 9 ? koff[5] : 0, o6 = T == 9 ? koff[6] : 0;
  const int32_t o7 = T == 9 ? koff[7] : 0, o8 = T == 9 ? koff[8] : 0;
  float *xp = (float *)scratch;
  aotc_conv_act act_s;
  const aotc_conv_act *act = aotc_conv_act_init(&act_s, act_kind, act_a, act_b);
  aotc_sconv_walk it;
  int32_t n, gi, mm, i, t;
  for (i = 0; i < 32; ++i) xp[chan + i] = 0.0f;
  for (n = 0; n < N; ++n)
    for (gi = 0; gi < G; ++gi) {
      aotc_conv_phase_copy_f32(x + ((ptrdiff_t)n * G + gi) * IH * IW, xp, geo, 1, Hph, Wph);
      for (mm = 0; mm < Mg; ++mm) {
        const int32_t m = gi * Mg + mm;
        const float *wk = w + (ptrdiff_t)m * T, b0 = bias ? bias[m] : 0.0f;
        const float w0 = wk[0], w1 = T == 9 ? wk[1] : 0.0f, w2 = T == 9 ? wk[2] : 0.0f, w3 = T == 9 ? wk[3] : 0.0f;
        const float w4 = T == 9 ? wk[4] : 0.0f, w5 = T == 9 ? wk[5] : 0.0f, w6 = T == 9 ? wk[6] : 0.0f;
        const float w7 = T == 9 ? wk[7] : 0.0f, w8 = T == 9 ? wk[8] : 0.0f;
        float *yout = y + ((ptrdiff_t)n * G * Mg + m) * OH * OW;
        int32_t ow = 0, h0 = 0, dq = 1;
        const int32_t col = !tl.rowwise && OH >= 4 && (OH + 3) / 4 * 4 * OW < OH * Wph;
        /* Rows narrower than a tile but at least 4 rows: tiles of 4 vertically adjacent pixels
           (the last one of a column shifted up), else the walk above. */
        aotc_sconv_walk_start(&it);
        if (col) {
          it.contig = 1;
          it.step = OW;
          dq = Wph;
        }
        while (col ? ow < OW : aotc_sconv_walk_next(&tl, &it)) {
          float c0 = b0, c1 = b0, c2 = b0, c3 = b0;
          const float *p;
          if (col) {
            const int32_t oh = h0 < OH - 4 ? h0 : OH - 4;
            it.q = oh * Wph + ow;
            it.pos[0] = oh * OW + ow;
            if ((h0 += 4) >= OH) {
              h0 = 0;
              ++ow;
            }
          }
          p = xp + it.q;
          if (T == 9) { /* 3x3: the weights and tap offsets in registers */
            const float *pt;
#define AOTC_SCONV_DW_TAP(t)                   \
  pt = p + o##t;                               \
  c0 = AOTC_SCONV_FMA(w##t, pt[0], c0);        \
  c1 = AOTC_SCONV_FMA(w##t, pt[dq], c1);       \
  c2 = AOTC_SCONV_FMA(w##t, pt[2 * dq], c2);   \
  c3 = AOTC_SCONV_FMA(w##t, pt[3 * dq], c3);
            AOTC_SCONV_DW_TAP(0)
            AOTC_SCONV_DW_TAP(1)
            AOTC_SCONV_DW_TAP(2)
            AOTC_SCONV_DW_TAP(3)
            AOTC_SCONV_DW_TAP(4)
            AOTC_SCONV_DW_TAP(5)
            AOTC_SCONV_DW_TAP(6)
            AOTC_SCONV_DW_TAP(7)
            AOTC_SCONV_DW_TAP(8)
#undef AOTC_SCONV_DW_TAP
          } else {
            for (t = 0; t < T; ++t) {
              const float *pt = p + koff[t], wt = wk[t];
              c0 = AOTC_SCONV_FMA(wt, pt[0], c0);
              c1 = AOTC_SCONV_FMA(wt, pt[dq], c1);
              c2 = AOTC_SCONV_FMA(wt, pt[2 * dq], c2);
              c3 = AOTC_SCONV_FMA(wt, pt[3 * dq], c3);
            }
          }
          aotc_sconv_put4(yout, &it, c0, c1, c2, c3, act);
        }
      }
    }
}
