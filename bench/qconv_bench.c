/*
 * qconv_bench.c -- GMAC/s of the fast QLinearConv kernels (aotc_qconv_<x>,
 * aotc_qconv_depthwise_<x>, runtime-c/kernels/conv_int8.c) against the
 * reference aotc_qlinearconv_<x>_i8 (conv.c) on KWS DS-CNN and
 * MobileNetV1-0.25 (96x96) shapes, uint8 x, per-channel scales. Checks that
 * both give the same bytes. A tool that prints numbers, not a test.
 *
 *   cc -O3 -march=native -Iruntime-c -Iruntime-c/kernels bench/qconv_bench.c -lm -o /tmp/qcb && /tmp/qcb [REPS]
 *
 * Each shape reports the best of REPS (default 20) timed calls.
 * On x86-64 the fast kernels pick their tiles at run time (AVX512-VNNI, else
 * AVX2); add -DAOTC_QCONV_X86_MAX=1 to time the AVX2 ones, -DAOTC_NO_CPU_DISPATCH
 * the portable ones.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>

#include "aotc.h"
#include "bench_common.h"
#include "kernel_common.h"
#include "conv.c"
#include "conv_int8.c"
#include "qconv_shapes.h"

int main(int argc, char **argv) {
  const int reps = argc > 1 ? atoi(argv[1]) : 20;
  size_t si;
  double tot_ref = 0, tot_fast = 0;
  printf("%-30s %10s %10s %10s %8s\n", "shape", "MMAC", "ref GMAC/s", "fast GMAC/s", "speedup");
  for (si = 0; si < QCONV_NUM_SHAPES; ++si) {
    const qconv_shape *s = &qconv_shapes[si];
    const aotc_conv_params geo = qconv_shape_geo(s, 16384);
    const int32_t OH = geo.out[1], OW = geo.out[2];
    const int32_t Cg = s->C / s->group, M = s->M, K = Cg * s->kh * s->kw;
    const int depthwise = Cg == 1 && s->group > 1;
    uint8_t *x = (uint8_t *)malloc((size_t)s->C * s->H * s->W), *y = (uint8_t *)malloc((size_t)M * OH * OW);
    uint8_t *ref = (uint8_t *)malloc((size_t)M * OH * OW);
    int8_t *w = (int8_t *)malloc((size_t)M * K), *wp = (int8_t *)malloc((size_t)M * K + 4 * (size_t)M);
    int8_t *wz = (int8_t *)calloc((size_t)M, 1);
    int32_t *bias = (int32_t *)malloc((size_t)M * sizeof(int32_t));
    float *ws = (float *)malloc((size_t)M * sizeof(float)), xs = 0.02f, ys = 0.05f * (float)K / 16.0f;
    uint8_t xz = 128, yz = 120;
    void *scratch;
    size_t i;
    double best_ref = 1e30, best_fast = 1e30, macs = (double)M * OH * OW * K;
    int r;
    scratch = malloc(depthwise ? aotc_qconv_dw_scratch_bytes(&geo) : aotc_qconv_scratch_bytes(&geo));
    for (i = 0; i < (size_t)s->C * s->H * s->W; ++i) x[i] = (uint8_t)(rand() & 255);
    for (i = 0; i < (size_t)M * K; ++i) w[i] = (int8_t)((rand() & 255) - 128);
    for (i = 0; i < (size_t)M; ++i) ws[i] = 0.001f + 0.0001f * (float)(rand() % 50), bias[i] = rand() % 40000 - 20000;
    aotc_qconv_pack_i8(w, wp, M, K);
    for (r = 0; r < reps; ++r) {
      double t0 = bench_now_us(), t1, t2;
      aotc_qlinearconv_u8_i8(x, &xs, &xz, w, ws, wz, &ys, &yz, bias, ref, &geo, 1);
      t1 = bench_now_us();
      (depthwise ? aotc_qconv_depthwise_u8 : aotc_qconv_u8)(x, &xs, &xz, wp, ws, &ys, &yz, bias, y, scratch, &geo, 1,
                                                            0, 255);
      t2 = bench_now_us();
      if (t1 - t0 < best_ref) best_ref = t1 - t0;
      if (t2 - t1 < best_fast) best_fast = t2 - t1;
    }
    tot_ref += best_ref;
    tot_fast += best_fast;
    printf("%-30s %10.2f %10.2f %10.2f %7.1fx%s\n", s->name, macs / 1e6, macs / best_ref / 1e3,
           macs / best_fast / 1e3, best_ref / best_fast, memcmp(y, ref, (size_t)M * OH * OW) ? "  MISMATCH" : "");
    free(x), free(y), free(ref), free(w), free(wp), free(wz), free(bias), free(ws), free(scratch);
  }
  printf("total: reference %.1f us, fast %.1f us, %.1fx\n", tot_ref, tot_fast, tot_ref / tot_fast);
  return 0;
}
