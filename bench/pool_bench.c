/*
 * pool_bench.c -- time of the float MaxPool kernels (runtime-c/kernels/pool.c)
 * on the pools of SqueezeNet 1.1, ResNet-18 and the MNIST CNN in models/: the row loops
 * of aotc_maxpool_f32 against the flat loops over the stride phases of
 * aotc_maxpool2d_phases_f32 (what ops/pool.cpp runs on targets with vectors
 * where no window reads padding). A tool that prints numbers, not a test.
 *
 *   cc -O3 -march=native -Iruntime-c/kernels bench/pool_bench.c -lm -o /tmp/pool_bench && /tmp/pool_bench [REPS]
 *
 * Each figure is the best of REPS (default 50) timed calls.
 */
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "kernel_bench.h"
#include "kernel_common.h"
#include "pool.c"

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* C planes of H x H, a K x K window with stride S and P of padding on each side: O x O outputs (the
   phases only without padding, where every window lies inside). */
static void run(const char *name, int32_t C, int32_t H, int32_t K, int32_t S, int32_t P, int reps) {
  const int32_t O = (H + 2 * P - K) / S + 1;
  const int32_t Hph = O + (K - 1) / S;
  aotc_pool_params geo;
  float *x = bench_alloc(sizeof(float) * C * H * H), *y = bench_alloc(sizeof(float) * C * O * O);
  float *scratch = bench_alloc(sizeof(float) * ((size_t)S * S * Hph * Hph + (size_t)O * Hph));
  double best_rows = 1e30, best_phases = 1e30;
  size_t i;
  int r;
  memset(&geo, 0, sizeof geo);
  geo.channels = C;
  geo.in[0] = geo.out[0] = geo.kernel[0] = geo.stride[0] = 1;
  geo.in[1] = geo.in[2] = H, geo.out[1] = geo.out[2] = O, geo.kernel[1] = geo.kernel[2] = K;
  geo.stride[1] = geo.stride[2] = S;
  geo.dilation[0] = geo.dilation[1] = geo.dilation[2] = 1;
  geo.pad[1] = geo.pad[2] = geo.pad_end[1] = geo.pad_end[2] = P;
  for (i = 0; i < (size_t)C * H * H; ++i) x[i] = (float)((i * 7919) % 1013) * 0.01f - 5.0f;
  for (r = 0; r < reps; ++r) {
    double t = now_us();
    aotc_maxpool_f32(x, y, NULL, &geo, 0);
    t = now_us() - t;
    if (t < best_rows) best_rows = t;
    if (P > 0) continue;
    t = now_us();
    aotc_maxpool2d_phases_f32(x, y, scratch, &geo);
    t = now_us() - t;
    if (t < best_phases) best_phases = t;
  }
  if (P > 0)
    printf("%-28s rows %8.1f us\n", name, best_rows);
  else
    printf("%-28s rows %8.1f us   phases %8.1f us\n", name, best_rows, best_phases);
  free(x), free(y), free(scratch);
}

int main(int argc, char **argv) {
  const int reps = argc > 1 ? atoi(argv[1]) : 50;
  run("sq pool1 64x111x111 3x3/2", 64, 111, 3, 2, 0, reps);
  run("sq pool2 128x55x55 3x3/2", 128, 55, 3, 2, 0, reps);
  run("sq pool3 256x27x27 3x3/2", 256, 27, 3, 2, 0, reps);
  run("resnet18 64x112x112 3x3/2 p1", 64, 112, 3, 2, 1, reps);
  run("mnist 16x28x28 2x2/2", 16, 28, 2, 2, 0, reps);
  return 0;
}
