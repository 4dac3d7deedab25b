/*
 * conv_int8.c -- fast QLinearConv and ConvInteger kernels for 8-bit x (uint8
 * or int8) and constant int8 weights with w_zero_point 0 (what QDQ fusion
 * makes), bit identical to the reference aotc_qlinearconv_<x>_i8 and
 * aotc_conv_integer_<x>_i8 (conv.c):
 *   acc      = bias[m] + sum over taps of (x - x_zp) * w   (int32, wrapping as conv.c)
 *   y        = clamp(rintf((float)acc * scale[m]) + y_zp, y_min, y_max)
 *   scale[m] = x_scale * w_scale[m] / y_scale              (float, in that order)
 * (ConvInteger: y = acc, no bias.) The sum is split as sum x*w - x_zp * sum w:
 * each output channel's weight sum comes with the weights (aotc_qconv_pack_i8,
 * folded at compile time), padded taps read x_zp so that they add nothing,
 * and the inner loops multiply raw 8-bit values: |x*w| <= 255*128, exact in
 * int32 for up to 65536 taps per output (ops/conv.cpp checks K <= 65536). The
 * per-channel scale and x_zp correction are computed once per call (O(M))
 * into scratch. y_min/y_max are the type's range, or narrower for a fused Relu.
 *
 *   aotc_qconv_<x>           GEMM per group: output (Mg x pixels) = W (Mg x K)
 *                            * B (K x pixels), register blocked 4 channels x
 *                            16 pixels (4 x 2 on Cortex-M; with the DSP
 *                            extension 2 x 2 on SMLAD, the pixels' taps
 *                            widened to 16 bits once per pixel pair). POINTWISE convs
 *                            (geo->method) read B straight from x; other convs
 *                            copy B (im2col, padded with x_zp) for geo->band
 *                            pixels at a time.
 *   aotc_qconv_depthwise_<x> one input channel per group (2D), on the plane
 *                            copied once with x_zp borders: stride 1 as a flat
 *                            1D conv over the padded width (3x3: all 9 taps in
 *                            one pass), other strides row by row. With the
 *                            DSP extension 3x3 convs (dilation 1 along rows,
 *                            stride 1 or 2) pair taps for SMLAD/SMLADX.
 *   aotc_qconv_[depthwise_]int32_<x>  the same for ConvInteger.
 * Scratch: see aotc_qconv_scratch_bytes / aotc_qconv_dw_scratch_bytes below
 * (ops/conv.cpp reserves that, for the 16-pixel tile).
 */
#include "conv_common.h" /* geo->method values */

/* Register tile of aotc_qconv_<x>: output channels x pixels. 16 pixels make
 * vectors for SIMD units; cores without them (Cortex-M) keep a 4 x 2 tile in
 * scalar registers. ops/conv.cpp sizes scratch for 16 (kQConvTile). */
#define AOTC_QCONV_MR 4
#ifndef AOTC_QCONV_NR /* (tests/kernels builds the Cortex-M tile on the host too) */
#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
#define AOTC_QCONV_NR 2
#else
#define AOTC_QCONV_NR 16
#endif
#endif

/*
 * Cores with the DSP extension (Cortex-M4/M7/M33: __ARM_FEATURE_SIMD32) run the
 * GEMM and 3x3 depthwise convs on SMLAD, two 16-bit multiply-accumulates per
 * instruction: four weights w[k..k+3] load as one word, SXTB16 splits them
 * into the pairs (k, k+2) and (k+1, k+3), and the inputs are paired to match. The GCC/Clang
 * builtins behind ACLE's __smlad and __sxtb16 (no arm_acle.h to paste).
 * Elsewhere the same functions in C, which AOTC_QCONV_EMULATE_DSP selects
 * for tests/kernels on the host.
 */
#if defined(__ARM_FEATURE_SIMD32) && __ARM_FEATURE_SIMD32 && defined(__GNUC__)
#define AOTC_QCONV_DSP 1
#define AOTC_QCONV_SMLAD(a, b, acc) __builtin_arm_smlad((int32_t)(a), (int32_t)(b), (acc))
#define AOTC_QCONV_SMLADX(a, b, acc) __builtin_arm_smladx((int32_t)(a), (int32_t)(b), (acc))
#define AOTC_QCONV_SXTB16(a) ((uint32_t)__builtin_arm_sxtb16((int32_t)(a)))
#else
#ifdef AOTC_QCONV_EMULATE_DSP
#define AOTC_QCONV_DSP 1
#else
#define AOTC_QCONV_DSP 0
#endif
#define AOTC_QCONV_SMLAD(a, b, acc) aotc_qconv_smlad((a), (b), (acc))
#define AOTC_QCONV_SMLADX(a, b, acc) aotc_qconv_smlad((a), (b) >> 16 | (b) << 16, (acc))
#define AOTC_QCONV_SXTB16(a) aotc_qconv_sxtb16(a)
#endif

/* Keeps a small hot loop out of a large caller, whose register pressure would
 * spill its constants. */
#if defined(__GNUC__)
#define AOTC_QCONV_NOINLINE __attribute__((noinline))
#else
#define AOTC_QCONV_NOINLINE
#endif

/* Bytes per tap of the tile buffer after scale and corr: a tile of 8-bit B, or
 * (DSP with the 2-pixel tile) two pixels' taps widened to 16 bits. */
#define AOTC_QCONV_TAILB (AOTC_QCONV_DSP && AOTC_QCONV_NR < 4 ? 4 : AOTC_QCONV_NR)

/* SXTB16/UXTB16 of a rotated right by 8 (bytes 1 and 3): one instruction, which
 * GCC does not form from the builtin on a rotate. UXTB16 zero-extends (uint8 x). */
#if defined(__ARM_FEATURE_SIMD32) && __ARM_FEATURE_SIMD32 && defined(__GNUC__)
#define AOTC_QCONV_UXTB16(a) ((uint32_t)__builtin_arm_uxtb16((int32_t)(a)))
static AOTC_UNUSED uint32_t aotc_qconv_sxtb16_ror8(uint32_t a) {
  uint32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(a));
  return r;
}
static AOTC_UNUSED uint32_t aotc_qconv_uxtb16_ror8(uint32_t a) {
  uint32_t r;
  __asm__("uxtb16 %0, %1, ror #8" : "=r"(r) : "r"(a));
  return r;
}
#else
#define AOTC_QCONV_UXTB16(a) ((uint32_t)(a) & 0x00ff00ffu)
static AOTC_UNUSED uint32_t aotc_qconv_sxtb16(uint32_t a);
static AOTC_UNUSED uint32_t aotc_qconv_sxtb16_ror8(uint32_t a) { return aotc_qconv_sxtb16(a >> 8 | a << 24); }
static AOTC_UNUSED uint32_t aotc_qconv_uxtb16_ror8(uint32_t a) { return (a >> 8 | a << 24) & 0x00ff00ffu; }
#endif
/* Bytes 0, 2 and 1, 3 of a word of x as 16-bit pairs, by the type of x. */
#define AOTC_QCONV_EXT_u8(a) AOTC_QCONV_UXTB16(a)
#define AOTC_QCONV_EXT_i8(a) AOTC_QCONV_SXTB16(a)
#define AOTC_QCONV_EXT8_u8(a) aotc_qconv_uxtb16_ror8(a)
#define AOTC_QCONV_EXT8_i8(a) aotc_qconv_sxtb16_ror8(a)

/* SMLAD: acc + lo(a)*lo(b) + hi(a)*hi(b) on signed 16-bit halves (wrapping). */
static AOTC_UNUSED int32_t aotc_qconv_smlad(uint32_t a, uint32_t b, int32_t acc) {
  const int32_t lo = (int32_t)(int16_t)(uint16_t)(a & 0xffffu) * (int16_t)(uint16_t)(b & 0xffffu);
  const int32_t hi = (int32_t)(int16_t)(uint16_t)(a >> 16) * (int16_t)(uint16_t)(b >> 16);
  return (int32_t)((uint32_t)acc + (uint32_t)lo + (uint32_t)hi);
}

/* (SMLADX: SMLAD with b's halves swapped.) */

/* SXTB16: bytes 0 and 2 sign-extended into the two 16-bit halves. */
static AOTC_UNUSED uint32_t aotc_qconv_sxtb16(uint32_t a) {
  return (uint32_t)(uint16_t)(int16_t)(int8_t)(uint8_t)(a & 0xffu) |
         (uint32_t)(uint16_t)(int16_t)(int8_t)(uint8_t)((a >> 16) & 0xffu) << 16;
}

/* Two 8-bit values (promoted to int32) as signed 16-bit halves lo, hi. */
#define AOTC_QCONV_PAIR(lo, hi) ((uint32_t)(uint16_t)(int16_t)(lo) | (uint32_t)(uint16_t)(int16_t)(hi) << 16)

/* Packed weights ("qconv_i8", ops/conv.cpp): the M x K weights in ONNX order,
 * then each channel's weight sum as 4 little-endian bytes (endian-neutral
 * constant data). */
AOTC_KERNEL void aotc_qconv_pack_i8(const int8_t *w, int8_t *wp, int32_t M, int32_t K) {
  int32_t m, k;
  memcpy(wp, w, (size_t)M * (size_t)K);
  for (m = 0; m < M; ++m) {
    uint32_t s = 0;
    for (k = 0; k < K; ++k) s += (uint32_t)(int32_t)w[(ptrdiff_t)m * K + k];
    for (k = 0; k < 4; ++k) wp[(ptrdiff_t)M * K + 4 * m + k] = (int8_t)(uint8_t)(s >> (8 * k));
  }
}

/* Output channel m's correction: bias[m] - x_zp * (its weight sum, packed
 * after the weights), wrapping like the sums. */
static AOTC_UNUSED int32_t aotc_qconv_corr1(int32_t xz, const int8_t *wp, const int32_t *bias, int32_t M, int32_t K,
                                           int32_t m) {
  const uint8_t *sum = (const uint8_t *)wp + (ptrdiff_t)M * K + 4 * (ptrdiff_t)m;
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint32_t s; /* (one load: Clang does not merge the 4 byte loads below into one, as GCC does) */
  memcpy(&s, sum, 4);
#else
  const uint32_t s = (uint32_t)sum[0] | (uint32_t)sum[1] << 8 | (uint32_t)sum[2] << 16 | (uint32_t)sum[3] << 24;
#endif
  return (int32_t)((uint32_t)(bias ? bias[m] : 0) - (uint32_t)xz * s);
}

/* corr[m] = bias[m] - x_zp * wsum[m] (wrapping; bias may be NULL) for every output channel. */
static AOTC_UNUSED void aotc_qconv_corr(int32_t xz, const int8_t *wp, const int32_t *bias, int32_t M, int32_t K,
                                       int32_t *corr) {
  int32_t m;
  for (m = 0; m < M; ++m) corr[m] = aotc_qconv_corr1(xz, wp, bias, M, K, m);
}

/* QLinearConv's scratch: scale[m] (as the reference computes it) and corr[m]. */
static AOTC_UNUSED void aotc_qconv_channels(const float *x_scale, int32_t xz, const int8_t *wp, const float *w_scale,
                                           int32_t per_channel, const float *y_scale, const int32_t *bias, int32_t M,
                                           int32_t K, float *scale, int32_t *corr) {
  int32_t m;
  for (m = 0; m < M; ++m) scale[m] = x_scale[0] * w_scale[per_channel ? m : 0] / y_scale[0];
  aotc_qconv_corr(xz, wp, bias, M, K, corr);
}

/* A pointwise conv of one group over single pixels: aotc_qconv_gemv_<x> runs it. */
#define AOTC_QCONV_IS_GEMV(geo)                                                                                        \
  ((geo)->method == AOTC_CONV_POINTWISE && (geo)->groups == 1 && (geo)->out[0] * (geo)->out[1] * (geo)->out[2] == 1)

/* Scratch of aotc_qconv_<x>: scale and corr, one zero-padded tile of B, and
 * the im2col band (K x band pixels) unless pointwise. The tile has K rounded up
 * to 4 rows (x86 packs B 4 taps at a time). */
static AOTC_UNUSED size_t aotc_qconv_scratch_bytes(const aotc_conv_params *geo) {
  const size_t K = (size_t)geo->cg * geo->kernel[0] * geo->kernel[1] * geo->kernel[2];
  const size_t M = (size_t)geo->groups * geo->mg;
  if (AOTC_QCONV_IS_GEMV(geo)) return 0;
  return 8 * M + (K + 3) / 4 * 4 * AOTC_QCONV_TAILB +
         (geo->method == AOTC_CONV_POINTWISE ? 0 : K * (size_t)geo->band);
}

/* Padded plane of aotc_qconv_depthwise_<x>: the rows and columns the taps read. */
static AOTC_UNUSED int32_t aotc_qconv_dw_extent(const aotc_conv_params *geo, int d) {
  return (geo->out[d] - 1) * geo->stride[d] + (geo->kernel[d] - 1) * geo->dilation[d] + 1;
}

/* Scratch of aotc_qconv_depthwise_<x>: scale, corr, one int32 accumulator per
 * padded-width output position, the padded plane. */
static AOTC_UNUSED size_t aotc_qconv_dw_scratch_bytes(const aotc_conv_params *geo) {
  const size_t M = (size_t)geo->groups * geo->mg, Hp = (size_t)aotc_qconv_dw_extent(geo, 1);
  const size_t Wp = (size_t)aotc_qconv_dw_extent(geo, 2);
  return 8 * M + 4 * (size_t)geo->out[1] * Wp + Hp * Wp;
}

/*
 * rintf, on Cortex-M without a call: Cortex-M4's FPU has no VRINT and newlib's
 * rintf costs dozens of instructions an output. Adding and subtracting
 * 1.5 * 2^23 rounds |v| <= 2^22 to an integer exactly as rintf does in the
 * default rounding mode (to nearest, ties to even; the mode C programs start
 * in); larger |v| saturate any 8-bit output unrounded. Not under -ffast-math,
 * which may fold the two additions away. (The product is compared before the
 * addition, so GCC's -ffp-contract=fast does not fuse them into a
 * multiply-add; tests/kernels checks it with FMA hardware.) AOTC_QCONV_MAGIC_RINT selects it on
 * the host for tests/kernels.
 */
#if ((defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M') || defined(AOTC_QCONV_MAGIC_RINT)) &&                  \
    !defined(__FAST_MATH__)
#define AOTC_QCONV_RINT(v) aotc_qconv_rint(v)
#define AOTC_QCONV_INT_REQUANT 1
#else
#define AOTC_QCONV_RINT(v) rintf(v)
#define AOTC_QCONV_INT_REQUANT 0
#endif
static AOTC_UNUSED float aotc_qconv_rint(float v) {
  if (v > 4194304.0f || v < -4194304.0f) return v;
  return (v + 12582912.0f) - 12582912.0f;
}

/* The requantizing store (see the top). */
#define AOTC_QCONV_REQUANT(XT, acc, s, yz, lo, hi, out)                                                                \
  do {                                                                                                                 \
    float v_ = AOTC_QCONV_RINT((float)(acc) * (s)) + (yz);                                                             \
    v_ = v_ < (lo) ? (lo) : (v_ > (hi) ? (hi) : v_);                                                                   \
    (out) = (XT)v_;                                                                                                    \
  } while (0)

/*
 * The same store with the rounding and clamp in integers, where the magic
 * rounding is in use (fewer FPU compares and flag transfers on Cortex-M):
 * for f >= -2^22, g = f + 1.5 * 2^23 is positive, its bits grow with it and
 * equal 0x4B400000 + rint(f) up to f = 2^22; past that they exceed it by more
 * than 2^22, which saturates as the float path does. k = 0x4B400000 - yz.
 */
static AOTC_UNUSED int32_t aotc_qconv_rq(int32_t acc, float s, int32_t k, int32_t lo, int32_t hi) {
  const float f = (float)acc * s;
  int32_t v = lo;
  if (!(f < -4194304.0f)) {
    const float g = f + 12582912.0f;
    memcpy(&v, &g, 4);
    v -= k;
    v = v < lo ? lo : (v > hi ? hi : v);
  }
  return v;
}

/*
 * The requantizing store on DSP cores with a single-precision FPU (Cortex-M4F,
 * M7, M33): VCVTR converts to int32 rounding in the FPSCR mode (rintf's: the
 * current one), saturating (NaN: 0); QADD adds yz saturating, SSAT/USAT clamp
 * to the 8-bit range. Past the int32 range both this and the float path
 * saturate, so it is bit for bit AOTC_QCONV_REQUANT in about half its
 * instructions. narrow: [lo, hi] is narrower than the type's (a fused Relu).
 * AOTC_QCONV_EMULATE_DSP selects the same in C for tests/kernels.
 */
#if defined(__ARM_FEATURE_SIMD32) && __ARM_FEATURE_SIMD32 && defined(__GNUC__) && defined(__ARM_FP) &&                \
    (__ARM_FP & 4)
#define AOTC_QCONV_CVT_REQUANT 1
static AOTC_UNUSED int32_t aotc_qconv_cvtr(float f) {
  float r;
  int32_t v;
  __asm__("vcvtr.s32.f32 %0, %1" : "=t"(r) : "t"(f));
  memcpy(&v, &r, 4);
  return v;
}
#define AOTC_QCONV_QADD(a, b) __builtin_arm_qadd((a), (b))
#define AOTC_QCONV_SAT8(v, is_signed)                                                                                  \
  ((is_signed) ? (int32_t)__builtin_arm_ssat((v), 8) : (int32_t)__builtin_arm_usat((v), 8))
#else
#ifdef AOTC_QCONV_EMULATE_DSP
#define AOTC_QCONV_CVT_REQUANT 1
#else
#define AOTC_QCONV_CVT_REQUANT 0 /* (no FPU: aotc_qconv_rq's soft-float additions cost less than rintf) */
#endif
static AOTC_UNUSED int32_t aotc_qconv_cvtr(float f) {
  if (f != f) return 0;
  if (f >= 2147483648.0f) return INT32_MAX;
  if (f < -2147483648.0f) return INT32_MIN;
  return (int32_t)rintf(f);
}
static AOTC_UNUSED int32_t aotc_qconv_qadd(int32_t a, int32_t b) {
  const int64_t v = (int64_t)a + b;
  return v > INT32_MAX ? INT32_MAX : (v < INT32_MIN ? INT32_MIN : (int32_t)v);
}
#define AOTC_QCONV_QADD(a, b) aotc_qconv_qadd((a), (b))
#define AOTC_QCONV_SAT8(v, is_signed)                                                                                  \
  ((is_signed) ? ((v) < -128 ? -128 : ((v) > 127 ? 127 : (v))) : ((v) < 0 ? 0 : ((v) > 255 ? 255 : (v))))
#endif
static AOTC_UNUSED int32_t aotc_qconv_rqc(int32_t acc, float s, int32_t yz, int32_t lo, int32_t hi, int32_t narrow,
                                          int is_signed) {
  int32_t v = AOTC_QCONV_QADD(aotc_qconv_cvtr((float)acc * s), yz);
  v = AOTC_QCONV_SAT8(v, is_signed);
  if (narrow) v = v < lo ? lo : (v > hi ? hi : v);
  return v;
}

/* Where the kernels store output channel m's sums (corr[m] added, wrapping):
 * requantized to 8 bits into y (QLinearConv), or as they are into y32
 * (ConvInteger) when y32 is not NULL. Offsets, not pointers: one of y and
 * y32 is NULL. */
typedef struct aotc_qconv_out_s {
  const float *scale;
  const int32_t *corr;
  float yz, lo, hi;
  int32_t k, ilo, ihi; /* aotc_qconv_rq's */
  int32_t iyz, narrow;  /* aotc_qconv_rqc's */
  void *y;
  int32_t *y32;
} aotc_qconv_out;

/* QLinearConv's output without its per-channel scale and corr. */
static AOTC_UNUSED aotc_qconv_out aotc_qconv_requant_fields(int32_t yz, int32_t y_min, int32_t y_max, void *y) {
  aotc_qconv_out o;
  o.scale = NULL, o.corr = NULL;
  o.yz = (float)yz, o.lo = (float)y_min, o.hi = (float)y_max, o.y = y, o.y32 = NULL;
  o.k = 0x4B400000 - yz, o.ilo = y_min, o.ihi = y_max;
  o.iyz = yz, o.narrow = !((y_min == 0 && y_max == 255) || (y_min == -128 && y_max == 127));
  return o;
}

/* QLinearConv's output: requantized, scale and corr computed into scratch. */
static AOTC_UNUSED aotc_qconv_out aotc_qconv_requant_out(const float *x_scale, int32_t xz, const int8_t *wp,
                                                       const float *w_scale, int32_t per_channel, const float *y_scale,
                                                       int32_t yz, const int32_t *bias, int32_t y_min, int32_t y_max,
                                                       void *y, void *scratch, int32_t M, int32_t K) {
  aotc_qconv_out o = aotc_qconv_requant_fields(yz, y_min, y_max, y);
  aotc_qconv_channels(x_scale, xz, wp, w_scale, per_channel, y_scale, bias, M, K, (float *)scratch,
                      (int32_t *)scratch + M);
  o.scale = (const float *)scratch, o.corr = (const int32_t *)scratch + M;
  return o;
}

/* ConvInteger's output: the int32 sums, corr computed into scratch. */
static AOTC_UNUSED aotc_qconv_out aotc_qconv_int32_out(int32_t xz, const int8_t *wp, int32_t *y, void *scratch,
                                                     int32_t M, int32_t K) {
  aotc_qconv_out o;
  aotc_qconv_corr(xz, wp, NULL, M, K, (int32_t *)scratch + M);
  o.scale = NULL, o.corr = (const int32_t *)scratch + M, o.yz = o.lo = o.hi = 0.0f, o.y = NULL, o.y32 = y;
  o.k = o.ilo = o.ihi = o.iyz = o.narrow = 0;
  return o;
}

/* (DSP) 4 taps of 2 channels' weights (pa, pb) times 2 pixels' widened taps
 * (xp) into s00 .. s11. */
#define AOTC_QCONV_DOT2X2(pa, pb, xp)                                                                                  \
  do {                                                                                                                 \
    const uint32_t x0e_ = (xp)[0], x0o_ = (xp)[1], x1e_ = (xp)[2], x1o_ = (xp)[3];                                     \
    uint32_t ua_, ub_, e_, o_;                                                                                         \
    memcpy(&ua_, (pa), 4), memcpy(&ub_, (pb), 4);                                                                      \
    e_ = AOTC_QCONV_SXTB16(ua_), o_ = aotc_qconv_sxtb16_ror8(ua_);                                                     \
    s00 = AOTC_QCONV_SMLAD(o_, x0o_, AOTC_QCONV_SMLAD(e_, x0e_, s00));                                                 \
    s01 = AOTC_QCONV_SMLAD(o_, x1o_, AOTC_QCONV_SMLAD(e_, x1e_, s01));                                                 \
    e_ = AOTC_QCONV_SXTB16(ub_), o_ = aotc_qconv_sxtb16_ror8(ub_);                                                     \
    s10 = AOTC_QCONV_SMLAD(o_, x0o_, AOTC_QCONV_SMLAD(e_, x0e_, s10));                                                 \
    s11 = AOTC_QCONV_SMLAD(o_, x1o_, AOTC_QCONV_SMLAD(e_, x1e_, s11));                                                 \
  } while (0)

/*
 * (DSP, Thumb-2) AOTC_QCONV_DOT2X2 over groups pairs of 4 taps (pairs >= 1),
 * 8 taps a step: 13 registers, one more than GCC leaves it without spilling
 * the loop's end, and two LDRD for the 4 input words, which GCC splits into
 * single loads (21 instructions per 4 taps in C, 17.5 here). wend: wa's end.
 * Clang keeps a frame pointer (r7) on bare-metal Arm even when optimizing,
 * which leaves 12 registers: there only where AOTC_ARM_NO_FRAME_POINTER says
 * the code is compiled with -fomit-frame-pointer (aotc's LLVM backend defines
 * it), else the C loop.
 */
#if defined(__ARM_FEATURE_SIMD32) && __ARM_FEATURE_SIMD32 && defined(__GNUC__) && defined(__thumb2__) &&             \
    (!defined(__clang__) || defined(AOTC_ARM_NO_FRAME_POINTER))
#define AOTC_QCONV_DOT2X2_ASM_HALF(wa, wb)                                                                             \
  "ldr %[u], " wa "\n\t"                                                                                               \
  "sxtb16 %[e], %[u]\n\t"                                                                                              \
  "smlad %[s00], %[e], %[x0e], %[s00]\n\t"                                                                             \
  "smlad %[s01], %[e], %[x1e], %[s01]\n\t"                                                                             \
  "sxtb16 %[u], %[u], ror #8\n\t"                                                                                      \
  "smlad %[s00], %[u], %[x0o], %[s00]\n\t"                                                                             \
  "smlad %[s01], %[u], %[x1o], %[s01]\n\t"                                                                             \
  "ldr %[u], " wb "\n\t"                                                                                               \
  "sxtb16 %[e], %[u]\n\t"                                                                                              \
  "smlad %[s10], %[e], %[x0e], %[s10]\n\t"                                                                             \
  "smlad %[s11], %[e], %[x1e], %[s11]\n\t"                                                                             \
  "sxtb16 %[u], %[u], ror #8\n\t"                                                                                      \
  "smlad %[s10], %[u], %[x0o], %[s10]\n\t"                                                                             \
  "smlad %[s11], %[u], %[x1o], %[s11]\n\t"
/* One 8-tap step of the 2x2 SMLAD tile, up to the loop test (label 1 is its
 * top) against wa's end at WEND (an operand or an address). */
#define AOTC_QCONV_DOT2X2_ASM_STEP AOTC_QCONV_DOT2X2_ASM_STEP_AT("%[wend]")
#define AOTC_QCONV_DOT2X2_ASM_STEP_AT(WEND)                                                                            \
  "1:\n\t"                                                                                                             \
  "ldrd %[x0e], %[x0o], [%[xp]], #32\n\t"                                                                              \
  "ldrd %[x1e], %[x1o], [%[xp], #-24]\n\t"                                                                             \
  AOTC_QCONV_DOT2X2_ASM_HALF("[%[wa]], #8", "[%[wb]], #8")                                                             \
  "ldrd %[x0e], %[x0o], [%[xp], #-16]\n\t"                                                                             \
  "ldrd %[x1e], %[x1o], [%[xp], #-8]\n\t"                                                                              \
  AOTC_QCONV_DOT2X2_ASM_HALF("[%[wa], #-4]", "[%[wb], #-4]")                                                           \
  "ldr %[u], " WEND "\n\t"                                                                                            \
  "cmp %[wa], %[u]\n\t"
/* (s00 .. s11 and the pointers wa, wb, xp are the caller's variables.) */
#define AOTC_QCONV_DOT2X2_LOOP(wa, wb, xp, pairs)                                                                      \
  do {                                                                                                                 \
    const int8_t *const wend_ = (wa) + 8 * (ptrdiff_t)(pairs);                                                         \
    uint32_t x0e_, x0o_, x1e_, x1o_, u_, e_;                                                                           \
    __asm__(AOTC_QCONV_DOT2X2_ASM_STEP                                                                                 \
            "bne 1b"                                                                                                   \
            : [s00] "+r"(s00), [s01] "+r"(s01), [s10] "+r"(s10), [s11] "+r"(s11), [wa] "+r"(wa), [wb] "+r"(wb),        \
              [xp] "+r"(xp), [x0e] "=&r"(x0e_), [x0o] "=&r"(x0o_), [x1e] "=&r"(x1e_), [x1o] "=&r"(x1o_),               \
              [u] "=&r"(u_), [e] "=&r"(e_)                                                                             \
            : [wend] "m"(wend_)                                                                                        \
            : "cc", "memory");                                                                                         \
  } while (0)
/*
 * (DSP, Thumb-2) aotc_qconv_gemv_dsp_<x>'s dot products of 4 weight rows,
 * w0, w0 + ldw, w2 and w2 + ldw, with x, 4 taps a step up to xend: the x
 * word widened once (EXT: sxtb16 for int8 x, uxtb16 for uint8), each row's
 * word by a register-offset or post-indexed LDR, 2 SXTB16 and 2 SMLAD; 25
 * instructions per 4 taps in 13 registers, where C (GCC or Clang) spilled
 * its 5 pointers and 4 sums (34 to 38).
 */
#if defined(__OPTIMIZE__) /* (GCC -O0 keeps no 13 registers) */
#define AOTC_QCONV_GEMV4_ROW_ASM(s)                                                                                    \
  "sxtb16 %[t], %[u]\n\t"                                                                                              \
  "smlad %[" s "], %[t], %[e], %[" s "]\n\t"                                                                           \
  "sxtb16 %[u], %[u], ror #8\n\t"                                                                                      \
  "smlad %[" s "], %[u], %[o], %[" s "]\n\t"
#define AOTC_QCONV_GEMV4_LOOP(xp, xe, pw0, pw2, ldw, a0, a1, a2, a3, EXT)                                              \
  do {                                                                                                                 \
    uint32_t u_, t_, e_, o_;                                                                                           \
    __asm__("1:\n\t"                                                                                                   \
            "ldr %[o], [%[x]], #4\n\t" EXT " %[e], %[o]\n\t" EXT " %[o], %[o], ror #8\n\t"                             \
            "ldr %[u], [%[w0], %[ldk]]\n\t" AOTC_QCONV_GEMV4_ROW_ASM("s1")                                             \
            "ldr %[u], [%[w0]], #4\n\t" AOTC_QCONV_GEMV4_ROW_ASM("s0")                                                 \
            "ldr %[u], [%[w2], %[ldk]]\n\t" AOTC_QCONV_GEMV4_ROW_ASM("s3")                                             \
            "ldr %[u], [%[w2]], #4\n\t" AOTC_QCONV_GEMV4_ROW_ASM("s2")                                                 \
            "cmp %[x], %[xend]\n\t"                                                                                    \
            "bne 1b"                                                                                                   \
            : [s0] "+r"(a0), [s1] "+r"(a1), [s2] "+r"(a2), [s3] "+r"(a3), [x] "+r"(xp), [w0] "+r"(pw0),                \
              [w2] "+r"(pw2), [u] "=&r"(u_), [t] "=&r"(t_), [e] "=&r"(e_), [o] "=&r"(o_)                               \
            : [xend] "r"(xe), [ldk] "r"(ldw)                                                                           \
            : "cc", "memory");                                                                                         \
  } while (0)
#define AOTC_QCONV_GEMV4_ASM_OK 1
#define AOTC_QCONV_GEMV4_EXT_i8 "sxtb16"
#define AOTC_QCONV_GEMV4_EXT_u8 "uxtb16"
#endif
/* The requantization of one sum (register s, scale in FP register f; u holds
 * yz) for aotc_qconv_dsp_pairs_asm_<x>: SAT is ssat (int8 y) or usat (uint8). */
#define AOTC_QCONV_RQ_ASM(s, f, SAT)                                                                                   \
  "vmov s13, %[" s "]\n\t"                                                                                             \
  "vcvt.f32.s32 s13, s13\n\t"                                                                                          \
  "vmul.f32 s13, s13, " f "\n\t"                                                                                       \
  "vcvtr.s32.f32 s13, s13\n\t"                                                                                         \
  "vmov %[" s "], s13\n\t"                                                                                             \
  "qadd %[" s "], %[" s "], %[u]\n\t" SAT " %[" s "], #8, %[" s "]\n\t"
/*
 * (DSP with an FPU) aotc_qconv_dsp_pairs_<x> in one asm block, for an
 * even number of tap groups: all 13 registers go to a channel pair's sums
 * and its K loop, the loop state stays in memory (one load or store each per
 * channel pair), where GCC spilled and reloaded it around the loop.
 */
#if defined(__ARM_FP) && (__ARM_FP & 4) && defined(__OPTIMIZE__) && !defined(__PIC__) /* (-O0, PIC: no 13 registers) */
#if defined(__clang__)
/*
 * (Clang) Clang gives every "m" operand a register of its own for its
 * address, 13 more than there are: here the loop state is one struct in
 * memory, its address is pushed below sp (with wend) for the block's length,
 * and the 13 registers are as above. Each field is a 32-bit word at the
 * offset of its index (AOTC_QCONV_PST_*), checked by aotc_qconv_pst_check.
 */
typedef struct {
  const int8_t *w;
  int32_t K, gb;
  const uint32_t *xb;
  const float *sc;
  const int32_t *co;
  uint8_t *y;
  int32_t ldy, yz, n;
} aotc_qconv_pst;
typedef char aotc_qconv_pst_check[sizeof(aotc_qconv_pst) == 40 && sizeof(ptrdiff_t) == 4 ? 1 : -1];
#define AOTC_QCONV_PAIRS_ASM(SFX, SAT)                                                                                 \
  static AOTC_UNUSED void aotc_qconv_dsp_pairs_asm_##SFX(const int8_t *w, int32_t K, int32_t G4, int32_t pairs,        \
                                                         const uint32_t *xb, const float *sc, const int32_t *co,       \
                                                         uint8_t *y, ptrdiff_t ldy, int32_t yz) {                      \
    aotc_qconv_pst st;                                                                                                 \
    uint32_t s00, s01, s10, s11, x0e_, x0o_, x1e_, x1o_, u_, e_;                                                       \
    const int8_t *wa, *wb;                                                                                             \
    const uint32_t *xp;                                                                                                \
    st.w = w, st.K = K, st.gb = 4 * G4, st.xb = xb, st.sc = sc, st.co = co, st.y = y, st.ldy = (int32_t)ldy;           \
    st.yz = yz, st.n = pairs;                                                                                          \
    u_ = (uint32_t)(uintptr_t)&st;                                                                                     \
    __asm__("sub sp, sp, #8\n\t"                                                                                       \
            "str %[u], [sp]\n\t"                                                                                       \
            "2:\n\t"                                                                                                   \
            "ldr %[e], [sp]\n\t"                                                                                       \
            "ldr %[wa], [%[e]]\n\t"                                                                                    \
            "ldr %[u], [%[e], #4]\n\t"                                                                                 \
            "add %[wb], %[wa], %[u]\n\t"                                                                               \
            "add %[u], %[wb], %[u]\n\t"                                                                                \
            "str %[u], [%[e]]\n\t"                                                                                     \
            "ldr %[u], [%[e], #8]\n\t"                                                                                 \
            "add %[u], %[wa], %[u]\n\t"                                                                                \
            "str %[u], [sp, #4]\n\t"                                                                                   \
            "ldr %[xp], [%[e], #12]\n\t"                                                                               \
            "ldr %[u], [%[e], #20]\n\t"                                                                                \
            "ldrd %[s00], %[s10], [%[u]], #8\n\t"                                                                      \
            "str %[u], [%[e], #20]\n\t"                                                                                \
            "mov %[s01], %[s00]\n\t"                                                                                   \
            "mov %[s11], %[s10]\n\t"                                                                                   \
            AOTC_QCONV_DOT2X2_ASM_STEP_AT("[sp, #4]")    \
            "bne 1b\n\t"                                                                                               \
            "ldr %[e], [sp]\n\t"                                                                                       \
            "ldr %[u], [%[e], #16]\n\t"                                                                                \
            "vldr s14, [%[u]]\n\t"                                                                                     \
            "vldr s15, [%[u], #4]\n\t"                                                                                 \
            "add %[u], %[u], #8\n\t"                                                                                   \
            "str %[u], [%[e], #16]\n\t"                                                                                \
            "ldr %[u], [%[e], #32]\n\t"                                                                                \
            AOTC_QCONV_RQ_ASM("s00", "s14", SAT) AOTC_QCONV_RQ_ASM("s01", "s14", SAT)                                  \
            AOTC_QCONV_RQ_ASM("s10", "s15", SAT) AOTC_QCONV_RQ_ASM("s11", "s15", SAT)                                  \
            "ldr %[wa], [%[e], #24]\n\t"                                                                               \
            "ldr %[u], [%[e], #28]\n\t"                                                                                \
            "strb %[s00], [%[wa]]\n\t"                                                                                 \
            "strb %[s01], [%[wa], #1]\n\t"                                                                             \
            "add %[wa], %[wa], %[u]\n\t"                                                                               \
            "strb %[s10], [%[wa]]\n\t"                                                                                 \
            "strb %[s11], [%[wa], #1]\n\t"                                                                             \
            "add %[wa], %[wa], %[u]\n\t"                                                                               \
            "str %[wa], [%[e], #24]\n\t"                                                                               \
            "ldr %[u], [%[e], #36]\n\t"                                                                                \
            "subs %[u], %[u], #1\n\t"                                                                                  \
            "str %[u], [%[e], #36]\n\t"                                                                                \
            "bne 2b\n\t"                                                                                               \
            "add sp, sp, #8"                                                                                           \
            : [s00] "=&r"(s00), [s01] "=&r"(s01), [s10] "=&r"(s10), [s11] "=&r"(s11), [wa] "=&r"(wa),                  \
              [wb] "=&r"(wb), [xp] "=&r"(xp), [x0e] "=&r"(x0e_), [x0o] "=&r"(x0o_), [x1e] "=&r"(x1e_),                 \
              [x1o] "=&r"(x1o_), [u] "+&r"(u_), [e] "=&r"(e_)                                                          \
            :                                                                                                          \
            : "cc", "memory", "s13", "s14", "s15");                                                                    \
  }
#else
#define AOTC_QCONV_PAIRS_ASM(SFX, SAT)                                                                                 \
  static AOTC_UNUSED void aotc_qconv_dsp_pairs_asm_##SFX(const int8_t *w, int32_t K, int32_t G4, int32_t pairs,        \
                                                         const uint32_t *xb, const float *sc, const int32_t *co,       \
                                                         uint8_t *y, ptrdiff_t ldy, int32_t yz) {                      \
    const int8_t *wend = w;                                                                                            \
    const int32_t gb = 4 * G4;                                                                                         \
    uint32_t s00, s01, s10, s11, x0e_, x0o_, x1e_, x1o_, u_, e_;                                                       \
    const int8_t *wa, *wb;                                                                                             \
    const uint32_t *xp;                                                                                                \
    __asm__("2:\n\t"                                                                                                   \
            "ldr %[wa], %[w]\n\t"                                                                                      \
            "ldr %[u], %[K]\n\t"                                                                                       \
            "add %[wb], %[wa], %[u]\n\t"                                                                               \
            "add %[e], %[wb], %[u]\n\t"                                                                                \
            "str %[e], %[w]\n\t"                                                                                       \
            "ldr %[u], %[gb]\n\t"                                                                                      \
            "add %[u], %[wa], %[u]\n\t"                                                                                \
            "str %[u], %[wend]\n\t"                                                                                    \
            "ldr %[xp], %[xb]\n\t"                                                                                     \
            "ldr %[u], %[co]\n\t"                                                                                      \
            "ldrd %[s00], %[s10], [%[u]], #8\n\t"                                                                      \
            "str %[u], %[co]\n\t"                                                                                      \
            "mov %[s01], %[s00]\n\t"                                                                                   \
            "mov %[s11], %[s10]\n\t"                                                                                   \
            AOTC_QCONV_DOT2X2_ASM_STEP                                                                                 \
            "bne 1b\n\t"                                                                                               \
            "ldr %[u], %[sc]\n\t"                                                                                      \
            "vldr s14, [%[u]]\n\t"                                                                                     \
            "vldr s15, [%[u], #4]\n\t"                                                                                 \
            "add %[u], %[u], #8\n\t"                                                                                   \
            "str %[u], %[sc]\n\t"                                                                                      \
            "ldr %[u], %[yz]\n\t"                                                                                      \
            AOTC_QCONV_RQ_ASM("s00", "s14", SAT) AOTC_QCONV_RQ_ASM("s01", "s14", SAT)                                  \
            AOTC_QCONV_RQ_ASM("s10", "s15", SAT) AOTC_QCONV_RQ_ASM("s11", "s15", SAT)                                  \
            "ldr %[e], %[y]\n\t"                                                                                       \
            "ldr %[u], %[ldy]\n\t"                                                                                     \
            "strb %[s00], [%[e]]\n\t"                                                                                  \
            "strb %[s01], [%[e], #1]\n\t"                                                                              \
            "add %[e], %[e], %[u]\n\t"                                                                                 \
            "strb %[s10], [%[e]]\n\t"                                                                                  \
            "strb %[s11], [%[e], #1]\n\t"                                                                              \
            "add %[e], %[e], %[u]\n\t"                                                                                 \
            "str %[e], %[y]\n\t"                                                                                       \
            "ldr %[u], %[n]\n\t"                                                                                       \
            "subs %[u], %[u], #1\n\t"                                                                                  \
            "str %[u], %[n]\n\t"                                                                                       \
            "bne 2b"                                                                                                   \
            : [s00] "=&r"(s00), [s01] "=&r"(s01), [s10] "=&r"(s10), [s11] "=&r"(s11), [wa] "=&r"(wa),                  \
              [wb] "=&r"(wb), [xp] "=&r"(xp), [x0e] "=&r"(x0e_), [x0o] "=&r"(x0o_), [x1e] "=&r"(x1e_),                 \
              [x1o] "=&r"(x1o_), [u] "=&r"(u_), [e] "=&r"(e_), [w] "+m"(w), [wend] "+m"(wend), [sc] "+m"(sc),          \
              [co] "+m"(co), [y] "+m"(y), [n] "+m"(pairs)                                                              \
            : [K] "m"(K), [gb] "m"(gb), [xb] "m"(xb), [ldy] "m"(ldy), [yz] "m"(yz)                                     \
            : "cc", "memory", "s13", "s14", "s15");                                                                    \
  }
#endif
AOTC_QCONV_PAIRS_ASM(i8, "ssat")
AOTC_QCONV_PAIRS_ASM(u8, "usat")
#define AOTC_QCONV_PAIRS_ASM_OK 1
#endif
#else
#define AOTC_QCONV_DOT2X2_LOOP(wa, wb, xp, pairs)                                                                      \
  do {                                                                                                                 \
    int32_t n_ = 2 * (pairs);                                                                                          \
    for (; n_ > 0; --n_, (wa) += 4, (wb) += 4, (xp) += 4) AOTC_QCONV_DOT2X2((wa), (wb), (xp));                         \
  } while (0)
#endif

#ifndef AOTC_QCONV_GEMV4_ASM_OK
#define AOTC_QCONV_GEMV4_ASM_OK 0
#define AOTC_QCONV_GEMV4_LOOP(xp, xe, pw0, pw2, ldw, a0, a1, a2, a3, EXT) \
  ((void)(xp), (void)(xe), (void)(pw0), (void)(pw2))
#endif
#ifndef AOTC_QCONV_PAIRS_ASM_OK
#define AOTC_QCONV_PAIRS_ASM_OK 0
#define aotc_qconv_dsp_pairs_asm_i8(w, K, G4, pairs, xb, sc, co, y, ldy, yz) ((void)0)
#define aotc_qconv_dsp_pairs_asm_u8(w, K, G4, pairs, xb, sc, co, y, ldy, yz) ((void)0)
#endif

/*
 * x86-64 (gcc/clang): the GEMM's tiles on AVX512-VNNI or AVX2, picked at run
 * time per call (aotc_qconv_x86_level), as the float convs do (conv_common.h;
 * AOTC_NO_CPU_DISPATCH or AOTC_NO_VECTOR_EXT turns it off, AOTC_QCONV_X86_MAX
 * caps the level for tests/kernels). A panel of 16 pixels of B is packed as K/4 groups of
 * 16 pixels x 4 consecutive taps (bytes, taps past K zero), the layout of
 * VPDPBUSD, which multiplies 4 unsigned bytes of x by 4 signed weights (one
 * broadcast 32-bit load of a weight row) and adds the 4 products to an int32
 * lane, exactly (no saturation). int8 x is made unsigned as x ^ 0x80 = x + 128;
 * the 128 * wsum[m] that adds is taken out of corr once per call. AVX2 does
 * the same sums with VPMADDWD on bytes widened to 16 bits (exact too; not
 * VPMADDUBSW, whose pairs of 255*128 products saturate int16). The weights keep their layout: a
 * row's last group reads up to 3 bytes past it, into the next row or the
 * weight sums, and multiplies them by the zero taps. Output lanes are
 * requantized with the same float operations as AOTC_QCONV_REQUANT (ROUNDPS to
 * nearest even = rintf in the default rounding mode).
 */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(AOTC_NO_CPU_DISPATCH) && \
    !defined(AOTC_NO_VECTOR_EXT) && AOTC_QCONV_NR == 16
#define AOTC_QCONV_X86 1
#include <immintrin.h>
#define AOTC_QCONV_TVNNI __attribute__((target("avx512f,avx512bw,avx512vnni")))
#define AOTC_QCONV_TAVX2 __attribute__((target("avx2")))
#ifndef AOTC_QCONV_X86_MAX
#define AOTC_QCONV_X86_MAX 2
#endif
#define AOTC_QCONV_X86_BEGIN(flip, wp, corr, M, K) aotc_qconv_x86_begin((flip), (wp), (corr), (M), (K))
#define AOTC_QCONV_X86_GEMM(lvl, flip, w, m0, Mg, K, b, ldb, P, o, pk, yo, ldy)                                        \
  aotc_qconv_x86_gemm((lvl), (flip), (w), (m0), (Mg), (K), (const uint8_t *)(b), (ldb), (P), (o), (uint8_t *)(pk),      \
                      (yo), (ldy))
#define AOTC_QCONV_X86_DW_BEGIN(flip, geo, wp, corr) aotc_qconv_x86_dw_begin((flip), (geo), (wp), (corr))
#define AOTC_QCONV_X86_FLAT(lvl, flip, xz, xg, w, m0, Mg, o, pk, buf, space, yo, geo)                                  \
  ((lvl) >= 2 && aotc_qconv_vnni_flat((const uint8_t *)(xg), (flip), (uint8_t)(xz), (w), (m0), (Mg), (o),              \
                                      (uint8_t *)(pk), (uint8_t *)(buf), (space), (yo), (geo)))
#define AOTC_QCONV_X86_DW(xg, g0, xz, flip, wg, m0, o, xp, acc, yo, geo)                                               \
  aotc_qconv_vnni_dw((const uint8_t *)(xg), (g0), (uint8_t)(xz), (flip), (wg), (m0), (o), (uint8_t *)(xp),             \
                     (uint8_t *)(acc), (yo), (geo))
#else
#define AOTC_QCONV_X86 0
#define AOTC_QCONV_X86_BEGIN(flip, wp, corr, M, K) 0
#define AOTC_QCONV_X86_GEMM(lvl, flip, w, m0, Mg, K, b, ldb, P, o, pk, yo, ldy) 0
#define AOTC_QCONV_X86_DW_BEGIN(flip, geo, wp, corr) 0
#define AOTC_QCONV_X86_FLAT(lvl, flip, xz, xg, w, m0, Mg, o, pk, buf, space, yo, geo) 0
#define AOTC_QCONV_X86_DW(xg, g0, xz, flip, wg, m0, o, xp, acc, yo, geo) ((void)0)
#endif
/* Whether x is signed (made unsigned by the x86 tiles). */
#define AOTC_QCONV_SIGNED_u8 0
#define AOTC_QCONV_SIGNED_i8 1

#if AOTC_QCONV_X86
/* 2: AVX512-VNNI, 1: AVX2, 0: the portable tile. With a nonzero level and
 * flip (int8 x), corr[m] -= 128 * wsum[m]. */
static AOTC_UNUSED int aotc_qconv_x86_level(void) {
  if (AOTC_QCONV_X86_MAX >= 2 && __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw")) return 2;
  if (AOTC_QCONV_X86_MAX >= 1 && __builtin_cpu_supports("avx2")) return 1;
  return 0;
}

static AOTC_UNUSED int aotc_qconv_x86_begin(int flip, const int8_t *wp, int32_t *corr, int32_t M, int32_t K) {
  const int lvl = aotc_qconv_x86_level();
  const uint8_t *sums = (const uint8_t *)wp + (ptrdiff_t)M * K;
  int32_t m;
  if (lvl && flip)
    for (m = 0; m < M; ++m) {
      const uint32_t s = (uint32_t)sums[4 * m] | (uint32_t)sums[4 * m + 1] << 8 | (uint32_t)sums[4 * m + 2] << 16 |
                         (uint32_t)sums[4 * m + 3] << 24;
      corr[m] = (int32_t)((uint32_t)corr[m] - 128u * s);
    }
  return lvl;
}

static AOTC_UNUSED int32_t aotc_qconv_x86_ld32(const int8_t *p) {
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* Packs cols (<= 16) pixels of B (K rows, ldb apart) into pk: (K+3)/4 groups of
 * 16 pixels x 4 taps, ^ 0x80 if flip, zero past K and cols. SSE2 (every x86-64). */
static AOTC_UNUSED void aotc_qconv_x86_pack(const uint8_t *b, ptrdiff_t ldb, int32_t K, int32_t cols, int flip,
                                           uint8_t *pk) {
  const uint8_t f = flip ? 0x80 : 0;
  int32_t k = 0, j, t;
  if (cols == 16) {
    const __m128i fv = _mm_set1_epi8((char)f);
    for (; k + 4 <= K; k += 4, pk += 64) {
      const uint8_t *bk = b + (ptrdiff_t)k * ldb;
      const __m128i r0 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)bk), fv);
      const __m128i r1 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(bk + ldb)), fv);
      const __m128i r2 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(bk + 2 * ldb)), fv);
      const __m128i r3 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(bk + 3 * ldb)), fv);
      const __m128i a = _mm_unpacklo_epi8(r0, r1), c = _mm_unpacklo_epi8(r2, r3);
      const __m128i a2 = _mm_unpackhi_epi8(r0, r1), c2 = _mm_unpackhi_epi8(r2, r3);
      _mm_storeu_si128((__m128i *)pk, _mm_unpacklo_epi16(a, c));
      _mm_storeu_si128((__m128i *)(pk + 16), _mm_unpackhi_epi16(a, c));
      _mm_storeu_si128((__m128i *)(pk + 32), _mm_unpacklo_epi16(a2, c2));
      _mm_storeu_si128((__m128i *)(pk + 48), _mm_unpackhi_epi16(a2, c2));
    }
  }
  for (; k < K; k += 4, pk += 64) {
    memset(pk, 0, 64);
    for (t = 0; t < 4 && k + t < K; ++t)
      for (j = 0; j < cols; ++j) pk[4 * j + t] = (uint8_t)(b[(ptrdiff_t)(k + t) * ldb + j] ^ f);
  }
}

/* Output channel m's 16 sums (corr added, wrapping), the lanes in mask stored
 * at yo: as they lie, or (compress) packed to the front. */
static AOTC_UNUSED AOTC_QCONV_TVNNI void aotc_qconv_vnni_store(const aotc_qconv_out *o, int32_t m, ptrdiff_t yo,
                                                               __m512i acc, __mmask16 mask, int compress) {
  const __mmask16 all = 0xffff;
  __m512 v;
  if (compress) {
    acc = _mm512_maskz_compress_epi32(mask, acc);
    mask = (__mmask16)((1u << __builtin_popcount(mask)) - 1u);
  }
  acc = _mm512_add_epi32(acc, _mm512_set1_epi32(o->corr[m]));
  if (o->y32) {
    _mm512_mask_storeu_epi32(o->y32 + yo, mask, acc);
    return;
  }
  /* maskz forms (all lanes): gcc 12's plain ones warn in C++ (-Wmaybe-uninitialized in its headers). */
  v = _mm512_mul_ps(_mm512_maskz_cvtepi32_ps(all, acc), _mm512_set1_ps(o->scale[m]));
  v = _mm512_add_ps(_mm512_maskz_roundscale_ps(all, v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC),
                    _mm512_set1_ps(o->yz));
  v = _mm512_maskz_min_ps(all, _mm512_maskz_max_ps(all, v, _mm512_set1_ps(o->lo)), _mm512_set1_ps(o->hi));
  _mm512_mask_cvtepi32_storeu_epi8((uint8_t *)o->y + yo, mask, _mm512_maskz_cvttps_epi32(all, v));
}

/* Output channels [m0, m0 + Mg) of one packed panel of 16 pixels, 8 at a time:
 * the pixels in mask stored (aotc_qconv_vnni_store). */
static AOTC_UNUSED AOTC_QCONV_TVNNI void aotc_qconv_vnni_panel(const int8_t *w, int32_t m0, int32_t Mg, int32_t K,
                                                               const uint8_t *pk, __mmask16 mask, int compress,
                                                               const aotc_qconv_out *o, ptrdiff_t yo, ptrdiff_t ldy) {
  int32_t m, k, r;
  for (m = 0; m < Mg; m += 8) {
    const int32_t rows = Mg - m < 8 ? Mg - m : 8;
    const int8_t *w0 = w + (ptrdiff_t)m * K, *w1 = w0 + (rows > 1 ? K : 0), *w2 = w0 + (rows > 2 ? 2 * K : 0);
    const int8_t *w3 = w0 + (rows > 3 ? 3 * K : 0), *w4 = w0 + (rows > 4 ? 4 * K : 0);
    const int8_t *w5 = w0 + (rows > 5 ? 5 * K : 0), *w6 = w0 + (rows > 6 ? 6 * K : 0);
    const int8_t *w7 = w0 + (rows > 7 ? 7 * K : 0);
    __m512i a[8];
    a[0] = a[1] = a[2] = a[3] = a[4] = a[5] = a[6] = a[7] = _mm512_setzero_si512();
    for (k = 0; k < K; k += 4) {
      const __m512i bv = _mm512_loadu_si512((const void *)(pk + 16 * (ptrdiff_t)k));
      a[0] = _mm512_dpbusd_epi32(a[0], bv, _mm512_set1_epi32(aotc_qconv_x86_ld32(w0 + k)));
      a[1] = _mm512_dpbusd_epi32(a[1], bv, _mm512_set1_epi32(aotc_qconv_x86_ld32(w1 + k)));
      a[2] = _mm512_dpbusd_epi32(a[2], bv, _mm512_set1_epi32(aotc_qconv_x86_ld32(w2 + k)));
      a[3] = _mm512_dpbusd_epi32(a[3], bv, _mm512_set1_epi32(aotc_qconv_x86_ld32(w3 + k)));
      a[4] = _mm512_dpbusd_epi32(a[4], bv, _mm512_set1_epi32(aotc_qconv_x86_ld32(w4 + k)));
      a[5] = _mm512_dpbusd_epi32(a[5], bv, _mm512_set1_epi32(aotc_qconv_x86_ld32(w5 + k)));
      a[6] = _mm512_dpbusd_epi32(a[6], bv, _mm512_set1_epi32(aotc_qconv_x86_ld32(w6 + k)));
      a[7] = _mm512_dpbusd_epi32(a[7], bv, _mm512_set1_epi32(aotc_qconv_x86_ld32(w7 + k)));
    }
    for (r = 0; r < rows; ++r) aotc_qconv_vnni_store(o, m0 + m + r, yo + (m + r) * ldy, a[r], mask, compress);
  }
}

/* AVX2: output channel m's 16 sums (two vectors, corr added), the first cols stored at yo. */
static AOTC_UNUSED AOTC_QCONV_TAVX2 void aotc_qconv_avx2_store(const aotc_qconv_out *o, int32_t m, ptrdiff_t yo,
                                                               __m256i lo8, __m256i hi8, int32_t cols) {
  int32_t t[16], j;
  const __m256i c = _mm256_set1_epi32(o->corr[m]);
  lo8 = _mm256_add_epi32(lo8, c), hi8 = _mm256_add_epi32(hi8, c);
  if (!o->y32) {
    const __m256 s = _mm256_set1_ps(o->scale[m]), yz = _mm256_set1_ps(o->yz);
    const __m256 lo = _mm256_set1_ps(o->lo), hi = _mm256_set1_ps(o->hi);
    __m256 v0 = _mm256_mul_ps(_mm256_cvtepi32_ps(lo8), s), v1 = _mm256_mul_ps(_mm256_cvtepi32_ps(hi8), s);
    v0 = _mm256_add_ps(_mm256_round_ps(v0, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), yz);
    v1 = _mm256_add_ps(_mm256_round_ps(v1, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), yz);
    lo8 = _mm256_cvttps_epi32(_mm256_min_ps(_mm256_max_ps(v0, lo), hi));
    hi8 = _mm256_cvttps_epi32(_mm256_min_ps(_mm256_max_ps(v1, lo), hi));
  }
  if (o->y32) {
    _mm256_storeu_si256((__m256i *)t, lo8);
    _mm256_storeu_si256((__m256i *)(t + 8), hi8);
    memcpy(o->y32 + yo, t, (size_t)cols * sizeof(int32_t));
  } else {
    /* To bytes: values in [-128, 255] pack to int16 exactly; their low bytes
     * (the bits of uint8 and int8 y) then pack unsigned without saturating. */
    const __m256i w16 = _mm256_and_si256(_mm256_permute4x64_epi64(_mm256_packs_epi32(lo8, hi8), 0xd8),
                                         _mm256_set1_epi16(0xff));
    const __m256i b8 = _mm256_permute4x64_epi64(_mm256_packus_epi16(w16, w16), 0xd8);
    uint8_t *y = (uint8_t *)o->y + yo;
    if (cols == 16) {
      _mm_storeu_si128((__m128i *)y, _mm256_castsi256_si128(b8));
    } else {
      _mm_storeu_si128((__m128i *)t, _mm256_castsi256_si128(b8));
      for (j = 0; j < cols; ++j) y[j] = ((const uint8_t *)t)[j];
    }
  }
}

/* AVX2 panel, 4 output channels at a time: per group of 4 taps, the bytes of
 * even and odd taps widened to 16 bits (pixels) and sign-extended (weights),
 * two VPMADDWD. */
static AOTC_UNUSED AOTC_QCONV_TAVX2 void aotc_qconv_avx2_panel(const int8_t *w, int32_t m0, int32_t Mg, int32_t K,
                                                               const uint8_t *pk, int32_t cols,
                                                               const aotc_qconv_out *o, ptrdiff_t yo, ptrdiff_t ldy) {
  const __m256i even = _mm256_set1_epi16(0x00ff);
  int32_t m, k, r;
  for (m = 0; m < Mg; m += 4) {
    const int32_t rows = Mg - m < 4 ? Mg - m : 4;
    const int8_t *wr[4];
    __m256i a[8];
    for (r = 0; r < 4; ++r) wr[r] = w + (ptrdiff_t)(m + (r < rows ? r : 0)) * K;
    for (r = 0; r < 8; ++r) a[r] = _mm256_setzero_si256();
    for (k = 0; k < K; k += 4) {
      const __m256i b0 = _mm256_loadu_si256((const __m256i *)(pk + 16 * (ptrdiff_t)k));
      const __m256i b1 = _mm256_loadu_si256((const __m256i *)(pk + 16 * (ptrdiff_t)k + 32));
      const __m256i be0 = _mm256_and_si256(b0, even), bo0 = _mm256_srli_epi16(b0, 8);
      const __m256i be1 = _mm256_and_si256(b1, even), bo1 = _mm256_srli_epi16(b1, 8);
      for (r = 0; r < 4; ++r) {
        const __m256i wv = _mm256_set1_epi32(aotc_qconv_x86_ld32(wr[r] + k));
        const __m256i we = _mm256_srai_epi16(_mm256_slli_epi16(wv, 8), 8), wo = _mm256_srai_epi16(wv, 8);
        a[2 * r] = _mm256_add_epi32(a[2 * r], _mm256_add_epi32(_mm256_madd_epi16(be0, we), _mm256_madd_epi16(bo0, wo)));
        a[2 * r + 1] =
            _mm256_add_epi32(a[2 * r + 1], _mm256_add_epi32(_mm256_madd_epi16(be1, we), _mm256_madd_epi16(bo1, wo)));
      }
    }
    for (r = 0; r < rows; ++r) aotc_qconv_avx2_store(o, m0 + m + r, yo + (m + r) * ldy, a[2 * r], a[2 * r + 1], cols);
  }
}

/* The GEMM of aotc_qconv_gemm_<x> at level lvl (nonzero), B as bytes; pk has
 * 16 * ((K + 3) / 4 * 4) bytes. Returns 1 (done). */
static AOTC_UNUSED int aotc_qconv_x86_gemm(int lvl, int flip, const int8_t *w, int32_t m0, int32_t Mg, int32_t K,
                                          const uint8_t *b, ptrdiff_t ldb, int32_t P, const aotc_qconv_out *o,
                                          uint8_t *pk, ptrdiff_t yo, ptrdiff_t ldy) {
  int32_t j;
  for (j = 0; j < P; j += 16) {
    const int32_t cols = P - j < 16 ? P - j : 16;
    aotc_qconv_x86_pack(b + j, ldb, K, cols, flip, pk);
    if (lvl >= 2)
      aotc_qconv_vnni_panel(w, m0, Mg, K, pk, (__mmask16)((1u << cols) - 1u), 0, o, yo + j, ldy);
    else
      aotc_qconv_avx2_panel(w, m0, Mg, K, pk, cols, o, yo + j, ldy);
  }
  return 1;
}

/*
 * AVX512-VNNI 3x3 depthwise convs (dilation 1 and stride 1 or 2 along rows):
 * 16 outputs per vector, one VPDPBUSD per kernel row, each lane the row's 3
 * input bytes (4th zero; ^ 0x80 for int8 x, as in the GEMM) times the taps as
 * one word (t0, t1, t2, 0). A masked load per kernel row (never past the
 * plane) gives them by VPERMD (128-bit lane L: input dwords s*L .. s*L+3) and
 * VPSHUFB (the lane's dword j: bytes s*j .. s*j+2). Stride 1 both ways runs
 * flat over the padded width as the portable code does, dropping each row's
 * Wp - OW padding columns with VPCOMPRESSD in registers (not to memory: slow
 * on some cores); the requantization is aotc_qconv_vnni_store's.
 */
static AOTC_UNUSED int aotc_qconv_x86_dw_begin(int flip, const aotc_conv_params *geo, const int8_t *wp, int32_t *corr) {
  if (geo->kernel[1] != 3 || geo->kernel[2] != 3 || geo->dilation[2] != 1 || geo->stride[2] > 2 ||
      aotc_qconv_x86_level() < 2)
    return 0;
  return aotc_qconv_x86_begin(flip, wp, corr, geo->groups * geo->mg, 9);
}

/* n bytes v at dst. */
static AOTC_UNUSED AOTC_QCONV_TVNNI void aotc_qconv_vnni_fill(uint8_t *dst, uint8_t v, ptrdiff_t n) {
  const __m512i z = _mm512_set1_epi8((char)v);
  ptrdiff_t t;
  for (t = 0; t + 64 <= n; t += 64) _mm512_storeu_si512((void *)(dst + t), z);
  if (t < n) _mm512_mask_storeu_epi8(dst + t, ((__mmask64)1 << (n - t)) - 1, z);
}

/* n bytes from src to dst, 64 at a time (rows of small planes: no memcpy call). */
static AOTC_UNUSED AOTC_QCONV_TVNNI void aotc_qconv_vnni_copy(uint8_t *dst, const uint8_t *src, int32_t n) {
  int32_t t;
  for (t = 0; t < n; t += 64) {
    const __mmask64 k = n - t >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (n - t)) - 1;
    _mm512_mask_storeu_epi8(dst + t, k, _mm512_maskz_loadu_epi8(k, src + t));
  }
}

/* Output channel m of one group: rows of n outputs (ldr apart in the plane
 * xp .. end, kernel rows dh apart, stride sw) stored from yo on; with Wp
 * nonzero, only columns < OW of the flat positions (col: q mod Wp of the
 * first 16). */
static AOTC_UNUSED AOTC_QCONV_TVNNI void aotc_qconv_vnni_dw3x3(const uint8_t *xp, const uint8_t *end, ptrdiff_t dh,
                                                               ptrdiff_t ldr, int32_t sw, int32_t rows, int32_t n,
                                                               int32_t Wp, int32_t OW, __m512i col, const int8_t *wk,
                                                               int flip, const aotc_qconv_out *o, int32_t m,
                                                               ptrdiff_t yo) {
  const __mmask16 all = 0xffff;
  const __m512i perm = sw == 1 ? _mm512_setr_epi32(0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6)
                               : _mm512_setr_epi32(0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7, 8, 9);
  const __m512i shuf = _mm512_maskz_broadcast_i32x4(
      all,
      sw == 1 ? _mm_setr_epi8(0, 1, 2, -128, 1, 2, 3, -128, 2, 3, 4, -128, 3, 4, 5, -128)
              : _mm_setr_epi8(0, 1, 2, -128, 2, 3, 4, -128, 4, 5, 6, -128, 6, 7, 8, -128));
  const __m512i fx = _mm512_set1_epi8(flip ? (char)-128 : 0);
  const __m512i w0 = _mm512_set1_epi32((int32_t)((uint32_t)(uint8_t)wk[0] | (uint32_t)(uint8_t)wk[1] << 8 |
                                                 (uint32_t)(uint8_t)wk[2] << 16));
  const __m512i w1 = _mm512_set1_epi32((int32_t)((uint32_t)(uint8_t)wk[3] | (uint32_t)(uint8_t)wk[4] << 8 |
                                                 (uint32_t)(uint8_t)wk[5] << 16));
  const __m512i w2 = _mm512_set1_epi32((int32_t)((uint32_t)(uint8_t)wk[6] | (uint32_t)(uint8_t)wk[7] << 8 |
                                                 (uint32_t)(uint8_t)wk[8] << 16));
  const __m512i corr = _mm512_set1_epi32(o->corr[m]);
  const __m512i owv = _mm512_set1_epi32(OW), wpv = _mm512_set1_epi32(Wp);
  __m512i step = _mm512_set1_epi32(16);
  int32_t r, q, i;
  /* 16 mod Wp (no division) */
  for (i = 0; Wp && i < 16; i += Wp) step = _mm512_mask_sub_epi32(step, _mm512_cmpge_epi32_mask(step, wpv), step, wpv);
  for (r = 0; r < rows; ++r)
    for (q = 0; q < n; q += 16) {
      const uint8_t *p = xp + (ptrdiff_t)r * ldr + (ptrdiff_t)q * sw;
      __mmask16 keep = n - q >= 16 ? all : (__mmask16)((1u << (n - q)) - 1u);
      __m512i acc = _mm512_setzero_si512(), v;
      int32_t cnt;
      /* (Masked loads only near the end of the plane.) */
      const int tail = end - p < 2 * dh + 64;
      for (i = 0; i < 3; ++i, p += dh) {
        if (tail) {
          const ptrdiff_t avail = end - p;
          v = _mm512_maskz_loadu_epi8(avail >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << avail) - 1, p);
        } else {
          v = _mm512_loadu_si512((const void *)p);
        }
        v = _mm512_xor_si512(v, fx);
        v = _mm512_shuffle_epi8(_mm512_maskz_permutexvar_epi32(all, perm, v), shuf);
        acc = _mm512_dpbusd_epi32(acc, v, i == 0 ? w0 : i == 1 ? w1 : w2);
      }
      acc = _mm512_add_epi32(acc, corr);
      if (Wp) {
        keep &= _mm512_cmplt_epi32_mask(col, owv);
        col = _mm512_add_epi32(col, step);
        col = _mm512_mask_sub_epi32(col, _mm512_cmpge_epi32_mask(col, wpv), col, wpv);
        acc = _mm512_maskz_compress_epi32(keep, acc);
        cnt = __builtin_popcount(keep);
        keep = (__mmask16)((1u << cnt) - 1u);
      } else {
        cnt = n - q < 16 ? n - q : 16;
      }
      if (o->y32) {
        _mm512_mask_storeu_epi32(o->y32 + yo, keep, acc);
      } else {
        __m512 f = _mm512_mul_ps(_mm512_maskz_cvtepi32_ps(all, acc), _mm512_set1_ps(o->scale[m]));
        f = _mm512_add_ps(_mm512_maskz_roundscale_ps(all, f, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC),
                          _mm512_set1_ps(o->yz));
        f = _mm512_maskz_min_ps(all, _mm512_maskz_max_ps(all, f, _mm512_set1_ps(o->lo)), _mm512_set1_ps(o->hi));
        v = _mm512_inserti32x4(_mm512_setzero_si512(),
                               _mm512_maskz_cvtepi32_epi8(all, _mm512_maskz_cvttps_epi32(all, f)), 0);
        _mm512_mask_storeu_epi8((uint8_t *)o->y + yo, (__mmask64)keep, v);
      }
      yo += cnt;
    }
}

/* One group of aotc_qconv_depthwise_<x> (x86 level 2, see aotc_qconv_x86_dw_begin):
 * its plane xg copied into a padded plane, then its Mg output channels (from
 * m0 on, weights wg) at yo. The plane is xp (the end of scratch, borders
 * x_zp), or where it fits (not past 4 * OH rows), at acc, the scratch of the
 * int32 sums this does without (x_zp from the first group g0 on): then loads
 * up to 64 bytes past the plane stay in scratch and need no mask. */
static AOTC_UNUSED AOTC_QCONV_TVNNI void aotc_qconv_vnni_dw(const uint8_t *xg, int g0, uint8_t xz, int flip,
                                                            const int8_t *wg, int32_t m0, const aotc_qconv_out *o,
                                                            uint8_t *xp, uint8_t *acc, ptrdiff_t yo,
                                                            const aotc_conv_params *geo) {
  const int32_t IH = geo->in[1], IW = geo->in[2], OH = geo->out[1], OW = geo->out[2];
  const int32_t SH = geo->stride[1], SW = geo->stride[2], PH = geo->pad[1], PW = geo->pad[2];
  const int32_t Hp = aotc_qconv_dw_extent(geo, 1), Wp = aotc_qconv_dw_extent(geo, 2);
  const int32_t c0 = PW > 0 ? 0 : -PW, c1 = IW < Wp - PW ? IW : Wp - PW;
  const ptrdiff_t dh = (ptrdiff_t)geo->dilation[1] * Wp;
  const uint8_t *end = xp + (ptrdiff_t)Hp * Wp;
  const __m512i wpv = _mm512_set1_epi32(Wp);
  __m512i col = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  int32_t i, m;
  for (i = 0; i < 16; i += Wp) col = _mm512_mask_sub_epi32(col, _mm512_cmpge_epi32_mask(col, wpv), col, wpv);
  if (Hp <= 4 * OH) {
    if (g0) aotc_qconv_vnni_fill(acc, xz, (ptrdiff_t)4 * OH * Wp); /* (all of it: no reads of undefined bytes) */
    xp = acc;
  }
  for (i = 0; i < Hp; ++i) {
    const int32_t ih = i - PH;
    if (ih >= 0 && ih < IH && c1 > c0)
      aotc_qconv_vnni_copy(xp + (ptrdiff_t)i * Wp + c0 + PW, xg + (ptrdiff_t)ih * IW + c0, c1 - c0);
  }
  for (m = 0; m < geo->mg; ++m, yo += (ptrdiff_t)OH * OW) {
    const int8_t *wk = wg + 9 * (ptrdiff_t)m;
    if (SH == 1 && SW == 1)
      aotc_qconv_vnni_dw3x3(xp, end, dh, 0, 1, 1, (OH - 1) * Wp + OW, Wp, OW, col, wk, flip, o, m0 + m, yo);
    else
      aotc_qconv_vnni_dw3x3(xp, end, dh, (ptrdiff_t)SH * Wp, SW, OH, OW, 0, OW, col, wk, flip, o, m0 + m, yo);
  }
}

/*
 * x86 level 2: 2D convs with stride S = 1 or 2 (both ways) without im2col
 * (whose per-row runs cost more than the GEMM on small images). A band of R
 * output rows at a time copies the input rows it reads into the space of the
 * im2col band, padded with x_zp and split into S x S phases (phase (a, b) row
 * i column j: padded input row S*i + a, column S*j + b), Hh = R + e rows (e =
 * (KH-1)*DH/S) of Wh = ceil(Wp/S) bytes each; tap (kh, kw) of output (r, ow)
 * is then phase ((kh*DH)%S, (kw*DW)%S) at (r + kh*DH/S)*Wh + ow + kw*DW/S: for
 * 16 consecutive flat positions q = r*Wh + ow, 16 consecutive bytes. The
 * panels run over q and the stores drop the Wh - OW columns past each row
 * (VPCOMPRESSD). Positions past the band read up to 15 bytes past the planes,
 * into 64 zeroed bytes. The space starts with each tap's offset (int32).
 */
/* Output rows per band (0: the convs this does not take), for `space` bytes. */
static AOTC_UNUSED int32_t aotc_qconv_flat_rows(const aotc_conv_params *geo, size_t space) {
  const int32_t S = geo->stride[2], Wh = (aotc_qconv_dw_extent(geo, 2) + S - 1) / S;
  const int32_t e = (geo->kernel[1] - 1) * geo->dilation[1] / S;
  const size_t K = (size_t)geo->cg * (size_t)geo->kernel[1] * (size_t)geo->kernel[2];
  const size_t per = (size_t)geo->cg * (size_t)(S * S) * (size_t)Wh;
  const size_t extra = (4 * K + 63) / 64 * 64 + 64;
  size_t r;
  if (geo->in[0] != 1 || geo->kernel[0] != 1 || geo->stride[1] != S || S > 2 || space < extra) return 0;
  r = (space - extra) / per;
  if (r <= (size_t)e) return 0;
  r -= (size_t)e;
  return r < (size_t)geo->out[1] ? (int32_t)r : geo->out[1];
}

/* Padded input row ih of xc (IW bytes; x_zp outside) split into S phases of Wh
 * bytes, `plane` apart, at dst. (Stride 2 splits the input bytes as they
 * load: no reload of just stored bytes, which would wait for the stores.) */
static AOTC_UNUSED AOTC_QCONV_TVNNI void aotc_qconv_flat_row(uint8_t *dst, const uint8_t *xc, int32_t ih,
                                                             const aotc_conv_params *geo, int32_t S, int32_t Wh,
                                                             ptrdiff_t plane) {
  const int32_t IW = geo->in[2], PW = geo->pad[2], n = S * Wh, c0 = PW > 0 ? 0 : -PW;
  const int32_t c1 = IW < n - PW ? IW : n - PW, nb = c1 - c0;
  const uint8_t *src = xc + (ptrdiff_t)ih * IW + c0;
  int32_t t;
  if (ih < 0 || ih >= geo->in[1] || nb <= 0) return;
  if (S == 1) {
    aotc_qconv_vnni_copy(dst + c0 + PW, src, nb);
    return;
  }
  for (t = 0; t < nb; t += 64) {
    /* Bytes t, t+2, .. and t+1, t+3, ..: padded columns pe and pe + 1 on. */
    const int32_t cnt = nb - t < 64 ? nb - t : 64, pe = c0 + PW + t, po = pe + 1;
    const __m512i v = _mm512_maskz_loadu_epi8(cnt == 64 ? ~(__mmask64)0 : ((__mmask64)1 << cnt) - 1, src + t);
    const __m256i ev = _mm512_maskz_cvtepi16_epi8(~(__mmask32)0, v);
    const __m256i od = _mm512_maskz_cvtepi16_epi8(~(__mmask32)0, _mm512_srli_epi16(v, 8));
    _mm512_mask_storeu_epi8(dst + (pe % 2) * plane + pe / 2, ((__mmask64)1 << (cnt + 1) / 2) - 1,
                            _mm512_maskz_inserti64x4(0xff, _mm512_setzero_si512(), ev, 0));
    _mm512_mask_storeu_epi8(dst + (po % 2) * plane + po / 2, ((__mmask64)1 << cnt / 2) - 1,
                            _mm512_maskz_inserti64x4(0xff, _mm512_setzero_si512(), od, 0));
  }
}

/* Packs 16 flat positions from base (tap k at base + off[k]) as
 * aotc_qconv_x86_pack does. */
static AOTC_UNUSED void aotc_qconv_flat_pack(const uint8_t *base, const int32_t *off, int32_t K, int flip,
                                            uint8_t *pk) {
  const __m128i fv = _mm_set1_epi8(flip ? (char)-128 : 0);
  int32_t k, i;
  for (k = 0; k < K; k += 4, pk += 64) {
    __m128i r[4], a, c, a2, c2;
    if (k + 4 <= K)
      for (i = 0; i < 4; ++i) r[i] = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(base + off[k + i])), fv);
    else
      for (i = 0; i < 4; ++i)
        r[i] = k + i < K ? _mm_xor_si128(_mm_loadu_si128((const __m128i *)(base + off[k + i])), fv)
                         : _mm_setzero_si128();
    a = _mm_unpacklo_epi8(r[0], r[1]), c = _mm_unpacklo_epi8(r[2], r[3]);
    a2 = _mm_unpackhi_epi8(r[0], r[1]), c2 = _mm_unpackhi_epi8(r[2], r[3]);
    _mm_storeu_si128((__m128i *)pk, _mm_unpacklo_epi16(a, c));
    _mm_storeu_si128((__m128i *)(pk + 16), _mm_unpackhi_epi16(a, c));
    _mm_storeu_si128((__m128i *)(pk + 32), _mm_unpacklo_epi16(a2, c2));
    _mm_storeu_si128((__m128i *)(pk + 48), _mm_unpackhi_epi16(a2, c2));
  }
}

/* One group's conv (input xg, weights w, output channels m0.. at yo, P apart)
 * in `space` bytes at buf; pk as for aotc_qconv_x86_gemm. Returns 0 (not
 * done) for the convs aotc_qconv_flat_rows does not take. */
static AOTC_UNUSED AOTC_QCONV_TVNNI int aotc_qconv_vnni_flat(const uint8_t *xg, int flip, uint8_t xz, const int8_t *w,
                                                             int32_t m0, int32_t Mg, const aotc_qconv_out *o,
                                                             uint8_t *pk, uint8_t *buf, size_t space, ptrdiff_t yo,
                                                             const aotc_conv_params *geo) {
  const int32_t R = aotc_qconv_flat_rows(geo, space);
  const int32_t S = geo->stride[2], Wh = (aotc_qconv_dw_extent(geo, 2) + S - 1) / S;
  const int32_t KH = geo->kernel[1], KW = geo->kernel[2], T = KH * KW, C = geo->cg, K = C * T;
  const int32_t IH = geo->in[1], IW = geo->in[2], OH = geo->out[1], OW = geo->out[2];
  const int32_t Hh = R + (KH - 1) * geo->dilation[1] / S;
  const ptrdiff_t plane = (ptrdiff_t)Hh * Wh, cs = plane * S * S, P = (ptrdiff_t)OH * OW;
  int32_t *off = (int32_t *)(void *)buf;
  uint8_t *xb = buf + (4 * (ptrdiff_t)K + 63) / 64 * 64;
  const __m512i owv = _mm512_set1_epi32(OW), whv = _mm512_set1_epi32(Wh), step = _mm512_set1_epi32(16 % Wh);
  int32_t kh, kw, oh0, c, i, q;
  if (!R) return 0;
  for (c = 0; c < C; ++c)
    for (kh = 0; kh < KH; ++kh)
      for (kw = 0; kw < KW; ++kw) {
        const int32_t dh = kh * geo->dilation[1], dw = kw * geo->dilation[2];
        off[(c * KH + kh) * KW + kw] =
            (int32_t)(c * cs + ((dh % S) * S + dw % S) * plane + (ptrdiff_t)(dh / S) * Wh + dw / S);
      }
  memset(xb + cs * C, 0, 64);
  for (oh0 = 0; oh0 < OH; oh0 += R) {
    const int32_t rows = OH - oh0 < R ? OH - oh0 : R, nq = (rows - 1) * Wh + OW;
    /* Column (q mod Wh) of each lane. */
    __m512i col = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (i = 0; i < 16; i += Wh) col = _mm512_mask_sub_epi32(col, _mm512_cmpge_epi32_mask(col, whv), col, whv);
    /* x_zp everywhere, then the rows inside the image over it. */
    aotc_qconv_vnni_fill(xb, xz, cs * C);
    for (c = 0; c < C; ++c)
      for (i = 0; i < S * Hh; ++i)
        aotc_qconv_flat_row(xb + c * cs + (i % S) * S * plane + (ptrdiff_t)(i / S) * Wh,
                            xg + (ptrdiff_t)c * IH * IW, oh0 * S - geo->pad[1] + i, geo, S, Wh, plane);
    for (q = 0; q < nq; q += 16) {
      const __mmask16 keep = (__mmask16)(_mm512_cmplt_epi32_mask(col, owv) &
                                         (nq - q >= 16 ? 0xffffu : (1u << (nq - q)) - 1u));
      col = _mm512_add_epi32(col, step);
      col = _mm512_mask_sub_epi32(col, _mm512_cmpge_epi32_mask(col, whv), col, whv);
      aotc_qconv_flat_pack(xb + q, off, K, flip, pk);
      aotc_qconv_vnni_panel(w, m0, Mg, K, pk, keep, 1, o, yo, P);
      yo += __builtin_popcount(keep);
    }
  }
  return 1;
}
#endif


/*
 * AOTC_QCONV(SFX, XT): the kernels for x of type XT.
 *
 * aotc_qconv_tile_<x>: rows (<= 4) output channels x cols (<= 16) pixels;
 * b has 16 readable columns (ldb apart per tap), w `rows` rows of K weights.
 * Unused rows reuse row 0 (computed, not stored). Accumulates in int32 without
 * wrapping (bounded, see the top) and adds corr with wrapping.
 */
#define AOTC_QCONV(SFX, XT)                                                                                            \
  /* Stores the sums acc[0..n) of output channel m at offsets yo..yo+n (fields                                         \
   * read once: 8-bit stores may alias anything). */                                                                   \
  static AOTC_UNUSED void aotc_qconv_store_##SFX(const aotc_qconv_out *o, int32_t m, ptrdiff_t yo,                     \
                                                 const int32_t *acc, int32_t n) {                                      \
    const uint32_t c = (uint32_t)o->corr[m];                                                                           \
    int32_t *y32 = o->y32;                                                                                             \
    int32_t j;                                                                                                         \
    if (y32) {                                                                                                         \
      for (j = 0; j < n; ++j) y32[yo + j] = (int32_t)(c + (uint32_t)acc[j]);                                           \
    } else if (AOTC_QCONV_CVT_REQUANT) {                                                                               \
      XT *y = (XT *)o->y + yo;                                                                                         \
      const float s = o->scale[m];                                                                                     \
      const int32_t yz = o->iyz, lo = o->ilo, hi = o->ihi, nr = o->narrow;                                             \
      for (j = 0; j < n; ++j)                                                                                          \
        y[j] = (XT)aotc_qconv_rqc((int32_t)(c + (uint32_t)acc[j]), s, yz, lo, hi, nr, AOTC_QCONV_SIGNED_##SFX);        \
    } else if (AOTC_QCONV_INT_REQUANT) {                                                                               \
      XT *y = (XT *)o->y + yo;                                                                                         \
      const float s = o->scale[m];                                                                                     \
      const int32_t k = o->k, lo = o->ilo, hi = o->ihi;                                                                \
      for (j = 0; j < n; ++j) y[j] = (XT)aotc_qconv_rq((int32_t)(c + (uint32_t)acc[j]), s, k, lo, hi);                 \
    } else {                                                                                                           \
      XT *y = (XT *)o->y + yo;                                                                                         \
      const float s = o->scale[m], yz = o->yz, lo = o->lo, hi = o->hi;                                                 \
      for (j = 0; j < n; ++j) AOTC_QCONV_REQUANT(XT, (int32_t)(c + (uint32_t)acc[j]), s, yz, lo, hi, y[j]);            \
    }                                                                                                                  \
  }                                                                                                                    \
                                                                                                                       \
  /* Stores OH rows of OW sums (acc, lda apart) of output channel m at yo: the                                         \
   * requantizing loop inline where aotc_qconv_rq is in use (a call per row of                                         \
   * a small plane costs more than the row). */                                                                        \
  static AOTC_UNUSED AOTC_QCONV_NOINLINE void aotc_qconv_store_rows_##SFX(const aotc_qconv_out *o, int32_t m,          \
                                                                          ptrdiff_t yo, const int32_t *acc,            \
                                                                          int32_t lda, int32_t OH, int32_t OW) {       \
    int32_t oh, ow;                                                                                                    \
    if (AOTC_QCONV_CVT_REQUANT && !o->y32) {                                                                           \
      const uint32_t c = (uint32_t)o->corr[m];                                                                         \
      const float s = o->scale[m];                                                                                     \
      const int32_t yz = o->iyz, lo = o->ilo, hi = o->ihi, nr = o->narrow;                                             \
      XT *y = (XT *)o->y + yo;                                                                                         \
      for (oh = 0; oh < OH; ++oh, acc += lda, y += OW)                                                                 \
        if (nr) /* (the test out of the loop) */                                                                       \
          for (ow = 0; ow < OW; ++ow)                                                                                  \
            y[ow] = (XT)aotc_qconv_rqc((int32_t)(c + (uint32_t)acc[ow]), s, yz, lo, hi, 1, AOTC_QCONV_SIGNED_##SFX);   \
        else                                                                                                           \
          for (ow = 0; ow < OW; ++ow)                                                                                  \
            y[ow] = (XT)aotc_qconv_rqc((int32_t)(c + (uint32_t)acc[ow]), s, yz, lo, hi, 0, AOTC_QCONV_SIGNED_##SFX);   \
      return;                                                                                                          \
    }                                                                                                                  \
    if (AOTC_QCONV_INT_REQUANT && !o->y32) {                                                                           \
      const uint32_t c = (uint32_t)o->corr[m];                                                                         \
      const float s = o->scale[m];                                                                                     \
      const int32_t k = o->k, lo = o->ilo, hi = o->ihi;                                                                \
      XT *y = (XT *)o->y + yo;                                                                                         \
      for (oh = 0; oh < OH; ++oh, acc += lda, y += OW)                                                                 \
        for (ow = 0; ow < OW; ++ow) y[ow] = (XT)aotc_qconv_rq((int32_t)(c + (uint32_t)acc[ow]), s, k, lo, hi);         \
      return;                                                                                                          \
    }                                                                                                                  \
    for (oh = 0; oh < OH; ++oh) aotc_qconv_store_##SFX(o, m, yo + (ptrdiff_t)oh * OW, acc + (ptrdiff_t)oh * lda, OW);  \
  }                                                                                                                    \
  static AOTC_UNUSED void aotc_qconv_tile_##SFX(const int8_t *w, int32_t K, int32_t rows, const XT *b, ptrdiff_t ldb,  \
                                                int32_t cols, const aotc_qconv_out *o, int32_t m, ptrdiff_t yo,        \
                                                ptrdiff_t ldy) {                                                       \
    const int8_t *w0 = w, *w1 = w + (rows > 1 ? K : 0), *w2 = w + (rows > 2 ? 2 * K : 0);                              \
    const int8_t *w3 = w + (rows > 3 ? 3 * K : 0);                                                                     \
    int32_t a0[AOTC_QCONV_NR], a1[AOTC_QCONV_NR], a2[AOTC_QCONV_NR], a3[AOTC_QCONV_NR];                                \
    int32_t j, k, r;                                                                                                   \
    if (AOTC_QCONV_NR == 2) {                                                                                          \
      /* Scalar cores: 8 accumulators in registers (gcc -O2 keeps arrays in memory). */                                \
      int32_t s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;                                  \
      /* (DSP cores take aotc_qconv_gemm_dsp_<x> instead.) */                                                          \
      for (k = 0; k < K; ++k) {                                                                                        \
        const XT *bk = b + (ptrdiff_t)k * ldb;                                                                         \
        const int32_t v0 = bk[0], v1 = bk[1], c0 = w0[k], c1 = w1[k], c2 = w2[k], c3 = w3[k];                          \
        s00 += c0 * v0, s01 += c0 * v1, s10 += c1 * v0, s11 += c1 * v1;                                                \
        s20 += c2 * v0, s21 += c2 * v1, s30 += c3 * v0, s31 += c3 * v1;                                                \
      }                                                                                                                \
      a0[0] = s00, a0[1] = s01, a1[0] = s10, a1[1] = s11, a2[0] = s20, a2[1] = s21, a3[0] = s30, a3[1] = s31;          \
    } else {                                                                                                           \
      for (j = 0; j < AOTC_QCONV_NR; ++j) a0[j] = a1[j] = a2[j] = a3[j] = 0;                                           \
      for (k = 0; k < K; ++k) {                                                                                        \
        const XT *bk = b + (ptrdiff_t)k * ldb;                                                                         \
        const int32_t c0 = w0[k], c1 = w1[k], c2 = w2[k], c3 = w3[k];                                                  \
        for (j = 0; j < AOTC_QCONV_NR; ++j) {                                                                          \
          const int32_t v = bk[j];                                                                                     \
          a0[j] += c0 * v;                                                                                             \
          a1[j] += c1 * v;                                                                                             \
          a2[j] += c2 * v;                                                                                             \
          a3[j] += c3 * v;                                                                                             \
        }                                                                                                              \
      }                                                                                                                \
    }                                                                                                                  \
    for (r = 0; r < rows; ++r)                                                                                         \
      aotc_qconv_store_##SFX(o, m + r, yo + r * ldy, r == 0 ? a0 : r == 1 ? a1 : r == 2 ? a2 : a3, cols);              \
  }                                                                                                                    \
/* (Cortex-M DSP) The hot part of aotc_qconv_gemm_dsp_<x>: `pairs` pairs of                                            \
 * output channels (weights w, scale, corr) of one pair of pixels (widened taps                                        \
 * xb, G4 groups of 4) requantized into y and y + 1, ldy apart per channel                                             \
 * (AOTC_QCONV_CVT_REQUANT, full 8-bit range). Out of line, so that its few                                            \
 * pointers stay in registers; the sums start at corr (wrapping either way). */                                        \
static AOTC_UNUSED AOTC_QCONV_NOINLINE void aotc_qconv_dsp_pairs_##SFX(const int8_t *w, int32_t K, int32_t G4,         \
                                                                       int32_t pairs, const uint32_t *xb,              \
                                                                       const float *scale, const int32_t *corr,        \
                                                                       XT *y, ptrdiff_t ldy, int32_t yz) {             \
  if (AOTC_QCONV_PAIRS_ASM_OK && G4 >= 2 && G4 % 2 == 0 && pairs > 0) {                                                \
    aotc_qconv_dsp_pairs_asm_##SFX(w, K, G4, pairs, xb, scale, corr, (uint8_t *)y, ldy, yz);                           \
    return;                                                                                                            \
  }                                                                                                                    \
  for (; pairs > 0; --pairs, w += 2 * (ptrdiff_t)K, scale += 2, corr += 2, y += 2 * ldy) {                             \
    const int8_t *wa = w, *wb = w + K;                                                                                 \
    const uint32_t *xp = xb;                                                                                           \
    int32_t s00 = corr[0], s01 = s00, s10 = corr[1], s11 = s10;                                                        \
    if (G4 & 1) {                                                                                                      \
      AOTC_QCONV_DOT2X2(wa, wb, xp);                                                                                   \
      wa += 4, wb += 4, xp += 4;                                                                                       \
    }                                                                                                                  \
    if (G4 >= 2) AOTC_QCONV_DOT2X2_LOOP(wa, wb, xp, G4 / 2);                                                           \
    {                                                                                                                  \
      const float sa = scale[0], sb = scale[1];                                                                        \
      y[0] = (XT)AOTC_QCONV_SAT8(AOTC_QCONV_QADD(aotc_qconv_cvtr((float)s00 * sa), yz), AOTC_QCONV_SIGNED_##SFX);      \
      y[1] = (XT)AOTC_QCONV_SAT8(AOTC_QCONV_QADD(aotc_qconv_cvtr((float)s01 * sa), yz), AOTC_QCONV_SIGNED_##SFX);      \
      y[ldy] = (XT)AOTC_QCONV_SAT8(AOTC_QCONV_QADD(aotc_qconv_cvtr((float)s10 * sb), yz), AOTC_QCONV_SIGNED_##SFX);    \
      y[ldy + 1] = (XT)AOTC_QCONV_SAT8(AOTC_QCONV_QADD(aotc_qconv_cvtr((float)s11 * sb), yz), AOTC_QCONV_SIGNED_##SFX);\
    }                                                                                                                  \
  }                                                                                                                    \
}                                                                                                                      \
                                                                                                                       \
/* (Cortex-M DSP) Output channels [m0, m0 + Mg) of pixels [0, P): for each pair                                        \
 * of pixels, their taps widened to 16 bits once into xb (4 words per 4 taps:                                          \
 * pixel j's (k, k+2), (k+1, k+3), then pixel j+1's; the order SXTB16 and                                              \
 * SXTB16-ror-8 give a weight word in; taps past K are 0, so the last group's                                          \
 * weight word may read up to 3 bytes past the row, into the next row or the                                           \
 * weight sums), then 2 channels x 2 pixels per step: per 4 taps 2 weight                                              \
 * words, 4 SXTB16, 4 input words, 8 SMLAD. A lone last pixel is computed                                              \
 * twice, stored once. */                                                                                              \
static AOTC_UNUSED void aotc_qconv_gemm_dsp_##SFX(const int8_t *w, int32_t m0, int32_t Mg, int32_t K, const XT *b,     \
                                              ptrdiff_t ldb, int32_t P, const aotc_qconv_out *o, uint32_t *xb,         \
                                              ptrdiff_t yo, ptrdiff_t ldy) {                                           \
  const int32_t K4 = K / 4 * 4, G4 = (K + 3) / 4;                                                                      \
  const int fast = AOTC_QCONV_CVT_REQUANT && !o->y32 && !o->narrow;                                                    \
  int32_t j, m, k, t;                                                                                                  \
  for (j = 0; j < P; j += 2) {                                                                                         \
    const int32_t n = P - j < 2 ? 1 : 2;                                                                               \
    const ptrdiff_t d = n - 1;                                                                                         \
    const XT *bj = b + j;                                                                                              \
    uint32_t *xq = xb;                                                                                                 \
    if (n == 2) /* both pixels of a tap as one halfword: taps k, k+2 in a word, split by SXTB16 (UXTB16) */           \
      for (k = 0; k < K4; k += 4, xq += 4) {                                                                           \
        const XT *bk = bj + (ptrdiff_t)k * ldb;                                                                        \
        uint16_t h0, h1, h2, h3;                                                                                       \
        uint32_t a, c;                                                                                                 \
        memcpy(&h0, bk, 2), memcpy(&h1, bk + ldb, 2), memcpy(&h2, bk + 2 * ldb, 2), memcpy(&h3, bk + 3 * ldb, 2);      \
        a = (uint32_t)h0 | (uint32_t)h2 << 16, c = (uint32_t)h1 | (uint32_t)h3 << 16;                                  \
        xq[0] = AOTC_QCONV_EXT_##SFX(a), xq[1] = AOTC_QCONV_EXT_##SFX(c);                                              \
        xq[2] = AOTC_QCONV_EXT8_##SFX(a), xq[3] = AOTC_QCONV_EXT8_##SFX(c);                                            \
      }                                                                                                                \
    else                                                                                                               \
      for (k = 0; k < K4; k += 4, xq += 4) {                                                                           \
        const XT *bk = bj + (ptrdiff_t)k * ldb;                                                                        \
        xq[0] = AOTC_QCONV_PAIR(bk[0], bk[2 * ldb]), xq[1] = AOTC_QCONV_PAIR(bk[ldb], bk[3 * ldb]);                    \
        xq[2] = xq[0], xq[3] = xq[1];                                                                                  \
      }                                                                                                                \
    if (k < K) {                                                                                                       \
      int32_t v[8] = {0, 0, 0, 0, 0, 0, 0, 0}; /* taps k..k+3 of both pixels, 0 past K */                              \
      for (t = 0; k + t < K; ++t) v[t] = bj[(ptrdiff_t)(k + t) * ldb], v[4 + t] = bj[(ptrdiff_t)(k + t) * ldb + d];    \
      xq[0] = AOTC_QCONV_PAIR(v[0], v[2]), xq[1] = AOTC_QCONV_PAIR(v[1], v[3]);                                        \
      xq[2] = AOTC_QCONV_PAIR(v[4], v[6]), xq[3] = AOTC_QCONV_PAIR(v[5], v[7]);                                        \
    }                                                                                                                  \
    m = 0;                                                                                                             \
    if (fast && n == 2) {                                                                                              \
      m = Mg / 2 * 2;                                                                                                  \
      aotc_qconv_dsp_pairs_##SFX(w, K, G4, Mg / 2, xb, o->scale + m0, o->corr + m0, (XT *)o->y + yo + j, ldy,          \
                                 o->iyz);                                                                              \
    }                                                                                                                  \
    for (; m < Mg; m += 2) {                                                                                           \
      const int8_t *wa = w + (ptrdiff_t)m * K, *wb = wa + (Mg - m > 1 ? K : 0);                                        \
      const uint32_t *xp = xb;                                                                                         \
      int32_t s00 = 0, s01 = 0, s10 = 0, s11 = 0, acc[2];                                                              \
      for (k = 0; k < G4; ++k, xp += 4) AOTC_QCONV_DOT2X2(wa + 4 * k, wb + 4 * k, xp);                                 \
      acc[0] = s00, acc[1] = s01;                                                                                      \
      aotc_qconv_store_##SFX(o, m0 + m, yo + m * ldy + j, acc, n);                                                     \
      if (Mg - m > 1)                                                                                                  \
        acc[0] = s10, acc[1] = s11, aotc_qconv_store_##SFX(o, m0 + m + 1, yo + (m + 1) * ldy + j, acc, n);             \
    }                                                                                                                  \
  }                                                                                                                    \
}                                                                                                                      \
                                                                                                                       \
/* (Cortex-M DSP) One output row of a 3x3 depthwise conv, dilation 1 along the                                         \
 * row, stride sw 1 or 2: acc[ow] = sum of the 9 taps at r + kh*dh + ow*sw + kw.                                       \
 * One word of 4 inputs per row gives E = (x0, x2) and O = (x1, x3) as 16-bit                                          \
 * pairs; taps (t0, t2) pair with E by SMLAD, t1 takes x1 (and, stride 1, the                                          \
 * next output takes O by SMLAD and x2 for t1): 2 outputs, 18 MACs in 3 loads,                                         \
 * 6 extends and 12 SMLAD(X). The words stay inside the row (the rest in C). */                                        \
static AOTC_UNUSED void aotc_qconv_dw3x3_dsp_row_##SFX(const XT *r, ptrdiff_t dh, int32_t sw, const int8_t *wk,        \
                                                   int32_t OW, int32_t Wp, int32_t *acc) {                             \
  const XT *r0 = r, *r1 = r + dh, *r2 = r + 2 * dh;                                                                    \
  const uint32_t p0 = AOTC_QCONV_PAIR(wk[0], wk[2]), p1 = AOTC_QCONV_PAIR(wk[3], wk[5]);                               \
  const uint32_t p2 = AOTC_QCONV_PAIR(wk[6], wk[8]);                                                                   \
  const int32_t t0 = wk[0], t1 = wk[1], t2 = wk[2], t3 = wk[3], t4 = wk[4], t5 = wk[5], t6 = wk[6], t7 = wk[7];        \
  const int32_t t8 = wk[8];                                                                                            \
  int32_t ow = 0;                                                                                                      \
  if (sw == 1) {                                                                                                       \
    /* t1 pairs as (t1, 0): with O by SMLAD it takes x1, with E by SMLADX x2. */                                       \
    const uint32_t q0 = AOTC_QCONV_PAIR(t1, 0), q1 = AOTC_QCONV_PAIR(t4, 0), q2 = AOTC_QCONV_PAIR(t7, 0);              \
    for (; ow + 2 <= OW; ow += 2) {                                                                                    \
      uint32_t u, e, od;                                                                                               \
      int32_t s0, s1;                                                                                                  \
      memcpy(&u, r0 + ow, 4), e = AOTC_QCONV_EXT_##SFX(u), od = AOTC_QCONV_EXT8_##SFX(u);                              \
      s0 = AOTC_QCONV_SMLAD(q0, od, AOTC_QCONV_SMLAD(p0, e, 0));                                                       \
      s1 = AOTC_QCONV_SMLADX(q0, e, AOTC_QCONV_SMLAD(p0, od, 0));                                                      \
      memcpy(&u, r0 + ow + dh, 4), e = AOTC_QCONV_EXT_##SFX(u), od = AOTC_QCONV_EXT8_##SFX(u);                         \
      s0 = AOTC_QCONV_SMLAD(q1, od, AOTC_QCONV_SMLAD(p1, e, s0));                                                      \
      s1 = AOTC_QCONV_SMLADX(q1, e, AOTC_QCONV_SMLAD(p1, od, s1));                                                     \
      memcpy(&u, r0 + ow + 2 * dh, 4), e = AOTC_QCONV_EXT_##SFX(u), od = AOTC_QCONV_EXT8_##SFX(u);                     \
      acc[ow] = AOTC_QCONV_SMLAD(q2, od, AOTC_QCONV_SMLAD(p2, e, s0));                                                 \
      acc[ow + 1] = AOTC_QCONV_SMLADX(q2, e, AOTC_QCONV_SMLAD(p2, od, s1));                                            \
    }                                                                                                                  \
  } else {                                                                                                             \
    for (; 2 * ow + 4 <= Wp && ow < OW; ++ow) {                                                                        \
      uint32_t u0, u1, u2;                                                                                             \
      memcpy(&u0, r0 + 2 * ow, 4), memcpy(&u1, r1 + 2 * ow, 4), memcpy(&u2, r2 + 2 * ow, 4);                           \
      acc[ow] = AOTC_QCONV_SMLAD(p0, AOTC_QCONV_EXT_##SFX(u0),                                                         \
                                 AOTC_QCONV_SMLAD(p1, AOTC_QCONV_EXT_##SFX(u1),                                        \
                                                  AOTC_QCONV_SMLAD(p2, AOTC_QCONV_EXT_##SFX(u2), 0))) +                \
                t1 * r0[2 * ow + 1] + t4 * r1[2 * ow + 1] + t7 * r2[2 * ow + 1];                                       \
    }                                                                                                                  \
  }                                                                                                                    \
  for (; ow < OW; ++ow) {                                                                                              \
    const ptrdiff_t q = (ptrdiff_t)ow * sw;                                                                            \
    acc[ow] = t0 * r0[q] + t1 * r0[q + 1] + t2 * r0[q + 2] + t3 * r1[q] + t4 * r1[q + 1] + t5 * r1[q + 2] +            \
              t6 * r2[q] + t7 * r2[q + 1] + t8 * r2[q + 2];                                                            \
  }                                                                                                                    \
}                                                                                                                      \
/* (Cortex-M DSP) aotc_qconv_dw3x3_dsp_row_<x>'s sums for every output row                                             \
 * (rows sh apart in the plane), requantized as they come (AOTC_QCONV_CVT_REQUANT,                                     \
 * full 8-bit range) into y: only the OW outputs a row has, no sums in                                                 \
 * scratch. The sums start at c. An odd last output of a stride-1 row reads                                            \
 * the word before it: O = (x[q], x[q+2]) pairs with (t0, t2), E's x[q+1]                                              \
 * with t1 by SMLADX. */                                                                                               \
static AOTC_UNUSED AOTC_QCONV_NOINLINE void aotc_qconv_dw3x3_dsp_rq_##SFX(const XT *r, ptrdiff_t dh, ptrdiff_t sh,     \
                                                                          int32_t sw, const int8_t *wk, int32_t OH,    \
                                                                          int32_t OW, int32_t Wp, int32_t c, float s,  \
                                                                          int32_t yz, XT *y) {                         \
  const uint32_t p0 = AOTC_QCONV_PAIR(wk[0], wk[2]), p1 = AOTC_QCONV_PAIR(wk[3], wk[5]);                               \
  const uint32_t p2 = AOTC_QCONV_PAIR(wk[6], wk[8]);                                                                   \
  const uint32_t q0 = AOTC_QCONV_PAIR(wk[1], 0), q1 = AOTC_QCONV_PAIR(wk[4], 0), q2 = AOTC_QCONV_PAIR(wk[7], 0);       \
  int32_t oh, ow;                                                                                                      \
  for (oh = 0; oh < OH; ++oh, r += sh, y += OW) {                                                                      \
    const XT *r0 = r, *r1 = r + dh, *r2 = r + 2 * dh;                                                                  \
    uint32_t u, e, od;                                                                                                 \
    int32_t s0, s1;                                                                                                    \
    ow = 0;                                                                                                            \
    if (sw == 1) {                                                                                                     \
      for (; ow + 2 <= OW; ow += 2) {                                                                                  \
        memcpy(&u, r0 + ow, 4), e = AOTC_QCONV_EXT_##SFX(u), od = AOTC_QCONV_EXT8_##SFX(u);                            \
        s0 = AOTC_QCONV_SMLAD(q0, od, AOTC_QCONV_SMLAD(p0, e, c));                                                     \
        s1 = AOTC_QCONV_SMLADX(q0, e, AOTC_QCONV_SMLAD(p0, od, c));                                                    \
        memcpy(&u, r1 + ow, 4), e = AOTC_QCONV_EXT_##SFX(u), od = AOTC_QCONV_EXT8_##SFX(u);                            \
        s0 = AOTC_QCONV_SMLAD(q1, od, AOTC_QCONV_SMLAD(p1, e, s0));                                                    \
        s1 = AOTC_QCONV_SMLADX(q1, e, AOTC_QCONV_SMLAD(p1, od, s1));                                                   \
        memcpy(&u, r2 + ow, 4), e = AOTC_QCONV_EXT_##SFX(u), od = AOTC_QCONV_EXT8_##SFX(u);                            \
        s0 = AOTC_QCONV_SMLAD(q2, od, AOTC_QCONV_SMLAD(p2, e, s0));                                                    \
        s1 = AOTC_QCONV_SMLADX(q2, e, AOTC_QCONV_SMLAD(p2, od, s1));                                                   \
        y[ow] = (XT)AOTC_QCONV_SAT8(AOTC_QCONV_QADD(aotc_qconv_cvtr((float)s0 * s), yz), AOTC_QCONV_SIGNED_##SFX);     \
        y[ow + 1] = (XT)AOTC_QCONV_SAT8(AOTC_QCONV_QADD(aotc_qconv_cvtr((float)s1 * s), yz), AOTC_QCONV_SIGNED_##SFX); \
      }                                                                                                                \
      if (ow < OW && ow > 0) {                                                                                         \
        memcpy(&u, r0 + ow - 1, 4), e = AOTC_QCONV_EXT_##SFX(u), od = AOTC_QCONV_EXT8_##SFX(u);                        \
        s0 = AOTC_QCONV_SMLADX(q0, e, AOTC_QCONV_SMLAD(p0, od, c));                                                    \
        memcpy(&u, r1 + ow - 1, 4), e = AOTC_QCONV_EXT_##SFX(u), od = AOTC_QCONV_EXT8_##SFX(u);                        \
        s0 = AOTC_QCONV_SMLADX(q1, e, AOTC_QCONV_SMLAD(p1, od, s0));                                                   \
        memcpy(&u, r2 + ow - 1, 4), e = AOTC_QCONV_EXT_##SFX(u), od = AOTC_QCONV_EXT8_##SFX(u);                        \
        s0 = AOTC_QCONV_SMLADX(q2, e, AOTC_QCONV_SMLAD(p2, od, s0));                                                   \
        y[ow] = (XT)AOTC_QCONV_SAT8(AOTC_QCONV_QADD(aotc_qconv_cvtr((float)s0 * s), yz), AOTC_QCONV_SIGNED_##SFX);     \
        ++ow;                                                                                                          \
      }                                                                                                                \
    } else {                                                                                                           \
      for (; 2 * ow + 4 <= Wp && ow < OW; ++ow) {                                                                      \
        memcpy(&u, r0 + 2 * ow, 4), s0 = AOTC_QCONV_SMLAD(p0, AOTC_QCONV_EXT_##SFX(u), c);                             \
        memcpy(&u, r1 + 2 * ow, 4), s0 = AOTC_QCONV_SMLAD(p1, AOTC_QCONV_EXT_##SFX(u), s0);                            \
        memcpy(&u, r2 + 2 * ow, 4), s0 = AOTC_QCONV_SMLAD(p2, AOTC_QCONV_EXT_##SFX(u), s0);                            \
        s0 = (int32_t)((uint32_t)s0 + (uint32_t)(wk[1] * r0[2 * ow + 1] + wk[4] * r1[2 * ow + 1] +                     \
                                                 wk[7] * r2[2 * ow + 1]));                                             \
        y[ow] = (XT)AOTC_QCONV_SAT8(AOTC_QCONV_QADD(aotc_qconv_cvtr((float)s0 * s), yz), AOTC_QCONV_SIGNED_##SFX);     \
      }                                                                                                                \
    }                                                                                                                  \
    for (; ow < OW; ++ow) {                                                                                            \
      const ptrdiff_t q = (ptrdiff_t)ow * sw;                                                                          \
      const int32_t t = wk[0] * r0[q] + wk[1] * r0[q + 1] + wk[2] * r0[q + 2] + wk[3] * r1[q] + wk[4] * r1[q + 1] +    \
                        wk[5] * r1[q + 2] + wk[6] * r2[q] + wk[7] * r2[q + 1] + wk[8] * r2[q + 2];                     \
      s0 = (int32_t)((uint32_t)c + (uint32_t)t);                                                                       \
      y[ow] = (XT)AOTC_QCONV_SAT8(AOTC_QCONV_QADD(aotc_qconv_cvtr((float)s0 * s), yz), AOTC_QCONV_SIGNED_##SFX);       \
    }                                                                                                                  \
  }                                                                                                                    \
}                                                                                                                      \
                                                                                                                       \
  /* Output channels [m0, m0 + Mg) of pixels [0, P) (output offset yo): B (K x P,                                      \
   * ldb apart), the last partial tile of pixels copied into tail (K x 16). */                                         \
  static AOTC_UNUSED void aotc_qconv_gemm_##SFX(const int8_t *w, int32_t m0, int32_t Mg, int32_t K, const XT *b,       \
                                                ptrdiff_t ldb, int32_t P, const aotc_qconv_out *o, XT *tail,           \
                                                ptrdiff_t yo, ptrdiff_t ldy, int x86) {                                \
    const int32_t full = P / AOTC_QCONV_NR * AOTC_QCONV_NR;                                                            \
    int32_t m, j, k;                                                                                                   \
    if (AOTC_QCONV_DSP && AOTC_QCONV_NR < 4) {                                                                         \
      aotc_qconv_gemm_dsp_##SFX(w, m0, Mg, K, b, ldb, P, o, (uint32_t *)(void *)tail, yo, ldy);                        \
      return;                                                                                                          \
    }                                                                                                                  \
    if (x86 && AOTC_QCONV_X86_GEMM(x86, AOTC_QCONV_SIGNED_##SFX, w, m0, Mg, K, b, ldb, P, o, tail, yo, ldy)) return;    \
    if (full < P) {                                                                                                    \
      memset(tail, 0, (size_t)K * AOTC_QCONV_NR * sizeof(XT));                                                         \
      for (k = 0; k < K; ++k)                                                                                          \
        memcpy(tail + (ptrdiff_t)k * AOTC_QCONV_NR, b + (ptrdiff_t)k * ldb + full, (size_t)(P - full) * sizeof(XT));   \
    }                                                                                                                  \
    for (m = 0; m < Mg; m += AOTC_QCONV_MR) {                                                                          \
      const int32_t rows = Mg - m < AOTC_QCONV_MR ? Mg - m : AOTC_QCONV_MR;                                            \
      const int8_t *wm = w + (ptrdiff_t)m * K;                                                                         \
      for (j = 0; j < full; j += AOTC_QCONV_NR)                                                                        \
        aotc_qconv_tile_##SFX(wm, K, rows, b + j, ldb, AOTC_QCONV_NR, o, m0 + m, yo + m * ldy + j, ldy);               \
      if (full < P)                                                                                                    \
        aotc_qconv_tile_##SFX(wm, K, rows, tail, AOTC_QCONV_NR, P - full, o, m0 + m, yo + m * ldy + full, ldy);        \
    }                                                                                                                  \
  }                                                                                                                    \
                                                                                                                       \
  /* im2col of pixels [p0, p0 + np) of one group's input xg (Cg x ID x IH x IW)                                        \
   * into col (K rows, ldc apart), x_zp outside the image. */                                                          \
  static AOTC_UNUSED void aotc_qconv_im2col_##SFX(const XT *xg, const aotc_conv_params *geo, int32_t p0, int32_t np,   \
                                                  XT xz, XT *col, int32_t ldc) {                                       \
    const int32_t ID = geo->in[0], IH = geo->in[1], IW = geo->in[2], OH = geo->out[1], OW = geo->out[2];               \
    const int32_t KD = geo->kernel[0], KH = geo->kernel[1], KW = geo->kernel[2];                                       \
    const int32_t SD = geo->stride[0], SH = geo->stride[1], SW = geo->stride[2];                                       \
    int32_t c, kd, kh, kw, j;                                                                                          \
    for (c = 0; c < geo->cg; ++c)                                                                                      \
      for (kd = 0; kd < KD; ++kd)                                                                                      \
        for (kh = 0; kh < KH; ++kh)                                                                                    \
          for (kw = 0; kw < KW; ++kw) {                                                                                \
            const XT *xc = xg + (ptrdiff_t)c * ID * IH * IW;                                                           \
            int32_t od = p0 / (OH * OW), oh = p0 / OW % OH, ow = p0 % OW;                                              \
            /* A run of pixels along one output row at a time: its input row is                                        \
             * inside or out, and its columns are inside for t in [lo, hi). */                                         \
            for (j = 0; j < np;) {                                                                                     \
              const int32_t run = OW - ow < np - j ? OW - ow : np - j;                                                 \
              const int32_t id = od * SD - geo->pad[0] + kd * geo->dilation[0];                                        \
              const int32_t ih = oh * SH - geo->pad[1] + kh * geo->dilation[1];                                        \
              const int32_t iw0 = ow * SW - geo->pad[2] + kw * geo->dilation[2];                                       \
              int32_t lo = iw0 >= 0 ? 0 : (-iw0 + SW - 1) / SW, hi = iw0 > IW - 1 ? 0 : (IW - 1 - iw0) / SW + 1, t;    \
              XT *dst = col + j;                                                                                       \
              if (id < 0 || id >= ID || ih < 0 || ih >= IH) lo = hi = run;                                             \
              if (hi > run) hi = run;                                                                                  \
              if (lo > hi) lo = hi;                                                                                    \
              for (t = 0; t < lo; ++t) dst[t] = xz;                                                                    \
              if (lo < hi) {                                                                                           \
                const XT *src = xc + ((ptrdiff_t)id * IH + ih) * IW + iw0 + lo * SW;                                   \
                if (SW == 1)                                                                                           \
                  memcpy(dst + lo, src, (size_t)(hi - lo) * sizeof(XT));                                               \
                else                                                                                                   \
                  for (t = lo; t < hi; ++t) dst[t] = src[(ptrdiff_t)(t - lo) * SW];                                    \
              }                                                                                                        \
              for (t = hi; t < run; ++t) dst[t] = xz;                                                                  \
              j += run;                                                                                                \
              ow += run;                                                                                               \
              if (ow == OW) {                                                                                          \
                ow = 0;                                                                                                \
                if (++oh == OH) oh = 0, ++od;                                                                          \
              }                                                                                                        \
            }                                                                                                          \
            col += ldc;                                                                                                \
          }                                                                                                            \
  }                                                                                                                    \
                                                                                                                       \
  /* (DSP) aotc_qconv_gemv_<x> four output channels at a time: per 4 taps one                                          \
   * word of x as 16-bit pairs (bytes 0, 2 and 1, 3), each channel's weight word                                       \
   * split the same way, 2 SMLAD per channel. Unused rows repeat row 0. */                                             \
  static AOTC_UNUSED AOTC_QCONV_NOINLINE void aotc_qconv_gemv_dsp_##SFX(                                               \
      const XT *x, int32_t xz, const int8_t *wp, aotc_qconv_out o, const float *x_scale, const float *w_scale,         \
      int32_t per_channel, const float *y_scale, const int32_t *bias, const aotc_conv_params *geo) {                   \
    const int32_t M = geo->mg, K = geo->cg, K4 = K / 4 * 4;                                                            \
    float scale[4] = {0.0f, 0.0f, 0.0f, 0.0f};                                                                         \
    int32_t corr[4], n, m, k, r;                                                                                       \
    o.scale = scale, o.corr = corr; /* channels 0 .. 3 of the stores below */                                          \
    for (m = 0; m < M; m += 4) {                                                                                       \
      const int32_t rows = M - m < 4 ? M - m : 4;                                                                      \
      const int8_t *w0 = wp + (ptrdiff_t)m * K, *w1 = w0 + (rows > 1 ? K : 0), *w2 = w0 + (rows > 2 ? 2 * K : 0);      \
      const int8_t *w3 = w0 + (rows > 3 ? 3 * K : 0);                                                                  \
      for (r = 0; r < rows; ++r) {                                                                                     \
        corr[r] = aotc_qconv_corr1(xz, wp, bias, M, K, m + r);                                                         \
        if (x_scale) scale[r] = x_scale[0] * w_scale[per_channel ? m + r : 0] / y_scale[0];                            \
      }                                                                                                                \
      for (n = 0; n < geo->n; ++n) {                                                                                   \
        const XT *xn = x + (ptrdiff_t)n * K;                                                                           \
        int32_t acc[4], s0 = 0, s1 = 0, s2 = 0, s3 = 0; /* bounded as in aotc_qconv_gemv_<x> */                        \
        k = 0;                                                                                                         \
        if (AOTC_QCONV_GEMV4_ASM_OK && rows == 4 && K4 > 0) {                                                          \
          const XT *xp = xn, *const xend = xn + K4;                                                                    \
          const int8_t *p0 = w0, *p2 = w2;                                                                             \
          AOTC_QCONV_GEMV4_LOOP(xp, xend, p0, p2, K, s0, s1, s2, s3, AOTC_QCONV_GEMV4_EXT_##SFX);                      \
          k = K4;                                                                                                      \
        }                                                                                                              \
        for (; k < K4; k += 4) {                                                                                       \
          uint32_t u, a, e, od;                                                                                        \
          memcpy(&u, xn + k, 4), e = AOTC_QCONV_EXT_##SFX(u), od = AOTC_QCONV_EXT8_##SFX(u);                           \
          memcpy(&a, w0 + k, 4);                                                                                       \
          s0 = AOTC_QCONV_SMLAD(aotc_qconv_sxtb16_ror8(a), od, AOTC_QCONV_SMLAD(AOTC_QCONV_SXTB16(a), e, s0));         \
          memcpy(&a, w1 + k, 4);                                                                                       \
          s1 = AOTC_QCONV_SMLAD(aotc_qconv_sxtb16_ror8(a), od, AOTC_QCONV_SMLAD(AOTC_QCONV_SXTB16(a), e, s1));         \
          memcpy(&a, w2 + k, 4);                                                                                       \
          s2 = AOTC_QCONV_SMLAD(aotc_qconv_sxtb16_ror8(a), od, AOTC_QCONV_SMLAD(AOTC_QCONV_SXTB16(a), e, s2));         \
          memcpy(&a, w3 + k, 4);                                                                                       \
          s3 = AOTC_QCONV_SMLAD(aotc_qconv_sxtb16_ror8(a), od, AOTC_QCONV_SMLAD(AOTC_QCONV_SXTB16(a), e, s3));         \
        }                                                                                                              \
        for (; k < K; ++k) {                                                                                           \
          const int32_t v = xn[k];                                                                                     \
          s0 += w0[k] * v, s1 += w1[k] * v, s2 += w2[k] * v, s3 += w3[k] * v;                                          \
        }                                                                                                              \
        acc[0] = s0, acc[1] = s1, acc[2] = s2, acc[3] = s3;                                                            \
        for (r = 0; r < rows; ++r) aotc_qconv_store_##SFX(&o, r, (ptrdiff_t)n * M + m + r, &acc[r], 1);                \
      }                                                                                                                \
    }                                                                                                                  \
  }                                                                                                                    \
                                                                                                                       \
  /* One pixel per image and one group (QGemm's rows as 1x1 convs, ops/conv.cpp):                                      \
   * a dot product per output, each channel's scale (QLinearConv: x_scale non-NULL)                                     \
   * and corr computed as it is stored, so no scratch at all. */                                                      \
  static AOTC_UNUSED void aotc_qconv_gemv_##SFX(const XT *x, int32_t xz, const int8_t *wp, aotc_qconv_out o,           \
                                                const float *x_scale, const float *w_scale, int32_t per_channel,       \
                                                const float *y_scale, const int32_t *bias,                             \
                                                const aotc_conv_params *geo) {                                         \
    const int32_t M = geo->mg, K = geo->cg;                                                                            \
    float scale = 0.0f;                                                                                                \
    int32_t corr, n, m, k;                                                                                             \
    if (AOTC_QCONV_DSP) {                                                                                              \
      aotc_qconv_gemv_dsp_##SFX(x, xz, wp, o, x_scale, w_scale, per_channel, y_scale, bias, geo);                      \
      return;                                                                                                          \
    }                                                                                                                  \
    o.scale = &scale, o.corr = &corr; /* channel 0 of the store below */                                               \
    for (m = 0; m < M; ++m) {                                                                                          \
      const int8_t *wm = wp + (ptrdiff_t)m * K;                                                                        \
      corr = aotc_qconv_corr1(xz, wp, bias, M, K, m);                                                                  \
      if (x_scale) scale = x_scale[0] * w_scale[per_channel ? m : 0] / y_scale[0]; /* as aotc_qconv_channels */        \
      for (n = 0; n < geo->n; ++n) {                                                                                   \
        const XT *xn = x + (ptrdiff_t)n * K;                                                                           \
        int32_t acc = 0; /* |acc| < 2^31: at most 65536 taps of |w * x| <= 128 * 255 */                                \
        for (k = 0; k < K; ++k) acc += (int32_t)wm[k] * (int32_t)xn[k];                                                \
        aotc_qconv_store_##SFX(&o, 0, (ptrdiff_t)n * M + m, &acc, 1);                                                  \
      }                                                                                                                \
    }                                                                                                                  \
  }                                                                                                                    \
                                                                                                                       \
  /* A pointwise GEMM whose output y overwrites its input b (K x P) in place                                          \
   * (ops/conv.cpp allows it when an output pixel lands only on input pixels                                           \
   * already read, and K % 4 == 0): each tile of pixels is copied into tail                                            \
   * before any of its outputs is stored. (x86 panels copy their pixels first                                          \
   * anyway, and so does the DSP GEMM for all but the last K % 4 taps.) */                                              \
  static AOTC_UNUSED AOTC_QCONV_NOINLINE void aotc_qconv_gemm_in_place_##SFX(                                        \
      const int8_t *w, int32_t m0, int32_t Mg, int32_t K, const XT *b, int32_t P, const aotc_qconv_out *o, XT *tail,  \
      ptrdiff_t yo) {                                                                                                  \
    int32_t j, k, m, t;                                                                                                \
    for (j = 0; j < P; j += AOTC_QCONV_NR) {                                                                           \
      const int32_t cols = P - j < AOTC_QCONV_NR ? P - j : AOTC_QCONV_NR;                                              \
      if (cols < AOTC_QCONV_NR) memset(tail, 0, (size_t)K * AOTC_QCONV_NR * sizeof(XT));                               \
      /* (A loop: a memcpy call per tap of a 2-pixel tile costs more than the copy.) */                                \
      for (k = 0; k < K; ++k)                                                                                          \
        for (t = 0; t < cols; ++t) tail[(ptrdiff_t)k * AOTC_QCONV_NR + t] = b[(ptrdiff_t)k * P + j + t];               \
      for (m = 0; m < Mg; m += AOTC_QCONV_MR)                                                                          \
        aotc_qconv_tile_##SFX(w + (ptrdiff_t)m * K, K, Mg - m < AOTC_QCONV_MR ? Mg - m : AOTC_QCONV_MR, tail,          \
                              AOTC_QCONV_NR, cols, o, m0 + m, yo + (ptrdiff_t)m * P + j, P);                           \
    }                                                                                                                  \
  }                                                                                                                    \
                                                                                                                       \
  /* The GEMM conv (see the top); scratch after scale and corr. */                                                     \
  static AOTC_UNUSED void aotc_qconv_run_##SFX(const XT *x, XT xz, const int8_t *wp, const aotc_qconv_out *o,          \
                                               void *scratch, const aotc_conv_params *geo) {                           \
    const int32_t G = geo->groups, Cg = geo->cg, Mg = geo->mg, M = G * Mg;                                             \
    const int32_t K = Cg * geo->kernel[0] * geo->kernel[1] * geo->kernel[2];                                           \
    const int32_t IP = geo->in[0] * geo->in[1] * geo->in[2], P = geo->out[0] * geo->out[1] * geo->out[2];              \
    XT *tail = (XT *)((int32_t *)scratch + 2 * M), *col = tail + (ptrdiff_t)(K + 3) / 4 * 4 * AOTC_QCONV_TAILB;       \
    /* The x86 level (0: none); corr as the x86 tiles want it. */                                                      \
    const int x86 = AOTC_QCONV_X86_BEGIN(AOTC_QCONV_SIGNED_##SFX, wp, (int32_t *)scratch + M, M, K);                   \
    int32_t n, g, p0;                                                                                                  \
    for (n = 0; n < geo->n; ++n)                                                                                       \
      for (g = 0; g < G; ++g) {                                                                                        \
        const XT *xg = x + ((ptrdiff_t)n * G + g) * Cg * IP;                                                           \
        const int8_t *wg = wp + (ptrdiff_t)g * Mg * K;                                                                 \
        const ptrdiff_t yg = ((ptrdiff_t)n * M + (ptrdiff_t)g * Mg) * P;                                               \
        if (geo->method == AOTC_CONV_POINTWISE) {                                                                      \
          if ((const void *)x == o->y && !x86 && !(AOTC_QCONV_DSP && AOTC_QCONV_NR < 4)) {                             \
            aotc_qconv_gemm_in_place_##SFX(wg, g * Mg, Mg, K, xg, P, o, tail, yg);                                     \
            continue;                                                                                                  \
          }                                                                                                            \
          aotc_qconv_gemm_##SFX(wg, g * Mg, Mg, K, xg, P, P, o, tail, yg, P, x86);                                          \
          continue;                                                                                                    \
        }                                                                                                              \
        if (AOTC_QCONV_X86_FLAT(x86, AOTC_QCONV_SIGNED_##SFX, xz, xg, wg, g * Mg, Mg, o, tail, col,                    \
                                (size_t)K * geo->band, yg, geo))                                                       \
          continue;                                                                                                    \
        for (p0 = 0; p0 < P; p0 += geo->band) {                                                                        \
          const int32_t np = P - p0 < geo->band ? P - p0 : geo->band;                                                  \
          aotc_qconv_im2col_##SFX(xg, geo, p0, np, xz, col, geo->band);                                                \
          aotc_qconv_gemm_##SFX(wg, g * Mg, Mg, K, col, geo->band, np, o, tail, yg + p0, P, x86);                           \
        }                                                                                                              \
      }                                                                                                                \
  }                                                                                                                    \
                                                                                                                       \
  /* QLinearConv. */                                                                                                   \
  AOTC_KERNEL void aotc_qconv_##SFX(const XT *x, const float *x_scale, const XT *x_zp, const int8_t *wp,               \
                                    const float *w_scale, const float *y_scale, const XT *y_zp, const int32_t *bias,   \
                                    XT *y, void *scratch, const aotc_conv_params *geo, int32_t per_channel,            \
                                    int32_t y_min, int32_t y_max) {                                                    \
    if (AOTC_QCONV_IS_GEMV(geo)) {                                                                                     \
      aotc_qconv_gemv_##SFX(x, x_zp[0], wp, aotc_qconv_requant_fields(y_zp[0], y_min, y_max, y), x_scale, w_scale,     \
                            per_channel, y_scale, bias, geo);                                                          \
      return;                                                                                                          \
    }                                                                                                                  \
    {                                                                                                                  \
    const aotc_qconv_out o = aotc_qconv_requant_out(x_scale, x_zp[0], wp, w_scale, per_channel, y_scale, y_zp[0],      \
                                                    bias, y_min, y_max, y, scratch, geo->groups * geo->mg,             \
                                                    geo->cg * geo->kernel[0] * geo->kernel[1] * geo->kernel[2]);       \
    aotc_qconv_run_##SFX(x, x_zp[0], wp, &o, scratch, geo);                                                            \
    }                                                                                                                  \
  }                                                                                                                    \
                                                                                                                       \
  /* ConvInteger (x_zp may be NULL: 0). */                                                                             \
  AOTC_KERNEL void aotc_qconv_int32_##SFX(const XT *x, const XT *x_zp, const int8_t *wp, int32_t *y, void *scratch,    \
                                          const aotc_conv_params *geo) {                                               \
    const XT xz = x_zp ? x_zp[0] : 0;                                                                                  \
    if (AOTC_QCONV_IS_GEMV(geo)) {                                                                                     \
      aotc_qconv_out o = aotc_qconv_requant_fields(0, 0, 0, NULL);                                                     \
      o.y32 = y;                                                                                                       \
      aotc_qconv_gemv_##SFX(x, xz, wp, o, NULL, NULL, 0, NULL, NULL, geo);                                             \
      return;                                                                                                          \
    }                                                                                                                  \
    {                                                                                                                  \
    const aotc_qconv_out o = aotc_qconv_int32_out(xz, wp, y, scratch, geo->groups * geo->mg,                           \
                                                  geo->cg * geo->kernel[0] * geo->kernel[1] * geo->kernel[2]);         \
    aotc_qconv_run_##SFX(x, xz, wp, &o, scratch, geo);                                                                 \
    }                                                                                                                  \
  }                                                                                                                    \
                                                                                                                       \
  /* One output row of a 3x3 depthwise conv: acc[ow] = sum of the 9 taps at                                            \
   * r + kh*dh + kw*dw + ow*sw. */                                                                                     \
  static AOTC_UNUSED void aotc_qconv_dw3x3_row_##SFX(const XT *r, ptrdiff_t dh, int32_t dw, int32_t sw,                \
                                                     const int8_t *wk, int32_t OW, int32_t *acc) {                     \
    const XT *r0 = r, *r1 = r + dh, *r2 = r + 2 * dh;                                                                  \
    const int32_t t0 = wk[0], t1 = wk[1], t2 = wk[2], t3 = wk[3], t4 = wk[4], t5 = wk[5], t6 = wk[6], t7 = wk[7];      \
    const int32_t t8 = wk[8];                                                                                          \
    int32_t ow;                                                                                                        \
    for (ow = 0; ow < OW; ++ow) {                                                                                      \
      const ptrdiff_t q = (ptrdiff_t)ow * sw;                                                                          \
      acc[ow] = t0 * r0[q] + t1 * r0[q + dw] + t2 * r0[q + 2 * dw] + t3 * r1[q] + t4 * r1[q + dw] +                    \
                t5 * r1[q + 2 * dw] + t6 * r2[q] + t7 * r2[q + dw] + t8 * r2[q + 2 * dw];                              \
    }                                                                                                                  \
  }                                                                                                                    \
                                                                                                                       \
  /* The depthwise conv (see the top); scratch after scale and corr. */                                                \
  static AOTC_UNUSED void aotc_qconv_dw_run_##SFX(const XT *x, XT xz, const int8_t *wp, const aotc_qconv_out *o,       \
                                                  void *scratch, const aotc_conv_params *geo) {                        \
    const int32_t G = geo->groups, Mg = geo->mg, M = G * Mg, IH = geo->in[1], IW = geo->in[2];                         \
    const int32_t OH = geo->out[1], OW = geo->out[2], KH = geo->kernel[1], KW = geo->kernel[2];                        \
    const int32_t SH = geo->stride[1], SW = geo->stride[2], DH = geo->dilation[1], DW = geo->dilation[2];              \
    const int32_t PH = geo->pad[1], PW = geo->pad[2];                                                                  \
    const int32_t Hp = aotc_qconv_dw_extent(geo, 1), Wp = aotc_qconv_dw_extent(geo, 2);                                \
    int32_t *acc = (int32_t *)scratch + 2 * M;                                                                         \
    XT *xp = (XT *)(acc + (ptrdiff_t)OH * Wp);                                                                         \
    /* Input columns [c0, c1) land in the plane at c0 + PW. */                                                         \
    const int32_t c0 = PW > 0 ? 0 : -PW, c1 = IW < Wp - PW ? IW : Wp - PW;                                             \
    /* x86 level 2 takes 3x3 convs (corr as its tiles want it). */                                                     \
    const int x86 = AOTC_QCONV_X86_DW_BEGIN(AOTC_QCONV_SIGNED_##SFX, geo, wp, (int32_t *)scratch + M);                 \
    int32_t n, g, m, i, q, kh, kw, oh, ow;                                                                             \
    /* The borders once: each plane copies the same interior over them. */                                             \
    for (q = 0; q < Hp * Wp; ++q) xp[q] = xz;                                                                          \
    for (n = 0; n < geo->n; ++n)                                                                                       \
      for (g = 0; g < G; ++g) {                                                                                        \
        const XT *xg = x + ((ptrdiff_t)n * G + g) * IH * IW;                                                           \
        if (x86) {                                                                                                     \
          AOTC_QCONV_X86_DW(xg, g == 0, xz, AOTC_QCONV_SIGNED_##SFX, wp + (ptrdiff_t)g * Mg * 9, g * Mg, o, xp, acc,   \
                            ((ptrdiff_t)n * M + (ptrdiff_t)g * Mg) * OH * OW, geo);                                    \
          continue;                                                                                                    \
        }                                                                                                              \
        for (i = 0; i < Hp; ++i) {                                                                                     \
          const int32_t ih = i - PH;                                                                                   \
          if (ih >= 0 && ih < IH && c1 > c0)                                                                           \
            memcpy(xp + (ptrdiff_t)i * Wp + c0 + PW, xg + (ptrdiff_t)ih * IW + c0, (size_t)(c1 - c0) * sizeof(XT));    \
        }                                                                                                              \
        for (m = 0; m < Mg; ++m) {                                                                                     \
          const int32_t mm = g * Mg + m;                                                                               \
          const int8_t *wk = wp + (ptrdiff_t)mm * KH * KW;                                                             \
          const ptrdiff_t ym = ((ptrdiff_t)n * M + mm) * OH * OW;                                                      \
          if (AOTC_QCONV_DSP && KH == 3 && KW == 3 && DW == 1 && SW <= 2) {                                            \
            if (AOTC_QCONV_CVT_REQUANT && !o->y32 && !o->narrow) {                                                     \
              aotc_qconv_dw3x3_dsp_rq_##SFX(xp, (ptrdiff_t)DH * Wp, (ptrdiff_t)SH * Wp, SW, wk, OH, OW, Wp,            \
                                            o->corr[mm], o->scale[mm], o->iyz, (XT *)o->y + ym);                       \
              continue;                                                                                                \
            }                                                                                                          \
            if (SH == 1 && SW == 1) /* flat, as below */                                                               \
              aotc_qconv_dw3x3_dsp_row_##SFX(xp, (ptrdiff_t)DH * Wp, 1, wk, (OH - 1) * Wp + OW, Wp, acc);              \
            else                                                                                                       \
              for (oh = 0; oh < OH; ++oh)                                                                              \
                aotc_qconv_dw3x3_dsp_row_##SFX(xp + (ptrdiff_t)oh * SH * Wp, (ptrdiff_t)DH * Wp, SW, wk, OW, Wp,       \
                                               acc + (ptrdiff_t)oh * Wp);                                              \
            aotc_qconv_store_rows_##SFX(o, mm, ym, acc, Wp, OH, OW);                                                   \
            continue;                                                                                                  \
          }                                                                                                            \
          if (SH == 1 && SW == 1) {                                                                                    \
            /* Flat: output q = oh*Wp + ow, tap (kh, kw) at q + kh*DH*Wp + kw*DW. */                                   \
            const int32_t nq = (OH - 1) * Wp + OW;                                                                     \
            if (KH == 3 && KW == 3) {                                                                                  \
              const XT *r0 = xp, *r1 = xp + DH * Wp, *r2 = xp + 2 * DH * Wp;                                           \
              const int32_t t0 = wk[0], t1 = wk[1], t2 = wk[2], t3 = wk[3], t4 = wk[4], t5 = wk[5], t6 = wk[6];        \
              const int32_t t7 = wk[7], t8 = wk[8], d1 = DW, d2 = 2 * DW;                                              \
              for (q = 0; q < nq; ++q)                                                                                 \
                acc[q] = t0 * r0[q] + t1 * r0[q + d1] + t2 * r0[q + d2] + t3 * r1[q] + t4 * r1[q + d1] +               \
                         t5 * r1[q + d2] + t6 * r2[q] + t7 * r2[q + d1] + t8 * r2[q + d2];                             \
            } else {                                                                                                   \
              for (q = 0; q < nq; ++q) acc[q] = 0;                                                                     \
              for (kh = 0; kh < KH; ++kh)                                                                              \
                for (kw = 0; kw < KW; ++kw) {                                                                          \
                  const int32_t t = wk[kh * KW + kw];                                                                  \
                  const XT *r = xp + (ptrdiff_t)kh * DH * Wp + kw * DW;                                                \
                  for (q = 0; q < nq; ++q) acc[q] += t * r[q];                                                         \
                }                                                                                                      \
            }                                                                                                          \
            for (oh = 0; oh < OH; ++oh) aotc_qconv_store_##SFX(o, mm, ym + oh * OW, acc + oh * Wp, OW);                \
            continue;                                                                                                  \
          }                                                                                                            \
          for (oh = 0; oh < OH; ++oh) {                                                                                \
            const XT *r = xp + (ptrdiff_t)oh * SH * Wp;                                                                \
            if (KH == 3 && KW == 3) {                                                                                  \
              /* All 9 taps in one pass; stride 2 spelled out so that it vectorizes. */                                \
              if (SW == 2)                                                                                             \
                aotc_qconv_dw3x3_row_##SFX(r, (ptrdiff_t)DH * Wp, DW, 2, wk, OW, acc);                                 \
              else                                                                                                     \
                aotc_qconv_dw3x3_row_##SFX(r, (ptrdiff_t)DH * Wp, DW, SW, wk, OW, acc);                                \
            } else {                                                                                                   \
              for (ow = 0; ow < OW; ++ow) acc[ow] = 0;                                                                 \
              for (kh = 0; kh < KH; ++kh)                                                                              \
                for (kw = 0; kw < KW; ++kw) {                                                                          \
                  const int32_t t = wk[kh * KW + kw];                                                                  \
                  const XT *rk = r + (ptrdiff_t)kh * DH * Wp + kw * DW;                                                \
                  for (ow = 0; ow < OW; ++ow) acc[ow] += t * rk[(ptrdiff_t)ow * SW];                                   \
                }                                                                                                      \
            }                                                                                                          \
            aotc_qconv_store_##SFX(o, mm, ym + oh * OW, acc, OW);                                                      \
          }                                                                                                            \
        }                                                                                                              \
      }                                                                                                                \
  }                                                                                                                    \
  AOTC_KERNEL void aotc_qconv_depthwise_##SFX(const XT *x, const float *x_scale, const XT *x_zp, const int8_t *wp,     \
                                              const float *w_scale, const float *y_scale, const XT *y_zp,              \
                                              const int32_t *bias, XT *y, void *scratch, const aotc_conv_params *geo,  \
                                              int32_t per_channel, int32_t y_min, int32_t y_max) {                     \
    const aotc_qconv_out o = aotc_qconv_requant_out(x_scale, x_zp[0], wp, w_scale, per_channel, y_scale, y_zp[0],      \
                                                    bias, y_min, y_max, y, scratch, geo->groups * geo->mg,             \
                                                    geo->kernel[1] * geo->kernel[2]);                                  \
    aotc_qconv_dw_run_##SFX(x, x_zp[0], wp, &o, scratch, geo);                                                         \
  }                                                                                                                    \
                                                                                                                       \
  AOTC_KERNEL void aotc_qconv_depthwise_int32_##SFX(const XT *x, const XT *x_zp, const int8_t *wp, int32_t *y,         \
                                                    void *scratch, const aotc_conv_params *geo) {                      \
    const XT xz = x_zp ? x_zp[0] : 0;                                                                                  \
    const aotc_qconv_out o = aotc_qconv_int32_out(xz, wp, y, scratch, geo->groups * geo->mg,                           \
                                                  geo->kernel[1] * geo->kernel[2]);                                    \
    aotc_qconv_dw_run_##SFX(x, xz, wp, &o, scratch, geo);                                                              \
  }
AOTC_QCONV(u8, uint8_t)
AOTC_QCONV(i8, int8_t)
