/*
 * einsum.c -- Einsum of one or two operands, a reference loop over every
 * index combination (aotc parsed the equation and worked out the strides).
 *
 *     aotc_einsum_<t>(const T *a, const T *b, T *y, int32_t n_out, int32_t n_dims,
 *                     const int32_t *dims, const int32_t *a_strides,
 *                     const int32_t *b_strides)
 * dims: the n_out output dims (y is contiguous over them), then the summed
 * dims. a_strides, b_strides: each operand's element stride per dim (0 where
 * the operand lacks the label or broadcasts it; repeated labels, diagonals,
 * add up their strides). b is NULL for one operand. Integers wrap around.
 */
#include "kernel_common.h"

#define AOTC_EINSUM_MAX_DIMS 16

#define AOTC_EINSUM(SFX, T, AT, MUL)                                                                           \
  AOTC_KERNEL void aotc_einsum_##SFX(const T *a, const T *b, T *y, int32_t n_out, int32_t n_dims,              \
                                     const int32_t *dims, const int32_t *a_strides, const int32_t *b_strides) { \
    int32_t out_idx[AOTC_EINSUM_MAX_DIMS] = {0}, red_idx[AOTC_EINSUM_MAX_DIMS] = {0};                          \
    int32_t out_off[2] = {0, 0}, red_off[2];                                                                   \
    const int32_t *out_strides[2], *red_strides[2];                                                            \
    int32_t n_red = n_dims - n_out, d, empty = 0;                                                              \
    static const int32_t zeros[AOTC_EINSUM_MAX_DIMS] = {0};                                                    \
    const int32_t *bs = b ? b_strides : zeros;                                                                 \
    out_strides[0] = a_strides;                                                                                \
    out_strides[1] = bs;                                                                                       \
    red_strides[0] = a_strides + n_out;                                                                        \
    red_strides[1] = bs + n_out;                                                                               \
    for (d = n_out; d < n_dims; ++d)                                                                           \
      if (dims[d] == 0) empty = 1; /* a sum over nothing */                                                    \
    do {                                                                                                       \
      AT acc = 0;                                                                                              \
      if (!empty) {                                                                                            \
        red_off[0] = out_off[0];                                                                               \
        red_off[1] = out_off[1];                                                                               \
        do {                                                                                                   \
          AT v = (AT)a[red_off[0]];                                                                            \
          if (b) v = MUL(v, (AT)b[red_off[1]]);                                                                \
          acc = (AT)(acc + v);                                                                                 \
        } while (aotc_next_index(n_red, 0, dims + n_out, red_idx, 2, red_off, red_strides));                   \
      }                                                                                                        \
      *y++ = (T)acc;                                                                                           \
    } while (aotc_next_index(n_out, 0, dims, out_idx, 2, out_off, out_strides));                               \
  }

#define AOTC_EINSUM_MUL(x, y) ((x) * (y))
AOTC_EINSUM(f32, float, float, AOTC_EINSUM_MUL)
AOTC_EINSUM(f64, double, double, AOTC_EINSUM_MUL)
AOTC_EINSUM(i32, int32_t, uint32_t, AOTC_EINSUM_MUL)
AOTC_EINSUM(i64, int64_t, uint64_t, AOTC_EINSUM_MUL)
AOTC_EINSUM(u32, uint32_t, uint32_t, AOTC_EINSUM_MUL)
AOTC_EINSUM(u64, uint64_t, uint64_t, AOTC_EINSUM_MUL)
