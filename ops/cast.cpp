// Cast and CastLike: element type conversion between every pair of f32, f64,
// f16, bf16, i8..i64, u8..u64 and bool (kernels in runtime-c/kernels/cast.c,
// aotc_cast_<from>_<to>). A cast to the same type is an alias. Strings, float8
// and 4-bit types are rejected: aotc has no storage for them.
#include <fmt/format.h>

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

void check_castable(const OpContext &ctx, DType from, DType to) {
  for (DType t : {from, to}) {
    if (t == DType::String) ctx.error("casts to or from string are not supported (aotc has no string tensors)");
    if (dtype_info(t).c_type == nullptr || dtype_size(t) == 0)
      ctx.error(fmt::format("element type {} is not supported", dtype_name(t)));
  }
  std::string kernel = fmt::format("aotc_cast_{}_{}", dtype_info(from).suffix, dtype_info(to).suffix);
  if (!kernel_exists(kernel))
    ctx.error(fmt::format("cast from {} to {} is not supported", dtype_name(from), dtype_name(to)));
}

void lower_cast(LowerContext &ctx) {
  Value &x = ctx.input(0);
  Value &y = ctx.output(0);
  if (x.dtype == y.dtype) {
    ctx.alias(y, x);
    return;
  }
  if (x.count() == 0) return write_empty(ctx, y);
  ctx.call(fmt::format("aotc_cast_{}_{}", dtype_info(x.dtype).suffix, dtype_info(y.dtype).suffix))
      .in(&x)
      .out(&y)
      .i(x.count());
}

void register_cast(OpRegistry &r) {
  OpDef def;
  def.op = "Cast";
  // saturate only affects float8 targets, round_mode only float8e8m0: neither is supported.
  def.attrs = {"to", "saturate", "round_mode"};
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    DType to = cast_target(ctx);
    check_castable(ctx, x.dtype, to);
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
    ctx.set_output(0, to, x.shape);
  };
  def.lower = lower_cast;
  r.add(std::move(def));
}

}  // namespace

void register_cast_ops(OpRegistry &r) {
  register_cast(r);
  register_cast_like(r);
}

}  // namespace aotc
