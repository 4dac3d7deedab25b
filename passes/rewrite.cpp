#include "passes/rewrite.h"

namespace aotc {

std::optional<Chain> match_chain(Node &producer, std::initializer_list<const char *> consumer_ops,
                                 size_t input_index) {
  if (producer.outputs.size() != 1 || !producer.outputs[0]) return std::nullopt;
  Node *consumer = sole_reader(*producer.outputs[0]);
  if (!consumer || !consumer->domain.empty() || consumer->input(input_index) != producer.outputs[0])
    return std::nullopt;
  for (const char *op : consumer_ops)
    if (consumer->op == op) return Chain{&producer, consumer};
  return std::nullopt;
}

void Rewriter::erase(Node &node) {
  if (!erased_.insert(&node).second) return;
  graph_.truncate_inputs(node, 0);
  changed_ = true;
}

void Rewriter::finish() {
  if (erased_.empty()) return;
  graph_.erase_nodes_if([&](const Node &n) { return erased_.count(&n) > 0; });
  erased_.clear();
}

bool rewrite_nodes(Graph &graph, const std::function<bool(Node &, Rewriter &)> &rewrite) {
  Rewriter rewriter(graph);
  // By index: rewrites may append nodes (visited too), and erased ones stay in
  // place until finish().
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Node &node = *graph.nodes[i];
    if (rewriter.is_erased(node)) continue;
    if (rewrite(node, rewriter)) rewriter.mark_changed();
  }
  rewriter.finish();
  return rewriter.changed();
}

}  // namespace aotc
