// The LLVM backend: the generated C compiled in-process by Clang and LLVM (the
// libraries, not an external compiler) to an object file for any target
// triple, or run in-process (JIT) for `aotc verify --jit` and `aotc run`.
//
// It compiles the same C the C backend writes, with one difference: NAME.c
// only declares the weights (WeightsFormat::Extern), and this backend defines
// them as constant globals straight from the Program. The kernels, the kernel
// calls with their constant arguments, the descriptor and both entry points
// are therefore the C backend's, so a firmware cannot tell the two apart: it
// gets the same NAME.h and aotc.h either way. LLVM then specialises each call
// (inlining, constant propagation, unrolling, vectorisation) for the target's
// exact CPU and features, which are known here rather than guessed by macros.
//
// Only this folder sees LLVM's and Clang's headers; aotc built without them
// (cmake -DAOTC_WITH_LLVM=OFF) keeps this interface, whose functions then fail.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace aotc {

struct Target;

/// --triple, --cpu, --features: overrides of what --target implies.
struct LlvmTargetOptions {
  std::string triple;    ///< e.g. "thumbv7em-none-eabihf"; empty: the target's (host: this machine's)
  std::string cpu;       ///< e.g. "cortex-m4", "skylake", "native"; empty: the target's
  std::string features;  ///< LLVM feature list, e.g. "+avx2,+fma"; empty: the CPU's
  /// --define: macros NAME.c is compiled with, as -D would give a C compiler
  /// (e.g. "AOTC_STATIC_ARENA": NAME_model offers NAME_run's arena to sessions).
  std::vector<std::string> defines;
  /// --opt-level: LLVM's -O level, 3 (the default: fastest), 2, 1, 0, s or z
  /// (smallest; on Cortex-M 3 gives the fewest instructions, s a third of its code).
  std::string opt_level = "3";
};

/// True if this aotc was built with the LLVM backend.
bool llvm_backend_available();

/// The C sources of one model, as emit_c wrote them with WeightsFormat::Extern,
/// plus the weights it declared (symbol -> bytes, little-endian).
struct LlvmInput {
  std::string name;                              ///< --name: NAME.c is the file compiled
  std::map<std::string, std::string> files;      ///< NAME.c, NAME.h, aotc.h
  std::vector<std::pair<std::string, std::string>> weights;  ///< symbol, bytes
  std::string weights_section;                   ///< --weights-section (empty: the default)
};

/// What an object was built for, for messages.
struct LlvmObjectInfo {
  std::string triple, cpu, features;
};

/// Compiles to an ELF (or the triple's) relocatable object: NAME.o's bytes.
std::string llvm_compile_object(const LlvmInput &input, const Target &target, const LlvmTargetOptions &options,
                                LlvmObjectInfo *info = nullptr);

/// A model compiled for this machine and loaded into this process.
class JitModel {
 public:
  static std::unique_ptr<JitModel> create(const LlvmInput &input, const Target &target);
  virtual ~JitModel() = default;
  /// One run through the standard C API (aotc.h): `inputs` in graph input
  /// order, each exactly its byte size; returns the outputs' bytes in order.
  virtual std::vector<std::string> run(const std::vector<std::string> &inputs) = 0;
};

}  // namespace aotc
