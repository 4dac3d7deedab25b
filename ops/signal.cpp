// Signal processing: HannWindow, HammingWindow, BlackmanWindow and
// MelWeightMatrix (their inputs decide the output shape, so they must be
// compile-time constants, and the ops fold to constants), DFT (opsets 17 and
// 20) and STFT. Kernel: runtime-c/kernels/signal.c (a direct DFT).
#include <fmt/format.h>

#include <cmath>

#include "ops/named_constant.h"
#include "ops/op_util.h"

namespace aotc {

namespace {

constexpr double kPi = 3.14159265358979323846;

// output_datatype: the element type of a generated (folded) tensor.
DType generated_dtype(const OpContext &ctx) {
  auto t = static_cast<DType>(ctx.attr_int("output_datatype", static_cast<int64_t>(DType::Float)));
  if (t != DType::Float && t != DType::Double)
    ctx.error(fmt::format("output_datatype {} is not supported (float or double)", dtype_name(t)));
  return t;
}

Tensor real_tensor(DType dtype, Shape shape, const std::vector<double> &v) {
  Tensor t = make_tensor(dtype, std::move(shape));
  for (size_t i = 0; i < v.size(); ++i) {
    if (dtype == DType::Double) t.data<double>()[i] = v[i];
    else t.data<float>()[i] = static_cast<float>(v[i]);
  }
  return t;
}

int64_t scalar_int(const OpContext &ctx, size_t i, const char *name) {
  const Tensor &t = named_constant_input(ctx, i, name);
  ctx.require(t.count() == 1 && is_integer(t.dtype), fmt::format("input '{}' must hold one integer", name));
  return t.int_at(0);
}

// ---- Windows ---------------------------------------------------------------------

// w[n] = a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N), N = size (periodic) or size - 1.
struct WindowDef {
  const char *op;
  double a0, a1, a2;
};

const WindowDef kWindows[] = {
    {"HannWindow", 0.5, 0.5, 0.0},
    {"HammingWindow", 25.0 / 46.0, 21.0 / 46.0, 0.0},
    {"BlackmanWindow", 0.42, 0.5, 0.08},
};

int64_t window_size(const OpContext &ctx) {
  int64_t n = scalar_int(ctx, 0, "size");
  ctx.require(n >= 0 && n <= INT32_MAX, fmt::format("window size {} is out of range", n));
  return n;
}

void register_window(OpRegistry &r, const WindowDef &w) {
  OpDef def;
  def.op = w.op;
  def.attrs = {"output_datatype", "periodic"};
  def.infer = [](OpContext &ctx) { ctx.set_output(0, generated_dtype(ctx), {window_size(ctx)}); };
  def.fold = [w](OpContext &ctx) -> std::optional<std::vector<Tensor>> {
    int64_t size = window_size(ctx);
    double n_div = static_cast<double>(ctx.attr_int("periodic", 1) != 0 ? size : size - 1);
    std::vector<double> v(static_cast<size_t>(size));
    for (int64_t n = 0; n < size; ++n) {
      double x = n_div > 0 ? 2.0 * kPi * static_cast<double>(n) / n_div : 0.0;
      v[static_cast<size_t>(n)] = w.a0 - w.a1 * std::cos(x) + w.a2 * std::cos(2.0 * x);
    }
    return std::vector<Tensor>{real_tensor(generated_dtype(ctx), {size}, v)};
  };
  r.add(std::move(def));
}

// ---- MelWeightMatrix -------------------------------------------------------------

struct MelParams {
  int64_t bins, dft_length, sample_rate;
  double lower, upper;
};

MelParams mel_params(const OpContext &ctx) {
  MelParams p{scalar_int(ctx, 0, "num_mel_bins"), scalar_int(ctx, 1, "dft_length"), scalar_int(ctx, 2, "sample_rate"),
              0, 0};
  for (size_t i = 3; i < 5; ++i) {
    const Tensor &t = ctx.constant_input(i);
    ctx.require(t.count() == 1 && is_float(t.dtype), "the edge frequencies must be one float each");
    (i == 3 ? p.lower : p.upper) = t.double_at(0);
  }
  ctx.require(p.bins >= 1 && p.bins <= 65536 && p.dft_length >= 1 && p.dft_length <= INT32_MAX && p.sample_rate >= 1,
              "num_mel_bins, dft_length and sample_rate must be positive");
  ctx.require(p.lower >= 0 && p.upper > p.lower && p.upper <= p.sample_rate / 2.0,
              "need 0 <= lower_edge_hertz < upper_edge_hertz <= sample_rate / 2");
  return p;
}

void register_mel_weight_matrix(OpRegistry &r) {
  OpDef def;
  def.op = "MelWeightMatrix";
  def.attrs = {"output_datatype"};
  def.min_inputs = def.max_inputs = 5;
  def.infer = [](OpContext &ctx) {
    MelParams p = mel_params(ctx);
    ctx.set_output(0, generated_dtype(ctx), {p.dft_length / 2 + 1, p.bins});
  };
  // Triangular filters between bins + 2 points equally spaced on the mel scale,
  // each mapped to a spectrogram bin, as ONNX's reference computes them.
  def.fold = [](OpContext &ctx) -> std::optional<std::vector<Tensor>> {
    MelParams p = mel_params(ctx);
    int64_t rows = p.dft_length / 2 + 1;
    auto to_mel = [](double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); };
    double low = to_mel(p.lower), step = (to_mel(p.upper) - low) / static_cast<double>(p.bins + 2);
    std::vector<int64_t> points;
    for (int64_t i = 0; i < p.bins + 2; ++i) {
      double hz = 700.0 * (std::pow(10.0, (static_cast<double>(i) * step + low) / 2595.0) - 1.0);
      points.push_back(static_cast<int64_t>(
          std::floor(static_cast<double>(p.dft_length + 1) * hz / static_cast<double>(p.sample_rate))));
    }
    std::vector<double> v(static_cast<size_t>(rows * p.bins), 0.0);
    auto set = [&](int64_t j, int64_t i, double x) {
      if (j >= 0 && j < rows) v[static_cast<size_t>(j * p.bins + i)] = x;
    };
    for (int64_t i = 0; i < p.bins; ++i) {
      int64_t lo = points[static_cast<size_t>(i)], mid = points[static_cast<size_t>(i) + 1],
              hi = points[static_cast<size_t>(i) + 2];
      if (mid == lo) set(mid, i, 1.0);
      else
        for (int64_t j = lo; j <= mid; ++j) set(j, i, static_cast<double>(j - lo) / static_cast<double>(mid - lo));
      for (int64_t j = mid; j < hi; ++j) set(j, i, static_cast<double>(hi - j) / static_cast<double>(hi - mid));
    }
    return std::vector<Tensor>{real_tensor(generated_dtype(ctx), {rows, p.bins}, v)};
  };
  r.add(std::move(def));
}

// ---- DFT / STFT ------------------------------------------------------------------

enum DftMode { kForward = 0, kInverse = 1, kIrfft = 2 };  // AOTC_DFT_* in signal.c

struct DftPlan {
  int64_t axis = 0, length = 0, n_out = 0, c_out = 2;
  DftMode mode = kForward;
};

DftPlan plan_dft(const OpContext &ctx) {
  const Value &x = ctx.input(0);
  int64_t rank = static_cast<int64_t>(x.shape.size());
  ctx.require(rank >= 2 && (x.shape.back() == 1 || x.shape.back() == 2),
              "input must be [batch, ..., 1] (real) or [batch, ..., 2] (complex)");
  ctx.require(is_float(x.dtype), "input must be a float tensor");
  DftPlan p;
  int64_t axis = ctx.opset() >= 20 ? (ctx.has_input(2) ? scalar_int(ctx, 2, "axis") : -2) : ctx.attr_int("axis", 1);
  p.axis = ctx.axis(axis, rank);
  ctx.require(p.axis >= 1 && p.axis < rank - 1, fmt::format("axis {} must be a signal dim (not batch or the last)", axis));
  int64_t n = x.shape[static_cast<size_t>(p.axis)];
  bool inverse = ctx.attr_int("inverse", 0) != 0, onesided = ctx.attr_int("onesided", 0) != 0;
  p.mode = inverse ? (onesided ? kIrfft : kInverse) : kForward;
  p.length = p.mode == kIrfft ? 2 * (n - 1) : n;
  if (ctx.has_input(1)) p.length = scalar_int(ctx, 1, "dft_length");
  ctx.require(p.length >= 1 && p.length <= INT32_MAX, fmt::format("DFT length {} must be positive", p.length));
  if (onesided && !inverse) ctx.require(x.shape.back() == 1, "onesided needs a real input");
  p.n_out = p.mode == kForward && onesided ? p.length / 2 + 1 : p.length;
  p.c_out = p.mode == kIrfft ? 1 : 2;
  return p;
}

void register_dft(OpRegistry &r) {
  OpDef def;
  def.op = "DFT";
  def.attrs = {"axis", "inverse", "onesided"};
  def.max_inputs = 3;
  def.infer = [](OpContext &ctx) {
    DftPlan p = plan_dft(ctx);
    Shape out = ctx.input(0).shape;
    out[static_cast<size_t>(p.axis)] = p.n_out;
    out.back() = p.c_out;
    ctx.set_output(0, ctx.input(0).dtype, out);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0), &y = ctx.output(0);
    if (y.count() == 0) {
      ctx.call("aotc_copy").in(nullptr).out(&y).i(0);
      return;
    }
    DftPlan p = plan_dft(ctx);
    auto a = static_cast<std::ptrdiff_t>(p.axis);
    int64_t outer = num_elements(Shape(x.shape.begin(), x.shape.begin() + a));
    int64_t inner = num_elements(Shape(x.shape.begin() + a + 1, x.shape.end() - 1));
    int64_t n = x.shape[static_cast<size_t>(p.axis)];
    ctx.call(kernel_for(ctx, "dft", x.dtype))
        .in(&x)
        .in(nullptr)
        .out(&y)
        .i(outer)
        .i(n)
        .i(1)
        .i(0)
        .i(n)
        .i(inner)
        .i(x.shape.back())
        .i(p.length)
        .i(p.n_out)
        .i(p.mode);
  };
  r.add(std::move(def));
}

struct StftPlan {
  int64_t step = 0, length = 0, frames = 0, n_out = 0;
};

StftPlan plan_stft(const OpContext &ctx) {
  const Value &x = ctx.input(0);
  ctx.require(x.shape.size() == 3 && (x.shape[2] == 1 || x.shape[2] == 2),
              "signal must be [batch, length, 1] (real) or [batch, length, 2] (complex)");
  ctx.require(is_float(x.dtype), "signal must be a float tensor");
  StftPlan p;
  p.step = scalar_int(ctx, 1, "frame_step");
  ctx.require(p.step >= 1 && p.step <= INT32_MAX, "frame_step must be positive");
  if (ctx.has_input(2)) {
    const Value &w = ctx.input(2);
    ctx.require(w.shape.size() == 1 && w.dtype == x.dtype, "window must be a vector of the signal's type");
    p.length = w.shape[0];
  }
  if (ctx.has_input(3)) {
    int64_t fl = scalar_int(ctx, 3, "frame_length");
    ctx.require(!ctx.has_input(2) || fl == p.length, "frame_length must equal the window's length");
    p.length = fl;
  }
  ctx.require(ctx.has_input(2) || ctx.has_input(3), "one of window and frame_length is required");
  ctx.require(p.length >= 1 && p.length <= x.shape[1],
              fmt::format("frame length {} must be in 1..{} (the signal length)", p.length, x.shape[1]));
  bool onesided = ctx.attr_int("onesided", 1) != 0;
  if (onesided) ctx.require(x.shape[2] == 1, "onesided needs a real signal");
  p.frames = (x.shape[1] - p.length) / p.step + 1;
  p.n_out = onesided ? p.length / 2 + 1 : p.length;
  return p;
}

void register_stft(OpRegistry &r) {
  OpDef def;
  def.op = "STFT";
  def.attrs = {"onesided"};
  def.min_inputs = 2;
  def.max_inputs = 4;
  def.infer = [](OpContext &ctx) {
    StftPlan p = plan_stft(ctx);
    ctx.set_output(0, ctx.input(0).dtype, {ctx.input(0).shape[0], p.frames, p.n_out, 2});
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0), &y = ctx.output(0);
    if (y.count() == 0) {
      ctx.call("aotc_copy").in(nullptr).out(&y).i(0);
      return;
    }
    StftPlan p = plan_stft(ctx);
    ctx.call(kernel_for(ctx, "dft", x.dtype))
        .in(&x)
        .in(ctx.has_input(2) ? &ctx.input(2) : nullptr)
        .out(&y)
        .i(x.shape[0])
        .i(x.shape[1])
        .i(p.frames)
        .i(p.step)
        .i(p.length)
        .i(1)
        .i(x.shape[2])
        .i(p.length)
        .i(p.n_out)
        .i(kForward);
  };
  r.add(std::move(def));
}

}  // namespace

void register_signal_ops(OpRegistry &r) {
  for (const WindowDef &w : kWindows) register_window(r, w);
  register_mel_weight_matrix(r);
  register_dft(r);
  register_stft(r);
}

}  // namespace aotc
