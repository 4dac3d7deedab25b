// AffineGrid: the sampling grid of an affine transform (size decides the
// output shape, so it must be a compile-time constant); GridSample, which
// samples a tensor at such a grid; and RoiAlign.
// Kernels: runtime-c/kernels/grid.c.
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

void register_roi_align(OpRegistry &r) {
  OpDef def;
  def.op = "RoiAlign";
  def.attrs = {"coordinate_transformation_mode", "mode", "output_height", "output_width", "sampling_ratio",
               "spatial_scale"};
  def.min_inputs = def.max_inputs = 3;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0), &rois = ctx.input(1), &bi = ctx.input(2);
    ctx.require(x.shape.size() == 4, "X must be [N, C, H, W]");
    ctx.require(is_float(x.dtype) && rois.dtype == x.dtype, "X and rois must be float tensors of one type");
    ctx.require(rois.shape.size() == 2 && rois.shape[1] == 4, "rois must be [num_rois, 4]");
    ctx.require(bi.dtype == DType::Int64 && bi.shape == Shape{rois.shape[0]}, "batch_indices must be int64 [num_rois]");
    if (bi.is_constant())
      for (int64_t b : bi.constant->to_ints())
        ctx.require(b >= 0 && b < x.shape[0], fmt::format("batch index {} is out of range 0..{}", b, x.shape[0] - 1));
    int64_t oh = ctx.attr_int("output_height", 1), ow = ctx.attr_int("output_width", 1);
    ctx.require(oh >= 1 && ow >= 1 && oh <= INT32_MAX && ow <= INT32_MAX, "output_height and output_width must be positive");
    ctx.require(ctx.attr_int("sampling_ratio", 0) >= 0 && ctx.attr_int("sampling_ratio", 0) <= INT32_MAX,
                "sampling_ratio must be >= 0");
    std::string mode = ctx.attr_string("mode", "avg");
    ctx.require(mode == "avg" || mode == "max", fmt::format("unknown mode '{}'", mode));
    std::string ct = ctx.attr_string("coordinate_transformation_mode", ctx.opset() >= 16 ? "half_pixel" : "output_half_pixel");
    ctx.require(ct == "half_pixel" || ct == "output_half_pixel",
                fmt::format("unknown coordinate_transformation_mode '{}'", ct));
    ctx.set_output(0, x.dtype, {rois.shape[0], x.shape[1], oh, ow});
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0), &y = ctx.output(0);
    if (y.count() == 0) {
      ctx.call("aotc_copy").in(nullptr).out(&y).i(0);
      return;
    }
    // Before opset 16 the only behaviour was output_half_pixel (no half-pixel shift).
    std::string ct = ctx.attr_string("coordinate_transformation_mode", ctx.opset() >= 16 ? "half_pixel" : "output_half_pixel");
    ctx.call(kernel_for(ctx, "roi_align", x.dtype))
        .in(&x)
        .in(&ctx.input(1))
        .in(&ctx.input(2))
        .out(&y)
        .i(x.shape[0])
        .i(x.shape[1])
        .i(x.shape[2])
        .i(x.shape[3])
        .i(y.shape[0])
        .i(y.shape[2])
        .i(y.shape[3])
        .i(ctx.attr_int("sampling_ratio", 0))
        .f(ctx.attr_float("spatial_scale", 1.0f))
        .i(ct == "half_pixel")
        .i(ctx.attr_string("mode", "avg") == "max");
  };
  r.add(std::move(def));
}

// GridSample (opsets 16, 20, 22): X [N, C, d1..dr] sampled at grid [N, o1..or, r].
void register_grid_sample(OpRegistry &r) {
  OpDef def;
  def.op = "GridSample";
  def.attrs = {"align_corners", "mode", "padding_mode"};
  def.min_inputs = def.max_inputs = 2;
  // Opset 16 names the modes bilinear and bicubic; 20 renamed them linear and cubic.
  auto mode_of = [](const OpContext &ctx) {
    std::string mode = ctx.attr_string("mode", ctx.opset() < 20 ? "bilinear" : "linear");
    if (mode == "nearest") return 0;
    if (mode == "linear" || mode == "bilinear") return 1;
    if (mode == "cubic" || mode == "bicubic") return 2;
    ctx.error(fmt::format("unknown mode '{}'", mode));
  };
  auto padding_of = [](const OpContext &ctx) {
    std::string padding = ctx.attr_string("padding_mode", "zeros");
    if (padding == "zeros") return 0;
    if (padding == "border") return 1;
    if (padding == "reflection") return 2;
    ctx.error(fmt::format("unknown padding_mode '{}'", padding));
  };
  def.infer = [mode_of, padding_of](OpContext &ctx) {
    Value &x = ctx.input(0), &grid = ctx.input(1);
    const size_t rank = x.shape.size();
    ctx.require(rank >= 3 && rank - 2 <= 8, "X must be [N, C, d1, ...] with 1 to 8 spatial dimensions");
    ctx.require(x.dtype == DType::Float || x.dtype == DType::Double, "X must be float or double");
    ctx.require(grid.dtype == x.dtype, "grid must have X's element type");
    ctx.require(grid.shape.size() == rank && grid.shape[0] == x.shape[0] &&
                    grid.shape.back() == static_cast<int64_t>(rank - 2),
                fmt::format("grid has shape {}; expected [{}, ..., {}] of rank {}", shape_str(grid.shape), x.shape[0],
                            rank - 2, rank));
    mode_of(ctx);
    padding_of(ctx);
    Shape out = {x.shape[0], x.shape[1]};
    out.insert(out.end(), grid.shape.begin() + 1, grid.shape.end() - 1);
    ctx.set_output(0, x.dtype, out);
  };
  def.lower = [mode_of, padding_of](LowerContext &ctx) {
    Value &x = ctx.input(0), &grid = ctx.input(1), &y = ctx.output(0);
    if (y.count() == 0) {
      ctx.call("aotc_copy").in(nullptr).out(&y).i(0);
      return;
    }
    std::vector<int64_t> dims(x.shape.begin() + 2, x.shape.end());
    ctx.call(kernel_for(ctx, "grid_sample", x.dtype))
        .in(&x)
        .in(&grid)
        .out(&y)
        .i(x.shape[0])
        .i(x.shape[1])
        .i(static_cast<int64_t>(dims.size()))
        .ints(dims)
        .i(y.count() / (x.shape[0] * x.shape[1]))
        .i(mode_of(ctx))
        .i(padding_of(ctx))
        .i(ctx.attr_int("align_corners", 0) != 0);
  };
  r.add(std::move(def));
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
  register_roi_align(r);
  register_grid_sample(r);
}

}  // namespace aotc
