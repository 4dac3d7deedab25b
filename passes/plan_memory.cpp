// Pass: decides where every tensor lives. Constants live in flash, everything
// else in one arena planned by liveness (memory_planner.h): with IoMode::Arena
// (the default) graph inputs and outputs too -- an input is live from before
// the first step to its last use, an output from its producer to after the
// last step -- and with IoMode::Separate they live in buffers of their own.
//
// Alias steps (Reshape and friends) are resolved here: when both sides would
// live in the arena, or the output is a graph output that can take over the
// input's whole alias group, they share storage and the step disappears;
// otherwise the step becomes a copy.
#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "passes/memory_planner.h"
#include "passes/pipeline.h"

namespace aotc {

namespace {

// Union-find over values that share storage.
struct AliasGroups {
  std::map<const Value *, const Value *> parent;
  const Value *find(const Value *v) {
    auto it = parent.find(v);
    if (it == parent.end() || it->second == v) return v;
    return it->second = find(it->second);
  }
  void join(const Value *a, const Value *b) { parent[find(a)] = find(b); }
};

}  // namespace

void plan_memory(Program &program) {
  Graph &graph = *program.graph;
  const bool io_in_arena = program.io == IoMode::Arena;
  std::map<const Value *, Storage> fixed;  // graph inputs and outputs in buffers of their own
  if (!io_in_arena) {
    for (size_t i = 0; i < graph.inputs.size(); ++i) fixed[graph.inputs[i]] = {Storage::Kind::Input, i, 0};
    for (size_t k = 0; k < graph.outputs.size(); ++k) fixed[graph.outputs[k]] = {Storage::Kind::Output, k, 0};
  }

  // Resolve aliases: share storage or turn into a copy.
  AliasGroups groups;
  std::map<const Value *, const Value *> group_output;  // group root -> graph output it is anchored to
  auto is_arena = [&](const Value *v) { return !v->is_constant() && !fixed.count(v); };
  std::vector<LoweredStep> steps;
  for (LoweredStep &step : program.steps) {
    if (!step.is_alias()) {
      steps.push_back(std::move(step));
      continue;
    }
    const Value *in = step.alias_in, *out = step.alias_out;
    bool shared = false;
    if (is_arena(in) && is_arena(out)) {
      const Value *anchor_in = group_output.count(groups.find(in)) ? group_output[groups.find(in)] : nullptr;
      groups.join(out, in);
      if (anchor_in) group_output[groups.find(in)] = anchor_in;
      shared = true;
    } else if (is_arena(in) && fixed.count(out) && fixed[out].kind == Storage::Kind::Output &&
               !group_output.count(groups.find(in))) {
      group_output[groups.find(in)] = out;
      shared = true;
    }
    if (shared) program.shares_storage_with[out] = in;
    if (!shared) {
      LoweredStep copy;
      copy.node = step.node;
      copy.call.kernel = "aotc_copy";
      copy.call.in(step.alias_in).out(step.alias_out).i(static_cast<int64_t>(step.alias_out->byte_size()));
      steps.push_back(std::move(copy));
    }
  }
  program.steps = std::move(steps);

  // In-place steps: the output takes over the storage of an input that dies
  // there (the kernel allows it, KernelCall::in_place), unless that input
  // holds a graph input or output, which live beyond the step.
  std::map<const Value *, int> last_use;  // group root -> last step touching a member
  for (size_t s = 0; s < program.steps.size(); ++s)
    for (const KernelArg &arg : program.steps[s].call.args)
      if (arg.kind == KernelArg::Kind::Tensor && arg.value) last_use[groups.find(arg.value)] = static_cast<int>(s);
  std::set<const Value *> io_groups;
  for (const Value *v : graph.inputs) io_groups.insert(groups.find(v));
  for (const Value *v : graph.outputs) io_groups.insert(groups.find(v));
  for (size_t s = 0; s < program.steps.size(); ++s) {
    const KernelCall &call = program.steps[s].call;
    const Value *in = call.in_place_input, *out = nullptr;
    if (!in) continue;
    for (const KernelArg &arg : call.args)
      if (arg.kind == KernelArg::Kind::Tensor && arg.writes) out = arg.value;
    if (!out || !is_arena(in) || !is_arena(out) || out->byte_size() > in->byte_size()) continue;
    const Value *in_root = groups.find(in), *out_root = groups.find(out);
    if (in_root == out_root || io_groups.count(in_root) || group_output.count(in_root) || group_output.count(out_root) ||
        last_use[in_root] != static_cast<int>(s))
      continue;
    const int out_last = last_use[out_root];
    const bool out_has_io = io_groups.count(out_root) > 0;
    groups.join(out, in);
    last_use[groups.find(in)] = out_last;
    if (out_has_io) io_groups.insert(groups.find(in));
    program.shares_storage_with[out] = in;
  }

  // Collect storage and lifetimes. Scratch arguments are buffers of their own.
  std::map<const Value *, size_t> request_of_group;
  std::vector<BufferRequest> requests;
  std::vector<KernelArg *> scratch_args;
  std::vector<size_t> scratch_requests;
  // The buffer of v's alias group, made live at `step`.
  auto request_for = [&](const Value *v, int step) -> BufferRequest & {
    auto [it, fresh] = request_of_group.emplace(groups.find(v), requests.size());
    if (fresh) requests.push_back({0, step, step});
    BufferRequest &r = requests[it->second];
    r.size = std::max(r.size, v->byte_size());
    r.first_use = std::min(r.first_use, step);
    r.last_use = std::max(r.last_use, step);
    return r;
  };
  auto touch = [&](const Value *v, int step) {
    if (v->is_constant()) {
      if (!program.storage.count(v)) {
        program.storage[v] = {Storage::Kind::Constant, 0, 0};
        program.constants.push_back(v);
      }
      return;
    }
    if (fixed.count(v)) {
      program.storage[v] = fixed[v];
      return;
    }
    const Value *root = groups.find(v);
    if (group_output.count(root)) {
      program.storage[v] = fixed[group_output[root]];
      return;
    }
    request_for(v, step);
  };
  for (size_t s = 0; s < program.steps.size(); ++s) {
    for (KernelArg &arg : program.steps[s].call.args) {
      if (arg.kind == KernelArg::Kind::Tensor) touch(arg.value, static_cast<int>(s));
      if (arg.kind == KernelArg::Kind::Scratch) {
        scratch_args.push_back(&arg);
        scratch_requests.push_back(requests.size());
        requests.push_back({arg.scratch_bytes, static_cast<int>(s), static_cast<int>(s)});
      }
    }
  }
  if (io_in_arena) {
    // The caller writes the inputs before the first step and reads the
    // outputs after the last, whether or not a step touches them.
    const int end = std::max(0, static_cast<int>(program.steps.size()) - 1);
    for (const Value *in : graph.inputs) request_for(in, 0);
    for (const Value *out : graph.outputs) request_for(out, end);
  } else {
    // Graph outputs anchoring an alias group are written through another member.
    for (auto &[root, out] : group_output) program.storage[out] = fixed[out];
    // Every graph output must be written by some step (an empty one needs no writer).
    for (size_t k = 0; k < graph.outputs.size(); ++k) {
      const Value *out = graph.outputs[k];
      if (!program.storage.count(out) && out->byte_size() == 0) program.storage[out] = fixed[out];
      if (!program.storage.count(out))
        fail(fmt::format("internal error: graph output '{}' is never written", graph.output_names[k]));
    }
  }

  MemoryPlan plan = plan_best_greedy(requests, program.arena_alignment);
  // Assign arena offsets to every member of each group.
  auto place = [&](const Value *v) {
    if (!program.storage.count(v))
      program.storage[v] = {Storage::Kind::Arena, 0, plan.offsets[request_of_group.at(groups.find(v))]};
  };
  for (auto &step : program.steps)
    for (KernelArg &arg : step.call.args)
      if (arg.kind == KernelArg::Kind::Tensor) place(arg.value);
  if (io_in_arena) {
    for (const Value *in : graph.inputs) place(in);
    for (const Value *out : graph.outputs) place(out);
  }
  for (size_t i = 0; i < scratch_args.size(); ++i) scratch_args[i]->scratch_offset = plan.offsets[scratch_requests[i]];
  program.scratch_size = plan.total;
  program.intermediate_bytes_total = 0;
  for (auto &r : requests) program.intermediate_bytes_total += r.size;
  program.live_peak_bytes = live_peak(requests, program.arena_alignment);
}

}  // namespace aotc
