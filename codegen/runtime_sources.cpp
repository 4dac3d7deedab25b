// The runtime-c sources embedded into the aotc binary at build time
// (cmake/kernels.cmake), so that aotc can write self-contained output.
#include <map>

#include "codegen/emit_c.h"
#include "ir/error.h"

namespace aotc {

namespace {

const std::map<std::string, std::string> &sources() {
  static const std::map<std::string, std::string> files = {
#include "kernel_sources.inc"
  };
  return files;
}

}  // namespace

const std::string &runtime_source(const std::string &file) {
  auto it = sources().find(file);
  if (it == sources().end()) fail("internal error: no embedded runtime source " + file);
  return it->second;
}

std::vector<std::string> runtime_kernel_headers() {
  std::vector<std::string> names;
  for (const auto &[name, text] : sources())
    if (name != "aotc.h" && name.size() > 2 && name.compare(name.size() - 2, 2, ".h") == 0) names.push_back(name);
  return names;
}

std::vector<std::string> runtime_kernel_files() {
  std::vector<std::string> stems;
  for (const auto &[name, text] : sources())
    if (name.find('.') == std::string::npos) stems.push_back(name);  // "aotc.h" and the like are not kernel files
  return stems;
}

}  // namespace aotc
