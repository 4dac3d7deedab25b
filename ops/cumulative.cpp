// CumSum and CumProd: a running sum or product along one axis (an input,
// which must be a compile-time constant), with the exclusive and reverse
// attributes. Kernels: runtime-c/kernels/cumulative.c, which see the tensor as
// [outer, n, inner] (computed here).
#include <fmt/format.h>

#include "ops/op_util.h"

namespace aotc {

namespace {

void register_cumulative(OpRegistry &r, const char *op, const char *kernel) {
  OpDef def;
  def.op = op;
  def.attrs = {"exclusive", "reverse"};
  def.min_inputs = def.max_inputs = 2;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    ctx.require(!x.shape.empty(), "input must have rank >= 1");
    ctx.set_output(0, x.dtype, x.shape);
  };
  std::string base = kernel;
  def.lower = [base](LowerContext &ctx) {
    Value &x = ctx.input(0), &y = ctx.output(0);
    const Tensor &axis_t = ctx.constant_input(1);
    ctx.require(axis_t.count() == 1 && is_integer(axis_t.dtype), "axis must be one integer");
    int64_t rank = static_cast<int64_t>(x.shape.size());
    int64_t axis = ctx.axis(axis_t.int_at(0), rank);
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= x.shape[d];
    for (int64_t d = axis + 1; d < rank; ++d) inner *= x.shape[d];
    ctx.call(kernel_for(ctx, base, x.dtype))
        .in(&x)
        .out(&y)
        .i(outer)
        .i(x.shape[axis])
        .i(inner)
        .i(ctx.attr_int("exclusive", 0) != 0)
        .i(ctx.attr_int("reverse", 0) != 0);
  };
  r.add(std::move(def));
}

}  // namespace

void register_cumulative_ops(OpRegistry &r) {
  register_cumulative(r, "CumSum", "cumsum");
  register_cumulative(r, "CumProd", "cumprod");
}

}  // namespace aotc
