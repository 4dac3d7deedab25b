/*
 * The fast QLinearConv kernels (runtime-c/kernels/conv_int8.c: aotc_qconv_<x>
 * and aotc_qconv_depthwise_<x>) against the reference aotc_qlinearconv_<x>_i8
 * (conv.c), and their ConvInteger forms (aotc_qconv_[depthwise_]int32_<x>)
 * against aotc_conv_integer_<x>_i8, bit for bit: uint8 and int8 x, per-tensor and per-channel scales,
 * strides, asymmetric pads, dilations, groups (1, depthwise, others), 1D/2D/3D,
 * odd channel counts, bias or none, narrowed output ranges (a fused Relu: the
 * reference's output clamped afterwards), values at the ends of the types'
 * ranges and int32 bias that wraps. Scratch is exactly the size ops/conv.cpp
 * reserves, in its own allocation, filled with garbage. Exit status 1 on any
 * mismatch.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kernel_common.h"
#include "conv.c"
#include "conv_int8.c"
#include "kernel_test.h"

typedef struct {
  int32_t N, G, Cg, Mg, in[3], k[3], s[3], d[3], pb[3], pe[3];
  int unsigned_x, per_channel, bias, narrow, extreme, depthwise;
  int32_t band;
} qcase;

static void *alloc_bytes(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  return p;
}

/* x values: uniform over the type, or (extreme) mostly at its ends. */
static int32_t rnd_x(int unsigned_x, int extreme) {
  const int32_t lo = unsigned_x ? 0 : -128, hi = unsigned_x ? 255 : 127;
  if (extreme && rng() % 4 != 0) return rng() % 2 ? lo : hi;
  return rnd(lo, hi);
}

static void check(const qcase *c) {
  aotc_conv_params geo;
  int32_t i, out[3], P = 1, IP = 1, kv = 1, M = c->G * c->Mg, K, y_min, y_max;
  size_t nx, ny, nw, ns, j;
  uint8_t *x, *y, *ref, *wp, *scratch;
  int8_t *w;
  int32_t *bias;
  float x_scale, y_scale, *w_scale, wavg = 0.0f;
  uint8_t xz, yz;
  int8_t wz[1] = {0}, *wzs;
  char desc[300];
  for (i = 0; i < 3; ++i) {
    const int32_t span = c->in[i] + c->pb[i] + c->pe[i] - c->d[i] * (c->k[i] - 1) - 1;
    if (span < 0) return;
    out[i] = span / c->s[i] + 1;
    P *= out[i];
    IP *= c->in[i];
    kv *= c->k[i];
  }
  K = c->Cg * kv;
  memset(&geo, 0, sizeof geo);
  geo.n = c->N, geo.groups = c->G, geo.cg = c->Cg, geo.mg = c->Mg;
  for (i = 0; i < 3; ++i) {
    geo.in[i] = c->in[i], geo.out[i] = out[i], geo.kernel[i] = c->k[i], geo.stride[i] = c->s[i];
    geo.dilation[i] = c->d[i], geo.pad[i] = c->pb[i];
  }
  geo.method = kv == 1 && c->s[0] * c->s[1] * c->s[2] == 1 && c->pb[0] + c->pb[1] + c->pb[2] == 0 &&
                       c->pe[0] + c->pe[1] + c->pe[2] == 0
                   ? AOTC_CONV_POINTWISE
                   : AOTC_CONV_SHIFTED;
  geo.band = c->band;
  nx = (size_t)c->N * c->G * c->Cg * IP;
  ny = (size_t)c->N * M * P;
  nw = (size_t)M * K;
  ns = c->depthwise ? aotc_qconv_dw_scratch_bytes(&geo) : aotc_qconv_scratch_bytes(&geo);
  x = (uint8_t *)alloc_bytes(nx);
  y = (uint8_t *)alloc_bytes(ny);
  ref = (uint8_t *)alloc_bytes(ny);
  w = (int8_t *)alloc_bytes(nw);
  wp = (uint8_t *)alloc_bytes(nw + 4 * (size_t)M);
  wzs = (int8_t *)alloc_bytes((size_t)M);
  scratch = (uint8_t *)alloc_bytes(ns);
  bias = (int32_t *)alloc_bytes((size_t)M * sizeof(int32_t));
  w_scale = alloc_floats((size_t)M);
  for (j = 0; j < nx; ++j) x[j] = (uint8_t)rnd_x(c->unsigned_x, c->extreme);
  for (j = 0; j < nw; ++j) w[j] = (int8_t)(c->extreme && rng() % 4 ? (rng() % 2 ? -128 : 127) : rnd(-128, 127));
  for (i = 0; i < M; ++i) {
    bias[i] = c->extreme && rng() % 2 ? (int32_t)(rng() % 2 ? INT32_MAX - rnd(0, 1000) : INT32_MIN + rnd(0, 1000))
                                      : rnd(-40000, 40000);
    w_scale[i] = (float)rnd(1, 1000) * 1e-5f;
    wavg += w_scale[i] / (float)M;
    wzs[i] = 0;
  }
  xz = (uint8_t)rnd_x(c->unsigned_x, 0);
  yz = (uint8_t)rnd_x(c->unsigned_x, 0);
  x_scale = (float)rnd(1, 1000) * 1e-4f;
  /* Outputs spread over the range, often past its ends. */
  y_scale = x_scale * (c->per_channel ? wavg : w_scale[0]) * 128.0f * 64.0f * (float)rnd(1, 30) / 80.0f;
  for (i = 0; i < 1 + (int32_t)(rng() % 3); ++i) y_scale = y_scale * 1.37f;
  if (c->unsigned_x) {
    y_min = c->narrow ? rnd(0, 200) : 0;
    y_max = c->narrow ? rnd(y_min, 255) : 255;
  } else {
    y_min = c->narrow ? rnd(-128, 100) : -128;
    y_max = c->narrow ? rnd(y_min, 127) : 127;
  }
  aotc_qconv_pack_i8(w, (int8_t *)wp, M, K);
  for (j = 0; j < ny; ++j) y[j] = 0x5a; /* every output must be written */
  for (j = 0; j < ns; ++j) scratch[j] = 0xa5;
  sprintf(desc,
          "%s%s N=%d G=%d Cg=%d Mg=%d in %dx%dx%d k %dx%dx%d s %d,%d,%d d %d,%d,%d pads %d,%d,%d/%d,%d,%d band %d "
          "per_channel %d bias %d y [%d,%d] extreme %d",
          c->unsigned_x ? "u8" : "i8", c->depthwise ? " depthwise" : "", (int)c->N, (int)c->G, (int)c->Cg, (int)c->Mg, (int)c->in[0], (int)c->in[1],
          (int)c->in[2], (int)c->k[0], (int)c->k[1], (int)c->k[2], (int)c->s[0], (int)c->s[1], (int)c->s[2],
          (int)c->d[0], (int)c->d[1], (int)c->d[2], (int)c->pb[0], (int)c->pb[1], (int)c->pb[2], (int)c->pe[0],
          (int)c->pe[1], (int)c->pe[2], (int)c->band, c->per_channel, c->bias, (int)y_min, (int)y_max, c->extreme);
  if (c->unsigned_x) {
    aotc_qlinearconv_u8_i8(x, &x_scale, &xz, w, w_scale, c->per_channel ? wzs : wz, &y_scale, &yz,
                           c->bias ? bias : NULL, ref, &geo, c->per_channel);
    (c->depthwise ? aotc_qconv_depthwise_u8 : aotc_qconv_u8)(x, &x_scale, &xz, (const int8_t *)wp, w_scale, &y_scale,
                                                             &yz, c->bias ? bias : NULL, y, scratch, &geo,
                                                             c->per_channel, y_min, y_max);
    for (j = 0; j < ny; ++j) ref[j] = (uint8_t)(ref[j] < y_min ? y_min : ref[j] > y_max ? y_max : ref[j]);
  } else {
    int8_t *xs = (int8_t *)x, *ys = (int8_t *)y, *rs = (int8_t *)ref;
    const int8_t xzs = (int8_t)xz, yzs = (int8_t)yz;
    aotc_qlinearconv_i8_i8(xs, &x_scale, &xzs, w, w_scale, c->per_channel ? wzs : wz, &y_scale, &yzs,
                           c->bias ? bias : NULL, rs, &geo, c->per_channel);
    (c->depthwise ? aotc_qconv_depthwise_i8 : aotc_qconv_i8)(xs, &x_scale, &xzs, (const int8_t *)wp, w_scale, &y_scale,
                                                             &yzs, c->bias ? bias : NULL, ys, scratch, &geo,
                                                             c->per_channel, y_min, y_max);
    for (j = 0; j < ny; ++j) rs[j] = (int8_t)(rs[j] < y_min ? y_min : rs[j] > y_max ? y_max : rs[j]);
  }
  /* In place, as the planner may run it (ops/conv.cpp): the output written
     over its input, which the depthwise kernel copies a channel at a time and
     the pointwise GEMM a tile of pixels at a time (the output may be larger:
     one image of one group with more output channels than input ones). */
  if ((c->depthwise && c->Mg == 1 && P <= IP) ||
      (!c->depthwise && geo.method == AOTC_CONV_POINTWISE && !AOTC_QCONV_IS_GEMV(&geo) && K % 4 == 0 &&
       (c->Mg <= c->Cg || c->N * c->G == 1))) {
    uint8_t *io = (uint8_t *)alloc_bytes(nx > ny ? nx : ny);
    memcpy(io, x, nx);
    for (j = 0; j < ns; ++j) scratch[j] = 0xa5;
    if (c->unsigned_x)
      (c->depthwise ? aotc_qconv_depthwise_u8 : aotc_qconv_u8)(io, &x_scale, &xz, (const int8_t *)wp, w_scale,
                                                               &y_scale, &yz, c->bias ? bias : NULL, io, scratch,
                                                               &geo, c->per_channel, y_min, y_max);
    else {
      const int8_t xzs = (int8_t)xz, yzs = (int8_t)yz;
      (c->depthwise ? aotc_qconv_depthwise_i8 : aotc_qconv_i8)((const int8_t *)io, &x_scale, &xzs,
                                                               (const int8_t *)wp, w_scale, &y_scale, &yzs,
                                                               c->bias ? bias : NULL, (int8_t *)io, scratch, &geo,
                                                               c->per_channel, y_min, y_max);
    }
    ++cases;
    for (j = 0; j < ny; ++j)
      if (io[j] != ref[j]) {
        fprintf(stderr, "FAIL in place: %s: y[%lu] = %d, reference %d\n", desc, (unsigned long)j, io[j], ref[j]);
        ++failures;
        break;
      }
    free(io);
  }
  /* ConvInteger on the same data: the int32 sums, x_zp given or not. */
  {
    int32_t *y32 = (int32_t *)alloc_bytes(ny * sizeof(int32_t)), *r32 = (int32_t *)alloc_bytes(ny * sizeof(int32_t));
    const int no_xz = c->bias == 0; /* (any varying choice) */
    for (j = 0; j < ns; ++j) scratch[j] = 0xa5;
    if (c->unsigned_x) {
      aotc_conv_integer_u8_i8(x, w, no_xz ? NULL : &xz, c->per_channel ? wzs : NULL, r32, &geo, c->per_channel ? M : 1);
      (c->depthwise ? aotc_qconv_depthwise_int32_u8 : aotc_qconv_int32_u8)(x, no_xz ? NULL : &xz, (const int8_t *)wp,
                                                                           y32, scratch, &geo);
    } else {
      const int8_t xzs = (int8_t)xz;
      aotc_conv_integer_i8_i8((const int8_t *)x, w, no_xz ? NULL : &xzs, c->per_channel ? wzs : NULL, r32, &geo,
                              c->per_channel ? M : 1);
      (c->depthwise ? aotc_qconv_depthwise_int32_i8 : aotc_qconv_int32_i8)((const int8_t *)x, no_xz ? NULL : &xzs,
                                                                           (const int8_t *)wp, y32, scratch, &geo);
    }
    ++cases;
    if (memcmp(y32, r32, ny * sizeof(int32_t)) != 0 && ++failures <= 10)
      fprintf(stderr, "MISMATCH ConvInteger %s\n", desc);
    free(y32);
    free(r32);
  }
  ++cases;
  for (j = 0; j < ny; ++j)
    if (y[j] != ref[j]) {
      if (++failures <= 10)
        fprintf(stderr, "MISMATCH %s: out %d got %d want %d\n", desc, (int)j,
                c->unsigned_x ? (int)y[j] : (int)(int8_t)y[j], c->unsigned_x ? (int)ref[j] : (int)(int8_t)ref[j]);
      break;
    }
  free(x);
  free(y);
  free(ref);
  free(w);
  free(wp);
  free(wzs);
  free(scratch);
  free(bias);
  free(w_scale);
}

/* A 2D case: kernel KH x KW, stride S, pads PH/PW before and EH/EW after. */
static qcase case2d(int32_t G, int32_t Cg, int32_t Mg, int32_t H, int32_t W, int32_t KH, int32_t KW, int32_t S,
                    int32_t PH, int32_t PW, int32_t EH, int32_t EW) {
  qcase c;
  memset(&c, 0, sizeof c);
  c.N = 1, c.G = G, c.Cg = Cg, c.Mg = Mg;
  c.in[0] = 1, c.in[1] = H, c.in[2] = W;
  c.k[0] = 1, c.k[1] = KH, c.k[2] = KW;
  c.s[0] = 1, c.s[1] = S, c.s[2] = S;
  c.d[0] = c.d[1] = c.d[2] = 1;
  c.pb[1] = PH, c.pb[2] = PW, c.pe[1] = EH, c.pe[2] = EW;
  c.bias = 1;
  c.band = 64;
  c.depthwise = Cg == 1 && G > 1;
  return c;
}

/* Every variant of one geometry: x types, per-channel or not, bias, narrowed range, extremes. */
static void check_variants(qcase c) {
  int v;
  for (v = 0; v < 8; ++v) {
    c.unsigned_x = v & 1;
    c.per_channel = (v >> 1) & 1;
    c.narrow = v == 4 || v == 7;
    c.extreme = v == 5 || v == 6;
    c.bias = v != 2;
    check(&c);
  }
}

/* aotc_qconv_rint (Cortex-M's rintf) against rintf, and aotc_qconv_rq against the
 * float requantization: ties, the 2^22 edge, random floats. */
static void check_rint(void) {
  static const float edges[] = {0.5f,       1.5f,       2.5f,       -0.5f,      -1.5f,       -2.5f,      0.49999997f,
                                4194303.5f, 4194304.0f, 4194304.5f, 4194305.0f, -4194303.5f, -4194304.5f, 8388607.5f,
                                1e30f,      -1e30f,     0.0f,       -0.0f,      127.5f,      -128.5f,     255.5f};
  int32_t i, n = 0;
  for (i = 0; i < (int32_t)(sizeof edges / sizeof edges[0]) + 2000000; ++i) {
    float v;
    if (i < (int32_t)(sizeof edges / sizeof edges[0])) v = edges[i];
    else if (i % 2) v = (float)rnd(-2000000, 2000000) / (float)(1 << rnd(0, 12)); /* many ties */
    else {
      uint32_t u = rng() << 8 ^ rng();
      memcpy(&v, &u, sizeof v);
      if (v != v) continue;
    }
    /* aotc_qconv_rq (the integer rounding and clamp) as the float requantization. */
    {
      static const int32_t zr[][3] = {{0, 0, 255},      {128, 0, 255},   {255, 0, 255}, {0, -128, 127},
                                      {-128, -128, 127}, {127, -128, 127}, {5, 5, 200},  {-3, -3, 90},
                                      {-128, -100, 127}, {127, -128, 0}};
      int32_t z;
      for (z = 0; z < 10; ++z) {
        int32_t want;
        AOTC_QCONV_REQUANT(int32_t, 1, v, (float)zr[z][0], (float)zr[z][1], (float)zr[z][2], want);
        if (aotc_qconv_rq(1, v, 0x4B400000 - zr[z][0], zr[z][1], zr[z][2]) != want && ++failures <= 10)
          fprintf(stderr, "MISMATCH rq(%.9g, yz %d): got %d want %d\n", (double)v, (int)zr[z][0],
                  (int)aotc_qconv_rq(1, v, 0x4B400000 - zr[z][0], zr[z][1], zr[z][2]), (int)want);
        /* aotc_qconv_rqc (VCVTR, QADD, SSAT/USAT), narrowed when [lo, hi] is not the type's range. */
        {
          const int sgn = zr[z][1] < 0 || zr[z][0] < 0, full = zr[z][2] - zr[z][1] == 255;
          const int32_t got = aotc_qconv_rqc(1, v, zr[z][0], zr[z][1], zr[z][2], !full, sgn);
          if (got != want && ++failures <= 10)
            fprintf(stderr, "MISMATCH rqc(%.9g, yz %d): got %d want %d\n", (double)v, (int)zr[z][0], (int)got,
                    (int)want);
        }
      }
    }
    /* Equal, or a large |v| left as it is (it saturates either way). */
    ++n;
    if (!(aotc_qconv_rint(v) == rintf(v) || ((v > 4194304.0f || v < -4194304.0f) && aotc_qconv_rint(v) == v))) {
      if (++failures <= 10) fprintf(stderr, "MISMATCH rint(%.9g): got %.9g want %.9g\n", (double)v,
                                    (double)aotc_qconv_rint(v), (double)rintf(v));
    }
  }
  printf("%d roundings checked\n", (int)n);
}

int main(void) {
  static const int32_t kernels[][2] = {{1, 1}, {3, 3}, {5, 5}, {10, 4}, {1, 3}, {3, 1}, {2, 2}, {7, 7}};
  int32_t it;
  rng_state = 4242u;
  check_rint();
  /* KWS DS-CNN and MobileNetV1-0.25 (96x96) shapes. */
  check_variants(case2d(1, 1, 64, 49, 10, 10, 4, 2, 4, 1, 5, 2));
  check_variants(case2d(64, 1, 1, 25, 5, 3, 3, 1, 1, 1, 1, 1));
  check_variants(case2d(1, 64, 64, 25, 5, 1, 1, 1, 0, 0, 0, 0));
  check_variants(case2d(1, 3, 8, 96, 96, 3, 3, 2, 0, 0, 1, 1));
  check_variants(case2d(8, 1, 1, 48, 48, 3, 3, 1, 1, 1, 1, 1));
  check_variants(case2d(16, 1, 1, 48, 48, 3, 3, 2, 0, 0, 1, 1));
  check_variants(case2d(1, 8, 16, 48, 48, 1, 1, 1, 0, 0, 0, 0));
  check_variants(case2d(1, 256, 256, 3, 3, 1, 1, 1, 0, 0, 0, 0));
  /* Pointwise in place: more output channels than input ones, groups, odd pixel counts. */
  check_variants(case2d(1, 8, 10, 5, 3, 1, 1, 1, 0, 0, 0, 0));
  check_variants(case2d(3, 12, 8, 7, 3, 1, 1, 1, 0, 0, 0, 0));
  check_variants(case2d(2, 16, 16, 9, 5, 1, 1, 1, 0, 0, 0, 0));
  /* ResNet-8's 3x3 convs (x86: without im2col, several bands of rows), wide rows. */
  check_variants(case2d(1, 16, 16, 32, 32, 3, 3, 1, 1, 1, 1, 1));
  check_variants(case2d(1, 16, 32, 32, 32, 3, 3, 2, 1, 1, 1, 1));
  check_variants(case2d(1, 64, 64, 8, 8, 3, 3, 1, 1, 1, 1, 1));
  check_variants(case2d(1, 2, 4, 3, 150, 3, 3, 2, 1, 1, 1, 1));
  check_variants(case2d(3, 1, 1, 4, 150, 3, 3, 1, 1, 1, 1, 1));
  /* Single pixels (QGemm rows as 1x1 convs: aotc_qconv_gemv_<x>): the AD autoencoder's, KWS's and VWW's fc layers. */
  check_variants(case2d(1, 640, 128, 1, 1, 1, 1, 1, 0, 0, 0, 0));
  check_variants(case2d(1, 128, 8, 1, 1, 1, 1, 1, 0, 0, 0, 0));
  check_variants(case2d(1, 64, 12, 1, 1, 1, 1, 1, 0, 0, 0, 0));
  check_variants(case2d(1, 256, 2, 1, 1, 1, 1, 1, 0, 0, 0, 0));
  check_variants(case2d(1, 4096, 3, 1, 1, 1, 1, 1, 0, 0, 0, 0));
  /* Many taps at the ends of the ranges (int32 bounds of the fast path). */
  check_variants(case2d(1, 512, 5, 5, 5, 3, 3, 1, 1, 1, 1, 1));
  /* Random geometries. */
  for (it = 0; it < 3000; ++it) {
    const int32_t kk = rnd(0, 7), dims = rnd(1, 10) == 1 ? 3 : 2, kind = rnd(0, 2);
    qcase c;
    int32_t i;
    memset(&c, 0, sizeof c);
    c.N = rnd(1, 10) == 1 ? 2 : 1;
    /* kind 0: groups 1; 1: depthwise (2D); 2: other groups */
    c.G = kind == 0 ? 1 : kind == 1 ? rnd(2, 17) : rnd(2, 4);
    c.Cg = kind == 1 ? 1 : rnd(1, 19);
    c.Mg = kind == 1 ? (rnd(1, 4) == 1 ? 2 : 1) : rnd(1, 21);
    c.k[0] = 1, c.k[1] = kernels[kk][0], c.k[2] = kernels[kk][1];
    if (rng() % 2) c.k[1] = kernels[kk][1], c.k[2] = kernels[kk][0];
    c.in[0] = 1, c.s[0] = c.d[0] = 1;
    if (dims == 3 && kind != 1) c.in[0] = rnd(1, 5), c.k[0] = rnd(1, 3), c.s[0] = rnd(1, 2);
    for (i = 1; i < 3; ++i) {
      c.in[i] = rnd(1, 30);
      c.s[i] = rnd(1, 10) <= 7 ? rnd(1, 2) : 3;
      c.d[i] = rnd(1, 8) == 1 ? 2 : 1;
    }
    for (i = c.in[0] > 1 ? 0 : 1; i < 3; ++i) { /* no depth pads for 2D convs */
      c.pb[i] = c.k[i] > 1 || rng() % 4 == 0 ? rnd(0, 2) : 0;
      c.pe[i] = c.k[i] > 1 || rng() % 4 == 0 ? rnd(0, 2) : 0;
    }
    if (rng() % 4 == 0) /* pointwise */
      for (i = 0; i < 3; ++i) c.k[i] = c.s[i] = 1, c.pb[i] = c.pe[i] = 0;
    c.unsigned_x = (int)(rng() % 2);
    c.per_channel = (int)(rng() % 2);
    c.bias = rng() % 4 != 0;
    c.narrow = rng() % 4 == 0;
    c.extreme = rng() % 6 == 0;
    c.depthwise = kind == 1 && rng() % 4 != 0; /* depthwise geometries through the general kernel too */
    c.band = rng() % 2 ? 16 * rnd(1, 4) : rnd(1, 40);
    check(&c);
  }
  printf("%d quantized convs checked, %d mismatched\n", cases, failures);
  return failures ? 1 : 0;
}
