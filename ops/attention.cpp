// Attention (ai.onnx opsets 23 and 24), lowered to one kernel,
// aotc_attention_<T> (runtime-c/kernels/attention.c), that runs the whole
// computation per (batch, head, query row) instead of ONNX's ~80-node function
// body: 3D and 4D inputs, grouped-query heads, attn_mask (bool or additive,
// broadcast; opset 24 pads a short one with -inf), is_causal, past and present
// key/value, scale, softcap, qk_matmul_output_mode, nonpad_kv_seqlen. The
// order of the stages is the function body's: QK^T * scale, softcap, + mask,
// softmax (rows with every key masked give 0), times V.
// Also RotaryEmbedding (opset 23), the position encoding applied to Q and K
// before it, with its own small kernel.
#include <fmt/format.h>

#include <cmath>
#include <cstdint>

#include "ops/op_util.h"

namespace aotc {

namespace {

struct AttentionShape {
  int64_t batch = 0, q_heads = 0, kv_heads = 0, q_seq = 0, kv_seq = 0, past_seq = 0;
  int64_t head_size = 0, v_head_size = 0;
  bool q_3d = false, k_3d = false, v_3d = false;
  int64_t total() const { return past_seq + kv_seq; }
};

// Reads Q/K/V (3D [batch, seq, heads * size] needs the heads attribute), the
// past and the mask, and checks they agree.
AttentionShape attention_shape(const OpContext &ctx) {
  Value &q = ctx.input(0), &k = ctx.input(1), &v = ctx.input(2);
  ctx.require(is_float(q.dtype), fmt::format("Q must be a floating-point tensor, got {}", dtype_name(q.dtype)));
  ctx.require(k.dtype == q.dtype && v.dtype == q.dtype, "Q, K and V must have one element type");
  for (Value *x : {&q, &k, &v})
    ctx.require(x->shape.size() == 3 || x->shape.size() == 4,
                fmt::format("Q, K and V must have rank 3 or 4, got {} for '{}'", shape_str(x->shape), x->name));
  AttentionShape a;
  a.q_3d = q.shape.size() == 3;
  a.k_3d = k.shape.size() == 3;
  a.v_3d = v.shape.size() == 3;
  // Splits a 3D input's last dim into heads of equal size.
  auto heads_of = [&](const char *attr, const Value &x) {
    ctx.require(ctx.has_attr(attr), fmt::format("3D input '{}' needs the {} attribute", x.name, attr));
    int64_t heads = ctx.attr_int(attr);
    ctx.require(heads > 0 && x.shape[2] % heads == 0,
                fmt::format("{} = {} does not divide the last dim of '{}' {}", attr, heads, x.name, shape_str(x.shape)));
    return heads;
  };
  a.batch = q.shape[0];
  if (a.q_3d) {
    a.q_heads = heads_of("q_num_heads", q);
    a.q_seq = q.shape[1];
    a.head_size = q.shape[2] / a.q_heads;
  } else {
    a.q_heads = q.shape[1];
    a.q_seq = q.shape[2];
    a.head_size = q.shape[3];
  }
  int64_t k_size;
  if (a.k_3d) {
    a.kv_heads = heads_of("kv_num_heads", k);
    a.kv_seq = k.shape[1];
    k_size = k.shape[2] / a.kv_heads;
  } else {
    a.kv_heads = k.shape[1];
    a.kv_seq = k.shape[2];
    k_size = k.shape[3];
  }
  int64_t v_heads, v_seq;
  if (a.v_3d) {
    v_heads = heads_of("kv_num_heads", v);
    v_seq = v.shape[1];
    a.v_head_size = v.shape[2] / v_heads;
  } else {
    v_heads = v.shape[1];
    v_seq = v.shape[2];
    a.v_head_size = v.shape[3];
  }
  ctx.require(k.shape[0] == a.batch && v.shape[0] == a.batch, "Q, K and V must have one batch size");
  ctx.require(k_size == a.head_size,
              fmt::format("K's head size {} differs from Q's {}", k_size, a.head_size));
  ctx.require(v_heads == a.kv_heads && v_seq == a.kv_seq,
              fmt::format("V has {} heads of {} rows, K {} of {}", v_heads, v_seq, a.kv_heads, a.kv_seq));
  ctx.require(a.q_heads > 0 && a.kv_heads > 0, "Q, K and V must have at least one head");
  ctx.require(a.q_heads % a.kv_heads == 0,
              fmt::format("q heads ({}) must be a multiple of kv heads ({})", a.q_heads, a.kv_heads));

  bool has_past_k = ctx.num_inputs() > 4 && ctx.has_input(4), has_past_v = ctx.num_inputs() > 5 && ctx.has_input(5);
  ctx.require(has_past_k == has_past_v, "past_key and past_value must be given together");
  if (has_past_k) {
    Value &pk = ctx.input(4), &pv = ctx.input(5);
    ctx.require(pk.dtype == q.dtype && pv.dtype == q.dtype, "past_key and past_value must have Q's element type");
    ctx.require(pk.shape.size() == 4, fmt::format("past_key must have rank 4, got {}", shape_str(pk.shape)));
    a.past_seq = pk.shape[2];
    Shape want_k{a.batch, a.kv_heads, a.past_seq, a.head_size}, want_v{a.batch, a.kv_heads, a.past_seq, a.v_head_size};
    ctx.require(pk.shape == want_k,
                fmt::format("past_key has shape {}, expected {}", shape_str(pk.shape), shape_str(want_k)));
    ctx.require(pv.shape == want_v,
                fmt::format("past_value has shape {}, expected {}", shape_str(pv.shape), shape_str(want_v)));
  }
  if (ctx.num_inputs() > 6 && ctx.has_input(6)) {
    ctx.require(ctx.opset() >= 24, "nonpad_kv_seqlen exists from opset 24");
    Value &n = ctx.input(6);
    ctx.require(n.dtype == DType::Int64 && n.shape == Shape{a.batch},
                fmt::format("nonpad_kv_seqlen must be int64 [{}], got {} {}", a.batch, dtype_name(n.dtype),
                            shape_str(n.shape)));
  }
  if (ctx.num_inputs() > 3 && ctx.has_input(3)) {
    Value &m = ctx.input(3);
    ctx.require(m.dtype == DType::Bool || m.dtype == q.dtype,
                fmt::format("attn_mask must be bool or Q's type, got {}", dtype_name(m.dtype)));
    ctx.require(!m.shape.empty() && m.shape.size() <= 4,
                fmt::format("attn_mask must have rank 1 to 4, got {}", shape_str(m.shape)));
    Shape full{a.batch, a.q_heads, a.q_seq, a.total()};
    size_t off = 4 - m.shape.size();
    for (size_t i = 0; i < m.shape.size(); ++i) {
      int64_t dim = m.shape[i], want = full[off + i];
      // Opset 24 pads a mask with fewer keys than total with -inf.
      bool ok = dim == want || dim == 1 || (off + i == 3 && ctx.opset() >= 24 && dim <= want);
      ctx.require(ok, fmt::format("attn_mask {} does not broadcast to [batch, q_heads, q_seq, total] = {}",
                                  shape_str(m.shape), shape_str(full)));
    }
  }
  return a;
}

void infer_attention(OpContext &ctx) {
  AttentionShape a = attention_shape(ctx);
  DType t = ctx.input(0).dtype;
  int64_t mode = ctx.attr_int("qk_matmul_output_mode", 0);
  ctx.require(mode >= 0 && mode <= 3, fmt::format("qk_matmul_output_mode {} is not 0, 1, 2 or 3", mode));
  ctx.require(ctx.attr_float("softcap", 0.0f) >= 0.0f, "softcap must be >= 0");
  if (ctx.has_output(1) || ctx.has_output(2))
    ctx.require(ctx.has_output(1) == ctx.has_output(2), "present_key and present_value must be asked for together");
  ctx.set_output(0, t,
                 a.q_3d ? Shape{a.batch, a.q_seq, a.q_heads * a.v_head_size}
                        : Shape{a.batch, a.q_heads, a.q_seq, a.v_head_size});
  if (ctx.has_output(1)) ctx.set_output(1, t, {a.batch, a.kv_heads, a.total(), a.head_size});
  if (ctx.has_output(2)) ctx.set_output(2, t, {a.batch, a.kv_heads, a.total(), a.v_head_size});
  if (ctx.has_output(3)) ctx.set_output(3, t, {a.batch, a.q_heads, a.q_seq, a.total()});
}

void lower_attention(LowerContext &ctx) {
  AttentionShape a = attention_shape(ctx);
  Value &q = ctx.input(0);
  auto narrow = [&](int64_t v) {
    ctx.require(v >= INT32_MIN && v <= INT32_MAX, fmt::format("dimension {} does not fit the kernel's int32", v));
    return static_cast<int32_t>(v);
  };
  aotc_attention_params p{};
  p.batch = narrow(a.batch);
  p.q_heads = narrow(a.q_heads);
  p.kv_heads = narrow(a.kv_heads);
  p.q_seq = narrow(a.q_seq);
  p.kv_seq = narrow(a.kv_seq);
  p.past_seq = narrow(a.past_seq);
  p.head_size = narrow(a.head_size);
  p.v_head_size = narrow(a.v_head_size);
  p.q_3d = a.q_3d;
  p.k_3d = a.k_3d;
  p.v_3d = a.v_3d;
  Value *mask = ctx.num_inputs() > 3 && ctx.has_input(3) ? &ctx.input(3) : nullptr;
  p.mask_kind = !mask ? 0 : mask->dtype == DType::Bool ? 1 : 2;  // AOTC_ATTN_MASK_* (attention.c)
  p.mask_cols = narrow(a.total());
  if (mask) {
    int64_t cols = mask->shape.back();
    // Opset 24 pads the key axis with -inf instead of broadcasting it.
    if (ctx.opset() >= 24) p.mask_cols = narrow(cols);
    std::vector<int64_t> strides =
        broadcast_strides(mask->shape, {a.batch, a.q_heads, a.q_seq, ctx.opset() >= 24 ? cols : a.total()});
    for (size_t i = 0; i < 4; ++i) p.mask_stride[i] = narrow(strides[i]);
  }
  p.is_causal = ctx.attr_int("is_causal", 0) != 0;
  p.qk_mode = narrow(ctx.attr_int("qk_matmul_output_mode", 0));
  float softcap = ctx.attr_float("softcap", 0.0f);
  p.has_softcap = softcap > 0.0f;
  float scale = ctx.has_attr("scale") ? ctx.attr_float("scale", 1.0f)
                                      : static_cast<float>(1.0 / std::sqrt(static_cast<double>(a.head_size)));
  auto optional_in = [&](size_t i) { return i < ctx.num_inputs() && ctx.has_input(i) ? &ctx.input(i) : nullptr; };
  auto optional_out = [&](size_t i) { return ctx.has_output(i) ? &ctx.output(i) : nullptr; };
  size_t acc_size = q.dtype == DType::Double ? sizeof(double) : sizeof(float);
  ctx.call(kernel_for(ctx, "attention", q.dtype))
      .params(p)
      .in(&q)
      .in(&ctx.input(1))
      .in(&ctx.input(2))
      .in(mask)
      .in(optional_in(4))
      .in(optional_in(5))
      .in(optional_in(6))
      .out(&ctx.output(0))
      .out(optional_out(1))
      .out(optional_out(2))
      .out(optional_out(3))
      .f(scale)
      .f(softcap)
      .scratch(static_cast<size_t>(a.total() + a.v_head_size) * acc_size);
}

// ---- RotaryEmbedding (opset 23) ---------------------------------------------

struct RotaryShape {
  int64_t batch, seq, heads, head, rot, cache_rows, cache_dim;
  bool x_3d;
};

RotaryShape rotary_shape(const OpContext &ctx) {
  Value &x = ctx.input(0), &cos = ctx.input(1), &sin = ctx.input(2);
  ctx.require(is_float(x.dtype), fmt::format("input must be a floating-point tensor, got {}", dtype_name(x.dtype)));
  ctx.require(cos.dtype == x.dtype && sin.dtype == x.dtype, "cos_cache and sin_cache must have the input's type");
  ctx.require(x.shape.size() == 3 || x.shape.size() == 4,
              fmt::format("input must be [batch, heads, seq, head] or [batch, seq, hidden], got {}", shape_str(x.shape)));
  RotaryShape r;
  r.x_3d = x.shape.size() == 3;
  r.batch = x.shape[0];
  if (r.x_3d) {
    r.heads = ctx.attr_int("num_heads", 0);
    ctx.require(r.heads > 0 && x.shape[2] % r.heads == 0,
                fmt::format("a 3D input needs num_heads dividing its hidden size {}", x.shape[2]));
    r.seq = x.shape[1];
    r.head = x.shape[2] / r.heads;
  } else {
    r.heads = x.shape[1];
    r.seq = x.shape[2];
    r.head = x.shape[3];
  }
  r.rot = ctx.attr_int("rotary_embedding_dim", 0);
  if (r.rot == 0) r.rot = r.head;
  ctx.require(r.rot > 0 && r.rot <= r.head && r.rot % 2 == 0,
              fmt::format("rotary_embedding_dim {} must be even and at most the head size {}", r.rot, r.head));
  ctx.require(cos.shape == sin.shape, "cos_cache and sin_cache must have one shape");
  bool has_pos = ctx.num_inputs() > 3 && ctx.has_input(3);
  if (has_pos) {
    Value &pos = ctx.input(3);
    ctx.require(pos.dtype == DType::Int64 && pos.shape == Shape{r.batch, r.seq},
                fmt::format("position_ids must be int64 [{}, {}], got {} {}", r.batch, r.seq, dtype_name(pos.dtype),
                            shape_str(pos.shape)));
    ctx.require(cos.shape.size() == 2, fmt::format("with position_ids the caches must be [max_position, rotary_dim / 2], got {}",
                                                   shape_str(cos.shape)));
    r.cache_rows = cos.shape[0];
  } else {
    ctx.require(cos.shape.size() == 3 && cos.shape[0] == r.batch && cos.shape[1] == r.seq,
                fmt::format("without position_ids the caches must be [{}, {}, rotary_dim / 2], got {}", r.batch, r.seq,
                            shape_str(cos.shape)));
    r.cache_rows = r.batch * r.seq;
  }
  r.cache_dim = cos.shape.back();
  ctx.require(r.cache_dim >= r.rot / 2,
              fmt::format("the caches hold {} values per position, rotary_dim / 2 = {} needed", r.cache_dim, r.rot / 2));
  return r;
}

void register_rotary(OpRegistry &reg) {
  OpDef def;
  def.op = "RotaryEmbedding";
  def.attrs = {"interleaved", "num_heads", "rotary_embedding_dim"};
  def.min_inputs = 3;
  def.max_inputs = 4;
  def.infer = [](OpContext &ctx) {
    rotary_shape(ctx);
    ctx.set_output(0, ctx.input(0).dtype, ctx.input(0).shape);
  };
  def.lower = [](LowerContext &ctx) {
    RotaryShape r = rotary_shape(ctx);
    Value &x = ctx.input(0);
    ctx.call(kernel_for(ctx, "rotary", x.dtype))
        .in(&x)
        .in(&ctx.input(1))
        .in(&ctx.input(2))
        .in(ctx.num_inputs() > 3 && ctx.has_input(3) ? &ctx.input(3) : nullptr)
        .out(&ctx.output(0))
        .i(r.batch)
        .i(r.seq)
        .i(r.heads)
        .i(r.head)
        .i(r.rot)
        .i(r.x_3d)
        .i(ctx.attr_int("interleaved", 0) != 0)
        .i(r.cache_rows)
        .i(r.cache_dim);
  };
  reg.add(std::move(def));
}

}  // namespace

void register_attention_ops(OpRegistry &r) {
  OpDef def;
  def.op = "Attention";
  // softmax_precision: the kernel's softmax runs in float (double for double
  // inputs), at least the precision any value of it asks for.
  def.attrs = {"is_causal", "kv_num_heads", "q_num_heads", "qk_matmul_output_mode", "scale", "softcap",
               "softmax_precision"};
  def.min_inputs = 3;
  def.max_inputs = 7;
  def.max_outputs = 4;
  def.infer = infer_attention;
  def.lower = lower_attention;
  r.add(std::move(def));
  register_rotary(r);
}

}  // namespace aotc
