// Errors that reach the user. A compile step that finds bad input throws an
// aotc::Error; the CLI catches it and prints one message with a non-zero exit.
// The message names the culprit: file, node name, op and opset, where known.
#pragma once
#include <stdexcept>
#include <string>

namespace aotc {

class Error : public std::runtime_error {
 public:
  explicit Error(std::string message) : std::runtime_error(std::move(message)) {}
};

/// Throws an aotc::Error built from fmt-style arguments.
[[noreturn]] void fail(const std::string &message);

}  // namespace aotc
