#include "ir/graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <unordered_set>

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

bool Value::is_graph_output() const {
  return std::any_of(uses_.begin(), uses_.end(), [](const Use &u) { return u.is_graph_output(); });
}

Value *Graph::add_value(std::string value_name, Value::Kind kind) {
  auto v = std::make_unique<Value>();
  v->name = std::move(value_name);
  v->kind = kind;
  ++name_counts_[v->name];
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

Node *Graph::insert_node_before(const Node *before, std::string op, std::vector<Value *> node_inputs,
                                std::vector<Value *> node_outputs) {
  Node *n = add_node(std::move(op), std::move(node_inputs), std::move(node_outputs));
  auto at = std::find_if(nodes.begin(), nodes.end(), [&](const std::unique_ptr<Node> &p) { return p.get() == before; });
  if (at == nodes.end()) fail("internal error: insert_node_before: the node is not in the graph");
  std::rotate(at, nodes.end() - 1, nodes.end());
  return n;
}

Node *Graph::add_node(std::string op, std::vector<Value *> node_inputs, std::vector<Value *> node_outputs) {
  auto n = std::make_unique<Node>();
  n->op = std::move(op);
  n->inputs = std::move(node_inputs);
  n->outputs = std::move(node_outputs);
  for (Value *out : n->outputs)
    if (out) out->producer = n.get();
  for (size_t i = 0; i < n->inputs.size(); ++i)
    if (n->inputs[i]) add_use(n->inputs[i], {n.get(), i});
  nodes.push_back(std::move(n));
  return nodes.back().get();
}

std::string Graph::unique_name(const std::string &base) {
  auto taken = [&](const std::string &name) {
    auto it = name_counts_.find(name);
    return it != name_counts_.end() && it->second > 0;
  };
  if (!taken(base)) return base;
  // Resumes after the last suffix handed out for `base`: many fresh names
  // from one base (an unrolled loop's) would otherwise cost quadratic time.
  for (int &i = next_suffix_[base];;) {
    std::string candidate = fmt::format("{}_{}", base, ++i);
    if (!taken(candidate)) return candidate;
  }
}

Value *Graph::find_value(const std::string &value_name) const {
  for (auto &v : values)
    if (v->name == value_name) return v.get();
  return nullptr;
}

void Graph::add_use(Value *v, Use use) { v->uses_.push_back(use); }

void Graph::remove_use(Value *v, Use use) {
  auto &uses = v->uses_;
  auto it = std::find(uses.begin(), uses.end(), use);
  if (it == uses.end())
    fail(fmt::format("internal error: the use list of '{}' lacks a use it should have", v->name));
  *it = uses.back();  // order does not matter
  uses.pop_back();
}

void Graph::set_input(Node &node, size_t i, Value *v) {
  if (i >= node.inputs.size()) node.inputs.resize(i + 1, nullptr);
  if (node.inputs[i] == v) return;
  if (node.inputs[i]) remove_use(node.inputs[i], {&node, i});
  node.inputs[i] = v;
  if (v) add_use(v, {&node, i});
}

void Graph::truncate_inputs(Node &node, size_t count) {
  for (size_t i = count; i < node.inputs.size(); ++i) set_input(node, i, nullptr);
  if (node.inputs.size() > count) node.inputs.resize(count);
}

void Graph::add_output(Value *v, std::string output_name) {
  add_use(v, {nullptr, outputs.size()});
  outputs.push_back(v);
  output_names.push_back(output_name.empty() ? v->name : std::move(output_name));
}

void Graph::set_output(size_t k, Value *v) {
  if (outputs[k] == v) return;
  remove_use(outputs[k], {nullptr, k});
  outputs[k] = v;
  add_use(v, {nullptr, k});
}

void Graph::replace_all_uses(Value *from, Value *to) {
  if (from == to) return;
  for (const Use &use : from->uses_) {
    if (use.is_graph_output())
      outputs[use.index] = to;
    else
      use.node->inputs[use.index] = to;
    add_use(to, use);
  }
  from->uses_.clear();
}

void Graph::drop_input_uses(const std::vector<const Node *> &dead) {
  std::unordered_set<const Node *> dead_set(dead.begin(), dead.end());
  std::unordered_set<Value *> touched;
  for (const Node *n : dead)
    for (Value *in : n->inputs)
      if (in) touched.insert(in);
  // One filtering sweep per value, so erasing many readers of one value stays linear.
  for (Value *v : touched) {
    auto &uses = v->uses_;
    uses.erase(std::remove_if(uses.begin(), uses.end(), [&](const Use &u) { return dead_set.count(u.node) > 0; }),
               uses.end());
  }
}

size_t Graph::erase_unreferenced_values() {
  std::vector<std::unique_ptr<Value>> kept;
  kept.reserve(values.size());
  size_t erased = 0;
  for (auto &v : values) {
    bool referenced = v->kind == Value::Kind::Input || v->producer || !v->uses_.empty();
    if (referenced) {
      kept.push_back(std::move(v));
    } else {
      --name_counts_[v->name];
      ++erased;
    }
  }
  values = std::move(kept);
  return erased;
}

}  // namespace aotc
