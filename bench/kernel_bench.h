/*
 * kernel_bench.h -- what the kernel benchmarks (conv_kernel_bench.c,
 * depthwise_kernel_bench.c, pool_bench.c) share: buffers aligned to 64 bytes,
 * as aotc aligns its arena and weights on x86-64, so that a kernel's vector
 * loads straddle cache lines here exactly where they do in a model (malloc's
 * large blocks start 16 bytes past a page). Include after <stdlib.h>, with
 * _POSIX_C_SOURCE at least 200112L (posix_memalign).
 */
#ifndef AOTC_KERNEL_BENCH_H
#define AOTC_KERNEL_BENCH_H

/* `bytes` bytes on a 64-byte boundary (free() releases them), or NULL. */
static void *bench_alloc(size_t bytes) {
  void *p = NULL;
  return posix_memalign(&p, 64, bytes ? bytes : 1) == 0 ? p : NULL;
}

#endif
