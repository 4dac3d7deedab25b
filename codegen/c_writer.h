// A small writer for C source text: fmt-style formatting, indentation handled
// in one place. Codegen writes calls and data with it, never loops.
#pragma once
#include <fmt/format.h>

#include <string>

namespace aotc {

class CWriter {
 public:
  /// Writes one line at the current indentation.
  template <typename... Args>
  void line(fmt::format_string<Args...> format, Args &&...args) {
    text_.append(static_cast<size_t>(indent_) * 2, ' ');
    text_ += fmt::format(format, std::forward<Args>(args)...);
    text_ += '\n';
  }
  void blank() { text_ += '\n'; }
  /// Appends text verbatim (e.g. a pasted kernel file).
  void raw(const std::string &text) { text_ += text; }
  /// The text so far, to append bulk data to without a copy (weights).
  std::string &buffer() { return text_; }
  void indent() { ++indent_; }
  void dedent() { --indent_; }
  const std::string &str() const { return text_; }

 private:
  std::string text_;
  int indent_ = 0;
};

}  // namespace aotc
