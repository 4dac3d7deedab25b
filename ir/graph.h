// aotc's dataflow IR: a graph of nodes over values.
//
// A Value is an SSA tensor with a dtype and a static shape (filled in by shape
// inference); it is a graph input, a constant (data known at compile time), or
// the output of exactly one node. A Node is an ONNX-level operation with typed
// attributes; `graph.nodes` is kept in topological order. Graphs own their
// values and nodes; everything else refers to them by raw pointer.
//
// Text form (see printer.cpp), e.g.:
//   graph "mnist" opset(ai.onnx=13)
//     input  %x : f32[1,1,28,28]
//     const  %w : f32[8,1,5,5]
//     %y : f32[1,8,24,24] = Conv(%x, %w) {kernel_shape=[5,5]}   # conv1
//     output %y
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ir/dtype.h"
#include "ir/error.h"

namespace aotc {

using Shape = std::vector<int64_t>;

/// Number of elements of a static shape (1 for a scalar).
int64_t num_elements(const Shape &shape);
/// "[1,3,224,224]"
std::string shape_str(const Shape &shape);

/// Constant tensor data, stored as raw little-endian bytes in row-major order.
struct Tensor {
  DType dtype = DType::Undefined;
  Shape shape;
  std::vector<uint8_t> bytes;
  /// Strings, only for DType::String tensors (not supported by codegen).
  std::vector<std::string> strings;

  int64_t count() const { return num_elements(shape); }
  template <typename T>
  const T *data() const { return reinterpret_cast<const T *>(bytes.data()); }
  template <typename T>
  T *data() { return reinterpret_cast<T *>(bytes.data()); }
  /// Reads element i of an integer or bool tensor as int64 (for shape-like data).
  int64_t int_at(int64_t i) const;
  /// Reads element i of any real-valued tensor as double.
  double double_at(int64_t i) const;
  /// All elements of an integer tensor as int64.
  std::vector<int64_t> to_ints() const;
};

/// Makes a tensor of the given type and shape, zero filled.
Tensor make_tensor(DType dtype, Shape shape);
Tensor make_int64_tensor(const std::vector<int64_t> &values, Shape shape);

struct Graph;

/// A node attribute. The variant index encodes the ONNX attribute type.
struct Attribute {
  using Subgraph = std::shared_ptr<Graph>;
  std::variant<int64_t, float, std::string, std::vector<int64_t>, std::vector<float>,
               std::vector<std::string>, Tensor, Subgraph>
      value;
};

struct Node;

struct Value {
  enum class Kind { Input, Constant, Intermediate };
  std::string name;
  Kind kind = Kind::Intermediate;
  DType dtype = DType::Undefined;
  Shape shape;
  bool shape_known = false;
  std::shared_ptr<const Tensor> constant;  ///< Set for Kind::Constant.
  Node *producer = nullptr;                ///< Set for Kind::Intermediate.

  bool is_constant() const { return kind == Kind::Constant; }
  int64_t count() const { return num_elements(shape); }
  size_t byte_size() const { return static_cast<size_t>(count()) * dtype_size(dtype); }
};

struct Node {
  std::string op;      ///< ONNX op type, e.g. "Conv".
  std::string domain;  ///< "" for the default ONNX domain.
  std::string name;    ///< ONNX node name (may be empty).
  int opset = 0;       ///< Version of `domain` the model imports.
  std::vector<Value *> inputs;   ///< nullptr marks an omitted optional input.
  std::vector<Value *> outputs;  ///< nullptr marks an omitted optional output.
  std::map<std::string, Attribute> attrs;

  Value *input(size_t i) const { return i < inputs.size() ? inputs[i] : nullptr; }
  bool has_input(size_t i) const { return input(i) != nullptr; }
  Value *output(size_t i) const { return i < outputs.size() ? outputs[i] : nullptr; }
  const Attribute *attr(const std::string &key) const;
  /// "node 'conv1' (Conv, opset 13)": used in every error about this node.
  std::string describe() const;
};

struct Graph {
  std::string name;
  std::string source_path;               ///< File the graph came from, for messages.
  std::map<std::string, int> opsets;     ///< domain ("" = ai.onnx) -> version.
  std::vector<std::unique_ptr<Value>> values;
  std::vector<std::unique_ptr<Node>> nodes;  ///< Topological order.
  std::vector<Value *> inputs;   ///< Runtime inputs (initializers are constants, not inputs).
  std::vector<Value *> outputs;
  /// ONNX names of the graph outputs; kept apart from value names because passes
  /// may make an output refer to another value (e.g. when removing Identity).
  std::vector<std::string> output_names;

  Value *add_value(std::string name, Value::Kind kind);
  Value *add_constant(std::string name, Tensor tensor);
  Node *add_node(std::string op, std::vector<Value *> inputs, std::vector<Value *> outputs);
  /// Returns a fresh value name derived from `base` that no value uses yet.
  std::string unique_name(const std::string &base);
  Value *find_value(const std::string &name) const;

  /// Makes every use of `from` (node inputs and graph outputs) refer to `to`.
  void replace_all_uses(Value *from, Value *to);
  /// Removes nodes for which `dead` is true and values nothing refers to.
  template <typename Pred>
  void erase_nodes_if(Pred dead);
  void erase_unreferenced_values();
  /// Number of nodes reading `v` plus the number of times it is a graph output.
  size_t use_count(const Value *v) const;
};

template <typename Pred>
void Graph::erase_nodes_if(Pred dead) {
  std::vector<std::unique_ptr<Node>> kept;
  kept.reserve(nodes.size());
  for (auto &node : nodes) {
    if (dead(*node)) {
      for (Value *out : node->outputs)
        if (out && out->producer == node.get()) out->producer = nullptr;
    } else {
      kept.push_back(std::move(node));
    }
  }
  nodes = std::move(kept);
  erase_unreferenced_values();
}

/// Prints the stable text form of a graph (see the header comment).
std::string print_graph(const Graph &graph);

/// Checks structural invariants: every input defined before use, one producer per
/// value, outputs defined, and (if `require_shapes`) every value typed and shaped.
/// Throws aotc::Error naming the offending node.
void verify_graph(const Graph &graph, bool require_shapes);

}  // namespace aotc
