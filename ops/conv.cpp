// Conv and ConvTranspose: shape inference from the window geometry
// (ops/window.h) and lowering to the kernels in runtime-c/kernels/conv.c.
// 1D and 2D convs run as 3D ones with leading size-1 spatial dims. float32
// picks a kernel by shape: depthwise (one input channel per group, 2D) runs
// directly, everything else as im2col + a register-blocked GEMM, where
// pointwise (1x1, stride 1, no pads) convs skip im2col.
#include <fmt/format.h>

#include "ops/op_util.h"
#include "ops/window.h"

namespace aotc {

namespace {

// Conv methods of aotc_conv_f32 (g[22]; see runtime-c/kernels/conv.c).
constexpr int64_t kShifted = 0, kPointwise = 1;
// Widest micro-kernel tile of conv.c (AOTC_CONV_NR_MAX), and its output
// channels per tile (AOTC_CONV_MR): weights are packed in blocks of kConvMR rows.
constexpr int64_t kTileMax = 16;
constexpr int64_t kConvMR = 4;

// Packs constant weights [M, K] (per group Mg rows) the way aotc_conv_pack_f32
// does: per group, blocks of kConvMR rows stored k-major, the last block
// padded by repeating its last row.
std::vector<double> pack_weights(const Tensor &w, int64_t group, int64_t Mg, int64_t K) {
  std::vector<double> out;
  int64_t blocks = (Mg + kConvMR - 1) / kConvMR;
  out.reserve(static_cast<size_t>(group * blocks * kConvMR * K));
  for (int64_t g = 0; g < group; ++g)
    for (int64_t b = 0; b < blocks; ++b)
      for (int64_t k = 0; k < K; ++k)
        for (int64_t r = 0; r < kConvMR; ++r) {
          int64_t m = std::min(b * kConvMR + r, Mg - 1);
          out.push_back(w.double_at((g * Mg + m) * K + k));
        }
  return out;
}

struct ConvShape {
  int64_t N, C, M, group;
  WindowGeometry win;
};

ConvShape conv_shape(const OpContext &ctx) {
  Value &x = ctx.input(0);
  Value &w = ctx.input(1);
  int64_t rank = static_cast<int64_t>(x.shape.size());
  ctx.require(rank >= 3, fmt::format("X must have rank >= 3 (N, C, spatial...), got {}", shape_str(x.shape)));
  ctx.require(rank <= 5, "only 1D, 2D and 3D convolutions are supported");
  ctx.require(w.shape.size() == x.shape.size(),
              fmt::format("W {} must have the same rank as X {}", shape_str(w.shape), shape_str(x.shape)));
  ctx.require(is_float(x.dtype) && w.dtype == x.dtype, "X and W must have the same floating-point type");
  ConvShape s;
  s.N = x.shape[0];
  s.C = x.shape[1];
  s.M = w.shape[0];
  s.group = ctx.attr_int("group", 1);
  ctx.require(s.group >= 1, "group must be >= 1");
  ctx.require(s.C % s.group == 0, fmt::format("input channels ({}) are not divisible by group ({})", s.C, s.group));
  ctx.require(s.M % s.group == 0, fmt::format("output channels ({}) are not divisible by group ({})", s.M, s.group));
  ctx.require(w.shape[1] == s.C / s.group,
              fmt::format("W {} must have C/group = {} input channels", shape_str(w.shape), s.C / s.group));
  std::vector<int64_t> in(x.shape.begin() + 2, x.shape.end());
  std::vector<int64_t> kernel(w.shape.begin() + 2, w.shape.end());
  if (ctx.has_attr("kernel_shape")) {
    std::vector<int64_t> ks = ctx.attr_ints("kernel_shape");
    ctx.require(ks == kernel, fmt::format("kernel_shape {} does not match W {}", shape_str(ks), shape_str(w.shape)));
  }
  s.win = window_geometry(ctx, in, kernel, false);
  if (ctx.has_input(2)) {
    Value &b = ctx.input(2);
    ctx.require(b.dtype == x.dtype, "B must have the type of X");
    ctx.require(b.shape == Shape{s.M}, fmt::format("B must have shape [{}], got {}", s.M, shape_str(b.shape)));
  }
  return s;
}

// How aotc_conv_f32 runs a conv: its geometry array g (documented at the
// top of runtime-c/kernels/conv.c), the row offsets koff of its B matrix and
// the scratch it needs.
struct ConvPlan {
  std::vector<int64_t> g, koff;
  int64_t scratch_floats = 0;
};

ConvPlan conv_plan(const ConvShape &s) {
  std::vector<int64_t> in = to3d(s.win.in, 1), out = to3d(s.win.out, 1), k = to3d(s.win.kernel, 1);
  std::vector<int64_t> st = to3d(s.win.strides, 1), d = to3d(s.win.dilations, 1), pb = to3d(s.win.pad_begin, 0);
  std::vector<int64_t> pe = to3d(s.win.pad_end, 0);
  ConvPlan plan;
  std::vector<int64_t> &g = plan.g;
  g = {s.N, s.group, s.C / s.group, s.M / s.group};
  for (auto *v : {&in, &out, &k, &st, &d, &pb}) g.insert(g.end(), v->begin(), v->end());
  const int64_t Cg = s.C / s.group, K = Cg * k[0] * k[1] * k[2], P = out[0] * out[1] * out[2];
  const std::vector<int64_t> ones = {1, 1, 1}, zeros = {0, 0, 0};
  int64_t method = (k == ones && st == ones && pb == zeros && pe == zeros) ? kPointwise : kShifted;
  g.push_back(method);
  if (method == kPointwise) {
    // B is the input: row k is input channel k. Scratch: a zero-padded copy of
    // the ragged last columns and its row offsets.
    for (int64_t i = 0; i < K; ++i) plan.koff.push_back(i * P);
    plan.scratch_floats = K * kTileMax + K;
  } else {
    // The input split into stride phases, each Dph x Hph x Wph (the output
    // extent plus the largest tap shift); tap (c, kd, kh, kw) reads phase
    // ((kd*dd) % sd, (kh*dh) % sh, (kw*dw) % sw) shifted by the quotients.
    // Scratch: the phases of one group, plus slack for the last tile.
    std::vector<int64_t> ph(3);
    for (int i = 0; i < 3; ++i) ph[i] = out[i] + (k[i] - 1) * d[i] / st[i];
    const int64_t plane = ph[0] * ph[1] * ph[2], chan = st[0] * st[1] * st[2] * plane;
    for (int64_t c = 0; c < Cg; ++c)
      for (int64_t kd = 0; kd < k[0]; ++kd)
        for (int64_t kh = 0; kh < k[1]; ++kh)
          for (int64_t kw = 0; kw < k[2]; ++kw) {
            int64_t td = kd * d[0], th = kh * d[1], tw = kw * d[2];
            int64_t phase = ((td % st[0]) * st[1] + th % st[1]) * st[2] + tw % st[2];
            plan.koff.push_back(c * chan + phase * plane + ((td / st[0]) * ph[1] + th / st[1]) * ph[2] + tw / st[2]);
          }
    plan.scratch_floats = Cg * chan + kTileMax;
  }
  return plan;
}

void register_conv(OpRegistry &r) {
  OpDef def;
  def.op = "Conv";
  def.attrs = {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"};
  def.min_inputs = 2;
  def.max_inputs = 3;
  def.infer = [](OpContext &ctx) {
    ConvShape s = conv_shape(ctx);
    Shape y = {s.N, s.M};
    y.insert(y.end(), s.win.out.begin(), s.win.out.end());
    ctx.set_output(0, ctx.input(0).dtype, y);
  };
  def.lower = [](LowerContext &ctx) {
    ConvShape s = conv_shape(ctx);
    Value &x = ctx.input(0);
    Value *b = ctx.has_input(2) ? &ctx.input(2) : nullptr;
    ConvPlan plan = conv_plan(s);
    const std::vector<int64_t> &g = plan.g;
    if (x.dtype != DType::Float) {
      ctx.call(kernel_for(ctx, "conv_direct", x.dtype)).in(&x).in(&ctx.input(1)).in(b).out(&ctx.output(0)).ints(g);
      return;
    }
    if (g[2] == 1 && s.group > 1 && g[10] == 1 && g[7] == 1 && g[22] == kShifted) {
      // Depthwise (2D): the same phases and tap offsets as aotc_conv_f32 (Cg = 1);
      // scratch: the phases of one plane and one flat output row block, plus slack.
      int64_t OH = g[8], OW = g[9];
      int64_t Hph = OH + (g[11] - 1) * g[17] / g[14], Wph = OW + (g[12] - 1) * g[18] / g[15];
      size_t floats = static_cast<size_t>(g[14] * g[15] * Hph * Wph + OH * Wph + 64);
      ctx.call("aotc_conv_depthwise_f32")
          .in(&x)
          .in(&ctx.input(1))
          .in(b)
          .out(&ctx.output(0))
          .scratch(floats * sizeof(float))
          .ints(g)
          .ints(plan.koff);
      return;
    }
    // Constant weights (the usual case) are packed for the micro-kernel here,
    // so the generated code holds them in that layout only.
    // Otherwise the kernel packs them into scratch, in front of its buffers.
    Value &w = ctx.input(1);
    const int64_t K = g[2] * g[10] * g[11] * g[12];
    int64_t scratch_floats = plan.scratch_floats;
    KernelCall &call = ctx.call("aotc_conv_f32").in(&x);
    if (w.is_constant()) {
      call.in(nullptr).floats(pack_weights(*w.constant, s.group, s.M / s.group, K));
    } else {
      call.in(&w).in(nullptr);
      scratch_floats += (s.M / s.group + kConvMR) * K;
    }
    call.in(b)
        .out(&ctx.output(0))
        .scratch(static_cast<size_t>(scratch_floats) * sizeof(float))
        .ints(g)
        .ints(plan.koff);
  };
  r.add(std::move(def));
}

}  // namespace

void register_conv_ops(OpRegistry &r) { register_conv(r); }

}  // namespace aotc
