// Structural checks on a graph, run after import and after every pass in
// debug pipelines. Violations are errors that name the node.
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <set>

#include "ir/graph.h"

namespace aotc {

namespace {

std::string describe_use(const Use &use) {
  if (use.is_graph_output()) return fmt::format("graph output {}", use.index);
  return fmt::format("input {} of {}", use.index, use.node->describe());
}

// Each value's use list must list exactly the node inputs and graph outputs
// that read it (as a multiset: a node reading a value twice has two uses).
void verify_use_lists(const Graph &graph) {
  auto order = [](const Use &a, const Use &b) {
    return std::less<const Node *>()(a.node, b.node) || (a.node == b.node && a.index < b.index);
  };
  std::map<const Value *, std::vector<Use>> actual;
  std::set<const Node *> in_graph;
  for (auto &node : graph.nodes) {
    in_graph.insert(node.get());
    for (size_t i = 0; i < node->inputs.size(); ++i)
      if (node->inputs[i]) actual[node->inputs[i]].push_back({node.get(), i});
  }
  for (size_t k = 0; k < graph.outputs.size(); ++k) actual[graph.outputs[k]].push_back({nullptr, k});
  for (auto &v : graph.values) {
    std::vector<Use> listed = v->uses(), read = actual[v.get()];
    std::sort(listed.begin(), listed.end(), order);
    std::sort(read.begin(), read.end(), order);
    std::vector<Use> missing, stale;
    std::set_difference(read.begin(), read.end(), listed.begin(), listed.end(), std::back_inserter(missing), order);
    std::set_difference(listed.begin(), listed.end(), read.begin(), read.end(), std::back_inserter(stale), order);
    if (!missing.empty())
      fail(fmt::format("use list of '{}' lacks {}, which reads it", v->name, describe_use(missing[0])));
    if (!stale.empty()) {
      const Use &use = stale[0];
      // (A node no longer in the graph must not be dereferenced.)
      std::string reader = use.is_graph_output() || in_graph.count(use.node)
                               ? describe_use(use)
                               : fmt::format("input {} of a node not in the graph", use.index);
      fail(fmt::format("use list of '{}' names {}, which does not read it", v->name, reader));
    }
  }
}

}  // namespace

void verify_graph(const Graph &graph, bool require_shapes) {
  std::set<const Value *> defined;
  std::set<const Value *> owned;
  for (auto &v : graph.values) owned.insert(v.get());
  auto check_typed = [&](const Value *v, const std::string &where) {
    if (!require_shapes) return;
    if (v->dtype == DType::Undefined || !v->shape_known)
      fail(fmt::format("{}: value '{}' has no known type and shape", where, v->name));
  };
  for (const Value *v : graph.inputs) {
    if (v->kind != Value::Kind::Input) fail(fmt::format("graph input '{}' is not an input value", v->name));
    defined.insert(v);
    check_typed(v, "graph input");
  }
  for (auto &v : graph.values) {
    if (v->is_constant()) {
      if (!v->constant) fail(fmt::format("constant '{}' has no data", v->name));
      if (v->layout.is_packed() && v->constant->shape != v->layout.storage)
        fail(fmt::format("packed constant '{}' holds data of shape {}, its layout stores {}", v->name,
                         shape_str(v->constant->shape), shape_str(v->layout.storage)));
      defined.insert(v.get());
    }
    if ((v->layout.is_packed() || v->layout.is_blocked()) && (v->is_graph_output() || v->kind == Value::Kind::Input))
      fail(fmt::format("graph input or output '{}' has a packed or blocked layout; they keep ONNX's", v->name));
    if (v->layout.is_blocked() && v->shape_known &&
        (v->shape.size() < 3 || v->layout.block <= 0 || v->shape[1] % v->layout.block != 0))
      fail(fmt::format("value '{}' of shape {} cannot be blocked by {} channels", v->name, shape_str(v->shape),
                       v->layout.block));
  }
  for (auto &node : graph.nodes) {
    for (const Value *in : node->inputs) {
      if (!in) continue;
      if (!owned.count(in)) fail(fmt::format("{} reads a value the graph does not own", node->describe()));
      if (!defined.count(in))
        fail(fmt::format("{} reads '{}' before it is defined (undefined value or a cycle)", node->describe(),
                         in->name));
    }
    for (const Value *out : node->outputs) {
      if (!out) continue;
      if (defined.count(out)) fail(fmt::format("{} redefines '{}'", node->describe(), out->name));
      if (out->producer != node.get())
        fail(fmt::format("{}: output '{}' does not name it as producer", node->describe(), out->name));
      defined.insert(out);
      check_typed(out, node->describe());
    }
  }
  for (const Value *out : graph.outputs)
    if (!defined.count(out)) fail(fmt::format("graph output '{}' is never defined", out->name));
  verify_use_lists(graph);
}

}  // namespace aotc
