// Shared by the fuzz harnesses (fuzz_import.cpp, fuzz_compile.cpp) and their
// replay driver (replay_main.cpp). See CMakeLists.txt in this folder.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace onnx {
class ModelProto;
}

namespace aotc_fuzz {

/// "<empty temporary directory>/model.onnx": the path handed to the importer.
/// It names the model in messages and is where external data would be looked
/// up; the directory stays empty, so the fuzzer never reads files of its own.
/// Created on first use, removed at exit.
const std::string &model_path();

/// Cheap pre-check that keeps the fuzzer fast: false if `model` declares a
/// tensor (initializer, Constant or tensor attribute, graph input) with more
/// than kMaxTensorElements elements or kMaxRank dimensions, or more than
/// kMaxTotalElements in all. The importer is to reject huge tensors itself
/// (issue 5); until then the harness skips them. AOTC_FUZZ_NO_PRECHECK=1 in
/// the environment turns the check off.
constexpr int64_t kMaxTensorElements = int64_t(1) << 22;
constexpr int64_t kMaxTotalElements = int64_t(1) << 24;
constexpr int kMaxRank = 64;
bool within_limits(const onnx::ModelProto &model);

/// Parses `data` as a ModelProto; returns false if it does not parse.
bool parse_model(const uint8_t *data, size_t size, onnx::ModelProto &model);

}  // namespace aotc_fuzz
