// The runtime-c kernels, compiled into the compiler itself. Used to evaluate
// nodes at compile time (constant folding) with exactly the code that the
// generated C runs, and to check that a kernel exists before emitting a call.
#pragma once
#include <string>
#include <vector>

#include "ops/kernel_call.h"

namespace aotc {

/// One argument as the kernel receives it.
union KernelArgValue {
  void *ptr;
  int64_t i;
  double f;
};

/// One parameter of a kernel's C signature, as much as a call must match.
struct KernelParam {
  enum class Kind { Pointer, Int, Float };
  Kind kind = Kind::Int;
  bool to_const = false;       ///< Pointer: `const T *`
  std::string pointee;         ///< Pointer: the C type pointed to ("float", "int32_t", "void", ...)
  std::string text() const;    ///< "const float *", "int32_t", "float"
};

struct KernelInfo {
  const char *name;
  const char *file;  ///< runtime-c/kernels/<file>.c
  void (*invoke)(const std::vector<KernelArgValue> &args);
  std::vector<KernelParam> params;  ///< read from the kernel's C signature when aotc is built
};

/// The kernels of one runtime-c/kernels file (a generated translation unit).
struct KernelTable {
  const KernelInfo *kernels;
  size_t count;
};

/// Returns the kernel called `name`, or nullptr.
const KernelInfo *find_kernel(const std::string &name);

/// The names of every kernel in the library, sorted.
std::vector<std::string> kernel_names();

/// Checks a call against its kernel's C signature: the kernel exists, the
/// argument count, and each argument's kind (tensor read through a const
/// pointer of the tensor's C type, tensor written through a non-const one,
/// scratch, NULL, int, float, int32/float arrays). A mismatch is an internal
/// error naming `where`, so a lowering bug never becomes C that does not compile.
void check_kernel_call(const KernelCall &call, const std::string &where);

/// Runs a node's lowered steps on constant inputs and returns one tensor per
/// node output (nullptr-output slots get an empty tensor). Used by constant folding.
std::vector<Tensor> evaluate_node(Node &node, const std::vector<LoweredStep> &steps);

}  // namespace aotc
