// IR: the stable text form (print_graph) and the structural verifier.
#include <catch2/catch.hpp>

#include "test_util.h"

using namespace aotc;
using namespace aotc_test;
using Catch::Matchers::Contains;

TEST_CASE("print_graph gives the exact documented text form", "[ir]") {
  Graph g;
  g.name = "tiny";
  g.opsets[""] = 13;
  g.opsets["com.example"] = 2;
  Value *x = input(g, "x", {1, 4});
  Value *w = f32_constant(g, "w", {1, 2, 3, 4}, {4});
  Value *s = typed_value(g, "s", Value::Kind::Intermediate, {1, 4});
  Value *y = typed_value(g, "y", Value::Kind::Intermediate, {1, 4});
  Value *z = temp(g, "z");  // shape not inferred yet
  z->dtype = DType::Float;
  node(g, "Add", "add1", {x, w}, {s});
  Node *leaky = node(g, "LeakyRelu", "", {s}, {y});
  leaky->attrs["alpha"].value = 0.5f;
  leaky->attrs["axes"].value = std::vector<int64_t>{1, -2};
  leaky->attrs["mode"].value = std::string("fast");
  leaky->attrs["count"].value = int64_t{3};
  Node *custom = node(g, "Foo", "custom", {y, nullptr}, {z});
  custom->domain = "com.example";
  set_output(g, y, "out");
  set_output(g, z);

  const char *expected =
      "graph \"tiny\" opset(ai.onnx=13, com.example=2)\n"
      "  input  %x : f32[1,4]\n"
      "  const  %w : f32[4] = [1, 2, 3, 4]\n"
      "  %s : f32[1,4] = Add(%x, %w)   # add1\n"
      "  %y : f32[1,4] = LeakyRelu(%s) {alpha=0.5, axes=[1,-2], count=3, mode=\"fast\"}\n"
      "  %z : f32[?] = com.example.Foo(%y, none)   # custom\n"
      "  output %y as \"out\"\n"
      "  output %z\n";
  CHECK(print_graph(g) == expected);
  // Printing is a pure function of the graph.
  CHECK(print_graph(g) == print_graph(g));
}

TEST_CASE("print_graph shows small integer constants inline and hides large ones", "[ir]") {
  Graph g;
  g.name = "c";
  g.opsets[""] = 13;
  g.add_constant("shape", make_int64_tensor({2, -1}, {2}));
  g.add_constant("big", make_tensor(DType::Float, {3, 3}));
  Value *v = g.find_value("shape");
  set_output(g, v);
  CHECK(print_graph(g) ==
        "graph \"c\" opset(ai.onnx=13)\n"
        "  const  %shape : i64[2] = [2, -1]\n"
        "  const  %big : f32[3,3]\n"
        "  output %shape\n");
}

TEST_CASE("verify_graph accepts a well-formed graph", "[ir]") {
  Graph g;
  Value *x = input(g, "x", {2});
  Value *y = typed_value(g, "y", Value::Kind::Intermediate, {2});
  node(g, "Relu", "r", {x}, {y});
  set_output(g, y);
  CHECK_NOTHROW(verify_graph(g, true));
}

TEST_CASE("verify_graph catches use before definition", "[ir]") {
  Graph g;
  Value *x = input(g, "x", {2});
  Value *a = typed_value(g, "a", Value::Kind::Intermediate, {2});
  Value *b = typed_value(g, "b", Value::Kind::Intermediate, {2});
  // 'late' defines a, but 'early' (listed first) already reads it.
  node(g, "Relu", "early", {a}, {b});
  node(g, "Relu", "late", {x}, {a});
  set_output(g, b);
  std::string msg = error_of([&] { verify_graph(g, false); });
  CHECK_THAT(msg, Contains("node 'early' (Relu, opset 13)"));
  CHECK_THAT(msg, Contains("reads 'a' before it is defined"));
}

TEST_CASE("verify_graph catches redefinition", "[ir]") {
  SECTION("a node writes a graph input") {
    Graph g;
    Value *x = input(g, "x", {2});
    node(g, "Relu", "r", {x}, {x});
    set_output(g, x);
    std::string msg = error_of([&] { verify_graph(g, false); });
    CHECK_THAT(msg, Contains("node 'r'"));
    CHECK_THAT(msg, Contains("redefines 'x'"));
  }
  SECTION("a node lists the same output twice") {
    Graph g;
    Value *x = input(g, "x", {2});
    Value *y = typed_value(g, "y", Value::Kind::Intermediate, {2});
    node(g, "Split", "split", {x}, {y, y});
    set_output(g, y);
    std::string msg = error_of([&] { verify_graph(g, false); });
    CHECK_THAT(msg, Contains("node 'split'"));
    CHECK_THAT(msg, Contains("redefines 'y'"));
  }
}

TEST_CASE("verify_graph catches undefined outputs, foreign values and missing shapes", "[ir]") {
  SECTION("graph output never defined") {
    Graph g;
    input(g, "x", {2});
    set_output(g, typed_value(g, "ghost", Value::Kind::Intermediate, {2}));
    CHECK_THAT(error_of([&] { verify_graph(g, false); }), Contains("graph output 'ghost' is never defined"));
  }
  SECTION("a value owned by another graph") {
    Graph other;
    Value *foreign = input(other, "f", {2});
    Graph g;
    Value *y = typed_value(g, "y", Value::Kind::Intermediate, {2});
    node(g, "Relu", "r", {foreign}, {y});
    set_output(g, y);
    CHECK_THAT(error_of([&] { verify_graph(g, false); }), Contains("does not own"));
  }
  SECTION("require_shapes") {
    Graph g;
    Value *x = input(g, "x", {2});
    Value *y = temp(g, "y");
    node(g, "Relu", "r", {x}, {y});
    set_output(g, y);
    CHECK_NOTHROW(verify_graph(g, false));
    CHECK_THAT(error_of([&] { verify_graph(g, true); }), Contains("'y' has no known type and shape"));
  }
}

TEST_CASE("Graph helpers: unique_name, replace_all_uses, use_count", "[ir]") {
  Graph g;
  Value *x = input(g, "x", {2});
  Value *a = typed_value(g, "a", Value::Kind::Intermediate, {2});
  Value *b = typed_value(g, "b", Value::Kind::Intermediate, {2});
  node(g, "Relu", "r1", {x}, {a});
  node(g, "Add", "add", {a, a}, {b});
  set_output(g, a);
  set_output(g, b);
  CHECK(g.unique_name("q") == "q");
  CHECK(g.unique_name("a") == "a_1");
  CHECK(g.use_count(a) == 3);
  g.replace_all_uses(a, x);
  CHECK(g.use_count(a) == 0);
  CHECK(g.use_count(x) == 4);  // r1's input, both Add inputs, one graph output
  CHECK(g.outputs[0] == x);
}
