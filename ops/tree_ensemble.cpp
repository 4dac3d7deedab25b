// TreeEnsemble (ai.onnx.ml opset 5): decision trees whose leaves add weights
// to targets. The trees are checked at compile time (ids in range, no
// cycles) and handed to the kernel as constant arrays; splits and weights
// keep the input's precision (raw bytes). post_transform NONE only.
// Kernel: runtime-c/kernels/tree_ensemble.c.
#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "ops/op_util.h"

namespace aotc {

namespace {

struct TreePlan {
  std::vector<int64_t> nodes, splits, members, roots, leaf_targets, leaf_weights;
  int64_t n_nodes = 0, n_targets = 0, aggregate = 0;
};

// Values as the raw int32 words of `dtype` (float or double) elements.
std::vector<int64_t> words_of(DType dtype, const std::vector<double> &v) {
  std::vector<int64_t> out;
  for (double d : v) {
    std::vector<int64_t> w;
    if (dtype == DType::Double) {
      w = value_words(reinterpret_cast<const uint8_t *>(&d), sizeof d);
    } else {
      float f = static_cast<float>(d);
      w = value_words(reinterpret_cast<const uint8_t *>(&f), sizeof f);
    }
    out.insert(out.end(), w.begin(), w.end());
  }
  return out;
}

std::vector<double> doubles_of(const Tensor &t) {
  std::vector<double> v;
  for (int64_t i = 0; i < t.count(); ++i) v.push_back(t.double_at(i));
  return v;
}

TreePlan plan_trees(const OpContext &ctx) {
  const Value &x = ctx.input(0);
  ctx.require(x.dtype == DType::Float || x.dtype == DType::Double, "X must be float or double");
  ctx.require(x.shape.size() == 2, "X must be [N, F]");
  ctx.require(ctx.attr_int("post_transform", 0) == 0, "only post_transform NONE (0) is supported");
  TreePlan p;
  p.aggregate = ctx.attr_int("aggregate_function", 1);
  ctx.require(p.aggregate >= 0 && p.aggregate <= 3, "aggregate_function must be 0..3");
  p.n_targets = ctx.attr_int("n_targets");
  ctx.require(p.n_targets >= 1 && p.n_targets <= INT32_MAX, "n_targets must be positive");
  std::vector<int64_t> feat = ctx.attr_ints("nodes_featureids"), tid = ctx.attr_ints("nodes_truenodeids"),
                       fid = ctx.attr_ints("nodes_falsenodeids"), tleaf = ctx.attr_ints("nodes_trueleafs"),
                       fleaf = ctx.attr_ints("nodes_falseleafs"), missing = ctx.attr_ints("nodes_missing_value_tracks_true");
  const Tensor &modes_t = ctx.attr_tensor("nodes_modes");
  std::vector<double> splits = doubles_of(ctx.attr_tensor("nodes_splits"));
  size_t n = feat.size();
  p.n_nodes = static_cast<int64_t>(n);
  if (missing.empty()) missing.assign(n, 0);
  ctx.require(n >= 1 && tid.size() == n && fid.size() == n && tleaf.size() == n && fleaf.size() == n &&
                  missing.size() == n && static_cast<size_t>(modes_t.count()) == n && splits.size() == n,
              "the nodes_* attributes must all have one entry per node");
  p.leaf_targets = ctx.attr_ints("leaf_targetids");
  std::vector<double> weights = doubles_of(ctx.attr_tensor("leaf_weights"));
  ctx.require(weights.size() == p.leaf_targets.size() && !weights.empty(), "leaf_targetids and leaf_weights differ in length");
  for (int64_t t : p.leaf_targets) ctx.require(t >= 0 && t < p.n_targets, fmt::format("leaf target {} is out of range", t));
  // Membership sets: NaN-separated, one per BRANCH_MEMBER node in order.
  std::vector<std::vector<double>> sets(1);
  if (ctx.has_attr("membership_values"))
    for (double v : doubles_of(ctx.attr_tensor("membership_values"))) {
      if (std::isnan(v)) sets.emplace_back();
      else sets.back().push_back(v);
    }
  size_t next_set = 0;
  std::vector<double> members;
  auto target = [&](int64_t id, int64_t leaf) {
    int64_t limit = leaf ? static_cast<int64_t>(weights.size()) : p.n_nodes;
    ctx.require(id >= 0 && id < limit, fmt::format("{} id {} is out of range", leaf ? "leaf" : "node", id));
    return leaf ? -1 - id : id;
  };
  for (size_t i = 0; i < n; ++i) {
    int64_t mode = modes_t.int_at(static_cast<int64_t>(i));
    ctx.require(mode >= 0 && mode <= 6, fmt::format("unknown node mode {}", mode));
    ctx.require(feat[i] >= 0 && feat[i] < x.shape[1], fmt::format("feature id {} is out of range", feat[i]));
    int64_t first = static_cast<int64_t>(members.size()), count = 0;
    if (mode == 6) {
      ctx.require(next_set < sets.size(), "membership_values has fewer sets than BRANCH_MEMBER nodes");
      members.insert(members.end(), sets[next_set].begin(), sets[next_set].end());
      count = static_cast<int64_t>(sets[next_set].size());
      ++next_set;
    }
    p.nodes.insert(p.nodes.end(), {mode, feat[i], target(tid[i], tleaf[i]), target(fid[i], fleaf[i]),
                                   missing[i] != 0, first, count, 0});
  }
  p.roots = ctx.attr_ints("tree_roots");
  ctx.require(!p.roots.empty(), "tree_roots is empty");
  // Every walk from a root must reach a leaf (no cycles): a colouring DFS,
  // linear in the nodes however the subtrees are shared.
  std::vector<int> colour(n, 0);  // 0 unseen, 1 on the current path, 2 done
  for (int64_t root : p.roots) {
    ctx.require(root >= 0 && root < p.n_nodes, fmt::format("tree root {} is out of range", root));
    std::vector<std::pair<int64_t, int>> work = {{root, 0}};  // node, next child to visit (2 or 3 when done)
    while (!work.empty()) {
      auto &[at, child] = work.back();
      auto u = static_cast<size_t>(at);
      if (child == 0) {
        if (colour[u] == 2) {
          work.pop_back();
          continue;
        }
        colour[u] = 1;
      }
      if (child == 2) {
        colour[u] = 2;
        work.pop_back();
        continue;
      }
      int64_t nx = p.nodes[u * 8 + 2 + static_cast<size_t>(child)];
      ++child;
      if (nx < 0) continue;
      ctx.require(colour[static_cast<size_t>(nx)] != 1, "a tree has a cycle");
      work.push_back({nx, 0});
    }
  }
  p.splits = words_of(x.dtype, splits);
  p.members = words_of(x.dtype, members);
  if (p.members.empty()) p.members = {0};
  p.leaf_weights = words_of(x.dtype, weights);
  return p;
}

}  // namespace

void register_tree_ensemble_ops(OpRegistry &r) {
  OpDef def;
  def.op = "TreeEnsemble";
  def.domain = "ai.onnx.ml";
  def.attrs = {"aggregate_function", "leaf_targetids", "leaf_weights", "membership_values", "n_targets",
               "nodes_falseleafs", "nodes_falsenodeids", "nodes_featureids", "nodes_hitrates",
               "nodes_missing_value_tracks_true", "nodes_modes", "nodes_splits", "nodes_trueleafs",
               "nodes_truenodeids", "post_transform", "tree_roots"};
  def.infer = [](OpContext &ctx) {
    TreePlan p = plan_trees(ctx);
    ctx.set_output(0, ctx.input(0).dtype, {ctx.input(0).shape[0], p.n_targets});
  };
  def.lower = [](LowerContext &ctx) {
    Value &x = ctx.input(0), &y = ctx.output(0);
    if (y.count() == 0) {
      ctx.call("aotc_copy").in(nullptr).out(&y).i(0);
      return;
    }
    TreePlan p = plan_trees(ctx);
    ctx.call(kernel_for(ctx, "tree_ensemble", x.dtype))
        .in(&x)
        .out(&y)
        .scratch(static_cast<size_t>(p.n_targets))
        .i(x.shape[0])
        .i(x.shape[1])
        .i(p.n_nodes)
        .ints(p.nodes)
        .ints(p.splits)
        .ints(p.members)
        .i(static_cast<int64_t>(p.roots.size()))
        .ints(p.roots)
        .ints(p.leaf_targets)
        .ints(p.leaf_weights)
        .i(p.n_targets)
        .i(p.aggregate);
  };
  r.add(std::move(def));
}

}  // namespace aotc
