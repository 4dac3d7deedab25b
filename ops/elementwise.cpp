// Elementwise ops: unary maps (Relu, Sigmoid, Clip, ...) and broadcasting
// binary/variadic arithmetic (Add, Mul, PRelu, Pow, Mod, Max, Sum, Mean, ...), and
// the internal aotc.Silu (fused x * Sigmoid(x)).
// Kernels (runtime-c/kernels/elementwise.c) exist for f32, f64, f16 and bf16
// (computed in float), integer arithmetic, and Pow with mixed base/exponent types.
#include <fmt/format.h>

#include <limits>

#include "ops/op_util.h"

namespace aotc {

namespace {

// ---- unary ----------------------------------------------------------------

// One row per unary op: its kernel (aotc_<kernel>_<dtype>) and how its
// attributes become the kernel's alpha/beta arguments.
struct UnaryOp {
  const char *op;
  const char *kernel;
  std::vector<std::string> attrs;
  float alpha_default, beta_default;  // for attrs[0], attrs[1]
};

const std::vector<UnaryOp> &unary_ops() {
  static const std::vector<UnaryOp> table = {
      {"Relu", "relu", {}, 0, 0},
      {"LeakyRelu", "leaky_relu", {"alpha"}, 0.01f, 0},
      {"Sigmoid", "sigmoid", {}, 0, 0},
      {"Tanh", "tanh", {}, 0, 0},
      {"HardSigmoid", "hard_sigmoid", {"alpha", "beta"}, 0.2f, 0.5f},
      {"HardSwish", "hard_swish", {}, 0, 0},
      {"Neg", "neg", {}, 0, 0},
      {"Abs", "abs", {}, 0, 0},
      {"Exp", "exp", {}, 0, 0},
      {"Log", "log", {}, 0, 0},
      {"Sqrt", "sqrt", {}, 0, 0},
      {"Reciprocal", "reciprocal", {}, 0, 0},
      {"Floor", "floor", {}, 0, 0},
      {"Ceil", "ceil", {}, 0, 0},
      {"Round", "round", {}, 0, 0},
      {"Erf", "erf", {}, 0, 0},
      {"Elu", "elu", {"alpha"}, 1.0f, 0},
      {"Selu", "selu", {"alpha", "gamma"}, 1.67326319217681884765625f, 1.05070102214813232421875f},
      {"Celu", "celu", {"alpha"}, 1.0f, 0},
      {"ThresholdedRelu", "thresholded_relu", {"alpha"}, 1.0f, 0},
      {"Softplus", "softplus", {}, 0, 0},
      {"Softsign", "softsign", {}, 0, 0},
      {"Sign", "sign", {}, 0, 0},
      {"Sin", "sin", {}, 0, 0},
      {"Cos", "cos", {}, 0, 0},
      {"Tan", "tan", {}, 0, 0},
      {"Asin", "asin", {}, 0, 0},
      {"Acos", "acos", {}, 0, 0},
      {"Atan", "atan", {}, 0, 0},
      {"Sinh", "sinh", {}, 0, 0},
      {"Cosh", "cosh", {}, 0, 0},
      {"Asinh", "asinh", {}, 0, 0},
      {"Acosh", "acosh", {}, 0, 0},
      {"Atanh", "atanh", {}, 0, 0},
      {"Mish", "mish", {}, 0, 0},
      {"Shrink", "shrink", {"bias", "lambd"}, 0.0f, 0.5f},
      {"Swish", "swish", {"alpha"}, 1.0f, 0},
  };
  return table;
}

void register_unary(OpRegistry &r, const UnaryOp &u) {
  OpDef def;
  def.op = u.op;
  def.attrs = u.attrs;
  def.attrs.push_back("consumed_inputs");  // opset-1 legacy attribute, no effect
  def.infer = infer_same_as_input;
  def.lower = [u](LowerContext &ctx) {
    Value &x = ctx.input(0);
    float alpha = u.attrs.size() > 0 ? ctx.attr_float(u.attrs[0], u.alpha_default) : 0.0f;
    float beta = u.attrs.size() > 1 ? ctx.attr_float(u.attrs[1], u.beta_default) : 0.0f;
    ctx.call(kernel_for(ctx, u.kernel, x.dtype)).in(&x).out(&ctx.output(0)).i(x.count()).f(alpha).f(beta).in_place(&x);
  };
  r.add(std::move(def));
}

// aotc.Silu (internal, made by passes/fuse_silu.cpp): x * Sigmoid(x) in one
// kernel pass, float32 only.
void register_silu(OpRegistry &r) {
  OpDef def;
  def.op = "Silu";
  def.domain = kInternalDomain;
  def.infer = [](OpContext &ctx) {
    Value &x = ctx.input(0);
    if (x.dtype != DType::Float) ctx.error(fmt::format("input must be float32, got {}", dtype_name(x.dtype)));
    ctx.set_output(0, x.dtype, x.shape);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    ctx.call(kernel_for(ctx, "silu", x.dtype)).in(&x).out(&ctx.output(0)).i(x.count()).f(0.0f).f(0.0f).in_place(&x);
  };
  r.add(std::move(def));
}

// Gelu: approximate = "none" (erf) or "tanh".
void register_gelu(OpRegistry &r) {
  OpDef def;
  def.op = "Gelu";
  def.attrs = {"approximate"};
  def.infer = [](OpContext &ctx) {
    std::string approximate = ctx.attr_string("approximate", "none");
    ctx.require(approximate == "none" || approximate == "tanh", "approximate must be 'none' or 'tanh'");
    infer_same_as_input(ctx);
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    std::string kernel = ctx.attr_string("approximate", "none") == "tanh" ? "gelu_tanh" : "gelu";
    ctx.call(kernel_for(ctx, kernel, x.dtype)).in(&x).out(&ctx.output(0)).i(x.count()).f(0.0f).f(0.0f).in_place(&x);
  };
  r.add(std::move(def));
}

// Clip's bounds are attributes before opset 11 and optional inputs after.
void register_clip(OpRegistry &r) {
  OpDef def;
  def.op = "Clip";
  def.attrs = {"min", "max", "consumed_inputs"};
  def.max_inputs = 3;
  def.infer = infer_same_as_input;
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0);
    if (ctx.opset() < 11) {
      float lo = ctx.attr_float("min", -std::numeric_limits<float>::infinity());
      float hi = ctx.attr_float("max", std::numeric_limits<float>::infinity());
      ctx.call(kernel_for(ctx, "clip", x.dtype)).in(&x).out(&ctx.output(0)).i(x.count()).f(lo).f(hi).in_place(&x);
      return;
    }
    for (size_t i = 1; i < 3; ++i)
      if (ctx.has_input(i) && (ctx.input(i).dtype != x.dtype || ctx.input(i).count() != 1))
        ctx.error(fmt::format("input {} must be a one-element tensor of the input's type", i));
    ctx.call(kernel_for(ctx, "clip_bounds", x.dtype))
        .in(&x)
        .in(ctx.node().input(1))
        .in(ctx.node().input(2))
        .out(&ctx.output(0))
        .i(x.count());
  };
  r.add(std::move(def));
}

// ---- binary and variadic ----------------------------------------------------

void infer_broadcast(OpContext &ctx) {
  std::vector<Shape> shapes;
  DType dtype = ctx.input(0).dtype;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    Value &v = ctx.input(i);
    if (v.dtype != dtype)
      ctx.error(fmt::format("inputs have different element types ({} and {})", dtype_name(dtype), dtype_name(v.dtype)));
    shapes.push_back(v.shape);
  }
  ctx.set_output(0, dtype, broadcast_shapes(ctx, shapes));
}

// Which input of a Mul is a per-channel gate [N, C, 1, ...] of the other, an
// activation of the output's shape (squeeze-and-excitation's scale), or -1.
int channel_gate_input(const Value &a, const Value &b, const Value &y) {
  for (int g = 0; g < 2; ++g) {
    const Value &gate = g == 0 ? a : b, &x = g == 0 ? b : a;
    if (x.shape != y.shape || x.shape.size() < 3 || gate.shape.size() != x.shape.size()) continue;
    bool ok = gate.shape[0] == x.shape[0] && gate.shape[1] == x.shape[1];
    for (size_t d = 2; ok && d < gate.shape.size(); ++d) ok = gate.shape[d] == 1;
    if (ok) return g;
  }
  return -1;
}

void register_binary(OpRegistry &r, const char *op, const char *kernel) {
  OpDef def;
  def.op = op;
  def.min_inputs = def.max_inputs = 2;
  // Opsets before 7 had explicit broadcast attributes; they are accepted when
  // the shapes broadcast the modern way.
  def.attrs = {"broadcast", "axis", "consumed_inputs"};
  def.infer = [](OpContext &ctx) {
    if (ctx.opset() < 7 && ctx.has_attr("axis")) ctx.error("legacy 'axis' broadcasting (opset < 7) is not supported");
    if (std::string(ctx.node().op) == "PRelu") {
      // PRelu broadcasts slope to X, not both ways.
      Shape y = broadcast_shapes(ctx, {ctx.input(0).shape, ctx.input(1).shape});
      if (y != ctx.input(0).shape) ctx.error("slope does not broadcast to the shape of X");
    }
    infer_broadcast(ctx);
  };
  std::string base = kernel;
  def.lower = [base](LowerContext &ctx) {
    Value &a = ctx.input(0), &b = ctx.input(1), &y = ctx.output(0);
    const int gate = base == "mul" ? channel_gate_input(a, b, y) : -1;
    if (gate >= 0 && y.layout.is_blocked()) {  // (see blocked_io)
      Value &x = gate == 0 ? b : a, &scale = gate == 0 ? a : b;
      const int64_t nc = x.shape[0] * x.shape[1];
      ctx.call("aotc_mul_channel_blocked_f32").in(&x).in(&scale).out(&y).i(nc / 16).i(x.count() / nc).in_place(&x);
      return;
    }
    lower_broadcast_binary(ctx, kernel_for(ctx, base, a.dtype), a, b, y);
  };
  // An Add or Mul of two same-shape activations is the same elementwise loop in
  // any layout, and a Mul by a per-channel gate has a kernel for nchw16c: they
  // take and make it where their activations are blocked (choose-layouts).
  if (base == "add" || base == "mul")
    def.blocked_io = [base](LowerContext &ctx, int64_t block) {
      OpDef::BlockedIo io;
      const Value &a = ctx.input(0), &b = ctx.input(1), &y = ctx.output(0);
      if (a.dtype != DType::Float) return io;
      const int gate = base == "mul" ? channel_gate_input(a, b, y) : -1;
      if (a.shape == b.shape && a.shape == y.shape) io.inputs = 3u;
      else if (gate >= 0 && block == 16) io.inputs = gate == 0 ? 2u : 1u;
      io.output = io.tied = io.inputs != 0;
      return io;
    };
  r.add(std::move(def));
}

// Pow: from opset 12 the exponent may have another type than the base; the
// output has the base's type. Mixed types use aotc_pow_<base>_<exponent>.
void register_pow(OpRegistry &r) {
  OpDef def;
  def.op = "Pow";
  def.min_inputs = def.max_inputs = 2;
  def.attrs = {"broadcast", "axis"};
  def.infer = [](OpContext &ctx) {
    if (ctx.opset() < 7 && ctx.has_attr("axis")) ctx.error("legacy 'axis' broadcasting (opset < 7) is not supported");
    Value &a = ctx.input(0), &b = ctx.input(1);
    if (ctx.opset() < 12 && a.dtype != b.dtype)
      ctx.error(fmt::format("base and exponent have different element types ({} and {}), allowed from opset 12",
                            dtype_name(a.dtype), dtype_name(b.dtype)));
    ctx.set_output(0, a.dtype, broadcast_shapes(ctx, {a.shape, b.shape}));
  };
  def.lower = [](LowerContext &ctx) {
    Value &a = ctx.input(0), &b = ctx.input(1);
    std::string base = dtype_info(a.dtype).suffix;
    std::string kernel = "aotc_pow_" + base;
    // Same-type kernels exist for the common float types; the rest use the pair kernel.
    if (a.dtype != b.dtype || !kernel_exists(kernel)) kernel = kernel_for(ctx, "pow_" + base, b.dtype);
    lower_broadcast_binary(ctx, kernel, a, b, ctx.output(0));
  };
  r.add(std::move(def));
}

// Mod: fmod = 0 takes the divisor's sign (integers; Python's %), fmod = 1
// the dividend's (C's fmod). Floats require fmod = 1 in ONNX; fmod = 0 on
// floats is computed the Python way too rather than rejected.
void register_mod(OpRegistry &r) {
  OpDef def;
  def.op = "Mod";
  def.min_inputs = def.max_inputs = 2;
  def.attrs = {"fmod"};
  def.infer = [](OpContext &ctx) {
    int64_t fmod = ctx.attr_int("fmod", 0);
    ctx.require(fmod == 0 || fmod == 1, "fmod must be 0 or 1");
    infer_broadcast(ctx);
  };
  def.lower = [](LowerContext &ctx) {
    Value &a = ctx.input(0);
    std::string base = ctx.attr_int("fmod", 0) ? "fmod" : "mod";
    lower_broadcast_binary(ctx, kernel_for(ctx, base, a.dtype), a, ctx.input(1), ctx.output(0));
  };
  r.add(std::move(def));
}

// Max, Min, Sum and Mean fold their inputs pairwise into the output: the first
// call broadcasts both operands to the output shape, later ones update it in place.
void register_variadic(OpRegistry &r, const char *op, const char *kernel, bool mean) {
  OpDef def;
  def.op = op;
  def.max_inputs = std::numeric_limits<int>::max();
  def.attrs = {"consumed_inputs"};
  def.infer = infer_broadcast;
  std::string base = kernel;
  def.lower = [base, mean](LowerContext &ctx) {
    Value &y = ctx.output(0);
    std::string k = kernel_for(ctx, base, y.dtype);
    if (ctx.num_inputs() == 1) {
      Value &x = ctx.input(0);
      ctx.call("aotc_copy").in(&x).out(&y).i(static_cast<int64_t>(x.byte_size()));
      return;
    }
    lower_broadcast_binary(ctx, k, ctx.input(0), ctx.input(1), y);
    for (size_t i = 2; i < ctx.num_inputs(); ++i) lower_broadcast_binary(ctx, k, y, ctx.input(i), y);
    if (mean) {
      // Mean = Sum * (1/n), applied with a scalar-broadcast multiply.
      ctx.call(kernel_for(ctx, "scale", y.dtype)).in(&y).out(&y).i(y.count()).f(1.0 / static_cast<double>(ctx.num_inputs()));
    }
  };
  r.add(std::move(def));
}

// Ops ONNX defines by a function body of elementwise ops, expanded into it
// during shape inference (OpDef::expand).
//   SwiGLU(a, b) {alpha} = Swish(a) {alpha} * b
//   ai.onnx.ml Binarizer(x) {threshold} = Cast(x > threshold, to x's type)
Node *insert_default_domain_node(Graph &graph, Node &before, const std::string &op, std::vector<Value *> inputs,
                                 const std::string &out_name) {
  Value *out = graph.add_value(graph.unique_name(out_name), Value::Kind::Intermediate);
  Node *n = graph.insert_node_before(&before, op, std::move(inputs), {out});
  auto ai_onnx = graph.opsets.find("");
  n->opset = before.domain.empty() ? before.opset : ai_onnx != graph.opsets.end() ? ai_onnx->second : 13;
  return n;
}

void register_function_bodied(OpRegistry &r) {
  OpDef swiglu;
  swiglu.op = "SwiGLU";
  swiglu.attrs = {"alpha"};
  swiglu.min_inputs = swiglu.max_inputs = 2;
  swiglu.expand = [](Graph &graph, Node &node) {
    if (!node.output(0)) return;
    Node *gate = insert_default_domain_node(graph, node, "Swish", {node.inputs[0]}, node.outputs[0]->name + "_gate");
    if (const Attribute *alpha = node.attr("alpha")) gate->attrs["alpha"] = *alpha;
    Node *y = insert_default_domain_node(graph, node, "Mul", {gate->outputs[0], node.inputs[1]}, node.outputs[0]->name + "_y");
    graph.replace_all_uses(node.outputs[0], y->outputs[0]);
  };
  r.add(std::move(swiglu));

  OpDef binarizer;
  binarizer.op = "Binarizer";
  binarizer.domain = "ai.onnx.ml";
  binarizer.attrs = {"threshold"};
  binarizer.expand = [](Graph &graph, Node &node) {
    if (!node.output(0)) return;
    Value *x = node.inputs[0];
    OpContext ctx(node);
    ctx.require(is_float(x->dtype) || is_integer(x->dtype), "X must be a number tensor");
    Tensor threshold = make_tensor(DType::Double, {});
    *threshold.data<double>() = ctx.attr_float("threshold", 0.0f);
    Value *t = graph.add_constant(graph.unique_name(node.outputs[0]->name + "_threshold"), threshold);
    Node *t_cast = insert_default_domain_node(graph, node, "Cast", {t}, t->name + "_cast");
    t_cast->attrs["to"].value = static_cast<int64_t>(x->dtype);
    Node *above = insert_default_domain_node(graph, node, "Greater", {x, t_cast->outputs[0]}, node.outputs[0]->name + "_above");
    Node *y = insert_default_domain_node(graph, node, "Cast", {above->outputs[0]}, node.outputs[0]->name + "_y");
    y->attrs["to"].value = static_cast<int64_t>(x->dtype);
    graph.replace_all_uses(node.outputs[0], y->outputs[0]);
  };
  r.add(std::move(binarizer));
}

}  // namespace

void register_elementwise_ops(OpRegistry &r) {
  register_function_bodied(r);
  for (const UnaryOp &u : unary_ops()) register_unary(r, u);
  register_clip(r);
  register_gelu(r);
  register_silu(r);
  register_binary(r, "Add", "add");
  register_binary(r, "Sub", "sub");
  register_binary(r, "Mul", "mul");
  register_binary(r, "Div", "div");
  register_pow(r);
  register_mod(r);
  register_binary(r, "PRelu", "prelu");
  register_variadic(r, "Max", "max", false);
  register_variadic(r, "Min", "min", false);
  register_variadic(r, "Sum", "add", false);
  register_variadic(r, "Mean", "add", true);
}

}  // namespace aotc
