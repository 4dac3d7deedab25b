/*
 * test_gemm.c -- aotc_gemm_f32 (runtime-c/kernels/matmul.c) against a
 * double-precision reference: every path of aotc_sgemm (rows_dot for few rows
 * of A times a transposed B, rows_axpy for few rows times a plain B, the
 * blocked tiles with B read in place or packed), ragged N and K around the
 * vector widths and rows_dot's column groups (4 or 8 columns of 4, 8 or 16
 * floats), alpha, beta and broadcast C. Shapes: the 1280 x 1000 and 512 x 1000
 * classifiers of MobileNetV2 and ResNet-18, and random ones.
 */
#include <string.h>

#include "kernel_common.h"
#include "matmul.c"
#include "kernel_test.h"

/* C: 0 none, 1 a row [N] broadcast down, 2 a full [M, N]. */
static void check(int32_t M, int32_t N, int32_t K, int32_t trans_a, int32_t trans_b, int32_t c_kind) {
  const size_t na = (size_t)M * K, nb = (size_t)K * N, ny = (size_t)M * N;
  float *a = alloc_floats(na), *b = alloc_floats(nb), *c = alloc_floats(c_kind == 2 ? ny : (size_t)N);
  float *y = alloc_floats(ny), *ref = alloc_floats(ny);
  float *scratch = alloc_floats(AOTC_SGEMM_SCRATCH_FLOATS(K));
  const float alpha = (rng() % 2u) ? 1.0f : 0.5f, beta = c_kind ? ((rng() % 2u) ? 1.0f : -2.0f) : 0.0f;
  const int32_t c_rs = c_kind == 2 ? N : 0;
  int32_t i, j, k;
  char desc[128];
  size_t t;
  for (t = 0; t < na; ++t) a[t] = rndf();
  for (t = 0; t < nb; ++t) b[t] = rndf();
  for (t = 0; t < (c_kind == 2 ? ny : (size_t)N); ++t) c[t] = rndf();
  for (i = 0; i < M; ++i) {
    for (j = 0; j < N; ++j) {
      double sum = 0.0;
      for (k = 0; k < K; ++k) {
        const float aik = trans_a ? a[(size_t)k * M + i] : a[(size_t)i * K + k];
        const float bkj = trans_b ? b[(size_t)j * K + k] : b[(size_t)k * N + j];
        sum += (double)aik * bkj;
      }
      sum *= alpha;
      if (c_kind) sum += (double)beta * c[(size_t)i * c_rs + j];
      ref[(size_t)i * N + j] = (float)sum;
    }
  }
  for (t = 0; t < ny; ++t) y[t] = 12345.0f; /* garbage that beta = 0 must not read */
  aotc_gemm_f32(a, b, c_kind ? c : NULL, y, M, N, K, trans_a, trans_b, alpha, beta, c_rs, 1, scratch);
  snprintf(desc, sizeof desc, "M=%d N=%d K=%d trans_a=%d trans_b=%d C=%d", (int)M, (int)N, (int)K, (int)trans_a,
           (int)trans_b, (int)c_kind);
  ++cases;
  compare("aotc_gemm_f32", y, ref, ny, 1e-5f * (float)K, desc);
  free(a), free(b), free(c), free(y), free(ref), free(scratch);
}

int main(void) {
  int32_t it;
  rng_state = 777u;
  check(1, 1000, 1280, 0, 1, 1); /* MobileNetV2's, MnasNet's and EfficientNet-B0's classifiers */
  check(1, 1000, 512, 0, 1, 1);  /* ResNet-18's */
  check(2, 1000, 1280, 0, 1, 2);
  check(1, 1000, 1280, 0, 0, 1);
  for (it = 0; it < 1500; ++it) {
    const int32_t M = (it % 3 == 0) ? rnd(13, 40) : rnd(1, 12);
    check(M, rnd(1, 70), rnd(1, 70), (int32_t)(rng() % 2u), (int32_t)(rng() % 2u), (int32_t)(rng() % 3u));
  }
  printf("%d gemms checked, %d mismatched\n", cases, failures);
  return failures != 0;
}
