// Class losses: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (which
// is log_softmax over the classes followed by the same loss), both lowered to
// one kernel, aotc_class_loss_<x dtype>_<target dtype> (runtime-c/kernels/loss.c).
// Inputs: x [N, C, d1..dk], target [N, d1..dk] int32/int64, optional weight [C].
// Output: the loss, [N, d1..dk] for reduction "none", else a scalar;
// SoftmaxCrossEntropyLoss may also output log_prob, shaped like x.
#include <fmt/format.h>

#include <limits>

#include "ops/op_util.h"

namespace aotc {

namespace {

enum class Reduction { None = 0, Sum = 1, Mean = 2 };

Reduction reduction_of(const OpContext &ctx) {
  std::string r = ctx.attr_string("reduction", "mean");
  if (r == "none") return Reduction::None;
  if (r == "sum") return Reduction::Sum;
  if (r == "mean") return Reduction::Mean;
  ctx.error(fmt::format("reduction '{}' is not one of none, sum, mean", r));
}

std::string kernel_of(const OpContext &ctx) {
  Value &x = ctx.input(0), &target = ctx.input(1);
  ctx.require(is_float(x.dtype), fmt::format("input must be a floating-point tensor, got {}", dtype_name(x.dtype)));
  ctx.require(target.dtype == DType::Int32 || target.dtype == DType::Int64,
              fmt::format("target must be int32 or int64, got {}", dtype_name(target.dtype)));
  return kernel_for(ctx, fmt::format("class_loss_{}", dtype_info(x.dtype).suffix), target.dtype);
}

void infer_class_loss(OpContext &ctx) {
  Value &x = ctx.input(0), &target = ctx.input(1);
  kernel_of(ctx);
  ctx.require(x.shape.size() >= 2, fmt::format("input must have rank >= 2 ([N, C, ...]), got {}", shape_str(x.shape)));
  Shape positions = x.shape;
  positions.erase(positions.begin() + 1);
  ctx.require(target.shape == positions, fmt::format("target has shape {}, but input {} needs {}", shape_str(target.shape),
                                                     shape_str(x.shape), shape_str(positions)));
  if (ctx.has_input(2)) {
    Value &w = ctx.input(2);
    ctx.require(w.dtype == x.dtype && w.shape == Shape{x.shape[1]},
                fmt::format("weight must be {}[{}], got {}{}", dtype_name(x.dtype), x.shape[1], dtype_name(w.dtype),
                            shape_str(w.shape)));
  }
  if (ctx.has_attr("ignore_index")) {
    int64_t ignore = ctx.attr_int("ignore_index");
    ctx.require(ignore >= std::numeric_limits<int32_t>::min() && ignore <= std::numeric_limits<int32_t>::max(),
                fmt::format("ignore_index {} is outside the int32 range aotc supports", ignore));
  }
  ctx.set_output(0, x.dtype, reduction_of(ctx) == Reduction::None ? positions : Shape{});
  if (ctx.has_output(1)) ctx.set_output(1, x.dtype, x.shape);
}

void register_class_loss(OpRegistry &r, const char *op, bool softmax_first) {
  OpDef def;
  def.op = op;
  def.attrs = {"reduction", "ignore_index"};
  def.min_inputs = 2;
  def.max_inputs = 3;
  def.max_outputs = softmax_first ? 2 : 1;
  def.infer = infer_class_loss;
  def.lower = [softmax_first](LowerContext &ctx) {
    Value &x = ctx.input(0);
    int64_t inner = 1;
    for (size_t i = 2; i < x.shape.size(); ++i) inner *= x.shape[i];
    ctx.call(kernel_of(ctx))
        .in(&x)
        .in(&ctx.input(1))
        .in(ctx.node().input(2))
        .out(&ctx.output(0))
        .out(ctx.has_output(1) ? &ctx.output(1) : nullptr)
        .i(x.shape[0])
        .i(x.shape[1])
        .i(inner)
        .i(softmax_first)
        .i(ctx.has_attr("ignore_index"))
        .i(ctx.attr_int("ignore_index", 0))
        .i(static_cast<int64_t>(reduction_of(ctx)));
  };
  r.add(std::move(def));
}

}  // namespace

void register_loss_ops(OpRegistry &r) {
  register_class_loss(r, "NegativeLogLikelihoodLoss", false);
  register_class_loss(r, "SoftmaxCrossEntropyLoss", true);
}

}  // namespace aotc
