// TEMPLATE for a new op: copy to ops/<family>.cpp (or add to an existing family),
// rename, and list register_<family>_ops in registry.cpp. Not compiled.
//
// Checklist:
//   1. attrs: every attribute name the op accepts (others are rejected).
//   2. infer: validate inputs (dtypes, ranks, attribute values) with ctx.require /
//      ctx.error, then ctx.set_output(i, dtype, shape) for every output.
//   3. lower: ctx.call("aotc_<kernel>_<dtype>") with .in/.out tensors and
//      .i/.f/.ints/.floats arguments in the kernel's parameter order; or
//      ctx.alias(out, in) for pure reinterpretations. Compute everything that
//      depends only on shapes here, at compile time; the kernel just runs.
//   4. the kernel: runtime-c/kernels/<family>.c, `AOTC_KERNEL void aotc_<op>_<dtype>(...)`
//      following the conventions in kernel_common.h. It is found automatically.
//   5. tests: the op's ONNX node tests (tests/conformance) and a unit test if the
//      lowering has logic of its own.
#include "ops/op_util.h"

namespace aotc {

void register_example_ops(OpRegistry &r) {
  OpDef def;
  def.op = "Example";
  def.attrs = {"alpha"};
  def.min_inputs = def.max_inputs = 1;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    ctx.require(x.shape.size() >= 1, "X must have rank >= 1");
    ctx.set_output(0, x.dtype, x.shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    ctx.call(kernel_for(ctx, "example", x.dtype)).in(&x).out(&ctx.output(0)).i(x.count()).f(ctx.attr_float("alpha", 1.0f));
  };
  r.add(std::move(def));
}

}  // namespace aotc
