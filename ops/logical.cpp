// Comparisons (Equal, Less, LessOrEqual, Greater, GreaterOrEqual), boolean
// logic (Not, And, Or, Xor), Where, IsNaN and IsInf. Bool tensors are uint8_t 0/1. Binary
// ops broadcast like elementwise.cpp's: strides computed and dims collapsed
// at compile time (plan_broadcast); kernels in runtime-c/kernels/logical.c.
#include <fmt/format.h>

#include "ops/op_util.h"

namespace aotc {

namespace {

// An empty output still needs a writer for the memory planner: a 0-byte copy.
void write_empty(LowerContext &ctx, Value &y) { ctx.call("aotc_copy").in(nullptr).out(&y).i(0); }

// plan_broadcast, with a scalar result given one dim so the kernel has arrays to read.
BroadcastPlan broadcast_plan(const Shape &out, const std::vector<Shape> &ins) {
  BroadcastPlan plan = plan_broadcast(out, ins);
  if (plan.dims.empty()) {
    plan.dims = {1};
    for (auto &s : plan.strides) s = {0};
  }
  return plan;
}

void register_binary(OpRegistry &r, const char *op, const char *kernel, bool bool_inputs) {
  OpDef def;
  def.op = op;
  def.min_inputs = def.max_inputs = 2;
  // Opsets before 7 had explicit broadcast attributes; accepted when the
  // shapes broadcast the modern way.
  def.attrs = {"broadcast", "axis"};
  def.infer = [bool_inputs](OpContext &ctx) {
    if (ctx.opset() < 7 && ctx.has_attr("axis")) ctx.error("legacy 'axis' broadcasting (opset < 7) is not supported");
    Value &a = ctx.input(0), &b = ctx.input(1);
    if (a.dtype != b.dtype)
      ctx.error(fmt::format("inputs have different element types ({} and {})", dtype_name(a.dtype), dtype_name(b.dtype)));
    if (bool_inputs) ctx.require(a.dtype == DType::Bool, "inputs must be bool");
    if (a.dtype == DType::String) ctx.error("string comparisons are not supported (aotc has no string tensors)");
    ctx.set_output(0, DType::Bool, broadcast_shapes(ctx, {a.shape, b.shape}));
  };
  std::string base = kernel;
  def.lower = [base](LowerContext &ctx) {
    Value &a = ctx.input(0), &b = ctx.input(1), &y = ctx.output(0);
    if (y.count() == 0) return write_empty(ctx, y);
    lower_broadcast_binary(ctx, kernel_for(ctx, base, a.dtype), a, b, y);
  };
  r.add(std::move(def));
}

void register_not(OpRegistry &r) {
  OpDef def;
  def.op = "Not";
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    ctx.require(x.dtype == DType::Bool, "input must be bool");
    ctx.set_output(0, DType::Bool, x.shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    if (x.count() == 0) return write_empty(ctx, ctx.output(0));
    ctx.call("aotc_not_bool").in(&x).out(&ctx.output(0)).i(x.count());
  };
  r.add(std::move(def));
}

// IsNaN and IsInf: float input, bool output of the same shape.
void register_classify(OpRegistry &r, const char *op, const char *kernel) {
  OpDef def;
  def.op = op;
  bool isinf = std::string(kernel) == "isinf";
  if (isinf) def.attrs = {"detect_positive", "detect_negative"};
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    ctx.require(is_float(x.dtype), "input must be a float type");
    ctx.set_output(0, DType::Bool, x.shape);
  };
  std::string base = kernel;
  def.lower = [base, isinf](LowerContext &ctx) {
    Value &x = ctx.input(0);
    if (x.count() == 0) return write_empty(ctx, ctx.output(0));
    KernelCall &call = ctx.call(kernel_for(ctx, base, x.dtype)).in(&x).out(&ctx.output(0)).i(x.count());
    if (isinf) call.i(ctx.attr_int("detect_positive", 1) != 0).i(ctx.attr_int("detect_negative", 1) != 0);
  };
  r.add(std::move(def));
}

void register_where(OpRegistry &r) {
  OpDef def;
  def.op = "Where";
  def.min_inputs = def.max_inputs = 3;
  def.infer = [](OpContext &ctx) {
    Value &c = ctx.input(0), &a = ctx.input(1), &b = ctx.input(2);
    ctx.require(c.dtype == DType::Bool, "condition must be bool");
    if (a.dtype != b.dtype)
      ctx.error(fmt::format("X and Y have different element types ({} and {})", dtype_name(a.dtype), dtype_name(b.dtype)));
    if (dtype_info(a.dtype).c_type == nullptr || dtype_size(a.dtype) == 0)
      ctx.error(fmt::format("element type {} is not supported", dtype_name(a.dtype)));
    ctx.set_output(0, a.dtype, broadcast_shapes(ctx, {c.shape, a.shape, b.shape}));
  };
  def.lower = [](LowerContext &ctx) {
    Value &c = ctx.input(0), &a = ctx.input(1), &b = ctx.input(2), &y = ctx.output(0);
    if (y.count() == 0) return write_empty(ctx, y);
    BroadcastPlan plan = broadcast_plan(y.shape, {c.shape, a.shape, b.shape});
    ctx.require(plan.dims.size() <= 8, "too many dimensions after broadcasting");
    ctx.call("aotc_where")
        .in(&c)
        .in(&a)
        .in(&b)
        .out(&y)
        .i(static_cast<int64_t>(dtype_size(a.dtype)))
        .i(static_cast<int64_t>(plan.dims.size()))
        .ints(plan.dims)
        .ints(plan.strides[0])
        .ints(plan.strides[1])
        .ints(plan.strides[2]);
  };
  r.add(std::move(def));
}

}  // namespace

void register_logical_ops(OpRegistry &r) {
  register_binary(r, "Equal", "equal", false);
  register_binary(r, "Less", "less", false);
  register_binary(r, "LessOrEqual", "less_equal", false);
  register_binary(r, "Greater", "greater", false);
  register_binary(r, "GreaterOrEqual", "greater_equal", false);
  register_binary(r, "And", "and", true);
  register_binary(r, "Or", "or", true);
  register_binary(r, "Xor", "xor", true);
  register_not(r);
  register_where(r);
  register_classify(r, "IsNaN", "isnan");
  register_classify(r, "IsInf", "isinf");
}

}  // namespace aotc
