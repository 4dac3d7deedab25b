// Splits the embedded runtime-c sources into units and picks the units a set
// of kernels needs.
//
// A unit is one top-level piece of a source: a function or declaration, a
// #define, another directive, or one macro instantiation line. Each unit
// records the #if branches around it (re-emitted around it, so target paths
// stay for the user's C compiler), the identifiers it defines and those it
// uses (including those of its conditions). The code for a set of kernels is
// the closure of "uses" from the units defining them, emitted in source order.
//
// Macro-generated kernels: a unit that is a call of a function-like macro is
// expanded (by the small expander below, which expands only the library's
// function-like macros) to see what it defines. A call that defines several
// kernels (an X-macro list, a per-dtype family) is replaced by its one-level
// expansion, split again, until each unit defines one kernel; so a model gets
// e.g. `AOTC_BINARY(aotc_add_f32, ...)` alone, not the whole family.
// tests/unit/test_kernel_units.cpp checks that every library kernel is found
// this way and comes alone.
#include "codegen/kernel_units.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "codegen/emit_c.h"
#include "ir/error.h"
#include "ops/kernel_library.h"

namespace aotc {

namespace {

bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

// Index just past the identifier characters starting at i.
size_t ident_end(const std::string &text, size_t i) {
  while (i < text.size() && is_ident_char(text[i])) ++i;
  return i;
}

// If text[i] starts a comment or a string/char literal, returns the index
// just past it; otherwise returns i.
// (Called for every character of the sources: character tests, no compare().)
size_t skip_comment_or_literal(const std::string &text, size_t i) {
  if (i >= text.size()) return i;
  char c = text[i];
  if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
    size_t end = text.find("*/", i + 2);
    return end == std::string::npos ? text.size() : end + 2;
  }
  if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
    size_t end = text.find('\n', i);
    return end == std::string::npos ? text.size() : end;
  }
  if (c == '"' || c == '\'') {
    char quote = text[i];
    for (size_t j = i + 1; j < text.size(); ++j) {
      if (text[j] == '\\') ++j;
      else if (text[j] == quote || text[j] == '\n') return j + 1;
    }
    return text.size();
  }
  return i;
}

// The text with comments turned into spaces and line continuations removed:
// what the analysis looks at (literals are kept).
std::string code_only(const std::string &text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    size_t next = skip_comment_or_literal(text, i);
    if (next != i) {
      if (text[i] == '/') out += ' ';
      else out.append(text, i, next - i);
      i = next;
    } else if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\n') {
      out += ' ';
      i += 2;
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::string collapse_spaces(const std::string &text) {
  std::string out;
  for (char c : text) {
    if (is_space(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Identifiers outside literals (pp-numbers such as 1.0f or 0x7Fu are skipped).
std::vector<std::string> identifiers(const std::string &code) {
  std::vector<std::string> out;
  for (size_t i = 0; i < code.size();) {
    size_t next = skip_comment_or_literal(code, i);
    if (next != i) {
      i = next;
    } else if (is_ident_start(code[i])) {
      size_t j = ident_end(code, i);
      out.push_back(code.substr(i, j - i));
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(code[i]))) {
      while (i < code.size() && (is_ident_char(code[i]) || code[i] == '.')) ++i;
    } else {
      ++i;
    }
  }
  return out;
}

size_t skip_spaces(const std::string &text, size_t i) {
  while (i < text.size() && is_space(text[i])) ++i;
  return i;
}

// Index just past the parenthesis group that opens at text[open] ('(').
size_t past_parens(const std::string &code, size_t open) {
  int depth = 0;
  for (size_t i = open; i < code.size();) {
    size_t next = skip_comment_or_literal(code, i);
    if (next != i) {
      i = next;
      continue;
    }
    if (code[i] == '(') ++depth;
    else if (code[i] == ')' && --depth == 0) return i + 1;
    ++i;
  }
  fail("internal error: unbalanced parentheses in the runtime-c sources");
}

// ---- the macro expander --------------------------------------------------

struct FunctionMacro {
  std::vector<std::string> params;  ///< "..." last for a variadic macro
  std::string body;                 ///< code_only, spaces collapsed
};

using MacroTable = std::unordered_map<std::string, FunctionMacro>;

// Splits a call's argument list "(a, f(b, c), d)" at top-level commas.
std::vector<std::string> split_args(const std::string &code, size_t open, size_t close) {
  std::vector<std::string> args;
  std::string cur;
  int depth = 0;
  for (size_t i = open + 1; i + 1 < close;) {
    size_t next = skip_comment_or_literal(code, i);
    if (next != i) {
      cur.append(code, i, next - i);
      i = next;
      continue;
    }
    char c = code[i++];
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    if (c == ',' && depth == 0) {
      args.push_back(collapse_spaces(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  args.push_back(collapse_spaces(cur));
  if (args.size() == 1 && args[0].empty()) args.clear();
  return args;
}

// The body of `m` with `args` substituted: # stringifies, ## pastes. Arguments
// are substituted as written; the rescan expands them.
std::string substitute(const FunctionMacro &m, const std::vector<std::string> &args, const std::string &name) {
  auto arg_of = [&](const std::string &id, std::string &value) {
    for (size_t p = 0; p < m.params.size(); ++p) {
      if (m.params[p] == "..." && id == "__VA_ARGS__") {
        value.clear();
        for (size_t a = p; a < args.size(); ++a) value += (a > p ? ", " : "") + args[a];
        return true;
      }
      if (m.params[p] == id) {
        value = p < args.size() ? args[p] : "";
        return true;
      }
    }
    return false;
  };
  bool variadic = !m.params.empty() && m.params.back() == "...";
  if (variadic ? args.size() + 1 < m.params.size() : args.size() != m.params.size())
    fail("internal error: runtime-c macro " + name + " called with a wrong argument count");
  const std::string &b = m.body;
  std::string out;
  for (size_t i = 0; i < b.size();) {
    size_t next = skip_comment_or_literal(b, i);
    if (next != i) {
      out.append(b, i, next - i);
      i = next;
    } else if (b[i] == '#' && (i + 1 >= b.size() || b[i + 1] != '#')) {
      size_t j = skip_spaces(b, i + 1), k = ident_end(b, j);
      std::string value;
      if (!arg_of(b.substr(j, k - j), value)) fail("internal error: runtime-c macro " + name + ": # without a parameter");
      out += '"';
      for (char c : value) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
      out += '"';
      i = k;
    } else if (b[i] == '#' && i + 1 < b.size() && b[i + 1] == '#') {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      i = skip_spaces(b, i + 2);
    } else if (is_ident_start(b[i])) {
      size_t k = ident_end(b, i);
      std::string id = b.substr(i, k - i), value;
      out += arg_of(id, value) ? value : id;
      i = k;
    } else {
      out += b[i++];
    }
  }
  return out;
}

// Finds the first call of a library function-like macro in code[from..] and
// replaces it by its substituted body. Returns the index where the
// replacement starts, or npos if there is no call.
size_t expand_first(std::string &code, size_t from, const MacroTable &macros, std::set<std::string> *used) {
  for (size_t i = from; i < code.size();) {
    size_t next = skip_comment_or_literal(code, i);
    if (next != i) {
      i = next;
      continue;
    }
    if (!is_ident_start(code[i]) || (i > 0 && is_ident_char(code[i - 1]))) {
      ++i;
      continue;
    }
    size_t k = ident_end(code, i);
    std::string id = code.substr(i, k - i);
    size_t open = skip_spaces(code, k);
    auto it = macros.find(id);
    if (it == macros.end() || open >= code.size() || code[open] != '(') {
      i = k;
      continue;
    }
    size_t close = past_parens(code, open);
    if (used) used->insert(id);
    code.replace(i, close - i, " " + substitute(it->second, split_args(code, open, close), id) + " ");
    return i;
  }
  return std::string::npos;
}

std::string expand_all(std::string code, const MacroTable &macros, std::set<std::string> &used) {
  size_t pos = 0;
  for (int steps = 0; (pos = expand_first(code, pos, macros, &used)) != std::string::npos; ++steps)
    if (steps > 100000) fail("internal error: runtime-c macros expand without end");
  return code;
}

// ---- what a piece of code defines ----------------------------------------

bool is_keyword(const std::string &id) {
  static const std::set<std::string> keywords = {
      "auto",   "break",  "case",    "char",   "const",    "continue", "default",  "do",     "double",
      "else",   "enum",   "extern",  "float",  "for",      "goto",     "if",       "inline", "int",
      "long",   "register", "restrict", "return", "short", "signed",   "sizeof",   "static", "struct",
      "switch", "typedef", "union",  "unsigned", "void",   "volatile", "while"};
  return keywords.count(id) > 0;
}

// Index of the first character after any __attribute__((...))-like groups at `i`.
size_t past_attributes(const std::string &code, size_t i) {
  while (i < code.size() && code.compare(i, 2, "__") == 0) {
    size_t k = ident_end(code, i);
    k = skip_spaces(code, k);
    if (k >= code.size() || code[k] != '(') break;
    i = skip_spaces(code, past_parens(code, k));
  }
  return i;
}

// Top-level names a declaration or definition introduces: functions,
// variables, typedef names, struct tags. Attribute-like groups (__x(...)) are skipped.
std::set<std::string> declared_names(const std::string &code) {
  std::set<std::string> names;
  int depth = 0;
  for (size_t i = 0; i < code.size();) {
    size_t next = skip_comment_or_literal(code, i);
    if (next != i) {
      i = next;
      continue;
    }
    char c = code[i];
    if (c == '(' && depth == 0) {
      // A pointer declarator, `(*name)(...)`: a function-pointer typedef or variable.
      size_t star = skip_spaces(code, i + 1);
      if (star < code.size() && code[star] == '*') {
        size_t n = skip_spaces(code, star + 1), e = ident_end(code, n);
        if (e > n && skip_spaces(code, e) < code.size() && code[skip_spaces(code, e)] == ')')
          names.insert(code.substr(n, e - n));
      }
    }
    if (c == '(' || c == '[' || c == '{') {
      ++depth, ++i;
      continue;
    }
    if (c == ')' || c == ']' || c == '}') {
      --depth, ++i;
      continue;
    }
    if (!is_ident_start(c) || (i > 0 && is_ident_char(code[i - 1]))) {
      ++i;
      continue;
    }
    size_t k = ident_end(code, i);
    std::string id = code.substr(i, k - i);
    size_t after = skip_spaces(code, k);
    if (depth != 0 || is_keyword(id) || after >= code.size()) {
      i = k;
      continue;
    }
    if (id.compare(0, 2, "__") == 0) {  // __attribute__((...)) and the like
      i = after < code.size() && code[after] == '(' ? past_parens(code, after) : k;
      continue;
    }
    if (code[after] == '(') {
      // A function if its parameter list is followed by a body or a ';'.
      size_t end = past_attributes(code, skip_spaces(code, past_parens(code, after)));
      if (end < code.size() && (code[end] == '{' || code[end] == ';' || code[end] == ',')) names.insert(id);
      i = k;
      continue;
    }
    // A variable, a typedef name (`typedef float v4 __attribute__((...));`) or a struct tag.
    size_t end = past_attributes(code, after);
    char follow = end < code.size() ? code[end] : ';';
    if (follow == '[' || follow == '=' || follow == ';' || follow == ',' || (follow == '{' && end == after))
      names.insert(id);
    i = k;
  }
  return names;
}

// ---- units ----------------------------------------------------------------

struct Branch {
  size_t group;   ///< index into its SourceFile::groups
  size_t branch;  ///< 0 for the #if line, then one per #elif / #else
  bool operator==(const Branch &o) const { return group == o.group && branch == o.branch; }
};

struct Unit {
  std::string text;  ///< as pasted, ending in a newline
  std::vector<Branch> conditions;
  std::set<std::string> defines, uses;
  bool always = false;  ///< defines nothing by name (#undef, a common header's #include <...>): always pasted
  /// An #include <...> in a kernel file: pasted with the file's other units
  /// (immintrin.h alone is most of the parse time of a small model's C).
  bool with_file = false;
};

using Groups = std::vector<std::vector<std::string>>;  ///< each #if group's directive lines: #if, #elif..., #else

struct SourceFile {
  std::string name;
  Groups groups;
  std::vector<Unit> units;
};

class SourceSplitter {
 public:
  // Splits `text` with the function-like macros in `macros`, recording its #if groups in `groups`.
  SourceSplitter(MacroTable &macros, Groups &groups, const std::string &text, bool is_common_header)
      : macros_(macros), groups_(groups), text_(text), is_common_header_(is_common_header) {}

  // Records the function-like macros only (a first pass, so that calls of
  // macros defined in kernel_common.h or later in the file are recognised).
  void collect_macros() {
    for_each_directive([&](const std::string &directive) {
      std::string code = code_only(directive);
      size_t i = skip_spaces(code, code.find('#') + 1);
      if (code.compare(i, 6, "define") != 0) return;
      i = skip_spaces(code, i + 6);
      size_t k = ident_end(code, i);
      if (k >= code.size() || code[k] != '(') return;
      size_t close = code.find(')', k);
      FunctionMacro m;
      for (const std::string &p : split_args(code, k, close + 1)) m.params.push_back(p);
      m.body = collapse_spaces(code.substr(close + 1));
      macros_.emplace(code.substr(i, k - i), m);
    });
  }

  std::vector<Unit> split() {
    pos_ = 0;
    while (true) {
      size_t start = pos_;
      skip_blank_and_comments();
      pending_.append(text_, start, pos_ - start);
      if (pos_ >= text_.size()) break;
      if (text_[pos_] == '#') directive(take_directive());
      else code_unit();
    }
    if (!open_.empty()) fail("internal error: unterminated #if in the runtime-c sources");
    return std::move(units_);
  }

 private:
  template <typename F>
  void for_each_directive(F f) {
    pos_ = 0;
    while (pos_ < text_.size()) {
      skip_blank_and_comments();
      if (pos_ >= text_.size()) break;
      if (text_[pos_] == '#') f(take_directive());
      else skip_line_code();
    }
  }

  void skip_blank_and_comments() {
    while (pos_ < text_.size()) {
      size_t next = skip_comment_or_literal(text_, pos_);
      if (next != pos_ && text_[pos_] == '/') pos_ = next;
      else if (is_space(text_[pos_])) ++pos_;
      else break;
    }
  }

  // The directive at pos_ (with its continuation lines), without the newline.
  std::string take_directive() {
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != '\n') {
      size_t next = skip_comment_or_literal(text_, pos_);
      if (next != pos_ && text_[pos_] == '/') pos_ = next;
      else if (text_[pos_] == '\\' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') pos_ += 2;
      else ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  void skip_line_code() {
    while (pos_ < text_.size() && text_[pos_] != '\n') {
      size_t next = skip_comment_or_literal(text_, pos_);
      pos_ = next != pos_ ? next : pos_ + 1;
    }
  }

  void directive(const std::string &line) {
    std::string code = code_only(line);
    size_t i = skip_spaces(code, code.find('#') + 1), k = ident_end(code, i);
    std::string kind = code.substr(i, k - i);
    if (kind == "if" || kind == "ifdef" || kind == "ifndef") {
      groups_.push_back({line});
      open_.push_back({groups_.size() - 1, 0});
    } else if (kind == "elif" || kind == "else") {
      if (open_.empty()) fail("internal error: #" + kind + " without #if in the runtime-c sources");
      groups_[open_.back().group].push_back(line);
      ++open_.back().branch;
    } else if (kind == "endif") {
      if (open_.empty()) fail("internal error: #endif without #if in the runtime-c sources");
      open_.pop_back();
    } else if (kind == "include" && code.find('"') != std::string::npos) {
      // kernel_common.h and the other library files: pasted as units themselves.
    } else {
      Unit u = new_unit(with_pending(line + "\n"));
      if (kind == "define") {
        size_t n = skip_spaces(code, k), e = ident_end(code, n);
        u.defines.insert(code.substr(n, e - n));
        for (const std::string &id : identifiers(code.substr(e))) u.uses.insert(id);
      } else if (kind == "include" && !is_common_header_) {
        u.with_file = true;
      } else {
        u.always = true;
      }
      add(std::move(u));
    }
  }

  // A declaration or definition, or a macro call, starting at pos_.
  void code_unit() {
    size_t start = pos_;
    pos_ = code_end(text_, pos_, macros_);
    std::string code = text_.substr(start, pos_ - start);
    add_code(code, with_pending(code + "\n"), 0);
  }

  // Adds the code (a unit's text without leading comments) as one unit, or,
  // if it is a macro call that defines several kernels, as the units of its
  // one-level expansion.
  void add_code(const std::string &original, const std::string &display, int depth) {
    std::string code = code_only(original);
    Unit u = new_unit(display);
    bool call = is_macro_call(code, macros_);
    std::string expanded = code;
    if (call) expanded = expand_all(code, macros_, u.uses);
    u.defines = declared_names(expanded);
    if (call) {
      // The rescan also expands a defined name that is a fallback macro
      // elsewhere (`#define f(...) ((void)0)` under another #if), so the
      // names of the one-level expansion count too.
      std::string one_level = code;
      expand_first(one_level, 0, macros_, nullptr);
      for (const std::string &name : declared_names(one_level)) u.defines.insert(name);
    }
    for (const std::string &id : identifiers(code)) u.uses.insert(id);
    for (const std::string &id : identifiers(expanded)) u.uses.insert(id);
    size_t kernels = 0;
    for (const std::string &name : u.defines) kernels += find_kernel(name) != nullptr;
    if (call && kernels > 1 && depth < 16) {
      std::string one_level = code;
      expand_first(one_level, 0, macros_, nullptr);
      one_level = collapse_spaces(one_level);
      for (size_t i = skip_spaces(one_level, 0); i < one_level.size(); i = skip_spaces(one_level, i)) {
        size_t end = code_end(one_level, i, macros_);
        std::string piece = one_level.substr(i, end - i);
        add_code(piece, piece + "\n", depth + 1);
        i = end;
      }
      return;
    }
    add(std::move(u));
  }

  static bool is_macro_call(const std::string &code, const MacroTable &macros) {
    size_t i = skip_spaces(code, 0), k = ident_end(code, i);
    size_t open = skip_spaces(code, k);
    return macros.count(code.substr(i, k - i)) && open < code.size() && code[open] == '(';
  }

  // Where the top-level piece of code starting at `start` ends: after a
  // macro call's ')' (and an optional ';'), a function body's '}', or a ';'.
  static size_t code_end(const std::string &text, size_t start, const MacroTable &macros) {
    size_t line_end = text.find('\n', start);
    bool call = is_macro_call(text.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start),
                              macros);
    int depth = 0;
    bool saw_assign = false;
    bool aggregate = false;  // typedef/struct/union/enum: the braces are a type, a ';' follows
    {
      size_t k = ident_end(text, start);
      std::string first = text.substr(start, k - start);
      aggregate = first == "typedef" || first == "struct" || first == "union" || first == "enum";
    }
    bool in_body = false;
    for (size_t i = start; i < text.size();) {
      size_t next = skip_comment_or_literal(text, i);
      if (next != i) {
        i = next;
        continue;
      }
      char c = text[i];
      if (c == '#' && at_start_of_line(text, i) && depth == 0)
        fail("internal error: a directive inside a top-level declaration of the runtime-c sources");
      if (c == '(' || c == '[' || c == '{') {
        if (c == '{' && depth == 0) in_body = !aggregate && !saw_assign;
        ++depth;
      } else if (c == ')' || c == ']' || c == '}') {
        if (--depth == 0) {
          if (call && c == ')') {
            size_t j = i + 1;
            while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
            return j < text.size() && text[j] == ';' ? j + 1 : i + 1;
          }
          if (c == '}' && in_body) return i + 1;
        }
      } else if (depth == 0 && c == '=') {
        saw_assign = true;
      } else if (depth == 0 && c == ';') {
        return i + 1;
      }
      ++i;
    }
    fail("internal error: unterminated declaration in the runtime-c sources");
  }

  static bool at_start_of_line(const std::string &text, size_t i) {
    while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t')) --i;
    return i == 0 || text[i - 1] == '\n';
  }

  // `text` preceded by the pending comments (which are then taken).
  std::string with_pending(const std::string &text) {
    size_t first = pending_.find_first_not_of(" \t\r\n");
    std::string comment = first == std::string::npos ? "" : pending_.substr(first);
    while (!comment.empty() && is_space(comment.back())) comment.pop_back();
    // A blank line before commented or multi-line units; one-line ones stay together.
    bool spaced = !comment.empty() || text.find('\n') + 1 < text.size();
    pending_.clear();
    return (spaced ? "\n" : "") + (comment.empty() ? "" : comment + "\n") + text;
  }

  // A unit under the current #if branches.
  Unit new_unit(const std::string &text) {
    Unit u;
    u.text = text;
    u.conditions = open_;
    for (const Branch &b : open_)
      for (size_t k = 0; k <= b.branch; ++k)
        for (const std::string &id : identifiers(code_only(groups_[b.group][k]))) u.uses.insert(id);
    return u;
  }

  void add(Unit u) {
    if (u.defines.empty() && !u.with_file) u.always = true;
    units_.push_back(std::move(u));
  }

  MacroTable &macros_;
  Groups &groups_;
  const std::string &text_;
  bool is_common_header_;
  size_t pos_ = 0;
  std::string pending_;  ///< comments and blank lines before the next unit
  std::vector<Branch> open_;
  std::vector<Unit> units_;
};

// The runtime-c sources split into units: the headers once, each kernel file
// when one of its kernels is first asked for. A small model calls the kernels
// of one or two of the 31 files, and splitting them all was most of aotc's
// time on it (about 1 s of a process in the sanitized build). A kernel file
// uses the headers' definitions and macros, never another kernel file's: each
// is also compiled alone into aotc (cmake/kernels.cmake), which checks that.
class Library {
 public:
  static Library &instance() {
    static Library lib;
    return lib;
  }

  /// The headers, then the kernel files that define `kernels`, in name order.
  std::vector<const SourceFile *> files_for(const std::set<std::string> &kernels) {
    std::set<std::string> stems;
    for (const std::string &k : kernels) {
      const KernelInfo *info = find_kernel(k);
      if (!info) fail("internal error: kernel " + k + " is not defined by any unit of the runtime-c sources");
      stems.insert(info->file);
    }
    std::vector<const SourceFile *> files;
    for (const SourceFile &h : headers_) files.push_back(&h);
    std::lock_guard<std::mutex> lock(mutex_);  // (conformance runs compile side by side)
    for (const std::string &stem : runtime_kernel_files())
      if (stems.count(stem)) files.push_back(&kernel_file(stem));
    return files;
  }

 private:
  Library() {
    // The common headers before the others.
    std::vector<std::string> names = {"kernel_params.h", "kernel_common.h"};
    for (const std::string &h : runtime_kernel_headers())
      if (std::find(names.begin(), names.end(), h) == names.end()) names.push_back(h);
    auto common = [](const std::string &n) { return n == "kernel_params.h" || n == "kernel_common.h"; };
    Groups unused;
    for (const std::string &n : names) SourceSplitter(header_macros_, unused, runtime_source(n), common(n)).collect_macros();
    for (const std::string &n : names) {
      SourceFile file{n, {}, {}};
      file.units = SourceSplitter(header_macros_, file.groups, runtime_source(n), common(n)).split();
      headers_.push_back(std::move(file));
    }
  }

  const SourceFile &kernel_file(const std::string &stem) {
    std::unique_ptr<SourceFile> &file = kernel_files_[stem];
    if (!file) {
      MacroTable macros = header_macros_;
      Groups unused;
      SourceSplitter(macros, unused, runtime_source(stem), false).collect_macros();
      file = std::make_unique<SourceFile>(SourceFile{stem, {}, {}});
      file->units = SourceSplitter(macros, file->groups, runtime_source(stem), false).split();
    }
    return *file;
  }

  MacroTable header_macros_;
  std::vector<SourceFile> headers_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<SourceFile>> kernel_files_;
};

// The units (index into `files`, unit index) that `kernels` need, by closure over uses.
std::set<std::pair<size_t, size_t>> needed_units(const std::vector<const SourceFile *> &files,
                                                 const std::set<std::string> &kernels) {
  std::map<std::string, std::vector<std::pair<size_t, size_t>>> definers;
  for (size_t f = 0; f < files.size(); ++f)
    for (size_t u = 0; u < files[f]->units.size(); ++u)
      for (const std::string &name : files[f]->units[u].defines) definers[name].push_back({f, u});
  std::set<std::pair<size_t, size_t>> needed;
  std::vector<std::string> work;
  auto take = [&](size_t f, size_t u) {
    if (!needed.insert({f, u}).second) return;
    for (const std::string &id : files[f]->units[u].uses) work.push_back(id);
  };
  for (const std::string &k : kernels) {
    if (!definers.count(k)) fail("internal error: kernel " + k + " is not defined by any unit of the runtime-c sources");
    work.push_back(k);
  }
  for (size_t f = 0; f < files.size(); ++f)
    for (size_t u = 0; u < files[f]->units.size(); ++u)
      if (files[f]->units[u].always) take(f, u);
  for (bool more = true; more;) {
    while (!work.empty()) {
      std::string id = work.back();
      work.pop_back();
      auto it = definers.find(id);
      if (it != definers.end())
        for (auto [f, u] : it->second) take(f, u);
    }
    // A file's own #include <...> lines come with any unit of it that defines something.
    for (size_t f = 0; f < files.size(); ++f) {
      const std::vector<Unit> &units = files[f]->units;
      bool used = false;
      for (size_t u = 0; u < units.size() && !used; ++u) used = needed.count({f, u}) && !units[u].always;
      for (size_t u = 0; u < units.size() && used; ++u)
        if (units[u].with_file) take(f, u);
    }
    more = !work.empty();
  }
  return needed;
}

}  // namespace

std::string kernel_sources_for(const std::set<std::string> &kernels) {
  std::vector<const SourceFile *> files = Library::instance().files_for(kernels);
  std::set<std::pair<size_t, size_t>> needed = needed_units(files, kernels);
  std::string out;
  for (size_t f = 0; f < files.size(); ++f) {
    const SourceFile &file = *files[f];
    std::vector<Branch> open;  // the #if branches open in `out`
    bool any = false;
    for (size_t u = 0; u < file.units.size(); ++u) {
      if (!needed.count({f, u})) continue;
      const Unit &unit = file.units[u];
      if (!any) out += "\n/* ---- runtime-c/kernels/" + file.name + " ---- */\n";
      any = true;
      // Keep the open branches the unit shares; move within a group to a
      // later branch through the #elif/#else lines in between; open the rest.
      size_t same = 0;
      while (same < open.size() && same < unit.conditions.size() && open[same] == unit.conditions[same]) ++same;
      while (open.size() > same + 1) {
        out += "#endif\n";
        open.pop_back();
      }
      if (open.size() == same + 1) {
        const Branch &want = same < unit.conditions.size() ? unit.conditions[same] : Branch{SIZE_MAX, 0};
        if (open.back().group == want.group && open.back().branch < want.branch) {
          for (size_t k = open.back().branch + 1; k <= want.branch; ++k) out += file.groups[want.group][k] + "\n";
          open.back() = want;
          ++same;
        } else {
          out += "#endif\n";
          open.pop_back();
        }
      }
      for (size_t d = same; d < unit.conditions.size(); ++d) {
        const Branch &b = unit.conditions[d];
        for (size_t k = 0; k <= b.branch; ++k) out += file.groups[b.group][k] + "\n";
        open.push_back(b);
      }
      out += unit.text;
    }
    for (; !open.empty(); open.pop_back()) out += "#endif\n";
  }
  return out;
}

std::set<std::string> kernels_defined_for(const std::set<std::string> &kernels) {
  std::vector<const SourceFile *> files = Library::instance().files_for(kernels);
  std::set<std::string> defined;
  for (auto [f, u] : needed_units(files, kernels))
    for (const std::string &name : files[f]->units[u].defines)
      if (find_kernel(name)) defined.insert(name);
  return defined;
}

}  // namespace aotc
