// Tests of split-conv-depthwise (passes/split_conv_depthwise.cpp): which conv
// -> depthwise pairs it splits, into which chunks, with which weights. That
// the chunks compute the same outputs is checked end to end by the
// model_*_l2_32k tests (tests/models/CMakeLists.txt).
#include <catch2/catch.hpp>

#include "passes/pipeline.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;

namespace {

std::vector<float> iota(int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  return v;
}

// x[1,8,10,10] -> pw (k x k, 8 -> 40, pads k/2) -> mid[1,40,10,10] -> dw (3x3, group 40) -> y,
// weights and biases 0, 1, 2, ... so that a chunk's slice shows in its first value.
// The intermediate is 40 channels x 400 bytes = 16000 bytes.
struct Pair {
  Graph g;
  Value *mid = nullptr;
  explicit Pair(int64_t k = 1) {
    g.opsets[""] = 13;
    Value *x = input(g, "x", {1, 8, 10, 10});
    Value *w = f32_constant(g, "w", iota(40 * 8 * k * k), {40, 8, k, k});
    mid = temp(g, "mid");
    Node *pw = node(g, "Conv", "pw", {x, w, f32_constant(g, "b", iota(40), {40})}, {mid});
    pw->attrs["pads"].value = std::vector<int64_t>(4, k / 2);
    Value *y = temp(g, "y");
    Node *dw = node(g, "Conv", "dw", {mid, f32_constant(g, "wd", iota(40 * 9), {40, 1, 3, 3}),
                                      f32_constant(g, "bd", iota(40), {40})}, {y});
    dw->attrs["group"].value = int64_t{40};
    dw->attrs["pads"].value = std::vector<int64_t>{1, 1, 1, 1};
    set_output(g, y, "y");
    infer_shapes_and_fold(g);
  }
};

Target with_l2(size_t bytes) {
  Target t = find_target("generic");
  t.l2_bytes = bytes;
  return t;
}

std::vector<std::string> node_names(const Graph &g) {
  std::vector<std::string> names;
  for (auto &n : g.nodes) names.push_back(n->name);
  return names;
}

}  // namespace

TEST_CASE("split_conv_depthwise runs a 1x1 conv and its depthwise reader in chunks that fit half the L2",
          "[passes][split]") {
  Pair p;
  // Half of 14000 bytes holds 17 planes of 400 bytes: chunks of 16 channels, 3 of them for 40
  // channels, balanced to ceil(40 / 3) = 14 rounded up to 16: 16, 16 and 8.
  REQUIRE(split_conv_depthwise(p.g, with_l2(14000)));
  verify_graph(p.g, /*require_shapes=*/true);
  CHECK(node_names(p.g) == std::vector<std::string>{"pw.chunk0", "dw.chunk0", "pw.chunk1", "dw.chunk1",
                                                    "pw.chunk2", "dw.chunk2", "dw.chunks"});
  const int64_t channels[3] = {16, 16, 8}, first[3] = {0, 16, 32};
  for (int c = 0; c < 3; ++c) {
    INFO("chunk " << c);
    const Node &pw = *p.g.nodes[static_cast<size_t>(2 * c)];
    const Node &dw = *p.g.nodes[static_cast<size_t>(2 * c + 1)];
    CHECK(pw.inputs[0] == p.g.inputs[0]);
    CHECK(pw.inputs[1]->shape == Shape{channels[c], 8, 1, 1});
    CHECK(floats_of(*pw.inputs[1])[0] == static_cast<float>(first[c] * 8));
    const std::vector<float> bias = iota(40);
    CHECK(floats_of(*pw.inputs[2]) ==
          std::vector<float>(bias.begin() + first[c], bias.begin() + first[c] + channels[c]));
    CHECK(pw.outputs[0]->shape == Shape{1, channels[c], 10, 10});
    CHECK(dw.inputs[0] == pw.outputs[0]);
    CHECK(std::get<int64_t>(dw.attr("group")->value) == channels[c]);
    CHECK(dw.inputs[1]->shape == Shape{channels[c], 1, 3, 3});
    CHECK(floats_of(*dw.inputs[1])[0] == static_cast<float>(first[c] * 9));
    CHECK(floats_of(*dw.inputs[2])[0] == static_cast<float>(first[c]));
    CHECK(p.g.nodes.back()->inputs[static_cast<size_t>(c)] == dw.outputs[0]);
  }
  const Node &concat = *p.g.nodes.back();
  CHECK(concat.op == "Concat");
  CHECK(std::get<int64_t>(concat.attr("axis")->value) == 1);
  CHECK(p.g.outputs[0] == concat.outputs[0]);
  CHECK(p.g.outputs[0]->shape == Shape{1, 40, 10, 10});
  CHECK(p.g.output_names[0] == "y");
  // The whole weights are gone with the whole convs.
  CHECK(p.g.find_value("w") == nullptr);
  CHECK(p.g.find_value("mid") == nullptr);
}

TEST_CASE("split_conv_depthwise runs chunks of 16 channels where they fit the L2 but not half of it",
          "[passes][split]") {
  // 16 planes of 400 bytes are 4 bytes over half of this L2 and within the whole: 16, 16 and 8 channels.
  Pair p;
  REQUIRE(split_conv_depthwise(p.g, with_l2(2 * 16 * 400 - 8)));
  CHECK(node_names(p.g) == std::vector<std::string>{"pw.chunk0", "dw.chunk0", "pw.chunk1", "dw.chunk1",
                                                    "pw.chunk2", "dw.chunk2", "dw.chunks"});
  CHECK(p.g.nodes[0]->outputs[0]->shape == Shape{1, 16, 10, 10});
  CHECK(p.g.nodes[4]->outputs[0]->shape == Shape{1, 8, 10, 10});
  // Exactly the L2: still chunks of one vector.
  Pair q;
  CHECK(split_conv_depthwise(q.g, with_l2(16 * 400)));
}

TEST_CASE("split_conv_depthwise leaves pairs that fit, are read twice or are not pointwise", "[passes][split]") {
  SECTION("no L2 known") {
    Pair p;
    CHECK_FALSE(split_conv_depthwise(p.g, with_l2(0)));
  }
  SECTION("the intermediate fits in half the L2") {
    Pair p;
    CHECK_FALSE(split_conv_depthwise(p.g, with_l2(32000)));
    CHECK(split_conv_depthwise(p.g, with_l2(31996)));
  }
  SECTION("16 channels do not fit even in the whole L2") {
    Pair p;
    CHECK_FALSE(split_conv_depthwise(p.g, with_l2(16 * 400 - 4)));
  }
  SECTION("a second reader of the intermediate") {
    Pair p;
    set_output(p.g, p.mid, "mid");
    CHECK_FALSE(split_conv_depthwise(p.g, with_l2(14000)));
  }
  SECTION("a 3x3 producer") {
    Pair p(3);
    CHECK_FALSE(split_conv_depthwise(p.g, with_l2(14000)));
  }
  SECTION("the whole pipeline splits on the target's L2 and not on Cortex-M4") {
    Pair p;
    run_graph_pipeline(p.g, with_l2(14000));
    CHECK(p.g.nodes.back()->op == "Concat");
    Pair q;
    run_graph_pipeline(q.g, find_target("cortex-m4"));
    CHECK(q.g.nodes.size() == 2);
  }
}
