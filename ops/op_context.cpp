#include <fmt/format.h>

#include <limits>

#include "ops/op.h"

namespace aotc {

Value &OpContext::input(size_t i) const {
  if (!node_.has_input(i)) error(fmt::format("missing required input {}", i));
  return *node_.inputs[i];
}

Value &OpContext::output(size_t i) const {
  if (!node_.output(i)) error(fmt::format("missing output {}", i));
  return *node_.outputs[i];
}

namespace {
template <typename T>
const T *get_attr(const Node &node, const std::string &key, const char *type_name, const OpContext &ctx) {
  const Attribute *a = node.attr(key);
  if (!a) return nullptr;
  if (auto *p = std::get_if<T>(&a->value)) return p;
  ctx.error(fmt::format("attribute '{}' must be of type {}", key, type_name));
}
}  // namespace

int64_t OpContext::attr_int(const std::string &key, int64_t fallback) const {
  auto *p = get_attr<int64_t>(node_, key, "int", *this);
  return p ? *p : fallback;
}

int64_t OpContext::attr_int(const std::string &key) const {
  auto *p = get_attr<int64_t>(node_, key, "int", *this);
  if (!p) error(fmt::format("required attribute '{}' is missing", key));
  return *p;
}

float OpContext::attr_float(const std::string &key, float fallback) const {
  auto *p = get_attr<float>(node_, key, "float", *this);
  return p ? *p : fallback;
}

std::string OpContext::attr_string(const std::string &key, const std::string &fallback) const {
  auto *p = get_attr<std::string>(node_, key, "string", *this);
  return p ? *p : fallback;
}

std::vector<int64_t> OpContext::attr_ints(const std::string &key, std::vector<int64_t> fallback) const {
  auto *p = get_attr<std::vector<int64_t>>(node_, key, "ints", *this);
  return p ? *p : fallback;
}

std::vector<float> OpContext::attr_floats(const std::string &key, std::vector<float> fallback) const {
  auto *p = get_attr<std::vector<float>>(node_, key, "floats", *this);
  return p ? *p : fallback;
}

std::vector<std::string> OpContext::attr_strings(const std::string &key) const {
  auto *p = get_attr<std::vector<std::string>>(node_, key, "strings", *this);
  return p ? *p : std::vector<std::string>{};
}

const Tensor &OpContext::attr_tensor(const std::string &key) const {
  auto *p = get_attr<Tensor>(node_, key, "tensor", *this);
  if (!p) error(fmt::format("required attribute '{}' is missing", key));
  return *p;
}

const Tensor &OpContext::constant_input(size_t i) const {
  Value &v = input(i);
  if (!v.is_constant())
    throw NeedsConstantError(
        fmt::format("{}: input {} ('{}') must be a compile-time constant; aotc needs static shapes "
                    "(if it is a graph input, give its value with --const-input)",
                    node_.describe(), i, v.name),
        v.name);
  return *v.constant;
}

std::optional<std::vector<int64_t>> OpContext::optional_ints_input(size_t i) const {
  if (!has_input(i)) return std::nullopt;
  return constant_input(i).to_ints();
}

std::optional<std::vector<int64_t>> OpContext::ints_from_attr_or_input(const std::string &key, size_t i) const {
  if (has_attr(key)) return attr_ints(key);
  return optional_ints_input(i);
}

void OpContext::set_output(size_t i, DType dtype, Shape shape) const {
  Value *v = node_.output(i);
  if (!v) return;  // omitted optional output
  for (int64_t d : shape)
    if (d < 0) error(fmt::format("output {} would have a negative dimension {}", i, shape_str(shape)));
  v->dtype = dtype;
  v->shape = std::move(shape);
  v->shape_known = true;
}

void OpContext::set_output_layout(size_t i, Layout layout) const {
  if (Value *v = node_.output(i)) v->layout = std::move(layout);
}

void OpContext::error(const std::string &message) const { fail(fmt::format("{}: {}", node_.describe(), message)); }

int64_t OpContext::axis(int64_t a, int64_t rank) const {
  if (a < -rank || a >= rank)  // a scalar has no axis
    error(fmt::format("axis {} is out of range for rank {}", a, rank));
  return a < 0 ? a + rank : a;
}

KernelCall &LowerContext::call(const std::string &kernel) {
  steps_.emplace_back();
  steps_.back().call.kernel = kernel;
  steps_.back().node = &node();
  return steps_.back().call;
}

void LowerContext::alias(Value &out, Value &in) {
  steps_.emplace_back();
  steps_.back().alias_out = &out;
  steps_.back().alias_in = &in;
  steps_.back().node = &node();
}

KernelCall &KernelCall::in(Value *v) {
  KernelArg a;
  a.kind = v ? KernelArg::Kind::Tensor : KernelArg::Kind::Null;
  a.value = v;
  args.push_back(std::move(a));
  return *this;
}

KernelCall &KernelCall::out(Value *v) {
  in(v);
  args.back().writes = true;
  return *this;
}

KernelCall &KernelCall::scratch(size_t bytes) {
  KernelArg a;
  a.kind = KernelArg::Kind::Scratch;
  a.scratch_bytes = bytes;
  args.push_back(std::move(a));
  return *this;
}

static void check_int32(int64_t value, const std::string &kernel) {
  if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max())
    fail(fmt::format("{}: integer argument {} does not fit in 32 bits (tensor too large)", kernel, value));
}

KernelCall &KernelCall::i(int64_t value) {
  check_int32(value, kernel);
  KernelArg a;
  a.kind = KernelArg::Kind::Int;
  a.i = value;
  args.push_back(std::move(a));
  return *this;
}

KernelCall &KernelCall::f(double value) {
  KernelArg a;
  a.kind = KernelArg::Kind::Float;
  a.f = value;
  args.push_back(std::move(a));
  return *this;
}

KernelCall &KernelCall::ints(const std::vector<int64_t> &values) {
  for (int64_t v : values) check_int32(v, kernel);
  KernelArg a;
  a.kind = KernelArg::Kind::Ints;
  a.ints = values;
  args.push_back(std::move(a));
  return *this;
}

KernelCall &KernelCall::floats(const std::vector<double> &values) {
  KernelArg a;
  a.kind = KernelArg::Kind::Floats;
  a.floats = values;
  args.push_back(std::move(a));
  return *this;
}

void KernelCall::check_params_size(const KernelArg &a, size_t struct_size) const {
  // The field list must cover the struct: the words are the struct's bytes.
  if (a.params_words.size() * sizeof(int32_t) != struct_size)
    fail(fmt::format("internal error: {}: ParamsTraits<{}> lists {} ints, the struct holds {}", kernel,
                     a.params_type, a.params_words.size(), struct_size / sizeof(int32_t)));
}

void OpRegistry::add(OpDef def) {
  if (find(def.domain, def.op)) fail("op registered twice: " + def.op);
  defs_.push_back(std::move(def));
}

const OpDef *OpRegistry::find(const std::string &domain, const std::string &op) const {
  for (auto &d : defs_)
    if (d.op == op && d.domain == domain) return &d;
  return nullptr;
}

std::vector<const OpDef *> OpRegistry::all() const {
  std::vector<const OpDef *> out;
  for (auto &d : defs_) out.push_back(&d);
  // By the name --list-ops prints: "Op", or "domain.Op" for other domains.
  auto name = [](const OpDef *d) { return d->domain.empty() ? d->op : d->domain + "." + d->op; };
  std::sort(out.begin(), out.end(), [&](auto *a, auto *b) { return name(a) < name(b); });
  return out;
}

}  // namespace aotc
