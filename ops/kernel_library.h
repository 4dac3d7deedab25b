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

struct KernelInfo {
  const char *name;
  const char *file;  ///< runtime-c/kernels/<file>.c
  void (*invoke)(const std::vector<KernelArgValue> &args);
  size_t arity;
};

/// Returns the kernel called `name`, or nullptr.
const KernelInfo *find_kernel(const std::string &name);

/// Runs a node's lowered steps on constant inputs and returns one tensor per
/// node output (nullptr-output slots get an empty tensor). Used by constant folding.
std::vector<Tensor> evaluate_node(Node &node, const std::vector<LoweredStep> &steps);

}  // namespace aotc
