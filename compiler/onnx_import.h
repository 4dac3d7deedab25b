// The ONNX importer: reads a ModelProto file into aotc's IR. The only part of
// aotc that includes protobuf or ONNX headers.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "ir/graph.h"

namespace aotc {

struct ImportOptions {
  /// Overrides for input shapes, by input name (resolves symbolic/missing dims).
  std::map<std::string, Shape> input_shapes;
  /// Graph inputs to treat as constants with these values (e.g. a Reshape
  /// target shape fed as an input): --const-input NAME=FILE.
  std::map<std::string, Tensor> constant_inputs;
  /// Compile models that import an opset newer than aotc knows, as the newest
  /// version it knows (--allow-newer-opset), instead of refusing them.
  bool allow_newer_opset = false;
  /// Receives warnings (e.g. about a newer opset); none are reported if empty.
  std::function<void(const std::string &)> warn;
};

/// Reads `path` into a Graph. Initializers and Constant nodes become constants;
/// the remaining graph inputs are runtime inputs with fully known shapes.
/// Throws aotc::Error with a message naming the file (and node) on bad input;
/// every unsupported op in the model is listed in one error.
std::unique_ptr<Graph> import_onnx(const std::string &path, const ImportOptions &options);

/// As import_onnx, on the serialized model `bytes`; `path` names the model in
/// messages, and external data is looked up in its directory.
std::unique_ptr<Graph> import_onnx_bytes(const std::string &bytes, const std::string &path,
                                         const ImportOptions &options);

/// Reads one serialized TensorProto (as in ONNX test_data_set_N/input_K.pb).
/// `name` receives the tensor's name.
Tensor load_tensor_proto(const std::string &path, std::string *name);

/// Reads a .npy file (little-endian, C order).
Tensor load_npy(const std::string &path);

/// The bytes of a .npy file (format 1.0) holding `t`; fails for element types .npy has no code for.
std::string npy_file_bytes(const Tensor &t);

/// Model-level facts for `aotc info`.
struct ModelInfo {
  std::string producer;
  int64_t ir_version = 0;
  std::map<std::string, int64_t> opsets;
  std::map<std::string, int> op_histogram;  ///< "Conv" -> count (domain-qualified if not ai.onnx)
  /// "name: f32[1,3,224,224]" (symbolic dims by name) for inputs and outputs.
  std::vector<std::string> inputs, outputs;
  std::vector<std::string> unsupported_ops;  ///< op types aotc lacks, sorted
};
ModelInfo read_model_info(const std::string &path);

/// The values `aotc expose` adds as graph outputs: every node output that is
/// not a graph output already, once each, in the model's node order.
std::vector<std::string> intermediate_value_names(const std::string &path);

/// `aotc expose`: writes the model at `path` to `out_path` with every
/// intermediate value (intermediate_value_names) appended as a graph output,
/// typed by ONNX shape inference where it can, so another runtime can produce
/// per-layer reference data. The file appears complete or not at all. Returns
/// the number of outputs added.
size_t expose_intermediates(const std::string &path, const std::string &out_path);

}  // namespace aotc
