#include "ir/graph.h"

#include <fmt/format.h>

#include <cstring>
#include <set>

#include "ir/escape.h"

namespace aotc {

void fail(const std::string &message) { throw Error(message); }

int64_t num_elements(const Shape &shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) fail(fmt::format("shape {} has a negative dimension", shape_str(shape)));
    if (__builtin_mul_overflow(n, d, &n)) fail(fmt::format("shape {} has more than 2^63 elements", shape_str(shape)));
  }
  return n;
}

std::string shape_str(const Shape &shape) { return fmt::format("[{}]", fmt::join(shape, ",")); }

int64_t Tensor::int_at(int64_t i) const {
  switch (dtype) {
    case DType::Int64: return data<int64_t>()[i];
    case DType::Int32: return data<int32_t>()[i];
    case DType::Int16: return data<int16_t>()[i];
    case DType::Int8:
    case DType::Int4:  // unpacked, sign-extended (see dtype.h)
    case DType::Int2: return data<int8_t>()[i];
    case DType::UInt8:
    case DType::UInt4:
    case DType::UInt2:
    case DType::Bool: return data<uint8_t>()[i];
    case DType::UInt16: return data<uint16_t>()[i];
    case DType::UInt32: return data<uint32_t>()[i];
    case DType::UInt64: return static_cast<int64_t>(data<uint64_t>()[i]);
    case DType::Float:
    case DType::Double: {
      double v = dtype == DType::Float ? data<float>()[i] : data<double>()[i];
      if (!(v >= -0x1p63 && v < 0x1p63)) fail(fmt::format("{} value {} cannot be read as an integer", dtype_name(dtype), v));
      return static_cast<int64_t>(v);
    }
    default: fail(fmt::format("cannot read a {} tensor as integers", dtype_name(dtype)));
  }
}

double Tensor::double_at(int64_t i) const {
  switch (dtype) {
    case DType::Float: return data<float>()[i];
    case DType::Double: return data<double>()[i];
    case DType::Float16:
    case DType::BFloat16: return float_bits_to_double(dtype, data<uint16_t>()[i]);
    case DType::UInt64: return static_cast<double>(data<uint64_t>()[i]);
    default:
      if (is_minifloat(dtype)) return float_bits_to_double(dtype, data<uint8_t>()[i]);
      return static_cast<double>(int_at(i));
  }
}

std::vector<int64_t> Tensor::to_ints() const {
  std::vector<int64_t> out(static_cast<size_t>(count()));
  for (size_t i = 0; i < out.size(); ++i) out[i] = int_at(static_cast<int64_t>(i));
  return out;
}

Tensor make_tensor(DType dtype, Shape shape) {
  Tensor t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.bytes.assign(static_cast<size_t>(t.count()) * dtype_size(dtype), 0);
  return t;
}

Tensor make_int64_tensor(const std::vector<int64_t> &values, Shape shape) {
  Tensor t = make_tensor(DType::Int64, std::move(shape));
  if (!values.empty()) std::memcpy(t.bytes.data(), values.data(), values.size() * sizeof(int64_t));
  return t;
}

const Attribute *Node::attr(const std::string &key) const {
  auto it = attrs.find(key);
  return it == attrs.end() ? nullptr : &it->second;
}

std::string Node::describe() const {
  std::string op_name = domain.empty() ? op : domain + "." + op;
  op_name = escape_terminal(op_name);
  if (!name.empty()) return fmt::format("node '{}' ({}, opset {})", escape_terminal(name), op_name, opset);
  // Unnamed nodes are identified by their first output.
  std::string out = !outputs.empty() && outputs[0] ? outputs[0]->name : "?";
  return fmt::format("node with output '{}' ({}, opset {})", escape_terminal(out), op_name, opset);
}

Value *Graph::add_value(std::string value_name, Value::Kind kind) {
  auto v = std::make_unique<Value>();
  v->name = std::move(value_name);
  v->kind = kind;
  values.push_back(std::move(v));
  return values.back().get();
}

Value *Graph::add_constant(std::string value_name, Tensor tensor) {
  Value *v = add_value(std::move(value_name), Value::Kind::Constant);
  v->dtype = tensor.dtype;
  v->shape = tensor.shape;
  v->shape_known = true;
  v->constant = std::make_shared<const Tensor>(std::move(tensor));
  return v;
}

Node *Graph::add_node(std::string op, std::vector<Value *> node_inputs, std::vector<Value *> node_outputs) {
  auto n = std::make_unique<Node>();
  n->op = std::move(op);
  n->inputs = std::move(node_inputs);
  n->outputs = std::move(node_outputs);
  for (Value *out : n->outputs)
    if (out) out->producer = n.get();
  nodes.push_back(std::move(n));
  return nodes.back().get();
}

std::string Graph::unique_name(const std::string &base) {
  std::set<std::string> taken;
  for (auto &v : values) taken.insert(v->name);
  if (!taken.count(base)) return base;
  for (int i = 1;; ++i) {
    std::string candidate = fmt::format("{}_{}", base, i);
    if (!taken.count(candidate)) return candidate;
  }
}

Value *Graph::find_value(const std::string &value_name) const {
  for (auto &v : values)
    if (v->name == value_name) return v.get();
  return nullptr;
}

void Graph::replace_all_uses(Value *from, Value *to) {
  for (auto &node : nodes)
    for (Value *&in : node->inputs)
      if (in == from) in = to;
  for (Value *&out : outputs)
    if (out == from) out = to;
}

void Graph::erase_unreferenced_values() {
  std::set<const Value *> used(inputs.begin(), inputs.end());
  used.insert(outputs.begin(), outputs.end());
  for (auto &node : nodes) {
    used.insert(node->inputs.begin(), node->inputs.end());
    used.insert(node->outputs.begin(), node->outputs.end());
  }
  std::vector<std::unique_ptr<Value>> kept;
  for (auto &v : values)
    if (used.count(v.get())) kept.push_back(std::move(v));
  values = std::move(kept);
}

size_t Graph::use_count(const Value *v) const {
  size_t n = 0;
  for (auto &node : nodes)
    for (Value *in : node->inputs) n += (in == v);
  for (Value *out : outputs) n += (out == v);
  return n;
}

}  // namespace aotc
