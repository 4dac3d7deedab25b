// Resize and Upsample (ops/resize.cpp) on hand-built graphs: constant folding
// runs the lowering's taps through runtime-c/kernels/resize.c inside the
// compiler, so the results below, worked out by hand, check both.
#include <catch2/catch.hpp>

#include "passes/pipeline.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;
using Catch::Matchers::Contains;

namespace {

Node *resize_node(Graph &g, std::vector<Value *> ins, Value *out, const std::string &mode) {
  Node *n = node(g, "Resize", "resize", std::move(ins), {out});
  n->opset = 19;
  n->attrs["mode"].value = mode;
  return n;
}

}  // namespace

TEST_CASE("Resize linear half_pixel 2x2 to 4x4", "[resize]") {
  // Along each axis x_ori = (j + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25:
  // the ends clamp to the edge, the middle weigh (0.75, 0.25) and (0.25, 0.75).
  Graph g;
  g.opsets[""] = 19;
  Value *x = f32_constant(g, "x", {1, 2, 3, 4}, {1, 1, 2, 2});
  Value *scales = f32_constant(g, "scales", {1, 1, 2, 2}, {4});
  Value *y = temp(g, "y");
  resize_node(g, {x, nullptr, scales}, y, "linear");
  set_output(g, y);
  infer_shapes_and_fold(g);
  CHECK(g.outputs[0]->shape == Shape{1, 1, 4, 4});
  CHECK(floats_of(*g.outputs[0]) == std::vector<float>{1.0f, 1.25f, 1.75f, 2.0f,   //
                                                        1.5f, 1.75f, 2.25f, 2.5f,  //
                                                        2.5f, 2.75f, 3.25f, 3.5f,  //
                                                        3.0f, 3.25f, 3.75f, 4.0f});
}

TEST_CASE("Resize linear align_corners 1x3 to 1x5 by sizes on axis 1", "[resize]") {
  // x_ori = j * (3 - 1) / (5 - 1) = 0, 0.5, 1, 1.5, 2.
  Graph g;
  g.opsets[""] = 19;
  Value *x = f32_constant(g, "x", {0, 4, 10}, {1, 3});
  Tensor sizes = make_int64_tensor({5}, {1});
  Value *s = g.add_constant("sizes", std::move(sizes));
  Value *y = temp(g, "y");
  Node *n = resize_node(g, {x, nullptr, nullptr, s}, y, "linear");
  n->attrs["axes"].value = std::vector<int64_t>{-1};
  n->attrs["coordinate_transformation_mode"].value = std::string("align_corners");
  set_output(g, y);
  infer_shapes_and_fold(g);
  CHECK(floats_of(*g.outputs[0]) == std::vector<float>{0, 2, 4, 7, 10});
}

TEST_CASE("Resize tf_crop_and_resize extrapolates outside the crop box", "[resize]") {
  // roi [0.5, 1.5] of a width of 3: x_ori = 1 + j * 2 / 2 = 1, 2, 3; 3 is past
  // the last index 2 and takes extrapolation_value.
  Graph g;
  g.opsets[""] = 19;
  Value *x = f32_constant(g, "x", {1, 2, 3}, {3});
  Value *roi = f32_constant(g, "roi", {0.5f, 1.5f}, {2});
  Tensor sizes = make_int64_tensor({3}, {1});
  Value *s = g.add_constant("sizes", std::move(sizes));
  Value *y = temp(g, "y");
  Node *n = resize_node(g, {x, roi, nullptr, s}, y, "linear");
  n->attrs["coordinate_transformation_mode"].value = std::string("tf_crop_and_resize");
  n->attrs["extrapolation_value"].value = 9.0f;
  set_output(g, y);
  infer_shapes_and_fold(g);
  CHECK(floats_of(*g.outputs[0]) == std::vector<float>{2, 3, 9});
}

TEST_CASE("Upsample nearest repeats uint8 elements", "[resize]") {
  Graph g;
  g.opsets[""] = 9;
  Tensor t = make_tensor(DType::UInt8, {1, 2});
  t.data<uint8_t>()[0] = 7;
  t.data<uint8_t>()[1] = 200;
  Value *x = g.add_constant("x", std::move(t));
  Value *scales = f32_constant(g, "scales", {2, 2}, {2});
  Value *y = temp(g, "y");
  Node *n = node(g, "Upsample", "up", {x, scales}, {y});
  n->opset = 9;
  set_output(g, y);
  infer_shapes_and_fold(g);
  REQUIRE(g.outputs[0]->shape == Shape{2, 4});
  const uint8_t *p = g.outputs[0]->constant->data<uint8_t>();
  CHECK(std::vector<int>(p, p + 8) == std::vector<int>{7, 7, 200, 200, 7, 7, 200, 200});
}

TEST_CASE("Resize needs constant scales and names them", "[resize]") {
  Graph g;
  g.opsets[""] = 19;
  Value *x = input(g, "x", {1, 1, 2, 2});
  Value *scales = input(g, "my_scales", {4});
  Value *y = temp(g, "y");
  resize_node(g, {x, nullptr, scales}, y, "nearest");
  set_output(g, y);
  std::string msg = error_of([&] { infer_shapes_and_fold(g); });
  CHECK_THAT(msg, Contains("my_scales") && Contains("compile-time constant"));
}

TEST_CASE("Resize linear over three axes reproduces a linear function", "[resize]") {
  // X[i, j, k] = 4i + 2j + k; align_corners 2 -> 3 maps output a to a / 2, and
  // linear interpolation is exact on a linear function: Y = 2a + b + c / 2.
  // Three separable passes: both scratch buffers are used.
  Graph g;
  g.opsets[""] = 19;
  Value *x = f32_constant(g, "x", {0, 1, 2, 3, 4, 5, 6, 7}, {2, 2, 2});
  Value *scales = f32_constant(g, "scales", {1.5f, 1.5f, 1.5f}, {3});
  Value *y = temp(g, "y");
  resize_node(g, {x, nullptr, scales}, y, "linear")->attrs["coordinate_transformation_mode"].value =
      std::string("align_corners");
  set_output(g, y);
  infer_shapes_and_fold(g);
  REQUIRE(g.outputs[0]->shape == Shape{3, 3, 3});
  std::vector<float> want;
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b)
      for (int c = 0; c < 3; ++c) want.push_back(2.0f * a + b + 0.5f * c);
  CHECK(floats_of(*g.outputs[0]) == want);
}

TEST_CASE("Upsample-7 linear takes scales as an attribute, asymmetric coordinates", "[resize]") {
  // x_ori = j / 2 = 0, 0.5, 1, 1.5; the last clamps to the edge.
  Graph g;
  g.opsets[""] = 7;
  Value *x = f32_constant(g, "x", {0, 4}, {1, 2});
  Value *y = temp(g, "y");
  Node *n = node(g, "Upsample", "up", {x}, {y});
  n->opset = 7;
  n->attrs["mode"].value = std::string("linear");
  n->attrs["scales"].value = std::vector<float>{1.0f, 2.0f};
  set_output(g, y);
  infer_shapes_and_fold(g);
  CHECK(floats_of(*g.outputs[0]) == std::vector<float>{0, 2, 4, 4});
}

TEST_CASE("Resize nearest tf_crop_and_resize fills uint8 with extrapolation_value", "[resize]") {
  // As the linear case above: x_ori = 1, 2, 3, and 3 lies outside.
  Graph g;
  g.opsets[""] = 19;
  Tensor t = make_tensor(DType::UInt8, {3});
  for (int i = 0; i < 3; ++i) t.data<uint8_t>()[i] = static_cast<uint8_t>(10 * (i + 1));
  Value *x = g.add_constant("x", std::move(t));
  Value *roi = f32_constant(g, "roi", {0.5f, 1.5f}, {2});
  Value *s = g.add_constant("sizes", make_int64_tensor({3}, {1}));
  Value *y = temp(g, "y");
  Node *n = resize_node(g, {x, roi, nullptr, s}, y, "nearest");
  n->attrs["coordinate_transformation_mode"].value = std::string("tf_crop_and_resize");
  SECTION("a value that fits") {
    n->attrs["extrapolation_value"].value = 5.0f;
    set_output(g, y);
    infer_shapes_and_fold(g);
    const uint8_t *p = g.outputs[0]->constant->data<uint8_t>();
    CHECK(std::vector<int>(p, p + 3) == std::vector<int>{20, 30, 5});
  }
  SECTION("a value that does not fit is an error") {
    n->attrs["extrapolation_value"].value = -1.0f;
    set_output(g, y);
    CHECK_THAT(error_of([&] { infer_shapes_and_fold(g); }), Contains("extrapolation_value -1 does not fit"));
  }
}
