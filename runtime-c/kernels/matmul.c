/*
 * matmul.c -- matrix multiplication: Gemm and MatMul, and the sgemm core that
 * both call (see aotc_sgemm below for its contract).
 *
 * The float32 core is a cache-blocked GEMM in the style of GotoBLAS/BLIS:
 * C is computed in MR x NR tiles (NR = 16 columns) whose accumulators live in
 * registers, from a panel of B packed contiguously (kc x NR floats, zero
 * padded) and MR rows of A read in place through strides, so transposed
 * operands need no copy of A. Matrices with few rows (M < MR, e.g. a batch-1
 * fully connected layer) take row-times-matrix loops that need no packing:
 * dot products when B is transposed, AXPYs of B's rows otherwise.
 *
 * Speed: the tiles use GCC/Clang vector extensions as wide as the target
 * allows (8 floats with AVX, else 4; the dot products 16 with AVX-512), with
 * `#pragma GCC unroll` so that gcc keeps them in registers at -O2 too; other
 * compilers get plain C. On x86-64 built without AVX (plain -O2), the whole
 * core also gets an AVX2+FMA copy chosen at run time (define
 * AOTC_NO_CPU_DISPATCH to turn this off), as in conv.c.
 *
 * float64 and the integer types use a simple reference loop (i-k-j order, so
 * the innermost loop is contiguous).
 */
#include "kernel_common.h"

/* ---- sgemm configuration ------------------------------------------------ */

/*
 * Native tile: AOTC_SGEMM_MR rows x (AOTC_SGEMM_NV vectors of AOTC_SGEMM_VW
 * floats); MR * NV accumulators plus NV B vectors fit in the register file
 * (16 vector registers on x86-64, 32 on AArch64). AOTC_NO_VECTOR_EXT (set by
 * aotc for --target generic) forces the plain C tile.
 */
#if defined(AOTC_NO_VECTOR_EXT) /* ISO C99 only (--target generic) */
#define AOTC_SGEMM_VW 1
#define AOTC_SGEMM_NV 4
#define AOTC_SGEMM_MR 4
#elif defined(__GNUC__) && defined(__AVX__)
#define AOTC_SGEMM_VW 8
#define AOTC_SGEMM_NV 2
#define AOTC_SGEMM_MR 6
#elif defined(__GNUC__) && defined(__aarch64__)
#define AOTC_SGEMM_VW 4
#define AOTC_SGEMM_NV 4
#define AOTC_SGEMM_MR 6
#elif defined(__GNUC__) && (defined(__SSE2__) || defined(__ARM_NEON) || defined(__wasm_simd128__))
#define AOTC_SGEMM_VW 4
#define AOTC_SGEMM_NV 4
#define AOTC_SGEMM_MR 3
#else
#define AOTC_SGEMM_VW 1
#define AOTC_SGEMM_NV 4
#define AOTC_SGEMM_MR 4
#endif
#define AOTC_SGEMM_NR (AOTC_SGEMM_VW * AOTC_SGEMM_NV)
/* Depth of one packed block: a B panel (KC x NR floats) stays in L1. */
#define AOTC_SGEMM_KC 256
/* Below this many rows a contiguous B is read in place rather than packed. */
#ifndef AOTC_SGEMM_PACK_MIN_M
#define AOTC_SGEMM_PACK_MIN_M 12
#endif
/*
 * Up to this many rows, A * B^T (both contiguous along k) is done as dot
 * products, which need no scratch; ops/matmul.cpp relies on this value.
 */
#define AOTC_SGEMM_DOT_MAX_M 12
/*
 * Scratch aotc_sgemm needs, in floats: one packed B panel, min(K, KC) x NR.
 * NR <= 16 in every configuration, so that aotc (which cannot know the
 * target's NR) can size it.
 */
#define AOTC_SGEMM_SCRATCH_FLOATS(K) (16 * ((K) < AOTC_SGEMM_KC ? (K) : AOTC_SGEMM_KC))
typedef char aotc_sgemm_scratch_fits[(AOTC_SGEMM_NR <= 16) ? 1 : -1];

#if defined(__GNUC__)
/* gcc only keeps a tile in registers at -O2 if its loops are unrolled. */
#define AOTC_SGEMM_UNROLL _Pragma("GCC unroll 16")
#else
#define AOTC_SGEMM_UNROLL
#endif

/* The native vector (a plain float without vector extensions), and its unaligned twin. */
#if AOTC_SGEMM_VW > 1
typedef float aotc_sgemm_vn __attribute__((vector_size(AOTC_SGEMM_VW * 4)));
typedef float aotc_sgemm_vnu __attribute__((vector_size(AOTC_SGEMM_VW * 4), aligned(4), may_alias));
#else
typedef float aotc_sgemm_vn;
typedef float aotc_sgemm_vnu;
#endif

/* P##_rows_dot's vector and columns at a time (see AOTC_SGEMM_ROWS_DOT): 16
 * floats and 8 columns on AVX-512, else the native vector and 4 columns (on
 * Cortex-M, 8 B pointers would not fit the integer registers). Clang splits
 * 512-bit types on cores that prefer 256-bit vectors unless asked. */
#if AOTC_SGEMM_VW == 8 && defined(__AVX512F__)
typedef float aotc_sgemm_vd __attribute__((vector_size(64)));
typedef float aotc_sgemm_vdu __attribute__((vector_size(64), aligned(4), may_alias));
#define AOTC_SGEMM_DW 16
#define AOTC_SGEMM_DOT_COLS 8
#if defined(__clang__)
#define AOTC_SGEMM_DOT_ATTR __attribute__((min_vector_width(512)))
#endif
#else
typedef aotc_sgemm_vn aotc_sgemm_vd;
typedef aotc_sgemm_vnu aotc_sgemm_vdu;
#define AOTC_SGEMM_DW AOTC_SGEMM_VW
#define AOTC_SGEMM_DOT_COLS 4
#endif
#ifndef AOTC_SGEMM_DOT_ATTR
#define AOTC_SGEMM_DOT_ATTR
#endif

/* The run-time AVX2 path: same NR as the native SSE one, so packing is shared. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__AVX__) && !defined(AOTC_NO_CPU_DISPATCH) && \
    AOTC_SGEMM_VW * AOTC_SGEMM_NV == 16
#define AOTC_SGEMM_DISPATCH 1
typedef float aotc_sgemm_v8 __attribute__((vector_size(32)));
typedef float aotc_sgemm_v8u __attribute__((vector_size(32), aligned(4), may_alias));
#endif

/* ---- sgemm building blocks, generated per vector type ----------------------- */

/*
 * AOTC_SGEMM_TILE defines NAME, a tile of R rows x NV vectors (VT, VW floats
 * each; VTU its unaligned twin) of columns:
 *     c[i * ldc + j] += alpha * sum_k A(i, k) * b[k * b_rs + j]
 * with A(i, k) = a[i * a_rs + k * a_cs]. One function per R keeps each
 * tile's accumulators in registers.
 */
#define AOTC_SGEMM_TILE(NAME, R, VT, VTU, VW, NV, ATTR)                                                   \
  static AOTC_UNUSED ATTR void NAME(int32_t kc, const float *a, int32_t a_rs, int32_t a_cs, const float *b, \
                                    int32_t b_rs, float alpha, float *c, int32_t ldc) {                  \
    VT acc[R][NV], zero;                                                                                 \
    int32_t i, v, k;                                                                                     \
    memset(&zero, 0, sizeof zero);                                                                       \
    AOTC_SGEMM_UNROLL for (i = 0; i < R; ++i) {                                                          \
      AOTC_SGEMM_UNROLL for (v = 0; v < NV; ++v) acc[i][v] = zero;                                       \
    }                                                                                                    \
    for (k = 0; k < kc; ++k) {                                                                           \
      const float *brow = b + (ptrdiff_t)k * b_rs;                                                       \
      const float *ak = a + (ptrdiff_t)k * a_cs;                                                         \
      VT bv[NV];                                                                                         \
      AOTC_SGEMM_UNROLL for (v = 0; v < NV; ++v) bv[v] = *(const VTU *)(brow + v * VW);                  \
      AOTC_SGEMM_UNROLL for (i = 0; i < R; ++i) {                                                        \
        float ai = ak[(ptrdiff_t)i * a_rs];                                                              \
        AOTC_SGEMM_UNROLL for (v = 0; v < NV; ++v) acc[i][v] += bv[v] * ai;                              \
      }                                                                                                  \
    }                                                                                                    \
    AOTC_SGEMM_UNROLL for (i = 0; i < R; ++i) {                                                          \
      float *crow = c + (ptrdiff_t)i * ldc;                                                              \
      AOTC_SGEMM_UNROLL for (v = 0; v < NV; ++v) {                                                       \
        VTU *cv = (VTU *)(crow + v * VW);                                                                \
        *cv = acc[i][v] * alpha + *cv;                                                                   \
      }                                                                                                  \
    }                                                                                                    \
  }

/*
 * AOTC_SGEMM_ROWS_DOT defines P##_rows_dot: A rows and B columns both
 * contiguous along k (e.g. Gemm with transB), as dot products over vectors VT
 * (VW floats), COLS columns at a time. A batch-1 fully connected layer is one
 * row against all of B, streamed from memory once: on AVX-512, 8 columns of
 * 16-float vectors read MobileNetV2's 1280 x 1000 classifier 1.5-2x faster
 * than 4 columns of 8 floats when it is not in the caches.
 */
#define AOTC_SGEMM_ROWS_DOT(P, VT, VTU, VW, COLS, ATTR)                                                  \
  static AOTC_UNUSED ATTR void P##_rows_dot(int32_t M, int32_t N, int32_t K, float alpha, const float *a, \
                                            int32_t a_rs, const float *b, int32_t b_cs, float *c,        \
                                            int32_t ldc) {                                               \
    int32_t i, j, k, t, l;                                                                               \
    /* Columns outer: COLS columns of B (in L1) serve every row of A. */                                 \
    for (j = 0; j < N; j += COLS) {                                                                      \
      int32_t nj = N - j < COLS ? N - j : COLS;                                                          \
      const float *bj[COLS];                                                                             \
      /* Missing columns (nj < COLS) repeat column j; their sums are dropped. */                         \
      for (t = 0; t < COLS; ++t) bj[t] = b + (ptrdiff_t)(t < nj ? j + t : j) * b_cs;                     \
      for (i = 0; i < M; ++i) {                                                                          \
        const float *ai = a + (ptrdiff_t)i * a_rs;                                                       \
        float *cr = c + (ptrdiff_t)i * ldc;                                                              \
        VT acc[COLS];                                                                                    \
        float sum[COLS] = {0.0f}, lanes[VW];                                                             \
        for (t = 0; t < COLS; ++t) memset(&acc[t], 0, sizeof acc[t]);                                    \
        for (k = 0; k + VW <= K; k += VW) {                                                              \
          VT av = *(const VTU *)(ai + k);                                                                \
          AOTC_SGEMM_UNROLL for (t = 0; t < COLS; ++t) acc[t] += av * *(const VTU *)(bj[t] + k);         \
        }                                                                                                \
        for (; k < K; ++k) {                                                                             \
          AOTC_SGEMM_UNROLL for (t = 0; t < COLS; ++t) sum[t] += ai[k] * bj[t][k];                       \
        }                                                                                                \
        for (t = 0; t < nj; ++t) {                                                                       \
          memcpy(lanes, &acc[t], sizeof lanes);                                                          \
          for (l = 0; l < VW; ++l) sum[t] += lanes[l];                                                   \
          cr[j + t] += alpha * sum[t];                                                                   \
        }                                                                                                \
      }                                                                                                  \
    }                                                                                                    \
  }

/*
 * AOTC_SGEMM_CORE defines, for prefix P (tiles P##_tile1..6 and P##_rows_dot
 * already defined):
 *   P##_tile      the tile for `rows` (1..MR) rows;
 *   P##_rows_axpy few rows with contiguous B rows: c_i += alpha * sum_k a_ik B_k,
 *                 four k at a time;
 *   P##_run       the blocked product, C += alpha * op(A) * op(B) (beta is
 *                 applied by aotc_sgemm before).
 */
#define AOTC_SGEMM_CORE(P, VT, VTU, VW, MR, ATTR)                                                           \
  static AOTC_UNUSED ATTR void P##_tile(int32_t rows, int32_t kc, const float *a, int32_t a_rs, int32_t a_cs, \
                                        const float *b, int32_t b_rs, float alpha, float *c, int32_t ldc) { \
    switch (rows) {                                                                                      \
      case 1: P##_tile1(kc, a, a_rs, a_cs, b, b_rs, alpha, c, ldc); break;                               \
      case 2: P##_tile2(kc, a, a_rs, a_cs, b, b_rs, alpha, c, ldc); break;                               \
      case 3: P##_tile3(kc, a, a_rs, a_cs, b, b_rs, alpha, c, ldc); break;                               \
      case 4: if (MR >= 4) P##_tile4(kc, a, a_rs, a_cs, b, b_rs, alpha, c, ldc); break;                  \
      case 5: if (MR >= 5) P##_tile5(kc, a, a_rs, a_cs, b, b_rs, alpha, c, ldc); break;                  \
      case 6: if (MR >= 6) P##_tile6(kc, a, a_rs, a_cs, b, b_rs, alpha, c, ldc); break;                  \
      default: break;                                                                                    \
    }                                                                                                    \
  }                                                                                                      \
                                                                                                         \
  static AOTC_UNUSED ATTR void P##_rows_axpy(int32_t M, int32_t N, int32_t K, float alpha, const float *a,  \
                                             int32_t a_rs, int32_t a_cs, const float *b, int32_t b_rs,   \
                                             float *c, int32_t ldc) {                                    \
    int32_t i, j, k;                                                                                     \
    for (i = 0; i < M; ++i) {                                                                            \
      const float *ai = a + (ptrdiff_t)i * a_rs;                                                         \
      float *cr = c + (ptrdiff_t)i * ldc;                                                                \
      for (k = 0; k < K; k += 4) {                                                                       \
        int32_t nk = K - k < 4 ? K - k : 4;                                                              \
        float s0 = alpha * ai[(ptrdiff_t)k * a_cs];                                                      \
        float s1 = nk > 1 ? alpha * ai[(ptrdiff_t)(k + 1) * a_cs] : 0.0f;                                \
        float s2 = nk > 2 ? alpha * ai[(ptrdiff_t)(k + 2) * a_cs] : 0.0f;                                \
        float s3 = nk > 3 ? alpha * ai[(ptrdiff_t)(k + 3) * a_cs] : 0.0f;                                \
        /* Missing rows (nk < 4) point at row k with a zero weight. */                                   \
        const float *b0 = b + (ptrdiff_t)k * b_rs;                                                       \
        const float *b1 = nk > 1 ? b0 + b_rs : b0;                                                       \
        const float *b2 = nk > 2 ? b1 + b_rs : b0;                                                       \
        const float *b3 = nk > 3 ? b2 + b_rs : b0;                                                       \
        for (j = 0; j + VW <= N; j += VW) {                                                              \
          VTU *cv = (VTU *)(cr + j);                                                                     \
          *cv = *cv + *(const VTU *)(b0 + j) * s0 + *(const VTU *)(b1 + j) * s1 +                        \
                *(const VTU *)(b2 + j) * s2 + *(const VTU *)(b3 + j) * s3;                               \
        }                                                                                                \
        for (; j < N; ++j) cr[j] += b0[j] * s0 + b1[j] * s1 + b2[j] * s2 + b3[j] * s3;                   \
      }                                                                                                  \
    }                                                                                                    \
  }                                                                                                      \
                                                                                                         \
  static AOTC_UNUSED ATTR void P##_run(int32_t M, int32_t N, int32_t K, float alpha, const float *a,        \
                                       int32_t a_rs, int32_t a_cs, const float *b, int32_t b_rs,         \
                                       int32_t b_cs, float *c, int32_t ldc, float *bp) {                 \
    float tile[MR * AOTC_SGEMM_NR];                                                                      \
    int32_t i, j, p;                                                                                     \
    /* Few rows, or a single column: no packing, no tiles. */                                            \
    if ((M <= AOTC_SGEMM_DOT_MAX_M || N == 1) && a_cs == 1 && b_rs == 1) {                               \
      P##_rows_dot(M, N, K, alpha, a, a_rs, b, b_cs, c, ldc);                                            \
      return;                                                                                            \
    }                                                                                                    \
    if (M < MR && b_cs == 1) {                                                                           \
      P##_rows_axpy(M, N, K, alpha, a, a_rs, a_cs, b, b_rs, c, ldc);                                     \
      return;                                                                                            \
    }                                                                                                    \
    for (p = 0; p < K; p += AOTC_SGEMM_KC) {                                                             \
      int32_t kc = K - p < AOTC_SGEMM_KC ? K - p : AOTC_SGEMM_KC;                                        \
      const float *ablock = a + (ptrdiff_t)p * a_cs;                                                     \
      for (j = 0; j < N; j += AOTC_SGEMM_NR) {                                                           \
        int32_t nr = N - j < AOTC_SGEMM_NR ? N - j : AOTC_SGEMM_NR;                                      \
        const float *panel;                                                                              \
        int32_t panel_rs;                                                                                \
        if (b_cs == 1 && nr == AOTC_SGEMM_NR && M <= AOTC_SGEMM_PACK_MIN_M) {                            \
          /* Used by few tiles: read B in place. */                                                      \
          panel = b + (ptrdiff_t)p * b_rs + j;                                                           \
          panel_rs = b_rs;                                                                               \
        } else {                                                                                         \
          aotc_sgemm_pack_b(b, b_rs, b_cs, p, kc, j, nr, bp);                                            \
          panel = bp;                                                                                    \
          panel_rs = AOTC_SGEMM_NR;                                                                      \
        }                                                                                                \
        for (i = 0; i < M; i += MR) {                                                                    \
          int32_t ii, jj, rows = M - i < MR ? M - i : MR;                                                \
          const float *at = ablock + (ptrdiff_t)i * a_rs;                                                \
          if (nr == AOTC_SGEMM_NR) {                                                                     \
            P##_tile(rows, kc, at, a_rs, a_cs, panel, panel_rs, alpha, c + (ptrdiff_t)i * ldc + j, ldc);  \
            continue;                                                                                    \
          }                                                                                              \
          /* Partial columns: compute the full tile aside, add the valid part. */                        \
          for (ii = 0; ii < rows * AOTC_SGEMM_NR; ++ii) tile[ii] = 0.0f;                                 \
          P##_tile(rows, kc, at, a_rs, a_cs, panel, panel_rs, alpha, tile, AOTC_SGEMM_NR);               \
          for (ii = 0; ii < rows; ++ii)                                                                  \
            for (jj = 0; jj < nr; ++jj) c[(ptrdiff_t)(i + ii) * ldc + j + jj] += tile[ii * AOTC_SGEMM_NR + jj]; \
        }                                                                                                \
      }                                                                                                  \
    }                                                                                                    \
  }

/* Copies the kc x nr block of B at (k0, j0) into bp as kc rows of NR floats, zero padded. */
static AOTC_UNUSED void aotc_sgemm_pack_b(const float *b, int32_t b_rs, int32_t b_cs, int32_t k0, int32_t kc,
                                          int32_t j0, int32_t nr, float *bp) {
  int32_t k, j;
  if (b_cs == 1) {
    for (k = 0; k < kc; ++k) {
      const float *src = b + (ptrdiff_t)(k0 + k) * b_rs + j0;
      float *dst = bp + (ptrdiff_t)k * AOTC_SGEMM_NR;
      for (j = 0; j < nr; ++j) dst[j] = src[j];
      for (; j < AOTC_SGEMM_NR; ++j) dst[j] = 0.0f;
    }
    return;
  }
  /* Transposed B: read along k (contiguous when b_rs == 1), write columns. */
  for (j = 0; j < AOTC_SGEMM_NR; ++j) {
    if (j < nr) {
      const float *src = b + (ptrdiff_t)(j0 + j) * b_cs + (ptrdiff_t)k0 * b_rs;
      for (k = 0; k < kc; ++k) bp[(ptrdiff_t)k * AOTC_SGEMM_NR + j] = src[(ptrdiff_t)k * b_rs];
    } else {
      for (k = 0; k < kc; ++k) bp[(ptrdiff_t)k * AOTC_SGEMM_NR + j] = 0.0f;
    }
  }
}

/* Generates the tiles 1..6, rows_dot (vectors DT of DW floats, DCOLS columns at
 * a time) and the core for one vector configuration. */
#define AOTC_SGEMM_ALL(P, VT, VTU, VW, NV, MR, DT, DTU, DW, DCOLS, ATTR) \
  AOTC_SGEMM_TILE(P##_tile1, 1, VT, VTU, VW, NV, ATTR)                   \
  AOTC_SGEMM_TILE(P##_tile2, 2, VT, VTU, VW, NV, ATTR)                   \
  AOTC_SGEMM_TILE(P##_tile3, 3, VT, VTU, VW, NV, ATTR)                   \
  AOTC_SGEMM_TILE(P##_tile4, 4, VT, VTU, VW, NV, ATTR)                   \
  AOTC_SGEMM_TILE(P##_tile5, 5, VT, VTU, VW, NV, ATTR)                   \
  AOTC_SGEMM_TILE(P##_tile6, 6, VT, VTU, VW, NV, ATTR)                   \
  AOTC_SGEMM_ROWS_DOT(P, DT, DTU, DW, DCOLS, ATTR)                       \
  AOTC_SGEMM_CORE(P, VT, VTU, VW, MR, ATTR)

AOTC_SGEMM_ALL(aotc_sgemm_native, aotc_sgemm_vn, aotc_sgemm_vnu, AOTC_SGEMM_VW, AOTC_SGEMM_NV, AOTC_SGEMM_MR,
               aotc_sgemm_vd, aotc_sgemm_vdu, AOTC_SGEMM_DW, AOTC_SGEMM_DOT_COLS, AOTC_SGEMM_DOT_ATTR)
#ifdef AOTC_SGEMM_DISPATCH
AOTC_SGEMM_ALL(aotc_sgemm_avx2, aotc_sgemm_v8, aotc_sgemm_v8u, 8, 2, 6, aotc_sgemm_v8, aotc_sgemm_v8u, 8, 4,
               __attribute__((target("avx2,fma"))))
#endif

/* ---- the sgemm core ---------------------------------------------------------- */

/*
 * aotc_sgemm -- the float32 GEMM core, C = alpha * op(A) * op(B) + beta * C.
 *
 *   M, N, K        C is M x N; the product's inner dimension is K.
 *   a, a_rs, a_cs  element (i, k) of op(A) is a[i * a_rs + k * a_cs]
 *                  (row-major A[M,K]: a_rs = K, a_cs = 1; transposed A[K,M]: a_rs = 1, a_cs = M);
 *   b, b_rs, b_cs  element (k, j) of op(B) is b[k * b_rs + j * b_cs]
 *                  (row-major B[K,N]: b_rs = N, b_cs = 1; transposed B[N,K]: b_rs = 1, b_cs = K);
 *   c, ldc         element (i, j) of C is c[i * ldc + j]; C must not overlap A or B.
 *   beta           0 writes C without reading it (so C may hold garbage).
 *   scratch        AOTC_SGEMM_SCRATCH_FLOATS(K) floats, i.e. 4 * 16 * min(K, 256)
 *                  bytes, any alignment (none for the no-packing cases listed
 *                  in ops/matmul.cpp, sgemm_scratch_bytes).
 *
 * A static helper, not a kernel: kernels in this file call it. Files are pasted
 * in name order, so only kernels in files after this one could call it too.
 */
static AOTC_UNUSED void aotc_sgemm(int32_t M, int32_t N, int32_t K, float alpha, const float *a, int32_t a_rs,
                                   int32_t a_cs, const float *b, int32_t b_rs, int32_t b_cs, float beta, float *c,
                                   int32_t ldc, void *scratch) {
  int32_t i, j;
  if (M <= 0 || N <= 0) return;
  /* Fold beta into C first; from then on the product is added to C. */
  if (beta != 1.0f) {
    for (i = 0; i < M; ++i) {
      float *cr = c + (ptrdiff_t)i * ldc;
      if (beta == 0.0f) {
        for (j = 0; j < N; ++j) cr[j] = 0.0f;
      } else {
        for (j = 0; j < N; ++j) cr[j] *= beta;
      }
    }
  }
  if (K <= 0) return;
#ifdef AOTC_SGEMM_DISPATCH
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    aotc_sgemm_avx2_run(M, N, K, alpha, a, a_rs, a_cs, b, b_rs, b_cs, c, ldc, (float *)scratch);
    return;
  }
#endif
  aotc_sgemm_native_run(M, N, K, alpha, a, a_rs, a_cs, b, b_rs, b_cs, c, ldc, (float *)scratch);
}

/* ---- reference GEMM for the other types ----------------------------------- */

/*
 * c[i * ldc + j] = sum_k A(i, k) * B(k, j) with the same strided operands as
 * aotc_sgemm. Integer products wrap around (done in the unsigned type U).
 */
#define AOTC_GEMM_REF(NAME, T, U)                                                                        \
  static AOTC_UNUSED void NAME(int32_t M, int32_t N, int32_t K, const T *a, int32_t a_rs, int32_t a_cs,   \
                               const T *b, int32_t b_rs, int32_t b_cs, T *c, int32_t ldc) {             \
    int32_t i, j, k;                                                                                     \
    for (i = 0; i < M; ++i) {                                                                            \
      T *cr = c + (ptrdiff_t)i * ldc;                                                                    \
      for (j = 0; j < N; ++j) cr[j] = 0;                                                                 \
      for (k = 0; k < K; ++k) {                                                                          \
        U aik = (U)a[(ptrdiff_t)i * a_rs + (ptrdiff_t)k * a_cs];                                         \
        const T *bk = b + (ptrdiff_t)k * b_rs;                                                           \
        if (b_cs == 1) {                                                                                 \
          for (j = 0; j < N; ++j) cr[j] = (T)((U)cr[j] + aik * (U)bk[j]);                                \
        } else {                                                                                         \
          for (j = 0; j < N; ++j) cr[j] = (T)((U)cr[j] + aik * (U)bk[(ptrdiff_t)j * b_cs]);              \
        }                                                                                                \
      }                                                                                                  \
    }                                                                                                    \
  }
AOTC_GEMM_REF(aotc_gemm_ref_f64, double, double)
AOTC_GEMM_REF(aotc_gemm_ref_i32, int32_t, uint32_t)
AOTC_GEMM_REF(aotc_gemm_ref_i64, int64_t, uint64_t)
AOTC_GEMM_REF(aotc_gemm_ref_u32, uint32_t, uint32_t)
AOTC_GEMM_REF(aotc_gemm_ref_u64, uint64_t, uint64_t)

/* ---- Gemm ------------------------------------------------------------------ */

/*
 * Y[M,N] = alpha * op(A) * op(B) + beta * C, A stored [M,K] (or [K,M] if
 * trans_a), B stored [K,N] (or [N,K] if trans_b). C (may be NULL) is read
 * broadcast: element (i, j) at c[i * c_rs + j * c_cs], strides 0 on broadcast dims.
 */
AOTC_KERNEL void aotc_gemm_f32(const float *a, const float *b, const float *c, float *y, int32_t M, int32_t N,
                               int32_t K, int32_t trans_a, int32_t trans_b, float alpha, float beta, int32_t c_rs,
                               int32_t c_cs, void *scratch) {
  int32_t i, j;
  float gemm_beta = 0.0f;
  if (c != NULL && beta != 0.0f) {
    for (i = 0; i < M; ++i)
      for (j = 0; j < N; ++j) y[(ptrdiff_t)i * N + j] = beta * c[(ptrdiff_t)i * c_rs + (ptrdiff_t)j * c_cs];
    gemm_beta = 1.0f;
  }
  aotc_sgemm(M, N, K, alpha, a, trans_a ? 1 : K, trans_a ? M : 1, b, trans_b ? 1 : N, trans_b ? K : 1, gemm_beta, y,
             N, scratch);
}

AOTC_KERNEL void aotc_gemm_f64(const double *a, const double *b, const double *c, double *y, int32_t M, int32_t N,
                               int32_t K, int32_t trans_a, int32_t trans_b, float alpha, float beta, int32_t c_rs,
                               int32_t c_cs, void *scratch) {
  int32_t i, j;
  (void)scratch;
  aotc_gemm_ref_f64(M, N, K, a, trans_a ? 1 : K, trans_a ? M : 1, b, trans_b ? 1 : N, trans_b ? K : 1, y, N);
  for (i = 0; i < M; ++i) {
    for (j = 0; j < N; ++j) {
      double *yij = y + (ptrdiff_t)i * N + j;
      *yij *= (double)alpha;
      if (c != NULL && beta != 0.0f) *yij += (double)beta * c[(ptrdiff_t)i * c_rs + (ptrdiff_t)j * c_cs];
    }
  }
}

/* ---- MatMul ------------------------------------------------------------------ */

/*
 * Batched Y[..., M, N] = A[..., M, K] * B[..., K, N] (numpy matmul; 1-D operands
 * already reshaped by aotc). The batch is `rank` dims `dims` (row-major, may be
 * 0 dims); a_strides/b_strides give each operand's element stride per batch
 * dim, 0 where it broadcasts. Y is contiguous.
 */
#define AOTC_MATMUL_BATCHED(NAME, T, BODY)                                                                 \
  AOTC_KERNEL void NAME(const T *a, const T *b, T *y, int32_t M, int32_t N, int32_t K, int32_t rank,       \
                        const int32_t *dims, const int32_t *a_strides, const int32_t *b_strides,           \
                        void *scratch) {                                                                   \
    int32_t idx[AOTC_MAX_RANK] = {0};                                                                      \
    int32_t off[2] = {0, 0};                                                                               \
    const int32_t *strides[2];                                                                             \
    ptrdiff_t y_step = (ptrdiff_t)M * N;                                                                   \
    (void)scratch;                                                                                         \
    strides[0] = a_strides;                                                                                \
    strides[1] = b_strides;                                                                                \
    if (rank > 0) {                                                                                        \
      int32_t d;                                                                                           \
      for (d = 0; d < rank; ++d)                                                                           \
        if (dims[d] == 0) return;                                                                          \
    }                                                                                                      \
    do {                                                                                                   \
      const T *pa = a + off[0];                                                                            \
      const T *pb = b + off[1];                                                                            \
      BODY;                                                                                                \
      y += y_step;                                                                                         \
    } while (rank > 0 && aotc_next_index(rank, 0, dims, idx, 2, off, strides));                            \
  }

AOTC_MATMUL_BATCHED(aotc_matmul_f32, float, aotc_sgemm(M, N, K, 1.0f, pa, K, 1, pb, N, 1, 0.0f, y, N, scratch))
AOTC_MATMUL_BATCHED(aotc_matmul_f64, double, aotc_gemm_ref_f64(M, N, K, pa, K, 1, pb, N, 1, y, N))
AOTC_MATMUL_BATCHED(aotc_matmul_i32, int32_t, aotc_gemm_ref_i32(M, N, K, pa, K, 1, pb, N, 1, y, N))
AOTC_MATMUL_BATCHED(aotc_matmul_i64, int64_t, aotc_gemm_ref_i64(M, N, K, pa, K, 1, pb, N, 1, y, N))
AOTC_MATMUL_BATCHED(aotc_matmul_u32, uint32_t, aotc_gemm_ref_u32(M, N, K, pa, K, 1, pb, N, 1, y, N))
AOTC_MATMUL_BATCHED(aotc_matmul_u64, uint64_t, aotc_gemm_ref_u64(M, N, K, pa, K, 1, pb, N, 1, y, N))
