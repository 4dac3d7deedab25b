// ReduceMean and the other Reduce* ops, ArgMax and ArgMin, lowered to
// runtime-c/kernels/reduce.c.
//
// All Reduce* ops share one lowering: the input's dims are merged at compile
// time into alternating runs of reduced and kept dims (size-1 dims dropped),
// with each run's stride in the output, and one kernel walks the input once.
// E.g. x[2,3,4,5] reduced over axes [2,3] becomes dims [6,20], y strides [1,0]:
// six contiguous rows of 20, each summed into one output.
//
// Axes come from the `axes` attribute up to opset 12 (ReduceSum) or 17 (the
// others), and from the optional second input after. Empty or missing axes
// reduce everything, unless noop_with_empty_axes is set: then nothing is
// reduced, but the op's elementwise parts still apply (ReduceL1 gives |x|,
// ReduceLogSum gives log(x), ...).
#include <fmt/format.h>

#include "ops/op_util.h"

namespace aotc {

namespace {

// ---- Reduce* --------------------------------------------------------------------

struct ReduceOp {
  const char *op;
  const char *kernel;    // aotc_reduce_<kernel>_<dtype>
  int axes_input_since;  // first opset where axes is an input
};

const std::vector<ReduceOp> &reduce_ops() {
  static const std::vector<ReduceOp> table = {
      {"ReduceSum", "sum", 13},          {"ReduceMean", "mean", 18},
      {"ReduceMax", "max", 18},          {"ReduceMin", "min", 18},
      {"ReduceProd", "prod", 18},        {"ReduceL1", "l1", 18},
      {"ReduceL2", "l2", 18},            {"ReduceSumSquare", "sum_square", 18},
      {"ReduceLogSum", "log_sum", 18},   {"ReduceLogSumExp", "log_sum_exp", 18},
  };
  return table;
}

// Which dims of the input the node reduces.
std::vector<bool> reduced_dims(const OpContext &ctx, const ReduceOp &op) {
  int64_t rank = static_cast<int64_t>(ctx.input(0).shape.size());
  std::optional<std::vector<int64_t>> axes;
  if (ctx.opset() >= op.axes_input_since) {
    if (ctx.has_attr("axes")) ctx.error(fmt::format("from opset {}, axes is an input, not an attribute", op.axes_input_since));
    axes = ctx.optional_ints_input(1);
  } else {
    if (ctx.has_input(1)) ctx.error(fmt::format("axes is an input only from opset {}", op.axes_input_since));
    if (ctx.has_attr("axes")) axes = ctx.attr_ints("axes");
  }
  bool noop = ctx.attr_int("noop_with_empty_axes", 0) != 0;
  std::vector<bool> reduced(static_cast<size_t>(rank), !noop);
  if (axes && !axes->empty()) {
    std::fill(reduced.begin(), reduced.end(), false);
    for (int64_t a : normalize_axes(ctx, *axes, rank)) reduced[static_cast<size_t>(a)] = true;
  }
  return reduced;
}

void register_reduce(OpRegistry &r, const ReduceOp &op) {
  OpDef def;
  def.op = op.op;
  def.attrs = {"axes", "keepdims", "noop_with_empty_axes"};
  def.max_inputs = 2;
  def.infer = [op](OpContext &ctx) {
    Value &x = ctx.input(0);
    std::vector<bool> reduced = reduced_dims(ctx, op);
    bool keepdims = ctx.attr_int("keepdims", 1) != 0;
    Shape y;
    for (size_t d = 0; d < x.shape.size(); ++d) {
      if (!reduced[d])
        y.push_back(x.shape[d]);
      else if (keepdims)
        y.push_back(1);
    }
    ctx.set_output(0, x.dtype, y);
  };
  std::string base = std::string("reduce_") + op.kernel;
  bool needs_scratch = std::string(op.kernel) == "log_sum_exp";
  def.lower = [op, base, needs_scratch](LowerContext &ctx) {
    Value &x = ctx.input(0), &y = ctx.output(0);
    std::string kernel = kernel_for(ctx, base, x.dtype);
    std::vector<bool> reduced = reduced_dims(ctx, op);
    // Merge runs of reduced / kept dims, innermost last.
    std::vector<int64_t> dims;
    std::vector<bool> run_reduced;
    int64_t n_reduced = 1;
    for (size_t d = 0; d < x.shape.size(); ++d) {
      int64_t dim = x.shape[d];
      if (reduced[d]) n_reduced *= dim;
      if (dim == 1) continue;
      if (!dims.empty() && run_reduced.back() == reduced[d]) {
        dims.back() *= dim;
      } else {
        dims.push_back(dim);
        run_reduced.push_back(reduced[d]);
      }
    }
    if (dims.empty()) {  // a single element
      dims.push_back(1);
      run_reduced.push_back(true);
    }
    std::vector<int64_t> y_strides(dims.size(), 0);
    int64_t stride = 1;
    for (size_t i = dims.size(); i-- > 0;) {
      if (run_reduced[i]) continue;
      y_strides[i] = stride;
      stride *= dims[i];
    }
    ctx.require(dims.size() <= 8, "too many alternating reduced and kept dims (at most 8 after merging)");
    ctx.call(kernel)
        .in(&x)
        .out(&y)
        .i(static_cast<int64_t>(dims.size()))
        .ints(dims)
        .ints(y_strides)
        .i(y.count())
        .i(n_reduced)
        .scratch(needs_scratch ? y.byte_size() : 0);
  };
  r.add(std::move(def));
}

// ---- ArgMax, ArgMin -------------------------------------------------------------

struct ArgView {
  int64_t outer = 1, n = 1, inner = 1;
  size_t axis = 0;
};

ArgView arg_view(const OpContext &ctx) {
  const Shape &shape = ctx.input(0).shape;
  ctx.require(!shape.empty(), "input must have rank >= 1");
  ArgView v;
  v.axis = static_cast<size_t>(ctx.axis(ctx.attr_int("axis", 0), static_cast<int64_t>(shape.size())));
  for (size_t d = 0; d < shape.size(); ++d) {
    if (d < v.axis)
      v.outer *= shape[d];
    else if (d == v.axis)
      v.n = shape[d];
    else
      v.inner *= shape[d];
  }
  return v;
}

void register_arg(OpRegistry &r, const char *op, const char *kernel) {
  OpDef def;
  def.op = op;
  def.attrs = {"axis", "keepdims", "select_last_index"};
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    ArgView v = arg_view(ctx);
    ctx.require(v.n > 0, fmt::format("axis {} has size 0: there is no index to return", v.axis));
    Shape y = x.shape;
    if (ctx.attr_int("keepdims", 1) != 0)
      y[v.axis] = 1;
    else
      y.erase(y.begin() + static_cast<std::ptrdiff_t>(v.axis));
    ctx.set_output(0, DType::Int64, y);
  };
  std::string base = kernel;
  def.lower = [base](LowerContext &ctx) {
    Value &x = ctx.input(0);
    ArgView v = arg_view(ctx);
    ctx.call(kernel_for(ctx, base, x.dtype))
        .in(&x)
        .out(&ctx.output(0))
        .i(v.outer)
        .i(v.n)
        .i(v.inner)
        .i(ctx.attr_int("select_last_index", 0) != 0);
  };
  r.add(std::move(def));
}

}  // namespace

void register_reduce_ops(OpRegistry &r) {
  for (const ReduceOp &op : reduce_ops()) register_reduce(r, op);
  register_arg(r, "ArgMax", "argmax");
  register_arg(r, "ArgMin", "argmin");
}

}  // namespace aotc
