// The static memory planner (passes/memory_planner.h) on synthetic and
// adversarial buffer sets. Plans are checked with an independent overlap
// check (not only the planner's own plan_is_valid), against the live-peak
// lower bound and the no-sharing upper bound.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "passes/memory_planner.h"

using namespace aotc;

namespace {

// Independent check: aligned offsets, inside the arena, no overlap in memory
// between buffers whose lifetimes overlap. Returns a description of the first
// problem, or "" if the plan is fine.
std::string check_plan(const std::vector<BufferRequest> &bufs, const MemoryPlan &plan, size_t align) {
  if (plan.offsets.size() != bufs.size()) return "wrong number of offsets";
  for (size_t i = 0; i < bufs.size(); ++i) {
    if (align > 1 && plan.offsets[i] % align != 0) return "offset " + std::to_string(i) + " misaligned";
    if (plan.offsets[i] + bufs[i].size > plan.total) return "buffer " + std::to_string(i) + " outside the arena";
    for (size_t j = 0; j < i; ++j) {
      bool live_together = bufs[i].first_use <= bufs[j].last_use && bufs[j].first_use <= bufs[i].last_use;
      if (!live_together || bufs[i].size == 0 || bufs[j].size == 0) continue;
      size_t a0 = plan.offsets[i], a1 = a0 + bufs[i].size, b0 = plan.offsets[j], b1 = b0 + bufs[j].size;
      if (a0 < b1 && b0 < a1) return "buffers " + std::to_string(j) + " and " + std::to_string(i) + " overlap";
    }
  }
  return "";
}

size_t sum_aligned(const std::vector<BufferRequest> &bufs, size_t align) {
  size_t n = 0;
  for (auto &b : bufs) n += align_up(b.size, align);
  return n;
}

void check_all_properties(const std::vector<BufferRequest> &bufs, size_t align) {
  MemoryPlan plan = plan_greedy_by_size(bufs, align);
  INFO("buffers: " << bufs.size() << ", alignment " << align);
  CHECK(check_plan(bufs, plan, align) == "");
  CHECK(plan_is_valid(bufs, plan));
  CHECK(plan.total >= live_peak(bufs, align));
  CHECK(plan.total <= sum_aligned(bufs, align));
  // Deterministic: same input, same plan.
  MemoryPlan again = plan_greedy_by_size(bufs, align);
  CHECK(again.offsets == plan.offsets);
  CHECK(again.total == plan.total);
}

}  // namespace

TEST_CASE("align_up", "[planner]") {
  CHECK(align_up(5, 8) == 8);
  CHECK(align_up(8, 8) == 8);
  CHECK(align_up(0, 16) == 0);
  CHECK(align_up(17, 16) == 32);
  CHECK(align_up(7, 1) == 7);
  CHECK(align_up(7, 0) == 7);
}

TEST_CASE("empty and single-buffer plans", "[planner]") {
  MemoryPlan empty = plan_greedy_by_size({}, 16);
  CHECK(empty.total == 0);
  CHECK(empty.offsets.empty());
  MemoryPlan one = plan_greedy_by_size({{100, 0, 3}}, 16);
  CHECK(one.offsets == std::vector<size_t>{0});
  CHECK(one.total == 112);
}

TEST_CASE("buffers with disjoint lifetimes share memory", "[planner]") {
  // A chain a -> b -> c -> d: each buffer lives for two steps.
  std::vector<BufferRequest> chain = {{64, 0, 1}, {64, 1, 2}, {64, 2, 3}, {64, 3, 4}};
  MemoryPlan plan = plan_greedy_by_size(chain, 16);
  CHECK(check_plan(chain, plan, 16) == "");
  CHECK(plan.total == 128);  // ping-pong: exactly the live peak
  CHECK(plan.offsets[0] == plan.offsets[2]);
  CHECK(plan.offsets[1] == plan.offsets[3]);

  // Two buffers never live together: one slot of the larger size.
  std::vector<BufferRequest> two = {{100, 0, 0}, {48, 1, 1}};
  MemoryPlan p2 = plan_greedy_by_size(two, 16);
  CHECK(p2.total == 112);
  CHECK(p2.offsets[0] == 0);
  CHECK(p2.offsets[1] == 0);
}

TEST_CASE("buffers live at the same step never share memory", "[planner]") {
  // Lifetimes that only touch at one step are still live together (inclusive ranges).
  std::vector<BufferRequest> bufs = {{32, 0, 2}, {32, 2, 4}};
  MemoryPlan plan = plan_greedy_by_size(bufs, 1);
  CHECK(plan.total == 64);
  CHECK(plan.offsets[0] != plan.offsets[1]);
  CHECK(check_plan(bufs, plan, 1) == "");
}

TEST_CASE("plan_is_valid rejects overlapping and out-of-arena plans", "[planner]") {
  std::vector<BufferRequest> bufs = {{32, 0, 2}, {32, 1, 3}};
  MemoryPlan overlapping{{0, 16}, 64};
  CHECK_FALSE(plan_is_valid(bufs, overlapping));
  MemoryPlan outside{{0, 40}, 64};
  CHECK_FALSE(plan_is_valid(bufs, outside));
  MemoryPlan fine{{0, 32}, 64};
  CHECK(plan_is_valid(bufs, fine));
  // Buffers not live together may overlap.
  std::vector<BufferRequest> apart = {{32, 0, 0}, {32, 1, 1}};
  CHECK(plan_is_valid(apart, MemoryPlan{{0, 0}, 32}));
}

TEST_CASE("live_peak is the largest aligned sum live at one step", "[planner]") {
  std::vector<BufferRequest> bufs = {{10, 0, 1}, {20, 1, 2}, {30, 3, 3}};
  CHECK(live_peak(bufs, 1) == 30);   // step 1: 10 + 20; step 3: 30
  CHECK(live_peak(bufs, 16) == 48);  // aligned: 16 + 32 at step 1; 32 at step 3
  CHECK(live_peak({}, 16) == 0);
}

TEST_CASE("adversarial buffer sets", "[planner]") {
  SECTION("zero-size buffers") { check_all_properties({{0, 0, 5}, {0, 1, 1}, {16, 0, 5}, {0, 2, 3}}, 16); }
  SECTION("all live at once: no sharing possible") {
    std::vector<BufferRequest> bufs;
    for (size_t i = 1; i <= 20; ++i) bufs.push_back({i * 7, 0, 10});
    MemoryPlan plan = plan_greedy_by_size(bufs, 8);
    CHECK(check_plan(bufs, plan, 8) == "");
    CHECK(plan.total == sum_aligned(bufs, 8));
    CHECK(plan.total == live_peak(bufs, 8));
  }
  SECTION("one long-lived small buffer among short large ones") {
    std::vector<BufferRequest> bufs = {{8, 0, 100}};
    for (int t = 0; t < 100; ++t) bufs.push_back({1000, t, t});
    check_all_properties(bufs, 16);
    MemoryPlan plan = plan_greedy_by_size(bufs, 16);
    CHECK(plan.total == 1008 + 16);  // the short buffers all share one slot
  }
  SECTION("sizes not multiples of the alignment") {
    check_all_properties({{1, 0, 1}, {3, 1, 2}, {5, 2, 3}, {7, 0, 3}, {9, 1, 1}}, 16);
    check_all_properties({{1, 0, 1}, {3, 1, 2}, {5, 2, 3}, {7, 0, 3}, {9, 1, 1}}, 64);
  }
  SECTION("gaps: a small late buffer fits into a hole") {
    // Big buffers at [0,A) and [A,2A) early; later the first dies, so a
    // medium buffer can reuse its hole while the second is still live.
    std::vector<BufferRequest> bufs = {{256, 0, 1}, {256, 0, 3}, {128, 2, 3}};
    MemoryPlan plan = plan_greedy_by_size(bufs, 16);
    CHECK(check_plan(bufs, plan, 16) == "");
    CHECK(plan.total == 512);
  }
  SECTION("identical buffers (ties)") {
    std::vector<BufferRequest> bufs(12, BufferRequest{48, 0, 0});
    for (int i = 0; i < 12; ++i) bufs[static_cast<size_t>(i)] = {48, i / 3, i / 3 + 1};
    check_all_properties(bufs, 16);
  }
}

TEST_CASE("random buffer sets satisfy every property", "[planner]") {
  std::mt19937 rng(12345);
  for (int trial = 0; trial < 300; ++trial) {
    int steps = 1 + static_cast<int>(rng() % 40);
    size_t n = rng() % 30;
    std::vector<BufferRequest> bufs;
    for (size_t i = 0; i < n; ++i) {
      int a = static_cast<int>(rng() % static_cast<unsigned>(steps));
      int b = static_cast<int>(rng() % static_cast<unsigned>(steps));
      // Mostly small, occasionally huge, sometimes empty.
      size_t size = rng() % 10 == 0 ? rng() % 100000 : rng() % 10 == 1 ? 0 : rng() % 2000;
      bufs.push_back({size, std::min(a, b), std::max(a, b)});
    }
    size_t align = size_t{1} << (rng() % 7);  // 1..64
    INFO("trial " << trial);
    check_all_properties(bufs, align);
  }
}

TEST_CASE("best-of-orders planner is valid and never worse than greedy by size", "[planner]") {
  std::mt19937 rng(777);
  for (int trial = 0; trial < 200; ++trial) {
    int steps = 2 + static_cast<int>(rng() % 30);
    std::vector<BufferRequest> bufs;
    for (size_t i = 0, n = 1 + rng() % 25; i < n; ++i) {
      int a = static_cast<int>(rng() % static_cast<unsigned>(steps));
      int b = static_cast<int>(rng() % static_cast<unsigned>(steps));
      bufs.push_back({1 + rng() % 5000, std::min(a, b), std::max(a, b)});
    }
    INFO("trial " << trial);
    MemoryPlan best = plan_best_greedy(bufs, 16);
    REQUIRE(check_plan(bufs, best, 16).empty());
    REQUIRE(best.total <= plan_greedy_by_size(bufs, 16).total);
    REQUIRE(best.total >= live_peak(bufs, 16));
  }
}

TEST_CASE("best-of-orders packs a residual-like chain at its live peak", "[planner]") {
  std::vector<BufferRequest> bufs = {{64, 0, 1}, {32, 1, 3}, {64, 2, 3}, {96, 4, 5}, {32, 3, 4}};
  MemoryPlan best = plan_best_greedy(bufs, 16);
  REQUIRE(check_plan(bufs, best, 16).empty());
  REQUIRE(best.total == live_peak(bufs, 16));
}

TEST_CASE("a group shares one offset and grows only where a larger member lives", "[planner][group]") {
  // Buffer 0 (group 7) is written over in place by buffer 1 (group 7, twice
  // as large) at step 1; buffer 2 lives at steps 0..0 only, buffer 3 at 2..3.
  // As one storage of 64 bytes for steps 0..3, the group could not share
  // with buffer 2; as a group it needs 64 bytes from step 1 on only.
  std::vector<BufferRequest> bufs = {{32, 0, 1, 7}, {64, 1, 3, 7}, {48, 0, 0}, {16, 2, 3}};
  CHECK(live_peak(bufs, 16) == 80);  // step 0: 32 + 48; steps 1..3: at most 64 + 16
  for (const MemoryPlan &plan : {plan_greedy_by_size(bufs, 16), plan_best_greedy(bufs, 16)}) {
    CHECK(plan.offsets[0] == plan.offsets[1]);
    CHECK(plan_is_valid(bufs, plan));
    // Outside the group, the independent check still applies: buffer 2 is
    // live with buffer 0, buffer 3 with buffer 1.
    std::vector<BufferRequest> others = {bufs[0], bufs[2]}, later = {bufs[1], bufs[3]};
    CHECK(check_plan(others, MemoryPlan{{plan.offsets[0], plan.offsets[2]}, plan.total}, 16) == "");
    CHECK(check_plan(later, MemoryPlan{{plan.offsets[1], plan.offsets[3]}, plan.total}, 16) == "");
  }
  CHECK(plan_best_greedy(bufs, 16).total == 80);
  // Members of a group at different offsets are not a valid plan; members
  // overlapping each other in time at one offset are.
  CHECK_FALSE(plan_is_valid(bufs, MemoryPlan{{0, 64, 128, 176}, 192}));
  CHECK(plan_is_valid(bufs, MemoryPlan{{0, 0, 64, 64}, 128}));
}

TEST_CASE("random grouped buffer sets: groups share offsets, others never overlap", "[planner][group]") {
  std::mt19937 rng(99);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<BufferRequest> bufs;
    const int n = std::uniform_int_distribution<int>(1, 24)(rng);
    for (int i = 0; i < n; ++i) {
      BufferRequest b;
      b.size = std::uniform_int_distribution<size_t>(0, 300)(rng);
      b.first_use = std::uniform_int_distribution<int>(0, 15)(rng);
      b.last_use = b.first_use + std::uniform_int_distribution<int>(0, 5)(rng);
      b.group = std::uniform_int_distribution<int>(0, 3)(rng) == 0 ? std::uniform_int_distribution<int>(0, 3)(rng) : -1;
      bufs.push_back(b);
    }
    for (size_t align : {size_t{1}, size_t{16}}) {
      MemoryPlan plan = plan_best_greedy(bufs, align);
      INFO("trial " << trial << ", alignment " << align);
      CHECK(plan_is_valid(bufs, plan));
      CHECK(plan.total >= live_peak(bufs, align));
      for (size_t i = 0; i < bufs.size(); ++i) {
        CHECK(plan.offsets[i] % align == 0);
        for (size_t j = 0; j < i; ++j) {
          const bool grouped = bufs[i].group >= 0 && bufs[i].group == bufs[j].group;
          if (grouped) CHECK(plan.offsets[i] == plan.offsets[j]);
          if (grouped) continue;
          std::vector<BufferRequest> pair = {bufs[j], bufs[i]};
          CHECK(check_plan(pair, MemoryPlan{{plan.offsets[j], plan.offsets[i]}, plan.total}, align) == "");
        }
      }
    }
  }
}

TEST_CASE("plan_best_searched reaches the live peak where every greedy order misses it", "[planner]") {
  // ResNet-8's arena buffers on AVX-512 hosts (size, first use, last use), Winograd's scratch among them:
  // each greedy order puts the 105 KB scratch of step 5 where a 32 KB activation of steps 4-5 would have fit.
  const std::vector<BufferRequest> bufs = {
      {12288, 0, 0},  {65536, 0, 2},  {14000, 0, 0},  {65536, 1, 2},  {62400, 1, 1},  {65536, 2, 4},
      {62400, 2, 2},  {32768, 3, 5},  {74112, 3, 3},  {32768, 4, 5},  {65664, 4, 4},  {32768, 5, 7},
      {105216, 5, 5}, {16384, 6, 8},  {41600, 6, 6},  {16384, 7, 8},  {32896, 7, 7},  {16384, 8, 9},
      {25728, 8, 8},  {256, 9, 10},   {40, 10, 10},   {0, 10, 10}};
  const size_t align = 64, bound = live_peak(bufs, align);
  CHECK(bound == 259008);
  CHECK(plan_best_greedy(bufs, align).total > bound);
  const MemoryPlan plan = plan_best_searched(bufs, align);
  CHECK(plan.total == bound);
  CHECK(check_plan(bufs, plan, align) == "");
  CHECK(plan_best_searched(bufs, align).offsets == plan.offsets);  // deterministic
}
