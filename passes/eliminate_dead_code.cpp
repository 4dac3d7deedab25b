// Pass: removes nodes none of whose outputs are used (every op here is free of
// side effects) and constants nothing reads. Walks backwards so chains of dead
// nodes go in one sweep: erasing a node drops its reads at once, so the nodes
// before it that only it read are seen dead in turn.
#include "passes/pipeline.h"
#include "passes/rewrite.h"

namespace aotc {

bool eliminate_dead_code(Graph &graph) {
  Rewriter rw(graph);
  for (auto it = graph.nodes.rbegin(); it != graph.nodes.rend(); ++it) {
    Node &node = **it;
    bool used = false;
    for (const Value *out : node.outputs) used = used || (out && out->use_count() > 0);
    if (!used) rw.erase(node);
  }
  rw.finish();
  // Constants nothing reads (e.g. weights replaced by a fusion).
  size_t unused_values = graph.erase_unreferenced_values();
  return rw.changed() || unused_values > 0;
}

}  // namespace aotc
