// If, Loop and Scan (ops/control_flow.cpp) on hand-built graphs: shape
// inference expands them into the nodes they stand for; with constant inputs
// constant folding then evaluates those, so the sums below, worked out by
// hand, check the unrolling.
#include <catch2/catch.hpp>

#include <memory>

#include "passes/pipeline.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;
using Catch::Matchers::Contains;

namespace {

Value *bool_constant(Graph &g, const std::string &name, bool value) {
  Tensor t = make_tensor(DType::Bool, {});
  t.bytes[0] = value ? 1 : 0;
  return g.add_constant(name, std::move(t));
}

size_t count_ops(const Graph &g, const std::string &op) {
  size_t n = 0;
  for (const auto &node : g.nodes) n += node->op == op;
  return n;
}

// for (i = 0; i < M; ++i) { s += x[i]; scan_out[i] = s; } where x is read
// from the enclosing graph. `computed_condition`: the body yields i < 1
// instead of passing its condition through (a while loop).
std::shared_ptr<Graph> running_sum_body(bool computed_condition = false) {
  auto body = std::make_shared<Graph>();
  body->opsets[""] = 13;
  Value *iter = input(*body, "i", {}, DType::Int64);
  Value *cond = input(*body, "cond", {}, DType::Bool);
  Value *s = input(*body, "s", {2});
  Value *x = body->add_value("x", Value::Kind::Input);  // the outer x
  body->inputs.push_back(x);
  body->outer_reads = {"x"};
  Value *row = temp(*body, "row"), *s_out = temp(*body, "s_out"), *scan = temp(*body, "scan"), *cond_out = temp(*body, "cond_out");
  node(*body, "Gather", "row", {x, iter}, {row});
  node(*body, "Add", "add", {s, row}, {s_out});
  node(*body, "Identity", "scan", {s_out}, {scan});
  if (computed_condition) {
    Tensor one = make_int64_tensor({1}, {});
    node(*body, "Less", "more", {iter, body->add_constant("one", one)}, {cond_out});
  } else {
    node(*body, "Identity", "cond", {cond}, {cond_out});
  }
  body->add_output(cond_out);
  body->add_output(s_out);
  body->add_output(scan);
  return body;
}

Node *loop_node(Graph &g, int64_t trips, Value *start, std::shared_ptr<Graph> body, Value **final_sum, Value **scan) {
  Value *x = f32_constant(g, "x", {1, 2, 3, 4, 5, 6}, {3, 2});
  Value *m = g.add_constant("M", make_int64_tensor({trips}, {}));
  *final_sum = temp(g, "final");
  *scan = temp(g, "scan_out");
  Node *loop = node(g, "Loop", "loop", {m, bool_constant(g, "true", true), start, x}, {*final_sum, *scan});
  loop->attrs["body"].value = Attribute::Subgraph(std::move(body));
  loop->attrs["aotc_outer_reads"].value = std::vector<std::string>{"x"};
  return loop;
}

}  // namespace

TEST_CASE("Loop with a constant trip count unrolls and folds", "[control_flow]") {
  Graph g;
  g.opsets[""] = 13;
  Value *final_sum, *scan;
  loop_node(g, 3, f32_constant(g, "s0", {10, 20}, {2}), running_sum_body(), &final_sum, &scan);
  set_output(g, final_sum);
  set_output(g, scan);
  infer_shapes_and_fold(g);
  // 10+1+3+5, 20+2+4+6; the scan output stacks the sum after each iteration.
  CHECK(floats_of(*g.outputs[0]) == std::vector<float>{19, 32});
  CHECK(g.outputs[1]->shape == Shape{3, 2});
  CHECK(floats_of(*g.outputs[1]) == std::vector<float>{11, 22, 14, 26, 19, 32});
  CHECK(g.nodes.empty());
}

TEST_CASE("Loop on a run-time value becomes one copy of the body per iteration", "[control_flow]") {
  Graph g;
  g.opsets[""] = 13;
  Value *final_sum, *scan;
  loop_node(g, 3, input(g, "s0", {2}), running_sum_body(), &final_sum, &scan);
  set_output(g, final_sum);
  set_output(g, scan);
  infer_shapes_and_fold(g);
  verify_graph(g, /*require_shapes=*/true);
  CHECK(count_ops(g, "Loop") == 0);
  CHECK(count_ops(g, "Add") == 3);
  CHECK(count_ops(g, "Gather") == 0);  // x[i] folded: the iteration number is a constant in each copy
  CHECK(count_ops(g, "Concat") == 1);
  CHECK(g.outputs[1]->shape == Shape{3, 2});
}

TEST_CASE("Loop whose body computes its condition is refused by name", "[control_flow]") {
  Graph g;
  g.opsets[""] = 13;
  Value *final_sum, *scan;
  loop_node(g, 3, input(g, "s0", {2}), running_sum_body(/*computed_condition=*/true), &final_sum, &scan);
  set_output(g, final_sum);
  std::string msg = error_of([&] { infer_shapes_and_fold(g); });
  CHECK_THAT(msg, Contains("node 'loop' (Loop, opset 13)") && Contains("while loop"));
}

TEST_CASE("Loop too long to unroll is refused", "[control_flow]") {
  Graph g;
  g.opsets[""] = 13;
  Value *final_sum, *scan;
  loop_node(g, 1000000, input(g, "s0", {2}), running_sum_body(), &final_sum, &scan);
  set_output(g, final_sum);
  CHECK_THAT(error_of([&] { infer_shapes_and_fold(g); }), Contains("unrolling it would grow the graph past"));
}

TEST_CASE("If takes its branch when the condition is constant and selects at run time otherwise", "[control_flow]") {
  for (bool runtime : {false, true}) {
    Graph g;
    g.opsets[""] = 13;
    Value *x = input(g, "x", {2});
    auto branch = [&](float k) {
      auto b = std::make_shared<Graph>();
      b->opsets[""] = 13;
      Value *outer_x = b->add_value("x", Value::Kind::Input);
      b->inputs.push_back(outer_x);
      b->outer_reads = {"x"};
      Value *y = temp(*b, "y");
      node(*b, "Mul", "scale", {outer_x, f32_constant(*b, "k", {k}, {})}, {y});
      b->add_output(y);
      return b;
    };
    Value *cond = runtime ? input(g, "cond", {}, DType::Bool) : bool_constant(g, "cond", false);
    Value *out = temp(g, "out");
    Node *n = node(g, "If", "if", {cond, x}, {out});
    n->attrs["then_branch"].value = Attribute::Subgraph(branch(2));
    n->attrs["else_branch"].value = Attribute::Subgraph(branch(3));
    n->attrs["aotc_outer_reads"].value = std::vector<std::string>{"x"};
    set_output(g, out);
    infer_shapes_and_fold(g);
    verify_graph(g, /*require_shapes=*/true);
    CHECK(count_ops(g, "If") == 0);
    CHECK(count_ops(g, "Mul") == (runtime ? 2u : 1u));
    CHECK(count_ops(g, "Where") == (runtime ? 1u : 0u));
    CHECK(g.outputs[0]->shape == Shape{2});
  }
}

TEST_CASE("Scan-9 over a reversed input stacks its outputs in step order", "[control_flow]") {
  Graph g;
  g.opsets[""] = 9;
  auto body = std::make_shared<Graph>();
  body->opsets[""] = 9;
  Value *s = input(*body, "s", {2}), *row = input(*body, "row", {2});
  Value *s_out = temp(*body, "s_out"), *y = temp(*body, "y");
  node(*body, "Add", "add", {s, row}, {s_out})->opset = 9;
  node(*body, "Identity", "y", {s_out}, {y})->opset = 9;
  body->add_output(s_out);
  body->add_output(y);
  Value *final_sum = temp(g, "final"), *ys = temp(g, "ys");
  Node *scan = node(g, "Scan", "scan", {f32_constant(g, "s0", {0, 0}, {2}), f32_constant(g, "x", {1, 2, 3, 4, 5, 6}, {3, 2})},
                    {final_sum, ys});
  scan->opset = 9;
  scan->attrs["body"].value = Attribute::Subgraph(body);
  scan->attrs["num_scan_inputs"].value = int64_t{1};
  scan->attrs["scan_input_directions"].value = std::vector<int64_t>{1};
  set_output(g, final_sum);
  set_output(g, ys);
  infer_shapes_and_fold(g);
  // Rows in the order 5,6 then 3,4 then 1,2.
  CHECK(floats_of(*g.outputs[0]) == std::vector<float>{9, 12});
  CHECK(floats_of(*g.outputs[1]) == std::vector<float>{5, 6, 8, 10, 9, 12});
}
