// Pass: shape and dtype inference with constant propagation.
//
// Walks the nodes in topological order. For each: checks the op is known, its
// attributes are ones the op understands and its input/output counts fit; runs
// the op's inference; then, if every input is a compile-time constant (or the
// op can answer from static shapes alone, like Shape), evaluates the node with
// the runtime-c kernels and turns its outputs into constants. Shape inference
// needs this interleaving: Reshape's target shape is often computed by a chain
// of Shape/Gather/Concat nodes that only folding makes constant.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "ir/limits.h"
#include "ops/kernel_library.h"
#include "ops/op.h"
#include "passes/pipeline.h"

namespace aotc {

namespace {

// Folding must not blow up flash: skip nodes whose result is much larger than
// their inputs (e.g. Expand or ConstantOfShape of a big shape).
constexpr size_t kFoldGrowthLimit = 64 * 1024;

void check_signature(const OpDef &def, const Node &node) {
  for (auto &[key, attr] : node.attrs)
    if (std::find(def.attrs.begin(), def.attrs.end(), key) == def.attrs.end())
      fail(fmt::format("{}: unknown attribute '{}'", node.describe(), key));
  int n_in = static_cast<int>(node.inputs.size());
  int n_out = static_cast<int>(node.outputs.size());
  if (n_in < def.min_inputs || n_in > def.max_inputs)
    fail(fmt::format("{}: has {} inputs, expected {} to {}", node.describe(), n_in, def.min_inputs, def.max_inputs));
  if (n_out < def.min_outputs || n_out > def.max_outputs)
    fail(fmt::format("{}: has {} outputs, expected {} to {}", node.describe(), n_out, def.min_outputs,
                     def.max_outputs));
  for (int i = 0; i < def.min_inputs; ++i)
    if (!node.inputs[static_cast<size_t>(i)])
      fail(fmt::format("{}: required input {} is missing", node.describe(), i));
}

// An inferred shape must be one generated code can index (ir/limits.h).
void check_tensor_limits(const Node &node, const Value &out) {
  if (out.shape.size() > limits::kMaxRank)
    fail(fmt::format("{}: output '{}' would have rank {}; aotc supports at most {} dimensions", node.describe(),
                     out.name, out.shape.size(), limits::kMaxRank));
  for (int64_t d : out.shape)
    if (d < 0) fail(fmt::format("{}: output '{}' would have shape {}", node.describe(), out.name, shape_str(out.shape)));
  int64_t count = 1;
  for (int64_t d : out.shape)
    if (__builtin_mul_overflow(count, d, &count) || count > limits::kMaxTensorElements) {
      if (std::find(out.shape.begin(), out.shape.end(), 0) != out.shape.end()) return;
      fail(fmt::format("{}: output '{}' would have shape {}: more than the {} elements a tensor may have",
                       node.describe(), out.name, shape_str(out.shape), limits::kMaxTensorElements));
    }
}

void make_constant(Value &v, Tensor tensor) {
  v.kind = Value::Kind::Constant;
  v.producer = nullptr;
  tensor.dtype = v.dtype;
  tensor.shape = v.storage_shape();
  v.constant = std::make_shared<const Tensor>(std::move(tensor));
}

// `bounded`: give up when the outputs would be much larger than the inputs.
bool try_fold(Node &node, const OpDef &def, bool bounded) {
  size_t in_bytes = 0, out_bytes = 0;
  for (Value *in : node.inputs) {
    if (!in) continue;
    if (!in->is_constant()) return false;
    in_bytes += in->byte_size();
  }
  for (Value *out : node.outputs)
    if (out) out_bytes += out->byte_size();
  if (!def.lower || (bounded && out_bytes > in_bytes + kFoldGrowthLimit)) return false;
  for (Value *out : node.outputs)
    if (out && dtype_info(out->dtype).c_type == nullptr) return false;
  LowerContext ctx(node);
  def.lower(ctx);
  std::vector<Tensor> results = evaluate_node(node, ctx.steps());
  for (size_t i = 0; i < node.outputs.size(); ++i)
    if (node.outputs[i]) make_constant(*node.outputs[i], std::move(results[i]));
  return true;
}

}  // namespace

bool infer_shapes_and_fold(Graph &graph, DequantizeFolding dequantize) {
  std::set<const Node *> folded;  // and expanded
  // By index: expanding a node inserts the nodes it stands for before it, and
  // the walk goes on with the first of them.
  for (size_t n = 0; n < graph.nodes.size(); ++n) {
    Node &node = *graph.nodes[n];
    if (folded.count(&node)) continue;
    const OpDef *def = find_op(node.domain, node.op);
    if (!def) fail(fmt::format("{}: unsupported op", node.describe()));
    check_signature(*def, node);
    if (def->expand) {
      size_t before = graph.nodes.size();
      def->expand(graph, node);
      folded.insert(&node);
      if (graph.nodes.size() > before) --n;
      continue;
    }
    OpContext ctx(node);
    def->infer(ctx);
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      Value *out = node.outputs[i];
      if (out && (!out->shape_known || out->dtype == DType::Undefined))
        fail(fmt::format("{}: could not infer the type and shape of output {}", node.describe(), i));
      if (out) check_tensor_limits(node, *out);
    }
    if (def->fold) {
      if (std::optional<std::vector<Tensor>> values = def->fold(ctx)) {
        for (size_t i = 0; i < node.outputs.size(); ++i)
          if (node.outputs[i]) make_constant(*node.outputs[i], std::move((*values)[i]));
        folded.insert(&node);
        continue;
      }
    }
    // A DequantizeLinear on constants is folded however much it grows: left
    // alone it would write the same float weights into the arena every run.
    // So are choose-layouts' packing nodes (aotc.Pack*): Winograd's weights
    // are 16/9 of the conv's.
    const bool dequantize_node = node.domain.empty() && node.op == "DequantizeLinear";
    const bool packing_node = node.domain == kInternalDomain && node.op.rfind("Pack", 0) == 0;
    if (dequantize_node && dequantize == DequantizeFolding::Defer) continue;
    if (try_fold(node, *def, !dequantize_node && !packing_node)) folded.insert(&node);
  }
  return graph.erase_nodes_if([&](const Node &n) { return folded.count(&n) > 0; }) > 0;
}

}  // namespace aotc
