// Gemm and MatMul, lowered to runtime-c/kernels/matmul.c. Both end in one
// float32 GEMM core (aotc_sgemm) that reads transposed operands through
// strides; MatMul's batch dims are broadcast numpy-style by the kernel, or
// folded into M at compile time when B is shared by every batch (the usual
// activations x weights case), so that one large GEMM runs instead of many.
#include <fmt/format.h>

#include <algorithm>

#include "ops/op_util.h"

namespace aotc {

namespace {

// Bytes of scratch aotc_sgemm (matmul.c) needs for C[m,n] = op(A)[m,k] * op(B)[k,n]:
// AOTC_SGEMM_SCRATCH_FLOATS(k) = 16 floats per k up to k = 256, except where
// matmul.c is sure to take a path that packs nothing, whatever the target:
// dot products (A rows and B columns contiguous along k, m <= 12 =
// AOTC_SGEMM_DOT_MAX_M, or n == 1) or row AXPYs (m < 3 <= every MR, B rows
// contiguous). Batch-1 fully connected layers then need no scratch at all.
size_t sgemm_scratch_bytes(DType dtype, int64_t m, int64_t n, int64_t k, bool trans_a, bool trans_b) {
  if (dtype != DType::Float || m == 0 || n == 0 || k == 0) return 0;
  bool a_rows_contiguous = !trans_a || m == 1;   // a_cs == 1
  bool b_cols_contiguous = trans_b || n == 1;    // b_rs == 1
  bool b_rows_contiguous = !trans_b || k == 1;   // b_cs == 1
  if (a_rows_contiguous && b_cols_contiguous && (m <= 12 || n == 1)) return 0;
  if (m < 3 && b_rows_contiguous) return 0;
  return sizeof(float) * 16 * static_cast<size_t>(std::min<int64_t>(k, 256));
}

// ---- Gemm ---------------------------------------------------------------------

struct GemmDims {
  int64_t m, n, k;
};

GemmDims gemm_dims(const OpContext &ctx) {
  const Shape &a = ctx.input(0).shape, &b = ctx.input(1).shape;
  bool ta = ctx.attr_int("transA", 0) != 0, tb = ctx.attr_int("transB", 0) != 0;
  GemmDims d{ta ? a[1] : a[0], tb ? b[0] : b[1], ta ? a[0] : a[1]};
  int64_t kb = tb ? b[1] : b[0];
  if (d.k != kb)
    ctx.error(fmt::format("inner dimensions differ: A{} is {}x{} and B{} is {}x{}", ta ? "'" : "", d.m, d.k,
                          tb ? "'" : "", kb, d.n));
  return d;
}

// C's shape, right-aligned to 2-D: [rows, cols].
std::pair<int64_t, int64_t> bias_dims(const Shape &c) {
  int64_t rows = c.size() == 2 ? c[0] : 1;
  int64_t cols = c.empty() ? 1 : c.back();
  return {rows, cols};
}

void infer_gemm(OpContext &ctx) {
  Value &a = ctx.input(0), &b = ctx.input(1);
  ctx.require(a.shape.size() == 2 && b.shape.size() == 2,
              fmt::format("A and B must be matrices, got {} and {}", shape_str(a.shape), shape_str(b.shape)));
  ctx.require(a.dtype == b.dtype, fmt::format("A and B have different element types ({} and {})",
                                              dtype_name(a.dtype), dtype_name(b.dtype)));
  GemmDims d = gemm_dims(ctx);
  if (ctx.has_input(2)) {
    Value &c = ctx.input(2);
    ctx.require(c.dtype == a.dtype, "C must have the element type of A and B");
    auto [rows, cols] = bias_dims(c.shape);
    // Unidirectional broadcast of C to (M, N).
    ctx.require(c.shape.size() <= 2 && (rows == 1 || rows == d.m) && (cols == 1 || cols == d.n),
                fmt::format("C of shape {} does not broadcast to ({}, {})", shape_str(c.shape), d.m, d.n));
  }
  ctx.set_output(0, a.dtype, {d.m, d.n});
}

void lower_gemm(LowerContext &ctx) {
  Value &a = ctx.input(0), &b = ctx.input(1), &y = ctx.output(0);
  GemmDims d = gemm_dims(ctx);
  Value *c = ctx.has_input(2) ? &ctx.input(2) : nullptr;
  int64_t c_rs = 0, c_cs = 0;
  if (c) {
    auto [rows, cols] = bias_dims(c->shape);
    c_rs = rows == 1 ? 0 : cols;
    c_cs = cols == 1 ? 0 : 1;
  }
  ctx.call(kernel_for(ctx, "gemm", a.dtype))
      .in(&a)
      .in(&b)
      .in(c)
      .out(&y)
      .i(d.m)
      .i(d.n)
      .i(d.k)
      .i(ctx.attr_int("transA", 0) != 0)
      .i(ctx.attr_int("transB", 0) != 0)
      .f(ctx.attr_float("alpha", 1.0f))
      .f(ctx.attr_float("beta", 1.0f))
      .i(c_rs)
      .i(c_cs)
      .scratch(sgemm_scratch_bytes(a.dtype, d.m, d.n, d.k, ctx.attr_int("transA", 0) != 0,
                                   ctx.attr_int("transB", 0) != 0));
}

// ---- MatMul -------------------------------------------------------------------

// A MatMul seen as a batch of [M,K] x [K,N] products (numpy semantics: a 1-D A
// is a row vector and a 1-D B a column vector, their unit dim dropped from Y).
struct MatMulPlan {
  int64_t m, n, k;
  Shape a_batch, b_batch, y_batch;
  Shape y_shape;
};

MatMulPlan plan_matmul(const OpContext &ctx) {
  const Shape &a = ctx.input(0).shape, &b = ctx.input(1).shape;
  ctx.require(!a.empty() && !b.empty(), "MatMul operands must have rank >= 1 (scalars are not allowed)");
  MatMulPlan p;
  bool a_vec = a.size() == 1, b_vec = b.size() == 1;
  p.m = a_vec ? 1 : a[a.size() - 2];
  p.k = a.back();
  int64_t kb = b_vec ? b[0] : b[b.size() - 2];
  p.n = b_vec ? 1 : b.back();
  if (p.k != kb)
    ctx.error(fmt::format("inner dimensions differ: A {} has {} columns, B {} has {} rows", shape_str(a), p.k,
                          shape_str(b), kb));
  p.a_batch = a_vec ? Shape{} : Shape(a.begin(), a.end() - 2);
  p.b_batch = b_vec ? Shape{} : Shape(b.begin(), b.end() - 2);
  p.y_batch = broadcast_shapes(ctx, {p.a_batch, p.b_batch});
  p.y_shape = p.y_batch;
  if (!a_vec) p.y_shape.push_back(p.m);
  if (!b_vec) p.y_shape.push_back(p.n);
  return p;
}

void infer_matmul(OpContext &ctx) {
  Value &a = ctx.input(0), &b = ctx.input(1);
  ctx.require(a.dtype == b.dtype, fmt::format("A and B have different element types ({} and {})",
                                              dtype_name(a.dtype), dtype_name(b.dtype)));
  ctx.set_output(0, a.dtype, plan_matmul(ctx).y_shape);
}

void lower_matmul(LowerContext &ctx) {
  Value &a = ctx.input(0), &b = ctx.input(1), &y = ctx.output(0);
  MatMulPlan p = plan_matmul(ctx);
  std::string kernel = kernel_for(ctx, "matmul", a.dtype);
  int64_t m = p.m;
  BroadcastPlan batch;
  if (num_elements(p.b_batch) == 1) {
    // B is the same matrix for every batch: A's batch rows are contiguous, so
    // the batch folds into M and one GEMM does it all.
    m *= num_elements(p.y_batch);
  } else {
    batch = plan_broadcast(p.y_batch, {p.a_batch, p.b_batch});
    ctx.require(batch.dims.size() <= 8, "MatMul batch has too many dimensions that do not merge (at most 8)");
    for (int64_t &s : batch.strides[0]) s *= p.m * p.k;
    for (int64_t &s : batch.strides[1]) s *= p.k * p.n;
  }
  ctx.call(kernel)
      .in(&a)
      .in(&b)
      .out(&y)
      .i(m)
      .i(p.n)
      .i(p.k)
      .i(static_cast<int64_t>(batch.dims.size()))
      .ints(batch.dims)
      .ints(batch.strides.empty() ? std::vector<int64_t>{} : batch.strides[0])
      .ints(batch.strides.empty() ? std::vector<int64_t>{} : batch.strides[1])
      .scratch(sgemm_scratch_bytes(a.dtype, m, p.n, p.k, false, false));
}

}  // namespace

void register_matmul_ops(OpRegistry &r) {
  OpDef gemm;
  gemm.op = "Gemm";
  // `broadcast` is the opset-6 flag for broadcasting C; later opsets always broadcast.
  gemm.attrs = {"alpha", "beta", "transA", "transB", "broadcast"};
  gemm.min_inputs = 2;
  gemm.max_inputs = 3;
  gemm.infer = infer_gemm;
  gemm.lower = lower_gemm;
  gemm.macs = [](OpContext &ctx) {
    GemmDims d = gemm_dims(ctx);
    return d.m * d.n * d.k;
  };
  r.add(std::move(gemm));

  OpDef matmul;
  matmul.op = "MatMul";
  matmul.min_inputs = matmul.max_inputs = 2;
  matmul.infer = infer_matmul;
  matmul.lower = lower_matmul;
  matmul.macs = [](OpContext &ctx) {
    MatMulPlan p = plan_matmul(ctx);
    return num_elements(p.y_shape) * p.k;
  };
  r.add(std::move(matmul));
}

}  // namespace aotc
