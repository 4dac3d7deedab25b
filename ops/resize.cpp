// Resize (opsets 10 to 19) and Upsample (7, 9): nearest, linear and cubic
// interpolation, every coordinate_transformation_mode, antialias, axes and
// keep_aspect_ratio_policy. Scales, sizes and roi must be compile-time
// constants (shapes are static), so everything but the data is worked out
// here: per resized axis and output coordinate, the source indices and
// weights (ONNX's reference semantics, onnx/reference/ops/op_resize.py,
// computed in double). The kernels (runtime-c/kernels/resize.c) only gather:
//   - nearest: one pass over the output, one source index per axis and
//     coordinate (any dtype, element size taken as an argument);
//   - linear / cubic (f32): one separable pass per resized axis, innermost
//     axis first as the reference combines them, with a fixed number of taps
//     per axis; intermediates live in scratch.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "ops/op_util.h"

namespace aotc {

namespace {

enum class Mode { Nearest, Linear, Cubic };

// Everything the lowering needs, resolved from attributes and constant inputs.
struct ResizeSpec {
  Mode mode = Mode::Nearest;
  std::string ctm = "half_pixel";  // coordinate_transformation_mode
  std::string nearest_mode = "round_prefer_floor";
  double cubic_a = -0.75;
  bool exclude_outside = false;
  bool antialias = false;
  double extrapolation = 0.0;
  std::vector<double> scales;       // per dim of X
  std::vector<bool> scale_is_f32;   // scales came from a float tensor (not sizes)
  std::vector<double> roi;          // 2 * rank (starts, then ends), or empty
  Shape out;
};

Mode parse_mode(const OpContext &ctx, const std::string &m) {
  if (m == "nearest") return Mode::Nearest;
  if (m == "linear" || m == "bilinear" || m == "trilinear") return Mode::Linear;
  if (m == "cubic" || m == "bicubic") return Mode::Cubic;
  ctx.error(fmt::format("unsupported mode '{}' (nearest, linear or cubic)", m));
}

// A float input (scales, roi) as doubles; an empty tensor means absent.
std::optional<std::vector<double>> optional_floats_input(const OpContext &ctx, size_t i) {
  if (!ctx.has_input(i)) return std::nullopt;
  const Tensor &t = ctx.constant_input(i);
  if (t.count() == 0) return std::nullopt;
  ctx.require(is_float(t.dtype), fmt::format("input {} must be a float tensor", i));
  std::vector<double> v;
  for (int64_t k = 0; k < t.count(); ++k) v.push_back(t.double_at(k));
  return v;
}

ResizeSpec resolve(const OpContext &ctx) {
  const bool upsample = ctx.node().op == "Upsample";
  const Value &x = ctx.input(0);
  const int64_t r = static_cast<int64_t>(x.shape.size());
  ResizeSpec s;
  s.mode = parse_mode(ctx, ctx.attr_string("mode", "nearest"));
  std::optional<std::vector<double>> scales, roi;
  std::optional<std::vector<int64_t>> sizes;
  if (upsample || ctx.opset() < 11) {
    // Upsample and Resize-10: asymmetric coordinates, nearest rounds down.
    s.ctm = "asymmetric";
    s.nearest_mode = "floor";
    if (upsample && ctx.opset() < 9) {
      ctx.require(ctx.has_attr("scales"), "attribute 'scales' is required");
      std::vector<float> f = ctx.attr_floats("scales");
      scales = std::vector<double>(f.begin(), f.end());
    } else {
      ctx.require(ctx.has_input(1), "input 'scales' is required");
      scales = optional_floats_input(ctx, 1);
      ctx.require(scales.has_value(), "input 'scales' must not be empty");
    }
    ctx.require(s.mode != Mode::Cubic, "mode 'cubic' needs Resize opset 11 or later");
  } else {
    s.ctm = ctx.attr_string("coordinate_transformation_mode", "half_pixel");
    s.nearest_mode = ctx.attr_string("nearest_mode", "round_prefer_floor");
    s.cubic_a = ctx.attr_float("cubic_coeff_a", -0.75f);
    s.exclude_outside = ctx.attr_int("exclude_outside", 0) != 0;
    s.extrapolation = ctx.attr_float("extrapolation_value", 0.0f);
    s.antialias = ctx.attr_int("antialias", 0) != 0;
    roi = optional_floats_input(ctx, 1);
    scales = optional_floats_input(ctx, 2);
    if (ctx.has_input(3)) {
      const Tensor &t = ctx.constant_input(3);
      if (t.count() > 0) sizes = t.to_ints();
    }
    ctx.require(scales.has_value() != sizes.has_value(), "exactly one of 'scales' and 'sizes' must be given");
  }
  static const std::vector<std::string> kCtm = {"half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
                                                "asymmetric", "tf_crop_and_resize",   "tf_half_pixel_for_nn"};
  ctx.require(std::find(kCtm.begin(), kCtm.end(), s.ctm) != kCtm.end(),
              fmt::format("unsupported coordinate_transformation_mode '{}'", s.ctm));
  static const std::vector<std::string> kNearest = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};
  ctx.require(std::find(kNearest.begin(), kNearest.end(), s.nearest_mode) != kNearest.end(),
              fmt::format("unsupported nearest_mode '{}'", s.nearest_mode));
  ctx.require(!(s.antialias && s.mode == Mode::Nearest), "antialias is not defined for mode 'nearest'");

  std::vector<int64_t> axes;
  if (ctx.has_attr("axes")) {
    axes = ctx.attr_ints("axes");
    for (int64_t &a : axes) a = ctx.axis(a, r);
    std::vector<int64_t> sorted = axes;
    std::sort(sorted.begin(), sorted.end());
    ctx.require(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end(), "axes must not repeat");
  } else {
    for (int64_t a = 0; a < r; ++a) axes.push_back(a);
  }
  const size_t na = axes.size();

  s.scales.assign(static_cast<size_t>(r), 1.0);
  s.scale_is_f32.assign(static_cast<size_t>(r), false);
  s.out = x.shape;
  if (scales) {
    ctx.require(scales->size() == na, fmt::format("scales must have {} values, got {}", na, scales->size()));
    for (size_t i = 0; i < na; ++i) {
      const size_t d = static_cast<size_t>(axes[i]);
      const double sc = (*scales)[i];
      ctx.require(sc > 0 && std::isfinite(sc), fmt::format("scales must be positive, got {}", sc));
      s.scales[d] = sc;
      s.scale_is_f32[d] = true;
      s.out[d] = static_cast<int64_t>(std::floor(sc * static_cast<double>(x.shape[d])));
    }
  } else {
    ctx.require(sizes->size() == na, fmt::format("sizes must have {} values, got {}", na, sizes->size()));
    const std::string policy = ctx.attr_string("keep_aspect_ratio_policy", "stretch");
    ctx.require(policy == "stretch" || policy == "not_larger" || policy == "not_smaller",
                fmt::format("unsupported keep_aspect_ratio_policy '{}'", policy));
    for (size_t i = 0; i < na; ++i) {
      const size_t d = static_cast<size_t>(axes[i]);
      ctx.require((*sizes)[i] >= 0, "sizes must not be negative");
      ctx.require(x.shape[d] > 0, "sizes cannot resize an empty dimension");
      s.out[d] = (*sizes)[i];
      s.scales[d] = static_cast<double>((*sizes)[i]) / static_cast<double>(x.shape[d]);
    }
    if (policy != "stretch" && na > 0) {
      double sc = s.scales[static_cast<size_t>(axes[0])];
      for (int64_t a : axes) {
        const double v = s.scales[static_cast<size_t>(a)];
        sc = policy == "not_larger" ? std::min(sc, v) : std::max(sc, v);
      }
      for (int64_t a : axes) {
        const size_t d = static_cast<size_t>(a);
        s.scales[d] = sc;
        s.out[d] = static_cast<int64_t>(sc * static_cast<double>(x.shape[d]) + 0.5);
      }
    }
  }
  if (s.ctm == "tf_crop_and_resize") {
    ctx.require(roi.has_value(), "coordinate_transformation_mode 'tf_crop_and_resize' needs input 'roi'");
    ctx.require(roi->size() == 2 * na, fmt::format("roi must have {} values, got {}", 2 * na, roi->size()));
    s.roi.assign(static_cast<size_t>(2 * r), 0.0);
    for (int64_t d = 0; d < r; ++d) s.roi[static_cast<size_t>(r + d)] = 1.0;
    for (size_t i = 0; i < na; ++i) {
      const size_t d = static_cast<size_t>(axes[i]);
      s.roi[d] = (*roi)[i];
      s.roi[static_cast<size_t>(r) + d] = (*roi)[na + i];
    }
  }
  return s;
}

// The taps of one output coordinate along one axis: source indices (clamped
// to the input) and weights; `outside`: tf_crop_and_resize extrapolates.
struct Taps {
  std::vector<int64_t> index;
  std::vector<double> weight;
  bool outside = false;
};

std::vector<double> nearest_coeffs(double ratio, bool integer, const std::string &mode) {
  if (integer) return {0, 1};
  if (mode == "round_prefer_floor") return {ratio <= 0.5 ? 1.0 : 0.0, ratio > 0.5 ? 1.0 : 0.0};
  if (mode == "round_prefer_ceil") return {ratio < 0.5 ? 1.0 : 0.0, ratio >= 0.5 ? 1.0 : 0.0};
  if (mode == "floor") return {1, 0};
  return {0, 1};  // ceil
}

double cubic_kernel(double x, double a) {
  x = std::fabs(x);
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

std::vector<double> interp_coeffs(const ResizeSpec &s, double ratio, bool integer, double scale) {
  if (s.mode == Mode::Nearest) return nearest_coeffs(ratio, integer, s.nearest_mode);
  if (s.mode == Mode::Linear && !s.antialias) return {1 - ratio, ratio};
  if (s.mode == Mode::Cubic && !s.antialias) {
    const double a = s.cubic_a, r1 = ratio + 1, q = 1 - ratio, q1 = q + 1;
    return {((a * r1 - 5 * a) * r1 + 8 * a) * r1 - 4 * a, ((a + 2) * ratio - (a + 3)) * ratio * ratio + 1,
            ((a + 2) * q - (a + 3)) * q * q + 1, ((a * q1 - 5 * a) * q1 + 8 * a) * q1 - 4 * a};
  }
  // Antialias: downscaling stretches the filter by 1 / scale.
  scale = std::min(scale, 1.0);
  std::vector<double> c;
  if (s.mode == Mode::Linear) {
    const int64_t start = static_cast<int64_t>(std::floor(-1 / scale) + 1);
    const int64_t n = 2 - 2 * start;
    for (int64_t i = start; i < start + n; ++i)
      c.push_back(std::clamp(1 - std::fabs((static_cast<double>(i) - ratio) * scale), 0.0, 1.0));
  } else {
    const int64_t start = static_cast<int64_t>(std::floor(-2 / scale) + 1);
    for (int64_t i = start; i < 2 - start; ++i) c.push_back(cubic_kernel(scale * (static_cast<double>(i) - ratio), s.cubic_a));
  }
  double sum = 0;
  for (double v : c) sum += v;
  for (double &v : c) v /= sum;
  return c;
}

// Source coordinate of output coordinate j along an axis of `in` elements.
// Returns false if tf_crop_and_resize puts it outside the input.
bool source_coordinate(const ResizeSpec &s, size_t d, int64_t j, int64_t in, double &x_ori) {
  const double scale = s.scales[d];
  // The reference multiplies a float32 scale by the width in float32.
  double out_w = scale * static_cast<double>(in);
  if (s.scale_is_f32[d]) out_w = static_cast<double>(static_cast<float>(static_cast<float>(scale) * static_cast<float>(in)));
  const double x = static_cast<double>(j), fin = static_cast<double>(in);
  const std::string &m = s.ctm;
  if (m == "align_corners") {
    x_ori = out_w == 1 ? 0.0 : x * (fin - 1) / (out_w - 1);
  } else if (m == "asymmetric") {
    x_ori = x / scale;
  } else if (m == "tf_crop_and_resize") {
    const size_t r = s.scales.size();
    const double r0 = s.roi[d], r1 = s.roi[r + d];
    x_ori = out_w == 1 ? (r1 - r0) * (fin - 1) / 2 : x * (r1 - r0) * (fin - 1) / (out_w - 1);
    x_ori += r0 * (fin - 1);
    return !(x_ori < 0 || x_ori > fin - 1);
  } else if (m == "pytorch_half_pixel") {
    x_ori = out_w == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
  } else if (m == "half_pixel_symmetric") {
    const double adjustment = static_cast<double>(s.out[d]) / out_w;
    const double offset = fin / 2 * (1 - adjustment);
    x_ori = offset + (x + 0.5) / scale - 0.5;
  } else if (m == "tf_half_pixel_for_nn") {
    x_ori = (x + 0.5) / scale;
  } else {  // half_pixel
    x_ori = (x + 0.5) / scale - 0.5;
  }
  return true;
}

Taps axis_taps(const ResizeSpec &s, size_t d, int64_t j, int64_t in) {
  Taps t;
  double x_ori = 0;
  if (!source_coordinate(s, d, j, in, x_ori)) {
    t.outside = true;
    return t;
  }
  const double fl = std::floor(x_ori);
  const bool integer = x_ori == fl;
  const double ratio = integer ? 1.0 : x_ori - fl;
  std::vector<double> c = interp_coeffs(s, ratio, integer, s.scales[d]);
  const int64_t n = static_cast<int64_t>(c.size());
  // The n nearest indices to x_ori in the input padded by ceil(n / 2) edge
  // copies on both sides, the lower one first on ties.
  const int64_t pad = (n + 1) / 2, len = in + 2 * pad;
  const double y = x_ori + static_cast<double>(pad);
  int64_t first;
  if (y <= 0) {
    first = 0;
  } else if (y >= static_cast<double>(len - 1)) {
    first = len - n;
  } else {
    const int64_t fy = static_cast<int64_t>(std::floor(y));
    std::vector<int64_t> cand;
    for (int64_t i = std::max<int64_t>(0, fy - n - 1); i <= std::min(len - 1, fy + n + 1); ++i) cand.push_back(i);
    std::stable_sort(cand.begin(), cand.end(), [&](int64_t a, int64_t b) {
      const double da = std::fabs(y - static_cast<double>(a)), db = std::fabs(y - static_cast<double>(b));
      return da != db ? da < db : a < b;
    });
    first = *std::min_element(cand.begin(), cand.begin() + n);
  }
  for (int64_t k = 0; k < n; ++k) {
    const int64_t idx = first + k - pad;
    if (s.exclude_outside && s.mode != Mode::Nearest && (idx < 0 || idx >= in)) c[static_cast<size_t>(k)] = 0;
    t.index.push_back(std::clamp<int64_t>(idx, 0, in - 1));
  }
  if (s.exclude_outside && s.mode != Mode::Nearest) {
    double sum = 0;
    for (double v : c) sum += v;
    for (double &v : c) v /= sum;
  }
  t.weight = c;
  if (s.mode == Mode::Nearest) {  // one source: the tap of weight 1
    const int64_t pick = c[0] != 0 ? t.index[0] : t.index[1];
    t.index = {pick};
    t.weight = {1.0};
  }
  return t;
}

// Whether resizing an axis leaves it as it is: output j takes all its weight
// from input j.
bool identity_axis(const std::vector<Taps> &taps) {
  for (size_t j = 0; j < taps.size(); ++j) {
    const Taps &t = taps[j];
    if (t.outside) return false;
    double self = 0;
    for (size_t k = 0; k < t.index.size(); ++k) {
      if (t.index[k] == static_cast<int64_t>(j))
        self += t.weight[k];
      else if (t.weight[k] != 0)
        return false;
    }
    if (self != 1.0) return false;
  }
  return true;
}

// extrapolation_value as an element of `dtype`, as fill words for the nearest
// kernel; an error if it does not fit an integer type.
std::vector<int64_t> fill_words(const OpContext &ctx, DType dtype, double v) {
  std::vector<uint8_t> b(dtype_size(dtype), 0);
  auto put = [&](auto value) { std::memcpy(b.data(), &value, sizeof value); };
  auto put_int = [&](auto zero) {
    using T = decltype(zero);
    ctx.require(v >= static_cast<double>(std::numeric_limits<T>::min()) &&
                    v <= static_cast<double>(std::numeric_limits<T>::max()),
                fmt::format("extrapolation_value {} does not fit in {}", v, dtype_name(dtype)));
    put(static_cast<T>(v));
  };
  switch (dtype) {
    case DType::Float: put(static_cast<float>(v)); break;
    case DType::Double: put(v); break;
    case DType::Int8: put_int(int8_t{0}); break;
    case DType::UInt8: put_int(uint8_t{0}); break;
    case DType::Int16: put_int(int16_t{0}); break;
    case DType::UInt16: put_int(uint16_t{0}); break;
    case DType::Int32: put_int(int32_t{0}); break;
    case DType::UInt32: put_int(uint32_t{0}); break;
    // Past 2^63 the double bound rounds up: keep to the exactly representable range.
    case DType::Int64:
      ctx.require(std::fabs(v) < 9.2e18, fmt::format("extrapolation_value {} does not fit in int64", v));
      put(static_cast<int64_t>(v));
      break;
    case DType::UInt64:
      ctx.require(v >= 0 && v < 1.8e19, fmt::format("extrapolation_value {} does not fit in uint64", v));
      put(static_cast<uint64_t>(v));
      break;
    default:
      ctx.require(v == 0, fmt::format("extrapolation_value {} is not supported for {}", v, dtype_name(dtype)));
  }
  return value_words(b.data(), b.size());
}

void infer_resize(OpContext &ctx) {
  const Value &x = ctx.input(0);
  ctx.require(!x.shape.empty(), "X must have rank >= 1");
  ctx.require(x.shape.size() <= kMaxKernelRank, fmt::format("X has rank {}, more than {}", x.shape.size(), kMaxKernelRank));
  ResizeSpec s = resolve(ctx);
  ctx.set_output(0, x.dtype, s.out);
}

void lower_resize(LowerContext &ctx) {
  Value &x = ctx.input(0);
  Value &y = ctx.output(0);
  const ResizeSpec s = resolve(ctx);
  const size_t r = x.shape.size();

  // Taps of every axis that changes.
  std::vector<size_t> axes;
  std::vector<std::vector<Taps>> taps(r);
  for (size_t d = 0; d < r; ++d) {
    if (s.out[d] == 0 || x.shape[d] == 0) continue;
    for (int64_t j = 0; j < s.out[d]; ++j) taps[d].push_back(axis_taps(s, d, j, x.shape[d]));
    if (!(s.out[d] == x.shape[d] && identity_axis(taps[d]))) axes.push_back(d);
  }
  if (y.count() == 0) return;
  ctx.require(x.count() > 0, "cannot resize an empty X to a non-empty Y");
  if (axes.empty()) {
    ctx.alias(y, x);
    return;
  }

  if (s.mode == Mode::Nearest) {
    // One gather: per dim, the source offset (in elements) of each output
    // coordinate, -1 where tf_crop_and_resize extrapolates.
    std::vector<int64_t> in_strides = contiguous_strides(x.shape);
    std::vector<int64_t> table, starts;
    for (size_t d = 0; d < r; ++d) {
      starts.push_back(static_cast<int64_t>(table.size()));
      for (int64_t j = 0; j < s.out[d]; ++j) {
        int64_t src = j;
        if (!taps[d].empty()) {
          const Taps &t = taps[d][static_cast<size_t>(j)];
          src = t.outside ? -1 : t.index[0];
        }
        table.push_back(src < 0 ? -1 : src * in_strides[d]);
      }
    }
    ctx.call("aotc_resize_nearest")
        .in(&x)
        .out(&y)
        .i(static_cast<int64_t>(dtype_size(x.dtype)))
        .i(static_cast<int64_t>(r))
        .ints(y.shape)
        .ints(starts)
        .ints(table)
        .ints(fill_words(ctx, x.dtype, s.ctm == "tf_crop_and_resize" ? s.extrapolation : 0.0));  // only then used
    return;
  }

  ctx.require(x.dtype == DType::Float,
              fmt::format("mode linear / cubic supports float32 X, not {}", dtype_name(x.dtype)));
  // The taps of axis d as the kernels take them: `ntaps` per output
  // coordinate (padded with weight-0 taps), the first index -1 where
  // tf_crop_and_resize extrapolates; an axis left alone takes its own index.
  auto flat_taps = [&](size_t d, std::vector<int64_t> &idx, std::vector<double> &w) {
    const bool resized = std::find(axes.begin(), axes.end(), d) != axes.end();
    size_t ntaps = 1;
    if (resized)
      for (const Taps &t : taps[d]) ntaps = std::max(ntaps, t.index.size());
    for (int64_t j = 0; j < s.out[d]; ++j) {
      const Taps *t = resized ? &taps[d][static_cast<size_t>(j)] : nullptr;
      for (size_t k = 0; k < ntaps; ++k) {
        if (!t) {
          idx.push_back(j);
          w.push_back(1);
        } else if (t->outside) {
          idx.push_back(k == 0 ? -1 : 0);
          w.push_back(0);
        } else if (k < t->index.size()) {
          idx.push_back(t->index[k]);
          w.push_back(t->weight[k]);
        } else {
          idx.push_back(t->index[0]);
          w.push_back(0);
        }
      }
    }
    return static_cast<int64_t>(ntaps);
  };

  // Only the last two axes change (images): one kernel, a few rows of scratch.
  if (axes.front() + 2 >= r) {
    const size_t dw = r - 1;
    int64_t planes = 1;
    for (size_t k = 0; k + 2 < r; ++k) planes *= x.shape[k];
    int64_t in_h = 1, out_h = 1, taps_h = 1;
    std::vector<int64_t> idx_h = {0}, idx_w;
    std::vector<double> w_h = {1.0}, w_w;
    if (r >= 2) {
      idx_h.clear();
      w_h.clear();
      in_h = x.shape[r - 2];
      out_h = s.out[r - 2];
      taps_h = flat_taps(r - 2, idx_h, w_h);
    }
    const int64_t taps_w = flat_taps(dw, idx_w, w_w);
    ctx.call("aotc_resize2d_f32")
        .in(&x)
        .out(&y)
        .scratch(static_cast<size_t>(taps_h * (s.out[dw] + 1)) * sizeof(float))  // rows and their tags
        .i(planes)
        .i(in_h)
        .i(x.shape[dw])
        .i(out_h)
        .i(s.out[dw])
        .i(taps_h)
        .ints(idx_h)
        .floats(w_h)
        .i(taps_w)
        .ints(idx_w)
        .floats(w_w)
        .f(s.extrapolation);
    return;
  }

  // Otherwise separable passes, innermost axis first. Pass p reads the
  // previous pass's result and writes scratch buffer p % 2 (the last one Y).
  std::reverse(axes.begin(), axes.end());
  Shape cur = x.shape;
  std::vector<int64_t> pass, idx;
  std::vector<double> w;
  int64_t buf_size[2] = {0, 0};
  for (size_t p = 0; p < axes.size(); ++p) {
    const size_t d = axes[p];
    int64_t outer = 1, inner = 1;
    for (size_t k = 0; k < d; ++k) outer *= cur[k];
    for (size_t k = d + 1; k < r; ++k) inner *= cur[k];
    const int64_t offset = static_cast<int64_t>(idx.size());
    const int64_t ntaps = flat_taps(d, idx, w);
    pass.insert(pass.end(), {outer, cur[d], s.out[d], inner, ntaps, offset});
    cur[d] = s.out[d];
    if (p + 1 < axes.size()) buf_size[p % 2] = std::max(buf_size[p % 2], num_elements(cur));
  }
  KernelCall &call = ctx.call("aotc_resize_f32").in(&x).out(&y);
  if (axes.size() > 1)
    call.scratch(static_cast<size_t>(buf_size[0] + buf_size[1]) * sizeof(float));
  else
    call.in(nullptr);  // one pass: no scratch
  call.i(static_cast<int64_t>(axes.size()))
      .i(buf_size[0])
      .ints(pass)
      .ints(idx)
      .floats(w)
      .f(s.extrapolation);
}

void register_resize(OpRegistry &r) {
  OpDef def;
  def.op = "Resize";
  def.attrs = {"antialias",           "axes",          "coordinate_transformation_mode", "cubic_coeff_a",
               "exclude_outside",     "extrapolation_value", "keep_aspect_ratio_policy", "mode",
               "nearest_mode"};
  def.min_inputs = 1;
  def.max_inputs = 4;
  def.infer = infer_resize;
  def.lower = lower_resize;
  r.add(std::move(def));
}

void register_upsample(OpRegistry &r) {
  OpDef def;
  def.op = "Upsample";
  def.attrs = {"mode", "scales"};
  def.min_inputs = 1;
  def.max_inputs = 2;
  def.infer = infer_resize;
  def.lower = lower_resize;
  r.add(std::move(def));
}

}  // namespace

void register_resize_ops(OpRegistry &r) {
  register_resize(r);
  register_upsample(r);
}

}  // namespace aotc
