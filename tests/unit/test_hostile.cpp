// Hostile and malformed models (issue 5): external data that tries to leave
// the model's directory, sizes that overflow, opsets from the future, limits,
// and names made to break generated C or a terminal. Models are built here
// with ONNX's protobuf classes, so each case is one readable edit of a small
// valid model.
#include <catch2/catch.hpp>
#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "codegen/emit_c.h"
#include "compiler/driver.h"
#include "compiler/onnx_import.h"
#include "ir/escape.h"
#include "ir/limits.h"
#include "passes/pipeline.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// A fresh directory for one test, removed afterwards.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string &tag) {
    path = fs::temp_directory_path() / ("aotc-hostile-" + tag + "-" + std::to_string(getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void write_bytes(const fs::path &p, const std::string &bytes) { std::ofstream(p, std::ios::binary) << bytes; }

void set_shape(onnx::ValueInfoProto *v, const std::vector<int64_t> &dims) {
  v->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  auto *shape = v->mutable_type()->mutable_tensor_type()->mutable_shape();
  for (int64_t d : dims) shape->add_dim()->set_dim_value(d);
}

// y = x + w, x and w f32[6]: w is an initializer with float_data 0..5.
onnx::ModelProto add_model() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  auto *g = m.mutable_graph();
  g->set_name("add");
  auto *n = g->add_node();
  n->set_op_type("Add");
  n->set_name("add_w");
  n->add_input("x");
  n->add_input("w");
  n->add_output("y");
  set_shape(g->add_input(), {6});
  g->mutable_input(0)->set_name("x");
  set_shape(g->add_output(), {6});
  g->mutable_output(0)->set_name("y");
  auto *w = g->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(6);
  for (int i = 0; i < 6; ++i) w->add_float_data(static_cast<float>(i));
  return m;
}

// Makes w external: {location, offset, length} entries as given (empty: left out).
void make_external(onnx::ModelProto &m, const std::string &location, const std::string &offset = "",
                   const std::string &length = "") {
  auto *w = m.mutable_graph()->mutable_initializer(0);
  w->clear_float_data();
  w->set_data_location(onnx::TensorProto::EXTERNAL);
  auto add = [&](const char *key, const std::string &value) {
    auto *e = w->add_external_data();
    e->set_key(key);
    e->set_value(value);
  };
  add("location", location);
  if (!offset.empty()) add("offset", offset);
  if (!length.empty()) add("length", length);
}

std::string float_bytes(std::vector<float> values) {
  return std::string(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(float));
}

std::string import_error_of(const onnx::ModelProto &m, const fs::path &path, const ImportOptions &options = {}) {
  write_bytes(path, m.SerializeAsString());
  return error_of([&] { import_onnx(path.string(), options); });
}

std::vector<float> weights_of(const Graph &g) {
  const Value *w = g.find_value("w");
  REQUIRE(w);
  REQUIRE(w->is_constant());
  return std::vector<float>(w->constant->data<float>(), w->constant->data<float>() + w->constant->count());
}

// Undoes escape_c: the test's own reading of C escapes, to check round trips.
std::string unescape_c(const std::string &s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    char e = s[++i];
    if (e == 'n') out += '\n';
    else if (e == 't') out += '\t';
    else if (e >= '0' && e <= '7') {
      int v = 0;
      for (int k = 0; k < 3; ++k) v = v * 8 + (s[i + static_cast<size_t>(k)] - '0');
      out += static_cast<char>(v);
      i += 2;
    } else out += e;  // \\ \" \?
  }
  return out;
}

}  // namespace

TEST_CASE("external data must stay inside the model's directory", "[hostile][external]") {
  TempDir tmp("ext");
  fs::path dir = tmp.path / "model", model = dir / "model.onnx";
  fs::create_directories(dir / "sub");
  std::string weights = float_bytes({10, 11, 12, 13, 14, 15});
  write_bytes(tmp.path / "secret.bin", float_bytes({-1, -2, -3, -4, -5, -6}));
  write_bytes(dir / "weights.bin", weights);
  write_bytes(dir / "sub" / "w.bin", weights);
  fs::create_symlink("weights.bin", dir / "link_in");
  fs::create_symlink("../secret.bin", dir / "link_out");
  fs::create_symlink(tmp.path / "secret.bin", dir / "link_abs");
  fs::create_symlink("..", dir / "up");

  SECTION("inside: plain, in a subfolder, through a symlink that stays inside") {
    for (const char *location : {"weights.bin", "sub/w.bin", "link_in", "./weights.bin"}) {
      onnx::ModelProto m = add_model();
      make_external(m, location);
      write_bytes(model, m.SerializeAsString());
      INFO(location);
      CHECK(weights_of(*import_onnx(model.string(), {})) == std::vector<float>{10, 11, 12, 13, 14, 15});
    }
  }
  SECTION("'..' and absolute paths are refused before any file is opened") {
    for (std::string location : {std::string("../secret.bin"), std::string("sub/../../secret.bin"),
                                 (tmp.path / "secret.bin").string(), std::string("/etc/passwd"),
                                 std::string("..")}) {
      onnx::ModelProto m = add_model();
      make_external(m, location);
      INFO(location);
      std::string err = import_error_of(m, model);
      CHECK_THAT(err, Contains("tensor 'w'"));
      CHECK_THAT(err, Contains("not a relative path inside the model's directory"));
    }
  }
  SECTION("symlinks that lead out of the directory are refused") {
    for (const char *location : {"link_out", "link_abs", "up/secret.bin"}) {
      onnx::ModelProto m = add_model();
      make_external(m, location);
      INFO(location);
      std::string err = import_error_of(m, model);
      CHECK_THAT(err, Contains("tensor 'w'"));
      CHECK_THAT(err, Contains("leads out of the model's directory"));
    }
  }
  SECTION("missing files and directories") {
    onnx::ModelProto m = add_model();
    make_external(m, "missing.bin");
    CHECK_THAT(import_error_of(m, model), Contains("cannot be opened"));
    m = add_model();
    make_external(m, "sub");
    CHECK_THAT(import_error_of(m, model), Contains("is not a regular file"));
  }
}

TEST_CASE("external data offset and length are checked against the file", "[hostile][external]") {
  TempDir tmp("extsize");
  fs::path model = tmp.path / "model.onnx";
  write_bytes(tmp.path / "weights.bin", float_bytes({0, 1, 2, 3, 4, 5, 6, 7}));  // 32 bytes
  auto error = [&](const std::string &offset, const std::string &length) {
    onnx::ModelProto m = add_model();
    make_external(m, "weights.bin", offset, length);
    return import_error_of(m, model);
  };
  // 24 bytes at offset 8 fit exactly.
  onnx::ModelProto ok = add_model();
  make_external(ok, "weights.bin", "8", "24");
  write_bytes(model, ok.SerializeAsString());
  CHECK(weights_of(*import_onnx(model.string(), {})) == std::vector<float>{2, 3, 4, 5, 6, 7});

  CHECK_THAT(error("12", ""), Contains("is too short for tensor 'w'"));
  CHECK_THAT(error("33", ""), Contains("is too short"));
  CHECK_THAT(error("9223372036854775807", ""), Contains("is too short"));
  CHECK_THAT(error("18446744073709551615", ""), Contains("is not a byte count"));
  CHECK_THAT(error("99999999999999999999999", ""), Contains("is not a byte count"));
  CHECK_THAT(error("-8", ""), Contains("is not a byte count"));
  CHECK_THAT(error("8abc", ""), Contains("is not a byte count"));
  CHECK_THAT(error(" 8", ""), Contains("is not a byte count"));
  CHECK_THAT(error("0", "16"), Contains("length 16 does not match its 24 bytes"));
  CHECK_THAT(error("0", "x"), Contains("is not a byte count"));
}

TEST_CASE("element counts that overflow or exceed int32 indexing are refused", "[hostile][sizes]") {
  TempDir tmp("sizes");
  fs::path model = tmp.path / "model.onnx";
  SECTION("a graph input whose dims multiply past 2^64") {
    onnx::ModelProto m = add_model();
    m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->clear_shape();
    set_shape(m.mutable_graph()->mutable_input(0), {int64_t(1) << 32, int64_t(1) << 32, 16});
    std::string err = import_error_of(m, model);
    CHECK_THAT(err, Contains("input 'x'"));
    CHECK_THAT(err, Contains("more than the 2147483647 elements"));
  }
  SECTION("a graph input just past int32 indexing, and one exactly at it") {
    onnx::ModelProto m = add_model();
    m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->clear_shape();
    set_shape(m.mutable_graph()->mutable_input(0), {65536, 32768});
    CHECK_THAT(import_error_of(m, model), Contains("more than the 2147483647 elements"));
    ImportOptions options;
    options.input_shapes["x"] = {INT32_MAX};
    m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->clear_shape();
    write_bytes(model, m.SerializeAsString());
    CHECK(import_onnx(model.string(), options)->inputs[0]->count() == INT32_MAX);
    options.input_shapes["x"] = {int64_t(INT32_MAX) + 1};
    CHECK_THAT(error_of([&] { import_onnx(model.string(), options); }), Contains("more than the"));
  }
  SECTION("an initializer whose dims overflow is refused before any allocation") {
    onnx::ModelProto m = add_model();
    auto *w = m.mutable_graph()->mutable_initializer(0);
    w->clear_dims();
    for (int i = 0; i < 3; ++i) w->add_dims(int64_t(1) << 40);
    std::string err = import_error_of(m, model);
    CHECK_THAT(err, Contains("tensor 'w'"));
    CHECK_THAT(err, Contains("more than the"));
    // Within the count limit, but with far less data than it claims: no 8 GB allocation first.
    w->clear_dims();
    w->add_dims(INT32_MAX);
    CHECK_THAT(import_error_of(m, model), Contains("has 6 elements of data"));
  }
  SECTION("negative dims and ranks past the limit") {
    onnx::ModelProto m = add_model();
    m.mutable_graph()->mutable_initializer(0)->set_dims(0, -6);
    CHECK_THAT(import_error_of(m, model), Contains("negative dimension"));
    m = add_model();
    m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->clear_shape();
    set_shape(m.mutable_graph()->mutable_input(0), std::vector<int64_t>(limits::kMaxRank + 1, 1));
    CHECK_THAT(import_error_of(m, model), Contains("rank 17; aotc supports at most 16 dimensions"));
  }
  SECTION("a shape computed by a node past the limit names the node") {
    // y = Expand(x[1], [2^20, 2^20]): 2^40 elements.
    onnx::ModelProto m = add_model();
    auto *g = m.mutable_graph();
    g->clear_initializer();
    g->mutable_input(0)->mutable_type()->mutable_tensor_type()->clear_shape();
    set_shape(g->mutable_input(0), {1});
    auto *shape = g->add_initializer();
    shape->set_name("w");
    shape->set_data_type(onnx::TensorProto::INT64);
    shape->add_dims(2);
    shape->add_int64_data(int64_t(1) << 20);
    shape->add_int64_data(int64_t(1) << 20);
    g->mutable_node(0)->set_op_type("Expand");
    g->mutable_node(0)->set_name("huge");
    write_bytes(model, m.SerializeAsString());
    auto graph = import_onnx(model.string(), {});
    std::string err = error_of([&] { run_graph_pipeline(*graph); });
    CHECK_THAT(err, Contains("node 'huge' (Expand"));
    CHECK_THAT(err, Contains("more than the 2147483647 elements"));
  }
}

TEST_CASE("opset versions are checked against what aotc implements", "[hostile][opset]") {
  TempDir tmp("opset");
  fs::path model = tmp.path / "model.onnx";
  onnx::ModelProto m = add_model();
  m.mutable_opset_import(0)->set_version(29);
  std::string err = import_error_of(m, model);
  CHECK_THAT(err, Contains("imports opset ai.onnx version 29, newer than any aotc knows"));
  CHECK_THAT(err, Contains("supports versions 1 to 28"));
  CHECK_THAT(err, Contains("--allow-newer-opset"));

  ImportOptions options;
  options.allow_newer_opset = true;
  std::vector<std::string> warnings;
  options.warn = [&](const std::string &w) { warnings.push_back(w); };
  CHECK(import_onnx(model.string(), options)->nodes.size() == 1);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Contains("version 29"));

  m.mutable_opset_import(0)->set_version(0);
  CHECK_THAT(import_error_of(m, model, options), Contains("version 0, which does not exist"));
  m.mutable_opset_import(0)->set_version(int64_t(1) << 40);
  CHECK_THAT(import_error_of(m, model, options), Contains("which does not exist"));
  m.mutable_opset_import(0)->set_version(13);
  auto *ml = m.add_opset_import();
  ml->set_domain("ai.onnx.ml");
  ml->set_version(99);
  CHECK_THAT(import_error_of(m, model), Contains("opset ai.onnx.ml version 99"));
  ml->set_domain("com.example.custom");  // a domain aotc has no ops in: only its nodes would be unsupported
  write_bytes(model, m.SerializeAsString());
  CHECK(import_onnx(model.string(), {})->nodes.size() == 1);
}

TEST_CASE("a model cannot inject aotc's internal node kinds", "[hostile][internal]") {
  // aotc.FusedConv is made by fuse-conv-activation from a checked Conv; taken
  // from a file, the internal domain is an error naming the node and op,
  // whether or not the model imports an "aotc" opset.
  TempDir tmp("internal");
  fs::path model = tmp.path / "model.onnx";
  onnx::ModelProto m = add_model();
  auto *n = m.mutable_graph()->mutable_node(0);
  n->set_domain("aotc");
  n->set_op_type("FusedConv");
  n->set_name("injected");
  std::string err = import_error_of(m, model);
  CHECK_THAT(err, Contains(model.string()));
  CHECK_THAT(err, Contains("node 'injected' (aotc.FusedConv"));
  CHECK_THAT(err, Contains("domain 'aotc' is reserved for aotc's internal ops"));
  auto *internal = m.add_opset_import();
  internal->set_domain("aotc");
  internal->set_version(1);
  CHECK_THAT(import_error_of(m, model), Contains("node 'injected' (aotc.FusedConv, opset 1): domain 'aotc' is reserved"));
  // `aotc info` does not count it as supported either.
  CHECK(read_model_info(model.string()).unsupported_ops == std::vector<std::string>{"aotc.FusedConv"});
}

TEST_CASE("documented limits: attribute sizes, tensor and node counts, nesting, file size", "[hostile][limits]") {
  TempDir tmp("limits");
  fs::path model = tmp.path / "model.onnx";
  SECTION("attribute arrays") {
    onnx::ModelProto m = add_model();
    auto *a = m.mutable_graph()->mutable_node(0)->add_attribute();
    a->set_name("perm");
    a->set_type(onnx::AttributeProto::INTS);
    for (size_t i = 0; i <= limits::kMaxAttributeElements; ++i) a->add_ints(0);
    CHECK_THAT(import_error_of(m, model), Contains("attribute 'perm' has 1048577 elements; aotc accepts at most"));
  }
  SECTION("tensor and node counts") {
    onnx::ModelProto m = add_model();
    for (size_t i = 0; i < limits::kMaxTensors; ++i) m.mutable_graph()->add_input();
    CHECK_THAT(error_of([&] { import_onnx_bytes(m.SerializeAsString(), model.string(), {}); }),
               Contains("tensors; aotc accepts at most 1048576"));
    m = add_model();
    for (size_t i = 0; i < limits::kMaxNodes; ++i) m.mutable_graph()->add_node();
    CHECK_THAT(error_of([&] { import_onnx_bytes(m.SerializeAsString(), model.string(), {}); }),
               Contains("nodes; aotc accepts at most 1048576"));
  }
  SECTION("subgraph nesting") {
    onnx::ModelProto m = add_model();
    onnx::GraphProto *g = m.mutable_graph();
    for (int depth = 0; depth <= limits::kMaxSubgraphDepth; ++depth) {
      auto *a = g->add_node()->add_attribute();
      a->set_name("body");
      a->set_type(onnx::AttributeProto::GRAPH);
      g = a->mutable_g();
    }
    CHECK_THAT(import_error_of(m, model), Contains("subgraphs nest more than 16 deep"));
  }
  SECTION("model file size: a sparse file past 2 GiB is refused without being read") {
    fs::path big = tmp.path / "big.onnx";
    write_bytes(big, add_model().SerializeAsString());
    REQUIRE(truncate(big.c_str(), static_cast<off_t>(limits::kMaxModelFileBytes) + 1) == 0);
    CHECK_THAT(error_of([&] { import_onnx(big.string(), {}); }), Contains("larger than the 2147483647 bytes"));
  }
}

TEST_CASE("escape_c: safe in C string literals and comments, and exact", "[hostile][names]") {
  CHECK(escape_c("conv1/Relu:0") == "conv1/Relu:0");
  CHECK(escape_c("a*/b") == "a*\\057b");
  CHECK(escape_c("a/*b") == "a/\\052b");
  CHECK(escape_c("?\?/") == "?\\?/");  // "?\?" in this file is "??": no trigraph here either
  CHECK(escape_c("?\?\?") == "?\\?\\?");
  CHECK(escape_c("say \"hi\"\\") == "say \\\"hi\\\"\\\\");
  CHECK(escape_c("line\\\nnext") == "line\\\\\\nnext");
  CHECK(escape_c(std::string("\x01" "7", 2)) == "\\0017");  // octal escapes never absorb a following digit
  CHECK(escape_c("\x1b[31m") == "\\033[31m");
  CHECK(escape_c("caf\xc3\xa9") == "caf\\303\\251");
  CHECK(escape_c("\xff\xfe") == "\\377\\376");
  CHECK(escape_c(std::string("a\0b", 3)) == "a\\000b");
  CHECK(c_string_literal("x\"y") == "\"x\\\"y\"");
  CHECK(c_comment_text(std::string(1000, 'n'), 10) == "nnnnnnnnnn...");

  // Random bytes: the output is printable ASCII, holds nothing that ends or
  // nests a comment or forms a trigraph, and reads back to the input.
  std::mt19937 rng(5);
  std::string alphabet = "*/?\\\"'\n\r\t\x1b\x7f\x80\xc3\xff" "ab0";
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    size_t n = rng() % 24;
    for (size_t i = 0; i < n; ++i) s += (rng() % 2) ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng() % 256);
    std::string e = escape_c(s);
    INFO("input bytes: " << escape_c(s));
    for (unsigned char c : e) CHECK((c >= 0x20 && c < 0x7f));
    CHECK(e.find("*/") == std::string::npos);
    CHECK(e.find("/*") == std::string::npos);
    CHECK(e.find("?\?") == std::string::npos);
    CHECK(unescape_c(e) == s);
  }
}

TEST_CASE("escape_terminal: control bytes, C1, bidi overrides and bad UTF-8 are shown, not sent", "[hostile][names]") {
  CHECK(escape_terminal("node \x1b]0;pwned\x07") == "node \\033]0;pwned\\007");
  CHECK(escape_terminal("a\nb") == "a\\nb");
  CHECK(escape_terminal("a\nb", true) == "a\nb");
  CHECK(escape_terminal("caf\xc3\xa9 \xe6\xa8\xa1\xe5\x9e\x8b") == "caf\xc3\xa9 \xe6\xa8\xa1\xe5\x9e\x8b");  // UTF-8 kept
  CHECK(escape_terminal("\xc2\x9b" "31m") == "\\302\\23331m");  // C1 CSI
  CHECK(escape_terminal("x\xe2\x80\xaey") == "x\\342\\200\\256y");  // right-to-left override
  CHECK(escape_terminal("\xff\xc3") == "\\377\\303");
  CHECK(escape_terminal("\xc0\xaf") == "\\300\\257");  // overlong '/'
}

TEST_CASE("hostile names compile warning-free and survive exactly into the C API", "[hostile][names][cc]") {
  const std::vector<std::string> names = {
      "in */ int evil; /* x",
      "out \"quoted\" \\ back\\\nslash ?\?/ ?\?= trigraph \t tab \x1b[31m \x7f caf\xc3\xa9 \xff\xfe invalid",
      std::string(100 * 1024, 'L') + "*/ caf\xc3\xa9 \xff",
  };
  Graph g;
  g.name = "graph */ name \n #error not allowed";
  Value *x = input(g, names[0], {4});
  Value *big = input(g, names[2], {4});
  Value *s = temp(g, "s");
  Value *y = temp(g, "y");
  node(g, "Add", "node /* ?\?/\n#error nope", {x, big}, {s});
  node(g, "Relu", std::string(100 * 1024, 'N') + "*/", {s}, {y});
  set_output(g, y, names[1]);
  run_graph_pipeline(g);
  Program program = lower_and_plan(g, 16);
  EmitOptions emit;
  emit.name = "model";
  emit.source_file = "dir */ #error\n.onnx";
  auto files = emit_c(program, emit);

  TempDir tmp("names");
  for (auto &[file, text] : files) write_bytes(tmp.path / file, text);
  // The checker reads the expected names from files: they never pass through C source written by the test.
  for (size_t i = 0; i < names.size(); ++i) write_bytes(tmp.path / ("name" + std::to_string(i)), names[i]);
  write_bytes(tmp.path / "check.c", R"(
#include <stdio.h>
#include <string.h>
#include "model.h"
static char buf[200000];
static const char *read_name(const char *path) {
  FILE *f = fopen(path, "rb");
  size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
  if (f) fclose(f);
  buf[n] = 0;
  return buf;
}
int main(int argc, char **argv) {
  uint32_t index = 99;
  float a[4] = {1, -2, 3, -4}, b[4] = {1, 1, 1, 1}, y[4];
  (void)argc;
  if (strcmp(model_model.inputs[0].name, read_name(argv[1])) != 0) return 10;
  if (aotc_find_input(&model_model, read_name(argv[1]), &index) != AOTC_OK || index != 0) return 11;
  if (strcmp(model_model.outputs[0].name, read_name(argv[2])) != 0) return 12;
  if (aotc_find_output(&model_model, read_name(argv[2]), &index) != AOTC_OK || index != 0) return 13;
  if (strcmp(model_model.inputs[1].name, read_name(argv[3])) != 0) return 14;
  if (model_run(a, b, y) != 0) return 15;
  if (y[0] != 2 || y[1] != 0 || y[2] != 4 || y[3] != 0) return 16;
  return 0;
}
)");
  int compilers = 0;
  for (const char *cc : {"gcc", "clang"}) {
    if (std::system((std::string("command -v ") + cc + " > /dev/null").c_str()) != 0) continue;
    ++compilers;
    std::string dir = tmp.path.string(), log = dir + "/log.txt";
    std::string cmd = std::string(cc) + " -std=c99 -O2 -Wall -Wextra -pedantic -Werror -Wtrigraphs -I" + dir + " " + dir +
                      "/model.c " + dir + "/check.c -lm -o " + dir + "/check > " + log + " 2>&1";
    INFO(cc << ": " << cmd);
    int rc = std::system(cmd.c_str());
    std::ifstream in(log);
    std::string diagnostics((std::istreambuf_iterator<char>(in)), {});
    INFO(diagnostics.substr(0, 4000));
    REQUIRE(rc == 0);
    CHECK(diagnostics.empty());
    std::string run = dir + "/check " + dir + "/name0 " + dir + "/name1 " + dir + "/name2";
    CHECK(std::system(run.c_str()) == 0);
  }
  CHECK(compilers > 0);
}

TEST_CASE("unsupported ops are listed all at once, grouped by op, the first few nodes named", "[hostile][unsupported]") {
  // 7 LSTMs (named), 2 unnamed Foo nodes of an imported custom domain, one
  // node of a domain the model does not import, and the supported Add.
  TempDir tmp("unsupported");
  fs::path model = tmp.path / "model.onnx";
  onnx::ModelProto m = add_model();
  auto *custom = m.add_opset_import();
  custom->set_domain("my.ops");
  custom->set_version(1);
  auto *g = m.mutable_graph();
  auto add_node = [&](const std::string &domain, const std::string &op, const std::string &name, const std::string &out) {
    auto *n = g->add_node();
    n->set_domain(domain);
    n->set_op_type(op);
    n->set_name(name);
    n->add_input("x");
    n->add_output("");  // an omitted optional output: the node is named by its first real one
    n->add_output(out);
  };
  for (int i = 0; i < 7; ++i) add_node("", "ImageDecoder", "image_decoder_" + std::to_string(i), "h" + std::to_string(i));
  add_node("my.ops", "Foo", "", "f0");
  add_node("my.ops", "Foo", "", "f1");
  add_node("other.ops", "Bar", "bar", "b0");
  std::string err = import_error_of(m, model);
  CHECK_THAT(err, Contains(model.string() + ": 10 nodes use 3 ops aotc does not support:\n"));
  CHECK_THAT(err, Contains("\n  ImageDecoder (opset 13): 7 nodes: 'image_decoder_0', 'image_decoder_1', 'image_decoder_2', 'image_decoder_3', 'image_decoder_4' and 2 more\n"));
  CHECK_THAT(err, Contains("\n  my.ops.Foo (opset 1): 2 nodes: output 'f0', output 'f1'\n"));
  CHECK_THAT(err, Contains("\n  other.ops.Bar (domain 'other.ops' is not imported by the model): node 'bar'"));
  CHECK(err.find("Add") == std::string::npos);
  // One node of one op: singular, and an unnamed node by its output.
  onnx::ModelProto one = add_model();
  one.mutable_graph()->mutable_node(0)->set_op_type("Mystery");
  one.mutable_graph()->mutable_node(0)->clear_name();
  CHECK_THAT(import_error_of(one, model),
             Contains(": 1 node uses 1 op aotc does not support:\n  Mystery (opset 13): node with output 'y'"));
}

namespace {

// add_model's y = x + w, then z = local.Scaled(y) {slope=0.5}: a model-local
// function computing LeakyRelu(y + y) with alpha taken from the caller.
onnx::ModelProto function_model() {
  onnx::ModelProto m = add_model();
  auto *local = m.add_opset_import();
  local->set_domain("local");
  local->set_version(1);
  auto *g = m.mutable_graph();
  auto *call = g->add_node();
  call->set_op_type("Scaled");
  call->set_domain("local");
  call->add_input("y");
  call->add_output("z");
  auto *slope = call->add_attribute();
  slope->set_name("slope");
  slope->set_type(onnx::AttributeProto::FLOAT);
  slope->set_f(0.5f);
  g->mutable_output(0)->set_name("z");
  auto *f = m.add_functions();
  f->set_name("Scaled");
  f->set_domain("local");
  f->add_input("X");
  f->add_output("Y");
  f->add_attribute("slope");
  f->add_opset_import()->set_version(13);
  auto *twice = f->add_node();
  twice->set_op_type("Add");
  twice->add_input("X");
  twice->add_input("X");
  twice->add_output("T");
  auto *act = f->add_node();
  act->set_op_type("LeakyRelu");
  act->add_input("T");
  act->add_output("Y");
  auto *alpha = act->add_attribute();
  alpha->set_name("alpha");
  alpha->set_type(onnx::AttributeProto::FLOAT);
  alpha->set_ref_attr_name("slope");
  return m;
}

}  // namespace

TEST_CASE("model-local functions are inlined with the caller's attributes", "[hostile]") {
  TempDir dir("functions");
  fs::path path = dir.path / "f.onnx";
  write_bytes(path, function_model().SerializeAsString());
  ImportOptions options;
  Tensor x = make_tensor(DType::Float, {6});
  for (int i = 0; i < 6; ++i) x.data<float>()[i] = static_cast<float>(i - 3);
  options.constant_inputs["x"] = x;
  std::unique_ptr<Graph> g = import_onnx(path.string(), options);
  infer_shapes_and_fold(*g);
  // y = x + w = -3, -1, 1, 3, 5, 7; z = LeakyRelu(2y, alpha 0.5).
  const Value *z = g->outputs[0];
  REQUIRE(z->is_constant());
  CHECK(std::vector<float>(z->constant->data<float>(), z->constant->data<float>() + 6) ==
        std::vector<float>{-3, -1, 2, 6, 10, 14});
}

TEST_CASE("model-local functions that call themselves are refused", "[hostile]") {
  TempDir dir("recursive-functions");
  onnx::ModelProto m = function_model();
  // Scaled's body calls Scaled ten times: exponential if nothing stopped it.
  auto *f = m.mutable_functions(0);
  for (int i = 0; i < 10; ++i) {
    auto *self = f->add_node();
    self->set_op_type("Scaled");
    self->set_domain("local");
    self->add_input("X");
    self->add_output("R" + std::to_string(i));
  }
  CHECK_THAT(import_error_of(m, dir.path / "r.onnx"), Contains("model-local functions"));
}
