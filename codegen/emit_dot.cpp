// `aotc --emit dot` (emit_dot.h).
#include "codegen/emit_dot.h"

#include <fmt/format.h>

#include <map>

namespace aotc {

namespace {

// Text between the double quotes of a DOT string: quotes and backslashes
// escaped (so no \N, \G or \l escape can form), newlines as DOT's \n, bytes
// outside printable ASCII as \\xNN (model names are untrusted; DOT wants UTF-8).
std::string dot_text(const std::string &text) {
  std::string out;
  for (unsigned char c : text) {
    if (c == '"' || c == '\\')
      out += std::string("\\") + static_cast<char>(c);
    else if (c == '\n')
      out += "\\n";
    else if (c >= 0x20 && c < 0x7f)
      out += static_cast<char>(c);
    else
      out += fmt::format("\\\\x{:02X}", c);
  }
  return out;
}

std::string layout_text(const Layout &l) {
  switch (l.kind) {
    case Layout::Kind::RowMajor: return "";
    case Layout::Kind::ChannelsFirst: return " nchw";
    case Layout::Kind::ChannelsBlocked: return fmt::format(" nchw{}c", l.block);
    case Layout::Kind::Packed: return fmt::format(" packed({}{})", l.format, shape_str(l.storage));
  }
  return "";
}

std::string edge_label(const Value &v) {
  return dot_text(fmt::format("{}{}{}\n{} B", dtype_name(v.dtype), shape_str(v.shape), layout_text(v.layout),
                              v.byte_size()));
}

}  // namespace

std::string emit_dot(const Graph &graph, const std::string &name) {
  std::string s = fmt::format("digraph \"{}\" {{\n", dot_text(name));
  s += "  rankdir=TB;\n";
  s += "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#eef3fb\", fontname=\"Helvetica\", fontsize=10];\n";
  s += "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n";

  // Where each value comes from: a graph input or a node.
  std::map<const Value *, std::string> source;
  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    const Value &v = *graph.inputs[i];
    std::string id = fmt::format("in{}", i);
    source[&v] = id;
    s += fmt::format("  {} [shape=ellipse, fillcolor=\"#fbf3d5\", label=\"input\\n{}\"];\n", id, dot_text(v.name));
  }
  std::map<const Node *, std::string> node_id;
  for (size_t n = 0; n < graph.nodes.size(); ++n) {
    const Node &node = *graph.nodes[n];
    std::string id = fmt::format("n{}", n);
    node_id[&node] = id;
    for (const Value *out : node.outputs)
      if (out) source[out] = id;
    std::string op = node.domain.empty() ? node.op : node.domain + "." + node.op;
    std::string label = op;
    if (!node.fused_ops.empty()) label += ": " + fmt::format("{}", fmt::join(node.fused_ops, "+"));
    if (!node.name.empty()) label += "\n" + node.name;
    size_t weights = 0;
    for (const Value *in : node.inputs)
      if (in && in->is_constant()) weights += in->byte_size();
    if (weights) label += fmt::format("\nconstants {} B", weights);
    std::string fill = node.fused_ops.empty() ? "" : ", fillcolor=\"#dcefdc\"";
    s += fmt::format("  {} [label=\"{}\"{}];\n", id, dot_text(label), fill);
  }
  for (size_t k = 0; k < graph.outputs.size(); ++k)
    s += fmt::format("  out{} [shape=ellipse, fillcolor=\"#f1e4ef\", label=\"output\\n{}\"];\n", k,
                     dot_text(graph.output_names[k]));

  // Edges: every non-constant input of every node, then the graph outputs.
  for (const auto &node : graph.nodes)
    for (const Value *in : node->inputs) {
      if (!in || in->is_constant() || !source.count(in)) continue;
      s += fmt::format("  {} -> {} [label=\"{}\"];\n", source.at(in), node_id.at(node.get()), edge_label(*in));
    }
  for (size_t k = 0; k < graph.outputs.size(); ++k) {
    const Value *v = graph.outputs[k];
    if (!source.count(v)) continue;  // a constant output: nothing computes it
    s += fmt::format("  {} -> out{} [label=\"{}\"];\n", source.at(v), k, edge_label(*v));
  }
  return s + "}\n";
}

}  // namespace aotc
