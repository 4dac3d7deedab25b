// Pass: picks each value's memory layout for the target (ir/graph.h, Layout).
//
//  - Activations that conv and pool kernels read or write are marked
//    channels-first (N, C, spatial...), the layout those kernels use on every
//    target today. Graph inputs and outputs keep ONNX's layout.
//  - On targets with 512-bit vectors, activations whose producer and every
//    reader have kernels that vectorise over 16 channels (OpDef::blocked_io:
//    pointwise convs on small planes, depthwise convs between them, residual
//    Adds, squeeze-and-excitation Muls, global average pooling) are stored
//    channel-blocked instead (nchw16c): a pixel's 16 channels are one vector,
//    so those kernels neither gather nor transpose. Only where all agree, so
//    no conversion is ever inserted.
//  - Constant inputs an op wants packed (OpDef::packs, e.g. conv weights for a
//    GEMM micro-kernel, in a format that depends on the target and the conv's
//    geometry) get an internal packing node in front of the op. The packing
//    node is an ordinary op lowered to the C function that defines the format,
//    so the next constant folding computes the packed data with the same code
//    the kernels use, and `--emit ir` shows the packed constant.
// Idempotent: packed inputs and marked values are left alone.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "ops/op.h"
#include "passes/pipeline.h"

namespace aotc {

namespace {

bool is_graph_io(const Value &v) { return v.kind == Value::Kind::Input || v.is_graph_output(); }

bool mark_channels_first(Value *v) {
  if (!v || is_graph_io(*v) || v->layout.kind != Layout::Kind::RowMajor || v->shape.size() < 3) return false;
  v->layout = Layout::channels_first();
  return true;
}

// Same constant, same packing op and attributes: one packed copy.
using PackKey = std::tuple<const Value *, std::string, std::string>;

std::string attrs_key(const std::map<std::string, Attribute> &attrs) {
  std::string key;
  for (auto &[name, a] : attrs)
    if (const int64_t *i = std::get_if<int64_t>(&a.value)) key += fmt::format("{}={};", name, *i);
  return key;
}

// Channels per block of the nchw<b>c layout on `target` (0: none): the
// kernels' 16, one vector of a 512-bit target.
int64_t channel_block(const Target &target) { return target.vector_bits >= 512 ? 16 : 0; }

// Marks channel-blocked the channels-first values whose producer can write
// them blocked and whose every reader can read them so (OpDef::blocked_io);
// then a tied node whose bound values are blocked only in part unblocks them
// all, until no tie is broken.
bool mark_channels_blocked(Graph &graph, const Target &target) {
  const int64_t block = channel_block(target);
  if (block == 0) return false;
  std::map<const Node *, OpDef::BlockedIo> io;
  for (auto &n : graph.nodes) {
    const OpDef *def = find_op(n->domain, n->op);
    if (!def || !def->blocked_io) continue;
    LowerContext ctx(*n, target);
    io[n.get()] = def->blocked_io(ctx, block);
  }
  auto can_block = [&](const Value *v) {
    if (!v || v->layout.kind != Layout::Kind::ChannelsFirst || v->dtype != DType::Float || !v->producer ||
        v->shape.size() < 3 || v->count() == 0 || v->shape[1] % block != 0 || v->use_count() == 0)
      return false;
    auto made = io.find(v->producer);
    if (made == io.end() || !made->second.output || v->producer->output(0) != v) return false;
    for (const Use &use : v->uses()) {
      auto read = use.is_graph_output() ? io.end() : io.find(use.node);
      if (read == io.end() || !read->second.reads(use.index)) return false;
    }
    return true;
  };
  std::set<const Value *> blocked;
  for (auto &v : graph.values)
    if (can_block(v.get())) blocked.insert(v.get());
  for (bool dropped = true; dropped;) {
    dropped = false;
    for (auto &[node, node_io] : io) {
      if (!node_io.tied) continue;
      std::vector<const Value *> bound = {node->output(0)};
      for (size_t i = 0; i < node->inputs.size(); ++i)
        if (node_io.reads(i)) bound.push_back(node->input(i));
      const size_t in_set = std::count_if(bound.begin(), bound.end(), [&](const Value *v) { return blocked.count(v); });
      if (in_set == 0 || in_set == bound.size()) continue;
      for (const Value *v : bound) blocked.erase(v);
      dropped = true;
    }
  }
  for (auto &v : graph.values)
    if (blocked.count(v.get())) v->layout = Layout::channels_blocked(block);
  return !blocked.empty();
}

}  // namespace

bool choose_layouts(Graph &graph, const Target &target) {
  bool changed = false;
  std::map<PackKey, Value *> packed;
  std::vector<Node *> nodes;
  for (auto &n : graph.nodes) nodes.push_back(n.get());
  for (Node *node : nodes) {
    const OpDef *def = find_op(node->domain, node->op);
    if (def && def->channels_first) {
      changed = mark_channels_first(node->input(0)) || changed;
      changed = mark_channels_first(node->output(0)) || changed;
    }
  }
  changed = mark_channels_blocked(graph, target) || changed;
  for (Node *node : nodes) {
    const OpDef *def = find_op(node->domain, node->op);
    if (!def || !def->packs) continue;
    LowerContext ctx(*node, target);
    for (PackRequest &request : def->packs(ctx)) {
      Value *in = node->input(request.input);
      if (!in || !in->is_constant() || in->layout.kind != Layout::Kind::RowMajor)
        fail(fmt::format("internal error: {}: input {} to pack is not a plain constant", node->describe(),
                         request.input));
      PackKey key{in, request.op, attrs_key(request.attrs)};
      Value *&out = packed[key];
      if (!out) {
        out = graph.add_value(graph.unique_name(in->name + ".packed"), Value::Kind::Intermediate);
        Node *pack = graph.insert_node_before(node, request.op, {in}, {out});
        pack->domain = kInternalDomain;
        pack->opset = 1;
        pack->name = node->name;
        pack->attrs = std::move(request.attrs);
        OpContext pack_ctx(*pack);
        find_op(kInternalDomain, request.op)->infer(pack_ctx);
      }
      graph.set_input(*node, request.input, out);
      changed = true;
    }
  }
  return changed;
}

}  // namespace aotc
