/*
 * tree_ensemble.c -- TreeEnsemble (ai.onnx.ml opset 5), post_transform NONE.
 *
 *     aotc_tree_ensemble_<t>(const T *x, T *y, void *scratch, int32_t rows,
 *                            int32_t features, int32_t n_nodes, const int32_t *nodes,
 *                            const int32_t *splits, const int32_t *members,
 *                            int32_t n_trees, const int32_t *roots,
 *                            const int32_t *leaf_targets, const int32_t *leaf_weights,
 *                            int32_t n_targets, int32_t aggregate)
 * nodes: per node 8 words: mode (AOTC_TREE_*), feature, true next, false next
 * (a node index, or -1 - leaf index), NaN goes true, first member, member
 * count, unused. splits, members and leaf_weights hold T values as raw bytes
 * (int32 words: doubles keep their precision). A tree walk stops after
 * n_nodes steps (aotc rejects cyclic trees; the cap keeps the kernel total).
 * aggregate: 0 average, 1 sum, 2 min, 3 max over the trees that reach a leaf
 * of each target; targets no leaf reaches are 0. scratch: n_targets bytes.
 */
#include "kernel_common.h"

#define AOTC_TREE_LEQ 0
#define AOTC_TREE_LT 1
#define AOTC_TREE_GTE 2
#define AOTC_TREE_GT 3
#define AOTC_TREE_EQ 4
#define AOTC_TREE_NEQ 5
#define AOTC_TREE_MEMBER 6

/* Element i of `size` bytes from values stored as raw int32 words. */
static AOTC_UNUSED void aotc_tree_load(void *dst, const int32_t *words, int32_t i, size_t size) {
  memcpy(dst, (const uint8_t *)words + (size_t)i * size, size);
}

#define AOTC_TREE_ENSEMBLE(SFX, T)                                                                              \
  AOTC_KERNEL void aotc_tree_ensemble_##SFX(const T *x, T *y, void *scratch, int32_t rows, int32_t features,   \
                                            int32_t n_nodes, const int32_t *nodes, const int32_t *splits,       \
                                            const int32_t *members, int32_t n_trees, const int32_t *roots,      \
                                            const int32_t *leaf_targets, const int32_t *leaf_weights,           \
                                            int32_t n_targets, int32_t aggregate) {                             \
    uint8_t *seen = (uint8_t *)scratch;                                                                         \
    int32_t r, t, steps, m;                                                                                     \
    for (r = 0; r < rows; ++r) {                                                                                \
      T *out = y + (ptrdiff_t)r * n_targets;                                                                    \
      memset(seen, 0, (size_t)n_targets);                                                                       \
      for (t = 0; t < n_targets; ++t) out[t] = (T)0;                                                            \
      for (t = 0; t < n_trees; ++t) {                                                                           \
        int32_t at = roots[t], leaf = -1;                                                                       \
        for (steps = 0; steps < n_nodes; ++steps) {                                                             \
          const int32_t *nd = nodes + (ptrdiff_t)at * 8;                                                        \
          T v = x[(ptrdiff_t)r * features + nd[1]], s, mv;                                                      \
          int cond = 0, next;                                                                                   \
          aotc_tree_load(&s, splits, at, sizeof s);                                                             \
          if (v != v) {                                                                                         \
            cond = nd[4];                                                                                       \
          } else {                                                                                              \
            switch (nd[0]) {                                                                                    \
              case AOTC_TREE_LEQ: cond = v <= s; break;                                                         \
              case AOTC_TREE_LT: cond = v < s; break;                                                           \
              case AOTC_TREE_GTE: cond = v >= s; break;                                                         \
              case AOTC_TREE_GT: cond = v > s; break;                                                           \
              case AOTC_TREE_EQ: cond = v == s; break;                                                          \
              case AOTC_TREE_NEQ: cond = v != s; break;                                                         \
              default:                                                                                          \
                for (m = 0; m < nd[6] && !cond; ++m) {                                                          \
                  aotc_tree_load(&mv, members, nd[5] + m, sizeof mv);                                           \
                  cond = v == mv;                                                                               \
                }                                                                                               \
            }                                                                                                   \
          }                                                                                                     \
          next = cond ? nd[2] : nd[3];                                                                          \
          if (next < 0) {                                                                                       \
            leaf = -1 - next;                                                                                   \
            break;                                                                                              \
          }                                                                                                     \
          at = next;                                                                                            \
        }                                                                                                       \
        if (leaf >= 0) {                                                                                        \
          int32_t k = leaf_targets[leaf];                                                                       \
          T w;                                                                                                  \
          aotc_tree_load(&w, leaf_weights, leaf, sizeof w);                                                     \
          if (aggregate == 2) out[k] = seen[k] && out[k] < w ? out[k] : w;                                      \
          else if (aggregate == 3) out[k] = seen[k] && out[k] > w ? out[k] : w;                                 \
          else out[k] += w;                                                                                     \
          seen[k] = 1;                                                                                          \
        }                                                                                                       \
      }                                                                                                         \
      if (aggregate == 0 && n_trees > 0)                                                                        \
        for (t = 0; t < n_targets; ++t) out[t] /= (T)n_trees;                                                   \
    }                                                                                                           \
  }
AOTC_TREE_ENSEMBLE(f32, float)
AOTC_TREE_ENSEMBLE(f64, double)
