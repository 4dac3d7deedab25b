/*
 * qconv_shapes.h -- the conv shapes bench/qconv_bench.c (host) and
 * bench/cortex-m/qconv_main.c (Cortex-M4 under QEMU) time the QLinearConv
 * kernels on: KWS DS-CNN and MobileNetV1-0.25 at 96x96, one image. Include
 * after the kernel files.
 */
#ifndef AOTC_QCONV_SHAPES_H
#define AOTC_QCONV_SHAPES_H

typedef struct {
  const char *name;
  int32_t C, M, H, W, kh, kw, s, group, pt, pl, pb, pr; /* pads: top, left, bottom, right */
} qconv_shape;

static const qconv_shape qconv_shapes[] = {
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
#define QCONV_NUM_SHAPES (sizeof qconv_shapes / sizeof qconv_shapes[0])

/* The geometry ops/conv.cpp gives the kernels, with im2col bands of at most
 * band_bytes (16 KB on the host; the --max-scratch cap, 8 KB, on Cortex-M). */
static aotc_conv_params qconv_shape_geo(const qconv_shape *s, int32_t band_bytes) {
  aotc_conv_params geo;
  const int32_t K = s->C / s->group * s->kh * s->kw;
  memset(&geo, 0, sizeof geo);
  geo.n = 1, geo.groups = s->group, geo.cg = s->C / s->group, geo.mg = s->M / s->group;
  geo.in[0] = 1, geo.in[1] = s->H, geo.in[2] = s->W, geo.out[0] = 1;
  geo.out[1] = (s->H + s->pt + s->pb - s->kh) / s->s + 1, geo.out[2] = (s->W + s->pl + s->pr - s->kw) / s->s + 1;
  geo.kernel[0] = 1, geo.kernel[1] = s->kh, geo.kernel[2] = s->kw, geo.stride[0] = 1, geo.stride[1] = s->s;
  geo.stride[2] = s->s, geo.dilation[0] = geo.dilation[1] = geo.dilation[2] = 1, geo.pad[1] = s->pt;
  geo.pad[2] = s->pl;
  geo.method = s->kh * s->kw * s->s == 1 && s->pt + s->pl + s->pb + s->pr == 0 ? AOTC_CONV_POINTWISE
                                                                                : AOTC_CONV_SHIFTED;
  geo.band = band_bytes / K / 16 * 16;
  geo.band = geo.band < 16 ? 16 : geo.band > 256 ? 256 : geo.band;
  return geo;
}
#endif
