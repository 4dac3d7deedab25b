// Pass: removes nodes none of whose outputs are used (every op here is free of
// side effects) and constants nothing reads. Walks backwards so chains of dead
// nodes go in one sweep.
#include <set>

#include "passes/pipeline.h"

namespace aotc {

void eliminate_dead_code(Graph &graph) {
  std::set<const Value *> live(graph.outputs.begin(), graph.outputs.end());
  std::set<const Node *> dead;
  for (auto it = graph.nodes.rbegin(); it != graph.nodes.rend(); ++it) {
    const Node &node = **it;
    bool used = false;
    for (const Value *out : node.outputs) used = used || (out && live.count(out));
    if (!used) {
      dead.insert(&node);
      continue;
    }
    for (const Value *in : node.inputs)
      if (in) live.insert(in);
  }
  graph.erase_nodes_if([&](const Node &n) { return dead.count(&n) > 0; });
}

}  // namespace aotc
