// Inputs that decide an output's shape (TopK's K, Compress's condition, a
// window's size): like OpContext::constant_input, but the error names the
// input as the ONNX spec does ("input 'K'"), not only by position.
#pragma once
#include <fmt/format.h>

#include "ir/error.h"
#include "ops/op.h"

namespace aotc {

inline const Tensor &named_constant_input(const OpContext &ctx, size_t i, const char *spec_name) {
  Value &v = ctx.input(i);
  if (!v.is_constant())
    throw NeedsConstantError(
        fmt::format("{}: input '{}' (value '{}') decides the output shape, so it must be a compile-time constant "
                    "(if it is a graph input, give its value with --const-input)",
                    ctx.node().describe(), spec_name, v.name),
        v.name);
  return *v.constant;
}

}  // namespace aotc
