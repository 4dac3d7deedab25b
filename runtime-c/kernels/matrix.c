/*
 * matrix.c -- Trilu, EyeLike, OneHot and Det.
 *
 * Trilu and EyeLike move elements of `elem` bytes without looking at them
 * (dtype agnostic); OneHot has one kernel per index type, Det per float type.
 */
#include "kernel_common.h"

/*
 * Trilu over `batch` matrices [rows, cols]: keeps element (i, j) if
 * j - i >= k (upper) or j - i <= k (lower), else writes zero bytes. aotc
 * clamps k to [-rows, cols] so that j - i and k compare without overflow.
 */
AOTC_KERNEL void aotc_trilu(const void *x, void *y, int32_t elem, int32_t batch, int32_t rows, int32_t cols,
                            int32_t k, int32_t upper) {
  const uint8_t *src = (const uint8_t *)x;
  uint8_t *dst = (uint8_t *)y;
  int32_t b, i;
  size_t row_bytes = (size_t)cols * (size_t)elem;
  for (b = 0; b < batch; ++b) {
    for (i = 0; i < rows; ++i) {
      /* Kept columns: [lo, hi). */
      int32_t lo = upper ? i + k : 0, hi = upper ? cols : i + k + 1;
      if (lo < 0) lo = 0;
      if (hi > cols) hi = cols;
      if (lo > hi) lo = hi;
      memset(dst, 0, row_bytes);
      if (hi > lo)
        memcpy(dst + (size_t)lo * (size_t)elem, src + (size_t)lo * (size_t)elem, (size_t)(hi - lo) * (size_t)elem);
      src += row_bytes;
      dst += row_bytes;
    }
  }
}

/*
 * EyeLike: y [rows, cols] zero except y[i][i + k] = one (`elem` bytes given
 * as int32 words). aotc clamps k to [-rows, cols].
 */
AOTC_KERNEL void aotc_eyelike(void *y, int32_t elem, int32_t rows, int32_t cols, int32_t k, const int32_t *one) {
  uint8_t *dst = (uint8_t *)y;
  int32_t i;
  memset(dst, 0, (size_t)rows * (size_t)cols * (size_t)elem);
  for (i = 0; i < rows; ++i) {
    int32_t j = i + k;
    if (j >= 0 && j < cols) memcpy(dst + ((size_t)i * (size_t)cols + (size_t)j) * (size_t)elem, one, (size_t)elem);
  }
}

/*
 * OneHot: indices seen as [outer, inner], y as [outer, depth, inner];
 * y[o][d][i] = values[1] if index[o][i] (plus depth when negative) == d,
 * else values[0]. `values` holds the two elements of `elem` bytes. Float
 * indices truncate toward zero; out-of-range ones give an all-off row.
 */
#define AOTC_ONEHOT(SFX, T, TO_I64)                                                                        \
  AOTC_KERNEL void aotc_onehot_##SFX(const T *indices, const void *values, void *y, int32_t elem,         \
                                     int32_t outer, int32_t depth, int32_t inner) {                        \
    const uint8_t *off = (const uint8_t *)values, *on = off + elem;                                        \
    uint8_t *dst = (uint8_t *)y;                                                                           \
    int32_t o, d, i;                                                                                       \
    for (o = 0; o < outer; ++o)                                                                            \
      for (d = 0; d < depth; ++d)                                                                          \
        for (i = 0; i < inner; ++i) {                                                                      \
          int64_t v = TO_I64(indices[(ptrdiff_t)o * inner + i]);                                           \
          if (v < 0) v += depth;                                                                           \
          memcpy(dst, v == d ? on : off, (size_t)elem);                                                    \
          dst += elem;                                                                                     \
        }                                                                                                  \
  }

/* Float to int64 truncating toward zero; NaN and out-of-range values give -1 - 2^62 (never a valid index). */
static AOTC_UNUSED int64_t aotc_mx_f2i(double d) {
  if (!(d > -4611686018427387904.0 && d < 4611686018427387904.0)) return -4611686018427387905LL;
  return (int64_t)d;
}
#define AOTC_MX_I64(v) ((int64_t)(v))
/* uint64 indices past INT64_MAX are out of range anyway. */
#define AOTC_MX_U64(v) ((v) > (uint64_t)INT64_MAX ? (int64_t)-4611686018427387905LL : (int64_t)(v))
#define AOTC_MX_F(v) aotc_mx_f2i((double)(v))
#define AOTC_MX_F16(v) aotc_mx_f2i((double)aotc_half_to_float(v))
AOTC_ONEHOT(f32, float, AOTC_MX_F)
AOTC_ONEHOT(f64, double, AOTC_MX_F)
AOTC_ONEHOT(f16, uint16_t, AOTC_MX_F16)
AOTC_ONEHOT(i8, int8_t, AOTC_MX_I64)
AOTC_ONEHOT(i16, int16_t, AOTC_MX_I64)
AOTC_ONEHOT(i32, int32_t, AOTC_MX_I64)
AOTC_ONEHOT(i64, int64_t, AOTC_MX_I64)
AOTC_ONEHOT(u8, uint8_t, AOTC_MX_I64)
AOTC_ONEHOT(u16, uint16_t, AOTC_MX_I64)
AOTC_ONEHOT(u32, uint32_t, AOTC_MX_I64)
AOTC_ONEHOT(u64, uint64_t, AOTC_MX_U64)

/*
 * Det of `batch` matrices [n, n], by LU decomposition with partial pivoting
 * in double. scratch: n * n doubles.
 */
#define AOTC_DET(SFX, T, LOAD, STORE)                                                          \
  AOTC_KERNEL void aotc_det_##SFX(const T *x, T *y, int32_t batch, int32_t n, void *scratch) { \
    double *a = (double *)scratch;                                                             \
    int32_t b, i, j, c;                                                                        \
    for (b = 0; b < batch; ++b) {                                                              \
      double det = 1.0;                                                                        \
      for (i = 0; i < n * n; ++i) a[i] = (double)LOAD(x[(ptrdiff_t)b * n * n + i]);            \
      for (c = 0; c < n; ++c) {                                                                \
        int32_t p = c;                                                                         \
        for (i = c + 1; i < n; ++i)                                                            \
          if (fabs(a[i * n + c]) > fabs(a[p * n + c])) p = i;                                  \
        if (a[p * n + c] == 0.0) {                                                             \
          det = 0.0;                                                                           \
          break;                                                                               \
        }                                                                                      \
        if (p != c) {                                                                          \
          for (j = 0; j < n; ++j) {                                                            \
            double t = a[c * n + j];                                                           \
            a[c * n + j] = a[p * n + j];                                                       \
            a[p * n + j] = t;                                                                  \
          }                                                                                    \
          det = -det;                                                                          \
        }                                                                                      \
        det *= a[c * n + c];                                                                   \
        for (i = c + 1; i < n; ++i) {                                                          \
          double f = a[i * n + c] / a[c * n + c];                                              \
          for (j = c; j < n; ++j) a[i * n + j] -= f * a[c * n + j];                            \
        }                                                                                      \
      }                                                                                        \
      y[b] = STORE(det);                                                                       \
    }                                                                                          \
  }
#define AOTC_MX_ID(v) (v)
#define AOTC_MX_TO_F32(v) ((float)(v))
#define AOTC_MX_TO_F16(v) aotc_float_to_half((float)(v))
AOTC_DET(f32, float, AOTC_MX_ID, AOTC_MX_TO_F32)
AOTC_DET(f64, double, AOTC_MX_ID, AOTC_MX_ID)
AOTC_DET(f16, uint16_t, aotc_half_to_float, AOTC_MX_TO_F16)
