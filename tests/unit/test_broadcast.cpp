// Broadcasting helpers (ops/op_util.h): broadcast_shapes, broadcast_strides
// and plan_broadcast's dim merging, including a brute-force check that a plan
// visits exactly the elements numpy broadcasting would.
#include <catch2/catch.hpp>

#include <random>

#include "ops/op_util.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;
using Catch::Matchers::Contains;

namespace {

Shape bcast(const std::vector<Shape> &shapes) {
  Node n;
  n.op = "Add";
  n.name = "bcast_node";
  n.opset = 13;
  OpContext ctx(n);
  return broadcast_shapes(ctx, shapes);
}

// Element offset of every output element in each operand, in row-major output
// order, computed the naive way (numpy semantics).
std::vector<std::vector<int64_t>> naive_offsets(const Shape &out, const std::vector<Shape> &ins) {
  std::vector<std::vector<int64_t>> result(ins.size());
  int64_t total = num_elements(out);
  for (int64_t flat = 0; flat < total; ++flat) {
    Shape idx(out.size());
    int64_t rest = flat;
    for (size_t d = out.size(); d-- > 0;) {
      idx[d] = rest % out[d];
      rest /= out[d];
    }
    for (size_t k = 0; k < ins.size(); ++k) {
      const Shape &s = ins[k];
      size_t offset = out.size() - s.size();
      int64_t off = 0;
      for (size_t d = 0; d < s.size(); ++d) off = off * s[d] + (s[d] == 1 ? 0 : idx[offset + d]);
      result[k].push_back(off);
    }
  }
  return result;
}

// The same walk through a BroadcastPlan (what the kernels do).
std::vector<std::vector<int64_t>> plan_offsets(const BroadcastPlan &plan, size_t n_inputs) {
  std::vector<std::vector<int64_t>> result(n_inputs);
  int64_t total = 1;
  for (int64_t d : plan.dims) total *= d;
  for (int64_t flat = 0; flat < total; ++flat) {
    int64_t rest = flat;
    std::vector<int64_t> off(n_inputs, 0);
    for (size_t d = plan.dims.size(); d-- > 0;) {
      int64_t i = rest % plan.dims[d];
      rest /= plan.dims[d];
      for (size_t k = 0; k < n_inputs; ++k) off[k] += i * plan.strides[k][d];
    }
    for (size_t k = 0; k < n_inputs; ++k) result[k].push_back(off[k]);
  }
  return result;
}

}  // namespace

TEST_CASE("broadcast_shapes follows numpy rules", "[broadcast]") {
  CHECK(bcast({{2, 3, 4}, {4}}) == Shape{2, 3, 4});
  CHECK(bcast({{2, 1, 4}, {3, 1}}) == Shape{2, 3, 4});
  CHECK(bcast({{}, {5}}) == Shape{5});
  CHECK(bcast({{}, {}}) == Shape{});
  CHECK(bcast({{1}, {1, 1, 1}}) == Shape{1, 1, 1});
  CHECK(bcast({{0, 3}, {1, 3}}) == Shape{0, 3});
  CHECK(bcast({{8, 1, 6, 1}, {7, 1, 5}, {1}}) == Shape{8, 7, 6, 5});
  CHECK(bcast({{3}, {3}, {3}}) == Shape{3});
}

TEST_CASE("broadcast_shapes rejects incompatible shapes, naming the node", "[broadcast]") {
  std::string msg = error_of([] { bcast({{2, 3}, {4}}); });
  CHECK_THAT(msg, Contains("node 'bcast_node' (Add, opset 13)"));
  CHECK_THAT(msg, Contains("[2,3]"));
  CHECK_THAT(msg, Contains("[4]"));
  CHECK_THAT(msg, Contains("cannot be broadcast"));
  CHECK_THAT(error_of([] { bcast({{2, 1}, {1, 3}, {3, 2}}); }), Contains("cannot be broadcast"));
  CHECK_THAT(error_of([] { bcast({{0}, {2}}); }), Contains("cannot be broadcast"));
}

TEST_CASE("contiguous_strides and broadcast_strides", "[broadcast]") {
  CHECK(contiguous_strides({2, 3, 4}) == std::vector<int64_t>{12, 4, 1});
  CHECK(contiguous_strides({}).empty());
  CHECK(broadcast_strides({3, 1}, {2, 3, 4}) == std::vector<int64_t>{0, 1, 0});
  CHECK(broadcast_strides({4}, {2, 3, 4}) == std::vector<int64_t>{0, 0, 1});
  CHECK(broadcast_strides({2, 3, 4}, {2, 3, 4}) == std::vector<int64_t>{12, 4, 1});
}

TEST_CASE("plan_broadcast merges dims as documented", "[broadcast]") {
  SECTION("the header's example: [2,3,4] + [4] -> dims [6,4]") {
    BroadcastPlan p = plan_broadcast({2, 3, 4}, {{2, 3, 4}, {4}});
    CHECK(p.dims == std::vector<int64_t>{6, 4});
    REQUIRE(p.strides.size() == 2);
    CHECK(p.strides[0] == std::vector<int64_t>{4, 1});
    CHECK(p.strides[1] == std::vector<int64_t>{0, 1});
  }
  SECTION("same shapes collapse to one contiguous dim") {
    BroadcastPlan p = plan_broadcast({2, 3, 4}, {{2, 3, 4}, {2, 3, 4}});
    CHECK(p.dims == std::vector<int64_t>{24});
    CHECK(p.strides[0] == std::vector<int64_t>{1});
    CHECK(p.strides[1] == std::vector<int64_t>{1});
  }
  SECTION("scalar operand: stride 0 everywhere") {
    BroadcastPlan p = plan_broadcast({2, 3}, {{2, 3}, {}});
    CHECK(p.dims == std::vector<int64_t>{6});
    CHECK(p.strides[1] == std::vector<int64_t>{0});
  }
  SECTION("size-1 dims are dropped") {
    BroadcastPlan p = plan_broadcast({1, 5, 1}, {{1, 5, 1}, {5, 1}});
    CHECK(p.dims == std::vector<int64_t>{5});
    CHECK(p.strides[0] == std::vector<int64_t>{1});
    CHECK(p.strides[1] == std::vector<int64_t>{1});
  }
  SECTION("per-channel bias [1,C,1,1] on [N,C,H,W] keeps three dims") {
    BroadcastPlan p = plan_broadcast({2, 3, 4, 5}, {{2, 3, 4, 5}, {1, 3, 1, 1}});
    CHECK(p.dims == std::vector<int64_t>{2, 3, 20});
    CHECK(p.strides[0] == std::vector<int64_t>{60, 20, 1});
    CHECK(p.strides[1] == std::vector<int64_t>{0, 1, 0});
  }
  SECTION("all-ones output has rank 0") {
    BroadcastPlan p = plan_broadcast({1, 1}, {{1, 1}, {1}});
    CHECK(p.dims.empty());
    CHECK(p.strides[0].empty());
  }
}

TEST_CASE("plan_broadcast visits the same elements as numpy broadcasting", "[broadcast]") {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 400; ++trial) {
    size_t rank = rng() % 5;
    Shape out(rank);
    for (auto &d : out) d = 1 + static_cast<int64_t>(rng() % 4);
    std::vector<Shape> ins;
    size_t n_inputs = 1 + rng() % 3;
    for (size_t k = 0; k < n_inputs; ++k) {
      size_t r = rng() % (rank + 1);  // right-aligned suffix, some dims broadcast
      Shape s(out.end() - static_cast<long>(r), out.end());
      for (auto &d : s)
        if (rng() % 3 == 0) d = 1;
      ins.push_back(s);
    }
    INFO("trial " << trial << " out " << shape_str(out));
    CHECK(bcast([&] {
            auto all = ins;
            all.push_back(out);
            return all;
          }()) == out);
    BroadcastPlan plan = plan_broadcast(out, ins);
    for (int64_t d : plan.dims) CHECK(d > 1);  // size-1 dims dropped
    CHECK(plan.dims.size() <= out.size());
    CHECK(plan_offsets(plan, ins.size()) == naive_offsets(out, ins));
  }
}
