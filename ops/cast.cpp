// Cast and CastLike: element type conversion between every pair of f32, f64,
// f16, bf16, i8..i64, u8..u64 and bool (kernels in runtime-c/kernels/cast.c,
// aotc_cast_<from>_<to>), and from or to the types newer than ONNX 1.12
// (float8 e4m3fn/e4m3fnuz/e5m2/e5m2fnuz/e8m0, float4e2m1, int4, uint4, int2,
// uint2) through aotc_cast_any, which honours `saturate` (float8 targets,
// opset >= 19) and `round_mode` (float8e8m0). A cast to the same type is an
// alias. Strings and complex types are rejected: aotc has no storage for them.
#include <fmt/format.h>

#include "ops/kernel_library.h"
#include "ops/op_util.h"

namespace aotc {

namespace {

// An empty output still needs a writer for the memory planner: a 0-byte copy.
void write_empty(LowerContext &ctx, Value &y) { ctx.call("aotc_copy").in(nullptr).out(&y).i(0); }

// Cast-1 named the target type with a string, later opsets with the TensorProto number.
DType cast_target(const OpContext &ctx) {
  const Attribute *a = ctx.node().attr("to");
  if (!a) ctx.error("required attribute 'to' is missing");
  if (auto *name = std::get_if<std::string>(&a->value)) {
    static const std::pair<const char *, DType> names[] = {
        {"FLOAT", DType::Float},   {"UINT8", DType::UInt8},     {"INT8", DType::Int8},
        {"UINT16", DType::UInt16}, {"INT16", DType::Int16},     {"INT32", DType::Int32},
        {"INT64", DType::Int64},   {"STRING", DType::String},   {"BOOL", DType::Bool},
        {"FLOAT16", DType::Float16}, {"DOUBLE", DType::Double}, {"UINT32", DType::UInt32},
        {"UINT64", DType::UInt64}, {"BFLOAT16", DType::BFloat16}};
    for (auto &[n, t] : names)
      if (*name == n) return t;
    ctx.error(fmt::format("unknown type name '{}' in 'to'", *name));
  }
  return static_cast<DType>(ctx.attr_int("to"));
}

// Types newer than ONNX 1.12, converted by the generic aotc_cast_any kernel.
bool is_new_type(DType t) { return is_minifloat(t) || onnx_packed_bits(t) < 8; }

void check_castable(const OpContext &ctx, DType from, DType to) {
  for (DType t : {from, to}) {
    if (t == DType::String) ctx.error("casts to or from string are not supported (aotc has no string tensors)");
    if (dtype_info(t).c_type == nullptr || dtype_size(t) == 0)
      ctx.error(fmt::format("element type {} is not supported", dtype_name(t)));
  }
  if (is_new_type(from) || is_new_type(to)) return;
  std::string kernel = fmt::format("aotc_cast_{}_{}", dtype_info(from).suffix, dtype_info(to).suffix);
  if (!kernel_exists(kernel))
    ctx.error(fmt::format("cast from {} to {} is not supported", dtype_name(from), dtype_name(to)));
}

// round_mode as aotc_cast_any's code: 0 up (the default), 1 down, 2 nearest.
int64_t round_mode_code(const OpContext &ctx) {
  std::string mode = ctx.attr_string("round_mode", "up");
  if (mode == "up") return 0;
  if (mode == "down") return 1;
  if (mode == "nearest") return 2;
  ctx.error(fmt::format("round_mode must be 'up', 'down' or 'nearest', not '{}'", mode));
}

void lower_cast(LowerContext &ctx) {
  Value &x = ctx.input(0);
  Value &y = ctx.output(0);
  if (x.dtype == y.dtype) {
    ctx.alias(y, x);
    return;
  }
  if (x.count() == 0) return write_empty(ctx, y);
  if (is_new_type(x.dtype) || is_new_type(y.dtype)) {
    ctx.call("aotc_cast_any")
        .in(&x)
        .out(&y)
        .i(x.count())
        .i(static_cast<int64_t>(x.dtype))
        .i(static_cast<int64_t>(y.dtype))
        .i(ctx.attr_int("saturate", 1) != 0 ? 1 : 0)
        .i(round_mode_code(ctx));
    return;
  }
  ctx.call(fmt::format("aotc_cast_{}_{}", dtype_info(x.dtype).suffix, dtype_info(y.dtype).suffix))
      .in(&x)
      .out(&y)
      .i(x.count());
}

void register_cast(OpRegistry &r) {
  OpDef def;
  def.op = "Cast";
  // saturate only affects float8 targets, round_mode only float8e8m0.
  def.attrs = {"to", "saturate", "round_mode"};
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    DType to = cast_target(ctx);
    check_castable(ctx, x.dtype, to);
    round_mode_code(ctx);  // validates the attribute
    ctx.set_output(0, to, x.shape);
  };
  def.lower = lower_cast;
  r.add(std::move(def));
}

void register_cast_like(OpRegistry &r) {
  OpDef def;
  def.op = "CastLike";
  def.attrs = {"saturate", "round_mode"};
  def.min_inputs = def.max_inputs = 2;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    DType to = ctx.input(1).dtype;
    check_castable(ctx, x.dtype, to);
    round_mode_code(ctx);  // validates the attribute
    ctx.set_output(0, to, x.shape);
  };
  def.lower = lower_cast;
  // Only input 1's type matters: a constant input 0 folds even when input 1
  // is computed at run time (the attention expansions cast -inf like the
  // scores, then pad with it, and Pad needs its value at compile time).
  def.fold = [](OpContext &ctx) -> std::optional<std::vector<Tensor>> {
    Value &x = ctx.input(0), &y = ctx.output(0);
    if (!x.is_constant() || dtype_info(y.dtype).c_type == nullptr) return std::nullopt;
    LowerContext lower(ctx.node());
    lower_cast(lower);
    return evaluate_node(ctx.node(), lower.steps());
  };
  r.add(std::move(def));
}

}  // namespace

void register_cast_ops(OpRegistry &r) {
  register_cast(r);
  register_cast_like(r);
}

}  // namespace aotc
