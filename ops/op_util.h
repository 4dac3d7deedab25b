// Helpers shared by op definitions: broadcasting, kernel naming, strides.
#pragma once
#include <string>
#include <vector>

#include "ops/op.h"

namespace aotc {

/// AOTC_MAX_RANK in runtime-c/kernels/kernel_common.h: most dims a kernel iterates over.
constexpr size_t kMaxKernelRank = 8;

/// Numpy-style multidirectional broadcast of shapes; an error naming the node if incompatible.
Shape broadcast_shapes(const OpContext &ctx, const std::vector<Shape> &shapes);

/// Row-major element strides of `shape`.
std::vector<int64_t> contiguous_strides(const Shape &shape);

/// Strides that read `in_shape` broadcast to `out_shape` (0 on broadcast dims).
std::vector<int64_t> broadcast_strides(const Shape &in_shape, const Shape &out_shape);

/// Broadcast iteration space after merging dims that stay contiguous for every
/// operand and dropping size-1 dims. E.g. [2,3,4] + [4] -> dims [6,4], strides {[4,1],[0,1]}.
struct BroadcastPlan {
  std::vector<int64_t> dims;
  std::vector<std::vector<int64_t>> strides;  ///< one per operand
};
BroadcastPlan plan_broadcast(const Shape &out_shape, const std::vector<Shape> &in_shapes);

/// Emits y = kernel(a, b) with both operands broadcast to y's shape, for the
/// broadcasting binary kernels of kernel_common.h (AOTC_BINARY).
void lower_broadcast_binary(LowerContext &ctx, const std::string &kernel, Value &a, Value &b, Value &y);

/// "aotc_<base>_<dtype suffix>", checked to exist in the kernel library;
/// if not, an error naming the node and dtype.
std::string kernel_for(const OpContext &ctx, const std::string &base, DType dtype);

/// True if the kernel library has a kernel of that name.
bool kernel_exists(const std::string &name);

/// Normalises possibly negative axes against rank and sorts them.
std::vector<int64_t> normalize_axes(const OpContext &ctx, std::vector<int64_t> axes, int64_t rank);

/// The bytes of one element (e.g. a fill value) as the int32 words that
/// fill kernels (aotc_fill) take, zero padded to a multiple of 4 bytes.
std::vector<int64_t> value_words(const uint8_t *bytes, size_t size);

/// Output shape of the node's first input (shared by shape-preserving ops).
void infer_same_as_input(OpContext &ctx);

/// The operands of an int8 conv on the fast kernels (ops/conv.cpp,
/// runtime-c/kernels/conv_int8.c); the zero point of w is 0 or absent.
struct QConvOperands {
  Value *x, *x_scale, *x_zero_point, *w, *w_scale, *w_zero_point, *y_scale, *y_zero_point, *bias, *y;
};

/// Whether y[r, j] = requantize(sum over i < k of (x[r, i] - x_zp) * w[j, i] + bias[j])
/// (rows r < `rows`, j < n) can run on the fast int8 conv kernels, as `rows`
/// single-pixel 1x1 convs from k channels to n: int8 w [n, k] (to be packed by
/// aotc.PackQConvWeights, or packed), w_zero_point absent or constant 0.
bool qconv_rows_ok(const Value &w, const Value *w_zero_point, int64_t rows, int64_t k, int64_t n);
/// Lowers that product (w packed), with the requantization of QLinearConv:
/// rintf(acc * (x_scale * w_scale[j] / y_scale)) + y_zero_point, saturated.
void lower_qconv_rows(LowerContext &ctx, const QConvOperands &operands, int64_t rows, int64_t k, int64_t n,
                      bool per_channel);

struct WindowGeometry;  // ops/window.h

/// A pool's geometry as the pool kernels take it (aotc_pool_params,
/// runtime-c/kernels/kernel_params.h), over `channels` planes (N * C).
aotc_pool_params pool_params(const OpContext &ctx, int64_t channels, const WindowGeometry &w);

}  // namespace aotc
