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
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>

#include "aotc.h"
#include "bench_common.h"
#include "kernel_common.h"
#include "conv.c"
#include "conv_int8.c"

typedef struct {
  const char *name;
  int32_t C, M, H, W, kh, kw, s, group, pt, pl, pb, pr;
} shape;

typedef void (*qconv_fn)(const uint8_t *, const float *, const uint8_t *, const int8_t *, const float *,
                         const float *, const uint8_t *, const int32_t *, uint8_t *, void *,
                         const aotc_conv_params *, int32_t, int32_t, int32_t);

int main(int argc, char **argv) {
  static const shape shapes[] = {
      {"kws stem 10x4/2 1->64 49x10", 1, 64, 49, 10, 10, 4, 2, 1, 4, 1, 5, 2},
      {"kws dw 3x3 64 25x5", 64, 64, 25, 5, 3, 3, 1, 64, 1, 1, 1, 1},
      {"kws pw 64->64 25x5", 64, 64, 25, 5, 1, 1, 1, 1, 0, 0, 0, 0},
      {"mnv1 stem 3x3/2 3->8 96", 3, 8, 96, 96, 3, 3, 2, 1, 0, 0, 1, 1},
      {"mnv1 dw 3x3 8 48", 8, 8, 48, 48, 3, 3, 1, 8, 1, 1, 1, 1},
      {"mnv1 pw 8->16 48", 8, 16, 48, 48, 1, 1, 1, 1, 0, 0, 0, 0},
      {"mnv1 dw 3x3/2 16 48", 16, 16, 48, 48, 3, 3, 2, 16, 0, 0, 1, 1},
      {"mnv1 pw 16->32 24", 16, 32, 24, 24, 1, 1, 1, 1, 0, 0, 0, 0},
      {"mnv1 dw 3x3 32 24", 32, 32, 24, 24, 3, 3, 1, 32, 1, 1, 1, 1},
      {"mnv1 pw 32->32 24", 32, 32, 24, 24, 1, 1, 1, 1, 0, 0, 0, 0},
      {"mnv1 dw 3x3/2 32 24", 32, 32, 24, 24, 3, 3, 2, 32, 0, 0, 1, 1},
      {"mnv1 pw 32->64 12", 32, 64, 12, 12, 1, 1, 1, 1, 0, 0, 0, 0},
      {"mnv1 dw 3x3 64 12", 64, 64, 12, 12, 3, 3, 1, 64, 1, 1, 1, 1},
      {"mnv1 pw 64->64 12", 64, 64, 12, 12, 1, 1, 1, 1, 0, 0, 0, 0},
      {"mnv1 dw 3x3/2 64 12", 64, 64, 12, 12, 3, 3, 2, 64, 0, 0, 1, 1},
      {"mnv1 pw 64->128 6", 64, 128, 6, 6, 1, 1, 1, 1, 0, 0, 0, 0},
      {"mnv1 dw 3x3 128 6", 128, 128, 6, 6, 3, 3, 1, 128, 1, 1, 1, 1},
      {"mnv1 pw 128->128 6", 128, 128, 6, 6, 1, 1, 1, 1, 0, 0, 0, 0},
      {"mnv1 dw 3x3/2 128 6", 128, 128, 6, 6, 3, 3, 2, 128, 0, 0, 1, 1},
      {"mnv1 pw 128->256 3", 128, 256, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0},
      {"mnv1 dw 3x3 256 3", 256, 256, 3, 3, 3, 3, 1, 256, 1, 1, 1, 1},
      {"mnv1 pw 256->256 3", 256, 256, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0},
  };
  const int reps = argc > 1 ? atoi(argv[1]) : 20;
  size_t si;
  double tot_ref = 0, tot_fast = 0;
  printf("%-30s %10s %10s %10s %8s\n", "shape", "MMAC", "ref GMAC/s", "fast GMAC/s", "speedup");
  for (si = 0; si < sizeof shapes / sizeof shapes[0]; ++si) {
    const shape *s = &shapes[si];
    const int32_t OH = (s->H + s->pt + s->pb - s->kh) / s->s + 1, OW = (s->W + s->pl + s->pr - s->kw) / s->s + 1;
    const int32_t Cg = s->C / s->group, M = s->M, K = Cg * s->kh * s->kw;
    const int depthwise = Cg == 1 && s->group > 1;
    aotc_conv_params geo;
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
    memset(&geo, 0, sizeof geo);
    geo.n = 1, geo.groups = s->group, geo.cg = Cg, geo.mg = M / s->group;
    geo.in[0] = 1, geo.in[1] = s->H, geo.in[2] = s->W, geo.out[0] = 1, geo.out[1] = OH, geo.out[2] = OW;
    geo.kernel[0] = 1, geo.kernel[1] = s->kh, geo.kernel[2] = s->kw, geo.stride[0] = 1, geo.stride[1] = s->s;
    geo.stride[2] = s->s, geo.dilation[0] = geo.dilation[1] = geo.dilation[2] = 1, geo.pad[1] = s->pt;
    geo.pad[2] = s->pl;
    geo.method = s->kh * s->kw * s->s == 1 && s->pt + s->pl + s->pb + s->pr == 0 ? AOTC_CONV_POINTWISE
                                                                                  : AOTC_CONV_SHIFTED;
    /* The band ops/conv.cpp picks on the host (16 KB of im2col, 16..256 pixels). */
    geo.band = 16384 / K / 16 * 16;
    geo.band = geo.band < 16 ? 16 : geo.band > 256 ? 256 : geo.band;
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
