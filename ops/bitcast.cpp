// BitCast (opset 26): the input's bytes reinterpreted as another element type.
// Same-size types only: the output shares the input's storage (an alias), so
// it costs nothing at run time.
#include <fmt/format.h>

#include "ops/op_util.h"

namespace aotc {

void register_bitcast_ops(OpRegistry &r) {
  OpDef def;
  def.op = "BitCast";
  def.attrs = {"to"};
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    auto to = static_cast<DType>(ctx.attr_int("to"));
    size_t from_size = dtype_size(x.dtype), to_size = dtype_size(to);
    ctx.require(dtype_info(x.dtype).c_type != nullptr && dtype_info(to).c_type != nullptr && from_size > 0 &&
                    to_size > 0,
                fmt::format("cannot bit-cast {} to {}", dtype_name(x.dtype), dtype_name(to)));
    // Bool's bytes must stay 0 or 1, which reinterpreting other types cannot promise.
    ctx.require(to != DType::Bool || x.dtype == DType::Bool, "cannot bit-cast to bool");
    if (from_size != to_size)
      ctx.error(fmt::format("bit-casting {} ({} bytes) to {} ({} bytes) is not supported: the element sizes differ",
                            dtype_name(x.dtype), from_size, dtype_name(to), to_size));
    ctx.set_output(0, to, x.shape);
  };
  def.lower = [](LowerContext &ctx) { ctx.alias(ctx.output(0), ctx.input(0)); };
  r.add(std::move(def));
}

}  // namespace aotc
