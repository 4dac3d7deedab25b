/*
 * kernel_test.h -- what the kernel tests share: a small deterministic random
 * generator (seed it by setting rng_state first in main), allocation that
 * exits on failure, and the output comparison with its failure counters.
 * Include after the kernel files.
 */
#ifndef AOTC_KERNEL_TEST_H
#define AOTC_KERNEL_TEST_H
#include <stdio.h>
#include <stdlib.h>

static uint32_t rng_state = 1u;
static uint32_t rng(void) {
  rng_state = rng_state * 1664525u + 1013904223u;
  return rng_state >> 8;
}
static AOTC_UNUSED int32_t rnd(int32_t lo, int32_t hi) { return lo + (int32_t)(rng() % (uint32_t)(hi - lo + 1)); }
static AOTC_UNUSED float rndf(void) { return (float)(rng() % 20001u) / 10000.0f - 1.0f; }

static int failures = 0, cases = 0;

static AOTC_UNUSED float *alloc_floats(size_t n) {
  float *p = (float *)malloc((n ? n : 1) * sizeof(float));
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  return p;
}

/* y against ref within abs_tol + 1e-4 relative; reports the first mismatch of a run (at most 10 in all). */
static AOTC_UNUSED void compare(const char *kernel, const float *y, const float *ref, size_t ny, float abs_tol,
                                const char *desc) {
  size_t i;
  for (i = 0; i < ny; ++i) {
    const float d = y[i] - ref[i], tol = abs_tol + 1e-4f * (ref[i] < 0 ? -ref[i] : ref[i]);
    if (!(d <= tol && -d <= tol)) {
      if (++failures <= 10)
        fprintf(stderr, "MISMATCH %s %s: out %d got %g want %g\n", kernel, desc, (int)i, (double)y[i], (double)ref[i]);
      return;
    }
  }
}

#ifdef AOTC_CONV_COMMON_H
/* The parameters of a fused activation of kind act_kind (conv_common.h) for a test case: a clamp to
   [0 or -0.25, inf or 0.5] (two draws), hard swish's 1/6 and 1/2; none for the others. */
static AOTC_UNUSED void rnd_activation(int32_t act_kind, float *a, float *b) {
  *a = *b = 0.0f;
  if (act_kind == AOTC_CONV_ACT_CLAMP) {
    *a = rng() % 2 ? 0.0f : -0.25f;
    *b = rng() % 2 ? INFINITY : 0.5f;
  } else if (act_kind == AOTC_CONV_ACT_HARDSWISH) {
    *a = 1.0f / 6.0f;
    *b = 0.5f;
  }
}
#endif
#endif
