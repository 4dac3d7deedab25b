/*
 * conv_plan.h -- what ops/conv.cpp's conv_plan computes for aotc_conv_f32,
 * redone in C for the kernel tests and bench/conv_kernel_bench.c: the
 * geometry with its method, the row offsets koff of the implicit B matrix and
 * the scratch floats (kernel computes weights packing only when w is not
 * packed). Keep in step with ops/conv.cpp (conv_plan and Conv's lowering).
 * Include after conv.c.
 */
#ifndef AOTC_TEST_CONV_PLAN_H
#define AOTC_TEST_CONV_PLAN_H
#include <stdlib.h>

typedef struct {
  aotc_conv_params geo;
  int32_t *koff; /* K offsets, malloc'ed */
  size_t scratch_floats;
} conv_test_plan;

/* 2D conv geometry (D = 1) with begin pads PH/PW and end pads EH/EW; band > 0
 * (SHIFTED only): phases of `band` output rows (aotc_sconv_f32's bands). */
static AOTC_UNUSED conv_test_plan conv_test_plan_band(int32_t N, int32_t G, int32_t Cg, int32_t Mg, int32_t IH, int32_t IW,
                                          int32_t KH, int32_t KW, int32_t SH, int32_t SW, int32_t DH, int32_t DW,
                                          int32_t PH, int32_t PW, int32_t EH, int32_t EW, int32_t band) {
  conv_test_plan p;
  aotc_conv_params *g = &p.geo;
  const int32_t OH = (IH + PH + EH - DH * (KH - 1) - 1) / SH + 1, OW = (IW + PW + EW - DW * (KW - 1) - 1) / SW + 1;
  const int32_t K = Cg * KH * KW, P = OH * OW;
  int32_t c, kh, kw, n = 0;
  memset(g, 0, sizeof *g);
  g->n = N, g->groups = G, g->cg = Cg, g->mg = Mg;
  g->in[0] = 1, g->in[1] = IH, g->in[2] = IW, g->out[0] = 1, g->out[1] = OH, g->out[2] = OW;
  g->kernel[0] = 1, g->kernel[1] = KH, g->kernel[2] = KW, g->stride[0] = 1, g->stride[1] = SH, g->stride[2] = SW;
  g->dilation[0] = 1, g->dilation[1] = DH, g->dilation[2] = DW, g->pad[0] = 0, g->pad[1] = PH, g->pad[2] = PW;
  p.koff = (int32_t *)malloc((size_t)K * sizeof(int32_t));
  if (KH == 1 && KW == 1 && SH == 1 && SW == 1 && PH == 0 && PW == 0 && EH == 0 && EW == 0) {
    g->method = AOTC_CONV_POINTWISE;
    for (c = 0; c < K; ++c) p.koff[c] = c * P;
    p.scratch_floats = (size_t)K * AOTC_CONV_NR_MAX + (size_t)K;
  } else {
    const int32_t Hph = (band ? band : OH) + (KH - 1) * DH / SH, Wph = OW + (KW - 1) * DW / SW;
    const int32_t plane = Hph * Wph, chan = SH * SW * plane;
    g->method = AOTC_CONV_SHIFTED;
    g->band = band;
    for (c = 0; c < Cg; ++c)
      for (kh = 0; kh < KH; ++kh)
        for (kw = 0; kw < KW; ++kw) {
          const int32_t th = kh * DH, tw = kw * DW, phase = (th % SH) * SW + tw % SW;
          p.koff[n++] = c * chan + phase * plane + (th / SH) * Wph + tw / SW;
        }
    p.scratch_floats = (size_t)Cg * chan + AOTC_CONV_NR_MAX;
  }
  return p;
}

static AOTC_UNUSED conv_test_plan conv_test_plan_2d(int32_t N, int32_t G, int32_t Cg, int32_t Mg, int32_t IH, int32_t IW,
                                        int32_t KH, int32_t KW, int32_t SH, int32_t SW, int32_t DH, int32_t DW,
                                        int32_t PH, int32_t PW, int32_t EH, int32_t EW) {
  return conv_test_plan_band(N, G, Cg, Mg, IH, IW, KH, KW, SH, SW, DH, DW, PH, PW, EH, EW, 0);
}

/* The geometry of a 2D MaxPool (K_H x K_W window, stride S both ways, pads P on every side) over `channels`
 * planes of CH x CW, with OH x OW outputs: what ops/conv.cpp passes aotc_conv_maxpool_f32. */
static AOTC_UNUSED aotc_pool_params conv_test_pool_2d(int32_t channels, int32_t CH, int32_t CW, int32_t K_H,
                                                      int32_t K_W, int32_t S, int32_t P, int32_t OH, int32_t OW) {
  aotc_pool_params pool;
  memset(&pool, 0, sizeof pool);
  pool.channels = channels;
  pool.in[0] = 1, pool.in[1] = CH, pool.in[2] = CW;
  pool.kernel[0] = 1, pool.kernel[1] = K_H, pool.kernel[2] = K_W;
  pool.stride[0] = 1, pool.stride[1] = S, pool.stride[2] = S;
  pool.dilation[0] = pool.dilation[1] = pool.dilation[2] = 1;
  pool.pad[1] = pool.pad[2] = pool.pad_end[1] = pool.pad_end[2] = P;
  pool.out[0] = 1, pool.out[1] = OH, pool.out[2] = OW;
  return pool;
}

/* Scratch floats of aotc_conv_maxpool_f32 as ops/conv.cpp reserves them: the banded plan's (pb), M planes
 * of band + KH - 1 conv rows, and with geo->blocked 16 x the pool's output width rounded up to 16. */
static AOTC_UNUSED size_t conv_test_maxpool_scratch_floats(const conv_test_plan *pb, const aotc_pool_params *pool) {
  const aotc_conv_params *g = &pb->geo;
  size_t n = pb->scratch_floats + (size_t)g->mg * (size_t)(g->band + pool->kernel[1] - 1) * (size_t)g->out[2];
  if (g->blocked) n += (size_t)16 * (size_t)((pool->out[2] + 15) / 16 * 16);
  return n;
}

/* Floats of aotc_conv_pack_weights_f32's output for MR-row blocks. */
static AOTC_UNUSED size_t conv_test_packed_floats(const aotc_conv_params *g, int32_t MR) {
  const size_t K = (size_t)g->cg * g->kernel[0] * g->kernel[1] * g->kernel[2];
  return (size_t)g->groups * ((size_t)(g->mg + MR - 1) / MR * MR) * K;
}
#endif
