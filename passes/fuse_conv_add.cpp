// Pass: fuses a residual Add after a float32 Conv into it, with the
// activation after the Add if there is one (ResNet's Conv -> Add -> Relu,
// MobileNetV2's projection Conv -> Add): y = act(conv(x) + r) becomes an
// aotc.FusedConv with r as its fourth input, which the conv kernel adds as it
// stores its results (ops/conv.cpp), saving one or two passes over the
// activations. Only where nothing else reads the Conv's output (nor the Add's,
// when the activation is fused too) and r has the output's shape (no
// broadcasting). The fused node takes the place of the last node it absorbs,
// where r is sure to be computed (the shortcut of a ResNet block often comes
// after its Conv in the ONNX node order), and the Conv's name.
#include <optional>

#include "passes/pipeline.h"
#include "passes/rewrite.h"

namespace aotc {

namespace {

bool fuse_add(Node &conv, Rewriter &rw) {
  if (!is_float_conv(conv)) return false;
  Value *y = conv.outputs[0];
  Node *add = sole_reader(*y);
  if (!add || !add->domain.empty() || add->op != "Add" || add->inputs.size() != 2 || add->outputs.size() != 1)
    return false;
  Value *r = add->inputs[add->inputs[0] == y ? 1 : 0];
  Value *sum = add->outputs[0];
  if (!r || r == y || !sum || r->dtype != DType::Float || !r->shape_known || !y->shape_known ||
      r->shape != y->shape || sum->shape != y->shape)
    return false;
  // The activation reading the sum, if it alone does.
  Node *act = sole_reader(*sum);
  std::optional<FusedActivation> activation = act ? fusable_activation(*act) : std::nullopt;
  if (!activation) act = nullptr;
  Node &fused = act ? *act : *add;
  Graph &graph = rw.graph();
  Node original = conv;  // (its inputs and attributes, read after its uses go)
  record_fusion(original, *add);
  if (act) record_fusion(original, *act);
  for (size_t i = 0; i < 3; ++i) graph.set_input(fused, i, original.input(i));
  graph.set_input(fused, 3, r);
  if (!act) rw.erase(conv);
  else rw.erase(*add), rw.erase(conv);
  fused.domain = kInternalDomain;
  fused.op = "FusedConv";
  fused.opset = 1;
  fused.name = original.name;
  fused.attrs = original.attrs;
  fused.attrs["activation"].value = activation.value_or(FusedActivation{});
  fused.fused_ops = original.fused_ops;
  return true;
}

}  // namespace

bool fuse_conv_add(Graph &graph) { return rewrite_nodes(graph, fuse_add); }

}  // namespace aotc
