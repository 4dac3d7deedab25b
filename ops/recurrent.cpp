// Recurrent layers: RNN, GRU and LSTM, all lowered to one kernel,
// aotc_rnn_f32 (runtime-c/kernels/recurrent.c), that loops over the time steps
// with every gate's W x + R h computed in one pass (constant W and R packed
// transposed at compile time by aotc.PackRnnWeights). All of ONNX's
// options: directions, sequence_lens, initial states, LSTM peepholes and
// input_forget, GRU linear_before_reset, clip, layout and the activation list.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "ir/limits.h"
#include "ops/op_util.h"

namespace aotc {

namespace {

struct CellKind {
  const char *op;
  int32_t cell;         // AOTC_RNN_CELL_* in recurrent.c
  int gates;            // rows of W per hidden unit
  std::vector<const char *> default_activations;  // f, g, h as the op names them
};

const CellKind kSimple{"RNN", 0, 1, {"Tanh"}};
const CellKind kGru{"GRU", 1, 3, {"Sigmoid", "Tanh"}};
const CellKind kLstm{"LSTM", 2, 4, {"Sigmoid", "Tanh", "Tanh"}};

// ONNX's activation names, their AOTC_RNN_ACT_* codes, and whether they take
// alpha and beta (with their defaults): activation_alpha and activation_beta
// are consumed, in order, only by the activations that take them.
struct Activation {
  const char *name;
  int32_t code;
  bool has_alpha, has_beta;
  float alpha, beta;
};
const std::vector<Activation> &activations() {
  static const std::vector<Activation> table = {
      {"relu", 0, false, false, 0, 0},        {"tanh", 1, false, false, 0, 0},
      {"sigmoid", 2, false, false, 0, 0},     {"affine", 3, true, true, 1.0f, 0.0f},
      {"leakyrelu", 4, true, false, 0.01f, 0}, {"thresholdedrelu", 5, true, false, 1.0f, 0},
      {"scaledtanh", 6, true, true, 1.0f, 1.0f}, {"hardsigmoid", 7, true, true, 0.2f, 0.5f},
      {"elu", 8, true, false, 1.0f, 0},       {"softsign", 9, false, false, 0, 0},
      {"softplus", 10, false, false, 0, 0},
  };
  return table;
}

struct Layer {
  int64_t seq, batch, input, hidden, directions;
  bool batch_major;
};

Layer layer_of(const OpContext &ctx, const CellKind &kind) {
  Value &x = ctx.input(0), &w = ctx.input(1), &r = ctx.input(2);
  ctx.require(x.dtype == DType::Float && w.dtype == DType::Float && r.dtype == DType::Float,
              fmt::format("X, W and R must be float32 (got {}, {}, {})", dtype_name(x.dtype), dtype_name(w.dtype),
                          dtype_name(r.dtype)));
  ctx.require(x.shape.size() == 3, fmt::format("X must have rank 3, got {}", shape_str(x.shape)));
  Layer l;
  l.batch_major = ctx.attr_int("layout", 0) != 0;
  l.seq = x.shape[l.batch_major ? 1 : 0];
  l.batch = x.shape[l.batch_major ? 0 : 1];
  l.input = x.shape[2];
  std::string direction = ctx.attr_string("direction", "forward");
  ctx.require(direction == "forward" || direction == "reverse" || direction == "bidirectional",
              fmt::format("direction '{}' is not forward, reverse or bidirectional", direction));
  l.directions = direction == "bidirectional" ? 2 : 1;
  ctx.require(r.shape.size() == 3, fmt::format("R must have rank 3, got {}", shape_str(r.shape)));
  l.hidden = ctx.attr_int("hidden_size", r.shape[2]);
  // (A model's hidden_size can be any int64: bounded before the gate counts multiply it.)
  ctx.require(l.hidden >= 0 && l.hidden <= limits::kMaxTensorElements,
              fmt::format("hidden_size {} is out of range (0 to {})", l.hidden, limits::kMaxTensorElements));
  int64_t gh = kind.gates * l.hidden;
  auto expect = [&](size_t i, const char *name, const Shape &shape) {
    if (!ctx.has_input(i)) return;
    Value &v = ctx.input(i);
    ctx.require(v.shape == shape, fmt::format("{} has shape {}, expected {}", name, shape_str(v.shape), shape_str(shape)));
  };
  expect(1, "W", {l.directions, gh, l.input});
  expect(2, "R", {l.directions, gh, l.hidden});
  expect(3, "B", {l.directions, 2 * gh});
  expect(4, "sequence_lens", {l.batch});
  Shape state = l.batch_major ? Shape{l.batch, l.directions, l.hidden} : Shape{l.directions, l.batch, l.hidden};
  expect(5, "initial_h", state);
  if (kind.cell == kLstm.cell) {
    expect(6, "initial_c", state);
    expect(7, "P", {l.directions, 3 * l.hidden});
  }
  if (ctx.has_input(4))
    ctx.require(ctx.input(4).dtype == DType::Int32, "sequence_lens must be int32");
  for (size_t i : {3u, 5u, 6u, 7u})
    if (i < ctx.num_inputs() && ctx.has_input(i))
      ctx.require(ctx.input(i).dtype == DType::Float, "B, initial_h, initial_c and P must be float32");
  return l;
}

void infer_recurrent(OpContext &ctx, const CellKind &kind) {
  Layer l = layer_of(ctx, kind);
  Shape state = l.batch_major ? Shape{l.batch, l.directions, l.hidden} : Shape{l.directions, l.batch, l.hidden};
  if (ctx.has_output(0))
    ctx.set_output(0, DType::Float,
                   l.batch_major ? Shape{l.batch, l.seq, l.directions, l.hidden}
                                 : Shape{l.seq, l.directions, l.batch, l.hidden});
  if (ctx.has_output(1)) ctx.set_output(1, DType::Float, state);
  if (ctx.has_output(2)) ctx.set_output(2, DType::Float, state);
}

// W and R packed by aotc.PackRnnWeights (format rnn_t: each direction's
// matrix transposed, see aotc_rnn_pack_weights_f32 in recurrent.c).
bool is_rnn_packed(const Value &v) {
  if (!v.layout.is_packed()) return false;
  if (v.layout.format == "rnn_t") return true;
  fail(fmt::format("internal error: recurrent weights '{}' have the unknown packed format {}", v.name, v.layout.format));
}

void lower_recurrent(LowerContext &ctx, const CellKind &kind) {
  Layer l = layer_of(ctx, kind);
  size_t per_direction = kind.default_activations.size();
  std::vector<std::string> names;
  if (const Attribute *a = ctx.node().attr("activations"))
    if (auto *list = std::get_if<std::vector<std::string>>(&a->value)) names = *list;
  if (names.empty())
    for (int64_t d = 0; d < l.directions; ++d)
      for (const char *n : kind.default_activations) names.push_back(n);
  ctx.require(names.size() == per_direction * static_cast<size_t>(l.directions),
              fmt::format("activations lists {} functions, {} needs {}", names.size(), kind.op,
                          per_direction * static_cast<size_t>(l.directions)));
  std::vector<float> alphas = ctx.attr_floats("activation_alpha"), betas = ctx.attr_floats("activation_beta");
  size_t next_alpha = 0, next_beta = 0;
  aotc_rnn_params p{};
  std::vector<double> alpha_beta(12, 0.0);
  for (size_t i = 0; i < names.size(); ++i) {
    std::string lower = names[i];
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    auto it = std::find_if(activations().begin(), activations().end(),
                           [&](const Activation &a) { return lower == a.name; });
    if (it == activations().end()) ctx.error(fmt::format("activation '{}' is not one ONNX defines", names[i]));
    size_t slot = (i / per_direction) * 3 + i % per_direction;
    p.activation[slot] = it->code;
    alpha_beta[2 * slot] = it->has_alpha && next_alpha < alphas.size() ? alphas[next_alpha++] : it->alpha;
    alpha_beta[2 * slot + 1] = it->has_beta && next_beta < betas.size() ? betas[next_beta++] : it->beta;
  }
  p.cell = kind.cell;
  p.seq = static_cast<int32_t>(l.seq);
  p.batch = static_cast<int32_t>(l.batch);
  p.input = static_cast<int32_t>(l.input);
  p.hidden = static_cast<int32_t>(l.hidden);
  p.directions = static_cast<int32_t>(l.directions);
  p.reverse = ctx.attr_string("direction", "forward") == "reverse";
  p.batch_major = l.batch_major;
  p.has_clip = ctx.has_attr("clip");
  p.input_forget = kind.cell == kLstm.cell && ctx.attr_int("input_forget", 0) != 0;
  p.linear_before_reset = kind.cell == kGru.cell && ctx.attr_int("linear_before_reset", 0) != 0;
  auto optional_in = [&](size_t i) { return i < ctx.num_inputs() ? ctx.node().input(i) : nullptr; };
  auto optional_out = [&](size_t i) { return ctx.has_output(i) ? &ctx.output(i) : nullptr; };
  // W and R packed at compile time when constant (see packs below), else
  // transposed into scratch by the kernel on each run.
  Value &w = ctx.input(1), &r = ctx.input(2);
  const bool w_packed = is_rnn_packed(w), r_packed = is_rnn_packed(r);
  const int64_t gh = kind.gates * l.hidden;
  int64_t scratch_floats = (2 * kind.gates + 3) * l.hidden;
  if (!w_packed) scratch_floats += l.directions * gh * l.input;
  if (!r_packed) scratch_floats += l.directions * gh * l.hidden;
  ctx.call("aotc_rnn_f32")
      .params(p)
      .floats(alpha_beta)
      .in(&ctx.input(0))
      .in(w_packed ? nullptr : &w)
      .in(w_packed ? &w : nullptr)
      .in(r_packed ? nullptr : &r)
      .in(r_packed ? &r : nullptr)
      .in(optional_in(3))
      .in(optional_in(4))
      .in(optional_in(5))
      .in(kind.cell == kLstm.cell ? optional_in(6) : nullptr)
      .in(kind.cell == kLstm.cell ? optional_in(7) : nullptr)
      .out(optional_out(0))
      .out(optional_out(1))
      .out(kind.cell == kLstm.cell ? optional_out(2) : nullptr)
      .f(ctx.attr_float("clip", 0.0f))
      .scratch(static_cast<size_t>(scratch_floats) * sizeof(float));
}

void register_recurrent(OpRegistry &r, const CellKind &kind) {
  OpDef def;
  def.op = kind.op;
  def.attrs = {"activation_alpha", "activation_beta", "activations", "clip", "direction", "hidden_size", "layout",
               "output_sequence"};
  if (kind.cell == kLstm.cell) def.attrs.push_back("input_forget");
  if (kind.cell == kGru.cell) def.attrs.push_back("linear_before_reset");
  def.min_inputs = 3;
  def.max_inputs = kind.cell == kLstm.cell ? 8 : 6;
  def.min_outputs = 0;
  def.max_outputs = kind.cell == kLstm.cell ? 3 : 2;
  def.infer = [&kind](OpContext &ctx) { infer_recurrent(ctx, kind); };
  def.lower = [&kind](LowerContext &ctx) { lower_recurrent(ctx, kind); };
  // Constant W and R are stored transposed, the layout the kernel's gate GEMVs read.
  def.packs = [&kind](LowerContext &ctx) -> std::vector<PackRequest> {
    layer_of(ctx, kind);
    std::vector<PackRequest> requests;
    for (size_t i : {1u, 2u}) {
      Value &v = ctx.input(i);
      if (!v.is_constant() || v.layout.is_packed()) continue;
      PackRequest req;
      req.input = i;
      req.op = "PackRnnWeights";
      requests.push_back(std::move(req));
    }
    return requests;
  };
  r.add(std::move(def));
}

// aotc.PackRnnWeights: W [dirs, rows, cols] (or R) re-laid out as rnn_t,
// [dirs, cols, rows] (aotc_rnn_pack_weights_f32 in recurrent.c, the one
// definition of the format). Inserted by choose-layouts on constant weights,
// then folded at compile time.
void register_pack_rnn_weights(OpRegistry &r) {
  OpDef def;
  def.op = "PackRnnWeights";
  def.domain = kInternalDomain;
  def.infer = [](OpContext &ctx) {
    Value &w = ctx.input(0);
    ctx.require(w.dtype == DType::Float && w.shape.size() == 3, "expects float weights [dirs, rows, cols]");
    ctx.set_output(0, DType::Float, w.shape);
    ctx.set_output_layout(0, Layout::packed("rnn_t", {w.shape[0], w.shape[2], w.shape[1]}));
  };
  def.lower = [](LowerContext &ctx) {
    Value &w = ctx.input(0);
    ctx.call("aotc_rnn_pack_weights_f32").in(&w).out(&ctx.output(0)).i(w.shape[0]).i(w.shape[1]).i(w.shape[2]);
  };
  r.add(std::move(def));
}

}  // namespace

void register_recurrent_ops(OpRegistry &r) {
  register_recurrent(r, kSimple);
  register_recurrent(r, kGru);
  register_recurrent(r, kLstm);
  register_pack_rnn_weights(r);
}

}  // namespace aotc
