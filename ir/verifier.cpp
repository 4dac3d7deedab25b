// Structural checks on a graph, run after import and after every pass in
// debug pipelines. Violations are errors that name the node.
#include <fmt/format.h>

#include <set>

#include "ir/graph.h"

namespace aotc {

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
  for (auto &v : graph.values)
    if (v->is_constant()) {
      if (!v->constant) fail(fmt::format("constant '{}' has no data", v->name));
      defined.insert(v.get());
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
}

}  // namespace aotc
