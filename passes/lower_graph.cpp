// Pass: lowers every node to runtime-c kernel calls (via its OpDef) and makes
// sure every graph output has a buffer of its own to be written to.
#include <fmt/format.h>

#include <algorithm>

#include "ops/kernel_library.h"
#include "ops/op.h"
#include "passes/pipeline.h"

namespace aotc {

Program lower_graph(Graph &graph, const Target &target) {
  Program program;
  program.graph = &graph;
  program.target = std::make_shared<const Target>(target);
  for (auto &node : graph.nodes) {
    const OpDef *def = find_op(node->domain, node->op);
    if (!def || !def->lower)
      fail(fmt::format("{}: cannot be compiled (its inputs must be compile-time constants)", node->describe()));
    LowerContext ctx(*node, target);
    def->lower(ctx);
    for (LoweredStep &step : ctx.steps()) {
      if (!step.is_alias()) check_kernel_call(step.call, node->describe());
      program.steps.push_back(std::move(step));
    }
  }
  // A graph output that is a graph input, a constant, or listed twice needs a
  // copy into its own output buffer.
  for (size_t k = 0; k < graph.outputs.size(); ++k) {
    Value *v = graph.outputs[k];
    bool repeated = std::find(graph.outputs.begin(), graph.outputs.begin() + static_cast<long>(k), v) !=
                    graph.outputs.begin() + static_cast<long>(k);
    if (v->kind == Value::Kind::Intermediate && !repeated) continue;
    Value *copy = graph.add_value(graph.unique_name(graph.output_names[k] + "_out"), Value::Kind::Intermediate);
    copy->dtype = v->dtype;
    copy->shape = v->shape;
    copy->shape_known = true;
    LoweredStep step;
    step.call.kernel = "aotc_copy";
    step.call.in(v).out(copy).i(static_cast<int64_t>(v->byte_size()));
    program.steps.push_back(std::move(step));
    graph.set_output(k, copy);
  }
  return program;
}

}  // namespace aotc
