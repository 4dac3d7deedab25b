// Pass: folds an inference BatchNormalization into the Conv that feeds it, when
// the Conv's weights/bias and the BN's parameters are constants and nothing
// else reads the Conv's output:
//   W'[m] = W[m] * s[m],  B'[m] = (B[m] - mean[m]) * s[m] + beta[m],
//   s = scale / sqrt(var + epsilon).            (float32 only)
// One pass over the activations less per BN, and the BN's weights disappear.
#include <algorithm>
#include <cmath>

#include "passes/pipeline.h"
#include "passes/rewrite.h"

namespace aotc {

namespace {

bool fold_batchnorm(Node &conv, Rewriter &rw) {
  if (!is_float_conv(conv)) return false;
  auto chain = match_chain(conv, {"BatchNormalization"});
  if (!chain) return false;
  Node *bn = chain->consumer;
  if (bn->inputs.size() != 5) return false;
  for (size_t i = 1; i < bn->outputs.size(); ++i)
    if (bn->outputs[i]) return false;  // training-mode statistics are read
  if (attr_int_or(*bn, "training_mode", 0) != 0) return false;
  if (bn->opset < 9 && attr_int_or(*bn, "spatial", 1) == 0) return false;
  Value *w = conv.inputs[1];
  Value *b = conv.has_input(2) ? conv.inputs[2] : nullptr;
  if (!w->is_constant() || (b && !b->is_constant())) return false;
  const int64_t M = w->shape[0];
  for (size_t i = 1; i <= 4; ++i) {
    Value *p = bn->inputs[i];
    if (!p || !p->is_constant() || p->dtype != DType::Float || p->count() != M) return false;
  }
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
  Graph &graph = rw.graph();
  graph.set_input(conv, 1, graph.add_constant(graph.unique_name(w->name + "_bn"), std::move(w2)));
  graph.set_input(conv, 2, graph.add_constant(graph.unique_name((b ? b->name : w->name) + "_bn_bias"), std::move(b2)));
  // The Conv now computes the BN's result: its readers read the Conv.
  graph.replace_all_uses(bn->outputs[0], conv.outputs[0]);
  record_fusion(conv, *bn);
  rw.erase(*bn);
  return true;
}

}  // namespace

bool fuse_conv_batchnorm(Graph &graph) { return rewrite_nodes(graph, fold_batchnorm); }

}  // namespace aotc
