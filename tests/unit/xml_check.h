// A small well-formedness check for the XML aotc writes (memory.svg), shared by
// the unit and CLI tests: tags balanced and properly nested, attributes quoted,
// '<' never in text or attribute values, '&' only as a known or numeric entity,
// no control bytes, one root element. Returns "" when well-formed, else what is
// wrong and where.
#pragma once
#include <cctype>
#include <string>
#include <vector>

namespace aotc_test {

inline std::string xml_problem(const std::string &x) {
  std::vector<std::string> open;
  size_t roots = 0;
  auto entity_ok = [&](size_t amp) {
    size_t semi = x.find(';', amp);
    if (semi == std::string::npos || semi - amp > 8) return false;
    std::string name = x.substr(amp + 1, semi - amp - 1);
    if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") return true;
    if (name.size() > 1 && name[0] == '#') {
      for (size_t i = 1; i < name.size(); ++i)
        if (!std::isxdigit(static_cast<unsigned char>(name[i])) && !(i == 1 && name[i] == 'x')) return false;
      return true;
    }
    return false;
  };
  auto where = [&](size_t i) { return " at byte " + std::to_string(i); };
  size_t i = 0;
  while (i < x.size()) {
    unsigned char c = static_cast<unsigned char>(x[i]);
    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') return "control byte" + where(i);
    if (c == '&') {
      if (!entity_ok(i)) return "bare '&'" + where(i);
      ++i;
      continue;
    }
    if (c == '>') return "stray '>'" + where(i);
    if (c != '<') {
      if (open.empty() && !std::isspace(c)) return "text outside the root element" + where(i);
      ++i;
      continue;
    }
    if (x.compare(i, 4, "<!--") == 0) {
      size_t end = x.find("-->", i + 4);
      if (end == std::string::npos) return "unterminated comment" + where(i);
      i = end + 3;
      continue;
    }
    if (x.compare(i, 9, "<!DOCTYPE") == 0) {  // Graphviz writes one (no internal subset)
      size_t end = x.find('>', i);
      if (end == std::string::npos || !open.empty()) return "bad DOCTYPE" + where(i);
      i = end + 1;
      continue;
    }
    if (x.compare(i, 2, "<?") == 0) {
      size_t end = x.find("?>", i + 2);
      if (end == std::string::npos) return "unterminated declaration" + where(i);
      i = end + 2;
      continue;
    }
    bool closing = i + 1 < x.size() && x[i + 1] == '/';
    size_t p = i + (closing ? 2 : 1);
    size_t name_start = p;
    while (p < x.size() && (std::isalnum(static_cast<unsigned char>(x[p])) || x[p] == ':' || x[p] == '-' ||
                            x[p] == '_'))
      ++p;
    std::string name = x.substr(name_start, p - name_start);
    if (name.empty()) return "tag without a name" + where(i);
    bool self_closing = false;
    // Attributes: name="value" or name='value'.
    while (true) {
      while (p < x.size() && std::isspace(static_cast<unsigned char>(x[p]))) ++p;
      if (p >= x.size()) return "unterminated tag <" + name + where(i);
      if (x[p] == '>') break;
      if (x[p] == '/' && p + 1 < x.size() && x[p + 1] == '>') {
        self_closing = true;
        ++p;
        break;
      }
      if (closing) return "attributes on a closing tag" + where(p);
      size_t a = p;
      while (p < x.size() && (std::isalnum(static_cast<unsigned char>(x[p])) || x[p] == ':' || x[p] == '-' ||
                              x[p] == '_'))
        ++p;
      if (p == a || p >= x.size() || x[p] != '=') return "bad attribute in <" + name + ">" + where(p);
      ++p;
      if (p >= x.size() || (x[p] != '"' && x[p] != '\'')) return "unquoted attribute in <" + name + ">" + where(p);
      char q = x[p++];
      size_t end = x.find(q, p);
      if (end == std::string::npos) return "unterminated attribute value" + where(p);
      for (size_t k = p; k < end; ++k) {
        if (x[k] == '<') return "'<' in an attribute value" + where(k);
        if (x[k] == '&' && !entity_ok(k)) return "bare '&' in an attribute value" + where(k);
      }
      p = end + 1;
    }
    i = p + 1;
    if (closing) {
      if (open.empty() || open.back() != name) return "</" + name + "> does not close the open element" + where(i);
      open.pop_back();
    } else if (!self_closing) {
      if (open.empty() && ++roots > 1) return "more than one root element" + where(i);
      open.push_back(name);
    } else if (open.empty() && ++roots > 1) {
      return "more than one root element" + where(i);
    }
  }
  if (!open.empty()) return "<" + open.back() + "> is never closed";
  if (roots != 1) return "no root element";
  return "";
}

}  // namespace aotc_test
