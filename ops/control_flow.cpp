// If, Loop and Scan: expanded during shape inference (OpDef::expand) into the
// nodes they stand for, which then infer, fold and lower like any others.
//   - If with a constant condition becomes its taken branch. With a condition
//     known only at run time, both branches run and Where picks each output
//     (so both must give the same shape).
//   - Loop with a compile-time trip count, whose condition the body passes
//     through unchanged (a `for` loop, as exporters write them), is unrolled:
//     each iteration is a copy of the body with its iteration number constant,
//     which is also what lets Slice/Gather on that number fold to static shapes.
//   - Scan (sequence lengths are static shapes here) is unrolled the same way:
//     Gather takes each step's slice of the scan inputs, and Unsqueeze + Concat
//     stack the scan outputs.
// Unrolling is capped (limits::kMaxUnrolledGraphNodes); a longer or data-dependent loop is
// an error saying so.
//
// Subgraphs come from the importer (compiler/onnx_import.cpp): a body's inputs
// are its formal ones, then one per enclosing-scope value it reads
// (Graph::outer_reads); the node lists those values as its last inputs, named
// by its aotc_outer_reads attribute.
#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "ir/limits.h"
#include "ops/op_util.h"

namespace aotc {

namespace {


const Graph &subgraph(const OpContext &ctx, const std::string &key) {
  const Attribute *a = ctx.node().attr(key);
  const auto *g = a ? std::get_if<Attribute::Subgraph>(&a->value) : nullptr;
  if (!g || !*g) ctx.error(fmt::format("attribute '{}' must be a graph", key));
  return **g;
}

// The node's formal inputs (without the enclosing-scope values it passes on).
size_t formal_inputs(const OpContext &ctx) {
  return ctx.num_inputs() - ctx.attr_strings("aotc_outer_reads").size();
}

// Formal input i, or nullptr if omitted.
Value *formal_input(const OpContext &ctx, size_t i) { return i < formal_inputs(ctx) ? ctx.node().input(i) : nullptr; }

size_t body_formal_inputs(const Graph &body) { return body.inputs.size() - body.outer_reads.size(); }

// Copies nodes into the graph before the control-flow node, and builds the
// few helper nodes expansions need.
class Expander {
 public:
  // New nodes are appended, then moved before the node in one rotation (one
  // insert_node_before per node would make unrolling quadratic).
  Expander(Graph &graph, Node &node) : graph_(graph), node_(node), ctx_(node), first_new_(graph.nodes.size()) {
    const std::string base = node.name.empty() ? (node.outputs.empty() || !node.outputs[0] ? node.op : node.outputs[0]->name)
                                               : node.name;
    tag_ = base + "/";
  }
  ~Expander() {
    auto at = std::find_if(graph_.nodes.begin(), graph_.nodes.end(), [&](const auto &p) { return p.get() == &node_; });
    std::rotate(at, graph_.nodes.begin() + static_cast<std::ptrdiff_t>(first_new_), graph_.nodes.end());
  }
  Expander(const Expander &) = delete;
  Expander &operator=(const Expander &) = delete;
  OpContext &ctx() { return ctx_; }

  // Inserts a copy of `body` reading `formal` (one value per formal body
  // input; the enclosing-scope ones are added here) and returns the values of
  // its outputs.
  std::vector<Value *> inline_body(const Graph &body, const std::vector<Value *> &formal, const std::string &step) {
    size_t n_formal = body_formal_inputs(body);
    if (formal.size() != n_formal)
      ctx_.error(fmt::format("subgraph '{}' has {} inputs; the node passes it {}", body.name, n_formal, formal.size()));
    if (graph_.nodes.size() + body.nodes.size() > limits::kMaxUnrolledGraphNodes)
      ctx_.error(fmt::format("unrolling it would grow the graph past {} nodes; aotc compiles loops by unrolling "
                             "them, and only short ones", limits::kMaxUnrolledGraphNodes));
    std::unordered_map<const Value *, Value *> map;
    for (size_t i = 0; i < n_formal; ++i) map[body.inputs[i]] = formal[i];
    for (size_t j = 0; j < body.outer_reads.size(); ++j) map[body.inputs[n_formal + j]] = outer_value(body.outer_reads[j]);
    auto get = [&](const Value *v) -> Value * {
      if (!v) return nullptr;
      auto it = map.find(v);
      if (it != map.end()) return it->second;
      if (!v->is_constant()) fail(fmt::format("internal error: subgraph value '{}' used before it is defined", v->name));
      // Once per expansion, whatever the number of iterations reading it.
      Value *&c = constants_[v];
      if (!c) c = graph_.add_constant(graph_.unique_name(tag_ + v->name), *v->constant);
      return map[v] = c;
    };
    const std::string prefix = tag_ + step;
    for (const auto &bn : body.nodes) {
      std::vector<Value *> ins, outs;
      for (const Value *in : bn->inputs) ins.push_back(get(in));
      for (const Value *out : bn->outputs) {
        Value *v = out ? graph_.add_value(graph_.unique_name(prefix + out->name), Value::Kind::Intermediate) : nullptr;
        if (out) map[out] = v;
        outs.push_back(v);
      }
      Node *copy = graph_.add_node(bn->op, ins, outs);
      copy->domain = bn->domain;
      copy->name = bn->name.empty() ? "" : prefix + bn->name;
      copy->opset = bn->opset;
      copy->attrs = bn->attrs;
    }
    std::vector<Value *> results;
    for (const Value *out : body.outputs) results.push_back(get(out));
    return results;
  }

  // A one-output ONNX node before the control-flow node, at its opset.
  Value *add(const std::string &op, std::vector<Value *> inputs, std::map<std::string, Attribute> attrs = {}) {
    Value *out = graph_.add_value(graph_.unique_name(tag_ + op), Value::Kind::Intermediate);
    Node *n = graph_.add_node(op, std::move(inputs), {out});
    n->opset = node_.opset;
    n->attrs = std::move(attrs);
    return out;
  }
  Value *int64_constant(int64_t v, Shape shape) {
    return graph_.add_constant(graph_.unique_name(tag_ + "const"), make_int64_tensor(std::vector<int64_t>(num_elements(shape), v), shape));
  }
  // x[..., index, ...] along `axis` (the axis dropped).
  Value *take(Value *x, int64_t index, int64_t axis) {
    return add("Gather", {x, int64_constant(index, {})}, {{"axis", {axis}}});
  }
  // Stacks `parts` along a new axis `axis` (negative counts from the end of the result).
  Value *stack(const std::vector<Value *> &parts, int64_t axis) {
    std::vector<Value *> expanded;
    for (Value *p : parts)
      expanded.push_back(node_.opset >= 13 ? add("Unsqueeze", {p, int64_constant(axis, {1})})
                                           : add("Unsqueeze", {p}, {{"axes", {std::vector<int64_t>{axis}}}}));
    return add("Concat", expanded, {{"axis", {axis}}});
  }
  // The node's result `i` is `v` from now on.
  void set_result(size_t i, Value *v) {
    if (Value *out = node_.output(i)) graph_.replace_all_uses(out, v);
  }

  // The enclosing-scope value a subgraph reads as `name`.
  Value *outer_value(const std::string &name) {
    std::vector<std::string> names = ctx_.attr_strings("aotc_outer_reads");
    auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) fail(fmt::format("internal error: {} does not pass '{}' to its subgraphs", node_.describe(), name));
    return node_.inputs[node_.inputs.size() - names.size() + static_cast<size_t>(it - names.begin())];
  }

 private:
  Graph &graph_;
  Node &node_;
  OpContext ctx_;
  std::string tag_;
  size_t first_new_;  ///< index in graph_.nodes of the first node this expansion added
  std::unordered_map<const Value *, Value *> constants_;
};

// Input `i`'s data; a NeedsConstantError (which --const-input answers) if it is not a constant.
const Tensor &constant_or_explain(OpContext &ctx, size_t i, const std::string &why) {
  Value &v = ctx.input(i);
  if (!v.is_constant())
    throw NeedsConstantError(fmt::format("{}: input {} ('{}') must be a compile-time constant: {} (if it is a graph "
                                         "input, give its value with --const-input)",
                                         ctx.node().describe(), i, v.name, why),
                             v.name);
  return *v.constant;
}

void expand_if(Graph &graph, Node &node) {
  Expander e(graph, node);
  OpContext &ctx = e.ctx();
  const Graph &then_branch = subgraph(ctx, "then_branch"), &else_branch = subgraph(ctx, "else_branch");
  ctx.require(then_branch.outputs.size() == node.outputs.size() && else_branch.outputs.size() == node.outputs.size(),
              "both branches must have one output per output of the node");
  Value &cond = ctx.input(0);
  if (cond.is_constant()) {
    ctx.require(cond.count() == 1, "cond must hold one element");
    std::vector<Value *> outs = e.inline_body(cond.constant->int_at(0) ? then_branch : else_branch, {}, "");
    for (size_t i = 0; i < outs.size(); ++i) e.set_result(i, outs[i]);
    return;
  }
  // Known only at run time: both branches run; Where picks.
  std::vector<Value *> then_outs = e.inline_body(then_branch, {}, "then/");
  std::vector<Value *> else_outs = e.inline_body(else_branch, {}, "else/");
  for (size_t i = 0; i < node.outputs.size(); ++i) e.set_result(i, e.add("Where", {&cond, then_outs[i], else_outs[i]}));
}

// What the body does with the loop condition, when that is known without
// running it: passes it through (directly or by Identity), or yields a constant.
enum class BodyCondition { Unchanged, False, Computed };

BodyCondition body_condition(Expander &e, const Graph &body) {
  const Value *v = body.outputs.empty() ? nullptr : body.outputs[0];
  while (v && v->producer && v->producer->op == "Identity" && v->producer->domain.empty()) v = v->producer->input(0);
  // A value of the enclosing graph (TorchScript passes its constant `true` so).
  auto outer = std::find(body.inputs.begin() + static_cast<std::ptrdiff_t>(body_formal_inputs(body)), body.inputs.end(), v);
  if (v && outer != body.inputs.end()) v = e.outer_value(v->name);
  if (v && v->is_constant() && v->constant->count() == 1)
    return v->constant->int_at(0) != 0 ? BodyCondition::Unchanged : BodyCondition::False;
  return body.inputs.size() > 1 && v == body.inputs[1] ? BodyCondition::Unchanged : BodyCondition::Computed;
}

void expand_loop(Graph &graph, Node &node) {
  Expander e(graph, node);
  OpContext &ctx = e.ctx();
  const Graph &body = subgraph(ctx, "body");
  const size_t n_in = formal_inputs(ctx);
  const size_t carried = n_in > 2 ? n_in - 2 : 0;
  ctx.require(body_formal_inputs(body) == carried + 2, "the body must take the iteration number, the condition and each loop-carried value");
  ctx.require(body.outputs.size() >= carried + 1 && body.outputs.size() - carried - 1 == node.outputs.size() - carried,
              "the body must return the condition, each loop-carried value and each scan output");
  const size_t scans = body.outputs.size() - carried - 1;
  const BodyCondition condition = body_condition(e, body);
  if (condition == BodyCondition::Computed)
    ctx.error("the body computes the loop condition (a while loop): aotc compiles loops by unrolling them, so it "
              "needs a trip count known at compile time and a condition the body passes through unchanged");
  int64_t trips = -1;
  if (formal_input(ctx, 0)) {
    const Tensor &m = constant_or_explain(ctx, 0, "aotc unrolls loops, so it needs the trip count");
    ctx.require(m.count() == 1, "M must hold one element");
    trips = std::max<int64_t>(0, m.int_at(0));
  }
  bool enter = true;
  if (formal_input(ctx, 1)) {
    const Tensor &c = constant_or_explain(ctx, 1, "aotc unrolls loops, so it needs to know whether the loop runs");
    ctx.require(c.count() == 1, "cond must hold one element");
    enter = c.int_at(0) != 0;
  }
  if (trips < 0 && condition == BodyCondition::False) trips = 1;
  if (trips < 0) ctx.error("the loop has no trip count M and would run until its condition turns false, which aotc cannot unroll");
  if (!enter) trips = 0;
  if (condition == BodyCondition::False) trips = std::min<int64_t>(trips, 1);
  if (trips == 0 && scans > 0)
    ctx.error("the loop runs no iteration, so its scan outputs would be empty tensors of a shape aotc cannot infer");

  std::vector<Value *> state;
  for (size_t k = 0; k < carried; ++k) state.push_back(&ctx.input(2 + k));
  std::vector<std::vector<Value *>> pieces(scans);
  Value *cond = formal_input(ctx, 1);
  if (!cond) {
    Tensor t = make_tensor(DType::Bool, {});
    t.bytes[0] = 1;
    cond = graph.add_constant(graph.unique_name("loop_cond"), t);
  }
  for (int64_t it = 0; it < trips; ++it) {
    std::vector<Value *> formal = {e.int64_constant(it, {}), cond};
    formal.insert(formal.end(), state.begin(), state.end());
    std::vector<Value *> outs = e.inline_body(body, formal, fmt::format("{}/", it));
    for (size_t k = 0; k < carried; ++k) state[k] = outs[1 + k];
    for (size_t k = 0; k < scans; ++k) pieces[k].push_back(outs[1 + carried + k]);
  }
  for (size_t k = 0; k < carried; ++k) e.set_result(k, state[k]);
  for (size_t k = 0; k < scans; ++k) e.set_result(carried + k, e.stack(pieces[k], 0));
}

std::vector<int64_t> per_input(const OpContext &ctx, const std::string &key, size_t count) {
  std::vector<int64_t> v = ctx.attr_ints(key, std::vector<int64_t>(count, 0));
  ctx.require(v.size() == count, fmt::format("attribute '{}' must have {} entries", key, count));
  return v;
}

// One Scan over static sequences of `steps` entries: `state` and `xs` (each
// scanned along its x_axes entry, normalised) -> final states, scan outputs.
// Shared by both Scan versions.
std::pair<std::vector<Value *>, std::vector<Value *>> unroll_scan(Expander &e, const Graph &body, std::vector<Value *> state,
                                                                  const std::vector<Value *> &xs, const std::vector<int64_t> &x_axes,
                                                                  const std::vector<int64_t> &x_reverse, const std::vector<int64_t> &y_axes,
                                                                  const std::vector<int64_t> &y_reverse, int64_t steps,
                                                                  const std::string &tag) {
  OpContext &ctx = e.ctx();
  const size_t scans = body.outputs.size() - state.size();
  if (steps == 0 && scans > 0)
    ctx.error("the sequences are empty, so the scan outputs would be empty tensors of a shape aotc cannot infer");
  std::vector<std::vector<Value *>> pieces(scans);
  for (int64_t t = 0; t < steps; ++t) {
    std::vector<Value *> formal = state;
    for (size_t j = 0; j < xs.size(); ++j) formal.push_back(e.take(xs[j], x_reverse[j] ? steps - 1 - t : t, x_axes[j]));
    std::vector<Value *> outs = e.inline_body(body, formal, fmt::format("{}{}/", tag, t));
    for (size_t k = 0; k < state.size(); ++k) state[k] = outs[k];
    for (size_t k = 0; k < scans; ++k) pieces[k].push_back(outs[state.size() + k]);
  }
  std::vector<Value *> ys;
  for (size_t k = 0; k < scans; ++k) {
    if (y_reverse[k]) std::reverse(pieces[k].begin(), pieces[k].end());
    ys.push_back(e.stack(pieces[k], y_axes[k]));
  }
  return {state, ys};
}

void expand_scan(Graph &graph, Node &node) {
  Expander e(graph, node);
  OpContext &ctx = e.ctx();
  const Graph &body = subgraph(ctx, "body");
  const int64_t n_scan = ctx.attr_int("num_scan_inputs");
  const bool batched = ctx.opset() < 9;  // Scan-8: a leading batch axis on everything, and sequence_lens first
  const size_t first = batched ? 1 : 0;
  const size_t n_in = formal_inputs(ctx);
  ctx.require(n_scan >= 1 && static_cast<size_t>(n_scan) + first <= n_in, "num_scan_inputs must count some of the inputs");
  const size_t n_state = n_in - first - static_cast<size_t>(n_scan);
  ctx.require(body_formal_inputs(body) == n_in - first, "the body must take each state and each scan input");
  ctx.require(body.outputs.size() == node.outputs.size() && body.outputs.size() >= n_state,
              "the body must return each state and each scan output");
  const size_t n_out = body.outputs.size() - n_state;
  std::vector<Value *> state, xs;
  for (size_t k = 0; k < n_state; ++k) state.push_back(&ctx.input(first + k));
  for (size_t j = 0; j < static_cast<size_t>(n_scan); ++j) xs.push_back(&ctx.input(first + n_state + j));
  const size_t ns = static_cast<size_t>(n_scan);
  std::vector<int64_t> x_reverse = per_input(ctx, batched ? "directions" : "scan_input_directions", ns);
  std::vector<int64_t> y_reverse = batched ? std::vector<int64_t>(n_out, 0) : per_input(ctx, "scan_output_directions", n_out);
  if (!batched) {
    std::vector<int64_t> x_axes = per_input(ctx, "scan_input_axes", ns), y_axes = per_input(ctx, "scan_output_axes", n_out);
    int64_t steps = -1;
    for (size_t j = 0; j < ns; ++j) {
      x_axes[j] = ctx.axis(x_axes[j], static_cast<int64_t>(xs[j]->shape.size()));
      int64_t len = xs[j]->shape[static_cast<size_t>(x_axes[j])];
      ctx.require(steps < 0 || len == steps, "every scan input must have the same sequence length");
      steps = len;
    }
    auto [final_state, ys] = unroll_scan(e, body, state, xs, x_axes, x_reverse, y_axes, y_reverse, steps, "");
    for (size_t k = 0; k < n_state; ++k) e.set_result(k, final_state[k]);
    for (size_t k = 0; k < n_out; ++k) e.set_result(n_state + k, ys[k]);
    return;
  }
  // Scan-8: each batch entry is a Scan over axis 0 of its slices.
  for (Value *v : state) ctx.require(!v->shape.empty(), "states must have the batch axis");
  for (Value *v : xs) ctx.require(v->shape.size() >= 2, "scan inputs must have the batch and sequence axes");
  const int64_t batch = xs[0]->shape[0], steps = xs[0]->shape[1];
  for (Value *v : xs) ctx.require(v->shape[0] == batch && v->shape[1] == steps, "scan inputs must agree in batch and sequence length");
  if (formal_input(ctx, 0)) {
    const Tensor &lens = constant_or_explain(ctx, 0, "aotc needs static sequence lengths");
    for (int64_t b = 0; b < lens.count(); ++b)
      ctx.require(lens.int_at(b) == steps, "sequence_lens shorter than the scan inputs are not supported");
  }
  std::vector<std::vector<Value *>> final_states(n_state), outs(n_out);
  for (int64_t b = 0; b < batch; ++b) {
    std::vector<Value *> state_b, xs_b;
    for (Value *v : state) state_b.push_back(e.take(v, b, 0));
    for (Value *v : xs) xs_b.push_back(e.take(v, b, 0));
    auto [fs, ys] = unroll_scan(e, body, state_b, xs_b, std::vector<int64_t>(ns, 0), x_reverse,
                                std::vector<int64_t>(n_out, 0), y_reverse, steps, fmt::format("b{}/", b));
    for (size_t k = 0; k < n_state; ++k) final_states[k].push_back(fs[k]);
    for (size_t k = 0; k < n_out; ++k) outs[k].push_back(ys[k]);
  }
  for (size_t k = 0; k < n_state; ++k) e.set_result(k, e.stack(final_states[k], 0));
  for (size_t k = 0; k < n_out; ++k) e.set_result(n_state + k, e.stack(outs[k], 0));
}

void register_control_flow(OpRegistry &r, const char *op, std::vector<std::string> attrs, int min_inputs, int min_outputs,
                           std::function<void(Graph &, Node &)> expand) {
  OpDef def;
  def.op = op;
  def.attrs = std::move(attrs);
  def.attrs.push_back("aotc_outer_reads");
  def.min_inputs = min_inputs;
  def.max_inputs = 1 << 20;
  def.min_outputs = min_outputs;
  def.max_outputs = 1 << 20;
  def.infer = [](OpContext &ctx) { ctx.error("internal error: control flow must be expanded before inference"); };
  def.expand = std::move(expand);
  r.add(std::move(def));
}

}  // namespace

void register_control_flow_ops(OpRegistry &r) {
  register_control_flow(r, "If", {"then_branch", "else_branch"}, 1, 1, expand_if);
  register_control_flow(r, "Loop", {"body"}, 0, 1, expand_loop);
  register_control_flow(r, "Scan",
                        {"body", "num_scan_inputs", "directions", "scan_input_axes", "scan_input_directions",
                         "scan_output_axes", "scan_output_directions"},
                        0, 1, expand_scan);
}

}  // namespace aotc
