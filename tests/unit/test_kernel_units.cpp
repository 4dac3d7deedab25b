// Lean output: a generated NAME.c defines exactly the kernels its run function
// calls (plus what those need), not whole kernel files. The kernels it defines
// are read back from the C itself: preprocessed with -DAOTC_KERNEL_SCAN, every
// kernel definition starts with AOTC_KERNEL_MARK (runtime-c/kernels/kernel_common.h).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "codegen/emit_c.h"
#include "codegen/kernel_units.h"
#include "compiler/driver.h"
#include "ops/kernel_library.h"
#include "passes/pipeline.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

std::set<std::string> matches(const std::string &text, const std::string &pattern) {
  std::set<std::string> out;
  std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.insert((*it)[1]);
  return out;
}

std::string read_file(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// True if `text` calls `kernel`: an occurrence of `kernel(` that is not
// `void kernel(`. A plain scan: std::regex over whole generated files is
// what made this test take minutes under the sanitizers.
bool calls(const std::string &text, const std::string &kernel) {
  for (size_t at = text.find(kernel); at != std::string::npos; at = text.find(kernel, at + 1)) {
    const size_t end = at + kernel.size();
    if ((at > 0 && is_word_char(text[at - 1])) || (end < text.size() && is_word_char(text[end]))) continue;
    size_t after = end;
    while (after < text.size() && std::isspace(static_cast<unsigned char>(text[after]))) ++after;
    if (after == text.size() || text[after] != '(') continue;
    size_t before = at;
    while (before > 0 && std::isspace(static_cast<unsigned char>(text[before - 1]))) --before;
    const bool definition = before >= 4 && text.compare(before - 4, 4, "void") == 0 &&
                            (before == 4 || !is_word_char(text[before - 5]));
    if (!definition) return true;
  }
  return false;
}

struct KernelSets {
  std::set<std::string> defined, called;
};

// Writes the files and returns NAME.c preprocessed (by cc, for this machine).
std::string preprocess(const std::map<std::string, std::string> &files, const std::string &name) {
  fs::path dir = fs::temp_directory_path() / ("aotc-units-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto &[file, text] : files) std::ofstream(dir / file, std::ios::binary) << text;
  fs::path c = dir / (name + ".c"), pre = dir / "pre.txt";
  std::string cmd = "cc -std=c99 -E -P -DAOTC_KERNEL_SCAN -I" + dir.string() + " " + c.string() + " > " + pre.string();
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::string text = read_file(pre);
  fs::remove_all(dir);
  return text;
}

// Preprocesses NAME.c and returns the kernels it defines and the kernels its
// run function calls.
KernelSets kernels_of(const std::map<std::string, std::string> &files, const std::string &name) {
  KernelSets k;
  std::string preprocessed = preprocess(files, name);
  k.defined = matches(preprocessed, R"(AOTC_KERNEL_MARK\s+static\s+void\s+(\w+)\s*\()");
  const std::string &source = files.at(name + ".c");
  size_t run = source.find("_run_with_scratch(");
  REQUIRE(run != std::string::npos);
  k.called = matches(source.substr(run, source.find("\n}\n", run) - run), R"(\n\s+(aotc_\w+)\()");
  // Kernels that defined kernels call count as called (log-sum-exp runs reduce-max first).
  for (const std::string &name : k.defined)
    if (calls(preprocessed, name)) k.called.insert(name);
  return k;
}

std::map<std::string, std::string> emit_graph(Graph &g, const std::string &name) {
  run_graph_pipeline(g);
  Program p = lower_and_plan(g, 16);
  EmitOptions opt;
  opt.name = name;
  opt.source_file = name + ".onnx";
  return emit_c(p, opt);
}

}  // namespace

TEST_CASE("every library kernel is pasted alone, from one unit of the sources", "[codegen][lean]") {
  std::vector<std::string> names = kernel_names();
  REQUIRE(names.size() > 500);
  for (const std::string &name : names) {
    INFO(name);
    std::set<std::string> defined = kernels_defined_for({name});
    CHECK(defined.count(name) == 1);
    // Others only if the kernel calls them (log-sum-exp runs reduce-max first).
    std::string text = kernel_sources_for({name});
    for (const std::string &other : defined)
      if (other != name) CHECK(calls(text, other));
  }
  CHECK_THROWS(kernel_sources_for({"aotc_no_such_kernel"}));
  // The text is a pure function of the set.
  CHECK(kernel_sources_for({"aotc_add_f32", "aotc_conv_f32"}) == kernel_sources_for({"aotc_conv_f32", "aotc_add_f32"}));
}

TEST_CASE("a kernel file's #include <...> and helpers come only with its kernels", "[codegen][lean]") {
  // immintrin.h (conv_int8.c) was pasted into every model: most of the parse
  // time of a small model's C. And the qconv Arm asm helpers, whose function
  // names a fallback macro also defines, and conv.c's function-pointer typedef.
  std::string add = kernel_sources_for({"aotc_add_f32"});
  CHECK(add.find("immintrin.h") == std::string::npos);
  CHECK(add.find("aotc_qconv") == std::string::npos);
  CHECK(add.find("aotc_conv_cv_tile_fn") == std::string::npos);
  CHECK(add.find("<math.h>") != std::string::npos);  // kernel_common.h's includes stay
  std::string qconv = kernel_sources_for({"aotc_qconv_i8"});
  CHECK(qconv.find("#include <immintrin.h>") != std::string::npos);
  CHECK(qconv.find("AOTC_QCONV_PAIRS_ASM(i8, \"ssat\")") != std::string::npos);
}

TEST_CASE("tiny graphs: NAME.c defines exactly the kernels it calls", "[codegen][lean]") {
  Graph add;
  add.opsets[""] = 13;
  Value *a = input(add, "a", {4}), *b = input(add, "b", {4});
  Value *sum = temp(add, "sum");
  node(add, "Add", "add", {a, b}, {sum});
  set_output(add, sum);
  KernelSets k = kernels_of(emit_graph(add, "one_add"), "one_add");
  CHECK(k.called == std::set<std::string>{"aotc_add_f32"});
  CHECK(k.defined == k.called);

  Graph cast;
  cast.opsets[""] = 13;
  Value *x = input(cast, "x", {4});
  Value *y = typed_value(cast, "y", Value::Kind::Intermediate, {4}, DType::Int32);
  node(cast, "Cast", "cast", {x}, {y})->attrs["to"].value = int64_t{6};  // INT32
  set_output(cast, y);
  k = kernels_of(emit_graph(cast, "one_cast"), "one_cast");
  CHECK(k.called == std::set<std::string>{"aotc_cast_f32_i32"});
  CHECK(k.defined == k.called);
}

struct DepthwiseConv {
  int64_t kh, kw, stride;
};

// x[1,4,12,12] through depthwise convs (pads kh/2 and kw/2), compiled to C.
std::map<std::string, std::string> depthwise_chain(const std::vector<DepthwiseConv> &convs) {
  Graph g;
  g.opsets[""] = 13;
  Value *x = input(g, "x", {1, 4, 12, 12});
  for (size_t i = 0; i < convs.size(); ++i) {
    const DepthwiseConv &c = convs[i];
    Value *w = f32_constant(g, "w" + std::to_string(i), std::vector<float>(static_cast<size_t>(4 * c.kh * c.kw), 0.5f),
                            {4, 1, c.kh, c.kw});
    Value *y = temp(g, "y" + std::to_string(i));
    Node *dw = node(g, "Conv", "dw" + std::to_string(i), {x, w}, {y});
    dw->attrs["group"].value = int64_t{4};
    dw->attrs["strides"].value = std::vector<int64_t>{c.stride, c.stride};
    dw->attrs["pads"].value = std::vector<int64_t>{c.kh / 2, c.kw / 2, c.kh / 2, c.kw / 2};
    x = y;
  }
  set_output(g, x);
  return emit_graph(g, "dw");
}

TEST_CASE("a depthwise conv's C holds only the square-kernel code its model uses", "[codegen][lean]") {
  // aotc_conv_depthwise_f32's 3x3 and 5x5 kernels with stride 1 or 2 have code of their own
  // (AOTC_CONV_DW_SQUARE, runtime-c/kernels/conv_depthwise.c): only the model's are compiled.
  auto files = depthwise_chain({{3, 3, 2}, {5, 5, 1}});
  const std::string &source = files.at("dw.c");
  CHECK_THAT(source, Contains("aotc_conv_depthwise_f32((float *)"));  // the call
  CHECK_THAT(source, Contains("#define AOTC_CONV_DW_SQUARE 6\n"));
  std::string pre = preprocess(files, "dw");
  CHECK(pre.find("aotc_conv_dwn_k3s2(") != std::string::npos);
  CHECK(pre.find("aotc_conv_dwn_k5s1(") != std::string::npos);
  CHECK(pre.find("aotc_conv_dwn_k3s1(") == std::string::npos);
  CHECK(pre.find("aotc_conv_dwn_k5s2(") == std::string::npos);

  files = depthwise_chain({{1, 4, 1}});  // no square kernel: none of that code
  CHECK_THAT(files.at("dw.c"), Contains("#define AOTC_CONV_DW_SQUARE 0\n"));
  pre = preprocess(files, "dw");
  CHECK(pre.find("aotc_conv_dwn_rows(") != std::string::npos);
  for (const char *ks : {"k3s1(", "k3s2(", "k5s1(", "k5s2("}) CHECK(pre.find(ks) == std::string::npos);
}

// Every model in models/ (and a two-output test model) compiled for `target`.
static void check_models_lean(const char *target) {
  std::vector<fs::path> models;
  for (const auto &e : fs::directory_iterator(AOTC_MODELS_DIR))
    if (fs::exists(e.path() / "model.onnx")) models.push_back(e.path() / "model.onnx");
  std::sort(models.begin(), models.end());
  REQUIRE(models.size() >= 5);
  models.push_back(fs::path(AOTC_TEST_DATA_DIR) / "mul_sigmoid.onnx");
  for (const fs::path &model : models) {
    INFO(model.string() << " --target " << target);
    CompileOptions options;
    options.name = "lean";
    options.target = target;
    KernelSets k = kernels_of(compile_model(model.string(), options).files, "lean");
    CHECK_FALSE(k.called.empty());
    CHECK(k.defined == k.called);
  }
}

// One test per target (they differ in the kernels lowering picks; generic
// picks the host's), so CTest runs them side by side.
TEST_CASE("models: NAME.c defines exactly the kernels it calls, for the host", "[codegen][lean]") {
  check_models_lean("host");
}

TEST_CASE("models: NAME.c defines exactly the kernels it calls, for Cortex-M4", "[codegen][lean]") {
  check_models_lean("cortex-m4");
}
