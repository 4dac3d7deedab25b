// Pass: reorders the lowered steps to lower the arena. The planner packs
// buffers by lifetime, and lifetimes follow the step order, which lowering
// takes from the ONNX node order. In a branchy net (Inception, SqueezeNet fire
// modules, ShuffleNet downsampling blocks) running the branch with the largest
// transient first, or finishing a branch before starting the next, keeps fewer
// branch outputs live at the peak.
//
// Any topological order of the step dependencies is valid: step B stays after
// step A if B reads or writes a value A writes, or writes a value A reads
// (an alias step reads alias_in and writes alias_out; scratch is per step).
//
// Candidates: the order with the smallest live peak (exact, by dynamic
// programming over the sets of steps already run, which stay few in nets
// built from blocks; among orders with that peak, the one closest to the
// original), counting kernels that run in place (KernelCall::in_place) never,
// always, or where it helps; and greedy orders (least memory first). Each is
// planned for real (plan_memory); the smallest arena wins, and ties keep the
// original order, so the generated C changes only when it saves RAM. For the
// "where it helps" order, the steps the search did not run in place lose
// their in-place permission, so that plan_memory's heuristics find that plan.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include "passes/memory_planner.h"
#include "passes/pipeline.h"

namespace aotc {

namespace {

// Beyond this many step sets the exact search gives up (a net with many
// independent branches); the greedy order still competes.
constexpr size_t kMaxStates = 50000;

struct Deps {
  std::vector<std::vector<int>> preds;
};

// The values a step reads and writes.
void step_values(const LoweredStep &step, std::vector<const Value *> &reads, std::vector<const Value *> &writes) {
  reads.clear();
  writes.clear();
  if (step.is_alias()) {
    reads.push_back(step.alias_in);
    writes.push_back(step.alias_out);
    return;
  }
  for (const KernelArg &arg : step.call.args)
    if (arg.kind == KernelArg::Kind::Tensor && arg.value) (arg.writes ? writes : reads).push_back(arg.value);
}

Deps dependencies(const std::vector<LoweredStep> &steps) {
  Deps d;
  d.preds.resize(steps.size());
  std::map<const Value *, int> last_writer;
  std::map<const Value *, std::vector<int>> readers;  // since the last write
  std::vector<const Value *> reads, writes;
  for (int s = 0; s < static_cast<int>(steps.size()); ++s) {
    step_values(steps[s], reads, writes);
    std::set<int> p;
    for (const Value *v : reads)
      if (last_writer.count(v)) p.insert(last_writer[v]);
    for (const Value *v : writes) {
      if (last_writer.count(v)) p.insert(last_writer[v]);
      for (int r : readers[v]) p.insert(r);
    }
    p.erase(s);
    d.preds[s].assign(p.begin(), p.end());
    for (const Value *v : reads) readers[v].push_back(s);
    for (const Value *v : writes) last_writer[v] = s, readers[v].clear();
  }
  return d;
}

// The memory model the search minimises: one buffer per group of values that
// alias steps join (as plan_memory shares them), live from the first to the
// last step touching it; graph inputs in the arena from the start, outputs to
// the end; scratch during its step. Sizes are aligned, as live_peak counts them.
struct Model {
  struct Buffer {
    size_t bytes = 0;
    bool from_start = false, to_end = false;
    std::vector<int> touchers;  // steps, ascending, unique
  };
  std::vector<Buffer> buffers;
  std::vector<std::vector<int>> touches;  // per step: buffers it touches
  std::vector<size_t> scratch;            // per step
  // In-place: step -> (input buffer, output buffer) when the kernel may write
  // its output over that input (KernelCall::in_place); -1 if not.
  std::vector<std::pair<int, int>> in_place;
};

Model build_model(const Program &program) {
  const Graph &graph = *program.graph;
  const bool io_in_arena = program.io == IoMode::Arena;
  std::set<const Value *> io(graph.inputs.begin(), graph.inputs.end());
  io.insert(graph.outputs.begin(), graph.outputs.end());
  auto in_arena = [&](const Value *v) { return v && !v->is_constant() && (io_in_arena || !io.count(v)); };

  std::map<const Value *, const Value *> parent;
  auto find = [&](const Value *v) {
    while (parent.count(v) && parent[v] != v) v = parent[v];
    return v;
  };
  for (const LoweredStep &step : program.steps)
    if (step.is_alias() && in_arena(step.alias_in) && in_arena(step.alias_out))
      parent[find(step.alias_out)] = find(step.alias_in);

  Model m;
  const size_t align = program.arena_alignment;
  std::map<const Value *, int> buffer_of;
  auto buffer = [&](const Value *v) {
    auto [it, fresh] = buffer_of.emplace(find(v), static_cast<int>(m.buffers.size()));
    if (fresh) m.buffers.emplace_back();
    Model::Buffer &b = m.buffers[it->second];
    b.bytes = std::max(b.bytes, align_up(v->byte_size(), align));
    return it->second;
  };
  const size_t n = program.steps.size();
  m.touches.resize(n);
  m.scratch.assign(n, 0);
  m.in_place.assign(n, {-1, -1});
  std::vector<const Value *> reads, writes;
  for (size_t s = 0; s < n; ++s) {
    const LoweredStep &step = program.steps[s];
    step_values(step, reads, writes);
    for (const auto *list : {&reads, &writes})
      for (const Value *v : *list)
        if (in_arena(v)) {
          int b = buffer(v);
          if (std::find(m.touches[s].begin(), m.touches[s].end(), b) == m.touches[s].end()) {
            m.touches[s].push_back(b);
            m.buffers[b].touchers.push_back(static_cast<int>(s));
          }
        }
    for (const KernelArg &arg : step.call.args)
      if (arg.kind == KernelArg::Kind::Scratch) m.scratch[s] += align_up(arg.scratch_bytes, align);
    // (The model follows one input a kernel may overwrite, the first that can be; an estimate: the
    // candidates are planned for real.)
    if (writes.size() == 1 && in_arena(writes[0]) && !io.count(writes[0]))
      for (const Value *in : step.call.in_place_inputs)
        if (in_arena(in) && !io.count(in)) {
          m.in_place[s] = {buffer(in), buffer(writes[0])};
          break;
        }
  }
  if (io_in_arena) {
    for (const Value *v : graph.inputs)
      if (in_arena(v)) m.buffers[buffer(v)].from_start = true;
    for (const Value *v : graph.outputs)
      if (in_arena(v)) m.buffers[buffer(v)].to_end = true;
  }
  return m;
}

// Runs steps under the model, counting live bytes. A kernel running in place
// ("sharing") writes its output over an input that dies there: the output
// then needs no bytes of its own, but keeps the input's buffer, larger or not,
// until it dies itself (as plan_memory joins them): `extra` holds that excess.
struct Simulator {
  const Model &m;
  std::vector<int> seen;       // per buffer: touchers already run
  std::vector<size_t> extra;   // per buffer: bytes beyond its own (taken over by sharing)
  size_t live = 0;             // bytes live between steps

  explicit Simulator(const Model &model)
      : m(model), seen(model.buffers.size(), 0), extra(model.buffers.size(), 0) {
    for (const Model::Buffer &b : m.buffers)
      if (b.from_start) live += b.bytes;
  }
  size_t bytes(int b) const { return m.buffers[b].bytes + extra[b]; }
  bool starts_at(int b) const { return seen[b] == 0 && !m.buffers[b].from_start; }
  bool dies_at(int b) const {
    return !m.buffers[b].to_end && seen[b] + 1 == static_cast<int>(m.buffers[b].touchers.size());
  }
  // Whether step v may run in place: its input dies there, its output starts
  // there (and lives on), and fits in the input's buffer.
  bool can_share(int v) const {
    auto [in, out] = m.in_place[v];
    return in >= 0 && in != out && starts_at(out) && !dies_at(out) && dies_at(in) && m.buffers[out].bytes <= bytes(in);
  }
  // Live bytes during step v (does not run it).
  size_t during(int v, bool share) const {
    size_t total = live + m.scratch[v];
    for (int b : m.touches[v])
      if (starts_at(b) && !(share && b == m.in_place[v].second)) total += bytes(b);
    return total;
  }
  // Live bytes after step v, relative to before it.
  long long delta(int v, bool share) const {
    long long d = 0;
    for (int b : m.touches[v]) {
      if (starts_at(b) && !(share && b == m.in_place[v].second)) d += static_cast<long long>(bytes(b));
      if (dies_at(b)) d -= static_cast<long long>(bytes(b));
    }
    if (share) d += static_cast<long long>(bytes(m.in_place[v].first));  // now the output's buffer
    return d;
  }
  void run(int v, bool share) {
    live = static_cast<size_t>(static_cast<long long>(live) + delta(v, share));
    if (share) {
      auto [in, out] = m.in_place[v];
      extra[out] = bytes(in) - m.buffers[out].bytes;
    }
    for (int b : m.touches[v])
      if (++seen[b] == static_cast<int>(m.buffers[b].touchers.size()) && !m.buffers[b].to_end) extra[b] = 0;
  }
};

// Greedy list scheduling: among ready steps, the one whose step needs the
// least memory, then that grows the live bytes least, then the earliest;
// with `in_place`, every step that can runs in place.
std::vector<int> greedy_order(const Model &m, const Deps &d, bool in_place) {
  const int n = static_cast<int>(d.preds.size());
  std::vector<int> missing(n), order;
  std::vector<std::vector<int>> succs(n);
  for (int v = 0; v < n; ++v) {
    missing[v] = static_cast<int>(d.preds[v].size());
    for (int p : d.preds[v]) succs[p].push_back(v);
  }
  std::set<int> ready;
  for (int v = 0; v < n; ++v)
    if (!missing[v]) ready.insert(v);
  Simulator sim(m);
  while (!ready.empty()) {
    int best = -1;
    size_t best_during = 0;
    long long best_delta = 0;
    for (int v : ready) {
      const bool share = in_place && sim.can_share(v);
      size_t during = sim.during(v, share);
      long long delta = sim.delta(v, share);
      if (best < 0 || during < best_during || (during == best_during && delta < best_delta))
        best = v, best_during = during, best_delta = delta;
    }
    ready.erase(best);
    sim.run(best, in_place && sim.can_share(best));
    order.push_back(best);
    for (int s : succs[best])
      if (--missing[s] == 0) ready.insert(s);
  }
  return order;
}

// Which steps run in place in a plan: plan_memory tries none, all that can,
// and subsets; the search models the first two exactly and the third
// optimistically (any subset).
enum class Sharing { Never, Always, Any };

// The exact search. A state is the set of steps already run (closed under
// dependencies) plus the excess bytes of in-place outputs still live (with
// Sharing::Any, each step that can run in place is tried both ways). Level k
// holds the states after k steps. The first pass finds the smallest peak
// over all orders; the second, allowing only steps whose memory stays within
// that peak, finds the order with the fewest departures from the original (a
// departure: the step run is not the earliest one not yet run). Returns empty
// if there are too many states.
struct Schedule {
  std::vector<int> order;   ///< step indices in run order (empty: none)
  std::vector<char> share;  ///< per step: runs in place in the search's best plan
};

Schedule min_peak_order(const Model &m, const Deps &d, Sharing sharing) {
  const int n = static_cast<int>(d.preds.size());
  const size_t words = (static_cast<size_t>(n) + 63) / 64;
  using Bits = std::vector<uint64_t>;  // the set of steps run, then (buffer, extra) pairs
  auto has = [](const Bits &s, int v) { return (s[static_cast<size_t>(v) / 64] >> (v % 64)) & 1; };
  struct BitsHash {
    size_t operator()(const Bits &b) const {
      uint64_t h = 1469598103934665603ull;
      for (uint64_t w : b) h = (h ^ w) * 1099511628211ull;
      return static_cast<size_t>(h);
    }
  };
  struct State {
    Bits key;
    size_t live = 0;
    size_t peak = 0;
    size_t departures = 0;
    int parent = -1;  // index in the previous level
    int step = -1;    // the step that led here
    bool shared = false;
  };
  // One pass; `limit` == max: minimise the peak; otherwise the departures.
  auto search = [&](size_t limit, std::vector<std::vector<State>> &levels) {
    levels.assign(1, {});
    State start;
    start.key.assign(words, 0);
    start.live = start.peak = Simulator(m).live;
    levels[0].push_back(start);
    size_t states = 1;
    const bool by_peak = limit == std::numeric_limits<size_t>::max();
    auto better = [&](const State &a, const State &b) {
      return by_peak ? std::make_pair(a.peak, a.departures) < std::make_pair(b.peak, b.departures)
                     : std::make_pair(a.departures, a.peak) < std::make_pair(b.departures, b.peak);
    };
    Simulator base(m);
    for (int k = 0; k < n; ++k) {
      std::vector<State> next;
      std::unordered_map<Bits, size_t, BitsHash> index;
      for (size_t i = 0; i < levels[k].size(); ++i) {
        const State &s = levels[k][i];
        // The simulator after this state's steps.
        Simulator sim = base;
        for (size_t b = 0; b < m.buffers.size(); ++b)
          for (int t : m.buffers[b].touchers) sim.seen[b] += has(s.key, t) ? 1 : 0;
        for (size_t w = words; w + 1 < s.key.size(); w += 2) sim.extra[s.key[w]] = s.key[w + 1];
        sim.live = s.live;
        int first = 0;
        while (has(s.key, first)) ++first;
        for (int v = first; v < n; ++v) {
          if (has(s.key, v)) continue;
          bool ready = true;
          for (int p : d.preds[v])
            if (!has(s.key, p)) ready = false;
          if (!ready) continue;
          const bool can_share = sharing != Sharing::Never && sim.can_share(v);
          for (bool share : {false, true}) {
            if (share ? !can_share : (can_share && sharing == Sharing::Always)) continue;
            const size_t during = sim.during(v, share);
            if (during > limit) continue;
            Simulator after = sim;
            after.run(v, share);
            State t;
            t.key.assign(s.key.begin(), s.key.begin() + static_cast<long>(words));
            t.key[static_cast<size_t>(v) / 64] |= uint64_t{1} << (v % 64);
            for (size_t b = 0; b < m.buffers.size(); ++b)
              if (after.extra[b]) t.key.push_back(b), t.key.push_back(after.extra[b]);
            t.live = after.live;
            t.peak = std::max({s.peak, during, k + 1 == n ? after.live : 0});
            t.departures = s.departures + (v != first ? 1 : 0);
            t.parent = static_cast<int>(i);
            t.step = v;
            t.shared = share;
            auto [it, fresh] = index.emplace(t.key, next.size());
            if (fresh) {
              if (++states > kMaxStates) return false;
              next.push_back(std::move(t));
            } else if (better(t, next[it->second])) {
              next[it->second] = std::move(t);
            }
          }
        }
      }
      if (next.empty()) return false;  // nothing fits under `limit` (cannot happen for the optimum)
      levels.push_back(std::move(next));
    }
    return true;
  };
  auto best_final = [&](const std::vector<std::vector<State>> &levels, bool by_peak) {
    const std::vector<State> &last = levels.back();
    size_t at = 0;
    for (size_t i = 1; i < last.size(); ++i) {
      auto key = [&](const State &x) {
        return by_peak ? std::make_pair(x.peak, x.departures) : std::make_pair(x.departures, x.peak);
      };
      if (key(last[i]) < key(last[at])) at = i;
    }
    return at;
  };
  std::vector<std::vector<State>> levels;
  if (n == 0 || !search(std::numeric_limits<size_t>::max(), levels)) return {};
  const size_t best_peak = levels.back()[best_final(levels, true)].peak;
  if (!search(best_peak, levels)) return {};
  Schedule result;
  result.order.resize(static_cast<size_t>(n));
  result.share.assign(static_cast<size_t>(n), 0);
  int at = static_cast<int>(best_final(levels, false));
  for (int k = n; k > 0; --k) {
    const State &s = levels[static_cast<size_t>(k)][static_cast<size_t>(at)];
    result.order[static_cast<size_t>(k - 1)] = s.step;
    result.share[static_cast<size_t>(s.step)] = s.shared;
    at = s.parent;
  }
  return result;
}

size_t planned_arena(const Program &program) {
  Program copy = program;
  plan_memory(copy);
  return copy.scratch_size;
}

}  // namespace

void schedule_steps(Program &program) {
  const size_t n = program.steps.size();
  std::vector<int> original(n);
  for (size_t i = 0; i < n; ++i) original[i] = static_cast<int>(i);
  const Deps deps = dependencies(program.steps);
  const Model model = build_model(program);

  // A candidate: an order, and whether to withdraw the in-place permission
  // of the steps the search did not run in place (plan_memory picks in-place
  // steps by its own heuristics, which may miss the search's choice).
  struct Candidate {
    std::vector<int> order;
    std::vector<char> keep_in_place;  // per step; empty: keep all
  };
  std::vector<Candidate> candidates;
  for (Sharing sharing : {Sharing::Never, Sharing::Always, Sharing::Any}) {
    Schedule s = min_peak_order(model, deps, sharing);
    if (s.order.empty()) break;  // too many states; in-place choices only add more
    candidates.push_back({s.order, {}});
    if (sharing == Sharing::Any && !s.order.empty()) candidates.push_back({s.order, s.share});
  }
  for (bool in_place : {false, true}) candidates.push_back({greedy_order(model, deps, in_place), {}});

  // Plan each distinct candidate for real; the smallest arena wins, the
  // original order on a tie.
  const size_t original_arena = planned_arena(program);
  size_t best_arena = original_arena;
  const Candidate *best = nullptr;
  std::set<std::pair<std::vector<int>, std::vector<char>>> tried;
  for (const Candidate &c : candidates) {
    if (c.order.size() != n || c.order == original || !tried.emplace(c.order, c.keep_in_place).second) continue;
    Program trial = program;
    for (size_t i = 0; i < n; ++i) {
      const size_t from = static_cast<size_t>(c.order[i]);
      trial.steps[i] = program.steps[from];
      if (!c.keep_in_place.empty() && !c.keep_in_place[from]) trial.steps[i].call.in_place_inputs.clear();
    }
    const size_t arena = planned_arena(trial);
    if (arena < best_arena) best_arena = arena, best = &c;
  }
  program.schedule.original_arena_bytes = original_arena;
  program.schedule.steps_moved = 0;
  if (!best) return;
  std::vector<LoweredStep> steps;
  steps.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const size_t from = static_cast<size_t>(best->order[i]);
    steps.push_back(std::move(program.steps[from]));
    if (!best->keep_in_place.empty() && !best->keep_in_place[from]) steps.back().call.in_place_inputs.clear();
    if (from != i) ++program.schedule.steps_moved;
  }
  program.steps = std::move(steps);
}

}  // namespace aotc
