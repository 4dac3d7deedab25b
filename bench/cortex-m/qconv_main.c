/*
 * Cortex-M instruction counts of the QLinearConv kernels: for each KWS DS-CNN
 * and MobileNetV1-0.25 shape (uint8 x, per-channel scales), the reference
 * aotc_qlinearconv_u8_i8 (conv.c) and the fast aotc_qconv_* (conv_int8.c)
 * run between bench_mark() calls; the program checks they give the same bytes.
 * QEMU's instruction-count plugin (insncount.c) records the marks:
 *
 *   cc -shared -fPIC -O2 -o /tmp/insncount.so bench/cortex-m/insncount.c
 *   arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -O2 -std=c99 \
 *     -Iruntime-c/kernels bench/cortex-m/qconv_main.c bench/cortex-m/startup.c -nostartfiles \
 *     --specs=nosys.specs -T bench/cortex-m/cortex-m.ld -lm -o /tmp/qconv.elf
 *   qemu-system-arm -M mps2-an386 -nodefaults -display none -semihosting-config enable=on,target=native \
 *     -kernel /tmp/qconv.elf -plugin /tmp/insncount.so,mark=0x$(arm-none-eabi-nm /tmp/qconv.elf | \
 *     awk '$3 == "bench_mark" {print $1}'),out=/tmp/qconv.txt
 *
 * /tmp/qconv.txt then holds 3 marks per shape (before the reference, between,
 * after the fast kernel), in the order of `shapes` below.
 */
#include <stdint.h>
#include <string.h>

#include "kernel_common.h"
#include "conv.c"
#include "conv_int8.c"

void bench_mark(void);
void bench_puts(const char *s);

typedef struct {
  int32_t C, M, H, W, kh, kw, s, group, pt, pl, pb, pr;
} shape;

static const shape shapes[] = {
    {1, 64, 49, 10, 10, 4, 2, 1, 4, 1, 5, 2}, /* kws stem */
    {64, 64, 25, 5, 3, 3, 1, 64, 1, 1, 1, 1}, /* kws dw 3x3 */
    {64, 64, 25, 5, 1, 1, 1, 1, 0, 0, 0, 0},  /* kws pw 64->64 */
    {3, 8, 96, 96, 3, 3, 2, 1, 0, 0, 1, 1},   /* mnv1 stem */
    {32, 32, 24, 24, 3, 3, 1, 32, 1, 1, 1, 1}, /* mnv1 dw 3x3 24 */
    {32, 32, 24, 24, 1, 1, 1, 1, 0, 0, 0, 0},  /* mnv1 pw 32->32 24 */
    {128, 128, 6, 6, 1, 1, 1, 1, 0, 0, 0, 0},  /* mnv1 pw 128->128 6 */
};

static uint8_t x[3 * 96 * 96 + 64 * 25 * 5], y[64 * 25 * 5 * 4], ref[64 * 25 * 5 * 4];
static int8_t w[128 * 128], wp[128 * 128 + 4 * 128], wz[128];
static int32_t bias[128];
static float ws[128];
static uint32_t scratch[8192];

int main(void) {
  uint32_t s = 1u, i;
  size_t si;
  int bad = 0;
  for (i = 0; i < sizeof x; ++i) s = s * 1664525u + 1013904223u, x[i] = (uint8_t)(s >> 24);
  for (si = 0; si < sizeof shapes / sizeof shapes[0]; ++si) {
    const shape *sh = &shapes[si];
    const int32_t OH = (sh->H + sh->pt + sh->pb - sh->kh) / sh->s + 1, OW = (sh->W + sh->pl + sh->pr - sh->kw) / sh->s + 1;
    const int32_t Cg = sh->C / sh->group, M = sh->M, K = Cg * sh->kh * sh->kw;
    const float xs = 0.02f, ys = 0.05f * (float)K / 16.0f;
    const uint8_t xz = 128, yz = 120;
    aotc_conv_params geo;
    memset(&geo, 0, sizeof geo);
    geo.n = 1, geo.groups = sh->group, geo.cg = Cg, geo.mg = M / sh->group;
    geo.in[0] = 1, geo.in[1] = sh->H, geo.in[2] = sh->W, geo.out[0] = 1, geo.out[1] = OH, geo.out[2] = OW;
    geo.kernel[0] = 1, geo.kernel[1] = sh->kh, geo.kernel[2] = sh->kw, geo.stride[0] = 1, geo.stride[1] = sh->s;
    geo.stride[2] = sh->s, geo.dilation[0] = geo.dilation[1] = geo.dilation[2] = 1, geo.pad[1] = sh->pt;
    geo.pad[2] = sh->pl;
    geo.method = sh->kh * sh->kw * sh->s == 1 && sh->pt + sh->pl + sh->pb + sh->pr == 0 ? AOTC_CONV_POINTWISE
                                                                                       : AOTC_CONV_SHIFTED;
    /* ops/conv.cpp on Cortex-M: bands of at most 8 KB (--max-scratch), 16..256 pixels. */
    geo.band = 8192 / K / 16 * 16;
    geo.band = geo.band < 16 ? 16 : geo.band > 256 ? 256 : geo.band;
    for (i = 0; i < (uint32_t)(M * K); ++i) s = s * 1664525u + 1013904223u, w[i] = (int8_t)(s >> 24);
    for (i = 0; i < (uint32_t)M; ++i)
      ws[i] = 0.001f + 0.0001f * (float)(i % 50), bias[i] = (int32_t)(i * 997 % 40000) - 20000, wz[i] = 0;
    aotc_qconv_pack_i8(w, wp, M, K);
    bench_mark();
    aotc_qlinearconv_u8_i8(x, &xs, &xz, w, ws, wz, &ys, &yz, bias, ref, &geo, 1);
    bench_mark();
    (Cg == 1 && sh->group > 1 ? aotc_qconv_depthwise_u8 : aotc_qconv_u8)(x, &xs, &xz, wp, ws, &ys, &yz, bias, y,
                                                                         scratch, &geo, 1, 0, 255);
    bench_mark();
    if (memcmp(y, ref, (size_t)M * OH * OW) != 0) bad = 1;
  }
  bench_puts(bad ? "qconv: MISMATCH\n" : "qconv: outputs identical\n");
  return bad;
}
