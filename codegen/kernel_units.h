// Picks, from the embedded runtime-c sources, just the code a set of kernels
// needs: the kernel definitions and the helpers, macros and types they use,
// with the preprocessor conditions around them intact.
#pragma once
#include <set>
#include <string>

namespace aotc {

/// The C text (kernel_common.h first, then the kernel files in name order,
/// each in source order) that defines exactly `kernels` and what they use.
/// Fails on a kernel that no unit of the sources defines.
std::string kernel_sources_for(const std::set<std::string> &kernels);

/// The library kernels that `kernel_sources_for(kernels)` defines: a test
/// hook to check that no unit drags in kernels nobody asked for.
std::set<std::string> kernels_defined_for(const std::set<std::string> &kernels);

}  // namespace aotc
