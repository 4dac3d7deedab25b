#include "passes/rewrite.h"

#include <cmath>
#include <limits>

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

std::optional<FusedActivation> fusable_activation(const Node &act) {
  if (!act.domain.empty() || act.outputs.size() != 1) return std::nullopt;
  if (act.op == "Relu") return FusedActivation::relu();
  if (act.op == "HardSwish") return FusedActivation::hard_swish(1.0f / 6.0f, 0.5f);
  if (act.op != "Clip") return std::nullopt;
  // Clip: bounds are attributes before opset 11, optional constant inputs after.
  float lo = -std::numeric_limits<float>::infinity(), hi = std::numeric_limits<float>::infinity();
  if (act.opset < 11) {
    lo = attr_float_or(act, "min", lo);
    hi = attr_float_or(act, "max", hi);
  } else {
    for (size_t i = 1; i < act.inputs.size() && i <= 2; ++i)
      if (act.inputs[i] && (!act.inputs[i]->is_constant() || act.inputs[i]->count() != 1)) return std::nullopt;
    if (act.has_input(1)) lo = static_cast<float>(act.inputs[1]->constant->double_at(0));
    if (act.has_input(2)) hi = static_cast<float>(act.inputs[2]->constant->double_at(0));
  }
  if (std::isnan(lo) || std::isnan(hi)) return std::nullopt;
  return FusedActivation::clip(lo, hi);
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
