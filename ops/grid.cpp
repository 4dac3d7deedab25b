// AffineGrid: the sampling grid of an affine transform (for GridSample).
// size decides the output shape, so it must be a compile-time constant.
// Kernel: runtime-c/kernels/grid.c.
#include <fmt/format.h>

#include "ops/op_util.h"

namespace aotc {

namespace {

// size as [N, C, D, H, W] (2-D: D = 1) and the number of spatial dims.
std::vector<int64_t> grid_size(const OpContext &ctx, int64_t &dims) {
  const Value &theta = ctx.input(0);
  std::vector<int64_t> size = ctx.constant_input(1).to_ints();
  ctx.require(size.size() == 4 || size.size() == 5, "size must be [N, C, H, W] or [N, C, D, H, W]");
  dims = static_cast<int64_t>(size.size()) - 2;
  ctx.require(theta.shape == Shape{size[0], dims, dims + 1},
              fmt::format("theta has shape {}; expected [{}, {}, {}]", shape_str(theta.shape), size[0], dims, dims + 1));
  for (int64_t s : size) ctx.require(s >= 0 && s <= INT32_MAX, fmt::format("invalid size {}", s));
  if (dims == 2) size.insert(size.begin() + 2, 1);
  return size;
}

}  // namespace

void register_grid_ops(OpRegistry &r) {
  OpDef def;
  def.op = "AffineGrid";
  def.attrs = {"align_corners"};
  def.min_inputs = def.max_inputs = 2;
  def.infer = [](OpContext &ctx) {
    int64_t dims = 0;
    std::vector<int64_t> s = grid_size(ctx, dims);
    ctx.require(is_float(ctx.input(0).dtype), "theta must be a float tensor");
    Shape out = dims == 3 ? Shape{s[0], s[2], s[3], s[4], 3} : Shape{s[0], s[3], s[4], 2};
    ctx.set_output(0, ctx.input(0).dtype, out);
  };
  def.lower = [](LowerContext &ctx) {
    Value &theta = ctx.input(0), &y = ctx.output(0);
    if (y.count() == 0) {
      ctx.call("aotc_copy").in(nullptr).out(&y).i(0);
      return;
    }
    int64_t dims = 0;
    std::vector<int64_t> s = grid_size(ctx, dims);
    ctx.call(kernel_for(ctx, "affine_grid", theta.dtype))
        .in(&theta)
        .out(&y)
        .i(s[0])
        .i(s[2])
        .i(s[3])
        .i(s[4])
        .i(dims)
        .i(ctx.attr_int("align_corners", 0) != 0);
  };
  r.add(std::move(def));
}

}  // namespace aotc
