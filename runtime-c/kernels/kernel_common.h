/*
 * kernel_common.h -- shared definitions for aotc's C kernels.
 *
 * The kernels in this folder are plain C99 (that also compiles as C++). aotc
 * pastes the kernels a model calls, with the parts of these files they use,
 * into the generated NAME.c, where every kernel is `static`: models stay
 * self-contained and any number of them link into one program. The compiler itself builds the same
 * files (as C++) to evaluate nodes at compile time, so constant folding and
 * generated code share one implementation.
 *
 * Conventions for a kernel `aotc_<op>_<dtype>(...)`:
 *   - tensors are `const T *` inputs, then `T *` outputs (T the element type,
 *     or void for dtype-agnostic data movement that takes an element size);
 *   - dims, counts, axes and other integers are `int32_t`; small integer
 *     arrays (shapes, strides, permutations) are `const int32_t *`;
 *   - float attributes are `float`; arrays of them `const float *`;
 *   - shapes are fully known at compile time, so kernels trust their
 *     arguments: aotc validated them (validate-then-trust, as in TFLM);
 *   - no allocation: temporary memory comes in as a `scratch` pointer sized by aotc;
 *   - separable (codegen/kernel_units.cpp): directives only between top-level
 *     declarations, and a macro call that defines several kernels expands,
 *     level by level, into calls or definitions of one kernel each.
 */
#ifndef AOTC_KERNEL_COMMON_H
#define AOTC_KERNEL_COMMON_H

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernel_params.h"

#if defined(__GNUC__) || defined(__clang__)
#define AOTC_UNUSED __attribute__((unused))
#define AOTC_NOINLINE __attribute__((noinline))
#else
#define AOTC_UNUSED
#define AOTC_NOINLINE
#endif
/* GCC: no copies of the function specialised for constant arguments. On large kernels whose copies gain
   little, so that GCC's budget for such copies (a share of the translation unit's size) goes to the
   small ones that fold a model's constant geometry. */
#if defined(__GNUC__) && !defined(__clang__)
#define AOTC_NOCLONE __attribute__((noclone))
#else
#define AOTC_NOCLONE
#endif

/* Element types of the kernels that move any dtype's bits (Transpose, Gather,
   Where, fills): a float tensor is copied as aotc_bits32. may_alias tells the
   compiler that these loads and stores may touch any type, so type-based alias
   analysis never moves them across the typed kernels' float or int accesses to
   the same arena bytes once the kernels are inlined into one function. */
#if defined(__GNUC__) || defined(__clang__)
typedef uint16_t __attribute__((may_alias)) aotc_bits16;
typedef uint32_t __attribute__((may_alias)) aotc_bits32;
typedef uint64_t __attribute__((may_alias)) aotc_bits64;
#else
typedef uint16_t aotc_bits16;
typedef uint32_t aotc_bits32;
typedef uint64_t aotc_bits64;
#endif

/* Every kernel is static to its translation unit (see the header comment). */
#ifdef AOTC_KERNEL_SCAN
/* Build-time scan for kernel names (cmake/kernels.cmake). */
#define AOTC_KERNEL AOTC_KERNEL_MARK static
#else
#define AOTC_KERNEL static AOTC_UNUSED
#endif

#if defined(__cplusplus)
#define AOTC_RESTRICT __restrict
#else
#define AOTC_RESTRICT restrict
#endif

/*
 * rintf of a value that is then converted to an integer or has a zero point
 * added (the sign of a zero result may differ from rintf's). On Cortex-M with
 * a single-precision FPU it is VCVTR, which rounds in the FPSCR mode as rintf
 * does; newlib's rintf is a call of dozens of instructions.
 */
#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M' && defined(__GNUC__) && defined(__ARM_FP) && (__ARM_FP & 4)
static AOTC_UNUSED float aotc_rintf_z(float v) {
  float r;
  int32_t i;
  if (!(v > -2147483648.0f && v < 2147483648.0f)) return rintf(v); /* (past 2^23 v is an integer already) */
  __asm__("vcvtr.s32.f32 %0, %1" : "=t"(r) : "t"(v));
  memcpy(&i, &r, sizeof i);
  return (float)i;
}
#else
static AOTC_UNUSED float aotc_rintf_z(float v) { return rintf(v); }
#endif

/* Largest number of dimensions a kernel iterates over. */
#define AOTC_MAX_RANK 8

/*
 * Advances a multi-index `idx` over `dims` (rank `rank`, last dim fastest,
 * starting after the innermost `skip` dims) and moves the `n` offsets in
 * `off` by their strides. Returns 0 once every index wrapped around.
 * For example dims {2,3}, skip 1: idx goes {0,0} -> {1,0} -> done.
 */
static AOTC_UNUSED int aotc_next_index(int32_t rank, int32_t skip, const int32_t *dims, int32_t *idx, int32_t n,
                                       int32_t *off, const int32_t *const *strides) {
  int32_t d, k;
  for (d = rank - 1 - skip; d >= 0; --d) {
    if (++idx[d] < dims[d]) {
      for (k = 0; k < n; ++k) off[k] += strides[k][d];
      return 1;
    }
    idx[d] = 0;
    for (k = 0; k < n; ++k) off[k] -= strides[k][d] * (dims[d] - 1);
  }
  return 0;
}

/* Clamps to [0, 1] with plain comparisons: fminf/fmaxf are library calls at -O2. */
static AOTC_UNUSED float aotc_clamp01f(float v) { return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v); }

/*
 * e^-|x|, branch-free so that loops calling it vectorise (libm's expf is a
 * call per element). t = -|x| = n ln2 + r with n = round(t / ln2) (ln2 split
 * in two, Cody-Waite, so n ln2 is exact), e^r from Cephes' degree-7
 * polynomial on |r| <= ln2/2 (relative error ~1e-7), then times 2^n built in
 * the exponent field, in two halves so that results below FLT_MIN round to
 * subnormals. |x| is capped at 104 (e^-104 is below the smallest subnormal)
 * on its bits, an integer min: a float select against a constant would let
 * gcc split the loop body in two paths and give up vectorising it. NaN is
 * capped too: callers that care test for it.
 */
/* The reduction and polynomial above, on floats or GNU float vectors alike
   (recurrent.c's vector sigmoid): from t and fn = n, sets r and p = e^r. */
#define AOTC_EXPF_REDUCED(p, r, t, fn, zero)                  \
  do {                                                        \
    (r) = ((t) - (fn) * 0.693359375f) - (fn) * -2.12194440e-4f; \
    (p) = (zero) + 1.9875691500e-4f;                          \
    (p) = (p) * (r) + 1.3981999507e-3f;                       \
    (p) = (p) * (r) + 8.3334519073e-3f;                       \
    (p) = (p) * (r) + 4.1665795894e-2f;                       \
    (p) = (p) * (r) + 1.6666665459e-1f;                       \
    (p) = (p) * (r) + 5.0000001201e-1f;                       \
    (p) = (p) * ((r) * (r)) + (r) + 1.0f;                     \
  } while (0)

static AOTC_UNUSED float aotc_exp_neg_absf(float x) {
  const uint32_t cap = 0x42D00000u; /* 104.0f */
  uint32_t bits;
  float t, fn, r, p, s1, s2;
  int32_t n, n1, n2;
  memcpy(&bits, &x, sizeof bits);
  bits &= 0x7FFFFFFFu;
  bits = bits < cap ? bits : cap;
  memcpy(&t, &bits, sizeof t);
  t = -t;
  /* Rounds to nearest for t <= 0: the conversion truncates toward zero. */
  n = (int32_t)(t * 1.44269504088896341f - 0.5f);
  n1 = n / 2; /* n1, n2 in [-75, 0]: 2^n1 and 2^n2 are normal floats */
  n2 = n - n1;
  fn = (float)n;
  AOTC_EXPF_REDUCED(p, r, t, fn, 0.0f);
  bits = (uint32_t)(n1 + 127) << 23;
  memcpy(&s1, &bits, sizeof s1);
  bits = (uint32_t)(n2 + 127) << 23;
  memcpy(&s2, &bits, sizeof s2);
  return p * s1 * s2;
}

/*
 * 1 / (1 + e^-x), from e = e^-|x| (never overflows): 1 / (1 + e) for x >= 0,
 * e / (1 + e) for x < 0 (no cancellation, so tiny results keep their
 * precision). Relative error below 3e-7; branch-free, vectorises. NaN stays NaN.
 */
static AOTC_UNUSED float aotc_sigmoidf(float x) {
  const float e = aotc_exp_neg_absf(x);
  const float r = 1.0f / (1.0f + e), er = e * r;
  /* Selects between values computed on every path, which gcc if-converts. */
  const float y = x >= 0.0f ? r : er;
  return x == x ? y : x;
}

/*
 * float16 and bfloat16 tensors hold uint16_t bit patterns; kernels compute in
 * float and round back to nearest even (as numpy does for these types).
 */
static AOTC_UNUSED float aotc_half_to_float(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t e = (h >> 10) & 0x1Fu, m = h & 0x3FFu, bits;
  float f;
  if (e == 0) {
    f = (float)m * 5.9604644775390625e-8f; /* zero or subnormal: m * 2^-24 */
    return sign ? -f : f;
  }
  bits = sign | (e == 31 ? 0x7F800000u : (e + 112u) << 23) | (m << 13);
  memcpy(&f, &bits, sizeof f);
  return f;
}

static AOTC_UNUSED uint16_t aotc_float_to_half(float f) {
  uint32_t b, sign, mant, h, rem, half;
  int32_t e, shift;
  memcpy(&b, &f, sizeof b);
  sign = (b >> 16) & 0x8000u;
  e = (int32_t)((b >> 23) & 0xFFu);
  mant = b & 0x7FFFFFu;
  if (e == 0xFF) return (uint16_t)(sign | 0x7C00u | (mant ? 0x200u | (mant >> 13) : 0u)); /* inf, NaN */
  e -= 127 - 15;
  if (e >= 31) return (uint16_t)(sign | 0x7C00u); /* overflow */
  if (e <= 0) {
    /* half subnormal: (mant | 2^23) * 2^(e - 14) in units of 2^-24 */
    shift = 14 - e;
    if (shift > 24) return (uint16_t)sign;
    mant |= 0x800000u;
    h = mant >> shift;
    rem = mant & ((1u << shift) - 1u);
    half = 1u << (shift - 1);
  } else {
    h = ((uint32_t)e << 10) | (mant >> 13);
    rem = mant & 0x1FFFu;
    half = 0x1000u;
  }
  if (rem > half || (rem == half && (h & 1u))) ++h; /* a carry moves into the exponent correctly */
  return (uint16_t)(sign | h);
}

static AOTC_UNUSED float aotc_bfloat16_to_float(uint16_t v) {
  uint32_t bits = (uint32_t)v << 16;
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

static AOTC_UNUSED uint16_t aotc_float_to_bfloat16(float f) {
  uint32_t b;
  memcpy(&b, &f, sizeof b);
  if ((b & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((b >> 16) | 0x40u); /* quiet NaN */
  b += 0x7FFFu + ((b >> 16) & 1u);                                            /* round to nearest even */
  return (uint16_t)(b >> 16);
}

/*
 * Broadcasting binary kernel: AOTC_BINARY_AB defines
 *     NAME(const TA *a, const TB *b, TY *y, int32_t rank, const int32_t *dims,
 *          const int32_t *a_strides, const int32_t *b_strides)
 * computing y = EXPR (of xa, xb) with per-input element strides (0 on
 * broadcast dims). The innermost dim gets contiguous/scalar fast paths.
 */
#define AOTC_BINARY_AB(NAME, TA, TB, TY, EXPR)                                                                \
  AOTC_KERNEL void NAME(const TA *a, const TB *b, TY *y, int32_t rank, const int32_t *dims,             \
                        const int32_t *a_strides, const int32_t *b_strides) {                           \
    int32_t idx[AOTC_MAX_RANK] = {0};                                                                    \
    int32_t off[2] = {0, 0};                                                                             \
    const int32_t *strides[2];                                                                           \
    int32_t i0;                                                                                          \
    int32_t n = rank > 0 ? dims[rank - 1] : 1;                                                           \
    int32_t sa = rank > 0 ? a_strides[rank - 1] : 0;                                                     \
    int32_t sb = rank > 0 ? b_strides[rank - 1] : 0;                                                     \
    strides[0] = a_strides;                                                                              \
    strides[1] = b_strides;                                                                              \
    for (i0 = 0; i0 < rank; ++i0)  /* empty output: the inputs may be empty too, load nothing */         \
      if (dims[i0] == 0) return;                                                                         \
    do {                                                                                                 \
      const TA *pa = a + off[0];                                                                         \
      const TB *pb = b + off[1];                                                                         \
      int32_t i;                                                                                         \
      if (sa == 1 && sb == 1) {                                                                          \
        for (i = 0; i < n; ++i) {                                                                        \
          TA xa = pa[i]; TB xb = pb[i];                                                                   \
          y[i] = (EXPR);                                                                                 \
        }                                                                                                \
      } else if (sa == 1 && sb == 0) {                                                                   \
        TB xb = pb[0];                                                                                   \
        for (i = 0; i < n; ++i) {                                                                        \
          TA xa = pa[i];                                                                                 \
          y[i] = (EXPR);                                                                                 \
        }                                                                                                \
      } else if (sa == 0 && sb == 1) {                                                                   \
        TA xa = pa[0];                                                                                   \
        for (i = 0; i < n; ++i) {                                                                        \
          TB xb = pb[i];                                                                                 \
          y[i] = (EXPR);                                                                                 \
        }                                                                                                \
      } else {                                                                                           \
        for (i = 0; i < n; ++i) {                                                                        \
          TA xa = pa[(ptrdiff_t)i * sa]; TB xb = pb[(ptrdiff_t)i * sb];                                      \
          y[i] = (EXPR);                                                                                 \
        }                                                                                                \
      }                                                                                                  \
      y += n;                                                                                            \
    } while (aotc_next_index(rank, 1, dims, idx, 2, off, strides));                                      \
  }
/* The common case: both operands of one type. */
#define AOTC_BINARY(NAME, TA, TY, EXPR) AOTC_BINARY_AB(NAME, TA, TA, TY, EXPR)

#endif /* AOTC_KERNEL_COMMON_H */
