// Tests of the patch pass (passes/patch_prefix.cpp, --patch N): the receptive
// field arithmetic, and the regions, pads, crops and MACs of a tiled prefix,
// all worked out by hand in the comments. That the tiled graphs compute the
// same outputs is checked end to end by the model_*_patch tests.
#include <catch2/catch.hpp>

#include <map>

#include "passes/patch_prefix.h"
#include "passes/pipeline.h"
#include "passes/rewrite.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;

namespace {

Node *conv(Graph &g, const std::string &name, Value *x, int64_t c_in, int64_t c_out, Value *y,
           std::map<std::string, std::vector<int64_t>> attrs) {
  Value *w = f32_constant(g, name + ".w", std::vector<float>(static_cast<size_t>(c_out * c_in * 9), 0.1f),
                          {c_out, c_in, 3, 3});
  Node *n = node(g, "Conv", name, {x, w}, {y});
  for (auto &[key, value] : attrs) n->attrs[key].value = value;
  return n;
}

const Node *find_node(const Graph &g, const std::string &name) {
  for (auto &n : g.nodes)
    if (n->name == name) return n.get();
  FAIL("no node " << name);
  return nullptr;
}

std::vector<int64_t> ints_attr(const Node &n, const std::string &key) {
  return std::get<std::vector<int64_t>>(n.attr(key)->value);
}

Value *i8_constant(Graph &g, const std::string &name, const std::vector<int8_t> &values, Shape shape) {
  Tensor t = make_tensor(DType::Int8, std::move(shape));
  REQUIRE(static_cast<size_t>(t.count()) == values.size());
  for (size_t i = 0; i < values.size(); ++i) t.data<int8_t>()[i] = values[i];
  return g.add_constant(name, std::move(t));
}

// QLinearConv with k x k int8 weights of 1, per-channel weight scales, zero points 0.
Node *qconv(Graph &g, const std::string &name, Value *x, int64_t c_in, int64_t c_out, Value *y,
            std::map<std::string, std::vector<int64_t>> attrs, int64_t k = 3) {
  Value *w = i8_constant(g, name + ".w", std::vector<int8_t>(static_cast<size_t>(c_out * c_in * k * k), 1),
                         {c_out, c_in, k, k});
  Value *w_scale = f32_constant(g, name + ".w_scale", std::vector<float>(static_cast<size_t>(c_out), 0.01f), {c_out});
  Value *s = f32_constant(g, name + ".s", {0.1f}, {}), *z = i8_constant(g, name + ".z", {0}, {});
  Value *wz = i8_constant(g, name + ".wz", std::vector<int8_t>(static_cast<size_t>(c_out), 0), {c_out});
  Node *n = node(g, "QLinearConv", name, {x, s, z, w, w_scale, wz, s, z}, {y});
  n->opset = 10;
  for (auto &[key, value] : attrs) n->attrs[key].value = value;
  return n;
}

// The [begin, end) rows and columns a Slice node takes (axes 2 and 3).
std::pair<std::vector<int64_t>, std::vector<int64_t>> slice_bounds(const Node &n) {
  REQUIRE(n.op == "Slice");
  return {n.inputs[1]->constant->to_ints(), n.inputs[2]->constant->to_ints()};
}

}  // namespace

TEST_CASE("window_input_span: the input rows a strided, dilated, padded window reads") {
  // Output rows 2..4 of k3 s2 p1: first window starts at 2*2-1 = 3, last ends at 4*2-1+3 = 10.
  CHECK(window_input_span({2, 5}, 3, 2, 1, 1) == Span{3, 10});
  // k3 dilation 2 pad 2: rows 0..3 read -2 .. 3-2+2*2+1 = 6 (the first two are padding).
  CHECK(window_input_span({0, 4}, 3, 1, 2, 2) == Span{-2, 6});
  // A 1x1 stride-2 conv reads every other row: rows 1..3 need 2..6 inclusive.
  CHECK(window_input_span({1, 4}, 1, 2, 1, 0) == Span{2, 7});
  // 10x4 kernel, stride 2, pad 5 (KWS's stem): output row 0 reads -5 .. 4.
  CHECK(window_input_span({0, 1}, 10, 2, 1, 5) == Span{-5, 5});
}

TEST_CASE("patch: regions, edge-only pads and MACs through a strided, dilated, padded conv chain") {
  // x[1,1,16,16] -> A (k3 s2 p1) -> a[1,4,8,8] -> B (k3 d2 p2) -> b[1,4,8,8] -> C (k3 p1) -> c[1,2,8,8] -> GAP
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 1, 16, 16});
  Value *a = temp(g, "a"), *b = temp(g, "b"), *c = temp(g, "c"), *out = temp(g, "out");
  conv(g, "A", x, 1, 4, a, {{"strides", {2, 2}}, {"pads", {1, 1, 1, 1}}});
  conv(g, "B", a, 4, 4, b, {{"dilations", {2, 2}}, {"pads", {2, 2, 2, 2}}});
  conv(g, "C", b, 4, 2, c, {{"pads", {1, 1, 1, 1}}});
  node(g, "GlobalAveragePool", "gap", {c}, {out});
  set_output(g, out);
  infer_shapes_and_fold(g);

  PatchStats stats;
  REQUIRE(patch_prefix(g, 2, &stats, "c"));
  verify_graph(g, true);
  CHECK(stats.tiles == 2);
  CHECK(stats.prefix_end == "C");
  CHECK(stats.prefix_nodes == 3);

  // Tile (0,0) is rows and columns 0..3 of c. C reads b rows -1..4: b is
  // computed for 0..4 with one pad row on top. B reads a rows -2..6: a is 0..6
  // with two pad rows on top. A reads x rows -1..13: Slice 0..13, one pad row.
  // Nothing of the bottom pads is used: the tile ends inside the image.
  CHECK(slice_bounds(*find_node(g, "x.patch0_0")) == std::make_pair(std::vector<int64_t>{0, 0}, std::vector<int64_t>{14, 14}));
  CHECK(ints_attr(*find_node(g, "A.patch0_0"), "pads") == std::vector<int64_t>{1, 1, 0, 0});
  CHECK(ints_attr(*find_node(g, "B.patch0_0"), "pads") == std::vector<int64_t>{2, 2, 0, 0});
  CHECK(ints_attr(*find_node(g, "C.patch0_0"), "pads") == std::vector<int64_t>{1, 1, 0, 0});
  CHECK(find_node(g, "A.patch0_0")->outputs[0]->shape == Shape{1, 4, 7, 7});
  CHECK(find_node(g, "B.patch0_0")->outputs[0]->shape == Shape{1, 4, 5, 5});
  CHECK(find_node(g, "C.patch0_0")->outputs[0]->shape == Shape{1, 2, 4, 4});
  // Tile (1,1) is rows 4..7. C reads b 3..8 (b 3..7 plus one pad row below).
  // B reads a 1..9 (a 1..7, two pad rows). A reads x 1..15: all inside.
  CHECK(slice_bounds(*find_node(g, "x.patch1_1")) == std::make_pair(std::vector<int64_t>{1, 1}, std::vector<int64_t>{16, 16}));
  CHECK(ints_attr(*find_node(g, "A.patch1_1"), "pads") == std::vector<int64_t>{0, 0, 0, 0});
  CHECK(ints_attr(*find_node(g, "B.patch1_1"), "pads") == std::vector<int64_t>{0, 0, 2, 2});
  CHECK(ints_attr(*find_node(g, "C.patch1_1"), "pads") == std::vector<int64_t>{0, 0, 1, 1});
  // Tile (0,1): top rows as tile (0,0), right columns as tile (1,1).
  CHECK(ints_attr(*find_node(g, "B.patch0_1"), "pads") == std::vector<int64_t>{2, 0, 0, 2});
  CHECK(slice_bounds(*find_node(g, "x.patch0_1")) == std::make_pair(std::vector<int64_t>{0, 1}, std::vector<int64_t>{14, 16}));

  // MACs per output pixel: A 4*1*9 = 36, B 4*4*9 = 144, C 2*4*9 = 72.
  // Before: 64 pixels each: 2304 + 9216 + 4608 = 16128.
  // After, 4 tiles of a 7x7, b 5x5, c 4x4: 4*(49*36 + 25*144 + 16*72) = 26064.
  CHECK(stats.macs_before == 16128);
  CHECK(stats.macs_after == 26064);

  // The tiles are assembled into c's shape, one Concat per row and one over rows.
  const Value *assembled = find_node(g, "gap")->inputs[0];
  CHECK(assembled->shape == Shape{1, 2, 8, 8});
  CHECK(assembled->producer->op == "Concat");
  CHECK(attr_int_or(*assembled->producer, "axis", -1) == 2);
  // The pipeline lowers and plans the tiled graph.
  run_graph_pipeline(g);
  lower_and_plan(g, 16);
}

TEST_CASE("patch: a residual Add crops what a wider reader made") {
  // x[1,2,8,8] -> A (k3 p1) -> a -> B (k3 p1) -> b; Add(a, b) -> s -> GAP
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 2, 8, 8});
  Value *a = temp(g, "a"), *b = temp(g, "b"), *s = temp(g, "s"), *out = temp(g, "out");
  conv(g, "A", x, 2, 2, a, {{"pads", {1, 1, 1, 1}}});
  conv(g, "B", a, 2, 2, b, {{"pads", {1, 1, 1, 1}}});
  node(g, "Add", "add", {a, b}, {s});
  node(g, "GlobalAveragePool", "gap", {s}, {out});
  set_output(g, out);
  infer_shapes_and_fold(g);
  REQUIRE(patch_prefix(g, 2, nullptr, "s"));
  verify_graph(g, true);
  // Tile (0,0) is rows 0..3; B needs a 0..4, so a is made for 0..4 and the
  // Add reads a crop of rows and columns 0..3 of it.
  CHECK(find_node(g, "A.patch0_0")->outputs[0]->shape == Shape{1, 2, 5, 5});
  const Node *crop = find_node(g, "a.crop0_0");
  CHECK(slice_bounds(*crop) == std::make_pair(std::vector<int64_t>{0, 0}, std::vector<int64_t>{4, 4}));
  CHECK(find_node(g, "add.patch0_0")->inputs[0] == crop->outputs[0]);
  // Tile (1,1) is rows 4..7; a is made for 3..7: the crop starts at row 1 of it.
  CHECK(slice_bounds(*find_node(g, "a.crop1_1")) == std::make_pair(std::vector<int64_t>{1, 1}, std::vector<int64_t>{5, 5}));
}

TEST_CASE("patch: channel Concats and ceil_mode MaxPool tile; the hull of two readers") {
  // x[1,2,7,7] -> MaxPool (k2 s2 ceil_mode) -> p[1,2,4,4] -> A (1x1) -> a -> B (1x1) -> b
  //                                                                   \-> C (k3 p1) -> c; Concat(b, c) -> s -> GAP
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 2, 7, 7});
  Value *p = temp(g, "p"), *a = temp(g, "a"), *b = temp(g, "b"), *c = temp(g, "c"), *s = temp(g, "s");
  Value *out = temp(g, "out");
  Node *pool = node(g, "MaxPool", "pool", {x}, {p});
  pool->attrs["kernel_shape"].value = std::vector<int64_t>{2, 2};
  pool->attrs["strides"].value = std::vector<int64_t>{2, 2};
  pool->attrs["ceil_mode"].value = int64_t{1};
  Value *w1 = f32_constant(g, "w1", std::vector<float>(4, 0.5f), {2, 2, 1, 1});
  node(g, "Conv", "A", {p, w1}, {a});
  node(g, "Conv", "B", {a, w1}, {b});
  conv(g, "C", a, 2, 3, c, {{"pads", {1, 1, 1, 1}}});
  Node *cat = node(g, "Concat", "cat", {b, c}, {s});
  cat->attrs["axis"].value = int64_t{1};
  node(g, "GlobalAveragePool", "gap", {s}, {out});
  set_output(g, out);
  infer_shapes_and_fold(g);
  REQUIRE(p->shape == Shape{1, 2, 4, 4});
  REQUIRE(patch_prefix(g, 2, nullptr, "s"));
  verify_graph(g, true);
  // Tile (1,1) is rows 2..3 of s: C reads a 1..4 (row 4 is padding), B reads a
  // 2..3: a is made for the hull 1..3, B reads a crop of its last two rows.
  CHECK(find_node(g, "A.patch1_1")->outputs[0]->shape == Shape{1, 2, 3, 3});
  CHECK(slice_bounds(*find_node(g, "a.crop1_1")) == std::make_pair(std::vector<int64_t>{1, 1}, std::vector<int64_t>{3, 3}));
  CHECK(find_node(g, "cat.patch1_1")->outputs[0]->shape == Shape{1, 5, 2, 2});
  // The pool makes p 1..3, reading x 2..7: row 7 lies past the image where
  // ceil_mode let the last window start; the tile pads it explicitly.
  const Node *tile_pool = find_node(g, "pool.patch1_1");
  CHECK(ints_attr(*tile_pool, "pads") == std::vector<int64_t>{0, 0, 1, 1});
  CHECK(tile_pool->attr("ceil_mode") == nullptr);
  CHECK(slice_bounds(*find_node(g, "x.patch1_1")) == std::make_pair(std::vector<int64_t>{2, 2}, std::vector<int64_t>{7, 7}));
  run_graph_pipeline(g);
  lower_and_plan(g, 16);
}

TEST_CASE("patch: an int8 prefix (QuantizeLinear, QLinearConv, per-channel DequantizeLinear) tiles") {
  // x f32[1,1,16,16] -> Q -> xq -> A (QLinearConv k3 s2 p1) -> a[1,4,8,8] -> B (k3 p1) -> b -> DQ (per channel) -> d -> GAP
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 1, 16, 16});
  Value *xq = temp(g, "xq"), *a = temp(g, "a"), *b = temp(g, "b"), *d = temp(g, "d"), *out = temp(g, "out");
  node(g, "QuantizeLinear", "q", {x, f32_constant(g, "q.s", {0.1f}, {}), i8_constant(g, "q.z", {0}, {})}, {xq});
  qconv(g, "A", xq, 1, 4, a, {{"strides", {2, 2}}, {"pads", {1, 1, 1, 1}}});
  qconv(g, "B", a, 4, 4, b, {{"pads", {1, 1, 1, 1}}});
  Node *dq = node(g, "DequantizeLinear", "dq",
                  {b, f32_constant(g, "dq.s", {0.1f, 0.2f, 0.3f, 0.4f}, {4}), i8_constant(g, "dq.z", {0, 0, 0, 0}, {4})},
                  {d});
  dq->attrs["axis"].value = int64_t{1};
  node(g, "GlobalAveragePool", "gap", {d}, {out});
  set_output(g, out);
  infer_shapes_and_fold(g);

  PatchStats stats;
  REQUIRE(patch_prefix(g, 2, &stats, "d"));
  verify_graph(g, true);
  CHECK(stats.prefix_nodes == 4);
  // Tile (0,0) is rows 0..3 of d and b. B reads a -1..4: a is made for 0..4
  // (one pad row on top). A (s2 p1) reads xq -1..9: xq, and so x, 0..9.
  CHECK(slice_bounds(*find_node(g, "x.patch0_0")) == std::make_pair(std::vector<int64_t>{0, 0}, std::vector<int64_t>{10, 10}));
  CHECK(find_node(g, "q.patch0_0")->outputs[0]->shape == Shape{1, 1, 10, 10});
  CHECK(ints_attr(*find_node(g, "A.patch0_0"), "pads") == std::vector<int64_t>{1, 1, 0, 0});
  CHECK(find_node(g, "A.patch0_0")->outputs[0]->shape == Shape{1, 4, 5, 5});
  CHECK(find_node(g, "A.patch0_0")->outputs[0]->dtype == DType::Int8);
  CHECK(ints_attr(*find_node(g, "B.patch0_0"), "pads") == std::vector<int64_t>{1, 1, 0, 0});
  CHECK(find_node(g, "dq.patch0_0")->outputs[0]->shape == Shape{1, 4, 4, 4});
  // MACs: A 36 and B 144 per output pixel; 64 pixels each before, and 4 tiles
  // of a 5x5, b 4x4 after: 4 * (25 * 36 + 16 * 144) = 12816.
  CHECK(stats.macs_before == 64 * 36 + 64 * 144);
  CHECK(stats.macs_after == 12816);
  run_graph_pipeline(g);
  lower_and_plan(g, 16);
}

TEST_CASE("patch: the prefix choice counts the graph input only if it shares the arena") {
  // A large f32 input quantized to int8: x[1,1,64,64] -> Q -> A (k3 s2 p1, 1 -> 8) -> a[1,8,32,32]
  //   -> B (1x1, 8 -> 16) -> b[1,16,32,32] -> C (k3 s2 p1, 16 -> 16) -> c[1,16,16,16] -> GAP.
  // With the input in the arena (16 KiB of floats) every cut costs about the
  // same, so the first (least recompute) wins; without it, cutting after the
  // large b (16 KiB) at c saves RAM.
  auto build = [] {
    auto g = std::make_unique<Graph>();
    g->opsets[""] = 13;
    Value *x = input(*g, "x", {1, 1, 64, 64});
    Value *xq = temp(*g, "xq"), *a = temp(*g, "a"), *b = temp(*g, "b"), *c = temp(*g, "c"), *out = temp(*g, "out");
    node(*g, "QuantizeLinear", "q", {x, f32_constant(*g, "q.s", {0.1f}, {}), i8_constant(*g, "q.z", {0}, {})}, {xq});
    qconv(*g, "A", xq, 1, 8, a, {{"strides", {2, 2}}, {"pads", {1, 1, 1, 1}}});
    qconv(*g, "B", a, 8, 16, b, {}, 1);
    qconv(*g, "C", b, 16, 16, c, {{"strides", {2, 2}}, {"pads", {1, 1, 1, 1}}});
    node(*g, "GlobalAveragePool", "gap", {c}, {out});
    set_output(*g, out);
    infer_shapes_and_fold(*g);
    return g;
  };
  PatchStats in_arena, separate;
  std::unique_ptr<Graph> g1 = build(), g2 = build();
  REQUIRE(patch_prefix(*g1, 2, &in_arena, "", true));
  REQUIRE(patch_prefix(*g2, 2, &separate, "", false));
  CHECK(in_arena.prefix_output == "xq");
  CHECK(separate.prefix_output == "c");
}

TEST_CASE("patch: bad tile counts and graphs without a CNN prefix are errors") {
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 8});
  Value *y = temp(g, "y");
  node(g, "Relu", "relu", {x}, {y});
  set_output(g, y);
  infer_shapes_and_fold(g);
  CHECK_THAT(error_of([&] { patch_prefix(g, 1); }), Catch::Contains("from 2 to 16"));
  CHECK_THAT(error_of([&] { patch_prefix(g, 2); }), Catch::Contains("N x C x H x W input"));
}
