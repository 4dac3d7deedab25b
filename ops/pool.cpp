// Pooling ops: MaxPool (with the optional Indices output), AveragePool, LpPool
// and GlobalAveragePool, GlobalMaxPool, GlobalLpPool. Windowed pools share the
// window geometry of ops/window.h and run as 3D pools (1D/2D get leading
// size-1 dims) in runtime-c/kernels/pool.c.
#include <fmt/format.h>

#include <cstdint>

#include "ops/op_util.h"
#include "ops/window.h"

namespace aotc {

namespace {

const std::vector<std::string> kWindowAttrs = {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "strides"};

void require_pool_input(const OpContext &ctx, const Value &x) {
  ctx.require(x.shape.size() >= 3 && x.shape.size() <= 5,
              fmt::format("X must be N x C x D1 [x D2 [x D3]] (rank 3 to 5), got {}", shape_str(x.shape)));
}

WindowGeometry pool_window(const OpContext &ctx) {
  Value &x = ctx.input(0);
  require_pool_input(ctx, x);
  std::vector<int64_t> in(x.shape.begin() + 2, x.shape.end());
  return window_geometry(ctx, in, ctx.attr_ints("kernel_shape"), ctx.attr_int("ceil_mode", 0) != 0);
}

Shape pooled_shape(const Value &x, const WindowGeometry &w) {
  Shape y = {x.shape[0], x.shape[1]};
  y.insert(y.end(), w.out.begin(), w.out.end());
  return y;
}


void infer_window_pool(OpContext &ctx) {
  WindowGeometry w = pool_window(ctx);
  Value &x = ctx.input(0);
  ctx.set_output(0, x.dtype, pooled_shape(x, w));
}

// Whether aotc_maxpool2d_phases_f32 runs a MaxPool: float, no Indices, 2D
// windows without dilation that all lie inside the input (no padding read),
// output rows of at most 16 pixels, on targets with vectors. Its flat loops
// over the stride phases win where aotc_maxpool_f32's row loops are too short
// to vectorize (bench/pool_bench.c on AVX-512, against the row loops of the
// time: a 27x27 -> 13x13 3x3/2 over 256 channels 78 -> 46 us, MNIST's 28x28
// 2x2/2 4.1 -> 2.7 us), not on wider rows (111x111 -> 55x55: 185 -> 310 us).
// Windows of 2 or 3 columns with stride 2 over rows of 8 or more outputs now
// take the row loops' vectors (that 13x13 pool: 22.5 against 33 us; MNIST's:
// even). Elsewhere the row loops run in place, without scratch.
bool uses_maxpool_phases(LowerContext &ctx, const WindowGeometry &w) {
  if (ctx.input(0).dtype != DType::Float || ctx.has_output(1) || w.nsp != 2 || ctx.target().vector_bits == 0 ||
      w.out[1] > 16)
    return false;
  if (w.strides[1] == 2 && (w.kernel[1] == 2 || w.kernel[1] == 3) && w.out[1] >= 8) return false;
  for (int64_t d = 0; d < 2; ++d)
    if (w.dilations[d] != 1 || w.pad_begin[d] != 0 || w.out[d] < 1 ||
        (w.out[d] - 1) * w.strides[d] + w.kernel[d] > w.in[d])
      return false;
  return true;
}

void register_maxpool(OpRegistry &r) {
  OpDef def;
  def.op = "MaxPool";
  def.attrs = kWindowAttrs;
  def.attrs.push_back("storage_order");
  def.max_outputs = 2;
  def.infer = [](OpContext &ctx) {
    WindowGeometry w = pool_window(ctx);
    Value &x = ctx.input(0);
    int64_t order = ctx.attr_int("storage_order", 0);
    ctx.require(order == 0 || order == 1, "storage_order must be 0 or 1");
    ctx.set_output(0, x.dtype, pooled_shape(x, w));
    ctx.set_output(1, DType::Int64, pooled_shape(x, w));
  };
  def.lower = [](LowerContext &ctx) {
    WindowGeometry w = pool_window(ctx);
    Value &x = ctx.input(0);
    Value *indices = ctx.has_output(1) ? &ctx.output(1) : nullptr;
    if (uses_maxpool_phases(ctx, w)) {
      // Scratch: the stride phases of one plane and the flat result (see the kernel).
      const int64_t Hph = w.out[0] + (w.kernel[0] - 1) / w.strides[0];
      const int64_t Wph = w.out[1] + (w.kernel[1] - 1) / w.strides[1];
      const int64_t floats = w.strides[0] * w.strides[1] * Hph * Wph + (w.out[0] - 1) * Wph + w.out[1];
      ctx.call("aotc_maxpool2d_phases_f32")
          .in(&x)
          .out(&ctx.output(0))
          .scratch(static_cast<size_t>(floats) * sizeof(float))
          .params(pool_params(ctx, x.shape[0] * x.shape[1], w));
      return;
    }
    ctx.call(kernel_for(ctx, "maxpool", x.dtype))
        .in(&x)
        .out(&ctx.output(0))
        .out(indices)
        .params(pool_params(ctx, x.shape[0] * x.shape[1], w))
        .i(ctx.attr_int("storage_order", 0));
  };
  def.channels_first = true;
  r.add(std::move(def));
}

void register_avgpool(OpRegistry &r) {
  OpDef def;
  def.op = "AveragePool";
  def.attrs = kWindowAttrs;
  def.attrs.push_back("count_include_pad");
  def.infer = infer_window_pool;
  def.lower = [](LowerContext &ctx) {
    WindowGeometry w = pool_window(ctx);
    Value &x = ctx.input(0);
    // One window over the whole unpadded input (PyTorch's AvgPool2d over the
    // feature map, as in KWS DS-CNN) is a global average: a vectorized sum.
    bool whole = true;
    for (int64_t d = 0; d < w.nsp; ++d)
      whole = whole && w.out[d] == 1 && w.in[d] > 0 && w.kernel[d] == w.in[d] && w.dilations[d] == 1 && w.pad_begin[d] == 0 &&
              w.pad_end[d] == 0;
    if (whole && x.shape.size() >= 2) {
      const int64_t nc = x.shape[0] * x.shape[1];
      ctx.call(kernel_for(ctx, "global_avgpool", x.dtype)).in(&x).out(&ctx.output(0)).i(nc).i(x.count() / std::max<int64_t>(nc, 1));
      return;
    }
    ctx.call(kernel_for(ctx, "avgpool", x.dtype))
        .in(&x)
        .out(&ctx.output(0))
        .params(pool_params(ctx, x.shape[0] * x.shape[1], w))
        .i(ctx.attr_int("count_include_pad", 0) != 0 ? 1 : 0);
  };
  def.channels_first = true;
  r.add(std::move(def));
}

void register_lppool(OpRegistry &r) {
  OpDef def;
  def.op = "LpPool";
  def.attrs = kWindowAttrs;
  def.attrs.push_back("p");
  def.infer = [](OpContext &ctx) {
    ctx.require(ctx.attr_int("p", 2) >= 1, "p must be >= 1");
    infer_window_pool(ctx);
  };
  def.lower = [](LowerContext &ctx) {
    WindowGeometry w = pool_window(ctx);
    Value &x = ctx.input(0);
    ctx.call(kernel_for(ctx, "lppool", x.dtype))
        .in(&x)
        .out(&ctx.output(0))
        .params(pool_params(ctx, x.shape[0] * x.shape[1], w))
        .f(static_cast<double>(ctx.attr_int("p", 2)));
  };
  def.channels_first = true;
  r.add(std::move(def));
}

// GlobalAveragePool, GlobalMaxPool, GlobalLpPool: [N, C, ...] -> [N, C, 1, ...].
void register_global_pool(OpRegistry &r, const char *op, const char *kernel, bool has_p) {
  OpDef def;
  def.op = op;
  if (has_p) def.attrs = {"p"};
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    ctx.require(x.shape.size() >= 3, fmt::format("X must be N x C x D1 x ..., got {}", shape_str(x.shape)));
    Shape y = x.shape;
    for (size_t i = 2; i < y.size(); ++i) y[i] = 1;
    ctx.set_output(0, x.dtype, y);
  };
  std::string base = kernel;
  def.lower = [base, has_p](LowerContext &ctx) {
    Value &x = ctx.input(0);
    int64_t nc = x.shape[0] * x.shape[1];
    if (x.layout.is_blocked()) {  // (see blocked_io)
      ctx.call("aotc_global_avgpool_blocked_f32").in(&x).out(&ctx.output(0)).i(nc / 16).i(x.count() / nc);
      return;
    }
    KernelCall &call =
        ctx.call(kernel_for(ctx, base, x.dtype)).in(&x).out(&ctx.output(0)).i(nc).i(x.count() / std::max<int64_t>(nc, 1));
    if (has_p) call.f(static_cast<double>(ctx.attr_int("p", 2)));
  };
  def.channels_first = true;
  // GlobalAveragePool reads an nchw16c float input with aotc_global_avgpool_blocked_f32;
  // its output ([N, C, 1, ...]) stays channels-first.
  if (base == "global_avgpool")
    def.blocked_io = [](LowerContext &ctx, int64_t block) {
      OpDef::BlockedIo io;
      io.inputs = block == 16 && ctx.input(0).dtype == DType::Float ? 1u : 0u;
      return io;
    };
  r.add(std::move(def));
}

// The shape MaxPool's input had, from X and the window: N, C, then
// (x - 1) * stride + kernel - pad_begin - pad_end per spatial dim.
Shape unpool_default_shape(const OpContext &ctx) {
  const Value &x = ctx.input(0);
  const size_t n = x.shape.size() - 2;
  std::vector<int64_t> k = ctx.attr_ints("kernel_shape");
  std::vector<int64_t> st = ctx.attr_ints("strides", std::vector<int64_t>(n, 1));
  std::vector<int64_t> pads = ctx.attr_ints("pads", std::vector<int64_t>(2 * n, 0));
  ctx.require(k.size() == n && st.size() == n && pads.size() == 2 * n,
              "kernel_shape, strides or pads do not match the spatial rank");
  Shape y = {x.shape[0], x.shape[1]};
  for (size_t i = 0; i < n; ++i) y.push_back((x.shape[i + 2] - 1) * st[i] + k[i] - pads[i] - pads[i + n]);
  return y;
}

// MaxUnpool: scatters X to the flat positions in I (MaxPool's Indices) of a
// zero tensor shaped like MaxPool's input: output_shape (input 2) or the
// shape implied by the window.
void register_maxunpool(OpRegistry &r) {
  OpDef def;
  def.op = "MaxUnpool";
  def.attrs = {"kernel_shape", "pads", "strides"};
  def.min_inputs = 2;
  def.max_inputs = 3;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    Value &ind = ctx.input(1);
    require_pool_input(ctx, x);
    ctx.require(ind.dtype == DType::Int64 && ind.shape == x.shape, "I must be int64 with the shape of X");
    Shape y = unpool_default_shape(ctx);
    if (ctx.has_input(2)) {
      std::vector<int64_t> out = ctx.constant_input(2).to_ints();
      ctx.require(out.size() == x.shape.size(), fmt::format("output_shape must have {} values", x.shape.size()));
      ctx.require(out[0] == x.shape[0] && out[1] == x.shape[1], "output_shape must keep N and C of X");
      for (size_t i = 2; i < out.size(); ++i)
        ctx.require(out[i] >= y[i], "output_shape must not be smaller than the unpooled shape");
      y = out;
    }
    ctx.set_output(0, x.dtype, y);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    Value &y = ctx.output(0);
    // Indices address the unpooled shape implied by the window; a larger
    // output_shape keeps each value at the same (n, c, h, w) position.
    Shape from = unpool_default_shape(ctx);
    if (from == y.shape) {
      ctx.call("aotc_maxunpool")
          .in(&x)
          .in(&ctx.input(1))
          .out(&y)
          .i(x.count())
          .i(y.count())
          .i(static_cast<int64_t>(dtype_size(x.dtype)));
      return;
    }
    ctx.call("aotc_maxunpool_remap")
        .in(&x)
        .in(&ctx.input(1))
        .out(&y)
        .i(x.count())
        .i(y.count())
        .i(static_cast<int64_t>(dtype_size(x.dtype)))
        .i(static_cast<int64_t>(from.size()))
        .ints(from)
        .ints(y.shape);
  };
  r.add(std::move(def));
}

}  // namespace

void register_pool_ops(OpRegistry &r) {
  register_maxpool(r);
  register_avgpool(r);
  register_lppool(r);
  register_global_pool(r, "GlobalAveragePool", "global_avgpool", false);
  register_global_pool(r, "GlobalMaxPool", "global_maxpool", false);
  register_global_pool(r, "GlobalLpPool", "global_lppool", true);
  register_maxunpool(r);
}

// The geometry as the pool kernels take it (aotc_pool_params, runtime-c/kernels/kernel_params.h).
aotc_pool_params pool_params(const OpContext &ctx, int64_t channels, const WindowGeometry &w) {
  auto i32 = [&](int64_t v) {
    ctx.require(v >= INT32_MIN && v <= INT32_MAX, fmt::format("pool geometry value {} does not fit in 32 bits", v));
    return static_cast<int32_t>(v);
  };
  auto set3 = [&](int32_t *field, const std::vector<int64_t> &v, int64_t fill) {
    std::vector<int64_t> v3 = to3d(v, fill);
    for (int i = 0; i < 3; ++i) field[i] = i32(v3[static_cast<size_t>(i)]);
  };
  aotc_pool_params p{};
  p.channels = i32(channels);
  set3(p.in, w.in, 1);
  set3(p.out, w.out, 1);
  set3(p.kernel, w.kernel, 1);
  set3(p.stride, w.strides, 1);
  set3(p.dilation, w.dilations, 1);
  set3(p.pad, w.pad_begin, 0);
  set3(p.pad_end, w.pad_end, 0);
  return p;
}

}  // namespace aotc
