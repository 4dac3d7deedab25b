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

#include "codegen/emit_c.h"
#include "codegen/llvm/llvm_backend.h"
#include "codegen/report.h"
#include "compiler/onnx_import.h"
#include "passes/pipeline.h"
#include "passes/program.h"

namespace aotc {

/// --backend: what turns the lowered program into code.
enum class Backend {
  C,        ///< NAME.c (the default)
  Llvm,     ///< NAME.o through LLVM, for any triple (codegen/llvm)
  LlvmJit,  ///< LLVM for this machine, run in-process (verify --jit): no files
};

struct CompileOptions {
  std::string name = "model";  ///< C prefix for the generated files and symbols
  std::string target = default_target_name();  ///< --target: see ir/target.h
  ImportOptions import;
  IoMode io = IoMode::Arena;  ///< --io: graph inputs and outputs in the arena, or separate
  /// --report: also write report.json and memory.svg (codegen/report.h).
  bool report = false;
  /// --max-scratch: the most scratch a conv kernel may take for its copy of
  /// the input (Target::max_conv_scratch_bytes; 0: no cap); unset: the target's.
  std::optional<size_t> max_scratch;
  /// --l2-cache: the L2 cache per core to tune for (Target::l2_bytes; 0: none); unset: the target's.
  std::optional<size_t> l2_cache;
  /// --patch N: run the high-resolution prefix as N x N tiles (passes/patch_prefix.h); 0: off.
  int patch_tiles = 0;
  /// --weights-section / --arena-section: linker sections (codegen/emit_c.h); empty: the defaults.
  std::string weights_section, arena_section;
  /// --weights c|bin: the weights as C arrays in NAME.c, or in NAME_weights.bin (codegen/emit_c.h).
  WeightsFormat weights = WeightsFormat::C;
  /// verify --per-layer: values (by ONNX name) made graph outputs before the
  /// passes, so the generated C computes each as ONNX defines it (no fusion
  /// hides it) and copies it out.
  std::vector<std::string> expose_values;
  Backend backend = Backend::C;
  LlvmTargetOptions llvm;  ///< --triple, --cpu, --features (Backend::Llvm)
};

/// The target to compile for: options.target, with the options' overrides.
Target compile_target(const CompileOptions &options);

struct Compilation {
  std::unique_ptr<Graph> graph;
  Program program;
  std::map<std::string, std::string> files;  ///< generated files by name
  /// The LLVM backends: what they compiled (NAME.c declaring the weights extern, and the weights).
  std::optional<LlvmInput> llvm_input;
  std::optional<LlvmObjectInfo> llvm_object;  ///< Backend::Llvm: what NAME.o is for
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
/// Writes one file so that it is complete or absent (a temporary next to it, renamed in).
void write_file_atomically(const std::string &path, const std::string &bytes);

struct VerifyOptions {
  std::string cc = "cc";  ///< (unused for a Backend::LlvmJit compilation, which runs in this process)
  std::string cflags = "-std=c99 -O2";
  double rtol = 1e-4, atol = 1e-5;
  std::string work_dir;  ///< where to build; a fresh temporary directory if empty
  bool keep = false;     ///< keep work_dir afterwards
  /// Test-data inputs compiled in as constants (--const-input): not fed at run time.
  std::set<std::string> frozen_inputs;
  /// Compile the runner harness once per process and cc/cflags, not per model
  /// (a test runner that verifies many models: it was a third of each build).
  bool reuse_runner_object = false;
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

/// Builds the compiled model (the C, or NAME.o with a runner, with the host
/// compiler; nothing for Backend::LlvmJit, which runs in this process), runs
/// it on the inputs through the standard API (aotc.h) and compares every output.
VerifyResult verify_model(const Compilation &compilation, const std::vector<TestData> &data,
                          const VerifyOptions &options);

/// aotc run: runs a Backend::LlvmJit compilation once in this process on
/// `inputs` (by graph input name, or by position where names do not match);
/// returns its outputs in graph order.
std::vector<Tensor> run_model(const Compilation &compilation,
                              const std::vector<std::pair<std::string, Tensor>> &inputs);

/// Compares one output with its expected value (elementwise |a-e| <= atol + rtol*|e|).
OutputComparison compare_tensors(const std::string &name, const Tensor &actual, const Tensor &expected, double rtol,
                                 double atol);

/// One intermediate value compared by verify --per-layer, over every data set.
struct LayerComparison {
  std::string node;  ///< the producing ONNX node, described ("node 'c2' (Conv, opset 13)")
  OutputComparison result;
};

struct PerLayerResult {
  bool ok = false;
  std::vector<OutputComparison> outputs;  ///< the model's own outputs
  /// Every reference intermediate aotc still computes, in the model's node order.
  std::vector<LayerComparison> layers;
  /// The first layer (index into `layers`) beyond tolerance, if any.
  std::optional<size_t> first_divergent;
  /// Reference intermediates the compiled model has no output for (e.g. the
  /// outputs of ONNX Constant nodes, which become constants on import), each
  /// with why: not compared.
  std::vector<std::pair<std::string, std::string>> not_computed;
};

/// verify --per-layer: `data` is test data for the model `aotc expose` makes
/// of `model_path` (its outputs, then every intermediate). Compiles the model
/// with every intermediate as an extra output (CompileOptions::expose_values),
/// runs it and compares each; finds the first node whose output diverges.
PerLayerResult verify_per_layer(const std::string &model_path, const CompileOptions &options,
                                std::vector<TestData> data, const VerifyOptions &verify_options);

}  // namespace aotc
