/*
 * transform.c -- data movement: strided copies (Transpose, Slice, Expand,
 * Concat, Split, Tile, DepthToSpace, constant Pad), fills (ConstantOfShape,
 * Pad's border, Dropout's mask), index-mapped copies (reflect/edge/wrap Pad),
 * Gather and GatherElements.
 *
 * Every kernel here is dtype agnostic: it moves elements of `elem` bytes and
 * switches on 1/2/4/8 so that the inner loops copy whole machine words. aotc
 * computes strides, offsets and loop orders at compile time; the kernels only
 * loop. Offsets and strides are in elements, not bytes.
 */
#include "kernel_common.h"

/*
 * Inner loops of aotc_copy_strided, one set per element type T:
 *   aotc_xf_rows_<T>: n elements, y[i*ys] = x[i*xs];
 *   aotc_xf_tile_<T>: a transposing n0 x n1 block, y[i*ys0 + j] = x[i + j*xs1],
 *     visited in square tiles so that both sides stay in cache.
 */
#define AOTC_XF_TILE 8
#define AOTC_XF_LOOPS(T)                                                                                   \
  static AOTC_UNUSED void aotc_xf_rows_##T(const T *AOTC_RESTRICT x, T *AOTC_RESTRICT y, int32_t n,     \
                                           int32_t xs, int32_t ys) {                                     \
    int32_t i;                                                                                           \
    if (ys == 1 && xs == 0) {                                                                            \
      T v = x[0];                                                                                        \
      for (i = 0; i < n; ++i) y[i] = v;                                                                  \
    } else if (ys == 1) {                                                                                \
      for (i = 0; i < n; ++i) y[i] = x[(ptrdiff_t)i * xs];                                               \
    } else {                                                                                             \
      for (i = 0; i < n; ++i) y[(ptrdiff_t)i * ys] = x[(ptrdiff_t)i * xs];                               \
    }                                                                                                    \
  }                                                                                                      \
  static AOTC_UNUSED void aotc_xf_tile_##T(const T *AOTC_RESTRICT x, T *AOTC_RESTRICT y, int32_t n0,    \
                                           int32_t n1, int32_t xs1, int32_t ys0) {                      \
    int32_t i0, j0, i, j;                                                                                \
    for (i0 = 0; i0 < n0; i0 += AOTC_XF_TILE) {                                                          \
      int32_t ib = n0 - i0 < AOTC_XF_TILE ? n0 - i0 : AOTC_XF_TILE;                                      \
      for (j0 = 0; j0 < n1; j0 += AOTC_XF_TILE) {                                                        \
        int32_t jb = n1 - j0 < AOTC_XF_TILE ? n1 - j0 : AOTC_XF_TILE;                                    \
        const T *xt = x + i0 + (ptrdiff_t)j0 * xs1;                                                      \
        T *yt = y + (ptrdiff_t)i0 * ys0 + j0;                                                            \
        if (ib == AOTC_XF_TILE && jb == AOTC_XF_TILE) { /* full tile: fixed trip counts */               \
          for (i = 0; i < AOTC_XF_TILE; ++i)                                                             \
            for (j = 0; j < AOTC_XF_TILE; ++j) yt[(ptrdiff_t)i * ys0 + j] = xt[i + (ptrdiff_t)j * xs1];  \
        } else {                                                                                         \
          for (i = 0; i < ib; ++i)                                                                       \
            for (j = 0; j < jb; ++j) yt[(ptrdiff_t)i * ys0 + j] = xt[i + (ptrdiff_t)j * xs1];            \
        }                                                                                                \
      }                                                                                                  \
    }                                                                                                    \
  }

AOTC_XF_LOOPS(uint8_t)
AOTC_XF_LOOPS(aotc_bits16)
AOTC_XF_LOOPS(aotc_bits32)
AOTC_XF_LOOPS(aotc_bits64)

/* Copies one element of `elem` bytes (element sizes other than 1/2/4/8). */
static AOTC_UNUSED void aotc_xf_rows_bytes(const uint8_t *x, uint8_t *y, int32_t elem, int32_t n, int32_t xs,
                                           int32_t ys) {
  int32_t i;
  for (i = 0; i < n; ++i)
    memcpy(y + (ptrdiff_t)i * ys * elem, x + (ptrdiff_t)i * xs * elem, (size_t)elem);
}

static AOTC_UNUSED void aotc_xf_rows(const void *x, void *y, int32_t elem, int32_t n, int32_t xs, int32_t ys) {
  if (xs == 1 && ys == 1) {
    memcpy(y, x, (size_t)n * (size_t)elem);
    return;
  }
  switch (elem) {
    case 1: aotc_xf_rows_uint8_t((const uint8_t *)x, (uint8_t *)y, n, xs, ys); break;
    case 2: aotc_xf_rows_aotc_bits16((const aotc_bits16 *)x, (aotc_bits16 *)y, n, xs, ys); break;
    case 4: aotc_xf_rows_aotc_bits32((const aotc_bits32 *)x, (aotc_bits32 *)y, n, xs, ys); break;
    case 8: aotc_xf_rows_aotc_bits64((const aotc_bits64 *)x, (aotc_bits64 *)y, n, xs, ys); break;
    default: aotc_xf_rows_bytes((const uint8_t *)x, (uint8_t *)y, elem, n, xs, ys); break;
  }
}

/*
 * y[y_offset + sum_d i_d * y_strides[d]] = x[x_offset + sum_d i_d * x_strides[d]]
 * for every index i over `dims` (rank >= 1). Strides may be negative (Slice
 * with negative steps) or 0 on x (broadcast). With `tile` set, the last two
 * dims are copied in square tiles: aotc sets it for transposes, ordering the
 * dims so that x is contiguous along dim rank-2 and y along dim rank-1
 * (x_strides[rank-2] == 1 and y_strides[rank-1] == 1, which tiling assumes).
 */
AOTC_KERNEL void aotc_copy_strided(const void *x, void *y, int32_t elem, int32_t rank, const int32_t *dims,
                                   const int32_t *x_strides, const int32_t *y_strides, int32_t x_offset,
                                   int32_t y_offset, int32_t tile) {
  int32_t idx[AOTC_MAX_RANK] = {0};
  int32_t off[2];
  const int32_t *strides[2];
  const uint8_t *xb = (const uint8_t *)x;
  uint8_t *yb = (uint8_t *)y;
  int32_t skip = tile ? 2 : 1;
  int32_t n = dims[rank - 1];
  int32_t xs = x_strides[rank - 1], ys = y_strides[rank - 1];
  off[0] = x_offset;
  off[1] = y_offset;
  strides[0] = x_strides;
  strides[1] = y_strides;
  do {
    const void *xp = xb + (ptrdiff_t)off[0] * elem;
    void *yp = yb + (ptrdiff_t)off[1] * elem;
    if (!tile) {
      aotc_xf_rows(xp, yp, elem, n, xs, ys);
    } else {
      int32_t n0 = dims[rank - 2], xs0 = x_strides[rank - 2], ys0 = y_strides[rank - 2];
      switch (elem) {
        case 1: aotc_xf_tile_uint8_t((const uint8_t *)xp, (uint8_t *)yp, n0, n, xs, ys0); break;
        case 2: aotc_xf_tile_aotc_bits16((const aotc_bits16 *)xp, (aotc_bits16 *)yp, n0, n, xs, ys0); break;
        case 4: aotc_xf_tile_aotc_bits32((const aotc_bits32 *)xp, (aotc_bits32 *)yp, n0, n, xs, ys0); break;
        case 8: aotc_xf_tile_aotc_bits64((const aotc_bits64 *)xp, (aotc_bits64 *)yp, n0, n, xs, ys0); break;
        default: {
          int32_t i;
          for (i = 0; i < n0; ++i)
            aotc_xf_rows((const uint8_t *)xp + (ptrdiff_t)i * xs0 * elem, (uint8_t *)yp + (ptrdiff_t)i * ys0 * elem,
                         elem, n, xs, ys);
        }
      }
    }
  } while (aotc_next_index(rank, skip, dims, idx, 2, off, strides));
}

/*
 * Fills n elements of y with one value of `elem` bytes, given as the raw bytes
 * of the int32 words in `value` (ConstantOfShape, Pad's constant, masks).
 */
AOTC_KERNEL void aotc_fill(void *y, int32_t elem, int32_t n, const int32_t *value) {
  int32_t i;
  switch (elem) {
    case 1: {
      uint8_t v;
      memcpy(&v, value, 1);
      memset(y, v, (size_t)n);
      break;
    }
    case 2: {
      aotc_bits16 v, *p = (aotc_bits16 *)y;
      memcpy(&v, value, 2);
      for (i = 0; i < n; ++i) p[i] = v;
      break;
    }
    case 4: {
      aotc_bits32 v, *p = (aotc_bits32 *)y;
      memcpy(&v, value, 4);
      for (i = 0; i < n; ++i) p[i] = v;
      break;
    }
    case 8: {
      aotc_bits64 v, *p = (aotc_bits64 *)y;
      memcpy(&v, value, 8);
      for (i = 0; i < n; ++i) p[i] = v;
      break;
    }
    default: {
      uint8_t *p = (uint8_t *)y;
      for (i = 0; i < n; ++i) memcpy(p + (ptrdiff_t)i * elem, value, (size_t)elem);
    }
  }
}

/*
 * y[i] = x[sum_d maps[d][i_d]] over the multi-index i of `dims`: each dim has
 * its own table of input offsets (already multiplied by the input stride),
 * stored back to back in `maps`. Used by Pad's reflect, edge and wrap modes.
 */
AOTC_KERNEL void aotc_copy_mapped(const void *x, void *y, int32_t elem, int32_t rank, const int32_t *dims,
                                  const int32_t *maps) {
  const int32_t *map[AOTC_MAX_RANK];
  int32_t idx[AOTC_MAX_RANK] = {0};
  int32_t base[AOTC_MAX_RANK + 1];
  int32_t d, i, n = dims[rank - 1];
  const int32_t *last;
  const uint8_t *xb = (const uint8_t *)x;
  uint8_t *yb = (uint8_t *)y;
  map[0] = maps;
  for (d = 1; d < rank; ++d) map[d] = map[d - 1] + dims[d - 1];
  last = map[rank - 1];
  for (;;) {
    /* base[d+1] = offset contributed by dims 0..d at the current index. */
    base[0] = 0;
    for (d = 0; d + 1 < rank; ++d) base[d + 1] = base[d] + map[d][idx[d]];
    {
      const uint8_t *xr = xb + (ptrdiff_t)base[rank - 1] * elem;
      switch (elem) {
        case 1:
          for (i = 0; i < n; ++i) yb[i] = xr[last[i]];
          break;
        case 2:
          for (i = 0; i < n; ++i) ((aotc_bits16 *)yb)[i] = ((const aotc_bits16 *)xr)[last[i]];
          break;
        case 4:
          for (i = 0; i < n; ++i) ((aotc_bits32 *)yb)[i] = ((const aotc_bits32 *)xr)[last[i]];
          break;
        case 8:
          for (i = 0; i < n; ++i) ((aotc_bits64 *)yb)[i] = ((const aotc_bits64 *)xr)[last[i]];
          break;
        default:
          for (i = 0; i < n; ++i) memcpy(yb + (ptrdiff_t)i * elem, xr + (ptrdiff_t)last[i] * elem, (size_t)elem);
      }
      yb += (ptrdiff_t)n * elem;
    }
    for (d = rank - 2; d >= 0; --d) {
      if (++idx[d] < dims[d]) break;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/* memcpy with constant sizes for single elements, which compilers turn into moves. */
static AOTC_UNUSED void aotc_xf_copy_bytes(void *y, const void *x, size_t n) {
  switch (n) {
    case 1: memcpy(y, x, 1); break;
    case 2: memcpy(y, x, 2); break;
    case 4: memcpy(y, x, 4); break;
    case 8: memcpy(y, x, 8); break;
    default: memcpy(y, x, n);
  }
}

/*
 * Gather along one axis, x viewed as [outer, axis_dim, inner]:
 * y[o, j, :] = x[o, indices[j], :]. Negative indices count from the end; an
 * index still out of range yields zeros rather than reading out of bounds.
 */
#define AOTC_XF_GATHER(NAME, TI)                                                                             \
  AOTC_KERNEL void NAME(const void *x, const TI *indices, void *y, int32_t elem, int32_t outer,             \
                        int32_t axis_dim, int32_t n_indices, int32_t inner) {                                \
    const uint8_t *xb = (const uint8_t *)x;                                                                  \
    uint8_t *yb = (uint8_t *)y;                                                                              \
    size_t row = (size_t)inner * (size_t)elem;                                                               \
    int32_t o, j;                                                                                            \
    for (o = 0; o < outer; ++o) {                                                                            \
      const uint8_t *xo = xb + (size_t)o * (size_t)axis_dim * row;                                           \
      for (j = 0; j < n_indices; ++j) {                                                                      \
        TI k = indices[j];                                                                                   \
        if (k < 0) k += axis_dim;                                                                            \
        if (k < 0 || k >= axis_dim)                                                                          \
          memset(yb, 0, row);                                                                                \
        else                                                                                                 \
          aotc_xf_copy_bytes(yb, xo + (size_t)k * row, row);                                                 \
        yb += row;                                                                                           \
      }                                                                                                      \
    }                                                                                                        \
  }
AOTC_XF_GATHER(aotc_gather_i32, int32_t)
AOTC_XF_GATHER(aotc_gather_i64, int64_t)

/*
 * GatherElements: y[i] = x[i with coordinate `axis` replaced by indices[i]],
 * iterating over the indices' shape `dims`. x_strides are x's strides with 0
 * on the axis, whose real stride is axis_stride. Out-of-range indices give 0.
 */
#define AOTC_XF_GATHER_ELEMENTS(NAME, TI)                                                                    \
  AOTC_KERNEL void NAME(const void *x, const TI *indices, void *y, int32_t elem, int32_t rank,              \
                        const int32_t *dims, const int32_t *x_strides, int32_t axis_dim, int32_t axis_stride) { \
    int32_t idx[AOTC_MAX_RANK] = {0};                                                                        \
    int32_t off = 0;                                                                                         \
    const int32_t *strides[1];                                                                               \
    const uint8_t *xb = (const uint8_t *)x;                                                                  \
    uint8_t *yb = (uint8_t *)y;                                                                              \
    int32_t i = 0;                                                                                           \
    strides[0] = x_strides;                                                                                  \
    do {                                                                                                     \
      TI k = indices[i];                                                                                     \
      if (k < 0) k += axis_dim;                                                                              \
      if (k < 0 || k >= axis_dim)                                                                            \
        memset(yb + (ptrdiff_t)i * elem, 0, (size_t)elem);                                                   \
      else                                                                                                   \
        aotc_xf_copy_bytes(yb + (ptrdiff_t)i * elem, xb + ((ptrdiff_t)off + (ptrdiff_t)k * axis_stride) * elem, \
                           (size_t)elem);                                                                    \
      ++i;                                                                                                   \
    } while (aotc_next_index(rank, 0, dims, idx, 1, &off, strides));                                         \
  }
AOTC_XF_GATHER_ELEMENTS(aotc_gather_elements_i32, int32_t)
AOTC_XF_GATHER_ELEMENTS(aotc_gather_elements_i64, int64_t)
