// The ONNX importer on the tiny models in tests/data (made by
// make_test_models.py) and on broken files made here at test time: every bad
// input is an aotc::Error that names the file (and the node where there is one).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "compiler/onnx_import.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

const std::string kData = AOTC_TEST_DATA_DIR;

std::string data(const std::string &file) { return kData + "/" + file; }

// A fresh directory for files made by one test, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("aotc-unit-" + std::to_string(getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string &name, const std::string &bytes) const {
    std::ofstream(path / name, std::ios::binary) << bytes;
    return (path / name).string();
  }
};

std::string read_bytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string import_error(const std::string &path, const ImportOptions &options = {}) {
  return error_of([&] { import_onnx(path, options); });
}

}  // namespace

TEST_CASE("import a small model", "[importer]") {
  auto g = import_onnx(data("add_relu.onnx"), {});
  CHECK(g->name == "add_relu");
  CHECK(g->source_path == data("add_relu.onnx"));
  CHECK(g->opsets == std::map<std::string, int>{{"", 13}});
  REQUIRE(g->inputs.size() == 1);
  CHECK(g->inputs[0]->name == "x");
  CHECK(g->inputs[0]->shape == Shape{2, 3});
  CHECK(g->inputs[0]->dtype == DType::Float);
  REQUIRE(g->nodes.size() == 2);
  CHECK(g->nodes[0]->op == "Add");
  CHECK(g->nodes[0]->name == "add");
  CHECK(g->nodes[0]->opset == 13);
  Value *c = g->find_value("c");
  REQUIRE(c);
  REQUIRE(c->is_constant());
  const float *cv = c->constant->data<float>();
  CHECK(std::vector<float>(cv, cv + 3) == std::vector<float>{0.5f, -1.0f, 2.0f});
  CHECK(g->output_names == std::vector<std::string>{"y"});
}

TEST_CASE("Constant nodes become constants", "[importer]") {
  auto g = import_onnx(data("elementwise_chain.onnx"), {});
  Value *half = g->find_value("half");
  REQUIRE(half);
  CHECK(half->is_constant());
  CHECK(half->shape == Shape{});
  for (auto &n : g->nodes) CHECK(n->op != "Constant");
}

TEST_CASE("external data is read at its offset, bit-exactly", "[importer]") {
  auto g = import_onnx(data("external_data.onnx"), {});
  Value *w = g->find_value("w");
  REQUIRE(w);
  REQUIRE(w->is_constant());
  const float expected[] = {0.1f, -0.2f, 1e-40f, -0.0f, 3.4e38f, 1.0f / 3.0f};
  REQUIRE(w->constant->bytes.size() == sizeof expected);
  CHECK(std::memcmp(w->constant->bytes.data(), expected, sizeof expected) == 0);
}

TEST_CASE("symbolic dims need --input-shape", "[importer]") {
  std::string msg = import_error(data("symbolic_dim.onnx"));
  CHECK_THAT(msg, Contains(data("symbolic_dim.onnx")));
  CHECK_THAT(msg, Contains("'x'"));
  CHECK_THAT(msg, Contains("'N'"));
  CHECK_THAT(msg, Contains("--input-shape"));
  ImportOptions options;
  options.input_shapes["x"] = {2, 3};
  auto g = import_onnx(data("symbolic_dim.onnx"), options);
  CHECK(g->inputs[0]->shape == Shape{2, 3});
  options.input_shapes["nope"] = {1};
  CHECK_THAT(import_error(data("symbolic_dim.onnx"), options), Contains("'nope', which is not a graph input"));
}

TEST_CASE("bad models give errors naming the file and the culprit", "[importer]") {
  struct Case {
    const char *file;
    std::vector<const char *> fragments;
  };
  const Case cases[] = {
      {"bad_undefined_input.onnx", {"node 'reads_ghost'", "'ghost'", "nothing defines"}},
      {"bad_cycle.onnx", {"cycle", "'cyc_"}},
      {"bad_raw_data_short.onnx", {"'w'", "8 bytes", "12"}},
      {"bad_two_unsupported.onnx", {"node 'norm_node'", "StringNormalizer", "node 'tfidf_node'", "TfIdfVectorizer"}},
      {"bad_external_missing.onnx", {"missing.bin", "'w'"}},
      {"bad_external_short.onnx", {"external_data.bin", "too short", "'w'"}},
  };
  for (const Case &c : cases) {
    INFO(c.file);
    std::string msg = import_error(data(c.file));
    CHECK_THAT(msg, Contains(data(c.file)));
    for (const char *f : c.fragments) CHECK_THAT(msg, Contains(f));
    // Only the two unsupported ops are reported, not the supported Relu.
    if (std::string(c.file) == "bad_two_unsupported.onnx") CHECK(msg.find("ok_relu") == std::string::npos);
  }
}

TEST_CASE("files that are not ONNX models", "[importer]") {
  TempDir tmp;
  SECTION("missing file") {
    std::string p = (tmp.path / "nope.onnx").string();
    CHECK_THAT(import_error(p), Contains(p));
  }
  SECTION("empty file") {
    std::string p = tmp.write("empty.onnx", "");
    CHECK_THAT(import_error(p), Contains(p));
  }
  SECTION("a directory") {
    CHECK_THAT(import_error(tmp.path.string()), Contains(tmp.path.string()));
  }
  SECTION("text") {
    std::string p = tmp.write("text.onnx", "this is plainly not a protobuf model\n");
    CHECK_THAT(import_error(p), Contains(p));
  }
  SECTION("random bytes") {
    std::string bytes;
    uint32_t state = 42;
    for (int i = 0; i < 4096; ++i) bytes += static_cast<char>((state = state * 1664525u + 1013904223u) >> 24);
    std::string p = tmp.write("random.onnx", bytes);
    CHECK_THAT(import_error(p), Contains(p));
  }
  SECTION("truncated copies of a real model") {
    std::string full = read_bytes(data("elementwise_chain.onnx"));
    REQUIRE(full.size() > 100);
    for (size_t keep : {full.size() - 1, full.size() * 3 / 4, full.size() / 2, size_t{7}, size_t{1}}) {
      INFO("keeping " << keep << " of " << full.size() << " bytes");
      std::string p = tmp.write("truncated.onnx", full.substr(0, keep));
      CHECK_THAT(import_error(p), Contains(p));
    }
  }
}

TEST_CASE("read_model_info lists I/O, opsets, the op histogram and unsupported ops", "[importer]") {
  ModelInfo info = read_model_info(data("bad_two_unsupported.onnx"));
  CHECK(info.producer == "aotc-tests");
  CHECK(info.ir_version == 7);
  CHECK(info.opsets == std::map<std::string, int64_t>{{"ai.onnx", 13}});
  CHECK(info.op_histogram == std::map<std::string, int>{{"Relu", 1}, {"StringNormalizer", 1}, {"TfIdfVectorizer", 1}});
  CHECK(info.unsupported_ops == std::vector<std::string>{"StringNormalizer", "TfIdfVectorizer"});
  CHECK(info.inputs == std::vector<std::string>{"x: f32[2]"});

  ModelInfo sym = read_model_info(data("symbolic_dim.onnx"));
  CHECK(sym.inputs == std::vector<std::string>{"x: f32[N,3]"});
  CHECK(sym.unsupported_ops.empty());
  // Initializers are not inputs.
  CHECK(read_model_info(data("add_relu.onnx")).inputs == std::vector<std::string>{"x: f32[2,3]"});
}

TEST_CASE("load_npy reads numpy files", "[importer]") {
  Tensor t = load_npy(data("add_relu.x.npy"));
  CHECK(t.dtype == DType::Float);
  CHECK(t.shape == Shape{2, 3});
  const float *p = t.data<float>();
  CHECK(std::vector<float>(p, p + 6) == std::vector<float>{-1.0f, 0.25f, -3.0f, 2.0f, 1.5f, -2.5f});
  TempDir tmp;
  std::string bad = tmp.write("bad.npy", "not numpy");
  CHECK_THAT(error_of([&] { load_npy(bad); }), Contains(bad));
}

TEST_CASE("npy_file_bytes writes what numpy writes", "[importer]") {
  // numpy's own files, read and written back byte for byte (header padding included).
  for (const char *file : {"add_relu.x.npy", "add_relu.y.npy", "qdq_cnn.x.npy", "branchy.y.npy"})
    CHECK(npy_file_bytes(load_npy(data(file))) == read_bytes(data(file)));
  // One dimension is the tuple "(3,)"; a scalar "()".
  Tensor v;
  v.dtype = DType::Int64;
  v.shape = {3};
  v.bytes.assign(3 * sizeof(int64_t), 0);
  v.data<int64_t>()[2] = -7;
  TempDir tmp;
  std::string bytes = npy_file_bytes(v);
  CHECK(bytes.find("'shape': (3,)") != std::string::npos);
  CHECK((bytes.size() - v.bytes.size()) % 64 == 0);
  Tensor back = load_npy(tmp.write("v.npy", bytes));
  CHECK(back.shape == v.shape);
  CHECK(back.data<int64_t>()[2] == -7);
  v.shape = {};
  v.bytes.resize(sizeof(int64_t));
  CHECK(npy_file_bytes(v).find("'shape': ()") != std::string::npos);
  v.dtype = DType::String;
  CHECK_THAT(error_of([&] { npy_file_bytes(v); }), Contains(".npy has no element type for"));
}
