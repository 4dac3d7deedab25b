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

MemoryPlan plan_greedy_by_size(const std::vector<BufferRequest> &buffers, size_t alignment) {
  MemoryPlan plan;
  plan.offsets.assign(buffers.size(), 0);
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  // Largest first; ties broken by first use, then index, so the plan is deterministic.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (buffers[a].size != buffers[b].size) return buffers[a].size > buffers[b].size;
    return buffers[a].first_use < buffers[b].first_use;
  });
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
