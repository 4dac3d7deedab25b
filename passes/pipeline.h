// The compiler's pass pipeline, declared in one place (pipeline.cpp).
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "ir/graph.h"
#include "passes/patch_prefix.h"
#include "passes/program.h"

namespace aotc {

/// Compile options that switch passes on (off by default).
struct PipelineOptions {
  /// --patch N: run the high-resolution prefix as N x N tiles (patch_prefix.h); 0: off.
  int patch_tiles = 0;
  /// Filled by the patch pass when it runs, for the memory report.
  PatchStats *patch_stats = nullptr;
  /// --io: whether the graph's input shares the arena (the patch pass counts it in its estimates).
  bool input_in_arena = true;
};

/// A graph-to-graph pass. `run` returns whether it changed the graph.
struct GraphPass {
  const char *name;
  const char *what;  ///< one line, shown by `aotc --list-passes`
  std::function<bool(Graph &, const Target &, const PipelineOptions &)> run;

  /// A pass that depends on compile options.
  GraphPass(const char *name, const char *what,
            std::function<bool(Graph &, const Target &, const PipelineOptions &)> run)
      : name(name), what(what), run(std::move(run)) {}
  GraphPass(const char *name, const char *what, std::function<bool(Graph &, const Target &)> run)
      : name(name), what(what),
        run([run = std::move(run)](Graph &g, const Target &t, const PipelineOptions &) { return run(g, t); }) {}
  /// Most passes do not depend on the target.
  GraphPass(const char *name, const char *what, std::function<bool(Graph &)> run)
      : name(name), what(what),
        run([run = std::move(run)](Graph &g, const Target &, const PipelineOptions &) { return run(g); }) {}
};

/// One step of the pipeline: a single pass, or a fixed-point group -- rewrite
/// passes run in order, round after round, until a round changes nothing
/// (one pass's rewrite can enable another's, e.g. a removed Identity lets a
/// Conv fuse with the Relu behind it).
struct PipelineStep {
  const char *group;  ///< name of a fixed-point group; nullptr for a single pass
  std::vector<GraphPass> passes;
};

/// More rounds than any real graph needs: hitting it means passes undo each
/// other, an internal error.
constexpr int kMaxFixedPointRounds = 16;

/// The graph pipeline, in the order it runs.
const std::vector<PipelineStep> &graph_pipeline();

/// Sees the graph after each pipeline step, by the step's name (a pass, or a
/// fixed-point group): e.g. the memory report measures the graph as imported
/// and shape-inferred, before any fusion.
using PipelineObserver = std::function<void(const std::string &step, const Graph &graph)>;

/// Runs every graph pass for `target`, verifying the graph after each one.
void run_graph_pipeline(Graph &graph, const Target &target = find_target(default_target_name()),
                        const PipelineObserver &after_step = nullptr, const PipelineOptions &options = {});

/// Runs `passes` in order until a whole round changes nothing, verifying the
/// graph after each pass. Returns the number of rounds run (the last changed
/// nothing); an internal error naming `group` if `max_rounds` do not suffice.
int run_to_fixed_point(Graph &graph, const char *group, const std::vector<GraphPass> &passes,
                       int max_rounds = kMaxFixedPointRounds,
                       const Target &target = find_target(default_target_name()));

/// Lowers an optimised graph to kernel calls and plans its memory, with the
/// graph's inputs and outputs where `io` says.
Program lower_and_plan(Graph &graph, size_t arena_alignment,
                       const Target &target = find_target(default_target_name()), IoMode io = IoMode::Arena);

// The passes themselves (one file each); each returns whether it changed the graph.
/// Whether infer-shapes-and-fold evaluates DequantizeLinear nodes whose inputs
/// are constant: Defer keeps them (and their integer weights) for fuse-qdq.
enum class DequantizeFolding { Defer, Fold };
bool infer_shapes_and_fold(Graph &graph, DequantizeFolding dequantize = DequantizeFolding::Fold);
bool fuse_qdq(Graph &graph);
bool remove_identities(Graph &graph);
bool fuse_conv_batchnorm(Graph &graph);
bool fuse_conv_activation(Graph &graph);
bool fuse_silu(Graph &graph);
bool eliminate_dead_code(Graph &graph);
bool choose_layouts(Graph &graph, const Target &target);
bool split_conv_depthwise(Graph &graph, const Target &target);
bool fuse_conv_add(Graph &graph);
bool fuse_conv_maxpool(Graph &graph, const Target &target);
/// patch-prefix: only with PipelineOptions::patch_tiles.
bool patch_prefix_pass(Graph &graph, const Target &target, const PipelineOptions &options);
Program lower_graph(Graph &graph, const Target &target);
void schedule_steps(Program &program);
void plan_memory(Program &program);

}  // namespace aotc
