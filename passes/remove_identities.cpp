// Pass: Identity and inference-mode Dropout forward their input, so uses of
// their output are redirected to the input and the node goes away. A node is
// kept (and lowered to a copy) when its output is a graph output that cannot
// simply be renamed: when the input is a graph input, a constant or already
// another graph output.
#include <algorithm>

#include "passes/pipeline.h"

namespace aotc {

namespace {
bool is_forwarding(const Node &node) {
  if (node.op == "Identity") return true;
  if (node.op != "Dropout") return false;
  // Dropout's mask output (if anyone uses it) keeps the node alive.
  return node.outputs.size() < 2 || node.outputs[1] == nullptr;
}
}  // namespace

void remove_identities(Graph &graph) {
  std::vector<const Node *> removed;
  for (auto &node : graph.nodes) {
    if (!node->domain.empty() || !is_forwarding(*node)) continue;
    Value *in = node->inputs[0];
    Value *out = node->outputs[0];
    bool out_is_graph_output = std::count(graph.outputs.begin(), graph.outputs.end(), out) > 0;
    bool in_is_pinned = in->kind != Value::Kind::Intermediate ||
                        std::count(graph.outputs.begin(), graph.outputs.end(), in) > 0;
    if (out_is_graph_output && in_is_pinned) continue;
    graph.replace_all_uses(out, in);
    removed.push_back(node.get());
  }
  graph.erase_nodes_if([&](const Node &n) { return std::count(removed.begin(), removed.end(), &n) > 0; });
}

}  // namespace aotc
