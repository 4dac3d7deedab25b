/*
 * aotc_conv_depthwise_f32 (runtime-c/kernels/conv_depthwise.c) against the
 * direct reference kernel aotc_conv_direct_f32 (conv.c) plus the fused
 * activation applied afterwards: fixed real-world shapes (3x3, 5x5 and 7x7,
 * strides 1 and 2, MobileNet/MnasNet/EfficientNet planes) and random ones
 * (kernels 1..7 each way, strides 1..3, dilations 1..2, asymmetric pads,
 * channel multipliers, batches, with and without bias, every activation).
 * Scratch is exactly the size ops/conv.cpp reserves, in its own allocation,
 * so ASan catches a kernel that overruns it. Exit status 1 on any mismatch.
 * Built several ways by tests/kernels/CMakeLists.txt (target vector widths,
 * run-time dispatch, plain C).
 */
#include <stdio.h>
#include <stdlib.h>

#include "kernel_common.h"
#include "conv.c"
#include "conv_depthwise.c"
#include "conv_plan.h"
#include "kernel_test.h"

/* The scratch floats ops/conv.cpp reserves for aotc_conv_depthwise_f32 (keep in step). */
static size_t dw_scratch_floats(const aotc_conv_params *geo) {
  const int32_t IH = geo->in[1], IW = geo->in[2], OH = geo->out[1], OW = geo->out[2];
  const int32_t KH = geo->kernel[1], KW = geo->kernel[2], SH = geo->stride[1], SW = geo->stride[2];
  const int32_t Hph = OH + (KH - 1) * geo->dilation[1] / SH, Wph = OW + (KW - 1) * geo->dilation[2] / SW;
  const size_t flat = (size_t)(IH + 2) * IW + 2 * (size_t)OH * OW + IW + 144;
  const size_t padded = (size_t)SH * SW * Hph * Wph + (size_t)OH * Wph + (size_t)KH * KW + 384;
  const size_t Hp = (size_t)(OH - 1) * SH + (size_t)(KH - 1) * geo->dilation[1] + 1;
  const size_t Wp = (size_t)(OW - 1) * SW + (size_t)(KW - 1) * geo->dilation[2] + 1;
  const size_t small = geo->mg == 1 && geo->groups >= 16 && OH * OW <= AOTC_CONV_DW_SMALL_PIXELS
                           ? (Hp * Wp + (size_t)OH * OW + (size_t)KH * KW + 1) * 16
                           : 0;
  const size_t most = flat > padded ? flat : padded;
  return most > small ? most : small;
}

/* One conv; N, G, Mg, input IH x IW, kernel, strides, dilations, begin pads PH/PW, end pads EH/EW. */
static void check(int32_t N, int32_t G, int32_t Mg, int32_t IH, int32_t IW, int32_t KH, int32_t KW, int32_t SH,
                  int32_t SW, int32_t DH, int32_t DW, int32_t PH, int32_t PW, int32_t EH, int32_t EW, int use_bias,
                  int32_t act_kind) {
  const int32_t OH = (IH + PH + EH - DH * (KH - 1) - 1) / SH + 1, OW = (IW + PW + EW - DW * (KW - 1) - 1) / SW + 1;
  aotc_conv_params geo;
  const int32_t M = G * Mg;
  size_t nx, ny, nw, i, ns;
  float *x, *w, *b, *y, *ref;
  void *scratch;
  float act_a, act_b;
  aotc_conv_act act;
  char desc[200];
  if (IH + PH + EH < DH * (KH - 1) + 1 || IW + PW + EW < DW * (KW - 1) + 1) return;
  geo.n = N, geo.groups = G, geo.cg = 1, geo.mg = Mg;
  geo.in[0] = 1, geo.in[1] = IH, geo.in[2] = IW, geo.out[0] = 1, geo.out[1] = OH, geo.out[2] = OW;
  geo.kernel[0] = 1, geo.kernel[1] = KH, geo.kernel[2] = KW, geo.stride[0] = 1, geo.stride[1] = SH, geo.stride[2] = SW;
  geo.dilation[0] = 1, geo.dilation[1] = DH, geo.dilation[2] = DW, geo.pad[0] = 0, geo.pad[1] = PH, geo.pad[2] = PW;
  geo.method = AOTC_CONV_SHIFTED;
  rnd_activation(act_kind, &act_a, &act_b);
  nx = (size_t)N * G * IH * IW;
  ny = (size_t)N * M * OH * OW;
  nw = (size_t)M * KH * KW;
  ns = dw_scratch_floats(&geo);
  x = (float *)malloc(nx * sizeof(float));
  w = (float *)malloc(nw * sizeof(float));
  b = (float *)malloc((size_t)M * sizeof(float));
  y = (float *)malloc(ny * sizeof(float));
  ref = (float *)malloc(ny * sizeof(float));
  scratch = malloc(ns * sizeof(float));
  if (!x || !w || !b || !y || !ref || !scratch) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  for (i = 0; i < nx; ++i) x[i] = rndf();
  for (i = 0; i < nw; ++i) w[i] = rndf();
  for (i = 0; i < (size_t)M; ++i) b[i] = rndf();
  for (i = 0; i < ny; ++i) y[i] = 1e30f; /* every output must be written */
  for (i = 0; i < ns; ++i) ((float *)scratch)[i] = 1e30f; /* scratch must not be trusted to be zero */
  aotc_conv_direct_f32(x, w, use_bias ? b : NULL, ref, &geo);
  act.kind = act_kind;
  act.a = act_a;
  act.b = act_b;
  for (i = 0; i < ny; ++i) ref[i] = aotc_conv_activate(ref[i], act_kind ? &act : NULL);
  sprintf(desc, "N=%d G=%d Mg=%d in %dx%d k %dx%d s %d,%d d %d,%d pads %d,%d/%d,%d bias %d act %d", (int)N, (int)G,
          (int)Mg, (int)IH, (int)IW, (int)KH, (int)KW, (int)SH, (int)SW, (int)DH, (int)DW, (int)PH, (int)PW, (int)EH,
          (int)EW, use_bias, (int)act_kind);
  aotc_conv_depthwise_f32(x, w, use_bias ? b : NULL, y, scratch, &geo, NULL, act_kind, act_a, act_b);
  ++cases;
  compare("aotc_conv_depthwise_f32", y, ref, ny, 1e-4f * (float)(KH * KW), desc);
  /* aotc_sconv_depthwise_f32 (cores without float SIMD), and in place when ops/conv.cpp allows it; not on
     1x1 windows without pads or strides, which ops/conv.cpp runs as pointwise convs (the plan's scratch then
     holds no phases). */
  if (!(KH == 1 && KW == 1 && SH == 1 && SW == 1 && PH == 0 && PW == 0 && EH == 0 && EW == 0)) {
    const conv_test_plan sp = conv_test_plan_band(N, G, 1, Mg, IH, IW, KH, KW, SH, SW, DH, DW, PH, PW, EH, EW, 0);
    float *ss = (float *)malloc(sp.scratch_floats * sizeof(float)), *xy;
    for (i = 0; i < ny; ++i) y[i] = 1e30f;
    aotc_sconv_depthwise_f32(x, w, use_bias ? b : NULL, y, ss, &sp.geo, sp.koff, act_kind, act_a, act_b);
    ++cases;
    compare("aotc_sconv_depthwise_f32", y, ref, ny, 1e-4f * (float)(KH * KW), desc);
    if (Mg == 1 && OH * OW <= IH * IW) {
      xy = (float *)malloc(nx * sizeof(float));
      memcpy(xy, x, nx * sizeof(float));
      aotc_sconv_depthwise_f32(xy, w, use_bias ? b : NULL, xy, ss, &sp.geo, sp.koff, act_kind, act_a, act_b);
      ++cases;
      compare("aotc_sconv_depthwise_f32 (in place)", xy, ref, ny, 1e-4f * (float)(KH * KW), desc);
      free(xy);
    }
    free(ss);
    free(sp.koff);
  }
  free(x);
  free(w);
  free(b);
  free(y);
  free(ref);
  free(scratch);
}

int main(void) {
  int32_t k, s, size, it, act;
  rng_state = 12345u;
  /* Real-world shapes: "same" k x k convs, strides 1 and 2, the usual plane sizes, every activation. */
  for (k = 3; k <= 7; k += 2)
    for (s = 1; s <= 2; ++s)
      for (size = 0; size < 6; ++size) {
        static const int32_t sizes[6] = {112, 56, 28, 14, 7, 9};
        const int32_t n = sizes[size];
        for (act = 0; act <= 3; ++act) check(1, 3, 1, n, n, k, k, s, s, 1, 1, k / 2, k / 2, k / 2, k / 2, 1, act);
      }
  /* The 3x3 flat loops in several bands of rows (runtime-c/kernels/conv_depthwise.c: each band's copy
     fits AOTC_CONV_DW_BAND_FLOATS), two outputs per channel, so that a band's spill past its end would
     land in outputs already computed: 112 x 112 (4 bands at stride 1, 4 at stride 2), and 2100 x 2 (2
     bands, the last one 108 pixels). At stride 1 the bands inside the plane read it in place: 112 x 112's
     middle two, and 8 x 2048's (bands of one row) rows 2 to 5, not 1 nor 6 (the pixel before the row above
     and 16 past the row below would lie outside it). */
  for (s = 1; s <= 2; ++s) {
    check(1, 2, 2, 112, 112, 3, 3, s, s, 1, 1, 1, 1, 1, 1, 1, 1);
    check(1, 2, 2, 2100, 2 * s, 3, 3, s, s, 1, 1, 1, 1, 1, 1, 1, 0);
  }
  check(1, 1, 2, 8, 2048, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
  /* TF-style "same" stride 2 (pads 0 before, 1 after) and valid convs. */
  check(1, 4, 1, 56, 56, 5, 5, 2, 2, 1, 1, 1, 1, 2, 2, 1, 1);
  check(1, 4, 1, 56, 56, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 1, 1);
  check(1, 4, 1, 20, 17, 5, 5, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0);
  check(2, 2, 2, 15, 33, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3, 1, 2);
  /* 16 or more channels on planes of at most AOTC_CONV_DW_SMALL_PIXELS outputs (aotc_conv_dw_small_f32 on
     AVX-512): EfficientNet-B0's 5x5 to 7x7 and 3x3 on 7x7, a last block of 8 channels (40), batch 2, pixel
     counts that are no multiple of 16 (the transposes' tails), a dilated window (the generic block). */
  check(1, 40, 1, 14, 14, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2, 1, 3);
  check(2, 16, 1, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 2);
  check(1, 33, 1, 9, 6, 5, 3, 1, 2, 1, 1, 2, 1, 2, 1, 1, 1);
  check(1, 24, 1, 8, 8, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1, 0);
  for (it = 0; it < 300; ++it) {
    const int32_t KH = rnd(1, 5), KW = rnd(1, 5), SH = rnd(1, 2), SW = rnd(1, 2);
    check(rnd(1, 2), rnd(16, 40), 1, rnd(1, 12), rnd(1, 12), KH, KW, SH, SW, 1, 1, rnd(0, KH - 1), rnd(0, KW - 1),
          rnd(0, KH - 1), rnd(0, KW - 1), (int)rnd(0, 1), rnd(0, 3));
  }
  /* Random geometries. */
  for (it = 0; it < 1500; ++it) {
    const int32_t KH = rnd(1, 7), KW = rnd(1, 7);
    const int32_t SH = rnd(1, 10) <= 8 ? rnd(1, 2) : 3, SW = rnd(1, 10) <= 8 ? rnd(1, 2) : 3;
    const int32_t DH = rnd(1, 10) == 1 ? 2 : 1, DW = rnd(1, 10) == 1 ? 2 : 1;
    const int32_t N = rnd(1, 2), G = rnd(1, 4), Mg = rnd(1, 2), IH = rnd(1, 40), IW = rnd(1, 40);
    const int32_t PH = rnd(0, KH), PW = rnd(0, KW), EH = rnd(0, KH), EW = rnd(0, KW), bias = rnd(0, 1);
    check(N, G, Mg, IH, IW, KH, KW, SH, SW, DH, DW, PH, PW, EH, EW, (int)bias, rnd(0, 3));
  }
  printf("%d depthwise convs checked, %d mismatched\n", cases, failures);
  return failures != 0;
}
