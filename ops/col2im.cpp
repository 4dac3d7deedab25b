// Col2Im: sliding blocks [N, C * prod(block_shape), L] summed back into an
// image [N, C, image_shape...]. image_shape and block_shape decide shapes, so
// they must be compile-time constants. Kernel: runtime-c/kernels/col2im.c.
#include <fmt/format.h>

#include "ops/op_util.h"

namespace aotc {

namespace {

struct Col2ImPlan {
  std::vector<int64_t> image, block, blocks, strides, dilations, pads;
  int64_t channels = 0;
};

Col2ImPlan plan_col2im(const OpContext &ctx) {
  const Shape &s = ctx.input(0).shape;
  ctx.require(s.size() == 3, "input must be [N, C * prod(block_shape), L]");
  Col2ImPlan p;
  p.image = ctx.constant_input(1).to_ints();
  p.block = ctx.constant_input(2).to_ints();
  size_t r = p.image.size();
  ctx.require(r >= 1 && r <= kMaxKernelRank && p.block.size() == r,
              "image_shape and block_shape must have the same length, 1 to 8");
  p.strides = ctx.attr_ints("strides", std::vector<int64_t>(r, 1));
  p.dilations = ctx.attr_ints("dilations", std::vector<int64_t>(r, 1));
  std::vector<int64_t> pads = ctx.attr_ints("pads", std::vector<int64_t>(2 * r, 0));
  ctx.require(p.strides.size() == r && p.dilations.size() == r && pads.size() == 2 * r,
              "strides, dilations and pads must match the number of spatial dims");
  int64_t k = 1, l = 1;
  for (size_t d = 0; d < r; ++d) {
    ctx.require(p.image[d] >= 1 && p.image[d] <= INT32_MAX && p.block[d] >= 1 && p.block[d] <= INT32_MAX,
                "image_shape and block_shape must be positive");
    ctx.require(p.strides[d] >= 1 && p.dilations[d] >= 1 && pads[d] >= 0 && pads[d + r] >= 0 &&
                    p.strides[d] <= INT32_MAX && p.dilations[d] <= INT32_MAX && pads[d] <= INT32_MAX &&
                    pads[d + r] <= INT32_MAX,
                "strides and dilations must be positive and pads non-negative");
    int64_t span = p.dilations[d] * (p.block[d] - 1) + 1, padded = p.image[d] + pads[d] + pads[d + r];
    ctx.require(padded >= span, "a block does not fit in the padded image");
    p.blocks.push_back((padded - span) / p.strides[d] + 1);
    k *= p.block[d];
    l *= p.blocks.back();
  }
  p.pads.assign(pads.begin(), pads.begin() + static_cast<std::ptrdiff_t>(r));
  ctx.require(s[1] % k == 0, fmt::format("input dim 1 ({}) is not a multiple of prod(block_shape) = {}", s[1], k));
  ctx.require(s[2] == l, fmt::format("input dim 2 is {}, but the blocks give {} positions", s[2], l));
  p.channels = s[1] / k;
  return p;
}

}  // namespace

void register_col2im_ops(OpRegistry &r) {
  OpDef def;
  def.op = "Col2Im";
  def.attrs = {"dilations", "pads", "strides"};
  def.min_inputs = def.max_inputs = 3;
  def.infer = [](OpContext &ctx) {
    Col2ImPlan p = plan_col2im(ctx);
    Shape out = {ctx.input(0).shape[0], p.channels};
    out.insert(out.end(), p.image.begin(), p.image.end());
    ctx.set_output(0, ctx.input(0).dtype, out);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0), &y = ctx.output(0);
    if (y.count() == 0) {
      ctx.call("aotc_copy").in(nullptr).out(&y).i(0);
      return;
    }
    Col2ImPlan p = plan_col2im(ctx);
    ctx.call(kernel_for(ctx, "col2im", x.dtype))
        .in(&x)
        .out(&y)
        .i(x.shape[0] * p.channels)
        .i(static_cast<int64_t>(p.image.size()))
        .ints(p.image)
        .ints(p.block)
        .ints(p.blocks)
        .ints(p.strides)
        .ints(p.dilations)
        .ints(p.pads);
  };
  r.add(std::move(def));
}

}  // namespace aotc
