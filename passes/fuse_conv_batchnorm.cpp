// Pass: folds an inference BatchNormalization into the Conv that feeds it, when
// the Conv's weights/bias and the BN's parameters are constants and nothing
// else reads the Conv's output:
//   W'[m] = W[m] * s[m],  B'[m] = (B[m] - mean[m]) * s[m] + beta[m],
//   s = scale / sqrt(var + epsilon).            (float32 only)
// One pass over the activations less per BN, and the BN's weights disappear.
#include <algorithm>
#include <cmath>

#include "passes/pipeline.h"
#include "passes/rewrite_util.h"

namespace aotc {

void fuse_conv_batchnorm(Graph &graph) {
  std::vector<const Node *> fused;
  for (auto &node_ptr : graph.nodes) {
    Node &conv = *node_ptr;
    if (!is_float_conv(conv) || conv.attr("aotc_activation")) continue;
    Node *bn = only_reader(graph, conv.outputs[0]);
    if (!bn || !bn->domain.empty() || bn->op != "BatchNormalization" || bn->inputs.size() != 5) continue;
    if (bn->inputs[0] != conv.outputs[0]) continue;
    bool extra_outputs = false;
    for (size_t i = 1; i < bn->outputs.size(); ++i) extra_outputs = extra_outputs || bn->outputs[i];
    if (extra_outputs || attr_int_or(*bn, "training_mode", 0) != 0) continue;
    if (bn->opset < 9 && attr_int_or(*bn, "spatial", 1) == 0) continue;
    Value *w = conv.inputs[1];
    Value *b = conv.has_input(2) ? conv.inputs[2] : nullptr;
    if (!w->is_constant() || (b && !b->is_constant())) continue;
    const int64_t M = w->shape[0];
    bool params_ok = true;
    for (size_t i = 1; i <= 4; ++i) {
      Value *p = bn->inputs[i];
      params_ok = params_ok && p && p->is_constant() && p->dtype == DType::Float && p->count() == M;
    }
    if (!params_ok) continue;
    float eps = attr_float_or(*bn, "epsilon", 1e-5f);
    const Tensor &scale = *bn->inputs[1]->constant, &beta = *bn->inputs[2]->constant;
    const Tensor &mean = *bn->inputs[3]->constant, &var = *bn->inputs[4]->constant;
    Tensor w2 = *w->constant;
    Tensor b2 = make_tensor(DType::Float, {M});
    const int64_t per_m = w2.count() / std::max<int64_t>(M, 1);
    for (int64_t m = 0; m < M; ++m) {
      double s = scale.double_at(m) / std::sqrt(var.double_at(m) + static_cast<double>(eps));
      float *wm = w2.data<float>() + m * per_m;
      for (int64_t i = 0; i < per_m; ++i) wm[i] = static_cast<float>(static_cast<double>(wm[i]) * s);
      double bias = b ? b->constant->double_at(m) : 0.0;
      b2.data<float>()[m] = static_cast<float>((bias - mean.double_at(m)) * s + beta.double_at(m));
    }
    conv.inputs.resize(3);
    conv.inputs[1] = graph.add_constant(graph.unique_name(w->name + "_bn"), std::move(w2));
    conv.inputs[2] = graph.add_constant(graph.unique_name((b ? b->name : w->name) + "_bn_bias"), std::move(b2));
    // The Conv now computes the BN's result: its readers read the Conv.
    graph.replace_all_uses(bn->outputs[0], conv.outputs[0]);
    fused.push_back(bn);
  }
  graph.erase_nodes_if([&](const Node &n) { return std::find(fused.begin(), fused.end(), &n) != fused.end(); });
}

}  // namespace aotc
