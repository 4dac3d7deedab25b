// fuzz_import: the ONNX importer (aotc::import_onnx_bytes) on raw bytes.
//
// An aotc::Error is the expected outcome for bad input. Anything else is a
// finding: a crash, an exception of another type escaping (std::terminate
// aborts), a sanitizer report, a leak, a timeout or running out of memory.
#include <onnx/onnx_pb.h>

#include <string>

#include "compiler/onnx_import.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  {
    onnx::ModelProto model;
    if (aotc_fuzz::parse_model(data, size, model) && !aotc_fuzz::within_limits(model)) return -1;
  }
  std::string bytes(reinterpret_cast<const char *>(data), size);
  try {
    aotc::ImportOptions options;
    std::unique_ptr<aotc::Graph> graph = aotc::import_onnx_bytes(bytes, aotc_fuzz::model_path(), options);
  } catch (const aotc::Error &) {
  }
  return 0;
}
