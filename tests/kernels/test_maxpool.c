/*
 * test_maxpool.c -- aotc_maxpool2d_phases_f32 (runtime-c/kernels/pool.c, the
 * flat loops over the stride phases) and aotc_maxpool_f32's fast path without
 * Indices (row loops, padded inputs too) against the general MaxPool loop
 * (aotc_maxpool_f32 with an Indices output, which takes no fast path), bit for
 * bit: NaN, -0 and +0 in the input, so that any change in the order in which
 * taps are compared shows. Shapes: SqueezeNet's and MNIST's pools, 9x9
 * windows, and random windows (1..5 each way, strides 1..3) on planes of 1..40
 * that every window lies inside, as ops/pool.cpp requires.
 */
#include <string.h>

#include "kernel_common.h"
#include "pool.c"
#include "kernel_test.h"

/* A max pool over C planes of IH x IW, a KH x KW window with strides SH, SW, pads PH, PW before and EH, EW
   after each dim (each less than the window), against aotc_maxpool_f32 with an Indices output, bit for
   bit: with `phases`, aotc_maxpool2d_phases_f32 (no pads: its windows all lie inside); without,
   aotc_maxpool_f32 without Indices (aotc_maxpool2d_f32's row loops and 3x3/2 strips). */
static void check_pool(int phases, int32_t C, int32_t IH, int32_t IW, int32_t KH, int32_t KW, int32_t SH, int32_t SW,
                       int32_t PH, int32_t PW, int32_t EH, int32_t EW) {
  const int32_t OH = (IH + PH + EH - KH) / SH + 1, OW = (IW + PW + EW - KW) / SW + 1;
  const int32_t Hph = OH + (KH - 1) / SH, Wph = OW + (KW - 1) / SW;
  const size_t nx = (size_t)C * IH * IW, ny = (size_t)C * OH * OW;
  float *x = alloc_floats(nx), *y = alloc_floats(ny), *ref = alloc_floats(ny);
  float *scratch = phases ? alloc_floats((size_t)SH * SW * Hph * Wph + (size_t)(OH - 1) * Wph + OW) : NULL;
  int64_t *indices = (int64_t *)malloc(ny * sizeof(int64_t));
  aotc_pool_params geo;
  size_t i;
  if (!indices) exit(2);
  memset(&geo, 0, sizeof geo);
  geo.channels = C;
  geo.in[0] = geo.out[0] = geo.kernel[0] = geo.stride[0] = 1;
  geo.in[1] = IH, geo.in[2] = IW, geo.out[1] = OH, geo.out[2] = OW;
  geo.kernel[1] = KH, geo.kernel[2] = KW, geo.stride[1] = SH, geo.stride[2] = SW;
  geo.pad[1] = PH, geo.pad[2] = PW, geo.pad_end[1] = EH, geo.pad_end[2] = EW;
  geo.dilation[0] = geo.dilation[1] = geo.dilation[2] = 1;
  /* Few distinct values (ties), and now and then NaN, -0 or +0. */
  for (i = 0; i < nx; ++i) {
    const uint32_t r = rng() % 40u;
    x[i] = r == 0 ? NAN : r == 1 ? -0.0f : r == 2 ? 0.0f : (float)(int32_t)(rng() % 9u) - 4.0f;
  }
  for (i = 0; i < ny; ++i) y[i] = 12345.0f;
  aotc_maxpool_f32(x, ref, indices, &geo, 0);
  if (phases)
    aotc_maxpool2d_phases_f32(x, y, scratch, &geo);
  else
    aotc_maxpool_f32(x, y, NULL, &geo, 0);
  ++cases;
  for (i = 0; i < ny; ++i) {
    uint32_t a, b;
    memcpy(&a, &y[i], sizeof a);
    memcpy(&b, &ref[i], sizeof b);
    if (a != b) {
      if (++failures <= 10)
        fprintf(stderr, "MISMATCH maxpool %s C=%d %dx%d k=%dx%d s=%dx%d pads %d,%d,%d,%d: out %d got %g want %g\n",
                phases ? "phases" : "rows", (int)C, (int)IH, (int)IW, (int)KH, (int)KW, (int)SH, (int)SW, (int)PH,
                (int)PW, (int)EH, (int)EW, (int)i, (double)y[i], (double)ref[i]);
      break;
    }
  }
  free(x), free(y), free(ref), free(scratch), free(indices);
}

/* aotc_maxpool2d_phases_f32 on C planes of IH x IW, a KH x KW window with strides SH, SW and no padding. */
static void check(int32_t C, int32_t IH, int32_t IW, int32_t KH, int32_t KW, int32_t SH, int32_t SW) {
  check_pool(1, C, IH, IW, KH, KW, SH, SW, 0, 0, 0, 0);
}

/* aotc_maxpool_f32's fast path, padded as check_pool says. */
static void check_rows(int32_t C, int32_t IH, int32_t IW, int32_t KH, int32_t KW, int32_t SH, int32_t SW, int32_t PH,
                       int32_t PW, int32_t EH, int32_t EW) {
  check_pool(0, C, IH, IW, KH, KW, SH, SW, PH, PW, EH, EW);
}

int main(void) {
  int32_t it;
  rng_state = 4242u;
  check(64, 111, 111, 3, 3, 2, 2); /* SqueezeNet 1.1 */
  check(128, 55, 55, 3, 3, 2, 2);
  check(256, 27, 27, 3, 3, 2, 2);
  check(16, 28, 28, 2, 2, 2, 2); /* MNIST */
  check(2, 30, 30, 9, 9, 2, 2);  /* more taps than the 3x3 loop's, any count */
  check(1, 20, 21, 9, 8, 1, 3);
  for (it = 0; it < 2000; ++it) {
    const int32_t KH = rnd(1, 5), KW = rnd(1, 5), SH = rnd(1, 3), SW = rnd(1, 3);
    check(rnd(1, 3), KH + rnd(0, 35), KW + rnd(0, 35), KH, KW, SH, SW);
  }
  check_rows(64, 111, 111, 3, 3, 2, 2, 0, 0, 1, 1); /* SqueezeNet 1.1 (ceil mode) */
  check_rows(128, 55, 55, 3, 3, 2, 2, 0, 0, 1, 1);
  check_rows(256, 27, 27, 3, 3, 2, 2, 0, 0, 1, 1);
  check_rows(64, 112, 112, 3, 3, 2, 2, 1, 1, 1, 1); /* ResNet-18 */
  check_rows(16, 28, 28, 2, 2, 2, 2, 0, 0, 0, 0);   /* MNIST */
  for (it = 0; it < 2000; ++it) {
    /* Mostly the vector loops' windows (2 or 3 columns, stride 2), rows of 1 to 60 outputs. */
    const int32_t KH = rnd(1, 4), KW = it % 4 == 0 ? rnd(1, 4) : rnd(2, 3), SH = rnd(1, 3),
                  SW = it % 4 == 1 ? rnd(1, 3) : 2;
    check_rows(rnd(1, 3), KH + rnd(0, 30), KW + rnd(0, 120), KH, KW, SH, SW, rnd(0, KH - 1), rnd(0, KW - 1),
               rnd(0, KH - 1), rnd(0, KW - 1));
  }
  printf("%d max pools checked, %d mismatched\n", cases, failures);
  return failures != 0;
}
