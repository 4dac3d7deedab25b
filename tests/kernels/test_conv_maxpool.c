/*
 * aotc_conv_maxpool_f32 (runtime-c/kernels/conv.c: a one-group 2D conv whose
 * MaxPool pools its rows a band at a time) against aotc_conv_f32 followed by
 * aotc_maxpool_f32 (pool.c), on the stems it was made for (SqueezeNet's 3x3/2
 * with a 3x3/2 ceil-mode pool, ResNet's 7x7/2 with a padded 3x3/2 one) and
 * random geometries: conv kernels 1..5 with strides 1..2, dilations and pads;
 * pool windows 1..4 with strides 1..3 (larger than the window too), pads
 * below the window, ceil mode; bands of 1 row up to the whole output;
 * batches; every activation; conv rows kept nchw16c (geo->blocked, conv_mr16
 * weights) where output channels come in blocks of 16. Geometry and koff come from conv_plan.h (what
 * ops/conv.cpp computes); scratch is its own allocation filled with garbage,
 * so ASan catches overruns. Exit status 1 on any mismatch. Built several ways
 * by tests/kernels/CMakeLists.txt.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kernel_common.h"
#include "conv.c"
#include "pool.c"
#include "conv_plan.h"
#include "kernel_test.h"

/* The pool's output extent along one dim, as ops/window.h computes it. */
static int32_t pool_out(int32_t in, int32_t k, int32_t s, int32_t pb, int32_t pe, int ceil_mode) {
  const int32_t total = in + pb + pe - k;
  int32_t o = total / s + 1;
  if (ceil_mode) {
    o = (total + s - 1) / s + 1;
    if ((o - 1) * s >= in + pb) --o; /* a window that would start in the end padding is dropped */
  }
  return o;
}

static int blocked_cases;

static void check(int32_t N, int32_t Cg, int32_t M, int32_t IH, int32_t IW, int32_t KH, int32_t KW, int32_t S,
                  int32_t D, int32_t P, int32_t PKH, int32_t PKW, int32_t PS, int32_t PP, int ceil_mode, int32_t band,
                  int32_t act_kind, int blocked) {
  conv_test_plan p, pb;
  aotc_pool_params pool;
  const int32_t K = Cg * KH * KW;
  int32_t CH, CW;
  size_t nx, nc, ny, i, ns, nsf, n4;
  float *x, *w, *b, *conv_out, *ref, *y, *scratch, *w4, *w16;
  float act_a, act_b;
  char desc[240];
  if (IH + 2 * P < D * (KH - 1) + 1 || IW + 2 * P < D * (KW - 1) + 1) return;
  p = conv_test_plan_2d(N, 1, Cg, M, IH, IW, KH, KW, S, S, D, D, P, P, P, P);
  CH = p.geo.out[1], CW = p.geo.out[2];
  if (p.geo.method != AOTC_CONV_SHIFTED || CH + 2 * PP < PKH || CW + 2 * PP < PKW ||
      (blocked && (M % 16 || CW < AOTC_CONV_MP_NP))) {
    free(p.koff);
    return;
  }
  if (band > CH) band = CH;
  pb = conv_test_plan_band(N, 1, Cg, M, IH, IW, KH, KW, S, S, D, D, P, P, P, P, band);
  if (blocked) pb.geo.blocked = AOTC_CONV_BLOCKED_OUT;
  pool = conv_test_pool_2d(N * M, CH, CW, PKH, PKW, PS, PP, pool_out(CH, PKH, PS, PP, PP, ceil_mode),
                           pool_out(CW, PKW, PS, PP, PP, ceil_mode));
  rnd_activation(act_kind, &act_a, &act_b);
  nx = (size_t)N * Cg * IH * IW;
  nc = (size_t)N * M * CH * CW;
  ny = (size_t)N * M * pool.out[1] * pool.out[2];
  n4 = conv_test_packed_floats(&p.geo, AOTC_CONV_MR);
  ns = p.scratch_floats;
  nsf = conv_test_maxpool_scratch_floats(&pb, &pool);
  x = alloc_floats(nx), w = alloc_floats((size_t)M * K), b = alloc_floats((size_t)M), conv_out = alloc_floats(nc);
  ref = alloc_floats(ny), y = alloc_floats(ny), w4 = alloc_floats(n4);
  w16 = alloc_floats(conv_test_packed_floats(&p.geo, AOTC_CONV_CV_MR));
  scratch = alloc_floats(ns > nsf ? ns : nsf);
  for (i = 0; i < nx; ++i) x[i] = rndf();
  for (i = 0; i < (size_t)M * K; ++i) w[i] = rndf();
  for (i = 0; i < (size_t)M; ++i) b[i] = rndf();
  aotc_conv_pack_weights_f32(w, w4, 1, M, K, AOTC_CONV_MR);
  aotc_conv_pack_weights_f32(w, w16, 1, M, K, AOTC_CONV_CV_MR);
  for (i = 0; i < ns; ++i) scratch[i] = 1e30f;
  aotc_conv_f32(x, NULL, w4, b, conv_out, scratch, &p.geo, p.koff, act_kind, act_a, act_b);
  aotc_maxpool_f32(conv_out, ref, NULL, &pool, 0);
  for (i = 0; i < nsf; ++i) scratch[i] = 1e30f;
  for (i = 0; i < ny; ++i) y[i] = -1e30f;
  aotc_conv_maxpool_f32(x, blocked ? w16 : w4, b, y, scratch, &pb.geo, &pool, pb.koff, act_kind, act_a, act_b);
  sprintf(desc, "N=%d Cg=%d M=%d in %dx%d k %dx%d s %d d %d p %d pool %dx%d/%d p %d ceil %d band %d act %d blocked %d",
          (int)N, (int)Cg, (int)M, (int)IH, (int)IW, (int)KH, (int)KW, (int)S, (int)D, (int)P, (int)PKH, (int)PKW,
          (int)PS, (int)PP, ceil_mode, (int)band, (int)act_kind, blocked);
  ++cases;
  blocked_cases += blocked;
  compare("aotc_conv_maxpool_f32", y, ref, ny, 0.0f, desc);
  free(p.koff), free(pb.koff);
  free(x), free(w), free(b), free(conv_out), free(ref), free(y), free(scratch), free(w4), free(w16);
}

int main(void) {
  int32_t it, act, blocked;
  rng_state = 4711u;
  for (blocked = 0; blocked <= 1; ++blocked)
    for (act = 0; act <= 3; ++act) {
      check(1, 3, 64, 64, 64, 3, 3, 2, 1, 0, 3, 3, 2, 0, 1, 6, act, blocked); /* SqueezeNet's stem, smaller */
      check(1, 3, blocked ? 80 : 24, 50, 46, 7, 7, 2, 1, 3, 3, 3, 2, 1, 0, 6, act, blocked); /* ResNet's; 5 blocks */
      check(1, 3, 20, 40, 40, 3, 3, 2, 1, 1, 3, 3, 2, 1, 0, 10, act, blocked); /* ShuffleNetV2's */
    }
  for (it = 0; it < 400; ++it) {
    const int32_t KH = rnd(1, 5), KW = rnd(1, 5), PKH = rnd(1, 4), PKW = rnd(1, 4);
    const int32_t PK = PKH < PKW ? PKH : PKW;
    /* Every other case with output channels in blocks of 16, kept nchw16c. */
    blocked = it % 2;
    check(rnd(1, 2), rnd(1, 4), blocked ? 16 * rnd(1, 5) : rnd(1, 20), rnd(4, 40), rnd(4, 40), KH, KW, rnd(1, 2),
          rnd(1, 2), rnd(0, 2), PKH, PKW, rnd(1, 3), rnd(0, PK - 1), (int)(rng() % 2), rnd(1, 12), rnd(0, 3), blocked);
  }
  printf("conv_maxpool: %d cases (%d kept nchw16c), %d failures\n", cases, blocked_cases, failures);
  return failures ? 1 : 0;
}
