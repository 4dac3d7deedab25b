// fuse_qdq (passes/fuse_qdq.cpp) on hand-built QDQ chains: what it fuses and,
// as much, what it must leave alone because ONNX Runtime would compute it in
// float (a Relu the Q does not make redundant, a DQ/Q pair around data
// movement whose scales differ). Whole models: tests/cli (qdq_cnn.onnx).
#include <catch2/catch.hpp>

#include "passes/pipeline.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;

namespace {

std::vector<std::string> ops_of(const Graph &g) {
  std::vector<std::string> ops;
  for (auto &n : g.nodes) ops.push_back(n->op);
  return ops;
}

Value *i8_scalar(Graph &g, const std::string &name, int8_t v) {
  Tensor t = make_tensor(DType::Int8, {});
  t.data<int8_t>()[0] = v;
  return g.add_constant(name, std::move(t));
}

// x -> Q -> DQ, per tensor int8; returns the DQ's output.
Value *qdq(Graph &g, Value *x, const std::string &name, float scale, int8_t zp) {
  Value *s = f32_constant(g, name + "_s", {scale}, {});
  Value *z = i8_scalar(g, name + "_z", zp);
  Value *q = temp(g, name + "_q"), *dq = temp(g, name + "_dq");
  node(g, "QuantizeLinear", name + "_quant", {x, s, z}, {q});
  node(g, "DequantizeLinear", name + "_dequant", {q, s, z}, {dq});
  return dq;
}

// x f32[1,4] -> QDQ -> Relu -> QDQ(zp_relu) -> Reshape [2,2] -> QDQ(scale_out) -> y.
Graph relu_reshape_chain(int8_t zp_relu, float scale_out) {
  Graph g;
  g.opsets[""] = 13;
  Value *x = qdq(g, input(g, "x", {1, 4}), "x", 0.1f, 3);
  Value *r = temp(g, "r");
  node(g, "Relu", "relu", {x}, {r});
  Value *rq = qdq(g, r, "r", 0.1f, zp_relu);
  Tensor shape = make_int64_tensor({2, 2}, {2});
  Value *target = g.add_constant("target", std::move(shape));
  Value *m = temp(g, "m");
  node(g, "Reshape", "reshape", {rq, target}, {m});
  set_output(g, qdq(g, m, "m", scale_out, zp_relu), "y");
  infer_shapes_and_fold(g, DequantizeFolding::Defer);
  fuse_qdq(g);
  eliminate_dead_code(g);
  verify_graph(g, true);
  return g;
}

}  // namespace

TEST_CASE("fuse_qdq drops a Relu whose Q saturates at zero, and a DQ/Q pair of equal scales", "[passes][qdq]") {
  Graph g = relu_reshape_chain(-128, 0.1f);
  // The Q after the Relu reads x's float directly; the Reshape moves its int8 result.
  REQUIRE(ops_of(g) == std::vector<std::string>{"QuantizeLinear", "DequantizeLinear", "QuantizeLinear", "Reshape",
                                                "DequantizeLinear"});
  CHECK(g.nodes[3]->input(0)->dtype == DType::Int8);
  CHECK(g.nodes[3]->output(0)->dtype == DType::Int8);
}

TEST_CASE("fuse_qdq keeps a Relu the Q does not clip and a DQ/Q pair of different scales", "[passes][qdq]") {
  // Zero point 0: Q(Relu(v)) differs from Q(v) for v < 0.
  Graph g = relu_reshape_chain(0, 0.2f);
  REQUIRE(ops_of(g) == std::vector<std::string>{"QuantizeLinear", "DequantizeLinear", "Relu", "QuantizeLinear",
                                                "DequantizeLinear", "Reshape", "QuantizeLinear",
                                                "DequantizeLinear"});
  CHECK(g.nodes[5]->output(0)->dtype == DType::Float);
}
