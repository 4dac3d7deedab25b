// Lowering logic of the indexing and signal ops (ops/einsum.cpp, ops/topk.cpp,
// ops/scatter_gather.cpp, ops/data_dependent.cpp) on hand-built graphs:
// constant folding runs the kernels inside the compiler, so these check the
// compile-time planning and the kernels together, against hand-worked results.
#include <catch2/catch.hpp>

#include "passes/pipeline.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;
using Catch::Matchers::Contains;

namespace {

std::vector<int64_t> ints_of(const Value &v) {
  REQUIRE(v.is_constant());
  return v.constant->to_ints();
}

}  // namespace

TEST_CASE("Einsum implicit output of a matrix product is 'ik'", "[index_ops]") {
  // 'ij,jk': i and k appear once, so the output is ik (sorted), j is summed.
  Graph g;
  g.opsets[""] = 13;
  Value *a = f32_constant(g, "a", {1, 2, 3, 4}, {2, 2});
  Value *b = f32_constant(g, "b", {5, 6, 7, 8}, {2, 2});
  Value *y = temp(g, "y");
  node(g, "Einsum", "e", {a, b}, {y})->attrs["equation"].value = std::string("ij,jk");
  set_output(g, y);
  infer_shapes_and_fold(g);
  CHECK(floats_of(*g.outputs[0]) == std::vector<float>{19, 22, 43, 50});
}

TEST_CASE("Einsum broadcasts ellipsis dims and takes diagonals", "[index_ops]") {
  // '...ii->...' : the trace of each [2, 2] matrix.
  Graph g;
  g.opsets[""] = 13;
  Value *a = f32_constant(g, "a", {1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2});
  Value *y = temp(g, "y");
  node(g, "Einsum", "e", {a}, {y})->attrs["equation"].value = std::string("...ii -> ...");
  set_output(g, y);
  infer_shapes_and_fold(g);
  CHECK(g.outputs[0]->shape == Shape{2});
  CHECK(floats_of(*g.outputs[0]) == std::vector<float>{5, 13});
}

TEST_CASE("TopK keeps the lower index first among equal values", "[index_ops]") {
  Graph g;
  g.opsets[""] = 13;
  Value *x = f32_constant(g, "x", {3, 1, 3, 2, 3}, {5});
  Value *k = g.add_constant("k", make_int64_tensor({2}, {1}));
  Value *values = temp(g, "values"), *indices = temp(g, "indices");
  node(g, "TopK", "t", {x, k}, {values, indices});
  set_output(g, values);
  set_output(g, indices);
  infer_shapes_and_fold(g);
  CHECK(floats_of(*g.outputs[0]) == std::vector<float>{3, 3});
  CHECK(ints_of(*g.outputs[1]) == std::vector<int64_t>{0, 2});
}

TEST_CASE("TopK with a run-time K names input 'K'", "[index_ops]") {
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {5});
  Value *k = input(g, "K_value", {1}, DType::Int64);
  Value *values = temp(g, "values"), *indices = temp(g, "indices");
  node(g, "TopK", "t", {x, k}, {values, indices});
  set_output(g, values);
  set_output(g, indices);
  CHECK_THAT(error_of([&] { infer_shapes_and_fold(g); }), Contains("input 'K'") && Contains("K_value") && Contains("compile-time constant"));
}

TEST_CASE("ScatterND rejects an out-of-range constant index", "[index_ops]") {
  Graph g;
  g.opsets[""] = 13;
  Value *data = input(g, "data", {4});
  Value *idx = g.add_constant("idx", make_int64_tensor({4}, {1, 1}));
  Value *upd = input(g, "upd", {1});
  Value *y = temp(g, "y");
  node(g, "ScatterND", "s", {data, idx, upd}, {y});
  set_output(g, y);
  CHECK_THAT(error_of([&] { infer_shapes_and_fold(g); }), Contains("index 4 is out of range"));
}

TEST_CASE("Compress with a run-time condition names it", "[index_ops]") {
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {3});
  Value *cond = input(g, "cond", {3}, DType::Bool);
  Value *y = temp(g, "y");
  node(g, "Compress", "c", {x, cond}, {y});
  set_output(g, y);
  CHECK_THAT(error_of([&] { infer_shapes_and_fold(g); }), Contains("input 'condition'") && Contains("'cond'") && Contains("compile-time constant"));
}
