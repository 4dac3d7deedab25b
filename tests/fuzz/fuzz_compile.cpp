// fuzz_compile: the whole compile pipeline, as compiler/driver.cpp
// compile_model runs it (import -> graph passes -> lowering and memory plan ->
// C emission), in memory: no files are written and no C compiler runs. The
// target (--target) is chosen by a hash of the input.
// Inputs are ONNX models; mutator.cpp mutates them structurally (the fuzz
// build only; the replay build runs this file without it).
//
// An aotc::Error is the expected outcome for bad input. Anything else is a
// finding: a crash, an exception of another type escaping (std::terminate
// aborts), a sanitizer report, a leak, a timeout or running out of memory.
#include <onnx/onnx_pb.h>

#include <string>

#include "codegen/emit_c.h"
#include "compiler/onnx_import.h"
#include "fuzz_common.h"
#include "ir/target.h"
#include "passes/pipeline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  {
    onnx::ModelProto model;
    if (!aotc_fuzz::parse_model(data, size, model) || !model.has_graph()) return -1;
    if (!aotc_fuzz::within_limits(model)) return -1;
  }
  std::string bytes(reinterpret_cast<const char *>(data), size);
  try {
    aotc::ImportOptions options;
    std::unique_ptr<aotc::Graph> graph = aotc::import_onnx_bytes(bytes, aotc_fuzz::model_path(), options);
    // Targets choose different kernels and layouts: pick one from the input's bytes.
    const std::vector<aotc::Target> &targets = aotc::all_targets();
    uint32_t h = 2166136261u;  // FNV-1a of the input
    for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 16777619u;
    const aotc::Target &target = targets[h % targets.size()];
    aotc::run_graph_pipeline(*graph, target);
    aotc::Program program = aotc::lower_and_plan(*graph, 16, target);
    aotc::EmitOptions emit;
    emit.name = "model";
    emit.source_file = "model.onnx";
    std::map<std::string, std::string> files = aotc::emit_c(program, emit);
  } catch (const aotc::Error &) {
  }
  return 0;
}
