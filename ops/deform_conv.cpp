// DeformConv (2-D): a convolution whose taps read the input at learned
// fractional offsets (bilinear), optionally scaled by a mask. A reference
// loop kernel: runtime-c/kernels/deform_conv.c.
#include <fmt/format.h>

#include "ops/op_util.h"

namespace aotc {

namespace {

// The kernel's geometry words: n, c, ih, iw, oc, oh, ow, kh, kw, strides,
// pads (begin), dilations, group, offset_group.
std::vector<int64_t> deform_geometry(const OpContext &ctx) {
  const Value &x = ctx.input(0), &w = ctx.input(1), &off = ctx.input(2);
  ctx.require(x.shape.size() == 4, "only 2-D DeformConv is supported (X must be [N, C, H, W])");
  ctx.require(w.shape.size() == 4, "W must be [M, C / group, kH, kW]");
  ctx.require(is_float(x.dtype) && w.dtype == x.dtype && off.dtype == x.dtype, "X, W and offset must share a float type");
  int64_t n = x.shape[0], c = x.shape[1], oc = w.shape[0], group = ctx.attr_int("group", 1);
  int64_t offset_group = ctx.attr_int("offset_group", 1);
  ctx.require(group >= 1 && c % group == 0 && oc % group == 0 && w.shape[1] == c / group,
              "channels do not match group and W");
  ctx.require(offset_group >= 1 && c % offset_group == 0, "C must be a multiple of offset_group");
  std::vector<int64_t> kernel = ctx.attr_ints("kernel_shape", {w.shape[2], w.shape[3]});
  ctx.require(kernel == std::vector<int64_t>{w.shape[2], w.shape[3]}, "kernel_shape does not match W");
  std::vector<int64_t> strides = ctx.attr_ints("strides", {1, 1}), dil = ctx.attr_ints("dilations", {1, 1});
  std::vector<int64_t> pads = ctx.attr_ints("pads", {0, 0, 0, 0});
  ctx.require(strides.size() == 2 && dil.size() == 2 && pads.size() == 4, "strides, dilations and pads must be 2-D");
  int64_t out[2];
  for (size_t d = 0; d < 2; ++d) {
    ctx.require(strides[d] >= 1 && dil[d] >= 1 && pads[d] >= 0 && pads[d + 2] >= 0 && strides[d] <= INT32_MAX &&
                    dil[d] <= INT32_MAX && pads[d] <= INT32_MAX && pads[d + 2] <= INT32_MAX,
                "strides and dilations must be positive, pads non-negative");
    int64_t span = dil[d] * (kernel[d] - 1) + 1, padded = x.shape[2 + d] + pads[d] + pads[d + 2];
    ctx.require(padded >= span, "the kernel does not fit in the padded input");
    out[d] = (padded - span) / strides[d] + 1;
  }
  int64_t k = kernel[0] * kernel[1];
  ctx.require(off.shape == Shape{n, offset_group * k * 2, out[0], out[1]},
              fmt::format("offset has shape {}; expected [{}, {}, {}, {}]", shape_str(off.shape), n,
                          offset_group * k * 2, out[0], out[1]));
  if (ctx.has_input(3)) ctx.require(ctx.input(3).shape == Shape{oc} && ctx.input(3).dtype == x.dtype, "B must be [M]");
  if (ctx.has_input(4))
    ctx.require(ctx.input(4).shape == Shape{n, offset_group * k, out[0], out[1]} && ctx.input(4).dtype == x.dtype,
                "mask must be [N, offset_group * kH * kW, oH, oW]");
  return {n, c, x.shape[2], x.shape[3], oc, out[0], out[1], kernel[0], kernel[1], strides[0], strides[1],
          pads[0], pads[1], dil[0], dil[1], group, offset_group};
}

}  // namespace

void register_deform_conv_ops(OpRegistry &r) {
  OpDef def;
  def.op = "DeformConv";
  def.attrs = {"dilations", "group", "kernel_shape", "offset_group", "pads", "strides"};
  def.min_inputs = 3;
  def.max_inputs = 5;
  def.infer = [](OpContext &ctx) {
    std::vector<int64_t> g = deform_geometry(ctx);
    ctx.set_output(0, ctx.input(0).dtype, {g[0], g[4], g[5], g[6]});
  };
  def.lower = [](LowerContext &ctx) {
    Value &y = ctx.output(0);
    if (y.count() == 0) {
      ctx.call("aotc_copy").in(nullptr).out(&y).i(0);
      return;
    }
    ctx.call(kernel_for(ctx, "deform_conv", y.dtype))
        .in(&ctx.input(0))
        .in(&ctx.input(1))
        .in(&ctx.input(2))
        .in(ctx.has_input(3) ? &ctx.input(3) : nullptr)
        .in(ctx.has_input(4) ? &ctx.input(4) : nullptr)
        .out(&y)
        .ints(deform_geometry(ctx));
  };
  r.add(std::move(def));
}

}  // namespace aotc
