/*
 * reduce.c -- ReduceSum/Mean/Max/Min/Prod/L1/L2/SumSquare/LogSum/LogSumExp,
 * ArgMax and ArgMin.
 *
 * Every Reduce* kernel has one signature:
 *     aotc_reduce_<op>_<t>(const T *x, T *y, int32_t rank, const int32_t *dims,
 *                          const int32_t *y_strides, int32_t y_count,
 *                          int32_t n_reduced, void *scratch)
 * aotc merges the input's dims at compile time into alternating runs of
 * reduced and kept dims (`dims`, at least one); `y_strides` is each run's
 * stride in y, 0 for reduced runs. The kernel walks x once in memory order
 * and folds each element into the y element it reduces to:
 *   - if the innermost run is reduced, a whole contiguous row folds into one
 *     y element (8 partial accumulators, so that the loop vectorizes);
 *   - if it is kept, the row is folded elementwise into a contiguous y row.
 * For example x[2,3,4] reduced over axis 1: dims {2,3,4}, y_strides {4,0,1}.
 * Then y is finished elementwise (Mean divides by n_reduced, L2 takes the
 * square root, ...). A reduction over no elements gives the op's identity
 * (0 for sums, 1 for products, -inf for max, +inf for min).
 *
 * ArgMax/ArgMin see x as [outer, n, inner] and write int64 indices.
 */
#include "kernel_common.h"

/*
 * Defines NAME(x, y, aux, rank, dims, y_strides): y[o] = ACC(y[o], PRE(v, m))
 * for every element v of x, o the offset in y it reduces to and m = aux[o]
 * (aux is only read by PREs that mention m). INIT is ACC's identity. The two
 * inner loops are separate functions with restrict pointers and a constant
 * inner trip count of 8, so that gcc vectorizes them even at -O2.
 */
#define AOTC_REDUCE_WALK(NAME, T, INIT, ACC, PRE)                                                          \
  /* Folds a contiguous row x[0..n) into *y (m = the row's aux value). */                                \
  static AOTC_UNUSED void NAME##_row(const T *AOTC_RESTRICT x, T *AOTC_RESTRICT y, int32_t n, T m) {     \
    T acc = *y, part[8];                                                                                 \
    int32_t i, t;                                                                                        \
    (void)m;                                                                                             \
    for (t = 0; t < 8; ++t) part[t] = INIT;                                                              \
    for (i = 0; i + 8 <= n; i += 8)                                                                      \
      for (t = 0; t < 8; ++t) part[t] = ACC(part[t], PRE(x[i + t], m));                                  \
    for (; i < n; ++i) acc = ACC(acc, PRE(x[i], m));                                                     \
    for (t = 0; t < 8; ++t) acc = ACC(acc, part[t]);                                                     \
    *y = acc;                                                                                            \
  }                                                                                                      \
  /* Folds x[0..n) elementwise into y[0..n) (aux: the matching aux values). */                           \
  static AOTC_UNUSED void NAME##_fold(const T *AOTC_RESTRICT x, T *AOTC_RESTRICT y, const T *aux,        \
                                      int32_t n) {                                                       \
    int32_t i, t;                                                                                        \
    (void)aux;                                                                                           \
    for (i = 0; i + 8 <= n; i += 8)                                                                      \
      for (t = 0; t < 8; ++t) y[i + t] = ACC(y[i + t], PRE(x[i + t], aux[i + t]));                       \
    for (; i < n; ++i) y[i] = ACC(y[i], PRE(x[i], aux[i]));                                              \
  }                                                                                                      \
  static AOTC_UNUSED void NAME(const T *x, T *y, const T *aux, int32_t rank, const int32_t *dims,        \
                               const int32_t *y_strides) {                                               \
    int32_t idx[AOTC_MAX_RANK] = {0};                                                                    \
    int32_t off = 0, d;                                                                                  \
    const int32_t *strides[1];                                                                           \
    int32_t n = dims[rank - 1], ys = y_strides[rank - 1];                                                \
    strides[0] = y_strides;                                                                              \
    for (d = 0; d < rank; ++d)                                                                           \
      if (dims[d] == 0) return;                                                                          \
    do {                                                                                                 \
      if (ys == 0)                                                                                       \
        NAME##_row(x, y + off, n, aux ? aux[off] : (T)0);                                                \
      else                                                                                               \
        NAME##_fold(x, y + off, aux ? aux + off : NULL, n);                                              \
      x += n;                                                                                            \
    } while (aotc_next_index(rank, 1, dims, idx, 1, &off, strides));                                     \
  }

/* Defines the kernel NAME: y = FINAL(fold of PRE(x) with ACC from INIT), with `n` the reduced count. */
#define AOTC_REDUCE(NAME, T, INIT, ACC, PRE, FINAL)                                                        \
  AOTC_REDUCE_WALK(NAME##_walk, T, INIT, ACC, PRE)                                                       \
  AOTC_KERNEL void NAME(const T *x, T *y, int32_t rank, const int32_t *dims, const int32_t *y_strides,    \
                        int32_t y_count, int32_t n_reduced, void *scratch) {                             \
    int32_t o;                                                                                           \
    (void)scratch;                                                                                       \
    (void)n_reduced;                                                                                     \
    for (o = 0; o < y_count; ++o) y[o] = INIT;                                                           \
    NAME##_walk(x, y, NULL, rank, dims, y_strides);                                                      \
    for (o = 0; o < y_count; ++o) {                                                                      \
      T a = y[o];                                                                                        \
      int32_t n = n_reduced;                                                                             \
      (void)n;                                                                                           \
      y[o] = FINAL(a, n);                                                                                \
    }                                                                                                    \
  }

#define AOTC_RED_ID(v, m) (v)
#define AOTC_RED_FINAL_ID(a, n) (a)
#define AOTC_RED_ADD(a, v) ((a) + (v))
#define AOTC_RED_MUL(a, v) ((a) * (v))
/* Max/min propagate NaN, as ONNX Runtime does. */
#define AOTC_RED_FMAX(a, v) (((v) > (a) || (v) != (v)) ? (v) : (a))
#define AOTC_RED_FMIN(a, v) (((v) < (a) || (v) != (v)) ? (v) : (a))
#define AOTC_RED_IMAX(a, v) ((v) > (a) ? (v) : (a))
#define AOTC_RED_IMIN(a, v) ((v) < (a) ? (v) : (a))

/* ---- floating point ------------------------------------------------------- */

#define AOTC_RED_SQ(v, m) ((v) * (v))
#define AOTC_RED_MEAN(a, n) ((a) / (n))

#define AOTC_REDUCE_FLOAT(SFX, T, LOG, INF)                                                  \
  AOTC_REDUCE(aotc_reduce_sum_##SFX, T, (T)0, AOTC_RED_ADD, AOTC_RED_ID, AOTC_RED_FINAL_ID)              \
  AOTC_REDUCE(aotc_reduce_mean_##SFX, T, (T)0, AOTC_RED_ADD, AOTC_RED_ID, AOTC_RED_MEAN)                 \
  AOTC_REDUCE(aotc_reduce_prod_##SFX, T, (T)1, AOTC_RED_MUL, AOTC_RED_ID, AOTC_RED_FINAL_ID)             \
  AOTC_REDUCE(aotc_reduce_max_##SFX, T, -(T)INF, AOTC_RED_FMAX, AOTC_RED_ID, AOTC_RED_FINAL_ID)          \
  AOTC_REDUCE(aotc_reduce_min_##SFX, T, (T)INF, AOTC_RED_FMIN, AOTC_RED_ID, AOTC_RED_FINAL_ID)           \
  AOTC_REDUCE(aotc_reduce_sum_square_##SFX, T, (T)0, AOTC_RED_ADD, AOTC_RED_SQ, AOTC_RED_FINAL_ID)       \
  AOTC_REDUCE(aotc_reduce_l2_##SFX, T, (T)0, AOTC_RED_ADD, AOTC_RED_SQ, AOTC_RED_SQRT_##SFX)             \
  AOTC_REDUCE(aotc_reduce_l1_##SFX, T, (T)0, AOTC_RED_ADD, AOTC_RED_ABS_##SFX, AOTC_RED_FINAL_ID)        \
  AOTC_REDUCE(aotc_reduce_log_sum_##SFX, T, (T)0, AOTC_RED_ADD, AOTC_RED_ID, AOTC_RED_LOG_##SFX)         \
  /* Sums exp(v - m), m the row's shift (see below). */                                                  \
  AOTC_REDUCE_WALK(aotc_reduce_sum_exp_##SFX##_walk, T, (T)0, AOTC_RED_ADD, AOTC_RED_EXP_##SFX)          \
  /* log(sum(exp(x))) = m + log(sum(exp(x - m))) with m the max, so that exp cannot overflow. */         \
  AOTC_KERNEL void aotc_reduce_log_sum_exp_##SFX(const T *x, T *y, int32_t rank, const int32_t *dims,    \
                                                 const int32_t *y_strides, int32_t y_count,              \
                                                 int32_t n_reduced, void *scratch) {                     \
    T *sum = (T *)scratch;                                                                               \
    int32_t o;                                                                                           \
    aotc_reduce_max_##SFX(x, y, rank, dims, y_strides, y_count, n_reduced, NULL);                        \
    for (o = 0; o < y_count; ++o) {                                                                      \
      /* An infinite max (all -inf, or the empty set) would make x - m NaN: shift by 0 then. */          \
      if (y[o] - y[o] != 0) y[o] = 0;                                                                    \
      sum[o] = 0;                                                                                        \
    }                                                                                                    \
    aotc_reduce_sum_exp_##SFX##_walk(x, sum, y, rank, dims, y_strides);                                  \
    for (o = 0; o < y_count; ++o) y[o] += LOG(sum[o]);                                                   \
  }

#define AOTC_RED_ABS_f32(v, m) fabsf(v)
#define AOTC_RED_SQRT_f32(a, n) sqrtf(a)
#define AOTC_RED_LOG_f32(a, n) logf(a)
#define AOTC_RED_EXP_f32(v, m) expf((v) - (m))
#define AOTC_RED_ABS_f64(v, m) fabs(v)
#define AOTC_RED_SQRT_f64(a, n) sqrt(a)
#define AOTC_RED_LOG_f64(a, n) log(a)
#define AOTC_RED_EXP_f64(v, m) exp((v) - (m))
AOTC_REDUCE_FLOAT(f32, float, logf, HUGE_VALF)
AOTC_REDUCE_FLOAT(f64, double, log, HUGE_VAL)

/* ---- integers -------------------------------------------------------------- */

/*
 * Sums and products wrap around like ONNX Runtime's: they are done in the
 * unsigned type U of the same width, which is defined behaviour in C. Mean
 * divides the sum by the count (integer division, truncating).
 */
#define AOTC_REDUCE_INT(SFX, T, U, TMIN, TMAX)                                                            \
  static AOTC_UNUSED T aotc_red_add_##SFX(T a, T v) { return (T)((U)a + (U)v); }                         \
  static AOTC_UNUSED T aotc_red_mul_##SFX(T a, T v) { return (T)((U)a * (U)v); }                         \
  static AOTC_UNUSED T aotc_red_mean_##SFX(T a, int32_t n) { return n > 0 ? (T)(a / (T)n) : (T)0; }      \
  AOTC_REDUCE(aotc_reduce_sum_##SFX, T, (T)0, aotc_red_add_##SFX, AOTC_RED_ID, AOTC_RED_FINAL_ID)        \
  AOTC_REDUCE(aotc_reduce_mean_##SFX, T, (T)0, aotc_red_add_##SFX, AOTC_RED_ID, aotc_red_mean_##SFX)     \
  AOTC_REDUCE(aotc_reduce_prod_##SFX, T, (T)1, aotc_red_mul_##SFX, AOTC_RED_ID, AOTC_RED_FINAL_ID)       \
  AOTC_REDUCE(aotc_reduce_max_##SFX, T, (T)(TMIN), AOTC_RED_IMAX, AOTC_RED_ID, AOTC_RED_FINAL_ID)        \
  AOTC_REDUCE(aotc_reduce_min_##SFX, T, (T)(TMAX), AOTC_RED_IMIN, AOTC_RED_ID, AOTC_RED_FINAL_ID)

AOTC_REDUCE_INT(i32, int32_t, uint32_t, INT32_MIN, INT32_MAX)
AOTC_REDUCE_INT(i64, int64_t, uint64_t, INT64_MIN, INT64_MAX)
AOTC_REDUCE_INT(u32, uint32_t, uint32_t, 0, UINT32_MAX)
AOTC_REDUCE_INT(u64, uint64_t, uint64_t, 0, UINT64_MAX)

/* |v| and v*v for signed integers, wrapping like the sums. */
#define AOTC_REDUCE_INT_NORMS(SFX, T, U)                                                                  \
  static AOTC_UNUSED T aotc_red_abs_##SFX(T v) { return v < 0 ? (T)(0u - (U)v) : v; }                     \
  static AOTC_UNUSED T aotc_red_sq_##SFX(T v) { return (T)((U)v * (U)v); }                                \
  AOTC_REDUCE(aotc_reduce_l1_##SFX, T, (T)0, aotc_red_add_##SFX, AOTC_RED_ABS_##SFX, AOTC_RED_FINAL_ID)  \
  AOTC_REDUCE(aotc_reduce_sum_square_##SFX, T, (T)0, aotc_red_add_##SFX, AOTC_RED_SQ_##SFX, AOTC_RED_FINAL_ID)
#define AOTC_RED_ABS_i32(v, m) aotc_red_abs_i32(v)
#define AOTC_RED_SQ_i32(v, m) aotc_red_sq_i32(v)
#define AOTC_RED_ABS_i64(v, m) aotc_red_abs_i64(v)
#define AOTC_RED_SQ_i64(v, m) aotc_red_sq_i64(v)
AOTC_REDUCE_INT_NORMS(i32, int32_t, uint32_t)
AOTC_REDUCE_INT_NORMS(i64, int64_t, uint64_t)

/* 8-bit max/min (opset 12) and bool (opset 20: max = any, min = all). */
AOTC_REDUCE(aotc_reduce_max_i8, int8_t, (int8_t)INT8_MIN, AOTC_RED_IMAX, AOTC_RED_ID, AOTC_RED_FINAL_ID)
AOTC_REDUCE(aotc_reduce_min_i8, int8_t, (int8_t)INT8_MAX, AOTC_RED_IMIN, AOTC_RED_ID, AOTC_RED_FINAL_ID)
AOTC_REDUCE(aotc_reduce_max_u8, uint8_t, (uint8_t)0, AOTC_RED_IMAX, AOTC_RED_ID, AOTC_RED_FINAL_ID)
AOTC_REDUCE(aotc_reduce_min_u8, uint8_t, (uint8_t)UINT8_MAX, AOTC_RED_IMIN, AOTC_RED_ID, AOTC_RED_FINAL_ID)
AOTC_REDUCE(aotc_reduce_max_bool, uint8_t, (uint8_t)0, AOTC_RED_IMAX, AOTC_RED_ID, AOTC_RED_FINAL_ID)
AOTC_REDUCE(aotc_reduce_min_bool, uint8_t, (uint8_t)1, AOTC_RED_IMIN, AOTC_RED_ID, AOTC_RED_FINAL_ID)

/* ---- ArgMax, ArgMin ------------------------------------------------------------ */

/*
 * x seen as [outer, n, inner]; y[o * inner + j] = index k of the largest
 * (BETTER) x[o][k][j], the first one, or the last one if select_last.
 * NaN counts as larger than everything, as in numpy.
 */
#define AOTC_ARG(NAME, T, BETTER)                                                                          \
  AOTC_KERNEL void NAME(const T *x, int64_t *y, int32_t outer, int32_t n, int32_t inner,                 \
                        int32_t select_last) {                                                           \
    int32_t o, j, k;                                                                                     \
    for (o = 0; o < outer; ++o) {                                                                        \
      const T *xo = x + (ptrdiff_t)o * n * inner;                                                        \
      for (j = 0; j < inner; ++j) {                                                                      \
        T best = xo[j];                                                                                  \
        int32_t at = 0;                                                                                  \
        for (k = 1; k < n; ++k) {                                                                        \
          T v = xo[(ptrdiff_t)k * inner + j];                                                            \
          if (BETTER(v, best) || (select_last && v == best)) {                                           \
            best = v;                                                                                    \
            at = k;                                                                                      \
          }                                                                                              \
        }                                                                                                \
        y[(ptrdiff_t)o * inner + j] = at;                                                                \
      }                                                                                                  \
    }                                                                                                    \
  }
#define AOTC_ARG_FMAX(v, best) ((v) > (best) || ((v) != (v) && (best) == (best)))
#define AOTC_ARG_FMIN(v, best) ((v) < (best) || ((v) != (v) && (best) == (best)))
#define AOTC_ARG_IMAX(v, best) ((v) > (best))
#define AOTC_ARG_IMIN(v, best) ((v) < (best))
AOTC_ARG(aotc_argmax_f32, float, AOTC_ARG_FMAX)
AOTC_ARG(aotc_argmin_f32, float, AOTC_ARG_FMIN)
AOTC_ARG(aotc_argmax_f64, double, AOTC_ARG_FMAX)
AOTC_ARG(aotc_argmin_f64, double, AOTC_ARG_FMIN)
AOTC_ARG(aotc_argmax_i32, int32_t, AOTC_ARG_IMAX)
AOTC_ARG(aotc_argmin_i32, int32_t, AOTC_ARG_IMIN)
AOTC_ARG(aotc_argmax_i64, int64_t, AOTC_ARG_IMAX)
AOTC_ARG(aotc_argmin_i64, int64_t, AOTC_ARG_IMIN)
AOTC_ARG(aotc_argmax_i8, int8_t, AOTC_ARG_IMAX)
AOTC_ARG(aotc_argmin_i8, int8_t, AOTC_ARG_IMIN)
AOTC_ARG(aotc_argmax_u8, uint8_t, AOTC_ARG_IMAX)
AOTC_ARG(aotc_argmin_u8, uint8_t, AOTC_ARG_IMIN)
