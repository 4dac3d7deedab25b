/*
 * scatter_gather.c -- ScatterElements (and Scatter), ScatterND and GatherND.
 *
 * The scatters copy data to y (unless aotc let y share data's storage), then
 * combine each update into y with `reduction`: AOTC_SCATTER_NONE (replace),
 * _ADD, _MUL, _MAX or _MIN, in index order (a later duplicate index wins for
 * NONE). Negative indices count from the end; indices still out of range are
 * skipped (aotc rejects constant ones at compile time), GatherND's give zeros
 * as Gather's do. Integer add and mul wrap around (computed unsigned).
 */
#include "kernel_common.h"

#define AOTC_SCATTER_NONE 0
#define AOTC_SCATTER_ADD 1
#define AOTC_SCATTER_MUL 2
#define AOTC_SCATTER_MAX 3
#define AOTC_SCATTER_MIN 4

#define AOTC_SG_ID(v) (v)

/* *dst = *dst (reduction) u, for element type T computed as CT (WT: wrapping type for add, mul). */
#define AOTC_SG_COMBINE(T, CT, WT, LOAD, STORE, dst, src, reduction)        \
  do {                                                                       \
    CT u_ = LOAD(*(src)), v_ = LOAD(*(dst)), r_ = u_;                        \
    switch (reduction) {                                                     \
      case AOTC_SCATTER_ADD: r_ = (CT)((WT)v_ + (WT)u_); break;              \
      case AOTC_SCATTER_MUL: r_ = (CT)((WT)v_ * (WT)u_); break;              \
      case AOTC_SCATTER_MAX: r_ = u_ > v_ ? u_ : v_; break;                  \
      case AOTC_SCATTER_MIN: r_ = u_ < v_ ? u_ : v_; break;                  \
      default: break;                                                        \
    }                                                                        \
    *(dst) = (T)STORE(r_);                                                   \
  } while (0)

/*
 * ScatterElements: for every position i of indices (shape `dims`, rank
 * `rank`), y[i with coordinate axis replaced by indices[i]] (reduction)=
 * updates[i]. y_strides are y's strides with 0 on the axis, whose own stride
 * is axis_stride. count: elements of data and y.
 */
#define AOTC_SCATTER_ELEMENTS(SFX, TI, T, CT, WT, LOAD, STORE)                                                  \
  AOTC_KERNEL void aotc_scatter_elements_##SFX(const T *data, const TI *indices, const T *updates, T *y,       \
                                               int32_t count, int32_t rank, const int32_t *dims,                \
                                               const int32_t *y_strides, int32_t axis_dim, int32_t axis_stride, \
                                               int32_t reduction) {                                             \
    int32_t idx[AOTC_MAX_RANK] = {0};                                                                           \
    int32_t off = 0, i = 0, d;                                                                                  \
    const int32_t *strides[1];                                                                                  \
    strides[0] = y_strides;                                                                                     \
    if (y != data) memcpy(y, data, (size_t)count * sizeof(T));                                                  \
    for (d = 0; d < rank; ++d)                                                                                  \
      if (dims[d] == 0) return;                                                                                 \
    do {                                                                                                        \
      TI k = indices[i];                                                                                        \
      if (k < 0) k += axis_dim;                                                                                 \
      if (k >= 0 && k < axis_dim)                                                                               \
        AOTC_SG_COMBINE(T, CT, WT, LOAD, STORE, y + off + (ptrdiff_t)k * axis_stride, updates + i, reduction);  \
      ++i;                                                                                                      \
    } while (aotc_next_index(rank, 0, dims, idx, 1, &off, strides));                                            \
  }

/*
 * ScatterND: indices is [n, k] (k <= rank of data); tuple j addresses the
 * slice of `slice` elements at sum_d indices[j][d] * strides[d] (dims[d] the
 * size of data's dim d), combined with updates[j * slice ...].
 */
#define AOTC_SCATTER_ND(SFX, TI, T, CT, WT, LOAD, STORE)                                                     \
  AOTC_KERNEL void aotc_scatter_nd_##SFX(const T *data, const TI *indices, const T *updates, T *y,           \
                                         int32_t count, int32_t n, int32_t k, const int32_t *dims,           \
                                         const int32_t *strides, int32_t slice, int32_t reduction) {         \
    int32_t j, d, e;                                                                                         \
    if (y != data) memcpy(y, data, (size_t)count * sizeof(T));                                              \
    for (j = 0; j < n; ++j) {                                                                                \
      ptrdiff_t off = 0;                                                                                     \
      for (d = 0; d < k; ++d) {                                                                              \
        TI v = indices[(ptrdiff_t)j * k + d];                                                                \
        if (v < 0) v += dims[d];                                                                             \
        if (v < 0 || v >= dims[d]) break;                                                                    \
        off += (ptrdiff_t)v * strides[d];                                                                    \
      }                                                                                                      \
      if (d < k) continue; /* out of range: skipped */                                                       \
      for (e = 0; e < slice; ++e)                                                                            \
        AOTC_SG_COMBINE(T, CT, WT, LOAD, STORE, y + off + e, updates + (ptrdiff_t)j * slice + e, reduction); \
    }                                                                                                        \
  }

/* X(suffix, T, compute type, wrapping type, load, store) for every element type. */
#define AOTC_SG_TYPES(X, TI, ISFX)                                                                  \
  X(ISFX##_f32, TI, float, float, float, AOTC_SG_ID, AOTC_SG_ID)                                    \
  X(ISFX##_f64, TI, double, double, double, AOTC_SG_ID, AOTC_SG_ID)                                 \
  X(ISFX##_f16, TI, uint16_t, float, float, aotc_half_to_float, aotc_float_to_half)                 \
  X(ISFX##_bf16, TI, uint16_t, float, float, aotc_bfloat16_to_float, aotc_float_to_bfloat16)        \
  X(ISFX##_i8, TI, int8_t, int8_t, uint32_t, AOTC_SG_ID, AOTC_SG_ID)                                \
  X(ISFX##_i16, TI, int16_t, int16_t, uint32_t, AOTC_SG_ID, AOTC_SG_ID)                             \
  X(ISFX##_i32, TI, int32_t, int32_t, uint32_t, AOTC_SG_ID, AOTC_SG_ID)                             \
  X(ISFX##_i64, TI, int64_t, int64_t, uint64_t, AOTC_SG_ID, AOTC_SG_ID)                             \
  X(ISFX##_u8, TI, uint8_t, uint8_t, uint32_t, AOTC_SG_ID, AOTC_SG_ID)                              \
  X(ISFX##_u16, TI, uint16_t, uint16_t, uint32_t, AOTC_SG_ID, AOTC_SG_ID)                           \
  X(ISFX##_u32, TI, uint32_t, uint32_t, uint32_t, AOTC_SG_ID, AOTC_SG_ID)                           \
  X(ISFX##_u64, TI, uint64_t, uint64_t, uint64_t, AOTC_SG_ID, AOTC_SG_ID)                           \
  X(ISFX##_bool, TI, uint8_t, uint8_t, uint32_t, AOTC_SG_ID, AOTC_SG_ID)

AOTC_SG_TYPES(AOTC_SCATTER_ELEMENTS, int32_t, i32)
AOTC_SG_TYPES(AOTC_SCATTER_ELEMENTS, int64_t, i64)
AOTC_SG_TYPES(AOTC_SCATTER_ND, int32_t, i32)
AOTC_SG_TYPES(AOTC_SCATTER_ND, int64_t, i64)

/*
 * GatherND: data is seen as [batch, ...] with batch_stride elements per
 * batch; indices as [batch, n, k]. y[b, j, :] = the slice of `slice` elements
 * (each `elem` bytes) at b * batch_stride + sum_d indices[b][j][d] * strides[d].
 */
#define AOTC_GATHER_ND(SFX, TI)                                                                                 \
  AOTC_KERNEL void aotc_gather_nd_##SFX(const void *data, const TI *indices, void *y, int32_t elem,            \
                                        int32_t batch, int32_t batch_stride, int32_t n, int32_t k,              \
                                        const int32_t *dims, const int32_t *strides, int32_t slice) {           \
    const uint8_t *xb = (const uint8_t *)data;                                                                  \
    uint8_t *yb = (uint8_t *)y;                                                                                 \
    size_t bytes = (size_t)slice * (size_t)elem;                                                                \
    int32_t b, j, d;                                                                                            \
    for (b = 0; b < batch; ++b)                                                                                 \
      for (j = 0; j < n; ++j) {                                                                                 \
        const TI *t = indices + ((ptrdiff_t)b * n + j) * k;                                                     \
        ptrdiff_t off = (ptrdiff_t)b * batch_stride;                                                            \
        for (d = 0; d < k; ++d) {                                                                               \
          TI v = t[d];                                                                                          \
          if (v < 0) v += dims[d];                                                                              \
          if (v < 0 || v >= dims[d]) break;                                                                     \
          off += (ptrdiff_t)v * strides[d];                                                                     \
        }                                                                                                       \
        if (d < k)                                                                                              \
          memset(yb, 0, bytes);                                                                                 \
        else                                                                                                    \
          memcpy(yb, xb + off * elem, bytes);                                                                   \
        yb += bytes;                                                                                            \
      }                                                                                                         \
  }
AOTC_GATHER_ND(i32, int32_t)
AOTC_GATHER_ND(i64, int64_t)

/*
 * TensorScatter: the cache seen as [batch, mid, max_seq, inner], the update
 * as [batch, mid, seq, inner]; y = cache with rows write_indices[b] + s
 * (modulo max_seq if circular) replaced by the update's row s. write_indices
 * NULL: all 0. Rows that land outside 0..max_seq-1 (linear mode) are skipped.
 */
AOTC_KERNEL void aotc_tensor_scatter(const void *cache, const void *update, const int64_t *write_indices, void *y,
                                     int32_t elem, int32_t batch, int32_t mid, int32_t max_seq, int32_t seq,
                                     int32_t inner, int32_t circular) {
  const uint8_t *ub = (const uint8_t *)update;
  uint8_t *yb = (uint8_t *)y;
  size_t row = (size_t)inner * (size_t)elem;
  int32_t b, m, s;
  if (y != cache) memcpy(y, cache, (size_t)batch * (size_t)mid * (size_t)max_seq * row);
  for (b = 0; b < batch; ++b) {
    int64_t start = write_indices ? write_indices[b] : 0;
    for (m = 0; m < mid; ++m)
      for (s = 0; s < seq; ++s) {
        int64_t pos = start + s;
        if (circular) pos = ((pos % max_seq) + max_seq) % max_seq;
        if (pos < 0 || pos >= max_seq) continue;
        memcpy(yb + (((size_t)b * (size_t)mid + (size_t)m) * (size_t)max_seq + (size_t)pos) * row,
               ub + (((size_t)b * (size_t)mid + (size_t)m) * (size_t)seq + (size_t)s) * row, row);
      }
  }
}
