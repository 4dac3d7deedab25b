// The memory report (`aotc --report`): what the generated code needs in RAM and
// flash, where and when each tensor lives in the arena, and per kernel call
// its MACs and scratch. Written as OUT/report.json, OUT/memory.svg (a picture
// of the plan, memory_svg.cpp) and a few lines for the terminal.
//
// Definitions (also in README.md, "Memory report"):
//  - arena_bytes: RAM the generated code needs for the plan: the scratch arena
//    (Program::scratch_size, NAME_SCRATCH_SIZE). Graph inputs and outputs kept
//    outside the arena are counted apart, in io_bytes.
//  - arena_lower_bound_bytes: the most bytes (each buffer rounded up to the
//    arena alignment) live at one step of the chosen schedule; no placement of
//    these buffers needs less (Program::live_peak_bytes).
//  - naive_peak_bytes: the activation memory a simple compiler (one buffer per
//    node's inputs and outputs, as onnx2c allocates) needs: over the nodes of
//    the graph as imported, after shape inference and constant folding but
//    before any fusion, the largest sum of a node's non-constant input bytes
//    (each distinct input once) plus its output bytes.
//  - weights_bytes: constant data in the generated C, NAME_CONSTANT_BYTES:
//    weight tensors as stored (packed layouts included) plus the kernel
//    argument arrays and geometry structs.
//  - macs: multiply-accumulates per run, from each op's OpDef::macs
//    (convolutions, Gemm, MatMul); other ops count 0. A node lowered to
//    several kernel calls has its MACs on its first call.
//  - schedule: the arena planned for the steps in ONNX node order
//    (original_arena_bytes) and for the chosen order (arena_bytes), and how
//    many steps schedule_steps moved to get there (steps_moved).
//  - tensors: one entry per buffer of the plan: an alias group (values that
//    share storage, e.g. a Reshape's input and output) or a kernel's scratch;
//    kind activation/scratch/input/output; offset is null for graph inputs
//    and outputs that live in the caller's buffers rather than the arena;
//    first_use/last_use are step indices (inclusive).
//  - patch (only with --patch N): tiles (N), prefix_end (the node whose output
//    the tiles assemble), macs_original (MACs of the graph before tiling) and
//    extra_macs / extra_macs_percent (the halo recompute tiling adds).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codegen/emit_c.h"
#include "ir/graph.h"
#include "passes/patch_prefix.h"
#include "passes/program.h"

namespace aotc {

/// The node with the most activation bytes (see naive_peak_bytes above).
struct NaivePeak {
  size_t bytes = 0;
  std::string node, op;  ///< the node's name and op ("" if the graph has no node)
};

/// naive_peak_bytes of `graph` as it stands (call it before fusion).
NaivePeak naive_peak(const Graph &graph);

struct ReportTensor {
  std::string name;                  ///< the group's first value in step order, or "scratch@<step>"
  std::vector<std::string> aliases;  ///< other values sharing its storage
  std::string kind;                  ///< "activation", "scratch", "input" or "output"
  size_t bytes = 0;
  bool in_arena = false;
  size_t offset = 0;  ///< arena offset, if in_arena
  size_t first_use = 0, last_use = 0;
  /// The tensor an in-place step wrote this one over (same offset; the two
  /// are both live at that one step), or "".
  std::string in_place_of;
};

struct ReportOp {
  size_t index = 0;
  std::string kernel;
  std::string op;                      ///< the node's op, "aotc." prefixed for internal ones
  std::string node;                    ///< the node's name (may be empty)
  std::vector<std::string> fused_ops;  ///< Node::fused_ops
  int64_t macs = 0;
  size_t scratch_bytes = 0;
};

struct MemoryReport {
  std::string model, name, target;
  size_t arena_bytes = 0, arena_lower_bound_bytes = 0, naive_peak_bytes = 0;
  NaivePeak naive_peak;
  size_t io_bytes = 0;  ///< graph inputs and outputs outside the arena
  size_t weights_bytes = 0;
  EmitStats weights;  ///< weights_bytes split in tensors and kernel arguments
  size_t arena_alignment = 0;
  size_t peak_step = 0;          ///< first step with arena_lower_bound_bytes live
  size_t peak_live_bytes = 0;    ///< aligned bytes live at peak_step
  int64_t macs = 0;
  size_t schedule_original_arena_bytes = 0;  ///< the arena in ONNX node order (Program::schedule)
  size_t schedule_steps_moved = 0;           ///< steps schedule_steps moved (0: node order kept)
  std::vector<ReportTensor> tensors;  ///< in order of first use
  std::vector<ReportOp> ops;          ///< one per step
  std::optional<PatchStats> patch;    ///< with --patch
};

/// What the report needs besides the planned program.
struct ReportSource {
  std::string model_file;  ///< shown as given (the driver passes the file name)
  std::string name;        ///< --name
  NaivePeak naive;         ///< measured before fusion (naive_peak)
  EmitStats emitted;       ///< from emit_c
  std::optional<PatchStats> patch;  ///< what --patch did, if given
};

/// Builds the report. Lifetimes are recomputed from the kernel calls, as the
/// plan checker does, so the report shows what the generated code does.
MemoryReport make_report(const Program &program, const ReportSource &source);

/// report.json: the fields above, one tensor or op per line (stable order,
/// byte-identical for the same program).
std::string report_json(const MemoryReport &report);

/// A few lines for the terminal: arena, bound, naive peak, weights, arena/naive.
std::string report_summary(const MemoryReport &report);

/// Thousands separators for the terminal: 72448 -> "72,448".
std::string with_thousands(size_t n);

/// memory.svg: steps on x, arena offset on y, one rectangle per arena tensor
/// (its name, bytes and lifetime in a <title> shown on hover), the peak step
/// marked, the totals in a header. Deterministic.
std::string memory_svg(const MemoryReport &report);

/// Text safe inside XML character data and attribute values: & < > " ' as
/// entities, bytes outside printable ASCII as \xNN (model names are untrusted).
std::string xml_text(const std::string &text);

}  // namespace aotc
