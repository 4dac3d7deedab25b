// schedule_steps (passes/schedule_steps.cpp): on a branchy graph it finds an
// order with a strictly smaller arena, computed here by hand; on random DAGs
// every order it picks respects the step dependencies (checked independently
// below), plans no larger than the node order, and passes check_memory_plan.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "passes/check_plan.h"
#include "passes/pipeline.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;

namespace {

// y = x . W with a constant W: x f32[1,k] -> f32[1,m].
Value *matmul(Graph &g, Value *x, int64_t k, int64_t m, const std::string &name) {
  Value *w = f32_constant(g, name + "_w", std::vector<float>(static_cast<size_t>(k * m), 0.5f), {k, m});
  Value *y = temp(g, name);
  node(g, "MatMul", name, {x, w}, {y});
  return y;
}

// A convolution of x f32[1,cin,8,8] to f32[1,cout,8,8]: 1x1, or 3x3 depthwise
// (cout == cin); both may run in place on Cortex-M.
Value *conv(Graph &g, Value *x, int64_t cin, int64_t cout, bool depthwise, const std::string &name) {
  const int64_t k = depthwise ? 3 : 1, per_group = depthwise ? 1 : cin;
  Value *w = f32_constant(g, name + "_w", std::vector<float>(static_cast<size_t>(cout * per_group * k * k), 0.25f),
                          {cout, per_group, k, k});
  Value *y = temp(g, name);
  Node *n = node(g, "Conv", name, {x, w}, {y});
  n->attrs["kernel_shape"].value = std::vector<int64_t>{k, k};
  n->attrs["pads"].value = std::vector<int64_t>{k / 2, k / 2, k / 2, k / 2};
  if (depthwise) n->attrs["group"].value = cin;
  return y;
}

// Lowers `g` (after the graph pipeline) without scheduling or planning.
Program lowered(Graph &g, IoMode io, const std::string &target = default_target_name()) {
  run_graph_pipeline(g, find_target(target));
  Program p = lower_graph(g, find_target(target));
  p.arena_alignment = 16;
  p.io = io;
  return p;
}

size_t plan_of(Program p) {
  plan_memory(p);
  return p.scratch_size;
}

// The tensor values a step reads and writes (aliases: alias_in, alias_out).
void values_of(const LoweredStep &s, std::set<const Value *> &reads, std::set<const Value *> &writes) {
  reads.clear(), writes.clear();
  if (s.is_alias()) {
    reads.insert(s.alias_in), writes.insert(s.alias_out);
    return;
  }
  for (const KernelArg &a : s.call.args)
    if (a.kind == KernelArg::Kind::Tensor && a.value) (a.writes ? writes : reads).insert(a.value);
}

// "" if `after` is a permutation of `before` in which every pair of steps that
// conflict (one writes a value the other reads or writes) keeps its order.
std::string check_order(const std::vector<LoweredStep> &before, const std::vector<LoweredStep> &after) {
  if (before.size() != after.size()) return "step count changed";
  // Steps are told apart by their node, kernel and tensor arguments.
  auto key = [](const LoweredStep &s) {
    std::vector<const void *> k = {s.node, s.alias_in, s.alias_out};
    for (const KernelArg &a : s.call.args) k.push_back(a.value);
    return std::make_pair(s.call.kernel, k);
  };
  std::map<std::pair<std::string, std::vector<const void *>>, std::vector<size_t>> position;
  for (size_t i = 0; i < after.size(); ++i) position[key(after[i])].push_back(i);
  std::vector<size_t> pos(before.size());
  for (size_t i = 0; i < before.size(); ++i) {
    auto it = position.find(key(before[i]));
    if (it == position.end() || it->second.empty()) return "step " + std::to_string(i) + " is missing";
    pos[i] = it->second.front();
    it->second.erase(it->second.begin());
  }
  std::set<const Value *> ra, wa, rb, wb;
  for (size_t a = 0; a < before.size(); ++a) {
    values_of(before[a], ra, wa);
    for (size_t b = a + 1; b < before.size(); ++b) {
      values_of(before[b], rb, wb);
      bool conflict = false;
      for (const Value *v : wa) conflict = conflict || rb.count(v) || wb.count(v);
      for (const Value *v : ra) conflict = conflict || wb.count(v);
      if (conflict && pos[b] < pos[a])
        return "steps " + std::to_string(a) + " and " + std::to_string(b) + " swapped but depend on each other";
    }
  }
  return "";
}

std::vector<std::string> step_names(const Program &p) {
  std::vector<std::string> names;
  for (const LoweredStep &s : p.steps) names.push_back(s.node ? s.node->name : s.call.kernel);
  return names;
}

}  // namespace

TEST_CASE("schedule_steps runs the branch with the large transient first", "[schedule]") {
  // x f32[1,16] -> b1 = x.W f32[1,64]                      (small branch, first in node order)
  //             -> a1 = x.W f32[1,256] -> a2 = a1.W f32[1,4] (large transient, small result)
  // y = Concat(a2, b1) f32[1,68] (two copies into y). All I/O in the arena, 16-byte alignment:
  // x 64 B, b1 256 B, a1 1024 B, a2 16 B, y 272 B.
  //   node order b1, a1, a2, y: at a1, x + b1 + a1 = 1344 B live.
  //   a1, a2, b1, y: at a2, x + a1 + a2 = 1104 B; at b1, x + a2 + b1 = 336 B;
  //   at y, a2 + b1 + y = 544 B. No order does better (a1 needs x + a1 = 1088
  //   B, and running b1 before a1 finishes keeps its 256 B next to them).
  Graph g;
  g.name = "inception";
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 16});
  Value *b1 = matmul(g, x, 16, 64, "b1");
  Value *a1 = matmul(g, x, 16, 256, "a1");
  Value *a2 = matmul(g, a1, 256, 4, "a2");
  Value *y = temp(g, "y");
  node(g, "Concat", "concat", {a2, b1}, {y})->attrs["axis"].value = int64_t{1};
  set_output(g, y);
  Program p = lowered(g, IoMode::Arena);
  REQUIRE(step_names(p) == std::vector<std::string>{"b1", "a1", "a2", "concat", "concat"});
  const std::vector<LoweredStep> before = p.steps;
  CHECK(plan_of(p) == 1344);

  schedule_steps(p);
  CHECK(step_names(p) == std::vector<std::string>{"a1", "a2", "b1", "concat", "concat"});
  CHECK(check_order(before, p.steps) == "");
  CHECK(p.schedule.original_arena_bytes == 1344);
  CHECK(p.schedule.steps_moved == 3);
  plan_memory(p);
  CHECK(p.scratch_size == 1104);
  CHECK(p.live_peak_bytes == 1104);
  CHECK_NOTHROW(check_memory_plan(p));

  // lower_and_plan schedules too. There b1 is written into its slice of y
  // (its copy goes: y's 272 B then live from b1's step, where a1 has died); a2
  // is not (y next to a1 at a2's step would be 1360 B).
  Program q = lower_and_plan(g, 16);
  CHECK(step_names(q) == std::vector<std::string>{"a1", "a2", "b1", "concat"});
  CHECK(q.slice_of.count(b1) == 1);
  CHECK(q.slice_of.count(a2) == 0);
  CHECK(q.scratch_size == 1104);
}

TEST_CASE("schedule_steps keeps the node order when nothing is gained", "[schedule]") {
  // Two branches of the same shape: either order plans the same arena.
  Graph g;
  g.name = "twins";
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 16});
  Value *a = matmul(g, matmul(g, x, 16, 64, "a1"), 64, 8, "a2");
  Value *b = matmul(g, matmul(g, x, 16, 64, "b1"), 64, 8, "b2");
  Value *y = temp(g, "y");
  node(g, "Concat", "concat", {a, b}, {y})->attrs["axis"].value = int64_t{1};
  set_output(g, y);
  Program p = lowered(g, IoMode::Arena);
  const std::vector<std::string> names = step_names(p);
  const size_t arena = plan_of(p);
  schedule_steps(p);
  CHECK(step_names(p) == names);
  CHECK(p.schedule.steps_moved == 0);
  CHECK(p.schedule.original_arena_bytes == arena);
}

// Schedules `p` and checks the result against the node order: a valid order,
// an arena no larger, a plan that passes check_memory_plan. Returns whether
// the arena shrank.
bool check_scheduled(Program &p) {
  const std::vector<LoweredStep> before = p.steps;
  const size_t original = plan_of(p);
  schedule_steps(p);
  CHECK(check_order(before, p.steps) == "");
  CHECK(p.schedule.original_arena_bytes == original);
  plan_memory(p);
  CHECK(p.scratch_size <= original);
  CHECK_NOTHROW(check_memory_plan(p));
  CHECK((p.scratch_size < original) == (p.schedule.steps_moved > 0));
  return p.scratch_size < original;
}

// The sanitized Debug build runs the first third of the random DAGs (35x
// slower there: 108 s for all of them); the plain build runs them all.
#if defined(__SANITIZE_ADDRESS__)  // (GCC's; Clang's is __has_feature below)
constexpr int kRandomDagTrials = 20;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int kRandomDagTrials = 20;
#else
constexpr int kRandomDagTrials = 60;
#endif
#else
constexpr int kRandomDagTrials = 60;
#endif

TEST_CASE("schedule_steps on random DAGs: valid orders, never a larger arena", "[schedule]") {
  std::mt19937 rng(20261203);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int improved = 0;
  for (int trial = 0; trial < kRandomDagTrials; ++trial) {
    INFO("trial " << trial);
    Graph g;
    g.name = "random";
    g.opsets[""] = 13;
    std::vector<Value *> values;
    std::vector<int64_t> widths;  // f32[1,width]
    for (const char *name : {"x", "z"}) {
      if (!values.empty() && pick(0, 1)) break;
      widths.push_back(4 * pick(1, 16));
      values.push_back(input(g, name, {1, widths.back()}));
    }
    std::set<Value *> read;
    const int nodes = pick(4, 24);
    for (int i = 0; i < nodes; ++i) {
      const std::string name = "n" + std::to_string(i);
      const size_t in = static_cast<size_t>(pick(0, static_cast<int>(values.size()) - 1));
      read.insert(values[in]);
      switch (pick(0, 3)) {
        case 0:
        case 1:
          widths.push_back(4 * pick(1, 64));
          values.push_back(matmul(g, values[in], widths[in], widths.back(), name));
          break;
        case 2: {
          Value *out = temp(g, name);
          node(g, pick(0, 1) ? "Relu" : "Sigmoid", name, {values[in]}, {out});
          widths.push_back(widths[in]);
          values.push_back(out);
          break;
        }
        default: {
          const size_t other = static_cast<size_t>(pick(0, static_cast<int>(values.size()) - 1));
          read.insert(values[other]);
          Value *out = temp(g, name);
          node(g, "Concat", name, {values[in], values[other]}, {out})->attrs["axis"].value = int64_t{1};
          widths.push_back(widths[in] + widths[other]);
          values.push_back(out);
        }
      }
    }
    // Every value nobody reads is an output (else dead-code elimination takes
    // it), and sometimes one that is read.
    for (Value *v : values)
      if (v->kind != Value::Kind::Input && (!read.count(v) || pick(0, 9) == 0)) set_output(g, v);
    if (g.outputs.empty()) set_output(g, values.back());
    const IoMode io = pick(0, 1) ? IoMode::Arena : IoMode::Separate;
    Program p = lowered(g, io);
    improved += check_scheduled(p);
  }
  // Random branchy graphs leave room for a better order now and then.
  CHECK(improved > 0);
}

TEST_CASE("schedule_steps on random conv DAGs for Cortex-M4, with in-place kernels", "[schedule]") {
  // 1x1 and depthwise convs run in place on Cortex-M; the search decides
  // which do, and may withdraw the permission where it plans better without.
  std::mt19937 rng(7);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int improved = 0;
  for (int trial = 0; trial < 30; ++trial) {
    INFO("trial " << trial);
    Graph g;
    g.name = "random_conv";
    g.opsets[""] = 13;
    std::vector<int64_t> channels = {4 * pick(1, 4)};
    std::vector<Value *> values = {input(g, "x", {1, channels[0], 8, 8})};
    std::set<Value *> read;
    const int nodes = pick(4, 16);
    for (int i = 0; i < nodes; ++i) {
      const std::string name = "n" + std::to_string(i);
      const size_t in = static_cast<size_t>(pick(0, static_cast<int>(values.size()) - 1));
      read.insert(values[in]);
      const int op = pick(0, 3);
      if (op == 3) {
        const size_t other = static_cast<size_t>(pick(0, static_cast<int>(values.size()) - 1));
        read.insert(values[other]);
        Value *out = temp(g, name);
        node(g, "Concat", name, {values[in], values[other]}, {out})->attrs["axis"].value = int64_t{1};
        channels.push_back(channels[in] + channels[other]);
        values.push_back(out);
        continue;
      }
      const bool depthwise = op == 2;
      channels.push_back(depthwise ? channels[in] : 4 * pick(1, 12));
      values.push_back(conv(g, values[in], channels[in], channels.back(), depthwise, name));
    }
    for (Value *v : values)
      if (v->kind != Value::Kind::Input && (!read.count(v) || pick(0, 9) == 0)) set_output(g, v);
    if (g.outputs.empty()) set_output(g, values.back());
    Program p = lowered(g, pick(0, 1) ? IoMode::Arena : IoMode::Separate, "cortex-m4");
    improved += check_scheduled(p);
  }
  CHECK(improved > 0);
}
