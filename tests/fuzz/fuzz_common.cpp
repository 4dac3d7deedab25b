#include "fuzz_common.h"

#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace aotc_fuzz {

namespace {

std::string g_dir;

void remove_dir() {
  if (!g_dir.empty()) rmdir(g_dir.c_str());
}

struct Budget {
  int64_t total = 0;
  bool ok = true;

  void shape(const std::vector<int64_t> &dims) {
    if (static_cast<int>(dims.size()) > kMaxRank) ok = false;
    int64_t n = 1;
    for (int64_t d : dims) {
      if (d <= 0) return;  // negative: the importer's error; zero: empty
      if (n > kMaxTensorElements / d) {
        ok = false;
        return;
      }
      n *= d;
    }
    if (n > kMaxTensorElements) ok = false;
    total += n;
    if (total > kMaxTotalElements) ok = false;
  }

  void tensor(const onnx::TensorProto &t) { shape(std::vector<int64_t>(t.dims().begin(), t.dims().end())); }

  void graph(const onnx::GraphProto &g, int depth) {
    if (depth > 8) {
      ok = false;
      return;
    }
    for (const auto &t : g.initializer()) tensor(t);
    for (const auto &in : g.input()) {
      if (!in.type().has_tensor_type() || !in.type().tensor_type().has_shape()) continue;
      std::vector<int64_t> dims;
      for (const auto &d : in.type().tensor_type().shape().dim()) dims.push_back(d.has_dim_value() ? d.dim_value() : 1);
      shape(dims);
    }
    for (const auto &n : g.node())
      for (const auto &a : n.attribute()) {
        if (a.has_t()) tensor(a.t());
        for (const auto &t : a.tensors()) tensor(t);
        if (a.has_g()) graph(a.g(), depth + 1);
        for (const auto &sub : a.graphs()) graph(sub, depth + 1);
      }
  }
};

}  // namespace

const std::string &model_path() {
  static const std::string path = [] {
    const char *tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/aotc-fuzz-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) {
      std::perror("aotc fuzz: mkdtemp");
      std::abort();
    }
    g_dir = buf.data();
    std::atexit(remove_dir);
    return g_dir + "/model.onnx";
  }();
  return path;
}

bool within_limits(const onnx::ModelProto &model) {
  static const bool disabled = [] {
    const char *e = std::getenv("AOTC_FUZZ_NO_PRECHECK");
    return e && *e && *e != '0';
  }();
  if (disabled) return true;
  Budget b;
  b.graph(model.graph(), 0);
  return b.ok;
}

bool parse_model(const uint8_t *data, size_t size, onnx::ModelProto &model) {
  if (size > static_cast<size_t>(INT32_MAX)) return false;
  return model.ParseFromArray(data, static_cast<int>(size));
}

}  // namespace aotc_fuzz
