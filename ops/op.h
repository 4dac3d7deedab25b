// How an op is defined. Each op (or op family) lives in one file under ops/
// and registers an OpDef: its known attributes, its shape/dtype inference and
// its lowering to runtime-c kernels, together. ops/registry.cpp lists them all.
//
// To add an op, copy ops/TEMPLATE.cpp, fill in infer and lower, write the
// kernel as an AOTC_KERNEL function in runtime-c/kernels/*.c (cmake/kernels.cmake
// finds it and derives the signature that calls are checked against), and list
// the op's family in registry.cpp. Tests: ONNX's node tests for the op start
// passing in tests/conformance; add them with
// `aotc_conformance --expected tests/conformance/expected_pass.txt --update --filter OP`.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/target.h"
#include "ops/kernel_call.h"

namespace aotc {

/// Attribute access and output typing for one node, handed to OpDef::infer.
class OpContext {
 public:
  explicit OpContext(Node &node) : node_(node) {}
  Node &node() const { return node_; }
  int opset() const { return node_.opset; }
  size_t num_inputs() const { return node_.inputs.size(); }
  bool has_input(size_t i) const { return node_.has_input(i); }
  /// Input i; an error if the node lacks it.
  Value &input(size_t i) const;
  Value &output(size_t i) const;
  bool has_output(size_t i) const { return node_.output(i) != nullptr; }

  bool has_attr(const std::string &key) const { return node_.attr(key) != nullptr; }
  int64_t attr_int(const std::string &key, int64_t fallback) const;
  int64_t attr_int(const std::string &key) const;  ///< required
  float attr_float(const std::string &key, float fallback) const;
  std::string attr_string(const std::string &key, const std::string &fallback) const;
  std::vector<int64_t> attr_ints(const std::string &key, std::vector<int64_t> fallback = {}) const;
  std::vector<float> attr_floats(const std::string &key, std::vector<float> fallback = {}) const;
  const Tensor &attr_tensor(const std::string &key) const;
  std::vector<std::string> attr_strings(const std::string &key) const;  ///< empty if absent

  /// The data of input i, which must be a compile-time constant (e.g. Reshape's
  /// shape); an error naming the node otherwise.
  const Tensor &constant_input(size_t i) const;
  /// Integer data of input i if present, else nullopt.
  std::optional<std::vector<int64_t>> optional_ints_input(size_t i) const;
  /// Axes given as attribute (older opsets) or as input i (newer ones).
  std::optional<std::vector<int64_t>> ints_from_attr_or_input(const std::string &key, size_t i) const;

  void set_output(size_t i, DType dtype, Shape shape) const;
  /// For ops that produce a non-RowMajor layout (e.g. a packing op).
  void set_output_layout(size_t i, Layout layout) const;
  /// Throws an error naming this node: "model.onnx: node 'x' (Conv, opset 13): ...".
  [[noreturn]] void error(const std::string &message) const;
  /// Checks `cond`, failing with `message` if false.
  void require(bool cond, const std::string &message) const {
    if (!cond) error(message);
  }
  /// Normalises a possibly negative axis against `rank`, checking the range.
  int64_t axis(int64_t axis, int64_t rank) const;

 private:
  Node &node_;
};

/// Collects the kernel calls a node lowers to.
class LowerContext : public OpContext {
 public:
  /// `target` picks among kernels; constant folding lowers for `generic`.
  explicit LowerContext(Node &node, const Target &target = find_target("generic"))
      : OpContext(node), target_(target) {}
  /// What the program is compiled for: decides among kernels and layouts.
  const Target &target() const { return target_; }
  /// Starts a call to `kernel`; fill its arguments with the builder methods.
  KernelCall &call(const std::string &kernel);
  /// Declares that `out` is `in` reinterpreted (same bytes, new shape).
  void alias(Value &out, Value &in);
  std::vector<LoweredStep> &steps() { return steps_; }

 private:
  std::vector<LoweredStep> steps_;
  const Target &target_;
};

/// A constant input an op wants re-laid out before it runs: the choose-layouts
/// pass inserts node `op` (an internal-domain packing op with `attrs`) on the
/// input, and constant folding computes the packed data at compile time.
struct PackRequest {
  size_t input = 0;
  std::string op;
  std::map<std::string, Attribute> attrs;
};

struct OpDef {
  std::string op;      ///< ONNX op type
  std::string domain;  ///< "" for ai.onnx
  std::vector<std::string> attrs;   ///< every attribute the op understands; others are errors
  int min_inputs = 1, max_inputs = 1;
  int min_outputs = 1, max_outputs = 1;
  std::function<void(OpContext &)> infer;   ///< validates and sets output dtypes/shapes
  std::function<void(LowerContext &)> lower;  ///< emits kernel calls; nullptr: must fold away
  /// Optional: outputs computable from static shapes alone (Shape, Size), or nullopt.
  std::function<std::optional<std::vector<Tensor>>(OpContext &)> fold;
  /// Optional, for choose-layouts: input 0 and output 0 are activations the
  /// kernels read and write channels-first (conv, pool).
  bool channels_first = false;
  /// Optional, for choose-layouts: which inputs (bit i of `inputs`: input i)
  /// this node's kernels can read, and whether they can write output 0,
  /// channel-blocked (Layout::ChannelsBlocked, `block` channels per block) on
  /// the target; `tied`: those inputs and the output all or none. A value is
  /// blocked only where its producer and every reader agree, so no
  /// conversions are needed.
  struct BlockedIo {
    uint32_t inputs = 0;
    bool output = false, tied = false;
    bool reads(size_t i) const { return i < 32 && (inputs >> i & 1u); }
  };
  std::function<BlockedIo(LowerContext &, int64_t block)> blocked_io;
  /// Optional, for choose-layouts: constant inputs to pack for `target`.
  std::function<std::vector<PackRequest>(LowerContext &)> packs;
  /// Optional, for --report: multiply-accumulates one run of the node does
  /// (convolutions, Gemm, MatMul). Ops without it count 0: elementwise work
  /// is not a MAC.
  std::function<int64_t(OpContext &)> macs;
  /// Optional, for control flow (If, Loop, Scan): inserts the nodes the node
  /// stands for (the taken branch, the unrolled iterations) before it in
  /// `graph` and makes the node's outputs unused; shape inference then walks
  /// the new nodes and drops the node. Called once its inputs are inferred.
  std::function<void(Graph &graph, Node &node)> expand;
};

/// Looks up an op, or returns nullptr if aotc does not support it.
const OpDef *find_op(const std::string &domain, const std::string &op);
/// All registered ops, sorted by name.
std::vector<const OpDef *> all_ops();

/// Registration: each op family file defines `void register_<family>_ops(OpRegistry&)`.
class OpRegistry {
 public:
  void add(OpDef def);
  const OpDef *find(const std::string &domain, const std::string &op) const;
  std::vector<const OpDef *> all() const;

 private:
  std::vector<OpDef> defs_;
};

}  // namespace aotc
