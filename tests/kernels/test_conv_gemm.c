/*
 * The GEMM convolution kernels of runtime-c/kernels/conv.c -- aotc_conv_f32
 * (vectorized over pixels, conv_mr4 weights or ONNX weights packed in the
 * kernel), aotc_sconv_f32 (scalar tiles, for cores without float SIMD) and
 * aotc_conv_cv_f32 (vectorized over output channels, conv_mr16)
 * -- against the direct reference kernel aotc_conv_direct_f32 plus the fused
 * activation applied afterwards: ResNet-style shapes (3x3 on 56..7 planes,
 * strided, 1x1 pointwise) and random ones (kernels 1..5, strides 1..3,
 * dilations, asymmetric pads, groups, batches, channel counts around the
 * 16/32-channel tiles and pixel counts around the 12/6/3-pixel tiles, with and
 * without bias, every activation). Geometry, koff and scratch come from
 * conv_plan.h (what ops/conv.cpp computes); scratch is its own allocation
 * filled with garbage, so ASan catches overruns. Exit status 1 on any mismatch.
 * Built several ways by tests/kernels/CMakeLists.txt.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kernel_common.h"
#include "conv.c"
#include "conv_plan.h"
#include "kernel_test.h"

/* One conv, run by aotc_conv_f32 (packed and unpacked weights) and aotc_conv_cv_f32. */
static void check(int32_t N, int32_t G, int32_t Cg, int32_t Mg, int32_t IH, int32_t IW, int32_t KH, int32_t KW,
                  int32_t SH, int32_t SW, int32_t DH, int32_t DW, int32_t PH, int32_t PW, int32_t EH, int32_t EW,
                  int use_bias, int32_t act_kind) {
  conv_test_plan p;
  const int32_t M = G * Mg, K = Cg * KH * KW;
  size_t nx, ny, nw, i, ns, n4, n16;
  float *x, *w, *b, *y, *ref, *scratch, *w4, *w16, *res, *ref_res;
  float act_a, act_b;
  aotc_conv_act act;
  char desc[200];
  if (IH + PH + EH < DH * (KH - 1) + 1 || IW + PW + EW < DW * (KW - 1) + 1) return;
  p = conv_test_plan_2d(N, G, Cg, Mg, IH, IW, KH, KW, SH, SW, DH, DW, PH, PW, EH, EW);
  rnd_activation(act_kind, &act_a, &act_b);
  nx = (size_t)N * G * Cg * IH * IW;
  ny = (size_t)N * M * p.geo.out[1] * p.geo.out[2];
  nw = (size_t)M * K;
  /* aotc_conv_f32 with ONNX weights packs them into scratch in front of its buffers. */
  ns = p.scratch_floats + (size_t)(Mg + AOTC_CONV_MR) * K;
  n4 = conv_test_packed_floats(&p.geo, AOTC_CONV_MR);
  n16 = conv_test_packed_floats(&p.geo, AOTC_CONV_CV_MR);
  x = alloc_floats(nx), w = alloc_floats(nw), b = alloc_floats((size_t)M), y = alloc_floats(ny);
  ref = alloc_floats(ny), scratch = alloc_floats(ns), w4 = alloc_floats(n4), w16 = alloc_floats(n16);
  res = alloc_floats(ny), ref_res = alloc_floats(ny);
  for (i = 0; i < nx; ++i) x[i] = rndf();
  for (i = 0; i < nw; ++i) w[i] = rndf();
  for (i = 0; i < (size_t)M; ++i) b[i] = rndf();
  aotc_conv_pack_weights_f32(w, w4, G, Mg, K, AOTC_CONV_MR);
  aotc_conv_pack_weights_f32(w, w16, G, Mg, K, AOTC_CONV_CV_MR);
  aotc_conv_direct_f32(x, w, use_bias ? b : NULL, ref, &p.geo);
  act.kind = act_kind;
  act.a = act_a;
  act.b = act_b;
  /* With a residual (aotc.FusedConv's fourth input): act(conv + residual). */
  for (i = 0; i < ny; ++i) {
    res[i] = rndf();
    ref_res[i] = aotc_conv_activate(ref[i] + res[i], act_kind ? &act : NULL);
    ref[i] = aotc_conv_activate(ref[i], act_kind ? &act : NULL);
  }
  sprintf(desc, "N=%d G=%d Cg=%d Mg=%d in %dx%d k %dx%d s %d,%d d %d,%d pads %d,%d/%d,%d bias %d act %d", (int)N,
          (int)G, (int)Cg, (int)Mg, (int)IH, (int)IW, (int)KH, (int)KW, (int)SH, (int)SW, (int)DH, (int)DW, (int)PH,
          (int)PW, (int)EH, (int)EW, use_bias, (int)act_kind);
#define RUN_REF(KERNEL, CALL, REF)                                \
  do {                                                            \
    for (i = 0; i < ny; ++i) y[i] = 1e30f;                        \
    for (i = 0; i < ns; ++i) scratch[i] = 1e30f;                  \
    CALL;                                                         \
    compare(KERNEL, y, REF, ny, 2e-5f * (float)K, desc);          \
    ++cases;                                                      \
  } while (0)
#define RUN(KERNEL, CALL) RUN_REF(KERNEL, CALL, ref)
  RUN("aotc_conv_f32 (conv_mr4)", aotc_conv_f32(x, NULL, w4, use_bias ? b : NULL, y, scratch, &p.geo, p.koff,
                                                act_kind, act_a, act_b));
  RUN("aotc_conv_f32 (ONNX weights)", aotc_conv_f32(x, w, NULL, use_bias ? b : NULL, y, scratch, &p.geo, p.koff,
                                                    act_kind, act_a, act_b));
  RUN("aotc_sconv_f32 (conv_mr4)", aotc_sconv_f32(x, NULL, w4, use_bias ? b : NULL, y, scratch, &p.geo, p.koff,
                                                  act_kind, act_a, act_b));
  RUN("aotc_conv_cv_f32", aotc_conv_cv_f32(x, w16, use_bias ? b : NULL, NULL, y, scratch, &p.geo, p.koff, act_kind,
                                           act_a, act_b));
  RUN_REF("aotc_conv_cv_f32 (residual)",
          aotc_conv_cv_f32(x, w16, use_bias ? b : NULL, res, y, scratch, &p.geo, p.koff, act_kind, act_a, act_b),
          ref_res);
  if (KH == 3 && KW == 3 && SH == 1 && SW == 1 && DH == 1 && DW == 1 && G == 1 && PH <= 2 && PW <= 2) {
    /* Winograd F(2x2, 3x3) (ops/conv.cpp's uses_winograd), with and without a residual. */
    const size_t nwino = (size_t)16 * ((Mg + AOTC_CONV_CV_MR - 1) / AOTC_CONV_CV_MR * AOTC_CONV_CV_MR) * Cg;
    const size_t nsw = (size_t)aotc_conv_wino23_scratch_floats(&p.geo);
    float *wwino = alloc_floats(nwino), *sw = alloc_floats(nsw);
    const size_t nwino4 = (size_t)16 * ((Mg + AOTC_CONV_MR - 1) / AOTC_CONV_MR * AOTC_CONV_MR) * Cg;
    const size_t nsw4 = (size_t)aotc_conv_wino23_mr4_scratch_floats(&p.geo);
    float *wwino4 = alloc_floats(nwino4), *sw4 = alloc_floats(nsw4);
    aotc_conv_wino_pack_f32(w, wwino, Mg, Cg, AOTC_CONV_CV_MR);
    aotc_conv_wino_pack_f32(w, wwino4, Mg, Cg, AOTC_CONV_MR);
    for (i = 0; i < nsw; ++i) sw[i] = 1e30f;
    RUN("aotc_conv_wino23_f32",
        aotc_conv_wino23_f32(x, wwino, use_bias ? b : NULL, NULL, y, sw, &p.geo, act_kind, act_a, act_b));
    for (i = 0; i < nsw; ++i) sw[i] = 1e30f;
    RUN_REF("aotc_conv_wino23_f32 (residual)",
            aotc_conv_wino23_f32(x, wwino, use_bias ? b : NULL, res, y, sw, &p.geo, act_kind, act_a, act_b), ref_res);
    /* (scratch full of 1e30: a float the kernel read before writing it would show in y) */
    for (i = 0; i < nsw4; ++i) sw4[i] = 1e30f;
    RUN("aotc_conv_wino23_mr4_f32",
        aotc_conv_wino23_mr4_f32(x, wwino4, use_bias ? b : NULL, NULL, y, sw4, &p.geo, act_kind, act_a, act_b));
    for (i = 0; i < nsw4; ++i) sw4[i] = 1e30f;
    RUN_REF("aotc_conv_wino23_mr4_f32 (residual)",
            aotc_conv_wino23_mr4_f32(x, wwino4, use_bias ? b : NULL, res, y, sw4, &p.geo, act_kind, act_a, act_b),
            ref_res);
    free(wwino), free(sw), free(wwino4), free(sw4);
  }
  /* The other kernels' residual: their output, then aotc_conv_add_residual_f32 over it. */
  RUN_REF("aotc_conv_f32 + aotc_conv_add_residual_f32",
          (aotc_conv_f32(x, NULL, w4, use_bias ? b : NULL, y, scratch, &p.geo, p.koff, 0, 0.0f, 0.0f),
           aotc_conv_add_residual_f32(res, y, (int32_t)ny, act_kind, act_a, act_b)),
          ref_res);
  if (N == 1 && G == 1 && M % AOTC_CONV_CV_MR == 0 &&
      (p.geo.method == AOTC_CONV_SHIFTED || Cg % AOTC_CONV_CV_MR == 0)) {
    /* aotc_conv_cv_f32 writing nchw16c (choose-layouts' blocked activations), and reading it too where
       the conv is pointwise: koff then addresses channel k at (k/16)*16*P + k%16, pixel p at 16*p. */
    const int32_t P = p.geo.out[1] * p.geo.out[2], in_blocked = p.geo.method == AOTC_CONV_POINTWISE;
    aotc_conv_params gb = p.geo;
    int32_t *kb = (int32_t *)malloc((size_t)K * sizeof(int32_t));
    float *xb = alloc_floats(nx), *yb = alloc_floats(ny), *resb = alloc_floats(ny);
    if (!kb) exit(2);
    gb.blocked = AOTC_CONV_BLOCKED_OUT | (in_blocked ? AOTC_CONV_BLOCKED_IN : 0);
    for (i = 0; i < (size_t)K; ++i)
      kb[i] = in_blocked ? (int32_t)((i / 16) * 16 * (size_t)P + i % 16) : p.koff[i];
    /* x (pointwise: IH x IW = P pixels) and the residual to nchw16c. */
    for (i = 0; i < nx; ++i) {
      const size_t c = i / ((size_t)IH * IW), q = i % ((size_t)IH * IW);
      xb[in_blocked ? ((c / 16) * (size_t)IH * IW + q) * 16 + c % 16 : i] = x[i];
    }
    for (i = 0; i < ny; ++i) resb[((i / P / 16) * P + i % P) * 16 + (i / P) % 16] = res[i];
#define RUN_BLOCKED(KERNEL, RES, REF)                                                                     \
  do {                                                                                                  \
    for (i = 0; i < ny; ++i) yb[i] = 1e30f;                                                             \
    for (i = 0; i < ns; ++i) scratch[i] = 1e30f;                                                        \
    aotc_conv_cv_f32(xb, w16, use_bias ? b : NULL, RES, yb, scratch, &gb, kb, act_kind, act_a, act_b);  \
    for (i = 0; i < ny; ++i) y[i] = yb[((i / P / 16) * P + i % P) * 16 + (i / P) % 16];                 \
    compare(KERNEL, y, REF, ny, 2e-5f * (float)K, desc);                                                \
    ++cases;                                                                                            \
  } while (0)
    RUN_BLOCKED("aotc_conv_cv_f32 (nchw16c)", NULL, ref);
    RUN_BLOCKED("aotc_conv_cv_f32 (nchw16c, residual)", resb, ref_res);
#undef RUN_BLOCKED
    free(kb), free(xb), free(yb), free(resb);
  }
  if (p.geo.method == AOTC_CONV_POINTWISE && N == 1 && G == 1) {
    /* aotc_sconv_f32 in place, as the planner runs it when the input dies there (ops/conv.cpp);
       the shared buffer has room for the larger of input and output. */
    float *xy = alloc_floats(nx > ny ? nx : ny);
    memcpy(xy, x, nx * sizeof(float));
    for (i = 0; i < ns; ++i) scratch[i] = 1e30f;
    aotc_sconv_f32(xy, NULL, w4, use_bias ? b : NULL, xy, scratch, &p.geo, p.koff, act_kind, act_a, act_b);
    compare("aotc_sconv_f32 (in place)", xy, ref, ny, 2e-5f * (float)K, desc);
    ++cases;
    free(xy);
  }
  /* aotc_sconv_f32 in place on one buffer as large as the larger of input and output, where ops/conv.cpp
     allows it: the whole input copied first (SHIFTED), or bands whose output rows line up with the input's. */
#define RUN_IN_PLACE(KERNEL, GEO, KOFF, SCRATCH, NS)                                                         \
  do {                                                                                                     \
    float *xy = alloc_floats(nx > ny ? nx : ny);                                                           \
    memcpy(xy, x, nx * sizeof(float));                                                                     \
    for (i = 0; i < (NS); ++i) (SCRATCH)[i] = 1e30f;                                                       \
    aotc_sconv_f32(xy, NULL, w4, use_bias ? b : NULL, xy, SCRATCH, GEO, KOFF, act_kind, act_a, act_b);     \
    compare(KERNEL, xy, ref, ny, 2e-5f * (float)K, desc);                                                  \
    ++cases;                                                                                               \
    free(xy);                                                                                              \
  } while (0)
  if (p.geo.method == AOTC_CONV_SHIFTED && N == 1 && G == 1)
    RUN_IN_PLACE("aotc_sconv_f32 (whole, in place)", &p.geo, p.koff, scratch, ns);
  if (p.geo.method == AOTC_CONV_SHIFTED && p.geo.out[1] > 1) {
    /* In bands of 1, 2 and OH - 1 output rows: aotc_conv_f32 (stems, ops/conv.cpp's conv_band) and
       aotc_sconv_f32 (small-SRAM targets). */
    const int rows_line_up = SH == 1 && p.geo.out[1] == IH && p.geo.out[2] == IW;
    int32_t bands[3], bi;
    bands[0] = 1, bands[1] = 2, bands[2] = p.geo.out[1] - 1;
    for (bi = 0; bi < 3; ++bi) {
      conv_test_plan pb = conv_test_plan_band(N, G, Cg, Mg, IH, IW, KH, KW, SH, SW, DH, DW, PH, PW, EH, EW, bands[bi]);
      float *sb = alloc_floats(pb.scratch_floats);
      for (i = 0; i < pb.scratch_floats; ++i) sb[i] = 1e30f;
      RUN("aotc_conv_f32 (bands)", aotc_conv_f32(x, NULL, w4, use_bias ? b : NULL, y, sb, &pb.geo, pb.koff,
                                                 act_kind, act_a, act_b));
      RUN("aotc_sconv_f32 (bands)", aotc_sconv_f32(x, NULL, w4, use_bias ? b : NULL, y, sb, &pb.geo, pb.koff,
                                                   act_kind, act_a, act_b));
      if (rows_line_up && N == 1 && G == 1)
        RUN_IN_PLACE("aotc_sconv_f32 (bands, in place)", &pb.geo, pb.koff, sb, pb.scratch_floats);
      free(sb), free(pb.koff);
    }
  }
#undef RUN_IN_PLACE
#undef RUN
#undef RUN_REF
  free(x), free(w), free(b), free(y), free(ref), free(scratch), free(w4), free(w16), free(p.koff), free(res),
      free(ref_res);
}

int main(void) {
  int32_t it, size, act;
  rng_state = 2024u;
  /* ResNet-style shapes: 3x3 "same" convs on the usual planes, stride 2 down, 1x1 pointwise. */
  for (size = 0; size < 5; ++size) {
    static const int32_t sizes[5] = {56, 28, 14, 7, 9};
    const int32_t n = sizes[size];
    for (act = 0; act <= 3; ++act) {
      check(1, 1, 16, 32, n, n, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, act);
      check(1, 1, 16, 48, n, n, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, act);
      check(1, 1, 24, 40, n, n, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, act);
      check(1, 1, 48, 64, n, n, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, act); /* also nchw16c in and out */
    }
  }
  check(1, 1, 3, 16, 32, 32, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3, 1, 1); /* a stem */
  /* Winograd's shapes (ResNet-18's 3x3 convs over 128 and 256 channels): blocks of several tile rows, a
     ragged last block (7 tile rows in blocks of 4), odd planes (a last tile half outside), pads of 0 and 2. */
  for (act = 0; act <= 3; ++act) check(1, 1, 128, 128, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, act);
  check(1, 1, 130, 136, 13, 11, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
  check(2, 1, 20, 40, 9, 15, 3, 3, 1, 1, 1, 1, 0, 2, 2, 0, 0, 1);
  /* aotc_conv_wino23_mr4_f32's vector paths: ResNet-8's 32x32 x 16 and 16x16 x 32 (16 and 8 tiles a row,
     blocks of whole 32-tile GEMM tiles), 20 outputs (past a multiple of 8), rows of 17 tiles and odd planes. */
  for (act = 0; act <= 3; ++act) check(1, 1, 16, 16, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, act);
  check(1, 1, 32, 32, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
  check(1, 1, 16, 20, 33, 34, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
  check(2, 1, 17, 24, 35, 31, 3, 3, 1, 1, 1, 1, 2, 0, 0, 2, 0, 2);
  /* Pointwise convs aotc_sconv_f32 runs in place: fewer, as many and more outputs, ragged pixel counts. */
  for (act = 0; act <= 3; ++act) {
    check(1, 1, 64, 64, 25, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, act);
    check(1, 1, 40, 24, 7, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, act & 1, act);
    check(1, 1, 9, 5, 1, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, act);
    check(1, 1, 16, 32, 6, 6, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, act);
  }
  check(2, 2, 9, 17, 8, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 2);  /* batch, groups, odd channels */
  /* More than 2 blocks of outputs from K >= 256 over planes of a multiple of 7 or 128+ pixels
     (aotc_conv_cv_f32's wide tile on AVX-512, 4 blocks x 7 pixels): whole tiles and tails of 1, 2 and 3
     blocks, a ragged last block, a last tile of 1 pixel (15 x 15). */
  for (act = 0; act <= 3; ++act) {
    static const int32_t mgs[4] = {64, 80, 100, 120};
    const int32_t mg = mgs[act];
    check(1, 1, 32, mg, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, act);
    check(1, 1, 256, mg, 14, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, act & 1, act);
    check(2, 2, 29, mg, 30, 30, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, act);
  }
  /* Output rows lining up with the input rows (banded in place): fewer, as many and more channels out,
     top pads of 0, 1 and 2 rows, dilation; strided columns (OW < IW) are not, unless the pads make up for
     the stride (the last: SW = 3, so 3 stride phases per channel). */
  for (act = 0; act <= 3; ++act) {
    check(1, 1, 16, 16, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, act);
    check(1, 1, 12, 5, 7, 6, 3, 3, 1, 1, 1, 1, 0, 1, 2, 1, 1, act);
    check(1, 1, 5, 12, 7, 6, 5, 3, 1, 1, 1, 1, 2, 1, 2, 1, 1, act);
    check(1, 1, 6, 6, 8, 5, 3, 3, 1, 1, 2, 1, 2, 1, 2, 1, act & 1, act);
    check(1, 1, 6, 7, 8, 5, 4, 2, 1, 1, 1, 1, 1, 0, 2, 1, 1, act);
    check(1, 1, 8, 16, 13, 2, 3, 5, 1, 3, 1, 1, 1, 5, 1, 1, act & 1, act);
  }
  /* Random geometries. */
  for (it = 0; it < 400; ++it) {
    const int32_t KH = rnd(1, 10) <= 3 ? 1 : rnd(1, 5), KW = rnd(1, 10) <= 3 ? 1 : rnd(1, 5);
    const int32_t SH = rnd(1, 10) <= 7 ? 1 : rnd(2, 3), SW = rnd(1, 10) <= 7 ? 1 : rnd(2, 3);
    const int32_t DH = rnd(1, 10) == 1 ? 2 : 1, DW = rnd(1, 10) == 1 ? 2 : 1;
    const int32_t N = rnd(1, 10) == 1 ? 2 : 1, G = rnd(1, 10) <= 8 ? 1 : rnd(2, 3);
    const int32_t Cg = rnd(1, 20), Mg = rnd(1, 10) <= 5 ? rnd(1, 40) : 16 * rnd(1, 3);
    const int32_t IH = rnd(1, 20), IW = rnd(1, 20);
    const int32_t no_pads = rnd(0, 3) == 0;
    const int32_t PH = no_pads ? 0 : rnd(0, KH), PW = no_pads ? 0 : rnd(0, KW);
    const int32_t EH = no_pads ? 0 : rnd(0, KH), EW = no_pads ? 0 : rnd(0, KW);
    /* Drawn in a fixed order (the order a call evaluates its arguments in is unspecified, so gcc and clang
       would test different geometries from here on). */
    const int use_bias = (int)rnd(0, 1);
    const int32_t act_kind = rnd(0, 3);
    check(N, G, Cg, Mg, IH, IW, KH, KW, SH, SW, DH, DW, PH, PW, EH, EW, use_bias, act_kind);
  }
  printf("%d kernel runs checked, %d mismatched\n", cases, failures);
  return failures != 0;
}
