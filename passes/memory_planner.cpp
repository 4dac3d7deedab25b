#include "passes/memory_planner.h"

#include <algorithm>
#include <numeric>

namespace aotc {

size_t align_up(size_t n, size_t align) { return align <= 1 ? n : (n + align - 1) / align * align; }

namespace {
bool lifetimes_overlap(const BufferRequest &a, const BufferRequest &b) {
  return a.first_use <= b.last_use && b.first_use <= a.last_use;
}
}  // namespace

namespace {

// Places buffers in the given order, each at the lowest offset where it
// overlaps no already-placed buffer that is live at the same time.
MemoryPlan place_in_order(const std::vector<BufferRequest> &buffers, const std::vector<size_t> &order,
                          size_t alignment) {
  MemoryPlan plan;
  plan.offsets.assign(buffers.size(), 0);
  std::vector<size_t> placed;
  for (size_t i : order) {
    size_t size = align_up(buffers[i].size, alignment);
    // Intervals [offset, end) taken by placed buffers live at the same time.
    std::vector<std::pair<size_t, size_t>> taken;
    for (size_t j : placed)
      if (lifetimes_overlap(buffers[i], buffers[j]))
        taken.emplace_back(plan.offsets[j], plan.offsets[j] + align_up(buffers[j].size, alignment));
    std::sort(taken.begin(), taken.end());
    size_t offset = 0;
    for (auto &[start, end] : taken) {
      if (offset + size <= start) break;  // fits in the gap before this one
      offset = std::max(offset, end);
    }
    plan.offsets[i] = offset;
    plan.total = std::max(plan.total, offset + size);
    placed.push_back(i);
  }
  return plan;
}

// Sorts indices by `key` (descending), ties by first use then index, so plans are deterministic.
template <typename Key>
std::vector<size_t> order_by(const std::vector<BufferRequest> &buffers, Key key) {
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    auto ka = key(buffers[a]), kb = key(buffers[b]);
    if (ka != kb) return ka > kb;
    return buffers[a].first_use < buffers[b].first_use;
  });
  return order;
}

}  // namespace

MemoryPlan plan_greedy_by_size(const std::vector<BufferRequest> &buffers, size_t alignment) {
  return place_in_order(buffers, order_by(buffers, [](const BufferRequest &b) { return b.size; }), alignment);
}

MemoryPlan plan_best_greedy(const std::vector<BufferRequest> &buffers, size_t alignment) {
  auto lifetime = [](const BufferRequest &b) { return static_cast<size_t>(b.last_use - b.first_use + 1); };
  std::vector<std::vector<size_t>> orders = {
      order_by(buffers, [](const BufferRequest &b) { return b.size; }),
      order_by(buffers, [&](const BufferRequest &b) { return b.size * lifetime(b); }),
      order_by(buffers, [&](const BufferRequest &b) { return lifetime(b); }),
      order_by(buffers, [](const BufferRequest &b) { return -static_cast<long>(b.first_use); }),
  };
  MemoryPlan best;
  for (size_t k = 0; k < orders.size(); ++k) {
    MemoryPlan plan = place_in_order(buffers, orders[k], alignment);
    if (k == 0 || plan.total < best.total) best = std::move(plan);
  }
  return best;
}

size_t live_peak(const std::vector<BufferRequest> &buffers, size_t alignment) {
  int last = 0;
  for (auto &b : buffers) last = std::max(last, b.last_use);
  size_t peak = 0;
  for (int t = 0; t <= last; ++t) {
    size_t live = 0;
    for (auto &b : buffers)
      if (b.first_use <= t && t <= b.last_use) live += align_up(b.size, alignment);
    peak = std::max(peak, live);
  }
  return peak;
}

bool plan_is_valid(const std::vector<BufferRequest> &buffers, const MemoryPlan &plan) {
  for (size_t i = 0; i < buffers.size(); ++i) {
    if (plan.offsets[i] + buffers[i].size > plan.total) return false;
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      if (!lifetimes_overlap(buffers[i], buffers[j]) || buffers[i].size == 0 || buffers[j].size == 0) continue;
      bool disjoint = plan.offsets[i] + buffers[i].size <= plan.offsets[j] ||
                      plan.offsets[j] + buffers[j].size <= plan.offsets[i];
      if (!disjoint) return false;
    }
  }
  return true;
}

}  // namespace aotc
