/*
 * qlinear.c -- ONNX Runtime's contrib (com.microsoft) quantized ops, with the
 * arithmetic of ORT's x86-64 CPU kernels (MLAS, as onnxruntime-node 1.30 runs
 * them on an AVX2/AVX512 machine), so that aotc's outputs match ONNX
 * Runtime's bit for bit: QLinearAdd, QLinearMul, QLinearSigmoid,
 * QLinearLeakyRelu, QLinearGlobalAveragePool, QLinearAveragePool,
 * QLinearConcat, QLinearSoftmax, QGemm (ops/quantize_contrib.cpp lowers them;
 * tests/data/ms_ops holds ORT's outputs they are checked against exactly).
 *
 * Every float operation below is one C statement on purpose: where ORT rounds
 * after a multiply and again after an add, so must we (a compiler may fuse
 * a*b+c written in one expression into an FMA; build without FP contraction
 * across statements, as gcc does under -std=c99); where ORT uses an FMA, we
 * call fmaf. Rounding to int is to nearest even (rintf, default rounding mode).
 */
#include "kernel_common.h"

/*
 * x86's float -> int32 conversion (cvtps2dq): to nearest even, and INT32_MIN
 * ("integer indefinite") for NaN and values out of range -- without C's UB.
 */
static AOTC_UNUSED int32_t aotc_ql_cvt(float v) {
  if (v >= -2147483648.0f && v < 2147483648.0f) return (int32_t)aotc_rintf_z(v);
  return INT32_MIN;
}

static AOTC_UNUSED int32_t aotc_ql_sat(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

/*
 * MlasQuantizeLinear (its AVX512F kernel on x86-64): x / scale clamped to
 * [lo - zp, hi - zp] (NaN gives lo - zp, as MAXPS returns its second
 * operand), rounded to nearest even, plus zp.
 */
static AOTC_UNUSED int32_t aotc_ql_quantize(float x, float scale, int32_t zp, int32_t lo, int32_t hi) {
  const float min_v = (float)(lo - zp), max_v = (float)(hi - zp);
  float v = x / scale;
  v = v >= min_v ? v : min_v;
  v = v <= max_v ? v : max_v;
  return (int32_t)aotc_rintf_z(v) + zp;
}

/*
 * QLinearAdd (MUL 0) and QLinearMul (MUL 1), broadcasting, over runs of the
 * innermost dimension as ORT's broadcaster splits the output.
 *
 * Add, as MlasQLinearAddKernelAvx2Helper: with rA = sa / sy, rB = sb / sy and
 * fixed = zy - (rA za + rB zb) (gcc fused that sum as fma(rA, za, rB zb)),
 * y = round(fma(a, rA, fma(b, rB, fixed))) saturated. When ORT's broadcaster
 * sees B constant along the innermost run, it adds rB b into `fixed` once
 * per run, fused too, and computes round(fma(a, rA, fixed)); when A is the
 * constant one, ORT passes the operands swapped (A <-> B, scales and zero
 * points with them). The kernel picks the case from the innermost strides,
 * as ORT's broadcaster does.
 *
 * Mul, as MLAS's SSE2 kernel (x86-64 has no wider one): the exact integer
 * product (a - za)(b - zb), times (sa * sb) / sy, plus zy, each step rounded
 * to float, then rounded to nearest even and saturated. It is symmetric, so
 * the swap does not matter.
 */
#define AOTC_QLINEAR_BINARY(NAME, T, LO, HI, MUL)                                                                  \
  AOTC_KERNEL void NAME(const T *a, const float *a_scale, const T *a_zp, const T *b, const float *b_scale,         \
                        const T *b_zp, const float *y_scale, const T *y_zp, T *y, int32_t rank, const int32_t *dims, \
                        const int32_t *a_strides, const int32_t *b_strides) {                                       \
    int32_t idx[AOTC_MAX_RANK] = {0};                                                                               \
    int32_t off[2] = {0, 0};                                                                                        \
    const int32_t *strides[2];                                                                                      \
    const int32_t n = rank > 0 ? dims[rank - 1] : 1;                                                                \
    const int32_t sa0 = rank > 0 ? a_strides[rank - 1] : 0, sb0 = rank > 0 ? b_strides[rank - 1] : 0;               \
    const int swap = sa0 == 0 && sb0 != 0; /* ORT's "input 0 is scalar" case */                                   \
    const int scalar_b = swap || (sb0 == 0 && sa0 != 0);                                                            \
    const float sy = *y_scale;                                                                                      \
    const float ra = (swap ? *b_scale : *a_scale) / sy, rb = (swap ? *a_scale : *b_scale) / sy;                     \
    const int32_t za = swap ? (b_zp ? (int32_t)*b_zp : 0) : (a_zp ? (int32_t)*a_zp : 0);                            \
    const int32_t zb = swap ? (a_zp ? (int32_t)*a_zp : 0) : (b_zp ? (int32_t)*b_zp : 0);                            \
    const int32_t zy = y_zp ? (int32_t)*y_zp : 0;                                                                   \
    const float zb_part = rb * (float)zb;                                                                           \
    const float zab = fmaf(ra, (float)za, zb_part);                                                                 \
    const float fixed = (float)zy - zab;                                                                            \
    const float sab = *a_scale * *b_scale;                                                                          \
    const float ratio = sab / sy;                                                                                   \
    int32_t i0;                                                                                                     \
    strides[0] = a_strides;                                                                                         \
    strides[1] = b_strides;                                                                                         \
    for (i0 = 0; i0 < rank; ++i0)                                                                                   \
      if (dims[i0] == 0) return;                                                                                    \
    do {                                                                                                            \
      const T *pa = swap ? b + off[1] : a + off[0];                                                                 \
      const T *pb = swap ? a + off[0] : b + off[1];                                                                 \
      const int32_t step = swap ? sb0 : sa0;                                                                        \
      const int32_t step_b = swap ? sa0 : sb0;                                                                      \
      const float run_fixed = fmaf((float)pb[0], rb, fixed);                                                        \
      int32_t i;                                                                                                    \
      for (i = 0; i < n; ++i) {                                                                                     \
        const int32_t xa = pa[(ptrdiff_t)i * step], xb = pb[(ptrdiff_t)i * step_b];                                 \
        float t;                                                                                                    \
        if (MUL) {                                                                                                  \
          const float scaled = (float)((xa - za) * (xb - zb)) * ratio;                                              \
          t = scaled + (float)zy;                                                                                   \
        } else {                                                                                                    \
          t = fmaf((float)xa, ra, scalar_b ? run_fixed : fmaf((float)xb, rb, fixed));                               \
        }                                                                                                           \
        y[i] = (T)aotc_ql_sat(aotc_ql_cvt(t), LO, HI);                                                              \
      }                                                                                                             \
      y += n;                                                                                                       \
    } while (aotc_next_index(rank, 1, dims, idx, 2, off, strides));                                                 \
  }
AOTC_QLINEAR_BINARY(aotc_qlinear_add_u8, uint8_t, 0, 255, 0)
AOTC_QLINEAR_BINARY(aotc_qlinear_add_i8, int8_t, -128, 127, 0)
AOTC_QLINEAR_BINARY(aotc_qlinear_mul_u8, uint8_t, 0, 255, 1)
AOTC_QLINEAR_BINARY(aotc_qlinear_mul_i8, int8_t, -128, 127, 1)

/*
 * The logistic function as MLAS's FMA3 kernel computes it (x86-64 with AVX2):
 * Eigen's rational approximation on x clamped to [-18, 18], p / q + 0.5,
 * clamped below at 0 (that kernel does not clamp at 1).
 */
static AOTC_UNUSED float aotc_ql_logistic(float x) {
  float v = x < -18.0f ? -18.0f : x, x2, p, q, r;
  v = v > 18.0f ? 18.0f : v;
  x2 = v * v;
  p = fmaf(x2, 4.37031012579801e-11f, 1.15627324459942e-07f);
  p = fmaf(x2, p, 6.08574864600143e-05f);
  p = fmaf(x2, p, 8.51377133304701e-03f);
  p = fmaf(x2, p, 2.48287947061529e-01f);
  q = fmaf(x2, 6.10247389755681e-13f, 5.76102136993427e-09f);
  q = fmaf(x2, q, 6.29106785017040e-06f);
  q = fmaf(x2, q, 1.70198817374094e-03f);
  q = fmaf(x2, q, 1.16817656904453e-01f);
  q = fmaf(x2, q, 9.93151921023180e-01f);
  p = v * p;
  r = p / q;
  r = r + 0.5f;
  return r > 0.0f ? r : 0.0f;
}

/*
 * QLinearSigmoid and QLinearLeakyRelu: like ORT, a table of all 256 inputs,
 * each dequantized (x_scale * (x - x_zp)), transformed, and quantized by
 * MlasQuantizeLinear; then one lookup per element. kind: 0 sigmoid, 1 leaky
 * relu (alpha).
 */
#define AOTC_QLINEAR_LOOKUP(NAME, T, LO, HI)                                                                       \
  AOTC_KERNEL void NAME(const T *x, const float *x_scale, const T *x_zp, const float *y_scale, const T *y_zp, T *y, \
                        int32_t count, int32_t kind, float alpha) {                                                 \
    T table[256];                                                                                                   \
    const int32_t zx = x_zp ? (int32_t)*x_zp : 0, zy = y_zp ? (int32_t)*y_zp : 0;                                  \
    int32_t i;                                                                                                      \
    for (i = 0; i < 256; ++i) {                                                                                     \
      const int32_t xi = (int32_t)(T)(LO + i);                                                                      \
      const float v = *x_scale * (float)(xi - zx);                                                                  \
      const float f = kind == 0 ? aotc_ql_logistic(v) : (v >= 0.0f ? v : alpha * v);                                \
      table[(uint8_t)(T)xi] = (T)aotc_ql_quantize(f, *y_scale, zy, LO, HI);                                         \
    }                                                                                                               \
    for (i = 0; i < count; ++i) y[i] = table[(uint8_t)x[i]];                                                        \
  }
AOTC_QLINEAR_LOOKUP(aotc_qlinear_lookup_u8, uint8_t, 0, 255)
AOTC_QLINEAR_LOOKUP(aotc_qlinear_lookup_i8, int8_t, -128, 127)

/*
 * QLinearGlobalAveragePool (and QLinearAveragePool over a whole unpadded
 * input, which ORT runs as one), as MLAS's SSE2 kernels: the exact integer
 * sum minus x_zp * image, times x_scale / (y_scale * image) in float,
 * clamped to [lo - y_zp, hi - y_zp], rounded to nearest even, plus y_zp.
 * aotc checks the range ORT's kernel accepts (image < 2^24, the float
 * scale in [2^-32, 256)) at compile time. channels_last: X is N x image x C.
 */
#define AOTC_QLINEAR_GLOBAL_AVGPOOL(NAME, T, LO, HI)                                                            \
  AOTC_KERNEL void NAME(const T *x, const float *x_scale, const T *x_zp, const float *y_scale, const T *y_zp, T *y, \
                        int32_t n, int32_t c, int32_t image, int32_t channels_last) {                              \
    const int32_t zx = x_zp ? (int32_t)*x_zp : 0, zy = y_zp ? (int32_t)*y_zp : 0;                                  \
    const float denom = *y_scale * (float)image;                                                                   \
    const float scale = *x_scale / denom;                                                                          \
    const float min_v = (float)(LO - zy), max_v = (float)(HI - zy);                                                \
    int32_t b, ch, i;                                                                                              \
    for (b = 0; b < n; ++b)                                                                                        \
      for (ch = 0; ch < c; ++ch) {                                                                                 \
        const T *px = channels_last ? x + (ptrdiff_t)b * image * c + ch : x + ((ptrdiff_t)b * c + ch) * image;     \
        const ptrdiff_t step = channels_last ? c : 1;                                                              \
        /* wraps modulo 2^32 as ORT's SIMD adds do (2^24 x 255 exceeds int32) */                                 \
        uint32_t acc = (uint32_t)(-zx) * (uint32_t)image;                                                          \
        float v;                                                                                                   \
        for (i = 0; i < image; ++i) acc += (uint32_t)(int32_t)px[(ptrdiff_t)i * step];                             \
        v = (float)(int32_t)acc * scale;                                                                           \
        v = v >= min_v ? v : min_v;                                                                                \
        v = v <= max_v ? v : max_v;                                                                                \
        y[(ptrdiff_t)b * c + ch] = (T)((int32_t)aotc_rintf_z(v) + zy);                                            \
      }                                                                                                            \
  }
AOTC_QLINEAR_GLOBAL_AVGPOOL(aotc_qlinear_global_avgpool_u8, uint8_t, 0, 255)
AOTC_QLINEAR_GLOBAL_AVGPOOL(aotc_qlinear_global_avgpool_i8, int8_t, -128, 127)

/*
 * QLinearAveragePool, as ORT's contrib kernel: X dequantized to float
 * (x_scale * (x - x_zp)), summed in float over the window clipped to the
 * input (rows, then columns, then depth), divided by the window size (the
 * whole kernel with count_include_pad, else the clipped part), and quantized
 * as (int32_t)nearbyintf(v / y_scale + y_zp) clamped to [LO, HI] (out of
 * int32 range that conversion gives INT32_MIN on x86: aotc_ql_cvt). Dilations do not
 * exist for this op. channels_last: X is N x D x H x W x C, with p->channels
 * = N * C.
 */
#define AOTC_QLINEAR_AVGPOOL(NAME, T, LO, HI)                                                                   \
  AOTC_KERNEL void NAME(const T *x, const float *x_scale, const T *x_zp, const float *y_scale, const T *y_zp, T *y, \
                        const aotc_pool_params *p, int32_t count_include_pad, int32_t channels_last) {             \
    const int32_t zx = x_zp ? (int32_t)*x_zp : 0, zy = y_zp ? (int32_t)*y_zp : 0;                                  \
    const int32_t in_image = p->in[0] * p->in[1] * p->in[2], out_image = p->out[0] * p->out[1] * p->out[2];        \
    const int32_t c = channels_last > 0 ? channels_last : 1;                                                       \
    const int32_t kernel_size = p->kernel[0] * p->kernel[1] * p->kernel[2];                                        \
    int32_t ch, o[3], i[3];                                                                                        \
    for (ch = 0; ch < p->channels; ++ch) {                                                                         \
      /* NCHW: image ch is contiguous; NHWC: batch ch / c, channel ch % c, stride c */                             \
      const ptrdiff_t x0 = channels_last ? (ptrdiff_t)(ch / c) * in_image * c + ch % c : (ptrdiff_t)ch * in_image;  \
      const ptrdiff_t y0 = channels_last ? (ptrdiff_t)(ch / c) * out_image * c + ch % c : (ptrdiff_t)ch * out_image; \
      for (o[0] = 0; o[0] < p->out[0]; ++o[0])                                                                     \
        for (o[1] = 0; o[1] < p->out[1]; ++o[1])                                                                   \
          for (o[2] = 0; o[2] < p->out[2]; ++o[2]) {                                                               \
            int32_t s[3], e[3], d, cnt;                                                                            \
            float sum = 0.0f, q;                                                                                   \
            for (d = 0; d < 3; ++d) {                                                                              \
              s[d] = o[d] * p->stride[d] - p->pad[d];                                                              \
              e[d] = s[d] + p->kernel[d] < p->in[d] ? s[d] + p->kernel[d] : p->in[d];                              \
              s[d] = s[d] > 0 ? s[d] : 0;                                                                          \
            }                                                                                                      \
            for (i[0] = s[0]; i[0] < e[0]; ++i[0])                                                                 \
              for (i[1] = s[1]; i[1] < e[1]; ++i[1])                                                               \
                for (i[2] = s[2]; i[2] < e[2]; ++i[2]) {                                                           \
                  const ptrdiff_t at = ((ptrdiff_t)i[0] * p->in[1] + i[1]) * p->in[2] + i[2];                      \
                  const float v = *x_scale * (float)((int32_t)x[x0 + at * c] - zx);                                \
                  sum = sum + v;                                                                                   \
                }                                                                                                  \
            cnt = count_include_pad ? kernel_size : (e[0] - s[0]) * (e[1] - s[1]) * (e[2] - s[2]);                 \
            sum = sum / (float)cnt;                                                                                \
            q = sum / *y_scale;                                                                                    \
            q = q + (float)zy;                                                                                     \
            y[y0 + (((ptrdiff_t)o[0] * p->out[1] + o[1]) * p->out[2] + o[2]) * c] =                                \
                (T)aotc_ql_sat(aotc_ql_cvt(q), LO, HI);                                                            \
          }                                                                                                        \
    }                                                                                                              \
  }
AOTC_QLINEAR_AVGPOOL(aotc_qlinear_avgpool_u8, uint8_t, 0, 255)
AOTC_QLINEAR_AVGPOOL(aotc_qlinear_avgpool_i8, int8_t, -128, 127)

/*
 * One input of QLinearConcat: rows of n values of x (outer of them) to
 * y + offset, rows `row` apart, requantized from (x_scale, x_zp) to
 * (y_scale, y_zp) through ORT's table (dequantize, MlasQuantizeLinear), or
 * copied where the scales and zero points are equal, as ORT does.
 */
#define AOTC_QLINEAR_CONCAT_PART(NAME, T, LO, HI)                                                                 \
  AOTC_KERNEL void NAME(const T *x, const float *x_scale, const T *x_zp, const float *y_scale, const T *y_zp, T *y, \
                        int32_t outer, int32_t n, int32_t row, int32_t offset) {                                   \
    T table[256];                                                                                                   \
    const int32_t zx = x_zp ? (int32_t)*x_zp : 0, zy = y_zp ? (int32_t)*y_zp : 0;                                  \
    const int copy = *x_scale == *y_scale && zx == zy;                                                              \
    int32_t o, i;                                                                                                   \
    for (i = 0; i < 256 && !copy; ++i) {                                                                            \
      const int32_t xi = (int32_t)(T)(LO + i);                                                                      \
      table[(uint8_t)(T)xi] = (T)aotc_ql_quantize(*x_scale * (float)(xi - zx), *y_scale, zy, LO, HI);               \
    }                                                                                                               \
    for (o = 0; o < outer; ++o) {                                                                                   \
      const T *px = x + (ptrdiff_t)o * n;                                                                           \
      T *py = y + offset + (ptrdiff_t)o * row;                                                                      \
      for (i = 0; i < n; ++i) py[i] = copy ? px[i] : table[(uint8_t)px[i]];                                         \
    }                                                                                                               \
  }
AOTC_QLINEAR_CONCAT_PART(aotc_qlinear_concat_part_u8, uint8_t, 0, 255)
AOTC_QLINEAR_CONCAT_PART(aotc_qlinear_concat_part_i8, int8_t, -128, 127)

/*
 * QLinearSoftmax, as ORT's contrib kernel: a float table of
 * e^((i - 255 + shift) x_scale) for i in 0..255, computed in double, where
 * shift = max(0, ln(FLT_MAX / d) - 5) / x_scale keeps the sum of d of
 * them finite; per fiber, with d = x - max(x) in [-255, 0],
 * e = table[255 + d], sum = the e's added in order (float), and
 * y = nearbyintf(e * floor(1 / y_scale) / sum) + y_zp, saturated (ORT 1.30
 * saturates int8 too; older versions wrapped it). The fibers are
 * `d` values `inner` apart (opset 13: one axis; before: the flattened tail).
 * The table is computed at compile time for a constant x_scale
 * (aotc.QLinearSoftmaxTable; 256 double exp() were 85% of int8 MNIST's run),
 * else here (table NULL).
 */
AOTC_KERNEL void aotc_qlinear_softmax_table(const float *x_scale, float *table, int32_t d) {
  double shift = log((double)(FLT_MAX / (float)d)) - 5.0;
  int32_t k;
  shift = (shift > 0.0 ? shift : 0.0) / (double)*x_scale;
  for (k = 0; k < 256; ++k) table[k] = (float)exp(((double)k - 255.0 + shift) * (double)*x_scale);
}
#define AOTC_QLINEAR_SOFTMAX(NAME, T, LO, HI)                                                                           \
  AOTC_KERNEL void NAME(const T *x, const float *x_scale, const float *table, const float *y_scale, const T *y_zp,  \
                        T *y, int32_t outer, int32_t d, int32_t inner) {                                            \
    float own[256];                                                                                                 \
    const float ys = (float)floor((double)(1.0f / *y_scale));                                                       \
    const int32_t zy = y_zp ? (int32_t)*y_zp : 0;                                                                   \
    int32_t o, in, k;                                                                                               \
    if (!table) {                                                                                                   \
      aotc_qlinear_softmax_table(x_scale, own, d);                                                                  \
      table = own;                                                                                                  \
    }                                                                                                               \
    for (o = 0; o < outer; ++o)                                                                                     \
      for (in = 0; in < inner; ++in) {                                                                              \
        const ptrdiff_t base = (ptrdiff_t)o * d * inner + in;                                                       \
        int32_t xmax = x[base];                                                                                     \
        float sum = 0.0f;                                                                                           \
        for (k = 1; k < d; ++k) xmax = x[base + (ptrdiff_t)k * inner] > xmax ? x[base + (ptrdiff_t)k * inner] : xmax; \
        for (k = 0; k < d; ++k) sum = sum + table[255 + x[base + (ptrdiff_t)k * inner] - xmax];                     \
        for (k = 0; k < d; ++k) {                                                                                   \
          const float e = table[255 + x[base + (ptrdiff_t)k * inner] - xmax];                                       \
          const float num = e * ys;                                                                                 \
          y[base + (ptrdiff_t)k * inner] = (T)aotc_ql_sat(aotc_ql_cvt(num / sum) + zy, LO, HI);                    \
        }                                                                                                           \
      }                                                                                                             \
  }
AOTC_QLINEAR_SOFTMAX(aotc_qlinear_softmax_u8, uint8_t, 0, 255)
AOTC_QLINEAR_SOFTMAX(aotc_qlinear_softmax_i8, int8_t, -128, 127)

/*
 * QGemm: the exact int32 sum over k of (a - a_zp)(b - b_zp[n]) plus the bias
 * (wrapping modulo 2^32 like MLAS's integer adds; AVX512-VNNI has no 16-bit
 * saturation), then with scale[n] = alpha * a_scale * b_scale[n] (/ y_scale):
 * float output scale * acc (no y_zero_point), or MLAS's requantization,
 * acc * scale clamped to [lo - y_zp, hi - y_zp], rounded to nearest even,
 * plus y_zp.
 */
#define AOTC_QGEMM(NAME, TA, TB, TY, LO, HI, FLOAT_OUT)                                                     \
  AOTC_KERNEL void NAME(const TA *a, const float *a_scale, const TA *a_zp, const TB *b, const float *b_scale,      \
                        const TB *b_zp, const int32_t *c, const float *y_scale, const TY *y_zp, TY *y,             \
                        const aotc_qgemm_params *p, float alpha) {                                                 \
    const int32_t za = a_zp ? (int32_t)*a_zp : 0, zy = y_zp ? (int32_t)*y_zp : 0;                                \
    const float min_v = (float)(LO - zy), max_v = (float)(HI - zy);                                               \
    int32_t m, n, k;                                                                                              \
    for (m = 0; m < p->m; ++m)                                                                                    \
      for (n = 0; n < p->n; ++n) {                                                                                \
        const int32_t zb = b_zp ? (int32_t)b_zp[p->b_per_column ? n : 0] : 0;                                     \
        float scale = alpha * *a_scale, v;                                                                        \
        uint32_t acc = c ? (uint32_t)c[(ptrdiff_t)p->c_row_stride * m + (ptrdiff_t)p->c_col_stride * n] : 0u;      \
        for (k = 0; k < p->k; ++k) {                                                                              \
          const TA av = a[p->trans_a ? (ptrdiff_t)k * p->m + m : (ptrdiff_t)m * p->k + k];                         \
          const TB bv = b[p->trans_b ? (ptrdiff_t)n * p->k + k : (ptrdiff_t)k * p->n + n];                         \
          acc += (uint32_t)(((int32_t)av - za) * ((int32_t)bv - zb));                                             \
        }                                                                                                         \
        scale = scale * b_scale[p->b_per_column ? n : 0];                                                         \
        if (y_scale) scale = scale / *y_scale;                                                                    \
        v = (float)(int32_t)acc * scale;                                                                          \
        if (!FLOAT_OUT) {                                                                                         \
          v = v >= min_v ? v : min_v;                                                                             \
          v = v <= max_v ? v : max_v;                                                                             \
          v = aotc_rintf_z(v) + (float)zy;                                                                        \
        }                                                                                                         \
        y[(ptrdiff_t)m * p->n + n] = (TY)v;                                                                       \
      }                                                                                                           \
  }
AOTC_QGEMM(aotc_qgemm_u8_u8_u8, uint8_t, uint8_t, uint8_t, 0, 255, 0)
AOTC_QGEMM(aotc_qgemm_u8_i8_u8, uint8_t, int8_t, uint8_t, 0, 255, 0)
AOTC_QGEMM(aotc_qgemm_i8_i8_i8, int8_t, int8_t, int8_t, -128, 127, 0)
AOTC_QGEMM(aotc_qgemm_u8_u8_f32, uint8_t, uint8_t, float, 0, 0, 1)
AOTC_QGEMM(aotc_qgemm_u8_i8_f32, uint8_t, int8_t, float, 0, 0, 1)
AOTC_QGEMM(aotc_qgemm_i8_i8_f32, int8_t, int8_t, float, 0, 0, 1)
