// Pass: independent check of the memory plan (see check_plan.h). It trusts
// nothing from plan_memory but the result: Storage, scratch offsets,
// scratch_size and the recorded aliases.
#include "passes/check_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <queue>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace aotc {

namespace {

[[noreturn]] void plan_error(const std::string &what) { fail("internal error: memory plan: " + what); }

std::string step_name(const Program &p, size_t s) {
  const LoweredStep &step = p.steps[s];
  std::string text = fmt::format("step {} ({}", s, step.call.kernel.empty() ? "alias" : step.call.kernel);
  if (step.node) text += fmt::format(", node '{}' ({})", step.node->name, step.node->op);
  return text + ")";
}

const char *kind_name(Storage::Kind k) {
  switch (k) {
    case Storage::Kind::Input: return "graph input";
    case Storage::Kind::Output: return "graph output";
    case Storage::Kind::Constant: return "constant";
    case Storage::Kind::Arena: return "arena";
  }
  return "?";
}

std::string storage_name(const Storage &s) {
  if (s.kind == Storage::Kind::Arena) return fmt::format("arena offset {}", s.offset);
  if (s.kind == Storage::Kind::Constant) return "constant";
  return fmt::format("{} {}", kind_name(s.kind), s.index);
}

bool same_storage(const Storage &a, const Storage &b) {
  if (a.kind != b.kind) return false;
  if (a.kind == Storage::Kind::Arena) return a.offset == b.offset;
  if (a.kind == Storage::Kind::Input || a.kind == Storage::Kind::Output) return a.index == b.index;
  return true;
}

// Byte size of a value, overflow-checked.
size_t bytes_of(const Value *v) {
  int64_t count = v->count();
  size_t bytes = 0;
  if (count < 0 || __builtin_mul_overflow(static_cast<size_t>(count), dtype_size(v->dtype), &bytes))
    plan_error(fmt::format("the byte size of '{}' overflows", v->name));
  return bytes;
}

// [offset, offset + bytes) inside an arena of `arena` bytes, aligned.
void check_in_arena(size_t offset, size_t bytes, size_t arena, size_t alignment, const std::string &what) {
  size_t end = 0;
  if (__builtin_add_overflow(offset, bytes, &end))
    plan_error(fmt::format("{} at arena offset {} with {} bytes: the end overflows", what, offset, bytes));
  if (end > arena)
    plan_error(fmt::format("{} at arena offset {} with {} bytes ends past the arena of {} bytes", what, offset,
                           bytes, arena));
  if (alignment > 1 && offset % alignment != 0)
    plan_error(fmt::format("{} at arena offset {} is not aligned to {}", what, offset, alignment));
}

// Union-find over the planned aliases.
struct Groups {
  std::unordered_map<const Value *, const Value *> parent;
  const Value *find(const Value *v) {
    while (true) {
      auto it = parent.find(v);
      if (it == parent.end() || it->second == v) return v;
      auto up = parent.find(it->second);
      if (up != parent.end()) it->second = up->second;  // path halving
      v = it->second;
    }
  }
  void join(const Value *a, const Value *b) {
    const Value *ra = find(a), *rb = find(b);
    if (ra != rb) parent[ra] = rb;
  }
};

// One region of the arena, live from step `first` to step `last` (inclusive).
struct Region {
  size_t offset = 0, bytes = 0;
  size_t first = 0, last = 0;
  const Value *value = nullptr;  ///< a tensor (first member of its alias group), or nullptr: scratch
  size_t members = 1;            ///< values sharing this region (alias group)
  size_t first_write = 0;        ///< first step writing any member (SIZE_MAX: none)
  bool holds_input = false;      ///< a graph input: written by the caller before the first step
};

std::string region_name(const Program &p, const Region &r) {
  std::string who = r.value ? fmt::format("'{}'", r.value->name) : "scratch buffer of " + step_name(p, r.first);
  if (r.members > 1) who += fmt::format(" (and {} values sharing its storage)", r.members - 1);
  std::string range = r.first == r.last ? fmt::format("step {}", r.first) : fmt::format("steps {}..{}", r.first, r.last);
  return fmt::format("{} (arena bytes [{}, {}), {})", who, r.offset, r.offset + r.bytes, range);
}

}  // namespace

void check_memory_plan(const Program &p) {
  const Graph &graph = *p.graph;
  const size_t alignment = p.arena_alignment;

  Groups groups;
  for (auto &[v, shared] : p.shares_storage_with) {
    if (!v || !shared) plan_error("an alias entry has no value");
    groups.join(v, shared);
  }
  // Slices (Program::slice_of) belong to their whole's group, `offset` bytes into its storage.
  for (auto &[v, slice] : p.slice_of) {
    if (!v || !slice.whole) plan_error("a slice entry has no value");
    if (slice.offset + bytes_of(v) > bytes_of(slice.whole))
      plan_error(fmt::format("'{}' ({} bytes at byte {}) does not fit in '{}' ({} bytes), whose slice it is", v->name,
                             bytes_of(v), slice.offset, slice.whole->name, bytes_of(slice.whole)));
    groups.join(v, slice.whole);
  }
  const bool io_in_arena = p.io == IoMode::Arena;
  const size_t last_step = p.steps.empty() ? 0 : p.steps.size() - 1;
  // Alias groups holding a graph input (the caller writes those; no step may)
  // and alias groups some step writes.
  std::unordered_map<const Value *, size_t> input_of_group;  // group root -> graph input index
  for (size_t i = 0; i < graph.inputs.size(); ++i) input_of_group.emplace(groups.find(graph.inputs[i]), i);
  std::unordered_set<const Value *> written_groups;

  // Liveness from the steps: first and last step touching each value, in
  // first-touch order; scratch buffers are live for their own step.
  struct Use {
    size_t first, last;
    const Storage *storage;
    size_t first_write;  ///< SIZE_MAX: never written
  };
  std::unordered_map<const Value *, Use> uses;
  std::vector<const Value *> order;
  std::vector<Region> regions;
  for (size_t s = 0; s < p.steps.size(); ++s) {
    const LoweredStep &step = p.steps[s];
    if (step.is_alias()) plan_error(fmt::format("{} is an alias step that was not resolved", step_name(p, s)));
    for (const KernelArg &arg : step.call.args) {
      if (arg.kind == KernelArg::Kind::Scratch) {
        check_in_arena(arg.scratch_offset, arg.scratch_bytes, p.scratch_size, alignment,
                       "scratch buffer of " + step_name(p, s));
        Region r;
        r.offset = arg.scratch_offset;
        r.bytes = arg.scratch_bytes;
        r.first = r.last = s;
        regions.push_back(r);
        continue;
      }
      if (arg.kind != KernelArg::Kind::Tensor) continue;
      if (!arg.value) plan_error(fmt::format("{} has a tensor argument without a value", step_name(p, s)));
      const Value *v = arg.value;
      auto st = p.storage.find(v);
      if (st == p.storage.end())
        plan_error(fmt::format("'{}', an argument of {}, has no storage", v->name, step_name(p, s)));
      const Storage &storage = st->second;
      if (arg.writes && (storage.kind == Storage::Kind::Input || storage.kind == Storage::Kind::Constant))
        plan_error(fmt::format("{} writes '{}', which is stored as a {}", step_name(p, s), v->name,
                               kind_name(storage.kind)));
      if (arg.writes) {
        auto in = input_of_group.find(groups.find(v));
        if (in != input_of_group.end())
          plan_error(fmt::format("{} writes '{}', which shares storage with graph input {} '{}'", step_name(p, s),
                                 v->name, in->second, graph.inputs[in->second]->name));
        written_groups.insert(groups.find(v));
      }
      auto [it, fresh] = uses.emplace(v, Use{s, s, &storage, SIZE_MAX});
      if (fresh) order.push_back(v);
      it->second.last = s;
      if (arg.writes) it->second.first_write = std::min(it->second.first_write, s);
    }
  }

  // In the arena, graph inputs and outputs are buffers even where no step touches them.
  if (io_in_arena) {
    auto add = [&](const Value *v, size_t step, const char *what, size_t index) {
      if (uses.count(v)) return;
      auto st = p.storage.find(v);
      if (st == p.storage.end()) plan_error(fmt::format("{} {} '{}' has no storage", what, index, v->name));
      uses.emplace(v, Use{step, step, &st->second, SIZE_MAX});
      order.push_back(v);
    };
    for (size_t i = 0; i < graph.inputs.size(); ++i) add(graph.inputs[i], 0, "graph input", i);
    for (size_t k = 0; k < graph.outputs.size(); ++k) add(graph.outputs[k], last_step, "graph output", k);
  }

  // Storage of every value fits the value; arena values are merged into one
  // region per alias group.
  std::unordered_map<const Value *, size_t> region_of_group;  // group root -> index in regions
  struct Member {
    const Value *value;
    size_t bytes, first, last;
  };
  std::unordered_map<size_t, std::vector<Member>> members_of_region;
  std::unordered_map<const Value *, const Value *> first_of_group;
  std::unordered_set<const Value *> constants(p.constants.begin(), p.constants.end());
  for (const Value *v : order) {
    const Use &use = uses.at(v);
    const Storage &s = *use.storage;
    size_t bytes = bytes_of(v);
    if (v->is_constant() != (s.kind == Storage::Kind::Constant))
      plan_error(fmt::format("'{}' is {}a constant but is stored as {}", v->name, v->is_constant() ? "" : "not ",
                             storage_name(s)));
    if (s.kind == Storage::Kind::Constant && !constants.count(v))
      plan_error(fmt::format("constant '{}' is missing from the program's constants", v->name));
    if (io_in_arena && (s.kind == Storage::Kind::Input || s.kind == Storage::Kind::Output))
      plan_error(fmt::format("'{}' is stored as {}, but the program keeps inputs and outputs in the arena", v->name,
                             storage_name(s)));
    if (s.kind == Storage::Kind::Input || s.kind == Storage::Kind::Output) {
      const std::vector<Value *> &io = s.kind == Storage::Kind::Input ? graph.inputs : graph.outputs;
      if (s.index >= io.size())
        plan_error(fmt::format("'{}' is stored as {}, but the graph has {}", v->name, storage_name(s), io.size()));
      const Value *owner = io[s.index];
      if (groups.find(v) != groups.find(owner))
        plan_error(fmt::format("'{}' is stored in {} ('{}') but is not an alias of it", v->name, storage_name(s),
                               owner->name));
      if (bytes != bytes_of(owner))
        plan_error(fmt::format("'{}' ({} bytes) is stored in {} ('{}', {} bytes)", v->name, bytes, storage_name(s),
                               owner->name, bytes_of(owner)));
    }
    // Members of one alias group share one storage (a slice at its offset in it).
    const Value *root = groups.find(v);
    const size_t slice_offset = p.offset_in_group(v);
    if (slice_offset > 0 && (s.kind != Storage::Kind::Arena || s.offset < slice_offset))
      plan_error(fmt::format("'{}', a slice at byte {} of another value's storage, is stored as {}", v->name,
                             slice_offset, storage_name(s)));
    Storage base = s;
    base.offset -= slice_offset;
    auto [first, fresh] = first_of_group.emplace(root, v);
    if (!fresh) {
      Storage first_base = p.storage.at(first->second);
      first_base.offset -= p.offset_in_group(first->second);
      if (!same_storage(first_base, base))
        plan_error(fmt::format("'{}' ({}) and '{}' ({}) are planned to share storage but do not", first->second->name,
                               storage_name(p.storage.at(first->second)), v->name, storage_name(s)));
    }
    if (!fresh && s.kind == Storage::Kind::Constant)
      plan_error(fmt::format("constants '{}' and '{}' are planned to share storage", first->second->name, v->name));
    if (s.kind != Storage::Kind::Arena) continue;
    if (!io_in_arena && v->kind == Value::Kind::Input)
      plan_error(fmt::format("graph input '{}' is stored in the arena at offset {}", v->name, s.offset));
    check_in_arena(s.offset, bytes, p.scratch_size, alignment, fmt::format("'{}'", v->name));
    // (A slice occupies its group's storage up to its end: the region counts from the group's start.)
    const size_t extent = slice_offset + bytes;
    auto [at, new_region] = region_of_group.emplace(root, regions.size());
    members_of_region[at->second].push_back({v, extent, use.first, use.last});
    if (new_region) {
      Region r;
      r.offset = base.offset;
      r.bytes = extent;
      r.first = use.first;
      r.last = use.last;
      r.value = v;
      r.first_write = use.first_write;
      regions.push_back(r);
      continue;
    }
    Region &r = regions[at->second];
    r.bytes = std::max(r.bytes, extent);
    r.first = std::min(r.first, use.first);
    r.last = std::max(r.last, use.last);
    r.first_write = std::min(r.first_write, use.first_write);
    ++r.members;
  }

  // Graph inputs and outputs live where Program::io says (an unused input in
  // separate buffers needs none), and outputs are written.
  auto io_storage_ok = [&](const std::map<const Value *, Storage>::const_iterator &st, Storage::Kind kind,
                           size_t index) {
    if (st == p.storage.end()) return false;
    if (io_in_arena) return st->second.kind == Storage::Kind::Arena;
    return st->second.kind == kind && st->second.index == index;
  };
  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    auto st = p.storage.find(graph.inputs[i]);
    if ((io_in_arena || st != p.storage.end()) && !io_storage_ok(st, Storage::Kind::Input, i))
      plan_error(fmt::format("graph input {} '{}' is stored as {}", i, graph.inputs[i]->name,
                             st == p.storage.end() ? "nothing" : storage_name(st->second)));
  }
  for (size_t k = 0; k < graph.outputs.size(); ++k) {
    const Value *out = graph.outputs[k];
    auto st = p.storage.find(out);
    if (!io_storage_ok(st, Storage::Kind::Output, k))
      plan_error(fmt::format("graph output {} '{}' is stored as {}", k, out->name,
                             st == p.storage.end() ? "nothing" : storage_name(st->second)));
    const Value *root = groups.find(out);
    if (bytes_of(out) > 0 && !written_groups.count(root) && !input_of_group.count(root))
      plan_error(fmt::format("graph output {} '{}' is never written", k, out->name));
  }

  // The caller writes inputs before the first step and reads outputs after the last
  // (their storage is in the arena: checked above).
  if (io_in_arena) {
    auto member = [&](const Value *v) -> Member & {
      for (Member &m : members_of_region.at(region_of_group.at(groups.find(v))))
        if (m.value == v) return m;
      plan_error(fmt::format("'{}' is missing from its storage group", v->name));
    };
    for (const Value *in : graph.inputs) {
      Region &r = regions[region_of_group.at(groups.find(in))];
      r.first = 0;
      r.holds_input = true;
      member(in).first = 0;
    }
    for (const Value *out : graph.outputs) {
      regions[region_of_group.at(groups.find(out))].last = last_step;
      member(out).last = last_step;
    }
  }

  // A group's storage may change size over time (an in-place output larger
  // than its input): the sweep below sees it as pieces of constant size, one
  // after another, each as large as the largest member live then.
  std::vector<Region> pieces;
  for (size_t i = 0; i < regions.size(); ++i) {
    const Region &r = regions[i];
    auto members = members_of_region.find(i);
    if (members == members_of_region.end()) {
      pieces.push_back(r);  // scratch
      continue;
    }
    // (Between members, e.g. around a dropped alias step, the storage keeps
    // its contents: the larger of its neighbours' sizes.)
    std::vector<size_t> occupied(r.last - r.first + 1, 0);
    for (size_t t = r.first; t <= r.last; ++t)
      for (const Member &m : members->second)
        if (m.first <= t && t <= m.last) occupied[t - r.first] = std::max(occupied[t - r.first], m.bytes);
    for (size_t k = 0; k < occupied.size(); ++k) {
      if (occupied[k] > 0) continue;
      size_t before = 0, after = 0;
      for (size_t j = k; j-- > 0;)
        if (occupied[j] > 0) { before = occupied[j]; break; }
      for (size_t j = k + 1; j < occupied.size(); ++j)
        if (occupied[j] > 0) { after = occupied[j]; break; }
      occupied[k] = std::max(before, after);
    }
    for (size_t t = r.first; t <= r.last; ++t) {
      const size_t bytes = occupied[t - r.first];
      if (!pieces.empty() && pieces.back().value == r.value && pieces.back().last + 1 == t &&
          pieces.back().bytes == bytes) {
        pieces.back().last = t;
        continue;
      }
      Region piece = r;
      piece.bytes = bytes;
      piece.first = piece.last = t;
      pieces.push_back(piece);
    }
  }

  // No two regions live at the same time overlap: sweep the steps in order,
  // keeping the live regions (which never overlap each other) by offset, so a
  // new region only needs comparing with its two neighbours.
  std::vector<size_t> by_first;
  for (size_t i = 0; i < pieces.size(); ++i)
    if (pieces[i].bytes > 0) by_first.push_back(i);
  std::sort(by_first.begin(), by_first.end(), [&](size_t a, size_t b) {
    const Region &ra = pieces[a], &rb = pieces[b];
    return ra.first != rb.first ? ra.first < rb.first : ra.offset != rb.offset ? ra.offset < rb.offset : a < b;
  });
  auto ends_later = [&](size_t a, size_t b) { return pieces[a].last > pieces[b].last; };
  std::priority_queue<size_t, std::vector<size_t>, decltype(ends_later)> live_until(ends_later);
  std::map<size_t, size_t> live;  // offset -> region
  auto overlap = [&](const Region &a, const Region &b) {
    plan_error(fmt::format("{} overlaps {}", region_name(p, a), region_name(p, b)));
  };
  for (size_t i : by_first) {
    const Region &r = pieces[i];
    while (!live_until.empty() && pieces[live_until.top()].last < r.first) {
      live.erase(pieces[live_until.top()].offset);
      live_until.pop();
    }
    auto next = live.lower_bound(r.offset);
    if (next != live.end() && next->first - r.offset < r.bytes) overlap(pieces[next->second], r);
    if (next != live.begin()) {
      const Region &before = pieces[std::prev(next)->second];
      if (r.offset - before.offset < before.bytes) overlap(before, r);
    }
    live.emplace(r.offset, i);
    live_until.push(i);
  }

  // An arena buffer's life starts where it is written: a read before that
  // reads memory the plan may give to something else (e.g. a dropped alias).
  for (const Region &r : regions)
    if (r.value && r.bytes > 0 && !r.holds_input && r.first_write != r.first)
      plan_error(fmt::format("{} is read at step {} before any step writes it", region_name(p, r), r.first));
}

}  // namespace aotc
