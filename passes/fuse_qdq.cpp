// Pass: QDQ fusion. A quantized model in QDQ format (as ONNX Runtime's and
// PyTorch's quantizers write it) computes every op in float between
// DequantizeLinear (DQ) and QuantizeLinear (Q) nodes. Where ONNX Runtime
// fuses DQ -> op -> Q into one integer op, aotc makes the same op, so that
// int8 models match ONNX Runtime bit for bit and their activations stay 8-bit
// in the arena:
//   - Conv -> QLinearConv, MatMul -> QLinearMatMul, Gemm -> com.microsoft QGemm;
//   - Add, Mul -> com.microsoft QLinearAdd, QLinearMul; Concat -> QLinearConcat;
//   - AveragePool, GlobalAveragePool, LeakyRelu, Sigmoid, Softmax -> the
//     com.microsoft QLinear op of that name;
//   - data movement and MaxPool, whose DQ and Q agree on scale and zero
//     point, run on the integers themselves (the DQ/Q pair is dropped);
//   - a Relu or Clip in front of a Q whose saturation already clips as much is
//     dropped first (ONNX Runtime's ReluQuantFusion and ClipQuantFusion).
// What is not fused computes exactly as ONNX specifies: float in between.
// The DequantizeLinear nodes on constant weights are still there (the first
// fold keeps them for this pass); fold-dequantize folds what is left.
#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "ops/op.h"
#include "passes/pipeline.h"
#include "passes/rewrite.h"

namespace aotc {

namespace {

bool is_8bit(DType t) { return t == DType::Int8 || t == DType::UInt8; }

bool is_onnx(const Node *n, const char *op) { return n && n->domain.empty() && n->op == op; }

// A per-tensor quantization: constant scalar float scale and (if present)
// zero point, as every fused op's activations need.
bool is_scalar_constant(const Value *v, DType type) {
  return v && v->is_constant() && v->dtype == type && v->count() == 1 && v->shape.size() <= 1;
}

bool has_no_block(const Node &n) { return attr_int_or(n, "block_size", 0) == 0; }

// The DequantizeLinear producing `v`, if it dequantizes an 8-bit tensor per
// tensor into float.
Node *per_tensor_dq(const Value *v) {
  Node *dq = v ? v->producer : nullptr;
  if (!is_onnx(dq, "DequantizeLinear") || !has_no_block(*dq) || !v || v->dtype != DType::Float) return nullptr;
  Value *x = dq->input(0);
  if (!x || !is_8bit(x->dtype) || !is_scalar_constant(dq->input(1), DType::Float)) return nullptr;
  if (dq->has_input(2) && !is_scalar_constant(dq->input(2), x->dtype)) return nullptr;
  return dq;
}

// The sole QuantizeLinear reading `v` (a float result), if it quantizes per
// tensor to an 8-bit type.
Node *sole_per_tensor_q(const Value &v) {
  Node *q = sole_reader(v);
  if (!is_onnx(q, "QuantizeLinear") || q->input(0) != &v || !has_no_block(*q)) return nullptr;
  if (!q->output(0) || !is_8bit(q->output(0)->dtype) || !is_scalar_constant(q->input(1), DType::Float)) return nullptr;
  if (q->has_input(2) && !is_scalar_constant(q->input(2), q->output(0)->dtype)) return nullptr;
  return q;
}

float scalar_float(const Value &v) { return v.constant->data<float>()[0]; }

// The zero point of a Q or DQ as an integer (0 when absent).
int64_t zero_point(const Node &qdq) {
  const Value *zp = qdq.input(2);
  if (!zp) return 0;
  return zp->constant->int_at(0);
}

// Input 2 of a Q or DQ, or a new constant 0 of `type` shaped like its scale
// when the node has none (the QLinear ops require their zero points).
Value *zero_point_value(Graph &graph, const Node &qdq, DType type) {
  if (qdq.has_input(2)) return qdq.input(2);
  Tensor zeros = make_tensor(type, qdq.input(1)->shape);
  return graph.add_constant(graph.unique_name(qdq.name.empty() ? "zero_point" : qdq.name + "_zero_point"),
                            std::move(zeros));
}

// The integer side of a fused operand: the DQ's input, scale and zero point.
struct QOperand {
  Value *q, *scale, *zero_point;
};

QOperand operand(Graph &graph, const Node &dq) {
  return {dq.input(0), dq.input(1), zero_point_value(graph, dq, dq.input(0)->dtype)};
}

// Same scale and zero point (per tensor): dropping the DQ/Q pair around a
// data-movement op then changes nothing.
bool same_quantization(const Node &dq, const Node &q) {
  DType t = dq.input(0)->dtype;
  return q.output(0)->dtype == t && scalar_float(*dq.input(1)) == scalar_float(*q.input(1)) &&
         zero_point(dq) == zero_point(q);
}

// Whether aotc implements the com.microsoft op `op` (a fusion into one it
// does not would turn a model that compiles into one that does not).
bool has_ms_op(const std::string &op) { return find_op(kMicrosoftDomain, op) != nullptr; }

// Makes `node` compute `op` (in `domain`) from `inputs`, writing the Q's
// output directly, and erases the Q.
void become(Rewriter &rw, Node &node, Node &q, const char *domain, const char *op, const std::vector<Value *> &inputs) {
  Graph &g = rw.graph();
  record_fusion(node, q);
  node.domain = domain;
  node.op = op;
  // ai.onnx ops keep the model's opset; the com.microsoft ones have only version 1.
  if (domain[0]) {
    node.opset = 1;
    if (!g.opsets.count(domain)) g.opsets[domain] = 1;
  }
  g.truncate_inputs(node, 0);
  for (size_t i = 0; i < inputs.size(); ++i) g.set_input(node, i, inputs[i]);
  Value *float_result = node.outputs[0], *quantized = q.output(0);
  // The node's result takes the Q's type; the Q's readers read it.
  float_result->dtype = quantized->dtype;
  g.replace_all_uses(quantized, float_result);
  rw.erase(q);
}

// ---- Relu and Clip before a Q --------------------------------------------------

// The float range the Q's saturation allows: [(qmin - zp) * s, (qmax - zp) * s].
void q_range(const Node &q, float &lo, float &hi) {
  const DType t = q.output(0)->dtype;
  const float s = scalar_float(*q.input(1));
  const int64_t zp = zero_point(q), qmin = t == DType::Int8 ? -128 : 0, qmax = t == DType::Int8 ? 127 : 255;
  lo = static_cast<float>(qmin - zp) * s;
  hi = static_cast<float>(qmax - zp) * s;
}

// A Relu or Clip read only by a Q that already saturates at least as much:
// ONNX Runtime removes it (its float result differs from the Q's only in
// values the Q clips anyway), so the op before can fuse.
bool drop_redundant_activation(Node &act, Rewriter &rw) {
  if (!(is_onnx(&act, "Relu") || is_onnx(&act, "Clip")) || !act.output(0) || act.output(0)->dtype != DType::Float)
    return false;
  Node *q = sole_per_tensor_q(*act.output(0));
  if (!q) return false;
  float lo, hi;
  q_range(*q, lo, hi);
  if (act.op == "Relu") {
    if (zero_point(*q) != (q->output(0)->dtype == DType::Int8 ? -128 : 0)) return false;
  } else {
    float cmin = -std::numeric_limits<float>::infinity(), cmax = std::numeric_limits<float>::infinity();
    for (size_t i : {size_t{1}, size_t{2}}) {
      const Value *bound = act.input(i);
      if (!bound) continue;
      if (!is_scalar_constant(bound, DType::Float)) return false;
      (i == 1 ? cmin : cmax) = scalar_float(*bound);
    }
    if (act.opset < 11) {
      cmin = attr_float_or(act, "min", cmin);
      cmax = attr_float_or(act, "max", cmax);
    }
    // As ONNX Runtime: the Clip is redundant if the Q's range lies within it,
    // up to float epsilon.
    const float eps = std::numeric_limits<float>::epsilon();
    if (cmin - lo > eps || hi - cmax > eps) return false;
  }
  rw.graph().replace_all_uses(act.output(0), act.input(0));
  rw.erase(act);
  return true;
}

// ---- integer ops ---------------------------------------------------------------------

// Conv with DQ'd x (per tensor), constant 8-bit weights DQ'd per tensor or per
// output channel, an optional DQ'd int32 bias, and a Q: QLinearConv.
bool fuse_conv(Node &conv, Node &q, Rewriter &rw) {
  Node *dx = per_tensor_dq(conv.input(0));
  Node *dw = conv.input(1) ? conv.input(1)->producer : nullptr;
  if (!dx || !is_onnx(dw, "DequantizeLinear") || !has_no_block(*dw)) return false;
  if (dx->input(0)->dtype != q.output(0)->dtype) return false;
  Value *w = dw->input(0), *ws = dw->input(1);
  const int64_t M = conv.input(1)->shape.empty() ? 0 : conv.input(1)->shape[0];
  if (!w->is_constant() || !is_8bit(w->dtype) || !ws->is_constant() || ws->dtype != DType::Float) return false;
  const bool per_channel = ws->count() > 1;
  if (per_channel && (ws->shape != Shape{M} || attr_int_or(*dw, "axis", 1) != 0)) return false;
  if (!per_channel && ws->shape.size() > 1) return false;
  if (dw->has_input(2) && (dw->input(2)->shape != ws->shape || !dw->input(2)->is_constant())) return false;
  Value *bias = nullptr;
  if (conv.has_input(2)) {
    Node *db = conv.input(2)->producer;
    if (!is_onnx(db, "DequantizeLinear") || !db->input(0)->is_constant() || db->input(0)->dtype != DType::Int32)
      return false;
    bias = db->input(0);
  }
  Graph &g = rw.graph();
  QOperand x = operand(g, *dx);
  std::vector<Value *> in = {x.q, x.scale, x.zero_point, w, ws, zero_point_value(g, *dw, w->dtype),
                             q.input(1), zero_point_value(g, q, q.output(0)->dtype)};
  if (bias) in.push_back(bias);
  become(rw, conv, q, "", "QLinearConv", in);
  return true;
}

// MatMul of two per-tensor DQ'd operands with a Q: QLinearMatMul.
bool fuse_matmul(Node &mm, Node &q, Rewriter &rw) {
  Node *da = per_tensor_dq(mm.input(0)), *db = per_tensor_dq(mm.input(1));
  if (!da || !db || da->input(0)->dtype != q.output(0)->dtype) return false;
  Graph &g = rw.graph();
  QOperand a = operand(g, *da), b = operand(g, *db);
  become(rw, mm, q, "", "QLinearMatMul",
         {a.q, a.scale, a.zero_point, b.q, b.scale, b.zero_point, q.input(1),
          zero_point_value(g, q, q.output(0)->dtype)});
  return true;
}

// Gemm of DQ'd A (per tensor) and constant B (per tensor or per output
// column), an optional DQ'd int32 C with beta 1, and a Q: com.microsoft QGemm.
bool fuse_gemm(Node &gemm, Node &q, Rewriter &rw) {
  Node *da = per_tensor_dq(gemm.input(0));
  Node *db = gemm.input(1) ? gemm.input(1)->producer : nullptr;
  if (!da || !is_onnx(db, "DequantizeLinear") || !has_no_block(*db) || !has_ms_op("QGemm")) return false;
  if (da->input(0)->dtype != q.output(0)->dtype) return false;
  Value *b = db->input(0), *bs = db->input(1);
  if (!b->is_constant() || !is_8bit(b->dtype) || !bs->is_constant() || bs->dtype != DType::Float) return false;
  if (bs->count() > 1) {
    // Per output column: along N, axis 0 of a transposed B, else axis 1.
    const int64_t axis = attr_int_or(gemm, "transB", 0) ? 0 : 1;
    const Shape &bshape = gemm.input(1)->shape;
    if (bshape.size() != 2 || bs->shape != Shape{bshape[static_cast<size_t>(axis)]} ||
        attr_int_or(*db, "axis", 1) != axis)
      return false;
  }
  Value *c = nullptr;
  if (gemm.has_input(2)) {
    Node *dc = gemm.input(2)->producer;
    if (!is_onnx(dc, "DequantizeLinear") || !dc->input(0)->is_constant() || dc->input(0)->dtype != DType::Int32 ||
        attr_float_or(gemm, "beta", 1.0f) != 1.0f)
      return false;
    c = dc->input(0);
  }
  Graph &g = rw.graph();
  QOperand a = operand(g, *da);
  std::map<std::string, Attribute> attrs;
  for (const char *key : {"transA", "transB", "alpha"})
    if (const Attribute *at = gemm.attr(key)) attrs[key] = *at;
  become(rw, gemm, q, kMicrosoftDomain, "QGemm",
         {a.q, a.scale, a.zero_point, b, bs, zero_point_value(g, *db, b->dtype), c, q.input(1),
          zero_point_value(g, q, q.output(0)->dtype)});
  gemm.attrs = std::move(attrs);
  return true;
}

// Add or Mul of two per-tensor DQ'd operands of the Q's type: QLinearAdd/QLinearMul.
bool fuse_binary(Node &node, Node &q, Rewriter &rw) {
  Node *da = per_tensor_dq(node.input(0)), *db = per_tensor_dq(node.input(1));
  const DType t = q.output(0)->dtype;
  const std::string op = node.op == "Add" ? "QLinearAdd" : "QLinearMul";
  if (!da || !db || da->input(0)->dtype != t || db->input(0)->dtype != t || !has_ms_op(op)) return false;
  Graph &g = rw.graph();
  QOperand a = operand(g, *da), b = operand(g, *db);
  become(rw, node, q, kMicrosoftDomain, op.c_str(),
         {a.q, a.scale, a.zero_point, b.q, b.scale, b.zero_point, q.input(1), zero_point_value(g, q, t)});
  return true;
}

// One per-tensor DQ'd input of the Q's type: the com.microsoft QLinear op.
bool fuse_unary(Node &node, Node &q, Rewriter &rw) {
  Node *dx = per_tensor_dq(node.input(0));
  const DType t = q.output(0)->dtype;
  const std::string op = "QLinear" + node.op;
  if (!dx || dx->input(0)->dtype != t || !has_ms_op(op)) return false;
  // QLinearAveragePool has no dilations.
  if (node.op == "AveragePool" && node.attr("dilations")) {
    for (int64_t d : std::get<std::vector<int64_t>>(node.attr("dilations")->value))
      if (d != 1) return false;
    node.attrs.erase("dilations");
  }
  // QLinearSoftmax follows the Softmax semantics of the opset it names.
  if (node.op == "Softmax") node.attrs["opset"] = Attribute{static_cast<int64_t>(node.opset)};
  Graph &g = rw.graph();
  QOperand x = operand(g, *dx);
  become(rw, node, q, kMicrosoftDomain, op.c_str(),
         {x.q, x.scale, x.zero_point, q.input(1), zero_point_value(g, q, t)});
  return true;
}

// Concat of per-tensor DQ'd inputs of the Q's type: com.microsoft QLinearConcat,
// whose inputs are y's scale and zero point, then (x, scale, zero point) per input.
bool fuse_concat(Node &concat, Node &q, Rewriter &rw) {
  const DType t = q.output(0)->dtype;
  if (!has_ms_op("QLinearConcat")) return false;
  Graph &g = rw.graph();
  std::vector<Node *> dqs;
  for (Value *v : concat.inputs) {
    Node *dq = per_tensor_dq(v);
    if (!dq || dq->input(0)->dtype != t) return false;
    dqs.push_back(dq);
  }
  std::vector<Value *> in = {q.input(1), zero_point_value(g, q, t)};
  for (Node *dq : dqs) {
    QOperand x = operand(g, *dq);
    in.insert(in.end(), {x.q, x.scale, x.zero_point});
  }
  become(rw, concat, q, kMicrosoftDomain, "QLinearConcat", in);
  return true;
}

// A data-movement op or MaxPool between a DQ and a Q of the same scale and
// zero point: it moves (or picks) the integers themselves.
bool drop_qdq(Node &node, Node &q, Rewriter &rw) {
  Node *dx = per_tensor_dq(node.input(0));
  if (!dx || !same_quantization(*dx, q)) return false;
  if (node.op == "MaxPool" && node.outputs.size() > 1 && node.output(1)) return false;  // indices: keep float
  Graph &g = rw.graph();
  record_fusion(node, q);
  g.set_input(node, 0, dx->input(0));
  Value *result = node.outputs[0];
  result->dtype = q.output(0)->dtype;
  g.replace_all_uses(q.output(0), result);
  rw.erase(q);
  return true;
}

bool fuse(Node &node, Rewriter &rw) {
  if (!node.domain.empty()) return false;
  if (drop_redundant_activation(node, rw)) return true;
  if (node.outputs.empty() || !node.output(0) || node.output(0)->dtype != DType::Float) return false;
  for (size_t i = 1; i < node.outputs.size(); ++i)
    if (node.output(i) && node.op != "MaxPool") return false;
  Node *q = sole_per_tensor_q(*node.output(0));
  if (!q) return false;
  const std::string &op = node.op;
  if (op == "Conv") return fuse_conv(node, *q, rw);
  if (op == "MatMul") return fuse_matmul(node, *q, rw);
  if (op == "Gemm") return fuse_gemm(node, *q, rw);
  if (op == "Add" || op == "Mul") return fuse_binary(node, *q, rw);
  if (op == "AveragePool" || op == "GlobalAveragePool" || op == "LeakyRelu" || op == "Sigmoid" || op == "Softmax")
    return fuse_unary(node, *q, rw);
  if (op == "Concat") return fuse_concat(node, *q, rw);
  static const char *const kMovers[] = {"Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "MaxPool",
                                        "Gather", "Slice", "Expand", "DepthToSpace", "SpaceToDepth"};
  for (const char *m : kMovers)
    if (op == m) return drop_qdq(node, *q, rw);
  return false;
}

}  // namespace

bool fuse_qdq(Graph &graph) { return rewrite_nodes(graph, fuse); }

}  // namespace aotc
