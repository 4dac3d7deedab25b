// Pass: picks each value's memory layout for the target (ir/graph.h, Layout).
//
//  - Activations that conv and pool kernels read or write are marked
//    channels-first (N, C, spatial...), the layout those kernels use on every
//    target today. Graph inputs and outputs keep ONNX's layout.
//  - Constant inputs an op wants packed (OpDef::packs, e.g. conv weights for a
//    GEMM micro-kernel, in a format that depends on the target and the conv's
//    geometry) get an internal packing node in front of the op. The packing
//    node is an ordinary op lowered to the C function that defines the format,
//    so the next constant folding computes the packed data with the same code
//    the kernels use, and `--emit ir` shows the packed constant.
// Idempotent: packed inputs and marked values are left alone.
#include <fmt/format.h>

#include <map>
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

}  // namespace

bool choose_layouts(Graph &graph, const Target &target) {
  bool changed = false;
  std::map<PackKey, Value *> packed;
  std::vector<Node *> nodes;
  for (auto &n : graph.nodes) nodes.push_back(n.get());
  for (Node *node : nodes) {
    const OpDef *def = find_op(node->domain, node->op);
    if (!def) continue;
    if (def->channels_first) {
      changed = mark_channels_first(node->input(0)) || changed;
      changed = mark_channels_first(node->output(0)) || changed;
    }
    if (!def->packs) continue;
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
