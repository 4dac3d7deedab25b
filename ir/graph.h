// aotc's dataflow IR: a graph of nodes over values.
//
// A Value is an SSA tensor with a dtype and a static shape (filled in by shape
// inference); it is a graph input, a constant (data known at compile time), or
// the output of exactly one node. A Node is an ONNX-level operation, or one of
// aotc's own (domain "aotc", e.g. FusedConv, made by passes), with typed
// attributes; `graph.nodes` is kept in topological order. Graphs own their
// values and nodes; everything else refers to them by raw pointer.
//
// Every value keeps its use list (the node inputs and graph outputs that read
// it), so rewrites find readers without scanning the graph. Fields stay public
// for reading, but node inputs and graph outputs must be changed only through
// Graph's mutation API (add_node, set_input, add_output, set_output,
// replace_all_uses, erase_nodes_if), which keeps the use lists exact;
// verify_graph checks them.
//
// Text form (see printer.cpp), e.g.:
//   graph "mnist" opset(ai.onnx=13)
//     input  %x : f32[1,1,28,28]
//     const  %w.packed : f32[8,1,5,5] packed(conv_gemm_mr4[1,2,25,4])
//     %y : f32[1,8,24,24] nchw = aotc.FusedConv(%x, %w.packed) {activation=relu, kernel_shape=[5,5]}   # conv1
//     output %y
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
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

/// Domain of aotc's own node kinds (fused ops made by passes). Models may not
/// use it: the importer rejects such nodes.
inline constexpr const char *kInternalDomain = "aotc";

/// Domain of the ONNX Runtime contrib ops aotc implements (QLinearAdd, QGemm, ...:
/// what ONNX Runtime's quantizer writes in QOperator format).
inline constexpr const char *kMicrosoftDomain = "com.microsoft";

/// An activation applied by a fused op as it stores its results (an attribute
/// of aotc.FusedConv). Printed as none, relu, clip(min, max), hardswish(alpha, beta).
struct FusedActivation {
  enum class Kind { None, Relu, Clip, HardSwish, Silu };
  Kind kind = Kind::None;
  float a = 0, b = 0;  ///< Clip: min, max. HardSwish: x * clamp(a*x + b, 0, 1).

  static FusedActivation relu() { return {Kind::Relu, 0, 0}; }
  static FusedActivation clip(float min, float max) { return {Kind::Clip, min, max}; }
  static FusedActivation hard_swish(float alpha, float beta) { return {Kind::HardSwish, alpha, beta}; }
  static FusedActivation silu() { return {Kind::Silu, 0, 0}; }  ///< x * sigmoid(x)
  bool operator==(const FusedActivation &o) const { return kind == o.kind && a == o.a && b == o.b; }
};

/// A node attribute. The first eight alternatives are the ONNX attribute
/// types; FusedActivation exists only on internal-domain nodes.
struct Attribute {
  using Subgraph = std::shared_ptr<Graph>;
  std::variant<int64_t, float, std::string, std::vector<int64_t>, std::vector<float>,
               std::vector<std::string>, Tensor, Subgraph, FusedActivation>
      value;
};

/// How a value's elements lie in memory. Chosen by the choose-layouts pass
/// (passes/choose_layouts.cpp) for the target; values it does not touch stay
/// RowMajor, ONNX's layout for every tensor.
///   - ChannelsFirst: a conv/pool activation kept as ONNX's N, C, spatial...
///     (the kernels' native layout today; printed nchw, ncw or ncdhw).
///   - ChannelsBlocked: an activation stored as N, C/b, spatial..., b (NCHWc
///     with b = `block` channels innermost, one vector of the target per
///     pixel; C a multiple of b, so the bytes are those of ONNX's layout).
///     Chosen for chains of kernels that vectorise over channels (printed
///     e.g. nchw16c).
///   - Packed: weights re-laid out for a kernel's micro-kernel; `format` names
///     the packing (defined once, by the C function that produces it, see
///     ops/conv.cpp), `storage` is the shape of the packed data, padding
///     included. The value keeps its logical ONNX shape.
/// Graph inputs and outputs are always RowMajor.
struct Layout {
  enum class Kind { RowMajor, ChannelsFirst, ChannelsBlocked, Packed };
  Kind kind = Kind::RowMajor;
  std::string format;  ///< Packed: e.g. "conv_gemm_mr4"
  Shape storage;       ///< Packed: shape of the stored data
  int64_t block = 0;   ///< ChannelsBlocked: channels per block

  static Layout channels_first() { return {Kind::ChannelsFirst, "", {}, 0}; }
  static Layout channels_blocked(int64_t block) { return {Kind::ChannelsBlocked, "", {}, block}; }
  static Layout packed(std::string format, Shape storage) {
    return {Kind::Packed, std::move(format), std::move(storage), 0};
  }
  bool is_packed() const { return kind == Kind::Packed; }
  bool is_blocked() const { return kind == Kind::ChannelsBlocked; }
  bool operator==(const Layout &o) const {
    return kind == o.kind && format == o.format && storage == o.storage && block == o.block;
  }
  bool operator!=(const Layout &o) const { return !(*this == o); }
};

struct Node;

/// One read of a value: input `index` of `node`, or, when `node` is null,
/// graph output `index`.
struct Use {
  Node *node = nullptr;
  size_t index = 0;
  bool is_graph_output() const { return node == nullptr; }
  bool operator==(const Use &o) const { return node == o.node && index == o.index; }
};

struct Value {
  enum class Kind { Input, Constant, Intermediate };
  std::string name;
  Kind kind = Kind::Intermediate;
  DType dtype = DType::Undefined;
  Shape shape;
  bool shape_known = false;
  Layout layout;                           ///< RowMajor unless choose-layouts picked another
  std::shared_ptr<const Tensor> constant;  ///< Set for Kind::Constant.
  Node *producer = nullptr;                ///< Set for Kind::Intermediate.

  /// Every read of this value, in no particular order (maintained by Graph).
  const std::vector<Use> &uses() const { return uses_; }
  size_t use_count() const { return uses_.size(); }
  bool is_graph_output() const;

  bool is_constant() const { return kind == Kind::Constant; }
  /// Logical element count (of `shape`).
  int64_t count() const { return num_elements(shape); }
  /// The shape of the stored data: `shape`, or a packed layout's storage shape.
  const Shape &storage_shape() const { return layout.is_packed() ? layout.storage : shape; }
  /// Bytes the value occupies in memory (its storage, padding included).
  size_t byte_size() const { return static_cast<size_t>(num_elements(storage_shape())) * dtype_size(dtype); }

 private:
  friend struct Graph;
  std::vector<Use> uses_;
};

struct Node {
  std::string op;      ///< op type, e.g. "Conv"
  std::string domain;  ///< "" for the default ONNX domain; kInternalDomain for aotc's own ops
  std::string name;    ///< ONNX node name (may be empty).
  int opset = 0;       ///< Version of `domain` the model imports.
  std::vector<Value *> inputs;   ///< nullptr marks an omitted optional input.
  std::vector<Value *> outputs;  ///< nullptr marks an omitted optional output.
  std::map<std::string, Attribute> attrs;
  /// The ONNX ops a fusion pass merged into this node, in dataflow order
  /// ("Conv", "BatchNormalization", "Relu"); empty if none was. For reports
  /// (--emit dot) only: not part of the IR text, not read by any pass.
  std::vector<std::string> fused_ops;

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
  /// Subgraphs only (If/Loop/Scan bodies): the enclosing scopes' values the
  /// body reads, by name. The last outer_reads.size() entries of `inputs`
  /// stand for them; the owning node lists the values themselves as its last
  /// inputs (see ops/control_flow.cpp).
  std::vector<std::string> outer_reads;

  Value *add_value(std::string name, Value::Kind kind);
  Value *add_constant(std::string name, Tensor tensor);
  /// Appends a node (so its inputs must already be defined) and records its uses.
  Node *add_node(std::string op, std::vector<Value *> inputs, std::vector<Value *> outputs);
  /// Inserts a node just before `before` (its inputs must be defined earlier).
  Node *insert_node_before(const Node *before, std::string op, std::vector<Value *> inputs,
                           std::vector<Value *> outputs);
  /// Returns a fresh value name derived from `base` that no value uses yet.
  std::string unique_name(const std::string &base);
  Value *find_value(const std::string &name) const;

  /// Makes input `i` of `node` read `v` (nullptr: omitted), growing the input
  /// list with omitted inputs if needed.
  void set_input(Node &node, size_t i, Value *v);
  /// Drops `node`'s inputs from index `count` on.
  void truncate_inputs(Node &node, size_t count);
  /// Appends a graph output named `name` (default: the value's name).
  void add_output(Value *v, std::string name = "");
  /// Makes graph output `k` refer to `v` (its ONNX name stays).
  void set_output(size_t k, Value *v);
  /// Makes every use of `from` (node inputs and graph outputs) refer to `to`.
  void replace_all_uses(Value *from, Value *to);
  /// Removes nodes for which `dead` is true and values nothing refers to.
  /// Returns the number of nodes removed.
  template <typename Pred>
  size_t erase_nodes_if(Pred dead);
  /// Removes values that are not graph inputs, not produced by a node and not
  /// read by anything. Returns the number removed.
  size_t erase_unreferenced_values();
  /// Number of nodes reading `v` plus the number of times it is a graph output.
  size_t use_count(const Value *v) const { return v->use_count(); }

 private:
  void add_use(Value *v, Use use);
  void remove_use(Value *v, Use use);
  void drop_input_uses(const std::vector<const Node *> &dead);
  std::unordered_map<std::string, size_t> name_counts_;  ///< values per name, for unique_name
  std::unordered_map<std::string, int> next_suffix_;     ///< unique_name: last suffix tried per base
};

template <typename Pred>
size_t Graph::erase_nodes_if(Pred dead) {
  std::vector<std::unique_ptr<Node>> kept;
  std::vector<std::unique_ptr<Node>> erased;
  kept.reserve(nodes.size());
  for (auto &node : nodes) (dead(*node) ? erased : kept).push_back(std::move(node));
  nodes = std::move(kept);
  std::vector<const Node *> gone;
  for (auto &node : erased) {
    gone.push_back(node.get());
    for (Value *out : node->outputs)
      if (out && out->producer == node.get()) out->producer = nullptr;
  }
  drop_input_uses(gone);
  erase_unreferenced_values();
  return erased.size();
}

/// Prints the stable text form of a graph (see the header comment).
std::string print_graph(const Graph &graph);

/// Checks structural invariants: every input defined before use, one producer per
/// value, outputs defined, use lists exactly matching the node inputs and graph
/// outputs, and (if `require_shapes`) every value typed and shaped.
/// Throws aotc::Error naming the offending node.
void verify_graph(const Graph &graph, bool require_shapes);

}  // namespace aotc
