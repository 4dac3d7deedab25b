// Pass: fuses SiLU (swish), x * Sigmoid(x) as torch exports it (a Sigmoid and
// a Mul reading x and the Sigmoid's result, in either order), into one
// aotc.Silu node, when the Sigmoid's result has no other reader. One kernel
// pass over the activations instead of two, with the same bits: the kernel
// multiplies x by the same float32 sigmoid (runtime-c/kernels/elementwise.c).
// float32 only: for float16/bfloat16 Sigmoid's result is rounded before the
// Mul, which the fused kernel would skip.
#include "passes/pipeline.h"
#include "passes/rewrite.h"

namespace aotc {

namespace {

bool fuse(Node &sigmoid, Rewriter &rw) {
  if (!sigmoid.domain.empty() || sigmoid.op != "Sigmoid") return false;
  if (sigmoid.inputs.size() != 1 || sigmoid.outputs.size() != 1 || !sigmoid.inputs[0] || !sigmoid.outputs[0])
    return false;
  Value *x = sigmoid.inputs[0], *s = sigmoid.outputs[0];
  if (x->dtype != DType::Float || s->dtype != DType::Float) return false;
  Node *mul = sole_reader(*s);
  if (!mul || !mul->domain.empty() || mul->op != "Mul" || mul->inputs.size() != 2 || mul->outputs.size() != 1 ||
      !mul->outputs[0])
    return false;
  bool operands = (mul->inputs[0] == x && mul->inputs[1] == s) || (mul->inputs[0] == s && mul->inputs[1] == x);
  // Same operand twice means no broadcasting: the product has x's shape.
  if (!operands || mul->outputs[0]->dtype != DType::Float || mul->outputs[0]->shape != x->shape) return false;
  // The Sigmoid becomes the aotc.Silu in place (its position keeps the order
  // valid: it already reads x); the Mul's readers read it instead.
  record_fusion(sigmoid, *mul);
  sigmoid.domain = kInternalDomain;
  sigmoid.op = "Silu";
  sigmoid.opset = 1;
  sigmoid.attrs.clear();
  rw.graph().replace_all_uses(mul->outputs[0], s);
  rw.erase(*mul);
  return true;
}

}  // namespace

bool fuse_silu(Graph &graph) { return rewrite_nodes(graph, fuse); }

}  // namespace aotc
