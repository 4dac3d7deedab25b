#include "ir/escape.h"

#include <cstdint>
#include <cstdio>

namespace aotc {

namespace {

void append_octal(std::string &out, unsigned char c) {
  char buf[5];
  std::snprintf(buf, sizeof buf, "\\%03o", c);  // always three digits: no digit that follows can join it
  out += buf;
}

// Escapes one control byte the way both escape functions do.
void append_control(std::string &out, unsigned char c) {
  if (c == '\n') out += "\\n";
  else if (c == '\t') out += "\\t";
  else append_octal(out, c);
}

// Length of the valid UTF-8 sequence starting at text[i] (1 to 4), or 0.
size_t utf8_length(std::string_view text, size_t i, uint32_t *code_point) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(i);
  size_t n;
  uint32_t cp, min;
  if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1Fu, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0Fu, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07u, min = 0x10000;
  else return 0;
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;  // overlong, too big, surrogate
  *code_point = cp;
  return n;
}

bool is_bidi_control(uint32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
         cp == 0x061C;
}

}  // namespace

std::string escape_c(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    char prev = i > 0 ? text[i - 1] : '\0';
    if (c == '\\' || c == '"') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7F) {
      append_control(out, c);
    } else if ((c == '/' && prev == '*') || (c == '*' && prev == '/')) {
      append_octal(out, c);
    } else if (c == '?' && prev == '?') {
      out += "\\?";
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string c_string_literal(std::string_view text) { return "\"" + escape_c(text) + "\""; }

std::string c_comment_text(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return escape_c(text);
  return escape_c(text.substr(0, max_bytes)) + "...";
}

std::string escape_terminal(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c == '\n' && keep_newlines) out += '\n';
      else if (c < 0x20 || c == 0x7F) append_control(out, c);
      else out += static_cast<char>(c);
      ++i;
      continue;
    }
    uint32_t cp = 0;
    size_t n = utf8_length(text, i, &cp);
    if (n == 0 || cp <= 0x9F || is_bidi_control(cp)) {
      // Invalid UTF-8 byte by byte; a C1 control or bidi override as a whole.
      for (size_t k = 0; k < (n ? n : 1); ++k) append_octal(out, static_cast<unsigned char>(text[i + k]));
      i += n ? n : 1;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace aotc
