/*
 * kernel_params.h -- the geometry structs kernels take, one per kernel family,
 * instead of numbered int arrays. aotc fills them in (the ops/ files, by field
 * name) and emits them as `static const` structs with designated
 * initializers; ops/kernel_params.h lists their fields for that. Every field
 * is an int32_t or an array of them.
 */
#ifndef AOTC_KERNEL_PARAMS_H
#define AOTC_KERNEL_PARAMS_H

#include <stdint.h>

/*
 * A convolution (Conv, ConvTranspose, ConvInteger, QLinearConv) over 3
 * spatial dims D, H, W; 1D and 2D convs have leading size-1 dims.
 * Weights are ONNX's [M, Cg, KD, KH, KW] (ConvTranspose: [C, Mg, ...]).
 */
typedef struct aotc_conv_params_s {
  int32_t n;           /* batch */
  int32_t groups;
  int32_t cg, mg;      /* input and output channels per group */
  int32_t in[3];       /* input D, H, W */
  int32_t out[3];      /* output D, H, W */
  int32_t kernel[3];
  int32_t stride[3];
  int32_t dilation[3];
  int32_t pad[3];      /* pads at the beginning of D, H, W */
  int32_t method;      /* aotc_conv_f32: AOTC_CONV_SHIFTED or AOTC_CONV_POINTWISE (conv.c) */
  int32_t band;        /* aotc_sconv_f32, aotc_conv_f32 (SHIFTED, 2D): output rows per band of input phases; 0: all */
  int32_t blocked;     /* aotc_conv_cv_f32: AOTC_CONV_BLOCKED_IN | AOTC_CONV_BLOCKED_OUT (conv.c), 0 for NCHW */
} aotc_conv_params;

/*
 * A windowed pool (MaxPool, AveragePool, LpPool) over 3 spatial dims D, H, W;
 * 1D and 2D pools have leading size-1 dims. Pooling is per channel.
 */
typedef struct aotc_pool_params_s {
  int32_t channels;    /* N * C */
  int32_t in[3];       /* input D, H, W */
  int32_t out[3];      /* output D, H, W */
  int32_t kernel[3];
  int32_t stride[3];
  int32_t dilation[3];
  int32_t pad[3];      /* pads at the beginning of D, H, W */
  int32_t pad_end[3];  /* pads at the end (ceil_mode included) */
} aotc_pool_params;

/*
 * The granularity of QuantizeLinear / DequantizeLinear (quantize.c): x is seen
 * as [outer, d, inner] around the quantization axis, and element (o, a, i)
 * uses scale and zero point number
 *     o * scale_outer + (a / block) * scale_axis + i * scale_inner,
 * so per tensor all three strides are 0, per axis scale_axis = 1, and blocked
 * scale_outer = ceil(d / block) * inner, scale_axis = inner, scale_inner = 1.
 */
typedef struct aotc_quant_params_s {
  int32_t outer, d, inner;
  int32_t block;       /* elements along the axis that share a scale (1 unless blocked) */
  int32_t scale_outer, scale_axis, scale_inner;
} aotc_quant_params;

/*
 * A QGemm (com.microsoft): Y[m, n] from A [M, K] (transposed: [K, M]), B [K, N]
 * (transposed: [N, K]) and an optional int32 bias C read at
 * c_row_stride * m + c_col_stride * n (0 on a broadcast dim).
 */
typedef struct aotc_qgemm_params_s {
  int32_t m, n, k;
  int32_t trans_a, trans_b;
  int32_t b_per_column; /* b_scale and b_zero_point have N values */
  int32_t c_row_stride, c_col_stride;
} aotc_qgemm_params;

/*
 * A recurrent layer (RNN, GRU, LSTM; recurrent.c) with ONNX's tensors:
 * X [seq, batch, input] (batch_major: [batch, seq, input]), W [dirs, gates *
 * hidden, input], R [dirs, gates * hidden, hidden], B [dirs, 2 * gates *
 * hidden]; Y [seq, dirs, batch, hidden] (batch_major: [batch, seq, dirs,
 * hidden]); Y_h, Y_c [dirs, batch, hidden] (batch_major: [batch, dirs, hidden]).
 */
typedef struct aotc_rnn_params_s {
  int32_t cell;                /* AOTC_RNN_CELL_SIMPLE, _GRU or _LSTM (recurrent.c) */
  int32_t seq, batch, input, hidden;
  int32_t directions;          /* 1, or 2 (bidirectional: forward then reverse) */
  int32_t reverse;             /* one direction, run from the end of each sequence */
  int32_t batch_major;         /* ONNX layout = 1 */
  int32_t activation[6];       /* per direction, f g h (AOTC_RNN_ACT_*) */
  int32_t has_clip;            /* clip gate pre-activations to [-clip, clip] */
  int32_t input_forget;        /* LSTM: forget gate = 1 - input gate */
  int32_t linear_before_reset; /* GRU: apply the reset gate after R_h h */
} aotc_rnn_params;

/*
 * An Attention (attention.c): Q [batch, q_heads, q_seq, head_size] or, 3D,
 * [batch, q_seq, q_heads * head_size]; K and V likewise with kv_heads and
 * kv_seq (V's rows v_head_size long); past_key/past_value [batch, kv_heads,
 * past_seq, head_size or v_head_size] come first on the key axis, so rows have total =
 * past_seq + kv_seq scores. Q head h reads KV head h / (q_heads / kv_heads).
 */
typedef struct aotc_attention_params_s {
  int32_t batch, q_heads, kv_heads;
  int32_t q_seq, kv_seq, past_seq;
  int32_t head_size, v_head_size;
  int32_t q_3d, k_3d, v_3d;  /* the input is [batch, seq, heads * size]; Y has Q's layout */
  int32_t mask_kind;         /* AOTC_ATTN_MASK_NONE, _BOOL (uint8: 1 attends) or _ADD (added to scores) */
  int32_t mask_stride[4];    /* mask element strides over (batch, q head, q row, key); 0 on broadcast dims */
  int32_t mask_cols;         /* keys the mask covers; later keys are masked out (opset 24 pads with -inf) */
  int32_t is_causal;         /* q row s sees key t <= s + past_seq (nonpad: s + nonpad[b] - q_seq) */
  int32_t qk_mode;           /* qk_out holds scores after: 0 QK^T*scale, 1 softcap, 2 mask, 3 softmax */
  int32_t has_softcap;
} aotc_attention_params;

#endif
