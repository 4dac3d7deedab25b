// Pass: fuses a float32 Conv (with its fused activation) and the MaxPool that
// alone reads it into one aotc.FusedConvMaxPool where the conv's output
// outgrows the cache (a network's stem: SqueezeNet, ResNet, ShuffleNet). Its
// kernel pools the conv's rows a band at a time while they are in the cache,
// so the conv's output is never written out and read back whole
// (ops/conv.cpp decides which convs and pools qualify). The fused node takes
// the MaxPool's place and output, and the Conv's name. After the activation
// and residual fusions, before choose-layouts packs the weights.
#include "ops/conv.h"
#include "passes/pipeline.h"
#include "passes/rewrite.h"

namespace aotc {

namespace {

bool fuse_maxpool(Node &conv, Rewriter &rw, const Target &target) {
  if (conv.outputs.size() != 1 || !conv.outputs[0]) return false;
  Node *pool = sole_reader(*conv.outputs[0]);
  if (!pool || !conv_maxpool_fusable(conv, *pool, target)) return false;
  Graph &graph = rw.graph();
  Node original = conv;  // (its inputs and attributes, read after its uses go)
  record_fusion(original, *pool);
  std::map<std::string, Attribute> attrs = original.attrs;
  for (const char *key : {"kernel_shape", "strides", "pads", "ceil_mode"})
    if (const Attribute *a = pool->attr(key)) attrs[std::string("pool_") + key] = *a;
  if (!attrs.count("activation")) attrs["activation"].value = FusedActivation{};
  for (size_t i = 0; i < original.inputs.size(); ++i) graph.set_input(*pool, i, original.input(i));
  rw.erase(conv);
  pool->domain = kInternalDomain;
  pool->op = "FusedConvMaxPool";
  pool->opset = 1;
  pool->name = original.name;
  pool->attrs = std::move(attrs);
  pool->fused_ops = original.fused_ops;
  return true;
}

}  // namespace

bool fuse_conv_maxpool(Graph &graph, const Target &target) {
  return rewrite_nodes(graph, [&](Node &n, Rewriter &rw) { return fuse_maxpool(n, rw, target); });
}

}  // namespace aotc
