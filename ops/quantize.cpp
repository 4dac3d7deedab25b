// The ONNX quantization ops, lowered to runtime-c/kernels/quantize.c:
// QuantizeLinear and DequantizeLinear (opsets 10..25: per-tensor, per-axis and
// blocked scales; int8/uint8, int16/uint16, int4/uint4, int2/uint2, the float8
// types and float4e2m1; float/float16/bfloat16/float8e8m0 scales; `saturate`,
// `output_dtype`, `precision`), DynamicQuantizeLinear, MatMulInteger and
// QLinearMatMul. ConvInteger and QLinearConv are in ops/conv.cpp.
//
// Float x and scale to or from an integer type use typed float kernels
// (aotc_quantize_linear_f32_<y>, aotc_dequantize_linear_<x>_f32); every other
// combination one generic kernel that takes the ONNX type numbers.
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "ops/op_util.h"

namespace aotc {

namespace {

// An empty output still needs a writer for the memory planner: a 0-byte copy.
void write_empty(LowerContext &ctx, Value &y) { ctx.call("aotc_copy").in(nullptr).out(&y).i(0); }

int64_t type_code(DType t) { return static_cast<int64_t>(t); }

bool is_quant_int(DType t) {
  switch (t) {
    case DType::Int8:
    case DType::UInt8:
    case DType::Int16:
    case DType::UInt16:
    case DType::Int4:
    case DType::UInt4:
    case DType::Int2:
    case DType::UInt2: return true;
    default: return false;
  }
}

// float8 e4m3fn/e4m3fnuz/e5m2/e5m2fnuz and float4e2m1: the float quantized types.
bool is_quant_float(DType t) { return is_minifloat(t) && t != DType::Float8E8M0; }

bool is_scale_type(DType t) {
  return t == DType::Float || t == DType::Float16 || t == DType::BFloat16 || t == DType::Float8E8M0;
}

bool is_compute_float(DType t) { return t == DType::Float || t == DType::Float16 || t == DType::BFloat16; }

// ---- granularity of QuantizeLinear / DequantizeLinear ----------------------------

// The kernels' aotc_quant_params from {outer, d, inner, block, scale_outer,
// scale_axis, scale_inner}; every value must fit its int32_t field.
aotc_quant_params quant_params(const OpContext &ctx, const std::array<int64_t, 7> &v) {
  for (int64_t x : v)
    ctx.require(x >= 0 && x <= INT32_MAX, fmt::format("quantization geometry value {} does not fit in 32 bits", x));
  auto i32 = [&](size_t i) { return static_cast<int32_t>(v[i]); };
  return {i32(0), i32(1), i32(2), i32(3), i32(4), i32(5), i32(6)};
}

// Which scale and zero point (inputs 1 and 2) each element of x (input 0) uses.
aotc_quant_params quant_geometry(const OpContext &ctx) {
  const Shape &xs = ctx.input(0).shape;
  const Value &scale = ctx.input(1);
  const Shape &ss = scale.shape;
  const int64_t rank = static_cast<int64_t>(xs.size());
  const int64_t block = ctx.attr_int("block_size", 0);
  ctx.require(block >= 0, fmt::format("block_size must be >= 0, got {}", block));
  if (ctx.has_input(2)) {
    const Shape &zs = ctx.input(2).shape;
    ctx.require(zs == ss || (num_elements(zs) == 1 && num_elements(ss) == 1 && zs.size() <= 1 && ss.size() <= 1),
                fmt::format("the zero point {} must have the scale's shape {}", shape_str(zs), shape_str(ss)));
  }
  const int64_t count = num_elements(xs);
  if (block == 0 && ss.size() <= 1 && num_elements(ss) == 1) return quant_params(ctx, {1, 1, count, 1, 0, 0, 0});  // per tensor
  ctx.require(rank >= 1, "a scalar x needs a scalar scale");
  // The default axis 1 does not exist in a 1-D x: its only axis is meant.
  const int64_t axis = ctx.axis(rank == 1 && !ctx.has_attr("axis") ? 0 : ctx.attr_int("axis", 1), rank);
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= xs[static_cast<size_t>(i)];
  for (int64_t i = axis + 1; i < rank; ++i) inner *= xs[static_cast<size_t>(i)];
  const int64_t d = xs[static_cast<size_t>(axis)];
  if (block == 0) {
    ctx.require(ss.size() == 1, fmt::format("the scale {} must be a scalar or 1-D (per axis), or block_size set "
                                            "(blocked)", shape_str(ss)));
    ctx.require(ss[0] == d, fmt::format("the per-axis scale has {} values, but x {} has {} along axis {}", ss[0],
                                        shape_str(xs), d, axis));
    return quant_params(ctx, {outer, d, inner, 1, 0, 1, 0});
  }
  ctx.require(static_cast<int64_t>(ss.size()) == rank,
              fmt::format("a blocked scale must have the rank of x {}, got {}", shape_str(xs), shape_str(ss)));
  for (int64_t i = 0; i < rank; ++i) {
    const size_t u = static_cast<size_t>(i);
    if (i == axis)
      ctx.require(ss[u] == (d + block - 1) / block,
                  fmt::format("the blocked scale {} needs ceil({} / {}) = {} values along axis {}", shape_str(ss), d,
                              block, (d + block - 1) / block, axis));
    else
      ctx.require(ss[u] == xs[u], fmt::format("the blocked scale {} must match x {} except along axis {}",
                                              shape_str(ss), shape_str(xs), axis));
  }
  // A block longer than the axis is one block (and keeps the kernel's int32 arguments small).
  return quant_params(ctx, {outer, d, inner, std::max<int64_t>(1, std::min(block, d)),
                           ss[static_cast<size_t>(axis)] * inner, inner, 1});
}

// ---- QuantizeLinear ----------------------------------------------------------------

DType quantize_output_type(const OpContext &ctx) {
  const int64_t attr = ctx.attr_int("output_dtype", 0);
  DType zp = ctx.has_input(2) ? ctx.input(2).dtype : DType::Undefined;
  if (attr != 0) {
    DType t = static_cast<DType>(attr);
    ctx.require(zp == DType::Undefined || zp == t,
                fmt::format("output_dtype ({}) differs from the zero point's type ({})", dtype_name(t),
                            dtype_name(zp)));
    return t;
  }
  return zp == DType::Undefined ? DType::UInt8 : zp;
}

// The precision of the division x / scale: `precision`, else the scale's type
// (float for a float8e8m0 scale).
DType quantize_precision(const OpContext &ctx) {
  const int64_t attr = ctx.attr_int("precision", 0);
  DType p = attr != 0 ? static_cast<DType>(attr) : ctx.input(1).dtype;
  if (p == DType::Float8E8M0 && attr == 0) p = DType::Float;
  ctx.require(is_compute_float(p),
              fmt::format("precision must be float, float16 or bfloat16, got {}", dtype_name(p)));
  return p;
}

void infer_quantize(OpContext &ctx) {
  Value &x = ctx.input(0), &scale = ctx.input(1);
  ctx.require(is_compute_float(x.dtype) || x.dtype == DType::Int32,
              fmt::format("x must be float, float16, bfloat16 or int32, got {}", dtype_name(x.dtype)));
  ctx.require(is_scale_type(scale.dtype),
              fmt::format("aotc supports float, float16, bfloat16 and float8e8m0 scales, got {}",
                          dtype_name(scale.dtype)));
  DType y = quantize_output_type(ctx);
  ctx.require(is_quant_int(y) || is_quant_float(y),
              fmt::format("cannot quantize to {} (int8, uint8, int16, uint16, int4, uint4, int2, uint2, float8 or "
                          "float4e2m1)",
                          dtype_name(y)));
  quantize_precision(ctx);
  quant_geometry(ctx);
  ctx.set_output(0, y, x.shape);
}

void lower_quantize(LowerContext &ctx) {
  Value &x = ctx.input(0), &scale = ctx.input(1), &y = ctx.output(0);
  Value *zp = ctx.has_input(2) ? &ctx.input(2) : nullptr;
  if (x.count() == 0) return write_empty(ctx, y);
  const aotc_quant_params geo = quant_geometry(ctx);
  const DType p = quantize_precision(ctx);
  if (x.dtype == DType::Float && scale.dtype == DType::Float && p == DType::Float && is_quant_int(y.dtype)) {
    ctx.call(kernel_for(ctx, "quantize_linear_f32", y.dtype)).in(&x).in(&scale).in(zp).out(&y).params(geo);
    return;
  }
  ctx.call("aotc_quantize_linear_any")
      .in(&x)
      .in(&scale)
      .in(zp)
      .out(&y)
      .params(geo)
      .i(type_code(x.dtype))
      .i(type_code(scale.dtype))
      .i(type_code(y.dtype))
      .i(type_code(p))
      .i(ctx.attr_int("saturate", 1) != 0 ? 1 : 0);
}

// ---- DequantizeLinear ---------------------------------------------------------------

DType dequantize_output_type(const OpContext &ctx) {
  const int64_t attr = ctx.attr_int("output_dtype", 0);
  DType t = attr != 0 ? static_cast<DType>(attr) : ctx.input(1).dtype;
  if (attr == 0 && t == DType::Float8E8M0) ctx.error("a float8e8m0 scale needs output_dtype (float, float16 or bfloat16)");
  ctx.require(is_compute_float(t), fmt::format("cannot dequantize to {} (float, float16 or bfloat16)", dtype_name(t)));
  return t;
}

void infer_dequantize(OpContext &ctx) {
  Value &x = ctx.input(0), &scale = ctx.input(1);
  ctx.require(is_quant_int(x.dtype) || is_quant_float(x.dtype) || x.dtype == DType::Int32,
              fmt::format("cannot dequantize {} (int8, uint8, int16, uint16, int32, int4, uint4, int2, uint2, float8 "
                          "or float4e2m1)",
                          dtype_name(x.dtype)));
  ctx.require(is_scale_type(scale.dtype),
              fmt::format("aotc supports float, float16, bfloat16 and float8e8m0 scales, got {}",
                          dtype_name(scale.dtype)));
  if (ctx.has_input(2))
    ctx.require(ctx.input(2).dtype == x.dtype, fmt::format("the zero point ({}) must have the type of x ({})",
                                                           dtype_name(ctx.input(2).dtype), dtype_name(x.dtype)));
  DType y = dequantize_output_type(ctx);
  quant_geometry(ctx);
  ctx.set_output(0, y, x.shape);
}

void lower_dequantize(LowerContext &ctx) {
  Value &x = ctx.input(0), &scale = ctx.input(1), &y = ctx.output(0);
  Value *zp = ctx.has_input(2) ? &ctx.input(2) : nullptr;
  if (x.count() == 0) return write_empty(ctx, y);
  const aotc_quant_params geo = quant_geometry(ctx);
  if ((is_quant_int(x.dtype) || x.dtype == DType::Int32) && scale.dtype == DType::Float && y.dtype == DType::Float) {
    ctx.call(fmt::format("aotc_dequantize_linear_{}_f32", dtype_info(x.dtype).suffix))
        .in(&x)
        .in(&scale)
        .in(zp)
        .out(&y)
        .params(geo);
    return;
  }
  ctx.call("aotc_dequantize_linear_any")
      .in(&x)
      .in(&scale)
      .in(zp)
      .out(&y)
      .params(geo)
      .i(type_code(x.dtype))
      .i(type_code(scale.dtype))
      .i(type_code(y.dtype));
}

void register_quantize_linear(OpRegistry &r) {
  OpDef q;
  q.op = "QuantizeLinear";
  q.attrs = {"axis", "block_size", "output_dtype", "precision", "saturate"};
  q.min_inputs = 2;
  q.max_inputs = 3;
  q.infer = infer_quantize;
  q.lower = lower_quantize;
  r.add(std::move(q));

  OpDef dq;
  dq.op = "DequantizeLinear";
  dq.attrs = {"axis", "block_size", "output_dtype"};
  dq.min_inputs = 2;
  dq.max_inputs = 3;
  dq.infer = infer_dequantize;
  dq.lower = lower_dequantize;
  r.add(std::move(dq));
}

// ---- DynamicQuantizeLinear -------------------------------------------------------------

void register_dynamic_quantize_linear(OpRegistry &r) {
  OpDef def;
  def.op = "DynamicQuantizeLinear";
  def.min_outputs = def.max_outputs = 3;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    ctx.require(x.dtype == DType::Float, fmt::format("x must be float, got {}", dtype_name(x.dtype)));
    ctx.set_output(0, DType::UInt8, x.shape);
    ctx.set_output(1, DType::Float, {});
    ctx.set_output(2, DType::UInt8, {});
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    ctx.call("aotc_dynamic_quantize_linear_f32")
        .in(&x)
        .out(&ctx.output(0))
        .out(&ctx.output(1))
        .out(&ctx.output(2))
        .i(x.count());
  };
  r.add(std::move(def));
}

// ---- MatMulInteger and QLinearMatMul ---------------------------------------------------

// A quantized MatMul seen as a batch of [M,K] x [K,N] products (numpy matmul,
// as ops/matmul.cpp: a 1-D A is a row vector and a 1-D B a column vector).
struct QMatMulPlan {
  int64_t m = 1, n = 1, k = 1;
  Shape y_shape;
  BroadcastPlan batch;
};

QMatMulPlan plan_qmatmul(const OpContext &ctx, size_t ia, size_t ib) {
  const Shape &a = ctx.input(ia).shape, &b = ctx.input(ib).shape;
  ctx.require(!a.empty() && !b.empty(), "the operands must have rank >= 1 (scalars are not allowed)");
  QMatMulPlan p;
  const bool a_vec = a.size() == 1, b_vec = b.size() == 1;
  p.m = a_vec ? 1 : a[a.size() - 2];
  p.k = a.back();
  const int64_t kb = b_vec ? b[0] : b[b.size() - 2];
  p.n = b_vec ? 1 : b.back();
  if (p.k != kb)
    ctx.error(fmt::format("inner dimensions differ: a {} has {} columns, b {} has {} rows", shape_str(a), p.k,
                          shape_str(b), kb));
  Shape a_batch = a_vec ? Shape{} : Shape(a.begin(), a.end() - 2);
  Shape b_batch = b_vec ? Shape{} : Shape(b.begin(), b.end() - 2);
  Shape y_batch = broadcast_shapes(ctx, {a_batch, b_batch});
  p.y_shape = y_batch;
  if (!a_vec) p.y_shape.push_back(p.m);
  if (!b_vec) p.y_shape.push_back(p.n);
  p.batch = plan_broadcast(y_batch, {a_batch, b_batch});
  ctx.require(p.batch.dims.size() <= kMaxKernelRank, "the batch has too many dimensions that do not merge (at most 8)");
  for (int64_t &s : p.batch.strides[0]) s *= p.m * p.k;
  for (int64_t &s : p.batch.strides[1]) s *= p.k * p.n;
  return p;
}

// A zero point or scale of a quantized MatMul operand: true if it has one value
// per row of A (rows) or per column of B (!rows), false for a single value.
// Per row is shape [M] or [1, ..., 1, M, 1]; per column [N] or [1, ..., 1, 1, N].
bool per_row_or_col(const OpContext &ctx, size_t i, int64_t len, bool rows, const char *name) {
  const Shape &s = ctx.input(i).shape;
  if (num_elements(s) == 1) return false;
  bool ok = num_elements(s) == len && !s.empty();
  if (ok && s.size() > 1) {
    const size_t at = rows ? s.size() - 2 : s.size() - 1;
    for (size_t d = 0; d < s.size(); ++d)
      if (d != at && s[d] != 1) ok = false;
  }
  if (!ok)
    ctx.error(fmt::format("{} {} must be a scalar or have one value per {} ({}); per-batch values are not supported",
                          name, shape_str(s), rows ? "row of a" : "column of b", len));
  return true;
}

bool is_8bit(DType t) { return t == DType::UInt8 || t == DType::Int8; }

void register_matmul_integer(OpRegistry &r) {
  OpDef def;
  def.op = "MatMulInteger";
  def.min_inputs = 2;
  def.max_inputs = 4;
  def.infer = [](OpContext &ctx) {
    Value &a = ctx.input(0), &b = ctx.input(1);
    ctx.require(is_8bit(a.dtype) && is_8bit(b.dtype),
                fmt::format("A and B must be uint8 or int8, got {} and {}", dtype_name(a.dtype), dtype_name(b.dtype)));
    QMatMulPlan p = plan_qmatmul(ctx, 0, 1);
    if (ctx.has_input(2)) {
      ctx.require(ctx.input(2).dtype == a.dtype, "a_zero_point must have the type of A");
      per_row_or_col(ctx, 2, p.m, true, "a_zero_point");
    }
    if (ctx.has_input(3)) {
      ctx.require(ctx.input(3).dtype == b.dtype, "b_zero_point must have the type of B");
      per_row_or_col(ctx, 3, p.n, false, "b_zero_point");
    }
    ctx.set_output(0, DType::Int32, p.y_shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &a = ctx.input(0), &b = ctx.input(1);
    QMatMulPlan p = plan_qmatmul(ctx, 0, 1);
    const bool a_rows = ctx.has_input(2) && per_row_or_col(ctx, 2, p.m, true, "a_zero_point");
    const bool b_cols = ctx.has_input(3) && per_row_or_col(ctx, 3, p.n, false, "b_zero_point");
    ctx.call(fmt::format("aotc_matmul_integer_{}_{}", dtype_info(a.dtype).suffix, dtype_info(b.dtype).suffix))
        .in(&a)
        .in(&b)
        .in(ctx.has_input(2) ? &ctx.input(2) : nullptr)
        .in(ctx.has_input(3) ? &ctx.input(3) : nullptr)
        .out(&ctx.output(0))
        .i(p.m)
        .i(p.n)
        .i(p.k)
        .i(a_rows)
        .i(b_cols)
        .i(static_cast<int64_t>(p.batch.dims.size()))
        .ints(p.batch.dims)
        .ints(p.batch.strides[0])
        .ints(p.batch.strides[1]);
  };
  def.macs = [](OpContext &ctx) {
    QMatMulPlan p = plan_qmatmul(ctx, 0, 1);
    return num_elements(p.y_shape) * p.k;
  };
  r.add(std::move(def));
}

void register_qlinear_matmul(OpRegistry &r) {
  OpDef def;
  def.op = "QLinearMatMul";
  def.min_inputs = def.max_inputs = 8;
  def.infer = [](OpContext &ctx) {
    for (size_t i = 0; i < 8; ++i)
      ctx.require(ctx.has_input(i), fmt::format("input {} is missing (every input is required)", i));
    Value &a = ctx.input(0), &b = ctx.input(3), &yz = ctx.input(7);
    for (const Value *v : {&a, &b, &yz})
      ctx.require(is_8bit(v->dtype), fmt::format("aotc supports uint8 and int8 QLinearMatMul operands, not {}",
                                                 dtype_name(v->dtype)));
    DType st = ctx.input(1).dtype;
    ctx.require(is_compute_float(st), fmt::format("scales must be float, float16 or bfloat16, got {}", dtype_name(st)));
    ctx.require(ctx.input(4).dtype == st && ctx.input(6).dtype == st, "the three scales must have one type");
    ctx.require(ctx.input(2).dtype == a.dtype, "a_zero_point must have the type of a");
    ctx.require(ctx.input(5).dtype == b.dtype, "b_zero_point must have the type of b");
    QMatMulPlan p = plan_qmatmul(ctx, 0, 3);
    const bool as = per_row_or_col(ctx, 1, p.m, true, "a_scale"), az = per_row_or_col(ctx, 2, p.m, true, "a_zero_point");
    const bool bs = per_row_or_col(ctx, 4, p.n, false, "b_scale"), bz = per_row_or_col(ctx, 5, p.n, false, "b_zero_point");
    ctx.require(as == az, "a_scale and a_zero_point must have the same shape");
    ctx.require(bs == bz, "b_scale and b_zero_point must have the same shape");
    ctx.require(ctx.input(6).count() == 1 && yz.count() == 1, "y_scale and y_zero_point must be scalars");
    ctx.set_output(0, yz.dtype, p.y_shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &a = ctx.input(0), &b = ctx.input(3), &y = ctx.output(0);
    QMatMulPlan p = plan_qmatmul(ctx, 0, 3);
    const bool a_rows = per_row_or_col(ctx, 1, p.m, true, "a_scale");
    const bool b_cols = per_row_or_col(ctx, 4, p.n, false, "b_scale");
    ctx.call(fmt::format("aotc_qlinear_matmul_{}_{}_{}", dtype_info(a.dtype).suffix, dtype_info(b.dtype).suffix,
                         dtype_info(y.dtype).suffix))
        .in(&a)
        .in(&ctx.input(1))
        .in(&ctx.input(2))
        .in(&b)
        .in(&ctx.input(4))
        .in(&ctx.input(5))
        .in(&ctx.input(6))
        .in(&ctx.input(7))
        .out(&y)
        .i(p.m)
        .i(p.n)
        .i(p.k)
        .i(a_rows)
        .i(b_cols)
        .i(type_code(ctx.input(1).dtype))
        .i(static_cast<int64_t>(p.batch.dims.size()))
        .ints(p.batch.dims)
        .ints(p.batch.strides[0])
        .ints(p.batch.strides[1]);
  };
  def.macs = [](OpContext &ctx) {
    QMatMulPlan p = plan_qmatmul(ctx, 0, 3);
    return num_elements(p.y_shape) * p.k;
  };
  r.add(std::move(def));
}

}  // namespace

void register_quantize_ops(OpRegistry &r) {
  register_quantize_linear(r);
  register_dynamic_quantize_linear(r);
  register_matmul_integer(r);
  register_qlinear_matmul(r);
}

}  // namespace aotc
