// The memory report's numbers (report.h): naive peak, tensors and their
// lifetimes, per-step MACs and scratch, report.json and the terminal summary.
#include "codegen/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "ops/op.h"
#include "passes/memory_planner.h"

namespace aotc {

namespace {

using Json = nlohmann::ordered_json;

std::string op_name(const Node &n) { return n.domain.empty() ? n.op : n.domain + "." + n.op; }

// Union-find over Program::shares_storage_with, in-place steps left out: one
// report tensor per alias group.
struct AliasGroups {
  std::map<const Value *, const Value *> parent;
  const Value *find(const Value *v) {
    for (auto it = parent.find(v); it != parent.end() && it->second != v; it = parent.find(v)) v = it->second;
    return v;
  }
};

int64_t node_macs(const Node &node) {
  const OpDef *def = find_op(node.domain, node.op);
  if (!def || !def->macs) return 0;
  // OpContext wants a mutable node for its setters; macs hooks only read.
  OpContext ctx(const_cast<Node &>(node));
  return def->macs(ctx);
}

std::string tensor_kind(const Value *v, const Storage &s, bool group_has_output) {
  if (s.kind == Storage::Kind::Input || v->kind == Value::Kind::Input) return "input";
  if (s.kind == Storage::Kind::Output || group_has_output) return "output";
  return "activation";
}


// Recompute as a percentage of the original MACs, to two decimals.
double patch_extra_percent(const PatchStats &p) {
  if (p.macs_before == 0) return 0;
  double pct = 100.0 * static_cast<double>(p.macs_after - p.macs_before) / static_cast<double>(p.macs_before);
  return static_cast<double>(static_cast<int64_t>(pct * 100.0 + 0.5)) / 100.0;
}

}  // namespace

NaivePeak naive_peak(const Graph &graph) {
  NaivePeak peak;
  for (const auto &node : graph.nodes) {
    std::set<const Value *> inputs;  // a value read twice (x * x) is one buffer
    size_t bytes = 0;
    for (const Value *in : node->inputs)
      if (in && !in->is_constant() && inputs.insert(in).second) bytes += in->byte_size();
    for (const Value *out : node->outputs)
      if (out) bytes += out->byte_size();
    if (peak.op.empty() || bytes > peak.bytes) {  // the first node with the most
      peak.bytes = bytes;
      peak.node = node->name;
      peak.op = op_name(*node);
    }
  }
  return peak;
}

MemoryReport make_report(const Program &program, const ReportSource &source) {
  const Graph &graph = *program.graph;
  MemoryReport r;
  r.model = source.model_file;
  r.name = source.name;
  r.target = program.target ? program.target->name : default_target_name();
  r.arena_bytes = program.scratch_size;
  r.arena_lower_bound_bytes = program.live_peak_bytes;
  r.naive_peak = source.naive;
  r.naive_peak_bytes = source.naive.bytes;
  r.weights = source.emitted;
  r.weights_bytes = source.emitted.weight_bytes + source.emitted.argument_bytes;
  r.arena_alignment = program.arena_alignment;
  r.patch = source.patch;
  // Steps in node order plan as they stand (also for Programs not scheduled).
  r.schedule_steps_moved = program.schedule.steps_moved;
  r.schedule_original_arena_bytes = r.schedule_steps_moved ? program.schedule.original_arena_bytes : r.arena_bytes;

  AliasGroups groups;
  for (auto &[v, shared] : program.shares_storage_with)
    if (!program.in_place_of.count(v)) groups.parent[v] = shared;
  // A Concat input written into its slice of the output is part of the
  // output's tensor (an alias of it), which starts where the first is written.
  for (auto &[v, slice] : program.slice_of) groups.parent[v] = slice.whole;
  auto whole_of = [&](const Value *v) {  // (the value itself but for slices)
    auto it = program.slice_of.find(v);
    return it == program.slice_of.end() ? v : it->second.whole;
  };
  std::set<const Value *> outputs(graph.outputs.begin(), graph.outputs.end());

  std::map<const Value *, size_t> tensor_of_group;
  std::set<const Node *> counted;  // a node's MACs go on its first step
  for (size_t s = 0; s < program.steps.size(); ++s) {
    const LoweredStep &step = program.steps[s];
    ReportOp op;
    op.index = s;
    op.kernel = step.call.kernel;
    if (step.node) {
      op.op = op_name(*step.node);
      op.node = step.node->name;
      op.fused_ops = step.node->fused_ops;
      if (counted.insert(step.node).second) op.macs = node_macs(*step.node);
    }
    for (const KernelArg &arg : step.call.args) {
      if (arg.kind == KernelArg::Kind::Scratch) {
        op.scratch_bytes += arg.scratch_bytes;
        ReportTensor t;
        t.name = fmt::format("scratch@{}", s);
        t.kind = "scratch";
        t.bytes = arg.scratch_bytes;
        t.in_arena = true;
        t.offset = arg.scratch_offset;
        t.first_use = t.last_use = s;
        r.tensors.push_back(t);
        continue;
      }
      if (arg.kind != KernelArg::Kind::Tensor || !arg.value || arg.value->is_constant()) continue;
      const Value *v = arg.value;
      const Storage &storage = program.storage.at(v);
      const Value *root = groups.find(v);
      auto [it, fresh] = tensor_of_group.emplace(root, r.tensors.size());
      if (fresh) {
        ReportTensor t;
        t.name = whole_of(v)->name;
        t.in_arena = storage.kind == Storage::Kind::Arena;
        t.offset = t.in_arena ? storage.offset - program.offset_in_group(v) : 0;
        t.first_use = s;
        // (An in-place output is written first, so it starts its alias group;
        // its input was used before, so it has a report tensor.)
        auto in_place = program.in_place_of.find(v);
        if (in_place != program.in_place_of.end() && tensor_of_group.count(groups.find(in_place->second)))
          t.in_place_of = r.tensors[tensor_of_group.at(groups.find(in_place->second))].name;
        r.tensors.push_back(t);
      }
      ReportTensor &t = r.tensors[it->second];
      if (v->name != t.name &&
          std::find(t.aliases.begin(), t.aliases.end(), v->name) == t.aliases.end())
        t.aliases.push_back(v->name);
      t.bytes = std::max(t.bytes, program.offset_in_group(v) + v->byte_size());
      t.last_use = s;
      // An alias group holding a graph output is that output's storage.
      std::string kind = tensor_kind(v, storage, outputs.count(v) > 0);
      if (t.kind.empty() || kind != "activation") t.kind = kind;
    }
    r.macs += op.macs;
    r.ops.push_back(std::move(op));
  }
  // With the graph's I/O in the arena, the plan keeps inputs live from the
  // first step and outputs to the last, touched by a step or not.
  if (program.io == IoMode::Arena && !program.steps.empty()) {
    const size_t end = program.steps.size() - 1;
    auto stretch = [&](const Value *v, bool is_input) {
      if (v->is_constant()) return;
      auto [it, fresh] = tensor_of_group.emplace(groups.find(v), r.tensors.size());
      if (fresh) {
        const Storage &storage = program.storage.at(v);
        ReportTensor t;
        t.name = v->name;
        t.bytes = v->byte_size();
        t.in_arena = storage.kind == Storage::Kind::Arena;
        t.offset = t.in_arena ? storage.offset : 0;
        t.first_use = t.last_use = is_input ? 0 : end;
        t.kind = is_input ? "input" : "output";
        r.tensors.push_back(t);
      }
      ReportTensor &t = r.tensors[it->second];
      if (is_input) t.first_use = 0;
      else t.last_use = end;
    };
    for (const Value *in : graph.inputs) stretch(in, true);
    for (const Value *out : graph.outputs) stretch(out, false);
  }
  // Inputs and outputs the caller holds outside the arena (unused ones too).
  std::set<const Value *> io;
  for (const Value *v : graph.inputs) io.insert(v);
  for (const Value *v : graph.outputs) io.insert(v);
  for (const Value *v : io) {
    auto st = program.storage.find(v);
    if (v->is_constant() || (st != program.storage.end() && st->second.kind == Storage::Kind::Arena)) continue;
    r.io_bytes += v->byte_size();
  }
  // The peak step: most aligned arena bytes live (planner::live_peak's count).
  std::vector<size_t> live(program.steps.size(), 0);
  std::map<std::string, size_t> bytes_of;
  for (const ReportTensor &t : r.tensors) {
    bytes_of[t.name] = t.bytes;
    if (t.in_arena)
      for (size_t s = t.first_use; s <= t.last_use; ++s) live[s] += align_up(t.bytes, program.arena_alignment);
  }
  // A tensor written in place shares its first step's storage with the one it overwrites.
  for (const ReportTensor &t : r.tensors)
    if (t.in_arena && !t.in_place_of.empty())
      live[t.first_use] -= align_up(std::min(t.bytes, bytes_of.at(t.in_place_of)), program.arena_alignment);
  for (size_t s = 0; s < live.size(); ++s)
    if (live[s] > r.peak_live_bytes) r.peak_live_bytes = live[s], r.peak_step = s;
  return r;
}

std::string report_json(const MemoryReport &r) {
  Json top;
  top["model"] = r.model;
  top["name"] = r.name;
  top["target"] = r.target;
  top["arena_bytes"] = r.arena_bytes;
  top["arena_lower_bound_bytes"] = r.arena_lower_bound_bytes;
  top["naive_peak_bytes"] = r.naive_peak_bytes;
  top["io_bytes"] = r.io_bytes;
  top["weights_bytes"] = r.weights_bytes;
  top["weights"] = Json{{"tensor_bytes", r.weights.weight_bytes}, {"kernel_argument_bytes", r.weights.argument_bytes}};
  top["naive_peak_node"] = Json{{"node", r.naive_peak.node}, {"op", r.naive_peak.op}};
  top["arena_alignment"] = r.arena_alignment;
  top["peak_step"] = r.peak_step;
  top["macs"] = r.macs;
  if (r.patch) {
    const PatchStats &p = *r.patch;
    int64_t extra = p.macs_after - p.macs_before;
    top["patch"] = Json{{"tiles", p.tiles},
                        {"prefix_end", p.prefix_end},
                        {"prefix_output", p.prefix_output},
                        {"prefix_nodes", p.prefix_nodes},
                        {"macs_original", p.macs_before},
                        {"extra_macs", extra},
                        {"extra_macs_percent", patch_extra_percent(p)}};
  }
  top["schedule"] = Json{{"original_arena_bytes", r.schedule_original_arena_bytes},
                         {"arena_bytes", r.arena_bytes},
                         {"steps_moved", r.schedule_steps_moved}};
  Json tensors = Json::array();
  for (const ReportTensor &t : r.tensors) {
    Json j;
    j["name"] = t.name;
    j["kind"] = t.kind;
    j["bytes"] = t.bytes;
    j["offset"] = t.in_arena ? Json(t.offset) : Json(nullptr);
    j["first_use"] = t.first_use;
    j["last_use"] = t.last_use;
    if (!t.aliases.empty()) j["aliases"] = t.aliases;
    if (!t.in_place_of.empty()) j["in_place_of"] = t.in_place_of;
    tensors.push_back(std::move(j));
  }
  top["tensors"] = std::move(tensors);
  Json ops = Json::array();
  for (const ReportOp &o : r.ops) {
    Json j;
    j["index"] = o.index;
    j["kernel"] = o.kernel;
    j["op"] = o.op;
    j["node"] = o.node;
    if (!o.fused_ops.empty()) j["fused_ops"] = o.fused_ops;
    j["macs"] = o.macs;
    j["scratch_bytes"] = o.scratch_bytes;
    ops.push_back(std::move(j));
  }
  top["ops"] = std::move(ops);

  // One field per line, and one tensor or op per line inside the arrays: short
  // enough to read, and a changed plan shows as a line diff. Invalid UTF-8 in
  // a model's names becomes U+FFFD instead of an exception.
  auto dump = [](const Json &j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); };
  std::string out = "{\n";
  size_t i = 0;
  for (auto it = top.begin(); it != top.end(); ++it, ++i) {
    out += "  " + dump(Json(it.key())) + ": ";
    if (it.value().is_array() && !it.value().empty()) {
      out += "[\n";
      for (size_t k = 0; k < it.value().size(); ++k)
        out += "    " + dump(it.value()[k]) + (k + 1 < it.value().size() ? ",\n" : "\n");
      out += "  ]";
    } else {
      out += dump(it.value());
    }
    out += i + 1 < top.size() ? ",\n" : "\n";
  }
  return out + "}\n";
}

std::string with_thousands(size_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string report_summary(const MemoryReport &r) {
  std::string ratio = r.naive_peak_bytes ? fmt::format("{:.2f}", static_cast<double>(r.arena_bytes) /
                                                                      static_cast<double>(r.naive_peak_bytes))
                                         : "-";
  std::string out;
  out += fmt::format("  arena        {:>12} bytes (scratch; inputs/outputs outside it: {} bytes)\n",
                     with_thousands(r.arena_bytes), with_thousands(r.io_bytes));
  out += fmt::format("  lower bound  {:>12} bytes (most live at once, step {})\n", with_thousands(r.arena_lower_bound_bytes),
                     r.peak_step);
  out += fmt::format("  naive peak   {:>12} bytes (largest inputs+outputs of one op: {}{})\n",
                     with_thousands(r.naive_peak_bytes), r.naive_peak.op,
                     r.naive_peak.node.empty() ? "" : " '" + r.naive_peak.node + "'");
  out += fmt::format("  weights      {:>12} bytes (flash)\n", with_thousands(r.weights_bytes));
  out += fmt::format("  arena / naive peak = {}; {} MACs per run\n", ratio, with_thousands(static_cast<size_t>(r.macs)));
  if (r.patch)
    out += fmt::format("  patch        {} x {} tiles up to '{}' ({} nodes): {} MACs originally, +{} ({:.2f}%) halo "
                       "recompute\n",
                       r.patch->tiles, r.patch->tiles, r.patch->prefix_end, r.patch->prefix_nodes,
                       with_thousands(static_cast<size_t>(r.patch->macs_before)),
                       with_thousands(static_cast<size_t>(r.patch->macs_after - r.patch->macs_before)),
                       patch_extra_percent(*r.patch));
  if (r.schedule_steps_moved)
    out += fmt::format("  schedule: reordered {} steps, arena {} -> {} bytes\n", r.schedule_steps_moved,
                       with_thousands(r.schedule_original_arena_bytes), with_thousands(r.arena_bytes));
  return out;
}

std::string xml_text(const std::string &text) {
  std::string out;
  for (unsigned char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c >= 0x20 && c < 0x7f)
          out += static_cast<char>(c);
        else
          out += fmt::format("\\x{:02X}", c);
    }
  }
  return out;
}

}  // namespace aotc
