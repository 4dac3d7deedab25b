// ONNX Runtime's contrib quantized ops (domain com.microsoft, version 1), which
// ORT's QDQ fusion and its QOperator-format quantizer put in models, lowered
// to runtime-c/kernels/qlinear.c with the arithmetic of ORT's x86-64 CPU
// kernels, so that aotc matches ONNX Runtime bit for bit:
//   QLinearAdd, QLinearMul   (numpy broadcasting)
//   QLinearSigmoid, QLinearLeakyRelu   (ORT's 256-entry lookup table)
// int8 and uint8; scales and zero points are per tensor (one element), zero
// points optional (0), as ORT's kernels require.
#include <fmt/format.h>

#include "ops/op_util.h"

namespace aotc {

namespace {

const char *const kMsDomain = "com.microsoft";

bool is_q8(DType t) { return t == DType::UInt8 || t == DType::Int8; }

// x (input i) must be uint8 or int8.
DType require_q8(const OpContext &ctx, size_t i, const char *name) {
  const DType t = ctx.input(i).dtype;
  ctx.require(is_q8(t), fmt::format("{} must be uint8 or int8, got {}", name, dtype_name(t)));
  return t;
}

// One value, rank 0 or 1, as ORT's IsScalarOr1ElementVector.
bool is_scalar_like(const Value &v) { return v.shape.size() <= 1 && v.count() == 1; }

void require_scale(const OpContext &ctx, size_t i, const char *name) {
  const Value &s = ctx.input(i);
  ctx.require(s.dtype == DType::Float, fmt::format("{} must be float, got {}", name, dtype_name(s.dtype)));
  ctx.require(is_scalar_like(s), fmt::format("{} must be a scalar or one-element vector (per tensor), got {}", name,
                                             shape_str(s.shape)));
}

// An optional zero point (input i) of type t.
void require_zero_point(const OpContext &ctx, size_t i, DType t, const char *name) {
  if (!ctx.has_input(i)) return;
  const Value &z = ctx.input(i);
  ctx.require(z.dtype == t, fmt::format("{} must be {} like the data, got {}", name, dtype_name(t), dtype_name(z.dtype)));
  ctx.require(is_scalar_like(z), fmt::format("{} must be a scalar or one-element vector (per tensor), got {}", name,
                                             shape_str(z.shape)));
}

// Inputs that must be present; the optional zero points between them may be "".
void require_inputs(const OpContext &ctx, std::initializer_list<size_t> required) {
  for (size_t i : required) ctx.require(ctx.has_input(i), fmt::format("required input {} is missing", i));
}

Value *optional_input(const OpContext &ctx, size_t i) { return ctx.has_input(i) ? &ctx.input(i) : nullptr; }

// ---- QLinearAdd, QLinearMul: A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp -------------

void register_qlinear_binary(OpRegistry &r, const char *op, const char *kernel) {
  OpDef def;
  def.op = op;
  def.domain = kMsDomain;
  def.min_inputs = 2;  // A_scale; the rest are checked in infer (zero points in between are optional)
  def.max_inputs = 8;
  def.infer = [](OpContext &ctx) {
    require_inputs(ctx, {0, 1, 3, 4, 6});
    const DType t = require_q8(ctx, 0, "A");
    ctx.require(ctx.input(3).dtype == t, fmt::format("B must be {} like A, got {}", dtype_name(t),
                                                     dtype_name(ctx.input(3).dtype)));
    require_scale(ctx, 1, "A_scale");
    require_scale(ctx, 4, "B_scale");
    require_scale(ctx, 6, "C_scale");
    require_zero_point(ctx, 2, t, "A_zero_point");
    require_zero_point(ctx, 5, t, "B_zero_point");
    require_zero_point(ctx, 7, t, "C_zero_point");
    ctx.set_output(0, t, broadcast_shapes(ctx, {ctx.input(0).shape, ctx.input(3).shape}));
  };
  const std::string base = kernel;
  def.lower = [base](LowerContext &ctx) {
    Value &a = ctx.input(0), &b = ctx.input(3), &y = ctx.output(0);
    BroadcastPlan plan = plan_broadcast(y.shape, {a.shape, b.shape});
    ctx.require(plan.dims.size() <= kMaxKernelRank, "too many dimensions remain after broadcasting (at most 8)");
    ctx.call(kernel_for(ctx, base, y.dtype))
        .in(&a)
        .in(&ctx.input(1))
        .in(optional_input(ctx, 2))
        .in(&b)
        .in(&ctx.input(4))
        .in(optional_input(ctx, 5))
        .in(&ctx.input(6))
        .in(optional_input(ctx, 7))
        .out(&y)
        .i(static_cast<int64_t>(plan.dims.size()))
        .ints(plan.dims)
        .ints(plan.strides[0])
        .ints(plan.strides[1]);
  };
  r.add(std::move(def));
}

// ---- QLinearSigmoid, QLinearLeakyRelu: X, X_scale, X_zp, Y_scale, Y_zp -----------------------

// `kind` is the lookup kernel's: 0 sigmoid, 1 leaky relu.
void register_qlinear_lookup(OpRegistry &r, const char *op, int kind) {
  OpDef def;
  def.op = op;
  def.domain = kMsDomain;
  if (kind == 1) def.attrs = {"alpha"};
  def.min_inputs = 2;  // X_scale; Y_scale (after the optional X_zero_point) is checked in infer
  def.max_inputs = 5;
  def.infer = [](OpContext &ctx) {
    require_inputs(ctx, {0, 1, 3});
    const DType t = require_q8(ctx, 0, "X");
    require_scale(ctx, 1, "X_scale");
    require_scale(ctx, 3, "Y_scale");
    require_zero_point(ctx, 2, t, "X_zero_point");
    require_zero_point(ctx, 4, t, "Y_zero_point");
    ctx.set_output(0, t, ctx.input(0).shape);
  };
  def.lower = [kind](LowerContext &ctx) {
    Value &x = ctx.input(0);
    ctx.call(kernel_for(ctx, "qlinear_lookup", x.dtype))
        .in(&x)
        .in(&ctx.input(1))
        .in(optional_input(ctx, 2))
        .in(&ctx.input(3))
        .in(optional_input(ctx, 4))
        .out(&ctx.output(0))
        .i(x.count())
        .i(kind)
        .f(ctx.attr_float("alpha", 0.01f));
  };
  r.add(std::move(def));
}

}  // namespace

void register_quantize_contrib_ops(OpRegistry &r) {
  register_qlinear_binary(r, "QLinearAdd", "qlinear_add");
  register_qlinear_binary(r, "QLinearMul", "qlinear_mul");
  register_qlinear_lookup(r, "QLinearSigmoid", 0);
  register_qlinear_lookup(r, "QLinearLeakyRelu", 1);
}

}  // namespace aotc
