// Sliding-window geometry shared by Conv, ConvTranspose and the pooling ops:
// reads kernel/strides/dilations/pads/auto_pad (and ceil_mode for pooling),
// validates them and computes the output spatial shape and the begin pads.
//
// The kernels work on 3 spatial dims: lower-rank ops are padded with leading
// size-1 dims (to3d), so one kernel serves 1D, 2D and 3D windows.
#pragma once
#include <fmt/format.h>

#include <string>
#include <vector>

#include "ops/op.h"

namespace aotc {

struct WindowGeometry {
  int64_t nsp = 0;  ///< number of spatial dims
  std::vector<int64_t> in, kernel, strides, dilations, pad_begin, pad_end, out;
};

/// `in` are the spatial input dims, `kernel` the window size. `ceil_mode` is
/// the pooling attribute (false for Conv). The attributes are read with
/// `prefix` in front of their names (aotc.FusedConvMaxPool's "pool_").
inline WindowGeometry window_geometry(const OpContext &ctx, const std::vector<int64_t> &in,
                                      const std::vector<int64_t> &kernel, bool ceil_mode,
                                      const std::string &prefix = "") {
  WindowGeometry g;
  const size_t n = in.size();
  g.nsp = static_cast<int64_t>(n);
  g.in = in;
  g.kernel = kernel;
  if (kernel.size() != n)
    ctx.error(fmt::format("kernel_shape has {} dims, the input has {} spatial dims", kernel.size(), n));
  g.strides = ctx.attr_ints(prefix + "strides", std::vector<int64_t>(n, 1));
  g.dilations = ctx.attr_ints(prefix + "dilations", std::vector<int64_t>(n, 1));
  std::vector<int64_t> pads = ctx.attr_ints(prefix + "pads", std::vector<int64_t>(2 * n, 0));
  ctx.require(g.strides.size() == n, fmt::format("strides must have {} values", n));
  ctx.require(g.dilations.size() == n, fmt::format("dilations must have {} values", n));
  ctx.require(pads.size() == 2 * n, fmt::format("pads must have {} values", 2 * n));
  std::string auto_pad = ctx.attr_string(prefix + "auto_pad", "NOTSET");
  if (auto_pad.empty()) auto_pad = "NOTSET";
  if (auto_pad != "NOTSET" && auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER" && auto_pad != "VALID")
    ctx.error(fmt::format("unknown auto_pad '{}'", auto_pad));
  g.pad_begin.assign(n, 0);
  g.pad_end.assign(n, 0);
  g.out.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    int64_t k = kernel[i], s = g.strides[i], d = g.dilations[i], x = in[i];
    if (k < 1) ctx.error("kernel dims must be >= 1");
    if (s < 1) ctx.error("strides must be >= 1");
    if (d < 1) ctx.error("dilations must be >= 1");
    // Kernel arguments are 32-bit; this also keeps the arithmetic below from overflowing.
    if (k > INT32_MAX || s > INT32_MAX || d > INT32_MAX || x > INT32_MAX)
      ctx.error(fmt::format("kernel {}, stride {}, dilation {} or input size {} is too large", k, s, d, x));
    int64_t span = (k - 1) * d + 1;  // extent of one dilated window
    if (auto_pad == "NOTSET") {
      int64_t pb = pads[i], pe = pads[i + n];
      if (pb < 0 || pe < 0) ctx.error("pads must be >= 0");
      if (pb > INT32_MAX || pe > INT32_MAX) ctx.error("pads are too large");
      int64_t total = x + pb + pe - span;
      if (total < 0)
        ctx.error(fmt::format("window (size {}) is larger than the padded input ({}) on spatial axis {}", span,
                              x + pb + pe, i));
      int64_t o = total / s + 1;
      if (ceil_mode) {
        o = (total + s - 1) / s + 1;
        // A window that would start in the end padding is dropped.
        if ((o - 1) * s >= x + pb) --o;
      }
      g.out[i] = o;
      g.pad_begin[i] = pb;
      g.pad_end[i] = pe;
    } else if (auto_pad == "VALID") {
      if (x < span)
        ctx.error(fmt::format("window (size {}) is larger than the input ({}) on spatial axis {}", span, x, i));
      g.out[i] = (x - span) / s + 1;
    } else {
      int64_t o = (x + s - 1) / s;
      int64_t total = std::max<int64_t>(0, (o - 1) * s + span - x);
      g.out[i] = o;
      g.pad_begin[i] = auto_pad == "SAME_UPPER" ? total / 2 : (total + 1) / 2;
      g.pad_end[i] = total - g.pad_begin[i];
    }
  }
  return g;
}

/// Pads a per-spatial-dim vector to 3 dims with leading `fill` values.
inline std::vector<int64_t> to3d(const std::vector<int64_t> &v, int64_t fill) {
  std::vector<int64_t> r(3 - v.size(), fill);
  r.insert(r.end(), v.begin(), v.end());
  return r;
}

}  // namespace aotc
