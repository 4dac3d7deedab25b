// Bitwise ops on integers: BitShift (unsigned types, direction LEFT or
// RIGHT), BitwiseAnd/Or/Xor (broadcasting like elementwise.cpp's binaries)
// and BitwiseNot. Kernels: runtime-c/kernels/bitwise.c.
#include <fmt/format.h>

#include "ops/op_util.h"

namespace aotc {

namespace {

void infer_integer_binary(OpContext &ctx) {
  Value &a = ctx.input(0), &b = ctx.input(1);
  if (a.dtype != b.dtype)
    ctx.error(fmt::format("inputs have different element types ({} and {})", dtype_name(a.dtype), dtype_name(b.dtype)));
  ctx.require(is_integer(a.dtype), "inputs must be integers");
  ctx.set_output(0, a.dtype, broadcast_shapes(ctx, {a.shape, b.shape}));
}

void register_binary(OpRegistry &r, const char *op, const char *kernel) {
  OpDef def;
  def.op = op;
  def.min_inputs = def.max_inputs = 2;
  def.infer = infer_integer_binary;
  std::string base = kernel;
  def.lower = [base](LowerContext &ctx) {
    Value &a = ctx.input(0);
    lower_broadcast_binary(ctx, kernel_for(ctx, base, a.dtype), a, ctx.input(1), ctx.output(0));
  };
  r.add(std::move(def));
}

void register_bitshift(OpRegistry &r) {
  OpDef def;
  def.op = "BitShift";
  def.attrs = {"direction"};
  def.min_inputs = def.max_inputs = 2;
  def.infer = [](OpContext &ctx) {
    std::string dir = ctx.attr_string("direction", "");
    ctx.require(dir == "LEFT" || dir == "RIGHT", "direction must be LEFT or RIGHT");
    infer_integer_binary(ctx);
    ctx.require(!is_signed_integer(ctx.input(0).dtype), "inputs must be unsigned integers");
  };
  def.lower = [](LowerContext &ctx) {
    Value &a = ctx.input(0);
    std::string base = ctx.attr_string("direction", "") == "LEFT" ? "bitshift_left" : "bitshift_right";
    lower_broadcast_binary(ctx, kernel_for(ctx, base, a.dtype), a, ctx.input(1), ctx.output(0));
  };
  r.add(std::move(def));
}

void register_not(OpRegistry &r) {
  OpDef def;
  def.op = "BitwiseNot";
  def.infer = [](OpContext &ctx) {
    ctx.require(is_integer(ctx.input(0).dtype), "input must be an integer");
    infer_same_as_input(ctx);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    ctx.call(kernel_for(ctx, "bitwise_not", x.dtype)).in(&x).out(&ctx.output(0)).i(x.count()).in_place(&x);
  };
  r.add(std::move(def));
}

}  // namespace

void register_bitwise_ops(OpRegistry &r) {
  register_bitshift(r);
  register_binary(r, "BitwiseAnd", "bitwise_and");
  register_binary(r, "BitwiseOr", "bitwise_or");
  register_binary(r, "BitwiseXor", "bitwise_xor");
  register_not(r);
}

}  // namespace aotc
