// Graph passes on hand-built graphs: infer_shapes_and_fold (type inference,
// constant folding through the runtime-c kernels, the exporters' Shape ->
// Gather -> Unsqueeze -> Concat -> Reshape chain), remove_identities and
// eliminate_dead_code; kernels checked through folding (Sigmoid's accuracy,
// aotc.Silu, MaxPool's fast path against its general one).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "ops/op.h"
#include "passes/pipeline.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;
using Catch::Matchers::Contains;

namespace {

std::vector<std::string> ops_of(const Graph &g) {
  std::vector<std::string> ops;
  for (auto &n : g.nodes) ops.push_back(n->op);
  return ops;
}

}  // namespace

TEST_CASE("infer_shapes_and_fold infers shapes and folds constant elementwise nodes", "[passes]") {
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {2, 3});
  Value *a = f32_constant(g, "a", {1, 2}, {2, 1});
  Value *b = f32_constant(g, "b", {10, 20, 30}, {3});
  Value *k = temp(g, "k"), *kr = temp(g, "kr"), *y = temp(g, "y");
  node(g, "Add", "fold_add", {a, b}, {k});    // [2,1] + [3] -> [2,3], all constant
  node(g, "Relu", "fold_relu", {k}, {kr});    // still constant
  node(g, "Mul", "mul", {x, kr}, {y});        // depends on the input: stays
  set_output(g, y);

  infer_shapes_and_fold(g);
  CHECK(ops_of(g) == std::vector<std::string>{"Mul"});
  REQUIRE(g.nodes[0]->inputs[1]->is_constant());
  CHECK(g.nodes[0]->inputs[1]->shape == Shape{2, 3});
  CHECK(floats_of(*g.nodes[0]->inputs[1]) == std::vector<float>{11, 21, 31, 12, 22, 32});
  CHECK(y->shape_known);
  CHECK(y->dtype == DType::Float);
  CHECK(y->shape == Shape{2, 3});
  CHECK_NOTHROW(verify_graph(g, true));
}

TEST_CASE("infer_shapes_and_fold rejects unknown ops and attributes, naming the node", "[passes]") {
  SECTION("unsupported op") {
    Graph g;
    Value *x = input(g, "x", {2});
    Value *y = temp(g, "y");
    node(g, "NoSuchOp", "mystery", {x}, {y});
    set_output(g, y);
    std::string msg = error_of([&] { infer_shapes_and_fold(g); });
    CHECK_THAT(msg, Contains("node 'mystery' (NoSuchOp, opset 13)"));
    CHECK_THAT(msg, Contains("unsupported op"));
  }
  SECTION("unknown attribute") {
    Graph g;
    Value *x = input(g, "x", {2});
    Value *y = temp(g, "y");
    node(g, "Relu", "r", {x}, {y})->attrs["bogus"].value = int64_t{1};
    set_output(g, y);
    CHECK_THAT(error_of([&] { infer_shapes_and_fold(g); }), Contains("unknown attribute 'bogus'"));
  }
  SECTION("wrong number of inputs") {
    Graph g;
    Value *x = input(g, "x", {2});
    Value *y = temp(g, "y");
    node(g, "Add", "lonely_add", {x}, {y});
    set_output(g, y);
    CHECK_THAT(error_of([&] { infer_shapes_and_fold(g); }), Contains("node 'lonely_add'"));
  }
}

// Needs the shape ops (Shape, Gather, Unsqueeze, Concat, Reshape), which live in
// ops/shape_ops.cpp and ops/data_movement.cpp; fails with a clear message
// while they are not registered.
TEST_CASE("infer_shapes_and_fold turns a Shape->Gather->Unsqueeze->Concat->Reshape chain into a constant",
          "[passes][shape-ops]") {
  std::vector<std::string> missing;
  for (const char *op : {"Shape", "Gather", "Unsqueeze", "Concat", "Reshape"})
    if (!find_op("", op)) missing.push_back(op);
  if (!missing.empty()) {
    std::string list;
    for (auto &m : missing) list += " " + m;
    FAIL("ops not registered yet:" << list);
  }
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {2, 3, 4});
  Value *zero = g.add_constant("zero", make_int64_tensor({0}, {}));
  Value *axes = g.add_constant("axes", make_int64_tensor({0}, {1}));
  Value *minus1 = g.add_constant("minus1", make_int64_tensor({-1}, {1}));
  Value *shp = temp(g, "shp"), *batch = temp(g, "batch"), *b1 = temp(g, "b1"), *target = temp(g, "target");
  Value *r = temp(g, "r"), *y = temp(g, "y");
  node(g, "Shape", "shape", {x}, {shp});
  node(g, "Gather", "gather", {shp, zero}, {batch})->attrs["axis"].value = int64_t{0};
  node(g, "Unsqueeze", "unsqueeze", {batch, axes}, {b1});
  node(g, "Concat", "concat", {b1, minus1}, {target})->attrs["axis"].value = int64_t{0};
  node(g, "Reshape", "reshape", {x, target}, {r});
  node(g, "Relu", "relu", {r}, {y});
  set_output(g, y);

  infer_shapes_and_fold(g);
  CHECK(ops_of(g) == std::vector<std::string>{"Reshape", "Relu"});
  Value *shape_in = g.nodes[0]->inputs[1];
  REQUIRE(shape_in->is_constant());
  CHECK(shape_in->constant->to_ints() == std::vector<int64_t>{2, -1});
  CHECK(r->shape == Shape{2, 12});
  CHECK(y->shape == Shape{2, 12});
  eliminate_dead_code(g);
  CHECK(g.find_value("shp") == nullptr);  // the folded intermediates are gone
  CHECK_NOTHROW(verify_graph(g, true));
}

TEST_CASE("remove_identities forwards Identity and inference Dropout", "[passes]") {
  Graph g;
  Value *x = input(g, "x", {4});
  Value *a = typed_value(g, "a", Value::Kind::Intermediate, {4});
  Value *b = typed_value(g, "b", Value::Kind::Intermediate, {4});
  Value *c = typed_value(g, "c", Value::Kind::Intermediate, {4});
  node(g, "Identity", "ident", {x}, {a});
  node(g, "Relu", "relu", {a}, {b});
  node(g, "Dropout", "drop", {b}, {c});
  set_output(g, c);

  remove_identities(g);
  CHECK(ops_of(g) == std::vector<std::string>{"Relu"});
  CHECK(g.nodes[0]->inputs[0] == x);
  REQUIRE(g.outputs.size() == 1);
  CHECK(g.outputs[0] == b);
  CHECK(g.output_names[0] == "c");  // the ONNX output name survives
  CHECK(g.find_value("a") == nullptr);
  CHECK(g.find_value("c") == nullptr);
  CHECK_NOTHROW(verify_graph(g, true));
}

TEST_CASE("remove_identities keeps nodes that must copy", "[passes]") {
  SECTION("Identity from a graph input to a graph output") {
    Graph g;
    Value *x = input(g, "x", {4});
    Value *y = typed_value(g, "y", Value::Kind::Intermediate, {4});
    node(g, "Identity", "passthrough", {x}, {y});
    set_output(g, y);
    remove_identities(g);
    CHECK(ops_of(g) == std::vector<std::string>{"Identity"});
    CHECK(g.outputs[0] == y);
  }
  SECTION("Identity from a constant to a graph output") {
    Graph g;
    Value *k = f32_constant(g, "k", {1, 2}, {2});
    Value *y = typed_value(g, "y", Value::Kind::Intermediate, {2});
    node(g, "Identity", "const_out", {k}, {y});
    set_output(g, y);
    remove_identities(g);
    CHECK(ops_of(g) == std::vector<std::string>{"Identity"});
  }
  SECTION("Dropout whose mask is used") {
    Graph g;
    Value *x = input(g, "x", {4});
    Value *y = typed_value(g, "y", Value::Kind::Intermediate, {4});
    Value *mask = typed_value(g, "mask", Value::Kind::Intermediate, {4}, DType::Bool);
    Value *z = typed_value(g, "z", Value::Kind::Intermediate, {4});
    node(g, "Dropout", "drop", {x}, {y, mask});
    node(g, "Relu", "relu", {y}, {z});
    set_output(g, z);
    set_output(g, mask);
    remove_identities(g);
    CHECK(ops_of(g) == std::vector<std::string>{"Dropout", "Relu"});
  }
}

TEST_CASE("eliminate_dead_code removes dead chains and unused constants", "[passes]") {
  Graph g;
  Value *x = input(g, "x", {4});
  Value *used_k = f32_constant(g, "used_k", {1, 2, 3, 4}, {4});
  Value *dead_k = f32_constant(g, "dead_k", {5, 6, 7, 8}, {4});
  f32_constant(g, "orphan", {9}, {1});
  Value *live = typed_value(g, "live", Value::Kind::Intermediate, {4});
  Value *d1 = typed_value(g, "d1", Value::Kind::Intermediate, {4});
  Value *d2 = typed_value(g, "d2", Value::Kind::Intermediate, {4});
  Value *mid = typed_value(g, "mid", Value::Kind::Intermediate, {4});
  Value *out = typed_value(g, "out", Value::Kind::Intermediate, {4});
  node(g, "Add", "live_add", {x, used_k}, {mid});
  node(g, "Mul", "dead_mul", {mid, dead_k}, {d1});  // reads a live value, but is dead
  node(g, "Relu", "dead_relu", {d1}, {d2});
  node(g, "Relu", "live_relu", {mid}, {live});
  node(g, "Sigmoid", "out_sig", {live}, {out});
  set_output(g, out);

  eliminate_dead_code(g);
  CHECK(ops_of(g) == std::vector<std::string>{"Add", "Relu", "Sigmoid"});
  CHECK(g.find_value("d1") == nullptr);
  CHECK(g.find_value("d2") == nullptr);
  CHECK(g.find_value("dead_k") == nullptr);
  CHECK(g.find_value("orphan") == nullptr);
  CHECK(g.find_value("used_k") != nullptr);
  CHECK(g.find_value("x") != nullptr);  // graph inputs stay even if unused
  CHECK_NOTHROW(verify_graph(g, true));
}

TEST_CASE("fuse_conv_batchnorm and fuse_conv_activation fold BN and Relu into the Conv", "[passes]") {
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 1, 1, 2});
  Value *w = f32_constant(g, "w", {2.0f, 3.0f}, {2, 1, 1, 1});
  Value *scale = f32_constant(g, "scale", {1.0f, 2.0f}, {2});
  Value *beta = f32_constant(g, "beta", {0.5f, 0.0f}, {2});
  Value *mean = f32_constant(g, "mean", {1.0f, 0.0f}, {2});
  Value *var = f32_constant(g, "var", {3.0f, 0.25f}, {2});
  Value *c = g.add_value("c", Value::Kind::Intermediate);
  Value *b = g.add_value("b", Value::Kind::Intermediate);
  Value *y = g.add_value("y", Value::Kind::Intermediate);
  g.add_node("Conv", {x, w}, {c})->opset = 13;
  Node *bn = g.add_node("BatchNormalization", {c, scale, beta, mean, var}, {b});
  bn->opset = 13;
  bn->attrs["epsilon"].value = 1.0f;
  g.add_node("Relu", {b}, {y})->opset = 13;
  g.add_output(y);

  infer_shapes_and_fold(g);
  fuse_conv_batchnorm(g);
  fuse_conv_activation(g);
  eliminate_dead_code(g);
  verify_graph(g, true);

  REQUIRE(ops_of(g) == std::vector<std::string>{"FusedConv"});
  Node &conv = *g.nodes[0];
  CHECK(conv.domain == kInternalDomain);
  REQUIRE(g.outputs[0] == conv.outputs[0]);
  // s = scale / sqrt(var + eps) = {0.5, 2/sqrt(1.25)}; W' = W*s; B' = (0 - mean)*s + beta.
  float s1 = 2.0f / std::sqrt(1.25f);
  std::vector<float> w2 = floats_of(*conv.inputs[1]), b2 = floats_of(*conv.inputs[2]);
  REQUIRE(w2[0] == Approx(1.0f));
  REQUIRE(w2[1] == Approx(3.0f * s1));
  REQUIRE(b2[0] == Approx(-0.5f + 0.5f));
  REQUIRE(b2[1] == Approx(0.0f));
  REQUIRE(std::get<FusedActivation>(conv.attr("activation")->value) == FusedActivation::relu());
  CHECK_THAT(print_graph(g), Contains("= aotc.FusedConv(%x, %w_bn, %w_bn_bias) {activation=relu}"));
}

TEST_CASE("fuse_conv_activation leaves a Conv whose output has other readers alone", "[passes]") {
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 1, 1, 2});
  Value *w = f32_constant(g, "w", {2.0f}, {1, 1, 1, 1});
  Value *c = g.add_value("c", Value::Kind::Intermediate);
  Value *y = g.add_value("y", Value::Kind::Intermediate);
  g.add_node("Conv", {x, w}, {c})->opset = 13;
  g.add_node("Relu", {c}, {y})->opset = 13;
  g.add_output(y);
  g.add_output(c);
  infer_shapes_and_fold(g);
  fuse_conv_activation(g);
  REQUIRE(ops_of(g) == std::vector<std::string>{"Conv", "Relu"});
  REQUIRE(g.nodes[0]->domain.empty());
}

TEST_CASE("fuse_conv_add folds a residual Add and the Relu after it into the Conv, after the shortcut",
          "[passes][residual]") {
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 1, 1, 2});
  Value *w = f32_constant(g, "w", {2.0f}, {1, 1, 1, 1});
  Value *ws = f32_constant(g, "ws", {3.0f}, {1, 1, 1, 1});
  Value *c = g.add_value("c", Value::Kind::Intermediate);
  Value *s = g.add_value("s", Value::Kind::Intermediate);
  Value *a = g.add_value("a", Value::Kind::Intermediate);
  Value *y = g.add_value("y", Value::Kind::Intermediate);
  Node *conv = g.add_node("Conv", {x, w}, {c});
  conv->opset = 13;
  conv->name = "conv2";
  // The shortcut comes after the Conv in node order, as in torchvision's ResNets.
  g.add_node("Conv", {x, ws}, {s})->opset = 13;
  g.add_node("Add", {s, c}, {a})->opset = 13;
  g.add_node("Relu", {a}, {y})->opset = 13;
  g.add_output(y);
  infer_shapes_and_fold(g);

  REQUIRE(fuse_conv_add(g));
  verify_graph(g, true);
  REQUIRE(ops_of(g) == std::vector<std::string>{"Conv", "FusedConv"});
  Node &fused = *g.nodes[1];
  CHECK(fused.domain == kInternalDomain);
  CHECK(fused.name == "conv2");
  REQUIRE(fused.inputs == std::vector<Value *>{x, w, nullptr, s});
  CHECK(fused.outputs[0] == y);
  CHECK(g.outputs[0] == y);
  CHECK(std::get<FusedActivation>(fused.attr("activation")->value) == FusedActivation::relu());
  CHECK(fused.fused_ops == std::vector<std::string>{"Conv", "Add", "Relu"});
  CHECK_THAT(print_graph(g), Contains("%y : f32[1,1,1,2] = aotc.FusedConv(%x, %w, none, %s) {activation=relu}"));
  CHECK_FALSE(fuse_conv_add(g));
}

TEST_CASE("fuse_conv_add leaves Adds it cannot fold alone", "[passes][residual]") {
  auto build = [](Graph &g, const Shape &r_shape, bool relu_first, bool conv_read_twice) {
    g.opsets[""] = 13;
    Value *x = input(g, "x", {1, 1, 1, 2});
    Value *r = input(g, "r", r_shape);
    Value *w = f32_constant(g, "w", {2.0f}, {1, 1, 1, 1});
    Value *c = g.add_value("c", Value::Kind::Intermediate);
    Value *a = g.add_value("a", Value::Kind::Intermediate);
    g.add_node("Conv", {x, w}, {c})->opset = 13;
    Value *sum_in = c;
    if (relu_first) {
      sum_in = g.add_value("cr", Value::Kind::Intermediate);
      g.add_node("Relu", {c}, {sum_in})->opset = 13;
    }
    g.add_node("Add", {sum_in, r}, {a})->opset = 13;
    g.add_output(a);
    if (conv_read_twice) g.add_output(c);
    infer_shapes_and_fold(g);
  };
  SECTION("a residual that broadcasts") {
    Graph g;
    build(g, {1, 1, 1, 1}, false, false);
    CHECK_FALSE(fuse_conv_add(g));
  }
  SECTION("an activation between the Conv and the Add") {
    Graph g;
    build(g, {1, 1, 1, 2}, true, false);
    fuse_conv_activation(g);
    CHECK_FALSE(fuse_conv_add(g));
    CHECK(ops_of(g) == std::vector<std::string>{"FusedConv", "Add"});
  }
  SECTION("a Conv output read elsewhere too") {
    Graph g;
    build(g, {1, 1, 1, 2}, false, true);
    CHECK_FALSE(fuse_conv_add(g));
  }
  SECTION("an Add that is a graph output fuses without an activation") {
    Graph g;
    build(g, {1, 1, 1, 2}, false, false);
    REQUIRE(fuse_conv_add(g));
    verify_graph(g, true);
    REQUIRE(ops_of(g) == std::vector<std::string>{"FusedConv"});
    CHECK(std::get<FusedActivation>(g.nodes[0]->attr("activation")->value) == FusedActivation{});
    CHECK(g.outputs[0] == g.nodes[0]->outputs[0]);
    CHECK(g.output_names[0] == "a");
  }
}

TEST_CASE("Sigmoid and aotc.Silu fold through the vectorisable kernels, accurately", "[passes][silu]") {
  // Values across the range, including where e^-|x| underflows to subnormals and 0.
  std::vector<float> xs = {0.0f, -0.0f, 1e-30f, -1e-30f, 0.25f, -0.25f, 0.5f, -1.0f, 2.0f, -3.5f, 7.0f, -10.0f,
                           15.9f, 16.7f, -20.0f, 30.0f, -40.0f, 80.0f, -86.0f, -87.5f, -95.0f, -100.0f, -103.0f,
                           -104.0f, -120.0f, 1e30f, -1e30f, INFINITY, -INFINITY, NAN};
  for (int i = -400; i <= 400; ++i) xs.push_back(static_cast<float>(i) * 0.0625f + 0.0013f * static_cast<float>(i % 7));
  const int64_t n = static_cast<int64_t>(xs.size());
  Graph g;
  g.opsets[""] = 13;
  Value *x = f32_constant(g, "x", xs, {n});
  Value *s = temp(g, "s"), *y = temp(g, "y");
  node(g, "Sigmoid", "sig", {x}, {s});
  Node *silu = node(g, "Silu", "silu", {x}, {y});
  silu->domain = kInternalDomain;
  silu->opset = 1;
  set_output(g, s);
  set_output(g, y);
  infer_shapes_and_fold(g);
  CHECK(g.nodes.empty());
  std::vector<float> sig = floats_of(*g.outputs[0]), sl = floats_of(*g.outputs[1]);
  for (size_t i = 0; i < xs.size(); ++i) {
    INFO("x = " << xs[i]);
    if (std::isnan(xs[i])) {
      CHECK(std::isnan(sig[i]));
      CHECK(std::isnan(sl[i]));
      continue;
    }
    double ref = 1.0 / (1.0 + std::exp(-static_cast<double>(xs[i])));
    // A few ulp relative, or below the smallest normal float.
    CHECK(std::fabs(sig[i] - ref) <= 1e-6 * ref + 1.5e-45);
    CHECK(sig[i] >= 0.0f);
    CHECK(sig[i] <= 1.0f);
    // aotc.Silu gives exactly the bits of Sigmoid then Mul.
    float prod = xs[i] * sig[i];
    if (std::isnan(prod))
      CHECK(std::isnan(sl[i]));
    else
      CHECK(sl[i] == prod);
  }
}

TEST_CASE("GlobalAveragePool's lane sums match a double-precision mean", "[passes][pool]") {
  // Plane sizes below, at and past the 16 lanes, with a ragged tail.
  for (int64_t size : {1, 7, 16, 17, 33, 1000, 12544}) {
    INFO("plane of " << size);
    std::vector<float> xs(static_cast<size_t>(2 * size));
    for (size_t i = 0; i < xs.size(); ++i) xs[i] = std::sin(0.37f * static_cast<float>(i)) * 3.0f + 1.0f;
    Graph g;
    g.opsets[""] = 13;
    Value *x = f32_constant(g, "x", xs, {1, 2, size, 1});
    Value *y = temp(g, "y");
    node(g, "GlobalAveragePool", "gap", {x}, {y});
    set_output(g, y);
    infer_shapes_and_fold(g);
    REQUIRE(g.nodes.empty());
    std::vector<float> means = floats_of(*g.outputs[0]);
    REQUIRE(means.size() == 2);
    for (size_t c = 0; c < 2; ++c) {
      double ref = 0;
      for (int64_t i = 0; i < size; ++i) ref += xs[c * static_cast<size_t>(size) + static_cast<size_t>(i)];
      ref /= static_cast<double>(size);
      CHECK(std::fabs(means[c] - ref) <= 1e-6 * (1 + std::fabs(ref)));
    }
  }
}

TEST_CASE("MaxPool's fast 2D path gives the general path's results, NaN and -0 included", "[passes][pool]") {
  // The same MaxPool with and without the Indices output: with it, the kernel
  // takes the general path; without, the fast one (2D, no dilation).
  struct Geometry {
    std::vector<int64_t> kernel, strides, pads;
    int64_t ceil_mode;
  };
  const std::vector<Geometry> geometries = {
      {{3, 3}, {2, 2}, {1, 1, 1, 1}, 0}, {{2, 2}, {2, 2}, {0, 0, 0, 0}, 0}, {{3, 3}, {2, 2}, {1, 1, 1, 1}, 1},
      {{3, 3}, {1, 1}, {1, 1, 1, 1}, 0}, {{2, 3}, {1, 2}, {0, 2, 1, 0}, 1}, {{4, 1}, {3, 1}, {2, 0, 0, 0}, 0},
      {{3, 3}, {3, 3}, {2, 2, 2, 2}, 1}, {{5, 5}, {2, 2}, {2, 2, 2, 2}, 0}};
  // 9 and 300 columns: rows of a few outputs and of many (the fast path's vector loops).
  for (auto [H, W] : {std::pair<int64_t, int64_t>{7, 9}, {5, 300}})
  for (const Geometry &geo : geometries) {
    INFO(H << "x" << W);
    std::vector<float> data;
    uint32_t state = 12345;
    for (int64_t i = 0; i < 2 * H * W; ++i) {
      state = state * 1103515245u + 12345u;
      uint32_t r = (state >> 16) % 16;
      data.push_back(r == 0 ? NAN : r == 1 ? -0.0f : r == 2 ? 0.0f : r == 3 ? -INFINITY : static_cast<float>(r % 5) - 2.0f);
    }
    Graph g;
    g.opsets[""] = 13;
    Value *x = f32_constant(g, "x", data, {1, 2, H, W});
    Value *fast = temp(g, "fast"), *general = temp(g, "general"), *indices = temp(g, "indices");
    for (Node *n : {node(g, "MaxPool", "fast_pool", {x}, {fast}), node(g, "MaxPool", "general_pool", {x}, {general, indices})}) {
      n->attrs["kernel_shape"].value = geo.kernel;
      n->attrs["strides"].value = geo.strides;
      n->attrs["pads"].value = geo.pads;
      n->attrs["ceil_mode"].value = geo.ceil_mode;
    }
    set_output(g, fast);
    set_output(g, general);
    infer_shapes_and_fold(g);
    REQUIRE(g.nodes.empty());
    const Tensor &a = *g.outputs[0]->constant, &b = *g.outputs[1]->constant;
    REQUIRE(a.count() == b.count());
    CHECK(std::memcmp(a.data<float>(), b.data<float>(), static_cast<size_t>(a.count()) * sizeof(float)) == 0);
  }
}
