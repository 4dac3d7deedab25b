// ONNX Runtime's contrib quantized ops (domain com.microsoft, version 1), which
// ORT's QDQ fusion and its QOperator-format quantizer put in models, lowered
// to runtime-c/kernels/qlinear.c with the arithmetic of ORT's x86-64 CPU
// kernels, so that aotc matches ONNX Runtime bit for bit:
//   QLinearAdd, QLinearMul   (numpy broadcasting)
//   QLinearSigmoid, QLinearLeakyRelu   (ORT's 256-entry lookup table)
//   QLinearGlobalAveragePool, QLinearAveragePool   (channels_last: N x spatial x C)
//   QLinearConcat   (each input requantized to the output's scale and zero point)
//   QLinearSoftmax   (ORT's exp table; `opset` < 13 flattens from `axis`)
//   QGemm   (b_scale/b_zero_point per column allowed; float output without y_zero_point)
// int8 and uint8; scales and zero points are per tensor (one element), zero
// points optional (0), as ORT's kernels require.
#include <fmt/format.h>

#include <cmath>

#include "ops/op_util.h"
#include "ops/window.h"

namespace aotc {

namespace {

bool is_q8(DType t) { return t == DType::UInt8 || t == DType::Int8; }

// x (input i) must be uint8 or int8.
DType require_q8(const OpContext &ctx, size_t i, const char *name) {
  const DType t = ctx.input(i).dtype;
  ctx.require(is_q8(t), fmt::format("{} must be uint8 or int8, got {}", name, dtype_name(t)));
  return t;
}

// One value, rank 0 or 1, as ORT's IsScalarOr1ElementVector.
bool is_scalar_like(const Value &v) { return v.shape.size() <= 1 && v.count() == 1; }

void require_scale(const OpContext &ctx, size_t i, const char *name) {
  const Value &s = ctx.input(i);
  ctx.require(s.dtype == DType::Float, fmt::format("{} must be float, got {}", name, dtype_name(s.dtype)));
  ctx.require(is_scalar_like(s), fmt::format("{} must be a scalar or one-element vector (per tensor), got {}", name,
                                             shape_str(s.shape)));
}

// An optional zero point (input i) of type t.
void require_zero_point(const OpContext &ctx, size_t i, DType t, const char *name) {
  if (!ctx.has_input(i)) return;
  const Value &z = ctx.input(i);
  ctx.require(z.dtype == t, fmt::format("{} must be {} like the data, got {}", name, dtype_name(t), dtype_name(z.dtype)));
  ctx.require(is_scalar_like(z), fmt::format("{} must be a scalar or one-element vector (per tensor), got {}", name,
                                             shape_str(z.shape)));
}

// Inputs that must be present; the optional zero points between them may be "".
void require_inputs(const OpContext &ctx, std::initializer_list<size_t> required) {
  for (size_t i : required) ctx.require(ctx.has_input(i), fmt::format("required input {} is missing", i));
}

Value *optional_input(const OpContext &ctx, size_t i) { return ctx.has_input(i) ? &ctx.input(i) : nullptr; }

// The inputs of the one-tensor ops: X, X_scale, X_zero_point (optional), Y_scale,
// Y_zero_point (optional). Returns X's type.
DType require_unary_inputs(const OpContext &ctx) {
  require_inputs(ctx, {0, 1, 3});
  const DType t = require_q8(ctx, 0, "X");
  if (!ctx.input(1).layout.is_packed()) require_scale(ctx, 1, "X_scale");  // (QLinearSoftmax's exp table)
  require_scale(ctx, 3, "Y_scale");
  require_zero_point(ctx, 2, t, "X_zero_point");
  require_zero_point(ctx, 4, t, "Y_zero_point");
  return t;
}

// A call to `base` for X's type with those five inputs (NULL for absent zero points) and Y.
KernelCall &call_unary(LowerContext &ctx, const std::string &base) {
  Value &x = ctx.input(0);
  return ctx.call(kernel_for(ctx, base, x.dtype))
      .in(&x)
      .in(&ctx.input(1))
      .in(optional_input(ctx, 2))
      .in(&ctx.input(3))
      .in(optional_input(ctx, 4))
      .out(&ctx.output(0));
}

// ---- QLinearAdd, QLinearMul: A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp -------------

void register_qlinear_binary(OpRegistry &r, const char *op, const char *kernel) {
  OpDef def;
  def.op = op;
  def.domain = kMicrosoftDomain;
  def.min_inputs = 2;  // A_scale; the rest are checked in infer (zero points in between are optional)
  def.max_inputs = 8;
  def.infer = [](OpContext &ctx) {
    require_inputs(ctx, {0, 1, 3, 4, 6});
    const DType t = require_q8(ctx, 0, "A");
    ctx.require(ctx.input(3).dtype == t, fmt::format("B must be {} like A, got {}", dtype_name(t),
                                                     dtype_name(ctx.input(3).dtype)));
    require_scale(ctx, 1, "A_scale");
    require_scale(ctx, 4, "B_scale");
    require_scale(ctx, 6, "C_scale");
    require_zero_point(ctx, 2, t, "A_zero_point");
    require_zero_point(ctx, 5, t, "B_zero_point");
    require_zero_point(ctx, 7, t, "C_zero_point");
    ctx.set_output(0, t, broadcast_shapes(ctx, {ctx.input(0).shape, ctx.input(3).shape}));
  };
  const std::string base = kernel;
  def.lower = [base](LowerContext &ctx) {
    Value &a = ctx.input(0), &b = ctx.input(3), &y = ctx.output(0);
    BroadcastPlan plan = plan_broadcast(y.shape, {a.shape, b.shape});
    ctx.require(plan.dims.size() <= kMaxKernelRank, "too many dimensions remain after broadcasting (at most 8)");
    ctx.call(kernel_for(ctx, base, y.dtype))
        .in(&a)
        .in(&ctx.input(1))
        .in(optional_input(ctx, 2))
        .in(&b)
        .in(&ctx.input(4))
        .in(optional_input(ctx, 5))
        .in(&ctx.input(6))
        .in(optional_input(ctx, 7))
        .out(&y)
        .i(static_cast<int64_t>(plan.dims.size()))
        .ints(plan.dims)
        .ints(plan.strides[0])
        .ints(plan.strides[1]);
  };
  r.add(std::move(def));
}

// ---- QLinearSigmoid, QLinearLeakyRelu: X, X_scale, X_zp, Y_scale, Y_zp -----------------------

// `kind` is the lookup kernel's: 0 sigmoid, 1 leaky relu.
void register_qlinear_lookup(OpRegistry &r, const char *op, int kind) {
  OpDef def;
  def.op = op;
  def.domain = kMicrosoftDomain;
  if (kind == 1) def.attrs = {"alpha"};
  def.min_inputs = 2;  // X_scale; Y_scale (after the optional X_zero_point) is checked in infer
  def.max_inputs = 5;
  def.infer = [](OpContext &ctx) { ctx.set_output(0, require_unary_inputs(ctx), ctx.input(0).shape); };
  def.lower = [kind](LowerContext &ctx) {
    call_unary(ctx, "qlinear_lookup")
        .i(ctx.input(0).count())
        .i(kind)
        .f(ctx.attr_float("alpha", 0.01f));
  };
  r.add(std::move(def));
}

// ---- QLinearGlobalAveragePool, QLinearAveragePool: X, x_scale, x_zp, y_scale, y_zp ----------

void infer_qlinear_pool_io(OpContext &ctx) {
  require_unary_inputs(ctx);
  const int64_t channels_last = ctx.attr_int("channels_last", 0);
  ctx.require(channels_last == 0 || channels_last == 1, "channels_last must be 0 or 1");
  ctx.require(ctx.input(0).shape.size() >= 3, fmt::format("X must have rank >= 3 (N, C and spatial dims), got {}",
                                                          shape_str(ctx.input(0).shape)));
}

// N, C and the spatial dims of X, by channels_last.
struct PoolDims {
  int64_t n, c;
  std::vector<int64_t> spatial;
  bool channels_last;
};

PoolDims pool_dims(const OpContext &ctx) {
  const Shape &s = ctx.input(0).shape;
  PoolDims d;
  d.channels_last = ctx.attr_int("channels_last", 0) != 0;
  d.n = s[0];
  d.c = d.channels_last ? s.back() : s[1];
  d.spatial.assign(s.begin() + (d.channels_last ? 1 : 2), s.end() - (d.channels_last ? 1 : 0));
  return d;
}

Shape pooled(const PoolDims &d, const std::vector<int64_t> &out) {
  Shape y = {d.n};
  if (!d.channels_last) y.push_back(d.c);
  y.insert(y.end(), out.begin(), out.end());
  if (d.channels_last) y.push_back(d.c);
  return y;
}

// The global average over `image` values per channel. ORT's kernel throws
// outside its range; aotc refuses such a model when it can tell (constant scales).
void lower_qlinear_global(LowerContext &ctx, const PoolDims &d, int64_t image) {
  ctx.require(image < (int64_t{1} << 24), fmt::format("the pooled image has {} values; ORT's kernel takes fewer than 2^24",
                                                      image));
  const Value &xs = ctx.input(1), &ys = ctx.input(3);
  if (xs.is_constant() && ys.is_constant()) {
    const float denom = *ys.constant->data<float>() * static_cast<float>(image);
    const float scale = *xs.constant->data<float>() / denom;
    ctx.require(scale >= std::ldexp(1.0f, -32) && scale < 256.0f,
                fmt::format("x_scale / (y_scale * {}) = {} is outside the range ORT's kernel accepts ([2^-32, 256))",
                            image, scale));
  }
  call_unary(ctx, "qlinear_global_avgpool")
      .i(d.n)
      .i(d.c)
      .i(image)
      .i(d.channels_last ? 1 : 0);
}

void register_qlinear_global_avgpool(OpRegistry &r) {
  OpDef def;
  def.op = "QLinearGlobalAveragePool";
  def.domain = kMicrosoftDomain;
  def.attrs = {"channels_last"};
  def.min_inputs = 2;
  def.max_inputs = 5;
  def.infer = [](OpContext &ctx) {
    infer_qlinear_pool_io(ctx);
    const PoolDims d = pool_dims(ctx);
    ctx.set_output(0, ctx.input(0).dtype, pooled(d, std::vector<int64_t>(d.spatial.size(), 1)));
  };
  def.lower = [](LowerContext &ctx) {
    const PoolDims d = pool_dims(ctx);
    int64_t image = 1;
    for (int64_t v : d.spatial) image *= v;
    lower_qlinear_global(ctx, d, image);
  };
  r.add(std::move(def));
}

WindowGeometry qlinear_pool_window(const OpContext &ctx, const PoolDims &d) {
  ctx.require(d.spatial.size() <= 3, "ORT's QLinearAveragePool takes 1 to 3 spatial dims");
  return window_geometry(ctx, d.spatial, ctx.attr_ints("kernel_shape"), ctx.attr_int("ceil_mode", 0) != 0);
}

void register_qlinear_avgpool(OpRegistry &r) {
  OpDef def;
  def.op = "QLinearAveragePool";
  def.domain = kMicrosoftDomain;
  def.attrs = {"auto_pad", "ceil_mode", "channels_last", "count_include_pad", "kernel_shape", "pads", "strides"};
  def.min_inputs = 2;
  def.max_inputs = 5;
  def.infer = [](OpContext &ctx) {
    infer_qlinear_pool_io(ctx);
    const PoolDims d = pool_dims(ctx);
    ctx.set_output(0, ctx.input(0).dtype, pooled(d, qlinear_pool_window(ctx, d).out));
  };
  def.lower = [](LowerContext &ctx) {
    const PoolDims d = pool_dims(ctx);
    const WindowGeometry w = qlinear_pool_window(ctx, d);
    // Like ORT: a window the size of the input with no padding is the global
    // average, computed on integers (other windows are averaged in float).
    bool whole = true;
    for (size_t i = 0; i < d.spatial.size(); ++i)
      whole = whole && w.kernel[i] == d.spatial[i] && w.pad_begin[i] == 0 && w.pad_end[i] == 0;
    if (whole) {
      int64_t image = 1;
      for (int64_t v : d.spatial) image *= v;
      return lower_qlinear_global(ctx, d, image);
    }
    const aotc_pool_params p = pool_params(ctx, d.n * d.c, w);
    call_unary(ctx, "qlinear_avgpool")
        .params(p)
        .i(ctx.attr_int("count_include_pad", 0) != 0 ? 1 : 0)
        .i(d.channels_last ? d.c : 0);
  };
  r.add(std::move(def));
}

// ---- QLinearConcat: Y_scale, Y_zp, then (X, X_scale, X_zp) per input ---------------------------

void register_qlinear_concat(OpRegistry &r) {
  OpDef def;
  def.op = "QLinearConcat";
  def.domain = kMicrosoftDomain;
  def.attrs = {"axis"};
  def.min_inputs = 5;
  def.max_inputs = 2 + 3 * 4096;
  def.infer = [](OpContext &ctx) {
    const size_t n = ctx.num_inputs();
    ctx.require((n - 2) % 3 == 0, "inputs must be Y_scale, Y_zero_point, then (X, X_scale, X_zero_point) per input");
    for (size_t i = 0; i < n; ++i) ctx.require(ctx.has_input(i), fmt::format("input {} is missing (ORT needs all)", i));
    const DType t = ctx.input(1).dtype;
    ctx.require(is_q8(t), fmt::format("Y_zero_point must be uint8 or int8, got {}", dtype_name(t)));
    require_scale(ctx, 0, "Y_scale");
    require_zero_point(ctx, 1, t, "Y_zero_point");
    const Shape &first = ctx.input(2).shape;
    ctx.require(!first.empty(), "cannot concatenate scalars");
    const size_t axis = static_cast<size_t>(ctx.axis(ctx.attr_int("axis"), static_cast<int64_t>(first.size())));
    Shape out = first;
    out[axis] = 0;
    for (size_t i = 2; i < n; i += 3) {
      const Value &x = ctx.input(i);
      ctx.require(x.dtype == t, fmt::format("input {} must be {} like Y_zero_point, got {}", i, dtype_name(t),
                                            dtype_name(x.dtype)));
      require_scale(ctx, i + 1, "X_scale");
      require_zero_point(ctx, i + 2, t, "X_zero_point");
      bool ok = x.shape.size() == first.size();
      for (size_t k = 0; ok && k < first.size(); ++k) ok = k == axis || x.shape[k] == first[k];
      ctx.require(ok, fmt::format("input {} has shape {}, which does not match {} outside axis {}", i,
                                  shape_str(x.shape), shape_str(first), axis));
      out[axis] += x.shape[axis];
    }
    ctx.set_output(0, t, out);
  };
  def.lower = [](LowerContext &ctx) {
    Value &y = ctx.output(0);
    const size_t axis = static_cast<size_t>(ctx.axis(ctx.attr_int("axis"), static_cast<int64_t>(y.shape.size())));
    const int64_t outer = num_elements(Shape(y.shape.begin(), y.shape.begin() + static_cast<std::ptrdiff_t>(axis)));
    const int64_t inner = num_elements(Shape(y.shape.begin() + static_cast<std::ptrdiff_t>(axis) + 1, y.shape.end()));
    const int64_t row = y.shape[axis] * inner;
    int64_t offset = 0;
    for (size_t i = 2; i < ctx.num_inputs(); i += 3) {
      Value &x = ctx.input(i);
      const int64_t n = x.shape[axis] * inner;
      ctx.call(kernel_for(ctx, "qlinear_concat_part", y.dtype))
          .in(&x)
          .in(&ctx.input(i + 1))
          .in(&ctx.input(i + 2))
          .in(&ctx.input(0))
          .in(&ctx.input(1))
          .out(&y)
          .i(outer)
          .i(n)
          .i(row)
          .i(offset);
      offset += n;
    }
  };
  r.add(std::move(def));
}

// ---- QLinearSoftmax: X, X_scale, x_zp (unused by ORT), y_scale, y_zp; attributes axis, opset ---

struct SoftmaxFibers {
  int64_t outer, d, inner;
};

SoftmaxFibers softmax_fibers(const OpContext &ctx) {
  const Shape &s = ctx.input(0).shape;
  const int64_t opset = ctx.attr_int("opset");
  const int64_t axis = ctx.axis(ctx.attr_int("axis", opset < 13 ? 1 : -1), static_cast<int64_t>(s.size()));
  SoftmaxFibers f{1, 1, 1};
  for (int64_t i = 0; i < static_cast<int64_t>(s.size()); ++i) {
    int64_t &part = i < axis ? f.outer : (i == axis || opset < 13 ? f.d : f.inner);
    part *= s[static_cast<size_t>(i)];
  }
  return f;
}

void register_qlinear_softmax(OpRegistry &r) {
  OpDef def;
  def.op = "QLinearSoftmax";
  def.domain = kMicrosoftDomain;
  def.attrs = {"axis", "opset"};
  def.min_inputs = 2;
  def.max_inputs = 5;
  def.infer = [](OpContext &ctx) {
    const DType t = require_unary_inputs(ctx);
    ctx.require(ctx.has_attr("opset"), "the opset attribute is required (ORT's kernel needs it)");
    ctx.require(!ctx.input(0).shape.empty(), "X must have rank >= 1");
    softmax_fibers(ctx);
    const Value &ys = ctx.input(3);
    // floor(1 / y_scale) times a probability must fit the int32 the output is rounded to.
    if (ys.is_constant())
      ctx.require(1.0f / *ys.constant->data<float>() < 2147483648.0f, "y_scale is too small (1 / y_scale >= 2^31)");
    ctx.set_output(0, t, ctx.input(0).shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    const SoftmaxFibers f = softmax_fibers(ctx);
    // X_scale packed by aotc.QLinearSoftmaxTable is the exp table; else the kernel makes one.
    Value *scale = &ctx.input(1);
    const bool tabled = scale->layout.is_packed();
    ctx.call(kernel_for(ctx, "qlinear_softmax", x.dtype))
        .in(&x)
        .in(tabled ? nullptr : scale)
        .in(tabled ? scale : nullptr)
        .in(&ctx.input(3))
        .in(optional_input(ctx, 4))
        .out(&ctx.output(0))
        .i(f.outer)
        .i(f.d)
        .i(f.inner);
  };
  def.packs = [](LowerContext &ctx) -> std::vector<PackRequest> {
    const Value &scale = ctx.input(1);
    if (!scale.is_constant() || scale.layout.is_packed()) return {};
    PackRequest req;
    req.input = 1;
    req.op = "QLinearSoftmaxTable";
    req.attrs["d"].value = softmax_fibers(ctx).d;
    return {req};
  };
  r.add(std::move(def));
}

// aotc.QLinearSoftmaxTable: QLinearSoftmax's 256 exps for a constant X_scale
// and fiber length d (aotc_qlinear_softmax_table in qlinear.c, the one
// definition), inserted by choose-layouts and folded at compile time.
void register_qlinear_softmax_table(OpRegistry &r) {
  OpDef def;
  def.op = "QLinearSoftmaxTable";
  def.domain = kInternalDomain;
  def.attrs = {"d"};
  def.infer = [](OpContext &ctx) {
    ctx.require(ctx.input(0).dtype == DType::Float && ctx.input(0).count() == 1, "expects a float scale");
    ctx.set_output(0, DType::Float, {256});
    ctx.set_output_layout(0, Layout::packed("qsoftmax_exp", {256}));
  };
  def.lower = [](LowerContext &ctx) {
    ctx.call("aotc_qlinear_softmax_table").in(&ctx.input(0)).out(&ctx.output(0)).i(ctx.attr_int("d"));
  };
  r.add(std::move(def));
}

// ---- QGemm: A, a_scale, a_zp, B, b_scale, b_zp, C (int32), y_scale, y_zp ------------------------

aotc_qgemm_params qgemm_params(const OpContext &ctx) {
  const Shape &a = ctx.input(0).shape, &b = ctx.input(3).shape;
  ctx.require(a.size() == 2 && b.size() == 2,
              fmt::format("A and B must be 2-D, got {} and {}", shape_str(a), shape_str(b)));
  const bool ta = ctx.attr_int("transA", 0) != 0, tb = ctx.attr_int("transB", 0) != 0;
  const int64_t m = ta ? a[1] : a[0], k = ta ? a[0] : a[1], kb = tb ? b[1] : b[0], n = tb ? b[0] : b[1];
  ctx.require(k == kb, fmt::format("inner dimensions differ: A {} and B {} (transA {}, transB {})", shape_str(a),
                                   shape_str(b), ta, tb));
  for (int64_t v : {m, n, k}) ctx.require(v <= INT32_MAX, "QGemm dimensions must fit in 32 bits");
  aotc_qgemm_params p{};
  p.m = static_cast<int32_t>(m);
  p.n = static_cast<int32_t>(n);
  p.k = static_cast<int32_t>(k);
  p.trans_a = ta;
  p.trans_b = tb;
  // b_scale and b_zero_point: a scalar, [1] or [N], of one shape (as ORT checks).
  const Shape &bs = ctx.input(4).shape, &bz = ctx.input(5).shape;
  auto per_n = [&](const Shape &s, const char *name) {
    ctx.require(s.empty() || (s.size() == 1 && (s[0] == 1 || s[0] == n)),
                fmt::format("{} must be a scalar or 1-D of size 1 or N ({}), got {}", name, n, shape_str(s)));
    return s.size() == 1 && s[0] == n && n != 1;
  };
  const bool bs_col = per_n(bs, "b_scale"), bz_col = per_n(bz, "b_zero_point");
  ctx.require(bs == bz, fmt::format("b_scale {} and b_zero_point {} must have one shape", shape_str(bs), shape_str(bz)));
  p.b_per_column = bs_col || bz_col;
  if (ctx.has_input(6)) {
    const Shape &c = ctx.input(6).shape;
    const int64_t cm = c.size() == 2 ? c[0] : 1, cn = c.empty() ? 1 : c.back();
    ctx.require(c.size() <= 2 && (cm == 1 || cm == m) && (cn == 1 || cn == n),
                fmt::format("C {} does not broadcast to [{},{}]", shape_str(c), m, n));
    p.c_row_stride = cm == 1 ? 0 : static_cast<int32_t>(cn);  // C's own row pitch
    p.c_col_stride = cn == 1 ? 0 : 1;
  }
  return p;
}

// Whether a QGemm runs on the fast int8 conv kernels (ops/conv.cpp), as its
// M rows of single-pixel 1x1 convs: int8 output, B [N, K] (transB) int8 with
// zero points 0, alpha 1 (so the scale is a_scale * b_scale[n] / y_scale, as
// QLinearConv's), C absent or one value per column.
bool qgemm_on_conv_kernels(const OpContext &ctx, const aotc_qgemm_params &p) {
  if (!ctx.has_input(8) || p.trans_a || !p.trans_b || ctx.attr_float("alpha", 1.0f) != 1.0f) return false;
  if (ctx.has_input(6) && (p.c_row_stride != 0 || ctx.input(6).count() != p.n)) return false;
  return qconv_rows_ok(ctx.input(3), &ctx.input(5), p.m, p.k, p.n);
}

void register_qgemm(OpRegistry &r) {
  OpDef def;
  def.op = "QGemm";
  def.domain = kMicrosoftDomain;
  def.attrs = {"alpha", "transA", "transB"};
  def.min_inputs = 6;
  def.max_inputs = 9;
  def.infer = [](OpContext &ctx) {
    const DType ta = require_q8(ctx, 0, "A"), tb = require_q8(ctx, 3, "B");
    ctx.require(ta == DType::UInt8 || tb == DType::Int8, "with an int8 A, B must be int8 (as ORT's kernels take)");
    require_scale(ctx, 1, "a_scale");
    require_zero_point(ctx, 2, ta, "a_zero_point");
    ctx.require(ctx.input(4).dtype == DType::Float, "b_scale must be float");
    ctx.require(ctx.input(5).dtype == tb, "b_zero_point must have B's type");
    if (ctx.has_input(6))
      ctx.require(ctx.input(6).dtype == DType::Int32, fmt::format("C must be int32, got {}",
                                                                  dtype_name(ctx.input(6).dtype)));
    if (ctx.has_input(7)) require_scale(ctx, 7, "y_scale");
    if (ctx.has_input(8)) {
      ctx.require(ctx.has_input(7), "y_zero_point needs y_scale");
      require_zero_point(ctx, 8, ta, "y_zero_point");
    }
    const aotc_qgemm_params p = qgemm_params(ctx);
    ctx.set_output(0, ctx.has_input(8) ? ta : DType::Float, {p.m, p.n});
  };
  def.packs = [](LowerContext &ctx) -> std::vector<PackRequest> {
    Value &b = ctx.input(3);
    if (!b.is_constant() || b.layout.is_packed() || !qgemm_on_conv_kernels(ctx, qgemm_params(ctx))) return {};
    PackRequest pack;
    pack.input = 3;
    pack.op = "PackQConvWeights";
    return {pack};
  };
  def.lower = [](LowerContext &ctx) {
    Value &a = ctx.input(0), &b = ctx.input(3), &y = ctx.output(0);
    if (b.layout.is_packed()) {
      const aotc_qgemm_params p = qgemm_params(ctx);
      ctx.require(b.layout.format == "qconv_i8" && qgemm_on_conv_kernels(ctx, p),
                  "internal error: packed QGemm weights the conv kernels cannot take");
      lower_qconv_rows(ctx,
                       {&a, &ctx.input(1), &ctx.input(2), &b, &ctx.input(4), &ctx.input(5), &ctx.input(7),
                        &ctx.input(8), optional_input(ctx, 6), &y},
                       p.m, p.k, p.n, ctx.input(4).count() > 1);
      return;
    }
    ctx.call(fmt::format("aotc_qgemm_{}_{}_{}", dtype_info(a.dtype).suffix, dtype_info(b.dtype).suffix,
                         dtype_info(y.dtype).suffix))
        .in(&a)
        .in(&ctx.input(1))
        .in(&ctx.input(2))
        .in(&b)
        .in(&ctx.input(4))
        .in(&ctx.input(5))
        .in(optional_input(ctx, 6))
        .in(optional_input(ctx, 7))
        .in(optional_input(ctx, 8))
        .out(&y)
        .params(qgemm_params(ctx))
        .f(ctx.attr_float("alpha", 1.0f));
  };
  def.macs = [](OpContext &ctx) {
    const aotc_qgemm_params p = qgemm_params(ctx);
    return int64_t{p.m} * p.n * p.k;
  };
  r.add(std::move(def));
}

}  // namespace

void register_quantize_contrib_ops(OpRegistry &r) {
  register_qlinear_binary(r, "QLinearAdd", "qlinear_add");
  register_qlinear_binary(r, "QLinearMul", "qlinear_mul");
  register_qlinear_lookup(r, "QLinearSigmoid", 0);
  register_qlinear_lookup(r, "QLinearLeakyRelu", 1);
  register_qlinear_global_avgpool(r);
  register_qlinear_avgpool(r);
  register_qlinear_concat(r);
  register_qlinear_softmax(r);
  register_qlinear_softmax_table(r);
  register_qgemm(r);
}

}  // namespace aotc
