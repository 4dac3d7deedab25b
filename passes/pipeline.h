// The compiler's pass pipeline, declared in one place (pipeline.cpp).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "passes/program.h"

namespace aotc {

/// A graph-to-graph pass.
struct GraphPass {
  const char *name;
  const char *what;  ///< one line, shown by `aotc --list-passes`
  std::function<void(Graph &)> run;
};

/// The graph passes, in the order they run.
const std::vector<GraphPass> &graph_pipeline();

/// Runs every graph pass, verifying the graph after each one.
void run_graph_pipeline(Graph &graph);

/// Lowers an optimised graph to kernel calls and plans its memory.
Program lower_and_plan(Graph &graph, size_t arena_alignment,
                       const Target &target = find_target(default_target_name()));

// The passes themselves (one file each).
void infer_shapes_and_fold(Graph &graph);
void remove_identities(Graph &graph);
void fuse_conv_batchnorm(Graph &graph);
void fuse_conv_activation(Graph &graph);
void eliminate_dead_code(Graph &graph);
Program lower_graph(Graph &graph, const Target &target);
void plan_memory(Program &program);

}  // namespace aotc
