// Small helpers for graph rewrites (fusion passes): finding the single reader
// of a value and reading attributes without an OpContext.
#pragma once
#include <string>

#include "ir/graph.h"

namespace aotc {

// The single node reading `v`, if `v` has exactly one use and is not a graph output.
inline Node *only_reader(Graph &graph, const Value *v) {
  if (graph.use_count(v) != 1) return nullptr;
  for (auto &node : graph.nodes)
    for (Value *in : node->inputs)
      if (in == v) return node.get();
  return nullptr;  // the one use is a graph output
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
