// Pass: decides where every tensor lives. Constants live in flash, everything
// else in one arena planned by liveness (memory_planner.h): with IoMode::Arena
// (the default) graph inputs and outputs too -- an input is live from before
// the first step to its last use, an output from its producer to after the
// last step -- and with IoMode::Separate they live in buffers of their own.
//
// Alias steps (Reshape and friends) are resolved here: when both sides would
// live in the arena, or the output is a graph output that can take over the
// input's whole alias group, they share storage and the step disappears;
// otherwise the step becomes a copy. Kernels that may run in place
// (KernelCall::in_place) share their input's storage where that makes the
// plan smaller.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
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

  // The arena buffers for a grouping `g` (the alias groups `ag`, joined by
  // in-place steps): one per alias group (first to last step touching a
  // member; graph inputs and outputs in the arena from the start / to the
  // end), the alias groups joined in place sharing an offset (a group of
  // BufferRequests, so an in-place output larger than its input grows the
  // storage only from its step on), and one per scratch argument.
  struct Buffers {
    std::vector<BufferRequest> requests;
    std::map<const Value *, size_t> request_of_alias_group;
    std::vector<size_t> scratch_requests;  ///< per Scratch argument, in step order
  };
  auto needs_arena = [&](AliasGroups &g, const Value *v) {
    return !v->is_constant() && !fixed.count(v) && !group_output.count(g.find(v));
  };
  auto buffers_for = [&](AliasGroups &ag, AliasGroups &g) {
    Buffers b;
    std::map<const Value *, int> group_ids;  // group root -> BufferRequest::group
    auto request_for = [&](const Value *v, int step) {
      auto [it, fresh] = b.request_of_alias_group.emplace(ag.find(v), b.requests.size());
      if (fresh) {
        const int group = group_ids.emplace(g.find(v), static_cast<int>(group_ids.size())).first->second;
        b.requests.push_back({0, step, step, group});
      }
      BufferRequest &r = b.requests[it->second];
      r.size = std::max(r.size, v->byte_size());
      r.first_use = std::min(r.first_use, step);
      r.last_use = std::max(r.last_use, step);
    };
    for (size_t s = 0; s < program.steps.size(); ++s)
      for (const KernelArg &arg : program.steps[s].call.args) {
        if (arg.kind == KernelArg::Kind::Tensor && arg.value && needs_arena(g, arg.value))
          request_for(arg.value, static_cast<int>(s));
        if (arg.kind == KernelArg::Kind::Scratch) {
          b.scratch_requests.push_back(b.requests.size());
          b.requests.push_back({arg.scratch_bytes, static_cast<int>(s), static_cast<int>(s)});
        }
      }
    if (io_in_arena) {
      // The caller writes the inputs before the first step and reads the
      // outputs after the last, whether or not a step touches them.
      const int end = std::max(0, static_cast<int>(program.steps.size()) - 1);
      for (const Value *in : graph.inputs) request_for(in, 0);
      for (const Value *out : graph.outputs) request_for(out, end);
    }
    return b;
  };

  // Concat inputs in their slice of the output (KernelCall::copies_into_slice):
  // the input joins the output's alias group at the slice's offset, so its
  // producer writes it there and the copy goes. Only for an arena value read
  // by that copy alone, in no alias group yet, at an aligned offset, with the
  // I/O in the arena. It costs RAM where the output's storage then starts
  // earlier, next to something large (a branch's transient): each copy is
  // dropped only where the plan does not grow. (A whole never becomes a
  // slice itself: it is in an alias group from then on.)
  std::vector<char> dropped(program.steps.size(), 0);
  if (io_in_arena) {
    std::map<const Value *, int> reads;  // tensor arguments read, over all steps
    for (const LoweredStep &step : program.steps)
      for (const KernelArg &arg : step.call.args)
        if (arg.kind == KernelArg::Kind::Tensor && arg.value && !arg.writes) ++reads[arg.value];
    std::set<const Value *> grouped;  // members of alias groups of two or more
    for (auto &[v, parent] : groups.parent) grouped.insert(v), grouped.insert(groups.find(v));
    const std::set<const Value *> io(graph.outputs.begin(), graph.outputs.end());
    size_t current = SIZE_MAX;
    for (size_t s = 0; s < program.steps.size(); ++s) {
      const KernelCall &call = program.steps[s].call;
      const Value *x = call.slice_input, *y = nullptr;
      for (const KernelArg &arg : call.args)
        if (arg.kind == KernelArg::Kind::Tensor && arg.writes) y = arg.value;
      if (!x || !y || x == y || !is_arena(x) || !is_arena(y) || x->kind == Value::Kind::Input || io.count(x) ||
          reads[x] != 1 || grouped.count(x) || call.slice_offset % program.arena_alignment != 0 ||
          call.slice_offset + x->byte_size() > y->byte_size())
        continue;
      if (current == SIZE_MAX) current = plan_best_greedy(buffers_for(groups, groups).requests, program.arena_alignment).total;
      AliasGroups trial = groups;
      trial.join(x, y);
      const size_t total = plan_best_greedy(buffers_for(trial, trial).requests, program.arena_alignment).total;
      if (total > current) continue;
      current = total;
      groups = trial;
      grouped.insert(x), grouped.insert(y);
      program.slice_of[x] = {y, call.slice_offset};
      dropped[s] = 1;
    }
  }
  if (std::find(dropped.begin(), dropped.end(), 1) != dropped.end()) {
    std::vector<LoweredStep> kept;
    for (size_t s = 0; s < program.steps.size(); ++s)
      if (!dropped[s]) kept.push_back(std::move(program.steps[s]));
    program.steps = std::move(kept);
  }
  AliasGroups alias_groups = groups;

  // In-place steps: the output takes over the storage of an input that dies
  // there (the kernel allows it, KernelCall::in_place), unless that input
  // holds a graph input or output, which live beyond the step. Sharing can
  // also cost RAM (one buffer as large as its largest member, live as long as
  // all of them), so plans are made without it, sharing only where the output
  // is no larger than the input, where it is no larger than the input's whole
  // buffer, wherever allowed, and with steps enabled one by one where that
  // shrinks the plan; the smallest plan wins. `enabled` (per step; null: all)
  // limits the steps.
  enum class Room { Input, Buffer, Any };  // how large the output may be
  auto in_place_joins = [&](AliasGroups g, Room room_for_output, const std::vector<char> *enabled) {
    std::map<const Value *, int> last_use;        // group root -> last step touching a member
    std::map<const Value *, size_t> group_bytes;  // group root -> largest member
    for (size_t s = 0; s < program.steps.size(); ++s)
      for (const KernelArg &arg : program.steps[s].call.args)
        if (arg.kind == KernelArg::Kind::Tensor && arg.value) {
          const Value *root = g.find(arg.value);
          last_use[root] = static_cast<int>(s);
          group_bytes[root] = std::max(group_bytes[root], arg.value->byte_size());
        }
    std::set<const Value *> io_groups;
    for (const Value *v : graph.inputs) io_groups.insert(g.find(v));
    for (const Value *v : graph.outputs) io_groups.insert(g.find(v));
    std::vector<std::pair<const Value *, const Value *>> joins;  // (output, input)
    for (size_t s = 0; s < program.steps.size(); ++s) {
      const KernelCall &call = program.steps[s].call;
      if (call.in_place_inputs.empty() || (enabled && !(*enabled)[s])) continue;
      const Value *out = nullptr;
      for (const KernelArg &arg : call.args)
        if (arg.kind == KernelArg::Kind::Tensor && arg.writes) out = arg.value;
      if (!out || !needs_arena(g, out) || program.slice_of.count(out)) continue;
      const Value *out_root = g.find(out);
      auto takes_over = [&](const Value *in) {
        if (!needs_arena(g, in) || program.slice_of.count(in)) return false;
        const Value *in_root = g.find(in);
        const size_t room = room_for_output == Room::Input    ? in->byte_size()
                            : room_for_output == Room::Buffer ? group_bytes[in_root]
                                                              : SIZE_MAX;
        return in_root != out_root && !io_groups.count(in_root) && last_use[in_root] == static_cast<int>(s) &&
               group_bytes[out_root] <= room;
      };
      auto chosen = std::find_if(call.in_place_inputs.begin(), call.in_place_inputs.end(), takes_over);
      if (chosen == call.in_place_inputs.end()) continue;
      const Value *in = *chosen, *in_root = g.find(in);
      const int out_last = last_use[out_root];
      const bool out_has_io = io_groups.count(out_root) > 0;
      const size_t bytes = std::max(group_bytes[out_root], group_bytes[in_root]);
      g.join(out, in);
      last_use[g.find(in)] = out_last;
      group_bytes[g.find(in)] = bytes;
      if (out_has_io) io_groups.insert(g.find(in));
      joins.emplace_back(out, in);
    }
    return joins;
  };
  auto plan_total = [&](const std::vector<std::pair<const Value *, const Value *>> &joins) {
    AliasGroups g = groups;
    for (auto &[out, in] : joins) g.join(out, in);
    return plan_best_greedy(buffers_for(alias_groups, g).requests, program.arena_alignment).total;
  };
  std::vector<std::pair<const Value *, const Value *>> best_joins;
  const size_t unshared_total = plan_total(best_joins);
  size_t best_total = unshared_total;
  auto consider = [&](const std::vector<std::pair<const Value *, const Value *>> &joins) {
    const size_t total = plan_total(joins);
    if (total < best_total) best_total = total, best_joins = joins;
    return total;
  };
  const std::vector<std::pair<const Value *, const Value *>> any = in_place_joins(groups, Room::Any, nullptr);
  if (!any.empty()) {
    consider(in_place_joins(groups, Room::Input, nullptr));
    consider(in_place_joins(groups, Room::Buffer, nullptr));
    consider(any);
    // One step at a time, kept where the plan does not grow.
    std::vector<char> enabled(program.steps.size(), 0);
    size_t current = unshared_total;
    for (size_t s = 0; s < program.steps.size(); ++s) {
      if (program.steps[s].call.in_place_inputs.empty()) continue;
      enabled[s] = 1;
      const size_t total = consider(in_place_joins(groups, Room::Any, &enabled));
      if (total <= current) current = total;
      else enabled[s] = 0;
    }
  }
  for (auto &[out, in] : best_joins) {
    groups.join(out, in);
    program.shares_storage_with[out] = in;
    program.in_place_of[out] = in;
  }

  // Storage of constants and of graph inputs and outputs outside the arena.
  std::vector<KernelArg *> scratch_args;
  for (auto &step : program.steps)
    for (KernelArg &arg : step.call.args) {
      if (arg.kind == KernelArg::Kind::Scratch) scratch_args.push_back(&arg);
      if (arg.kind != KernelArg::Kind::Tensor || !arg.value) continue;
      const Value *v = arg.value;
      if (v->is_constant()) {
        if (!program.storage.count(v)) {
          program.storage[v] = {Storage::Kind::Constant, 0, 0};
          program.constants.push_back(v);
        }
      } else if (fixed.count(v)) {
        program.storage[v] = fixed[v];
      } else if (group_output.count(groups.find(v))) {
        program.storage[v] = fixed[group_output[groups.find(v)]];
      }
    }
  if (!io_in_arena) {
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

  Buffers buffers = buffers_for(alias_groups, groups);
  std::vector<BufferRequest> &requests = buffers.requests;
  std::vector<size_t> &scratch_requests = buffers.scratch_requests;
  MemoryPlan plan = plan_best_searched(requests, program.arena_alignment);
  auto place = [&](const Value *v) {
    if (!program.storage.count(v))
      program.storage[v] = {Storage::Kind::Arena, 0,
                            plan.offsets[buffers.request_of_alias_group.at(alias_groups.find(v))] + program.offset_in_group(v)};
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
  // (A group counts once, as its largest member.)
  std::map<int, size_t> group_bytes;
  program.intermediate_bytes_total = 0;
  for (auto &r : requests)
    if (r.group < 0) program.intermediate_bytes_total += r.size;
    else group_bytes[r.group] = std::max(group_bytes[r.group], r.size);
  for (auto &[group, bytes] : group_bytes) program.intermediate_bytes_total += bytes;
  program.live_peak_bytes = live_peak(requests, program.arena_alignment);
}

}  // namespace aotc
