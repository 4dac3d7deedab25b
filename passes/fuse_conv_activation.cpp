// Pass: fuses the activation after a float32 Conv into it, when nothing else
// reads the Conv's output: Relu, Clip with constant bounds, HardSwish,
// Mul(y, HardSigmoid(y)) (hard swish as exported before opset 14), or
// aotc.Silu (fuse-silu's x * Sigmoid(x)). The Conv
// becomes an aotc.FusedConv whose typed `activation` attribute the conv
// kernels apply when storing results, saving a pass over the activations.
#include <optional>
#include <utility>

#include "passes/pipeline.h"
#include "passes/rewrite.h"

namespace aotc {

namespace {

// Hard swish as exported before opset 14: y -> HardSigmoid -> Mul(y, .), where
// y's two readers are exactly those two nodes. Returns {HardSigmoid, Mul}.
std::optional<std::pair<Node *, Node *>> match_hard_sigmoid_mul(const Value &y, FusedActivation &activation) {
  if (y.use_count() != 2 || y.uses()[0].is_graph_output() || y.uses()[1].is_graph_output()) return std::nullopt;
  Node *hs = y.uses()[0].node, *mul = y.uses()[1].node;
  if (hs->op != "HardSigmoid") std::swap(hs, mul);
  if (hs->op != "HardSigmoid" || mul->op != "Mul" || !hs->domain.empty() || !mul->domain.empty()) return std::nullopt;
  if (hs->outputs.size() != 1 || mul->inputs.size() != 2 || sole_reader(*hs->outputs[0]) != mul) return std::nullopt;
  bool operands = (mul->inputs[0] == &y && mul->inputs[1] == hs->outputs[0]) ||
                  (mul->inputs[1] == &y && mul->inputs[0] == hs->outputs[0]);
  if (!operands || mul->outputs.size() != 1 || mul->outputs[0]->dtype != DType::Float) return std::nullopt;
  activation = FusedActivation::hard_swish(attr_float_or(*hs, "alpha", 0.2f), attr_float_or(*hs, "beta", 0.5f));
  return std::make_pair(hs, mul);
}

// Turns the Conv into an aotc.FusedConv in place (same inputs, attributes and
// position), so its readers and the topological order stay valid.
void make_fused_conv(Node &conv, const FusedActivation &activation) {
  conv.domain = kInternalDomain;
  conv.op = "FusedConv";
  conv.opset = 1;
  conv.attrs["activation"].value = activation;
}

bool fuse_activation(Node &conv, Rewriter &rw) {
  if (!is_float_conv(conv)) return false;
  Value *y = conv.outputs[0];
  if (auto chain = match_chain(conv, {"Relu", "Clip", "HardSwish"})) {
    std::optional<FusedActivation> activation = fusable_activation(*chain->consumer);
    if (!activation) return false;
    record_fusion(conv, *chain->consumer);
    make_fused_conv(conv, *activation);
    // The fused Conv now computes the activation's result.
    rw.graph().replace_all_uses(chain->consumer->outputs[0], y);
    rw.erase(*chain->consumer);
    return true;
  }
  if (Node *silu = sole_reader(*y); silu && silu->domain == kInternalDomain && silu->op == "Silu") {
    make_fused_conv(conv, FusedActivation::silu());
    rw.graph().replace_all_uses(silu->outputs[0], y);
    rw.erase(*silu);
    return true;
  }
  FusedActivation activation;
  if (auto pair = match_hard_sigmoid_mul(*y, activation)) {
    auto [hard_sigmoid, mul] = *pair;
    record_fusion(conv, *hard_sigmoid);
    record_fusion(conv, *mul);
    make_fused_conv(conv, activation);
    rw.graph().replace_all_uses(mul->outputs[0], y);
    rw.erase(*mul);
    rw.erase(*hard_sigmoid);
    return true;
  }
  return false;
}

}  // namespace

bool fuse_conv_activation(Graph &graph) { return rewrite_nodes(graph, fuse_activation); }

}  // namespace aotc
