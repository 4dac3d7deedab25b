// Attention (ops/attention.cpp) on hand-built graphs: constant folding runs
// runtime-c/kernels/attention.c inside the compiler, so the values below,
// worked out by hand, check the kernel. The node tests never give a mask
// shorter than the keys, where opsets 23 and 24 differ.
#include <catch2/catch.hpp>

#include "passes/pipeline.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;

namespace {

float attention_with_short_mask(int opset) {
  Graph g;
  g.opsets[""] = opset;
  // One head, one query, two keys of size 2: scores q.k / sqrt(2) = 1/sqrt(2) and 0.
  Value *q = f32_constant(g, "q", {1, 0}, {1, 1, 1, 2});
  Value *k = f32_constant(g, "k", {1, 0, 0, 0}, {1, 1, 2, 2});
  Value *v = f32_constant(g, "v", {10, 20}, {1, 1, 2, 1});
  Tensor mask = make_tensor(DType::Bool, {1, 1, 1, 1});  // covers the first key only
  mask.bytes[0] = 1;
  Value *y = temp(g, "y");
  node(g, "Attention", "attention", {q, k, v, g.add_constant("mask", mask)}, {y})->opset = opset;
  set_output(g, y);
  infer_shapes_and_fold(g);
  REQUIRE(g.outputs[0]->is_constant());
  REQUIRE(g.outputs[0]->shape == Shape{1, 1, 1, 1});
  return g.outputs[0]->constant->data<float>()[0];
}

}  // namespace

TEST_CASE("Attention-23 broadcasts a mask shorter than the keys; Attention-24 masks the keys past it", "[attention]") {
  // Opset 23: both keys attend, weights softmax(1/sqrt(2), 0) = 0.66976, 0.33024.
  CHECK(attention_with_short_mask(23) == Approx(10 * 0.66976155 + 20 * 0.33023845).epsilon(1e-6));
  // Opset 24: the second key is masked out (-inf), so all weight is on the first.
  CHECK(attention_with_short_mask(24) == Approx(10.0).epsilon(1e-6));
}
