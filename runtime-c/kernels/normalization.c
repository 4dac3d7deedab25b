/*
 * normalization.c -- BatchNormalization (inference), InstanceNormalization,
 * GroupNormalization, LayerNormalization, RMSNormalization, LRN,
 * LpNormalization and MeanVarianceNormalization.
 *
 * Tensors are viewed as [n, c, inner]: c channels of `inner` contiguous
 * elements each (inner = product of the spatial dims). Means and variances are
 * accumulated in double, which keeps long rows accurate.
 */
#include "kernel_common.h"

#if (defined(__GNUC__) || defined(__clang__)) && !defined(AOTC_NO_VECTOR_EXT)
#define AOTC_NORM_VEC 1
typedef float aotc_norm_v4 __attribute__((vector_size(16)));
#endif

/* y[k] = x[k] * s + t, k < n (x == y allowed), 4 floats at a time where possible. */
static AOTC_UNUSED void aotc_norm_affine_f32(const float *x, float *y, int32_t n, float s, float t) {
  int32_t k = 0;
#ifdef AOTC_NORM_VEC
  for (; k + 4 <= n; k += 4) {
    aotc_norm_v4 v;
    memcpy(&v, x + k, sizeof v);
    v = v * s + t;
    memcpy(y + k, &v, sizeof v);
  }
#endif
  for (; k < n; ++k) y[k] = x[k] * s + t;
}

/*
 * BatchNormalization with per-channel affine factors precomputed by aotc from
 * constant scale/B/mean/var: y = x * a[c] + b[c]. In place is allowed.
 */
AOTC_KERNEL void aotc_batchnorm_f32(const float *x, float *y, int32_t n, int32_t c, int32_t inner, const float *a,
                                    const float *b) {
  int32_t i, j;
  for (i = 0; i < n; ++i)
    for (j = 0; j < c; ++j) {
      const ptrdiff_t base = ((ptrdiff_t)i * c + j) * inner;
      aotc_norm_affine_f32(x + base, y + base, inner, a[j], b[j]);
    }
}

/* BatchNormalization with scale/B/mean/var as tensors (not constants). */
#define AOTC_BATCHNORM_PARAMS(SFX, T, SQRT)                                                                   \
  AOTC_KERNEL void aotc_batchnorm_params_##SFX(const T *x, const T *scale, const T *bias, const T *mean,      \
                                               const T *var, T *y, int32_t n, int32_t c, int32_t inner,       \
                                               float epsilon) {                                               \
    int32_t i, j, k;                                                                                          \
    for (i = 0; i < n; ++i)                                                                                   \
      for (j = 0; j < c; ++j) {                                                                               \
        const T s = scale[j] / SQRT(var[j] + (T)epsilon), t = bias[j] - mean[j] * s;                          \
        const ptrdiff_t base = ((ptrdiff_t)i * c + j) * inner;                                                \
        for (k = 0; k < inner; ++k) y[base + k] = x[base + k] * s + t;                                        \
      }                                                                                                       \
  }
AOTC_BATCHNORM_PARAMS(f32, float, sqrtf)
AOTC_BATCHNORM_PARAMS(f64, double, sqrt)

/* InstanceNormalization: y = scale[c] * (x - mean) / sqrt(var + epsilon) + bias[c], per (n, c). */
#define AOTC_INSTANCENORM(SFX, T)                                                                             \
  AOTC_KERNEL void aotc_instancenorm_##SFX(const T *x, const T *scale, const T *bias, T *y, int32_t n,        \
                                           int32_t c, int32_t inner, float epsilon) {                         \
    int32_t i, j, k;                                                                                          \
    for (i = 0; i < n; ++i)                                                                                   \
      for (j = 0; j < c; ++j) {                                                                               \
        const ptrdiff_t base = ((ptrdiff_t)i * c + j) * inner;                                                \
        double sum = 0.0, sq = 0.0, mean, inv;                                                                \
        T s, t;                                                                                               \
        for (k = 0; k < inner; ++k) sum += (double)x[base + k];                                               \
        mean = inner > 0 ? sum / inner : 0.0;                                                                 \
        for (k = 0; k < inner; ++k) {                                                                         \
          double d = (double)x[base + k] - mean;                                                              \
          sq += d * d;                                                                                        \
        }                                                                                                     \
        inv = 1.0 / sqrt((inner > 0 ? sq / inner : 0.0) + (double)epsilon);                                   \
        s = (T)((double)scale[j] * inv);                                                                      \
        t = (T)((double)bias[j] - mean * (double)scale[j] * inv);                                             \
        for (k = 0; k < inner; ++k) y[base + k] = x[base + k] * s + t;                                        \
      }                                                                                                       \
  }
AOTC_INSTANCENORM(f32, float)
AOTC_INSTANCENORM(f64, double)

/*
 * LayerNormalization over rows of `inner` elements: y = (x - mean) * invstd *
 * scale + bias. scale/bias are indexed with a step of 1 (one value per
 * element of the row) or 0 (one value for all); bias may be NULL. mean and
 * invstd (type S, may be NULL) receive one value per row.
 */
#define AOTC_LAYERNORM(SFX, T, S)                                                                             \
  AOTC_KERNEL void aotc_layernorm_##SFX(const T *x, const T *scale, const T *bias, T *y, S *mean_out,        \
                                        S *invstd_out, int32_t outer, int32_t inner, int32_t scale_step,      \
                                        int32_t bias_step, float epsilon) {                                   \
    int32_t o, k;                                                                                             \
    for (o = 0; o < outer; ++o) {                                                                             \
      const T *xr = x + (ptrdiff_t)o * inner;                                                                 \
      T *yr = y + (ptrdiff_t)o * inner;                                                                       \
      double sum = 0.0, sq = 0.0, mean, inv;                                                                  \
      for (k = 0; k < inner; ++k) sum += (double)xr[k];                                                       \
      mean = inner > 0 ? sum / inner : 0.0;                                                                   \
      for (k = 0; k < inner; ++k) {                                                                           \
        double d = (double)xr[k] - mean;                                                                      \
        sq += d * d;                                                                                          \
      }                                                                                                       \
      inv = 1.0 / sqrt((inner > 0 ? sq / inner : 0.0) + (double)epsilon);                                    \
      for (k = 0; k < inner; ++k) {                                                                           \
        double v = ((double)xr[k] - mean) * inv * (double)scale[(ptrdiff_t)k * scale_step];                   \
        if (bias) v += (double)bias[(ptrdiff_t)k * bias_step];                                                \
        yr[k] = (T)v;                                                                                         \
      }                                                                                                       \
      if (mean_out) mean_out[o] = (S)mean;                                                                    \
      if (invstd_out) invstd_out[o] = (S)inv;                                                                 \
    }                                                                                                         \
  }
AOTC_LAYERNORM(f32, float, float)
AOTC_LAYERNORM(f64, double, float)

/*
 * LRN across channels: y = x / (bias + alpha / size * sum of x^2 over the
 * channels [c - (size-1)/2, c + size/2] (clipped))^beta.
 */
#define AOTC_LRN(SFX, T)                                                                                      \
  AOTC_KERNEL void aotc_lrn_##SFX(const T *x, T *y, int32_t n, int32_t c, int32_t inner, int32_t size,        \
                                  float alpha, float beta, float bias) {                                      \
    const int32_t before = (size - 1) / 2, after = size / 2;                                                  \
    int32_t i, j, k, q;                                                                                       \
    for (i = 0; i < n; ++i)                                                                                   \
      for (j = 0; j < c; ++j) {                                                                               \
        const int32_t lo = j - before < 0 ? 0 : j - before;                                                   \
        const int32_t hi = j + after >= c ? c - 1 : j + after;                                                \
        const T *xn = x + (ptrdiff_t)i * c * inner;                                                           \
        T *yj = y + ((ptrdiff_t)i * c + j) * inner;                                                           \
        for (k = 0; k < inner; ++k) {                                                                         \
          double sq = 0.0;                                                                                    \
          for (q = lo; q <= hi; ++q) {                                                                        \
            double v = (double)xn[(ptrdiff_t)q * inner + k];                                                  \
            sq += v * v;                                                                                      \
          }                                                                                                   \
          yj[k] = (T)((double)xn[(ptrdiff_t)j * inner + k] /                                                  \
                      pow((double)bias + (double)alpha / size * sq, (double)beta));                           \
        }                                                                                                     \
      }                                                                                                       \
  }
AOTC_LRN(f32, float)
AOTC_LRN(f64, double)

/*
 * RMSNormalization over rows of `inner` elements: y = x / sqrt(mean(x^2) +
 * epsilon) * scale, the mean in double. scale repeats every scale_n elements
 * of a row (scale_n divides inner: the whole normalized shape, a trailing
 * part of it, or 1 value).
 */
#define AOTC_RMSNORM(SFX, T)                                                                                  \
  AOTC_KERNEL void aotc_rmsnorm_##SFX(const T *x, const T *scale, T *y, int32_t outer, int32_t inner,        \
                                      int32_t scale_n, float epsilon) {                                       \
    int32_t o, k, j;                                                                                          \
    for (o = 0; o < outer; ++o) {                                                                             \
      const T *xr = x + (ptrdiff_t)o * inner;                                                                 \
      T *yr = y + (ptrdiff_t)o * inner;                                                                       \
      double sq = 0.0, inv;                                                                                   \
      for (k = 0; k < inner; ++k) sq += (double)xr[k] * (double)xr[k];                                        \
      inv = 1.0 / sqrt((inner > 0 ? sq / inner : 0.0) + (double)epsilon);                                     \
      for (k = 0; k < inner; k += scale_n)                                                                    \
        for (j = 0; j < scale_n; ++j) yr[k + j] = (T)((double)xr[k + j] * inv * (double)scale[j]);            \
    }                                                                                                         \
  }
AOTC_RMSNORM(f32, float)
AOTC_RMSNORM(f64, double)

/*
 * GroupNormalization: the c channels of each of the n items split into
 * `groups` groups of c / groups channels; each group is normalized with its
 * own mean and variance (over its channels * inner elements, in double), then
 * channel j gets y = x_hat * scale[j] + bias[j], or scale[g] and bias[g] with
 * per_group (opset 18's parameters, one per group).
 */
#define AOTC_GROUPNORM(SFX, T)                                                                                \
  AOTC_KERNEL void aotc_groupnorm_##SFX(const T *x, const T *scale, const T *bias, T *y, int32_t n,          \
                                        int32_t c, int32_t inner, int32_t groups, int32_t per_group,          \
                                        float epsilon) {                                                      \
    const int32_t gc = c / groups;                                                                            \
    const ptrdiff_t count = (ptrdiff_t)gc * inner;                                                            \
    int32_t i, g, j;                                                                                          \
    ptrdiff_t k;                                                                                              \
    for (i = 0; i < n; ++i)                                                                                   \
      for (g = 0; g < groups; ++g) {                                                                          \
        const ptrdiff_t base = ((ptrdiff_t)i * c + (ptrdiff_t)g * gc) * inner;                                \
        double sum = 0.0, sq = 0.0, mean, inv;                                                                \
        for (k = 0; k < count; ++k) sum += (double)x[base + k];                                               \
        mean = count > 0 ? sum / (double)count : 0.0;                                                         \
        for (k = 0; k < count; ++k) {                                                                         \
          double d = (double)x[base + k] - mean;                                                              \
          sq += d * d;                                                                                        \
        }                                                                                                     \
        inv = 1.0 / sqrt((count > 0 ? sq / (double)count : 0.0) + (double)epsilon);                           \
        for (j = 0; j < gc; ++j) {                                                                            \
          const int32_t p = per_group ? g : g * gc + j;                                                       \
          const double s = (double)scale[p] * inv, t = (double)bias[p] - mean * s;                            \
          const ptrdiff_t at = base + (ptrdiff_t)j * inner;                                                   \
          for (k = 0; k < inner; ++k) y[at + k] = (T)((double)x[at + k] * s + t);                             \
        }                                                                                                     \
      }                                                                                                       \
  }
AOTC_GROUPNORM(f32, float)
AOTC_GROUPNORM(f64, double)

/*
 * LpNormalization: x viewed as [outer, n, inner] divided along n by its L1
 * (p = 1) or L2 (p = 2) norm, summed in double. A zero norm gives 0 (as
 * ONNX's reference does), not 0/0.
 */
#define AOTC_LPNORM(SFX, T)                                                                                   \
  AOTC_KERNEL void aotc_lpnorm_##SFX(const T *x, T *y, int32_t outer, int32_t n, int32_t inner, int32_t p) {  \
    int32_t o, j, k;                                                                                          \
    for (o = 0; o < outer; ++o)                                                                               \
      for (k = 0; k < inner; ++k) {                                                                           \
        const ptrdiff_t base = (ptrdiff_t)o * n * inner + k;                                                  \
        double norm = 0.0;                                                                                    \
        for (j = 0; j < n; ++j) {                                                                             \
          const double v = (double)x[base + (ptrdiff_t)j * inner];                                            \
          norm += p == 1 ? fabs(v) : v * v;                                                                   \
        }                                                                                                     \
        if (p != 1) norm = sqrt(norm);                                                                        \
        for (j = 0; j < n; ++j) {                                                                             \
          const ptrdiff_t at = base + (ptrdiff_t)j * inner;                                                   \
          y[at] = norm == 0.0 ? (T)0 : (T)((double)x[at] / norm);                                             \
        }                                                                                                     \
      }                                                                                                       \
  }
AOTC_LPNORM(f32, float)
AOTC_LPNORM(f64, double)

/*
 * MeanVarianceNormalization: y = (x - mean) / (sqrt(variance) + epsilon) with
 * mean and variance over the reduced axes (in double). x's dims are split in
 * kept ones (kept_dims, with their element strides kept_strides) and reduced
 * ones (red_*); each kept index is one normalization over every reduced index.
 */
#define AOTC_MVN(SFX, T)                                                                                      \
  AOTC_KERNEL void aotc_mvn_##SFX(const T *x, T *y, int32_t kept_rank, const int32_t *kept_dims,              \
                                  const int32_t *kept_strides, int32_t red_rank, const int32_t *red_dims,     \
                                  const int32_t *red_strides, float epsilon) {                                \
    int32_t kidx[AOTC_MAX_RANK] = {0}, koff = 0, d;                                                          \
    double count = 1.0;                                                                                       \
    for (d = 0; d < kept_rank; ++d)                                                                           \
      if (kept_dims[d] == 0) return;                                                                          \
    for (d = 0; d < red_rank; ++d) {                                                                          \
      if (red_dims[d] == 0) return;                                                                           \
      count *= red_dims[d];                                                                                   \
    }                                                                                                         \
    do {                                                                                                      \
      int32_t ridx[AOTC_MAX_RANK] = {0}, roff = 0;                                                            \
      double sum = 0.0, sq = 0.0, mean, den;                                                                  \
      do sum += (double)x[koff + roff];                                                                       \
      while (aotc_next_index(red_rank, 0, red_dims, ridx, 1, &roff, &red_strides));                           \
      mean = sum / count;                                                                                     \
      do {                                                                                                    \
        const double dv = (double)x[koff + roff] - mean;                                                      \
        sq += dv * dv;                                                                                        \
      } while (aotc_next_index(red_rank, 0, red_dims, ridx, 1, &roff, &red_strides));                         \
      den = sqrt(sq / count) + (double)epsilon;                                                               \
      do y[koff + roff] = (T)(((double)x[koff + roff] - mean) / den);                                         \
      while (aotc_next_index(red_rank, 0, red_dims, ridx, 1, &roff, &red_strides));                           \
    } while (aotc_next_index(kept_rank, 0, kept_dims, kidx, 1, &koff, &kept_strides));                        \
  }
AOTC_MVN(f32, float)
AOTC_MVN(f64, double)
