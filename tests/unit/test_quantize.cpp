// The quantization ops (ops/quantize.cpp) on hand-built graphs: constant
// folding runs the runtime-c kernels (quantize.c) inside the compiler, so
// QuantizeLinear's rounding and saturation are checked here as the compiler
// sees them; and bad combinations give one error naming the node and op.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "passes/pipeline.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;
using Catch::Matchers::Contains;

namespace {

template <typename T>
Value *typed_constant(Graph &g, const std::string &name, DType dtype, const std::vector<T> &values, Shape shape) {
  Tensor t = make_tensor(dtype, std::move(shape));
  REQUIRE(static_cast<size_t>(t.count()) == values.size());
  for (size_t i = 0; i < values.size(); ++i) t.data<T>()[i] = values[i];
  return g.add_constant(name, std::move(t));
}

template <typename T>
std::vector<int> ints_of(const Value &v) {
  REQUIRE(v.is_constant());
  const T *p = v.constant->data<T>();
  return std::vector<int>(p, p + v.constant->count());
}

Node *quant_node(Graph &g, const std::string &op, std::vector<Value *> ins, Value *out, int opset = 21) {
  Node *n = node(g, op, "q", std::move(ins), {out});
  n->opset = opset;
  return n;
}

}  // namespace

TEST_CASE("QuantizeLinear folds with round half to even and saturation", "[quantize]") {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  Graph g;
  g.opsets[""] = 21;
  Value *x = f32_constant(g, "x", {2.5f, 3.5f, -2.5f, -3.5f, 0.5f, 1.5f, 1000.0f, -1000.0f, inf, -inf, nan}, {11});
  Value *s = f32_constant(g, "s", {1.0f}, {});
  SECTION("int8") {
    Value *z = typed_constant<int8_t>(g, "z", DType::Int8, {0}, {});
    Value *y = temp(g, "y");
    quant_node(g, "QuantizeLinear", {x, s, z}, y);
    set_output(g, y);
    infer_shapes_and_fold(g);
    CHECK(ints_of<int8_t>(*g.outputs[0]) == std::vector<int>{2, 4, -2, -4, 0, 2, 127, -128, 127, -128, -128});
  }
  SECTION("uint8 with a zero point, no zero point input means uint8") {
    Value *z = typed_constant<uint8_t>(g, "z", DType::UInt8, {10}, {});
    Value *y = temp(g, "y"), *y2 = temp(g, "y2");
    quant_node(g, "QuantizeLinear", {x, s, z}, y);
    node(g, "QuantizeLinear", "q2", {x, s}, {y2})->opset = 21;
    set_output(g, y);
    set_output(g, y2);
    infer_shapes_and_fold(g);
    CHECK(ints_of<uint8_t>(*g.outputs[0]) == std::vector<int>{12, 14, 8, 6, 10, 12, 255, 0, 255, 0, 0});
    CHECK(g.outputs[1]->dtype == DType::UInt8);
    CHECK(ints_of<uint8_t>(*g.outputs[1]) == std::vector<int>{2, 4, 0, 0, 0, 2, 255, 0, 255, 0, 0});
  }
  SECTION("int4 through output_dtype") {
    Value *y = temp(g, "y");
    quant_node(g, "QuantizeLinear", {x, s}, y)->attrs["output_dtype"].value = int64_t{22};
    set_output(g, y);
    infer_shapes_and_fold(g);
    CHECK(g.outputs[0]->dtype == DType::Int4);
    CHECK(ints_of<int8_t>(*g.outputs[0]) == std::vector<int>{2, 4, -2, -4, 0, 2, 7, -8, 7, -8, -8});
  }
}

TEST_CASE("QuantizeLinear and DequantizeLinear fold per axis and blocked", "[quantize]") {
  Graph g;
  g.opsets[""] = 21;
  std::vector<float> xs;
  for (int i = 0; i < 12; ++i) xs.push_back(static_cast<float>(i * 10));
  Value *x = f32_constant(g, "x", xs, {2, 3, 2});
  SECTION("per axis") {
    Value *s = f32_constant(g, "s", {1, 2, 4}, {3});
    Value *z = typed_constant<int8_t>(g, "z", DType::Int8, {0, 1, -1}, {3});
    Value *q = temp(g, "q"), *d = temp(g, "d");
    quant_node(g, "QuantizeLinear", {x, s, z}, q);
    node(g, "DequantizeLinear", "dq", {q, s, z}, {d})->opset = 21;
    set_output(g, q);
    set_output(g, d);
    infer_shapes_and_fold(g);
    // x / s rounded half to even, plus the zero point: 50 / 4 = 12.5 -> 12, 110 / 4 = 27.5 -> 28
    CHECK(ints_of<int8_t>(*g.outputs[0]) ==
          std::vector<int>{0, 10, 11, 16, 9, 11, 60, 70, 41, 46, 24, 27});
    const float *dq = g.outputs[1]->constant->data<float>();
    CHECK(std::vector<float>(dq, dq + 12) ==
          std::vector<float>{0, 10, 20, 30, 40, 48, 60, 70, 80, 90, 100, 112});
  }
  SECTION("blocked along axis 1, block 2 (the last block is partial)") {
    Value *s = f32_constant(g, "s", {1, 2, 4, 8, 16, 32, 64, 128}, {2, 2, 2});
    Value *q = temp(g, "q");
    Node *n = quant_node(g, "QuantizeLinear", {x, s}, q);
    n->attrs["block_size"].value = int64_t{2};
    n->attrs["output_dtype"].value = int64_t{3};
    set_output(g, q);
    infer_shapes_and_fold(g);
    // rows (o, a): scales [1, 2] for a = 0, 1 and [4, 8] for a = 2 (o = 0); [16, 32], [64, 128] for o = 1
    CHECK(ints_of<int8_t>(*g.outputs[0]) ==
          std::vector<int>{0, 5, 20, 15, 10, 6, 4, 2, 5, 3, 2, 1});
  }
}

TEST_CASE("quantization ops reject bad combinations with one error naming the node", "[quantize]") {
  Graph g;
  g.opsets[""] = 21;
  SECTION("per-axis scale of the wrong length") {
    Value *x = input(g, "x", {2, 3});
    Value *s = f32_constant(g, "s", {1, 2}, {2});
    Value *y = temp(g, "y");
    quant_node(g, "QuantizeLinear", {x, s}, y);
    set_output(g, y);
    std::string msg = error_of([&] { infer_shapes_and_fold(g); });
    CHECK_THAT(msg, Contains("node 'q' (QuantizeLinear, opset 21)"));
    CHECK_THAT(msg, Contains("per-axis scale has 2 values"));
  }
  SECTION("blocked scale that does not match block_size") {
    Value *x = input(g, "x", {2, 6});
    Value *s = f32_constant(g, "s", {1, 2, 3, 4}, {2, 2});
    Value *y = temp(g, "y");
    quant_node(g, "DequantizeLinear", {x, s}, y)->attrs["block_size"].value = int64_t{2};
    x->dtype = DType::Int8;
    set_output(g, y);
    std::string msg = error_of([&] { infer_shapes_and_fold(g); });
    CHECK_THAT(msg, Contains("(DequantizeLinear, opset 21)"));
    CHECK_THAT(msg, Contains("ceil(6 / 2) = 3"));
  }
  SECTION("an int32 scale") {
    Value *x = input(g, "x", {4});
    Value *s = typed_constant<int32_t>(g, "s", DType::Int32, {2}, {});
    Value *y = temp(g, "y");
    quant_node(g, "QuantizeLinear", {x, s}, y, 25);
    set_output(g, y);
    CHECK_THAT(error_of([&] { infer_shapes_and_fold(g); }), Contains("scales, got i32"));
  }
  SECTION("float8 QLinearMatMul") {
    Value *a = input(g, "a", {2, 2}, DType::Float8E4M3FN), *b = input(g, "b", {2, 2}, DType::Int8);
    Value *s = f32_constant(g, "s", {1}, {});
    Value *za = typed_constant<uint8_t>(g, "za", DType::Float8E4M3FN, {0}, {});
    Value *zb = typed_constant<int8_t>(g, "zb", DType::Int8, {0}, {});
    Value *y = temp(g, "y");
    quant_node(g, "QLinearMatMul", {a, s, za, b, s, zb, s, zb}, y);
    set_output(g, y);
    std::string msg = error_of([&] { infer_shapes_and_fold(g); });
    CHECK_THAT(msg, Contains("(QLinearMatMul, opset 21)"));
    CHECK_THAT(msg, Contains("not f8e4m3fn"));
  }
  SECTION("MatMulInteger zero points that vary per batch") {
    Value *a = input(g, "a", {2, 3, 4}, DType::UInt8), *b = input(g, "b", {4, 5}, DType::UInt8);
    Value *za = typed_constant<uint8_t>(g, "za", DType::UInt8, {1, 2, 3, 4, 5, 6}, {2, 3, 1});
    Value *y = temp(g, "y");
    quant_node(g, "MatMulInteger", {a, b, za}, y, 10);
    set_output(g, y);
    std::string msg = error_of([&] { infer_shapes_and_fold(g); });
    CHECK_THAT(msg, Contains("(MatMulInteger, opset 10)"));
    CHECK_THAT(msg, Contains("per-batch values are not supported"));
  }
}
