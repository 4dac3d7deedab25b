/*
 * conv_common.h -- what the float convolution files share (conv.c and
 * conv_depthwise.c): aotc_conv_f32's methods and tile sizes, the vector types
 * and code-path macros, and the fused activation (aotc_conv_act). See conv.c's
 * header comment.
 */
#ifndef AOTC_CONV_COMMON_H
#define AOTC_CONV_COMMON_H

#include "kernel_common.h"

/* Values of geo->method. */
#define AOTC_CONV_SHIFTED 0
#define AOTC_CONV_POINTWISE 1
/* aotc_conv_params::blocked: the input / output is nchw16c (N, C/16, D, H, W, 16), not NCHW. */
#define AOTC_CONV_BLOCKED_IN 1
#define AOTC_CONV_BLOCKED_OUT 2

/* Weights are packed in blocks of this many output channels (ops/conv.cpp's
 * kConvMR must agree); micro-kernels take one or two blocks per tile. */
#define AOTC_CONV_MR 4
/* Widest micro-kernel tile in pixels (NR = 2 vectors); scratch is sized for it. */
#define AOTC_CONV_NR_MAX 32

/* AOTC_NO_VECTOR_EXT forces the plain C code (for compilers without GCC-style vectors). */
#if (defined(__GNUC__) || defined(__clang__)) && !defined(AOTC_NO_VECTOR_EXT)
#define AOTC_CONV_VEC 1
typedef float aotc_conv_v4 __attribute__((vector_size(16)));
typedef float aotc_conv_v8 __attribute__((vector_size(32)));
typedef int32_t aotc_conv_i4 __attribute__((vector_size(16)));
typedef int32_t aotc_conv_i8 __attribute__((vector_size(32)));
typedef float aotc_conv_v16 __attribute__((vector_size(64)));
typedef int32_t aotc_conv_i16 __attribute__((vector_size(64)));
/* GCC only fuses a*b + c into FMA instructions with fp-contract=fast (ISO C
 * modes turn it off); clang fuses within an expression by default. */
#if defined(__clang__)
#define AOTC_CONV_CONTRACT
#else
#define AOTC_CONV_CONTRACT optimize("fp-contract=fast")
#endif
#if defined(__AVX__)
typedef aotc_conv_v8 aotc_conv_vn;
typedef aotc_conv_i8 aotc_conv_in;
#define AOTC_CONV_VWN 8
#else
typedef aotc_conv_v4 aotc_conv_vn;
typedef aotc_conv_i4 aotc_conv_in;
#define AOTC_CONV_VWN 4
#if defined(__x86_64__) && !defined(AOTC_NO_CPU_DISPATCH)
#define AOTC_CONV_DISPATCH 1
#define AOTC_CONV_AVX2 __attribute__((target("avx2,fma"), AOTC_CONV_CONTRACT))
#define AOTC_CONV_HAVE_AVX2() (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
#define AOTC_CONV_AVX512 __attribute__((target("avx512f,fma"), AOTC_CONV_CONTRACT)) AOTC_CONV_ZMM
#define AOTC_CONV_HAVE_AVX512() (__builtin_cpu_supports("avx512f"))
#endif
#endif
#if defined(__FMA__) || defined(__ARM_FEATURE_FMA)
#define AOTC_CONV_NATIVE __attribute__((AOTC_CONV_CONTRACT))
#else
#define AOTC_CONV_NATIVE
#endif
/* On functions computing on 16-float vectors: where the CPU prefers 256-bit
 * vectors (-march=native on Intel cores with AVX-512), Clang splits 512-bit
 * types into halves unless the function asks for them (or the build passes
 * -mprefer-vector-width=512, as the LLVM backend does); the halves doubled
 * the instructions and spilled (conv cv tiles at 0.6-0.75x). */
#if defined(__clang__)
#define AOTC_CONV_ZMM __attribute__((min_vector_width(512)))
#else
#define AOTC_CONV_ZMM
#endif
#endif

/* Cores with vector registers (x86-64, AArch64), where a move of 16 floats is a few instructions; on
   others (Cortex-M) the GNU vector types are lowered to scalar code. */
#if defined(AOTC_CONV_VEC) && (defined(__SSE2__) || defined(__ARM_NEON))
#define AOTC_CONV_SIMD 1
#endif

/* dst[i] = src[i], i < n <= 16 (aotc_conv_copy_f32's short rows): two
   overlapping moves of 8 or 4 floats, or single floats. */
static AOTC_UNUSED void aotc_conv_copy16_f32(float *AOTC_RESTRICT dst, const float *AOTC_RESTRICT src, int32_t n) {
  if (n > 8) {
    memcpy(dst, src, 8 * sizeof(float));
    memcpy(dst + n - 8, src + n - 8, 8 * sizeof(float));
  } else if (n >= 4) {
    memcpy(dst, src, 4 * sizeof(float));
    memcpy(dst + n - 4, src + n - 4, 4 * sizeof(float));
  } else {
    if (n > 0) dst[0] = src[0];
    if (n > 1) dst[1] = src[1];
    if (n > 2) dst[2] = src[2];
  }
}

/*
 * dst[i] = src[i], i < n. Rows here are often a few floats, where a memcpy
 * call costs more than the copy, and GCC's inline expansion of one whose
 * size it knows to be small (a `rep movsq`, 30-odd cycles to start) more
 * still: on SIMD cores rows of up to 256 floats go as fixed-size moves of 16,
 * 8 or 4 floats, the last one ending at n (overlapping the one before). The
 * 16-float moves' offset is clamped inside the loop, so that compilers do not
 * turn the loop back into one such memcpy.
 */
static AOTC_UNUSED void aotc_conv_copy_f32(float *AOTC_RESTRICT dst, const float *AOTC_RESTRICT src, int32_t n) {
#ifdef AOTC_CONV_SIMD
  const int32_t call_from = 256;
#else
  const int32_t call_from = 8; /* (Cortex-M: newlib's memcpy, 0.2-0.5% fewer instructions per model) */
#endif
  if (n > call_from) {
    memcpy(dst, src, (size_t)n * sizeof(float));
  } else if (n > 16) {
    int32_t i;
    for (i = 0;; i += 16) {
      if (i > n - 16) i = n - 16;
      memcpy(dst + i, src + i, 16 * sizeof(float));
      if (i + 16 >= n) break;
    }
  } else {
    aotc_conv_copy16_f32(dst, src, n);
  }
}

#ifdef AOTC_CONV_SIMD
/* e = the even, o = the odd floats of the 2*AOTC_CONV_VWN at a, b (one two-source permute each). */
#if defined(__clang__) && AOTC_CONV_VWN == 8
#define AOTC_CONV_EVEN_ODD(e, o, a, b)                              \
  ((e) = __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14), \
   (o) = __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15))
#elif defined(__clang__)
#define AOTC_CONV_EVEN_ODD(e, o, a, b) \
  ((e) = __builtin_shufflevector(a, b, 0, 2, 4, 6), (o) = __builtin_shufflevector(a, b, 1, 3, 5, 7))
#elif AOTC_CONV_VWN == 8
#define AOTC_CONV_EVEN_ODD(e, o, a, b)                                            \
  ((e) = __builtin_shuffle(a, b, (aotc_conv_in){0, 2, 4, 6, 8, 10, 12, 14}), \
   (o) = __builtin_shuffle(a, b, (aotc_conv_in){1, 3, 5, 7, 9, 11, 13, 15}))
#else
#define AOTC_CONV_EVEN_ODD(e, o, a, b) \
  ((e) = __builtin_shuffle(a, b, (aotc_conv_in){0, 2, 4, 6}), (o) = __builtin_shuffle(a, b, (aotc_conv_in){1, 3, 5, 7}))
#endif
#endif

#if defined(AOTC_CONV_SIMD) && defined(__AVX512F__)
/* The same for 16-float vectors (AVX-512 builds, whose native vectors above are 8 floats wide). */
#if defined(__clang__)
#define AOTC_CONV_EVEN_ODD16(e, o, a, b)                                                             \
  ((e) = __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), \
   (o) = __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31))
#else
#define AOTC_CONV_EVEN_ODD16(e, o, a, b)                                                                        \
  ((e) = __builtin_shuffle(a, b, (aotc_conv_i16){0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30}), \
   (o) = __builtin_shuffle(a, b, (aotc_conv_i16){1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31}))
#endif
#define AOTC_CONV_SPLIT2_ATTR AOTC_CONV_ZMM
#else
#define AOTC_CONV_SPLIT2_ATTR
#endif

/* aotc_conv_split2_f32's vector loop: m0 = 0, W, 2W, ... up to h, the last step ending at h
 * (overlapping the one before it): da and db a vector of W (VT) each at a time. */
#define AOTC_CONV_SPLIT2_LOOP(VT, W, EVEN_ODD)    \
  do {                                            \
    int32_t m0 = 0;                               \
    for (;;) {                                    \
      VT a, b, e, o;                              \
      memcpy(&a, src + 2 * m0, sizeof a);         \
      memcpy(&b, src + 2 * m0 + (W), sizeof b);   \
      EVEN_ODD(e, o, a, b);                       \
      memcpy(da + m0, &e, sizeof e);              \
      memcpy(db + m0, &o, sizeof o);              \
      if (m0 + (W) >= h) break;                   \
      m0 += (W);                                  \
      if (m0 > h - (W)) m0 = h - (W);             \
    }                                             \
    m = h;                                        \
  } while (0)

/* da[m] = src[2m], db[m] = src[2m + 1] for the n floats of src (and da[n/2] = src[n - 1] for odd n):
 * a row split into its even and odd columns, the two column phases of a stride of 2. */
static AOTC_UNUSED AOTC_CONV_SPLIT2_ATTR void aotc_conv_split2_f32(const float *AOTC_RESTRICT src,
                                                                    float *AOTC_RESTRICT da,
                                                                    float *AOTC_RESTRICT db, int32_t n) {
  const int32_t h = n / 2;
  int32_t m = 0;
#if defined(AOTC_CONV_SIMD) && defined(__AVX512F__)
  /* 16 at a time (bench/depthwise_kernel_bench.c, 96 x 112x112 3x3/2 with SiLU: 593-595 -> 557-561 us). */
  if (h >= 16) AOTC_CONV_SPLIT2_LOOP(aotc_conv_v16, 16, AOTC_CONV_EVEN_ODD16);
#endif
#ifdef AOTC_CONV_SIMD
  /* The rows of small planes' phases (14 floats at 28x28) need no scalar remainder, where compilers
     left a loop of 6 single floats (bench/depthwise_kernel_bench.c, AVX-512: 144 x 56x56 3x3/2
     105-122 -> 92 us, 144 x 28x28 5x5/2 57 -> 48 us). */
  if (m < h && h >= AOTC_CONV_VWN) AOTC_CONV_SPLIT2_LOOP(aotc_conv_vn, AOTC_CONV_VWN, AOTC_CONV_EVEN_ODD);
#endif
  for (; m < h; ++m) {
    da[m] = src[2 * m];
    db[m] = src[2 * m + 1];
  }
  if (n & 1) da[h] = src[n - 1];
}

/*
 * An activation fused into a conv (ops/conv.cpp's fuse_conv_activation):
 * kind 1 clamps to [a, b] (Relu, Clip); kind 2 is x * clamp(a*x + b, 0, 1)
 * (HardSigmoid + Mul, i.e. hard swish); kind 3 is x * sigmoid(x) (SiLU, from
 * aotc.Silu). Kernels take NULL for none.
 */
typedef struct aotc_conv_act_s {
  int32_t kind;
  float a, b;
} aotc_conv_act;
#define AOTC_CONV_ACT_CLAMP 1
#define AOTC_CONV_ACT_HARDSWISH 2
#define AOTC_CONV_ACT_SILU 3

/* The activation a kernel was called with (kind, a, b), filled into *s; NULL for none. */
static AOTC_UNUSED const aotc_conv_act *aotc_conv_act_init(aotc_conv_act *s, int32_t kind, float a, float b) {
  s->kind = kind;
  s->a = a;
  s->b = b;
  return kind ? s : NULL;
}

static AOTC_UNUSED float aotc_conv_activate(float v, const aotc_conv_act *act) {
  float t;
  if (!act) return v;
  if (act->kind == AOTC_CONV_ACT_CLAMP) return v < act->a ? act->a : (v > act->b ? act->b : v);
  if (act->kind == AOTC_CONV_ACT_SILU) return v * aotc_sigmoidf(v);
  t = act->a * v + act->b;
  return v * (t < 0.0f ? 0.0f : (t > 1.0f ? 1.0f : t));
}

#ifdef AOTC_CONV_VEC
/* v = min(max(v, lo), hi) for float vector v of type VT (VI: same-size ints); NaN stays. */
#define AOTC_CONV_CLAMP(VT, VI, v, lo, hi)          \
  do {                                              \
    VI m_ = (VI)((v) < (lo));                       \
    (v) = (VT)(((VI)(v) & ~m_) | ((VI)(lo)&m_));    \
    m_ = (VI)((v) > (hi));                          \
    (v) = (VT)(((VI)(v) & ~m_) | ((VI)(hi)&m_));    \
  } while (0)
/*
 * v = v * sigmoid(v) = v / (1 + e^-v) on a float vector, in fewer operations
 * than aotc_sigmoidf (kernel_common.h), as a fused SiLU runs on every output of
 * the conv (in EfficientNet-B0 18% of the whole net's time). e^-v =
 * 2^n * e^r with v clamped to [-88, 87] (so 2^n stays a normal float and
 * 1 + e^-v never overflows; below v = -88 the result is v / (1 + e^88), under
 * 1e-36 in size where the exact one is smaller still), n = round(-v / ln 2)
 * by adding 1.5 * 2^23, r = -v - n ln 2 in [-ln 2 / 2, ln 2 / 2], and e^r by
 * a degree-5 minimax polynomial (relative error 7.5e-8; 2.1e-7 in float
 * arithmetic). Relative error of the result below 4e-7; NaN stays NaN.
 */
#define AOTC_CONV_SILU(VT, VI, v, zero)                                              \
  do {                                                                               \
    const VT lo_ = (zero) - 88.0f, hi_ = (zero) + 87.0f;                             \
    VT t_ = (v), z_, fn_, r_, p_;                                                    \
    AOTC_CONV_CLAMP(VT, VI, t_, lo_, hi_);                                           \
    z_ = t_ * -1.44269504088896341f + 12582912.0f; /* 1.5 * 2^23 + n */             \
    fn_ = z_ - 12582912.0f;                                                          \
    r_ = fn_ * -0.693359375f - t_; /* ln 2 in two parts: n * 0.693359375 is exact */ \
    r_ = fn_ * 2.12194440e-4f + r_;                                                  \
    p_ = (zero) + 8.2976548001e-3f;                                                  \
    p_ = p_ * r_ + 4.1915383190e-2f;                                                 \
    p_ = p_ * r_ + 1.6667574644e-1f;                                                 \
    p_ = p_ * r_ + 4.9998894334e-1f;                                                 \
    p_ = p_ * r_ + 9.9999970198e-1f;                                                 \
    p_ = p_ * r_ + 1.0000001192e+0f;                                                 \
    /* 2^n: n + 127 into the exponent field (z_'s low bits hold n + 0x400000). */    \
    p_ = p_ * (VT)(((VI)z_ + (127 - 0x4B400000)) << 23);                             \
    (v) = (v) / (1.0f + p_);                                                         \
  } while (0)
/* Applies the fused activation *act (see aotc_conv_act) to vector v; zero is a zero VT. */
#define AOTC_CONV_ACTIVATE(VT, VI, v, act, zero)                      \
  do {                                                                \
    const VT pa_ = (zero) + (act)->a, pb_ = (zero) + (act)->b;        \
    if ((act)->kind == AOTC_CONV_ACT_CLAMP) {                         \
      AOTC_CONV_CLAMP(VT, VI, v, pa_, pb_);                           \
    } else if ((act)->kind == AOTC_CONV_ACT_SILU) {                   \
      AOTC_CONV_SILU(VT, VI, v, zero);                                \
    } else {                                                          \
      VT t_ = pa_ * (v) + pb_;                                        \
      const VT one_ = (zero) + 1.0f;                                  \
      AOTC_CONV_CLAMP(VT, VI, t_, zero, one_);                        \
      (v) = (v) * t_;                                                 \
    }                                                                 \
  } while (0)
#endif

/* aotc_conv_silu_f32's vectors: the widest the build's target has. */
#if defined(AOTC_CONV_VEC) && defined(__AVX512F__)
typedef aotc_conv_v16 aotc_conv_silu_vt;
typedef aotc_conv_i16 aotc_conv_silu_vi;
#define AOTC_CONV_SILU_ATTR AOTC_CONV_NATIVE AOTC_CONV_ZMM
#elif defined(AOTC_CONV_VEC)
typedef aotc_conv_vn aotc_conv_silu_vt;
typedef aotc_conv_in aotc_conv_silu_vi;
#define AOTC_CONV_SILU_ATTR AOTC_CONV_NATIVE
#else
#define AOTC_CONV_SILU_ATTR
#endif
/*
 * v[i] *= sigmoid(v[i]) for i < n: a fused SiLU, which some kernels apply to
 * whole planes they have stored. Whole vectors through AOTC_CONV_SILU (2.5x
 * faster than aotc_sigmoidf's loop vectorized by the compiler, on AVX-512),
 * the rest one by one. Kept out of line, built for the build's target.
 */
static AOTC_UNUSED AOTC_NOINLINE AOTC_CONV_SILU_ATTR void aotc_conv_silu_f32(float *v, int32_t n) {
  int32_t i = 0;
#ifdef AOTC_CONV_VEC
  aotc_conv_silu_vt zero;
  memset(&zero, 0, sizeof zero);
  for (; i + (int32_t)(sizeof zero / sizeof(float)) <= n; i += (int32_t)(sizeof zero / sizeof(float))) {
    aotc_conv_silu_vt x;
    memcpy(&x, v + i, sizeof x);
    AOTC_CONV_SILU(aotc_conv_silu_vt, aotc_conv_silu_vi, x, zero);
    memcpy(v + i, &x, sizeof x);
  }
#endif
  for (; i < n; ++i) v[i] *= aotc_sigmoidf(v[i]);
}

/* Function attributes of the plain-C loops that compilers vectorize here and in
 * conv_depthwise.c: fused multiply-adds where the target has them. */
#ifdef AOTC_CONV_NATIVE
#define AOTC_CONV_DW_ATTR AOTC_CONV_NATIVE
#else
#define AOTC_CONV_DW_ATTR
#endif

#endif
