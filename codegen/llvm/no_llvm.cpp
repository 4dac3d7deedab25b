// The LLVM backend's interface in an aotc built without LLVM
// (cmake -DAOTC_WITH_LLVM=OFF, or LLVM and Clang 14 not found).
#include "codegen/llvm/llvm_backend.h"
#include "ir/error.h"

namespace aotc {

namespace {
[[noreturn]] void unavailable() {
  fail("this aotc was built without the LLVM backend (install llvm-14-dev, libclang-cpp14-dev, libclang-14-dev and clang-14, "
       "then rebuild with -DAOTC_WITH_LLVM=ON); use --backend c");
}
}  // namespace

bool llvm_backend_available() { return false; }

std::string llvm_compile_object(const LlvmInput &, const Target &, const LlvmTargetOptions &, LlvmObjectInfo *) {
  unavailable();
}

std::unique_ptr<JitModel> JitModel::create(const LlvmInput &, const Target &) { unavailable(); }

}  // namespace aotc
