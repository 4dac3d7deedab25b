// The runtime-c sources embedded into the aotc binary at build time
// (cmake/kernels.cmake), so that aotc can write self-contained output.
#include <map>

#include "codegen/emit_c.h"
#include "ir/error.h"

namespace aotc {

const std::string &runtime_source(const std::string &file) {
  static const std::map<std::string, std::string> sources = {
#include "kernel_sources.inc"
  };
  auto it = sources.find(file);
  if (it == sources.end()) fail("internal error: no embedded runtime source " + file);
  return it->second;
}

}  // namespace aotc
