// Normalization ops: BatchNormalization (inference mode), InstanceNormalization,
// GroupNormalization, LayerNormalization, RMSNormalization, LRN, LpNormalization
// and MeanVarianceNormalization, lowered to runtime-c/kernels/normalization.c.
// BatchNormalization with constant scale/B/mean/var (the usual case in
// exported models) is reduced at compile time to y = x * a[c] + b[c].
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "ops/op_util.h"

namespace aotc {

namespace {

// ---- BatchNormalization ------------------------------------------------------

// [n, c, inner] view of X for a per-channel op; with per_activation (opset < 9,
// spatial = 0) every element of X[0] has its own parameters.
struct ChannelView {
  int64_t n, c, inner;
};

ChannelView channel_view(const Shape &x, bool per_activation) {
  ChannelView v{x[0], x[1], 1};
  for (size_t i = 2; i < x.size(); ++i) v.inner *= x[i];
  if (per_activation) {
    v.c *= v.inner;
    v.inner = 1;
  }
  return v;
}

bool batchnorm_per_activation(const OpContext &ctx) {
  // `spatial` existed in opsets 6-8 (default 1); 0 means per-activation statistics.
  return ctx.opset() < 9 && ctx.attr_int("spatial", 1) == 0;
}

void infer_batchnorm(OpContext &ctx) {
  Value &x = ctx.input(0);
  ctx.require(x.shape.size() >= 2, fmt::format("X must have rank >= 2 (N x C x ...), got {}", shape_str(x.shape)));
  ctx.require(is_float(x.dtype), "X must be a floating-point tensor");
  if (ctx.opset() >= 14 && ctx.attr_int("training_mode", 0) != 0)
    ctx.error("training_mode=1 is not supported: aotc compiles models for inference (export the model in eval mode)");
  for (size_t i = 1; i < ctx.node().outputs.size(); ++i)
    if (ctx.has_output(i))
      ctx.error("the running/saved mean and variance outputs exist only in training mode, which aotc does not support");
  bool per_activation = batchnorm_per_activation(ctx);
  Shape param = per_activation ? Shape(x.shape.begin() + 1, x.shape.end()) : Shape{x.shape[1]};
  const char *names[] = {"scale", "B", "mean", "var"};
  for (size_t i = 1; i <= 4; ++i) {
    Value &p = ctx.input(i);
    // Opset 15 allows scale/B and mean/var of different float types; aotc wants X's.
    ctx.require(p.dtype == x.dtype, fmt::format("{} must have the element type of X", names[i - 1]));
    ctx.require(p.shape == param || p.count() == num_elements(param),
                fmt::format("{} must have shape {}, got {}", names[i - 1], shape_str(param), shape_str(p.shape)));
  }
  ctx.set_output(0, x.dtype, x.shape);
}

void lower_batchnorm(LowerContext &ctx) {
  Value &x = ctx.input(0);
  Value &y = ctx.output(0);
  ChannelView v = channel_view(x.shape, batchnorm_per_activation(ctx));
  double eps = ctx.attr_float("epsilon", 1e-5f);
  bool constant_params = true;
  for (size_t i = 1; i <= 4; ++i) constant_params = constant_params && ctx.input(i).is_constant();
  if (x.dtype == DType::Float && constant_params) {
    // Fold the four parameter vectors into one scale and one shift per channel.
    const Tensor &scale = ctx.constant_input(1), &bias = ctx.constant_input(2);
    const Tensor &mean = ctx.constant_input(3), &var = ctx.constant_input(4);
    std::vector<double> a(static_cast<size_t>(v.c)), b(static_cast<size_t>(v.c));
    for (int64_t c = 0; c < v.c; ++c) {
      double s = scale.double_at(c) / std::sqrt(var.double_at(c) + eps);
      a[static_cast<size_t>(c)] = s;
      b[static_cast<size_t>(c)] = bias.double_at(c) - mean.double_at(c) * s;
    }
    ctx.call("aotc_batchnorm_f32").in(&x).out(&y).i(v.n).i(v.c).i(v.inner).floats(a).floats(b).in_place(&x);
    return;
  }
  ctx.call(kernel_for(ctx, "batchnorm_params", x.dtype))
      .in(&x)
      .in(&ctx.input(1))
      .in(&ctx.input(2))
      .in(&ctx.input(3))
      .in(&ctx.input(4))
      .out(&y)
      .i(v.n)
      .i(v.c)
      .i(v.inner)
      .f(eps);
}

void register_batchnorm(OpRegistry &r) {
  OpDef def;
  def.op = "BatchNormalization";
  // is_test (opset 6) and momentum (running statistics) do not affect inference.
  def.attrs = {"epsilon", "momentum", "spatial", "is_test", "training_mode", "consumed_inputs"};
  def.min_inputs = def.max_inputs = 5;
  def.max_outputs = 5;
  def.infer = infer_batchnorm;
  def.lower = lower_batchnorm;
  r.add(std::move(def));
}

// ---- InstanceNormalization ---------------------------------------------------

void register_instancenorm(OpRegistry &r) {
  OpDef def;
  def.op = "InstanceNormalization";
  def.attrs = {"epsilon", "consumed_inputs"};
  def.min_inputs = def.max_inputs = 3;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    ctx.require(x.shape.size() >= 3, fmt::format("input must be N x C x D1 x ..., got {}", shape_str(x.shape)));
    for (size_t i = 1; i <= 2; ++i) {
      Value &p = ctx.input(i);
      ctx.require(p.dtype == x.dtype, "scale and B must have the element type of the input");
      ctx.require(p.shape == Shape{x.shape[1]},
                  fmt::format("scale and B must have shape [{}], got {}", x.shape[1], shape_str(p.shape)));
    }
    ctx.set_output(0, x.dtype, x.shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    ChannelView v = channel_view(x.shape, false);
    ctx.call(kernel_for(ctx, "instancenorm", x.dtype))
        .in(&x)
        .in(&ctx.input(1))
        .in(&ctx.input(2))
        .out(&ctx.output(0))
        .i(v.n)
        .i(v.c)
        .i(v.inner)
        .f(ctx.attr_float("epsilon", 1e-5f));
  };
  r.add(std::move(def));
}

// ---- GroupNormalization (opsets 18, 21) --------------------------------------

void register_groupnorm(OpRegistry &r) {
  OpDef def;
  def.op = "GroupNormalization";
  def.attrs = {"epsilon", "num_groups", "stash_type"};
  def.min_inputs = def.max_inputs = 3;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    ctx.require(is_float(x.dtype), "X must be a floating-point tensor");
    ctx.require(x.shape.size() >= 2, fmt::format("X must be N x C x ..., got {}", shape_str(x.shape)));
    int64_t groups = ctx.attr_int("num_groups");
    ctx.require(groups > 0 && x.shape[1] % groups == 0,
                fmt::format("num_groups {} must divide the {} channels", groups, x.shape[1]));
    // Opset 18 has one scale and bias per group, opset 21 one per channel.
    int64_t params = ctx.opset() < 21 ? groups : x.shape[1];
    for (size_t i = 1; i <= 2; ++i) {
      Value &p = ctx.input(i);
      ctx.require(p.dtype == x.dtype, "scale and bias must have the element type of X");
      ctx.require(p.shape == Shape{params},
                  fmt::format("scale and bias must have shape [{}], got {}", params, shape_str(p.shape)));
    }
    int64_t stash = ctx.attr_int("stash_type", 1);
    ctx.require(stash == 1 || stash == static_cast<int64_t>(x.dtype),
                "stash_type must be 1 (float) or the element type of X");
    ctx.set_output(0, x.dtype, x.shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    ChannelView v = channel_view(x.shape, false);
    ctx.call(kernel_for(ctx, "groupnorm", x.dtype))
        .in(&x)
        .in(&ctx.input(1))
        .in(&ctx.input(2))
        .out(&ctx.output(0))
        .i(v.n)
        .i(v.c)
        .i(v.inner)
        .i(ctx.attr_int("num_groups"))
        .i(ctx.opset() < 21)
        .f(ctx.attr_float("epsilon", 1e-5f));
  };
  r.add(std::move(def));
}

// ---- LayerNormalization (opset 17) -------------------------------------------

struct LayerNormShape {
  int64_t axis, outer, inner;
};

LayerNormShape layernorm_shape(const OpContext &ctx) {
  Value &x = ctx.input(0);
  int64_t rank = static_cast<int64_t>(x.shape.size());
  ctx.require(rank >= 1, "X must have rank >= 1");
  LayerNormShape s;
  s.axis = ctx.axis(ctx.attr_int("axis", -1), rank);
  s.outer = num_elements(Shape(x.shape.begin(), x.shape.begin() + s.axis));
  s.inner = num_elements(Shape(x.shape.begin() + s.axis, x.shape.end()));
  return s;
}

// Scale and B broadcast to X.shape[axis:]; aotc handles the full shape and a
// single value. Returns the kernel's index step (1 or 0).
int64_t layernorm_param_step(const OpContext &ctx, size_t i, const LayerNormShape &s) {
  Value &p = ctx.input(i);
  Value &x = ctx.input(0);
  ctx.require(p.dtype == x.dtype, "Scale and B must have the element type of X");
  Shape norm(x.shape.begin() + s.axis, x.shape.end());
  ctx.require(p.shape.size() <= norm.size(),
              fmt::format("{} {} does not broadcast to the normalized shape {}", i == 1 ? "Scale" : "B",
                          shape_str(p.shape), shape_str(norm)));
  if (p.count() == 1) return 0;
  Shape tail(norm.end() - static_cast<std::ptrdiff_t>(p.shape.size()), norm.end());
  if (p.shape != tail || p.count() != s.inner)
    ctx.error(fmt::format("{} {} must have the normalized shape {} (or a single value)", i == 1 ? "Scale" : "B",
                          shape_str(p.shape), shape_str(norm)));
  return 1;
}

void register_layernorm(OpRegistry &r) {
  OpDef def;
  def.op = "LayerNormalization";
  def.attrs = {"axis", "epsilon", "stash_type"};
  def.min_inputs = 2;
  def.max_inputs = 3;
  def.max_outputs = 3;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    ctx.require(is_float(x.dtype), "X must be a floating-point tensor");
    LayerNormShape s = layernorm_shape(ctx);
    layernorm_param_step(ctx, 1, s);
    if (ctx.has_input(2)) layernorm_param_step(ctx, 2, s);
    int64_t stash = ctx.attr_int("stash_type", 1);
    ctx.require(stash == 1 || stash == static_cast<int64_t>(x.dtype),
                "stash_type must be 1 (float) or the element type of X");
    Shape stats = x.shape;
    for (size_t i = static_cast<size_t>(s.axis); i < stats.size(); ++i) stats[i] = 1;
    ctx.set_output(0, x.dtype, x.shape);
    // Mean and InvStdDev have the stash type: float32 for stash_type = 1.
    DType stat_type = stash == 1 ? DType::Float : x.dtype;
    ctx.set_output(1, stat_type, stats);
    ctx.set_output(2, stat_type, stats);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    LayerNormShape s = layernorm_shape(ctx);
    int64_t scale_step = layernorm_param_step(ctx, 1, s);
    int64_t bias_step = ctx.has_input(2) ? layernorm_param_step(ctx, 2, s) : 0;
    for (size_t i = 1; i <= 2; ++i)
      if (ctx.has_output(i) && ctx.output(i).dtype != DType::Float)
        ctx.error("Mean/InvStdDev outputs are supported in float32 only");
    ctx.call(kernel_for(ctx, "layernorm", x.dtype))
        .in(&x)
        .in(&ctx.input(1))
        .in(ctx.has_input(2) ? &ctx.input(2) : nullptr)
        .out(&ctx.output(0))
        .out(ctx.has_output(1) ? &ctx.output(1) : nullptr)
        .out(ctx.has_output(2) ? &ctx.output(2) : nullptr)
        .i(s.outer)
        .i(s.inner)
        .i(scale_step)
        .i(bias_step)
        .f(ctx.attr_float("epsilon", 1e-5f));
  };
  r.add(std::move(def));
}

// ---- RMSNormalization (opset 23) ---------------------------------------------

// Scale broadcasts to X.shape[axis:]; aotc takes it when, past leading 1s, it
// is a trailing part of that shape (the whole of it, [hidden], or one value),
// so it repeats every scale.count() elements of a row. Returns that count.
int64_t rmsnorm_scale_count(const OpContext &ctx, const LayerNormShape &s) {
  Value &x = ctx.input(0), &scale = ctx.input(1);
  ctx.require(scale.dtype == x.dtype, "scale must have the element type of X");
  Shape norm(x.shape.begin() + s.axis, x.shape.end());
  Shape tail = scale.shape;
  while (!tail.empty() && tail.front() == 1) tail.erase(tail.begin());
  bool ok = tail.size() <= norm.size() &&
            std::equal(tail.begin(), tail.end(), norm.end() - static_cast<std::ptrdiff_t>(tail.size()));
  if (!ok)
    ctx.error(fmt::format("scale {} must be the normalized shape {} or a trailing part of it (or a single value)",
                          shape_str(scale.shape), shape_str(norm)));
  return num_elements(tail);
}

void register_rmsnorm(OpRegistry &r) {
  OpDef def;
  def.op = "RMSNormalization";
  def.attrs = {"axis", "epsilon", "stash_type"};
  def.min_inputs = def.max_inputs = 2;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    ctx.require(is_float(x.dtype), "X must be a floating-point tensor");
    LayerNormShape s = layernorm_shape(ctx);
    rmsnorm_scale_count(ctx, s);
    int64_t stash = ctx.attr_int("stash_type", 1);
    ctx.require(stash == 1 || stash == static_cast<int64_t>(x.dtype),
                "stash_type must be 1 (float) or the element type of X");
    ctx.set_output(0, x.dtype, x.shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    LayerNormShape s = layernorm_shape(ctx);
    // The kernel accumulates in double: at least the precision stash_type asks for.
    ctx.call(kernel_for(ctx, "rmsnorm", x.dtype))
        .in(&x)
        .in(&ctx.input(1))
        .out(&ctx.output(0))
        .i(s.outer)
        .i(s.inner)
        .i(rmsnorm_scale_count(ctx, s))
        .f(ctx.attr_float("epsilon", 1e-5f));
  };
  r.add(std::move(def));
}

// ---- LpNormalization --------------------------------------------------------

void register_lpnorm(OpRegistry &r) {
  OpDef def;
  def.op = "LpNormalization";
  def.attrs = {"axis", "p"};
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    ctx.require(is_float(x.dtype), "input must be a floating-point tensor");
    ctx.require(!x.shape.empty(), "input must have rank >= 1");
    ctx.axis(ctx.attr_int("axis", -1), static_cast<int64_t>(x.shape.size()));
    int64_t p = ctx.attr_int("p", 2);
    ctx.require(p == 1 || p == 2, fmt::format("p must be 1 or 2, got {}", p));
    ctx.set_output(0, x.dtype, x.shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    int64_t axis = ctx.axis(ctx.attr_int("axis", -1), static_cast<int64_t>(x.shape.size()));
    int64_t outer = num_elements(Shape(x.shape.begin(), x.shape.begin() + axis));
    int64_t inner = num_elements(Shape(x.shape.begin() + axis + 1, x.shape.end()));
    ctx.call(kernel_for(ctx, "lpnorm", x.dtype))
        .in(&x)
        .out(&ctx.output(0))
        .i(outer)
        .i(x.shape[static_cast<size_t>(axis)])
        .i(inner)
        .i(ctx.attr_int("p", 2));
  };
  r.add(std::move(def));
}

// ---- MeanVarianceNormalization ----------------------------------------------

void register_mvn(OpRegistry &r) {
  OpDef def;
  def.op = "MeanVarianceNormalization";
  def.attrs = {"axes"};
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    ctx.require(is_float(x.dtype), "input must be a floating-point tensor");
    ctx.require(x.shape.size() <= kMaxKernelRank,
                fmt::format("input rank {} is above the kernels' {}", x.shape.size(), kMaxKernelRank));
    normalize_axes(ctx, ctx.attr_ints("axes", {0, 2, 3}), static_cast<int64_t>(x.shape.size()));
    ctx.set_output(0, x.dtype, x.shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    std::vector<int64_t> axes = normalize_axes(ctx, ctx.attr_ints("axes", {0, 2, 3}), static_cast<int64_t>(x.shape.size()));
    std::vector<int64_t> strides = contiguous_strides(x.shape);
    std::vector<int64_t> kept_dims, kept_strides, red_dims, red_strides;
    for (size_t d = 0; d < x.shape.size(); ++d) {
      bool reduced = std::find(axes.begin(), axes.end(), static_cast<int64_t>(d)) != axes.end();
      (reduced ? red_dims : kept_dims).push_back(x.shape[d]);
      (reduced ? red_strides : kept_strides).push_back(strides[d]);
    }
    // ONNX's function: (X - mean) / (sqrt(variance) + 1e-9).
    ctx.call(kernel_for(ctx, "mvn", x.dtype))
        .in(&x)
        .out(&ctx.output(0))
        .i(static_cast<int64_t>(kept_dims.size()))
        .ints(kept_dims)
        .ints(kept_strides)
        .i(static_cast<int64_t>(red_dims.size()))
        .ints(red_dims)
        .ints(red_strides)
        .f(1e-9);
  };
  r.add(std::move(def));
}

// ---- LRN ---------------------------------------------------------------------

void register_lrn(OpRegistry &r) {
  OpDef def;
  def.op = "LRN";
  def.attrs = {"alpha", "beta", "bias", "size"};
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    ctx.require(x.shape.size() >= 2, fmt::format("X must be N x C x ..., got {}", shape_str(x.shape)));
    ctx.require(ctx.attr_int("size") >= 1, "size must be >= 1");
    ctx.set_output(0, x.dtype, x.shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    ChannelView v = channel_view(x.shape, false);
    ctx.call(kernel_for(ctx, "lrn", x.dtype))
        .in(&x)
        .out(&ctx.output(0))
        .i(v.n)
        .i(v.c)
        .i(v.inner)
        .i(ctx.attr_int("size"))
        .f(ctx.attr_float("alpha", 1e-4f))
        .f(ctx.attr_float("beta", 0.75f))
        .f(ctx.attr_float("bias", 1.0f));
  };
  r.add(std::move(def));
}

}  // namespace

void register_normalization_ops(OpRegistry &r) {
  register_batchnorm(r);
  register_instancenorm(r);
  register_groupnorm(r);
  register_layernorm(r);
  register_rmsnorm(r);
  register_lrn(r);
  register_lpnorm(r);
  register_mvn(r);
}

}  // namespace aotc
