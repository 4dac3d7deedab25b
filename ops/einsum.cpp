// Einsum of one or two operands. The equation is parsed at compile time into
// one loop nest: the output labels, then the summed ones, with each operand's
// stride per label (ellipsis dims broadcast, right-aligned; a label repeated
// in one operand, a diagonal, adds its strides). Kernel: runtime-c/kernels/einsum.c.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "ops/op_util.h"

namespace aotc {

namespace {

constexpr size_t kMaxEinsumDims = 16;  // AOTC_EINSUM_MAX_DIMS in einsum.c

// A label: a letter (its character code) or ellipsis dim i (i, below 'A').
using Label = int;
constexpr Label kEllipsis = -1;  // "..." in a term, before expansion

struct EinsumPlan {
  std::vector<Label> labels;  // output labels, then summed labels
  size_t n_out = 0;
  Shape dims;
  std::vector<std::vector<int64_t>> strides;  // per operand, per label
};

std::vector<Label> parse_term(const OpContext &ctx, const std::string &term) {
  std::vector<Label> out;
  for (size_t i = 0; i < term.size(); ++i) {
    if (term.compare(i, 3, "...") == 0) {
      ctx.require(std::find(out.begin(), out.end(), kEllipsis) == out.end(), "a term has two ellipses");
      out.push_back(kEllipsis);
      i += 2;
    } else if (std::isalpha(static_cast<unsigned char>(term[i]))) {
      out.push_back(term[i]);
    } else {
      ctx.error(fmt::format("invalid character '{}' in equation", term[i]));
    }
  }
  return out;
}

EinsumPlan plan_einsum(const OpContext &ctx) {
  std::string eq;
  for (char c : ctx.attr_string("equation", "")) if (c != ' ') eq += c;
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  std::vector<std::vector<Label>> terms;
  for (size_t start = 0;;) {
    size_t comma = lhs.find(',', start);
    terms.push_back(parse_term(ctx, lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  ctx.require(terms.size() == ctx.num_inputs(),
              fmt::format("the equation has {} operands but the node has {} inputs", terms.size(), ctx.num_inputs()));
  // Expand each operand's ellipsis into labels 0..E-1, right-aligned.
  int64_t ell = 0;
  std::vector<int64_t> ell_ranks;
  for (size_t j = 0; j < terms.size(); ++j) {
    int64_t rank = static_cast<int64_t>(ctx.input(j).shape.size());
    bool has = std::find(terms[j].begin(), terms[j].end(), kEllipsis) != terms[j].end();
    int64_t letters = static_cast<int64_t>(terms[j].size()) - (has ? 1 : 0);
    int64_t e = rank - letters;
    ctx.require(has ? e >= 0 : e == 0,
                fmt::format("operand {} has rank {}, which does not match its term in the equation", j, rank));
    ell_ranks.push_back(e);
    ell = std::max(ell, e);
  }
  std::map<Label, int64_t> size, count;
  std::vector<std::vector<Label>> expanded(terms.size());
  for (size_t j = 0; j < terms.size(); ++j) {
    for (Label l : terms[j]) {
      if (l != kEllipsis) {
        expanded[j].push_back(l);
        continue;
      }
      for (int64_t i = 0; i < ell_ranks[j]; ++i) expanded[j].push_back(static_cast<Label>(ell - ell_ranks[j] + i));
    }
    const Shape &shape = ctx.input(j).shape;
    for (size_t p = 0; p < expanded[j].size(); ++p) {
      Label l = expanded[j][p];
      ++count[l];
      auto it = size.find(l);
      if (it == size.end() || it->second == 1) size[l] = shape[p];
      else if (shape[p] != it->second && shape[p] != 1)
        ctx.error(fmt::format("label '{}' has sizes {} and {}", l < 'A' ? std::string("...") : std::string(1, static_cast<char>(l)),
                              it->second, shape[p]));
    }
  }
  EinsumPlan plan;
  if (arrow != std::string::npos) {
    for (Label l : parse_term(ctx, eq.substr(arrow + 2))) {
      if (l == kEllipsis) {
        for (int64_t i = 0; i < ell; ++i) plan.labels.push_back(static_cast<Label>(i));
        continue;
      }
      ctx.require(size.count(l) > 0, fmt::format("output label '{}' is not in any input", static_cast<char>(l)));
      ctx.require(std::find(plan.labels.begin(), plan.labels.end(), l) == plan.labels.end(),
                  fmt::format("output label '{}' is repeated", static_cast<char>(l)));
      plan.labels.push_back(l);
    }
  } else {
    // Implicit output: ellipsis dims, then the letters seen once, in order.
    for (auto &[l, n] : count)
      if (l < 'A' || n == 1) plan.labels.push_back(l);
  }
  plan.n_out = plan.labels.size();
  for (auto &[l, n] : size)
    if (std::find(plan.labels.begin(), plan.labels.end(), l) == plan.labels.end()) plan.labels.push_back(l);
  ctx.require(plan.labels.size() <= kMaxEinsumDims,
              fmt::format("the equation has {} labels; at most {} are supported", plan.labels.size(), kMaxEinsumDims));
  for (Label l : plan.labels) plan.dims.push_back(size[l]);
  for (size_t j = 0; j < terms.size(); ++j) {
    const Shape &shape = ctx.input(j).shape;
    std::vector<int64_t> cs = contiguous_strides(shape), st(plan.labels.size(), 0);
    for (size_t p = 0; p < expanded[j].size(); ++p) {
      if (shape[p] == 1) continue;  // broadcast (or a size-1 label): stride 0
      size_t at = static_cast<size_t>(std::find(plan.labels.begin(), plan.labels.end(), expanded[j][p]) - plan.labels.begin());
      st[at] += cs[p];
    }
    plan.strides.push_back(st);
  }
  return plan;
}

}  // namespace

void register_einsum_ops(OpRegistry &r) {
  OpDef def;
  def.op = "Einsum";
  def.attrs = {"equation"};
  def.min_inputs = 1;
  def.max_inputs = 2;  // more operands would need a contraction order; not supported
  def.infer = [](OpContext &ctx) {
    ctx.require(ctx.has_attr("equation"), "attribute 'equation' is required");
    if (ctx.num_inputs() == 2)
      ctx.require(ctx.input(0).dtype == ctx.input(1).dtype, "inputs must have the same element type");
    EinsumPlan plan = plan_einsum(ctx);
    ctx.set_output(0, ctx.input(0).dtype, Shape(plan.dims.begin(), plan.dims.begin() + static_cast<std::ptrdiff_t>(plan.n_out)));
  };
  def.lower = [](LowerContext &ctx) {
    Value &y = ctx.output(0);
    if (y.count() == 0) {
      ctx.call("aotc_copy").in(nullptr).out(&y).i(0);
      return;
    }
    EinsumPlan plan = plan_einsum(ctx);
    bool two = ctx.num_inputs() == 2;
    ctx.call(kernel_for(ctx, "einsum", y.dtype))
        .in(&ctx.input(0))
        .in(two ? &ctx.input(1) : nullptr)
        .out(&y)
        .i(static_cast<int64_t>(plan.n_out))
        .i(static_cast<int64_t>(plan.labels.size()))
        .ints(plan.dims)
        .ints(plan.strides[0])
        .ints(two ? plan.strides[1] : std::vector<int64_t>(plan.labels.size(), 0));
  };
  r.add(std::move(def));
}

}  // namespace aotc
