// The IR's text form. It is stable (attributes sorted by name, values printed
// in definition order) because golden tests compare against it.
#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <sstream>

#include "ir/escape.h"
#include "ir/graph.h"

namespace aotc {

namespace {

// Names from the model print as they are when plain, else quoted and escaped,
// so one line of the text form is always one line.
std::string name_str(const std::string &name) {
  bool plain = !name.empty();
  for (unsigned char c : name) plain = plain && (std::isalnum(c) || c == '_' || c == '.' || c == ':' || c == '/' || c == '-');
  return plain ? name : c_string_literal(name);
}

// " nchw", " nchw16c", " packed(conv_gemm_mr4[1,16,27,4])", or "" for RowMajor.
std::string layout_str(const Value &v) {
  switch (v.layout.kind) {
    case Layout::Kind::RowMajor: return "";
    case Layout::Kind::ChannelsFirst: {
      static const char *const names[] = {"nc", "ncw", "nchw", "ncdhw"};
      size_t spatial = v.shape.size() >= 2 ? v.shape.size() - 2 : 0;
      return spatial < 4 ? fmt::format(" {}", names[spatial]) : " channels-first";
    }
    case Layout::Kind::ChannelsBlocked: {
      static const char *const names[] = {"nc", "ncw", "nchw", "ncdhw"};
      size_t spatial = v.shape.size() >= 2 ? v.shape.size() - 2 : 0;
      return fmt::format(" {}{}c", spatial < 4 ? names[spatial] : "channels-blocked-", v.layout.block);
    }
    case Layout::Kind::Packed: return fmt::format(" packed({}{})", v.layout.format, shape_str(v.layout.storage));
  }
  return " ?";
}

std::string type_str(const Value &v) {
  if (!v.shape_known) return dtype_name(v.dtype) + "[?]";
  return dtype_name(v.dtype) + shape_str(v.shape) + layout_str(v);
}

// Shortest text that reads back to the same value (float or double).
template <typename T>
std::string float_str(T f) {
  if (std::isnan(f)) return "nan";
  if (std::isinf(f)) return f > 0 ? "inf" : "-inf";
  return fmt::format("{}", f);
}

// Small constants are printed inline so folded shape arithmetic is readable.
std::string constant_preview(const Tensor &t) {
  const int64_t kMaxInline = 8;
  if (t.dtype == DType::String || dtype_size(t.dtype) == 0 || is_minifloat(t.dtype) || t.count() > kMaxInline)
    return "";
  std::vector<std::string> items;
  for (int64_t i = 0; i < t.count(); ++i)
    items.push_back(t.dtype == DType::Float    ? float_str(t.data<float>()[i])
                    : t.dtype == DType::Double ? float_str(t.data<double>()[i])
                    : is_float(t.dtype)        ? "?"
                                               : fmt::format("{}", t.int_at(i)));
  return fmt::format(" = [{}]", fmt::join(items, ", "));
}

std::string attr_str(const Attribute &a) {
  struct Visitor {
    std::string operator()(int64_t i) const { return fmt::format("{}", i); }
    std::string operator()(float f) const { return float_str(f); }
    std::string operator()(const std::string &s) const { return c_string_literal(s); }
    std::string operator()(const std::vector<int64_t> &v) const { return fmt::format("[{}]", fmt::join(v, ",")); }
    std::string operator()(const std::vector<float> &v) const {
      std::vector<std::string> items;
      for (float f : v) items.push_back(float_str(f));
      return fmt::format("[{}]", fmt::join(items, ","));
    }
    std::string operator()(const std::vector<std::string> &v) const {
      std::vector<std::string> items;
      for (const std::string &s : v) items.push_back(c_string_literal(s));
      return fmt::format("[{}]", fmt::join(items, ","));
    }
    std::string operator()(const Tensor &t) const {
      return fmt::format("tensor<{}{}>{}", dtype_name(t.dtype), shape_str(t.shape), constant_preview(t));
    }
    std::string operator()(const Attribute::Subgraph &) const { return "graph{...}"; }
    std::string operator()(const FusedActivation &act) const {
      switch (act.kind) {
        case FusedActivation::Kind::None: return "none";
        case FusedActivation::Kind::Relu: return "relu";
        case FusedActivation::Kind::Clip: return fmt::format("clip({}, {})", float_str(act.a), float_str(act.b));
        case FusedActivation::Kind::HardSwish:
          return fmt::format("hardswish({}, {})", float_str(act.a), float_str(act.b));
        case FusedActivation::Kind::Silu: return "silu";
      }
      return "?";
    }
  };
  return std::visit(Visitor{}, a.value);
}

std::string operand(const Value *v) { return v ? "%" + name_str(v->name) : "none"; }

}  // namespace

std::string print_graph(const Graph &graph) {
  std::ostringstream out;
  std::vector<std::string> opsets;
  for (auto &[domain, version] : graph.opsets)
    opsets.push_back(fmt::format("{}={}", domain.empty() ? "ai.onnx" : domain, version));
  out << fmt::format("graph {} opset({})\n", c_string_literal(graph.name), fmt::join(opsets, ", "));
  for (const Value *v : graph.inputs) out << fmt::format("  input  {} : {}\n", operand(v), type_str(*v));
  for (auto &v : graph.values)
    if (v->is_constant())
      out << fmt::format("  const  {} : {}{}\n", operand(v.get()), type_str(*v), constant_preview(*v->constant));
  for (auto &node : graph.nodes) {
    std::vector<std::string> results, args, attrs;
    for (const Value *v : node->outputs) results.push_back(v ? operand(v) + " : " + type_str(*v) : "none");
    for (const Value *v : node->inputs) args.push_back(operand(v));
    for (auto &[key, a] : node->attrs) attrs.push_back(name_str(key) + "=" + attr_str(a));
    std::string op_name = name_str(node->domain.empty() ? node->op : node->domain + "." + node->op);
    out << fmt::format("  {} = {}({})", fmt::join(results, ", "), op_name, fmt::join(args, ", "));
    if (!attrs.empty()) out << fmt::format(" {{{}}}", fmt::join(attrs, ", "));
    if (!node->name.empty()) out << "   # " << escape_c(node->name);
    out << "\n";
  }
  for (size_t i = 0; i < graph.outputs.size(); ++i) {
    const Value *v = graph.outputs[i];
    out << fmt::format("  output {}", operand(v));
    if (i < graph.output_names.size() && graph.output_names[i] != v->name)
      out << fmt::format(" as {}", c_string_literal(graph.output_names[i]));
    out << "\n";
  }
  return out.str();
}

}  // namespace aotc
