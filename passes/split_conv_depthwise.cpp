// Pass: runs a conv and the depthwise conv that alone reads it in chunks of
// channels, when their intermediate would not fit in half the L2 cache.
//
// An inverted-residual block (MobileNetV2, MnasNet, EfficientNet) expands 16
// or 24 channels to 96 or 144 over a large plane and filters each expanded
// channel with a depthwise conv: at 112x112 x 96 channels the expanded tensor
// is 4.8 MB, written to memory beyond L2 by the expand conv and read back by
// the depthwise one. A depthwise conv reads only its own channel, so the pair
// splits by output channel with no recompute:
//
//   y = dw(conv(x))  ->  y = Concat_c(dw_c(conv_c(x)))   (axis 1, chunks c)
//
// where conv_c and dw_c carry the weights and bias of chunk c's channels. A
// chunk's intermediate fits in half the L2 (or, one vector of channels, in
// the L2: see chunk_channels) and is read back from there; the
// plan gives every chunk the same small buffer, and each dw_c writes straight
// into its slice of y (plan_memory's Concat slices), so the arena shrinks too.
// The chunks follow one another in node order (conv_0, dw_0, conv_1, ...),
// the order with the smallest live peak, which schedule_steps keeps.
//
// Only on targets with a known L2 (the host): on the Cortex-M cores, which
// have none, the pair stays whole.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "ops/op.h"
#include "passes/pipeline.h"
#include "passes/rewrite.h"

namespace aotc {

namespace {

// Chunks are whole vectors of output channels for the conv kernels' blocks.
constexpr int64_t kChunkChannels = 16;

// A float Conv, or one with a fused activation (always float).
bool is_float_conv_like(const Node &n) {
  return is_float_conv(n) || (n.domain == kInternalDomain && n.op == "FusedConv");
}

bool constant_or_absent(const Node &n, size_t i) { return !n.has_input(i) || n.inputs[i]->is_constant(); }

// Rows [begin, end) of `t` along its first axis.
Tensor first_axis_rows(const Tensor &t, int64_t begin, int64_t end) {
  Shape shape = t.shape;
  const size_t row = t.bytes.size() / static_cast<size_t>(shape[0]);
  shape[0] = end - begin;
  Tensor out = make_tensor(t.dtype, shape);
  std::memcpy(out.bytes.data(), t.bytes.data() + static_cast<size_t>(begin) * row, out.bytes.size());
  return out;
}

// `conv` -> `dw`, the pair this pass splits: a float 1x1 conv with one group
// over one image, whose output only a float depthwise conv (one output
// channel per input channel) reads, both with constant weights and bias.
bool is_splittable_pair(const Node &conv, const Node &dw) {
  if (!is_float_conv_like(conv) || !is_float_conv_like(dw) || dw.inputs[0] != conv.outputs[0]) return false;
  if (!conv.has_input(1) || !conv.inputs[1]->is_constant() || !constant_or_absent(conv, 2)) return false;
  // Pointwise only: a chunk of a windowed conv reads its whole input again
  // (MobileNetV2's 3x3 stem conv in two chunks: 239 -> 278 us, against 6 us
  // gained in the depthwise conv).
  const Shape &w = conv.inputs[1]->shape;
  if (w.size() != 4 || w[2] != 1 || w[3] != 1) return false;
  if (!dw.has_input(1) || !dw.inputs[1]->is_constant() || !constant_or_absent(dw, 2)) return false;
  const Shape &y = conv.outputs[0]->shape;
  if (y.size() != 4 || y[0] != 1 || attr_int_or(conv, "group", 1) != 1) return false;
  const int64_t channels = y[1];
  const Shape &dw_w = dw.inputs[1]->shape;
  const Shape &dw_y = dw.outputs[0]->shape;
  return attr_int_or(dw, "group", 1) == channels && dw_w.size() == 4 && dw_w[0] == channels && dw_w[1] == 1 &&
         dw_y.size() == 4 && dw_y[1] == channels;
}

// Channels per chunk: whole vectors whose intermediate fits in half the L2
// (`l2` bytes), balanced so the last chunk is not a sliver; where one vector's
// intermediate does not fit there but fits in the L2, chunks of one vector
// (EfficientNet-B0's and MobileNetV2's 112x112 x 96: 800 KB chunks of 4.8 MB,
// both nets 3.5-4% faster and their arenas 6.1 -> 3.4 MB on a 1 MiB L2). 0 when
// the pair should stay whole (the intermediate fits already, or one vector's
// does not fit even in the L2).
int64_t chunk_channels(int64_t channels, size_t plane_bytes, size_t l2) {
  const size_t budget = l2 / 2;
  if (static_cast<size_t>(channels) * plane_bytes <= budget) return 0;
  int64_t fit = static_cast<int64_t>(budget / plane_bytes) / kChunkChannels * kChunkChannels;
  if (fit < kChunkChannels && kChunkChannels * plane_bytes <= l2) fit = kChunkChannels;
  if (fit < kChunkChannels) return 0;
  const int64_t chunks = (channels + fit - 1) / fit;
  const int64_t per_chunk = (channels + chunks - 1) / chunks;
  const int64_t rounded = (per_chunk + kChunkChannels - 1) / kChunkChannels * kChunkChannels;
  return rounded < channels ? rounded : 0;
}

class Splitter {
 public:
  Splitter(Graph &graph, Node &dw) : graph_(graph), before_(&dw) {}

  // A copy of `n` reading `x` and chunk [begin, end) of its weights and bias,
  // with `group` groups; its shape inferred.
  Value *chunk_of(const Node &n, Value *x, int64_t begin, int64_t end, int64_t group, const std::string &tag) {
    std::vector<Value *> inputs = {x, constant_rows(n.inputs[1], begin, end, tag)};
    if (n.has_input(2)) inputs.push_back(constant_rows(n.inputs[2], begin, end, tag));
    Value *y = graph_.add_value(graph_.unique_name(n.outputs[0]->name + tag), Value::Kind::Intermediate);
    Node *m = graph_.insert_node_before(before_, n.op, std::move(inputs), {y});
    m->domain = n.domain;
    m->opset = n.opset;
    m->name = n.name.empty() ? "" : n.name + tag;
    m->attrs = n.attrs;
    m->fused_ops = n.fused_ops;
    if (n.attr("group")) m->attrs["group"].value = group;
    infer(*m);
    return y;
  }

  Value *concat(const std::vector<Value *> &parts, const Node &dw) {
    Value *y = graph_.add_value(graph_.unique_name(dw.outputs[0]->name + ".chunks"), Value::Kind::Intermediate);
    Node *m = graph_.insert_node_before(before_, "Concat", parts, {y});
    auto it = graph_.opsets.find("");
    m->opset = it == graph_.opsets.end() ? 13 : it->second;
    m->name = dw.name.empty() ? "" : dw.name + ".chunks";
    m->attrs["axis"].value = int64_t{1};
    infer(*m);
    return y;
  }

 private:
  Value *constant_rows(Value *c, int64_t begin, int64_t end, const std::string &tag) {
    return graph_.add_constant(graph_.unique_name(c->name + tag), first_axis_rows(*c->constant, begin, end));
  }

  void infer(Node &n) {
    OpContext ctx(n);
    find_op(n.domain, n.op)->infer(ctx);
  }

  Graph &graph_;
  const Node *before_;
};

}  // namespace

bool split_conv_depthwise(Graph &graph, const Target &target) {
  if (target.l2_bytes == 0) return false;
  std::vector<std::pair<Node *, Node *>> pairs;
  for (auto &node : graph.nodes) {
    Node *dw = is_float_conv_like(*node) ? sole_reader(*node->outputs[0]) : nullptr;
    if (dw && is_splittable_pair(*node, *dw)) pairs.emplace_back(node.get(), dw);
  }
  std::unordered_set<const Node *> split;
  for (auto [conv, dw] : pairs) {
    const Value &mid = *conv->outputs[0];
    const int64_t channels = mid.shape[1];
    const size_t plane_bytes = mid.byte_size() / static_cast<size_t>(channels);
    const int64_t per_chunk = chunk_channels(channels, plane_bytes, target.l2_bytes);
    if (per_chunk == 0) continue;
    Splitter s(graph, *dw);
    std::vector<Value *> parts;
    for (int64_t begin = 0; begin < channels; begin += per_chunk) {
      const int64_t end = std::min(channels, begin + per_chunk);
      const std::string tag = fmt::format(".chunk{}", begin / per_chunk);
      Value *t = s.chunk_of(*conv, conv->inputs[0], begin, end, 1, tag);
      parts.push_back(s.chunk_of(*dw, t, begin, end, end - begin, tag));
    }
    graph.replace_all_uses(dw->outputs[0], s.concat(parts, *dw));
    split.insert(conv);
    split.insert(dw);
  }
  if (split.empty()) return false;
  graph.erase_nodes_if([&](const Node &n) { return split.count(&n) > 0; });
  return true;
}

}  // namespace aotc
