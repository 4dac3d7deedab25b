// The compiler driver: ONNX file -> IR -> passes -> lowered program -> C files,
// and `verify`, which builds the generated C with the host compiler, runs it
// on test data and compares with expected outputs.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "codegen/report.h"
#include "compiler/onnx_import.h"
#include "passes/pipeline.h"
#include "passes/program.h"

namespace aotc {

struct CompileOptions {
  std::string name = "model";  ///< C prefix for the generated files and symbols
  std::string target = default_target_name();  ///< --target: see ir/target.h
  ImportOptions import;
  size_t arena_alignment = 16;
  IoMode io = IoMode::Arena;  ///< --io: graph inputs and outputs in the arena, or separate
  /// --report: also write report.json and memory.svg (codegen/report.h).
  bool report = false;
  /// --max-scratch: the most scratch a conv kernel may take for its copy of
  /// the input (Target::max_conv_scratch_bytes; 0: no cap); unset: the target's.
  std::optional<size_t> max_scratch;
  /// --patch N: run the high-resolution prefix as N x N tiles (passes/patch_prefix.h); 0: off.
  int patch_tiles = 0;
  /// --weights-section / --arena-section: linker sections (codegen/emit_c.h); empty: the defaults.
  std::string weights_section, arena_section;
};

/// The target to compile for: options.target, with the options' overrides.
Target compile_target(const CompileOptions &options);

struct Compilation {
  std::unique_ptr<Graph> graph;
  Program program;
  std::map<std::string, std::string> files;  ///< generated files by name
  std::optional<MemoryReport> report;        ///< with CompileOptions::report
  std::optional<PatchStats> patch;           ///< with CompileOptions::patch_tiles
};

/// Imports and optimises a model; returns the graph after the pass pipeline.
/// `after_step` sees the graph after each pipeline step; `patch_stats`, if
/// given, gets what --patch did.
std::unique_ptr<Graph> load_and_optimize(const std::string &model_path, const CompileOptions &options,
                                         const PipelineObserver &after_step = nullptr,
                                         PatchStats *patch_stats = nullptr);

/// Compiles a model all the way to C source text.
Compilation compile_model(const std::string &model_path, const CompileOptions &options);

/// Writes `files` into `dir` so that no half-written directory is left: they
/// go to a temporary directory next to `dir` first, then are renamed in.
void write_output_dir(const std::string &dir, const std::map<std::string, std::string> &files);

struct VerifyOptions {
  std::string cc = "cc";
  std::string cflags = "-std=c99 -O2";
  double rtol = 1e-4, atol = 1e-5;
  std::string work_dir;  ///< where to build; a fresh temporary directory if empty
  bool keep = false;     ///< keep work_dir afterwards
  /// Test-data inputs compiled in as constants (--const-input): not fed at run time.
  std::set<std::string> frozen_inputs;
};

struct OutputComparison {
  std::string name;
  bool ok = false;
  double max_abs_error = 0, max_rel_error = 0;
  std::string problem;  ///< set when shape/dtype mismatch or non-finite values differ
};

struct VerifyResult {
  bool ok = false;
  std::vector<OutputComparison> outputs;
};

/// Test data: tensors by graph input/output name, or by position if a name is empty.
struct TestData {
  std::vector<std::pair<std::string, Tensor>> inputs, outputs;
};

/// Reads ONNX's test_data_set_N directory (input_K.pb, output_K.pb).
TestData load_test_data_dir(const std::string &dir);

/// Compiles the model, builds the C with the host compiler, runs it on the
/// inputs through the standard API (aotc.h) and compares every output.
VerifyResult verify_model(const Compilation &compilation, const std::vector<TestData> &data,
                          const VerifyOptions &options);

/// Compares one output with its expected value (elementwise |a-e| <= atol + rtol*|e|).
OutputComparison compare_tensors(const std::string &name, const Tensor &actual, const Tensor &expected, double rtol,
                                 double atol);

}  // namespace aotc
