// QLinearConv and ConvInteger end to end on the fast int8 kernels
// (runtime-c/kernels/conv_int8.c): one graph holds each conv twice over the
// same input, once with constant weights and a constant zero (or no)
// w_zero_point (lowered to aotc_qconv_*, weights packed at compile time) and
// once with w_zero_point a graph input (the reference aotc_qlinearconv_* and
// aotc_conv_integer_*); the generated C, built with gcc and clang
// -std=c99 -Wall -Wextra -pedantic -Werror (gcc also under ASan/UBSan), must
// give identical bytes for both; the Cortex-M4 code must build warning-free.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "codegen/emit_c.h"
#include "compiler/driver.h"
#include "passes/pipeline.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;
namespace fs = std::filesystem;

namespace {

struct QConvCase {
  const char *name;
  int64_t C, M, H, W, KH, KW, stride, group;
  std::vector<int64_t> pads;  // top, left, bottom, right
};

uint32_t next(uint32_t &s) {
  s = s * 1664525u + 1013904223u;
  return s >> 8;
}

Value *constant(Graph &g, const std::string &name, DType dtype, Shape shape, uint32_t &seed, int lo, int hi) {
  Tensor t = make_tensor(dtype, std::move(shape));
  for (int64_t i = 0; i < t.count(); ++i) {
    const int v = lo + static_cast<int>(next(seed) % static_cast<uint32_t>(hi - lo + 1));
    if (dtype == DType::Int32) t.data<int32_t>()[i] = v;
    else t.bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(v);
  }
  return g.add_constant(name, std::move(t));
}

// The C files of the graph for `target`.
std::map<std::string, std::string> compile(const QConvCase &c, DType xt, const std::string &target) {
  const bool u8 = xt == DType::UInt8;
  uint32_t seed = 7;
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, c.C, c.H, c.W}, xt);
  Value *wz_in = input(g, "wz", {c.M}, DType::Int8);
  Value *xs = f32_constant(g, "xs", {0.02f}, {});
  Value *xz = constant(g, "xz", xt, {}, seed, u8 ? 100 : -20, u8 ? 140 : 20);
  Value *w = constant(g, "w", DType::Int8, {c.M, c.C / c.group, c.KH, c.KW}, seed, -128, 127);
  std::vector<float> ws;
  for (int64_t m = 0; m < c.M; ++m) ws.push_back(0.001f + 0.0001f * static_cast<float>(next(seed) % 50));
  Value *wsc = f32_constant(g, "ws", ws, {c.M});
  Value *wz = constant(g, "wz0", DType::Int8, {c.M}, seed, 0, 0);
  Value *ys = f32_constant(g, "ys", {0.05f * static_cast<float>(c.C / c.group * c.KH * c.KW) / 16.0f}, {});
  Value *yz = constant(g, "yz", xt, {}, seed, u8 ? 120 : -10, u8 ? 130 : 10);
  Value *b = constant(g, "b", DType::Int32, {c.M}, seed, -20000, 20000);
  Value *fast = temp(g, "fast"), *ref = temp(g, "ref");
  for (int k = 0; k < 2; ++k) {
    Node *n = node(g, "QLinearConv", k ? "ref" : "fast", {x, xs, xz, w, wsc, k ? wz_in : wz, ys, yz, b},
                   {k ? ref : fast});
    n->attrs["group"].value = c.group;
    n->attrs["strides"].value = std::vector<int64_t>{c.stride, c.stride};
    n->attrs["pads"].value = std::vector<int64_t>{c.pads[0], c.pads[1], c.pads[2], c.pads[3]};
  }
  // ConvInteger the same two ways (no w_zero_point: the fast kernels).
  Value *fast32 = temp(g, "fast32"), *ref32 = temp(g, "ref32");
  for (int k = 0; k < 2; ++k) {
    std::vector<Value *> ins = {x, w, xz};
    if (k) ins.push_back(wz_in);
    Node *n = node(g, "ConvInteger", k ? "ref32" : "fast32", ins, {k ? ref32 : fast32});
    n->attrs["group"].value = c.group;
    n->attrs["strides"].value = std::vector<int64_t>{c.stride, c.stride};
    n->attrs["pads"].value = std::vector<int64_t>{c.pads[0], c.pads[1], c.pads[2], c.pads[3]};
  }
  set_output(g, fast);
  set_output(g, ref);
  set_output(g, fast32);
  set_output(g, ref32);
  run_graph_pipeline(g, find_target(target));
  Program program = lower_and_plan(g, 16, find_target(target));
  EmitOptions emit;
  emit.name = "model";
  auto files = emit_c(program, emit);
  const std::string &src = files.at("model.c");
  CHECK(src.find("aotc_qconv_") != std::string::npos);
  CHECK((src.find("int32_u8(") != std::string::npos || src.find("int32_i8(") != std::string::npos));
  CHECK(src.find("aotc_qlinearconv_") != std::string::npos);
  CHECK(src.find("aotc_conv_integer_") != std::string::npos);
  return files;
}

void run(const QConvCase &c, DType xt) {
  const bool u8 = xt == DType::UInt8;
  auto files = compile(c, xt, "host");

  fs::path dir = fs::temp_directory_path() / ("aotc-qconv-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (auto &[file, text] : files) std::ofstream(dir / file, std::ios::binary) << text;
  const std::string T = u8 ? "uint8_t" : "int8_t";
  std::ofstream(dir / "check.c") << "#include <string.h>\n#include \"model.h\"\n"
                                 << "static " << T << " x[MODEL_IN0_COUNT], a[MODEL_OUT0_COUNT], b[MODEL_OUT1_COUNT];\n"
                                 << "static int8_t wz[MODEL_IN1_COUNT];\n"
                                 << "static int32_t c[MODEL_OUT2_COUNT], d[MODEL_OUT3_COUNT];\n"
                                 << "int main(void) {\n  unsigned s = 1, i;\n"
                                 << "  for (i = 0; i < MODEL_IN0_COUNT; ++i) { s = s * 1664525u + 1013904223u; x[i] = ("
                                 << T << ")(s >> 24); }\n"
                                 << "  if (model_run(x, wz, a, b, c, d) != 0) return 2;\n"
                                 << "  return memcmp(a, b, sizeof a) != 0 || memcmp(c, d, sizeof c) != 0;\n}\n";
  int compilers = 0;
  for (std::string cc : {"gcc", "clang", "gcc -fsanitize=address,undefined -fno-sanitize-recover=all"}) {
    if (std::system(("command -v " + cc.substr(0, cc.find(' ')) + " > /dev/null").c_str()) != 0) continue;
    ++compilers;
    const std::string d = dir.string(), log = d + "/log.txt";
    const std::string cmd = cc + " -std=c99 -O2 -Wall -Wextra -pedantic -Werror -I" + d + " " + d + "/model.c " + d +
                            "/check.c -lm -o " + d + "/check > " + log + " 2>&1";
    INFO(c.name << " " << (u8 ? "u8" : "i8") << ": " << cmd);
    int rc = std::system(cmd.c_str());
    std::ifstream in(log);
    std::string diagnostics((std::istreambuf_iterator<char>(in)), {});
    INFO(diagnostics.substr(0, 4000));
    REQUIRE(rc == 0);
    CHECK(diagnostics.empty());
    CHECK(std::system((d + "/check").c_str()) == 0);
  }
  CHECK(compilers > 0);
  // Cortex-M4 code (its 4 x 2 SMLAD tile and rounding) builds warning-free too.
  if (std::system("command -v arm-none-eabi-gcc > /dev/null") == 0) {
    files = compile(c, xt, "cortex-m4");
    for (auto &[file, text] : files) std::ofstream(dir / file, std::ios::binary) << text;
    const std::string d = dir.string(), log = d + "/log.txt";
    const std::string cmd = "arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -O2 -std=c99 "
                            "-Wall -Wextra -pedantic -Werror -c " + d + "/model.c -o " + d + "/model.o > " + log + " 2>&1";
    INFO(cmd);
    int rc = std::system(cmd.c_str());
    std::ifstream in(log);
    std::string diagnostics((std::istreambuf_iterator<char>(in)), {});
    INFO(diagnostics.substr(0, 4000));
    CHECK(rc == 0);
    CHECK(diagnostics.empty());
  }
  fs::remove_all(dir);
}

}  // namespace

TEST_CASE("QLinearConv and ConvInteger on the fast int8 kernels match the reference kernels in generated C",
          "[quantize]") {
  const QConvCase cases[] = {
      {"kws stem 10x4/2", 1, 16, 49, 10, 10, 4, 2, 1, {4, 1, 5, 2}},
      {"depthwise 3x3", 12, 12, 25, 5, 3, 3, 1, 12, {1, 1, 1, 1}},
      {"depthwise 3x3/2", 8, 8, 15, 16, 3, 3, 2, 8, {0, 0, 1, 1}},
      {"pointwise", 13, 9, 7, 5, 1, 1, 1, 1, {0, 0, 0, 0}},
      {"grouped 3x3", 6, 9, 9, 8, 3, 3, 1, 3, {1, 2, 0, 1}},
  };
  for (const QConvCase &c : cases)
    for (DType xt : {DType::UInt8, DType::Int8}) run(c, xt);
}
