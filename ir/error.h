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

/// An error because a value must be known at compile time but is a runtime
/// input or depends on one (e.g. Reshape's shape). Carries the value's name so
/// tools can offer to freeze it (aotc --const-input NAME=...).
class NeedsConstantError : public Error {
 public:
  NeedsConstantError(std::string message, std::string value_name)
      : Error(std::move(message)), value_name_(std::move(value_name)) {}
  const std::string &value_name() const { return value_name_; }

 private:
  std::string value_name_;
};

/// Throws an aotc::Error built from fmt-style arguments.
[[noreturn]] void fail(const std::string &message);

}  // namespace aotc
