#include "ops/kernel_library.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <type_traits>
#include <utility>

namespace aotc {

// The kernel tables of the generated translation units, one per kernel file.
#define AOTC_KERNEL_TABLE(stem) extern const KernelTable kKernelTable_##stem;
#include "kernel_tables.inc"
#undef AOTC_KERNEL_TABLE

namespace {

const std::vector<const KernelTable *> &kernel_tables() {
  static const std::vector<const KernelTable *> tables = {
#define AOTC_KERNEL_TABLE(stem) &kKernelTable_##stem,
#include "kernel_tables.inc"
#undef AOTC_KERNEL_TABLE
  };
  return tables;
}

}  // namespace

std::string KernelParam::text() const {
  switch (kind) {
    case Kind::Int: return "an integer";
    case Kind::Float: return "a float";
    case Kind::Pointer: return fmt::format("{}{} *", to_const ? "const " : "", pointee);
  }
  return "";
}

void check_kernel_call(const KernelCall &call, const std::string &where) {
  const KernelInfo *k = find_kernel(call.kernel);
  if (!k) fail(fmt::format("internal error: {}: no kernel named {}", where, call.kernel));
  if (k->params.size() != call.args.size())
    fail(fmt::format("internal error: {}: {} takes {} arguments, lowering passed {}", where, call.kernel,
                     k->params.size(), call.args.size()));
  for (size_t i = 0; i < call.args.size(); ++i) {
    const KernelArg &a = call.args[i];
    const KernelParam &p = k->params[i];
    using K = KernelArg::Kind;
    bool ok = false;
    std::string passed;
    switch (a.kind) {
      case K::Int: ok = p.kind == KernelParam::Kind::Int, passed = "an integer"; break;
      case K::Float: ok = p.kind == KernelParam::Kind::Float, passed = "a float"; break;
      case K::Null: ok = p.kind == KernelParam::Kind::Pointer, passed = "NULL"; break;
      case K::Scratch: ok = p.kind == KernelParam::Kind::Pointer && !p.to_const, passed = "scratch memory"; break;
      case K::Ints: ok = p.kind == KernelParam::Kind::Pointer && p.to_const && p.pointee == "int32_t",
                    passed = "an int32_t array"; break;
      case K::Floats: ok = p.kind == KernelParam::Kind::Pointer && p.to_const && p.pointee == "float",
                      passed = "a float array"; break;
      case K::Params: ok = p.kind == KernelParam::Kind::Pointer && p.to_const && p.pointee == a.params_type,
                      passed = "a " + a.params_type + " struct"; break;
      case K::Tensor: {
        const char *c_type = dtype_info(a.value->dtype).c_type;
        // Read-only tensors (graph inputs, weights) arrive as const pointers in generated C.
        ok = p.kind == KernelParam::Kind::Pointer && p.to_const == !a.writes && c_type &&
             (p.pointee == "void" || p.pointee == c_type);
        passed = fmt::format("{} tensor '{}' ({})", a.writes ? "written" : "read", a.value->name,
                             c_type ? c_type : dtype_name(a.value->dtype).c_str());
        break;
      }
    }
    if (!ok)
      fail(fmt::format("internal error: {}: argument {} of {} is {}, but the kernel takes {}", where, i + 1,
                       call.kernel, passed, p.text()));
  }
}

const KernelInfo *find_kernel(const std::string &name) {
  static const std::map<std::string, const KernelInfo *> index = [] {
    std::map<std::string, const KernelInfo *> m;
    for (const KernelTable *t : kernel_tables())
      for (size_t i = 0; i < t->count; ++i) m[t->kernels[i].name] = &t->kernels[i];
    return m;
  }();
  auto it = index.find(name);
  return it == index.end() ? nullptr : it->second;
}

std::vector<std::string> kernel_names() {
  std::vector<std::string> names;
  for (const KernelTable *t : kernel_tables())
    for (size_t i = 0; i < t->count; ++i) names.push_back(t->kernels[i].name);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<Tensor> evaluate_node(Node &node, const std::vector<LoweredStep> &steps) {
  std::map<const Value *, Tensor> results;
  for (Value *out : node.outputs)
    if (out) results[out] = make_tensor(out->dtype, out->storage_shape());
  auto data_of = [&](Value *v) -> void * {
    if (!v) return nullptr;
    auto it = results.find(v);
    if (it != results.end()) return it->second.bytes.data();
    if (!v->is_constant()) fail(fmt::format("{}: cannot evaluate, '{}' is not constant", node.describe(), v->name));
    // Kernels index by the value's shape: data of another size must never reach one.
    if (v->constant->bytes.size() != v->byte_size())
      fail(fmt::format("{}: internal error: constant '{}' holds {} bytes, its shape {} needs {}", node.describe(),
                       v->name, v->constant->bytes.size(), shape_str(v->shape), v->byte_size()));
    return const_cast<uint8_t *>(v->constant->bytes.data());
  };
  for (const LoweredStep &step : steps) {
    if (step.is_alias()) {
      Tensor &dst = results.at(step.alias_out);
      if (!dst.bytes.empty()) std::memcpy(dst.bytes.data(), data_of(step.alias_in), dst.bytes.size());
      continue;
    }
    const KernelCall &call = step.call;
    const KernelInfo *k = find_kernel(call.kernel);
    if (!k) fail(fmt::format("{}: no kernel named {}", node.describe(), call.kernel));
    check_kernel_call(call, node.describe());
    std::vector<std::vector<int32_t>> int_arrays;
    std::vector<std::vector<float>> float_arrays;
    std::vector<std::vector<uint8_t>> scratch;
    int_arrays.reserve(call.args.size());
    float_arrays.reserve(call.args.size());
    scratch.reserve(call.args.size());
    std::vector<KernelArgValue> values(call.args.size());
    for (size_t i = 0; i < call.args.size(); ++i) {
      const KernelArg &a = call.args[i];
      switch (a.kind) {
        case KernelArg::Kind::Tensor: values[i].ptr = data_of(a.value); break;
        case KernelArg::Kind::Null: values[i].ptr = nullptr; break;
        case KernelArg::Kind::Scratch:
          scratch.emplace_back(a.scratch_bytes + 16);
          values[i].ptr = scratch.back().data();
          break;
        case KernelArg::Kind::Int: values[i].i = a.i; break;
        case KernelArg::Kind::Float: values[i].f = a.f; break;
        case KernelArg::Kind::Ints:
          int_arrays.emplace_back(a.ints.begin(), a.ints.end());
          values[i].ptr = int_arrays.back().empty() ? nullptr : int_arrays.back().data();
          break;
        case KernelArg::Kind::Floats:
          float_arrays.emplace_back(a.floats.begin(), a.floats.end());
          values[i].ptr = float_arrays.back().empty() ? nullptr : float_arrays.back().data();
          break;
        case KernelArg::Kind::Params:
          // A struct of int32_t fields is laid out as its words in order.
          int_arrays.emplace_back(a.params_words);
          values[i].ptr = int_arrays.back().data();
          break;
      }
    }
    k->invoke(values);
  }
  std::vector<Tensor> out;
  for (Value *v : node.outputs) out.push_back(v ? std::move(results.at(v)) : Tensor{});
  return out;
}

}  // namespace aotc
