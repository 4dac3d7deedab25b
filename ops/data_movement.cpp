// Data movement ops: Transpose, Concat, Split, Slice, Expand, Tile,
// DepthToSpace, SpaceToDepth, Pad, CenterCropPad, Gather, GatherElements,
// ReverseSequence.
//
// They are all dtype agnostic: the kernels in runtime-c/kernels/transform.c
// move elements of a given byte size. Most of these ops are one strided copy
// (aotc_copy_strided), whose dims, strides and offsets are worked out here at
// compile time and simplified (size-1 dims dropped, contiguous runs merged) so
// that the kernel mostly runs memcpy rows or a tiled 2-D transpose.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "ops/op_util.h"

namespace aotc {

namespace {

constexpr int kMaxRank = 8;  // AOTC_MAX_RANK in kernel_common.h

// An empty output still needs a writer for the memory planner: a 0-byte copy.
void write_empty(LowerContext &ctx, Value &y) { ctx.call("aotc_copy").in(nullptr).out(&y).i(0); }

int64_t elem_size(const OpContext &ctx, const Value &v) {
  size_t size = dtype_size(v.dtype);
  if (size == 0 || dtype_info(v.dtype).c_type == nullptr)
    ctx.error(fmt::format("element type {} is not supported", dtype_name(v.dtype)));
  return static_cast<int64_t>(size);
}

// Emits y[y_off + i.ys] = x[x_off + i.xs] over `dims` (strides in elements).
// A copy that maps all of x onto all of y unchanged becomes an alias.
void emit_strided_copy(LowerContext &ctx, Value &x, Value &y, const Shape &dims, const std::vector<int64_t> &xs,
                       const std::vector<int64_t> &ys, int64_t x_off = 0, int64_t y_off = 0) {
  if (num_elements(dims) == 0) {
    if (y.count() == 0) write_empty(ctx, y);
    return;
  }
  // Drop size-1 dims and merge dims that are contiguous in both x and y.
  Shape d;
  std::vector<int64_t> sx, sy;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == 1) continue;
    if (!d.empty() && sx.back() == xs[i] * dims[i] && sy.back() == ys[i] * dims[i]) {
      d.back() *= dims[i];
      sx.back() = xs[i];
      sy.back() = ys[i];
      continue;
    }
    d.push_back(dims[i]);
    sx.push_back(xs[i]);
    sy.push_back(ys[i]);
  }
  if (d.empty()) {
    d = {1};
    sx = {1};
    sy = {1};
  }
  size_t r = d.size();
  if (r == 1 && sx[0] == 1 && sy[0] == 1 && x_off == 0 && y_off == 0 && d[0] == x.count() && d[0] == y.count() &&
      x.dtype == y.dtype) {
    ctx.alias(y, x);
    return;
  }
  // A transpose: y is contiguous along the last dim, x along another one. Put
  // that dim second to last (a copy may visit elements in any order) and let
  // the kernel copy square tiles of the two.
  int64_t tile = 0;
  if (r >= 2 && sy[r - 1] == 1 && sx[r - 1] != 1 && sx[r - 1] != 0 && d[r - 1] >= 4) {
    for (size_t p = 0; p + 1 < r; ++p) {
      if (sx[p] != 1 || d[p] < 4) continue;
      auto move = [&](auto &v) {
        auto item = v[p];
        v.erase(v.begin() + static_cast<std::ptrdiff_t>(p));
        v.insert(v.begin() + static_cast<std::ptrdiff_t>(r - 2), item);
      };
      move(d);
      move(sx);
      move(sy);
      tile = 1;
      break;
    }
  }
  if (r > static_cast<size_t>(kMaxRank))
    ctx.error(fmt::format("copy needs {} dimensions after simplification; at most {} are supported", r, kMaxRank));
  ctx.call("aotc_copy_strided")
      .in(&x)
      .out(&y)
      .i(elem_size(ctx, x))
      .i(static_cast<int64_t>(r))
      .ints(d)
      .ints(sx)
      .ints(sy)
      .i(x_off)
      .i(y_off)
      .i(tile);
}

// y = x with dims permuted (x viewed as `in_shape`, y contiguous).
void emit_transpose(LowerContext &ctx, Value &x, Value &y, const Shape &in_shape, const std::vector<int64_t> &perm) {
  std::vector<int64_t> in_strides = contiguous_strides(in_shape);
  Shape out_dims;
  std::vector<int64_t> xs;
  for (int64_t p : perm) {
    out_dims.push_back(in_shape[static_cast<size_t>(p)]);
    xs.push_back(in_strides[static_cast<size_t>(p)]);
  }
  emit_strided_copy(ctx, x, y, out_dims, xs, contiguous_strides(out_dims));
}

void require_same_dtype(const OpContext &ctx, const Value &a, const Value &b) {
  if (a.dtype != b.dtype)
    ctx.error(fmt::format("inputs have different element types ({} and {})", dtype_name(a.dtype), dtype_name(b.dtype)));
}

// ---- Transpose ---------------------------------------------------------------

std::vector<int64_t> transpose_perm(const OpContext &ctx) {
  int64_t rank = static_cast<int64_t>(ctx.input(0).shape.size());
  std::vector<int64_t> perm(static_cast<size_t>(rank));
  std::iota(perm.rbegin(), perm.rend(), 0);
  if (ctx.has_attr("perm")) perm = ctx.attr_ints("perm");
  ctx.require(static_cast<int64_t>(perm.size()) == rank,
              fmt::format("perm has {} entries but the input has rank {}", perm.size(), rank));
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int64_t &p : perm) {
    p = ctx.axis(p, rank);
    ctx.require(!seen[static_cast<size_t>(p)], "perm is not a permutation");
    seen[static_cast<size_t>(p)] = true;
  }
  return perm;
}

void register_transpose(OpRegistry &r) {
  OpDef def;
  def.op = "Transpose";
  def.attrs = {"perm"};
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    Shape out;
    for (int64_t p : transpose_perm(ctx)) out.push_back(x.shape[static_cast<size_t>(p)]);
    ctx.set_output(0, x.dtype, out);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    emit_transpose(ctx, x, ctx.output(0), x.shape, transpose_perm(ctx));
  };
  r.add(std::move(def));
}

// ---- Concat / Split ----------------------------------------------------------

int64_t concat_axis(const OpContext &ctx) {
  int64_t rank = static_cast<int64_t>(ctx.input(0).shape.size());
  // Opsets before 4 defaulted axis to 1.
  int64_t axis = ctx.opset() < 4 ? ctx.attr_int("axis", 1) : ctx.attr_int("axis");
  ctx.require(rank >= 1, "Concat inputs must have rank >= 1");
  return ctx.axis(axis, rank);
}

void register_concat(OpRegistry &r) {
  OpDef def;
  def.op = "Concat";
  def.attrs = {"axis"};
  def.max_inputs = std::numeric_limits<int>::max();
  def.infer = [](OpContext &ctx) {
    Value &x0 = ctx.input(0);
    size_t axis = static_cast<size_t>(concat_axis(ctx));
    Shape out = x0.shape;
    out[axis] = 0;
    for (size_t i = 0; i < ctx.num_inputs(); ++i) {
      Value &x = ctx.input(i);
      require_same_dtype(ctx, x0, x);
      bool ok = x.shape.size() == out.size();
      for (size_t d = 0; ok && d < out.size(); ++d) ok = d == axis || x.shape[d] == out[d];
      if (!ok)
        ctx.error(fmt::format("input {} has shape {}, which does not match {} outside axis {}", i,
                              shape_str(x.shape), shape_str(x0.shape), axis));
      out[axis] += x.shape[axis];
    }
    ctx.set_output(0, x0.dtype, out);
  };
  def.lower = [](LowerContext &ctx) {
    Value &y = ctx.output(0);
    size_t axis = static_cast<size_t>(concat_axis(ctx));
    int64_t outer = num_elements(Shape(y.shape.begin(), y.shape.begin() + static_cast<std::ptrdiff_t>(axis)));
    int64_t inner = num_elements(Shape(y.shape.begin() + static_cast<std::ptrdiff_t>(axis) + 1, y.shape.end()));
    int64_t row = y.shape[axis] * inner, offset = 0;
    for (size_t i = 0; i < ctx.num_inputs(); ++i) {
      Value &x = ctx.input(i);
      int64_t n = x.shape[axis] * inner;
      const size_t steps = ctx.steps().size();
      emit_strided_copy(ctx, x, y, {outer, n}, {n, 1}, {row, 1}, 0, offset);
      // Along the outermost axis (a channel Concat of one image) each input is one piece of y, which
      // the memory planner may have the input's producer write in place (SqueezeNet's Fire modules).
      if (outer == 1 && ctx.steps().size() == steps + 1 && !ctx.steps().back().is_alias())
        ctx.steps().back().call.copies_into_slice(&x, static_cast<size_t>(offset) * dtype_size(y.dtype));
      offset += n;
    }
  };
  r.add(std::move(def));
}

// Sizes of Split's outputs along the axis.
std::vector<int64_t> split_sizes(const OpContext &ctx, int64_t axis) {
  ctx.require(!ctx.input(0).shape.empty(), "cannot split a scalar");
  int64_t dim = ctx.input(0).shape[static_cast<size_t>(axis)];
  int64_t n = static_cast<int64_t>(ctx.node().outputs.size());
  std::optional<std::vector<int64_t>> split;
  if (ctx.opset() < 13) {
    if (ctx.has_attr("split")) split = ctx.attr_ints("split");
    else if (ctx.num_inputs() > 1) split = ctx.optional_ints_input(1);  // opset 2 allowed it as an input
  } else {
    split = ctx.optional_ints_input(1);
  }
  if (split) {
    ctx.require(!ctx.has_attr("num_outputs"), "'split' and 'num_outputs' cannot both be given");
    ctx.require(static_cast<int64_t>(split->size()) == n,
                fmt::format("split has {} entries for {} outputs", split->size(), n));
    int64_t total = 0;
    for (int64_t s : *split) {
      ctx.require(s >= 0, "split sizes must be >= 0");
      ctx.require(!__builtin_add_overflow(total, s, &total), "split sizes are too large");
    }
    ctx.require(total == dim, fmt::format("split sizes add up to {}, but the axis has size {}", total, dim));
    return *split;
  }
  if (ctx.has_attr("num_outputs")) {
    int64_t k = ctx.attr_int("num_outputs");
    ctx.require(k == n, fmt::format("num_outputs is {} but the node has {} outputs", k, n));
  }
  ctx.require(n >= 1, "Split needs at least one output");
  if (ctx.opset() >= 18) {
    // Equal chunks of ceil(dim / n); the last one takes what is left.
    int64_t chunk = (dim + n - 1) / n;
    std::vector<int64_t> sizes;
    int64_t left = dim;
    for (int64_t i = 0; i < n; ++i) {
      sizes.push_back(std::min(chunk, left));
      left -= sizes.back();
    }
    return sizes;
  }
  ctx.require(dim % n == 0, fmt::format("axis of size {} cannot be split into {} equal parts", dim, n));
  return std::vector<int64_t>(static_cast<size_t>(n), dim / n);
}

void register_split(OpRegistry &r) {
  OpDef def;
  def.op = "Split";
  def.attrs = {"axis", "split", "num_outputs"};
  def.max_inputs = 2;
  def.max_outputs = std::numeric_limits<int>::max();
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    int64_t axis = ctx.axis(ctx.attr_int("axis", 0), static_cast<int64_t>(x.shape.size()));
    std::vector<int64_t> sizes = split_sizes(ctx, axis);
    for (size_t i = 0; i < sizes.size(); ++i) {
      Shape s = x.shape;
      s[static_cast<size_t>(axis)] = sizes[i];
      ctx.set_output(i, x.dtype, s);
    }
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    int64_t axis = ctx.axis(ctx.attr_int("axis", 0), static_cast<int64_t>(x.shape.size()));
    std::vector<int64_t> sizes = split_sizes(ctx, axis);
    auto a = static_cast<size_t>(axis);
    int64_t outer = num_elements(Shape(x.shape.begin(), x.shape.begin() + static_cast<std::ptrdiff_t>(a)));
    int64_t inner = num_elements(Shape(x.shape.begin() + static_cast<std::ptrdiff_t>(a) + 1, x.shape.end()));
    int64_t row = x.shape[a] * inner, offset = 0;
    for (size_t i = 0; i < sizes.size(); ++i) {
      int64_t n = sizes[i] * inner;
      if (ctx.has_output(i)) emit_strided_copy(ctx, x, ctx.output(i), {outer, n}, {row, 1}, {n, 1}, offset, 0);
      offset += n;
    }
  };
  r.add(std::move(def));
}

// ---- Slice -------------------------------------------------------------------

// Per input dim: first index, step and count of the slice.
struct SlicePlan {
  std::vector<int64_t> start, step, count;
};

SlicePlan plan_slice(const OpContext &ctx) {
  const Shape &shape = ctx.input(0).shape;
  int64_t rank = static_cast<int64_t>(shape.size());
  std::vector<int64_t> starts, ends, axes, steps;
  if (ctx.opset() < 10) {
    starts = ctx.attr_ints("starts");
    ends = ctx.attr_ints("ends");
    ctx.require(ctx.has_attr("starts") && ctx.has_attr("ends"), "attributes 'starts' and 'ends' are required");
    if (ctx.has_attr("axes")) axes = ctx.attr_ints("axes");
  } else {
    starts = ctx.constant_input(1).to_ints();
    ends = ctx.constant_input(2).to_ints();
    if (auto a = ctx.optional_ints_input(3)) axes = *a;
    if (auto s = ctx.optional_ints_input(4)) steps = *s;
  }
  ctx.require(starts.size() == ends.size(), "starts and ends have different lengths");
  if (axes.empty()) {
    axes.resize(starts.size());
    std::iota(axes.begin(), axes.end(), 0);
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  ctx.require(axes.size() == starts.size() && steps.size() == starts.size(),
              "starts, ends, axes and steps must have the same length");
  SlicePlan plan;
  plan.start.assign(static_cast<size_t>(rank), 0);
  plan.step.assign(static_cast<size_t>(rank), 1);
  plan.count = shape;
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (size_t i = 0; i < axes.size(); ++i) {
    auto a = static_cast<size_t>(ctx.axis(axes[i], rank));
    ctx.require(!seen[a], "axes contain a duplicate");
    seen[a] = true;
    int64_t dim = shape[a], start = starts[i], end = ends[i], step = steps[i];
    ctx.require(step != 0 && step != std::numeric_limits<int64_t>::min(), fmt::format("invalid slice step {}", step));
    if (start < 0) start += dim;
    if (end < 0) end += dim;
    int64_t count = 0;
    if (dim > 0) {
      // Clamping as the ONNX spec describes it, then the element count.
      if (step > 0) {
        start = std::clamp<int64_t>(start, 0, dim);
        end = std::clamp<int64_t>(end, 0, dim);
        count = end > start ? 1 + (end - start - 1) / step : 0;
      } else {
        start = std::clamp<int64_t>(start, 0, dim - 1);
        end = std::clamp<int64_t>(end, -1, dim - 1);
        count = start > end ? 1 + (start - end - 1) / -step : 0;
      }
    }
    plan.start[a] = count > 0 ? start : 0;
    plan.step[a] = count > 1 ? step : 1;  // a huge step matters only for counts > 1
    plan.count[a] = count;
  }
  return plan;
}

void register_slice(OpRegistry &r) {
  OpDef def;
  def.op = "Slice";
  def.attrs = {"starts", "ends", "axes"};
  def.max_inputs = 5;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    if (ctx.opset() >= 10) ctx.require(ctx.num_inputs() >= 3, "inputs 'starts' and 'ends' are required");
    ctx.set_output(0, x.dtype, plan_slice(ctx).count);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    Value &y = ctx.output(0);
    SlicePlan plan = plan_slice(ctx);
    std::vector<int64_t> in_strides = contiguous_strides(x.shape), xs;
    int64_t offset = 0;
    for (size_t d = 0; d < x.shape.size(); ++d) {
      offset += plan.start[d] * in_strides[d];
      xs.push_back(plan.step[d] * in_strides[d]);
    }
    emit_strided_copy(ctx, x, y, plan.count, xs, contiguous_strides(plan.count), offset, 0);
  };
  r.add(std::move(def));
}

// ---- Expand / Tile -------------------------------------------------------------

void register_expand(OpRegistry &r) {
  OpDef def;
  def.op = "Expand";
  def.min_inputs = def.max_inputs = 2;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    Shape shape = ctx.constant_input(1).to_ints();
    ctx.set_output(0, x.dtype, broadcast_shapes(ctx, {x.shape, shape}));
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    Value &y = ctx.output(0);
    emit_strided_copy(ctx, x, y, y.shape, broadcast_strides(x.shape, y.shape), contiguous_strides(y.shape));
  };
  r.add(std::move(def));
}

std::vector<int64_t> tile_repeats(const OpContext &ctx) {
  int64_t rank = static_cast<int64_t>(ctx.input(0).shape.size());
  if (ctx.opset() < 6) {
    // Tile-1: inputs (input, tiles, axis) repeat one axis `tiles` times.
    ctx.require(ctx.num_inputs() == 3, "Tile-1 takes inputs 'tiles' and 'axis'");
    ctx.require(ctx.constant_input(1).count() == 1 && ctx.constant_input(2).count() == 1,
                "tiles and axis must be scalars");
    std::vector<int64_t> repeats(static_cast<size_t>(rank), 1);
    int64_t axis = ctx.axis(ctx.constant_input(2).int_at(0), rank);
    repeats[static_cast<size_t>(axis)] = ctx.constant_input(1).int_at(0);
    ctx.require(repeats[static_cast<size_t>(axis)] >= 0, "tiles must be >= 0");
    return repeats;
  }
  ctx.require(ctx.num_inputs() == 2, "Tile takes inputs 'input' and 'repeats'");
  std::vector<int64_t> repeats = ctx.constant_input(1).to_ints();
  ctx.require(repeats.size() == ctx.input(0).shape.size(),
              fmt::format("repeats has {} entries but the input has rank {}", repeats.size(), ctx.input(0).shape.size()));
  for (int64_t k : repeats) ctx.require(k >= 0, "repeats must be >= 0");
  return repeats;
}

void register_tile(OpRegistry &r) {
  OpDef def;
  def.op = "Tile";
  def.min_inputs = 2;
  def.max_inputs = 3;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    std::vector<int64_t> repeats = tile_repeats(ctx);
    Shape out = x.shape;
    for (size_t d = 0; d < out.size(); ++d)
      ctx.require(!__builtin_mul_overflow(out[d], repeats[d], &out[d]), "repeats are too large");
    ctx.set_output(0, x.dtype, out);
  };
  def.lower = [](LowerContext &ctx) {
    // Each dim d becomes (repeat, size): x strides (0, stride), y contiguous.
    Value &x = ctx.input(0);
    Value &y = ctx.output(0);
    std::vector<int64_t> repeats = tile_repeats(ctx);
    std::vector<int64_t> in_strides = contiguous_strides(x.shape);
    Shape dims;
    std::vector<int64_t> xs;
    for (size_t d = 0; d < x.shape.size(); ++d) {
      dims.insert(dims.end(), {repeats[d], x.shape[d]});
      xs.insert(xs.end(), {0, in_strides[d]});
    }
    emit_strided_copy(ctx, x, y, dims, xs, contiguous_strides(dims));
  };
  r.add(std::move(def));
}

// ---- DepthToSpace / SpaceToDepth ----------------------------------------------

// Both are a reshape to 6-D, a transpose and a reshape back.
struct BlockPlan {
  Shape view;
  std::vector<int64_t> perm;
  Shape out;
};

BlockPlan plan_block(const OpContext &ctx, bool depth_to_space) {
  const Shape &s = ctx.input(0).shape;
  ctx.require(s.size() == 4, "input must have rank 4 (N, C, H, W)");
  int64_t b = ctx.attr_int("blocksize");
  ctx.require(b >= 1 && b <= 65535, "blocksize must be in 1..65535");
  for (int64_t d : s) ctx.require(d <= INT32_MAX, "input dims must fit in 32 bits");
  int64_t n = s[0], c = s[1], h = s[2], w = s[3];
  BlockPlan p;
  if (depth_to_space) {
    ctx.require(c % (b * b) == 0, "channels must be a multiple of blocksize^2");
    std::string mode = ctx.attr_string("mode", "DCR");
    if (mode == "DCR") {
      p.view = {n, b, b, c / (b * b), h, w};
      p.perm = {0, 3, 4, 1, 5, 2};
    } else if (mode == "CRD") {
      p.view = {n, c / (b * b), b, b, h, w};
      p.perm = {0, 1, 4, 2, 5, 3};
    } else {
      ctx.error(fmt::format("unknown mode '{}'", mode));
    }
    p.out = {n, c / (b * b), h * b, w * b};
  } else {
    ctx.require(h % b == 0 && w % b == 0, "height and width must be multiples of blocksize");
    p.view = {n, c, h / b, b, w / b, b};
    p.perm = {0, 3, 5, 1, 2, 4};
    p.out = {n, c * b * b, h / b, w / b};
  }
  return p;
}

void register_block_op(OpRegistry &r, const char *op, bool depth_to_space) {
  OpDef def;
  def.op = op;
  def.attrs = {"blocksize"};
  if (depth_to_space) def.attrs.push_back("mode");
  def.infer = [depth_to_space](OpContext &ctx) {
    ctx.set_output(0, ctx.input(0).dtype, plan_block(ctx, depth_to_space).out);
  };
  def.lower = [depth_to_space](LowerContext &ctx) {
    BlockPlan p = plan_block(ctx, depth_to_space);
    emit_transpose(ctx, ctx.input(0), ctx.output(0), p.view, p.perm);
  };
  r.add(std::move(def));
}

// ---- Pad -----------------------------------------------------------------------

// Converts a double to one element of `dtype` (Pad's opset < 11 float 'value').
std::vector<uint8_t> scalar_bytes(const OpContext &ctx, DType dtype, double v) {
  std::vector<uint8_t> out(dtype_size(dtype));
  auto put = [&](auto x) { std::memcpy(out.data(), &x, sizeof x); };
  auto put_int = [&](auto zero) {  // v must be in the integer type's range (NaN is not)
    using T = decltype(zero);
    if (!(v >= static_cast<double>(std::numeric_limits<T>::min()) && v < std::ldexp(1.0, std::numeric_limits<T>::digits)))
      ctx.error(fmt::format("pad value {} is out of the range of {}", v, dtype_name(dtype)));
    put(static_cast<T>(v));
  };
  switch (dtype) {
    case DType::Float: put(static_cast<float>(v)); break;
    case DType::Double: put(v); break;
    case DType::Int8: put_int(int8_t{}); break;
    case DType::Int16: put_int(int16_t{}); break;
    case DType::Int32: put_int(int32_t{}); break;
    case DType::Int64: put_int(int64_t{}); break;
    case DType::UInt8: put_int(uint8_t{}); break;
    case DType::UInt16: put_int(uint16_t{}); break;
    case DType::UInt32: put_int(uint32_t{}); break;
    case DType::UInt64: put_int(uint64_t{}); break;
    case DType::Bool: put(static_cast<uint8_t>(v != 0)); break;
    default:
      if (v != 0) ctx.error(fmt::format("a nonzero pad value for {} is not supported", dtype_name(dtype)));
  }
  return out;
}

struct PadPlan {
  std::string mode;
  std::vector<int64_t> begin, end;  // per input dim, may be negative (cropping)
  std::vector<uint8_t> value;       // constant mode: one element
  Shape out;
};

PadPlan plan_pad(const OpContext &ctx) {
  Value &x = ctx.input(0);
  int64_t rank = static_cast<int64_t>(x.shape.size());
  PadPlan p;
  p.mode = ctx.attr_string("mode", "constant");
  std::vector<int64_t> pads;
  if (ctx.opset() < 11) {
    pads = ctx.opset() < 2 ? ctx.attr_ints("paddings") : ctx.attr_ints("pads");
    p.value = scalar_bytes(ctx, x.dtype, ctx.attr_float("value", 0.0f));
  } else {
    pads = ctx.constant_input(1).to_ints();
    p.value.assign(dtype_size(x.dtype), 0);
    if (ctx.has_input(2)) {
      const Tensor &v = ctx.constant_input(2);
      ctx.require(v.dtype == x.dtype, "constant_value must have the input's element type");
      ctx.require(v.count() == 1, "constant_value must hold one element");
      p.value.assign(v.bytes.begin(), v.bytes.begin() + static_cast<std::ptrdiff_t>(dtype_size(x.dtype)));
    }
  }
  std::vector<int64_t> axes(static_cast<size_t>(rank));
  std::iota(axes.begin(), axes.end(), 0);
  if (ctx.opset() >= 18 && ctx.has_input(3)) {
    axes = ctx.constant_input(3).to_ints();
    for (int64_t &a : axes) a = ctx.axis(a, rank);
  }
  for (int64_t v : pads) ctx.require(v >= -INT32_MAX && v <= INT32_MAX, fmt::format("pad {} is too large", v));
  ctx.require(pads.size() == 2 * axes.size(),
              fmt::format("pads has {} entries; expected {} (begin and end for each axis)", pads.size(),
                          2 * axes.size()));
  p.begin.assign(static_cast<size_t>(rank), 0);
  p.end.assign(static_cast<size_t>(rank), 0);
  for (size_t i = 0; i < axes.size(); ++i) {
    p.begin[static_cast<size_t>(axes[i])] = pads[i];
    p.end[static_cast<size_t>(axes[i])] = pads[i + axes.size()];
  }
  ctx.require(p.mode == "constant" || p.mode == "reflect" || p.mode == "edge" || p.mode == "wrap",
              fmt::format("unknown mode '{}'", p.mode));
  for (size_t d = 0; d < x.shape.size(); ++d) {
    int64_t n = x.shape[d] + p.begin[d] + p.end[d];
    ctx.require(n >= 0, fmt::format("pads make dim {} negative", d));
    if (p.mode != "constant" && n > 0)
      ctx.require(x.shape[d] > 0, fmt::format("mode '{}' cannot pad an empty dim", p.mode));
    p.out.push_back(n);
  }
  return p;
}

void lower_pad(LowerContext &ctx) {
  Value &x = ctx.input(0);
  Value &y = ctx.output(0);
  PadPlan p = plan_pad(ctx);
  int64_t esize = elem_size(ctx, x);
  size_t rank = x.shape.size();
  if (y.count() == 0) {
    write_empty(ctx, y);
    return;
  }
  if (p.mode == "constant") {
    // Fill, then copy the part of x that lands inside y (negative pads crop).
    Shape region;
    int64_t x_off = 0, y_off = 0;
    std::vector<int64_t> xs = contiguous_strides(x.shape), ys = contiguous_strides(y.shape);
    for (size_t d = 0; d < rank; ++d) {
      int64_t crop_begin = std::max<int64_t>(0, -p.begin[d]), crop_end = std::max<int64_t>(0, -p.end[d]);
      region.push_back(std::max<int64_t>(0, x.shape[d] - crop_begin - crop_end));
      x_off += crop_begin * xs[d];
      y_off += std::max<int64_t>(0, p.begin[d]) * ys[d];
    }
    if (num_elements(region) < y.count())
      ctx.call("aotc_fill").out(&y).i(esize).i(y.count()).ints(value_words(p.value.data(), p.value.size()));
    emit_strided_copy(ctx, x, y, region, xs, ys, x_off, y_off);
    return;
  }
  // reflect / edge / wrap: each output index maps to an input index per dim.
  if (rank == 0) {
    ctx.alias(y, x);
    return;
  }
  ctx.require(rank <= static_cast<size_t>(kMaxRank), "rank is too large");
  std::vector<int64_t> xs = contiguous_strides(x.shape), maps;
  for (size_t d = 0; d < rank; ++d) {
    int64_t n = x.shape[d];
    for (int64_t o = 0; o < p.out[d]; ++o) {
      int64_t i = o - p.begin[d];
      if (p.mode == "edge") {
        i = std::clamp<int64_t>(i, 0, n - 1);
      } else if (p.mode == "wrap") {
        i = ((i % n) + n) % n;
      } else if (n == 1) {
        i = 0;
      } else {
        // Reflect without repeating the edge, with period 2(n-1).
        int64_t period = 2 * (n - 1);
        i = ((i % period) + period) % period;
        if (i >= n) i = period - i;
      }
      maps.push_back(i * xs[d]);
    }
  }
  ctx.call("aotc_copy_mapped").in(&x).out(&y).i(esize).i(static_cast<int64_t>(rank)).ints(p.out).ints(maps);
}

void register_pad(OpRegistry &r) {
  OpDef def;
  def.op = "Pad";
  def.attrs = {"mode", "pads", "paddings", "value"};
  def.max_inputs = 4;
  def.infer = [](OpContext &ctx) { ctx.set_output(0, ctx.input(0).dtype, plan_pad(ctx).out); };
  def.lower = lower_pad;
  r.add(std::move(def));
}

// ---- Gather / GatherElements ---------------------------------------------------

std::string index_suffix(const OpContext &ctx, const Value &indices) {
  if (indices.dtype == DType::Int64) return "i64";
  if (indices.dtype == DType::Int32) return "i32";
  ctx.error(fmt::format("indices must be int32 or int64, not {}", dtype_name(indices.dtype)));
}

// Constant indices are checked at compile time (ONNX: out of range is an error).
void check_constant_indices(const OpContext &ctx, const Value &indices, int64_t dim) {
  if (!indices.is_constant()) return;
  for (int64_t k : indices.constant->to_ints())
    if (k < -dim || k >= dim) ctx.error(fmt::format("index {} is out of range for an axis of size {}", k, dim));
}

void register_gather(OpRegistry &r) {
  OpDef def;
  def.op = "Gather";
  def.attrs = {"axis"};
  def.min_inputs = def.max_inputs = 2;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0), &idx = ctx.input(1);
    ctx.require(!x.shape.empty(), "data must have rank >= 1");
    index_suffix(ctx, idx);
    auto axis = static_cast<size_t>(ctx.axis(ctx.attr_int("axis", 0), static_cast<int64_t>(x.shape.size())));
    check_constant_indices(ctx, idx, x.shape[axis]);
    Shape out(x.shape.begin(), x.shape.begin() + static_cast<std::ptrdiff_t>(axis));
    out.insert(out.end(), idx.shape.begin(), idx.shape.end());
    out.insert(out.end(), x.shape.begin() + static_cast<std::ptrdiff_t>(axis) + 1, x.shape.end());
    ctx.set_output(0, x.dtype, out);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0), &idx = ctx.input(1), &y = ctx.output(0);
    if (y.count() == 0) return write_empty(ctx, y);
    auto axis = static_cast<size_t>(ctx.axis(ctx.attr_int("axis", 0), static_cast<int64_t>(x.shape.size())));
    int64_t outer = num_elements(Shape(x.shape.begin(), x.shape.begin() + static_cast<std::ptrdiff_t>(axis)));
    int64_t inner = num_elements(Shape(x.shape.begin() + static_cast<std::ptrdiff_t>(axis) + 1, x.shape.end()));
    ctx.call("aotc_gather_" + index_suffix(ctx, idx))
        .in(&x)
        .in(&idx)
        .out(&y)
        .i(elem_size(ctx, x))
        .i(outer)
        .i(x.shape[axis])
        .i(idx.count())
        .i(inner);
  };
  r.add(std::move(def));
}

void register_gather_elements(OpRegistry &r) {
  OpDef def;
  def.op = "GatherElements";
  def.attrs = {"axis"};
  def.min_inputs = def.max_inputs = 2;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0), &idx = ctx.input(1);
    ctx.require(!x.shape.empty(), "data must have rank >= 1");
    ctx.require(idx.shape.size() == x.shape.size(), "indices must have the same rank as data");
    index_suffix(ctx, idx);
    auto axis = static_cast<size_t>(ctx.axis(ctx.attr_int("axis", 0), static_cast<int64_t>(x.shape.size())));
    for (size_t d = 0; d < x.shape.size(); ++d)
      if (d != axis && idx.shape[d] > x.shape[d])
        ctx.error(fmt::format("indices shape {} exceeds data shape {} outside the axis", shape_str(idx.shape),
                              shape_str(x.shape)));
    check_constant_indices(ctx, idx, x.shape[axis]);
    ctx.set_output(0, x.dtype, idx.shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0), &idx = ctx.input(1), &y = ctx.output(0);
    if (y.count() == 0) return write_empty(ctx, y);
    auto axis = static_cast<size_t>(ctx.axis(ctx.attr_int("axis", 0), static_cast<int64_t>(x.shape.size())));
    ctx.require(x.shape.size() <= static_cast<size_t>(kMaxRank), "rank is too large");
    std::vector<int64_t> xs = contiguous_strides(x.shape);
    int64_t axis_stride = xs[axis];
    xs[axis] = 0;
    ctx.call("aotc_gather_elements_" + index_suffix(ctx, idx))
        .in(&x)
        .in(&idx)
        .out(&y)
        .i(elem_size(ctx, x))
        .i(static_cast<int64_t>(x.shape.size()))
        .ints(idx.shape)
        .ints(xs)
        .i(x.shape[axis])
        .i(axis_stride);
  };
  r.add(std::move(def));
}

// ---- CenterCropPad -------------------------------------------------------------

// Per input dim: the output size, and where the kept part starts in x and in y
// (centred: a crop drops floor(diff / 2) at the start, a pad adds as much).
struct CropPadPlan {
  Shape out, region;
  std::vector<int64_t> x_start, y_start;
};

CropPadPlan plan_center_crop_pad(const OpContext &ctx) {
  const Shape &s = ctx.input(0).shape;
  int64_t rank = static_cast<int64_t>(s.size());
  std::vector<int64_t> shape = ctx.constant_input(1).to_ints();
  std::vector<int64_t> axes(shape.size());
  std::iota(axes.begin(), axes.end(), 0);
  if (ctx.has_attr("axes")) axes = ctx.attr_ints("axes");
  ctx.require(axes.size() == shape.size(),
              fmt::format("shape has {} entries for {} axes", shape.size(), axes.size()));
  CropPadPlan p{s, s, std::vector<int64_t>(s.size(), 0), std::vector<int64_t>(s.size(), 0)};
  std::vector<bool> seen(s.size(), false);
  for (size_t i = 0; i < axes.size(); ++i) {
    auto a = static_cast<size_t>(ctx.axis(axes[i], rank));
    ctx.require(!seen[a], "axes contain a duplicate");
    seen[a] = true;
    ctx.require(shape[i] >= 0 && shape[i] <= INT32_MAX, fmt::format("invalid target size {}", shape[i]));
    p.out[a] = shape[i];
    p.region[a] = std::min(s[a], shape[i]);
    if (s[a] > shape[i]) p.x_start[a] = (s[a] - shape[i]) / 2;
    else p.y_start[a] = (shape[i] - s[a]) / 2;
  }
  return p;
}

void register_center_crop_pad(OpRegistry &r) {
  OpDef def;
  def.op = "CenterCropPad";
  def.attrs = {"axes"};
  def.min_inputs = def.max_inputs = 2;
  def.infer = [](OpContext &ctx) { ctx.set_output(0, ctx.input(0).dtype, plan_center_crop_pad(ctx).out); };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0), &y = ctx.output(0);
    if (y.count() == 0) return write_empty(ctx, y);
    CropPadPlan p = plan_center_crop_pad(ctx);
    std::vector<int64_t> xs = contiguous_strides(x.shape), ys = contiguous_strides(y.shape);
    int64_t x_off = 0, y_off = 0;
    for (size_t d = 0; d < x.shape.size(); ++d) {
      x_off += p.x_start[d] * xs[d];
      y_off += p.y_start[d] * ys[d];
    }
    if (num_elements(p.region) < y.count()) {
      std::vector<uint8_t> zero(dtype_size(x.dtype), 0);
      ctx.call("aotc_fill").out(&y).i(elem_size(ctx, x)).i(y.count()).ints(value_words(zero.data(), zero.size()));
    }
    emit_strided_copy(ctx, x, y, p.region, xs, ys, x_off, y_off);
  };
  r.add(std::move(def));
}

// ---- ReverseSequence -----------------------------------------------------------

void register_reverse_sequence(OpRegistry &r) {
  OpDef def;
  def.op = "ReverseSequence";
  def.attrs = {"batch_axis", "time_axis"};
  def.min_inputs = def.max_inputs = 2;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0), &lens = ctx.input(1);
    ctx.require(x.shape.size() >= 2, "input must have rank >= 2");
    int64_t b = ctx.attr_int("batch_axis", 1), t = ctx.attr_int("time_axis", 0);
    ctx.require((b == 0 && t == 1) || (b == 1 && t == 0), "batch_axis and time_axis must be 0 and 1 (either way)");
    ctx.require(lens.shape.size() == 1 && lens.shape[0] == x.shape[static_cast<size_t>(b)],
                "sequence_lens must be a vector with one length per batch entry");
    ctx.require(lens.dtype == DType::Int64, "sequence_lens must be int64");
    if (lens.is_constant())
      for (int64_t n : lens.constant->to_ints())
        ctx.require(n >= 0 && n <= x.shape[static_cast<size_t>(t)],
                    fmt::format("sequence length {} is out of range 0..{}", n, x.shape[static_cast<size_t>(t)]));
    ctx.set_output(0, x.dtype, x.shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0), &lens = ctx.input(1), &y = ctx.output(0);
    if (y.count() == 0) return write_empty(ctx, y);
    int64_t b = ctx.attr_int("batch_axis", 1);
    int64_t inner = num_elements(Shape(x.shape.begin() + 2, x.shape.end()));
    int64_t batch = x.shape[static_cast<size_t>(b)], time = x.shape[static_cast<size_t>(1 - b)];
    // Element strides of one batch entry and one time step.
    int64_t batch_stride = b == 0 ? time * inner : inner, time_stride = b == 0 ? inner : batch * inner;
    ctx.call("aotc_reverse_sequence")
        .in(&x)
        .in(&lens)
        .out(&y)
        .i(elem_size(ctx, x))
        .i(batch)
        .i(time)
        .i(inner)
        .i(batch_stride)
        .i(time_stride);
  };
  r.add(std::move(def));
}

}  // namespace

void register_data_movement_ops(OpRegistry &r) {
  register_transpose(r);
  register_concat(r);
  register_split(r);
  register_slice(r);
  register_expand(r);
  register_tile(r);
  register_block_op(r, "DepthToSpace", true);
  register_block_op(r, "SpaceToDepth", false);
  register_pad(r);
  register_gather(r);
  register_gather_elements(r);
  register_center_crop_pad(r);
  register_reverse_sequence(r);
}

}  // namespace aotc
