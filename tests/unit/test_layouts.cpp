// Layouts in the IR (ir/graph.h Layout) and the choose-layouts pass
// (passes/choose_layouts.cpp): which weights get packed for which target, the
// packed data against an independent re-implementation of the format, the
// text form, the verifier's checks and the pass's idempotence.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "codegen/emit_c.h"
#include "ir/target.h"
#include "passes/pipeline.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;
using Catch::Matchers::Contains;

namespace {

std::vector<float> iota_floats(size_t n, float scale) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = scale * static_cast<float>(i + 1);
  return v;
}

Node *conv(Graph &g, const std::string &name, Value *x, Value *w, Value *y, int64_t group = 1, int64_t pad = 0) {
  Node *n = node(g, "Conv", name, {x, w}, {y});
  n->attrs["group"].value = group;
  n->attrs["pads"].value = std::vector<int64_t>{pad, pad, pad, pad};
  return n;
}

// x[1,4,4,4] -> 1x1 conv (6 channels, 16 pixels) -> 3x3 conv (5) -> depthwise 3x3 -> MaxPool -> y.
Graph conv_chain() {
  Graph g;
  g.name = "chain";
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 4, 4, 4});
  Value *w1 = f32_constant(g, "w1", iota_floats(24, 0.01f), {6, 4, 1, 1});
  Value *w2 = f32_constant(g, "w2", iota_floats(270, 0.001f), {5, 6, 3, 3});
  Value *w3 = f32_constant(g, "w3", iota_floats(45, 0.01f), {5, 1, 3, 3});
  Value *c1 = temp(g, "c1"), *c2 = temp(g, "c2"), *c3 = temp(g, "c3"), *y = temp(g, "y");
  conv(g, "pointwise", x, w1, c1);
  conv(g, "full", c1, w2, c2, 1, 1);
  conv(g, "depthwise", c2, w3, c3, 5, 1);
  Node *pool = node(g, "MaxPool", "pool", {c3}, {y});
  pool->attrs["kernel_shape"].value = std::vector<int64_t>{2, 2};
  pool->attrs["strides"].value = std::vector<int64_t>{2, 2};
  set_output(g, y);
  return g;
}

const Value &value_named(const Graph &g, const std::string &name) {
  const Value *v = g.find_value(name);
  REQUIRE(v != nullptr);
  return *v;
}

}  // namespace

TEST_CASE("choose-layouts packs constant conv weights in the format the target's kernel reads", "[layouts]") {
  Graph g = conv_chain();
  SECTION("host: few-pixel pointwise convs get conv_mr16, other GEMM convs conv_mr4, depthwise stays ONNX's") {
    run_graph_pipeline(g, find_target("host"));
    std::string ir = print_graph(g);
    CHECK_THAT(ir, Contains("const  %w1.packed : f32[6,4,1,1] packed(conv_mr16[1,1,4,16])\n"));
    CHECK_THAT(ir, Contains("const  %w2.packed : f32[5,6,3,3] packed(conv_mr4[1,2,54,4])\n"));
    CHECK_THAT(ir, Contains("const  %w3 : f32[5,1,3,3]\n"));
    // Activations between conv/pool kernels are channels-first; graph inputs and outputs keep ONNX's layout.
    CHECK_THAT(ir, Contains("%c1 : f32[1,6,4,4] nchw = Conv(%x, %w1.packed)"));
    CHECK_THAT(ir, Contains("%c3 : f32[1,5,4,4] nchw = Conv(%c2, %w3)"));
    CHECK_THAT(ir, Contains("%y : f32[1,5,2,2] = MaxPool(%c3)"));
    CHECK_THAT(ir, Contains("input  %x : f32[1,4,4,4]\n"));
    // The packing nodes were evaluated at compile time; the unpacked weights are gone.
    for (auto &n : g.nodes) CHECK(n->op != "PackConvWeights");
    CHECK(g.find_value("w1") == nullptr);
    CHECK(g.find_value("w2") == nullptr);
    // Memory is the packed storage, padding included (5 rows pad to 8).
    CHECK(value_named(g, "w2.packed").byte_size() == 8 * 54 * sizeof(float));
  }
  SECTION("cortex-m4 (no float SIMD): every GEMM conv gets conv_mr4, which aotc_sconv_f32 reads") {
    run_graph_pipeline(g, find_target("cortex-m4"));
    std::string ir = print_graph(g);
    CHECK_THAT(ir, Contains("const  %w1.packed : f32[6,4,1,1] packed(conv_mr4[1,2,4,4])\n"));
    CHECK_THAT(ir, Contains("const  %w2.packed : f32[5,6,3,3] packed(conv_mr4[1,2,54,4])\n"));
  }
}

TEST_CASE("packed conv weights hold the conv_mr<MR> format: blocks of MR rows, k-major, last row repeated",
          "[layouts]") {
  Graph g = conv_chain();
  run_graph_pipeline(g, find_target("cortex-m4"));
  std::vector<float> w = iota_floats(270, 0.001f);  // w2: M=5 rows of K=54
  const Value &packed = value_named(g, "w2.packed");
  REQUIRE(packed.constant->shape == Shape{1, 2, 54, 4});
  const float *p = packed.constant->data<float>();
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t k = 0; k < 54; ++k)
      for (int64_t r = 0; r < 4; ++r) {
        int64_t row = std::min<int64_t>(b * 4 + r, 4);
        INFO("block " << b << " k " << k << " r " << r);
        REQUIRE(p[(b * 54 + k) * 4 + r] == w[static_cast<size_t>(row * 54 + k)]);
      }
}

TEST_CASE("choose-layouts packs a shared weight once and is idempotent", "[layouts]") {
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 2, 3, 3});
  Value *w = f32_constant(g, "w", iota_floats(18, 0.1f), {1, 2, 3, 3});
  Value *a = temp(g, "a"), *b = temp(g, "b"), *y = temp(g, "y");
  conv(g, "left", x, w, a, 1, 1);
  conv(g, "right", x, w, b, 1, 1);
  node(g, "Add", "add", {a, b}, {y});
  set_output(g, y);
  infer_shapes_and_fold(g);
  const Target &host = find_target("host");
  CHECK(choose_layouts(g, host));
  verify_graph(g, true);
  REQUIRE(g.nodes.size() == 4);
  CHECK(g.nodes[0]->op == "PackConvWeights");
  CHECK(g.nodes[1]->inputs[1] == g.nodes[2]->inputs[1]);
  CHECK(!choose_layouts(g, host));  // nothing left to do
  infer_shapes_and_fold(g);
  verify_graph(g, true);
  CHECK(g.nodes.size() == 3);
  CHECK(g.nodes[0]->inputs[1]->is_constant());
}

TEST_CASE("the verifier checks packed layouts", "[layouts][ir]") {
  Graph g = conv_chain();
  run_graph_pipeline(g, find_target("host"));
  Value &packed = *g.find_value("w2.packed");
  SECTION("a packed constant's data must have the storage shape") {
    packed.layout.storage = {1, 1, 54, 4};
    CHECK_THAT(error_of([&] { verify_graph(g, true); }),
               Contains("packed constant 'w2.packed' holds data of shape [1,2,54,4], its layout stores [1,1,54,4]"));
  }
  SECTION("graph outputs keep ONNX's layout") {
    g.outputs[0]->layout = Layout::packed("conv_mr4", {1});
    CHECK_THAT(error_of([&] { verify_graph(g, true); }), Contains("'y' has a packed or blocked layout"));
  }
}

// x[1,16,6,6] -> pointwise conv to 32 channels (c1) -> depthwise 3x3 (c2) ->
// pointwise (c3) -> GlobalAveragePool -> y; with `pool_reads_c2`, c2 also goes
// to a MaxPool, whose kernel reads channels-first only.
Graph blocked_chain(bool pool_reads_c2) {
  Graph g;
  g.name = "blocked";
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 16, 6, 6});
  Value *w1 = f32_constant(g, "w1", iota_floats(512, 0.001f), {32, 16, 1, 1});
  Value *w2 = f32_constant(g, "w2", iota_floats(288, 0.01f), {32, 1, 3, 3});
  Value *w3 = f32_constant(g, "w3", iota_floats(1024, 0.001f), {32, 32, 1, 1});
  Value *c1 = temp(g, "c1"), *c2 = temp(g, "c2"), *c3 = temp(g, "c3"), *y = temp(g, "y");
  conv(g, "expand", x, w1, c1);
  conv(g, "depthwise", c1, w2, c2, 32, 1);
  conv(g, "project", c2, w3, c3);
  node(g, "GlobalAveragePool", "pool", {c3}, {y});
  set_output(g, y);
  if (pool_reads_c2) {
    Value *z = temp(g, "z");
    Node *pool = node(g, "MaxPool", "maxpool", {c2}, {z});
    pool->attrs["kernel_shape"].value = std::vector<int64_t>{2, 2};
    set_output(g, z);
  }
  return g;
}

TEST_CASE("choose-layouts blocks the channels between kernels that vectorise over them", "[layouts]") {
  Target wide = find_target("generic");
  wide.vector_bits = 512;
  const Layout blocked = Layout::channels_blocked(16);
  SECTION("pointwise and depthwise convs into a global average pool: nchw16c, no conversion") {
    Graph g = blocked_chain(false);
    run_graph_pipeline(g, wide);
    CHECK(value_named(g, "c1").layout == blocked);
    CHECK(value_named(g, "c2").layout == blocked);
    CHECK(value_named(g, "c3").layout == blocked);
    CHECK(value_named(g, "x").layout.kind == Layout::Kind::RowMajor);
    CHECK(value_named(g, "y").layout.kind == Layout::Kind::RowMajor);
    const std::string ir = print_graph(g);
    CHECK_THAT(ir, Contains("%c2 : f32[1,32,6,6] nchw16c = Conv(%c1, %w2.packed)"));
    // The depthwise weights as one group of 32 rows x 9 taps in blocks of 16 channels.
    CHECK_THAT(ir, Contains("%w2.packed : f32[32,1,3,3] packed(conv_mr16[1,2,9,16])"));
    Program program = lower_and_plan(g, 16, wide);
    std::vector<std::string> kernels;
    for (const LoweredStep &step : program.steps) kernels.push_back(step.call.kernel);
    CHECK(kernels == std::vector<std::string>{"aotc_conv_cv_f32", "aotc_conv_dw_blocked_f32", "aotc_conv_cv_f32",
                                              "aotc_global_avgpool_blocked_f32"});
  }
  SECTION("a reader that needs channels-first keeps its value so, and the tied depthwise conv its input") {
    Graph g = blocked_chain(true);
    run_graph_pipeline(g, wide);
    CHECK(value_named(g, "c1").layout.kind == Layout::Kind::ChannelsFirst);
    CHECK(value_named(g, "c2").layout.kind == Layout::Kind::ChannelsFirst);
    CHECK(value_named(g, "c3").layout == blocked);
  }
  SECTION("a residual Add of two blocked values is blocked; one that broadcasts, or reads a graph input, is not") {
    for (const char *other : {"c1", "x2", "bias"}) {
      Graph g = blocked_chain(false);
      Value *r = temp(g, "r"), *z = temp(g, "z");
      Value *b = std::string(other) == "x2"     ? input(g, "x2", {1, 32, 6, 6})
                 : std::string(other) == "bias" ? f32_constant(g, "bias", iota_floats(32, 0.1f), {1, 32, 1, 1})
                                                : g.find_value("c1");
      node(g, "Add", "residual", {g.find_value("c3"), b}, {r});
      node(g, "GlobalAveragePool", "pool2", {r}, {z});
      set_output(g, z);
      run_graph_pipeline(g, wide);
      const bool blocks = std::string(other) == "c1";
      INFO(other);
      CHECK((value_named(g, "r").layout == blocked) == blocks);
      CHECK((value_named(g, "c3").layout == blocked) == blocks);
      CHECK(value_named(g, "c2").layout == blocked);
    }
  }
  SECTION("narrower vectors keep every activation channels-first") {
    Graph g = blocked_chain(false);
    run_graph_pipeline(g, find_target("generic"));
    CHECK_THAT(print_graph(g), !Contains("16c"));
  }
  SECTION("the verifier checks the block divides the channels") {
    Graph g = blocked_chain(false);
    run_graph_pipeline(g, wide);
    g.find_value("c2")->layout = Layout::channels_blocked(24);
    CHECK_THAT(error_of([&] { verify_graph(g, true); }), Contains("'c2' of shape [1,32,6,6] cannot be blocked by 24"));
  }
}

// conv_chain() through the host pipeline, lowered and planned (the graph lives as long as the program needs it).
Program conv_chain_program(Graph &g) {
  g = conv_chain();
  const Target &host = find_target("host");
  run_graph_pipeline(g, host);
  return lower_and_plan(g, 16, host);
}

TEST_CASE("generated C holds packed weights and named geometry structs", "[layouts][codegen]") {
  Graph g;
  Program program = conv_chain_program(g);
  EmitOptions emit;
  emit.name = "chain";
  std::string c = emit_c(program, emit).at("chain.c");
  // 8 rows of 54 (5 padded to 8) for the 3x3 conv, packed conv_mr4.
  CHECK_THAT(c, Contains("/* \"w2.packed\" f32[5,6,3,3], packed conv_mr4[1,2,54,4] */"));
  CHECK_THAT(c, Contains("static const union { uint32_t bits[432]; float values[432]; } chain_w1_w2_packed = {{"));
  CHECK_THAT(c, Contains("static const aotc_conv_params chain_p1 = {.n = 1, .groups = 1, .cg = 6, .mg = 5, "
                         ".in = {1, 4, 4}, .out = {1, 4, 4}, .kernel = {1, 3, 3}, .stride = {1, 1, 1}, "
                         ".dilation = {1, 1, 1}, .pad = {0, 1, 1}, .method = 0, .band = 0, .blocked = 0};"));
  CHECK_THAT(c, Contains(", &chain_p1, "));
}

TEST_CASE("weights bin: the packed weights are NAME_weights.bin and symbols the assembler fills", "[layouts][codegen]") {
  Graph g;
  Program program = conv_chain_program(g);
  EmitOptions emit;
  emit.name = "chain";
  emit.weights = WeightsFormat::Bin;
  auto files = emit_c(program, emit);
  REQUIRE(files.count("chain_weights.bin") == 1);
  const std::string &c = files.at("chain.c");
  const std::string &bin = files.at("chain_weights.bin");
  // Each constant's bytes at a 16-byte aligned offset, in the order NAME.c names them.
  size_t offset = 0;
  for (size_t i = 0; i < program.constants.size(); ++i) {
    const Tensor &t = *program.constants[i]->constant;
    offset = (offset + 15) / 16 * 16;
    INFO("constant " << i << " at " << offset);
    REQUIRE(offset + t.bytes.size() <= bin.size());
    CHECK(std::memcmp(bin.data() + offset, t.bytes.data(), t.bytes.size()) == 0);
    CHECK_THAT(c, Contains(fmt::format("\\t.incbin \\\"chain_weights.bin\\\", {}, {}\\n", offset, t.bytes.size())));
    offset += t.bytes.size();
  }
  CHECK(bin.size() == offset);
  CHECK_THAT(c, Contains("extern const float chain_w1_w2_packed[432];"));
  CHECK_THAT(c, Contains("\\t.globl chain_w1_w2_packed\\n\\t.hidden chain_w1_w2_packed\\n"));
  CHECK(c.find("static const union") == std::string::npos);  // no weights as C text
}

namespace {

// x[1,C,HW,HW] -> 3x3 conv (pads 1, weights w) to M channels -> y, in g.
void conv3x3_graph(Graph &g, int64_t C, int64_t M, int64_t HW) {
  g.name = "wino";
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, C, HW, HW});
  Value *w = f32_constant(g, "w", iota_floats(M * C * 9, 1e-6f), {M, C, 3, 3});
  Value *y = temp(g, "y");
  conv(g, "conv", x, w, y, 1, 1);
  set_output(g, y);
}

}  // namespace

TEST_CASE("3x3 convs over 128+ channels get Winograd's conv_wino23 weights on 512-bit vector targets",
          "[layouts]") {
  Graph g;
  conv3x3_graph(g, 128, 128, 14);
  Target target = find_target("host");
  SECTION("512-bit vectors: conv_wino23 with 16 transformed taps of conv_mr16 blocks") {
    target.vector_bits = 512;
    run_graph_pipeline(g, target);
    CHECK_THAT(print_graph(g), Contains("const  %w.packed : f32[128,128,3,3] packed(conv_wino23[16,8,128,16])\n"));
    // U = G g G^T per input and output channel (G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]): tap (0, 0) is
    // g[0][0]; tap (1, 1) is the sum of all 9 over 4; tap (3, 3) is g[2][2]. Output channel m, input c
    // of tap xi lies at xi*128*128 + ((m/16)*128 + c)*16 + m%16.
    const float *u = value_named(g, "w.packed").constant->data<float>();
    for (int64_t m : {0, 17, 127})
      for (int64_t c : {0, 5, 127}) {
        auto g_at = [&](int64_t k) { return 1e-6f * static_cast<float>((m * 128 + c) * 9 + k + 1); };
        auto u_at = [&](int64_t xi) { return u[xi * 128 * 128 + ((m / 16) * 128 + c) * 16 + m % 16]; };
        float sum = 0.0f;
        for (int64_t k = 0; k < 9; ++k) sum += g_at(k);
        INFO("m " << m << " c " << c);
        CHECK(u_at(0) == g_at(0));
        CHECK(u_at(15) == g_at(8));
        CHECK(u_at(5) == Approx(sum / 4).epsilon(1e-6));
      }
  }
  SECTION("narrower vectors keep the direct kernels' formats") {
    target.vector_bits = 256;
    run_graph_pipeline(g, target);
    CHECK_THAT(print_graph(g), !Contains("conv_wino23"));
  }
}

TEST_CASE("Winograd takes 3x3 convs from 32 input and 64 output channels over 169+ pixels and ResNet-8's",
          "[layouts]") {
  // The packed format of the weights of a 3x3 conv (pads 1) from C to M channels over HW x HW on a 512-bit
  // vector target.
  auto weight_format = [](int64_t C, int64_t M, int64_t HW) {
    Graph g;
    conv3x3_graph(g, C, M, HW);
    Target target = find_target("host");
    target.vector_bits = 512;
    run_graph_pipeline(g, target);
    return value_named(g, "w.packed").layout.format;
  };
  CHECK(weight_format(32, 128, 27) == "conv_wino23");  // SqueezeNet 1.1's fire4 and fire5 expand3x3
  CHECK(weight_format(64, 64, 14) == "conv_wino23");
  CHECK(weight_format(16, 64, 55) == "conv_mr4");     // SqueezeNet 1.1's fire2 and fire3 expand3x3
  CHECK(weight_format(64, 256, 13) == "conv_wino23");  // 169 pixels: fire8 and fire9
  CHECK(weight_format(48, 192, 13) == "conv_wino23");  // fire6 and fire7
  CHECK(weight_format(64, 256, 12) != "conv_wino23");  // 144 pixels
  // Fewer channels (aotc_conv_wino23_mr4_f32): ResNet-8's 32x32 x 16 and 16x16 x 32, whose rows of 16 and 8
  // tiles fill GEMM tiles of 32, but not its 8x8 x 64 (64 outputs, 64 pixels), nor rows of 12 tiles.
  CHECK(weight_format(16, 16, 32) == "conv_wino23_mr4");
  CHECK(weight_format(32, 32, 16) == "conv_wino23_mr4");
  CHECK(weight_format(64, 64, 8) != "conv_wino23_mr4");
  CHECK(weight_format(16, 16, 24) != "conv_wino23_mr4");
  CHECK(weight_format(8, 16, 32) != "conv_wino23_mr4");  // 8 input channels
}
