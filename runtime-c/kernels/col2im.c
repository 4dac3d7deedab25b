/*
 * col2im.c -- Col2Im: sums sliding blocks back into an image, any number of
 * spatial dims (the inverse of an im2col).
 *
 *     aotc_col2im_<t>(const T *x, T *y, int32_t nc, int32_t rank,
 *                     const int32_t *image, const int32_t *block,
 *                     const int32_t *blocks, const int32_t *strides,
 *                     const int32_t *dilations, const int32_t *pads)
 * x is [nc, K, L] with K = prod(block) kernel positions and L = prod(blocks)
 * block locations; y is [nc, image...]. Element (c, k, l) adds to image
 * position l * stride - pad + k * dilation (per dim) when that lies inside.
 */
#include "kernel_common.h"

/* Advances a multi-index over dims (last fastest); 0 once it wrapped around. */
static AOTC_UNUSED int aotc_c2i_next(int32_t rank, const int32_t *dims, int32_t *idx) {
  int32_t d;
  for (d = rank - 1; d >= 0; --d) {
    if (++idx[d] < dims[d]) return 1;
    idx[d] = 0;
  }
  return 0;
}

#define AOTC_COL2IM(SFX, T)                                                                                    \
  AOTC_KERNEL void aotc_col2im_##SFX(const T *x, T *y, int32_t nc, int32_t rank, const int32_t *image,         \
                                     const int32_t *block, const int32_t *blocks, const int32_t *strides,      \
                                     const int32_t *dilations, const int32_t *pads) {                          \
    int32_t kidx[AOTC_MAX_RANK] = {0}, lidx[AOTC_MAX_RANK] = {0};                                              \
    int32_t d, c, k = 0, l, n_img = 1, n_k = 1, n_l = 1;                                                       \
    for (d = 0; d < rank; ++d) {                                                                               \
      n_img *= image[d];                                                                                       \
      n_k *= block[d];                                                                                         \
      n_l *= blocks[d];                                                                                        \
    }                                                                                                          \
    memset(y, 0, (size_t)nc * (size_t)n_img * sizeof(T));                                                      \
    if (n_k == 0 || n_l == 0) return;                                                                          \
    do {                                                                                                       \
      l = 0;                                                                                                   \
      do {                                                                                                     \
        ptrdiff_t at = 0;                                                                                      \
        for (d = 0; d < rank; ++d) {                                                                           \
          int32_t p = lidx[d] * strides[d] - pads[d] + kidx[d] * dilations[d];                                 \
          if (p < 0 || p >= image[d]) break;                                                                   \
          at = at * image[d] + p;                                                                              \
        }                                                                                                      \
        if (d == rank)                                                                                         \
          for (c = 0; c < nc; ++c)                                                                             \
            y[(ptrdiff_t)c * n_img + at] += x[((ptrdiff_t)c * n_k + k) * n_l + l];                             \
        ++l;                                                                                                   \
      } while (aotc_c2i_next(rank, blocks, lidx));                                                             \
      ++k;                                                                                                     \
    } while (aotc_c2i_next(rank, block, kidx));                                                                \
  }
AOTC_COL2IM(f32, float)
AOTC_COL2IM(f64, double)
