// Softmax, LogSoftmax and Hardmax, lowered to runtime-c/kernels/softmax.c.
//
// The kernels normalise x viewed as [outer, n, inner] along n. Before opset 13
// the input is coerced to 2-D at `axis` (default 1) and each row of the
// flattened [d0*..*d(axis-1), d(axis)*..*d(r-1)] matrix is normalised: n is
// the product of the dims from axis on and inner is 1. From opset 13 only the
// dim `axis` (default -1) is normalised: n = d(axis), inner = the product of
// the dims after it. E.g. x[3,4,5] with axis 1: opset 11 gives [3, 20, 1],
// opset 13 gives [3, 4, 5].
#include <fmt/format.h>

#include "ops/op_util.h"

namespace aotc {

namespace {

struct SoftmaxView {
  int64_t outer = 1, n = 1, inner = 1;
};

SoftmaxView softmax_view(const OpContext &ctx) {
  const Shape &shape = ctx.input(0).shape;
  int64_t rank = static_cast<int64_t>(shape.size());
  bool coerce_2d = ctx.opset() < 13;
  int64_t axis = ctx.axis(ctx.attr_int("axis", coerce_2d ? 1 : -1), rank);
  SoftmaxView v;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = shape[static_cast<size_t>(d)];
    if (d < axis)
      v.outer *= dim;
    else if (d == axis || coerce_2d)
      v.n *= dim;
    else
      v.inner *= dim;
  }
  return v;
}

void register_softmax_like(OpRegistry &r, const char *op, const char *kernel) {
  OpDef def;
  def.op = op;
  def.attrs = {"axis"};
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    ctx.require(is_float(x.dtype), fmt::format("input must be a floating-point tensor, got {}", dtype_name(x.dtype)));
    ctx.require(!x.shape.empty(), "input must have rank >= 1");
    softmax_view(ctx);  // validates axis
    ctx.set_output(0, x.dtype, x.shape);
  };
  std::string base = kernel;
  def.lower = [base](LowerContext &ctx) {
    Value &x = ctx.input(0);
    SoftmaxView v = softmax_view(ctx);
    // Column maxima and sums when the normalised axis is not innermost.
    size_t scratch = v.inner > 1 ? 2 * static_cast<size_t>(v.inner) * dtype_size(x.dtype) : 0;
    ctx.call(kernel_for(ctx, base, x.dtype))
        .in(&x)
        .out(&ctx.output(0))
        .i(v.outer)
        .i(v.n)
        .i(v.inner)
        .scratch(scratch);
  };
  r.add(std::move(def));
}

}  // namespace

void register_softmax_ops(OpRegistry &r) {
  register_softmax_like(r, "Softmax", "softmax");
  register_softmax_like(r, "LogSoftmax", "log_softmax");
  register_softmax_like(r, "Hardmax", "hardmax");
}

}  // namespace aotc
