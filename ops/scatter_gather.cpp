// Indexed writes and reads: ScatterElements (and its deprecated opset 9-10
// name Scatter), ScatterND, GatherND, TensorScatter (a KV-cache update) and
// ArrayFeatureExtractor (ai.onnx.ml, a Gather on the last axis). Constant indices are checked at
// compile time (out of range is an error in ONNX); the kernels skip
// (scatters) or zero (GatherND) out-of-range run-time ones instead of
// touching memory they do not own. Kernels: runtime-c/kernels/scatter_gather.c.
#include <fmt/format.h>

#include <algorithm>

#include "ops/op_util.h"

namespace aotc {

namespace {

constexpr int64_t kMaxRank = 8;  // AOTC_MAX_RANK in kernel_common.h

void write_empty(LowerContext &ctx, Value &y) { ctx.call("aotc_copy").in(nullptr).out(&y).i(0); }

std::string index_suffix(const OpContext &ctx, const Value &indices) {
  if (indices.dtype == DType::Int64) return "i64";
  if (indices.dtype == DType::Int32) return "i32";
  ctx.error(fmt::format("indices must be int32 or int64, not {}", dtype_name(indices.dtype)));
}

// The reduction attribute as the kernels' AOTC_SCATTER_* code.
int64_t reduction_code(const OpContext &ctx) {
  static const char *const names[] = {"none", "add", "mul", "max", "min"};
  std::string red = ctx.attr_string("reduction", "none");
  for (int64_t i = 0; i < 5; ++i)
    if (red == names[i]) return i;
  ctx.error(fmt::format("unknown reduction '{}'", red));
}

// Checks constant index tuples (the last dim of indices, k entries) against `dims`.
void check_constant_tuples(const OpContext &ctx, const Value &indices, const Shape &dims) {
  if (!indices.is_constant() || dims.empty()) return;
  std::vector<int64_t> v = indices.constant->to_ints();
  for (size_t i = 0; i < v.size(); ++i) {
    int64_t dim = dims[i % dims.size()];
    if (v[i] < -dim || v[i] >= dim)
      ctx.error(fmt::format("index {} is out of range for a dim of size {}", v[i], dim));
  }
}

// ---- ScatterElements / Scatter ---------------------------------------------------

void register_scatter_elements(OpRegistry &r, const char *op) {
  OpDef def;
  def.op = op;
  def.attrs = {"axis", "reduction"};
  def.min_inputs = def.max_inputs = 3;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0), &idx = ctx.input(1), &upd = ctx.input(2);
    int64_t rank = static_cast<int64_t>(x.shape.size());
    ctx.require(rank >= 1, "data must have rank >= 1");
    ctx.require(idx.shape.size() == x.shape.size(), "indices must have the same rank as data");
    ctx.require(upd.shape == idx.shape, "updates must have the shape of indices");
    ctx.require(upd.dtype == x.dtype, "updates must have data's element type");
    index_suffix(ctx, idx);
    reduction_code(ctx);
    auto axis = static_cast<size_t>(ctx.axis(ctx.attr_int("axis", 0), rank));
    for (size_t d = 0; d < x.shape.size(); ++d)
      if (d != axis && idx.shape[d] > x.shape[d])
        ctx.error(fmt::format("indices shape {} exceeds data shape {} outside the axis", shape_str(idx.shape),
                              shape_str(x.shape)));
    check_constant_tuples(ctx, idx, {x.shape[axis]});
    ctx.set_output(0, x.dtype, x.shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0), &idx = ctx.input(1), &upd = ctx.input(2), &y = ctx.output(0);
    if (y.count() == 0) return write_empty(ctx, y);
    int64_t rank = static_cast<int64_t>(x.shape.size());
    ctx.require(rank <= kMaxRank, "rank is too large");
    auto axis = static_cast<size_t>(ctx.axis(ctx.attr_int("axis", 0), rank));
    std::vector<int64_t> ys = contiguous_strides(x.shape);
    int64_t axis_stride = ys[axis];
    ys[axis] = 0;
    ctx.call(kernel_for(ctx, "scatter_elements_" + index_suffix(ctx, idx), x.dtype))
        .in(&x)
        .in(&idx)
        .in(&upd)
        .out(&y)
        .i(x.count())
        .i(rank)
        .ints(idx.shape)
        .ints(ys)
        .i(x.shape[axis])
        .i(axis_stride)
        .i(reduction_code(ctx))
        .in_place(&x);
  };
  r.add(std::move(def));
}

// ---- ScatterND -------------------------------------------------------------------

void register_scatter_nd(OpRegistry &r) {
  OpDef def;
  def.op = "ScatterND";
  def.attrs = {"reduction"};
  def.min_inputs = def.max_inputs = 3;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0), &idx = ctx.input(1), &upd = ctx.input(2);
    ctx.require(!x.shape.empty() && !idx.shape.empty(), "data and indices must have rank >= 1");
    int64_t k = idx.shape.back();
    ctx.require(k >= 1 && k <= static_cast<int64_t>(x.shape.size()),
                fmt::format("the last dim of indices ({}) must be in 1..rank of data", k));
    Shape want(idx.shape.begin(), idx.shape.end() - 1);
    want.insert(want.end(), x.shape.begin() + k, x.shape.end());
    ctx.require(upd.shape == want, fmt::format("updates have shape {}; expected {}", shape_str(upd.shape),
                                               shape_str(want)));
    ctx.require(upd.dtype == x.dtype, "updates must have data's element type");
    index_suffix(ctx, idx);
    reduction_code(ctx);
    check_constant_tuples(ctx, idx, Shape(x.shape.begin(), x.shape.begin() + k));
    ctx.set_output(0, x.dtype, x.shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0), &idx = ctx.input(1), &upd = ctx.input(2), &y = ctx.output(0);
    if (y.count() == 0) return write_empty(ctx, y);
    int64_t k = idx.shape.back();
    std::vector<int64_t> strides = contiguous_strides(x.shape);
    ctx.call(kernel_for(ctx, "scatter_nd_" + index_suffix(ctx, idx), x.dtype))
        .in(&x)
        .in(&idx)
        .in(&upd)
        .out(&y)
        .i(x.count())
        .i(idx.count() / k)
        .i(k)
        .ints(Shape(x.shape.begin(), x.shape.begin() + k))
        .ints(std::vector<int64_t>(strides.begin(), strides.begin() + k))
        .i(num_elements(Shape(x.shape.begin() + k, x.shape.end())))
        .i(reduction_code(ctx))
        .in_place(&x);
  };
  r.add(std::move(def));
}

// ---- GatherND --------------------------------------------------------------------

void register_gather_nd(OpRegistry &r) {
  OpDef def;
  def.op = "GatherND";
  def.attrs = {"batch_dims"};
  def.min_inputs = def.max_inputs = 2;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0), &idx = ctx.input(1);
    int64_t b = ctx.attr_int("batch_dims", 0);
    int64_t r = static_cast<int64_t>(x.shape.size()), q = static_cast<int64_t>(idx.shape.size());
    ctx.require(r >= 1 && q >= 1, "data and indices must have rank >= 1");
    ctx.require(b >= 0 && b < std::min(r, q), "batch_dims must be less than the ranks of data and indices");
    for (int64_t d = 0; d < b; ++d)
      ctx.require(x.shape[d] == idx.shape[d], "data and indices must agree on the batch dims");
    int64_t k = idx.shape.back();
    ctx.require(k >= 1 && k <= r - b, fmt::format("the last dim of indices ({}) must be in 1..{}", k, r - b));
    index_suffix(ctx, idx);
    check_constant_tuples(ctx, idx, Shape(x.shape.begin() + b, x.shape.begin() + b + k));
    Shape out(idx.shape.begin(), idx.shape.end() - 1);
    out.insert(out.end(), x.shape.begin() + b + k, x.shape.end());
    ctx.set_output(0, x.dtype, out);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0), &idx = ctx.input(1), &y = ctx.output(0);
    if (y.count() == 0) return write_empty(ctx, y);
    int64_t b = ctx.attr_int("batch_dims", 0), k = idx.shape.back();
    int64_t batch = num_elements(Shape(x.shape.begin(), x.shape.begin() + b));
    std::vector<int64_t> strides = contiguous_strides(x.shape);
    size_t elem = dtype_size(x.dtype);
    ctx.require(elem > 0 && dtype_info(x.dtype).c_type != nullptr,
                fmt::format("element type {} is not supported", dtype_name(x.dtype)));
    ctx.call("aotc_gather_nd_" + index_suffix(ctx, idx))
        .in(&x)
        .in(&idx)
        .out(&y)
        .i(static_cast<int64_t>(elem))
        .i(batch)
        .i(x.count() / std::max<int64_t>(batch, 1))
        .i(idx.count() / (k * batch))
        .i(k)
        .ints(Shape(x.shape.begin() + b, x.shape.begin() + b + k))
        .ints(std::vector<int64_t>(strides.begin() + b, strides.begin() + b + k))
        .i(num_elements(Shape(x.shape.begin() + b + k, x.shape.end())));
  };
  r.add(std::move(def));
}

// ---- TensorScatter ---------------------------------------------------------------

void register_tensor_scatter(OpRegistry &r) {
  OpDef def;
  def.op = "TensorScatter";
  def.attrs = {"axis", "mode"};
  def.min_inputs = 2;
  def.max_inputs = 3;
  def.infer = [](OpContext &ctx) {
    Value &cache = ctx.input(0), &upd = ctx.input(1);
    int64_t rank = static_cast<int64_t>(cache.shape.size());
    ctx.require(rank >= 2, "past_cache must have rank >= 2");
    int64_t axis = ctx.axis(ctx.attr_int("axis", -2), rank);
    ctx.require(axis >= 1, "axis cannot be the batch dim");
    ctx.require(upd.dtype == cache.dtype && upd.shape.size() == cache.shape.size(),
                "update must have past_cache's element type and rank");
    for (int64_t d = 0; d < rank; ++d)
      ctx.require(d == axis ? upd.shape[d] <= cache.shape[d] : upd.shape[d] == cache.shape[d],
                  fmt::format("update shape {} does not fit past_cache shape {}", shape_str(upd.shape),
                              shape_str(cache.shape)));
    std::string mode = ctx.attr_string("mode", "linear");
    ctx.require(mode == "linear" || mode == "circular", fmt::format("unknown mode '{}'", mode));
    if (ctx.has_input(2)) {
      Value &wi = ctx.input(2);
      ctx.require(wi.dtype == DType::Int64 && wi.shape == Shape{cache.shape[0]},
                  "write_indices must be int64 [batch]");
      // Linear writes must stay inside the cache (checked when known).
      if (wi.is_constant() && mode == "linear")
        for (int64_t v : wi.constant->to_ints())
          ctx.require(v >= 0 && v + upd.shape[axis] <= cache.shape[axis],
                      fmt::format("write index {} puts the update past the cache's {} rows", v, cache.shape[axis]));
    }
    ctx.set_output(0, cache.dtype, cache.shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &cache = ctx.input(0), &upd = ctx.input(1), &y = ctx.output(0);
    if (y.count() == 0) return write_empty(ctx, y);
    int64_t rank = static_cast<int64_t>(cache.shape.size());
    auto axis = static_cast<std::ptrdiff_t>(ctx.axis(ctx.attr_int("axis", -2), rank));
    size_t elem = dtype_size(cache.dtype);
    ctx.require(elem > 0 && dtype_info(cache.dtype).c_type != nullptr,
                fmt::format("element type {} is not supported", dtype_name(cache.dtype)));
    ctx.call("aotc_tensor_scatter")
        .in(&cache)
        .in(&upd)
        .in(ctx.has_input(2) ? &ctx.input(2) : nullptr)
        .out(&y)
        .i(static_cast<int64_t>(elem))
        .i(cache.shape[0])
        .i(num_elements(Shape(cache.shape.begin() + 1, cache.shape.begin() + axis)))
        .i(cache.shape[static_cast<size_t>(axis)])
        .i(upd.shape[static_cast<size_t>(axis)])
        .i(num_elements(Shape(cache.shape.begin() + axis + 1, cache.shape.end())))
        .i(ctx.attr_string("mode", "linear") == "circular")
        .in_place(&cache);
  };
  r.add(std::move(def));
}

// ---- ArrayFeatureExtractor (ai.onnx.ml) ------------------------------------------

void register_array_feature_extractor(OpRegistry &r) {
  OpDef def;
  def.op = "ArrayFeatureExtractor";
  def.domain = "ai.onnx.ml";
  def.min_inputs = def.max_inputs = 2;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0), &idx = ctx.input(1);
    ctx.require(!x.shape.empty(), "X must have rank >= 1");
    ctx.require(idx.dtype == DType::Int64, "Y must be int64");
    ctx.require(x.shape.back() > 0 || idx.count() == 0, "cannot select from an empty last dim");
    check_constant_tuples(ctx, idx, {x.shape.back()});
    // A 1-D X gives [1, n]; otherwise the last dim becomes n.
    Shape out = x.shape.size() == 1 ? Shape{1} : Shape(x.shape.begin(), x.shape.end() - 1);
    out.push_back(idx.count());
    ctx.set_output(0, x.dtype, out);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0), &idx = ctx.input(1), &y = ctx.output(0);
    if (y.count() == 0) return write_empty(ctx, y);
    size_t elem = dtype_size(x.dtype);
    ctx.require(elem > 0 && dtype_info(x.dtype).c_type != nullptr,
                fmt::format("element type {} is not supported", dtype_name(x.dtype)));
    ctx.call("aotc_gather_i64")
        .in(&x)
        .in(&idx)
        .out(&y)
        .i(static_cast<int64_t>(elem))
        .i(x.count() / x.shape.back())
        .i(x.shape.back())
        .i(idx.count())
        .i(1);
  };
  r.add(std::move(def));
}

}  // namespace

void register_scatter_gather_ops(OpRegistry &r) {
  register_scatter_elements(r, "ScatterElements");
  register_scatter_elements(r, "Scatter");
  register_scatter_nd(r);
  register_gather_nd(r);
  register_tensor_scatter(r);
  register_array_feature_extractor(r);
}

}  // namespace aotc
