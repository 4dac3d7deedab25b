// RNN, GRU and LSTM (ops/recurrent.cpp, runtime-c/kernels/recurrent.c):
// constant W and R are packed at compile time as rnn_t (each direction's
// matrix transposed), and the kernel gives the same results from packed
// weights as from weights in ONNX's layout (which it transposes itself), for
// every cell and the options that change its step (peepholes, clip,
// input_forget, linear_before_reset, both directions).
#include <catch2/catch.hpp>

#include <cmath>

#include "ir/target.h"
#include "passes/pipeline.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;
using Catch::Matchers::Contains;

namespace {

// Deterministic values in [-scale, scale).
std::vector<float> wave(size_t n, float scale, int seed) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = scale * std::sin(0.7f * static_cast<float>(i) + static_cast<float>(seed));
  return v;
}

struct Cell {
  const char *op;
  int64_t gates;
  std::map<std::string, Attribute> attrs;
  bool peephole = false;
};

// One layer over seq 5, batch 2, input 3, hidden 4 (hidden 9 with odd sizes:
// the kernel's narrow blocks and scalar tail), every input and output there;
// x constant too when x_constant (so the whole layer folds). Returns Y.
Value *layer(Graph &g, const Cell &cell, int64_t dirs, bool x_constant, int64_t hidden = 4) {
  const int64_t S = 5, N = 2, I = 3, H = hidden, GH = cell.gates * hidden;
  g.opsets[""] = 14;
  std::vector<float> xs = wave(static_cast<size_t>(S * N * I), 1.5f, 1);
  Value *x = x_constant ? f32_constant(g, "x", xs, {S, N, I}) : input(g, "x", {S, N, I});
  Value *w = f32_constant(g, "w", wave(static_cast<size_t>(dirs * GH * I), 0.6f, 2), {dirs, GH, I});
  Value *r = f32_constant(g, "r", wave(static_cast<size_t>(dirs * GH * H), 0.5f, 3), {dirs, GH, H});
  Value *b = f32_constant(g, "b", wave(static_cast<size_t>(dirs * 2 * GH), 0.3f, 4), {dirs, 2 * GH});
  Value *h0 = f32_constant(g, "h0", wave(static_cast<size_t>(dirs * N * H), 0.4f, 5), {dirs, N, H});
  std::vector<Value *> ins = {x, w, r, b, nullptr, h0};
  Value *y = temp(g, "y"), *yh = temp(g, "yh");
  std::vector<Value *> outs = {y, yh};
  if (cell.gates == 4) {
    ins.push_back(f32_constant(g, "c0", wave(static_cast<size_t>(dirs * N * H), 0.4f, 6), {dirs, N, H}));
    ins.push_back(cell.peephole ? f32_constant(g, "p", wave(static_cast<size_t>(dirs * 3 * H), 0.2f, 7), {dirs, 3 * H})
                                : nullptr);
    outs.push_back(temp(g, "yc"));
  }
  Node *n = node(g, cell.op, "layer", ins, outs);
  n->opset = 14;
  n->attrs = cell.attrs;
  n->attrs["hidden_size"].value = H;
  if (dirs == 2) n->attrs["direction"].value = std::string("bidirectional");
  set_output(g, y);
  set_output(g, yh);
  return y;
}

std::vector<Cell> cells() {
  std::vector<Cell> v;
  v.push_back({"RNN", 1, {}});
  v.push_back({"GRU", 3, {}});
  Cell lbr{"GRU", 3, {}};
  lbr.attrs["linear_before_reset"].value = int64_t{1};
  v.push_back(lbr);
  Cell clipped{"GRU", 3, {}};
  clipped.attrs["clip"].value = 0.5f;
  v.push_back(clipped);
  v.push_back({"LSTM", 4, {}});
  Cell peep{"LSTM", 4, {}, true};
  v.push_back(peep);
  Cell peep_clip{"LSTM", 4, {}, true};
  peep_clip.attrs["clip"].value = 0.7f;
  peep_clip.attrs["input_forget"].value = int64_t{1};
  v.push_back(peep_clip);
  return v;
}

}  // namespace

TEST_CASE("choose-layouts packs constant recurrent weights transposed (rnn_t)", "[recurrent][layouts]") {
  for (const char *target : {"host", "cortex-m4"}) {
    Graph g;
    g.name = "lstm";
    layer(g, cells()[4], 2, false);
    run_graph_pipeline(g, find_target(target));
    std::string ir = print_graph(g);
    INFO(target << "\n" << ir);
    CHECK_THAT(ir, Contains("const  %w.packed : f32[2,16,3] packed(rnn_t[2,3,16])\n"));
    CHECK_THAT(ir, Contains("const  %r.packed : f32[2,16,4] packed(rnn_t[2,4,16])\n"));
    for (auto &n : g.nodes) CHECK(n->op != "PackRnnWeights");
    const Value *w = g.find_value("w.packed");
    REQUIRE(w != nullptr);
    std::vector<float> ws = wave(2 * 16 * 3, 0.6f, 2), packed = floats_of(*w);
    for (int64_t d = 0; d < 2; ++d)
      for (int64_t k = 0; k < 3; ++k)
        for (int64_t j = 0; j < 16; ++j)
          REQUIRE(packed[static_cast<size_t>((d * 3 + k) * 16 + j)] == ws[static_cast<size_t>((d * 16 + j) * 3 + k)]);
  }
}

TEST_CASE("recurrent layers give the same results from packed and unpacked weights", "[recurrent]") {
  for (const Cell &cell : cells())
    for (int64_t dirs : {1, 2})
      for (int64_t hidden : {4, 9}) {
        INFO(cell.op << " dirs " << dirs << " hidden " << hidden << " attrs " << cell.attrs.size() << " peephole "
                     << cell.peephole);
        // Everything constant: the layer folds with W and R in ONNX's layout.
        Graph plain;
        layer(plain, cell, dirs, true, hidden);
        infer_shapes_and_fold(plain);
        const Value *expect = plain.find_value("y");
        REQUIRE(expect != nullptr);
        REQUIRE(expect->is_constant());
        // Packed first, then folded: the layer reads rnn_t weights.
        Graph packed;
        layer(packed, cell, dirs, true, hidden);
        REQUIRE(choose_layouts(packed, find_target("host")));
        REQUIRE(packed.nodes.front()->op == "PackRnnWeights");
        infer_shapes_and_fold(packed);
        const Value *got = packed.find_value("y");
        REQUIRE(got != nullptr);
        REQUIRE(got->is_constant());
        std::vector<float> a = floats_of(*expect), b = floats_of(*got);
        REQUIRE(a.size() == b.size());
        for (size_t i = 0; i < a.size(); ++i) {
          INFO("y[" << i << "]");
          REQUIRE(std::isfinite(a[i]));
          REQUIRE(b[i] == a[i]);
        }
      }
}
