#include "ops/op_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace aotc {

Shape broadcast_shapes(const OpContext &ctx, const std::vector<Shape> &shapes) {
  size_t rank = 0;
  for (auto &s : shapes) rank = std::max(rank, s.size());
  Shape out(rank, 1);
  for (auto &s : shapes) {
    size_t offset = rank - s.size();
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t &o = out[offset + i];
      if (s[i] == o || s[i] == 1) continue;
      if (o == 1) {
        o = s[i];
        continue;
      }
      std::vector<std::string> all;
      for (auto &t : shapes) all.push_back(shape_str(t));
      ctx.error(fmt::format("shapes {} cannot be broadcast together", fmt::join(all, " and ")));
    }
  }
  return out;
}

std::vector<int64_t> contiguous_strides(const Shape &shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

std::vector<int64_t> broadcast_strides(const Shape &in_shape, const Shape &out_shape) {
  std::vector<int64_t> in_strides = contiguous_strides(in_shape);
  std::vector<int64_t> out(out_shape.size(), 0);
  size_t offset = out_shape.size() - in_shape.size();
  for (size_t i = 0; i < in_shape.size(); ++i) out[offset + i] = in_shape[i] == 1 ? 0 : in_strides[i];
  return out;
}

BroadcastPlan plan_broadcast(const Shape &out_shape, const std::vector<Shape> &in_shapes) {
  BroadcastPlan plan;
  std::vector<std::vector<int64_t>> strides;
  for (auto &s : in_shapes) strides.push_back(broadcast_strides(s, out_shape));
  plan.strides.resize(in_shapes.size());
  for (size_t d = 0; d < out_shape.size(); ++d) {
    if (out_shape[d] == 1) continue;
    bool merge = !plan.dims.empty();
    for (size_t k = 0; merge && k < strides.size(); ++k)
      merge = plan.strides[k].back() == strides[k][d] * out_shape[d];
    if (merge) {
      plan.dims.back() *= out_shape[d];
      for (size_t k = 0; k < strides.size(); ++k) plan.strides[k].back() = strides[k][d];
    } else {
      plan.dims.push_back(out_shape[d]);
      for (size_t k = 0; k < strides.size(); ++k) plan.strides[k].push_back(strides[k][d]);
    }
  }
  return plan;
}

void lower_broadcast_binary(LowerContext &ctx, const std::string &kernel, Value &a, Value &b, Value &y) {
  BroadcastPlan plan = plan_broadcast(y.shape, {a.shape, b.shape});
  if (plan.dims.size() > kMaxKernelRank)
    ctx.error(fmt::format("{} dimensions remain after broadcasting; kernels iterate over at most {}",
                          plan.dims.size(), kMaxKernelRank));
  KernelCall &call = ctx.call(kernel);
  call.in(&a)
      .in(&b)
      .out(&y)
      .i(static_cast<int64_t>(plan.dims.size()))
      .ints(plan.dims)
      .ints(plan.strides[0])
      .ints(plan.strides[1]);
  // Each output element is written after its operands are read, so an
  // operand of the output's shape, type and element order may be overwritten
  // (residual Adds; ChannelsFirst lies in memory as RowMajor does).
  auto same_order = [&](const Value *v) {
    auto plain = [](const Layout &l) { return !l.is_packed() && !l.is_blocked(); };
    return v->layout == y.layout || (plain(v->layout) && plain(y.layout));
  };
  for (Value *v : {&a, &b})
    if (v != &y && v->dtype == y.dtype && v->shape == y.shape && same_order(v)) call.in_place(v);
}

std::string kernel_for(const OpContext &ctx, const std::string &base, DType dtype) {
  std::string name = fmt::format("aotc_{}_{}", base, dtype_info(dtype).suffix);
  if (!kernel_exists(name)) ctx.error(fmt::format("element type {} is not supported (no kernel {})", dtype_name(dtype), name));
  return name;
}

std::vector<int64_t> normalize_axes(const OpContext &ctx, std::vector<int64_t> axes, int64_t rank) {
  for (int64_t &a : axes) a = ctx.axis(a, rank);
  std::sort(axes.begin(), axes.end());
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end()) ctx.error("axes contain a duplicate");
  return axes;
}

// The raw bytes of one element, as the int32 words aotc_fill reads them.
std::vector<int64_t> value_words(const uint8_t *bytes, size_t size) {
  std::vector<uint8_t> padded(bytes, bytes + size);
  padded.resize((size + 3) / 4 * 4, 0);
  std::vector<int64_t> words;
  for (size_t i = 0; i < padded.size(); i += 4) {
    int32_t w;
    std::memcpy(&w, &padded[i], 4);
    words.push_back(w);
  }
  return words;
}

void infer_same_as_input(OpContext &ctx) {
  Value &x = ctx.input(0);
  ctx.set_output(0, x.dtype, x.shape);
}

}  // namespace aotc

#include "ops/kernel_library.h"
namespace aotc {
bool kernel_exists(const std::string &name) { return find_kernel(name) != nullptr; }
}  // namespace aotc
