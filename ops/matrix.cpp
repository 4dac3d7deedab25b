// Matrix-structured ops: Trilu, EyeLike, OneHot and Det. Their inputs that
// decide shapes or positions (Trilu's k, OneHot's depth) must be compile-time
// constants. Kernels: runtime-c/kernels/matrix.c.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "ops/op_util.h"

namespace aotc {

namespace {

// An empty output still needs a writer for the memory planner: a 0-byte copy.
void write_empty(LowerContext &ctx, Value &y) { ctx.call("aotc_copy").in(nullptr).out(&y).i(0); }

// The bytes of 1 in `dtype`, as the int32 words aotc_eyelike takes.
std::vector<int64_t> one_words(const OpContext &ctx, DType dtype) {
  uint8_t bytes[8] = {0};
  size_t size = dtype_size(dtype);
  switch (dtype) {
    case DType::Float: {
      float v = 1.0f;
      std::memcpy(bytes, &v, 4);
      break;
    }
    case DType::Double: {
      double v = 1.0;
      std::memcpy(bytes, &v, 8);
      break;
    }
    case DType::Float16: bytes[1] = 0x3C; break;
    case DType::BFloat16: bytes[1] = 0x3F, bytes[0] = 0x80; break;
    default:
      if (!is_integer(dtype) && dtype != DType::Bool)
        ctx.error(fmt::format("element type {} is not supported", dtype_name(dtype)));
      bytes[0] = 1;  // little-endian integer 1
  }
  return value_words(bytes, size);
}

// Trilu: the upper (upper = 1) or lower triangle of the last two dims, from
// the k-th diagonal.
void register_trilu(OpRegistry &r) {
  OpDef def;
  def.op = "Trilu";
  def.attrs = {"upper"};
  def.max_inputs = 2;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    ctx.require(x.shape.size() >= 2, "input must have rank >= 2");
    ctx.set_output(0, x.dtype, x.shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0), &y = ctx.output(0);
    if (y.count() == 0) return write_empty(ctx, y);
    int64_t k = 0;
    if (ctx.has_input(1)) {
      const Tensor &kt = ctx.constant_input(1);
      ctx.require(kt.count() == 1 && is_integer(kt.dtype), "k must be one integer");
      k = kt.int_at(0);
    }
    size_t rank = x.shape.size();
    int64_t rows = x.shape[rank - 2], cols = x.shape[rank - 1];
    k = std::clamp(k, -rows, cols);
    ctx.call("aotc_trilu")
        .in(&x)
        .out(&y)
        .i(static_cast<int64_t>(dtype_size(x.dtype)))
        .i(x.count() / (rows * cols))
        .i(rows)
        .i(cols)
        .i(k)
        .i(ctx.attr_int("upper", 1) != 0);
  };
  r.add(std::move(def));
}

// EyeLike: ones on the k-th diagonal of a 2-D tensor shaped like the input.
void register_eyelike(OpRegistry &r) {
  OpDef def;
  def.op = "EyeLike";
  def.attrs = {"dtype", "k"};
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    ctx.require(x.shape.size() == 2, "input must be 2-D");
    DType dtype = ctx.has_attr("dtype") ? static_cast<DType>(ctx.attr_int("dtype")) : x.dtype;
    one_words(ctx, dtype);  // checks the type
    ctx.set_output(0, dtype, x.shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &y = ctx.output(0);
    if (y.count() == 0) return write_empty(ctx, y);
    int64_t rows = y.shape[0], cols = y.shape[1];
    ctx.call("aotc_eyelike")
        .out(&y)
        .i(static_cast<int64_t>(dtype_size(y.dtype)))
        .i(rows)
        .i(cols)
        .i(std::clamp(ctx.attr_int("k", 0), -rows, cols))
        .ints(one_words(ctx, y.dtype));
  };
  r.add(std::move(def));
}

// OneHot(indices, depth, values): depth (a constant) inserted at `axis`,
// values = [off, on].
void register_onehot(OpRegistry &r) {
  OpDef def;
  def.op = "OneHot";
  def.attrs = {"axis"};
  def.min_inputs = def.max_inputs = 3;
  def.infer = [](OpContext &ctx) {
    Value &idx = ctx.input(0), &values = ctx.input(2);
    ctx.require(values.count() == 2, "values must have two elements");
    const Tensor &dt = ctx.constant_input(1);
    ctx.require(dt.count() == 1, "depth must have one element");
    double depth_d = is_integer(dt.dtype) ? static_cast<double>(dt.int_at(0)) : dt.double_at(0);
    ctx.require(depth_d >= 1 && depth_d < 2147483648.0, "depth must be a positive int32");
    int64_t rank = static_cast<int64_t>(idx.shape.size()) + 1;
    int64_t axis = ctx.axis(ctx.attr_int("axis", -1), rank);
    Shape shape = idx.shape;
    shape.insert(shape.begin() + axis, static_cast<int64_t>(depth_d));
    ctx.set_output(0, values.dtype, shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &idx = ctx.input(0), &values = ctx.input(2), &y = ctx.output(0);
    if (y.count() == 0) return write_empty(ctx, y);
    int64_t rank = static_cast<int64_t>(y.shape.size());
    int64_t axis = ctx.axis(ctx.attr_int("axis", -1), rank);
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= y.shape[d];
    for (int64_t d = axis + 1; d < rank; ++d) inner *= y.shape[d];
    ctx.call(kernel_for(ctx, "onehot", idx.dtype))
        .in(&idx)
        .in(&values)
        .out(&y)
        .i(static_cast<int64_t>(dtype_size(values.dtype)))
        .i(outer)
        .i(y.shape[axis])
        .i(inner);
  };
  r.add(std::move(def));
}

// Det of the [M, M] matrices in the last two dims.
void register_det(OpRegistry &r) {
  OpDef def;
  def.op = "Det";
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    size_t rank = x.shape.size();
    ctx.require(rank >= 2 && x.shape[rank - 1] == x.shape[rank - 2], "input must be [*, M, M]");
    ctx.set_output(0, x.dtype, Shape(x.shape.begin(), x.shape.end() - 2));
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0), &y = ctx.output(0);
    if (y.count() == 0) return write_empty(ctx, y);
    int64_t n = x.shape.back();
    ctx.call(kernel_for(ctx, "det", x.dtype))
        .in(&x)
        .out(&y)
        .i(y.count())
        .i(n)
        .scratch(static_cast<size_t>(std::max<int64_t>(n * n, 1)) * sizeof(double));
  };
  r.add(std::move(def));
}

}  // namespace

void register_matrix_ops(OpRegistry &r) {
  register_trilu(r);
  register_eyelike(r);
  register_onehot(r);
  register_det(r);
}

}  // namespace aotc
