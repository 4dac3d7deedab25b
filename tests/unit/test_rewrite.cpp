// Rewrite plumbing: use lists kept by every Graph mutation and checked by the
// verifier, the pattern helpers and rewrite driver (passes/rewrite.h),
// fixed-point pass groups, fused activations in the IR text form, and a
// rewrite over a graph of 20,000 nodes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "passes/pipeline.h"
#include "passes/rewrite.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;
using Catch::Matchers::Contains;

namespace {

// The uses of `v`, sorted, as (reader name or "out", index) for easy comparison.
std::vector<std::pair<std::string, size_t>> uses_of(const Value *v) {
  std::vector<std::pair<std::string, size_t>> out;
  for (const Use &u : v->uses()) out.emplace_back(u.is_graph_output() ? "out" : u.node->name, u.index);
  std::sort(out.begin(), out.end());
  return out;
}

using Uses = std::vector<std::pair<std::string, size_t>>;

const std::vector<GraphPass> &simplify_passes() {
  for (const PipelineStep &step : graph_pipeline())
    if (step.group && std::string(step.group) == "simplify") return step.passes;
  FAIL("no simplify group in the pipeline");
  static std::vector<GraphPass> none;
  return none;
}

}  // namespace

TEST_CASE("use lists follow every Graph mutation", "[ir][uses]") {
  Graph g;
  Value *x = input(g, "x", {2});
  Value *k = f32_constant(g, "k", {1, 2}, {2});
  Value *a = typed_value(g, "a", Value::Kind::Intermediate, {2});
  Value *b = typed_value(g, "b", Value::Kind::Intermediate, {2});

  SECTION("add_node records one use per input slot, omitted inputs none") {
    node(g, "Relu", "r", {x}, {a});
    node(g, "Add", "add", {a, a}, {b});
    Node *clip = node(g, "Clip", "clip", {b, nullptr, k}, {typed_value(g, "c", Value::Kind::Intermediate, {2})});
    CHECK(uses_of(x) == Uses{{"r", 0}});
    CHECK(uses_of(a) == Uses{{"add", 0}, {"add", 1}});
    CHECK(uses_of(b) == Uses{{"clip", 0}});
    CHECK(uses_of(k) == Uses{{"clip", 2}});
    CHECK(g.use_count(clip->outputs[0]) == 0);
    CHECK_NOTHROW(verify_graph(g, false));
  }
  node(g, "Relu", "r", {x}, {a});
  Node *add = node(g, "Add", "add", {a, x}, {b});
  set_output(g, b);

  SECTION("set_input moves one use, and may grow or clear inputs") {
    g.set_input(*add, 1, k);
    CHECK(uses_of(x) == Uses{{"r", 0}});
    CHECK(uses_of(k) == Uses{{"add", 1}});
    g.set_input(*add, 3, x);  // grows with an omitted input 2
    REQUIRE(add->inputs.size() == 4);
    CHECK(add->inputs[2] == nullptr);
    CHECK(uses_of(x) == Uses{{"add", 3}, {"r", 0}});
    g.set_input(*add, 3, nullptr);
    CHECK(uses_of(x) == Uses{{"r", 0}});
    g.truncate_inputs(*add, 1);
    CHECK(add->inputs.size() == 1);
    CHECK(k->use_count() == 0);
    CHECK_NOTHROW(verify_graph(g, false));
  }
  SECTION("add_output and set_output are uses too") {
    CHECK(uses_of(b) == Uses{{"out", 0}});
    g.add_output(a, "a_out");
    CHECK(uses_of(a) == Uses{{"add", 0}, {"out", 1}});
    CHECK(a->is_graph_output());
    g.set_output(1, x);
    CHECK(uses_of(a) == Uses{{"add", 0}});
    CHECK(uses_of(x) == Uses{{"add", 1}, {"out", 1}, {"r", 0}});
    CHECK(g.output_names[1] == "a_out");
    CHECK_NOTHROW(verify_graph(g, false));
  }
  SECTION("replace_all_uses moves every use, graph outputs included") {
    g.replace_all_uses(a, x);
    CHECK(a->use_count() == 0);
    CHECK(uses_of(x) == Uses{{"add", 0}, {"add", 1}, {"r", 0}});
    g.replace_all_uses(b, a);
    CHECK(uses_of(a) == Uses{{"out", 0}});
    CHECK(g.outputs[0] == a);
    g.replace_all_uses(a, a);  // no-op
    CHECK(uses_of(a) == Uses{{"out", 0}});
    CHECK_NOTHROW(verify_graph(g, false));
  }
  SECTION("erase_nodes_if drops the erased nodes' uses and unreferenced values") {
    g.replace_all_uses(b, a);
    CHECK(g.erase_nodes_if([](const Node &n) { return n.name == "add"; }) == 1);
    CHECK(uses_of(a) == Uses{{"out", 0}});
    CHECK(uses_of(x) == Uses{{"r", 0}});
    CHECK(g.find_value("b") == nullptr);  // produced by the erased node, read by nothing
    CHECK(g.find_value("k") == nullptr);  // an unused constant
    CHECK(g.unique_name("b") == "b");     // its name is free again
    CHECK_NOTHROW(verify_graph(g, false));
  }
  SECTION("Rewriter::erase drops the node's uses at once, the node at finish()") {
    g.replace_all_uses(b, a);
    Rewriter rw(g);
    rw.erase(*add);
    CHECK(uses_of(x) == Uses{{"r", 0}});
    CHECK(uses_of(a) == Uses{{"out", 0}});
    CHECK(g.nodes.size() == 2);
    rw.finish();
    CHECK(g.nodes.size() == 1);
    CHECK(rw.changed());
    CHECK_NOTHROW(verify_graph(g, false));
  }
}

TEST_CASE("verify_graph catches use lists that do not match the inputs", "[ir][uses]") {
  Graph g;
  Value *x = input(g, "x", {2});
  Value *y = input(g, "y", {2});
  Value *a = typed_value(g, "a", Value::Kind::Intermediate, {2});
  Node *r = node(g, "Relu", "r", {x}, {a});
  set_output(g, a);
  REQUIRE_NOTHROW(verify_graph(g, false));
  SECTION("an input written directly, bypassing the Graph API") {
    r->inputs[0] = y;
    std::string msg = error_of([&] { verify_graph(g, false); });
    // Both x's and y's lists are now wrong; the verifier reports the first.
    CHECK_THAT(msg, Contains("use list of 'x' names input 0 of node 'r' (Relu, opset 13), which does not read it"));
  }
  SECTION("an input dropped directly leaves a stale use") {
    r->inputs.clear();
    std::string msg = error_of([&] { verify_graph(g, false); });
    CHECK_THAT(msg, Contains("use list of 'x' names input 0 of node 'r' (Relu, opset 13), which does not read it"));
  }
  SECTION("a graph output changed directly") {
    g.outputs[0] = x;
    std::string msg = error_of([&] { verify_graph(g, false); });
    CHECK_THAT(msg, Contains("use list of 'x' lacks graph output 0, which reads it"));
  }
}

TEST_CASE("match_chain and sole_reader find single-use producer -> consumer pairs", "[passes][rewrite]") {
  Graph g;
  Value *x = input(g, "x", {2});
  Value *a = typed_value(g, "a", Value::Kind::Intermediate, {2});
  Value *b = typed_value(g, "b", Value::Kind::Intermediate, {2});
  Value *c = typed_value(g, "c", Value::Kind::Intermediate, {2});
  Node *neg = node(g, "Neg", "neg", {x}, {a});
  Node *relu = node(g, "Relu", "relu", {a}, {b});
  Node *sig = node(g, "Sigmoid", "sig", {b}, {c});
  set_output(g, c);

  CHECK(sole_reader(*a) == relu);
  CHECK(sole_reader(*c) == nullptr);  // a graph output
  auto chain = match_chain(*neg, {"Clip", "Relu"});
  REQUIRE(chain);
  CHECK(chain->producer == neg);
  CHECK(chain->consumer == relu);
  CHECK_FALSE(match_chain(*neg, {"Sigmoid"}));      // wrong consumer op
  CHECK_FALSE(match_chain(*neg, {"Relu"}, 1));      // read as another input
  CHECK_FALSE(match_chain(*sig, {"Relu"}));         // output read by the graph only
  g.add_output(a);                                  // a second use
  CHECK_FALSE(match_chain(*neg, {"Relu"}));
  CHECK(sole_reader(*a) == nullptr);

  SECTION("rewrite_nodes skips nodes erased during the walk and reports changes") {
    std::vector<std::string> visited;
    bool changed = rewrite_nodes(g, [&](Node &n, Rewriter &rw) {
      visited.push_back(n.name);
      if (n.name != "relu") return false;
      rw.graph().replace_all_uses(sig->outputs[0], b);
      rw.erase(*sig);
      return true;
    });
    CHECK(changed);
    CHECK(visited == std::vector<std::string>{"neg", "relu"});
    CHECK(g.nodes.size() == 2);
    CHECK_NOTHROW(verify_graph(g, true));
    CHECK_FALSE(rewrite_nodes(g, [](Node &, Rewriter &) { return false; }));
  }
}

TEST_CASE("fixed-point groups repeat until nothing changes, and cap the rounds", "[passes][fixpoint]") {
  // y = Conv(x) is read by a Relu and by a dead Neg. fuse-conv-activation needs
  // y's only reader to be the Relu, so it applies only in the round after
  // eliminate-dead-code removed the Neg; a third round changes nothing.
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 1, 1, 2});
  Value *w = f32_constant(g, "w", {2.0f}, {1, 1, 1, 1});
  Value *y = temp(g, "y"), *r = temp(g, "r"), *n = temp(g, "n");
  node(g, "Conv", "conv", {x, w}, {y});
  node(g, "Relu", "relu", {y}, {r});
  node(g, "Neg", "dead", {y}, {n});
  set_output(g, r);
  infer_shapes_and_fold(g);

  CHECK(run_to_fixed_point(g, "simplify", simplify_passes()) == 3);
  REQUIRE(g.nodes.size() == 1);
  CHECK(g.nodes[0]->op == "FusedConv");
  CHECK(g.outputs[0] == y);

  // A pass that always claims a change never converges: an internal error.
  int runs = 0;
  std::vector<GraphPass> restless = {{"restless", "always changes", [&](Graph &) { return ++runs > 0; }}};
  std::string msg = error_of([&] { run_to_fixed_point(g, "busy", restless, 5); });
  CHECK_THAT(msg, Contains("internal error"));
  CHECK_THAT(msg, Contains("'busy'"));
  CHECK_THAT(msg, Contains("5 rounds"));
  CHECK(runs == 5);
}

TEST_CASE("fused activations print readably in the IR text form", "[ir][passes]") {
  Graph g;
  g.name = "fused";
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 1, 1, 2});
  Value *w = f32_constant(g, "w", {2.0f}, {1, 1, 1, 1});
  Value *y = typed_value(g, "y", Value::Kind::Intermediate, {1, 1, 1, 2});
  Node *conv = node(g, "FusedConv", "conv", {x, w}, {y});
  conv->domain = kInternalDomain;
  conv->opset = 1;
  set_output(g, y);
  auto line_for = [&](FusedActivation act) {
    conv->attrs["activation"].value = act;
    std::string text = print_graph(g);
    size_t at = text.find("%y : ");
    return text.substr(at, text.find('\n', at) - at);
  };
  CHECK(line_for(FusedActivation{}) == "%y : f32[1,1,1,2] = aotc.FusedConv(%x, %w) {activation=none}   # conv");
  CHECK(line_for(FusedActivation::relu()) ==
        "%y : f32[1,1,1,2] = aotc.FusedConv(%x, %w) {activation=relu}   # conv");
  CHECK(line_for(FusedActivation::clip(0, 6)) ==
        "%y : f32[1,1,1,2] = aotc.FusedConv(%x, %w) {activation=clip(0, 6)}   # conv");
  CHECK(line_for(FusedActivation::clip(-1.5f, INFINITY)) ==
        "%y : f32[1,1,1,2] = aotc.FusedConv(%x, %w) {activation=clip(-1.5, inf)}   # conv");
  CHECK(line_for(FusedActivation::hard_swish(0.25f, 0.5f)) ==
        "%y : f32[1,1,1,2] = aotc.FusedConv(%x, %w) {activation=hardswish(0.25, 0.5)}   # conv");
}

TEST_CASE("fuse_conv_activation makes FusedConv for Clip and Mul(y, HardSigmoid(y))", "[passes]") {
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 1, 1, 2});
  Value *w = f32_constant(g, "w", {2.0f}, {1, 1, 1, 1});
  Value *lo = f32_constant(g, "lo", {0.0f}, {});
  Value *hi = f32_constant(g, "hi", {6.0f}, {});
  Value *c1 = temp(g, "c1"), *r1 = temp(g, "r1"), *c2 = temp(g, "c2"), *hs = temp(g, "hs"), *r2 = temp(g, "r2");
  node(g, "Conv", "conv1", {x, w}, {c1});
  node(g, "Clip", "clip", {c1, lo, hi}, {r1});
  node(g, "Conv", "conv2", {r1, w}, {c2});
  node(g, "HardSigmoid", "hsig", {c2}, {hs})->attrs["alpha"].value = 0.25f;
  node(g, "Mul", "mul", {hs, c2}, {r2});
  set_output(g, r2);
  infer_shapes_and_fold(g);
  CHECK(fuse_conv_activation(g));
  verify_graph(g, true);
  std::string text = print_graph(g);
  CHECK_THAT(text, Contains("%c1 : f32[1,1,1,2] = aotc.FusedConv(%x, %w) {activation=clip(0, 6)}   # conv1"));
  CHECK_THAT(text, Contains("%c2 : f32[1,1,1,2] = aotc.FusedConv(%c1, %w) {activation=hardswish(0.25, 0.5)}   # conv2"));
  CHECK(g.nodes.size() == 2);
  CHECK_FALSE(fuse_conv_activation(g));  // nothing left to fuse
}

TEST_CASE("rewriting a graph of 20,000 nodes is fast (use lists, no quadratic scans)", "[passes][scale]") {
  // x -> (Conv -> Identity -> Relu) x 6,667: 20,001 nodes, all convs sharing
  // one weight (a value with 6,667 uses). simplify removes the Identities and
  // fuses every Relu into its Conv.
  Graph g;
  g.opsets[""] = 13;
  Value *v = input(g, "x", {1, 1, 1, 4});
  Value *w = f32_constant(g, "w", {0.5f}, {1, 1, 1, 1});
  const int kBlocks = 6667;
  for (int i = 0; i < kBlocks; ++i) {
    std::string s = std::to_string(i);
    Value *c = temp(g, "c" + s), *id = temp(g, "i" + s), *r = temp(g, "r" + s);
    node(g, "Conv", "conv" + s, {v, w}, {c});
    node(g, "Identity", "id" + s, {c}, {id});
    node(g, "Relu", "relu" + s, {id}, {r});
    v = r;
  }
  set_output(g, v);
  REQUIRE(g.nodes.size() == 3 * kBlocks);
  infer_shapes_and_fold(g);

  auto start = std::chrono::steady_clock::now();
  int rounds = run_to_fixed_point(g, "simplify", simplify_passes());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("simplify on %d nodes: %d rounds, %.3f s (verifier after every pass included)\n", 3 * kBlocks, rounds,
              seconds);
  CHECK(rounds == 2);
  REQUIRE(g.nodes.size() == static_cast<size_t>(kBlocks));
  for (auto &n : g.nodes) CHECK(n->op == "FusedConv");
  CHECK(w->use_count() == static_cast<size_t>(kBlocks));
}

TEST_CASE("fuse_silu makes aotc.Silu of Mul(x, Sigmoid(x)) in either operand order", "[passes][silu]") {
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 2, 2, 2});
  Value *s1 = temp(g, "s1"), *y1 = temp(g, "y1"), *s2 = temp(g, "s2"), *y2 = temp(g, "y2");
  node(g, "Sigmoid", "sig1", {x}, {s1});
  node(g, "Mul", "swish1", {x, s1}, {y1});
  node(g, "Sigmoid", "sig2", {y1}, {s2});
  node(g, "Mul", "swish2", {s2, y1}, {y2});
  set_output(g, y2, "out");
  infer_shapes_and_fold(g);
  CHECK(fuse_silu(g));
  verify_graph(g, true);
  std::string text = print_graph(g);
  CHECK_THAT(text, Contains("%s1 : f32[1,2,2,2] = aotc.Silu(%x)   # sig1"));
  CHECK_THAT(text, Contains("%s2 : f32[1,2,2,2] = aotc.Silu(%s1)   # sig2"));
  CHECK_THAT(text, Contains("output %s2 as \"out\""));
  REQUIRE(g.nodes.size() == 2);
  CHECK(g.nodes[0]->domain == kInternalDomain);
  CHECK(g.outputs[0] == s2);
  CHECK(g.output_names[0] == "out");
  CHECK_FALSE(fuse_silu(g));  // nothing left to fuse
}

TEST_CASE("fuse_silu leaves gates, shared sigmoids and non-float32 alone", "[passes][silu]") {
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 2, 2, 2});
  Value *z = input(g, "z", {1, 2, 1, 1});
  Value *h = input(g, "h", {4}, DType::Float16);
  // Squeeze-and-excitation gate: x * Sigmoid(z), z another value (broadcast).
  Value *sz = temp(g, "sz"), *gated = temp(g, "gated");
  node(g, "Sigmoid", "gate_sig", {z}, {sz});
  node(g, "Mul", "gate", {x, sz}, {gated});
  // Sigmoid(x) also read by an Add: the Mul cannot take it over.
  Value *sx = temp(g, "sx"), *m = temp(g, "m"), *a = temp(g, "a");
  node(g, "Sigmoid", "shared_sig", {x}, {sx});
  node(g, "Mul", "shared_mul", {x, sx}, {m});
  node(g, "Add", "other_reader", {sx, gated}, {a});
  // Sigmoid(x) as a graph output too.
  Value *so = temp(g, "so"), *mo = temp(g, "mo");
  node(g, "Sigmoid", "out_sig", {x}, {so});
  node(g, "Mul", "out_mul", {so, x}, {mo});
  // float16 SiLU: the unfused graph rounds the sigmoid to float16 first.
  Value *sh = temp(g, "sh"), *mh = temp(g, "mh");
  node(g, "Sigmoid", "half_sig", {h}, {sh});
  node(g, "Mul", "half_mul", {h, sh}, {mh});
  for (Value *v : {m, a, so, mo, mh}) set_output(g, v);
  infer_shapes_and_fold(g);
  CHECK_FALSE(fuse_silu(g));
  for (auto &n : g.nodes) CHECK(n->domain.empty());
}

TEST_CASE("the simplify group fuses SiLU into the Conv before it", "[passes][silu]") {
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 1, 1, 2});
  Value *w = f32_constant(g, "w", {2.0f}, {1, 1, 1, 1});
  Value *c = temp(g, "c"), *id = temp(g, "id"), *s = temp(g, "s"), *y = temp(g, "y");
  node(g, "Conv", "conv", {x, w}, {c});
  node(g, "Identity", "id", {c}, {id});
  node(g, "Sigmoid", "sig", {id}, {s});
  node(g, "Mul", "mul", {id, s}, {y});
  set_output(g, y);
  // A second conv whose output is also read by an Add: its SiLU stays a node.
  Value *c2 = temp(g, "c2"), *s2 = temp(g, "s2"), *y2 = temp(g, "y2"), *sum = temp(g, "sum");
  node(g, "Conv", "conv2", {x, w}, {c2});
  node(g, "Sigmoid", "sig2", {c2}, {s2});
  node(g, "Mul", "mul2", {c2, s2}, {y2});
  node(g, "Add", "add", {y2, c2}, {sum});
  set_output(g, sum);
  infer_shapes_and_fold(g);
  run_to_fixed_point(g, "simplify", simplify_passes());
  std::vector<std::string> ops;
  for (auto &n : g.nodes) ops.push_back(n->op);
  CHECK(ops == std::vector<std::string>{"FusedConv", "Conv", "Silu", "Add"});
  CHECK(g.outputs[0] == c);
  CHECK_THAT(print_graph(g), Contains("%c : f32[1,1,1,2] = aotc.FusedConv(%x, %w) {activation=silu"));
}
