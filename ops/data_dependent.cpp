// Ops whose output shape depends on input values: Compress, NonZero, Unique
// and NonMaxSuppression. aotc has static shapes, so the deciding inputs must
// be compile-time constants (Compress's condition; the inputs of the others,
// which makes them fold to constants); otherwise the error names that input.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <numeric>

#include "ops/named_constant.h"
#include "ops/op_util.h"

namespace aotc {

namespace {

void write_empty(LowerContext &ctx, Value &y) { ctx.call("aotc_copy").in(nullptr).out(&y).i(0); }

// Element i is nonzero (NaN counts as nonzero, -0.0 as zero).
bool nonzero_at(const Tensor &t, int64_t i) {
  if (is_float(t.dtype)) return t.double_at(i) != 0.0;
  return t.int_at(i) != 0;
}

// ---- Compress --------------------------------------------------------------------

// The kept positions along the axis (or of the flattened input without one).
std::vector<int64_t> compress_kept(const OpContext &ctx, int64_t dim) {
  const Tensor &cond = named_constant_input(ctx, 1, "condition");
  ctx.require(cond.shape.size() == 1, "condition must be 1-D");
  std::vector<int64_t> kept;
  for (int64_t i = 0; i < cond.count(); ++i) {
    if (!nonzero_at(cond, i)) continue;
    ctx.require(i < dim, fmt::format("condition selects position {}, past the size {} it selects from", i, dim));
    kept.push_back(i);
  }
  return kept;
}

void register_compress(OpRegistry &r) {
  OpDef def;
  def.op = "Compress";
  def.attrs = {"axis"};
  def.min_inputs = def.max_inputs = 2;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    int64_t rank = static_cast<int64_t>(x.shape.size());
    ctx.require(rank >= 1, "input must have rank >= 1");
    if (!ctx.has_attr("axis")) {
      ctx.set_output(0, x.dtype, {static_cast<int64_t>(compress_kept(ctx, x.count()).size())});
      return;
    }
    auto axis = static_cast<size_t>(ctx.axis(ctx.attr_int("axis"), rank));
    Shape out = x.shape;
    out[axis] = static_cast<int64_t>(compress_kept(ctx, x.shape[axis]).size());
    ctx.set_output(0, x.dtype, out);
  };
  // A gather through per-dim offset tables (aotc_copy_mapped), all known now.
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0), &y = ctx.output(0);
    if (y.count() == 0) return write_empty(ctx, y);
    size_t elem = dtype_size(x.dtype);
    ctx.require(elem > 0 && dtype_info(x.dtype).c_type != nullptr,
                fmt::format("element type {} is not supported", dtype_name(x.dtype)));
    bool flat = !ctx.has_attr("axis");
    Shape shape = flat ? Shape{x.count()} : x.shape;
    ctx.require(shape.size() <= kMaxKernelRank, "rank is too large");
    size_t axis = flat ? 0 : static_cast<size_t>(ctx.axis(ctx.attr_int("axis"), static_cast<int64_t>(shape.size())));
    std::vector<int64_t> strides = contiguous_strides(shape), maps;
    for (size_t d = 0; d < shape.size(); ++d) {
      if (d == axis) {
        for (int64_t i : compress_kept(ctx, shape[d])) maps.push_back(i * strides[d]);
      } else {
        for (int64_t i = 0; i < shape[d]; ++i) maps.push_back(i * strides[d]);
      }
    }
    ctx.call("aotc_copy_mapped")
        .in(&x)
        .out(&y)
        .i(static_cast<int64_t>(elem))
        .i(static_cast<int64_t>(y.shape.size()))
        .ints(y.shape)
        .ints(maps);
  };
  r.add(std::move(def));
}

// ---- NonZero ---------------------------------------------------------------------

// [rank, n] coordinates of the nonzero elements, in row-major order.
Tensor nonzero_coordinates(const OpContext &ctx) {
  const Tensor &x = named_constant_input(ctx, 0, "X");
  ctx.require(x.dtype != DType::String, "string input is not supported");
  std::vector<int64_t> flat;
  for (int64_t i = 0; i < x.count(); ++i)
    if (nonzero_at(x, i)) flat.push_back(i);
  int64_t rank = static_cast<int64_t>(x.shape.size()), n = static_cast<int64_t>(flat.size());
  std::vector<int64_t> strides = contiguous_strides(x.shape), coords(static_cast<size_t>(rank * n));
  for (int64_t j = 0; j < n; ++j)
    for (int64_t d = 0; d < rank; ++d)
      coords[static_cast<size_t>(d * n + j)] = flat[static_cast<size_t>(j)] / strides[static_cast<size_t>(d)] %
                                               x.shape[static_cast<size_t>(d)];
  return make_int64_tensor(coords, {rank, n});
}

void register_nonzero(OpRegistry &r) {
  OpDef def;
  def.op = "NonZero";
  def.infer = [](OpContext &ctx) { ctx.set_output(0, DType::Int64, nonzero_coordinates(ctx).shape); };
  def.fold = [](OpContext &ctx) -> std::optional<std::vector<Tensor>> {
    return std::vector<Tensor>{nonzero_coordinates(ctx)};
  };
  r.add(std::move(def));
}

// ---- Unique ----------------------------------------------------------------------

struct UniqueResult {
  Tensor y;
  std::vector<int64_t> indices, inverse, counts;
};

UniqueResult compute_unique(const OpContext &ctx) {
  const Tensor &x = named_constant_input(ctx, 0, "X");
  ctx.require(x.dtype != DType::String, "string input is not supported");
  ctx.require(dtype_info(x.dtype).c_type != nullptr, fmt::format("element type {} is not supported", dtype_name(x.dtype)));
  bool flat = !ctx.has_attr("axis");
  Shape shape = flat ? Shape{x.count()} : x.shape;
  ctx.require(!shape.empty(), "input must have rank >= 1");
  auto axis = flat ? size_t{0} : static_cast<size_t>(ctx.axis(ctx.attr_int("axis"), static_cast<int64_t>(shape.size())));
  // Slice s along the axis: outer x inner elements at o * dim * inner + s * inner + i.
  int64_t dim = shape[axis];
  int64_t outer = num_elements(Shape(shape.begin(), shape.begin() + static_cast<std::ptrdiff_t>(axis)));
  int64_t inner = num_elements(Shape(shape.begin() + static_cast<std::ptrdiff_t>(axis) + 1, shape.end()));
  auto at = [&](int64_t s, int64_t o, int64_t i) { return (o * dim + s) * inner + i; };
  bool real = is_float(x.dtype);
  // Three-way comparison of two slices, element by element.
  auto compare = [&](int64_t a, int64_t b) {
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) {
        if (real) {
          double va = x.double_at(at(a, o, i)), vb = x.double_at(at(b, o, i));
          if (va != vb) return va < vb ? -1 : 1;
        } else {
          int64_t va = x.int_at(at(a, o, i)), vb = x.int_at(at(b, o, i));
          if (va != vb) return va < vb ? -1 : 1;
        }
      }
    return 0;
  };
  // First occurrences, in order of appearance.
  UniqueResult u;
  for (int64_t s = 0; s < dim; ++s) {
    size_t k = 0;
    while (k < u.indices.size() && compare(u.indices[k], s) != 0) ++k;
    if (k == u.indices.size()) {
      u.indices.push_back(s);
      u.counts.push_back(0);
    }
    ++u.counts[k];
    u.inverse.push_back(static_cast<int64_t>(k));
  }
  if (ctx.attr_int("sorted", 1) != 0) {
    std::vector<size_t> order(u.indices.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return compare(u.indices[a], u.indices[b]) < 0; });
    std::vector<int64_t> rank(order.size()), indices, counts;
    for (size_t k = 0; k < order.size(); ++k) {
      rank[order[k]] = static_cast<int64_t>(k);
      indices.push_back(u.indices[order[k]]);
      counts.push_back(u.counts[order[k]]);
    }
    for (int64_t &v : u.inverse) v = rank[static_cast<size_t>(v)];
    u.indices = indices;
    u.counts = counts;
  }
  Shape y_shape = shape;
  y_shape[axis] = static_cast<int64_t>(u.indices.size());
  u.y = make_tensor(x.dtype, y_shape);
  size_t elem = dtype_size(x.dtype);
  for (int64_t o = 0; o < outer; ++o)
    for (size_t k = 0; k < u.indices.size(); ++k)
      std::memcpy(u.y.bytes.data() + static_cast<size_t>((o * y_shape[axis] + static_cast<int64_t>(k)) * inner) * elem,
                  x.bytes.data() + static_cast<size_t>(at(u.indices[k], o, 0)) * elem, static_cast<size_t>(inner) * elem);
  return u;
}

void register_unique(OpRegistry &r) {
  OpDef def;
  def.op = "Unique";
  def.attrs = {"axis", "sorted"};
  def.max_outputs = 4;
  def.infer = [](OpContext &ctx) {
    UniqueResult u = compute_unique(ctx);
    ctx.set_output(0, u.y.dtype, u.y.shape);
    ctx.set_output(1, DType::Int64, {static_cast<int64_t>(u.indices.size())});
    ctx.set_output(2, DType::Int64, {static_cast<int64_t>(u.inverse.size())});
    ctx.set_output(3, DType::Int64, {static_cast<int64_t>(u.counts.size())});
  };
  def.fold = [](OpContext &ctx) -> std::optional<std::vector<Tensor>> {
    UniqueResult u = compute_unique(ctx);
    auto vec = [](const std::vector<int64_t> &v) { return make_int64_tensor(v, {static_cast<int64_t>(v.size())}); };
    std::vector<Tensor> out = {u.y, vec(u.indices), vec(u.inverse), vec(u.counts)};
    out.resize(ctx.node().outputs.size());
    return out;
  };
  r.add(std::move(def));
}

// ---- NonMaxSuppression -----------------------------------------------------------

// A box as corners (x1 <= x2, y1 <= y2), in float as ONNX Runtime computes
// IoU: a box suppresses another when their IoU is strictly above the threshold.
struct Corners {
  float x1, y1, x2, y2;
};

Corners box_corners(const float *b, bool center) {
  if (center) return {b[0] - b[2] / 2.0f, b[1] - b[3] / 2.0f, b[0] + b[2] / 2.0f, b[1] + b[3] / 2.0f};
  return {std::min(b[1], b[3]), std::min(b[0], b[2]), std::max(b[1], b[3]), std::max(b[0], b[2])};
}

bool suppresses(const Corners &a, const Corners &b, float iou_threshold) {
  float ix = std::min(a.x2, b.x2) - std::max(a.x1, b.x1), iy = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
  if (ix <= 0.0f || iy <= 0.0f) return false;
  float inter = ix * iy;
  float area_a = (a.x2 - a.x1) * (a.y2 - a.y1), area_b = (b.x2 - b.x1) * (b.y2 - b.y1);
  float uni = area_a + area_b - inter;
  if (area_a <= 0.0f || area_b <= 0.0f || uni <= 0.0f) return false;
  return inter / uni > iou_threshold;
}

float optional_float(const OpContext &ctx, size_t i, const char *name, float fallback) {
  if (!ctx.has_input(i)) return fallback;
  const Tensor &t = named_constant_input(ctx, i, name);
  ctx.require(t.count() == 1 && t.dtype == DType::Float, fmt::format("input '{}' must be one float", name));
  return t.data<float>()[0];
}

// Selected [batch, class, box] triples: per batch and class, boxes by
// descending score (the lower index first among equal scores) kept greedily.
Tensor nms_selected(const OpContext &ctx) {
  const Tensor &boxes = named_constant_input(ctx, 0, "boxes"), &scores = named_constant_input(ctx, 1, "scores");
  ctx.require(boxes.dtype == DType::Float && scores.dtype == DType::Float, "boxes and scores must be float");
  ctx.require(boxes.shape.size() == 3 && boxes.shape[2] == 4, "boxes must be [batch, boxes, 4]");
  ctx.require(scores.shape.size() == 3 && scores.shape[0] == boxes.shape[0] && scores.shape[2] == boxes.shape[1],
              "scores must be [batch, classes, boxes]");
  int64_t max_out = 0;
  if (ctx.has_input(2)) {
    const Tensor &t = named_constant_input(ctx, 2, "max_output_boxes_per_class");
    ctx.require(t.count() == 1 && is_integer(t.dtype), "input 'max_output_boxes_per_class' must be one integer");
    max_out = std::max<int64_t>(t.int_at(0), 0);
  }
  float iou_threshold = optional_float(ctx, 3, "iou_threshold", 0.0f);
  bool has_score_threshold = ctx.has_input(4);
  float score_threshold = optional_float(ctx, 4, "score_threshold", 0.0f);
  bool center = ctx.attr_int("center_point_box", 0) != 0;
  int64_t batches = boxes.shape[0], n = boxes.shape[1], classes = scores.shape[1];
  std::vector<int64_t> out;
  for (int64_t b = 0; b < batches; ++b)
    for (int64_t c = 0; c < classes; ++c) {
      const float *s = scores.data<float>() + (b * classes + c) * n;
      std::vector<int64_t> order;
      for (int64_t i = 0; i < n; ++i)
        if (!has_score_threshold || s[i] > score_threshold) order.push_back(i);
      std::stable_sort(order.begin(), order.end(), [&](int64_t x, int64_t y) { return s[x] > s[y]; });
      std::vector<Corners> kept;
      for (int64_t i : order) {
        if (static_cast<int64_t>(kept.size()) >= max_out) break;
        Corners box = box_corners(boxes.data<float>() + (b * n + i) * 4, center);
        if (std::any_of(kept.begin(), kept.end(), [&](const Corners &k) { return suppresses(k, box, iou_threshold); }))
          continue;
        kept.push_back(box);
        out.insert(out.end(), {b, c, i});
      }
    }
  return make_int64_tensor(out, {static_cast<int64_t>(out.size() / 3), 3});
}

void register_nms(OpRegistry &r) {
  OpDef def;
  def.op = "NonMaxSuppression";
  def.attrs = {"center_point_box"};
  def.min_inputs = 2;
  def.max_inputs = 5;
  def.infer = [](OpContext &ctx) { ctx.set_output(0, DType::Int64, nms_selected(ctx).shape); };
  def.fold = [](OpContext &ctx) -> std::optional<std::vector<Tensor>> {
    return std::vector<Tensor>{nms_selected(ctx)};
  };
  r.add(std::move(def));
}

}  // namespace

void register_data_dependent_ops(OpRegistry &r) {
  register_compress(r);
  register_nonzero(r);
  register_unique(r);
  register_nms(r);
}

}  // namespace aotc
