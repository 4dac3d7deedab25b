// Conv, ConvTranspose, ConvInteger and QLinearConv: shape inference from the
// window geometry (ops/window.h) and lowering to runtime-c/kernels/conv.c.
// 1D and 2D convs run as 3D ones with leading size-1 spatial dims. float32
// Conv is a GEMM without im2col (see conv.c): everything that depends only on
// shapes -- the row offsets of the GEMM's implicit B matrix, the scratch
// size, and the weights packed for its micro-kernel when they are constant --
// is computed here. 2D depthwise convs have a direct kernel. Other types and
// the other ops use simple direct kernels.
//
// aotc.FusedConv is a float32 Conv with an activation the kernels apply as they
// store (made by passes/fuse_conv_activation.cpp); it shares Conv's inference
// and lowering.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "ops/conv.h"
#include "ops/op_util.h"
#include "ops/window.h"

namespace aotc {

namespace {

// Conv methods of aotc_conv_f32 (aotc_conv_params::method; see runtime-c/kernels/conv.c).
constexpr int64_t kShifted = 0, kPointwise = 1;
// Widest micro-kernel tile of conv.c (AOTC_CONV_NR_MAX), and its output
// channels per tile (AOTC_CONV_MR): weights are packed in blocks of kConvMR rows.
constexpr int64_t kTileMax = 32;
constexpr int64_t kConvMR = 4;

// aotc_conv_cv_f32 vectorizes over output channels, in blocks of kCvMR
// (AOTC_CONV_CV_MR); it takes pointwise convs over at most
// kCvMaxPointwisePixels pixels (beyond, the input rows are long enough for
// aotc_conv_f32's pixel vectors).
constexpr int64_t kCvMR = 16;
// aotc_conv_params::blocked bits (AOTC_CONV_BLOCKED_IN/OUT, conv_common.h): an nchw16c input / output.
constexpr int32_t kBlockedIn = 1, kBlockedOut = 2;
constexpr int64_t kCvMaxPointwisePixels = 64;
// Pointwise convs over at most this many pixels (14x14) also take or make
// nchw16c activations (choose-layouts) through aotc_conv_cv_f32: the depthwise
// convs between them then run blocked (MobileNetV2 on AVX-512: 14x14 x 384
// 28.6 -> 24 us, 7x7 x 960 36 -> 17 us, 14 -> 7 x 576 stride 2 60 -> 14 us);
// on larger planes the blocked depthwise kernel is slower (56x56 x 144: 175 ->
// 212 us) and the pointwise ones too (16 -> 96 over 112x112: 51 GFLOP/s).
constexpr int64_t kBlockedMaxPointwisePixels = 196;
// Depthwise convs with one output per channel over at most this many output
// pixels and 16 or more channels run 16 channels at a time through the
// blocked kernel's block functions on AVX-512 (AOTC_CONV_DW_SMALL_PIXELS in
// conv_depthwise.c); lower_conv reserves their scratch on every target.
constexpr int64_t kDepthwiseSmallPixels = 49;
// ... and convs with a kernel window over at least this many weights per group,
constexpr int64_t kCvMinWeights = 128 * 512;
// ... or with output rows narrower than this (aotc_conv_f32's pixel vectors
// then run mostly idle).
constexpr int64_t kCvMaxNarrowWidth = 7;
// With 512-bit vectors, convs of more than 2 blocks of outputs per group run
// aotc_conv_cv_f32's wide tile (4 blocks x 7 pixels, conv.c), which beats
// aotc_conv_f32 whenever the weights of a tile of 8 outputs no longer sit in
// L1 (bench/conv_kernel_bench.c): on 3x3 convs from this many taps x input
// channels (ResNet-18's 56x56 x 64: 1.12x), and on pointwise convs over
// 14x14 or fewer pixels from as many input channels (SqueezeNet's 13x13 512 ->
// 1000: 1.25x, MobileNetV2's 14x14 384 -> 96: 1.15x; from 192 channels it
// was 0.9x). The kernel picks its wide tile from the same K on
// (AOTC_CONV_CV_WIDE_MIN_K).
constexpr int64_t kCvWideMinK = 256;
// Strided 1x1 convs (ResNet shortcuts) over rows narrower than 16 pixels run
// aotc_conv_cv_f32 from this many input channels (ResNet-18's 28x28 -> 14x14,
// 128 -> 256: 1.6x); with fewer (ResNet-8's 16 and 32) it is no faster.
constexpr int64_t kCvShortcutMinK = 128;

// Winograd F(2x2, 3x3) (aotc_conv_wino23_f32, conv.c) takes 3x3 convs with
// stride 1, no dilation and one group on targets with 512-bit vectors, from
// these many input and output channels over planes of at least this many
// output pixels. bench/conv_kernel_bench.c (AVX-512): ResNet-18's 3x3 convs
// over 28x28 x 128 and 14x14 x 256 1.3-1.4x, over 56x56 x 64 1.04x (in the
// model, alternating rounds: 1.11x for the first two, 1.015x more for the
// third); ResNet-8's 0.3-0.6x (the transforms outweigh the multiplies saved as
// channels shrink: 16 and 32 in and out); 7x7 x 512 1.12-1.17x, but there the
// weights, read from memory, grow by 16/9 (9.4 -> 16.8 MB per conv).
// SqueezeNet's 27x27 32 -> 128: 0.84x on the machine first measured, on AMD's
// Zen 5 1.37x in the model (bench/profile_ops.py --against, medians), so 32
// input channels do where 64 come out. Its 13x13 convs, 48 -> 192 and 64 ->
// 256 (169 pixels): on AMD Zen 4 1.29-1.36x in conv_kernel_bench and
// 1.26-1.28x in the model (medians), the whole net 1.05x (bench/ab.sh, both
// ways round); on Zen 5 1.04-1.1x in the model. Their weights grow by 1.4 MB
// (SqueezeNet's weights 5.2 -> 6.6 MB), which a host target holds.
constexpr int64_t kWinoMinInChannels = 32, kWinoMinOutChannels = 64, kWinoMinPixels = 169;
// Smaller 3x3 convs, from this many input and output channels (but fewer
// outputs than kWinoMinOutChannels) over at least this many output pixels,
// run aotc_conv_wino23_mr4_f32 (conv.c: its GEMMs vectorized over tiles, not
// output channels), where its blocks of tile rows fill whole GEMM tiles of 32
// tiles (rows of 1, 2, 4, 8 or 16 tiles, or a multiple of 32). ResNet-8's
// 32x32 x 16 and 16x16 x 32 (bench/conv_kernel_bench.c, AMD Zen 4): 1.2-1.3x
// and 1.1-1.3x the direct conv; the whole net 0.87x (bench/ab.sh), 0.82-0.93x
// ONNX Runtime's time where it had been 1.05-1.07x. Not: ResNet-8's 8x8 x 64
// (16 tiles fill no GEMM tile: 0.43x), SqueezeNet's 55x55 16 -> 64 (rows of 28
// tiles: 0.79x). Its weights grow by 16/9 (ResNet-8's by 43 KB).
constexpr int64_t kWinoMr4MinChannels = 16, kWinoMr4MinPixels = 256;
// Tiles of 2x2 outputs per block of whole tile rows (AOTC_CONV_WINO_TILES).
constexpr int64_t kWinoTiles = 32;

// Arm cores without SIMD for float (Cortex-M0/M4/M7/M33): conv.c's aotc_sconv_*
// kernels, which keep a 4x4 tile of accumulators in scalar FP registers (the
// vector-extension kernels become slow scalar code there).
bool scalar_fp_target(const Target &t) { return t.vector_bits == 0 && t.arch.rfind("armv", 0) == 0; }

// Whether weights were packed by aotc.PackConvWinograd (conv_wino23 or conv_wino23_mr4).
bool winograd_weights(const Value &w) {
  return w.layout.is_packed() && (w.layout.format == "conv_wino23" || w.layout.format == "conv_wino23_mr4");
}

// The block size of weights packed by aotc.PackConvWeights (conv_mr4 or
// conv_mr16), or 0 for weights in ONNX's layout (or Winograd's).
int64_t packed_conv_mr(const Value &w) {
  if (!w.layout.is_packed() || winograd_weights(w)) return 0;
  if (w.layout.format == "conv_mr4") return kConvMR;
  if (w.layout.format == "conv_mr16") return kCvMR;
  fail(fmt::format("internal error: conv weights '{}' have the unknown packed format {}", w.name, w.layout.format));
}

struct ConvShape {
  int64_t N, C, M, group;
  WindowGeometry win;
};

// Which inputs hold X, W and the bias (-1: none) for Conv and its quantized forms.
struct ConvInputs {
  size_t x = 0, w = 1;
  int b = 2;
  bool quantized = false;  // 8-bit X and W instead of one float type
};

ConvShape conv_shape(const OpContext &ctx, ConvInputs io = {}) {
  Value &x = ctx.input(io.x);
  Value &w = ctx.input(io.w);
  int64_t rank = static_cast<int64_t>(x.shape.size());
  ctx.require(rank >= 3, fmt::format("X must have rank >= 3 (N, C, spatial...), got {}", shape_str(x.shape)));
  ctx.require(rank <= 5, "only 1D, 2D and 3D convolutions are supported");
  ctx.require(w.shape.size() == x.shape.size(),
              fmt::format("W {} must have the same rank as X {}", shape_str(w.shape), shape_str(x.shape)));
  if (io.quantized) {
    auto is_8bit = [](DType t) { return t == DType::UInt8 || t == DType::Int8; };
    ctx.require(is_8bit(x.dtype) && is_8bit(w.dtype), "X and W must be uint8 or int8");
  } else {
    ctx.require(is_float(x.dtype) && w.dtype == x.dtype, "X and W must have the same floating-point type");
  }
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
  if (io.b >= 0 && ctx.has_input(static_cast<size_t>(io.b))) {
    Value &b = ctx.input(static_cast<size_t>(io.b));
    ctx.require(b.dtype == (io.quantized ? DType::Int32 : x.dtype),
                io.quantized ? "B must be int32" : "B must have the type of X");
    ctx.require(b.shape == Shape{s.M}, fmt::format("B must have shape [{}], got {}", s.M, shape_str(b.shape)));
  }
  return s;
}

// A conv's geometry as the kernels take it (aotc_conv_params in
// runtime-c/kernels/kernel_params.h): spatial vectors padded to 3 dims.
// Every value must fit the struct's int32_t fields.
aotc_conv_params conv_params(int64_t N, int64_t group, int64_t Cg, int64_t Mg, const std::vector<int64_t> &in,
                             const std::vector<int64_t> &out, const std::vector<int64_t> &kernel,
                             const std::vector<int64_t> &strides, const std::vector<int64_t> &dilations,
                             const std::vector<int64_t> &pad_begin) {
  auto i32 = [](int64_t v) {
    if (v < INT32_MIN || v > INT32_MAX) fail(fmt::format("conv geometry value {} does not fit in 32 bits", v));
    return static_cast<int32_t>(v);
  };
  auto set3 = [&](int32_t *field, const std::vector<int64_t> &v, int64_t fill) {
    std::vector<int64_t> v3 = to3d(v, fill);
    for (int i = 0; i < 3; ++i) field[i] = i32(v3[static_cast<size_t>(i)]);
  };
  aotc_conv_params p{};
  p.n = i32(N);
  p.groups = i32(group);
  p.cg = i32(Cg);
  p.mg = i32(Mg);
  set3(p.in, in, 1);
  set3(p.out, out, 1);
  set3(p.kernel, kernel, 1);
  set3(p.stride, strides, 1);
  set3(p.dilation, dilations, 1);
  set3(p.pad, pad_begin, 0);
  return p;
}

aotc_conv_params conv_params(const ConvShape &s) {
  return conv_params(s.N, s.group, s.C / s.group, s.M / s.group, s.win.in, s.win.out, s.win.kernel, s.win.strides,
                     s.win.dilations, s.win.pad_begin);
}

// How aotc_conv_f32 runs a conv: its geometry (with the method), the row
// offsets koff of its B matrix and the scratch it needs. With band > 0
// (sconv_band or conv_band), the phases hold the input rows of `band` output
// rows at a time.
struct ConvPlan {
  aotc_conv_params geo{};
  std::vector<int64_t> koff;
  int64_t scratch_floats = 0;
};

ConvPlan conv_plan(const ConvShape &s, int64_t band = 0) {
  std::vector<int64_t> in = to3d(s.win.in, 1), out = to3d(s.win.out, 1), k = to3d(s.win.kernel, 1);
  std::vector<int64_t> st = to3d(s.win.strides, 1), d = to3d(s.win.dilations, 1), pb = to3d(s.win.pad_begin, 0);
  std::vector<int64_t> pe = to3d(s.win.pad_end, 0);
  ConvPlan plan;
  plan.geo = conv_params(s);
  const int64_t Cg = s.C / s.group, K = Cg * k[0] * k[1] * k[2], P = out[0] * out[1] * out[2];
  const std::vector<int64_t> ones = {1, 1, 1}, zeros = {0, 0, 0};
  int64_t method = (k == ones && st == ones && pb == zeros && pe == zeros) ? kPointwise : kShifted;
  plan.geo.method = static_cast<int32_t>(method);
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
    for (int i = 0; i < 3; ++i) ph[i] = (i == 1 && band ? band : out[i]) + (k[i] - 1) * d[i] / st[i];
    plan.geo.band = static_cast<int32_t>(band);
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

// 2D depthwise convs (one input channel per group) have their own kernels.
bool is_depthwise(const ConvShape &s, const aotc_conv_params &geo) {
  return geo.cg == 1 && s.group > 1 && s.win.nsp <= 2 && geo.method == kShifted;
}

// Whether aotc_conv_cv_f32 (vectorized over output channels) runs a conv
// rather than aotc_conv_f32 (over pixels): pointwise convs over few pixels,
// and convs with a kernel window whose weights outgrow the caches that
// aotc_conv_f32 rereads them from for every tile of pixels. Measured with
// bench/conv_kernel_bench.c on AVX-512: 1.1x on ResNet-18's 3x3 convs over 128
// channels, 1.3-1.9x on its 14x14 and 7x7 planes; aotc_conv_f32 stays faster
// on ResNet-8's (at most 64 x 576 weights) and on 3-channel stems. With
// narrower vectors aotc_conv_cv_f32 only wins on images narrower than
// aotc_conv_f32's tiles. Any conv with at least 16 outputs per group over
// rows of at most 7 pixels goes to aotc_conv_cv_f32 too: KWS DS-CNN's 10x4
// stem (5 columns) 1.5x, 3x3 convs on 7x7 and 4x4 planes 1.2-1.7x on AVX-512,
// as fast or faster on AVX2. Scalar-FP cores run aotc_sconv_f32.
bool uses_cv_kernel(const Target &target, const aotc_conv_params &geo) {
  if (scalar_fp_target(target)) return false;
  const int64_t taps = int64_t{geo.kernel[0]} * geo.kernel[1] * geo.kernel[2];
  const bool wide = target.vector_bits >= 512 && geo.mg > 2 * kCvMR && geo.cg >= 8 && geo.cg * taps >= kCvWideMinK;
  const int64_t pixels = int64_t{geo.out[0]} * geo.out[1] * geo.out[2];
  if (geo.method == kPointwise)
    return pixels <= kCvMaxPointwisePixels || (wide && pixels <= kBlockedMaxPointwisePixels);
  if (wide && taps > 1) return true;
  const int64_t weights = int64_t{geo.mg} * geo.cg * taps;
  if (geo.mg >= kCvMR && geo.out[2] <= kCvMaxNarrowWidth) return true;
  // With AVX-512, aotc_conv_f32's 16-wide tiles need rows of 16 pixels;
  // narrower ones run 8 wide at half the rate. There aotc_conv_cv_f32 wins on
  // every conv with a window of more than one tap (bench/conv_kernel_bench.c:
  // ResNet-8's 3x3 on 8x8 x 64 1.35x, 3x3/2 16x16 -> 8x8 x 64 1.2x, 3x3 on
  // 12x12 x 32 1.7x), not on 1x1/2 shortcuts with a small K = Cg (0.75x) nor on
  // stems over 1-3 channels (digits' 3x3 1 -> 16 on 8x8: 0.85x).
  if (target.vector_bits >= 512 && geo.mg >= kCvMR && geo.cg >= 8 && geo.out[2] < 16 &&
      (taps > 1 || geo.cg >= kCvShortcutMinK))
    return true;
  return geo.mg >= kCvMR && geo.cg >= 8 && weights >= kCvMinWeights &&
         (target.vector_bits >= 512 || geo.out[2] < 16);
}

// Which Winograd kernel runs a conv, by the block size of its packed
// transformed weights: kCvMR for aotc_conv_wino23_f32 (conv_wino23, see
// kWinoMinInChannels), kConvMR for aotc_conv_wino23_mr4_f32 (conv_wino23_mr4,
// see kWinoMr4MinChannels), 0 for neither. Pads of at most 2: input rows are
// padded into 2 * (tiles per row + 1) floats.
int64_t winograd_mr(const Target &target, const aotc_conv_params &geo) {
  const bool fits = target.vector_bits >= 512 && geo.groups == 1 && geo.method == kShifted && geo.in[0] == 1 &&
                    geo.out[0] == 1 && geo.kernel[0] == 1 && geo.kernel[1] == 3 && geo.kernel[2] == 3 &&
                    geo.stride[1] == 1 && geo.stride[2] == 1 && geo.dilation[1] == 1 && geo.dilation[2] == 1 &&
                    geo.pad[1] <= 2 && geo.pad[2] <= 2;
  const int64_t pixels = int64_t{geo.out[1]} * geo.out[2];
  if (!fits) return 0;
  if (geo.cg >= kWinoMinInChannels && geo.mg >= kWinoMinOutChannels && pixels >= kWinoMinPixels) return kCvMR;
  const int64_t tiles_per_row = (geo.out[2] + 1) / 2;
  if (geo.cg >= kWinoMr4MinChannels && geo.mg >= kWinoMr4MinChannels && geo.mg < kWinoMinOutChannels &&
      pixels >= kWinoMr4MinPixels && (kWinoTiles % tiles_per_row == 0 || tiles_per_row % kWinoTiles == 0))
    return kConvMR;
  return 0;
}

bool uses_winograd(const Target &target, const aotc_conv_params &geo) { return winograd_mr(target, geo) != 0; }

// Tile rows per block of both Winograd kernels (aotc_conv_wino23_rows).
int64_t winograd_block_rows(const aotc_conv_params &geo) {
  const int64_t TW = (geo.out[2] + 1) / 2, TH = (geo.out[1] + 1) / 2;
  return std::min(TH, std::max<int64_t>(1, kWinoTiles / TW));
}

// Scratch floats of aotc_conv_wino23_f32 (aotc_conv_wino23_scratch_floats):
// V and M of a block of tile rows, its GEMMs' koff, 16 rows of TW + 1 and a
// row of zeros.
int64_t winograd_scratch_floats(const aotc_conv_params &geo) {
  const int64_t TW = (geo.out[2] + 1) / 2, rows = winograd_block_rows(geo);
  const int64_t Mpad = (geo.mg + kCvMR - 1) / kCvMR * kCvMR;
  return 16 * (geo.cg + Mpad) * rows * TW + geo.cg + 16 * (TW + 1) + geo.in[2] + 64;
}

// Scratch floats of aotc_conv_wino23_mr4_f32 (aotc_conv_wino23_mr4_scratch_floats):
// a block of tile rows' input rows split into column phases, its V (read up
// to a GEMM tile past its end) and M for 8 output channels, the GEMMs' koff.
int64_t winograd_mr4_scratch_floats(const aotc_conv_params &geo) {
  const int64_t TW = (geo.out[2] + 1) / 2, rows = winograd_block_rows(geo);
  const int64_t phases = 2 * (2 * rows + 2) * (TW + 1);
  return geo.cg * phases + 16 * (geo.cg + 8) * rows * TW + kTileMax + geo.cg;
}

// The output rows of a 2D SHIFTED conv whose input phases (every input
// channel and stride phase, the rows the band shares with the next included)
// fit in `bytes`, or less than 1 if none do; and the rows it shares.
int64_t band_rows_in(const aotc_conv_params &geo, int64_t bytes, int64_t *extra_rows) {
  const int64_t Wph = geo.out[2] + int64_t{geo.kernel[2] - 1} * geo.dilation[2] / geo.stride[2];
  const int64_t per_row = int64_t{geo.cg} * geo.stride[1] * geo.stride[2] * Wph;
  *extra_rows = int64_t{geo.kernel[1] - 1} * geo.dilation[1] / geo.stride[1];
  return (bytes / static_cast<int64_t>(sizeof(float)) - kTileMax) / per_row - *extra_rows;
}

// Output rows per band for aotc_sconv_f32 (0: the whole image at once): the
// most rows whose input phases fit the target's max_conv_scratch_bytes, at
// least one. 2D SHIFTED convs only.
int64_t sconv_band(const ConvShape &s, const Target &target) {
  ConvPlan whole = conv_plan(s);
  const aotc_conv_params &geo = whole.geo;
  const int64_t cap = static_cast<int64_t>(target.max_conv_scratch_bytes) / static_cast<int64_t>(sizeof(float));
  if (cap == 0 || geo.method != kShifted || geo.in[0] != 1 || geo.out[0] != 1 || whole.scratch_floats <= cap)
    return 0;
  int64_t extra_rows = 0;
  const int64_t band = std::max<int64_t>(1, band_rows_in(geo, cap * static_cast<int64_t>(sizeof(float)), &extra_rows));
  return band >= geo.out[1] ? 0 : band;
}

// Output rows per band for aotc_conv_f32 (0: the whole image at once). Its
// GEMM reads every phase float once per tap and block of output channels:
// where the phases of a network's stem (up to 4 input channels) overflow the
// L1 cache and a band of rows does not, bands are copied and read while still
// there (kBandBytes: 32 KiB measured best for the VWW and MobileNetV2 stems,
// 8% faster; deeper convs were not measured and keep the whole image). Only
// where a band has at least 4x the rows it shares with the next (copied twice).
constexpr int64_t kBandBytes = 32768;

int64_t conv_band(const ConvShape &s) {
  ConvPlan whole = conv_plan(s);
  const aotc_conv_params &geo = whole.geo;
  if (geo.method != kShifted || geo.cg > 4 || geo.in[0] != 1 || geo.out[0] != 1 ||
      whole.scratch_floats * static_cast<int64_t>(sizeof(float)) <= kBandBytes)
    return 0;
  int64_t extra_rows = 0;
  const int64_t band = band_rows_in(geo, kBandBytes, &extra_rows);
  return band >= std::max<int64_t>(1, 4 * extra_rows) && band < geo.out[1] ? band : 0;
}

// A fused activation as the conv kernels take it (aotc_conv_act in conv.c):
// kind 0 none, 1 clamp to [a, b], 2 hard swish x * clamp(a*x + b, 0, 1),
// 3 SiLU x * sigmoid(x).
struct KernelActivation {
  int64_t kind = 0;
  double a = 0, b = 0;
};

KernelActivation kernel_activation(const OpContext &ctx) {
  const Attribute *attr = ctx.node().attr("activation");
  if (!attr) return {};
  const FusedActivation *act = std::get_if<FusedActivation>(&attr->value);
  ctx.require(act != nullptr, "attribute 'activation' must be a fused activation");
  switch (act->kind) {
    case FusedActivation::Kind::None: return {};
    case FusedActivation::Kind::Relu: return {1, 0.0, std::numeric_limits<double>::infinity()};
    case FusedActivation::Kind::Clip: return {1, act->a, act->b};
    case FusedActivation::Kind::HardSwish: return {2, act->a, act->b};
    case FusedActivation::Kind::Silu: return {3, 0.0, 0.0};
  }
  ctx.error("unknown fused activation");
}

// MACs of a convolution: every output element sums (C / group) x kernel
// volume products, the weight's logical shape past its first dimension.
std::function<int64_t(OpContext &)> conv_macs(size_t weight_input) {
  return [weight_input](OpContext &ctx) {
    const Shape &w = ctx.input(weight_input).shape;
    return ctx.output(0).count() * num_elements(Shape(w.begin() + std::min<size_t>(1, w.size()), w.end()));
  };
}

// The bit of AOTC_CONV_DW_SQUARE (conv_depthwise.c) a depthwise conv needs: 1 for 3x3 stride 1,
// 2 for 3x3/2, 4 for 5x5/1, 8 for 5x5/2 (square, no dilation); 0 for the others.
int64_t depthwise_square_bit(const aotc_conv_params &geo) {
  const int32_t K = geo.kernel[1], S = geo.stride[1];
  if (K != geo.kernel[2] || S != geo.stride[2] || geo.dilation[1] != 1 || geo.dilation[2] != 1) return 0;
  if ((K != 3 && K != 5) || (S != 1 && S != 2)) return 0;
  return int64_t{1} << ((K == 5 ? 2 : 0) + S - 1);
}

// Lowers a Conv or aotc.FusedConv to its kernel call, with `activation` and
// (aotc_conv_cv_f32 only, see adds_residual) `residual`.
void lower_conv(LowerContext &ctx, const KernelActivation &activation, Value *residual) {
  ConvShape s = conv_shape(ctx);
  Value &x = ctx.input(0);
  Value *b = ctx.has_input(2) ? &ctx.input(2) : nullptr;
  ConvPlan plan = conv_plan(s);
  const aotc_conv_params &geo = plan.geo;
  const int64_t act = activation.kind;
  const double act_a = activation.a, act_b = activation.b;
  if (x.dtype != DType::Float) {
    ctx.require(act == 0, "fused activations need float32");
    ctx.call(kernel_for(ctx, "conv_direct", x.dtype)).in(&x).in(&ctx.input(1)).in(b).out(&ctx.output(0)).params(geo);
    return;
  }
  if (is_depthwise(s, geo) && x.layout.is_blocked()) {
    // nchw16c in and out (see blocked_io). Scratch: one block's zero-padded plane.
    Value &w = ctx.input(1);
    ctx.require(packed_conv_mr(w) == kCvMR && ctx.output(0).layout.is_blocked(),
                "internal error: a blocked depthwise conv needs conv_mr16 weights and a blocked output");
    const int64_t Hp = int64_t{geo.out[1] - 1} * geo.stride[1] + int64_t{geo.kernel[1] - 1} * geo.dilation[1] + 1;
    const int64_t Wp = int64_t{geo.out[2] - 1} * geo.stride[2] + int64_t{geo.kernel[2] - 1} * geo.dilation[2] + 1;
    ctx.call("aotc_conv_dw_blocked_f32")
        .in(&x)
        .in(&w)
        .in(b)
        .out(&ctx.output(0))
        .scratch(static_cast<size_t>(Hp * Wp * kCvMR) * sizeof(float))
        .params(geo)
        .i(act)
        .f(act_a)
        .f(act_b);
    return;
  }
  if (is_depthwise(s, geo)) {
    // Depthwise (2D). aotc_sconv_depthwise_f32 uses the same phases and tap offsets as
    // aotc_conv_f32 (Cg = 1); aotc_conv_depthwise_f32 works on the NCHW planes directly.
    int64_t OH = geo.out[1], OW = geo.out[2];
    int64_t Hph = OH + (geo.kernel[1] - 1) * geo.dilation[1] / geo.stride[1];
    int64_t Wph = OW + (geo.kernel[2] - 1) * geo.dilation[2] / geo.stride[2];
    // (aotc_sconv_depthwise_f32 writes the output directly: the phases and 32 floats of slack.)
    const bool sconv = scalar_fp_target(ctx.target());
    // (aotc_conv_depthwise_f32, runtime-c/kernels/conv_depthwise.c: the 3x3 "same" paths need the input
    // plane between two zero rows, two column masks and a zero row; the others the stride phases, a
    // flat output plane, 384 floats of slack and the tap offsets.)
    const int64_t phases = int64_t{geo.stride[1]} * geo.stride[2] * Hph * Wph;
    const int64_t padded = phases + OH * Wph + int64_t{geo.kernel[1]} * geo.kernel[2] + 384;
    const int64_t flat = (int64_t{geo.in[1]} + 2) * geo.in[2] + 2 * OH * OW + geo.in[2] + 144;
    // (On AVX-512, aotc_conv_dw_small_f32: a zero-padded nchw16c plane, the block's output, weights and bias.)
    const int64_t Hp = (OH - 1) * geo.stride[1] + int64_t{geo.kernel[1] - 1} * geo.dilation[1] + 1;
    const int64_t Wp = (OW - 1) * geo.stride[2] + int64_t{geo.kernel[2] - 1} * geo.dilation[2] + 1;
    const int64_t small = geo.mg == 1 && geo.groups >= 16 && OH * OW <= kDepthwiseSmallPixels
                              ? (Hp * Wp + OH * OW + int64_t{geo.kernel[1]} * geo.kernel[2] + 1) * 16
                              : 0;
    size_t floats = static_cast<size_t>(sconv ? phases + 32 : std::max({flat, padded, small}));
    KernelCall &call = ctx.call(sconv ? "aotc_sconv_depthwise_f32" : "aotc_conv_depthwise_f32");
    call
        .in(&x)
        .in(&ctx.input(1))
        .in(b)
        .out(&ctx.output(0))
        .scratch(floats * sizeof(float))
        .params(geo)
        .ints(plan.koff)
        .i(act)
        .f(act_a)
        .f(act_b);
    // Its square 3x3 and 5x5 kernels with stride 1 or 2 have code of their own, compiled only for
    // the ones the model has.
    if (!sconv) call.source_bits("AOTC_CONV_DW_SQUARE", depthwise_square_bit(geo));
    // aotc_sconv_depthwise_f32 copies each input channel into scratch before it
    // writes that channel's output, no larger than the input channel: with one
    // output per channel it can run in place (TinyEngine's in-place depthwise).
    if (sconv && geo.mg == 1 && int64_t{OH} * OW <= int64_t{geo.in[1]} * geo.in[2]) call.in_place(&x);
    return;
  }
  // Weights packed by choose-layouts (passes/choose_layouts.cpp, the usual
  // case: they are constant) pick the kernel; others are packed by the
  // kernel into scratch, in front of its buffers.
  Value &w = ctx.input(1);
  if (winograd_weights(w)) {
    const bool mr4 = w.layout.format == "conv_wino23_mr4";
    ctx.require(winograd_mr(ctx.target(), geo) == (mr4 ? kConvMR : kCvMR),
                fmt::format("internal error: {} weights on a conv that kernel cannot run", w.layout.format));
    ctx.call(mr4 ? "aotc_conv_wino23_mr4_f32" : "aotc_conv_wino23_f32")
        .in(&x)
        .in(&w)
        .in(b)
        .in(residual)
        .out(&ctx.output(0))
        .scratch(static_cast<size_t>(mr4 ? winograd_mr4_scratch_floats(geo) : winograd_scratch_floats(geo)) *
                 sizeof(float))
        .params(geo)
        .i(act)
        .f(act_a)
        .f(act_b);
    return;
  }
  const int64_t K = int64_t{geo.cg} * geo.kernel[0] * geo.kernel[1] * geo.kernel[2];
  const bool sconv = scalar_fp_target(ctx.target());
  const int64_t packed_mr = packed_conv_mr(w);
  if (packed_mr == kCvMR) {
    // (Scratch: the stride phases of one group, as for aotc_conv_f32; none for pointwise convs.)
    const int64_t floats = geo.method == kPointwise ? 1 : plan.scratch_floats;
    // nchw16c sides (see blocked_io): input channel k of a blocked pointwise input lies at
    // (k/16)*16*P + k%16 (the kernel steps pixels by 16).
    if (x.layout.is_blocked()) {
      ctx.require(geo.method == kPointwise && s.group == 1, "internal error: blocked input to a non-pointwise conv");
      const int64_t P = int64_t{geo.out[0]} * geo.out[1] * geo.out[2];
      for (int64_t k = 0; k < K; ++k) plan.koff[static_cast<size_t>(k)] = k / kCvMR * kCvMR * P + k % kCvMR;
      plan.geo.blocked |= kBlockedIn;
    }
    if (ctx.output(0).layout.is_blocked()) plan.geo.blocked |= kBlockedOut;
    ctx.call("aotc_conv_cv_f32")
        .in(&x)
        .in(&w)
        .in(b)
        .in(residual)
        .out(&ctx.output(0))
        .scratch(static_cast<size_t>(floats) * sizeof(float))
        .params(geo)
        .ints(plan.koff)
        .i(act)
        .f(act_a)
        .f(act_b);
    return;
  }
  ctx.require(packed_mr == 0 || packed_mr == kConvMR, "internal error: unknown packed weight format");
  // On small-SRAM cores aotc_sconv_f32 copies the input a band of rows at a
  // time; aotc_conv_f32 does where that keeps the copy in the cache.
  if (int64_t band = sconv ? sconv_band(s, ctx.target()) : conv_band(s))
    plan = conv_plan(s, band);  // (geo refers into plan)
  // aotc_sconv_f32 copies a pointwise conv's input 4 pixels at a time (4K floats, K offsets).
  int64_t scratch_floats = sconv && geo.method == kPointwise ? 5 * K : plan.scratch_floats;
  KernelCall &call = ctx.call(sconv ? "aotc_sconv_f32" : "aotc_conv_f32").in(&x);
  if (packed_mr) {
    call.in(nullptr).in(&w);
  } else {
    call.in(&w).in(nullptr);
    scratch_floats += (s.M / s.group + kConvMR) * K;
  }
  call.in(b)
      .out(&ctx.output(0))
      .scratch(static_cast<size_t>(std::max<int64_t>(scratch_floats, 1)) * sizeof(float))
      .params(geo)
      .ints(plan.koff)
      .i(act)
      .f(act_a)
      .f(act_b);
  // aotc_sconv_f32 can run in place (one image, one group): its pointwise
  // path reads each tile's input before writing the tile's outputs (output
  // channel m of those pixels lands over input channel m, already read, or
  // past the input); the others copy all their input before writing, or a
  // band of rows at a time, keeping the rows the next band needs from
  // being overwritten when the output rows line up with the input rows.
  const bool rows_line_up = geo.stride[1] == 1 && geo.out[1] == geo.in[1] && geo.out[2] == geo.in[2];
  if (sconv && geo.n == 1 && geo.groups == 1 &&
      (geo.method == kPointwise || geo.band == 0 || rows_line_up))
    call.in_place(&x);
}

// Whether the kernel lower_conv picks adds a residual as it stores:
// aotc_conv_cv_f32, the one with conv_mr16 weights that is not depthwise, and
// aotc_conv_wino23_f32.
bool adds_residual(LowerContext &ctx) {
  ConvShape s = conv_shape(ctx);
  const Value &w = ctx.input(1);
  return ctx.input(0).dtype == DType::Float && !is_depthwise(s, conv_plan(s).geo) &&
         (packed_conv_mr(w) == kCvMR || winograd_weights(w));
}

// Conv (ai.onnx) and aotc.FusedConv (internal: Conv's attributes plus the
// typed `activation`) share everything below.
OpDef conv_def(const std::string &domain, const std::string &op) {
  OpDef def;
  def.op = op;
  def.domain = domain;
  def.attrs = {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"};
  if (domain == kInternalDomain) def.attrs.push_back("activation");
  def.min_inputs = 2;
  // aotc.FusedConv's fourth input: a residual added before the activation (fuse-conv-add).
  def.max_inputs = domain == kInternalDomain ? 4 : 3;
  def.infer = [](OpContext &ctx) {
    ConvShape s = conv_shape(ctx);
    Shape y = {s.N, s.M};
    y.insert(y.end(), s.win.out.begin(), s.win.out.end());
    if (ctx.has_input(3))
      ctx.require(ctx.input(3).dtype == DType::Float && ctx.input(0).dtype == DType::Float && ctx.input(3).shape == y,
                  "the residual must be float32 with the output's shape");
    ctx.set_output(0, ctx.input(0).dtype, y);
  };
  def.lower = [](LowerContext &ctx) {
    // aotc.FusedConv's residual (fuse-conv-add): added by the conv kernel, or
    // else by a pass over its output, before the activation either way.
    Value *residual = ctx.has_input(3) ? &ctx.input(3) : nullptr;
    const KernelActivation activation = kernel_activation(ctx);
    if (!residual || adds_residual(ctx)) {
      lower_conv(ctx, activation, residual);
      return;
    }
    lower_conv(ctx, KernelActivation{}, nullptr);
    ctx.call("aotc_conv_add_residual_f32")
        .in(residual)
        .out(&ctx.output(0))
        .i(ctx.output(0).count())
        .i(activation.kind)
        .f(activation.a)
        .f(activation.b);
  };
  // Constant float weights of a conv the GEMM kernels run are stored packed
  // for their micro-kernel: conv_mr16 for aotc_conv_cv_f32, else conv_mr4.
  def.packs = [](LowerContext &ctx) -> std::vector<PackRequest> {
    ConvShape s = conv_shape(ctx);
    Value &w = ctx.input(1);
    if (w.dtype != DType::Float || !w.is_constant() || w.layout.is_packed()) return {};
    ConvPlan plan = conv_plan(s);
    const aotc_conv_params &geo = plan.geo;
    PackRequest r;
    r.input = 1;
    if (uses_winograd(ctx.target(), geo) && !ctx.input(0).layout.is_blocked() && !ctx.output(0).layout.is_blocked()) {
      r.op = "PackConvWinograd";
      r.attrs["mr"].value = winograd_mr(ctx.target(), geo);
      return {r};
    }
    r.op = "PackConvWeights";
    if (is_depthwise(s, geo)) {
      // aotc_conv_dw_blocked_f32 reads a block's 16 channels per tap: conv_mr16 of one group of C rows.
      if (!ctx.input(0).layout.is_blocked()) return {};
      r.attrs["group"].value = int64_t{1};
      r.attrs["mr"].value = kCvMR;
      return {r};
    }
    const bool cv = uses_cv_kernel(ctx.target(), geo) || ctx.input(0).layout.is_blocked() ||
                    ctx.output(0).layout.is_blocked();
    r.attrs["group"].value = s.group;
    r.attrs["mr"].value = cv ? kCvMR : kConvMR;
    return {r};
  };
  // nchw16c (choose-layouts): aotc_conv_cv_f32 can write a one-group conv's
  // output blocked and read a pointwise conv's input blocked;
  // aotc_conv_dw_blocked_f32 reads and writes both (one output per channel).
  // Constant float weights only: they pick the kernel (see packs).
  def.blocked_io = [](LowerContext &ctx, int64_t block) {
    OpDef::BlockedIo io;
    const Value &x = ctx.input(0), &w = ctx.input(1);
    if (block != kCvMR || x.dtype != DType::Float || w.dtype != DType::Float || !w.is_constant()) return io;
    ConvShape s = conv_shape(ctx);
    const aotc_conv_params geo = conv_plan(s).geo;
    if (uses_winograd(ctx.target(), geo)) {
      return io;  // (aotc_conv_wino23_f32: NCHW only)
    } else if (is_depthwise(s, geo)) {
      io.output = io.tied = geo.mg == 1 && !scalar_fp_target(ctx.target());
      io.inputs = io.output ? 1u : 0u;
    } else if (s.group == 1 && (uses_cv_kernel(ctx.target(), geo) ||
                                (geo.method == kPointwise &&
                                 int64_t{geo.out[0]} * geo.out[1] * geo.out[2] <= kBlockedMaxPointwisePixels))) {
      io.output = true;
      io.inputs = geo.method == kPointwise ? 1u : 0u;
    }
    // A residual lies as the output does.
    if (io.output && ctx.has_input(3)) {
      io.inputs |= 1u << 3;
      io.tied = true;
    }
    return io;
  };
  def.macs = conv_macs(1);
  def.channels_first = true;
  return def;
}

// ---- aotc.FusedConvMaxPool -------------------------------------------------

// aotc.FusedConvMaxPool (passes/fuse_conv_maxpool.cpp): a float32 Conv with
// its fused activation and the MaxPool that alone reads it, run by
// aotc_conv_maxpool_f32 (conv.c), which pools the conv's rows a band at a time
// while they are in the cache instead of writing the whole conv output and
// reading it back. Conv's attributes and `activation`, then the MaxPool's
// kernel_shape, strides, pads and ceil_mode named pool_*.
const std::vector<std::string> kFusedPoolAttrs = {"pool_ceil_mode", "pool_kernel_shape", "pool_pads", "pool_strides"};

// The fused MaxPool's window over the conv's output.
WindowGeometry fused_pool_window(const OpContext &ctx, const ConvShape &s) {
  return window_geometry(ctx, s.win.out, ctx.attr_ints("pool_kernel_shape"), ctx.attr_int("pool_ceil_mode", 0) != 0,
                         "pool_");
}

// The L2 a fused conv and pool block for: the target's, or 1 MiB where it does not say.
int64_t fusion_l2_bytes(const Target &target) {
  return target.l2_bytes ? static_cast<int64_t>(target.l2_bytes) : int64_t{1} << 20;
}

// A conv output of more than half of L2 is worth pooling band by band: it
// would otherwise go out to L3 or memory and be read back (SqueezeNet's stem:
// 3.1 MB, ResNet-18's 3.2 MB).
bool conv_output_outgrows_l2(const ConvShape &s, const Target &target) {
  const int64_t l2 = fusion_l2_bytes(target);
  return s.N * s.M * num_elements(s.win.out) * static_cast<int64_t>(sizeof(float)) > l2 / 2;
}

// Conv output rows per band of aotc_conv_maxpool_f32: the most whose input
// phases take at most 64 KiB and whose rows, with the KH - 1 a pool row
// leaves, at most a quarter of L2; a multiple of the pool's stride (each band
// then completes whole pool rows), at least one stride. (bench/ab.sh on Zen 5:
// SqueezeNet's stem no different with 4 or 8 rows; ResNet-18's 7x7 stem,
// whose phases hold 3 more rows than a band, 1% faster with 6 than with 2.)
int64_t conv_maxpool_band(const ConvShape &s, const aotc_conv_params &geo, const WindowGeometry &pool,
                          const Target &target) {
  const int64_t l2 = fusion_l2_bytes(target);
  const int64_t SH = pool.strides[0], KH = pool.kernel[0];
  int64_t extra_rows = 0;
  int64_t band = std::min(band_rows_in(geo, 2 * kBandBytes, &extra_rows),
                          l2 / 4 / (s.M * geo.out[2] * static_cast<int64_t>(sizeof(float))) - (KH - 1));
  band = std::max(SH, band / SH * SH);
  return std::min<int64_t>(band, geo.out[1]);
}

// Pixels of a conv row per tile of aotc_conv_maxpool_f32's nchw16c path (AOTC_CONV_MP_NP).
constexpr int64_t kConvMaxPoolTilePixels = 6;

// Whether aotc_conv_maxpool_f32 keeps the conv's rows nchw16c (geo->blocked,
// conv_mr16 weights): on targets with 512-bit vectors, output channels in
// blocks of 16, rows of a tile or more. The pool then takes whole pixels (a
// vector max per tap) and transposes its output rows back to NCHW; in
// SqueezeNet's stem (perf, Zen 5) that pool took 61 us where the one over NCHW
// rows took 94, and the conv's tile of 4 blocks x 6 pixels 216 us where
// aotc_conv_f32's of 8 channels x 32 pixels took 258. bench/conv_kernel_bench.c:
// conv and pool of SqueezeNet's stem 1.32x (429 -> 325 us), of ResNet-18's
// 1.09x; in the models (bench/profile_ops.py --against) 366 -> 285 and
// 1325 -> 1213 us. (Whole convs computed so, their rows transposed out to
// NCHW, were 0.94-0.98x aotc_conv_f32 on stems and SqueezeNet's 55x55 3x3s.)
bool conv_maxpool_blocked(const Target &target, const ConvShape &s) {
  return target.vector_bits >= 512 && s.M % kCvMR == 0 && s.win.out.back() >= kConvMaxPoolTilePixels;
}

OpDef conv_maxpool_def() {
  OpDef def;
  def.op = "FusedConvMaxPool";
  def.domain = kInternalDomain;
  def.attrs = {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides", "activation"};
  def.attrs.insert(def.attrs.end(), kFusedPoolAttrs.begin(), kFusedPoolAttrs.end());
  def.min_inputs = 2;
  def.max_inputs = 3;
  def.infer = [](OpContext &ctx) {
    ConvShape s = conv_shape(ctx);
    ctx.require(ctx.input(0).dtype == DType::Float && s.win.nsp == 2 && s.group == 1,
                "needs a float32 2D conv of one group");
    WindowGeometry pool = fused_pool_window(ctx, s);
    Shape y = {s.N, s.M};
    y.insert(y.end(), pool.out.begin(), pool.out.end());
    ctx.set_output(0, DType::Float, y);
  };
  def.lower = [](LowerContext &ctx) {
    ConvShape s = conv_shape(ctx);
    Value &w = ctx.input(1);
    const WindowGeometry pool = fused_pool_window(ctx, s);
    const bool blocked = conv_maxpool_blocked(ctx.target(), s);
    ctx.require(packed_conv_mr(w) == (blocked ? kCvMR : kConvMR),
                "internal error: aotc.FusedConvMaxPool's weights are not packed for its kernel");
    ConvPlan plan = conv_plan(s, conv_maxpool_band(s, conv_params(s), pool, ctx.target()));
    aotc_conv_params &geo = plan.geo;
    ctx.require(geo.method == kShifted, "internal error: aotc.FusedConvMaxPool on a pointwise conv");
    if (blocked) geo.blocked = kBlockedOut;
    const KernelActivation activation = kernel_activation(ctx);
    // Scratch: a band's phases and slack (the plan's), then M planes of band + KH - 1 conv rows,
    // then (blocked) 16 channels of a pooled row, its pixels rounded up to 16 (the transposes').
    const int64_t rows = s.M * (geo.band + pool.kernel[0] - 1) * geo.out[2] +
                         (blocked ? kCvMR * ((pool.out[1] + kCvMR - 1) / kCvMR * kCvMR) : 0);
    ctx.call("aotc_conv_maxpool_f32")
        .in(&ctx.input(0))
        .in(&w)
        .in(ctx.has_input(2) ? &ctx.input(2) : nullptr)
        .out(&ctx.output(0))
        .scratch(static_cast<size_t>(plan.scratch_floats + rows) * sizeof(float))
        .params(geo)
        .params(pool_params(ctx, s.N * s.M, pool))
        .ints(plan.koff)
        .i(activation.kind)
        .f(activation.a)
        .f(activation.b);
  };
  // aotc_conv_f32's micro-kernel runs the conv (conv_mr4 weights), or the nchw16c path's tile (conv_mr16).
  def.packs = [](LowerContext &ctx) -> std::vector<PackRequest> {
    Value &w = ctx.input(1);
    if (w.dtype != DType::Float || !w.is_constant() || w.layout.is_packed()) return {};
    PackRequest r;
    r.input = 1;
    r.op = "PackConvWeights";
    r.attrs["group"].value = int64_t{1};
    r.attrs["mr"].value = conv_maxpool_blocked(ctx.target(), conv_shape(ctx)) ? kCvMR : kConvMR;
    return {r};
  };
  // The conv's MACs (the output is the pool's).
  def.macs = [](OpContext &ctx) {
    ConvShape s = conv_shape(ctx);
    const Shape &w = ctx.input(1).shape;
    return s.N * s.M * num_elements(s.win.out) * num_elements(Shape(w.begin() + 1, w.end()));
  };
  def.channels_first = true;
  return def;
}

}  // namespace

// See ops/conv.h.
bool conv_maxpool_fusable(const Node &conv, const Node &pool, const Target &target) {
  const bool conv_op = (conv.domain.empty() && conv.op == "Conv") ||
                       (conv.domain == kInternalDomain && conv.op == "FusedConv");
  if (!conv_op || conv.inputs.size() > 3 || conv.outputs.size() != 1 || !pool.domain.empty() ||
      pool.op != "MaxPool" || pool.inputs.size() != 1 || pool.output(1) != nullptr || scalar_fp_target(target))
    return false;
  const Value *x = conv.input(0), *w = conv.input(1);
  if (!x || !w || x->dtype != DType::Float || !x->shape_known || w->dtype != DType::Float || !w->is_constant() ||
      w->layout.is_packed() || x->shape.size() != 4)
    return false;
  Node &conv_node = const_cast<Node &>(conv);
  LowerContext ctx(conv_node, target);
  const ConvShape s = conv_shape(ctx);
  const aotc_conv_params geo = conv_plan(s).geo;
  if (s.group != 1 || geo.method != kShifted || is_depthwise(s, geo) || uses_cv_kernel(target, geo) ||
      uses_winograd(target, geo) || !conv_output_outgrows_l2(s, target))
    return false;
  // The pool: 2D, no dilation, explicit pads (any auto_pad is resolved by then: none).
  OpContext pctx(const_cast<Node &>(pool));
  const std::string auto_pad = pctx.attr_string("auto_pad", "NOTSET");
  if (!auto_pad.empty() && auto_pad != "NOTSET") return false;
  const std::vector<int64_t> kernel = pctx.attr_ints("kernel_shape");
  if (kernel.size() != 2) return false;
  const WindowGeometry pw = window_geometry(pctx, s.win.out, kernel, pctx.attr_int("ceil_mode", 0) != 0);
  return pw.dilations == std::vector<int64_t>{1, 1};
}

namespace {

// aotc.PackConvWeights: ONNX conv weights [M, Cg, k...] re-laid out as
// conv_mr<mr> (see aotc_conv_pack_weights_f32 in conv.c, the one definition
// of the format): per group, ceil(Mg / mr) blocks of K x mr. Inserted by
// choose-layouts on constant weights, then folded at compile time.
void register_pack_conv_weights(OpRegistry &r) {
  OpDef def;
  def.op = "PackConvWeights";
  def.domain = kInternalDomain;
  def.attrs = {"group", "mr"};
  def.infer = [](OpContext &ctx) {
    Value &w = ctx.input(0);
    const int64_t group = ctx.attr_int("group"), mr = ctx.attr_int("mr");
    ctx.require(w.dtype == DType::Float && w.shape.size() >= 3, "expects float conv weights [M, Cg, k...]");
    ctx.require(mr == kConvMR || mr == kCvMR, fmt::format("unknown block size mr={}", mr));
    ctx.require(group >= 1 && w.shape[0] % group == 0, "M must be divisible by group");
    const int64_t Mg = w.shape[0] / group, K = w.count() / std::max<int64_t>(w.shape[0], 1);
    ctx.set_output(0, DType::Float, w.shape);
    ctx.set_output_layout(0, Layout::packed(fmt::format("conv_mr{}", mr), {group, (Mg + mr - 1) / mr, K, mr}));
  };
  def.lower = [](LowerContext &ctx) {
    Value &w = ctx.input(0);
    const int64_t group = ctx.attr_int("group"), mr = ctx.attr_int("mr");
    ctx.call("aotc_conv_pack_weights_f32")
        .in(&w)
        .out(&ctx.output(0))
        .i(group)
        .i(w.shape[0] / group)
        .i(w.count() / std::max<int64_t>(w.shape[0], 1))
        .i(mr);
  };
  r.add(std::move(def));
}

// aotc.PackConvWinograd: 3x3 conv weights [M, C, 3, 3] transformed for
// Winograd's F(2x2, 3x3) and packed (see aotc_conv_wino_pack_f32 in conv.c,
// the one definition of the formats): for each of the 16 transformed taps,
// its M x C matrix as conv_mr16 (mr 16: conv_wino23, for
// aotc_conv_wino23_f32) or conv_mr4 (mr 4: conv_wino23_mr4, for
// aotc_conv_wino23_mr4_f32). Inserted by choose-layouts on constant weights,
// then folded at compile time.
void register_pack_conv_winograd(OpRegistry &r) {
  OpDef def;
  def.op = "PackConvWinograd";
  def.domain = kInternalDomain;
  def.attrs = {"mr"};
  def.infer = [](OpContext &ctx) {
    Value &w = ctx.input(0);
    const int64_t mr = ctx.attr_int("mr");
    ctx.require(w.dtype == DType::Float && w.shape.size() == 4 && w.shape[2] == 3 && w.shape[3] == 3,
                "expects float 3x3 conv weights [M, C, 3, 3]");
    ctx.require(mr == kConvMR || mr == kCvMR, fmt::format("unknown block size mr={}", mr));
    const int64_t M = w.shape[0], C = w.shape[1];
    ctx.set_output(0, DType::Float, w.shape);
    ctx.set_output_layout(0, Layout::packed(mr == kCvMR ? "conv_wino23" : "conv_wino23_mr4",
                                            {16, (M + mr - 1) / mr, C, mr}));
  };
  def.lower = [](LowerContext &ctx) {
    Value &w = ctx.input(0);
    ctx.call("aotc_conv_wino_pack_f32")
        .in(&w)
        .out(&ctx.output(0))
        .i(w.shape[0])
        .i(w.shape[1])
        .i(ctx.attr_int("mr"));
  };
  r.add(std::move(def));
}

void register_conv(OpRegistry &r) {
  r.add(conv_def("", "Conv"));
  r.add(conv_def(kInternalDomain, "FusedConv"));
  r.add(conv_maxpool_def());
  register_pack_conv_weights(r);
  register_pack_conv_winograd(r);
}

// ---- ConvInteger and QLinearConv (direct reference kernels) ------------------

// A zero point or scale: one value, or (if per_channel_ok) one per output channel.
// Returns the count.
int64_t check_quant_param(const OpContext &ctx, size_t i, DType dtype, int64_t M, bool per_channel_ok,
                          const char *name) {
  Value &v = ctx.input(i);
  ctx.require(v.dtype == dtype, fmt::format("{} must have type {}", name, dtype_name(dtype)));
  bool scalar = v.count() == 1 && v.shape.size() <= 1;
  bool per_channel = per_channel_ok && v.shape == Shape{M};
  ctx.require(scalar || per_channel,
              fmt::format("{} must be a scalar{}", name, per_channel_ok ? fmt::format(" or have shape [{}]", M) : ""));
  return v.count();
}

std::string quant_kernel(const OpContext &ctx, const char *base, DType x, DType w) {
  std::string name = fmt::format("aotc_{}_{}_{}", base, dtype_info(x).suffix, dtype_info(w).suffix);
  if (!kernel_exists(name)) ctx.error(fmt::format("no kernel {} for these element types", name));
  return name;
}

// ---- QLinearConv and ConvInteger fast path (runtime-c/kernels/conv_int8.c) ----

// Most taps per output for the fast kernels: their int32 sums of raw 8-bit
// products (|x*w| <= 255*128) stay exact up to 65536 taps.
constexpr int64_t kQConvMaxTaps = 65536;
// Pixels per im2col band of aotc_qconv_<x>: a multiple of its 16-pixel tile,
// at most kQConvBandMax, the band at most kQConvBandBytes (or the target's
// conv scratch cap, if smaller).
constexpr int64_t kQConvTile = 16, kQConvBandMax = 256, kQConvBandBytes = 16384;

// Whether a conv can run on the fast kernels: int8 weights (packed or still
// to pack), w_zero_point absent or a constant 0, at most kQConvMaxTaps taps.
bool qconv_fast_ok(const Value &w, const Value *wz, const ConvShape &s) {
  if (w.dtype != DType::Int8 || (wz && !wz->is_constant())) return false;
  for (int64_t i = 0; wz && i < wz->count(); ++i)
    if (wz->constant->int_at(i) != 0) return false;
  const int64_t K = num_elements(Shape(w.shape.begin() + 1, w.shape.end()));
  return K <= kQConvMaxTaps && s.win.nsp <= 3;
}

// Which fast kernel runs a conv (GEMM or depthwise), its geometry (with the
// im2col band) and scratch: the sizes mirror aotc_qconv_scratch_bytes and
// aotc_qconv_dw_scratch_bytes (conv_int8.c; keep in step).
struct QConvFastPlan {
  aotc_conv_params geo{};
  bool depthwise = false;
  int64_t scratch_bytes = 0;
};

QConvFastPlan qconv_fast_plan(const LowerContext &ctx, const ConvShape &s) {
  QConvFastPlan p;
  p.geo = conv_plan(s).geo;
  const aotc_conv_params &geo = p.geo;
  const int64_t K = int64_t{geo.cg} * geo.kernel[0] * geo.kernel[1] * geo.kernel[2];
  p.depthwise = is_depthwise(s, geo);
  p.scratch_bytes = 8 * s.M;
  if (p.depthwise) {
    const int64_t Hp = int64_t{geo.out[1] - 1} * geo.stride[1] + int64_t{geo.kernel[1] - 1} * geo.dilation[1] + 1;
    const int64_t Wp = int64_t{geo.out[2] - 1} * geo.stride[2] + int64_t{geo.kernel[2] - 1} * geo.dilation[2] + 1;
    p.scratch_bytes += 4 * int64_t{geo.out[1]} * Wp + Hp * Wp;
    return p;
  }
  // One pixel, one group: a dot product per output, no scratch (AOTC_QCONV_IS_GEMV).
  if (geo.method == kPointwise && geo.groups == 1 && int64_t{geo.out[0]} * geo.out[1] * geo.out[2] == 1) {
    p.scratch_bytes = 0;
    return p;
  }
  p.scratch_bytes += (K + 3) / 4 * 4 * kQConvTile;  // K rounded up: x86 packs B 4 taps at a time
  if (geo.method != kPointwise) {
    int64_t cap = kQConvBandBytes;
    if (ctx.target().max_conv_scratch_bytes > 0) {
      cap = std::min<int64_t>(cap, static_cast<int64_t>(ctx.target().max_conv_scratch_bytes));
      // Small RAM: no more than half the conv's own input and output bytes,
      // so that a stem over few input channels (KWS DS-CNN's 10x4 one) does
      // not set the arena with its copy. (Smaller bands cost a few more
      // im2col calls; the GEMM's work per pixel is the same.)
      const int64_t io_bytes = int64_t{geo.n} * (int64_t{geo.groups} * geo.cg * geo.in[0] * geo.in[1] * geo.in[2] +
                                                 int64_t{geo.groups} * geo.mg * geo.out[0] * geo.out[1] * geo.out[2]);
      cap = std::min(cap, io_bytes / 2);
    }
    const int64_t band = std::clamp<int64_t>(cap / K / kQConvTile * kQConvTile, kQConvTile, kQConvBandMax);
    p.geo.band = static_cast<int32_t>(band);
    p.scratch_bytes += K * band;
  }
  return p;
}

// The call of aotc_qconv_<x> or aotc_qconv_depthwise_<x> for conv `s` on
// these operands, its weights packed by aotc.PackQConvWeights.
void emit_fast_qconv(LowerContext &ctx, const ConvShape &s, const QConvOperands &v, bool per_channel) {
  ctx.require(qconv_fast_ok(*v.w, v.w_zero_point, s),
              "internal error: packed int8 conv weights the fast kernels cannot take");
  const QConvFastPlan plan = qconv_fast_plan(ctx, s);
  const DType t = v.x->dtype;
  // The type's range: a fused Relu would narrow it.
  const int64_t y_min = t == DType::UInt8 ? 0 : -128, y_max = t == DType::UInt8 ? 255 : 127;
  KernelCall &call = ctx.call(fmt::format("aotc_qconv_{}{}", plan.depthwise ? "depthwise_" : "", dtype_info(t).suffix));
  call.in(v.x)
      .in(v.x_scale)
      .in(v.x_zero_point)
      .in(v.w)
      .in(v.w_scale)
      .in(v.y_scale)
      .in(v.y_zero_point)
      .in(v.bias)
      .out(v.y)
      .scratch(static_cast<size_t>(plan.scratch_bytes))
      .params(plan.geo)
      .i(per_channel ? 1 : 0)
      .i(y_min)
      .i(y_max);
  // The depthwise kernel copies a channel's plane before it writes that
  // channel, so its output may overwrite its input when no output plane
  // reaches past its input plane.
  const aotc_conv_params &g = plan.geo;
  const int64_t pixels = int64_t{g.out[0]} * g.out[1] * g.out[2];
  if (plan.depthwise && g.mg == 1 && pixels <= int64_t{g.in[0]} * g.in[1] * g.in[2]) call.in_place(v.x);
  // So may pointwise convs, but for single pixels of one group (its dot
  // products read x directly): aotc_qconv_<x> reads each tile of pixels before
  // it stores that tile's outputs, on every path (the DSP GEMM when K % 4 ==
  // 0: it reads the last K % 4 taps from x), and every output lands on input
  // already read when there are no more output channels than input ones per
  // group, or one image of one group.
  const bool gemv = g.groups == 1 && pixels == 1;
  if (!plan.depthwise && g.method == kPointwise && !gemv && g.cg % 4 == 0 &&
      (g.mg <= g.cg || int64_t{g.n} * g.groups == 1))
    call.in_place(v.x);
}

void lower_fast_qlinear_conv(LowerContext &ctx, const ConvShape &s, bool per_channel, Value *b) {
  emit_fast_qconv(ctx, s,
                  {&ctx.input(0), &ctx.input(1), &ctx.input(2), &ctx.input(3), &ctx.input(4), &ctx.input(5),
                   &ctx.input(6), &ctx.input(7), b, &ctx.output(0)},
                  per_channel);
}

// `rows` rows of k values as a batch of single-pixel 1x1 convs from k channels to n.
ConvShape rows_as_pointwise_conv(int64_t rows, int64_t k, int64_t n) {
  ConvShape s{rows, k, n, 1, {}};
  s.win.nsp = 1;
  s.win.in = s.win.out = s.win.kernel = s.win.strides = s.win.dilations = {1};
  s.win.pad_begin = s.win.pad_end = {0};
  return s;
}

// A PackQConvWeights request for input `w` of a conv the fast kernels can run.
std::vector<PackRequest> qconv_packs(const Value &w, const Value *wz, const ConvShape &s, size_t w_input) {
  if (!w.is_constant() || w.layout.is_packed() || !qconv_fast_ok(w, wz, s)) return {};
  PackRequest r;
  r.input = w_input;
  r.op = "PackQConvWeights";
  return {r};
}

}  // namespace

bool qconv_rows_ok(const Value &w, const Value *w_zero_point, int64_t rows, int64_t k, int64_t n) {
  return qconv_fast_ok(w, w_zero_point, rows_as_pointwise_conv(rows, k, n));
}

void lower_qconv_rows(LowerContext &ctx, const QConvOperands &operands, int64_t rows, int64_t k, int64_t n,
                      bool per_channel) {
  emit_fast_qconv(ctx, rows_as_pointwise_conv(rows, k, n), operands, per_channel);
}

namespace {

// aotc.PackQConvWeights: int8 conv weights [M, Cg, k...] as the fast kernels
// take them, format qconv_i8 (aotc_qconv_pack_i8 in conv_int8.c defines it):
// the weights, then each output channel's weight sum (4 bytes). Inserted by
// choose-layouts, folded at compile time.
void register_pack_qconv_weights(OpRegistry &r) {
  OpDef def;
  def.op = "PackQConvWeights";
  def.domain = kInternalDomain;
  def.infer = [](OpContext &ctx) {
    Value &w = ctx.input(0);
    ctx.require(w.dtype == DType::Int8 && w.shape.size() >= 2, "expects int8 weights [M, Cg, k...] or [M, K]");
    ctx.set_output(0, DType::Int8, w.shape);
    ctx.set_output_layout(0, Layout::packed("qconv_i8", {w.count() + 4 * w.shape[0]}));
  };
  def.lower = [](LowerContext &ctx) {
    Value &w = ctx.input(0);
    ctx.call("aotc_qconv_pack_i8")
        .in(&w)
        .out(&ctx.output(0))
        .i(w.shape[0])
        .i(w.count() / std::max<int64_t>(w.shape[0], 1));
  };
  r.add(std::move(def));
}

void register_conv_integer(OpRegistry &r) {
  OpDef def;
  def.op = "ConvInteger";
  def.attrs = {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"};
  def.min_inputs = 2;
  def.max_inputs = 4;
  def.infer = [](OpContext &ctx) {
    ConvInputs io;
    io.b = -1;
    io.quantized = true;
    ConvShape s = conv_shape(ctx, io);
    if (ctx.has_input(2)) check_quant_param(ctx, 2, ctx.input(0).dtype, s.M, false, "x_zero_point");
    if (ctx.has_input(3)) check_quant_param(ctx, 3, ctx.input(1).dtype, s.M, true, "w_zero_point");
    Shape y = {s.N, s.M};
    y.insert(y.end(), s.win.out.begin(), s.win.out.end());
    ctx.set_output(0, DType::Int32, y);
  };
  def.lower = [](LowerContext &ctx) {
    ConvInputs io;
    io.b = -1;
    io.quantized = true;
    ConvShape s = conv_shape(ctx, io);
    Value &x = ctx.input(0), &w = ctx.input(1);
    Value *x_zp = ctx.has_input(2) ? &ctx.input(2) : nullptr, *w_zp = ctx.has_input(3) ? &ctx.input(3) : nullptr;
    if (w.layout.is_packed()) {
      // aotc_qconv_[depthwise_]int32_<x>: the fast kernels' sums, not requantized.
      ctx.require(w.layout.format == "qconv_i8" && qconv_fast_ok(w, w_zp, s),
                  "internal error: packed ConvInteger weights the fast kernels cannot take");
      const QConvFastPlan plan = qconv_fast_plan(ctx, s);
      ctx.call(fmt::format("aotc_qconv_{}int32_{}", plan.depthwise ? "depthwise_" : "", dtype_info(x.dtype).suffix))
          .in(&x)
          .in(x_zp)
          .in(&w)
          .out(&ctx.output(0))
          .scratch(static_cast<size_t>(plan.scratch_bytes))
          .params(plan.geo);
      return;
    }
    ctx.call(quant_kernel(ctx, "conv_integer", x.dtype, w.dtype))
        .in(&x)
        .in(&w)
        .in(ctx.has_input(2) ? &ctx.input(2) : nullptr)
        .in(ctx.has_input(3) ? &ctx.input(3) : nullptr)
        .out(&ctx.output(0))
        .params(conv_params(s))
        .i(ctx.has_input(3) ? ctx.input(3).count() : 1);
  };
  // Constant int8 weights with no or a constant zero w_zero_point go to the fast kernels.
  def.packs = [](LowerContext &ctx) -> std::vector<PackRequest> {
    ConvInputs io;
    io.b = -1;
    io.quantized = true;
    return qconv_packs(ctx.input(1), ctx.has_input(3) ? &ctx.input(3) : nullptr, conv_shape(ctx, io), 1);
  };
  def.macs = conv_macs(1);
  def.channels_first = true;
  r.add(std::move(def));
}



void register_qlinear_conv(OpRegistry &r) {
  OpDef def;
  def.op = "QLinearConv";
  def.attrs = {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"};
  def.min_inputs = 8;
  def.max_inputs = 9;
  static const ConvInputs io = [] {
    ConvInputs v;
    v.x = 0;
    v.w = 3;
    v.b = 8;
    v.quantized = true;
    return v;
  }();
  def.infer = [](OpContext &ctx) {
    ConvShape s = conv_shape(ctx, io);
    DType xt = ctx.input(0).dtype, wt = ctx.input(3).dtype;
    check_quant_param(ctx, 1, DType::Float, s.M, false, "x_scale");
    check_quant_param(ctx, 2, xt, s.M, false, "x_zero_point");
    int64_t ws = check_quant_param(ctx, 4, DType::Float, s.M, true, "w_scale");
    int64_t wz = check_quant_param(ctx, 5, wt, s.M, true, "w_zero_point");
    ctx.require(ws == wz || wz == 1, "w_scale and w_zero_point must both be per channel or both scalars");
    check_quant_param(ctx, 6, DType::Float, s.M, false, "y_scale");
    Value &yz = ctx.input(7);
    ctx.require(yz.dtype == xt, "aotc supports QLinearConv with y of the type of x only");
    check_quant_param(ctx, 7, xt, s.M, false, "y_zero_point");
    Shape y = {s.N, s.M};
    y.insert(y.end(), s.win.out.begin(), s.win.out.end());
    ctx.set_output(0, xt, y);
  };
  def.lower = [](LowerContext &ctx) {
    ConvShape s = conv_shape(ctx, io);
    Value &x = ctx.input(0), &w = ctx.input(3);
    Value *b = ctx.has_input(8) ? &ctx.input(8) : nullptr;
    bool per_channel = ctx.input(4).count() > 1;
    if (w.layout.is_packed()) {
      ctx.require(w.layout.format == "qconv_i8", "internal error: unknown packed weight format");
      lower_fast_qlinear_conv(ctx, s, per_channel, b);
      return;
    }
    if (per_channel) ctx.require(ctx.input(5).count() > 1, "w_zero_point must be per channel like w_scale");
    ctx.call(quant_kernel(ctx, "qlinearconv", x.dtype, w.dtype))
        .in(&x)
        .in(&ctx.input(1))
        .in(&ctx.input(2))
        .in(&w)
        .in(&ctx.input(4))
        .in(&ctx.input(5))
        .in(&ctx.input(6))
        .in(&ctx.input(7))
        .in(b)
        .out(&ctx.output(0))
        .params(conv_params(s))
        .i(per_channel ? 1 : 0);
  };
  // Constant int8 weights with a constant zero w_zero_point go to the fast kernels, packed with their sums.
  def.packs = [](LowerContext &ctx) -> std::vector<PackRequest> {
    return qconv_packs(ctx.input(3), &ctx.input(5), conv_shape(ctx, io), 3);
  };
  def.macs = conv_macs(3);
  def.channels_first = true;
  r.add(std::move(def));
  register_pack_qconv_weights(r);
}

// ---- ConvTranspose -----------------------------------------------------------

struct ConvTransposeShape {
  int64_t N, C, M, group;
  std::vector<int64_t> in, kernel, strides, dilations, pad_begin, out;
};

ConvTransposeShape conv_transpose_shape(const OpContext &ctx) {
  Value &x = ctx.input(0);
  Value &w = ctx.input(1);
  const size_t rank = x.shape.size();
  ctx.require(rank >= 3 && rank <= 5, fmt::format("X must be N x C x D1 [x D2 [x D3]], got {}", shape_str(x.shape)));
  ctx.require(w.shape.size() == rank,
              fmt::format("W {} must have the same rank as X {}", shape_str(w.shape), shape_str(x.shape)));
  ctx.require(is_float(x.dtype) && w.dtype == x.dtype, "X and W must have the same floating-point type");
  const size_t n = rank - 2;
  ConvTransposeShape s;
  s.N = x.shape[0];
  s.C = x.shape[1];
  s.group = ctx.attr_int("group", 1);
  ctx.require(s.group >= 1 && s.C % s.group == 0,
              fmt::format("input channels ({}) must be divisible by group ({})", s.C, s.group));
  ctx.require(w.shape[0] == s.C, fmt::format("W {} must have C = {} rows", shape_str(w.shape), s.C));
  ctx.require(!__builtin_mul_overflow(w.shape[1], s.group, &s.M), "group is too large");
  s.in.assign(x.shape.begin() + 2, x.shape.end());
  s.kernel.assign(w.shape.begin() + 2, w.shape.end());
  if (ctx.has_attr("kernel_shape"))
    ctx.require(ctx.attr_ints("kernel_shape") == s.kernel, "kernel_shape does not match W");
  s.strides = ctx.attr_ints("strides", std::vector<int64_t>(n, 1));
  s.dilations = ctx.attr_ints("dilations", std::vector<int64_t>(n, 1));
  std::vector<int64_t> pads = ctx.attr_ints("pads", std::vector<int64_t>(2 * n, 0));
  std::vector<int64_t> out_pad = ctx.attr_ints("output_padding", std::vector<int64_t>(n, 0));
  ctx.require(s.strides.size() == n && s.dilations.size() == n && pads.size() == 2 * n && out_pad.size() == n,
              "strides, dilations, output_padding (one per spatial dim) or pads (two per spatial dim) "
              "have the wrong size");
  std::string auto_pad = ctx.attr_string("auto_pad", "NOTSET");
  if (auto_pad.empty()) auto_pad = "NOTSET";
  if (auto_pad != "NOTSET" && auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER" && auto_pad != "VALID")
    ctx.error(fmt::format("unknown auto_pad '{}'", auto_pad));
  std::vector<int64_t> out_shape = ctx.attr_ints("output_shape", {});
  if (out_shape.size() == n + 2) out_shape.erase(out_shape.begin(), out_shape.begin() + 2);  // N, C included
  ctx.require(out_shape.empty() || out_shape.size() == n, fmt::format("output_shape must have {} values", n));
  s.pad_begin.assign(n, 0);
  s.out.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    int64_t st = s.strides[i], d = s.dilations[i], k = s.kernel[i];
    ctx.require(st >= 1 && d >= 1, "strides and dilations must be >= 1");
    // Kernel arguments are 32-bit; this also keeps the arithmetic below from overflowing.
    for (int64_t v : {st, d, k, s.in[i], out_pad[i], pads[i], pads[i + n], out_shape.empty() ? 0 : out_shape[i]})
      ctx.require(v <= INT32_MAX, fmt::format("size {} in the window geometry is too large", v));
    ctx.require(out_pad[i] >= 0, "output_padding must be >= 0");
    int64_t full = st * (s.in[i] - 1) + out_pad[i] + (k - 1) * d + 1;  // output size without pads
    if (!out_shape.empty() || auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      int64_t o = !out_shape.empty() ? out_shape[i] : s.in[i] * st;
      ctx.require(o >= 1, "output_shape must be >= 1");
      // A negative total (output_shape larger than the full output) extends the
      // output with bias-only pixels; floor division as in ONNX's reference.
      int64_t total = full - o;
      int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
      s.pad_begin[i] = auto_pad == "SAME_UPPER" ? half : total - half;
      s.out[i] = o;
    } else {
      int64_t pb = auto_pad == "VALID" ? 0 : pads[i], pe = auto_pad == "VALID" ? 0 : pads[i + n];
      ctx.require(pb >= 0 && pe >= 0, "pads must be >= 0");
      s.pad_begin[i] = pb;
      s.out[i] = full - pb - pe;
      ctx.require(s.out[i] >= 1, "pads leave an empty output");
    }
  }
  if (ctx.has_input(2)) {
    Value &b = ctx.input(2);
    ctx.require(b.dtype == x.dtype && b.shape == Shape{s.M}, fmt::format("B must have shape [{}]", s.M));
  }
  return s;
}

void register_conv_transpose(OpRegistry &r) {
  OpDef def;
  def.op = "ConvTranspose";
  def.attrs = {"auto_pad", "dilations", "group", "kernel_shape", "output_padding", "output_shape", "pads", "strides"};
  def.min_inputs = 2;
  def.max_inputs = 3;
  def.infer = [](OpContext &ctx) {
    ConvTransposeShape s = conv_transpose_shape(ctx);
    Shape y = {s.N, s.M};
    y.insert(y.end(), s.out.begin(), s.out.end());
    ctx.set_output(0, ctx.input(0).dtype, y);
  };
  def.lower = [](LowerContext &ctx) {
    ConvTransposeShape s = conv_transpose_shape(ctx);
    Value &x = ctx.input(0);
    aotc_conv_params geo =
        conv_params(s.N, s.group, s.C / s.group, s.M / s.group, s.in, s.out, s.kernel, s.strides, s.dilations,
                    s.pad_begin);
    ctx.call(kernel_for(ctx, "conv_transpose", x.dtype))
        .in(&x)
        .in(&ctx.input(1))
        .in(ctx.has_input(2) ? &ctx.input(2) : nullptr)
        .out(&ctx.output(0))
        .params(geo);
  };
  // Every input element scatters (M / group) x kernel volume products (W: C x M/group x k...).
  def.macs = [](OpContext &ctx) {
    const Shape &w = ctx.input(1).shape;
    return ctx.input(0).count() * num_elements(Shape(w.begin() + std::min<size_t>(1, w.size()), w.end()));
  };
  def.channels_first = true;
  r.add(std::move(def));
}

}  // namespace

void register_conv_ops(OpRegistry &r) {
  register_conv(r);
  register_conv_transpose(r);
  register_conv_integer(r);
  register_qlinear_conv(r);
}

}  // namespace aotc
