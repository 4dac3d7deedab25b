// Shape ops: Shape, Size, Reshape, Flatten, Squeeze, Unsqueeze, Identity,
// Dropout (inference), ConstantOfShape, Range.
//
// With static shapes these are mostly compile-time facts: Shape and Size fold
// to constants; Reshape, Flatten, Squeeze, Unsqueeze, Identity and inference
// Dropout reinterpret their input (ctx.alias), so the memory planner shares
// the storage or copies it. ConstantOfShape and Range need compile-time
// constant inputs and fill their output with a kernel (usually folded).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "ops/op_util.h"

namespace aotc {

namespace {

// An empty output still needs a writer for the memory planner: a 0-byte copy.
void write_empty(LowerContext &ctx, Value &y) { ctx.call("aotc_copy").in(nullptr).out(&y).i(0); }

// ---- Shape / Size --------------------------------------------------------------

// Shape's [start, end) range of dims (opset 15+), clamped as the spec says.
std::pair<int64_t, int64_t> shape_range(const OpContext &ctx) {
  int64_t rank = static_cast<int64_t>(ctx.input(0).shape.size());
  int64_t start = ctx.attr_int("start", 0), end = ctx.attr_int("end", rank);
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  return {start, std::max(start, end)};
}

void register_shape(OpRegistry &r) {
  OpDef def;
  def.op = "Shape";
  def.attrs = {"start", "end"};
  def.infer = [](OpContext &ctx) {
    auto [start, end] = shape_range(ctx);
    ctx.set_output(0, DType::Int64, {end - start});
  };
  def.fold = [](OpContext &ctx) -> std::optional<std::vector<Tensor>> {
    auto [start, end] = shape_range(ctx);
    const Shape &s = ctx.input(0).shape;
    std::vector<int64_t> dims(s.begin() + start, s.begin() + end);
    return std::vector<Tensor>{make_int64_tensor(dims, {end - start})};
  };
  r.add(std::move(def));
}

void register_size(OpRegistry &r) {
  OpDef def;
  def.op = "Size";
  def.infer = [](OpContext &ctx) { ctx.set_output(0, DType::Int64, {}); };
  def.fold = [](OpContext &ctx) -> std::optional<std::vector<Tensor>> {
    return std::vector<Tensor>{make_int64_tensor({ctx.input(0).count()}, {})};
  };
  r.add(std::move(def));
}

// ---- reinterpretations -----------------------------------------------------------

void lower_alias(LowerContext &ctx) { ctx.alias(ctx.output(0), ctx.input(0)); }

Shape reshape_target(const OpContext &ctx) {
  const Shape &in = ctx.input(0).shape;
  std::vector<int64_t> spec;
  if (ctx.opset() < 5) {
    ctx.require(ctx.has_attr("shape"), "attribute 'shape' is required");
    spec = ctx.attr_ints("shape");
  } else {
    ctx.require(ctx.has_input(1), "input 'shape' is required");
    spec = ctx.constant_input(1).to_ints();
  }
  bool allowzero = ctx.attr_int("allowzero", 0) != 0;
  Shape out;
  int64_t infer_at = -1, known = 1;
  for (size_t i = 0; i < spec.size(); ++i) {
    int64_t d = spec[i];
    if (d == -1) {
      ctx.require(infer_at < 0, "shape has more than one -1");
      infer_at = static_cast<int64_t>(i);
      out.push_back(1);
      continue;
    }
    if (d == 0 && !allowzero) {
      ctx.require(i < in.size(), fmt::format("shape[{}] is 0 (copy) but the input has rank {}", i, in.size()));
      d = in[i];
    }
    ctx.require(d >= 0, fmt::format("invalid dimension {} in shape", d));
    out.push_back(d);
    ctx.require(!__builtin_mul_overflow(known, d, &known), fmt::format("shape [{}] has too many elements", fmt::join(spec, ",")));
  }
  int64_t total = num_elements(in);
  if (infer_at >= 0) {
    ctx.require(known != 0, "cannot infer the -1 dimension when other dimensions are 0");
    ctx.require(total % known == 0,
                fmt::format("cannot reshape {} to {}", shape_str(in), fmt::join(spec, ",")));
    out[static_cast<size_t>(infer_at)] = total / known;
  }
  if (num_elements(out) != total)
    ctx.error(fmt::format("cannot reshape {} ({} elements) to {} ({} elements)", shape_str(in), total, shape_str(out),
                          num_elements(out)));
  return out;
}

void register_reshape(OpRegistry &r) {
  OpDef def;
  def.op = "Reshape";
  def.attrs = {"shape", "allowzero", "consumed_inputs"};
  def.max_inputs = 2;
  def.infer = [](OpContext &ctx) { ctx.set_output(0, ctx.input(0).dtype, reshape_target(ctx)); };
  def.lower = lower_alias;
  r.add(std::move(def));
}

void register_flatten(OpRegistry &r) {
  OpDef def;
  def.op = "Flatten";
  def.attrs = {"axis"};
  def.infer = [](OpContext &ctx) {
    const Shape &s = ctx.input(0).shape;
    int64_t rank = static_cast<int64_t>(s.size());
    int64_t axis = ctx.attr_int("axis", 1);
    ctx.require(axis >= -rank && axis <= rank, fmt::format("axis {} is out of range for rank {}", axis, rank));
    if (axis < 0) axis += rank;
    int64_t outer = num_elements(Shape(s.begin(), s.begin() + axis));
    ctx.set_output(0, ctx.input(0).dtype, {outer, num_elements(Shape(s.begin() + axis, s.end()))});
  };
  def.lower = lower_alias;
  r.add(std::move(def));
}

void register_squeeze(OpRegistry &r) {
  OpDef def;
  def.op = "Squeeze";
  def.attrs = {"axes"};
  def.max_inputs = 2;
  def.infer = [](OpContext &ctx) {
    const Shape &s = ctx.input(0).shape;
    int64_t rank = static_cast<int64_t>(s.size());
    std::optional<std::vector<int64_t>> axes = ctx.ints_from_attr_or_input("axes", 1);
    std::vector<bool> drop(s.size(), false);
    if (axes) {
      for (int64_t a : normalize_axes(ctx, *axes, rank)) {
        if (s[static_cast<size_t>(a)] != 1)
          ctx.error(fmt::format("cannot squeeze axis {} of size {}", a, s[static_cast<size_t>(a)]));
        drop[static_cast<size_t>(a)] = true;
      }
    } else {
      for (size_t d = 0; d < s.size(); ++d) drop[d] = s[d] == 1;
    }
    Shape out;
    for (size_t d = 0; d < s.size(); ++d)
      if (!drop[d]) out.push_back(s[d]);
    ctx.set_output(0, ctx.input(0).dtype, out);
  };
  def.lower = lower_alias;
  r.add(std::move(def));
}

void register_unsqueeze(OpRegistry &r) {
  OpDef def;
  def.op = "Unsqueeze";
  def.attrs = {"axes"};
  def.max_inputs = 2;
  def.infer = [](OpContext &ctx) {
    const Shape &s = ctx.input(0).shape;
    std::optional<std::vector<int64_t>> axes = ctx.ints_from_attr_or_input("axes", 1);
    ctx.require(axes.has_value(), "axes are required");
    int64_t out_rank = static_cast<int64_t>(s.size() + axes->size());
    std::vector<bool> inserted(static_cast<size_t>(out_rank), false);
    for (int64_t a : normalize_axes(ctx, *axes, out_rank)) inserted[static_cast<size_t>(a)] = true;
    Shape out;
    size_t next = 0;
    for (int64_t d = 0; d < out_rank; ++d) out.push_back(inserted[static_cast<size_t>(d)] ? 1 : s[next++]);
    ctx.set_output(0, ctx.input(0).dtype, out);
  };
  def.lower = lower_alias;
  r.add(std::move(def));
}

void register_identity(OpRegistry &r) {
  OpDef def;
  def.op = "Identity";
  def.infer = infer_same_as_input;
  def.lower = lower_alias;
  r.add(std::move(def));
}

// Optional values whose presence is known when compiling: aotc's values are
// tensors, so an optional one is either a tensor (present) or an omitted
// input (absent). OptionalGetElement forwards the tensor; OptionalHasElement
// is a constant.
void register_optional(OpRegistry &r) {
  OpDef get;
  get.op = "OptionalGetElement";
  get.infer = infer_same_as_input;
  get.lower = lower_alias;
  r.add(std::move(get));

  OpDef has;
  has.op = "OptionalHasElement";
  has.min_inputs = 0;
  has.infer = [](OpContext &ctx) { ctx.set_output(0, DType::Bool, {}); };
  has.fold = [](OpContext &ctx) -> std::optional<std::vector<Tensor>> {
    Tensor present = make_tensor(DType::Bool, {});
    present.bytes[0] = ctx.has_input(0) ? 1 : 0;
    return std::vector<Tensor>{std::move(present)};
  };
  r.add(std::move(has));
}

// Element 0 of a scalar tensor as double (also float16 and bfloat16).
double scalar_value(const Tensor &t) {
  if (t.dtype == DType::Float16 || t.dtype == DType::BFloat16) {
    uint16_t h;
    std::memcpy(&h, t.bytes.data(), 2);
    if (t.dtype == DType::BFloat16) {
      uint32_t bits = static_cast<uint32_t>(h) << 16;
      float f;
      std::memcpy(&f, &bits, 4);
      return f;
    }
    int sign = h >> 15, e = (h >> 10) & 0x1F, m = h & 0x3FF;
    double v = e == 0 ? std::ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : std::ldexp(m + 1024, e - 25);
    return sign ? -v : v;
  }
  return t.double_at(0);
}

// ---- Dropout ---------------------------------------------------------------------

// Inference Dropout is the identity. Training mode is random unless the ratio is 0.
void check_dropout_inference(const OpContext &ctx) {
  if (ctx.opset() < 7) {
    // Opsets 1 and 6: is_test=0 meant training. Backends treat it as inference in practice.
    return;
  }
  if (ctx.opset() < 12 || !ctx.has_input(2)) return;
  Value &mode = ctx.input(2);
  if (!mode.is_constant()) ctx.constant_input(2);  // reports the standard error naming the input
  ctx.require(mode.constant->count() == 1, "training_mode must be a scalar");
  if (mode.constant->int_at(0) == 0) return;
  double ratio = 0.5;
  if (ctx.has_input(1)) {
    Value &rv = ctx.input(1);
    if (!rv.is_constant()) ctx.constant_input(1);
    ctx.require(rv.constant->count() == 1, "ratio must be a scalar");
    ratio = scalar_value(*rv.constant);
  }
  if (ratio != 0.0)
    ctx.error("training-mode Dropout with a nonzero ratio is random; aotc compiles inference only");
}

void register_dropout(OpRegistry &r) {
  OpDef def;
  def.op = "Dropout";
  def.attrs = {"ratio", "is_test", "consumed_inputs", "seed"};
  def.max_inputs = 3;
  def.max_outputs = 2;
  def.infer = [](OpContext &ctx) {
    check_dropout_inference(ctx);
    Value &x = ctx.input(0);
    ctx.set_output(0, x.dtype, x.shape);
    // The mask is bool since opset 10, the data's type before.
    ctx.set_output(1, ctx.opset() >= 10 ? DType::Bool : x.dtype, x.shape);
  };
  def.lower = [](LowerContext &ctx) {
    check_dropout_inference(ctx);
    Value &x = ctx.input(0);
    ctx.alias(ctx.output(0), x);
    if (!ctx.has_output(1)) return;
    Value &mask = ctx.output(1);
    if (mask.count() == 0) return write_empty(ctx, mask);
    // Every element is kept: true, or 1 in the data's type (opsets < 10).
    std::vector<int64_t> one;
    switch (mask.dtype) {
      case DType::Bool: one = {1}; break;
      case DType::Float: one = {0x3F800000}; break;
      case DType::Float16: one = {0x3C00}; break;
      case DType::Double: one = {0, 0x3FF00000}; break;
      default: ctx.error(fmt::format("mask of type {} is not supported", dtype_name(mask.dtype)));
    }
    ctx.call("aotc_fill").out(&mask).i(static_cast<int64_t>(dtype_size(mask.dtype))).i(mask.count()).ints(one);
  };
  r.add(std::move(def));
}

// ---- ConstantOfShape ---------------------------------------------------------------

// ConstantOfShape's value: its attribute (one element), default float 0.
Tensor fill_value(const OpContext &ctx) {
  if (!ctx.has_attr("value")) return make_tensor(DType::Float, {1});
  const Tensor &t = ctx.attr_tensor("value");
  ctx.require(t.count() == 1, "value must hold exactly one element");
  if (dtype_info(t.dtype).c_type == nullptr || dtype_size(t.dtype) == 0)
    ctx.error(fmt::format("value of type {} is not supported", dtype_name(t.dtype)));
  return t;
}

void register_constant_of_shape(OpRegistry &r) {
  OpDef def;
  def.op = "ConstantOfShape";
  def.attrs = {"value"};
  def.infer = [](OpContext &ctx) {
    Shape shape = ctx.constant_input(0).to_ints();
    for (int64_t d : shape) ctx.require(d >= 0, fmt::format("invalid dimension {} in shape", d));
    ctx.set_output(0, fill_value(ctx).dtype, shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &y = ctx.output(0);
    if (y.count() == 0) return write_empty(ctx, y);
    Tensor v = fill_value(ctx);
    ctx.call("aotc_fill")
        .out(&y)
        .i(static_cast<int64_t>(dtype_size(v.dtype)))
        .i(y.count())
        .ints(value_words(v.bytes.data(), dtype_size(v.dtype)));
  };
  r.add(std::move(def));
}

// ---- Range --------------------------------------------------------------------------

int64_t range_count(const OpContext &ctx) {
  const Tensor &start = ctx.constant_input(0), &limit = ctx.constant_input(1), &delta = ctx.constant_input(2);
  for (const Tensor *t : {&start, &limit, &delta}) {
    ctx.require(t->count() == 1, "start, limit and delta must be scalars");
    ctx.require(t->dtype == start.dtype, "start, limit and delta must have the same type");
  }
  if (is_integer(start.dtype)) {
    int64_t s = start.int_at(0), l = limit.int_at(0), d = delta.int_at(0);
    ctx.require(d != 0, "delta cannot be 0");
    if (l == s || (l > s) != (d > 0)) return 0;
    // ceil(|l - s| / |d|) in unsigned arithmetic, which cannot overflow.
    uint64_t diff = l > s ? static_cast<uint64_t>(l) - static_cast<uint64_t>(s)
                          : static_cast<uint64_t>(s) - static_cast<uint64_t>(l);
    uint64_t step = d > 0 ? static_cast<uint64_t>(d) : 0 - static_cast<uint64_t>(d);
    uint64_t n = diff / step + (diff % step != 0 ? 1 : 0);
    ctx.require(n <= static_cast<uint64_t>(std::numeric_limits<int32_t>::max()), "range is too long");
    return static_cast<int64_t>(n);
  }
  double s = scalar_value(start), l = scalar_value(limit), d = scalar_value(delta);
  ctx.require(d != 0 && std::isfinite(s) && std::isfinite(l) && std::isfinite(d),
              "start, limit and delta must be finite and delta nonzero");
  // Compute the count in the inputs' precision, as ONNX Runtime does.
  double n = start.dtype == DType::Float
                 ? std::ceil((static_cast<float>(l) - static_cast<float>(s)) / static_cast<float>(d))
                 : std::ceil((l - s) / d);
  if (!(n > 0)) return 0;  // also -inf (and NaN)
  ctx.require(n <= std::numeric_limits<int32_t>::max(), "range is too long");
  return static_cast<int64_t>(n);
}

void register_range(OpRegistry &r) {
  OpDef def;
  def.op = "Range";
  def.attrs = {"stash_type"};
  def.min_inputs = def.max_inputs = 3;
  def.infer = [](OpContext &ctx) {
    DType t = ctx.input(0).dtype;
    ctx.require(is_integer(t) || is_float(t), fmt::format("type {} is not supported", dtype_name(t)));
    int64_t n = range_count(ctx);
    ctx.require(n <= std::numeric_limits<int32_t>::max(), "range is too long");
    ctx.set_output(0, t, {n});
  };
  def.lower = [](LowerContext &ctx) {
    Value &y = ctx.output(0);
    if (y.count() == 0) return write_empty(ctx, y);
    ctx.call(kernel_for(ctx, "range", y.dtype)).in(&ctx.input(0)).in(&ctx.input(2)).out(&y).i(y.count());
  };
  r.add(std::move(def));
}

}  // namespace

void register_shape_ops_ops(OpRegistry &r) {
  register_shape(r);
  register_size(r);
  register_reshape(r);
  register_flatten(r);
  register_squeeze(r);
  register_unsqueeze(r);
  register_identity(r);
  register_dropout(r);
  register_constant_of_shape(r);
  register_range(r);
  register_optional(r);
}

}  // namespace aotc
