// Plumbing for local graph rewrites (the fusion and cleanup passes):
//  - sole_reader / match_chain find producer -> consumer patterns through the
//    values' use lists, in constant time;
//  - rewrite_nodes visits every node once and lets a rewrite erase nodes
//    without invalidating the walk;
//  - attribute readers that need no OpContext.
// A rewrite pass returns whether it changed the graph, so the pipeline can
// repeat a group of them until nothing changes (pipeline.cpp).
#pragma once
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <unordered_set>

#include "ir/graph.h"

namespace aotc {

/// The node reading `v`, if `v` has exactly one use and it is not a graph output.
inline Node *sole_reader(const Value &v) {
  if (v.use_count() != 1 || v.uses()[0].is_graph_output()) return nullptr;
  return v.uses()[0].node;
}

/// A producer whose only output is read by exactly one node, the consumer.
struct Chain {
  Node *producer = nullptr;
  Node *consumer = nullptr;
};

/// Matches `producer` -> consumer where the consumer is an ai.onnx node whose op
/// is one of `consumer_ops`, reads the producer's single output as its input
/// `input_index`, and is its only reader (so the intermediate can disappear).
std::optional<Chain> match_chain(Node &producer, std::initializer_list<const char *> consumer_ops,
                                 size_t input_index = 0);

/// The activation an ai.onnx Relu, Clip (constant bounds) or HardSwish node
/// computes, as the conv kernels apply it; nullopt for any other node.
std::optional<FusedActivation> fusable_activation(const Node &act);

/// Hands rewrites the graph and a way to erase nodes during a walk.
class Rewriter {
 public:
  explicit Rewriter(Graph &graph) : graph_(graph) {}
  Graph &graph() { return graph_; }
  /// Erases `node`: its input uses go now (so later matches see true use
  /// counts), the node itself when the walk ends. Nothing may read its outputs
  /// by then.
  void erase(Node &node);
  bool is_erased(const Node &node) const { return erased_.count(&node) > 0; }
  /// Records a change that erased nothing (e.g. a node rewritten in place).
  void mark_changed() { changed_ = true; }
  bool changed() const { return changed_; }
  /// Removes the erased nodes (and values nothing refers to any more).
  void finish();

 private:
  Graph &graph_;
  std::unordered_set<const Node *> erased_;
  bool changed_ = false;
};

/// Calls `rewrite` on every node not yet erased, in topological order (nodes
/// the rewrites erase are skipped). `rewrite` returns whether it changed the
/// graph. Returns whether anything changed.
bool rewrite_nodes(Graph &graph, const std::function<bool(Node &, Rewriter &)> &rewrite);

/// Records that `into` now also computes `absorbed` (Node::fused_ops). Call it
/// before renaming `into`, so its original op comes first.
inline void record_fusion(Node &into, const Node &absorbed) {
  if (into.fused_ops.empty()) into.fused_ops.push_back(into.op);
  if (absorbed.fused_ops.empty())
    into.fused_ops.push_back(absorbed.op);
  else
    into.fused_ops.insert(into.fused_ops.end(), absorbed.fused_ops.begin(), absorbed.fused_ops.end());
}

inline bool is_float_conv(const Node &n) {
  return n.domain.empty() && n.op == "Conv" && n.outputs.size() == 1 && n.outputs[0] &&
         n.outputs[0]->dtype == DType::Float;
}

inline int64_t attr_int_or(const Node &n, const std::string &key, int64_t fallback) {
  const Attribute *a = n.attr(key);
  if (!a) return fallback;
  const int64_t *v = std::get_if<int64_t>(&a->value);
  return v ? *v : fallback;
}

/// Float attribute `key` of `n`, or `fallback`.
inline float attr_float_or(const Node &n, const std::string &key, float fallback) {
  const Attribute *a = n.attr(key);
  const float *f = a ? std::get_if<float>(&a->value) : nullptr;
  return f ? *f : fallback;
}

}  // namespace aotc
