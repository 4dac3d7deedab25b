// Pass: Identity and inference-mode Dropout forward their input, so uses of
// their output are redirected to the input and the node goes away. A node is
// kept (and lowered to a copy) when its output is a graph output that cannot
// simply be renamed: when the input is a graph input, a constant or already
// another graph output.
#include "passes/pipeline.h"
#include "passes/rewrite.h"

namespace aotc {

namespace {
bool is_forwarding(const Node &node) {
  if (node.op == "Identity") return true;
  if (node.op != "Dropout") return false;
  // Dropout's mask output (if anyone uses it) keeps the node alive.
  return node.outputs.size() < 2 || node.outputs[1] == nullptr;
}

bool forward_input(Node &node, Rewriter &rw) {
  if (!node.domain.empty() || !is_forwarding(node)) return false;
  Value *in = node.inputs[0];
  Value *out = node.outputs[0];
  bool in_is_pinned = in->kind != Value::Kind::Intermediate || in->is_graph_output();
  if (out->is_graph_output() && in_is_pinned) return false;
  rw.graph().replace_all_uses(out, in);
  rw.erase(node);
  return true;
}

}  // namespace

bool remove_identities(Graph &graph) { return rewrite_nodes(graph, forward_input); }

}  // namespace aotc
