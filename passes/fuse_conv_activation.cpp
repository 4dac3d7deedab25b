// Pass: fuses the activation after a float32 Conv into it, when nothing else
// reads the Conv's output: Relu, Clip with constant bounds, HardSwish, or
// Mul(y, HardSigmoid(y)) (hard swish as exported before opset 14). The Conv
// kernels apply it when storing results, saving a pass over the activations.
// It is recorded in the Conv's internal attributes aotc_activation (kind, as
// aotc_conv_act in runtime-c/kernels/conv.c) and aotc_activation_a/_b.
#include <algorithm>
#include <cmath>
#include <limits>

#include "passes/pipeline.h"
#include "passes/rewrite_util.h"

namespace aotc {

void fuse_conv_activation(Graph &graph) {
  std::vector<const Node *> fused;
  for (auto &node_ptr : graph.nodes) {
    Node &conv = *node_ptr;
    if (!is_float_conv(conv) || conv.attr("aotc_activation")) continue;
    Value *y = conv.outputs[0];
    int64_t kind = 0;  // as aotc_conv_act in conv.c: 1 clamp, 2 hard swish
    float a = 0, b = 0;
    Node *last = nullptr;  // the node whose output the Conv takes over
    std::vector<const Node *> gone;
    if (Node *act = only_reader(graph, y)) {
      if (!act->domain.empty() || act->inputs.empty() || act->inputs[0] != y || act->outputs.size() != 1) continue;
      if (act->op == "Relu") {
        kind = 1;
        a = 0.0f;
        b = std::numeric_limits<float>::infinity();
      } else if (act->op == "Clip") {
        kind = 1;
        a = -std::numeric_limits<float>::infinity();
        b = std::numeric_limits<float>::infinity();
        if (act->opset < 11) {
          a = attr_float_or(*act, "min", a);
          b = attr_float_or(*act, "max", b);
        } else {
          bool constant_bounds = true;
          for (size_t i = 1; i < act->inputs.size() && i <= 2; ++i)
            if (act->inputs[i] && (!act->inputs[i]->is_constant() || act->inputs[i]->count() != 1))
              constant_bounds = false;
          if (!constant_bounds) continue;
          if (act->has_input(1)) a = static_cast<float>(act->inputs[1]->constant->double_at(0));
          if (act->has_input(2)) b = static_cast<float>(act->inputs[2]->constant->double_at(0));
        }
        if (std::isnan(a) || std::isnan(b)) continue;
      } else if (act->op == "HardSwish") {
        kind = 2;
        a = 1.0f / 6.0f;
        b = 0.5f;
      } else {
        continue;
      }
      last = act;
      gone.push_back(act);
    } else if (graph.use_count(y) == 2) {
      // Hard swish as exported before opset 14: Mul(y, HardSigmoid(y)).
      Node *hs = nullptr, *mul = nullptr;
      for (auto &n : graph.nodes)
        for (Value *in : n->inputs)
          if (in == y) (n->op == "HardSigmoid" ? hs : mul) = n.get();
      if (!hs || !mul || !hs->domain.empty() || !mul->domain.empty() || mul->op != "Mul") continue;
      if (hs->outputs.size() != 1 || mul->inputs.size() != 2 || only_reader(graph, hs->outputs[0]) != mul) continue;
      bool operands = (mul->inputs[0] == y && mul->inputs[1] == hs->outputs[0]) ||
                      (mul->inputs[1] == y && mul->inputs[0] == hs->outputs[0]);
      if (!operands || mul->outputs.size() != 1 || mul->outputs[0]->dtype != DType::Float) continue;
      kind = 2;
      a = attr_float_or(*hs, "alpha", 0.2f);
      b = attr_float_or(*hs, "beta", 0.5f);
      last = mul;
      gone = {hs, mul};
    } else {
      continue;
    }
    conv.attrs["aotc_activation"].value = kind;
    conv.attrs["aotc_activation_a"].value = a;
    conv.attrs["aotc_activation_b"].value = b;
    graph.replace_all_uses(last->outputs[0], y);
    fused.insert(fused.end(), gone.begin(), gone.end());
  }
  graph.erase_nodes_if([&](const Node &n) { return std::find(fused.begin(), fused.end(), &n) != fused.end(); });
}

}  // namespace aotc
