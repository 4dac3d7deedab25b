// `aotc --emit dot`: the optimised graph for Graphviz.
#pragma once
#include <string>

#include "ir/graph.h"

namespace aotc {

/// A Graphviz digraph of `graph`: one box per node, labelled with its op (and
/// for a fused node what it absorbed: "aotc.FusedConv: Conv+BatchNormalization+Relu"),
/// its name and its weights' bytes; graph inputs and outputs as ellipses; one
/// edge per use of a value, labelled with its dtype, shape, layout and bytes.
/// Constants are not drawn (their bytes are on the node reading them). Names
/// from the model are escaped; the text is a pure function of the graph.
std::string emit_dot(const Graph &graph, const std::string &name);

}  // namespace aotc
