/*
 * kernel_common.h -- shared definitions for aotc's C kernels.
 *
 * The kernels in this folder are plain C99 (that also compiles as C++). aotc
 * pastes this header and the kernel files a model uses into the generated
 * NAME.c, where every kernel is `static`: models stay self-contained and any
 * number of them link into one program. The compiler itself builds the same
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
 *   - no allocation: temporary memory comes in as a `scratch` pointer sized by aotc.
 */
#ifndef AOTC_KERNEL_COMMON_H
#define AOTC_KERNEL_COMMON_H

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define AOTC_UNUSED __attribute__((unused))
#else
#define AOTC_UNUSED
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

static AOTC_UNUSED float aotc_sigmoidf(float x) {
  /* Written so that exp never overflows: for x < 0 use e^x / (1 + e^x). */
  if (x >= 0.0f) return 1.0f / (1.0f + expf(-x));
  {
    float e = expf(x);
    return e / (1.0f + e);
  }
}

#endif /* AOTC_KERNEL_COMMON_H */
