/*
 * attention.c -- Attention (ONNX opsets 23 and 24): one loop nest per
 * (batch, q head, q row): scores = Q K^T * scale, softcap, + mask (attn_mask,
 * causal, nonpad_kv_seqlen padding), softmax, times V. No intermediate
 * tensors: one row of scores lives in scratch. Also RotaryEmbedding.
 */
#include "kernel_common.h"

#define AOTC_ATTN_MASK_NONE 0
#define AOTC_ATTN_MASK_BOOL 1
#define AOTC_ATTN_MASK_ADD 2

/* Where row t of the keys (or values) of (batch b, kv head h) starts: in the
 * past for t < past_seq, else in the new K/V, 3D or 4D. */
static AOTC_UNUSED size_t aotc_attn_new_row(const aotc_attention_params *p, int32_t three_d, int32_t b, int32_t h,
                                            int32_t t, int32_t size) {
  if (three_d)
    return (((size_t)b * (size_t)p->kv_seq + (size_t)t) * (size_t)p->kv_heads + (size_t)h) * (size_t)size;
  return (((size_t)b * (size_t)p->kv_heads + (size_t)h) * (size_t)p->kv_seq + (size_t)t) * (size_t)size;
}

static AOTC_UNUSED size_t aotc_attn_past_row(const aotc_attention_params *p, int32_t b, int32_t h, int32_t t,
                                             int32_t size) {
  return (((size_t)b * (size_t)p->kv_heads + (size_t)h) * (size_t)p->past_seq + (size_t)t) * (size_t)size;
}

/* Row (b, h, s) of a [batch, heads, seq, size] tensor, or of [batch, seq, heads * size] if three_d. */
static AOTC_UNUSED size_t aotc_attn_q_row(const aotc_attention_params *p, int32_t three_d, int32_t b, int32_t h,
                                          int32_t s, int32_t size) {
  if (three_d)
    return (((size_t)b * (size_t)p->q_seq + (size_t)s) * (size_t)p->q_heads + (size_t)h) * (size_t)size;
  return (((size_t)b * (size_t)p->q_heads + (size_t)h) * (size_t)p->q_seq + (size_t)s) * (size_t)size;
}

/*
 * Whether key t is masked out for (b, h, s) by causality or padding (the
 * parts of the bias that are -inf or 0), and else the mask's additive value
 * (0 if no float mask) in *add. A bool mask's false is -inf, too.
 */
static AOTC_UNUSED int aotc_attn_masked(const aotc_attention_params *p, const void *mask, const int64_t *nonpad,
                                        int32_t b, int32_t h, int32_t s, int32_t t, size_t *mask_at) {
  if (nonpad && (int64_t)t >= nonpad[b]) return 1;
  if (p->is_causal) {
    const int64_t offset = nonpad ? nonpad[b] - (int64_t)p->q_seq : (int64_t)p->past_seq;
    if ((int64_t)t > (int64_t)s + offset) return 1;
  }
  if (p->mask_kind == AOTC_ATTN_MASK_NONE) return 0;
  if (t >= p->mask_cols) return 1;
  *mask_at = (size_t)b * (size_t)p->mask_stride[0] + (size_t)h * (size_t)p->mask_stride[1] +
             (size_t)s * (size_t)p->mask_stride[2] + (size_t)t * (size_t)p->mask_stride[3];
  return p->mask_kind == AOTC_ATTN_MASK_BOOL && !((const uint8_t *)mask)[*mask_at];
}

/*
 * aotc_attention_<T>: see aotc_attention_params (kernel_params.h). mask is
 * uint8 (AOTC_ATTN_MASK_BOOL) or T (AOTC_ATTN_MASK_ADD) or NULL; past_key,
 * past_value, nonpad (int64 [batch]: keys at or past nonpad[b] are padding),
 * present_key, present_value ([batch, kv_heads, total, size]) and qk_out
 * ([batch, q_heads, q_seq, total]) may be NULL. A row whose keys are all
 * masked out has probabilities 0 (Y row 0), as ONNX's function defines it,
 * not the NaN of a softmax over -inf. Arithmetic in ACC (LD loads a T as
 * ACC, ST stores one). scratch: total + v_head_size ACCs.
 */
#define AOTC_ATTENTION(SFX, T, ACC, LD, ST, EXP, TANH)                                                         \
  AOTC_KERNEL void aotc_attention_##SFX(const aotc_attention_params *p, const T *q, const T *k, const T *v,    \
                                        const void *mask, const T *past_key, const T *past_value,              \
                                        const int64_t *nonpad, T *y, T *present_key, T *present_value,         \
                                        T *qk_out, float scale, float softcap, ACC *scratch) {                 \
    const int32_t D = p->head_size, DV = p->v_head_size, S = p->q_seq, P = p->past_seq;                        \
    const int32_t total = P + p->kv_seq, group = p->q_heads / p->kv_heads;                                     \
    ACC *score = scratch, *acc = scratch + total;                                                              \
    int32_t b, h, s, t, d;                                                                                     \
    for (b = 0; b < p->batch; ++b)                                                                             \
      for (h = 0; h < p->kv_heads; ++h)                                                                        \
        for (t = 0; t < total; ++t) {                                                                          \
          const size_t at_k = (((size_t)b * (size_t)p->kv_heads + (size_t)h) * (size_t)total + (size_t)t);    \
          const T *kr = t < P ? past_key + aotc_attn_past_row(p, b, h, t, D)                                   \
                              : k + aotc_attn_new_row(p, p->k_3d, b, h, t - P, D);                             \
          const T *vr = t < P ? past_value + aotc_attn_past_row(p, b, h, t, DV)                                \
                              : v + aotc_attn_new_row(p, p->v_3d, b, h, t - P, DV);                            \
          if (present_key) memcpy(present_key + at_k * (size_t)D, kr, (size_t)D * sizeof(T));                 \
          if (present_value) memcpy(present_value + at_k * (size_t)DV, vr, (size_t)DV * sizeof(T));            \
        }                                                                                                      \
    for (b = 0; b < p->batch; ++b)                                                                             \
      for (h = 0; h < p->q_heads; ++h) {                                                                       \
        const int32_t kvh = h / group;                                                                         \
        for (s = 0; s < S; ++s) {                                                                              \
          const T *qr = q + aotc_attn_q_row(p, p->q_3d, b, h, s, D);                                           \
          T *yr = y + aotc_attn_q_row(p, p->q_3d, b, h, s, DV);                                                \
          T *qk = qk_out ? qk_out + (((size_t)b * (size_t)p->q_heads + (size_t)h) * (size_t)S + (size_t)s) *   \
                                        (size_t)total                                                          \
                         : NULL;                                                                               \
          int all_masked = 1;                                                                                  \
          ACC max = 0, sum = 0;                                                                                \
          for (t = 0; t < total; ++t) {                                                                        \
            const T *kr = t < P ? past_key + aotc_attn_past_row(p, b, kvh, t, D)                               \
                                : k + aotc_attn_new_row(p, p->k_3d, b, kvh, t - P, D);                         \
            size_t mask_at = 0;                                                                                \
            ACC dot = 0, bias = 0;                                                                             \
            for (d = 0; d < D; ++d) dot += LD(qr[d]) * LD(kr[d]);                                              \
            dot *= (ACC)scale;                                                                                 \
            if (qk && p->qk_mode == 0) qk[t] = ST(dot);                                                        \
            if (p->has_softcap) dot = (ACC)softcap * TANH(dot / (ACC)softcap);                                 \
            if (qk && p->qk_mode == 1) qk[t] = ST(dot);                                                        \
            if (aotc_attn_masked(p, mask, nonpad, b, h, s, t, &mask_at))                                       \
              bias = -(ACC)INFINITY;                                                                           \
            else if (p->mask_kind == AOTC_ATTN_MASK_ADD)                                                       \
              bias = LD(((const T *)mask)[mask_at]);                                                           \
            /* ONNX: a row is fully masked when the bias (not the scores) is -inf throughout. */               \
            if (!(bias == -(ACC)INFINITY)) all_masked = 0;                                                     \
            dot += bias;                                                                                       \
            if (qk && p->qk_mode == 2) qk[t] = ST(dot);                                                        \
            score[t] = dot;                                                                                    \
            if (t == 0 || dot > max) max = dot;                                                                \
          }                                                                                                    \
          for (t = 0; t < total; ++t) {                                                                        \
            score[t] = all_masked ? (ACC)0 : EXP(score[t] - max);                                              \
            sum += score[t];                                                                                   \
          }                                                                                                    \
          for (d = 0; d < DV; ++d) acc[d] = 0;                                                                 \
          for (t = 0; t < total; ++t) {                                                                        \
            const T *vr = t < P ? past_value + aotc_attn_past_row(p, b, kvh, t, DV)                            \
                                : v + aotc_attn_new_row(p, p->v_3d, b, kvh, t - P, DV);                        \
            const ACC prob = all_masked ? (ACC)0 : score[t] / sum;                                             \
            if (qk && p->qk_mode == 3) qk[t] = ST(prob);                                                       \
            for (d = 0; d < DV; ++d) acc[d] += prob * LD(vr[d]);                                               \
          }                                                                                                    \
          for (d = 0; d < DV; ++d) yr[d] = ST(acc[d]);                                                         \
        }                                                                                                      \
      }                                                                                                        \
  }

#define AOTC_ATTN_ID(x) (x)
#define AOTC_ATTN_LD_F16(x) aotc_half_to_float(x)
#define AOTC_ATTN_ST_F16(x) aotc_float_to_half(x)
#define AOTC_ATTN_LD_BF16(x) aotc_bfloat16_to_float(x)
#define AOTC_ATTN_ST_BF16(x) aotc_float_to_bfloat16(x)
#define AOTC_ATTN_LD_F64(x) ((double)(x))

AOTC_ATTENTION(f32, float, float, AOTC_ATTN_ID, AOTC_ATTN_ID, expf, tanhf)
AOTC_ATTENTION(f64, double, double, AOTC_ATTN_LD_F64, AOTC_ATTN_ID, exp, tanh)
/* float16/bfloat16 compute in float (ONNX's softmax_precision default for them is float too). */
AOTC_ATTENTION(f16, uint16_t, float, AOTC_ATTN_LD_F16, AOTC_ATTN_ST_F16, expf, tanhf)
AOTC_ATTENTION(bf16, uint16_t, float, AOTC_ATTN_LD_BF16, AOTC_ATTN_ST_BF16, expf, tanhf)

/*
 * RotaryEmbedding: x [batch, heads, seq, head] (x_3d: [batch, seq, heads *
 * head]) rotated in its first `rot` elements of each head, the rest copied.
 * Pairs are (i, i + rot/2), or (2i, 2i + 1) if interleaved, turned by the
 * angle whose cos and sin are element i < rot/2 of a cache row of cache_dim:
 * row pos[b, s] of [cache_rows, cache_dim] caches, or (without pos) row
 * (b, s) of [batch, seq, cache_dim] ones. A position outside the cache gives
 * NaN (ONNX's Gather would fail; reading past the cache is not an option).
 */
#define AOTC_ROTARY(SFX, T, ACC, LD, ST)                                                                       \
  AOTC_KERNEL void aotc_rotary_##SFX(const T *x, const T *cos_cache, const T *sin_cache, const int64_t *pos,   \
                                     T *y, int32_t batch, int32_t seq, int32_t heads, int32_t head,            \
                                     int32_t rot, int32_t x_3d, int32_t interleaved, int32_t cache_rows,       \
                                     int32_t cache_dim) {                                                      \
    const int32_t half = rot / 2;                                                                              \
    int32_t b, s, h, i;                                                                                        \
    for (b = 0; b < batch; ++b)                                                                                \
      for (s = 0; s < seq; ++s) {                                                                              \
        const int64_t row = pos ? pos[(size_t)b * (size_t)seq + (size_t)s] : (int64_t)b * seq + s;             \
        const int valid = row >= 0 && row < (int64_t)cache_rows;                                               \
        const size_t at = valid ? (size_t)row * (size_t)cache_dim : 0;                                         \
        for (h = 0; h < heads; ++h) {                                                                          \
          const size_t base = x_3d ? (((size_t)b * (size_t)seq + (size_t)s) * (size_t)heads + (size_t)h) *     \
                                         (size_t)head                                                          \
                                   : (((size_t)b * (size_t)heads + (size_t)h) * (size_t)seq + (size_t)s) *     \
                                         (size_t)head;                                                         \
          const T *xr = x + base;                                                                              \
          T *yr = y + base;                                                                                    \
          for (i = 0; i < half; ++i) {                                                                         \
            const int32_t i1 = interleaved ? 2 * i : i, i2 = interleaved ? 2 * i + 1 : i + half;               \
            const ACC c = valid ? LD(cos_cache[at + (size_t)i]) : (ACC)NAN;                                    \
            const ACC sn = valid ? LD(sin_cache[at + (size_t)i]) : (ACC)NAN;                                   \
            const ACC x1 = LD(xr[i1]), x2 = LD(xr[i2]);                                                        \
            yr[i1] = ST(c * x1 - sn * x2);                                                                     \
            yr[i2] = ST(sn * x1 + c * x2);                                                                     \
          }                                                                                                    \
          for (i = rot; i < head; ++i) yr[i] = xr[i];                                                          \
        }                                                                                                      \
      }                                                                                                        \
  }
AOTC_ROTARY(f32, float, float, AOTC_ATTN_ID, AOTC_ATTN_ID)
AOTC_ROTARY(f64, double, double, AOTC_ATTN_LD_F64, AOTC_ATTN_ID)
AOTC_ROTARY(f16, uint16_t, float, AOTC_ATTN_LD_F16, AOTC_ATTN_ST_F16)
AOTC_ROTARY(bf16, uint16_t, float, AOTC_ATTN_LD_BF16, AOTC_ATTN_ST_BF16)
