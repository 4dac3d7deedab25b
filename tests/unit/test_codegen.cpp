// C code generation: determinism (same model, byte-identical files), exact
// weights (every float constant round-trips bit for bit through its emitted
// hex literal) and the shape of the generated file set.
#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "codegen/emit_c.h"
#include "compiler/driver.h"
#include "passes/pipeline.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;
using Catch::Matchers::Contains;

namespace {

const std::string kData = AOTC_TEST_DATA_DIR;

uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

// Parses one emitted float literal ("0x1.8p+1f", "-INFINITY", ...) back to a float.
float parse_float_literal(std::string lit) {
  while (!lit.empty() && std::isspace(static_cast<unsigned char>(lit.front()))) lit.erase(lit.begin());
  while (!lit.empty() && std::isspace(static_cast<unsigned char>(lit.back()))) lit.pop_back();
  if (lit == "INFINITY") return std::numeric_limits<float>::infinity();
  if (lit == "-INFINITY") return -std::numeric_limits<float>::infinity();
  if (lit == "NAN") return std::numeric_limits<float>::quiet_NaN();
  INFO("literal '" << lit << "'");
  REQUIRE(lit.size() > 3);
  REQUIRE(lit.back() == 'f');                     // a float literal, not a double
  REQUIRE(lit.find("0x") != std::string::npos);  // hex: exact by construction
  char *end = nullptr;
  float f = std::strtof(lit.c_str(), &end);
  REQUIRE(std::string(end) == "f");
  return f;
}

// The items of the array initializer that follows `decl` in `source`.
std::vector<std::string> array_items(const std::string &source, const std::string &decl) {
  size_t start = source.find(decl);
  INFO("looking for '" << decl << "'");
  REQUIRE(start != std::string::npos);
  size_t open = source.find('{', start), close = source.find("};", start);
  REQUIRE(open < close);
  std::string body = source.substr(open + 1, close - open - 1);
  std::vector<std::string> items;
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t comma = body.find(',', pos);
    if (comma == std::string::npos) comma = body.size();
    items.push_back(body.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return items;
}

// y = LeakyRelu(x + w, alpha) with the given weights, compiled to C.
std::map<std::string, std::string> compile_by_hand(const std::vector<float> &weights, float alpha,
                                                   const std::string &name) {
  Graph g;
  g.name = "by_hand";
  g.opsets[""] = 13;
  int64_t n = static_cast<int64_t>(weights.size());
  Value *x = input(g, "x", {n});
  Value *w = f32_constant(g, "w", weights, {n});
  Value *s = temp(g, "s"), *y = temp(g, "y");
  node(g, "Add", "add", {x, w}, {s});
  node(g, "LeakyRelu", "leaky", {s}, {y})->attrs["alpha"].value = alpha;
  set_output(g, y);
  run_graph_pipeline(g);
  Program p = lower_and_plan(g, 16);
  EmitOptions opt;
  opt.name = name;
  opt.source_file = "by_hand.onnx";
  return emit_c(p, opt);
}

}  // namespace

// The bit patterns of a float constant's union initializer (see emit_c.cpp's float_bits_type).
std::vector<uint32_t> float_bits_items(const std::string &source, const std::string &symbol) {
  size_t start = source.find("} " + symbol + " = {{");
  INFO("looking for the union " << symbol);
  REQUIRE(start != std::string::npos);
  CHECK(source.rfind("static const union { uint32_t bits[", start) != std::string::npos);
  std::vector<uint32_t> bits;
  for (const std::string &item : array_items(source.substr(start + 2), symbol + " = {")) {
    std::string lit = item;
    while (!lit.empty() && (std::isspace(static_cast<unsigned char>(lit.front())) || lit.front() == '{')) lit.erase(lit.begin());
    while (!lit.empty() && (std::isspace(static_cast<unsigned char>(lit.back())) || lit.back() == '}')) lit.pop_back();
    INFO("item '" << lit << "'");
    REQUIRE(lit.rfind("0x", 0) == 0);
    bits.push_back(static_cast<uint32_t>(std::stoul(lit, nullptr, 16)));
  }
  return bits;
}

TEST_CASE("float weights are emitted as their exact bit patterns", "[codegen]") {
  const std::vector<float> weights = {
      0.1f, -0.0f, 0.0f, 1.0f / 3.0f, FLT_MIN, FLT_TRUE_MIN, 1e-40f /* denormal */, FLT_MAX, -FLT_MAX,
      1.0f + FLT_EPSILON, 16777216.0f, -3.14159265f, std::numeric_limits<float>::infinity(),
      -std::numeric_limits<float>::infinity(), 123456.789f, -2.5e-20f};
  auto files = compile_by_hand(weights, 0.1f, "hexf");
  const std::string &c = files.at("hexf.c");
  std::vector<uint32_t> items = float_bits_items(c, "hexf_w0_w");
  REQUIRE(items.size() == weights.size());
  for (size_t i = 0; i < weights.size(); ++i) {
    INFO("weight " << i);
    CHECK(items[i] == bits(weights[i]));
  }
  CHECK_THAT(c, Contains("hexf_w0_w.values"));  // kernels read the float member
  // Float kernel arguments are exact too: LeakyRelu's alpha = 0.1f.
  size_t call = c.find("aotc_leaky_relu_f32(", c.find("/* leaky: LeakyRelu */"));  // the call in the run function
  REQUIRE(call != std::string::npos);
  std::string args = c.substr(call, c.find(");", call) - call);
  std::vector<std::string> parts;
  for (size_t pos = args.find('(') + 1, comma; pos < args.size(); pos = comma + 1) {
    comma = args.find(',', pos);
    if (comma == std::string::npos) comma = args.size();
    parts.push_back(args.substr(pos, comma - pos));
  }
  REQUIRE(parts.size() == 5);  // x, y, n, alpha, beta
  CHECK(bits(parse_float_literal(parts[3])) == bits(0.1f));
}

TEST_CASE("NaN weights keep their bit pattern, payload included", "[codegen]") {
  uint32_t payload_nan_bits = 0x7fc01234u;
  float payload_nan;
  std::memcpy(&payload_nan, &payload_nan_bits, sizeof payload_nan);
  auto files = compile_by_hand({1.0f, payload_nan}, 0.5f, "nanw");
  std::vector<uint32_t> items = float_bits_items(files.at("nanw.c"), "nanw_w0_w");
  REQUIRE(items.size() == 2);
  CHECK(items[1] == payload_nan_bits);
  CHECK(items[0] == bits(1.0f));
}

TEST_CASE("emit_c produces NAME.c, NAME.h and aotc.h, named by --name", "[codegen]") {
  auto files = compile_by_hand({1, 2}, 0.5f, "my_net");
  std::vector<std::string> names;
  for (auto &[name, text] : files) names.push_back(name);
  CHECK(names == std::vector<std::string>{"aotc.h", "my_net.c", "my_net.h"});
  CHECK(files.at("aotc.h") == runtime_source("aotc.h"));
  CHECK_THAT(files.at("my_net.h"), Contains("int my_net_run(const float *in0, float *out0);"));
  CHECK_THAT(files.at("my_net.h"), Contains("extern const aotc_model my_net_model;"));
  CHECK_THAT(files.at("my_net.c"), Contains("const aotc_model my_net_model = {"));
  // No stdio and no allocation in generated code.
  for (const char *banned : {"<stdio.h>", "malloc(", "printf("}) CHECK(files.at("my_net.c").find(banned) == std::string::npos);
}

TEST_CASE("emit_c rejects names that are not C identifiers", "[codegen]") {
  for (const char *bad : {"", "1net", "my-net", "a b", "x.y"}) {
    INFO("name '" << bad << "'");
    CHECK_THAT(error_of([&] { compile_by_hand({1}, 0.5f, bad); }), Contains("not a valid C identifier"));
  }
  CHECK(is_valid_c_name("_ok9"));
}

TEST_CASE("compiling the same model twice gives byte-identical files", "[codegen]") {
  for (const char *model : {"elementwise_chain.onnx", "external_data.onnx", "mul_sigmoid.onnx"}) {
    INFO(model);
    CompileOptions options;
    options.name = "det";
    Compilation a = compile_model(kData + "/" + model, options);
    Compilation b = compile_model(kData + "/" + model, options);
    REQUIRE(a.files.size() == 3);
    CHECK(a.files == b.files);
  }
  CHECK(compile_by_hand({1, 2, 3}, 0.25f, "d") == compile_by_hand({1, 2, 3}, 0.25f, "d"));
}

TEST_CASE("the file comment names the model, but not its directory", "[codegen]") {
  CompileOptions options;
  Compilation c = compile_model(kData + "/add_relu.onnx", options);
  CHECK_THAT(c.files.at("model.c"), Contains("from add_relu.onnx"));
  CHECK(c.files.at("model.c").find(kData) == std::string::npos);  // output independent of checkout path
}
