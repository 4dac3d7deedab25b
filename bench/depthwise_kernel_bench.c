/*
 * depthwise_kernel_bench.c -- time of aotc_conv_depthwise_f32
 * (runtime-c/kernels/conv_depthwise.c) on the 3x3 depthwise convs of
 * MobileNetV2 and EfficientNet-B0 at 224x224, with each fused activation the
 * kernel takes (clamp as ReLU6, hard swish, SiLU), on MnasNet 0.5's 5x5 ones, and on EfficientNet-B0's
 * 5x5 ones and those over 7x7 (the last ones through aotc_conv_dw_small_f32 on AVX-512). A tool that prints
 * numbers, not a test.
 *
 *   cc -O3 -march=native -Iruntime-c/kernels bench/depthwise_kernel_bench.c -lm -o /tmp/dwkb && /tmp/dwkb [REPS]
 *
 * Each line reports the best of REPS (default 30) timed calls. The planes are
 * larger than L1 and L2, so times depend on where the buffers land: compare
 * kernel variants in one build, and confirm in a model with
 * bench/profile_ops.py (a flat-loop SiLU in pieces that won 1.1-1.3x here
 * lost 1.15-1.25x inside EfficientNet-B0, and was not kept).
 */
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "kernel_bench.h"
#include "kernel_common.h"
#include "conv.c"
#include "conv_depthwise.c"

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* C channels of H x H, K x K, stride S, pads K/2; act: 1 clamp [0, 6], 2 hard swish, 3 SiLU. */
static void run(const char *name, int32_t C, int32_t H, int32_t K, int32_t S, int32_t act, int reps) {
  static const char *const act_names[4] = {"none", "relu6", "hardswish", "silu"};
  const int32_t OH = H / S;
  const float act_a = act == 2 ? 1.0f / 6.0f : 0.0f, act_b = act == 1 ? 6.0f : act == 2 ? 0.5f : 0.0f;
  /* ops/conv.cpp's scratch for this kernel (the largest of the flat, phase and small-plane layouts) */
  const size_t flat = (size_t)(H + 2) * H + 2 * (size_t)OH * OH + H + 144;
  const size_t phases = (size_t)S * S * (OH + (K - 1) / S) * (OH + (K - 1) / S) + (size_t)OH * (OH + (K - 1) / S) +
                        (size_t)K * K + 384;
  const size_t Hp = (size_t)(OH - 1) * S + K;
  const size_t small =
      OH * OH <= AOTC_CONV_DW_SMALL_PIXELS && C >= 16 ? (Hp * Hp + (size_t)OH * OH + (size_t)K * K + 1) * 16 : 0;
  const size_t most = flat > phases ? flat : phases;
  aotc_conv_params geo;
  float *x = bench_alloc(sizeof(float) * C * H * H), *w = bench_alloc(sizeof(float) * C * K * K);
  float *b = bench_alloc(sizeof(float) * C);
  float *y = bench_alloc(sizeof(float) * C * OH * OH);
  float *scratch = bench_alloc(sizeof(float) * (most > small ? most : small));
  double best = 1e30;
  size_t i;
  int r;
  memset(&geo, 0, sizeof geo);
  geo.n = 1, geo.groups = C, geo.cg = 1, geo.mg = 1, geo.method = AOTC_CONV_SHIFTED;
  geo.in[0] = geo.out[0] = geo.kernel[0] = geo.stride[0] = 1;
  geo.in[1] = geo.in[2] = H, geo.out[1] = geo.out[2] = OH, geo.kernel[1] = geo.kernel[2] = K;
  geo.stride[1] = geo.stride[2] = S, geo.pad[1] = geo.pad[2] = K / 2;
  geo.dilation[0] = geo.dilation[1] = geo.dilation[2] = 1;
  for (i = 0; i < (size_t)C * H * H; ++i) x[i] = (float)(i % 17) * 0.1f - 0.8f;
  for (i = 0; i < (size_t)C * K * K; ++i) w[i] = (float)(i % 13) * 0.01f - 0.06f;
  for (i = 0; i < (size_t)C; ++i) b[i] = 0.1f;
  for (r = 0; r < reps; ++r) {
    double t = now_us();
    aotc_conv_depthwise_f32(x, w, b, y, scratch, &geo, NULL, act, act_a, act_b);
    t = now_us() - t;
    if (t < best) best = t;
  }
  printf("%-22s %-9s %8.1f us\n", name, act_names[act], best);
  free(x), free(w), free(b), free(y), free(scratch);
}

int main(int argc, char **argv) {
  const int reps = argc > 1 ? atoi(argv[1]) : 30;
  int32_t act;
  for (act = 1; act <= 3; ++act) {
    run("32x112x112 s1", 32, 112, 3, 1, act, reps);
    run("96x112x112 s2", 96, 112, 3, 2, act, reps);
    run("144x56x56 s1", 144, 56, 3, 1, act, reps);
    run("144x56x56 s2", 144, 56, 3, 2, act, reps);
    run("240x28x28 s1", 240, 28, 3, 1, act, reps);
  }
  /* MnasNet 0.5's 5x5 convs (ReLU: the clamp) */
  run("48x56x56 5x5 s2", 48, 56, 5, 2, 1, reps);
  run("72x28x28 5x5 s1", 72, 28, 5, 1, 1, reps);
  run("144x28x28 5x5 s2", 144, 28, 5, 2, 1, reps);
  run("240x14x14 5x5 s1", 240, 14, 5, 1, 1, reps);
  /* EfficientNet-B0's 5x5 convs over 28x28, 14x14 and 7x7 (SiLU) */
  run("240x28x28 5x5 s1", 240, 28, 5, 1, 3, reps);
  run("480x14x14 5x5 s1", 480, 14, 5, 1, 3, reps);
  run("672x14x14 5x5 s1", 672, 14, 5, 1, 3, reps);
  run("672x14x14 5x5 s2", 672, 14, 5, 2, 3, reps);
  run("1152x7x7 5x5 s1", 1152, 7, 5, 1, 3, reps);
  run("1152x7x7 3x3 s1", 1152, 7, 3, 1, 3, reps);
  return 0;
}
