// Escaping of text that comes from a model (graph, node and tensor names,
// strings) before aotc writes it anywhere: into generated C, or to a terminal.
// Model text is untrusted: it may hold C comment delimiters, quotes, trigraphs,
// control bytes, terminal escape sequences or invalid UTF-8.
#pragma once
#include <string>
#include <string_view>

namespace aotc {

/// Text safe both between the quotes of a C string literal and inside a C
/// block comment, with the same meaning in a literal as the input bytes.
/// Printable ASCII is kept; \ and " become \\ and \"; newline and tab become
/// \n and \t; every other byte below 0x20, DEL and every byte from 0x80 on
/// (so any non-ASCII text, valid UTF-8 or not) become a three-digit octal
/// escape; the '/' of "*/" and the '*' of "/*" are written in octal too, so no
/// comment can end or nest; and the second '?' of "??" is written \? so no
/// trigraph (such as ??/ for a backslash) can form.
std::string escape_c(std::string_view text);

/// A C string literal, quotes included, for `text` (escape_c applied).
std::string c_string_literal(std::string_view text);

/// Text for a C comment: escape_c of `text`, cut to at most `max_bytes` of
/// input with "..." appended when longer (comments only describe).
std::string c_comment_text(std::string_view text, size_t max_bytes = 200);

/// Text safe to print to a terminal: the same escapes as escape_c for control
/// bytes (C0, DEL, C1 U+0080..U+009F), invalid UTF-8 and the Unicode
/// bidirectional overrides that can reorder what is shown; other printable
/// text, UTF-8 included, is kept. Newlines are escaped unless `keep_newlines`
/// (for whole messages whose lines aotc made).
std::string escape_terminal(std::string_view text, bool keep_newlines = false);

}  // namespace aotc
