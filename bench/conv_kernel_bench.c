/*
 * conv_kernel_bench.c -- GFLOP/s of aotc_conv_f32 (runtime-c/kernels/conv.c)
 * on the conv shapes of ResNet-18 and a few others, with weights packed as
 * aotc packs them at compile time. A tool that prints numbers, not a test.
 *
 *   cc -O3 -march=native -Iruntime-c/kernels -Itests/kernels bench/conv_kernel_bench.c -lm -o /tmp/ckb && /tmp/ckb [REPS [NAME]]
 *
 * Each shape (or only those whose name contains NAME) reports the best of
 * REPS (default 20) timed calls; 3x3 stride-1 shapes also Winograd F(2x2, 3x3)'s two
 * kernels' (which ops/conv.cpp picks: aotc_conv_wino23_f32 from 32 input and 64 output
 * channels over 169 or more output pixels, aotc_conv_wino23_mr4_f32, "_mr4", for fewer
 * channels, from 16, over rows of 8 or 16 tiles). Every conv's fused activation is ReLU, or
 * with SILU set in the environment SiLU. With RES set in the environment, aotc_conv_cv_f32 also adds a residual
 * (aotc.FusedConv's fourth input). With BLOCKED set, aotc_conv_cv_f32 reads
 * (pointwise convs) and writes nchw16c activations, as between the blocked
 * depthwise convs of MobileNets on small planes (channels multiples of 16).
 * Then the fused stems (aotc_conv_maxpool_f32: SqueezeNet 1.1's and ResNet-18's
 * conv, ReLU and MaxPool, a band of 6 conv rows at a time as ops/conv.cpp plans
 * them here), their conv rows kept NCHW (conv_mr4 weights) and nchw16c
 * (geo->blocked, conv_mr16: what ops/conv.cpp picks on 512-bit vector targets).
 */
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel_bench.h"
#include "kernel_common.h"
#include "conv.c"
#include "conv_plan.h"

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* A stem: 3 -> 64 channels over 224x224, a k x k conv with stride 2 and pads p, then ReLU and a 3x3/2
   MaxPool with pads pp (ceil mode never adds a window here); best of reps calls either way. */
static void fused_stem(const char *name, int32_t k, int32_t p, int32_t pp, int reps) {
  const int32_t C = 3, M = 64, H = 224, band = 6, K = C * k * k;
  conv_test_plan pl = conv_test_plan_band(1, 1, C, M, H, H, k, k, 2, 2, 1, 1, p, p, p, p, band);
  const int32_t CH = pl.geo.out[1], CW = pl.geo.out[2], OH = (CH + 2 * pp - 3) / 2 + 1, OW = (CW + 2 * pp - 3) / 2 + 1;
  const aotc_pool_params pool = conv_test_pool_2d(M, CH, CW, 3, 3, 2, pp, OH, OW);
  size_t nscratch;
  float *x = bench_alloc((size_t)C * H * H * sizeof(float)), *w = bench_alloc((size_t)M * K * sizeof(float));
  float *b = bench_alloc((size_t)M * sizeof(float)), *y = bench_alloc((size_t)M * OH * OW * sizeof(float));
  float *w4 = bench_alloc((size_t)M * K * sizeof(float)), *w16 = bench_alloc((size_t)M * K * sizeof(float));
  void *scratch;
  double best[2] = {1e30, 1e30};
  size_t i;
  int r, blocked;
  pl.geo.blocked = AOTC_CONV_BLOCKED_OUT; /* (the larger scratch of the two) */
  nscratch = conv_test_maxpool_scratch_floats(&pl, &pool);
  scratch = bench_alloc(nscratch * sizeof(float));
  for (i = 0; i < (size_t)C * H * H; ++i) x[i] = (float)(i % 17) * 0.1f - 0.8f;
  for (i = 0; i < (size_t)M * K; ++i) w[i] = (float)(i % 13) * 0.01f - 0.06f;
  for (i = 0; i < (size_t)M; ++i) b[i] = 0.1f;
  aotc_conv_pack_weights_f32(w, w4, 1, M, K, AOTC_CONV_MR);
  aotc_conv_pack_weights_f32(w, w16, 1, M, K, AOTC_CONV_CV_MR);
  for (r = 0; r < reps; ++r)
    for (blocked = 0; blocked <= 1; ++blocked) {
      double t0, t;
      pl.geo.blocked = blocked ? AOTC_CONV_BLOCKED_OUT : 0;
      t0 = now_us();
      aotc_conv_maxpool_f32(x, blocked ? w16 : w4, b, y, scratch, &pl.geo, &pool, pl.koff, 1, 0.0f, 1e30f);
      t = now_us() - t0;
      if (t < best[blocked]) best[blocked] = t;
    }
  printf("%-22s aotc_conv_maxpool_f32 rows NCHW %8.1f us, nchw16c %8.1f us (%.2fx)\n", name, best[0], best[1],
         best[0] / best[1]);
  free(x), free(w), free(b), free(y), free(w4), free(w16), free(scratch), free(pl.koff);
}

typedef struct {
  const char *name;
  int32_t C, M, H, W, k, s;
  int32_t kw, ph, pw; /* 0: a square k x k window with k/2 pads */
} shape;

int main(int argc, char **argv) {
  static const shape shapes[] = {
      {"r18 conv1 7x7/2", 3, 64, 224, 224, 7, 2},   {"mnv2 stem 3x3/2 3->32", 3, 32, 224, 224, 3, 2},
      {"sq stem 3x3/2 3->64", 3, 64, 224, 224, 3, 2},   {"r18 l1 3x3", 64, 64, 56, 56, 3, 1},
      {"r18 l2 3x3/2", 64, 128, 56, 56, 3, 2},      {"r18 l2 3x3", 128, 128, 28, 28, 3, 1},
      {"r18 l3 3x3/2", 128, 256, 28, 28, 3, 2},     {"r18 l3 3x3", 256, 256, 14, 14, 3, 1},
      {"r18 l4 3x3/2", 256, 512, 14, 14, 3, 2},     {"r18 l4 3x3", 512, 512, 7, 7, 3, 1},
      {"r18 l2 1x1/2", 64, 128, 56, 56, 1, 2},      {"pw 56x56 64->256", 64, 256, 56, 56, 1, 1},
      {"pw 28x28 128->512", 128, 512, 28, 28, 1, 1}, {"pw 14x14 256->1024", 256, 1024, 14, 14, 1, 1},
      {"resnet8 3x3 32x32 16", 16, 16, 32, 32, 3, 1}, {"resnet8 3x3/2 32x32 32", 16, 32, 32, 32, 3, 2},
      {"resnet8 3x3 16x16 32", 32, 32, 16, 16, 3, 1}, {"resnet8 3x3/2 16x16 64", 32, 64, 16, 16, 3, 2},
      {"resnet8 3x3 8x8 64", 64, 64, 8, 8, 3, 1},
      {"sq fire2 e3 55 16->64", 16, 64, 55, 55, 3, 1}, {"sq fire4 e3 27 32->128", 32, 128, 27, 27, 3, 1},
      {"sq fire6 e3 13 48->192", 48, 192, 13, 13, 3, 1}, {"sq fire8 e3 13 64->256", 64, 256, 13, 13, 3, 1},
      {"sq fire2 s1 55 64->16", 64, 16, 55, 55, 1, 1}, {"sq fire3 s1 55 128->16", 128, 16, 55, 55, 1, 1},
      {"sq fire2 e1 55 16->64", 16, 64, 55, 55, 1, 1},
      {"sq fire4 s1 27 128->32", 128, 32, 27, 27, 1, 1}, {"sq conv10 13 512->1000", 512, 1000, 13, 13, 1, 1},
      {"mnv2 pw 112 32->16", 32, 16, 112, 112, 1, 1},   {"mnv2 pw 112 16->96", 16, 96, 112, 112, 1, 1},
      {"mnv2 pw 56 96->24", 96, 24, 56, 56, 1, 1},      {"mnv2 pw 56 24->144", 24, 144, 56, 56, 1, 1},
      {"mnv2 pw 28 144->32", 144, 32, 28, 28, 1, 1},    {"mnv2 pw 28 32->192", 32, 192, 28, 28, 1, 1},
      {"mnv2 pw 14 192->64", 192, 64, 14, 14, 1, 1},    {"mnv2 pw 14 64->384", 64, 384, 14, 14, 1, 1},
      {"mnv2 pw 14 384->96", 384, 96, 14, 14, 1, 1},    {"mnv2 pw 14 96->576", 96, 576, 14, 14, 1, 1},
      {"mnv2 pw 7 576->160", 576, 160, 7, 7, 1, 1},     {"mnv2 pw 7 160->960", 160, 960, 7, 7, 1, 1},
      {"mnv2 pw 7 960->320", 960, 320, 7, 7, 1, 1},     {"mnv2 pw 7 320->1280", 320, 1280, 7, 7, 1, 1},
      {"kws pw 25x5 64->64", 64, 64, 25, 5, 1, 1},      {"vww pw 24 16->32", 16, 32, 24, 24, 1, 1},
      {"vww pw 12 32->64", 32, 64, 12, 12, 1, 1},       {"vww pw 6 64->128", 64, 128, 6, 6, 1, 1},
      {"vww pw 3 128->256", 128, 256, 3, 3, 1, 1},      {"mnist 3x3 28 1->8", 1, 8, 28, 28, 3, 1},
      {"kws stem 10x4/2 1->64", 1, 64, 49, 10, 10, 2, 4, 5, 1},
      {"3x3 7x7 32->32", 32, 32, 7, 7, 3, 1},          {"3x3 4x4 64->64", 64, 64, 4, 4, 3, 1},
      {"3x3/2 14 16->32", 16, 32, 14, 14, 3, 2},       {"5x5 6x6 8->16", 8, 16, 6, 6, 5, 1},
      {"resnet8 1x1/2 32 16->32", 16, 32, 32, 32, 1, 2}, {"resnet8 1x1/2 16 32->64", 32, 64, 16, 16, 1, 2},
      {"vww stem 3x3/2 96 3->8", 3, 8, 96, 96, 3, 2},
      {"mnas pw 14 48->288", 48, 288, 14, 14, 1, 1},    {"mnas pw 14 288->48", 288, 48, 14, 14, 1, 1},
      {"mnas pw 7 96->576", 96, 576, 7, 7, 1, 1},       {"mnas pw 7 160->1280", 160, 1280, 7, 7, 1, 1},
      {"eff pw 14 112->336", 112, 336, 14, 14, 1, 1},   {"eff pw 14 80->240", 80, 240, 14, 14, 1, 1},
      {"eff pw 7 192->576", 192, 576, 7, 7, 1, 1},
  };
  const int reps = argc > 1 ? atoi(argv[1]) : 20;
  const int with_residual = getenv("RES") != NULL, blocked = getenv("BLOCKED") != NULL;
  const int32_t act_kind = getenv("SILU") ? AOTC_CONV_ACT_SILU : 1;
  double total_us = 0, total_flop = 0;
  size_t si;
  for (si = 0; si < sizeof shapes / sizeof shapes[0]; ++si) {
    const shape *s = &shapes[si];
    if (argc > 2 && !strstr(s->name, argv[2])) continue;
    const int32_t kh = s->k, kw = s->kw ? s->kw : s->k, ph = s->kw ? s->ph : s->k / 2, pw = s->kw ? s->pw : s->k / 2;
    conv_test_plan p = conv_test_plan_2d(1, 1, s->C, s->M, s->H, s->W, kh, kw, s->s, s->s, 1, 1, ph, pw, ph, pw);
    const int32_t OH = p.geo.out[1], OW = p.geo.out[2];
    const size_t nx = (size_t)s->C * s->H * s->W, nw = (size_t)s->M * s->C * kh * kw;
    const size_t ny = (size_t)s->M * OH * OW;
    const int32_t P = OH * OW;
    float *x = bench_alloc(nx * sizeof(float)), *w = bench_alloc(nw * sizeof(float));
    float *b = bench_alloc((size_t)s->M * sizeof(float));
    float *wp = bench_alloc(conv_test_packed_floats(&p.geo, AOTC_CONV_MR) * sizeof(float));
    float *wp16 = bench_alloc(conv_test_packed_floats(&p.geo, AOTC_CONV_CV_MR) * sizeof(float));
    float *y = bench_alloc(ny * sizeof(float)), *res = bench_alloc(ny * sizeof(float));
    const float *residual = with_residual ? res : NULL;
    void *scratch = bench_alloc(p.scratch_floats * sizeof(float));
    /* Winograd F(2x2, 3x3) where it applies (3x3, stride 1, no residual or blocked outputs asked for). */
    const int wino = kh == 3 && kw == 3 && s->s == 1 && !blocked;
    float *wpw = wino ? bench_alloc((size_t)16 * ((s->M + 15) / 16 * 16) * s->C * sizeof(float)) : NULL;
    void *scratch_w = wino ? bench_alloc((size_t)aotc_conv_wino23_scratch_floats(&p.geo) * sizeof(float)) : NULL;
    float *wpw4 = wino ? bench_alloc((size_t)16 * ((s->M + 3) / 4 * 4) * s->C * sizeof(float)) : NULL;
    void *scratch_w4 = wino ? bench_alloc((size_t)aotc_conv_wino23_mr4_scratch_floats(&p.geo) * sizeof(float)) : NULL;
    double best_w = 1e30, best_w4 = 1e30;
    double best = 1e30, best_cv = 1e30, flop = 2.0 * (double)ny * s->C * kh * kw;
    size_t i;
    int r;
    for (i = 0; i < nx; ++i) x[i] = (float)(i % 17) * 0.1f - 0.8f;
    memset(res, 0, ny * sizeof(float));
    for (i = 0; i < nw; ++i) w[i] = (float)(i % 13) * 0.01f - 0.06f;
    for (i = 0; i < (size_t)s->M; ++i) b[i] = 0.1f;
    if (blocked) {
      if (s->C % 16 || s->M % 16) continue;
      /* nchw16c out; a pointwise conv's input too: channel k at (k/16)*16*P + k%16, pixel p at 16*p. */
      p.geo.blocked = AOTC_CONV_BLOCKED_OUT;
      if (p.geo.method == AOTC_CONV_POINTWISE) {
        p.geo.blocked |= AOTC_CONV_BLOCKED_IN;
        for (i = 0; i < (size_t)s->C; ++i) p.koff[i] = (int32_t)((i / 16) * 16 * (size_t)P + i % 16);
      }
    }
    aotc_conv_pack_weights_f32(w, wp, 1, s->M, s->C * kh * kw, AOTC_CONV_MR);
    aotc_conv_pack_weights_f32(w, wp16, 1, s->M, s->C * kh * kw, AOTC_CONV_CV_MR);
    if (wino) aotc_conv_wino_pack_f32(w, wpw, s->M, s->C, AOTC_CONV_CV_MR);
    if (wino) aotc_conv_wino_pack_f32(w, wpw4, s->M, s->C, AOTC_CONV_MR);
    for (r = 0; r < reps; ++r) {
      double t0 = now_us(), t;
      aotc_conv_f32(x, NULL, wp, b, y, scratch, &p.geo, p.koff, act_kind, 0.0f, 1e30f);
      t = now_us() - t0;
      if (t < best) best = t;
      t0 = now_us();
      aotc_conv_cv_f32(x, wp16, b, residual, y, scratch, &p.geo, p.koff, act_kind, 0.0f, 1e30f);
      t = now_us() - t0;
      if (t < best_cv) best_cv = t;
      if (wino) {
        t0 = now_us();
        aotc_conv_wino23_f32(x, wpw, b, residual, y, scratch_w, &p.geo, 1, 0.0f, 1e30f);
        t = now_us() - t0;
        if (t < best_w) best_w = t;
        t0 = now_us();
        aotc_conv_wino23_mr4_f32(x, wpw4, b, residual, y, scratch_w4, &p.geo, 1, 0.0f, 1e30f);
        t = now_us() - t0;
        if (t < best_w4) best_w4 = t;
      }
    }
    total_us += best < best_cv ? best : best_cv;
    total_flop += flop;
    printf("%-22s aotc_conv_f32 %8.1f us %6.1f GFLOP/s  aotc_conv_cv_f32 %8.1f us %6.1f GFLOP/s\n", s->name, best,
           flop / best / 1e3, best_cv, flop / best_cv / 1e3);
    if (wino) printf("%-22s aotc_conv_wino23_f32 %8.1f us (%.2fx the faster of the two), _mr4 %8.1f us (%.2fx)\n", "",
                     best_w, (best < best_cv ? best : best_cv) / best_w, best_w4,
                     (best < best_cv ? best : best_cv) / best_w4);
    free(wpw), free(scratch_w), free(wpw4), free(scratch_w4);
    free(x), free(w), free(b), free(wp), free(wp16), free(y), free(res), free(scratch), free(p.koff);
  }
  printf("%-22s %8.1f us %7.1f GFLOP/s\n", "all (faster of the two)", total_us, total_flop / total_us / 1e3);
  if (argc <= 2 || strstr("stem", argv[2])) {
    fused_stem("sq stem + pool", 3, 0, 0, reps);
    fused_stem("r18 conv1 + pool", 7, 3, 1, reps);
  }
  return 0;
}
