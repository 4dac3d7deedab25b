// Pass (only with --patch N): patch-based execution of a CNN's high-resolution
// prefix (MCUNetV2). The first layers of an ImageNet CNN hold the largest
// activations (MobileNetV2: 96 x 112 x 112 floats), so they set the peak. Run
// as N x N tiles one after another, only one tile's activations (plus the
// assembled output) are live at a time and the planner reuses its buffers.
//
// The prefix: from the graph's one N x C x H x W input through the nodes whose
// output pixel depends on a window of their inputs' pixels -- Conv/FusedConv
// (depthwise, strided, dilated), MaxPool/AveragePool, unfused
// BatchNormalization, activations, elementwise ops such as residual Adds, and
// channel Concats (SqueezeNet's fire modules); in int8 models also
// QuantizeLinear/DequantizeLinear, QLinearConv/ConvInteger and the
// com.microsoft QLinearAdd/Mul/LeakyRelu/Sigmoid/Concat --
// up to a cut: a point where a single value carries everything later nodes
// read. The prefix ends at the cut with the smallest estimated peak, the
// largest of
//  - the tiled prefix: the graph input (if it shares the arena) and the assembled output, plus the
//    largest inputs + outputs of one op over every tile (halo included);
//  - assembling: the tiles' outputs and the Concat's;
//  - the rest: the largest inputs + outputs of one op after the cut,
// and among cuts within kSlack of that smallest peak, the first (the least
// halo recompute). MobileNetV2 at 224 x 224 ends at stride 4 (56 x 56 x 24)
// with 2 x 2 tiles and at stride 8 (28 x 28 x 32) with more; cutting later
// would recompute more for no RAM.
//
// The rewrite, per output tile: the region of every prefix value the tile
// needs is computed backwards (receptive fields through kernel, stride,
// dilation and pads; the hull where a value has several readers), the input
// region is taken with Slice, each window op gets only the pads that fall
// outside the image (asymmetric where the tile touches one border), and a
// Slice crops a value where a reader needs less than was computed (e.g. the
// residual branch of an Add). The tiles are assembled with one Concat over W
// per row of tiles and one over H. The rest of the graph is unchanged; the
// halo recompute shows as extra MACs (PatchStats).
#include "passes/patch_prefix.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "ops/op.h"
#include "ops/window.h"
#include "passes/rewrite.h"

namespace aotc {

namespace {

// Cuts whose estimated peak is within this factor of the best count as
// equally good; the first of them wins (it recomputes the least).
constexpr double kSlack = 1.05;

// Rows and columns of an N x C x H x W value.
struct Region {
  Span h, w;
  bool operator==(const Region &o) const { return h == o.h && w == o.w; }
  bool operator!=(const Region &o) const { return !(*this == o); }
};

Region hull(const Region &a, const Region &b) {
  return {{std::min(a.h.begin, b.h.begin), std::max(a.h.end, b.h.end)},
          {std::min(a.w.begin, b.w.begin), std::max(a.w.end, b.w.end)}};
}

Region whole(const Value &v) { return {{0, v.shape[2]}, {0, v.shape[3]}}; }

bool is_4d(const Value *v) { return v && v->shape_known && v->shape.size() == 4; }

bool is_onnx(const Node &n, const char *op) { return n.domain.empty() && n.op == op; }
bool is_microsoft(const Node &n, const char *op) { return n.domain == kMicrosoftDomain && n.op == op; }

// Float and integer convolutions (fuse-qdq has already made QLinearConv).
bool is_conv(const Node &n) {
  return is_onnx(n, "Conv") || is_onnx(n, "QLinearConv") || is_onnx(n, "ConvInteger") ||
         (n.domain == kInternalDomain && n.op == "FusedConv");
}
// The conv's weight input: W's dims 2.. are the kernel.
size_t conv_weight_input(const Node &n) { return n.op == "QLinearConv" ? 3 : 1; }
// (Not com.microsoft QLinearAveragePool: a tile whose window covers its whole
// input would switch to ORT's integer global-average arithmetic.)
bool is_pool(const Node &n) { return is_onnx(n, "MaxPool") || is_onnx(n, "AveragePool"); }
bool is_window(const Node &n) { return is_conv(n) || is_pool(n); }

// QuantizeLinear/DequantizeLinear per tensor or per channel: pixel (h, w) of
// the output reads pixel (h, w) of the input, with constants that do not vary
// over H and W.
bool is_channel_quantize(const Node &n) {
  if (!is_onnx(n, "QuantizeLinear") && !is_onnx(n, "DequantizeLinear")) return false;
  if (attr_int_or(n, "block_size", 0) != 0) return false;
  for (size_t i = 1; i < n.inputs.size(); ++i) {
    const Value *c = n.inputs[i];
    if (!c) continue;
    if (!c->is_constant() || c->shape.size() > 1) return false;
    if (num_elements(c->shape) > 1) {
      const int64_t axis = attr_int_or(n, "axis", 1);
      if (axis != 1 && axis != -3) return false;
    }
  }
  return true;
}

// Ops whose output pixel (h, w) reads only pixel (h, w) of each input.
bool is_pointwise(const Node &n) {
  static const std::set<std::string> unary = {"Relu",  "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "LeakyRelu",
                                              "Tanh",  "Abs",  "Neg",     "Elu",         "Selu",      "Softplus",
                                              "BatchNormalization", "PRelu"};
  static const std::set<std::string> binary = {"Add", "Sub", "Mul", "Div"};
  static const std::set<std::string> microsoft = {"QLinearAdd", "QLinearMul", "QLinearLeakyRelu", "QLinearSigmoid"};
  if (n.domain == kInternalDomain) return n.op == "Silu";
  if (n.domain == kMicrosoftDomain) return microsoft.count(n.op) > 0;
  return n.domain.empty() && (unary.count(n.op) || binary.count(n.op));
}

// A Concat of activations along channels: pixel (h, w) reads pixel (h, w) of
// each. QLinearConcat's other inputs are scales and zero points.
bool is_channel_concat(const Node &n) {
  if (!(is_onnx(n, "Concat") || is_microsoft(n, "QLinearConcat")) || !is_4d(n.output(0))) return false;
  int64_t axis = attr_int_or(n, "axis", n.opset < 4 ? 1 : 0);
  return axis == 1 || axis == -3;
}

// The node's only output, or null if it has more (e.g. MaxPool's indices).
Value *single_output(const Node &n) {
  for (size_t i = 1; i < n.outputs.size(); ++i)
    if (n.outputs[i]) return nullptr;
  return n.output(0);
}

// Whether the pass can tile `n`: a window op on one 4-D activation, a
// pointwise op whose activations all have its output's shape and whose
// constants do not vary over H and W, or a channel Concat of activations.
bool tileable(const Node &n) {
  Value *y = single_output(n);
  if (!is_4d(y)) return false;
  if (is_channel_concat(n)) {
    const bool qlinear = n.domain == kMicrosoftDomain;
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      const Value *in = n.inputs[i];
      if (qlinear && (i < 2 || (i - 2) % 3 != 0)) {  // Y_scale, Y_zero_point, X_scale_i, X_zero_point_i
        if (in && !in->is_constant()) return false;
        continue;
      }
      if (!is_4d(in) || in->is_constant() || in->shape[0] != y->shape[0] || in->shape[2] != y->shape[2] ||
          in->shape[3] != y->shape[3])
        return false;
    }
    return true;
  }
  if (is_channel_quantize(n)) return !n.inputs[0]->is_constant() && n.inputs[0]->shape == y->shape;
  if (!is_window(n) && !is_pointwise(n)) return false;
  // ceil_mode windows may run past the end pads: MaxPool's tiles take explicit
  // pads that reach them (padding never wins a max); AveragePool's would
  // change its divisors.
  if (n.op == "AveragePool" && attr_int_or(n, "ceil_mode", 0) != 0) return false;
  for (size_t i = 0; i < n.inputs.size(); ++i) {
    const Value *in = n.inputs[i];
    if (!in) continue;
    if (in->is_constant()) {
      if (i == 0 && is_window(n)) return false;
      const Shape &s = in->shape;  // broadcast from the right: H and W must be 1
      if (is_pointwise(n))
        for (size_t k = 0; k < std::min<size_t>(s.size(), 2); ++k)
          if (s[s.size() - 1 - k] != 1) return false;
      continue;
    }
    if (is_window(n) ? i != 0 : in->shape != y->shape) return false;
  }
  return true;
}

// Kernel, stride, dilation and begin pad on H and W (auto_pad resolved).
struct Window {
  int64_t kernel[2], stride[2], dilation[2], pad_begin[2];
};

Window window_of(const Node &n) {
  OpContext ctx(const_cast<Node &>(n));  // only reads attributes
  const Shape &x = n.inputs[0]->shape;
  std::vector<int64_t> kernel;  // a conv's from its weights' dims 2.., a pool's from its attribute
  if (is_conv(n)) {
    const Shape &weights = n.inputs[conv_weight_input(n)]->shape;
    kernel.assign(weights.begin() + 2, weights.end());
  } else {
    kernel = ctx.attr_ints("kernel_shape");
  }
  WindowGeometry g = window_geometry(ctx, {x[2], x[3]}, kernel, false);
  Window w{};
  for (size_t d = 0; d < 2; ++d) {
    w.kernel[d] = g.kernel[d];
    w.stride[d] = g.strides[d];
    w.dilation[d] = g.dilations[d];
    w.pad_begin[d] = g.pad_begin[d];
  }
  return w;
}

// The unclamped input region a window op reads for output region `out`.
Region window_input(const Window &win, const Region &out) {
  return {window_input_span(out.h, win.kernel[0], win.stride[0], win.dilation[0], win.pad_begin[0]),
          window_input_span(out.w, win.kernel[1], win.stride[1], win.dilation[1], win.pad_begin[1])};
}

Span clamp(Span s, int64_t size) { return {std::max<int64_t>(s.begin, 0), std::min(s.end, size)}; }

// The region of input `i` node `n` needs to compute output region `out`.
Region input_region(const Node &n, const Region &out) {
  if (!is_window(n)) return out;
  Region r = window_input(window_of(n), out);
  const Shape &x = n.inputs[0]->shape;
  return {clamp(r.h, x[2]), clamp(r.w, x[3])};
}

size_t op_bytes(const Node &n) {  // as naive_peak counts them (codegen/report.cpp)
  std::set<const Value *> seen;
  size_t bytes = 0;
  for (const Value *in : n.inputs)
    if (in && !in->is_constant() && seen.insert(in).second) bytes += in->byte_size();
  for (const Value *out : n.outputs)
    if (out) bytes += out->byte_size();
  return bytes;
}

int64_t total_macs(const Graph &g) {
  int64_t macs = 0;
  for (const auto &n : g.nodes)
    if (const OpDef *def = find_op(n->domain, n->op); def && def->macs) {
      OpContext ctx(*n);
      macs += def->macs(ctx);
    }
  return macs;
}

// Output tile (r, c) of N x N over an H x W value: rows r*H/N to (r+1)*H/N.
std::vector<Region> tile_regions(const Value &v, int tiles) {
  std::vector<Region> out;
  const int64_t H = v.shape[2], W = v.shape[3];
  for (int64_t r = 0; r < tiles; ++r)
    for (int64_t c = 0; c < tiles; ++c)
      out.push_back({{r * H / tiles, (r + 1) * H / tiles}, {c * W / tiles, (c + 1) * W / tiles}});
  return out;
}

// Backwards from `tile` of `output`: the region of each value of the prefix
// `nodes` the tile needs (the hull over the value's readers).
std::unordered_map<const Value *, Region> tile_needs(const std::vector<Node *> &nodes, const Value *output,
                                                     const Region &tile) {
  std::unordered_map<const Value *, Region> need{{output, tile}};
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    const Node &n = **it;
    auto out = need.find(single_output(n));
    if (out == need.end()) continue;
    Region r = out->second;
    for (const Value *in : n.inputs) {
      if (!in || in->is_constant()) continue;
      Region q = input_region(n, r);
      auto [slot, fresh] = need.emplace(in, q);
      if (!fresh) slot->second = hull(slot->second, q);
    }
  }
  return need;
}

size_t region_bytes(const Value &v, const Region &r) {
  return static_cast<size_t>(v.shape[0] * v.shape[1] * r.h.size() * r.w.size()) * dtype_size(v.dtype);
}

struct Prefix {
  size_t end = 0;  ///< index of the prefix's last node in graph.nodes
  Value *output = nullptr;
};

Prefix choose_prefix(const Graph &g, int tiles, const std::string &end, bool input_in_arena) {
  if (g.inputs.size() != 1 || !is_4d(g.inputs[0]))
    fail("--patch tiles a CNN's high-resolution layers: the model must have one N x C x H x W input");
  const Value *x = g.inputs[0];
  const size_t count = g.nodes.size();
  std::vector<size_t> rest(count + 1, 0);  // largest op bytes from node i on
  for (size_t i = count; i-- > 0;) rest[i] = std::max(rest[i + 1], op_bytes(*g.nodes[i]));

  // Walk the prefix; a cut is a node after which one value holds everything
  // the nodes not yet walked read.
  std::unordered_map<const Value *, size_t> unread{{x, x->use_count()}};
  size_t live = x->use_count() > 0 ? 1 : 0;
  std::vector<Prefix> cuts;
  for (size_t i = 0; i < count; ++i) {
    const Node &n = *g.nodes[i];
    // A prefix node reads prefix values (at least one) and constants only.
    size_t activations = 0, from_prefix = 0;
    for (const Value *in : n.inputs)
      if (in && !in->is_constant()) ++activations, from_prefix += unread.count(in);
    if (from_prefix == 0 || from_prefix != activations || !tileable(n)) break;
    for (const Value *in : n.inputs)
      if (in && !in->is_constant() && --unread[in] == 0) --live;
    Value *y = single_output(n);
    unread[y] = y->use_count();
    if (y->use_count() > 0) ++live;
    if (live == 1 && y->use_count() > 0 && y->shape[2] >= tiles && y->shape[3] >= tiles) cuts.push_back({i, y});
  }
  if (cuts.empty())
    fail(fmt::format("--patch {}: found no layers to tile: the model's input is not read by a chain of "
                     "convolutions, pooling and elementwise ops with an output of at least {} x {} pixels",
                     tiles, tiles, tiles));
  if (!end.empty()) {
    for (const Prefix &c : cuts)
      if (c.output->name == end) return c;
    fail(fmt::format("--patch: '{}' is not a value where a tiled prefix can end", end));
  }
  std::vector<Node *> prefix_nodes;
  for (auto &n : g.nodes) prefix_nodes.push_back(n.get());
  std::vector<size_t> peaks;
  for (const Prefix &c : cuts) {
    std::vector<Node *> nodes(prefix_nodes.begin(), prefix_nodes.begin() + static_cast<std::ptrdiff_t>(c.end + 1));
    size_t tile_peak = 0;
    for (const Region &t : tile_regions(*c.output, tiles)) {
      auto need = tile_needs(nodes, c.output, t);
      for (const Node *n : nodes) {
        const Value *y = single_output(*n);
        if (!need.count(y)) continue;
        std::set<const Value *> seen;
        size_t bytes = region_bytes(*y, need.at(y));
        for (const Value *in : n->inputs)
          if (in && !in->is_constant() && seen.insert(in).second) bytes += region_bytes(*in, need.at(in));
        tile_peak = std::max(tile_peak, bytes);
      }
    }
    size_t out = c.output->byte_size();
    const size_t input = input_in_arena ? x->byte_size() : 0;
    peaks.push_back(std::max({input + out + tile_peak, 2 * out, rest[c.end + 1]}));
  }
  const size_t best = *std::min_element(peaks.begin(), peaks.end());
  for (size_t i = 0;; ++i)
    if (static_cast<double>(peaks[i]) <= kSlack * static_cast<double>(best)) return cuts[i];
}

// Builds the tiles' nodes in front of `before` (or at the end if null).
class TileBuilder {
 public:
  TileBuilder(Graph &g, const Node *before) : g_(g), before_(before) {
    auto it = g.opsets.find("");
    opset_ = it == g.opsets.end() ? 1 : it->second;
  }

  Node *add(const std::string &op, std::vector<Value *> inputs, Value *output) {
    return before_ ? g_.insert_node_before(before_, op, std::move(inputs), {output})
                   : g_.add_node(op, std::move(inputs), {output});
  }

  Value *new_value(const std::string &base) { return g_.add_value(g_.unique_name(base), Value::Kind::Intermediate); }

  // Runs the op's shape inference and checks it made the expected shape.
  void infer(Node &n, const Shape &expected) {
    OpContext ctx(n);
    find_op(n.domain, n.op)->infer(ctx);
    if (n.outputs[0]->shape != expected)
      fail(fmt::format("internal error: --patch made {} with shape {}, expected {}", n.describe(),
                       shape_str(n.outputs[0]->shape), shape_str(expected)));
  }

  // Rows r.h and columns r.w of `v` (coordinates relative to v's origin).
  Value *slice(Value *v, const Region &r, const std::string &name) {
    Value *y = new_value(name);
    std::vector<int64_t> starts = {r.h.begin, r.w.begin}, ends = {r.h.end, r.w.end}, axes = {2, 3};
    Node *n;
    if (opset_ >= 10) {
      n = add("Slice", {v, ints(starts), ints(ends), ints(axes)}, y);
    } else {
      n = add("Slice", {v}, y);
      n->attrs["starts"].value = starts;
      n->attrs["ends"].value = ends;
      n->attrs["axes"].value = axes;
    }
    n->opset = opset_;
    n->name = name;
    infer(*n, {v->shape[0], v->shape[1], r.h.size(), r.w.size()});
    return y;
  }

  Value *concat(const std::vector<Value *> &parts, int64_t axis, const std::string &name) {
    if (parts.size() == 1) return parts[0];
    Value *y = new_value(name);
    Node *n = add("Concat", parts, y);
    n->opset = opset_;
    n->name = name;
    n->attrs["axis"].value = axis;
    Shape shape = parts[0]->shape;
    shape[static_cast<size_t>(axis)] = 0;
    for (Value *p : parts) shape[static_cast<size_t>(axis)] += p->shape[static_cast<size_t>(axis)];
    infer(*n, shape);
    return y;
  }

 private:
  // A constant int64 vector, one per distinct value.
  Value *ints(const std::vector<int64_t> &v) {
    Value *&c = ints_[v];
    if (!c) c = g_.add_constant(g_.unique_name("patch_slice"), make_int64_tensor(v, {static_cast<int64_t>(v.size())}));
    return c;
  }

  Graph &g_;
  const Node *before_;
  int opset_ = 1;
  std::map<std::vector<int64_t>, Value *> ints_;
};

// Computes output tile `tile` of the prefix `nodes` (ending in `output`) with
// new nodes; returns the tile's value.
Value *build_tile(TileBuilder &b, const Graph &g, const std::vector<Node *> &nodes, Value *output,
                  const Region &tile, const std::string &tag) {
  std::unordered_map<const Value *, Region> need = tile_needs(nodes, output, tile);
  // Forwards: each needed value's region, computed from its inputs' regions.
  std::unordered_map<const Value *, Value *> made;
  Value *x = g.inputs[0];
  if (need.count(x)) made[x] = need[x] == whole(*x) ? x : b.slice(x, need[x], x->name + ".patch" + tag);
  for (const Node *n : nodes) {
    const Value *y = single_output(*n);
    auto found = need.find(y);
    if (found == need.end()) continue;
    const Region r = found->second;
    std::vector<Value *> inputs = n->inputs;
    for (Value *&in : inputs) {
      if (!in || in->is_constant()) continue;
      Region q = input_region(*n, r), have = need.at(in);
      Value *v = made.at(in);
      if (q != have)  // a reader that needs less than was computed: crop
        v = b.slice(v, {{q.h.begin - have.h.begin, q.h.end - have.h.begin}, {q.w.begin - have.w.begin, q.w.end - have.w.begin}},
                    in->name + ".crop" + tag);
      in = v;
    }
    Value *out = b.new_value(y->name + ".patch" + tag);
    Node *m = b.add(n->op, inputs, out);
    m->domain = n->domain;
    m->opset = n->opset;
    m->name = n->name.empty() ? "" : n->name + ".patch" + tag;
    m->attrs = n->attrs;
    m->fused_ops = n->fused_ops;
    if (is_window(*n)) {
      // Only the pads outside the image: inside it, the tile reads real pixels.
      Region read = window_input(window_of(*n), r);
      const Shape &xs = n->inputs[0]->shape;
      m->attrs.erase("auto_pad");
      m->attrs.erase("ceil_mode");
      m->attrs["pads"].value = std::vector<int64_t>{std::max<int64_t>(0, -read.h.begin), std::max<int64_t>(0, -read.w.begin),
                                                    std::max<int64_t>(0, read.h.end - xs[2]),
                                                    std::max<int64_t>(0, read.w.end - xs[3])};
    }
    b.infer(*m, {y->shape[0], y->shape[1], r.h.size(), r.w.size()});
    made[y] = out;
  }
  return made.at(output);
}

}  // namespace

bool patch_prefix(Graph &g, int tiles, PatchStats *stats, const std::string &end, bool input_in_arena) {
  if (tiles < kMinPatchTiles || tiles > kMaxPatchTiles)
    fail(fmt::format("--patch {}: the number of tiles per side must be from {} to {}", tiles, kMinPatchTiles,
                     kMaxPatchTiles));
  const int64_t macs_before = total_macs(g);
  const Prefix prefix = choose_prefix(g, tiles, end, input_in_arena);
  std::vector<Node *> nodes;
  for (size_t i = 0; i <= prefix.end; ++i) nodes.push_back(g.nodes[i].get());
  const Node *before = prefix.end + 1 < g.nodes.size() ? g.nodes[prefix.end + 1].get() : nullptr;
  Value *output = prefix.output;
  const Node *last = nodes.back();
  if (stats) {
    stats->tiles = tiles;
    stats->prefix_end = last->name;
    stats->prefix_output = output->name;
    stats->prefix_nodes = nodes.size();
  }

  // Tiles in row-major order, each run to the end before the next starts.
  TileBuilder b(g, before);
  const std::vector<Region> regions = tile_regions(*output, tiles);
  std::vector<Value *> rows;
  for (int r = 0; r < tiles; ++r) {
    std::vector<Value *> row;
    for (int c = 0; c < tiles; ++c)
      row.push_back(build_tile(b, g, nodes, output, regions[static_cast<size_t>(r * tiles + c)],
                               fmt::format("{}_{}", r, c)));
    rows.push_back(b.concat(row, 3, fmt::format("{}.patch_row{}", output->name, r)));
  }
  Value *assembled = b.concat(rows, 2, output->name + ".patched");
  g.replace_all_uses(output, assembled);
  std::unordered_set<const Node *> old(nodes.begin(), nodes.end());
  g.erase_nodes_if([&](const Node &n) { return old.count(&n) > 0; });
  if (stats) {
    stats->macs_before = macs_before;
    stats->macs_after = total_macs(g);
  }
  return true;
}

}  // namespace aotc
