// The pipeline, readable on one screen. Graph passes first, then lowering to
// kernel calls, static memory planning and an independent check of the plan.
#include "passes/pipeline.h"

#include <fmt/format.h>

#include "passes/check_plan.h"

namespace aotc {

namespace {
bool infer_shapes_and_fold_deferring_dequantize(Graph &g) { return infer_shapes_and_fold(g, DequantizeFolding::Defer); }
bool infer_shapes_and_fold_all(Graph &g) { return infer_shapes_and_fold(g, DequantizeFolding::Fold); }
}  // namespace

const std::vector<PipelineStep> &graph_pipeline() {
  static const std::vector<PipelineStep> steps = {
      // Types and static shapes for every value; evaluates every node whose
      // inputs are all constant (this is what resolves the Shape -> Gather ->
      // Concat -> Reshape chains exporters emit), and Shape/Size of static shapes.
      // DequantizeLinear on constant weights waits for fuse-qdq (then fold-dequantize).
      {nullptr,
       {{"infer-shapes-and-fold", "infer dtypes and shapes, evaluate constant nodes (except DequantizeLinear)",
         infer_shapes_and_fold_deferring_dequantize}}},
      // Local rewrites, repeated until none applies.
      {"simplify",
       {
           // DequantizeLinear -> op -> QuantizeLinear becomes the integer op
           // ONNX Runtime would run (QLinearConv, QGemm, QLinearAdd, ...).
           {"fuse-qdq", "fuse DequantizeLinear -> op -> QuantizeLinear into integer ops as ONNX Runtime does",
            fuse_qdq},
           // Identity and inference-mode Dropout forward their input.
           {"remove-identities", "remove Identity and inference Dropout", remove_identities},
           // Constant BatchNormalization after a Conv becomes new Conv weights/bias.
           {"fuse-conv-batchnorm", "fold inference BatchNormalization into the Conv before it",
            fuse_conv_batchnorm},
           // Relu/Clip/HardSwish/SiLU after a Conv are applied by the Conv kernel as it stores.
           {"fuse-conv-activation", "fuse Relu, Clip, HardSwish and SiLU into the Conv before them (aotc.FusedConv)",
            fuse_conv_activation},
           // x * Sigmoid(x) (SiLU / swish as torch exports it) becomes one kernel.
           {"fuse-silu", "fuse Mul(x, Sigmoid(x)) into one node (aotc.Silu)", fuse_silu},
           // Nodes whose results nobody reads, and unused constants.
           {"eliminate-dead-code", "remove nodes and constants nothing uses", eliminate_dead_code},
       }},
      // The DequantizeLinear nodes on constants that fuse-qdq left: float weights.
      {nullptr, {{"fold-dequantize", "evaluate the DequantizeLinear nodes left on constants",
                  infer_shapes_and_fold_all}}},
      // Only with --patch N: the high-resolution prefix runs as N x N spatial
      // tiles with halo recompute (MCUNetV2); before layouts, so each tile's
      // convs get their weights packed like any conv.
      {nullptr, {{"patch-prefix", "with --patch N: run the CNN's high-resolution prefix as N x N tiles",
                  patch_prefix_pass}}},
      // A 1x1 conv and the depthwise conv reading it run in chunks of channels
      // whose intermediate stays in L2 (inverted residuals' expanded tensors).
      {nullptr, {{"split-conv-depthwise",
                  "run a 1x1 conv and the depthwise conv reading it in chunks of channels that fit in L2",
                  split_conv_depthwise}}},
      // A residual Add after a Conv (with the activation after it) is added by
      // the conv kernel as it stores. After the two passes above, which match
      // Conv -> Add as separate nodes (patch-prefix tiles the Add like any
      // pointwise op) and keep the chunks' Concat apart from any residual.
      {nullptr, {{"fuse-conv-add", "fuse a residual Add (and the activation after it) into the Conv before it",
                  fuse_conv_add}}},
      // A MaxPool after a Conv whose output outgrows the cache (a stem) pools
      // the conv's rows band by band as they are computed. After the fusions
      // above (the conv's activation comes with it), before the weights are packed.
      {nullptr, {{"fuse-conv-maxpool", "fuse a MaxPool into the Conv before it where the Conv's output outgrows L2",
                  fuse_conv_maxpool}}},
      // Layouts for the target: conv/pool activations channels-first, and
      // packing nodes on constant weights a kernel wants packed.
      {nullptr, {{"choose-layouts", "pick value layouts for the target; pack constant weights for the kernels",
                  choose_layouts}}},
      // Computes the packed weights with the C code that defines their format.
      {nullptr, {{"fold-packing", "evaluate the packing nodes on constant weights", infer_shapes_and_fold_all}}},
  };
  return steps;
}

int run_to_fixed_point(Graph &graph, const char *group, const std::vector<GraphPass> &passes, int max_rounds,
                       const Target &target) {
  for (int round = 1; round <= max_rounds; ++round) {
    bool changed = false;
    for (const GraphPass &pass : passes) {
      changed = pass.run(graph, target, PipelineOptions{}) || changed;
      verify_graph(graph, /*require_shapes=*/true);
    }
    if (!changed) return round;
  }
  fail(fmt::format("internal error: pass group '{}' still changes the graph after {} rounds", group, max_rounds));
}

bool patch_prefix_pass(Graph &graph, const Target &, const PipelineOptions &options) {
  return options.patch_tiles != 0 && patch_prefix(graph, options.patch_tiles, options.patch_stats, "", options.input_in_arena);
}

void run_graph_pipeline(Graph &graph, const Target &target, const PipelineObserver &after_step,
                        const PipelineOptions &options) {
  for (const PipelineStep &step : graph_pipeline()) {
    if (step.group) {
      run_to_fixed_point(graph, step.group, step.passes, kMaxFixedPointRounds, target);
      if (after_step) after_step(step.group, graph);
      continue;
    }
    for (const GraphPass &pass : step.passes) {
      pass.run(graph, target, options);
      verify_graph(graph, /*require_shapes=*/true);
      if (after_step) after_step(pass.name, graph);
    }
  }
}

Program lower_and_plan(Graph &graph, size_t arena_alignment, const Target &target, IoMode io) {
  Program program = lower_graph(graph, target);
  program.arena_alignment = arena_alignment;
  program.io = io;
  // Reorders independent steps (branches) where that plans a smaller arena;
  // lowering follows the ONNX node order, which is rarely the leanest.
  schedule_steps(program);
  plan_memory(program);
  // An independent check of the finished plan (passes/check_plan.h): no two
  // live arena buffers overlap, every buffer lies inside its storage.
  check_memory_plan(program);
  return program;
}

}  // namespace aotc
