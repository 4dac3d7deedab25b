// TopK: the k largest or smallest elements along an axis, with their indices.
// k decides the output shape, so it must be a compile-time constant (an
// attribute before opset 10, input 'K' after). Kernel: runtime-c/kernels/topk.c.
#include <fmt/format.h>

#include <algorithm>

#include "ops/named_constant.h"
#include "ops/op_util.h"

namespace aotc {

namespace {

int64_t topk_k(const OpContext &ctx) {
  if (ctx.opset() < 10) return ctx.attr_int("k");
  ctx.require(ctx.has_input(1), "input 'K' is required");
  const Tensor &kt = named_constant_input(ctx, 1, "K");
  ctx.require(kt.count() == 1 && is_integer(kt.dtype), "input 'K' must hold one integer");
  return kt.int_at(0);
}

}  // namespace

void register_topk_ops(OpRegistry &r) {
  OpDef def;
  def.op = "TopK";
  def.attrs = {"axis", "k", "largest", "sorted"};
  def.max_inputs = 2;
  def.min_outputs = def.max_outputs = 2;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    int64_t rank = static_cast<int64_t>(x.shape.size());
    ctx.require(rank >= 1, "input must have rank >= 1");
    auto axis = static_cast<size_t>(ctx.axis(ctx.attr_int("axis", -1), rank));
    int64_t k = topk_k(ctx);
    ctx.require(k >= 0 && k <= x.shape[axis],
                fmt::format("K = {} is out of range for an axis of size {}", k, x.shape[axis]));
    Shape out = x.shape;
    out[axis] = k;
    ctx.set_output(0, x.dtype, out);
    ctx.set_output(1, DType::Int64, out);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    ctx.require(ctx.has_output(0) && ctx.has_output(1), "both outputs (Values and Indices) must be used");
    Value &values = ctx.output(0), &indices = ctx.output(1);
    int64_t rank = static_cast<int64_t>(x.shape.size());
    auto axis = static_cast<size_t>(ctx.axis(ctx.attr_int("axis", -1), rank));
    int64_t k = topk_k(ctx);
    int64_t outer = num_elements(Shape(x.shape.begin(), x.shape.begin() + static_cast<std::ptrdiff_t>(axis)));
    int64_t inner = num_elements(Shape(x.shape.begin() + static_cast<std::ptrdiff_t>(axis) + 1, x.shape.end()));
    if (values.count() == 0) {
      // Nothing to select: 0-byte writes keep the memory planner happy.
      ctx.call("aotc_copy").in(nullptr).out(&values).i(0);
      ctx.call("aotc_copy").in(nullptr).out(&indices).i(0);
      return;
    }
    // sorted = 0 lets any order through; the kernel always sorts (deterministic).
    ctx.call(kernel_for(ctx, "topk", x.dtype))
        .in(&x)
        .out(&values)
        .out(&indices)
        .i(outer)
        .i(x.shape[axis])
        .i(inner)
        .i(k)
        .i(ctx.attr_int("largest", 1) != 0)
        .scratch(static_cast<size_t>(std::max<int64_t>(k, 1)) * sizeof(int32_t));
  };
  r.add(std::move(def));
}

}  // namespace aotc
