/*
 * Cortex-M instruction counts of the QLinearConv kernels: for each KWS DS-CNN
 * and MobileNetV1-0.25 shape of bench/qconv_shapes.h (uint8 x, per-channel scales), the reference
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
 * after the fast kernel), in the order of bench/qconv_shapes.h (the plugin
 * keeps 64 marks: the first 21 shapes).
 */
#include <stdint.h>
#include <string.h>

#include "kernel_common.h"
#include "conv.c"
#include "conv_int8.c"
#include "../qconv_shapes.h"

void bench_mark(void);
void bench_puts(const char *s);

static uint8_t x[16 * 48 * 48], y[16 * 48 * 48], ref[16 * 48 * 48];
static int8_t w[256 * 256], wp[256 * 256 + 4 * 256], wz[256];
static int32_t bias[256];
static float ws[256];
static uint32_t scratch[8192];

int main(void) {
  uint32_t s = 1u, i;
  size_t si;
  int bad = 0;
  for (i = 0; i < sizeof x; ++i) s = s * 1664525u + 1013904223u, x[i] = (uint8_t)(s >> 24);
  for (si = 0; si < QCONV_NUM_SHAPES; ++si) {
    const qconv_shape *sh = &qconv_shapes[si];
    const aotc_conv_params geo = qconv_shape_geo(sh, 8192);
    const int32_t OH = geo.out[1], OW = geo.out[2];
    const int32_t Cg = sh->C / sh->group, M = sh->M, K = Cg * sh->kh * sh->kw;
    const float xs = 0.02f, ys = 0.05f * (float)K / 16.0f;
    const uint8_t xz = 128, yz = 120;
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
